//! Every kind of bad input is a coded error before training starts, naming what is wrong; and
//! where humans and TA-Lib disagree, the human wins and the conflict is counted. (Human spans of
//! different labels that overlap are not a conflict: they all train.)
use serde_json::json;
use std::path::Path;

mod train_support;
use train_support::*;

const LGBM: &str = "  type: lightgbm\n  rounds: 3\n  threads: 2";

fn aapl_times() -> Vec<f64> {
    engine::import::import_csv_file(&repo_root().join("data/samples/aapl_daily.csv"), &Default::default())
        .unwrap()
        .series
        .remove(0)
        .candles
        .time
}

fn write_spans(dir: &Path, name: &str, spans: serde_json::Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(&spans).unwrap()).unwrap();
    path.display().to_string()
}

/// Runs a config that must fail before the fit stage; returns (code, message).
fn fails_before_fit(yaml: &str) -> (String, String) {
    let cfg = match engine::config::PipelineConfig::from_yaml_str(yaml, repo_root()) {
        Ok(cfg) => cfg,
        Err(e) => return (e.code().to_string(), e.to_string()),
    };
    let (result, stages) = train_recording(&cfg);
    let err = result.expect_err("the run should fail");
    assert!(!stages.iter().any(|s| s == "fit"), "failed only after training started: {stages:?}: {err}");
    (err.code().to_string(), err.to_string())
}

fn span(symbol: &str, start: f64, end: f64, label: &str) -> serde_json::Value {
    json!({ "dataset": "samples", "symbol": symbol, "timeframe": "1d", "start": start, "end": end,
            "label": label, "source": "human", "annotator": "test", "created_at": "2024-05-01T10:00:00Z" })
}

#[test]
fn no_annotations() {
    let out = tempfile::tempdir().unwrap();
    let yaml =
        small_config(out.path(), LGBM, "").replace("  talib: { patterns: [engulfing, harami, hammer, doji] }\n", "");
    let (code, msg) = fails_before_fit(&yaml);
    assert_eq!(code, "INVALID_ANNOTATIONS", "{msg}");
    assert!(msg.contains("no annotations"), "{msg}");

    // An annotation file with no spans, and no TA-Lib labels either.
    let file = write_spans(out.path(), "empty.json", json!([]));
    let yaml = yaml.replace("labels:\n", &format!("labels:\n  annotations: [{file}]\n"));
    let (code, msg) = fails_before_fit(&yaml);
    assert_eq!(code, "INVALID_ANNOTATIONS", "{msg}");
    assert!(msg.contains("no annotations"), "{msg}");
}

#[test]
fn a_label_with_too_few_examples() {
    let out = tempfile::tempdir().unwrap();
    let yaml = small_config(out.path(), LGBM, "")
        .replace("[engulfing, harami, hammer, doji]", "[engulfing, morningstar]")
        .replace("min_examples: 5", "min_examples: 60");
    let (code, msg) = fails_before_fit(&yaml);
    assert_eq!(code, "INVALID_ANNOTATIONS", "{msg}");
    assert!(msg.contains("'morningstar'") && msg.contains("min_examples = 60"), "{msg}");
}

#[test]
fn spans_outside_the_data() {
    let out = tempfile::tempdir().unwrap();
    let t = aapl_times();
    let file = write_spans(
        out.path(),
        "spans.json",
        json!([span("AAPL", t[10], t[11], "hammer"), span("AAPL", t[0] - 86_400_000.0 * 30.0, t[2], "hammer"),]),
    );
    let yaml = small_config(out.path(), LGBM, "").replace("labels:\n", &format!("labels:\n  annotations: [{file}]\n"));
    let (code, msg) = fails_before_fit(&yaml);
    assert_eq!(code, "INVALID_ANNOTATIONS", "{msg}");
    assert!(msg.contains("spans.json record 1") && msg.contains("outside the data"), "{msg}");
}

#[test]
fn spans_for_a_series_not_in_the_config() {
    let out = tempfile::tempdir().unwrap();
    let t = aapl_times();
    let file = write_spans(out.path(), "spans.json", json!([span("TSLA", t[10], t[11], "hammer")]));
    let yaml = small_config(out.path(), LGBM, "").replace("labels:\n", &format!("labels:\n  annotations: [{file}]\n"));
    let (code, msg) = fails_before_fit(&yaml);
    assert_eq!(code, "INVALID_ANNOTATIONS", "{msg}");
    assert!(msg.contains("TSLA") && msg.contains("no configured series"), "{msg}");
}

#[test]
fn unknown_labels() {
    let out = tempfile::tempdir().unwrap();
    let t = aapl_times();
    let file = write_spans(out.path(), "spans.json", json!([span("AAPL", t[100], t[102], "bullflag")]));
    let yaml = small_config(out.path(), LGBM, "").replace(
        "labels:\n",
        &format!("labels:\n  annotations: [{file}]\n  classes: [engulfing, harami, hammer, doji]\n"),
    );
    let (code, msg) = fails_before_fit(&yaml);
    assert_eq!(code, "INVALID_ANNOTATIONS", "{msg}");
    assert!(msg.contains("unknown label 'bullflag'") && msg.contains("record 0"), "{msg}");
}

#[test]
fn conflicting_human_overlaps() {
    let out = tempfile::tempdir().unwrap();
    let t = aapl_times();
    // Two labels on one candle are not a conflict (issue 13): both spans train.
    let file = write_spans(
        out.path(),
        "spans.json",
        json!([span("AAPL", t[200], t[201], "hammer"), span("AAPL", t[201], t[202], "doji"),]),
    );
    let yaml = small_config(out.path(), LGBM, "").replace("labels:\n", &format!("labels:\n  annotations: [{file}]\n"));
    let outcome = train(&parse(&yaml)).unwrap();
    assert_eq!((outcome.labels.human_spans, outcome.labels.overlapping_human_spans), (2, 2));

    // "hammer here" and "no hammer here" on the same candle.
    let mut negative = span("AAPL", t[201], t[201], "hammer");
    negative["kind"] = json!("negative");
    let file = write_spans(out.path(), "spans2.json", json!([span("AAPL", t[200], t[201], "hammer"), negative]));
    let yaml = small_config(out.path(), LGBM, "").replace("labels:\n", &format!("labels:\n  annotations: [{file}]\n"));
    let (code, msg) = fails_before_fit(&yaml);
    assert_eq!(code, "INVALID_ANNOTATIONS", "{msg}");
    assert!(msg.contains("conflicting overlap"), "{msg}");
}

#[test]
fn invalid_configs_name_the_key() {
    let out = tempfile::tempdir().unwrap();
    let base = small_config(out.path(), LGBM, "");
    let cases: Vec<(String, &str)> = vec![
        (format!("{base}modle: {{}}\n"), "modle"),
        (base.replace("  rounds: 3", "  rounds: 3\n  learnin_rate: 0.1"), "learnin_rate"),
        (base.replace("window: 2", "windw: 2"), "windw"),
        (base.replace("window: 2", "window: 0"), "dataset.window"),
        (base.replace("window: 2", "window: 2, stride: 2"), "dataset.stride"),
        (base.replace("test_series: [IBM]", "test_series: [IBM], purge_gap: 3"), "split.purge_gap"),
        (base.replace("train: 0.8", "train: 0.9"), "sum to 1"),
        (base.replace("test_series: [IBM]", "test_series: [NVDA]"), "NVDA"),
        (base.replace("[engulfing, harami, hammer, doji]", "[engulfing, bullflag]"), "bullflag"),
        (
            base.replace("  type: lightgbm\n  rounds: 3", "  type: random_forest\n  rounds: 3\n  learning_rate: 0.1"),
            "model.learning_rate",
        ),
        (base.replace("  type: lightgbm", "  type: svm"), "svm"),
        (base.replace("lags: 3", "lags: 99"), "features.lags"),
        (format!("{base}balance: {{ mode: undersample, max_weight: 3 }}\n"), "balance.max_weight"),
    ];
    for (yaml, needle) in cases {
        let (code, msg) = fails_before_fit(&yaml);
        assert_eq!(code, "INVALID_CONFIG", "{needle}: {msg}");
        assert!(msg.contains(needle), "expected '{needle}' in: {msg}");
    }
}

#[test]
fn humans_win_over_talib_and_conflicts_are_counted() {
    let out = tempfile::tempdir().unwrap();
    let candles =
        engine::import::import_csv_file(&repo_root().join("data/samples/aapl_daily.csv"), &Default::default())
            .unwrap()
            .series
            .remove(0)
            .candles;
    let found = engine::autolabel::auto_label(
        &candles,
        &engine::autolabel::AutoLabelOptions { patterns: Some(vec!["engulfing".into()]), ..Default::default() },
    )
    .unwrap()
    .spans
    .to_rows();
    let (a, b, c) = (&found[5], &found[20], &found[40]);
    let t = &candles.time;
    let mut dismissed = span("AAPL", t[b.start], t[b.end], "engulfing");
    dismissed["kind"] = json!("negative");
    dismissed["source"] = json!("model-corrected");
    let csv = format!(
        "symbol,start,end,label,source,kind\nAAPL,{},{},doji,human,\nAAPL,{},{},engulfing,model-confirmed,positive\n",
        t[a.start], t[a.end], t[c.start], t[c.end]
    );
    let csv_path = out.path().join("spans.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let json_path = write_spans(out.path(), "dismissed.json", json!({ "annotations": [dismissed] }));
    let yaml = small_config(out.path(), LGBM, "")
        .replace("labels:\n", &format!("labels:\n  annotations: [{}, {json_path}]\n", csv_path.display()));
    let outcome = train(&parse(&yaml)).unwrap();
    let r = &outcome.labels;
    assert_eq!((r.human_spans, r.negative_spans), (2, 1));
    // a: TA-Lib engulfing under a human doji; b: under a human "no engulfing".
    assert!(r.talib_conflicts_with_human >= 2, "{r:?}");
    assert!(r.talib_agreeing_with_human >= 1, "{r:?}");
    assert!(r.talib_overlaps_dropped > 0, "{r:?}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&outcome.paths.dataset_manifest).unwrap()).unwrap();
    assert_eq!(manifest["labels"]["humanSpans"], 2);
    assert_eq!(manifest["dataHash"].as_str().unwrap(), outcome.data_hash);
}
