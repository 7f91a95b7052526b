//! Serving registered models in-process: resolve a version or alias on every call (so a moved
//! `champion` is served at once), load each version once and share it between concurrent calls,
//! and turn per-candle probabilities back into labelled spans.
//!
//! Resolving reads `aliases.json`, the versions folder and the version's card: 0.03 ms in a
//! quiet process, 0.07 ms of a prediction's 0.6 in a busy web server. So a resolution is reused
//! while a `stat` of each of those files (and of the model file) finds them unchanged: size,
//! modification and status-change times, inode. Files changed within [`SETTLE_TIME`] of being
//! read are not trusted that way, as git treats a racily clean index: a file system stamps times
//! in ticks (milliseconds on Linux, seconds on others), and a second write within the tick of the
//! first could leave every field as it was.
//!
//! A damaged alias target does not stop serving: when `champion` (or another alias) resolves to a
//! version that cannot be loaded, or cannot be resolved because `aliases.json` is damaged, the
//! newest intact version answers instead and the result says so ([`ModelFallback`]). A version
//! asked for by name is served exactly or not at all. Damage made after a version was loaded is
//! noticed on the next call (its files' size and modification time are checked each time).
use crate::candles::Candles;
use crate::columns::{check_indexable, SpanColumns};
use crate::dataset::{columns_for_targets, rows_with_context, RowSpec};
use crate::error::{EngineError, Result};
use crate::evaluation::{decode, window_suffices};
use crate::features::{compute_planned, FeatureFrame, FeaturePlan};
use crate::models::{FittedModel, Probabilities};
use crate::registry::{is_version_name, ModelCard, Registry, VersionInfo, CHAMPION};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

/// How long a registry file must have been unchanged before a stamp of it is trusted to show the
/// next change (see the module's comment). Seconds, for file systems that stamp whole seconds.
pub const SETTLE_TIME: Duration = Duration::from_secs(3);

/// Names whose resolutions are kept; past this many the kept ones are dropped (a caller could
/// otherwise grow the table with `v1`, `v01`, `v001`…).
const MAX_KEPT_RESOLUTIONS: usize = 64;

#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct PredictOptions {
    /// A version (`v0003`, `3`) or alias (`champion`, `latest`); `champion` by default.
    pub model: Option<String>,
    /// Drop spans whose confidence is below this (0..=1).
    pub min_confidence: Option<f64>,
    /// Keep only spans with these labels.
    pub labels: Option<Vec<String>>,
    /// Also return per-candle probabilities, entropy and margin.
    #[serde(default)]
    #[ts(optional, as = "Option<bool>")]
    pub per_candle: bool,
    /// Shortest span (candles) to report; 1 by default.
    pub min_length: Option<usize>,
    /// The model registry folder; `$CANDLE_MODELS_DIR` or `./models` by default.
    pub registry: Option<PathBuf>,
    /// Only the spans that overlap these candles are wanted: the candles around them are context
    /// (a stored dataset's time range, read with the feature warm-up and candles beyond its
    /// edges). Their candles are scored only as far as the spans overlapping the focus reach,
    /// and features computed only up to the last candle scored; those spans come out as scoring
    /// every candle would give them, and spans that do not overlap the focus are left out.
    /// Per-candle output is NaN for candles not scored.
    pub focus: Option<CandleFocus>,
}

/// Candles `start..start + count` of a request (see [`PredictOptions::focus`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CandleFocus {
    pub start: usize,
    pub count: usize,
}

/// Rows scored on each side of a focus at first, and added to a side (doubling) until the spans
/// overlapping the focus are settled: most spans are a few candles long, and a second round of
/// scoring costs more than a few rows scored in vain.
const FOCUS_MARGIN_ROWS: usize = 32;

impl PredictOptions {
    /// The registry folder these options name, or the default one.
    pub fn registry_root(&self) -> PathBuf {
        self.registry.clone().unwrap_or_else(default_registry_root)
    }
}

/// Predicted spans as columns (see [`crate::columns`]): `spans.labels` lists the model's
/// labels, span `i` has mean probability `confidence[i]` of its label over its candles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PredictedSpans {
    pub spans: SpanColumns,
    pub confidence: Vec<f64>,
}

impl PredictedSpans {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// Per-candle model output as columns, one value per candle; NaN where a candle has no
/// prediction (warm-up, look-ahead).
#[derive(Debug, Clone, PartialEq)]
pub struct PerCandle {
    pub class_names: Vec<String>,
    /// One column per class: `probabilities[c][i]` is class `c`'s probability at candle `i`.
    pub probabilities: Vec<Vec<f64>>,
    /// Shannon entropy of the class distribution (nats): high = uncertain.
    pub entropy: Vec<f64>,
    /// Top-1 minus top-2 probability: low = uncertain.
    pub margin: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelRef {
    pub name: String,
    pub version: String,
    #[serde(rename = "type")]
    pub model_type: crate::models::ModelKind,
    pub trained_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub spans: PredictedSpans,
    pub per_candle: Option<PerCandle>,
    pub model: ModelRef,
    /// Present when the requested alias could not be served and another version answered.
    pub fallback: Option<ModelFallback>,
}

/// Why the version that answered is not the one the alias names.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelFallback {
    /// The alias asked for (`champion` by default).
    pub requested: String,
    /// The version the alias names, when known (unknown when `aliases.json` is damaged).
    pub unavailable_version: Option<String>,
    /// The error code that made it unusable (`CORRUPT_MODEL`, `MODEL_NOT_FOUND`, `IO_ERROR`).
    pub code: String,
    /// What is wrong with it (file names relative to the registry).
    pub reason: String,
    /// The version serving instead: the newest intact one.
    pub served_version: String,
}

/// A loaded model and, when it stands in for a damaged alias target, why.
pub struct Served {
    pub model: Arc<LoadedModel>,
    pub fallback: Option<ModelFallback>,
}

/// Rows scored per block: the feature rows of one block are built, scored and dropped before
/// the next, so a prediction over millions of candles never holds their whole row matrix
/// (`window` times the feature frame, in f32).
pub const PREDICT_BLOCK_ROWS: usize = 65_536;

/// A loaded version, shared by every call that resolves to it.
pub struct LoadedModel {
    pub info: VersionInfo,
    model: Box<dyn FittedModel>,
    /// Candles a request needs for the first prediction (computed once, at load).
    min_candles: usize,
    /// The model file as it was when loaded: a change means the file was rewritten or damaged.
    stamp: Option<FileStamp>,
}

/// What one `stat` says of a file: cheap to read on every call, and changed by any write. On
/// Unix also its inode (a file replaced by a rename is another) and status-change time (which
/// no one can set back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
    #[cfg(unix)]
    changed: (i64, i64),
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| FileStamp {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            inode: (m.dev(), m.ino()),
            #[cfg(unix)]
            changed: (m.ctime(), m.ctime_nsec()),
        })
    }

    /// Whether the file's last change (write, rename, metadata) was before `cutoff`.
    fn settled_before(&self, cutoff: SystemTime) -> bool {
        #[cfg(unix)]
        let changed = match self.changed {
            (secs, nanos) if secs >= 0 => {
                SystemTime::UNIX_EPOCH + Duration::new(secs as u64, nanos.clamp(0, 999_999_999) as u32) < cutoff
            }
            _ => false,
        };
        #[cfg(not(unix))]
        let changed = true;
        changed && self.modified.is_some_and(|t| t < cutoff)
    }
}

/// A version that failed to load: its model file and card then, and why.
type Failure = (Option<FileStamp>, ModelCard, EngineError);

/// A name's resolution, reused while its registry files stamp as they did.
struct Resolution {
    /// [`Registry::resolution_inputs`], then the model file.
    files: [PathBuf; 4],
    stamps: [Option<FileStamp>; 4],
    model: Arc<LoadedModel>,
}

impl Resolution {
    fn unchanged(&self) -> bool {
        self.files.iter().zip(&self.stamps).all(|(file, stamp)| FileStamp::of(file) == *stamp)
    }
}

/// The models of one registry directory.
pub struct ModelServer {
    registry: Registry,
    loaded: Mutex<HashMap<String, Arc<LoadedModel>>>,
    /// Versions whose model failed to load, with the model file and card as they were then:
    /// skipped while looking for a fallback until either changes (so a damaged version is not
    /// re-hashed every call).
    failed: Mutex<HashMap<String, Failure>>,
    /// Names resolved from files that had settled (see the module's comment).
    resolutions: Mutex<HashMap<String, Arc<Resolution>>>,
    settle_time: Duration,
}

/// The registry a call uses when it names none: `$CANDLE_MODELS_DIR`, else `models/` under the
/// working directory.
pub fn default_registry_root() -> PathBuf {
    std::env::var_os("CANDLE_MODELS_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("models"))
}

/// One server per registry root for the whole process, so the addon's calls share loaded models.
pub fn server_for(root: &Path) -> Result<Arc<ModelServer>> {
    static SERVERS: OnceLock<Mutex<HashMap<PathBuf, Arc<ModelServer>>>> = OnceLock::new();
    let mut servers = SERVERS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(server) = servers.get(root) {
        return Ok(server.clone());
    }
    let server = Arc::new(ModelServer::open(root)?);
    servers.insert(root.to_path_buf(), server.clone());
    Ok(server)
}

/// A load failure kept to report again: the variants [`ModelServer::load`] records.
fn copy_error(e: &EngineError) -> EngineError {
    match e {
        EngineError::CorruptModel(m) => EngineError::CorruptModel(m.clone()),
        EngineError::Io { context, source } => {
            EngineError::io(context.clone(), std::io::Error::new(source.kind(), source.to_string()))
        }
        other => EngineError::Internal(other.to_string()),
    }
}

impl ModelServer {
    /// Serves the registry at `root`; staging folders abandoned by crashed trainings are removed.
    pub fn open(root: &Path) -> Result<Self> {
        let registry = Registry::open(root)?;
        registry.clean_staging();
        Ok(ModelServer {
            registry,
            loaded: Mutex::new(HashMap::new()),
            failed: Mutex::new(HashMap::new()),
            resolutions: Mutex::new(HashMap::new()),
            settle_time: SETTLE_TIME,
        })
    }

    /// This server with another [`SETTLE_TIME`]. Zero trusts every stamp at once: for tests, which
    /// change the registry's files between calls but never within one.
    pub fn with_settle_time(mut self, settle_time: Duration) -> Self {
        self.settle_time = settle_time;
        self
    }

    /// Whether a call for `version_or_alias` now would reuse an earlier resolution (after a
    /// `stat` of its files) rather than read the registry's files again.
    pub fn reuses_resolution(&self, version_or_alias: &str) -> bool {
        let kept = self.resolutions().get(version_or_alias.trim()).cloned();
        kept.is_some_and(|r| r.unchanged())
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Resolves `version_or_alias` now and returns exactly that version, loading it on first use
    /// (and again when its model file changed since). An earlier resolution of the same name is
    /// reused while its files are unchanged (see the module's comment).
    pub fn get(&self, version_or_alias: &str) -> Result<Arc<LoadedModel>> {
        let wanted = version_or_alias.trim();
        let kept = self.resolutions().get(wanted).cloned();
        if let Some(kept) = kept {
            if kept.unchanged() {
                return Ok(kept.model.clone());
            }
            self.resolutions().remove(wanted);
        }
        let info = self.registry.resolve(wanted)?;
        let [aliases, versions, card] = self.registry.resolution_inputs(&info);
        let model_file = info.model_path();
        // Stamped after reading: a change made meanwhile is younger than the settle time, and
        // such a resolution is not kept.
        let model = self.load(info)?;
        let stamps = [FileStamp::of(&aliases), FileStamp::of(&versions), FileStamp::of(&card), model.stamp];
        let files = [aliases, versions, card, model_file];
        let cutoff = SystemTime::now().checked_sub(self.settle_time);
        if cutoff.is_some_and(|cutoff| stamps.iter().all(|s| s.is_some_and(|s| s.settled_before(cutoff)))) {
            let mut kept = self.resolutions();
            if kept.len() >= MAX_KEPT_RESOLUTIONS {
                kept.clear();
            }
            kept.insert(wanted.to_string(), Arc::new(Resolution { files, stamps, model: model.clone() }));
        }
        Ok(model)
    }

    /// Like [`ModelServer::get`], but an alias whose version cannot be served falls back to the
    /// newest intact version, and says so. A version named explicitly never falls back.
    pub fn serve(&self, version_or_alias: &str) -> Result<Served> {
        let wanted = version_or_alias.trim();
        let error = match self.get(wanted) {
            Ok(model) => return Ok(Served { model, fallback: None }),
            Err(e) => e,
        };
        if !falls_back(wanted, &error) {
            return Err(error);
        }
        let unavailable = self.registry.target_of(wanted);
        let mut candidates = self.registry.list()?;
        candidates.reverse();
        for info in candidates {
            if unavailable.as_deref() == Some(info.version.as_str()) {
                continue;
            }
            let version = info.version.clone();
            if let Ok(model) = self.load(info) {
                let fallback = ModelFallback {
                    requested: wanted.to_string(),
                    unavailable_version: unavailable,
                    code: error.code().to_string(),
                    reason: self.relative(&detail(&error)),
                    served_version: version,
                };
                return Ok(Served { model, fallback: Some(fallback) });
            }
        }
        Err(error)
    }

    /// `info`'s model from the cache while its card and model file are unchanged, else loaded
    /// (hash-checked). A version that failed to load is not read again until its model file or
    /// card changes.
    fn load(&self, info: VersionInfo) -> Result<Arc<LoadedModel>> {
        let stamp = FileStamp::of(&info.model_path());
        if let Some(found) = self.cache().get(&info.version) {
            if found.info.card == info.card && found.stamp == stamp {
                return Ok(found.clone());
            }
        }
        if let Some((failed_stamp, failed_card, error)) = self.failures().get(&info.version) {
            if stamp.is_some() && *failed_stamp == stamp && *failed_card == info.card {
                return Err(copy_error(error));
            }
        }
        let version = info.version.clone();
        // Load outside the lock: a slow load must not stall calls for other versions.
        let loaded = self.registry.load_model(&info).and_then(|model| Ok((model, min_candles(&info)?)));
        match loaded {
            Ok((model, min_candles)) => {
                let loaded = Arc::new(LoadedModel { info, model, min_candles, stamp });
                self.failures().remove(&version);
                let mut cache = self.cache();
                let entry = cache.entry(version).or_insert_with(|| loaded.clone());
                if entry.stamp != loaded.stamp || entry.info.card != loaded.info.card {
                    *entry = loaded;
                }
                Ok(entry.clone())
            }
            Err(e) => {
                // Damaged since it was loaded: the copy in memory is no longer what the registry holds.
                self.cache().remove(&version);
                if matches!(e, EngineError::CorruptModel(_) | EngineError::Io { .. }) {
                    self.failures().insert(version, (stamp, info.card, copy_error(&e)));
                }
                Err(e)
            }
        }
    }

    /// Messages name files relative to the registry root: server paths stay on the server.
    fn relative(&self, message: &str) -> String {
        let root = self.registry.root().display().to_string();
        if root.is_empty() {
            return message.to_string();
        }
        message.replace(&format!("{root}/"), "").replace(&root, "registry")
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<LoadedModel>>> {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failure>> {
        self.failed.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn resolutions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Resolution>>> {
        self.resolutions.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn predict(&self, candles: &Candles, options: &PredictOptions) -> Result<Prediction> {
        if let Some(c) = options.min_confidence {
            if !(0.0..=1.0).contains(&c) {
                return Err(EngineError::InvalidArgument(format!("minConfidence must be within 0..=1, got {c}")));
            }
        }
        if options.min_length == Some(0) {
            return Err(EngineError::InvalidArgument("minLength must be at least 1".into()));
        }
        let served = self.serve(options.model.as_deref().unwrap_or(CHAMPION))?;
        let mut prediction = served.model.predict(candles, options)?;
        prediction.fallback = served.fallback;
        Ok(prediction)
    }
}

/// An error's message without its kind (the code says that already).
fn detail(error: &EngineError) -> String {
    match error {
        EngineError::CorruptModel(m) | EngineError::ModelNotFound(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Whether a failure to serve `wanted` is answered by another version: only for aliases (a
/// version asked for by name is served exactly), and only when the target is damaged or
/// unreadable, or is `champion` and cannot be found (a missing or damaged `aliases.json`, or a
/// deleted version folder). `NO_MODEL` and unknown aliases stay errors.
fn falls_back(wanted: &str, error: &EngineError) -> bool {
    if is_version_name(wanted) {
        return false;
    }
    match error {
        EngineError::CorruptModel(_) | EngineError::Io { .. } => true,
        EngineError::ModelNotFound(_) => wanted == CHAMPION,
        _ => false,
    }
}

/// Candles a request needs for the first prediction: feature warm-up, window, look-ahead.
fn min_candles(info: &VersionInfo) -> Result<usize> {
    Ok(crate::registry::check::check_card(&info.card)?.min_candles)
}

impl LoadedModel {
    pub fn min_candles(&self) -> usize {
        self.min_candles
    }

    pub fn model_ref(&self) -> ModelRef {
        let card = &self.info.card;
        ModelRef {
            name: card.name.clone(),
            version: card.version.clone(),
            model_type: card.model_type,
            trained_at: card.created_at.clone(),
        }
    }

    pub fn predict(&self, candles: &Candles, options: &PredictOptions) -> Result<Prediction> {
        candles.validate_non_empty()?;
        let card = &self.info.card;
        let needed = self.min_candles;
        if candles.len() < needed {
            return Err(EngineError::TooFewCandles(format!(
                "model {} needs at least {needed} candles (feature warm-up, window and look-ahead), got {}",
                card.version,
                candles.len()
            )));
        }
        if let Some(labels) = &options.labels {
            if let Some(unknown) = labels.iter().find(|l| !card.labels.contains(l)) {
                return Err(EngineError::InvalidArgument(format!(
                    "label '{unknown}' is not one of model {}'s labels: {}",
                    card.version,
                    card.labels.join(", ")
                )));
            }
        }
        check_indexable(candles.len(), card.labels.len())?;
        if let Some(focus) = options.focus {
            if focus.start.checked_add(focus.count).is_none_or(|end| end > candles.len()) {
                return Err(EngineError::InvalidArgument(format!(
                    "the focus, candles {}..{}, is outside the {} candles",
                    focus.start,
                    focus.start.saturating_add(focus.count),
                    candles.len()
                )));
            }
        }
        let plan = card.feature_config.plan()?;
        let spec = card.rows.every_candle();
        let targets = spec.targets(candles.len(), plan.warmup());
        let (probabilities, first_row, focus_rows) = match options.focus {
            None => (self.score(candles, &compute_planned(candles, &plan)?, &spec, &targets)?, 0, None),
            Some(focus) => {
                // Rows are consecutive candles (`every_candle`): the focus's rows by partition.
                let rows = targets.partition_point(|&t| t < focus.start)
                    ..targets.partition_point(|&t| t < focus.start + focus.count);
                let (probabilities, first_row) = self.score_around(candles, &plan, &spec, &targets, rows.clone())?;
                (probabilities, first_row, Some(rows))
            }
        };
        let targets = &targets[first_row..first_row + probabilities.n_rows];
        let min_len = options.min_length.unwrap_or(1);
        let min_confidence = options.min_confidence.unwrap_or(0.0);
        let mut spans = PredictedSpans { spans: SpanColumns::new(card.labels.clone()), confidence: Vec::new() };
        for s in decode(&probabilities, &card.class_names, card.rows.encoding, card.decoder.as_ref(), min_len) {
            if s.confidence < min_confidence || options.labels.as_ref().is_some_and(|keep| !keep.contains(&s.label)) {
                continue;
            }
            // Spans of a window that do not overlap the focus may read rows it does not hold.
            if focus_rows.as_ref().is_some_and(|f| s.end + first_row < f.start || s.start + first_row >= f.end) {
                continue;
            }
            let code = spans.spans.code_of(&s.label).ok_or_else(|| {
                EngineError::CorruptModel(format!(
                    "model {}: class label '{}' is not in its labels",
                    card.version, s.label
                ))
            })?;
            spans.spans.push(targets[s.start], targets[s.end], &candles.time, code);
            spans.confidence.push(s.confidence);
        }
        let per_candle =
            options.per_candle.then(|| per_candle(&probabilities, targets, candles.len(), &card.class_names));
        Ok(Prediction { spans, per_candle, model: self.model_ref(), fallback: None })
    }

    /// The class probabilities of the rows of `targets`, in blocks of [`PREDICT_BLOCK_ROWS`].
    fn score(
        &self,
        candles: &Candles,
        frame: &FeatureFrame,
        spec: &RowSpec,
        targets: &[usize],
    ) -> Result<Probabilities> {
        let n_classes = self.info.card.class_names.len();
        let mut values = Vec::with_capacity(targets.len() * n_classes);
        for block in targets.chunks(PREDICT_BLOCK_ROWS) {
            // Straight from the frame's columns where the model reads them so (0.03–0.05 ms of a
            // 500-candle request went into building its rows), else as rows.
            let by_columns =
                columns_for_targets(frame, spec, block).and_then(|columns| self.model.predict_proba_columns(&columns));
            let probabilities = match by_columns {
                Some(p) => p?,
                None => self.model.predict_proba(&rows_with_context(Some(candles), frame, spec, block)?)?,
            };
            values.extend_from_slice(&probabilities.values);
        }
        Probabilities::new(values, n_classes)
    }

    /// The rows `focus` of `targets` scored with as many rows around them as the spans that
    /// overlap them need (see [`PredictOptions::focus`]): their probabilities and the first
    /// scored row. An empty focus scores nothing.
    ///
    /// Features are causal (a candle's values read only the candles up to it: TA-Lib's
    /// indicators and recognisers, the geometry, the lags), so the features of the first `m`
    /// candles are those of the whole request's first `m`: they are computed only as far as the
    /// rows scored read, and again, further, in the rare case the rows scored grow past them
    /// (`tests/predict_focus.rs` checks the spans against scoring every candle, bit for bit).
    fn score_around(
        &self,
        candles: &Candles,
        plan: &FeaturePlan,
        spec: &RowSpec,
        targets: &[usize],
        focus: std::ops::Range<usize>,
    ) -> Result<(Probabilities, usize)> {
        let n_classes = self.info.card.class_names.len();
        if focus.is_empty() {
            return Ok((Probabilities::new(Vec::new(), n_classes)?, focus.start));
        }
        let card = &self.info.card;
        // The features of the candles rows `..end` read.
        let features_for = |end: usize| -> Result<FeatureFrame> {
            let candles_read = spec.input_candles(targets[end - 1]).1 + 1;
            if candles_read >= candles.len() {
                compute_planned(candles, plan)
            } else {
                compute_planned(&candles.slice(0, candles_read), plan)
            }
        };
        let (mut margin_before, mut margin_after) = (FOCUS_MARGIN_ROWS, FOCUS_MARGIN_ROWS);
        let mut window = focus.start.saturating_sub(margin_before)..(focus.end + margin_after).min(targets.len());
        let mut frame = features_for(window.end)?;
        let mut values = self.score(candles, &frame, spec, &targets[window.clone()])?.values;
        loop {
            let scored = Probabilities::new(values, n_classes)?;
            let local = focus.start - window.start..focus.end - window.start;
            let suffices =
                window_suffices(&scored, &card.class_names, card.rows.encoding, card.decoder.as_ref(), local);
            let before = suffices.before || window.start == 0;
            let after = suffices.after || window.end == targets.len();
            if before && after {
                return Ok((scored, window.start));
            }
            values = scored.values;
            if !before {
                margin_before *= 2;
                let start = focus.start.saturating_sub(margin_before);
                let mut added = self.score(candles, &frame, spec, &targets[start..window.start])?.values;
                added.extend_from_slice(&values);
                values = added;
                window.start = start;
            }
            if !after {
                margin_after *= 2;
                let end = (focus.end + margin_after).min(targets.len());
                frame = features_for(end)?;
                values.extend(self.score(candles, &frame, spec, &targets[window.end..end])?.values);
                window.end = end;
            }
        }
    }
}

/// Scatters the target rows' probabilities onto the candles (NaN elsewhere), with entropy and
/// margin per candle.
fn per_candle(probabilities: &Probabilities, targets: &[usize], n: usize, class_names: &[String]) -> PerCandle {
    let mut out = PerCandle {
        class_names: class_names.to_vec(),
        probabilities: vec![vec![f64::NAN; n]; class_names.len()],
        entropy: vec![f64::NAN; n],
        margin: vec![f64::NAN; n],
    };
    for (row, &t) in targets.iter().enumerate() {
        let p = probabilities.row(row);
        out.entropy[t] = entropy(p);
        out.margin[t] = margin(p);
        for (column, &v) in out.probabilities.iter_mut().zip(p) {
            column[t] = v;
        }
    }
    out
}

fn entropy(p: &[f64]) -> f64 {
    -p.iter().filter(|v| **v > 0.0).map(|v| v * v.ln()).sum::<f64>()
}

fn margin(p: &[f64]) -> f64 {
    let (mut first, mut second) = (0.0f64, 0.0f64);
    for &v in p {
        if v > first {
            second = first;
            first = v;
        } else if v > second {
            second = v;
        }
    }
    first - second
}

/// `modelInfo`: the card, its aliases and the per-class metrics of `metrics.json`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    pub name: String,
    pub version: String,
    #[serde(rename = "type")]
    pub model_type: crate::models::ModelKind,
    pub aliases: Vec<String>,
    pub trained_at: String,
    pub labels: Vec<String>,
    pub class_names: Vec<String>,
    pub feature_names: Vec<String>,
    pub min_candles: usize,
    pub summary: crate::registry::MetricsSummary,
    /// `metrics.json`: per-class precision/recall/F1/support, confusion matrix, PR-AUC, span
    /// metrics; `null` when the file is missing or damaged.
    pub metrics: serde_json::Value,
    /// Plot files (SVG) of this version.
    pub plots: Vec<PathBuf>,
    pub git_commit: Option<String>,
    pub config_hash: String,
    pub data_hash: String,
    /// Present when the requested alias could not be served and this (another) version answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fallback: Option<ModelFallback>,
}

/// `modelRequirements`: what a caller must know before it reads candles for a prediction, without
/// the rest of [`ModelInfo`] (its `metrics.json`, plot listing and names): reading and converting
/// those cost ≈ 1 ms per call, as much as the prediction itself.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelRequirements {
    /// The version that serves the name (as [`ModelServer::predict`] would resolve it now).
    pub version: String,
    /// Candles a request needs for the first prediction: feature warm-up, window and look-ahead.
    pub min_candles: usize,
    /// Present when the requested alias could not be served and this (another) version answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fallback: Option<ModelFallback>,
}

impl ModelServer {
    /// The version `version_or_alias` serves and the candles it needs, with the fallback
    /// [`ModelServer::predict`] would take; loads the model on first use, as a prediction would.
    pub fn requirements(&self, version_or_alias: &str) -> Result<ModelRequirements> {
        let Served { model, fallback } = self.serve(version_or_alias)?;
        Ok(ModelRequirements { version: model.info.card.version.clone(), min_candles: model.min_candles(), fallback })
    }

    /// The version `version_or_alias` serves (with the fallback, as [`ModelServer::predict`]
    /// would answer). An unreadable `metrics.json` is `metrics: null`: it does not stop serving.
    pub fn info(&self, version_or_alias: &str) -> Result<ModelInfo> {
        let Served { model: loaded, fallback } = self.serve(version_or_alias)?;
        let info = &loaded.info;
        let card = &info.card;
        // An unreadable or damaged metrics.json is `metrics: null`: it does not stop serving.
        let metrics = crate::files::read(&info.dir.join("metrics.json"), crate::files::METRICS)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .filter(|m| m.is_object())
            .unwrap_or(serde_json::Value::Null);
        let mut plots: Vec<PathBuf> = std::fs::read_dir(&info.dir)
            .map_err(|e| EngineError::io_path("list", &info.dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "svg"))
            .collect();
        plots.sort();
        Ok(ModelInfo {
            name: card.name.clone(),
            version: card.version.clone(),
            model_type: card.model_type,
            aliases: info.aliases.clone(),
            trained_at: card.created_at.clone(),
            labels: card.labels.clone(),
            class_names: card.class_names.clone(),
            feature_names: card.feature_names.clone(),
            min_candles: loaded.min_candles(),
            summary: card.metrics.clone(),
            metrics,
            plots,
            git_commit: card.git_commit.clone(),
            config_hash: card.config_hash.clone(),
            data_hash: card.data_hash.clone(),
            fallback,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_is_trusted_only_once_its_file_has_settled() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("aliases.json");
        std::fs::write(&file, b"{}").unwrap();
        let stamp = FileStamp::of(&file).unwrap();
        let now = SystemTime::now();
        // Just written: not settled for any settle time, only for a cutoff after the write.
        assert!(!stamp.settled_before(now - Duration::from_millis(500)));
        assert!(stamp.settled_before(now + Duration::from_secs(1)));
        // Times set back do not make it settled: the status-change time is still now.
        let old = now - Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&file).unwrap().set_modified(old).unwrap();
        let backdated = FileStamp::of(&file).unwrap();
        assert_eq!(backdated.modified, Some(old));
        assert_ne!(backdated, stamp, "a metadata change is a change");
        #[cfg(unix)]
        assert!(!backdated.settled_before(now - Duration::from_millis(500)));
        // Replaced by a rename with the same size and times: another inode, so another stamp.
        let next = dir.path().join("aliases.json.tmp");
        std::fs::write(&next, b"{}").unwrap();
        std::fs::File::options().write(true).open(&next).unwrap().set_modified(old).unwrap();
        std::fs::rename(&next, &file).unwrap();
        #[cfg(unix)]
        assert_ne!(FileStamp::of(&file).unwrap(), backdated);
    }

    #[test]
    fn entropy_and_margin() {
        assert!((entropy(&[0.5, 0.5]) - std::f64::consts::LN_2).abs() < 1e-12);
        assert_eq!(entropy(&[1.0, 0.0]), 0.0);
        assert!((margin(&[0.2, 0.7, 0.1]) - 0.5).abs() < 1e-12);
    }
}
