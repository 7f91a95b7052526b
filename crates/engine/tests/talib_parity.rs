//! Parity with current TA-Lib: every indicator the features use, all 61 candlestick patterns and
//! every feature column, on the real samples, against Python TA-Lib (the PyPI wheel with its own
//! build of the C library), via `scripts/talib_parity.py` in the project venv.
use engine::features::{compute_features, FeatureConfig};
use engine::import::{import_csv_file, ImportOptions, OnInvalidRow};
use engine::patterns::PATTERNS;
use engine::{talib, Candles};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// NaN cannot be written as JSON: it travels as null.
fn column(values: &[f64]) -> Value {
    Value::Array(values.iter().map(|v| if v.is_nan() { Value::Null } else { json!(v) }).collect())
}

fn raw_outputs(c: &Candles) -> Map<String, Value> {
    let (h, l, cl, v) = (&c.high, &c.low, &c.close, &c.volume);
    let [macd, macd_signal, macd_hist] = talib::macd(cl, 12, 26, 9).unwrap();
    let [upper, middle, lower] = talib::bbands(cl, 20, 2.0, 2.0).unwrap();
    let [stoch_k, stoch_d] = talib::stoch(h, l, cl, 5, 3, 3).unwrap();
    let obv = talib::obv(cl, v).unwrap();
    let outputs: Vec<(&str, Vec<f64>)> = vec![
        ("atr14", talib::atr(h, l, cl, 14).unwrap()),
        ("rsi14", talib::rsi(cl, 14).unwrap()),
        ("macd", macd),
        ("macd_signal", macd_signal),
        ("macd_hist", macd_hist),
        ("natr14", talib::natr(h, l, cl, 14).unwrap()),
        ("bb_upper", upper),
        ("bb_middle", middle),
        ("bb_lower", lower),
        ("adx14", talib::adx(h, l, cl, 14).unwrap()),
        ("plus_di14", talib::plus_di(h, l, cl, 14).unwrap()),
        ("minus_di14", talib::minus_di(h, l, cl, 14).unwrap()),
        ("sma10", talib::sma(cl, 10).unwrap()),
        ("sma20", talib::sma(cl, 20).unwrap()),
        ("sma50", talib::sma(cl, 50).unwrap()),
        ("ema10", talib::ema(cl, 10).unwrap()),
        ("ema20", talib::ema(cl, 20).unwrap()),
        ("ema50", talib::ema(cl, 50).unwrap()),
        ("stoch_k", stoch_k),
        ("stoch_d", stoch_d),
        ("cci14", talib::cci(h, l, cl, 14).unwrap()),
        ("mfi14", talib::mfi(h, l, cl, v, 14).unwrap()),
        ("obv_slope10_raw", talib::linearreg_slope(&obv, 10).unwrap()),
        ("obv", obv),
        ("volume_sma10", talib::sma(v, 10).unwrap()),
        ("roc10", talib::roc(cl, 10).unwrap()),
        ("willr14", talib::willr(h, l, cl, 14).unwrap()),
        ("close_slope7", talib::linearreg_slope(cl, 7).unwrap()),
    ];
    outputs.into_iter().map(|(k, col)| (k.to_string(), column(&col))).collect()
}

#[test]
fn engine_matches_python_talib_on_real_samples() {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "the project venv is missing: run scripts/setup.sh (it installs Python TA-Lib for this test)"
    );
    let samples = ["aapl_daily.csv", "msft_daily.csv", "ibm_daily.csv", "goog_daily.csv", "sp500_daily_yahoo.csv"];
    let mut series = Vec::new();
    for file in samples {
        // Parity is about the computation, so rows the importer rejects are simply left out.
        let opts = ImportOptions { on_invalid_row: OnInvalidRow::Skip, ..Default::default() };
        let imported = import_csv_file(&root.join("data/samples").join(file), &opts).unwrap();
        let candles = &imported.series[0].candles;
        let cfg = FeatureConfig::default();
        let frame = compute_features(candles, &cfg).unwrap();
        let cdl: Map<String, Value> = PATTERNS
            .iter()
            .map(|p| {
                let out = talib::cdl(p.name, &candles.open, &candles.high, &candles.low, &candles.close).unwrap();
                (p.name.to_string(), json!(out))
            })
            .collect();
        series.push(json!({
            "name": file,
            "candles": {
                "open": column(&candles.open), "high": column(&candles.high), "low": column(&candles.low),
                "close": column(&candles.close), "volume": column(&candles.volume),
            },
            "raw": raw_outputs(candles),
            "cdl": cdl,
            "features": {
                "names": frame.names,
                "lags": cfg.lags,
                "columns": frame.columns().map(column).collect::<Vec<_>>(),
            },
        }));
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("engine_outputs.json");
    std::fs::write(&input, serde_json::to_vec(&json!({ "series": series })).unwrap()).unwrap();

    let out = Command::new(&python).arg(root.join("scripts/talib_parity.py")).arg(&input).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{report}");
    assert!(out.status.success(), "TA-Lib parity failed:\n{report}");
}
