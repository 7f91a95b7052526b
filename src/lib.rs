//! The napi binding: converts JS values to core types, dispatches to `engine`, converts back.
//! All logic lives in `crates/engine`.
#![deny(clippy::all)]

mod error;
mod js_types;
mod tasks;

use engine::{autolabel, features, patterns, EngineError};
use js_types::{to_plain, JsCandles, JsFeatureFrame, JsPatternInfo};
use napi::bindgen_prelude::*;
use napi::Env;
use napi_derive::napi;
use tasks::EngineTask;

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
    candles.to_core().validate().map_err(|e| error::throw(&env, e))
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
pub fn auto_label(candles: JsCandles, options: Option<serde_json::Value>) -> AsyncTask<EngineTask<autolabel::AutoLabelResult, serde_json::Value>> {
    let candles = candles.to_core();
    EngineTask::new(
        move || {
            let options: autolabel::AutoLabelOptions = parse_options("autoLabel options", options)?;
            autolabel::auto_label(&candles, &options)
        },
        |_, result| to_plain(&result),
    )
}
