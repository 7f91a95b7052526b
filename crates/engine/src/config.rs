//! The training pipeline's config (`config/pipeline.yaml`): parsed strictly (unknown keys are
//! errors at every level) into [`PipelineConfig`], then validated once into [`CheckedConfig`],
//! whose values need no further checks (linfa's param-guard pattern).
//!
//! Relative paths resolve against `root_dir`: for a file loaded with [`PipelineConfig::from_file`]
//! that is the parent of the config file's folder (`config/pipeline.yaml` → the repo root).
use crate::balance::{BalanceMode, BalanceSpec};
use crate::dataset::{Encoding, RowSpec, WindowLabel};
use crate::error::{EngineError, Result};
use crate::features::{FeatureConfig, Selection};
pub use crate::models::config::ModelConfig;
use crate::models::config::{family_keys, ParamGuard};
use crate::models::{ModelKind, ModelParams};
use crate::split::{SplitMethod, SplitSpec};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    pub data: DataConfig,
    #[serde(default)]
    pub features: PipelineFeatures,
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
    /// Train with worker processes, on this machine or several (`crate::distributed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distributed: Option<crate::distributed::DistributedConfig>,
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

/// The `features:` section: [`FeatureConfig`] with one pipeline-only choice, `patterns: auto`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineFeatures {
    #[serde(default = "all_features")]
    pub geometry: Selection,
    #[serde(default = "all_features")]
    pub indicators: Selection,
    /// The 61 TA-Lib recognisers as features. `auto` (the default): on, unless every label comes
    /// from TA-Lib itself (then they would hand the model its answers); or true/false/a list.
    #[serde(default)]
    pub patterns: PatternFeatures,
    #[serde(default = "default_lags")]
    pub lags: usize,
}

fn all_features() -> Selection {
    Selection::All(true)
}
fn default_lags() -> usize {
    5
}

impl Default for PipelineFeatures {
    fn default() -> Self {
        PipelineFeatures {
            geometry: all_features(),
            indicators: all_features(),
            patterns: PatternFeatures::default(),
            lags: default_lags(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Auto {
    #[default]
    Auto,
}

/// `auto`, or an explicit selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum PatternFeatures {
    Auto(Auto),
    Given(Selection),
}

impl Default for PatternFeatures {
    fn default() -> Self {
        PatternFeatures::Auto(Auto::Auto)
    }
}

impl PipelineFeatures {
    /// The feature set to compute; `talib_only`: every label comes from TA-Lib.
    pub fn resolve(&self, talib_only: bool) -> FeatureConfig {
        FeatureConfig {
            geometry: self.geometry.clone(),
            indicators: self.indicators.clone(),
            patterns: match &self.patterns {
                PatternFeatures::Auto(_) => Selection::All(!talib_only),
                PatternFeatures::Given(s) => s.clone(),
            },
            lags: self.lags,
        }
    }

    /// The longest feature look-back either way `auto` can go.
    fn max_lookback(&self) -> Result<usize> {
        let with = self.resolve(false).max_lookback()?;
        match self.patterns {
            PatternFeatures::Auto(_) => Ok(self.resolve(true).max_lookback().map_or(with, |b| with.max(b))),
            PatternFeatures::Given(_) => Ok(with),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    pub series: Vec<SeriesConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnmatchedSeries {
    /// An annotation for a series the config does not list is an error.
    #[default]
    Error,
    /// Such annotations are skipped (and counted).
    Skip,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelsConfig {
    /// Annotation files (JSON or CSV, `docs/formats.md`).
    #[serde(default)]
    pub annotations: Vec<String>,
    /// TA-Lib auto-labels mixed in (humans win where they overlap). `patterns: []` = none.
    #[serde(default)]
    pub talib: Option<TalibConfig>,
    /// "Find similar" searches mixed in like TA-Lib's spans: per label, people's spans of it are
    /// the examples (docs/similar.md).
    #[serde(default)]
    pub similar: Vec<crate::similar::SimilarLabelConfig>,
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
            similar: Vec::new(),
            classes: None,
            min_examples: default_min_examples(),
            unmatched_series: UnmatchedSeries::Error,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    vec![crate::autolabel::Direction::Bullish, crate::autolabel::Direction::Bearish]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    Encoding::End
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// `model.search`: random draws from a small grid, scored by temporal cross-validation on the
/// training rows (`crate::search`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Settings tried, the configured ones included (2..=30, default 8).
    #[serde(default)]
    pub trials: Option<u32>,
    /// No new trial starts after this many seconds (default 600).
    #[serde(default)]
    pub max_seconds: Option<u64>,
    /// Temporal folds (2..=5, default 3).
    #[serde(default)]
    pub folds: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
        RegistryConfig { root: default_registry_root(), name: default_model_name() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
        TrackingConfig { experiment: default_experiment(), register_name: None }
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
    /// The features section; [`CheckedConfig::features_for`] resolves `patterns: auto`.
    pub features: PipelineFeatures,
    pub feature_lookback: usize,
    pub annotation_files: Vec<PathBuf>,
    pub talib: Option<CheckedTalib>,
    pub similar: Vec<crate::similar::SimilarLabelConfig>,
    pub classes: Option<Vec<String>>,
    pub min_examples: usize,
    pub unmatched_series: UnmatchedSeries,
    pub rows: RowSpec,
    pub dataset_dir: PathBuf,
    pub split: SplitSpec,
    pub balance: BalanceSpec,
    pub model: ModelParams,
    pub refit: bool,
    pub search: Option<crate::search::SearchSpec>,
    pub min_span_len: usize,
    pub registry_root: PathBuf,
    pub model_name: String,
    pub tracking: TrackingConfig,
    pub distributed: Option<crate::distributed::DistributedSpec>,
    pub seed: u64,
    /// SHA-256 of the config's canonical JSON.
    pub config_hash: String,
}

impl CheckedConfig {
    /// The feature set for labels that all come from TA-Lib (`talib_only`) or not.
    pub fn features_for(&self, talib_only: bool) -> FeatureConfig {
        self.features.resolve(talib_only)
    }
}

fn invalid(msg: impl Into<String>) -> EngineError {
    EngineError::InvalidConfig(msg.into())
}

impl PipelineConfig {
    /// Parses YAML; unknown keys anywhere are `InvalidConfig` naming the key. The text's size
    /// and nesting are checked first ([`check_yaml_bounds`]): the YAML parser's time grows
    /// faster than linearly with nesting, so a deeply nested file is refused before it runs.
    pub fn from_yaml_str(text: &str, root_dir: impl Into<PathBuf>) -> Result<Self> {
        check_yaml_bounds(text)?;
        let mut cfg: PipelineConfig = serde_yaml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        cfg.root_dir = root_dir.into();
        Ok(cfg)
    }

    /// Reads a config file; relative paths will resolve against the parent of its folder.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = crate::files::read_to_string(path, crate::files::CONFIG)?;
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let root = abs.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
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

        let talib = self.labels.talib.as_ref().map(|t| self.check_talib(t)).transpose()?.flatten();
        if self.labels.annotations.is_empty() && talib.is_none() {
            return Err(EngineError::InvalidAnnotations(
                "no annotations: labels.annotations is empty and labels.talib lists no patterns".into(),
            ));
        }
        let mut similar = self.labels.similar.clone();
        for (i, s) in similar.iter_mut().enumerate() {
            s.check(i)?;
            s.label = s.label.trim().to_string();
            if self.labels.similar[..i].iter().any(|o| o.label.trim() == s.label) {
                return Err(invalid(format!("labels.similar[{i}]: '{}' is listed twice", s.label)));
            }
        }
        let classes = match &self.labels.classes {
            None => None,
            Some(list) => Some(check_classes(list, talib.as_ref())?),
        };
        if let Some((i, s)) =
            similar.iter().enumerate().find(|(_, s)| classes.as_ref().is_some_and(|c| !c.contains(&s.label)))
        {
            return Err(invalid(format!("labels.similar[{i}]: '{}' is not in labels.classes", s.label)));
        }
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
            return Err(invalid("dataset.stride: the bio encoding labels every candle, so stride must be 1"));
        }
        if d.encoding == Encoding::Bio && d.window_label != WindowLabel::End {
            return Err(invalid("dataset.window_label: majority applies to the windowed encoding only"));
        }
        if d.lookahead >= 64 {
            return Err(invalid("dataset.lookahead must be below 64 candles"));
        }
        if d.encoding == Encoding::End && d.stride != 1 {
            return Err(invalid("dataset.stride: the end encoding labels every candle, so stride must be 1"));
        }
        if d.encoding == Encoding::End && d.window_label != WindowLabel::End {
            return Err(invalid("dataset.window_label: majority applies to the windowed encoding only"));
        }
        let model = self.model.check(self.seed)?;
        let context = match &model {
            ModelParams::Window(w) => w.context,
            _ => 0,
        };
        let rows = RowSpec {
            encoding: d.encoding,
            window: d.window,
            stride: d.stride,
            lookahead: d.lookahead,
            window_label: d.window_label,
            context,
        };

        let split = self.check_split((feature_lookback + d.window).max(context) + d.lookahead)?;
        let balance = self.check_balance()?;
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
        let distributed = self.distributed.as_ref().map(|d| d.check(self.data.series.len())).transpose()?;

        let canonical = serde_json::to_vec(self).map_err(|e| EngineError::Internal(e.to_string()))?;
        let checked = CheckedConfig {
            raw: self.clone(),
            root_dir: self.root_dir.clone(),
            series,
            features: self.features.clone(),
            feature_lookback,
            annotation_files: self.labels.annotations.iter().map(|p| self.resolve(p)).collect(),
            talib,
            similar,
            classes,
            min_examples: self.labels.min_examples,
            unmatched_series: self.labels.unmatched_series,
            rows,
            dataset_dir: self.resolve(&d.output_dir),
            split,
            balance,
            model,
            refit: self.model.refit(),
            search: check_search(self.model.search())?,
            min_span_len: self.evaluation.min_span_len,
            registry_root: self.resolve(&self.registry.root),
            model_name: self.registry.name.clone(),
            tracking: self.tracking.clone(),
            distributed,
            seed: self.seed,
            config_hash: crate::registry::sha256_hex(&canonical),
        };
        if checked.distributed.is_some() {
            crate::distributed::config::check_supported(&checked)?;
        }
        Ok(checked)
    }

    /// `None` for `patterns: []`: no auto-labels.
    fn check_talib(&self, t: &TalibConfig) -> Result<Option<CheckedTalib>> {
        if t.patterns.is_empty() {
            return Ok(None);
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
                return Err(invalid(format!("labels.talib.min_strength must be within 0..=200, got {s}")));
            }
        }
        Ok(Some(CheckedTalib { patterns, directions: t.directions.clone(), min_strength: t.min_strength }))
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
            SplitMethod::Dates { validation_start, test_start }
        } else {
            if s.test_start.is_some() {
                return Err(invalid("split.test_start needs split.validation_start"));
            }
            let held_out = !s.test_series.is_empty();
            let (train, validation, test) = split_ratios(s.train, s.validation, s.test, held_out)?;
            SplitMethod::Ratios { train, validation, test }
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
        Ok(SplitSpec { method, test_series: s.test_series.clone(), purge_gap })
    }

    fn check_balance(&self) -> Result<BalanceSpec> {
        let b = &self.balance;
        let not_for = |key: &str, value: bool| -> Result<()> {
            if value {
                Err(invalid(format!("balance.{key} does not apply to balance.mode {:?}", b.mode)))
            } else {
                Ok(())
            }
        };
        not_for("background_ratio", b.background_ratio.is_some() && b.mode != BalanceMode::Undersample)?;
        not_for("oversample_fraction", b.oversample_fraction.is_some() && b.mode != BalanceMode::Oversample)?;
        not_for("max_weight", b.max_weight.is_some() && b.mode != BalanceMode::ClassWeights)?;
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

/// The three split ratios from those given: missing ones share what the given ones leave, in
/// proportion to their defaults (0.7/0.15/0.15, or 0.8/0.2/0 with held-out series). Errors name
/// every ratio and where it came from.
fn split_ratios(
    train: Option<f64>,
    validation: Option<f64>,
    test: Option<f64>,
    held_out: bool,
) -> Result<(f64, f64, f64)> {
    let defaults = if held_out { [0.8, 0.2, 0.0] } else { [0.7, 0.15, 0.15] };
    let given = [train, validation, test];
    let keys = ["train", "validation", "test"];
    for (key, v) in keys.iter().zip(given) {
        if let Some(v) = v {
            if !(0.0..=1.0).contains(&v) || !v.is_finite() {
                return Err(invalid(format!("split.{key} must be within 0..1, got {v}")));
            }
        }
    }
    let given_sum: f64 = given.iter().flatten().sum();
    let missing_default: f64 = given.iter().zip(defaults).filter(|(g, _)| g.is_none()).map(|(_, d)| d).sum();
    let n_missing = given.iter().filter(|g| g.is_none()).count();
    let left = 1.0 - given_sum;
    let ratios: Vec<f64> = given
        .iter()
        .zip(defaults)
        .map(|(g, d)| match g {
            Some(v) => *v,
            None if n_missing == 3 => d,
            None if missing_default > 0.0 => left.max(0.0) * d / missing_default,
            None => left.max(0.0) / n_missing as f64,
        })
        .collect();
    let describe = || {
        keys.iter()
            .zip(&ratios)
            .zip(given)
            .map(|((k, v), g)| format!("{k} {}{}", round6(*v), if g.is_some() { "" } else { " (not given)" }))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let sum: f64 = ratios.iter().sum();
    if (sum - 1.0).abs() > 1e-6 {
        return Err(invalid(format!("split ratios must sum to 1: {} = {}", describe(), round6(sum))));
    }
    let (train, validation, test) = (ratios[0], ratios[1], ratios[2]);
    if train == 0.0 || validation == 0.0 {
        return Err(invalid(format!("split.train and split.validation must be above 0: {}", describe())));
    }
    if test == 0.0 && !held_out {
        return Err(invalid(format!(
            "split: {} leaves no test set, and no split.test_series is held out: give test a share or hold out an instrument",
            describe()
        )));
    }
    Ok((train, validation, test))
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// The deepest nesting a pipeline config may have: the real structure is 4 levels deep.
pub const MAX_CONFIG_DEPTH: usize = 32;

/// Size and nesting of a YAML (or JSON) config, checked in one linear pass before parsing:
/// at most [`crate::files::CONFIG`] bytes and [`MAX_CONFIG_DEPTH`] levels, counting block
/// indentation, `- ` sequence entries on one line and `[`/`{` flow collections (outside quoted
/// scalars and comments).
pub fn check_yaml_bounds(text: &str) -> Result<()> {
    let max_bytes = crate::files::CONFIG.max_bytes;
    if text.len() as u64 > max_bytes {
        return Err(invalid(format!("the config is {} bytes, more than the {max_bytes}-byte limit", text.len())));
    }
    let too_deep =
        |line: usize| invalid(format!("line {line}: the config nests more than {MAX_CONFIG_DEPTH} levels deep"));
    // Indentation of the enclosing block levels, outermost first.
    let mut indents: Vec<usize> = Vec::new();
    let mut flow_depth = 0usize;
    for (i, line) in text.lines().enumerate() {
        let content = line.trim_start_matches([' ', '\t']);
        if flow_depth == 0 && !content.is_empty() && !content.starts_with('#') {
            let indent = line.len() - content.len();
            while indents.last().is_some_and(|&top| top >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut sequence_entries = 0;
        let mut rest = content;
        while let Some(after) = rest.strip_prefix('-').filter(|r| r.is_empty() || r.starts_with([' ', '\t'])) {
            sequence_entries += 1;
            rest = after.trim_start_matches([' ', '\t']);
        }
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '#' if previous == ' ' || previous == '\t' => break,
                    '"' | '\'' => quote = Some(c),
                    '[' | '{' => flow_depth += 1,
                    ']' | '}' => flow_depth = flow_depth.saturating_sub(1),
                    _ => {}
                },
            }
            if indents.len() + sequence_entries + flow_depth > MAX_CONFIG_DEPTH {
                return Err(too_deep(i + 1));
            }
            previous = c;
        }
        if indents.len() + sequence_entries + flow_depth > MAX_CONFIG_DEPTH {
            return Err(too_deep(i + 1));
        }
    }
    Ok(())
}

fn check_classes(list: &[String], talib: Option<&CheckedTalib>) -> Result<Vec<String>> {
    if list.is_empty() {
        return Err(invalid("labels.classes is empty: omit it to use every label that occurs"));
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
            return Err(invalid(format!("labels.talib.patterns: '{p}' is not in labels.classes")));
        }
    }
    Ok(out)
}

/// The `model:` keys each family reads, `type` included (its struct in `models::config`); any
/// other key is `INVALID_CONFIG`. The CLI's `--model` switch reads them through the addon's
/// `modelConfigKeys`.
pub fn model_keys(kind: ModelKind) -> Vec<&'static str> {
    std::iter::once("type").chain(family_keys(kind)).collect()
}

/// `model.search`, checked (boosters and the window model).
fn check_search(search: Option<&SearchConfig>) -> Result<Option<crate::search::SearchSpec>> {
    let Some(s) = search else { return Ok(None) };
    let trials = s.trials.unwrap_or(8);
    if !(2..=30).contains(&trials) {
        return Err(invalid(format!("model.search.trials must be within 2..=30, got {trials}")));
    }
    let max_seconds = s.max_seconds.unwrap_or(600);
    if !(1..=86_400).contains(&max_seconds) {
        return Err(invalid(format!("model.search.max_seconds must be within 1..=86400, got {max_seconds}")));
    }
    let folds = s.folds.unwrap_or(3);
    if !(2..=5).contains(&folds) {
        return Err(invalid(format!("model.search.folds must be within 2..=5, got {folds}")));
    }
    Ok(Some(crate::search::SearchSpec { trials, max_seconds, folds }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_model_family_takes_exactly_the_keys_of_its_table() {
        let values = [
            ("rounds", "10"),
            ("learning_rate", "0.1"),
            ("num_leaves", "31"),
            ("max_depth", "6"),
            ("min_samples_leaf", "20"),
            ("min_child_weight", "1.0"),
            ("row_subsample", "0.5"),
            ("feature_subsample", "0.5"),
            ("l2", "1.0"),
            ("early_stopping_rounds", "5"),
            ("threads", "1"),
            ("context", "64"),
            ("refit", "true"),
            ("search", "{ trials: 2 }"),
        ];
        for kind in ModelKind::ALL {
            for key in model_keys(kind).iter().filter(|k| **k != "type") {
                assert!(values.iter().any(|(k, _)| k == key), "no test value for model.{key}");
            }
            for (key, value) in values {
                let cfg: ModelConfig = serde_yaml::from_str(&format!("type: {kind}\n{key}: {value}\n")).unwrap();
                let checked = cfg.check(0).and_then(|_| check_search(cfg.search()));
                if model_keys(kind).contains(&key) {
                    assert!(checked.is_ok(), "{kind} {key}: {checked:?}");
                } else {
                    let err = checked.unwrap_err().to_string();
                    assert!(err.contains(&format!("model.{key} does not apply to model type {kind}")), "{err}");
                }
            }
        }
    }
}
