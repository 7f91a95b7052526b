//! The local model registry (`models/` by default).
//!
//! ```text
//! models/
//!   aliases.json            {"champion": "v0003"}   (replaced atomically)
//!   versions/v0001/         model.json, the model file, metrics.json, plots, dataset manifest
//!   .staging/<unique>/      versions being written: invisible to readers
//! ```
//!
//! A version is written into `.staging/` (same filesystem), every file fsynced, then renamed into
//! `versions/` in one step, so a crash never leaves a half-written version visible and readers
//! never see partial files. Version numbers are claimed by that rename (it fails if the name
//! exists), so concurrent trainings never collide. `champion` moves only when a new version's
//! validation macro-F1 beats the champion's, or on an explicit [`promote`].
use crate::dataset::RowSpec;
use crate::error::{EngineError, Result};
use crate::features::FeatureConfig;
use crate::models::{FittedModel, ModelKind, ModelParams};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub const MODEL_CARD_FILE: &str = "model.json";
pub const ALIASES_FILE: &str = "aliases.json";
pub const CHAMPION: &str = "champion";
/// Resolves to the newest version.
pub const LATEST: &str = "latest";
const VERSIONS_DIR: &str = "versions";
const STAGING_DIR: &str = ".staging";
const LOCK_FILE: &str = "aliases.lock";

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn io<'a>(action: &str, path: &'a Path) -> impl FnOnce(std::io::Error) -> EngineError + 'a {
    let action = action.to_string();
    move |e| EngineError::io_path(&action, path, e)
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// fsyncs a directory so a rename inside it survives a crash.
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io("sync folder", dir))
}

/// Writes `bytes` to `path` atomically: a temp file in the same folder, fsync, rename, fsync the
/// folder. Readers see the old file or the new one, never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", unique_suffix()));
    let result = (|| {
        let mut f = File::create(&tmp).map_err(io("create", &tmp))?;
        f.write_all(bytes).map_err(io("write", &tmp))?;
        f.sync_all().map_err(io("sync", &tmp))?;
        fs::rename(&tmp, path).map_err(io("replace", path))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Headline metrics of a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsSummary {
    pub validation_macro_f1: f64,
    pub validation_span_f1: f64,
    pub test_macro_f1: Option<f64>,
    pub test_span_f1: Option<f64>,
    /// Macro-F1 on test of always predicting the most frequent training class.
    pub test_baseline_macro_f1: Option<f64>,
}

/// `model.json`: everything needed to use and audit a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelCard {
    pub format: u32,
    pub version: String,
    pub name: String,
    pub model_type: ModelKind,
    pub model_file: String,
    pub model_sha256: String,
    /// Class names in the model's output order (background first).
    pub class_names: Vec<String>,
    /// Pattern labels.
    pub labels: Vec<String>,
    /// Features of one candle; a row holds `rows.window` of them, oldest first.
    pub feature_names: Vec<String>,
    pub feature_config: FeatureConfig,
    pub rows: RowSpec,
    pub params: ModelParams,
    /// Boosting rounds / trees kept.
    pub rounds: u32,
    pub config_hash: String,
    pub data_hash: String,
    pub metrics: MetricsSummary,
    pub train_series: Vec<String>,
    pub test_series: Vec<String>,
    pub created_at: String,
    pub git_commit: Option<String>,
}

/// A published version as readers see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    pub version: String,
    pub dir: PathBuf,
    /// Aliases pointing at this version (`champion`).
    pub aliases: Vec<String>,
    pub card: ModelCard,
}

impl VersionInfo {
    pub fn model_path(&self) -> PathBuf {
        self.dir.join(&self.card.model_file)
    }
}

fn version_name(n: u32) -> String {
    format!("v{n:04}")
}

fn version_number(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('v').unwrap_or(name);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A version being written (under `.staging/`); publish it with [`Registry::publish`].
pub struct StagedVersion {
    pub dir: PathBuf,
    /// Set once published: the folder has moved and must not be removed.
    published: bool,
}

impl StagedVersion {
    /// Writes a file into the staged version (fsynced).
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.dir.join(name);
        let mut f = File::create(&path).map_err(io("create", &path))?;
        f.write_all(bytes).map_err(io("write", &path))?;
        f.sync_all().map_err(io("sync", &path))?;
        Ok(path)
    }
}

impl Drop for StagedVersion {
    fn drop(&mut self) {
        // Never published (error or cancel): nothing to keep.
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The outcome of publishing a version.
#[derive(Debug, Clone)]
pub struct Published {
    pub info: VersionInfo,
    pub champion_moved: bool,
    pub previous_champion: Option<String>,
}

pub struct Registry {
    root: PathBuf,
}

impl Registry {
    /// Opens a registry folder (it need not exist yet: it is then empty).
    pub fn open(root: impl Into<PathBuf>) -> Result<Registry> {
        let root = root.into();
        if root.exists() && !root.is_dir() {
            return Err(EngineError::InvalidArgument(format!(
                "registry root {} is not a folder",
                root.display()
            )));
        }
        Ok(Registry { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn versions_dir(&self) -> PathBuf {
        self.root.join(VERSIONS_DIR)
    }

    /// Alias → version.
    pub fn aliases(&self) -> Result<BTreeMap<String, String>> {
        let path = self.root.join(ALIASES_FILE);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| EngineError::CorruptModel(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(EngineError::io_path("read", &path, e)),
        }
    }

    /// Published version names, oldest first.
    fn version_names(&self) -> Result<Vec<(u32, String)>> {
        let dir = self.versions_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(EngineError::io_path("list", &dir, e)),
        };
        let mut names: Vec<(u32, String)> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                version_number(&name).map(|n| (n, name))
            })
            .collect();
        names.sort();
        Ok(names)
    }

    fn read_version(&self, name: &str, aliases: &BTreeMap<String, String>) -> Result<VersionInfo> {
        let dir = self.versions_dir().join(name);
        let card_path = dir.join(MODEL_CARD_FILE);
        let bytes = fs::read(&card_path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                EngineError::CorruptModel(format!("version {name} has no {MODEL_CARD_FILE}"))
            } else {
                EngineError::io_path("read", &card_path, e)
            }
        })?;
        let card: ModelCard = serde_json::from_slice(&bytes)
            .map_err(|e| EngineError::CorruptModel(format!("{}: {e}", card_path.display())))?;
        let mut alias_names: Vec<String> = aliases
            .iter()
            .filter(|(_, v)| *v == name)
            .map(|(a, _)| a.clone())
            .collect();
        alias_names.sort();
        Ok(VersionInfo {
            version: name.to_string(),
            dir,
            aliases: alias_names,
            card,
        })
    }

    /// Every readable version, oldest first (an unreadable `model.json` is skipped here and
    /// reported as `CorruptModel` by `resolve`).
    pub fn list(&self) -> Result<Vec<VersionInfo>> {
        let aliases = self.aliases()?;
        Ok(self
            .version_names()?
            .into_iter()
            .filter_map(|(_, name)| self.read_version(&name, &aliases).ok())
            .collect())
    }

    /// `champion`, `latest`, or a version (`v0003`, `v3`, `3`). `NoModel` when nothing is
    /// published yet, `ModelNotFound` for an unknown version or alias.
    pub fn resolve(&self, version_or_alias: &str) -> Result<VersionInfo> {
        // Aliases first: a version is published before any alias names it, so a version list read
        // after the aliases holds every version they name (read the other way round, a publish in
        // between shows a new alias with an old list).
        let aliases = self.aliases()?;
        let names = self.version_names()?;
        if names.is_empty() {
            return Err(EngineError::NoModel(format!(
                " (registry {} is empty)",
                self.root.display()
            )));
        }
        let wanted = version_or_alias.trim();
        let name = if wanted == LATEST {
            names.last().map(|(_, n)| n.clone())
        } else if let Some(target) = aliases.get(wanted) {
            Some(target.clone())
        } else if let Some(n) = version_number(wanted) {
            names.iter().find(|(m, _)| *m == n).map(|(_, name)| name.clone())
        } else {
            None
        };
        let name = name.ok_or_else(|| {
            EngineError::ModelNotFound(format!(
                "'{wanted}' is no version or alias in {} (versions {}..{})",
                self.root.display(),
                names.first().map(|(_, n)| n.as_str()).unwrap_or(""),
                names.last().map(|(_, n)| n.as_str()).unwrap_or("")
            ))
        })?;
        if !names.iter().any(|(_, n)| *n == name) {
            return Err(EngineError::ModelNotFound(format!(
                "alias '{wanted}' points at missing version {name}"
            )));
        }
        self.read_version(&name, &aliases)
    }

    /// Loads a version's model, checking the file against the hash in `model.json` first, so a
    /// damaged file is `CorruptModel` before the library ever parses it.
    pub fn load_model(&self, info: &VersionInfo) -> Result<Box<dyn FittedModel>> {
        let file = &info.card.model_file;
        if file.is_empty() || file.contains(['/', '\\']) || file.starts_with('.') {
            return Err(EngineError::CorruptModel(format!(
                "model.json names an invalid model file '{file}'"
            )));
        }
        let path = info.model_path();
        let bytes = fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                EngineError::CorruptModel(format!("{} is missing", path.display()))
            } else {
                EngineError::io_path("read model", &path, e)
            }
        })?;
        if sha256_hex(&bytes) != info.card.model_sha256 {
            return Err(EngineError::CorruptModel(format!(
                "{} does not match the SHA-256 recorded in model.json",
                path.display()
            )));
        }
        crate::models::model_from_bytes(info.card.model_type, &bytes, info.card.class_names.len())
    }

    /// A fresh staging folder for a new version. Staging folders left by crashed runs (older
    /// than an hour) are removed on the way.
    pub fn stage(&self) -> Result<StagedVersion> {
        let staging = self.root.join(STAGING_DIR);
        fs::create_dir_all(&staging).map_err(io("create", &staging))?;
        if let Ok(entries) = fs::read_dir(&staging) {
            for e in entries.flatten() {
                let stale = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > Duration::from_secs(3600));
                if stale {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = staging.join(unique_suffix());
        fs::create_dir(&dir).map_err(io("create", &dir))?;
        Ok(StagedVersion { dir, published: false })
    }

    /// Publishes a staged version: claims the next version number, writes `model.json`, renames
    /// the folder into `versions/` atomically, then moves `champion` if this version's validation
    /// macro-F1 beats the champion's (or there is none).
    pub fn publish(&self, mut staged: StagedVersion, mut card: ModelCard) -> Result<Published> {
        let versions = self.versions_dir();
        fs::create_dir_all(&versions).map_err(io("create", &versions))?;
        let mut attempt = 0;
        let name = loop {
            let next = self.version_names()?.last().map_or(1, |(n, _)| n + 1);
            let name = version_name(next);
            card.version = name.clone();
            let json = serde_json::to_vec_pretty(&card).map_err(|e| EngineError::Internal(e.to_string()))?;
            staged.write_file(MODEL_CARD_FILE, &json)?;
            sync_dir(&staged.dir)?;
            let target = versions.join(&name);
            // rename(2) onto an existing non-empty folder fails: that is how the number is claimed.
            match fs::rename(&staged.dir, &target) {
                Ok(()) => break name,
                Err(_) if target.exists() && attempt < 100 => attempt += 1,
                Err(e) => return Err(EngineError::io_path("publish version", &target, e)),
            }
        };
        staged.published = true;
        sync_dir(&versions)?;

        let new_f1 = card.metrics.validation_macro_f1;
        let (champion_moved, previous_champion) = self.update_aliases(|aliases, reg| {
            let previous = aliases.get(CHAMPION).cloned();
            let current_f1 = previous
                .as_deref()
                .and_then(|v| reg.resolve(v).ok())
                .map(|v| v.card.metrics.validation_macro_f1);
            let moves = current_f1.is_none_or(|f1| new_f1 > f1);
            if moves {
                aliases.insert(CHAMPION.to_string(), name.clone());
            }
            Ok((moves, previous))
        })?;
        let info = self.resolve(&name)?;
        Ok(Published {
            info,
            champion_moved,
            previous_champion,
        })
    }

    /// Points `champion` at `version`.
    pub fn promote(&self, version: &str) -> Result<VersionInfo> {
        let target = self.resolve(version)?;
        let name = target.version.clone();
        self.update_aliases(|aliases, _| {
            aliases.insert(CHAMPION.to_string(), name.clone());
            Ok(())
        })?;
        self.resolve(&name)
    }

    /// Read-modify-write of `aliases.json` under a lock file, replaced atomically.
    fn update_aliases<T>(&self, f: impl FnOnce(&mut BTreeMap<String, String>, &Registry) -> Result<T>) -> Result<T> {
        fs::create_dir_all(&self.root).map_err(io("create", &self.root))?;
        let _lock = AliasLock::acquire(&self.root.join(LOCK_FILE))?;
        let mut aliases = self.aliases()?;
        let out = f(&mut aliases, self)?;
        let json = serde_json::to_vec_pretty(&aliases).map_err(|e| EngineError::Internal(e.to_string()))?;
        write_atomic(&self.root.join(ALIASES_FILE), &json)?;
        Ok(out)
    }
}

/// `registry::promote(root, version)`: see [`Registry::promote`].
pub fn promote(root: &Path, version: &str) -> Result<VersionInfo> {
    Registry::open(root)?.promote(version)
}

/// An exclusive lock held by creating a file (`create_new` is atomic). A lock older than 30 s
/// belongs to a crashed writer and is broken.
struct AliasLock {
    path: PathBuf,
}

impl AliasLock {
    fn acquire(path: &Path) -> Result<AliasLock> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match fs::OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(_) => {
                    return Ok(AliasLock {
                        path: path.to_path_buf(),
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > Duration::from_secs(30));
                    if stale {
                        let _ = fs::remove_file(path);
                        continue;
                    }
                    if std::time::Instant::now() > deadline {
                        return Err(EngineError::io_path(
                            "lock",
                            path,
                            std::io::Error::new(std::io::ErrorKind::TimedOut, "another writer holds the registry lock"),
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(EngineError::io_path("lock", path, e)),
            }
        }
    }
}

impl Drop for AliasLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}
