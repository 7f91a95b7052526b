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
pub fn to_plain<T: serde::Serialize>(value: &T) -> napi::Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| napi::Error::from_reason(format!("serializing result: {e}")))
}
