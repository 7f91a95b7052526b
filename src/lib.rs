//! The napi binding: converts JS values to core types, dispatches to `engine`, converts back.
//! All logic lives in `crates/engine`.
#![deny(clippy::all)]

mod error;
mod js_types;
mod tasks;

use engine::inference::{self, PredictOptions};
use engine::{autolabel, features, import, label_errors, patterns, registry, train, Candles, EngineError};
use js_types::{to_plain, Json, JsCandles, JsFeatureFrame, JsImportResult, JsPatternInfo, JsTrainProgress};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use napi::bindgen_prelude::*;
use napi::Env;
use napi_derive::napi;
use tasks::EngineTask;

/// Feature frames are hundreds of multi-megabyte columns; glibc hands such blocks back to the OS
/// on every free and page-faults them in again on the next call, which cost more than the
/// computation itself (bench/features). mimalloc keeps and reuses them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Parses an optional JS options object into a core options type (unknown keys are errors).
fn parse_options<T: serde::de::DeserializeOwned + Default>(what: &str, value: Option<serde_json::Value>) -> engine::Result<T> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(T::default()),
        Some(v) => serde_json::from_value(v).map_err(|e| EngineError::InvalidConfig(format!("{what}: {e}"))),
    }
}

#[napi]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Throws `INVALID_CANDLES` (naming the first bad index) unless the candles are valid.
#[napi(catch_unwind)]
pub fn validate_candles(env: Env, candles: JsCandles) -> napi::Result<()> {
    candles.to_core().validate().map_err(|e| error::to_js_error(&env, e))
}

/// All 61 TA-Lib candlestick patterns.
#[napi]
pub fn list_patterns() -> Vec<JsPatternInfo> {
    patterns::PATTERNS
        .iter()
        .map(|p| JsPatternInfo { name: p.name.to_string(), label: p.label().to_string(), candles: p.candles as u32 })
        .collect()
}

/// The standard feature set (or the configured subset) for every candle.
#[napi(ts_args_type = "candles: Candles, config?: FeatureConfig", ts_return_type = "Promise<FeatureFrame>")]
pub fn compute_features(candles: JsCandles, config: Option<serde_json::Value>) -> AsyncTask<EngineTask<features::FeatureFrame, JsFeatureFrame>> {
    let candles = candles.to_core();
    EngineTask::new(
        move || {
            let config: features::FeatureConfig = parse_options("features config", config)?;
            features::compute_features(&candles, &config)
        },
        |_, frame| Ok(frame.into()),
    )
}

/// TA-Lib candlestick patterns as labelled spans, with the labelling-function report.
#[napi(ts_args_type = "candles: Candles, options?: AutoLabelOptions", ts_return_type = "Promise<AutoLabelResult>")]
pub fn auto_label(candles: JsCandles, options: Option<serde_json::Value>) -> AsyncTask<EngineTask<autolabel::AutoLabelResult, Json>> {
    let candles = candles.to_core();
    EngineTask::new(
        move || {
            let options: autolabel::AutoLabelOptions = parse_options("autoLabel options", options)?;
            autolabel::auto_label(&candles, &options)
        },
        |_, result| to_plain(&result),
    )
}

/// Parses a CSV file's bytes into validated series (see docs/import.md).
#[napi(ts_args_type = "bytes: Buffer, options?: ImportOptions", ts_return_type = "Promise<ImportResult>")]
pub fn import_csv(bytes: Buffer, options: Option<serde_json::Value>) -> AsyncTask<EngineTask<import::ImportResult, JsImportResult>> {
    let bytes = bytes.to_vec();
    EngineTask::new(
        move || import::import_csv(&bytes, &parse_options("import options", options)?),
        |_, r| JsImportResult::from_core(r),
    )
}

/// Reads and parses a CSV file (see docs/import.md).
#[napi(ts_args_type = "path: string, options?: ImportOptions", ts_return_type = "Promise<ImportResult>")]
pub fn import_csv_file(path: String, options: Option<serde_json::Value>) -> AsyncTask<EngineTask<import::ImportResult, JsImportResult>> {
    EngineTask::new(
        move || import::import_csv_file(std::path::Path::new(&path), &parse_options("import options", options)?),
        |_, r| JsImportResult::from_core(r),
    )
}

/// Cancels a training run: pass one to `train`, call `cancel()` to stop at the next check.
#[napi]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        CancelToken { flag: Arc::new(AtomicBool::new(false)) }
    }

    #[napi]
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

type ProgressCallback = ThreadsafeFunction<JsTrainProgress, (), JsTrainProgress, napi::Status, false>;

fn pipeline_config(config: serde_json::Value) -> engine::Result<engine::config::PipelineConfig> {
    let invalid = |m: String| EngineError::InvalidConfig(m);
    let serde_json::Value::Object(mut fields) = config else {
        return Err(invalid("train: expected { configPath } or { config, rootDir? }".into()));
    };
    if let Some(path) = fields.remove("configPath") {
        if !fields.is_empty() {
            return Err(invalid(format!("train: unexpected keys beside configPath: {:?}", fields.keys().collect::<Vec<_>>())));
        }
        let path = path.as_str().ok_or_else(|| invalid("train: configPath must be a string".into()))?;
        return engine::config::PipelineConfig::from_file(std::path::Path::new(path));
    }
    let root = match fields.remove("rootDir") {
        Some(serde_json::Value::String(dir)) => PathBuf::from(dir),
        None => std::env::current_dir().map_err(|e| EngineError::io("current directory", e))?,
        Some(_) => return Err(invalid("train: rootDir must be a string".into())),
    };
    let body = fields.remove("config").ok_or_else(|| invalid("train: expected { configPath } or { config, rootDir? }".into()))?;
    if !fields.is_empty() {
        return Err(invalid(format!("train: unexpected keys: {:?}", fields.keys().collect::<Vec<_>>())));
    }
    let mut cfg: engine::config::PipelineConfig = serde_json::from_value(body).map_err(|e| invalid(format!("pipeline config: {e}")))?;
    cfg.root_dir = root;
    Ok(cfg)
}

/// Trains a model from a pipeline config: features → labels → dataset → split → fit → evaluate
/// → registry version (+ MLflow run when MLFLOW_TRACKING_URI is set).
#[napi(
    ts_args_type = "config: TrainConfig, onProgress?: (progress: TrainProgress) => void, cancel?: CancelToken",
    ts_return_type = "Promise<TrainOutcome>"
)]
pub fn train(config: serde_json::Value, on_progress: Option<ProgressCallback>, cancel: Option<&CancelToken>) -> AsyncTask<EngineTask<train::TrainOutcome, Json>> {
    let flag = cancel.map(|c| c.flag.clone()).unwrap_or_default();
    EngineTask::new(
        move || {
            let cfg = pipeline_config(config)?;
            let report = |stage: &str, fraction: f64| {
                if let Some(cb) = &on_progress {
                    cb.call(JsTrainProgress { stage: stage.to_string(), fraction }, ThreadsafeFunctionCallMode::NonBlocking);
                }
            };
            train::run(&cfg, &report, &flag)
        },
        |_, outcome| to_plain(&outcome),
    )
}

/// Ranks the human spans of a pipeline config by how likely each is mislabelled: out-of-fold
/// probabilities from a blocked K-fold cross-validation, scored by self-confidence.
#[napi(
    ts_args_type = "config: TrainConfig, options?: LabelErrorOptions, onProgress?: (progress: TrainProgress) => void, cancel?: CancelToken",
    ts_return_type = "Promise<LabelErrorReport>"
)]
pub fn find_label_errors(
    config: serde_json::Value,
    options: Option<serde_json::Value>,
    on_progress: Option<ProgressCallback>,
    cancel: Option<&CancelToken>,
) -> AsyncTask<EngineTask<label_errors::LabelErrorReport, Json>> {
    let flag = cancel.map(|c| c.flag.clone()).unwrap_or_default();
    EngineTask::new(
        move || {
            let cfg = pipeline_config(config)?;
            let options: label_errors::LabelErrorOptions = parse_options("findLabelErrors options", options)?;
            let report = |stage: &str, fraction: f64| {
                if let Some(cb) = &on_progress {
                    cb.call(JsTrainProgress { stage: stage.to_string(), fraction }, ThreadsafeFunctionCallMode::NonBlocking);
                }
            };
            label_errors::find_label_errors(&cfg, &options, &report, &flag)
        },
        |_, report| to_plain(&report),
    )
}

fn registry_root(dir: Option<String>) -> PathBuf {
    dir.map(PathBuf::from).unwrap_or_else(inference::default_registry_root)
}

/// Splits the binding-only `registry` key from the engine's predict options.
fn predict_request(options: Option<serde_json::Value>) -> engine::Result<(PathBuf, PredictOptions)> {
    let mut options = options.unwrap_or(serde_json::Value::Null);
    let registry = match options.as_object_mut().and_then(|o| o.remove("registry")) {
        None => None,
        Some(serde_json::Value::String(dir)) => Some(dir),
        Some(_) => return Err(EngineError::InvalidConfig("predict options: registry must be a string".into())),
    };
    Ok((registry_root(registry), parse_options("predict options", Some(options))?))
}

fn predict_one(candles: &Candles, options: Option<serde_json::Value>) -> engine::Result<inference::Prediction> {
    let (root, options) = predict_request(options)?;
    inference::server_for(&root)?.predict(candles, &options)
}

/// Spans the model finds in the candles, with confidences (and per-candle output on request).
#[napi(ts_args_type = "candles: Candles, options?: PredictOptions", ts_return_type = "Promise<Prediction>")]
pub fn predict(candles: JsCandles, options: Option<serde_json::Value>) -> AsyncTask<EngineTask<inference::Prediction, Json>> {
    let candles = candles.to_core();
    EngineTask::new(move || predict_one(&candles, options), |_, p| to_plain(&p))
}

#[napi(object, js_name = "PredictRequest")]
pub struct JsPredictRequest {
    pub candles: JsCandles,
    #[napi(ts_type = "PredictOptions")]
    pub options: Option<serde_json::Value>,
}

/// Several predictions in one call, computed in parallel; each resolves to a prediction or a
/// coded error `{ error: { code, message } }`, so one bad request does not fail the others.
#[napi(
    ts_args_type = "requests: PredictRequest[]",
    ts_return_type = "Promise<Array<Prediction | { error: { code: string; message: string } }>>"
)]
pub fn predict_batch(requests: Vec<JsPredictRequest>) -> AsyncTask<EngineTask<Vec<engine::Result<inference::Prediction>>, Json>> {
    let requests: Vec<(Candles, Option<serde_json::Value>)> = requests.into_iter().map(|r| (r.candles.to_core(), r.options)).collect();
    EngineTask::new(
        move || {
            use rayon::prelude::*;
            Ok(requests
                .into_par_iter()
                .map(|(candles, options)| engine::error::catch_panic(|| predict_one(&candles, options)))
                .collect())
        },
        |_, results| {
            let items = results
                .into_iter()
                .map(|r| match r {
                    Ok(p) => to_plain(&p).map(|j| j.0),
                    Err(e) => Ok(serde_json::json!({ "error": { "code": e.code(), "message": e.to_string() } })),
                })
                .collect::<napi::Result<Vec<_>>>()?;
            Ok(Json(serde_json::Value::Array(items)))
        },
    )
}

/// Metadata, labels, feature names and per-class validation/test metrics of a version or alias.
#[napi(ts_args_type = "versionOrAlias?: string, registry?: string", ts_return_type = "Promise<ModelInfo>")]
pub fn model_info(version_or_alias: Option<String>, registry: Option<String>) -> AsyncTask<EngineTask<inference::ModelInfo, Json>> {
    EngineTask::new(
        move || {
            let root = registry_root(registry);
            inference::server_for(&root)?.info(version_or_alias.as_deref().unwrap_or("champion"))
        },
        |_, info| to_plain(&info),
    )
}

/// Every registered version, newest last, with aliases and summary metrics.
#[napi(ts_args_type = "registry?: string", ts_return_type = "Promise<ModelVersionSummary[]>")]
pub fn list_models(registry: Option<String>) -> AsyncTask<EngineTask<Vec<serde_json::Value>, Json>> {
    EngineTask::new(
        move || {
            let versions = registry::Registry::open(registry_root(registry))?.list()?;
            Ok(versions.iter().map(version_summary).collect())
        },
        |_, list| Ok(Json(serde_json::Value::Array(list))),
    )
}

/// Points `champion` at a version explicitly.
#[napi(ts_args_type = "version: string, registry?: string", ts_return_type = "Promise<ModelVersionSummary>")]
pub fn promote(version: String, registry: Option<String>) -> AsyncTask<EngineTask<registry::VersionInfo, Json>> {
    EngineTask::new(
        move || registry::promote(&registry_root(registry), &version),
        |_, v| Ok(Json(version_summary(&v))),
    )
}

fn version_summary(v: &registry::VersionInfo) -> serde_json::Value {
    serde_json::json!({
        "version": v.version, "type": v.card.model_type, "aliases": v.aliases,
        "trainedAt": v.card.created_at, "labels": v.card.labels, "summary": v.card.metrics,
    })
}
