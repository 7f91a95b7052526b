//! The shipped `config/pipeline.yaml` on the real samples, once per model type. Slow (full
//! rounds), so ignored by default; it is how the metrics in docs/training.md were measured:
//!
//! `cargo test --release -p engine --test train_shipped -- --ignored --nocapture`
use engine::config::PipelineConfig;
use std::sync::atomic::AtomicBool;

mod train_support;

#[test]
#[ignore]
fn shipped_config_each_model_type() {
    let root = train_support::repo_root();
    let base = PipelineConfig::from_file(&root.join("config/pipeline.yaml")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let only = std::env::var("MODEL_TYPES").unwrap_or_else(|_| "window,lightgbm,xgboost,random_forest".into());
    for kind in only.split(',') {
        let mut cfg = base.clone();
        // Registry and dataset go to a temp dir so the run leaves the repo as it was.
        cfg.registry.root = out.path().join("models").display().to_string();
        cfg.dataset.output_dir = out.path().join("dataset").display().to_string();
        // Experiment knob: LOOKAHEAD=0 measures the strictly causal variant.
        if let Ok(l) = std::env::var("LOOKAHEAD") {
            cfg.dataset.lookahead = l.parse().unwrap();
        }
        // The shipped model type (window) as configured; the others with comparable settings.
        if kind != "window" {
            let yaml = match kind {
                "lightgbm" => "type: lightgbm\nrounds: 200\nlearning_rate: 0.05\nnum_leaves: 31\nmin_samples_leaf: 20\nfeature_subsample: 0.8\nearly_stopping_rounds: 30\n",
                "xgboost" => "type: xgboost\nrounds: 200\nlearning_rate: 0.05\nmax_depth: 6\nfeature_subsample: 0.8\nearly_stopping_rounds: 30\n",
                "random_forest" => "type: random_forest\nrounds: 200\nnum_leaves: 63\nmin_samples_leaf: 10\nrow_subsample: 0.632\nfeature_subsample: 0.5\n",
                other => panic!("unknown model type {other}"),
            };
            cfg.model = serde_yaml::from_str(yaml).unwrap();
        }
        let started = std::time::Instant::now();
        let outcome = engine::train::run(&cfg, &|_, _| {}, &AtomicBool::new(false)).unwrap();
        println!(
            "{kind}: {:.1}s, rounds {}, rows {:?}\n  validation pattern-F1 {:.3}, test (IBM) pattern-F1 {:.3}, balanced accuracy {:.3}, exact boundaries {:.3}\n  validation macro-F1 {:.3}, span-F1 {:.3}\n  test (IBM) macro-F1 {:.3}, span-F1 {:.3}, baseline macro-F1 {:.3}\n  warnings {:?}",
            started.elapsed().as_secs_f64(),
            outcome.rounds,
            outcome.rows,
            outcome.metrics.validation_pattern_f1.unwrap(),
            outcome.metrics.test_pattern_f1.unwrap(),
            outcome.metrics.test_balanced_accuracy.unwrap(),
            outcome.metrics.test_exact_boundary_share.unwrap(),
            outcome.metrics.validation_macro_f1,
            outcome.metrics.validation_span_f1,
            outcome.metrics.test_macro_f1.unwrap(),
            outcome.metrics.test_span_f1.unwrap(),
            outcome.metrics.test_baseline_macro_f1.unwrap(),
            outcome.warnings,
        );
        let metrics: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&outcome.paths.metrics_file).unwrap()).unwrap();
        for c in metrics["test"]["classes"].as_array().unwrap() {
            let f = |k: &str| c[k].as_f64().unwrap();
            println!(
                "    {:>18} P {:.3} R {:.3} F1 {:.3} n {}",
                c["label"].as_str().unwrap(),
                f("precision"),
                f("recall"),
                f("f1"),
                c["support"]
            );
        }
        for (label, s) in metrics["test"]["spans"]["perLabel"].as_object().unwrap() {
            println!(
                "    span {:>14} P {:.3} R {:.3} F1 {:.3} true {}",
                label,
                s["precision"].as_f64().unwrap(),
                s["recall"].as_f64().unwrap(),
                s["f1"].as_f64().unwrap(),
                s["trueSpans"]
            );
        }
        println!("  labels {:?}", outcome.labels);
    }
}
