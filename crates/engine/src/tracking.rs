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
//! See `docs/tracking.md`.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::error::{EngineError, Result};

/// The longest we wait for a TCP connection to the server.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The longest we wait for a response's headers / body on one call (a busy sqlite server can
/// be slow, but never this slow).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest one artifact upload may take to send its body.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// The longest we poll a new model version for status READY.
const REGISTRATION_TIMEOUT: Duration = Duration::from_secs(60);

// MLflow's limits (mlflow/utils/validation.py).
const MAX_METRICS_PER_BATCH: usize = 1000;
const MAX_PARAMS_TAGS_PER_BATCH: usize = 100;
const MAX_ENTITIES_PER_BATCH: usize = 1000;
/// MLflow's client keeps a log-batch request under 1 MB; we stay below that with margin.
const MAX_BATCH_BYTES: usize = 900_000;
const MAX_PARAM_VAL_LENGTH: usize = 6000;
const MAX_TAG_VAL_LENGTH: usize = 8000;
const MAX_ENTITY_KEY_LENGTH: usize = 250;
const MAX_EXPERIMENT_NAME_LENGTH: usize = 500;

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

/// A client for one MLflow tracking server. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct MlflowClient {
    base: String,
    agent: ureq::Agent,
    auth: Option<String>,
}

impl std::fmt::Debug for MlflowClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MlflowClient")
            .field("base", &self.base)
            .field("auth", &self.auth.as_ref().map(|_| "<set>"))
            .finish()
    }
}

enum Body<'a> {
    Empty,
    Json(&'a Value),
    File(&'a Path),
}

#[derive(Clone, Copy, PartialEq)]
enum Method {
    Get,
    Post,
    Put,
}

impl MlflowClient {
    /// A client for `tracking_uri` (`http://host:port[/prefix]`). Only `http://` and `https://`
    /// URIs name a tracking server; anything else (`file:`, `sqlite:`, `databricks`…) is
    /// `InvalidConfig`. Makes no network call.
    pub fn new(tracking_uri: &str) -> Result<Self> {
        let uri = tracking_uri.trim();
        let lower = uri.to_ascii_lowercase();
        let rest = if lower.starts_with("http://") {
            &uri[7..]
        } else if lower.starts_with("https://") {
            &uri[8..]
        } else {
            return Err(EngineError::InvalidConfig(format!(
                "MLflow tracking URI {tracking_uri:?} is not an http(s):// URI; the engine logs \
                 only to an MLflow tracking server (e.g. http://127.0.0.1:5000)"
            )));
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() || rest.contains(['?', '#']) {
            return Err(EngineError::InvalidConfig(format!(
                "MLflow tracking URI {tracking_uri:?} must be http(s)://host[:port][/path] \
                 (no query or fragment)"
            )));
        }
        if authority.contains('@') {
            return Err(EngineError::InvalidConfig(format!(
                "MLflow tracking URI {tracking_uri:?}: put credentials in \
                 MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN, \
                 not in the URI"
            )));
        }
        let host = host_of(authority);
        let base = uri.trim_end_matches('/').to_string();

        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_resolve(Some(CONNECT_TIMEOUT))
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_send_request(Some(RESPONSE_TIMEOUT))
            .timeout_send_body(Some(UPLOAD_TIMEOUT))
            .timeout_recv_response(Some(RESPONSE_TIMEOUT))
            .timeout_recv_body(Some(RESPONSE_TIMEOUT))
            .max_redirects(0)
            // Below uvicorn's 5 s keep-alive timeout, so we never write into a connection the
            // server is closing.
            .max_idle_age(Duration::from_secs(2))
            .user_agent(concat!("candle-annotator-engine/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&host) {
            // A loopback server is never behind the environment's HTTP proxy.
            config = config.proxy(None);
        }
        Ok(MlflowClient { base, agent: config.build().into(), auth: None })
    }

    /// The client the environment asks for: `None` when `MLFLOW_TRACKING_URI` is unset or empty,
    /// else `Some(MlflowClient::new(uri))`, with MLflow's own credential variables applied
    /// (`MLFLOW_TRACKING_TOKEN` → bearer token, else `MLFLOW_TRACKING_USERNAME` +
    /// `MLFLOW_TRACKING_PASSWORD` → basic auth).
    pub fn from_env() -> Option<Result<Self>> {
        let uri = std::env::var("MLFLOW_TRACKING_URI").ok()?;
        if uri.trim().is_empty() {
            return None;
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Some(MlflowClient::new(&uri).map(|mut client| {
            if let Some(token) = env("MLFLOW_TRACKING_TOKEN") {
                client.auth = Some(format!("Bearer {token}"));
            } else if let (Some(user), Some(pass)) =
                (env("MLFLOW_TRACKING_USERNAME"), env("MLFLOW_TRACKING_PASSWORD"))
            {
                client.auth =
                    Some(format!("Basic {}", base64(format!("{user}:{pass}").as_bytes())));
            }
            client
        }))
    }

    /// The server's base URI (no trailing slash).
    pub fn tracking_uri(&self) -> &str {
        &self.base
    }

    /// Logs `run` as one new MLflow run and returns its ids. Input problems (bad names, missing
    /// artifact files) are reported before any call; once the run exists, any failure marks it
    /// FAILED (best effort) and returns the failure.
    pub fn log_run(&self, run: &RunRecord) -> Result<RunInfo> {
        let plan = Plan::new(run)?;
        let experiment_id = self.get_or_create_experiment(&run.experiment)?;
        let (run_id, artifact_uri) = self.create_run(&experiment_id, run, &plan)?;
        match self.fill_run(&run_id, &artifact_uri, run, &plan) {
            Ok(model_version) => {
                self.update_run(&run_id, "FINISHED")?;
                Ok(RunInfo { run_id, experiment_id, model_version })
            }
            Err(err) => {
                // Best effort: record why, and don't leave the run RUNNING forever.
                let why = truncate_chars(&err.to_string(), 5000);
                let _ = self.post(
                    "runs/set-tag",
                    "runs/set-tag",
                    &json!({"run_id": run_id, "key": TAG_TRACKING_ERROR, "value": why}),
                );
                let marked = match self.update_run(&run_id, "FAILED") {
                    Ok(()) => "marked FAILED".to_string(),
                    Err(e) => format!("could not be marked FAILED: {e}"),
                };
                Err(match err {
                    EngineError::Tracking(msg) => {
                        EngineError::Tracking(format!("{msg} (run {run_id} {marked})"))
                    }
                    other => other,
                })
            }
        }
    }

    // ---- the steps ---------------------------------------------------------------------

    fn get_or_create_experiment(&self, name: &str) -> Result<String> {
        for attempt in 0..2 {
            match self.call(
                "experiments/get-by-name",
                Method::Get,
                &self.api("experiments/get-by-name"),
                &[("experiment_name", name)],
                Body::Empty,
            ) {
                Ok(v) => {
                    let exp = &v["experiment"];
                    if exp["lifecycle_stage"].as_str() == Some("deleted") {
                        return Err(EngineError::Tracking(format!(
                            "MLflow experiment {name:?} is deleted on the server: restore it (UI \
                             or `mlflow experiments restore`) or log to another experiment name"
                        )));
                    }
                    return str_field(exp, "experiment_id", "experiments/get-by-name");
                }
                Err(ServerError::Api { code, .. }) if code == "RESOURCE_DOES_NOT_EXIST" => {}
                Err(e) => return Err(e.into_engine()),
            }
            match self.post("experiments/create", "experiments/create", &json!({"name": name})) {
                Ok(v) => return str_field(&v, "experiment_id", "experiments/create"),
                // Another process created it between our two calls: look it up again.
                Err(ServerError::Api { code, .. })
                    if code == "RESOURCE_ALREADY_EXISTS" && attempt == 0 => {}
                Err(e) => return Err(e.into_engine()),
            }
        }
        Err(EngineError::Tracking(format!(
            "MLflow experiment {name:?}: could neither find nor create it"
        )))
    }

    fn create_run(
        &self,
        experiment_id: &str,
        run: &RunRecord,
        plan: &Plan,
    ) -> Result<(String, String)> {
        let mut tags: Vec<Value> = Vec::new();
        if !run.run_name.is_empty() {
            // An empty name: the server picks one (like the Python client).
            tags.push(json!({"key": "mlflow.runName", "value": run.run_name}));
        }
        for (k, v) in &plan.create_tags {
            tags.push(json!({"key": k, "value": v}));
        }
        let mut body = json!({
            "experiment_id": experiment_id,
            "start_time": now_ms(),
            "tags": tags,
        });
        if !run.run_name.is_empty() {
            body["run_name"] = json!(run.run_name);
        }
        let v = self.post("runs/create", "runs/create", &body).map_err(ServerError::into_engine)?;
        let info = &v["run"]["info"];
        let run_id = str_field(info, "run_id", "runs/create")?;
        let artifact_uri = str_field(info, "artifact_uri", "runs/create")?;
        Ok((run_id, artifact_uri))
    }

    /// Steps 3–5; returns the registered version.
    fn fill_run(
        &self,
        run_id: &str,
        artifact_uri: &str,
        run: &RunRecord,
        plan: &Plan,
    ) -> Result<Option<String>> {
        let ts = now_ms();
        for batch in plan.batches(ts) {
            let mut body = batch;
            body["run_id"] = json!(run_id);
            self.post("runs/log-batch", &format!("runs/log-batch (run {run_id})"), &body)
                .map_err(ServerError::into_engine)?;
        }

        if !run.artifacts.is_empty() {
            let proxy_root = artifact_proxy_url(&self.base, artifact_uri)?;
            for (local, dir) in &run.artifacts {
                let file_name = local.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                let mut rel: Vec<&str> = split_artifact_dir(dir);
                rel.push(file_name);
                let url = format!(
                    "{proxy_root}/{}",
                    rel.iter().map(|s| percent_encode(s)).collect::<Vec<_>>().join("/")
                );
                let what = format!("artifact upload {} (run {run_id})", rel.join("/"));
                self.call(&what, Method::Put, &url, &[], Body::File(local))
                    .map_err(ServerError::into_engine)?;
            }
        }

        let Some(reg) = &run.register else { return Ok(None) };
        let source = {
            let dir = split_artifact_dir(&reg.artifact_path).join("/");
            if dir.is_empty() {
                artifact_uri.to_string()
            } else {
                format!("{artifact_uri}/{dir}")
            }
        };
        match self.post(
            "registered-models/create",
            &format!("registered-models/create ({})", reg.model_name),
            &json!({"name": reg.model_name}),
        ) {
            Ok(_) => {}
            Err(ServerError::Api { code, .. }) if code == "RESOURCE_ALREADY_EXISTS" => {}
            Err(e) => return Err(e.into_engine()),
        }
        let v = self
            .post(
                "model-versions/create",
                &format!("model-versions/create ({})", reg.model_name),
                &json!({"name": reg.model_name, "source": source, "run_id": run_id}),
            )
            .map_err(ServerError::into_engine)?;
        let mv = &v["model_version"];
        let version = str_field(mv, "version", "model-versions/create")?;
        self.wait_ready(&reg.model_name, &version, mv["status"].as_str())?;
        if let Some(alias) = &reg.alias {
            self.post(
                "registered-models/alias",
                &format!("registered-models/alias ({}@{alias} -> {version})", reg.model_name),
                &json!({"name": reg.model_name, "alias": alias, "version": version}),
            )
            .map_err(ServerError::into_engine)?;
        }
        Ok(Some(version))
    }

    fn wait_ready(&self, name: &str, version: &str, first_status: Option<&str>) -> Result<()> {
        let deadline = Instant::now() + REGISTRATION_TIMEOUT;
        let mut status = first_status.unwrap_or("").to_string();
        let mut message = String::new();
        let mut delay = Duration::from_millis(100);
        loop {
            match status.as_str() {
                "READY" => return Ok(()),
                "FAILED_REGISTRATION" => {
                    return Err(EngineError::Tracking(format!(
                        "MLflow model version {name} v{version} failed registration: {message}"
                    )))
                }
                _ => {}
            }
            if Instant::now() >= deadline {
                return Err(EngineError::Tracking(format!(
                    "MLflow model version {name} v{version} is still {status:?} after {}s",
                    REGISTRATION_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(delay);
            delay = (delay * 2).min(Duration::from_secs(2));
            let v = self
                .call(
                    "model-versions/get",
                    Method::Get,
                    &self.api("model-versions/get"),
                    &[("name", name), ("version", version)],
                    Body::Empty,
                )
                .map_err(ServerError::into_engine)?;
            status = v["model_version"]["status"].as_str().unwrap_or("").to_string();
            message = v["model_version"]["status_message"].as_str().unwrap_or("").to_string();
        }
    }

    fn update_run(&self, run_id: &str, status: &str) -> Result<()> {
        self.post(
            "runs/update",
            &format!("runs/update {status} (run {run_id})"),
            &json!({"run_id": run_id, "status": status, "end_time": now_ms()}),
        )
        .map(|_| ())
        .map_err(ServerError::into_engine)
    }

    // ---- HTTP ----------------------------------------------------------------------------

    fn api(&self, endpoint: &str) -> String {
        format!("{}/api/2.0/mlflow/{endpoint}", self.base)
    }

    fn post(
        &self,
        endpoint: &str,
        what: &str,
        body: &Value,
    ) -> std::result::Result<Value, ServerError> {
        self.call(what, Method::Post, &self.api(endpoint), &[], Body::Json(body))
    }

    /// One REST call; retries (briefly) only the statuses that mean "not processed, try again"
    /// (429/502/503/504) and, once, a connection reset under a reused keep-alive connection.
    /// Other transport errors are not retried: an unreachable server fails fast.
    fn call(
        &self,
        what: &str,
        method: Method,
        url: &str,
        query: &[(&str, &str)],
        body: Body<'_>,
    ) -> std::result::Result<Value, ServerError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (status, text) = match self.send_once(what, method, url, query, &body) {
                Ok(r) => r,
                // A pooled keep-alive connection the server had already closed: once more, on
                // a fresh connection.
                Err(ServerError::Reset(_)) if attempt == 1 => continue,
                Err(e) => return Err(e),
            };
            if (200..300).contains(&status) {
                if text.trim().is_empty() {
                    return Ok(Value::Object(Default::default()));
                }
                return serde_json::from_str(&text).map_err(|e| {
                    ServerError::Other(format!(
                        "MLflow {what}: HTTP {status} but the response is not JSON ({e}): {}",
                        snippet(&text)
                    ))
                });
            }
            if matches!(status, 429 | 502 | 503 | 504) && attempt < 3 {
                std::thread::sleep(Duration::from_millis(500 * attempt));
                continue;
            }
            let parsed: Option<Value> = serde_json::from_str(&text).ok();
            let code =
                parsed.as_ref().and_then(|v| v["error_code"].as_str()).unwrap_or("").to_string();
            let message = parsed
                .as_ref()
                .and_then(|v| v["message"].as_str().or(v["detail"].as_str()))
                .map(snippet)
                .unwrap_or_else(|| snippet(&text));
            let code_part = if code.is_empty() { String::new() } else { format!(" {code}") };
            return Err(ServerError::Api {
                code,
                text: format!("MLflow {what} failed: HTTP {status}{code_part}: {message}"),
            });
        }
    }

    fn send_once(
        &self,
        what: &str,
        method: Method,
        url: &str,
        query: &[(&str, &str)],
        body: &Body<'_>,
    ) -> std::result::Result<(u16, String), ServerError> {
        let transport = |e: ureq::Error| {
            let reset = matches!(&e, ureq::Error::Io(io) if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            ));
            let hint = match &e {
                ureq::Error::TlsRequired | ureq::Error::Tls(_) => {
                    " (this build has no TLS: use an http:// tracking URI, e.g. a TLS-terminating \
                     proxy on loopback)"
                        .to_string()
                }
                ureq::Error::Timeout(_) => {
                    format!(" (connect timeout {}s)", CONNECT_TIMEOUT.as_secs())
                }
                _ => String::new(),
            };
            let msg = format!(
                "MLflow {what} failed: cannot reach the tracking server at {}: {e}{hint}",
                self.base
            );
            if reset {
                ServerError::Reset(msg)
            } else {
                ServerError::Other(msg)
            }
        };
        let response = match method {
            Method::Get => {
                let mut req = self.agent.get(url);
                for (k, v) in query {
                    req = req.query(*k, *v);
                }
                if let Some(auth) = &self.auth {
                    req = req.header("Authorization", auth);
                }
                req.call()
            }
            Method::Post | Method::Put => {
                let mut req =
                    if method == Method::Post { self.agent.post(url) } else { self.agent.put(url) };
                for (k, v) in query {
                    req = req.query(*k, *v);
                }
                if let Some(auth) = &self.auth {
                    req = req.header("Authorization", auth);
                }
                match body {
                    Body::Empty => req.send_empty(),
                    Body::Json(v) => req
                        .header("Content-Type", "application/json")
                        .send(serde_json::to_vec(v).expect("JSON values serialise")),
                    Body::File(path) => {
                        let file = std::fs::File::open(path).map_err(|e| {
                            ServerError::Local(EngineError::io_path("open artifact", path, e))
                        })?;
                        // Connection: close — when the server answers an upload early (an
                        // error) the connection is left mid-body and must not be reused.
                        req.header("Content-Type", "application/octet-stream")
                            .header("Connection", "close")
                            .send(file)
                    }
                }
            }
        };
        let mut response = response.map_err(transport)?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .map_err(transport)?;
        Ok((status, text))
    }
}

/// A failed call: an MLflow API error (with its `error_code`, so callers can accept e.g.
/// `RESOURCE_ALREADY_EXISTS`), any other server/transport failure, or a local I/O error.
enum ServerError {
    Api {
        code: String,
        text: String,
    },
    Other(String),
    /// The connection was reset / closed under us (retried once).
    Reset(String),
    Local(EngineError),
}

impl ServerError {
    fn into_engine(self) -> EngineError {
        match self {
            ServerError::Api { text, .. } | ServerError::Other(text) | ServerError::Reset(text) => {
                EngineError::Tracking(text)
            }
            ServerError::Local(e) => e,
        }
    }
}

// ---- the validated, sanitised content of one run -----------------------------------------

enum Entry {
    Param(String, String),
    Tag(String, String),
    Metric(String, f64, i64),
}

struct Plan {
    /// Sent with runs/create (so they exist even if a later batch fails).
    create_tags: Vec<(String, String)>,
    entries: Vec<Entry>,
}

impl Plan {
    fn new(run: &RunRecord) -> Result<Plan> {
        let bad = |msg: String| Err(EngineError::InvalidArgument(msg));
        let exp = run.experiment.trim();
        if exp.is_empty() {
            return bad("MLflow run: the experiment name is empty".into());
        }
        if exp.chars().count() > MAX_EXPERIMENT_NAME_LENGTH {
            return bad(format!(
                "MLflow experiment name is longer than {MAX_EXPERIMENT_NAME_LENGTH} characters"
            ));
        }
        for (path, dir) in &run.artifacts {
            let meta = std::fs::metadata(path)
                .map_err(|e| EngineError::io_path("artifact to upload", path, e))?;
            if !meta.is_file() {
                return bad(format!("MLflow artifact {} is not a regular file", path.display()));
            }
            match path.file_name().and_then(|n| n.to_str()) {
                Some(n) if !n.is_empty() => check_artifact_path(n)?,
                _ => return bad(format!("MLflow artifact {}: no UTF-8 file name", path.display())),
            }
            check_artifact_path(dir)?;
        }
        if let Some(reg) = &run.register {
            let name = &reg.model_name;
            if name.trim().is_empty()
                || name.contains(['/', ':'])
                || name.starts_with('.')
                || name != name.trim()
            {
                return bad(format!(
                    "MLflow registered model name {name:?} is invalid (non-empty, no '/' or ':', \
                     no leading '.' or surrounding spaces)"
                ));
            }
            check_artifact_path(&reg.artifact_path)?;
            let want = split_artifact_dir(&reg.artifact_path);
            let covered = run.artifacts.iter().any(|(_, d)| {
                let d = split_artifact_dir(d);
                d.len() >= want.len() && d[..want.len()] == want[..]
            });
            if !covered {
                return bad(format!(
                    "MLflow registration of {name:?}: artifact_path {:?} holds none of this run's \
                     artifacts",
                    reg.artifact_path
                ));
            }
            if let Some(alias) = &reg.alias {
                let ok_chars =
                    alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                let reserved = alias.eq_ignore_ascii_case("latest")
                    || (alias.len() > 1
                        && alias.starts_with(['v', 'V'])
                        && alias[1..].chars().all(|c| c.is_ascii_digit()));
                if alias.is_empty() || !ok_chars || reserved || alias.len() > 255 {
                    return bad(format!(
                        "MLflow model alias {alias:?} is invalid (letters, digits, '_' and '-'; \
                         'latest' and 'v<N>' are reserved)"
                    ));
                }
            }
        }

        let mut renamed: Vec<String> = Vec::new();
        let mut entries = Vec::new();

        // Params: unique keys (MLflow refuses duplicates in a batch and changed values later).
        let mut keys = KeyMap::default();
        let mut truncated = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (k, v) in &run.params {
            let key = keys.get(k, &mut renamed);
            let value = truncate_with_note(v, MAX_PARAM_VAL_LENGTH);
            if value.len() != v.len() {
                truncated.push(key.clone());
            }
            match seen.get(&key) {
                // The same param twice: the last value wins.
                Some(&i) => entries[i] = Entry::Param(key, value),
                None => {
                    seen.insert(key.clone(), entries.len());
                    entries.push(Entry::Param(key, value));
                }
            }
        }

        // Metrics: finite values only.
        let mut keys = KeyMap::default();
        let mut skipped = 0usize;
        let mut skipped_keys: Vec<String> = Vec::new();
        let mut metric_entries = Vec::new();
        for m in &run.metrics {
            let key = keys.get(&m.key, &mut renamed);
            if m.value.is_finite() {
                metric_entries.push(Entry::Metric(key, m.value, m.step));
            } else {
                skipped += 1;
                if !skipped_keys.contains(&key) {
                    skipped_keys.push(key);
                }
            }
        }

        // Tags: ours first, the caller's override them (last wins).
        let mut tags: Vec<(String, String)> = vec![
            ("mlflow.source.type".into(), "LOCAL".into()),
            ("mlflow.source.name".into(), "candle-annotator".into()),
        ];
        if let Some(user) = std::env::var("USER").ok().or_else(|| std::env::var("USERNAME").ok()) {
            if !user.is_empty() {
                tags.push(("mlflow.user".into(), user));
            }
        }
        let mut keys = KeyMap::default();
        for (k, v) in &run.tags {
            let key = keys.get(k, &mut renamed);
            tags.push((key, truncate_with_note(v, MAX_TAG_VAL_LENGTH)));
        }
        if skipped > 0 {
            tags.push((TAG_SKIPPED_NONFINITE.into(), skipped.to_string()));
            tags.push((
                TAG_SKIPPED_NONFINITE_KEYS.into(),
                truncate_with_note(&skipped_keys.join(","), MAX_TAG_VAL_LENGTH),
            ));
        }
        if !truncated.is_empty() {
            tags.push((
                TAG_TRUNCATED_PARAMS.into(),
                truncate_with_note(&truncated.join(","), MAX_TAG_VAL_LENGTH),
            ));
        }
        if !renamed.is_empty() {
            tags.push((
                TAG_RENAMED_KEYS.into(),
                truncate_with_note(&renamed.join("; "), MAX_TAG_VAL_LENGTH),
            ));
        }
        let mut dedup: Vec<(String, String)> = Vec::new();
        let mut idx: HashMap<String, usize> = HashMap::new();
        for (k, v) in tags {
            if k == "mlflow.runName" {
                continue; // set from run_name
            }
            match idx.get(&k) {
                Some(&i) => dedup[i].1 = v,
                None => {
                    idx.insert(k.clone(), dedup.len());
                    dedup.push((k, v));
                }
            }
        }
        // Small tags go with runs/create; big ones in batches.
        let (create_tags, batch_tags): (Vec<_>, Vec<_>) = dedup
            .into_iter()
            .enumerate()
            .partition(|(i, (k, v))| *i < 50 && k.len() + v.len() < 1000);
        let create_tags = create_tags.into_iter().map(|(_, kv)| kv).collect();
        entries.extend(batch_tags.into_iter().map(|(_, (k, v))| Entry::Tag(k, v)));
        entries.extend(metric_entries);
        Ok(Plan { create_tags, entries })
    }

    /// log-batch bodies (without run_id), each within MLflow's per-request limits.
    fn batches(&self, timestamp: i64) -> Vec<Value> {
        let mut out = Vec::new();
        let (mut params, mut tags, mut metrics) = (Vec::new(), Vec::new(), Vec::new());
        let mut bytes = 0usize;
        for e in &self.entries {
            let (v, size) = match e {
                Entry::Param(k, v) => {
                    let j = json!({"key": k, "value": v});
                    let n = j.to_string().len() + 1;
                    (j, n)
                }
                Entry::Tag(k, v) => {
                    let j = json!({"key": k, "value": v});
                    let n = j.to_string().len() + 1;
                    (j, n)
                }
                Entry::Metric(k, value, step) => {
                    let j = json!({"key": k, "value": value, "timestamp": timestamp, "step": step});
                    let n = j.to_string().len() + 1;
                    (j, n)
                }
            };
            let full = match e {
                Entry::Param(..) => params.len() >= MAX_PARAMS_TAGS_PER_BATCH,
                Entry::Tag(..) => tags.len() >= MAX_PARAMS_TAGS_PER_BATCH,
                Entry::Metric(..) => metrics.len() >= MAX_METRICS_PER_BATCH,
            } || params.len() + tags.len() + metrics.len() >= MAX_ENTITIES_PER_BATCH
                || bytes + size > MAX_BATCH_BYTES;
            if full && params.len() + tags.len() + metrics.len() > 0 {
                out.push(json!({
                    "params": std::mem::take(&mut params),
                    "tags": std::mem::take(&mut tags),
                    "metrics": std::mem::take(&mut metrics),
                }));
                bytes = 0;
            }
            bytes += size;
            match e {
                Entry::Param(..) => params.push(v),
                Entry::Tag(..) => tags.push(v),
                Entry::Metric(..) => metrics.push(v),
            }
        }
        if params.len() + tags.len() + metrics.len() > 0 {
            out.push(json!({"params": params, "tags": tags, "metrics": metrics}));
        }
        out
    }
}

/// Original key → sanitised key, keeping distinct originals distinct.
#[derive(Default)]
struct KeyMap {
    map: HashMap<String, String>,
    used: HashSet<String>,
}

impl KeyMap {
    fn get(&mut self, original: &str, renamed: &mut Vec<String>) -> String {
        if let Some(k) = self.map.get(original) {
            return k.clone();
        }
        let base = sanitize_key(original);
        let mut key = base.clone();
        let mut n = 2;
        while self.used.contains(&key) {
            let suffix = format!("_{n}");
            key =
                format!("{}{suffix}", truncate_chars(&base, MAX_ENTITY_KEY_LENGTH - suffix.len()));
            n += 1;
        }
        if key != original {
            renamed.push(format!("{original} -> {key}"));
        }
        self.used.insert(key.clone());
        self.map.insert(original.to_string(), key.clone());
        key
    }
}

/// A param/metric/tag key MLflow accepts on any server OS: ASCII letters, digits, `_ - . /`
/// and spaces (other characters, and `:` which Windows servers reject, become `_`), no empty,
/// `.` or `..` path segments, no leading/trailing `/`, at most 250 characters.
pub fn sanitize_key(key: &str) -> String {
    let mapped: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '/') {
                c
            } else {
                '_'
            }
        })
        .take(MAX_ENTITY_KEY_LENGTH)
        .collect();
    let segments: Vec<&str> = mapped
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .map(|s| if s == ".." { "__" } else { s })
        .collect();
    let out = segments.join("/");
    if out.is_empty() {
        "_".to_string()
    } else {
        out
    }
}

/// An artifact directory or file name the server's artifact proxy accepts
/// (`mlflow.utils.uri.validate_path_is_safe`): relative, `/`-separated, no `..` segment, and
/// no `#`, `%` (the server percent-decodes repeatedly), `\` or control characters.
fn check_artifact_path(path: &str) -> Result<()> {
    if path.starts_with('/')
        || path.split('/').any(|s| s == "..")
        || path.chars().any(|c| matches!(c, '#' | '%' | '\\') || c.is_control())
    {
        return Err(EngineError::InvalidArgument(format!(
            "MLflow artifact path {path:?} must be relative, '/'-separated, without '..' \
             segments and without '#', '%', '\\' or control characters"
        )));
    }
    Ok(())
}

fn split_artifact_dir(dir: &str) -> Vec<&str> {
    dir.split('/').filter(|s| !s.is_empty() && *s != ".").collect()
}

/// The artifact-proxy URL of a run's artifact root: `mlflow-artifacts:/<exp>/<run>/artifacts`
/// (or `mlflow-artifacts://host:port/...`) →
/// `{base}/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts`.
/// An http(s) artifact URI already names the proxy. Anything else (a local path, s3://…) means
/// the server does not proxy artifacts and we cannot upload through it.
fn artifact_proxy_url(base: &str, artifact_uri: &str) -> Result<String> {
    if let Some(rest) = artifact_uri.strip_prefix("mlflow-artifacts:") {
        let path = match rest.strip_prefix("//") {
            Some(with_authority) => with_authority.find('/').map_or("", |i| &with_authority[i..]),
            None => rest,
        };
        let path = path.trim_matches('/');
        let encoded: Vec<String> = path.split('/').map(percent_encode).collect();
        return Ok(format!("{base}/api/2.0/mlflow-artifacts/artifacts/{}", encoded.join("/")));
    }
    let lower = artifact_uri.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://"))
        && artifact_uri.contains("/api/2.0/mlflow-artifacts/artifacts")
    {
        return Ok(artifact_uri.trim_end_matches('/').to_string());
    }
    Err(EngineError::Tracking(format!(
        "MLflow artifact upload: the run's artifact URI is {artifact_uri:?}, which the server does \
         not proxy; start `mlflow server` with --serve-artifacts (the default) and log to an \
         experiment created by that server (artifact location mlflow-artifacts:/…)"
    )))
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn host_of(authority: &str) -> String {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_ascii_lowercase();
    }
    authority.split(':').next().unwrap_or("").to_ascii_lowercase()
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

fn str_field(v: &Value, key: &str, call: &str) -> Result<String> {
    match &v[key] {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(EngineError::Tracking(format!(
            "MLflow {call}: the response has no {key:?}: {}",
            snippet(&v.to_string())
        ))),
    }
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// `s` if it has at most `max` characters, else its head plus a note saying how much was cut,
/// `max` characters in all.
fn truncate_with_note(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let note = format!("... [truncated {n} chars]");
    let keep = max - note.chars().count();
    format!("{}{note}", truncate_chars(s, keep))
}

fn snippet(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 500 {
        format!("{}…", truncate_chars(s, 500))
    } else {
        s.to_string()
    }
}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert!(MlflowClient::new("http://127.0.0.1:5000/").is_ok());
        assert_eq!(
            MlflowClient::new("http://127.0.0.1:5000/").unwrap().tracking_uri(),
            "http://127.0.0.1:5000"
        );
        assert!(MlflowClient::new("HTTPS://mlflow.example.com/prefix").is_ok());
        for bad in ["file:./mlruns", "sqlite:///x.db", "databricks", "", "http://", "http://u:p@h/"]
        {
            let e = MlflowClient::new(bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_CONFIG", "{bad}");
        }
        assert!(is_loopback(&host_of("127.0.0.1:5000")));
        assert!(is_loopback(&host_of("[::1]:5000")));
        assert!(is_loopback(&host_of("localhost")));
        assert!(!is_loopback(&host_of("10.0.0.1:5000")));
    }

    #[test]
    fn https_without_tls_says_so() {
        // Something listening, so the TCP connect succeeds and TLS is what's missing.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let c = MlflowClient::new(&format!("https://127.0.0.1:{port}")).unwrap();
        let run = RunRecord { experiment: "e".into(), run_name: "r".into(), ..Default::default() };
        let err = c.log_run(&run).unwrap_err();
        assert_eq!(err.code(), "TRACKING_FAILED");
        // (Should a TLS backend ever be enabled, the handshake with this plain listener fails.)
        assert!(err.to_string().to_lowercase().contains("tls"), "{err}");
    }

    #[test]
    fn keys_are_sanitised() {
        assert_eq!(sanitize_key("learning_rate"), "learning_rate");
        assert_eq!(sanitize_key("val/auc"), "val/auc");
        assert_eq!(sanitize_key("a b#c:d"), "a b_c_d");
        assert_eq!(sanitize_key("/x//./y/../z/"), "x/y/__/z");
        assert_eq!(sanitize_key(""), "_");
        assert_eq!(sanitize_key("Ünï"), "_n_");
        assert_eq!(sanitize_key(&"k".repeat(300)).len(), 250);
        let mut renamed = vec![];
        let mut m = KeyMap::default();
        assert_eq!(m.get("a#b", &mut renamed), "a_b");
        assert_eq!(m.get("a_b", &mut renamed), "a_b_2");
        assert_eq!(m.get("a#b", &mut renamed), "a_b");
        assert_eq!(renamed, vec!["a#b -> a_b", "a_b -> a_b_2"]);
    }

    #[test]
    fn truncation_keeps_the_limit() {
        let long = "x".repeat(7000);
        let t = truncate_with_note(&long, MAX_PARAM_VAL_LENGTH);
        assert_eq!(t.chars().count(), MAX_PARAM_VAL_LENGTH);
        assert!(t.ends_with("... [truncated 7000 chars]"));
        assert_eq!(truncate_with_note("short", 10), "short");
    }

    #[test]
    fn batches_respect_mlflow_limits() {
        let run = RunRecord {
            experiment: "e".into(),
            run_name: "r".into(),
            params: (0..250).map(|i| (format!("p{i}"), "v".repeat(5000))).collect(),
            metrics: (0..2500)
                .map(|i| MetricPoint { key: format!("m{}", i % 7), value: i as f64, step: i })
                .chain([MetricPoint { key: "bad".into(), value: f64::NAN, step: 0 }])
                .collect(),
            tags: (0..150).map(|i| (format!("t{i}"), "w".repeat(2000))).collect(),
            ..Default::default()
        };
        let plan = Plan::new(&run).unwrap();
        let batches = plan.batches(1);
        let (mut p, mut t, mut m) = (0, 0, 0);
        for b in &batches {
            let (bp, bt, bm) = (
                b["params"].as_array().unwrap().len(),
                b["tags"].as_array().unwrap().len(),
                b["metrics"].as_array().unwrap().len(),
            );
            assert!(bp <= 100 && bt <= 100 && bm <= 1000 && bp + bt + bm <= 1000);
            assert!(b.to_string().len() < 1_000_000);
            p += bp;
            t += bt;
            m += bm;
        }
        assert_eq!(p, 250);
        assert_eq!(m, 2500);
        let mut all_tags: Vec<(String, String)> = plan.create_tags.clone();
        for b in &batches {
            for t in b["tags"].as_array().unwrap() {
                all_tags
                    .push((t["key"].as_str().unwrap().into(), t["value"].as_str().unwrap().into()));
            }
        }
        assert_eq!(all_tags.len(), t + plan.create_tags.len());
        assert!(all_tags.len() >= 150 + 2);
        assert!(all_tags.iter().any(|(k, v)| k == TAG_SKIPPED_NONFINITE && v == "1"));
        assert!(all_tags.iter().any(|(k, v)| k == TAG_SKIPPED_NONFINITE_KEYS && v == "bad"));
    }

    #[test]
    fn proxy_urls() {
        let base = "http://127.0.0.1:5000";
        assert_eq!(
            artifact_proxy_url(base, "mlflow-artifacts:/1/abc/artifacts").unwrap(),
            "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts"
        );
        assert_eq!(
            artifact_proxy_url(base, "mlflow-artifacts://h:1/2/abc/artifacts").unwrap(),
            "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/2/abc/artifacts"
        );
        assert_eq!(
            artifact_proxy_url(base, "/tmp/mlruns/1/abc/artifacts").unwrap_err().code(),
            "TRACKING_FAILED"
        );
        assert_eq!(percent_encode("a b%/c"), "a%20b%25%2Fc");
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"ab"), "YWI=");
    }

    #[test]
    fn bad_records_fail_before_any_call() {
        // Port 9 (discard) is never contacted: validation comes first.
        let c = MlflowClient::new("http://127.0.0.1:9").unwrap();
        let mut run =
            RunRecord { experiment: "e".into(), run_name: "r".into(), ..Default::default() };
        run.artifacts.push((PathBuf::from("/nonexistent/model.txt"), "model".into()));
        assert_eq!(c.log_run(&run).unwrap_err().code(), "IO_ERROR");
        run.artifacts.clear();
        run.register = Some(RegisterSpec {
            model_name: "m".into(),
            artifact_path: "model".into(),
            alias: Some("champion".into()),
        });
        assert_eq!(c.log_run(&run).unwrap_err().code(), "INVALID_ARGUMENT");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("model.txt");
        std::fs::write(&f, "x").unwrap();
        run.artifacts.push((f, "model".into()));
        for alias in ["latest", "v2", "bad alias"] {
            run.register.as_mut().unwrap().alias = Some(alias.into());
            assert_eq!(c.log_run(&run).unwrap_err().code(), "INVALID_ARGUMENT", "{alias}");
        }
        run.register.as_mut().unwrap().alias = None;
        run.register.as_mut().unwrap().model_name = "a/b".into();
        assert_eq!(c.log_run(&run).unwrap_err().code(), "INVALID_ARGUMENT");
        run.register = None;
        for dir in ["../up", "/abs", "a/../b", "has#hash", "pct%20"] {
            run.artifacts[0].1 = dir.into();
            assert_eq!(c.log_run(&run).unwrap_err().code(), "INVALID_ARGUMENT", "{dir}");
        }
        let hashed = dir.path().join("a#b.txt");
        std::fs::write(&hashed, "x").unwrap();
        run.artifacts = vec![(hashed, "".into())];
        assert_eq!(c.log_run(&run).unwrap_err().code(), "INVALID_ARGUMENT");
        run.artifacts = vec![(dir.path().to_path_buf(), "".into())];
        assert_eq!(c.log_run(&run).unwrap_err().code(), "INVALID_ARGUMENT", "a directory");
    }
}
