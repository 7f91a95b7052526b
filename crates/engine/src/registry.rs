//! The local model registry (`models/` by default).
//!
//! ```text
//! models/
//!   aliases.json            {"champion": "v0003"}   (replaced atomically)
//!   versions/v0001/         model.json, the model file, metrics.json, plots, dataset manifest
//!   .staging/<unique>/      versions being written: invisible to readers
//!   .staging/<unique>.lock  held (flock) by the writing process while <unique>/ is written
//! ```
//!
//! A version is written into `.staging/` (same filesystem), every file fsynced, then renamed into
//! `versions/` in one step, so a crash never leaves a half-written version visible and readers
//! never see partial files. Version numbers are claimed by that rename (it fails if the name
//! exists), so concurrent trainings never collide. `champion` moves only when a new version's
//! validation macro-F1 beats the champion's, or on an explicit [`promote`].
//!
//! Damage never makes intact versions unreachable: `aliases.json` is read leniently (a garbage
//! file costs the aliases, not the versions: [`Registry::alias_table`]), an unreadable
//! `model.json` hides only its own version, and a staging folder whose writer died (its lock is
//! free) is removed by the next [`Registry::clean_staging`] (a server start, or the next training).
pub mod check;
mod lock;

pub use lock::{LockOwner, RegistryLock, LOCK_TIMEOUT, LOCK_WAIT};

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
    hex_digest(Sha256::new_with_prefix(bytes))
}

/// The lower-case hex SHA-256 of what `hasher` was fed (for content hashed as it streams).
pub fn hex_digest(hasher: Sha256) -> String {
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn io<'a>(action: &str, path: &'a Path) -> impl FnOnce(std::io::Error) -> EngineError + 'a {
    let action = action.to_string();
    move |e| EngineError::io_path(&action, path, e)
}

/// A name suffix no other call (in this or another process) gets: pid, clock, counter.
pub(crate) fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// fsyncs a directory so a rename inside it survives a crash.
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io("sync folder", dir))
}

/// Writes `bytes` to `path` atomically: a temp file in the same folder, fsync, rename, fsync the
/// folder. Readers see the old file or the new one, never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |f, tmp| f.write_all(bytes).map_err(io("write", tmp)))
}

/// [`write_atomic`] for content produced a piece at a time: `write` gets the temp file (and its
/// path, for error messages) and streams into it; the file replaces `path` only when `write`
/// succeeds. Returns what `write` returned.
pub fn write_atomic_with<T>(path: &Path, write: impl FnOnce(&mut File, &Path) -> Result<T>) -> Result<T> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", unique_suffix()));
    let result = (|| {
        let mut f = File::create(&tmp).map_err(io("create", &tmp))?;
        let value = write(&mut f, &tmp)?;
        f.sync_all().map_err(io("sync", &tmp))?;
        fs::rename(&tmp, path).map_err(io("replace", path))?;
        sync_dir(dir)?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Headline metrics of a version. `*PatternF1` (per-pattern macro-F1 at each pattern's last
/// candle, background excluded), `*BalancedAccuracy` (per candle) and `*SpanF1` (IoU >= 0.5) are
/// the figures to compare; `*MacroF1` is the row classifier's macro-F1 over its classes
/// (background and B-/I-/E- tags included). Versions trained before the pattern figures existed
/// lack them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MetricsSummary {
    pub validation_macro_f1: f64,
    pub validation_span_f1: f64,
    pub test_macro_f1: Option<f64>,
    pub test_span_f1: Option<f64>,
    /// Macro-F1 on test of always predicting the most frequent training class.
    pub test_baseline_macro_f1: Option<f64>,
    #[serde(default)]
    pub validation_pattern_f1: Option<f64>,
    #[serde(default)]
    pub validation_balanced_accuracy: Option<f64>,
    #[serde(default)]
    pub test_pattern_f1: Option<f64>,
    #[serde(default)]
    pub test_balanced_accuracy: Option<f64>,
    /// Share of matched test spans whose start and end are both exactly right.
    #[serde(default)]
    pub test_exact_boundary_share: Option<f64>,
}

impl MetricsSummary {
    /// Whether a version with these metrics beats one with `other`: on validation per-pattern
    /// macro-F1 when both have it, else on the row classifier's validation macro-F1.
    pub fn beats(&self, other: &MetricsSummary) -> bool {
        match (self.validation_pattern_f1, other.validation_pattern_f1) {
            (Some(a), Some(b)) => a > b,
            _ => self.validation_macro_f1 > other.validation_macro_f1,
        }
    }
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
    /// How rows become spans again (`end` encoding: learnt lengths and calibrated thresholds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoder: Option<crate::evaluation::SpanDecoder>,
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

/// One line of the registry's listing (`listModels`, `modelVersion`): what a picker shows.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ModelVersionSummary")]
pub struct VersionSummary {
    pub version: String,
    #[serde(rename = "type")]
    pub model_type: ModelKind,
    pub aliases: Vec<String>,
    pub trained_at: String,
    pub labels: Vec<String>,
    pub summary: MetricsSummary,
}

impl From<&VersionInfo> for VersionSummary {
    fn from(v: &VersionInfo) -> Self {
        VersionSummary {
            version: v.version.clone(),
            model_type: v.card.model_type,
            aliases: v.aliases.clone(),
            trained_at: v.card.created_at.clone(),
            labels: v.card.labels.clone(),
            summary: v.card.metrics.clone(),
        }
    }
}

fn version_name(n: u32) -> String {
    format!("v{n:04}")
}

/// True for a version name (`v0003`, `v3`, `3`) as opposed to an alias.
pub fn is_version_name(name: &str) -> bool {
    version_number(name.trim()).is_some()
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
    /// The held lock file that tells [`Registry::clean_staging`] this folder is being written.
    lock: Option<(File, PathBuf)>,
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
        // The lock file goes last, while still held (closing the file releases it).
        if let Some((_, path)) = self.lock.take() {
            let _ = fs::remove_file(path);
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

/// `aliases.json` as [`Registry::alias_table`] reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AliasTable {
    pub aliases: BTreeMap<String, String>,
    /// Why (part of) the file was ignored, when it is damaged.
    pub damage: Option<String>,
}

/// True when no process holds the lock file at `path` (taking it succeeds; it is released at once).
fn lock_is_free(path: &Path) -> bool {
    match File::open(path) {
        Ok(file) => file.try_lock().is_ok(),
        Err(_) => false,
    }
}

pub struct Registry {
    root: PathBuf,
}

impl Registry {
    /// Opens a registry folder (it need not exist yet: it is then empty).
    pub fn open(root: impl Into<PathBuf>) -> Result<Registry> {
        let root = root.into();
        if root.exists() && !root.is_dir() {
            return Err(EngineError::InvalidArgument(format!("registry root {} is not a folder", root.display())));
        }
        Ok(Registry { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn versions_dir(&self) -> PathBuf {
        self.root.join(VERSIONS_DIR)
    }

    /// Alias → version, read leniently: see [`Registry::alias_table`].
    pub fn aliases(&self) -> Result<BTreeMap<String, String>> {
        Ok(self.alias_table().aliases)
    }

    /// `aliases.json` read leniently. A missing file is an empty table; an unreadable or
    /// unparseable one, or one that is not a JSON object, is an empty table with `damage` saying
    /// why; entries whose value is not a version name are dropped (and reported). Versions stay
    /// reachable by name whatever the file holds; the next alias update rewrites it whole.
    pub fn alias_table(&self) -> AliasTable {
        let path = self.root.join(ALIASES_FILE);
        let damaged = |why: String| AliasTable { aliases: BTreeMap::new(), damage: Some(why) };
        // Read through the one file-reading module (regular file, size cap).
        let bytes = match crate::files::read_optional(&path, crate::files::ALIASES) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return AliasTable::default(),
            Err(e) => return damaged(format!("{ALIASES_FILE} cannot be read: {e}")),
        };
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => return damaged(format!("{ALIASES_FILE} is not valid JSON: {e}")),
        };
        let Some(object) = value.as_object() else {
            return damaged(format!("{ALIASES_FILE} is not a JSON object"));
        };
        let mut table = AliasTable::default();
        for (alias, target) in object {
            match target.as_str().filter(|t| version_number(t).is_some()) {
                Some(t) => {
                    table.aliases.insert(alias.clone(), t.to_string());
                }
                None => table.damage = Some(format!("{ALIASES_FILE}: alias '{alias}' names no version ({target})")),
            }
        }
        table
    }

    /// Published version names, oldest first.
    fn version_names(&self) -> Result<Vec<(u32, String)>> {
        let dir = self.versions_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(EngineError::io_path("list", &dir, e)),
        };
        // Every prediction resolves its version here: each entry's type comes from the listing
        // itself, not a `stat` per version (a symlink is followed, as `is_dir` does).
        let mut names: Vec<(u32, String)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let n = version_number(&name)?;
                let folder = match e.file_type() {
                    Ok(kind) if !kind.is_symlink() => kind.is_dir(),
                    _ => e.path().is_dir(),
                };
                folder.then_some((n, name))
            })
            .collect();
        names.sort();
        Ok(names)
    }

    fn read_version(&self, name: &str, aliases: &BTreeMap<String, String>) -> Result<VersionInfo> {
        let dir = self.versions_dir().join(name);
        let card_path = dir.join(MODEL_CARD_FILE);
        let bytes = crate::files::read_optional(&card_path, crate::files::MODEL_CARD)?
            .ok_or_else(|| EngineError::CorruptModel(format!("version {name} has no {MODEL_CARD_FILE}")))?;
        let card: ModelCard = serde_json::from_slice(&bytes)
            .map_err(|e| EngineError::CorruptModel(format!("{}: {e}", card_path.display())))?;
        let mut alias_names: Vec<String> = aliases.iter().filter(|(_, v)| *v == name).map(|(a, _)| a.clone()).collect();
        alias_names.sort();
        Ok(VersionInfo { version: name.to_string(), dir, aliases: alias_names, card })
    }

    /// Every readable version, oldest first (an unreadable `model.json` is skipped here and
    /// reported as `CorruptModel` by `resolve`).
    pub fn list(&self) -> Result<Vec<VersionInfo>> {
        let aliases = self.aliases()?;
        Ok(self.version_names()?.into_iter().filter_map(|(_, name)| self.read_version(&name, &aliases).ok()).collect())
    }

    /// The files [`Registry::resolve`] reads to resolve a name to `info`'s version: `aliases.json`,
    /// the versions folder (its listing) and the version's card. While none of them changes, the
    /// name resolves the same (`ModelServer` reuses a resolution on that condition).
    pub fn resolution_inputs(&self, info: &VersionInfo) -> [PathBuf; 3] {
        [self.root.join(ALIASES_FILE), self.versions_dir(), info.dir.join(MODEL_CARD_FILE)]
    }

    /// `champion`, `latest`, or a version (`v0003`, `v3`, `3`). `NoModel` when nothing is
    /// published yet, `ModelNotFound` for an unknown version or alias, `CorruptModel` for a
    /// version whose `model.json` is unreadable, or for `champion` when `aliases.json` is damaged
    /// (versions by name still resolve then).
    pub fn resolve(&self, version_or_alias: &str) -> Result<VersionInfo> {
        // Aliases first: a version is published before any alias names it, so a version list read
        // after the aliases holds every version they name (read the other way round, a publish in
        // between shows a new alias with an old list).
        let table = self.alias_table();
        let aliases = &table.aliases;
        let names = self.version_names()?;
        if names.is_empty() {
            return Err(EngineError::NoModel(format!(" (registry {} is empty)", self.root.display())));
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
        let name = match (name, &table.damage) {
            (Some(name), _) => name,
            (None, Some(damage)) if wanted == CHAMPION => {
                return Err(EngineError::CorruptModel(format!("'{wanted}' is unknown because {damage}")))
            }
            (None, _) => {
                return Err(EngineError::ModelNotFound(format!(
                    "'{wanted}' is no version or alias in {} (versions {}..{})",
                    self.root.display(),
                    names.first().map(|(_, n)| n.as_str()).unwrap_or(""),
                    names.last().map(|(_, n)| n.as_str()).unwrap_or("")
                )))
            }
        };
        if !names.iter().any(|(_, n)| *n == name) {
            return Err(EngineError::ModelNotFound(format!("alias '{wanted}' points at missing version {name}")));
        }
        self.read_version(&name, aliases)
    }

    /// The version an alias names now (`latest`: the newest version folder), without reading it;
    /// `None` for an unknown alias or when `aliases.json` is damaged.
    pub fn target_of(&self, alias: &str) -> Option<String> {
        if alias == LATEST {
            return self.version_names().ok()?.pop().map(|(_, name)| name);
        }
        self.alias_table().aliases.get(alias).cloned()
    }

    /// Loads a version's model: the card is checked in itself first ([`check::check_card`]),
    /// the file against the hash in `model.json` (so a damaged file is `CorruptModel` before the
    /// library ever parses it), and the loaded model against the card ([`check::check_model`]).
    pub fn load_model(&self, info: &VersionInfo) -> Result<Box<dyn FittedModel>> {
        check::check_card(&info.card)?;
        let file = &info.card.model_file;
        if file.is_empty() || file.contains(['/', '\\']) || file.starts_with('.') {
            return Err(EngineError::CorruptModel(format!("model.json names an invalid model file '{file}'")));
        }
        let path = info.model_path();
        let bytes = crate::files::read_optional(&path, crate::files::MODEL)?
            .ok_or_else(|| EngineError::CorruptModel(format!("{} is missing", path.display())))?;
        if sha256_hex(&bytes) != info.card.model_sha256 {
            return Err(EngineError::CorruptModel(format!(
                "{} does not match the SHA-256 recorded in model.json",
                path.display()
            )));
        }
        let model = crate::models::model_from_bytes(info.card.model_type, &bytes, info.card.class_names.len())?;
        check::check_model(&info.card, model.as_ref())?;
        Ok(model)
    }

    /// A fresh staging folder for a new version, held by this process through its lock file
    /// until it is published or dropped. Folders abandoned by crashed runs are removed first.
    pub fn stage(&self) -> Result<StagedVersion> {
        let staging = self.root.join(STAGING_DIR);
        fs::create_dir_all(&staging).map_err(io("create", &staging))?;
        self.clean_staging();
        let id = unique_suffix();
        // The lock before the folder: a cleaner that sees the folder always finds it held.
        let lock_path = staging.join(format!("{id}.lock"));
        let lock = File::create(&lock_path).map_err(io("create", &lock_path))?;
        lock.lock().map_err(io("lock", &lock_path))?;
        let dir = staging.join(&id);
        if let Err(e) = fs::create_dir(&dir) {
            let _ = fs::remove_file(&lock_path);
            return Err(EngineError::io_path("create", &dir, e));
        }
        Ok(StagedVersion { dir, lock: Some((lock, lock_path)), published: false })
    }

    /// Removes staging folders whose writer is gone: their lock file is not held by any process
    /// (a training killed mid-write), or, for a folder without one, it is older than an hour.
    /// Folders of live writers, in this process or another, stay. Returns how many were removed;
    /// clean-up is best effort (a folder that cannot be removed is left for the next time).
    pub fn clean_staging(&self) -> usize {
        let staging = self.root.join(STAGING_DIR);
        let Ok(entries) = fs::read_dir(&staging) else { return 0 };
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(id) = name.strip_suffix(".lock") {
                // A lock whose folder is gone (crash between the two removals).
                if !staging.join(id).exists() && lock_is_free(&path) {
                    let _ = fs::remove_file(&path);
                }
                continue;
            }
            if !path.is_dir() {
                continue;
            }
            let lock_path = staging.join(format!("{name}.lock"));
            let abandoned = if lock_path.exists() {
                lock_is_free(&lock_path)
            } else {
                entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > Duration::from_secs(3600))
            };
            if abandoned && fs::remove_dir_all(&path).is_ok() {
                let _ = fs::remove_file(&lock_path);
                removed += 1;
            }
        }
        removed
    }

    /// Publishes a staged version: claims the next version number, writes `model.json`, renames
    /// the folder into `versions/` atomically, then moves `champion` if this version's validation
    /// metrics beat the champion's ([`MetricsSummary::beats`]) or there is none.
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

        let new_metrics = card.metrics.clone();
        let (champion_moved, previous_champion) = self.update_aliases(|aliases, reg| {
            let previous = aliases.get(CHAMPION).cloned();
            let current = previous.as_deref().and_then(|v| reg.resolve(v).ok()).map(|v| v.card.metrics);
            let moves = current.is_none_or(|m| new_metrics.beats(&m));
            if moves {
                aliases.insert(CHAMPION.to_string(), name.clone());
            }
            Ok((moves, previous))
        })?;
        let info = self.resolve(&name)?;
        Ok(Published { info, champion_moved, previous_champion })
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

    /// Read-modify-write of `aliases.json` under a lock file, replaced atomically (a damaged
    /// file is read as what survives of it, so the write repairs it).
    fn update_aliases<T>(&self, f: impl FnOnce(&mut BTreeMap<String, String>, &Registry) -> Result<T>) -> Result<T> {
        fs::create_dir_all(&self.root).map_err(io("create", &self.root))?;
        let _lock = lock::RegistryLock::acquire(&self.root.join(LOCK_FILE))?;
        let mut aliases = self.alias_table().aliases;
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
