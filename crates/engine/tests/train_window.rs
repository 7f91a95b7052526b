//! The window model end to end (train, register, load back, serve), the optional refit and
//! hyper-parameter search, and the defaults a user's own labels get.
use engine::config::PipelineConfig;
use engine::dataset::rows_for;
use engine::features::compute_features;
use engine::models::{model_from_bytes, ModelKind};
use engine::registry::Registry;
use serde_json::json;

mod train_support;
use train_support::*;

fn candles(file: &str) -> engine::candles::Candles {
    engine::import::import_csv_file(&repo_root().join(file), &Default::default()).unwrap().series.remove(0).candles
}

fn end_encoding(yaml: String) -> String {
    yaml.replace("encoding: bio, window: 2, lookahead: 1", "encoding: end, window: 2, lookahead: 0")
}

#[test]
fn the_window_model_trains_loads_back_and_serves() {
    let out = tempfile::tempdir().unwrap();
    let model = "  type: window\n  rounds: 15\n  learning_rate: 0.2\n  context: 32\n  threads: 1";
    let cfg = parse(&end_encoding(small_config(out.path(), model, "")));
    let outcome = train(&cfg).unwrap();
    assert_eq!(outcome.model_type, ModelKind::Window);
    let m = &outcome.metrics;
    let test = m.test_pattern_f1.unwrap();
    assert!(test > 0.3, "window model test per-pattern macro-F1 {test}");
    assert!(m.test_exact_boundary_share.unwrap() > 0.8, "{:?}", m.test_exact_boundary_share);

    let registry = Registry::open(out.path().join("models")).unwrap();
    let info = registry.resolve(&outcome.version).unwrap();
    assert_eq!(info.card.rows.context, 32);
    assert_eq!(info.card.model_file, "model.window.txt");
    let model = registry.load_model(&info).unwrap();
    let ibm = candles("data/samples/ibm_daily.csv");
    let frame = compute_features(&ibm, &info.card.feature_config).unwrap();
    let (x, targets) = rows_for(Some(&ibm), &frame, &info.card.rows.every_candle()).unwrap();
    assert!(x.context.is_some());
    let p = model.predict_proba(&x).unwrap();
    assert_eq!(p.n_rows, targets.len());
    let again = model_from_bytes(ModelKind::Window, &model.to_bytes().unwrap(), p.n_classes).unwrap();
    assert_eq!(again.predict_proba(&x).unwrap(), p);

    // Damaged transform header: a coded error, never a crash.
    let mut bytes = model.to_bytes().unwrap();
    bytes[2] = b'!';
    // (the loaded model is not Debug, so `expect_err` does not apply)
    let Err(err) = model_from_bytes(ModelKind::Window, &bytes, p.n_classes) else { panic!("damaged header loaded") };
    assert_eq!(err.code(), "CORRUPT_MODEL");
    let Err(err) = model_from_bytes(ModelKind::Window, b"{}", p.n_classes) else { panic!("headless model loaded") };
    assert_eq!(err.code(), "CORRUPT_MODEL");

    // Served: the rows need the context's candles too.
    let server = engine::inference::ModelServer::open(&out.path().join("models")).unwrap();
    let loaded = server.get(&outcome.version).unwrap();
    assert!(loaded.min_candles() >= 32);
    let prediction = server.predict(&ibm, &Default::default()).unwrap();
    assert!(prediction.spans.len() > 50, "{}", prediction.spans.len());
    let few = engine::candles::Candles {
        time: ibm.time[..loaded.min_candles() - 1].to_vec(),
        open: ibm.open[..loaded.min_candles() - 1].to_vec(),
        high: ibm.high[..loaded.min_candles() - 1].to_vec(),
        low: ibm.low[..loaded.min_candles() - 1].to_vec(),
        close: ibm.close[..loaded.min_candles() - 1].to_vec(),
        volume: ibm.volume[..loaded.min_candles() - 1].to_vec(),
    };
    assert_eq!(server.predict(&few, &Default::default()).unwrap_err().code(), "TOO_FEW_CANDLES");
}

#[test]
fn refit_and_search_are_recorded() {
    let out = tempfile::tempdir().unwrap();
    let model = "  type: lightgbm\n  rounds: 30\n  early_stopping_rounds: 5\n  threads: 1\n  refit: true\n  search: { trials: 3, max_seconds: 120, folds: 2 }";
    let cfg = parse(&end_encoding(small_config(out.path(), model, "")));
    let outcome = train(&cfg).unwrap();
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&outcome.paths.metrics_file).unwrap()).unwrap();
    assert_eq!(metrics["refit"], json!(true));
    let trials = metrics["search"]["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 3);
    assert!(trials.iter().all(|t| t["cvLogloss"].as_f64().unwrap() > 0.0 && t["params"]["learning_rate"].is_number()));
    let best = metrics["search"]["best"].as_u64().unwrap() as usize;
    let best_loss = trials[best]["cvLogloss"].as_f64().unwrap();
    assert!(trials.iter().all(|t| t["cvLogloss"].as_f64().unwrap() >= best_loss));
    // The registered parameters are the winner's; the refit keeps the rounds the first fit chose.
    let info = Registry::open(out.path().join("models")).unwrap().resolve(&outcome.version).unwrap();
    let engine::models::ModelParams::Lightgbm(p) = &info.card.params else { panic!("{:?}", info.card.params) };
    assert_eq!(p.learning_rate, trials[best]["params"]["learning_rate"].as_f64().unwrap());
    assert!(outcome.rounds >= 1 && outcome.rounds <= 30);

    // Out of range: a coded config error naming the key.
    let bad = small_config(out.path(), "  type: lightgbm\n  search: { trials: 99 }", "");
    let err = PipelineConfig::from_yaml_str(&bad, repo_root()).unwrap().validate().unwrap_err();
    assert!(err.to_string().contains("model.search.trials"), "{err}");
    let bad = small_config(out.path(), "  type: random_forest\n  refit: true", "");
    let err = PipelineConfig::from_yaml_str(&bad, repo_root()).unwrap().validate().unwrap_err();
    assert!(err.to_string().contains("model.refit"), "{err}");
}

#[test]
fn defaults_for_a_users_own_labels() {
    let out = tempfile::tempdir().unwrap();
    let validate = |yaml: &str| PipelineConfig::from_yaml_str(yaml, repo_root()).unwrap().validate();
    let base = small_config(out.path(), "  type: lightgbm", "");

    // Split ratios: what is left out shares what is left; errors name all three.
    let cfg = validate(&base.replace(
        "split: { train: 0.8, validation: 0.2, test_series: [IBM] }",
        "split: { train: 0.6, validation: 0.2 }",
    ))
    .unwrap();
    let engine::split::SplitMethod::Ratios { train: tr, validation: va, test } = cfg.split.method else { panic!() };
    assert_eq!((tr, va), (0.6, 0.2));
    assert!((test - 0.2).abs() < 1e-9, "{test}");
    let err = validate(&base.replace(
        "split: { train: 0.8, validation: 0.2, test_series: [IBM] }",
        "split: { train: 0.8, validation: 0.2 }",
    ))
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("train 0.8 + validation 0.2 + test 0 (not given)") && msg.contains("no test set"), "{msg}");
    let err = validate(&base.replace("train: 0.8", "train: 0.9")).unwrap_err();
    assert!(err.to_string().contains("train 0.9 + validation 0.2 + test 0 (not given) = 1.1"), "{err}");

    // `labels.talib.patterns: []` is "no auto-labels" (then some other labels are needed).
    let err =
        validate(&base.replace("talib: { patterns: [engulfing, harami, hammer, doji] }", "talib: { patterns: [] }"))
            .unwrap_err();
    assert_eq!(err.code(), "INVALID_ANNOTATIONS");
    assert!(err.to_string().contains("no annotations"), "{err}");

    // Threads: half the cores (1..8) unless given.
    let cfg = validate(&base).unwrap();
    let engine::models::ModelParams::Lightgbm(p) = &cfg.model else { panic!() };
    assert_eq!(p.threads, engine::models::default_threads());
    assert!((1..=8).contains(&p.threads));

    // Pattern features: off when every label is a TA-Lib auto-label, on for a person's spans.
    let auto = base.replace("patterns: false", "patterns: auto");
    let talib_only = train(&parse(&auto.replace("type: lightgbm", "type: lightgbm\n  rounds: 3"))).unwrap();
    let card = |o: &engine::train::TrainOutcome| {
        Registry::open(out.path().join("models")).unwrap().resolve(&o.version).unwrap().card
    };
    assert!(!card(&talib_only).feature_names.iter().any(|n| n.starts_with("cdl")));
    let t = candles("data/samples/aapl_daily.csv").time;
    let spans: Vec<serde_json::Value> = (0..12)
        .map(|i| json!({ "symbol": "AAPL", "start": t[300 + i * 100], "end": t[301 + i * 100], "label": "mine", "source": "human" }))
        .collect();
    let file = out.path().join("mine.json");
    std::fs::write(&file, serde_json::to_vec(&spans).unwrap()).unwrap();
    let human = auto
        .replace("type: lightgbm", "type: lightgbm\n  rounds: 3")
        .replace("labels:\n", &format!("labels:\n  annotations: [{}]\n", file.display()));
    let with_human = train(&parse(&human)).unwrap();
    assert!(card(&with_human).feature_names.iter().any(|n| n == "cdlengulfing"));
}
