//! The client for one MLflow tracking server, and the steps of logging one run (experiment, run,
//! batches, artifacts, registration, final status).
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{json, Value};

use super::artifacts::{artifact_proxy_url, encode_segment, split_artifact_dir};
use super::batching::Plan;
use super::http::{snippet, Body, Method, ServerError};
use super::keys::truncate_chars;
use super::{RunInfo, RunRecord, TAG_TRACKING_ERROR};
use crate::error::{EngineError, Result};

/// The longest we wait for a TCP connection to the server.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The longest we wait for a response's headers / body on one call (a busy sqlite server can
/// be slow, but never this slow).
pub(super) const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest one artifact upload may take to send its body.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// The longest we poll a new model version for status READY.
const REGISTRATION_TIMEOUT: Duration = Duration::from_secs(60);

/// A client for one MLflow tracking server. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct MlflowClient {
    pub(super) base: String,
    pub(super) agent: ureq::Agent,
    pub(super) auth: Option<String>,
}

impl std::fmt::Debug for MlflowClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MlflowClient")
            .field("base", &self.base)
            .field("auth", &self.auth.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl MlflowClient {
    /// A client for `tracking_uri` (`http://host:port[/prefix]`). Only `http://` and `https://`
    /// URIs name a tracking server; anything else (`file:`, `sqlite:`, `databricks`…) is
    /// `InvalidConfig`. Makes no network call.
    pub fn new(tracking_uri: &str) -> Result<Self> {
        let not_a_server = || {
            EngineError::InvalidConfig(format!(
                "MLflow tracking URI {tracking_uri:?} is not an http(s):// URI; the engine logs \
                 only to an MLflow tracking server (e.g. http://127.0.0.1:5000)"
            ))
        };
        let malformed = || {
            EngineError::InvalidConfig(format!(
                "MLflow tracking URI {tracking_uri:?} must be http(s)://host[:port][/path] \
                 (no query or fragment)"
            ))
        };
        let uri = tracking_uri.trim();
        let lower = uri.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(not_a_server());
        }
        let url = url::Url::parse(uri).map_err(|_| malformed())?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(malformed());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EngineError::InvalidConfig(format!(
                "MLflow tracking URI {tracking_uri:?}: put credentials in \
                 MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN, \
                 not in the URI"
            )));
        }
        let loopback = url.host().is_some_and(|host| is_loopback(&host));
        let base = url.as_str().trim_end_matches('/').to_string();

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
        if loopback {
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
            } else if let (Some(user), Some(pass)) = (env("MLFLOW_TRACKING_USERNAME"), env("MLFLOW_TRACKING_PASSWORD"))
            {
                client.auth = Some(basic_auth(&user, &pass));
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
                    EngineError::Tracking(msg) => EngineError::Tracking(format!("{msg} (run {run_id} {marked})")),
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
                Err(ServerError::Api { code, .. }) if code == "RESOURCE_ALREADY_EXISTS" && attempt == 0 => {}
                Err(e) => return Err(e.into_engine()),
            }
        }
        Err(EngineError::Tracking(format!("MLflow experiment {name:?}: could neither find nor create it")))
    }

    fn create_run(&self, experiment_id: &str, run: &RunRecord, plan: &Plan) -> Result<(String, String)> {
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
    fn fill_run(&self, run_id: &str, artifact_uri: &str, run: &RunRecord, plan: &Plan) -> Result<Option<String>> {
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
                let url =
                    format!("{proxy_root}/{}", rel.iter().map(|s| encode_segment(s)).collect::<Vec<_>>().join("/"));
                let what = format!("artifact upload {} (run {run_id})", rel.join("/"));
                self.call(&what, Method::Put, &url, &[], Body::File(local)).map_err(ServerError::into_engine)?;
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
}

/// The `Authorization` value for HTTP basic auth (RFC 7617).
fn basic_auth(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// Whether the server is on this machine (then the environment's HTTP proxy is not used).
fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::tracking::RegisterSpec;

    #[test]
    fn uris() {
        assert!(MlflowClient::new("http://127.0.0.1:5000/").is_ok());
        assert_eq!(MlflowClient::new("http://127.0.0.1:5000/").unwrap().tracking_uri(), "http://127.0.0.1:5000");
        assert!(MlflowClient::new("HTTPS://mlflow.example.com/prefix").is_ok());
        for bad in ["file:./mlruns", "sqlite:///x.db", "databricks", "", "http://", "http://u:p@h/"] {
            let e = MlflowClient::new(bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_CONFIG", "{bad}");
        }
        let loopback = |uri: &str| is_loopback(&url::Url::parse(uri).unwrap().host().unwrap());
        assert!(loopback("http://127.0.0.1:5000"));
        assert!(loopback("http://[::1]:5000"));
        assert!(loopback("http://LOCALHOST"));
        assert!(loopback("http://mlflow.localhost:5000"));
        assert!(!loopback("http://10.0.0.1:5000"));
        assert!(!loopback("http://mlflow.example.com"));
        for bad in ["http://h/?q=1", "http://h/#f", "http://u@h/"] {
            assert_eq!(MlflowClient::new(bad).unwrap_err().code(), "INVALID_CONFIG", "{bad}");
        }
    }

    #[test]
    fn basic_auth_is_rfc_7617() {
        assert_eq!(basic_auth("user", "pass"), "Basic dXNlcjpwYXNz");
        assert_eq!(basic_auth("a", ""), "Basic YTo=");
    }

    #[test]
    fn bad_records_fail_before_any_call() {
        // Port 9 (discard) is never contacted: validation comes first.
        let c = MlflowClient::new("http://127.0.0.1:9").unwrap();
        let mut run = RunRecord { experiment: "e".into(), run_name: "r".into(), ..Default::default() };
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
