//! JS-facing types and their conversions into and out of core types. Nothing else lives here.
use engine::Candles;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// OHLCV as columns. `time` is epoch milliseconds UTC.
#[napi(object, js_name = "Candles")]
pub struct JsCandles {
    pub time: Float64Array,
    pub open: Float64Array,
    pub high: Float64Array,
    pub low: Float64Array,
    pub close: Float64Array,
    pub volume: Float64Array,
}

impl JsCandles {
    /// Copies the columns out of JS memory, so work can continue off the JS thread.
    pub fn to_core(&self) -> Candles {
        Candles {
            time: self.time.to_vec(),
            open: self.open.to_vec(),
            high: self.high.to_vec(),
            low: self.low.to_vec(),
            close: self.close.to_vec(),
            volume: self.volume.to_vec(),
        }
    }

    pub fn from_core(c: Candles) -> Self {
        JsCandles {
            time: Float64Array::new(c.time),
            open: Float64Array::new(c.open),
            high: Float64Array::new(c.high),
            low: Float64Array::new(c.low),
            close: Float64Array::new(c.close),
            volume: Float64Array::new(c.volume),
        }
    }
}

#[napi(object, js_name = "FeatureFrame", object_from_js = false)]
pub struct JsFeatureFrame {
    pub names: Vec<String>,
    /// One `Float64Array` per name. A geometry feature's lags are views into its own buffer,
    /// shifted: writing into one changes the others.
    #[napi(ts_type = "Array<Float64Array>")]
    pub columns: FeatureColumns,
    /// Rows before this index have no value (NaN) for at least one feature.
    pub warmup: u32,
}

impl From<engine::features::FeatureFrame> for JsFeatureFrame {
    fn from(frame: engine::features::FeatureFrame) -> Self {
        let parts = frame.into_parts();
        JsFeatureFrame {
            names: parts.names,
            warmup: parts.warmup as u32,
            columns: FeatureColumns { buffers: parts.buffers, views: parts.views, rows: parts.rows },
        }
    }
}

/// A frame's columns for JS: each core buffer becomes one external `ArrayBuffer` (no copy) and
/// each column a `Float64Array` of `rows` values into it, so lags cost JS no memory either.
pub struct FeatureColumns {
    buffers: Vec<Vec<f64>>,
    views: Vec<engine::features::ColumnView>,
    rows: usize,
}

impl TypeName for FeatureColumns {
    fn type_name() -> &'static str {
        "Array<Float64Array>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for FeatureColumns {
    unsafe fn to_napi_value(raw_env: sys::napi_env, columns: Self) -> Result<sys::napi_value> {
        let env = Env::from_raw(raw_env);
        let buffers =
            columns.buffers.into_iter().map(|values| external_buffer(&env, values)).collect::<Result<Vec<_>>>()?;
        let mut array = env.create_array(columns.views.len() as u32)?;
        for (k, view) in columns.views.iter().enumerate() {
            let column = Float64ArraySlice::from_arraybuffer(&buffers[view.buffer], view.offset * 8, columns.rows)?;
            array.set(k as u32, column)?;
        }
        unsafe { ToNapiValue::to_napi_value(raw_env, array) }
    }
}

/// `values` as a JS `ArrayBuffer` that owns them: freed when JS collects the buffer.
fn external_buffer(env: &Env, mut values: Vec<f64>) -> Result<ArrayBuffer<'_>> {
    if values.is_empty() {
        return ArrayBuffer::from_data(env, Vec::<u8>::new());
    }
    let (data, bytes) = (values.as_mut_ptr().cast::<u8>(), values.len() * std::mem::size_of::<f64>());
    // SAFETY: `data` points at `bytes` bytes of `values`' heap buffer, which does not move when
    // the Vec is moved into the finalizer; the finalizer drops it once JS no longer holds the
    // buffer (or right away, after a copy, in runtimes without external buffers).
    unsafe { ArrayBuffer::from_external(env, data, bytes, values, |_, values| drop(values)) }
}

#[napi(object, js_name = "PatternInfo")]
pub struct JsPatternInfo {
    /// TA-Lib function name, lowercase: `cdlengulfing`.
    pub name: String,
    /// The label its spans carry: `engulfing`.
    pub label: String,
    /// Candles the pattern spans.
    pub candles: u32,
}

/// Serializes a small core value (a report, a model card summary) into a plain JS object.
/// Results that grow with the input cross as typed-array columns instead (below).
pub fn to_plain<T: serde::Serialize>(value: &T) -> napi::Result<Json> {
    serde_json::to_value(value).map(Json).map_err(|e| napi::Error::from_reason(format!("serializing result: {e}")))
}

/// `autoLabel`'s spans as columns: span `i` is `start[i]..=end[i]` with label
/// `labels[label[i]]`, sorted by start, end and label.
#[napi(object, js_name = "LabelSpans")]
pub struct JsLabelSpans {
    /// The selected patterns' labels (`engulfing`), in report order.
    pub labels: Vec<String>,
    /// First candle (index into the candles).
    pub start: Uint32Array,
    /// Last candle, inclusive.
    pub end: Uint32Array,
    pub start_time: Float64Array,
    pub end_time: Float64Array,
    /// Index into `labels`.
    pub label: Uint16Array,
    /// +1 bullish, -1 bearish.
    pub direction: Int8Array,
    /// |TA-Lib output|: 80, 100 or 200.
    pub strength: Uint8Array,
}

#[napi(object, js_name = "AutoLabelResult")]
pub struct JsAutoLabelResult {
    pub spans: JsLabelSpans,
    #[napi(ts_type = "PatternReport[]")]
    pub report: serde_json::Value,
    #[napi(ts_type = "AutoLabelSummary")]
    pub summary: serde_json::Value,
}

impl JsAutoLabelResult {
    pub fn from_core(r: engine::autolabel::AutoLabelResult) -> napi::Result<Self> {
        let engine::autolabel::LabelSpans { spans, direction, strength } = r.spans;
        let report = to_plain(&r.report)?.0;
        let summary = to_plain(&r.summary)?.0;
        Ok(JsAutoLabelResult {
            spans: JsLabelSpans {
                labels: spans.labels,
                start: Uint32Array::new(spans.start),
                end: Uint32Array::new(spans.end),
                start_time: Float64Array::new(spans.start_time),
                end_time: Float64Array::new(spans.end_time),
                label: Uint16Array::new(spans.label),
                direction: Int8Array::new(direction),
                strength: Uint8Array::new(strength),
            },
            report,
            summary,
        })
    }
}

/// `predict`'s spans as columns: span `i` is `start[i]..=end[i]` with label
/// `labels[label[i]]` and mean probability `confidence[i]`, in time order.
#[napi(object, js_name = "PredictedSpans")]
pub struct JsPredictedSpans {
    /// The model's labels.
    pub labels: Vec<String>,
    pub start: Uint32Array,
    /// Inclusive.
    pub end: Uint32Array,
    pub start_time: Float64Array,
    pub end_time: Float64Array,
    /// Index into `labels`.
    pub label: Uint16Array,
    pub confidence: Float64Array,
}

/// Per-candle model output, one value per candle; NaN where a candle has no prediction
/// (feature warm-up, look-ahead).
#[napi(object, js_name = "PerCandle")]
pub struct JsPerCandle {
    pub class_names: Vec<String>,
    /// One column per class: `probabilities[c][i]` is class `c` at candle `i`.
    pub probabilities: Vec<Float64Array>,
    /// Shannon entropy of the class distribution (nats): high = uncertain.
    pub entropy: Float64Array,
    /// Top-1 minus top-2 probability: low = uncertain.
    pub margin: Float64Array,
}

#[napi(object, js_name = "Prediction")]
pub struct JsPrediction {
    pub spans: JsPredictedSpans,
    pub per_candle: Option<JsPerCandle>,
    #[napi(ts_type = "ModelRef")]
    pub model: serde_json::Value,
    /// Present when the requested alias could not be served and another version answered.
    #[napi(ts_type = "ModelFallback")]
    pub fallback: Option<serde_json::Value>,
}

impl JsPrediction {
    pub fn from_core(p: engine::inference::Prediction) -> napi::Result<Self> {
        let engine::inference::PredictedSpans { spans, confidence } = p.spans;
        Ok(JsPrediction {
            spans: JsPredictedSpans {
                labels: spans.labels,
                start: Uint32Array::new(spans.start),
                end: Uint32Array::new(spans.end),
                start_time: Float64Array::new(spans.start_time),
                end_time: Float64Array::new(spans.end_time),
                label: Uint16Array::new(spans.label),
                confidence: Float64Array::new(confidence),
            },
            per_candle: p.per_candle.map(|c| JsPerCandle {
                class_names: c.class_names,
                probabilities: c.probabilities.into_iter().map(Float64Array::new).collect(),
                entropy: Float64Array::new(c.entropy),
                margin: Float64Array::new(c.margin),
            }),
            model: to_plain(&p.model)?.0,
            fallback: p.fallback.as_ref().map(to_plain).transpose()?.map(|j| j.0),
        })
    }
}

/// `findLabelErrors`' ranked human spans as columns, least self-confident first (row `i` has
/// rank `i + 1`).
#[napi(object, js_name = "LabelIssues")]
pub struct JsLabelIssues {
    pub rank: Uint32Array,
    /// The annotation record's id, when it had one.
    pub id: Vec<Option<String>>,
    pub series: Vec<String>,
    pub start: Uint32Array,
    /// Inclusive.
    pub end: Uint32Array,
    pub start_time: Float64Array,
    pub end_time: Float64Array,
    pub label: Vec<String>,
    #[napi(ts_type = "Array<'human' | 'talib' | 'model-confirmed' | 'model-corrected'>")]
    pub source: Vec<String>,
    /// Mean out-of-fold probability of `label` over the span's rows.
    pub self_confidence: Float64Array,
    /// The most probable other label, `background` meaning "no pattern here".
    pub suggested_label: Vec<String>,
    pub suggested_probability: Float64Array,
    /// 1 where another label reaches its own confidence threshold (confident learning).
    pub likely_error: Uint8Array,
    /// Rows of the table whose target candle lies in the span.
    pub rows: Uint32Array,
}

/// Human spans no row targets (warm-up, look-ahead or stride), as columns.
#[napi(object, js_name = "UnscoredSpans")]
pub struct JsUnscoredSpans {
    pub id: Vec<Option<String>>,
    pub series: Vec<String>,
    pub start: Uint32Array,
    pub end: Uint32Array,
    pub label: Vec<String>,
}

#[napi(object, js_name = "LabelErrorReport")]
pub struct JsLabelErrorReport {
    pub folds: u32,
    #[napi(ts_type = "'lightgbm' | 'xgboost' | 'random_forest'")]
    pub model_type: String,
    pub rows: u32,
    /// Per label and `background`: the mean out-of-fold probability over the rows carrying it.
    #[napi(ts_type = "Record<string, number>")]
    pub thresholds: serde_json::Value,
    pub out_of_fold_accuracy: f64,
    pub issues: JsLabelIssues,
    pub likely_errors: u32,
    pub unscored: JsUnscoredSpans,
    pub warnings: Vec<String>,
}

/// Indices and counts cross as u32 (`columns::check_indexable` bounds the candles).
fn index_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl JsLabelErrorReport {
    pub fn from_core(r: engine::label_errors::LabelErrorReport) -> napi::Result<Self> {
        let issues = &r.issues;
        let column = |f: &dyn Fn(&engine::label_errors::LabelIssue) -> f64| issues.iter().map(f).collect::<Vec<f64>>();
        let index = |f: &dyn Fn(&engine::label_errors::LabelIssue) -> usize| {
            issues.iter().map(|i| index_u32(f(i))).collect::<Vec<u32>>()
        };
        let text =
            |f: &dyn Fn(&engine::label_errors::LabelIssue) -> String| issues.iter().map(f).collect::<Vec<String>>();
        let source = |i: &engine::label_errors::LabelIssue| match serde_json::to_value(i.source) {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        };
        Ok(JsLabelErrorReport {
            folds: index_u32(r.folds),
            model_type: r.model_type.as_str().to_string(),
            rows: index_u32(r.rows),
            thresholds: to_plain(&r.thresholds)?.0,
            out_of_fold_accuracy: r.out_of_fold_accuracy,
            issues: JsLabelIssues {
                rank: Uint32Array::new(index(&|i| i.rank)),
                id: issues.iter().map(|i| i.id.clone()).collect(),
                series: text(&|i| i.series.clone()),
                start: Uint32Array::new(index(&|i| i.start)),
                end: Uint32Array::new(index(&|i| i.end)),
                start_time: Float64Array::new(column(&|i| i.start_time)),
                end_time: Float64Array::new(column(&|i| i.end_time)),
                label: text(&|i| i.label.clone()),
                source: text(&source),
                self_confidence: Float64Array::new(column(&|i| i.self_confidence)),
                suggested_label: text(&|i| i.suggested_label.clone()),
                suggested_probability: Float64Array::new(column(&|i| i.suggested_probability)),
                likely_error: Uint8Array::new(issues.iter().map(|i| u8::from(i.likely_error)).collect()),
                rows: Uint32Array::new(index(&|i| i.rows)),
            },
            likely_errors: index_u32(r.likely_errors),
            unscored: JsUnscoredSpans {
                id: r.unscored.iter().map(|u| u.id.clone()).collect(),
                series: r.unscored.iter().map(|u| u.series.clone()).collect(),
                start: Uint32Array::new(r.unscored.iter().map(|u| index_u32(u.start)).collect()),
                end: Uint32Array::new(r.unscored.iter().map(|u| index_u32(u.end)).collect()),
                label: r.unscored.iter().map(|u| u.label.clone()).collect(),
            },
            warnings: r.warnings,
        })
    }
}

/// A training progress event: the current stage and overall progress (0..1, rising).
#[napi(object, js_name = "TrainProgress")]
pub struct JsTrainProgress {
    pub stage: String,
    pub fraction: f64,
}

#[napi(object, js_name = "ImportedSeries")]
pub struct JsImportedSeries {
    pub symbol: Option<String>,
    pub timeframe: Option<String>,
    pub candles: JsCandles,
}

#[napi(object, js_name = "ImportResult")]
pub struct JsImportResult {
    pub series: Vec<JsImportedSeries>,
    #[napi(ts_type = "Array<{ row: number; reason: string }>")]
    pub rejected: serde_json::Value,
    #[napi(ts_type = "ImportDetected")]
    pub detected: serde_json::Value,
}

impl JsImportResult {
    pub fn from_core(r: engine::import::ImportResult) -> napi::Result<Self> {
        Ok(JsImportResult {
            rejected: to_plain(&r.rejected)?.0,
            detected: to_plain(&r.detected)?.0,
            series: r
                .series
                .into_iter()
                .map(|s| JsImportedSeries {
                    symbol: s.symbol,
                    timeframe: s.timeframe,
                    candles: JsCandles::from_core(s.candles),
                })
                .collect(),
        })
    }
}

/// A row-shaped result serialized to plain JS objects (typed in index.d.ts by `ts_return_type`).
pub struct Json(pub serde_json::Value);

impl TypeName for Json {
    fn type_name() -> &'static str {
        "Object"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Json {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> napi::Result<napi::sys::napi_value> {
        // SAFETY: forwards the env napi handed us to serde_json::Value's own conversion.
        unsafe { serde_json::Value::to_napi_value(env, val.0) }
    }
}

/// `predictBatch`'s results: each item becomes a prediction or `{ error: { code, message } }`
/// on its own, so one item that cannot be handed over (or failed) does not fail the others.
pub struct BatchResults(pub Vec<engine::Result<engine::inference::Prediction>>);

impl TypeName for BatchResults {
    fn type_name() -> &'static str {
        "Array"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

fn batch_error(env: napi::sys::napi_env, code: &str, message: String) -> napi::Result<napi::sys::napi_value> {
    let env = Env::from(env);
    let mut error = Object::new(&env)?;
    error.set("code", code)?;
    error.set("message", message)?;
    let mut item = Object::new(&env)?;
    item.set("error", error)?;
    // SAFETY: a value just created in this env.
    unsafe { Object::to_napi_value(env.raw(), item) }
}

impl ToNapiValue for BatchResults {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> napi::Result<napi::sys::napi_value> {
        let js_env = Env::from(env);
        let mut array = js_env.create_array(val.0.len() as u32)?;
        for (i, item) in val.0.into_iter().enumerate() {
            let value = match item {
                Ok(prediction) => {
                    // SAFETY: `env` is the env napi handed us.
                    match JsPrediction::from_core(prediction)
                        .and_then(|p| unsafe { JsPrediction::to_napi_value(env, p) })
                    {
                        Ok(value) => value,
                        Err(e) => {
                            batch_error(env, "INTERNAL", format!("the result could not be handed to JS: {}", e.reason))?
                        }
                    }
                }
                Err(e) => batch_error(env, e.code(), e.to_string())?,
            };
            // SAFETY: a value created in this env.
            array.set(i as u32, unsafe { Unknown::from_raw_unchecked(env, value) })?;
        }
        // SAFETY: an array created in this env.
        unsafe { Array::to_napi_value(env, array) }
    }
}
