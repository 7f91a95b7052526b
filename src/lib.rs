//! The napi binding: converts JS values to core types, dispatches to `engine`, converts back.
//! All logic lives in `crates/engine`.
#![deny(clippy::all)]

mod allocator;
mod args;
/// `runWorker` (public so its napi exports count as used in test builds).
pub mod distributed;
mod error;
mod js_types;
mod shutdown;
/// `findSimilar` (public so its napi exports count as used in test builds).
pub mod similar;
mod tasks;
mod upload;

use engine::inference::{self, PredictOptions};
use engine::{autolabel, features, import, label_errors, patterns, registry, train, Candles, EngineError};
use js_types::{
    to_plain, JsAutoLabelResult, JsFeatureFrame, JsImportResult, JsLabelErrorReport, JsPatternInfo, JsPrediction,
    JsTrainProgress, Json,
};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Env;
use napi_derive::napi;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tasks::EngineTask;

/// Feature frames are hundreds of multi-megabyte columns; glibc hands such blocks back to the OS
/// on every free and page-faults them in again on the next call, which cost more than the
/// computation itself (bench/features). mimalloc keeps and reuses them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs when the addon is loaded into a JS environment (the main thread or a worker).
#[napi(module_exports)]
pub fn init(_exports: Object, env: Env) -> napi::Result<()> {
    allocator::configure();
    shutdown::install(&env)
}

/// Parses an optional options value into a core options type (unknown keys are errors).
fn parse_options<T: serde::de::DeserializeOwned + Default>(
    what: &str,
    value: Option<serde_json::Value>,
) -> engine::Result<T> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(T::default()),
        Some(v) => serde_json::from_value(v).map_err(|e| EngineError::InvalidConfig(format!("{what}: {e}"))),
    }
}

#[napi]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The `model:` keys each model family reads (`type` included): the engine's own table
/// (`config::model_keys`: the fields of each family's config type), for tools that switch a
/// config's model type (the CLI's `--model`). The families come in `ModelKind::ALL`'s order.
#[napi(ts_return_type = "Record<ModelKind, string[]>")]
pub fn model_config_keys(env: &Env) -> napi::Result<Object<'_>> {
    let mut table = Object::new(env)?;
    for kind in engine::models::ModelKind::ALL {
        table.set(kind.as_str(), engine::config::model_keys(kind))?;
    }
    Ok(table)
}

/// Throws `INVALID_CANDLES` (naming the first bad index) unless the candles are valid.
#[napi(catch_unwind, ts_args_type = "candles: Candles")]
pub fn validate_candles(env: Env, candles: Option<Unknown>) -> napi::Result<()> {
    args::candles(candles, "candles").and_then(|c| c.validate()).map_err(|e| error::to_js_error(&env, e))
}

/// Epoch milliseconds of a formatted date, read as UTC unless it names a zone (ISO 8601 and its
/// common variants, `YYYY/MM/DD`, US `M/D/YYYY`); `null` when it is none of these
/// (`engine::time_value::parse_date_utc`, the engine's one single-value time parser).
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn parse_date_utc(env: Env, text: Option<Unknown>) -> napi::Result<Option<f64>> {
    let text = args::string(text, "text").map_err(|e| error::to_js_error(&env, e))?;
    Ok(engine::time_value::parse_date_utc(&text))
}

/// Span boundaries from an import as epoch milliseconds, one result per value: numbers (and
/// numeric strings) by `unit` (`auto`: by magnitude, epoch ms, epoch seconds or a candle index
/// into `candleTimes`), other strings as dates (`parseDateUtc`).
#[napi(
    catch_unwind,
    ts_args_type = "values: Array<number | string>, candleTimes: Float64Array, unit?: TimeUnit",
    ts_return_type = "Array<{ time: number } | { error: string }>"
)]
pub fn resolve_time_values(
    env: Env,
    values: Option<Unknown>,
    candle_times: Option<Unknown>,
    unit: Option<Unknown>,
) -> napi::Result<Json> {
    let input = (|| {
        let values = args::time_values(values, "values")?;
        let candle_times = args::float64_array(candle_times, "candleTimes")?;
        let unit: engine::time_value::TimeUnit = match args::optional_string(unit, "unit")? {
            None => Default::default(),
            Some(u) => serde_json::from_value(serde_json::Value::String(u))
                .map_err(|e| EngineError::InvalidArgument(format!("unit: {e}")))?,
        };
        Ok((values, candle_times, unit))
    })();
    let (values, candle_times, unit) = input.map_err(|e| error::to_js_error(&env, e))?;
    let resolved = values
        .iter()
        .map(|v| match engine::time_value::resolve_time_value(v, &candle_times, unit) {
            Ok(time) => serde_json::json!({ "time": time }),
            Err(error) => serde_json::json!({ "error": error }),
        })
        .collect();
    Ok(Json(serde_json::Value::Array(resolved)))
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
pub fn compute_features(
    candles: Option<Unknown>,
    config: Option<Unknown>,
) -> AsyncTask<EngineTask<features::FeatureFrame, JsFeatureFrame>> {
    let input = args::candles(candles, "candles").and_then(|c| Ok((c, args::options(config, "config")?)));
    EngineTask::new(
        move || {
            let (candles, config) = input?;
            let config: features::FeatureConfig = parse_options("features config", config)?;
            features::compute_features(&candles, &config)
        },
        |_, frame| Ok(frame.into()),
    )
}

/// TA-Lib candlestick patterns as labelled spans (columns), with the labelling-function report.
#[napi(ts_args_type = "candles: Candles, options?: AutoLabelOptions", ts_return_type = "Promise<AutoLabelResult>")]
pub fn auto_label(
    candles: Option<Unknown>,
    options: Option<Unknown>,
) -> AsyncTask<EngineTask<autolabel::AutoLabelResult, JsAutoLabelResult>> {
    let input = args::candles(candles, "candles").and_then(|c| Ok((c, args::options(options, "options")?)));
    EngineTask::new(
        move || {
            let (candles, options) = input?;
            let options: autolabel::AutoLabelOptions = parse_options("autoLabel options", options)?;
            autolabel::auto_label(&candles, &options)
        },
        |_, result| JsAutoLabelResult::from_core(result),
    )
}

/// Parses a CSV file's bytes into validated series (see docs/import.md): a Buffer (copied first,
/// so JS may reuse it at once) or a `CsvUpload` (its bytes are taken, without a copy).
#[napi(
    ts_args_type = "bytes: Buffer | Uint8Array | CsvUpload, options?: ImportOptions",
    ts_return_type = "Promise<ImportResult>"
)]
pub fn import_csv(
    bytes: Option<Unknown>,
    options: Option<Unknown>,
) -> AsyncTask<EngineTask<import::ImportResult, JsImportResult>> {
    let input = args::bytes(bytes, "bytes").and_then(|b| Ok((b, args::options(options, "options")?)));
    EngineTask::new(
        move || {
            let (bytes, options) = input?;
            import::import_csv(&bytes.into_vec(), &parse_options("import options", options)?)
        },
        |_, r| JsImportResult::from_core(r),
    )
}

/// Reads and parses a CSV file (see docs/import.md).
#[napi(ts_args_type = "path: string, options?: ImportOptions", ts_return_type = "Promise<ImportResult>")]
pub fn import_csv_file(
    path: Option<Unknown>,
    options: Option<Unknown>,
) -> AsyncTask<EngineTask<import::ImportResult, JsImportResult>> {
    let input = args::string(path, "path").and_then(|p| Ok((p, args::options(options, "options")?)));
    EngineTask::new(
        move || {
            let (path, options) = input?;
            import::import_csv_file(std::path::Path::new(&path), &parse_options("import options", options)?)
        },
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
    /// `new CancelToken()`; called without `new` it throws `INVALID_ARGUMENT` (napi would
    /// otherwise wrap the module's exports object and hand that back).
    #[napi(constructor)]
    pub fn new(env: Env, this: This) -> napi::Result<Self> {
        args::require_new::<CancelToken>(&env, &this, "CancelToken")?;
        Ok(CancelToken { flag: Arc::new(AtomicBool::new(false)) })
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

/// `train`'s and `findLabelErrors`' shared arguments: the config, the progress callback and the
/// cancel flag (a fresh one without a token), registered to be set if the environment exits.
struct PipelineRun {
    config: serde_json::Value,
    on_progress: Option<ProgressCallback>,
    cancel: Arc<AtomicBool>,
    _registration: shutdown::Registration,
}

impl PipelineRun {
    fn from_args(
        env: &Env,
        config: Option<Unknown>,
        on_progress: Option<Unknown>,
        cancel: Option<Unknown>,
    ) -> engine::Result<Self> {
        let config = args::options(config, "config")?.ok_or_else(|| {
            EngineError::InvalidArgument("config: expected { configPath } or { config, rootDir? }".into())
        })?;
        let on_progress = match args::optional_function(on_progress, "onProgress")? {
            Some(f) => Some(
                // SAFETY: the function value comes from the current call.
                unsafe { ProgressCallback::from_napi_value(env.raw(), f.raw()) }
                    .map_err(|e| EngineError::InvalidArgument(format!("onProgress: {}", e.reason)))?,
            ),
            None => None,
        };
        let cancel = args::cancel_flag(env, cancel, "cancel")?.unwrap_or_default();
        let registration = shutdown::register(env, &cancel);
        Ok(PipelineRun { config, on_progress, cancel, _registration: registration })
    }

    fn report(&self, stage: &str, fraction: f64) {
        if let Some(cb) = &self.on_progress {
            cb.call(JsTrainProgress { stage: stage.to_string(), fraction }, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// Trains a model from a pipeline config: features → labels → dataset → split → fit → evaluate
/// → registry version (+ MLflow run when MLFLOW_TRACKING_URI is set).
#[napi(
    ts_args_type = "config: TrainConfig, onProgress?: (progress: TrainProgress) => void, cancel?: AbortSignal | CancelToken",
    ts_return_type = "Promise<TrainOutcome>"
)]
pub fn train(
    env: Env,
    config: Option<Unknown>,
    on_progress: Option<Unknown>,
    cancel: Option<Unknown>,
) -> napi::Result<Object<'static>> {
    let run = PipelineRun::from_args(&env, config, on_progress, cancel);
    tasks::spawn_run(
        &env,
        "train",
        move || {
            let run = run?;
            let cfg = engine::config_source::load(run.config.clone())?;
            train::run(&cfg, &|stage, fraction| run.report(stage, fraction), &run.cancel)
        },
        |_, outcome| to_plain(&outcome),
    )
}

/// Ranks the human spans of a pipeline config by how likely each is mislabelled: out-of-fold
/// probabilities from a blocked K-fold cross-validation, scored by self-confidence.
#[napi(
    ts_args_type = "config: TrainConfig, options?: LabelErrorOptions, onProgress?: (progress: TrainProgress) => void, cancel?: AbortSignal | CancelToken",
    ts_return_type = "Promise<LabelErrorReport>"
)]
pub fn find_label_errors(
    env: Env,
    config: Option<Unknown>,
    options: Option<Unknown>,
    on_progress: Option<Unknown>,
    cancel: Option<Unknown>,
) -> napi::Result<Object<'static>> {
    let input = args::options(options, "options")
        .and_then(|o| Ok((o, PipelineRun::from_args(&env, config, on_progress, cancel)?)));
    tasks::spawn_run(
        &env,
        "label-check",
        move || {
            let (options, run) = input?;
            let cfg = engine::config_source::load(run.config.clone())?;
            let options: label_errors::LabelErrorOptions = parse_options("findLabelErrors options", options)?;
            label_errors::find_label_errors(&cfg, &options, &|stage, fraction| run.report(stage, fraction), &run.cancel)
        },
        |_, report| JsLabelErrorReport::from_core(report),
    )
}

fn registry_root(dir: Option<String>) -> PathBuf {
    dir.map(PathBuf::from).unwrap_or_else(inference::default_registry_root)
}

fn predict_one(candles: &Candles, options: Option<serde_json::Value>) -> engine::Result<inference::Prediction> {
    let options: PredictOptions = parse_options("predict options", options)?;
    inference::server_for(&options.registry_root())?.predict(candles, &options)
}

/// Spans the model finds in the candles, with confidences (and per-candle output on request).
#[napi(ts_args_type = "candles: Candles, options?: PredictOptions", ts_return_type = "Promise<Prediction>")]
pub fn predict(env: Env, candles: Option<Unknown>, options: Option<Unknown>) -> napi::Result<Object<'static>> {
    let input = args::candles(candles, "candles").and_then(|c| Ok((c, args::options(options, "options")?)));
    tasks::spawn_pooled(
        &env,
        move || {
            let (candles, options) = input?;
            predict_one(&candles, options)
        },
        |_, p| JsPrediction::from_core(p),
    )
}

/// The most requests one `predictBatch` call takes.
pub const MAX_BATCH_REQUESTS: u32 = 10_000;

#[napi(object, js_name = "PredictRequest")]
pub struct JsPredictRequest {
    pub candles: js_types::JsCandles,
    #[napi(ts_type = "PredictOptions")]
    pub options: Option<serde_json::Value>,
}

/// One request of a batch: its candles and options, or why it is malformed.
type BatchRequest = engine::Result<(Candles, Option<serde_json::Value>)>;

/// Each request's candles and options, or the reason that one request is malformed.
fn batch_requests(requests: Option<Unknown>) -> engine::Result<Vec<BatchRequest>> {
    let requests = requests
        .filter(|r| r.is_array().unwrap_or(false))
        .ok_or_else(|| EngineError::InvalidArgument("requests: expected an array of { candles, options? }".into()))?;
    // SAFETY: the value and its env come from the current call.
    let array = unsafe { Array::from_napi_value(requests.value().env, requests.raw()) }
        .map_err(|e| EngineError::InvalidArgument(format!("requests: {}", e.reason)))?;
    if array.len() > MAX_BATCH_REQUESTS {
        return Err(EngineError::InvalidArgument(format!(
            "requests: {} requests are more than the {MAX_BATCH_REQUESTS} one call takes",
            array.len()
        )));
    }
    Ok((0..array.len())
        .map(|i| {
            let name = format!("requests[{i}]");
            let item: Option<Unknown> =
                array.get(i).map_err(|e| EngineError::InvalidArgument(format!("{name}: {}", e.reason)))?;
            let object = args::object(item, &name, "{ candles, options? }")?;
            let candles = args::candles(object.get::<Unknown>("candles").ok().flatten(), &format!("{name}.candles"))?;
            let options = args::options(object.get::<Unknown>("options").ok().flatten(), &format!("{name}.options"))?;
            Ok((candles, options))
        })
        .collect())
}

/// Several predictions in one call, computed in parallel; each resolves to a prediction or a
/// coded error `{ error: { code, message } }`, so one bad request does not fail the others.
#[napi(
    ts_args_type = "requests: PredictRequest[]",
    ts_return_type = "Promise<Array<Prediction | { error: { code: string; message: string } }>>"
)]
pub fn predict_batch(env: Env, requests: Option<Unknown>) -> napi::Result<Object<'static>> {
    let requests = batch_requests(requests);
    tasks::spawn_pooled(
        &env,
        move || {
            use rayon::prelude::*;
            Ok(requests?
                .into_par_iter()
                .map(|request| {
                    engine::error::catch_panic(|| {
                        let (candles, options) = request?;
                        predict_one(&candles, options)
                    })
                })
                .collect())
        },
        |_, results| Ok(js_types::BatchResults(results)),
    )
}

/// A question about the version a name serves (`modelInfo`, `modelRequirements`): the arguments
/// read on the JS thread, the question asked of the registry's model server on a worker.
fn ask_model_server<T: serde::Serialize + Send + 'static>(
    version_or_alias: Option<Unknown>,
    registry: Option<Unknown>,
    ask: fn(&inference::ModelServer, &str) -> engine::Result<T>,
) -> AsyncTask<EngineTask<T, Json>> {
    let input = args::optional_string(version_or_alias, "versionOrAlias")
        .and_then(|v| Ok((v, args::optional_string(registry, "registry")?)));
    EngineTask::new(
        move || {
            let (version_or_alias, registry) = input?;
            let server = inference::server_for(&registry_root(registry))?;
            ask(&server, version_or_alias.as_deref().unwrap_or("champion"))
        },
        |_, answer| to_plain(&answer),
    )
}

/// Metadata, labels, feature names and per-class validation/test metrics of a version or alias.
#[napi(ts_args_type = "versionOrAlias?: string, registry?: string", ts_return_type = "Promise<ModelInfo>")]
pub fn model_info(
    version_or_alias: Option<Unknown>,
    registry: Option<Unknown>,
) -> AsyncTask<EngineTask<inference::ModelInfo, Json>> {
    ask_model_server(version_or_alias, registry, inference::ModelServer::info)
}

/// The version a name serves and the candles a prediction with it needs (`minCandles`), with the
/// fallback `predict` would take: what a caller needs before reading candles, without the
/// metrics and names `modelInfo` reads and converts.
#[napi(ts_args_type = "versionOrAlias?: string, registry?: string", ts_return_type = "Promise<ModelRequirements>")]
pub fn model_requirements(
    version_or_alias: Option<Unknown>,
    registry: Option<Unknown>,
) -> AsyncTask<EngineTask<inference::ModelRequirements, Json>> {
    ask_model_server(version_or_alias, registry, inference::ModelServer::requirements)
}

/// Every registered version, newest last, with aliases and summary metrics.
#[napi(ts_args_type = "registry?: string", ts_return_type = "Promise<ModelVersionSummary[]>")]
pub fn list_models(registry: Option<Unknown>) -> AsyncTask<EngineTask<Vec<registry::VersionSummary>, Json>> {
    let registry = args::optional_string(registry, "registry");
    EngineTask::new(
        move || {
            let versions = registry::Registry::open(registry_root(registry?))?.list()?;
            Ok(versions.iter().map(registry::VersionSummary::from).collect())
        },
        |_, list| to_plain(&list),
    )
}

/// Points `champion` at a version explicitly.
#[napi(ts_args_type = "version: string, registry?: string", ts_return_type = "Promise<ModelVersionSummary>")]
pub fn promote(
    version: Option<Unknown>,
    registry: Option<Unknown>,
) -> AsyncTask<EngineTask<registry::VersionInfo, Json>> {
    let input = args::string(version, "version").and_then(|v| Ok((v, args::optional_string(registry, "registry")?)));
    EngineTask::new(
        move || {
            let (version, registry) = input?;
            registry::promote(&registry_root(registry), &version)
        },
        |_, v| to_plain(&registry::VersionSummary::from(&v)),
    )
}
