//! MLflow tracking against a REAL `mlflow server` (scripts/mlflow-server.sh, the project venv),
//! checked with the real MLflow Python client (scripts/check_mlflow_run.py).
//!
//! Skipped, loudly, only when the venv is missing (scripts/setup.sh creates it).
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use engine::tracking::{MetricPoint, MlflowClient, RegisterSpec, RunRecord};
use serde_json::json;
use sha2::{Digest, Sha256};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn venv_python() -> Option<PathBuf> {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    let mlflow = root.join(".venv/bin/mlflow");
    if python.exists() && mlflow.exists() {
        Some(python)
    } else {
        eprintln!(
            "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPING the MLflow tracking test: {} (with mlflow) is missing.\n\
             !!! Run scripts/setup.sh to create it; CI must not skip this test.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
            python.display()
        );
        None
    }
}

/// A real MLflow server in a temp dir; stopped on drop, even when an assert failed (and, via
/// the script's owner-pid watchdog, even when this process is killed).
struct Server {
    dir: tempfile::TempDir,
    url: String,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::Builder::new().prefix("mlflow-test-").tempdir().unwrap();
        let script = repo_root().join("scripts/mlflow-server.sh");
        let t0 = Instant::now();
        let out = Command::new("bash")
            .arg(&script)
            .arg("start")
            .arg(dir.path())
            .env("MLFLOW_SERVER_OWNER_PID", std::process::id().to_string())
            .output()
            .expect("run scripts/mlflow-server.sh");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // A guard from here on, so a half-started server is stopped too.
        let server = Server { dir, url: stdout.trim().lines().last().unwrap_or("").to_string() };
        assert!(
            out.status.success() && server.url.starts_with("http://127.0.0.1:"),
            "mlflow-server.sh start failed ({}):\nstdout: {stdout}\nstderr: {stderr}",
            out.status
        );
        eprintln!("mlflow server {} up in {:.1}s", server.url, t0.elapsed().as_secs_f64());
        server
    }

    fn client(&self) -> MlflowClient {
        MlflowClient::new(&self.url).unwrap()
    }

    fn artifacts_dir(&self) -> PathBuf {
        self.dir.path().join("artifacts")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let script = repo_root().join("scripts/mlflow-server.sh");
        let _ = Command::new("bash").arg(&script).arg("stop").arg(self.dir.path()).status();
        if std::thread::panicking() {
            if let Ok(log) = std::fs::read_to_string(self.dir.path().join("server.log")) {
                let tail: Vec<&str> = log.lines().rev().take(40).collect();
                eprintln!("--- mlflow server.log (tail) ---");
                for l in tail.iter().rev() {
                    eprintln!("{l}");
                }
            }
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Model file + model.json (registered under `model/`) and metrics.json at the root.
struct Files {
    _dir: tempfile::TempDir,
    model: PathBuf,
    model_json: PathBuf,
    metrics_json: PathBuf,
    model_bytes: Vec<u8>,
    model_json_bytes: Vec<u8>,
}

fn files(tag: &str) -> Files {
    let dir = tempfile::tempdir().unwrap();
    let model_bytes: Vec<u8> = format!("tree\nversion=v4\nnum_class=1\n# {tag}\n").bytes().chain(0u8..=255).collect();
    let model_json_bytes = serde_json::to_vec_pretty(&json!({
        "kind": "lightgbm", "tag": tag, "features": ["body", "upper_wick", "lower_wick"],
    }))
    .unwrap();
    let model = dir.path().join("model.lgbm.txt");
    let model_json = dir.path().join("model.json");
    let metrics_json = dir.path().join("metrics.json");
    std::fs::write(&model, &model_bytes).unwrap();
    std::fs::write(&model_json, &model_json_bytes).unwrap();
    std::fs::write(&metrics_json, br#"{"accuracy": 0.75, "f1": 0.5}"#).unwrap();
    Files { _dir: dir, model, model_json, metrics_json, model_bytes, model_json_bytes }
}

fn record(experiment: &str, run_name: &str, f: &Files, seed: f64) -> RunRecord {
    let mut metrics = Vec::new();
    for step in 0..6i64 {
        metrics.push(MetricPoint { key: "train_logloss".into(), value: 0.69 - seed - 0.05 * step as f64, step });
        metrics.push(MetricPoint { key: "valid_auc".into(), value: 0.5 + seed + 0.04 * step as f64, step });
    }
    metrics.push(MetricPoint { key: "accuracy".into(), value: 0.75 + seed, step: 0 });
    metrics.push(MetricPoint { key: "valid_auc".into(), value: f64::NAN, step: 6 });
    metrics.push(MetricPoint { key: "f1".into(), value: f64::INFINITY, step: 0 });
    RunRecord {
        experiment: experiment.into(),
        run_name: run_name.into(),
        params: vec![
            ("model".into(), "lightgbm".into()),
            ("learning_rate".into(), "0.1".into()),
            ("num_rounds".into(), "6".into()),
            ("feature set#1".into(), "ohlc,volume".into()),
            ("long_value".into(), "x".repeat(7000)),
        ],
        metrics,
        tags: vec![("dataset_sha256".into(), "abc123".into()), ("trigger".into(), "test".into())],
        artifacts: vec![
            (f.model.clone(), "model".into()),
            (f.model_json.clone(), "model".into()),
            (f.metrics_json.clone(), "".into()),
        ],
        register: Some(RegisterSpec {
            model_name: "candle-test-model".into(),
            artifact_path: "model".into(),
            alias: Some("champion".into()),
        }),
    }
}

fn expectation(run: &RunRecord, f: &Files, version: &str, seed: f64) -> serde_json::Value {
    let note = "... [truncated 7000 chars]";
    let long = format!("{}{note}", "x".repeat(6000 - note.len()));
    let history = |key: &str| -> Vec<(i64, f64)> {
        run.metrics.iter().filter(|m| m.key == key && m.value.is_finite()).map(|m| (m.step, m.value)).collect()
    };
    json!({
        "experiment": run.experiment,
        "run_name": run.run_name,
        "params": {
            "model": "lightgbm", "learning_rate": "0.1", "num_rounds": "6",
            "feature set_1": "ohlc,volume", "long_value": long,
        },
        "metrics": {
            "train_logloss": history("train_logloss"),
            "valid_auc": history("valid_auc"),
            "accuracy": [[0, 0.75 + seed]],
            "f1": [],
        },
        "tags": {
            "mlflow.runName": run.run_name,
            "dataset_sha256": "abc123",
            "trigger": "test",
            "candle.skipped_nonfinite_metrics": "2",
            "candle.truncated_params": "long_value",
        },
        "artifacts": ["model/model.lgbm.txt", "model/model.json", "metrics.json"],
        "model_files": {
            "model.lgbm.txt": sha256_hex(&f.model_bytes),
            "model.json": sha256_hex(&f.model_json_bytes),
        },
        "version": version,
    })
}

/// Runs scripts/check_mlflow_run.py (the real MLflow Python client); panics with its output.
fn check_with_python(python: &Path, server: &Server, run_id: &str, expect: &serde_json::Value) {
    let expect_file = server.dir.path().join(format!("expect-{run_id}.json"));
    std::fs::write(&expect_file, serde_json::to_vec_pretty(expect).unwrap()).unwrap();
    let t0 = Instant::now();
    let out = Command::new(python)
        .arg(repo_root().join("scripts/check_mlflow_run.py"))
        .arg(&server.url)
        .arg(run_id)
        .arg("candle-test-model")
        .arg("--expect")
        .arg(&expect_file)
        .env_remove("MLFLOW_TRACKING_URI")
        .output()
        .expect("run check_mlflow_run.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("check_mlflow_run.py ({:.1}s):\n{stdout}", t0.elapsed().as_secs_f64());
    assert!(out.status.success(), "check_mlflow_run.py failed ({}):\n{stdout}\n{stderr}", out.status);
}

#[test]
fn tracking_logs_run_artifacts_and_registers_champion() {
    let Some(python) = venv_python() else { return };
    let server = Server::start();
    let f = files("first");
    let mut run = record("candle-tracking-test", "lightgbm-first", &f, 0.0);
    // More than one log-batch's worth (1000 metrics, 100 params, 100 tags per request).
    for step in 0..1500i64 {
        run.metrics.push(MetricPoint { key: "round_loss".into(), value: 1.0 / (step + 1) as f64, step });
    }
    for i in 0..150 {
        run.params.push((format!("hp_{i:03}"), format!("{i}")));
        run.tags.push((format!("tag_{i:03}"), format!("value {i}")));
    }
    let t0 = Instant::now();
    let info = server.client().log_run(&run).expect("log_run");
    eprintln!("log_run took {:.2}s -> {info:?}", t0.elapsed().as_secs_f64());
    assert_eq!(info.model_version.as_deref(), Some("1"));
    assert!(!info.run_id.is_empty() && !info.experiment_id.is_empty());
    // The proxy stored the files where the run's artifact_uri points.
    let stored = server.artifacts_dir().join(&info.experiment_id).join(&info.run_id).join("artifacts");
    assert_eq!(std::fs::read(stored.join("model/model.lgbm.txt")).unwrap(), f.model_bytes);
    assert!(stored.join("metrics.json").is_file());
    // 1500+ metrics and 150+ params/tags took more than one log-batch request.
    let log = std::fs::read_to_string(server.dir.path().join("server.log")).unwrap();
    let batches = log.matches("POST /api/2.0/mlflow/runs/log-batch").count();
    assert!(batches >= 2, "expected the run to be logged in several batches, saw {batches}");
    let mut expect = expectation(&run, &f, "1", 0.0);
    for i in 0..150 {
        expect["params"][format!("hp_{i:03}")] = json!(format!("{i}"));
        expect["tags"][format!("tag_{i:03}")] = json!(format!("value {i}"));
    }
    expect["metrics"]["round_loss"] = json!((0..1500i64).map(|s| (s, 1.0 / (s + 1) as f64)).collect::<Vec<_>>());
    check_with_python(&python, &server, &info.run_id, &expect);
}

#[test]
fn tracking_second_run_registers_version_2_and_moves_the_alias() {
    let Some(python) = venv_python() else { return };
    let server = Server::start();
    let client = server.client();
    let f1 = files("first");
    let first = client.log_run(&record("candle-tracking-test", "run-1", &f1, 0.0)).expect("first log_run");
    assert_eq!(first.model_version.as_deref(), Some("1"));
    let f2 = files("second");
    let mut run2 = record("candle-tracking-test", "run-2", &f2, 0.1);
    // Names that need percent-encoding in the artifact proxy's URL path.
    let notes = f2._dir.path().join("notes v2+(final).txt");
    std::fs::write(&notes, "spaces and symbols").unwrap();
    run2.artifacts.push((notes, "extra dir/sub".into()));
    let second = client.log_run(&run2).expect("second log_run");
    assert_eq!(second.model_version.as_deref(), Some("2"));
    assert_eq!(second.experiment_id, first.experiment_id, "the experiment is reused by name");
    assert_ne!(second.run_id, first.run_id);
    // champion now -> v2 of run 2, and downloads run 2's model bytes.
    let mut expect = expectation(&run2, &f2, "2", 0.1);
    expect["artifacts"].as_array_mut().unwrap().push(json!("extra dir/sub/notes v2+(final).txt"));
    check_with_python(&python, &server, &second.run_id, &expect);
}

#[test]
fn tracking_failure_after_create_marks_the_run_failed() {
    let Some(python) = venv_python() else { return };
    let server = Server::start();
    let client = server.client();
    // A first run without artifacts creates the experiment (and no artifact dir for it)…
    let mut plain = RunRecord {
        experiment: "candle tracking/fail: test".into(),
        run_name: "no-artifacts".into(),
        params: vec![("a".into(), "1".into())],
        ..Default::default()
    };
    let info = client.log_run(&plain).expect("plain log_run");
    assert_eq!(info.model_version, None);
    // …then a regular file where the experiment's artifact directory must go makes the upload
    // fail on the server, after runs/create.
    std::fs::write(server.artifacts_dir().join(&info.experiment_id), b"not a directory").unwrap();
    let f = files("fail");
    plain.run_name = "upload-fails".into();
    plain.artifacts = vec![(f.model.clone(), "model".into())];
    let err = client.log_run(&plain).expect_err("the upload must fail");
    let msg = err.to_string();
    eprintln!("expected failure: {msg}");
    assert_eq!(err.code(), "TRACKING_FAILED");
    assert!(msg.contains("artifact upload model/model.lgbm.txt") && msg.contains("HTTP 5"), "{msg}");
    assert!(msg.contains("marked FAILED"), "{msg}");
    let run_id = msg.split("(run ").last().unwrap().split_whitespace().next().unwrap();
    let out = Command::new(&python)
        .arg("-c")
        .arg(
            "import sys, os; os.environ['MLFLOW_DISABLE_TELEMETRY']='true'\n\
             from mlflow import MlflowClient\n\
             r = MlflowClient(sys.argv[1]).get_run(sys.argv[2])\n\
             assert r.info.status == 'FAILED', r.info.status\n\
             assert r.info.run_name == 'upload-fails', r.info.run_name\n\
             assert 'artifact upload' in r.data.tags.get('candle.tracking_error', ''), r.data.tags\n\
             print('run', sys.argv[2], r.info.status)",
        )
        .arg(&server.url)
        .arg(run_id)
        .env_remove("MLFLOW_TRACKING_URI")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "run {run_id} not FAILED:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn tracking_unreachable_server_fails_fast() {
    // A port nobody listens on: bind an ephemeral port, then release it.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = MlflowClient::new(&format!("http://127.0.0.1:{port}")).unwrap();
    let run = RunRecord { experiment: "x".into(), run_name: "y".into(), ..Default::default() };
    let t0 = Instant::now();
    let err = client.log_run(&run).expect_err("no server there");
    let took = t0.elapsed();
    assert_eq!(err.code(), "TRACKING_FAILED", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("experiments/get-by-name") && msg.contains("cannot reach"), "{msg}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    eprintln!("unreachable server: {msg} ({took:?})");
}

#[test]
fn tracking_from_env() {
    // Only this test touches MLFLOW_TRACKING_URI in this binary (the others pass URIs
    // explicitly, and the Python checks get the URI as an argument).
    std::env::remove_var("MLFLOW_TRACKING_URI");
    assert!(MlflowClient::from_env().is_none());
    std::env::set_var("MLFLOW_TRACKING_URI", " ");
    assert!(MlflowClient::from_env().is_none());
    std::env::set_var("MLFLOW_TRACKING_URI", "file:./mlruns");
    assert_eq!(MlflowClient::from_env().unwrap().unwrap_err().code(), "INVALID_CONFIG");
    std::env::set_var("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000/");
    assert_eq!(MlflowClient::from_env().unwrap().unwrap().tracking_uri(), "http://127.0.0.1:5000");
    std::env::remove_var("MLFLOW_TRACKING_URI");
}
