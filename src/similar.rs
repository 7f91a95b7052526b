//! `findSimilar`: query-by-example pattern search (`crates/engine/src/similar`). Only converts:
//! candles in as `Float64Array` columns (just the ones the chosen channels read), results out as
//! typed-array columns.
use crate::js_types::{to_plain, JsCandles, JsTrainProgress};
use crate::tasks::EngineTask;
use crate::{args, parse_options, ProgressCallback};
use engine::similar::{self, Channels, Example, SimilarOptions, SimilarResult, SpanRef};
use engine::{Candles, EngineError};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi_derive::napi;

/// One example of the pattern: a span of one of the targets (`target`, `start`, `end`, inclusive
/// candle indices), or `candles` of its own.
#[napi(object, js_name = "SimilarExample")]
pub struct JsSimilarExample {
    pub target: Option<u32>,
    pub start: Option<u32>,
    pub end: Option<u32>,
    pub candles: Option<JsCandles>,
}

/// Results best first, as columns: result `i` is candles `start[i]..=end[i]` of target `target[i]`.
#[napi(object, js_name = "SimilarResult")]
pub struct JsSimilarResult {
    pub target: Uint32Array,
    pub start: Uint32Array,
    pub end: Uint32Array,
    /// z-normalised Euclidean (or DTW) distance to the example resampled to the window's length.
    pub distance: Float64Array,
    /// 0..1: (1 + r) / 2 for the Pearson correlation r of the normalised shapes.
    pub similarity: Float64Array,
    /// Which example matched best.
    pub example: Uint32Array,
    #[napi(ts_type = "SimilarReport")]
    pub report: serde_json::Value,
    #[napi(ts_type = "SimilarStats")]
    pub stats: serde_json::Value,
}

/// Copies the columns the channels read (the close; or open, high, low, close, volume).
fn columns(c: &JsCandles, channels: Channels) -> Candles {
    match channels {
        Channels::Close => Candles { close: c.close.to_vec(), ..Default::default() },
        Channels::Ohlcv => Candles {
            open: c.open.to_vec(),
            high: c.high.to_vec(),
            low: c.low.to_vec(),
            close: c.close.to_vec(),
            volume: c.volume.to_vec(),
            time: Vec::new(),
        },
    }
}

fn example(i: usize, e: &JsSimilarExample, channels: Channels) -> engine::Result<Example> {
    match (&e.candles, e.target, e.start, e.end) {
        (Some(c), None, None, None) => Ok(Example::Candles(columns(c, channels))),
        (None, Some(target), Some(start), Some(end)) => {
            Ok(Example::Span(SpanRef { target: target as usize, start: start as usize, end: end as usize }))
        }
        _ => Err(EngineError::InvalidArgument(format!(
            "examples[{i}]: give either {{ target, start, end }} or {{ candles }}"
        ))),
    }
}

fn to_js(_: &Env, r: SimilarResult) -> napi::Result<JsSimilarResult> {
    let column =
        |f: fn(&similar::SimilarMatch) -> usize| Uint32Array::new(r.matches.iter().map(|m| f(m) as u32).collect());
    Ok(JsSimilarResult {
        target: column(|m| m.target),
        start: column(|m| m.start),
        end: column(|m| m.end),
        example: column(|m| m.example),
        distance: Float64Array::new(r.matches.iter().map(|m| m.distance).collect()),
        similarity: Float64Array::new(r.matches.iter().map(|m| m.similarity).collect()),
        report: to_plain(&r.report)?.0,
        stats: to_plain(&r.stats)?.0,
    })
}

/// Ranks the windows of `targets` by how alike their shape is to the examples' (see
/// docs/similar.md): off the JS thread, with progress (stage `search`) and cancellation.
#[napi(
    ts_args_type = "examples: SimilarExample[], targets: Candles[], options?: SimilarOptions, onProgress?: (progress: TrainProgress) => void, cancel?: AbortSignal | CancelToken",
    ts_return_type = "Promise<SimilarResult>"
)]
pub fn find_similar(
    examples: Vec<JsSimilarExample>,
    targets: Vec<JsCandles>,
    options: Option<serde_json::Value>,
    on_progress: Option<ProgressCallback>,
    cancel: Option<Unknown>,
    env: Env,
) -> AsyncTask<EngineTask<SimilarResult, JsSimilarResult>> {
    let flag = args::cancel_flag(&env, cancel, "cancel");
    // Parsed here to know which columns to copy; a bad value rejects the promise below.
    let options: engine::Result<SimilarOptions> = parse_options("findSimilar options", options);
    let channels = options.as_ref().map(|o| o.channels).unwrap_or_default();
    let targets: Vec<Candles> = targets.iter().map(|t| columns(t, channels)).collect();
    let examples: engine::Result<Vec<Example>> =
        examples.iter().enumerate().map(|(i, e)| example(i, e, channels)).collect();
    EngineTask::new(
        move || {
            let (options, examples, flag) = (options?, examples?, flag?.unwrap_or_default());
            let report = |fraction: f64| {
                if let Some(cb) = &on_progress {
                    cb.call(
                        JsTrainProgress { stage: "search".to_string(), fraction },
                        ThreadsafeFunctionCallMode::NonBlocking,
                    );
                }
            };
            similar::find_similar(&examples, &targets, &options, &report, &flag)
        },
        to_js,
    )
}
