//! Training beyond one process: series-sharded workers that train one model together over
//! LightGBM's socket network (data- or voting-parallel) or XGBoost's collective, driven by the
//! process that runs `train` (the coordinator), which alone publishes the version.
//!
//! - [`config`]: the `distributed:` section, checked into [`DistributedSpec`].
//! - `plan`: which worker gets which `data.series` entries.
//! - `protocol`: the coordinator ↔ worker messages.
//! - `coordinator`: the run as `train` drives it (`train::run` hands over here).
//! - `worker`: [`serve`], what `npm run worker` runs.
//!
//! See docs/scale.md.
pub mod config;
mod coordinator;
pub(crate) mod memory;
mod plan;
mod protocol;
mod worker;

pub use config::{DistributedConfig, DistributedSpec, WorkerAddress, WorkersConfig};
pub(crate) use coordinator::coordinate;
pub use protocol::{ShardRows, TOKEN_ENV};
pub use worker::{serve, WorkerEvent, WorkerOptions, WorkerRun, WorkerSummary};

use crate::models::TreeLearner;
use serde::Serialize;

/// How a distributed run was shared out (`TrainOutcome.distributed`).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DistributedReport {
    /// The run's id, as the workers logged it.
    pub run_id: String,
    /// `lightgbm` (LightGBM's network) or `xgboost` (XGBoost's collective).
    pub library: &'static str,
    pub tree_learner: Option<TreeLearner>,
    pub workers: Vec<WorkerReport>,
    pub coordinator_peak_rss_bytes: u64,
    /// Load, features and labels on the workers, until the slowest was done.
    pub prepare_seconds: f64,
    /// Dataset, split and dataset files.
    pub build_seconds: f64,
    /// Training, until every worker had its model and partial evaluation.
    pub fit_seconds: f64,
    /// From the start of the fit to the end of its first round on every worker: joining the
    /// network, agreeing on the feature bins, the training and validation sets, one round.
    pub first_round_seconds: f64,
    /// Mean time of the later rounds (every worker's round, the coordinator's decision).
    pub seconds_per_round: f64,
}

/// One worker's share of a run.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkerReport {
    pub rank: usize,
    pub address: String,
    pub hostname: String,
    pub pid: u32,
    pub series: Vec<String>,
    pub candles: usize,
    pub rows: ShardRows,
    /// The worker process's peak resident memory during the run.
    pub peak_rss_bytes: u64,
}
