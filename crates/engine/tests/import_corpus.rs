//! The odd-vendor corpus (`tests/fixtures/import/corpus/`): small exports in the shapes real
//! vendors write (MetaTrader 4/5, TradingView, Binance, Kraken, Stooq, Alpha Vantage, Yahoo,
//! investing.com, HistData, Excel), each imported and compared with what `make_corpus.py`
//! computed independently in `expected.json`: the series, the first and last candle, what was
//! detected and which ambiguities were reported — or the coded error and what its message says.
use engine::import::{import_csv_file, ImportOptions, ImportResult};
use serde_json::Value;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/corpus")
}

fn candle(c: &engine::Candles, i: usize) -> Vec<f64> {
    vec![c.time[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]]
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

/// Differences between a result and its expectation, as messages (empty: it matches).
fn differences(result: &ImportResult, expected: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let check = |out: &mut Vec<String>, what: &str, got: Value, want: &Value| {
        if got != *want {
            out.push(format!("{what}: got {got}, expected {want}"));
        }
    };
    let series: Vec<Value> = result
        .series
        .iter()
        .map(|s| serde_json::json!({ "symbol": s.symbol, "candles": s.candles.len(), "timeframe": s.timeframe }))
        .collect();
    check(&mut out, "series", Value::from(series), &expected["series"]);
    if let Some(s) = result.series.first() {
        let c = &s.candles;
        let close = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-9 * y.abs().max(1.0))
        };
        for (what, i) in [("first", 0), ("last", c.len() - 1)] {
            let want = numbers(&expected[what]);
            if !close(&candle(c, i), &want) {
                out.push(format!("{what} candle: got {:?}, expected {want:?}", candle(c, i)));
            }
        }
    }
    let d = &result.detected;
    check(&mut out, "timeFormat", Value::from(d.time_format.clone()), &expected["timeFormat"]);
    check(&mut out, "delimiter", Value::from(d.delimiter.clone()), &expected["delimiter"]);
    check(&mut out, "decimal", Value::from(d.decimal.clone()), &expected["decimal"]);
    check(&mut out, "thousands", serde_json::to_value(&d.thousands).unwrap(), &expected["thousands"]);
    check(&mut out, "newestFirst", Value::from(d.newest_first), &expected["newestFirst"]);
    let kinds: Vec<Value> = d.ambiguities.iter().map(|a| Value::from(a.kind.clone())).collect();
    check(&mut out, "ambiguities", Value::from(kinds), &expected["ambiguities"]);
    if let Some(rows) = expected.get("rejected") {
        let got: Vec<usize> = result.rejected.iter().map(|r| r.row).collect();
        check(&mut out, "rejected rows", serde_json::to_value(got).unwrap(), rows);
    }
    out
}

#[test]
fn every_vendor_file_reads_as_expected_or_is_refused_with_a_reason() {
    let manifest: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("expected.json")).unwrap()).unwrap();
    assert!(manifest.len() >= 20);
    let mut failures = Vec::new();
    for case in &manifest {
        let file = case["file"].as_str().unwrap();
        let options: ImportOptions = serde_json::from_value(case["options"].clone()).unwrap();
        let outcome = import_csv_file(&corpus().join(file), &options);
        let problems = match (&outcome, case.get("error")) {
            (Ok(result), None) => differences(result, case),
            (Err(e), Some(want)) => {
                let mut p = Vec::new();
                if e.code() != want["code"] {
                    p.push(format!("code {} instead of {}", e.code(), want["code"]));
                }
                for part in want["contains"].as_array().unwrap() {
                    if !e.to_string().contains(part.as_str().unwrap()) {
                        p.push(format!("message does not say {part}: {e}"));
                    }
                }
                p
            }
            (Ok(_), Some(want)) => vec![format!("imported, but expected {}", want["code"])],
            (Err(e), None) => vec![format!("failed: {e}")],
        };
        if !problems.is_empty() {
            failures.push(format!("{file}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files differ:\n{}",
        failures.len(),
        manifest.len(),
        failures.join("\n")
    );
}

#[test]
fn ambiguities_carry_the_evidence_and_the_options_that_switch() {
    let result = import_csv_file(&corpus().join("day_first_days_le_12.csv"), &ImportOptions::default()).unwrap();
    let a = &result.detected.ambiguities[0];
    assert_eq!(
        (a.chosen.as_str(), a.alternative.as_str(), a.example.as_str()),
        ("DD/MM/YYYY", "MM/DD/YYYY", "01/06/2020")
    );
    assert!(a.evidence.contains("weekend") || a.evidence.contains("regular"), "{}", a.evidence);
    assert_eq!(a.switch_with.day_first, Some(false));

    let file = corpus().join("semicolon_decimal_comma_three_decimals.csv");
    let result = import_csv_file(&file, &ImportOptions::default()).unwrap();
    let a = &result.detected.ambiguities[0];
    assert_eq!(a.example, "141,012");
    assert!(a.evidence.contains("141.012") && a.evidence.contains("141012"), "{}", a.evidence);
    assert_eq!((a.switch_with.decimal.as_deref(), a.switch_with.thousands.as_deref()), (Some("."), Some(",")));
}

#[test]
fn options_that_contradict_or_do_not_fit_are_refused() {
    let file = corpus().join("stooq_daily.csv");
    let import = |o: ImportOptions| import_csv_file(&file, &o).unwrap_err();
    let err = import(ImportOptions { time_format: Some("DD.MM.YYYY".into()), ..Default::default() });
    assert_eq!(err.code(), "IMPORT_FAILED");
    assert!(err.to_string().contains("does not read as timeFormat 'DD.MM.YYYY'"), "{err}");
    for bad in [
        ImportOptions { time_format: Some("YYYY-DD-MM".into()), ..Default::default() },
        ImportOptions { timeframe: Some("banana".into()), ..Default::default() },
        ImportOptions { decimal: Some(";".into()), ..Default::default() },
        ImportOptions { decimal: Some(",".into()), thousands: Some(",".into()), ..Default::default() },
        ImportOptions { time_format: Some("DD/MM/YYYY".into()), day_first: Some(false), ..Default::default() },
    ] {
        assert_eq!(import(bad.clone()).code(), "INVALID_ARGUMENT", "{bad:?}");
    }
}
