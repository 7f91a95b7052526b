//! The training pipeline's config (`config/pipeline.yaml`): parsed strictly (unknown keys are
//! errors at every level) into [`PipelineConfig`], then validated once into [`CheckedConfig`],
//! whose values need no further checks (linfa's param-guard pattern).
//!
//! Relative paths resolve against `root_dir`: for a file loaded with [`PipelineConfig::from_file`]
//! that is the parent of the config file's folder (`config/pipeline.yaml` → the repo root).
use crate::balance::{BalanceMode, BalanceSpec};
use crate::dataset::{Encoding, RowSpec, WindowLabel};
use crate::error::{EngineError, Result};
use crate::features::FeatureConfig;
use crate::models::{BoostedTreeParams, ForestParams, ModelKind, ModelParams};
use crate::split::{SplitMethod, SplitSpec};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    pub data: DataConfig,
    #[serde(default)]
    pub features: FeatureConfig,
    #[serde(default)]
    pub labels: LabelsConfig,
    #[serde(default)]
    pub dataset: DatasetConfig,
    #[serde(default)]
    pub split: SplitConfig,
    #[serde(default)]
    pub balance: BalanceConfig,
    pub model: ModelConfig,
    #[serde(default)]
    pub evaluation: EvaluationConfig,
    #[serde(default)]
    pub registry: RegistryConfig,
    #[serde(default)]
    pub tracking: TrackingConfig,
    /// Seeds sampling and the models.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Where relative paths resolve; not part of the file.
    #[serde(skip)]
    pub root_dir: PathBuf,
}

fn default_seed() -> u64 {
    42
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    pub series: Vec<SeriesConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesConfig {
    /// OHLCV CSV file (any layout the importer detects).
    pub path: String,
    /// Series id; default: the file's symbol column, else the file name without extension.
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub timeframe: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmatchedSeries {
    /// An annotation for a series the config does not list is an error.
    #[default]
    Error,
    /// Such annotations are skipped (and counted).
    Skip,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelsConfig {
    /// Annotation files (JSON or CSV, `docs/formats.md`).
    #[serde(default)]
    pub annotations: Vec<String>,
    /// TA-Lib auto-labels mixed in (humans win where they overlap).
    #[serde(default)]
    pub talib: Option<TalibConfig>,
    /// The allowed labels, in class order; spans with other labels are errors. Default: every
    /// label that occurs, sorted.
    #[serde(default)]
    pub classes: Option<Vec<String>>,
    /// Fewest spans a label needs.
    #[serde(default = "default_min_examples")]
    pub min_examples: usize,
    #[serde(default)]
    pub unmatched_series: UnmatchedSeries,
}

fn default_min_examples() -> usize {
    10
}

impl Default for LabelsConfig {
    fn default() -> Self {
        LabelsConfig {
            annotations: Vec::new(),
            talib: None,
            classes: None,
            min_examples: default_min_examples(),
            unmatched_series: UnmatchedSeries::Error,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TalibConfig {
    /// TA-Lib names or labels (`cdlengulfing` / `engulfing`); earlier ones win overlaps.
    pub patterns: Vec<String>,
    #[serde(default = "both_directions")]
    pub directions: Vec<crate::autolabel::Direction>,
    #[serde(default)]
    pub min_strength: Option<i32>,
}

fn both_directions() -> Vec<crate::autolabel::Direction> {
    vec![
        crate::autolabel::Direction::Bullish,
        crate::autolabel::Direction::Bearish,
    ]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetConfig {
    #[serde(default = "default_encoding")]
    pub encoding: Encoding,
    #[serde(default = "default_window")]
    pub window: usize,
    #[serde(default = "one")]
    pub stride: usize,
    #[serde(default)]
    pub lookahead: usize,
    #[serde(default = "default_window_label")]
    pub window_label: WindowLabel,
    /// Where `dataset.csv` + `manifest.json` go (DVC tracks it).
    #[serde(default = "default_dataset_dir")]
    pub output_dir: String,
}

fn default_encoding() -> Encoding {
    Encoding::Bio
}
fn default_window() -> usize {
    3
}
fn one() -> usize {
    1
}
fn default_window_label() -> WindowLabel {
    WindowLabel::End
}
fn default_dataset_dir() -> String {
    "artifacts/dataset".into()
}

impl Default for DatasetConfig {
    fn default() -> Self {
        DatasetConfig {
            encoding: default_encoding(),
            window: default_window(),
            stride: 1,
            lookahead: 0,
            window_label: default_window_label(),
            output_dir: default_dataset_dir(),
        }
    }
}

/// Ratios (`train`/`validation`/`test`, default 0.7/0.15/0.15, or 0.8/0.2/0 with `test_series`)
/// or dates (`validation_start`, optional `test_start`), not both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitConfig {
    #[serde(default)]
    pub train: Option<f64>,
    #[serde(default)]
    pub validation: Option<f64>,
    #[serde(default)]
    pub test: Option<f64>,
    #[serde(default)]
    pub validation_start: Option<String>,
    #[serde(default)]
    pub test_start: Option<String>,
    /// Series only in test (leave-instruments-out).
    #[serde(default)]
    pub test_series: Vec<String>,
    /// Default and minimum: feature look-back + window + look-ahead.
    #[serde(default)]
    pub purge_gap: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceConfig {
    #[serde(default = "default_balance_mode")]
    pub mode: BalanceMode,
    #[serde(default)]
    pub background_ratio: Option<f64>,
    #[serde(default)]
    pub oversample_fraction: Option<f64>,
    #[serde(default)]
    pub max_weight: Option<f64>,
}

fn default_balance_mode() -> BalanceMode {
    BalanceMode::ClassWeights
}

impl Default for BalanceConfig {
    fn default() -> Self {
        BalanceConfig {
            mode: default_balance_mode(),
            background_ratio: None,
            oversample_fraction: None,
            max_weight: None,
        }
    }
}

/// Model family and hyper-parameters; a key the family does not use is an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    #[serde(rename = "type")]
    pub kind: ModelKind,
    /// Boosting rounds (boosters) or trees per class (random_forest).
    #[serde(default)]
    pub rounds: Option<u32>,
    #[serde(default)]
    pub learning_rate: Option<f64>,
    #[serde(default)]
    pub num_leaves: Option<u32>,
    #[serde(default)]
    pub max_depth: Option<u32>,
    #[serde(default)]
    pub min_samples_leaf: Option<u32>,
    #[serde(default)]
    pub min_child_weight: Option<f64>,
    #[serde(default)]
    pub row_subsample: Option<f64>,
    #[serde(default)]
    pub feature_subsample: Option<f64>,
    #[serde(default)]
    pub l2: Option<f64>,
    #[serde(default)]
    pub early_stopping_rounds: Option<u32>,
    #[serde(default)]
    pub threads: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationConfig {
    /// Predicted spans shorter than this (candles) are dropped before span matching.
    #[serde(default = "one")]
    pub min_span_len: usize,
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        EvaluationConfig { min_span_len: 1 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryConfig {
    #[serde(default = "default_registry_root")]
    pub root: String,
    /// The model's name (registry and MLflow).
    #[serde(default = "default_model_name")]
    pub name: String,
}

fn default_registry_root() -> String {
    "models".into()
}
fn default_model_name() -> String {
    "candle-patterns".into()
}

impl Default for RegistryConfig {
    fn default() -> Self {
        RegistryConfig {
            root: default_registry_root(),
            name: default_model_name(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingConfig {
    #[serde(default = "default_experiment")]
    pub experiment: String,
    /// Register the model in MLflow's model registry under this name.
    #[serde(default)]
    pub register_name: Option<String>,
}

fn default_experiment() -> String {
    "candle-annotator".into()
}

impl Default for TrackingConfig {
    fn default() -> Self {
        TrackingConfig {
            experiment: default_experiment(),
            register_name: None,
        }
    }
}

/// A series to load, path resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedSeries {
    pub path: PathBuf,
    /// As written in the config (for records).
    pub path_text: String,
    pub symbol: Option<String>,
    pub timeframe: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedTalib {
    /// Canonical labels (`engulfing`), priority order.
    pub patterns: Vec<String>,
    pub directions: Vec<crate::autolabel::Direction>,
    pub min_strength: Option<i32>,
}

/// The validated config: everything `train::run` needs, already checked.
#[derive(Debug, Clone)]
pub struct CheckedConfig {
    /// The config as given (recorded and hashed).
    pub raw: PipelineConfig,
    pub root_dir: PathBuf,
    pub series: Vec<CheckedSeries>,
    pub features: FeatureConfig,
    pub feature_lookback: usize,
    pub annotation_files: Vec<PathBuf>,
    pub talib: Option<CheckedTalib>,
    pub classes: Option<Vec<String>>,
    pub min_examples: usize,
    pub unmatched_series: UnmatchedSeries,
    pub rows: RowSpec,
    pub dataset_dir: PathBuf,
    pub split: SplitSpec,
    pub balance: BalanceSpec,
    pub model: ModelParams,
    pub min_span_len: usize,
    pub registry_root: PathBuf,
    pub model_name: String,
    pub tracking: TrackingConfig,
    pub seed: u64,
    /// SHA-256 of the config's canonical JSON.
    pub config_hash: String,
}

fn invalid(msg: impl Into<String>) -> EngineError {
    EngineError::InvalidConfig(msg.into())
}

impl PipelineConfig {
    /// Parses YAML; unknown keys anywhere are `InvalidConfig` naming the key.
    pub fn from_yaml_str(text: &str, root_dir: impl Into<PathBuf>) -> Result<Self> {
        let mut cfg: PipelineConfig = serde_yaml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        cfg.root_dir = root_dir.into();
        Ok(cfg)
    }

    /// Reads a config file; relative paths will resolve against the parent of its folder.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| EngineError::io_path("read config", path, e))?;
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let root = abs
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Self::from_yaml_str(&text, root).map_err(|e| match e {
            EngineError::InvalidConfig(m) => invalid(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    fn resolve(&self, p: &str) -> PathBuf {
        let path = Path::new(p);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root_dir.join(path)
        }
    }

    /// Validates everything once, before any data is read.
    pub fn validate(&self) -> Result<CheckedConfig> {
        if self.data.series.is_empty() {
            return Err(invalid("data.series: list at least one series"));
        }
        let mut series = Vec::new();
        for (i, s) in self.data.series.iter().enumerate() {
            if s.path.trim().is_empty() {
                return Err(invalid(format!("data.series[{i}].path is empty")));
            }
            if let Some(sym) = &s.symbol {
                if sym.trim().is_empty() {
                    return Err(invalid(format!("data.series[{i}].symbol is empty")));
                }
                if self.data.series[..i]
                    .iter()
                    .any(|o| o.symbol.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(sym)))
                {
                    return Err(invalid(format!("data.series[{i}].symbol '{sym}' is listed twice")));
                }
            }
            series.push(CheckedSeries {
                path: self.resolve(&s.path),
                path_text: s.path.clone(),
                symbol: s.symbol.as_ref().map(|x| x.trim().to_string()),
                timeframe: s.timeframe.clone(),
            });
        }

        let feature_lookback = self.features.max_lookback()?;

        let talib = self.labels.talib.as_ref().map(|t| self.check_talib(t)).transpose()?;
        if self.labels.annotations.is_empty() && talib.is_none() {
            return Err(EngineError::InvalidAnnotations(
                "no annotations: labels.annotations is empty and labels.talib is not set".into(),
            ));
        }
        let classes = match &self.labels.classes {
            None => None,
            Some(list) => Some(check_classes(list, talib.as_ref())?),
        };
        if self.labels.min_examples == 0 {
            return Err(invalid("labels.min_examples must be at least 1"));
        }

        let d = &self.dataset;
        if d.window == 0 {
            return Err(invalid("dataset.window must be at least 1"));
        }
        if d.stride == 0 {
            return Err(invalid("dataset.stride must be at least 1"));
        }
        if d.encoding == Encoding::Bio && d.stride != 1 {
            return Err(invalid(
                "dataset.stride: the bio encoding labels every candle, so stride must be 1",
            ));
        }
        if d.encoding == Encoding::Bio && d.window_label != WindowLabel::End {
            return Err(invalid(
                "dataset.window_label: majority applies to the windowed encoding only",
            ));
        }
        if d.lookahead >= 64 {
            return Err(invalid("dataset.lookahead must be below 64 candles"));
        }
        let rows = RowSpec {
            encoding: d.encoding,
            window: d.window,
            stride: d.stride,
            lookahead: d.lookahead,
            window_label: d.window_label,
        };

        let split = self.check_split(feature_lookback + d.window + d.lookahead)?;
        let balance = self.check_balance()?;
        let model = self.model.check(self.seed)?;

        if self.evaluation.min_span_len == 0 {
            return Err(invalid("evaluation.min_span_len must be at least 1"));
        }
        if self.registry.root.trim().is_empty() {
            return Err(invalid("registry.root is empty"));
        }
        if self.registry.name.trim().is_empty() {
            return Err(invalid("registry.name is empty"));
        }
        if self.tracking.experiment.trim().is_empty() {
            return Err(invalid("tracking.experiment is empty"));
        }

        let canonical = serde_json::to_vec(self).map_err(|e| EngineError::Internal(e.to_string()))?;
        Ok(CheckedConfig {
            raw: self.clone(),
            root_dir: self.root_dir.clone(),
            series,
            features: self.features.clone(),
            feature_lookback,
            annotation_files: self.labels.annotations.iter().map(|p| self.resolve(p)).collect(),
            talib,
            classes,
            min_examples: self.labels.min_examples,
            unmatched_series: self.labels.unmatched_series,
            rows,
            dataset_dir: self.resolve(&d.output_dir),
            split,
            balance,
            model,
            min_span_len: self.evaluation.min_span_len,
            registry_root: self.resolve(&self.registry.root),
            model_name: self.registry.name.clone(),
            tracking: self.tracking.clone(),
            seed: self.seed,
            config_hash: crate::registry::sha256_hex(&canonical),
        })
    }

    fn check_talib(&self, t: &TalibConfig) -> Result<CheckedTalib> {
        if t.patterns.is_empty() {
            return Err(invalid(
                "labels.talib.patterns is empty: list the patterns to auto-label",
            ));
        }
        let mut patterns: Vec<String> = Vec::new();
        for (i, name) in t.patterns.iter().enumerate() {
            let def = crate::patterns::find(name)
                .ok_or_else(|| invalid(format!("labels.talib.patterns[{i}]: unknown TA-Lib pattern '{name}'")))?;
            if patterns.iter().any(|p| p == def.label()) {
                return Err(invalid(format!("labels.talib.patterns[{i}]: '{name}' is listed twice")));
            }
            patterns.push(def.label().to_string());
        }
        if t.directions.is_empty() {
            return Err(invalid("labels.talib.directions is empty: list bullish and/or bearish"));
        }
        if let Some(s) = t.min_strength {
            if !(0..=200).contains(&s) {
                return Err(invalid(format!(
                    "labels.talib.min_strength must be within 0..=200, got {s}"
                )));
            }
        }
        Ok(CheckedTalib {
            patterns,
            directions: t.directions.clone(),
            min_strength: t.min_strength,
        })
    }

    fn check_split(&self, min_gap: usize) -> Result<SplitSpec> {
        let s = &self.split;
        let has_ratios = s.train.is_some() || s.validation.is_some() || s.test.is_some();
        let method = if let Some(v) = &s.validation_start {
            if has_ratios {
                return Err(invalid(
                    "split: give ratios (train/validation/test) or dates (validation_start/test_start), not both",
                ));
            }
            let validation_start =
                crate::annotations::parse_time(v).map_err(|e| invalid(format!("split.validation_start: {e}")))?;
            let test_start = s
                .test_start
                .as_deref()
                .map(|t| crate::annotations::parse_time(t).map_err(|e| invalid(format!("split.test_start: {e}"))))
                .transpose()?;
            if test_start.is_some_and(|t| t <= validation_start) {
                return Err(invalid("split.test_start must be after split.validation_start"));
            }
            SplitMethod::Dates {
                validation_start,
                test_start,
            }
        } else {
            if s.test_start.is_some() {
                return Err(invalid("split.test_start needs split.validation_start"));
            }
            let held_out = !s.test_series.is_empty();
            let (dt, dv, dte) = if held_out { (0.8, 0.2, 0.0) } else { (0.7, 0.15, 0.15) };
            let (train, validation, test) = (s.train.unwrap_or(dt), s.validation.unwrap_or(dv), s.test.unwrap_or(dte));
            for (key, v) in [("train", train), ("validation", validation), ("test", test)] {
                if !(0.0..=1.0).contains(&v) || !v.is_finite() {
                    return Err(invalid(format!("split.{key} must be within 0..1, got {v}")));
                }
            }
            if train == 0.0 || validation == 0.0 {
                return Err(invalid("split.train and split.validation must be above 0"));
            }
            if test == 0.0 && !held_out {
                return Err(invalid(
                    "split.test is 0 and no split.test_series is held out: there would be no test set",
                ));
            }
            if ((train + validation + test) - 1.0).abs() > 1e-6 {
                return Err(invalid(format!(
                    "split ratios must sum to 1, got {}",
                    train + validation + test
                )));
            }
            SplitMethod::Ratios {
                train,
                validation,
                test,
            }
        };
        let mut seen: Vec<&str> = Vec::new();
        for (i, t) in s.test_series.iter().enumerate() {
            if seen.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                return Err(invalid(format!("split.test_series[{i}] '{t}' is listed twice")));
            }
            seen.push(t);
        }
        let purge_gap = match s.purge_gap {
            Some(g) if g < min_gap => {
                return Err(invalid(format!(
                    "split.purge_gap {g} is below the minimum {min_gap} (feature look-back + window + look-ahead)"
                )))
            }
            Some(g) => g,
            None => min_gap,
        };
        Ok(SplitSpec {
            method,
            test_series: s.test_series.clone(),
            purge_gap,
        })
    }

    fn check_balance(&self) -> Result<BalanceSpec> {
        let b = &self.balance;
        let not_for = |key: &str, value: bool| -> Result<()> {
            if value {
                Err(invalid(format!(
                    "balance.{key} does not apply to balance.mode {:?}",
                    b.mode
                )))
            } else {
                Ok(())
            }
        };
        not_for(
            "background_ratio",
            b.background_ratio.is_some() && b.mode != BalanceMode::Undersample,
        )?;
        not_for(
            "oversample_fraction",
            b.oversample_fraction.is_some() && b.mode != BalanceMode::Oversample,
        )?;
        not_for(
            "max_weight",
            b.max_weight.is_some() && b.mode != BalanceMode::ClassWeights,
        )?;
        let background_ratio = b.background_ratio.unwrap_or(3.0);
        if !(background_ratio > 0.0 && background_ratio.is_finite()) {
            return Err(invalid("balance.background_ratio must be above 0"));
        }
        let oversample_fraction = b.oversample_fraction.unwrap_or(0.25);
        if !(oversample_fraction > 0.0 && oversample_fraction <= 1.0) {
            return Err(invalid("balance.oversample_fraction must be within (0, 1]"));
        }
        if b.max_weight.is_some_and(|w| !(w >= 1.0 && w.is_finite())) {
            return Err(invalid("balance.max_weight must be at least 1"));
        }
        Ok(BalanceSpec {
            mode: b.mode,
            background_ratio,
            oversample_fraction,
            max_weight: b.max_weight,
            seed: self.seed,
        })
    }
}

fn check_classes(list: &[String], talib: Option<&CheckedTalib>) -> Result<Vec<String>> {
    if list.is_empty() {
        return Err(invalid(
            "labels.classes is empty: omit it to use every label that occurs",
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let c = c.trim();
        if c.is_empty() || c == crate::dataset::BIO_OUTSIDE || c == crate::dataset::BACKGROUND {
            return Err(invalid(format!("labels.classes[{i}]: '{c}' is reserved or empty")));
        }
        if out.iter().any(|o| o == c) {
            return Err(invalid(format!("labels.classes[{i}]: '{c}' is listed twice")));
        }
        out.push(c.to_string());
    }
    if let Some(t) = talib {
        if let Some(p) = t.patterns.iter().find(|p| !out.contains(p)) {
            return Err(invalid(format!(
                "labels.talib.patterns: '{p}' is not in labels.classes"
            )));
        }
    }
    Ok(out)
}

fn probability(key: &str, v: f64, closed_one: bool) -> Result<f64> {
    let ok = v > 0.0 && if closed_one { v <= 1.0 } else { v < 1.0 };
    if ok {
        Ok(v)
    } else {
        Err(invalid(format!(
            "model.{key} must be within (0, 1{}, got {v}",
            if closed_one { "]" } else { ")" }
        )))
    }
}

impl ModelConfig {
    /// Checks the keys and ranges for the chosen family and fills in its defaults.
    pub fn check(&self, seed: u64) -> Result<ModelParams> {
        let kind = self.kind;
        let not_for = |key: &str, given: bool| -> Result<()> {
            if given {
                Err(invalid(format!("model.{key} does not apply to model type {kind}")))
            } else {
                Ok(())
            }
        };
        let rounds = self
            .rounds
            .unwrap_or(if kind == ModelKind::RandomForest { 100 } else { 200 });
        if rounds == 0 || rounds > 100_000 {
            return Err(invalid(format!("model.rounds must be within 1..=100000, got {rounds}")));
        }
        let threads = self.threads.unwrap_or(0);
        if threads > 1024 {
            return Err(invalid("model.threads must be at most 1024"));
        }
        let num_leaves = self.num_leaves.unwrap_or(31);
        if !(2..=131_072).contains(&num_leaves) {
            return Err(invalid("model.num_leaves must be within 2..=131072"));
        }
        let min_samples_leaf = self.min_samples_leaf.unwrap_or(20);
        if min_samples_leaf == 0 {
            return Err(invalid("model.min_samples_leaf must be at least 1"));
        }
        if self.max_depth.is_some_and(|d| d > 64) {
            return Err(invalid("model.max_depth must be at most 64"));
        }
        match kind {
            ModelKind::Lightgbm | ModelKind::Xgboost => {
                let xgb = kind == ModelKind::Xgboost;
                not_for("num_leaves", xgb && self.num_leaves.is_some())?;
                not_for("min_samples_leaf", xgb && self.min_samples_leaf.is_some())?;
                not_for("min_child_weight", !xgb && self.min_child_weight.is_some())?;
                let max_depth = self.max_depth.unwrap_or(if xgb { 6 } else { 0 });
                if xgb && max_depth == 0 {
                    return Err(invalid("model.max_depth must be at least 1 for xgboost"));
                }
                let min_child_weight = self.min_child_weight.unwrap_or(1.0);
                if !(min_child_weight >= 0.0 && min_child_weight.is_finite()) {
                    return Err(invalid("model.min_child_weight must be >= 0"));
                }
                let l2 = self.l2.unwrap_or(1.0);
                if !(l2 >= 0.0 && l2.is_finite()) {
                    return Err(invalid("model.l2 must be >= 0"));
                }
                if self.early_stopping_rounds == Some(0) {
                    return Err(invalid("model.early_stopping_rounds must be at least 1"));
                }
                let p = BoostedTreeParams {
                    rounds,
                    learning_rate: probability("learning_rate", self.learning_rate.unwrap_or(0.1), true)?,
                    num_leaves,
                    max_depth,
                    min_samples_leaf,
                    min_child_weight,
                    row_subsample: probability("row_subsample", self.row_subsample.unwrap_or(1.0), true)?,
                    feature_subsample: probability("feature_subsample", self.feature_subsample.unwrap_or(1.0), true)?,
                    l2,
                    early_stopping_rounds: self.early_stopping_rounds,
                    threads,
                    seed,
                };
                Ok(if xgb {
                    ModelParams::Xgboost(p)
                } else {
                    ModelParams::Lightgbm(p)
                })
            }
            ModelKind::RandomForest => {
                not_for("learning_rate", self.learning_rate.is_some())?;
                not_for("min_child_weight", self.min_child_weight.is_some())?;
                not_for("l2", self.l2.is_some())?;
                not_for("early_stopping_rounds", self.early_stopping_rounds.is_some())?;
                Ok(ModelParams::RandomForest(ForestParams {
                    trees: rounds,
                    num_leaves,
                    max_depth: self.max_depth.unwrap_or(0),
                    min_samples_leaf,
                    // LightGBM's rf needs real bagging: a fraction strictly below 1.
                    row_subsample: probability("row_subsample", self.row_subsample.unwrap_or(0.632), false)?,
                    feature_subsample: probability("feature_subsample", self.feature_subsample.unwrap_or(0.5), true)?,
                    threads,
                    seed,
                }))
            }
        }
    }
}
