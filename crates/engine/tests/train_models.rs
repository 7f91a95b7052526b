//! Each model type trains on the real samples (small config) and beats the trivial baseline on
//! the held-out instrument; saved models load back to the same probabilities; training is
//! deterministic; cancel stops a run and publishes nothing.
use engine::dataset::{feature_rows, BIO_OUTSIDE};
use engine::evaluation::decode_spans;
use engine::features::compute_features;
use engine::models::model_from_bytes;
use engine::registry::Registry;
use std::sync::atomic::{AtomicBool, Ordering};

mod train_support;
use train_support::*;

const MODELS: [(&str, &str); 3] = [
    ("lightgbm", "  type: lightgbm\n  rounds: 25\n  learning_rate: 0.2\n  threads: 2"),
    ("xgboost", "  type: xgboost\n  rounds: 25\n  learning_rate: 0.3\n  max_depth: 5\n  threads: 2"),
    ("random_forest", "  type: random_forest\n  rounds: 25\n  num_leaves: 63\n  threads: 2"),
];

#[test]
fn each_model_type_beats_the_baseline_and_loads_back_identically() {
    let out = tempfile::tempdir().unwrap();
    let ibm = engine::import::import_csv_file(&repo_root().join("data/samples/ibm_daily.csv"), &Default::default())
        .unwrap()
        .series
        .remove(0)
        .candles;
    for (name, model) in MODELS {
        let cfg = parse(&small_config(out.path(), model, ""));
        let outcome = train(&cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
        let m = &outcome.metrics;
        let (test_f1, baseline) = (m.test_macro_f1.unwrap(), m.test_baseline_macro_f1.unwrap());
        println!("{name}: test macro-F1 {test_f1:.3} (baseline {baseline:.3}), span-F1 {:.3}", m.test_span_f1.unwrap());
        assert!(test_f1 > 0.4 && test_f1 > 3.0 * baseline, "{name}: test macro-F1 {test_f1} vs baseline {baseline}");
        assert!(m.test_span_f1.unwrap() > 0.3, "{name}: span-F1 {:?}", m.test_span_f1);
        assert_eq!(outcome.model_type.as_str(), name);
        for p in [&outcome.paths.model_file, &outcome.paths.metrics_file, &outcome.paths.dataset_csv] {
            assert!(p.is_file(), "{}", p.display());
        }
        // The features spilled while the dataset was built leave nothing behind.
        let mut written: Vec<String> = std::fs::read_dir(outcome.paths.dataset_csv.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        written.sort();
        assert_eq!(written, ["dataset.csv", "manifest.json"], "{name}");
        assert!(outcome.paths.plots.iter().all(|p| std::fs::read_to_string(p).unwrap().starts_with("<svg")));

        // Inference path: the registry's model on IBM rows rebuilt from model.json alone.
        let registry = Registry::open(cfg.registry.root.clone()).unwrap();
        let info = registry.resolve(&outcome.version).unwrap();
        let model = registry.load_model(&info).unwrap();
        let frame = compute_features(&ibm, &info.card.feature_config).unwrap();
        assert_eq!(frame.names, info.card.feature_names);
        let (x, targets) = feature_rows(&frame, &info.card.rows.every_candle()).unwrap();
        let probs = model.predict_proba(&x).unwrap();
        assert_eq!((probs.n_rows, probs.n_classes), (targets.len(), info.card.class_names.len()));
        assert_eq!(info.card.class_names[0], BIO_OUTSIDE);

        // save -> load -> the same probabilities, bit for bit.
        let again = model_from_bytes(info.card.model_type, &model.to_bytes().unwrap(), probs.n_classes).unwrap();
        assert_eq!(again.predict_proba(&x).unwrap(), probs);
        let spans = decode_spans(&probs, &info.card.class_names, info.card.rows.encoding, 1);
        assert!(spans.len() > 100, "{name}: only {} spans decoded on IBM", spans.len());
    }
}

#[test]
fn training_is_deterministic_with_a_seed() {
    for (name, model) in MODELS {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let small = model.replace("rounds: 25", "rounds: 5");
        let run = |dir: &std::path::Path| {
            let cfg = parse(&small_config(dir, &small, ""));
            let outcome = train(&cfg).unwrap();
            std::fs::read(&outcome.paths.model_file).unwrap()
        };
        assert!(run(a.path()) == run(b.path()), "{name}: two runs with one seed gave different models");
    }
}

#[test]
fn cancel_during_fit_stops_and_publishes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let cfg = parse(&small_config(out.path(), MODELS[0].1, ""));
    let cancel = AtomicBool::new(false);
    let result = engine::train::run(
        &cfg,
        &|stage, fraction| {
            // Cancel in the middle of boosting: the next round check must stop the run.
            if stage == "fit" && fraction > 0.4 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    );
    assert_eq!(result.unwrap_err().code(), "CANCELLED");
    let registry = Registry::open(out.path().join("models")).unwrap();
    assert!(registry.list().unwrap().is_empty());
    assert_eq!(registry.resolve("champion").unwrap_err().code(), "NO_MODEL");
}

#[test]
fn progress_is_monotonic_and_covers_every_stage() {
    let out = tempfile::tempdir().unwrap();
    let cfg = parse(&small_config(out.path(), &MODELS[0].1.replace("rounds: 25", "rounds: 3"), ""));
    let seen = std::sync::Mutex::new(Vec::<(String, f64)>::new());
    engine::train::run(&cfg, &|s, f| seen.lock().unwrap().push((s.to_string(), f)), &AtomicBool::new(false)).unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.windows(2).all(|w| w[1].1 >= w[0].1), "{seen:?}");
    let mut stages: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    stages.dedup();
    assert_eq!(stages, ["load", "features", "labels", "dataset", "split", "fit", "evaluate", "register"]);
    assert_eq!(seen.last().unwrap().1, 1.0);
}

#[test]
fn the_shipped_config_validates_against_the_repo() {
    let root = repo_root();
    let cfg = engine::config::PipelineConfig::from_file(&root.join("config/pipeline.yaml")).unwrap();
    assert_eq!(cfg.root_dir, root, "relative paths resolve against the repo root");
    let checked = cfg.validate().unwrap();
    assert!(checked.series.iter().all(|s| s.path.is_file()), "{:?}", checked.series);
    assert_eq!(checked.talib.as_ref().unwrap().patterns.len(), 8);
    assert_eq!(checked.split.test_series, ["IBM"]);
    assert_eq!(checked.registry_root, root.join("models"));
    assert!(checked.split.purge_gap >= checked.feature_lookback + checked.rows.window + checked.rows.lookahead);
}
