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

#[napi(object, js_name = "FeatureFrame")]
pub struct JsFeatureFrame {
    pub names: Vec<String>,
    pub columns: Vec<Float64Array>,
    /// Rows before this index have no value (NaN) for at least one feature.
    pub warmup: u32,
}

impl From<engine::features::FeatureFrame> for JsFeatureFrame {
    fn from(f: engine::features::FeatureFrame) -> Self {
        JsFeatureFrame {
            names: f.names,
            columns: f.columns.into_iter().map(Float64Array::new).collect(),
            warmup: f.warmup as u32,
        }
    }
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

/// Serializes a core value into a plain JS object (for nested, row-shaped results).
pub fn to_plain<T: serde::Serialize>(value: &T) -> napi::Result<Json> {
    serde_json::to_value(value).map(Json).map_err(|e| napi::Error::from_reason(format!("serializing result: {e}")))
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
                .map(|s| JsImportedSeries { symbol: s.symbol, timeframe: s.timeframe, candles: JsCandles::from_core(s.candles) })
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
