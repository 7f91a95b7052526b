//! Shared helpers for the training tests: configs over the real samples in `data/samples/`.
#![allow(dead_code)]
use engine::config::PipelineConfig;
use engine::train::TrainOutcome;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
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
