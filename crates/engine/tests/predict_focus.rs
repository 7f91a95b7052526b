//! A prediction with a focus (`PredictOptions::focus`: a dataset range read with context around
//! it) scores only the rows its spans need, and must give exactly the spans that scoring every
//! candle gives, among those that overlap the focus: for each decoder (BIO and windowed argmax
//! runs, the `end` decoder with fixed and learnt varying lengths), at the series' edges, for
//! focuses of one candle and of hundreds, on IBM, which the models never saw.
use engine::candles::Candles;
use engine::inference::{CandleFocus, ModelServer, PredictOptions, Prediction};
use serde_json::json;

mod train_support;
use train_support::*;

/// Human spans of two kinds: "run", 2 to 5 rising candles in a row (varying lengths, so the `end`
/// decoder learns a start score), and "uptrend", each stretch of 35 to 120 candles whose close is
/// above the close 20 candles before: spans longer than the rows a focus scores around itself at
/// first, so that finding where they end takes more.
fn human_spans(symbol: &str, c: &Candles) -> Vec<serde_json::Value> {
    let span = |start: usize, end: usize, label: &str| json!({ "symbol": symbol, "start": c.time[start], "end": c.time[end], "label": label, "source": "human" });
    let mut out = Vec::new();
    let mut t = 0;
    while t < c.len() {
        let start = t;
        while t < c.len() && c.close[t] > c.open[t] && t - start < 5 {
            t += 1;
        }
        if t - start >= 2 {
            out.push(span(start, t - 1, "run"));
            t += 3;
        } else {
            t += 1;
        }
    }
    let mut t = 20;
    while t < c.len() {
        let start = t;
        while t < c.len() && c.close[t] > c.close[t - 20] && t - start < 120 {
            t += 1;
        }
        if t - start >= 35 {
            out.push(span(start, t - 1, "uptrend"));
        }
        t += 1;
    }
    out
}

/// A model trained on AAPL and MSFT with the given `dataset:` section and labels, and its server.
fn trained(dataset: &str, human: bool) -> (tempfile::TempDir, ModelServer) {
    let out = tempfile::tempdir().unwrap();
    let mut yaml = small_config(out.path(), "  type: lightgbm\n  rounds: 30\n  threads: 1", "")
        .replace("encoding: bio, window: 2, lookahead: 1", dataset);
    if human {
        let mut spans = Vec::new();
        for (symbol, file) in [("AAPL", "aapl_daily.csv"), ("MSFT", "msft_daily.csv"), ("IBM", "ibm_daily.csv")] {
            spans.extend(human_spans(symbol, &sample_candles(file)));
        }
        let file = out.path().join("spans.json");
        std::fs::write(&file, serde_json::to_vec(&spans).unwrap()).unwrap();
        // Trends are seen in the indicators (moving averages, RSI…), not in one candle's shape;
        // all of TA-Lib's recognisers too, as the shipped feature set has them (a focus computes
        // features over fewer candles than the request holds, which must not change them).
        yaml = yaml.replace("indicators: false, patterns: false", "indicators: true, patterns: true").replace(
            "  talib: { patterns: [engulfing, harami, hammer, doji] }\n",
            &format!("  talib: {{ patterns: [engulfing, harami] }}\n  annotations: [{}]\n", file.display()),
        );
    }
    train(&parse(&yaml)).unwrap();
    let server = ModelServer::open(&out.path().join("models")).unwrap();
    (out, server)
}

/// (start, end, label, confidence bits) of each span.
fn spans(p: &Prediction) -> Vec<(usize, usize, String, u64)> {
    p.spans
        .spans
        .rows()
        .zip(&p.spans.confidence)
        .map(|(s, c)| (s.start, s.end, s.label.to_string(), c.to_bits()))
        .collect()
}

fn check_focuses(server: &ModelServer, c: &Candles) {
    let whole = server.predict(c, &PredictOptions::default()).unwrap();
    let all = spans(&whole);
    assert!(all.len() > 20, "the model finds too few spans to test with: {}", all.len());
    let longest = all.iter().map(|s| s.1 + 1 - s.0).max().unwrap();
    println!("{} spans, the longest {longest} candles", all.len());
    let n = c.len();
    let mut focuses = vec![(0, 1), (0, 300), (n - 1, 1), (n - 300, 300), (0, n), (n / 2, 0)];
    // Every span's first and last candle as a one-candle focus, and focuses of 500 around the series.
    for s in all.iter().step_by(7) {
        focuses.extend([(s.0, 1), (s.1, 1), (s.0.saturating_sub(250), 500.min(n - s.0.saturating_sub(250)))]);
    }
    for start in (0..n - 500).step_by(397) {
        focuses.push((start, 500));
    }
    for (start, count) in focuses {
        let focused = server
            .predict(c, &PredictOptions { focus: Some(CandleFocus { start, count }), ..Default::default() })
            .unwrap();
        let wanted: Vec<_> = all.iter().filter(|s| count > 0 && s.1 >= start && s.0 < start + count).cloned().collect();
        assert_eq!(spans(&focused), wanted, "focus {start} +{count}");
    }
}

#[test]
fn a_focus_gives_the_spans_of_scoring_every_candle() {
    let ibm = sample_candles("ibm_daily.csv");
    for (dataset, human) in [
        ("encoding: bio, window: 2, lookahead: 1", false),
        ("encoding: bio, window: 1, lookahead: 0", true),
        ("encoding: end, window: 3, lookahead: 0", true),
        ("encoding: end, window: 1, lookahead: 1", false),
        ("encoding: windowed, window: 2, lookahead: 1", true),
    ] {
        let (_dir, server) = trained(dataset, human);
        if dataset.starts_with("encoding: end") && human {
            // Runs vary in length: the model has their start class, and is served with it.
            assert!(server.get("champion").unwrap().info.card.class_names.contains(&"B-run".to_string()));
        }
        check_focuses(&server, &ibm);
    }
}

#[test]
fn a_focus_outside_the_candles_is_refused() {
    let (_dir, server) = trained("encoding: bio, window: 2, lookahead: 1", false);
    let ibm = sample_candles("ibm_daily.csv");
    let n = ibm.len();
    for (start, count) in [(n, 1), (n - 10, 11), (usize::MAX, 2)] {
        let error = server
            .predict(&ibm, &PredictOptions { focus: Some(CandleFocus { start, count }), ..Default::default() })
            .unwrap_err();
        assert_eq!(error.code(), "INVALID_ARGUMENT", "{start} +{count}: {error}");
    }
}

#[test]
fn features_are_causal_so_a_prefix_has_the_same_ones() {
    // What a focus relies on to compute features only as far as the rows it scores read.
    let ibm = sample_candles("ibm_daily.csv");
    let config = engine::features::FeatureConfig::default();
    let whole = engine::features::compute_features(&ibm, &config).unwrap();
    let whole: Vec<&[f64]> = whole.columns().collect();
    for m in [300, 301, 1000, 1777, ibm.len() - 1] {
        let prefix = engine::features::compute_features(&ibm.slice(0, m), &config).unwrap();
        for ((name, column), all) in prefix.names.iter().zip(prefix.columns()).zip(&whole) {
            assert_eq!(column.len(), m);
            for (t, (a, b)) in column.iter().zip(all.iter()).enumerate() {
                assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()), "{name} at {t} of {m}: {a} vs {b}");
            }
        }
    }
}
