//! Nested and overlapping spans of different labels are training data, not conflicts: a labelling
//! where every engulfing sits inside a longer "reversal" span (same last candle) and a "swing"
//! span overlaps both trains with no span clipped or dropped, and the model finds nested spans
//! with their drawn boundaries again.
use engine::registry::Registry;
use serde_json::json;

mod train_support;
use train_support::*;

fn candles(file: &str) -> engine::candles::Candles {
    engine::import::import_csv_file(&repo_root().join(file), &Default::default()).unwrap().series.remove(0).candles
}

/// Human spans on one series: each bullish engulfing (2 candles), the 3-candle "reversal" that
/// ends with it, and a 6-candle "swing" ending two candles later (overlapping both).
fn nested_spans(symbol: &str, c: &engine::candles::Candles) -> Vec<serde_json::Value> {
    let found = engine::autolabel::auto_label(
        c,
        &engine::autolabel::AutoLabelOptions { patterns: Some(vec!["engulfing".into()]), ..Default::default() },
    )
    .unwrap()
    .spans;
    let t = &c.time;
    let span = |start: usize, end: usize, label: &str| json!({ "symbol": symbol, "start": t[start], "end": t[end], "label": label, "source": "human" });
    let mut out = Vec::new();
    let mut last_end = 0;
    let bullish = (0..found.len()).filter(|&i| found.direction(i) == engine::autolabel::Direction::Bullish);
    for s in bullish.map(|i| found.spans.row(i)) {
        // Keep same-label spans apart (same-label overlaps merge, by design).
        if s.start < 10 || s.end + 3 >= t.len() || s.start <= last_end + 8 {
            continue;
        }
        out.push(span(s.start, s.end, "engulfing"));
        out.push(span(s.start - 1, s.end, "reversal"));
        out.push(span(s.end - 3, s.end + 2, "swing"));
        last_end = s.end + 2;
    }
    out
}

#[test]
fn nested_and_overlapping_spans_train_without_clipping() {
    let out = tempfile::tempdir().unwrap();
    let mut spans = Vec::new();
    for (symbol, file) in [
        ("AAPL", "data/samples/aapl_daily.csv"),
        ("MSFT", "data/samples/msft_daily.csv"),
        ("IBM", "data/samples/ibm_daily.csv"),
    ] {
        spans.extend(nested_spans(symbol, &candles(file)));
    }
    let n_per_label = spans.len() / 3;
    assert!(n_per_label > 60, "{n_per_label}");
    let file = out.path().join("nested.json");
    std::fs::write(&file, serde_json::to_vec(&spans).unwrap()).unwrap();
    let yaml = small_config(out.path(), "  type: lightgbm\n  rounds: 40\n  threads: 1", "")
        .replace(
            "  talib: { patterns: [engulfing, harami, hammer, doji] }\n",
            &format!("  annotations: [{}]\n", file.display()),
        )
        .replace("encoding: bio, window: 2, lookahead: 1", "encoding: end, window: 3, lookahead: 0")
        .replace("patterns: false", "patterns: auto");
    let outcome = train(&parse(&yaml)).unwrap();

    // Every span trained: none merged away, none clipped, none dropped.
    let r = &outcome.labels;
    assert_eq!(r.human_spans, spans.len());
    assert_eq!(r.human_spans_merged, 0);
    assert_eq!(r.overlapping_human_spans, spans.len());
    for label in ["engulfing", "reversal", "swing"] {
        assert_eq!(r.spans_per_label[label], n_per_label, "{label}");
    }

    // The model serves nested spans back with their drawn boundaries (IBM is held out).
    let registry = Registry::open(out.path().join("models")).unwrap();
    let info = registry.resolve(&outcome.version).unwrap();
    let decoder = info.card.decoder.as_ref().expect("the end encoding stores its decoder");
    assert_eq!(decoder.labels["engulfing"].lengths, vec![(2, decoder.labels["engulfing"].lengths[0].1)]);
    assert_eq!(decoder.labels["reversal"].lengths.len(), 1);
    let server = engine::inference::ModelServer::open(&out.path().join("models")).unwrap();
    let ibm = candles("data/samples/ibm_daily.csv");
    let prediction = server.predict(&ibm, &Default::default()).unwrap();
    let spans: Vec<_> = prediction.spans.spans.rows().collect();
    let nested = spans
        .iter()
        .filter(|e| e.label == "engulfing")
        .filter(|e| spans.iter().any(|r| r.label == "reversal" && r.start + 1 == e.start && r.end == e.end))
        .count();
    assert!(nested > 20, "only {nested} engulfing spans came back nested in a reversal");
    // (A span ending on one of the first candles with a prediction is cut at that candle.)
    let first_row = server.get("champion").unwrap().min_candles() - 1;
    for s in spans.iter().filter(|s| s.start > first_row) {
        let len = s.end - s.start + 1;
        match s.label {
            "engulfing" => assert_eq!(len, 2),
            "reversal" => assert_eq!(len, 3),
            "swing" => assert_eq!(len, 6),
            other => panic!("unexpected label {other}"),
        }
    }
    let test = outcome.metrics.test_pattern_f1.expect("IBM is the test set");
    assert!(test > 0.5, "test per-pattern macro-F1 {test}");
    assert!(outcome.metrics.test_exact_boundary_share.unwrap() > 0.9);
}
