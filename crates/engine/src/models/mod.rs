//! Models behind one small trait, linfa style: a checked parameter type ([`ModelParams`], made
//! by `config` validation) `fit`s a [`DatasetView`] into a [`FittedModel`], which predicts class
//! probabilities and serialises itself to bytes.
//!
//! Models receive the dataset *view* (rows that keep their window structure, labels, weights),
//! not a bare matrix, so a sequence model (GRU/transformer over the window) can reshape rows into
//! `window x features_per_step` sequences and join without any caller changing.
pub mod config;
mod forest;
mod lightgbm;
mod window;
mod xgboost;

use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub use lightgbm::LightGbmModel;
pub use window::{RocketTransform, WindowModel, WindowParams};
pub use xgboost::XgBoostModel;

/// The model families the pipeline can train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Gradient-boosted trees, LightGBM `gbdt`.
    Lightgbm,
    /// Gradient-boosted trees, XGBoost `gbtree` + `hist`.
    Xgboost,
    /// Random forest, LightGBM `rf` boosting (see docs/models.md for why LightGBM's).
    RandomForest,
    /// MiniRocket-style convolution features over each row's price context + a LightGBM head.
    Window,
}

impl ModelKind {
    /// Every family, in the order the docs list them.
    pub const ALL: [ModelKind; 4] =
        [ModelKind::Lightgbm, ModelKind::Xgboost, ModelKind::RandomForest, ModelKind::Window];

    pub fn as_str(&self) -> &'static str {
        match self {
            ModelKind::Lightgbm => "lightgbm",
            ModelKind::Xgboost => "xgboost",
            ModelKind::RandomForest => "random_forest",
            ModelKind::Window => "window",
        }
    }

    /// File name of the serialised booster inside a registry version.
    pub fn model_file_name(&self) -> &'static str {
        match self {
            ModelKind::Lightgbm | ModelKind::RandomForest => "model.lgb.txt",
            ModelKind::Xgboost => "model.xgb.json",
            ModelKind::Window => "model.window.txt",
        }
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A feature frame's value as a row holds it: `f32`, and NaN (missing) for anything not finite.
#[inline(always)]
pub fn row_value(v: f64) -> f32 {
    if v.is_finite() {
        v as f32
    } else {
        f32::NAN
    }
}

/// Dense row-major feature rows. Each row is a window of `window` candles, oldest first, each
/// candle contributing `features_per_step` values: `row = [step0 features.., step1 features.., ..]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    pub values: Vec<f32>,
    pub n_rows: usize,
    pub window: usize,
    pub features_per_step: usize,
    /// Normalised price context of each row (window models), when the row spec asks for it.
    pub context: Option<ContextBlock>,
}

/// Per row, `length` candles of `channels` normalised values, oldest first (row-major).
#[derive(Debug, Clone, PartialEq)]
pub struct ContextBlock {
    pub values: Vec<f32>,
    pub length: usize,
    pub channels: usize,
}

impl ContextBlock {
    pub fn new(values: Vec<f32>, length: usize, channels: usize) -> Result<Self> {
        let width = length * channels;
        if width == 0 || !values.len().is_multiple_of(width) {
            return Err(EngineError::Internal(format!(
                "{} context values do not split into rows of {length} x {channels}",
                values.len()
            )));
        }
        Ok(ContextBlock { values, length, channels })
    }

    pub fn n_rows(&self) -> usize {
        self.values.len() / (self.length * self.channels)
    }

    pub fn row(&self, i: usize) -> &[f32] {
        let w = self.length * self.channels;
        &self.values[i * w..(i + 1) * w]
    }

    fn select(&self, rows: &[usize]) -> ContextBlock {
        let mut values = Vec::with_capacity(rows.len() * self.length * self.channels);
        for &r in rows {
            values.extend_from_slice(self.row(r));
        }
        ContextBlock { values, length: self.length, channels: self.channels }
    }
}

impl FeatureMatrix {
    pub fn new(values: Vec<f32>, window: usize, features_per_step: usize) -> Result<Self> {
        let width = window * features_per_step;
        if width == 0 || !values.len().is_multiple_of(width) {
            return Err(EngineError::Internal(format!(
                "feature matrix of {} values does not split into rows of {window} x {features_per_step}",
                values.len()
            )));
        }
        Ok(FeatureMatrix { n_rows: values.len() / width, values, window, features_per_step, context: None })
    }

    /// Values per row (`window * features_per_step`).
    pub fn n_cols(&self) -> usize {
        self.window * self.features_per_step
    }

    pub fn row(&self, i: usize) -> &[f32] {
        let w = self.n_cols();
        &self.values[i * w..(i + 1) * w]
    }

    /// A new matrix holding the given rows, in the given order.
    pub fn select(&self, rows: &[usize]) -> FeatureMatrix {
        let mut values = Vec::with_capacity(rows.len() * self.n_cols());
        for &r in rows {
            values.extend_from_slice(self.row(r));
        }
        FeatureMatrix {
            values,
            n_rows: rows.len(),
            window: self.window,
            features_per_step: self.features_per_step,
            context: self.context.as_ref().map(|c| c.select(rows)),
        }
    }
}

/// What a model trains on: rows, their class ids (`0..n_classes`) and optional row weights.
#[derive(Debug, Clone, Copy)]
pub struct DatasetView<'a> {
    pub x: &'a FeatureMatrix,
    pub y: &'a [u32],
    pub weights: Option<&'a [f32]>,
    pub n_classes: usize,
}

impl DatasetView<'_> {
    fn check(&self, what: &str) -> Result<()> {
        if self.x.n_rows == 0 {
            return Err(EngineError::TrainingFailed(format!("the {what} set has no rows")));
        }
        if self.y.len() != self.x.n_rows || self.weights.is_some_and(|w| w.len() != self.x.n_rows) {
            return Err(EngineError::Internal(format!("{what} set: labels/weights do not match the rows")));
        }
        if let Some(bad) = self.y.iter().find(|&&c| c as usize >= self.n_classes) {
            return Err(EngineError::Internal(format!("{what} set: class id {bad} >= {}", self.n_classes)));
        }
        Ok(())
    }
}

/// Row-major class probabilities: `n_rows x n_classes`, each row sums to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probabilities {
    pub values: Vec<f64>,
    pub n_rows: usize,
    pub n_classes: usize,
}

impl Probabilities {
    pub fn new(values: Vec<f64>, n_classes: usize) -> Result<Self> {
        if n_classes == 0 || !values.len().is_multiple_of(n_classes) {
            return Err(EngineError::Internal(format!(
                "{} probabilities do not split into rows of {n_classes} classes",
                values.len()
            )));
        }
        Ok(Probabilities { n_rows: values.len() / n_classes, values, n_classes })
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.n_classes..(i + 1) * self.n_classes]
    }

    /// The most probable class of row `i` (lowest id on ties, so decoding is deterministic).
    pub fn argmax(&self, i: usize) -> usize {
        argmax(self.row(i))
    }

    /// Rows `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Probabilities {
        let mut values = Vec::with_capacity(rows.len() * self.n_classes);
        for &r in rows {
            values.extend_from_slice(self.row(r));
        }
        Probabilities { values, n_rows: rows.len(), n_classes: self.n_classes }
    }
}

/// Index of the largest value (the lowest index on ties; 0 for an empty slice).
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

/// One point of a per-boosting-round metric (MLflow step metrics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoundMetric {
    /// e.g. `valid_multi_logloss`
    pub name: String,
    /// 1-based boosting round (tree count for the forest).
    pub round: u32,
    pub value: f64,
}

/// Hooks a fit calls between boosting rounds.
pub struct FitControl<'a> {
    pub cancel: &'a AtomicBool,
    /// Fraction of rounds done, 0..1.
    pub progress: &'a dyn Fn(f64),
}

impl FitControl<'_> {
    pub fn check_cancel(&self) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(EngineError::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// What a boosting loop does after a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "step")]
pub enum RoundStep {
    Continue,
    /// Stop now and keep the first `kept` rounds (early stopping).
    Stop {
        kept: u32,
    },
}

/// Early stopping on a loss (lower is better): stop once `patience` rounds passed without a new
/// best, keeping the rounds up to the best one. The one copy of the rule: single-process fits
/// and the distributed coordinator both use it.
#[derive(Debug, Clone, Default)]
pub struct EarlyStopping {
    patience: Option<u32>,
    best: Option<(f64, u32)>,
}

impl EarlyStopping {
    pub fn new(patience: Option<u32>) -> Self {
        EarlyStopping { patience, best: None }
    }

    pub fn observe(&mut self, round: u32, loss: f64) -> RoundStep {
        let Some(patience) = self.patience else {
            return RoundStep::Continue;
        };
        match self.best {
            Some((best_loss, _)) if loss >= best_loss => {}
            _ => self.best = Some((loss, round)),
        }
        match self.best {
            Some((_, best_round)) if round - best_round >= patience => RoundStep::Stop { kept: best_round },
            _ => RoundStep::Continue,
        }
    }
}

/// Decides after each boosting round, from the round's validation metrics (in the library's
/// [`validation_metric_names`] order), whether the loop goes on.
pub(crate) trait RoundDriver {
    fn after_round(&mut self, round: u32, validation: &[f64]) -> Result<RoundStep>;
    /// The per-round history this driver recorded.
    fn take_history(&mut self) -> Vec<RoundMetric>;
}

/// A single-process fit: records the validation history, stops early on the first metric.
struct LocalRounds {
    names: &'static [&'static str],
    early: EarlyStopping,
    history: Vec<RoundMetric>,
}

impl RoundDriver for LocalRounds {
    fn after_round(&mut self, round: u32, validation: &[f64]) -> Result<RoundStep> {
        for (name, value) in self.names.iter().zip(validation) {
            self.history.push(RoundMetric { name: format!("valid_{name}"), round, value: *value });
        }
        Ok(validation.first().map_or(RoundStep::Continue, |&loss| self.early.observe(round, loss)))
    }

    fn take_history(&mut self) -> Vec<RoundMetric> {
        std::mem::take(&mut self.history)
    }
}

/// The validation metrics a model type reports each round (the first one drives early
/// stopping); history entries are named `valid_<name>`.
pub fn validation_metric_names(kind: ModelKind) -> &'static [&'static str] {
    match kind {
        ModelKind::Lightgbm | ModelKind::RandomForest | ModelKind::Window => &lightgbm::METRICS,
        ModelKind::Xgboost => &xgboost::METRICS,
    }
}

/// A fit's result: the model and its per-round validation history.
pub struct Fitted {
    pub model: Box<dyn FittedModel>,
    pub history: Vec<RoundMetric>,
    /// Rounds kept (after early stopping, if any).
    pub rounds: u32,
}

/// A trained classifier. `Send + Sync` so one loaded model can serve concurrent requests.
pub trait FittedModel: Send + Sync {
    fn kind(&self) -> ModelKind;
    fn n_classes(&self) -> usize;
    /// Values per row the model reads (`window * features_per_step`).
    fn n_features(&self) -> usize;
    /// Class probabilities for each row of `x`.
    fn predict_proba(&self, x: &FeatureMatrix) -> Result<Probabilities>;
    /// Class probabilities for rows given as columns: `columns[i][r]` is value `i` of row `r`,
    /// as [`row_value`] makes it (`dataset::columns_for_targets` cuts them from a feature frame).
    /// Scoring them without first building the rows saves the copy; `None` when this model only
    /// reads rows (then build a [`FeatureMatrix`] and call `predict_proba`).
    fn predict_proba_columns(&self, _columns: &[&[f64]]) -> Option<Result<Probabilities>> {
        None
    }
    /// The library's own model format (LightGBM text, XGBoost JSON), loadable from Python too.
    fn to_bytes(&self) -> Result<Vec<u8>>;

    fn save(&self, path: &Path) -> Result<()> {
        let bytes = self.to_bytes()?;
        std::fs::write(path, bytes).map_err(|e| EngineError::io_path("write model", path, e))
    }
}

impl std::fmt::Debug for dyn FittedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FittedModel({}, {} classes)", self.kind(), self.n_classes())
    }
}

/// Something that can be fitted: the checked parameters of one model family.
pub trait Fit {
    fn fit(&self, train: &DatasetView<'_>, valid: Option<&DatasetView<'_>>, control: &FitControl<'_>)
        -> Result<Fitted>;
}

/// Checked hyper-parameters, one variant per family. Build it with [`config::ParamGuard::check`]
/// on a family's config (or directly in code); every value here is already valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ModelParams {
    Lightgbm(BoostedTreeParams),
    Xgboost(BoostedTreeParams),
    RandomForest(ForestParams),
    Window(WindowParams),
}

/// Threads a model library uses when the config names none: half the cores (at least 1, at most
/// 8). LightGBM's OpenMP threads spin-wait for each other; on a machine shared with the engine's
/// own rayon pool and other processes, all cores make training many times slower, not faster.
pub fn default_threads() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / 2).clamp(1, 8) as u32
}

/// Hyper-parameters shared by the two boosters (each maps them to its own names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoostedTreeParams {
    pub rounds: u32,
    pub learning_rate: f64,
    /// LightGBM only; XGBoost grows depth-wise.
    pub num_leaves: u32,
    /// `0` = unlimited (LightGBM only; XGBoost needs a depth).
    pub max_depth: u32,
    /// LightGBM `min_data_in_leaf`; XGBoost uses `min_child_weight` instead.
    pub min_samples_leaf: u32,
    pub min_child_weight: f64,
    pub row_subsample: f64,
    pub feature_subsample: f64,
    pub l2: f64,
    pub early_stopping_rounds: Option<u32>,
    /// `0` = the library's default (all cores).
    pub threads: u32,
    pub seed: u64,
}

/// LightGBM `rf`: bagged, un-shrunk trees whose outputs are averaged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForestParams {
    /// Trees per class.
    pub trees: u32,
    pub num_leaves: u32,
    pub max_depth: u32,
    pub min_samples_leaf: u32,
    /// Bootstrap fraction, in (0, 1): LightGBM's rf needs real bagging.
    pub row_subsample: f64,
    pub feature_subsample: f64,
    pub threads: u32,
    pub seed: u64,
}

impl ModelParams {
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelParams::Lightgbm(_) => ModelKind::Lightgbm,
            ModelParams::Xgboost(_) => ModelKind::Xgboost,
            ModelParams::RandomForest(_) => ModelKind::RandomForest,
            ModelParams::Window(_) => ModelKind::Window,
        }
    }

    /// The same parameters with exactly `rounds` boosting rounds and no early stopping (a refit on
    /// more data with the rounds an earlier fit chose). The forest keeps its size.
    pub fn with_rounds(&self, rounds: u32) -> ModelParams {
        let fixed = |p: &BoostedTreeParams| BoostedTreeParams {
            rounds: rounds.max(1),
            early_stopping_rounds: None,
            ..p.clone()
        };
        match self {
            ModelParams::Lightgbm(p) => ModelParams::Lightgbm(fixed(p)),
            ModelParams::Xgboost(p) => ModelParams::Xgboost(fixed(p)),
            ModelParams::Window(w) => ModelParams::Window(WindowParams { head: fixed(&w.head), ..w.clone() }),
            ModelParams::RandomForest(_) => self.clone(),
        }
    }

    /// The parameters as flat `key=value` pairs (run parameters for tracking).
    pub fn as_pairs(&self) -> Vec<(String, String)> {
        let value = serde_json::to_value(self).unwrap_or_default();
        let mut pairs: Vec<(String, String)> = value
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "none".to_string(),
                    other => other.to_string(),
                };
                (format!("model.{k}"), v)
            })
            .collect();
        pairs.sort();
        pairs
    }
}

impl Fit for ModelParams {
    fn fit(
        &self,
        train: &DatasetView<'_>,
        valid: Option<&DatasetView<'_>>,
        control: &FitControl<'_>,
    ) -> Result<Fitted> {
        let early_stopping = match self {
            ModelParams::Lightgbm(p) | ModelParams::Xgboost(p) => p.early_stopping_rounds,
            ModelParams::Window(w) => w.head.early_stopping_rounds,
            ModelParams::RandomForest(_) => None,
        };
        let mut driver = LocalRounds {
            names: validation_metric_names(self.kind()),
            early: EarlyStopping::new(early_stopping),
            history: Vec::new(),
        };
        self.fit_rounds(train, valid, control, &mut driver, None)
    }
}

impl ModelParams {
    /// One worker's part of a distributed fit: the model is trained together with the other
    /// workers over `collective`, and the coordinator decides after each round through `driver`.
    pub fn fit_collective(
        &self,
        train: &DatasetView<'_>,
        valid: &DatasetView<'_>,
        control: &FitControl<'_>,
        collective: &Collective<'_>,
    ) -> Result<Fitted> {
        struct Synced<'a>(&'a dyn Fn(u32, &[f64]) -> Result<RoundStep>);
        impl RoundDriver for Synced<'_> {
            fn after_round(&mut self, round: u32, validation: &[f64]) -> Result<RoundStep> {
                (self.0)(round, validation)
            }
            fn take_history(&mut self) -> Vec<RoundMetric> {
                Vec::new() // the coordinator records the run's (global) history
            }
        }
        self.fit_rounds(train, Some(valid), control, &mut Synced(collective.sync), Some(collective))
    }

    fn fit_rounds(
        &self,
        train: &DatasetView<'_>,
        valid: Option<&DatasetView<'_>>,
        control: &FitControl<'_>,
        driver: &mut dyn RoundDriver,
        collective: Option<&Collective<'_>>,
    ) -> Result<Fitted> {
        train.check("training")?;
        if let Some(v) = valid {
            v.check("validation")?;
            if v.x.n_cols() != train.x.n_cols() || v.n_classes != train.n_classes {
                return Err(EngineError::Internal("validation rows differ in shape from training rows".into()));
            }
        }
        if train.n_classes < 2 {
            return Err(EngineError::TrainingFailed(format!(
                "need at least 2 classes to train a classifier, got {}",
                train.n_classes
            )));
        }
        let run = Rounds { control, driver, collective };
        let fitted = crate::error::catch_panic(|| match self {
            ModelParams::Lightgbm(p) => lightgbm::fit_boosted(p, train, valid, run),
            ModelParams::RandomForest(p) => lightgbm::fit_forest(p, train, valid, run),
            ModelParams::Xgboost(p) => xgboost::fit(p, train, valid, run),
            ModelParams::Window(p) => window::fit(p, train, valid, run),
        });
        match fitted {
            // A broken link between workers is the run's failure, not this worker's model.
            Err(EngineError::TrainingFailed(m)) if collective.is_some() && is_network_failure(&m) => {
                Err(EngineError::WorkerFailed(format!("the network between the workers failed: {m}")))
            }
            other => other,
        }
    }
}

fn is_network_failure(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    // XGBoost's collective names the operation ("Ring Allreduce failed … Encountered EOF").
    [
        "socket",
        "connection",
        "connect",
        "recv",
        "send",
        "peer",
        "tracker",
        "communicator",
        "timed out",
        "timeout",
        "allreduce",
        "allgather",
        "broadcast",
        "encountered eof",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// What a boosting loop needs besides its data: cancel + progress, the after-round decision,
/// and (distributed) the collective it trains in.
pub(crate) struct Rounds<'a, 'b> {
    pub control: &'a FitControl<'a>,
    pub driver: &'a mut dyn RoundDriver,
    pub collective: Option<&'a Collective<'b>>,
}

/// LightGBM's distributed tree learners (`tree_learner`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TreeLearner {
    /// Data-parallel: every worker builds histograms of its rows, reduced across workers.
    Data,
    /// Voting-parallel: workers vote on the top-k features first, only those are reduced.
    Voting,
}

impl TreeLearner {
    pub fn as_str(&self) -> &'static str {
        match self {
            TreeLearner::Data => "data",
            TreeLearner::Voting => "voting",
        }
    }
}

/// How this process joins a distributed fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "library")]
pub enum CollectiveSpec {
    /// LightGBM's socket network (`LGBM_NetworkInit`): every worker listens on its port and
    /// connects to the others; `machines[rank]` is this worker.
    Lightgbm {
        machines: Vec<std::net::SocketAddr>,
        rank: usize,
        learner: TreeLearner,
        top_k: Option<u32>,
        /// LightGBM's `time_out`: socket time-out in minutes.
        time_out_minutes: u32,
    },
    /// XGBoost's collective: the coordinator runs the tracker, workers join it
    /// (`XGCommunicatorInit`) with their rank as task id.
    Xgboost { tracker_host: String, tracker_port: u16, rank: usize, world: usize, timeout_seconds: u32 },
}

impl CollectiveSpec {
    /// How long the library's network waits for a peer before it gives up (each library takes it
    /// in its own unit).
    pub fn network_timeout(&self) -> std::time::Duration {
        match self {
            CollectiveSpec::Lightgbm { time_out_minutes, .. } => {
                std::time::Duration::from_secs(u64::from(*time_out_minutes) * 60)
            }
            CollectiveSpec::Xgboost { timeout_seconds, .. } => {
                std::time::Duration::from_secs(u64::from(*timeout_seconds))
            }
        }
    }
}

/// A distributed fit's links: the network and the per-round decision.
pub struct Collective<'a> {
    pub spec: CollectiveSpec,
    /// Called after each round with this worker's validation metrics; returns the run's decision.
    pub sync: &'a dyn Fn(u32, &[f64]) -> Result<RoundStep>,
    /// Lets another thread break this worker out of LightGBM's blocking socket calls.
    pub interrupt: &'a NetworkInterrupt,
}

pub use lightgbm::NetworkInterrupt;

/// Joins this thread to LightGBM's network for longer than one fit (a worker: until its whole
/// run is over, so that leaving it cannot cut a peer's last message short). `None` for XGBoost,
/// whose communicator lives for the fit alone (its matrices are collective while it is up).
pub fn join_network<'a>(
    spec: &CollectiveSpec,
    interrupt: &'a NetworkInterrupt,
) -> Result<Option<lightgbm::Network<'a>>> {
    match spec {
        CollectiveSpec::Lightgbm { .. } => lightgbm::Network::join(spec, interrupt).map(Some),
        CollectiveSpec::Xgboost { .. } => Ok(None),
    }
}
pub use xgboost::XgbTracker;

/// Rebuilds a model from the bytes `FittedModel::to_bytes` wrote. Anything that does not parse
/// as a model of `kind` with `n_classes` classes is `CorruptModel`.
pub fn model_from_bytes(kind: ModelKind, bytes: &[u8], n_classes: usize) -> Result<Box<dyn FittedModel>> {
    let model: Box<dyn FittedModel> = crate::error::catch_panic(|| match kind {
        ModelKind::Lightgbm | ModelKind::RandomForest => {
            Ok(Box::new(LightGbmModel::from_bytes(kind, bytes)?) as Box<dyn FittedModel>)
        }
        ModelKind::Xgboost => Ok(Box::new(XgBoostModel::from_bytes(bytes, n_classes)?) as Box<dyn FittedModel>),
        ModelKind::Window => Ok(Box::new(WindowModel::from_bytes(bytes)?) as Box<dyn FittedModel>),
    })
    .map_err(|e| match e {
        EngineError::Internal(m) => EngineError::CorruptModel(m),
        other => other,
    })?;
    if model.n_classes() != n_classes {
        return Err(EngineError::CorruptModel(format!(
            "the {kind} model has {} classes, its metadata lists {n_classes}",
            model.n_classes()
        )));
    }
    Ok(model)
}

/// Reads a model file written by `FittedModel::save`.
pub fn load_model_file(kind: ModelKind, path: &Path, n_classes: usize) -> Result<Box<dyn FittedModel>> {
    let bytes = crate::files::read(path, crate::files::MODEL)?;
    model_from_bytes(kind, &bytes, n_classes)
}

/// Softmax-normalises rows that a library returned; guards against tiny drift so every row sums
/// to exactly what downstream code expects.
fn normalise_rows(values: &mut [f64], n_classes: usize) {
    for row in values.chunks_mut(n_classes) {
        let sum: f64 = row.iter().sum();
        if sum > 0.0 && sum.is_finite() {
            row.iter_mut().for_each(|p| *p /= sum);
        }
    }
}
