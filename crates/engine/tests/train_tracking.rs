//! When MLflow is unreachable the run still registers its local version and reports the
//! tracking error (in the outcome and in the version's tracking.json). Its own test binary,
//! because it sets MLFLOW_TRACKING_URI for the process.
mod train_support;
use train_support::*;

#[test]
fn an_unreachable_tracking_server_never_loses_the_local_version() {
    // A port nothing listens on: the connection is refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    std::env::set_var("MLFLOW_TRACKING_URI", format!("http://127.0.0.1:{port}"));
    let out = tempfile::tempdir().unwrap();
    let cfg = parse(&small_config(out.path(), "  type: lightgbm\n  rounds: 3\n  threads: 2", ""));
    let outcome = train(&cfg).unwrap();
    let error = outcome.tracking_error.clone().expect("tracking error reported");
    assert!(error.contains("MLflow"), "{error}");
    assert!(outcome.mlflow_run_id.is_none());
    assert!(outcome.warnings.iter().any(|w| w == &error));
    let registry = engine::registry::Registry::open(out.path().join("models")).unwrap();
    let info = registry.resolve("champion").unwrap();
    assert_eq!(info.version, outcome.version);
    registry.load_model(&info).unwrap();
    let tracking: serde_json::Value =
        serde_json::from_slice(&std::fs::read(info.dir.join("tracking.json")).unwrap()).unwrap();
    assert_eq!(tracking["error"].as_str(), Some(error.as_str()));
}

/// Against a real server: `scripts/mlflow-server.sh start DIR` prints its URL; then
/// `MLFLOW_TRACKING_URI=URL cargo test --release -p engine --test train_tracking -- --ignored`.
#[test]
#[ignore]
fn logs_to_the_server_in_mlflow_tracking_uri() {
    assert!(std::env::var("MLFLOW_TRACKING_URI").is_ok(), "set MLFLOW_TRACKING_URI");
    let out = tempfile::tempdir().unwrap();
    let yaml = small_config(
        out.path(),
        "  type: xgboost\n  rounds: 4\n  threads: 2",
        "tracking: { register_name: candle-test }\n",
    );
    let outcome = train(&parse(&yaml)).unwrap();
    assert_eq!(outcome.tracking_error, None, "{:?}", outcome.warnings);
    println!("run {:?}, model version {:?}", outcome.mlflow_run_id, outcome.mlflow_model_version);
    assert!(outcome.mlflow_run_id.is_some() && outcome.mlflow_model_version.is_some());
}
