//! MLflow tracking: logs one training run (params, step metrics, tags, artifacts, optional
//! model-registry version + alias) to a real MLflow tracking server through its REST API.
//!
//! Used when `MLFLOW_TRACKING_URI` is set (see [`MlflowClient::from_env`]). Plain HTTP only (the
//! engine's `ureq` has no TLS backend): point it at a loopback server or a TLS-terminating proxy.
//! Every server or transport failure is `EngineError::Tracking` (`TRACKING_FAILED`) with the
//! call that failed, the HTTP status and the server's `error_code` + message. Connecting is
//! bounded by [`CONNECT_TIMEOUT`], so an unreachable server fails in seconds, never hangs.
//!
//! The REST calls, in order (all under `{uri}/api/2.0/mlflow/` unless noted):
//!  1. `GET experiments/get-by-name` → on `RESOURCE_DOES_NOT_EXIST`, `POST experiments/create`
//!  2. `POST runs/create` (start_time, run_name, tags incl. `mlflow.runName`)
//!  3. `POST runs/log-batch`, chunked within MLflow's limits
//!  4. `PUT {uri}/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<dir>/<file>` per file
//!     (the server's artifact proxy; the run's `artifact_uri` is
//!     `mlflow-artifacts:/<exp>/<run>/artifacts`)
//!  5. registration: `POST registered-models/create` (already-exists is fine),
//!     `POST model-versions/create` (source = run artifact URI + `/` + artifact_path, run_id),
//!     poll `GET model-versions/get` until READY (bounded), `POST registered-models/alias`
//!  6. `POST runs/update` FINISHED — or FAILED (best effort) when any step after 2 failed, and
//!     then the step's error is returned.
//!
//! The parts: [`client`] (the client and the run's steps), [`http`] (one REST call with its
//! retries and error mapping), [`batching`] (the run's validated content cut into log-batch
//! requests within MLflow's limits), [`keys`] (key sanitising and value truncation) and
//! [`artifacts`] (artifact paths and the artifact-proxy URL).
//!
//! See `docs/tracking.md`.
mod artifacts;
mod batching;
mod client;
mod http;
mod keys;

use std::path::PathBuf;

pub use client::{MlflowClient, CONNECT_TIMEOUT};
pub use keys::sanitize_key;

/// Tag: how many metric points were skipped because their value was NaN or ±inf.
pub const TAG_SKIPPED_NONFINITE: &str = "candle.skipped_nonfinite_metrics";
/// Tag: the keys of the skipped non-finite metric points (comma-separated, truncated).
pub const TAG_SKIPPED_NONFINITE_KEYS: &str = "candle.skipped_nonfinite_keys";
/// Tag: the params whose value was truncated to MLflow's 6000-character limit.
pub const TAG_TRUNCATED_PARAMS: &str = "candle.truncated_params";
/// Tag: original → sanitised key renames (only when a key had characters MLflow rejects).
pub const TAG_RENAMED_KEYS: &str = "candle.renamed_keys";
/// Tag set (best effort) on a run marked FAILED: what went wrong.
pub const TAG_TRACKING_ERROR: &str = "candle.tracking_error";

/// One point of a metric's history (`step` = boosting round, epoch, fold…).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPoint {
    pub key: String,
    pub value: f64,
    pub step: i64,
}

/// Register the run's artifacts under `artifact_path` as a new version of `model_name`, and
/// point `alias` (e.g. `champion`) at it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegisterSpec {
    pub model_name: String,
    /// The run artifact directory that holds the model (e.g. `model`); must be the directory
    /// of at least one of the record's artifacts. `""` = the whole artifact root.
    pub artifact_path: String,
    pub alias: Option<String>,
}

/// Everything one training run logs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunRecord {
    pub experiment: String,
    pub run_name: String,
    pub params: Vec<(String, String)>,
    pub metrics: Vec<MetricPoint>,
    pub tags: Vec<(String, String)>,
    /// Local file → artifact directory (`""` = the run's artifact root; `a/b` nests).
    pub artifacts: Vec<(PathBuf, String)>,
    pub register: Option<RegisterSpec>,
}

/// What the server assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub run_id: String,
    pub experiment_id: String,
    /// The registered model version (`"1"`, `"2"`…) when `RunRecord::register` was set.
    pub model_version: Option<String>,
}
