//! Shared helpers for the training tests: configs over the real samples in `data/samples/`.
#![allow(dead_code)]
use engine::config::PipelineConfig;
use engine::train::TrainOutcome;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A small, fast config: three daily series (IBM held out for test), four frequent patterns,
/// few rounds. `model` is the YAML body of the `model:` section; `extra` is appended YAML.
pub fn small_config(out: &Path, model: &str, extra: &str) -> String {
    format!(
        r#"
seed: 7
data:
  series:
    - {{ path: data/samples/aapl_daily.csv, symbol: AAPL }}
    - {{ path: data/samples/msft_daily.csv, symbol: MSFT }}
    - {{ path: data/samples/ibm_daily.csv, symbol: IBM }}
features: {{ geometry: true, indicators: false, patterns: false, lags: 3 }}
labels:
  talib: {{ patterns: [engulfing, harami, hammer, doji] }}
  min_examples: 5
dataset: {{ encoding: bio, window: 2, lookahead: 1, output_dir: {out}/dataset }}
split: {{ train: 0.8, validation: 0.2, test_series: [IBM] }}
registry: {{ root: {out}/models }}
model:
{model}
{extra}
"#,
        out = out.display()
    )
}

pub fn parse(yaml: &str) -> PipelineConfig {
    PipelineConfig::from_yaml_str(yaml, repo_root()).unwrap()
}

pub fn train(cfg: &PipelineConfig) -> engine::Result<TrainOutcome> {
    engine::train::run(cfg, &|_, _| {}, &AtomicBool::new(false))
}

/// Records the stages a run entered.
pub fn train_recording(cfg: &PipelineConfig) -> (engine::Result<TrainOutcome>, Vec<String>) {
    let stages = std::sync::Mutex::new(Vec::<String>::new());
    let result = engine::train::run(
        cfg,
        &|stage, _| {
            let mut s = stages.lock().unwrap();
            if s.last().map(String::as_str) != Some(stage) {
                s.push(stage.to_string());
            }
        },
        &AtomicBool::new(false),
    );
    (result, stages.into_inner().unwrap())
}

/// The candles of a sample in `data/samples/`.
pub fn sample_candles(file: &str) -> engine::candles::Candles {
    engine::import::import_csv_file(&repo_root().join("data/samples").join(file), &Default::default())
        .unwrap()
        .series
        .remove(0)
        .candles
}

/// Real feature rows of a sample (the standard features, one candle per row) and a 4-class
/// target: the next candle's return in quartiles (a real, learnable-enough target). The parity
/// tests train on these.
pub fn quartile_rows(file: &str) -> (engine::models::FeatureMatrix, Vec<u32>) {
    use engine::dataset::{feature_rows, Encoding, RowSpec, WindowLabel};
    let candles = sample_candles(file);
    let frame = engine::features::compute_features(&candles, &Default::default()).unwrap();
    let spec = RowSpec {
        encoding: Encoding::Bio,
        window: 1,
        stride: 1,
        lookahead: 0,
        window_label: WindowLabel::End,
        context: 0,
    };
    let (x, targets) = feature_rows(&frame, &spec).unwrap();
    let next: Vec<f64> =
        targets.iter().map(|&t| candles.close.get(t + 1).map_or(0.0, |c| c / candles.close[t] - 1.0)).collect();
    let mut sorted = next.clone();
    sorted.sort_by(f64::total_cmp);
    let y = next.iter().map(|r| (1..4).filter(|&q| *r > sorted[q * sorted.len() / 4]).count() as u32).collect();
    (x, y)
}
