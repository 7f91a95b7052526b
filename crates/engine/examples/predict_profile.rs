//! Where a 500-candle prediction spends its time, on models of the size users train — the ones
//! `bench/predict/setup.js` trains: the 139 standard features (the 61 TA-Lib recognisers and 5
//! lags included), BIO spans of two patterns (5 classes), 200 rounds; LightGBM with up to 63
//! leaves per tree and XGBoost with depth 6; IBM held out.
//! `cargo run --release -p engine --example predict_profile -- [calls] [lightgbm|xgboost ...]`
//! Per model, the p50/p90 per call of the library's own predictor (LightGBM's C predictor,
//! XGBoost's `XGBoosterPredict`) and of the engine's tree scorer on the same feature rows, of the
//! feature rows themselves, of `LoadedModel::predict` (features + scoring + span decoding), of
//! `ModelServer::predict` (that + resolving the version in the registry, as every addon call
//! does), and of loading the model. The scorer, the feature rows and `LoadedModel::predict` are
//! timed on one thread too, and then again on all (the machine may have changed in between).
use engine::dataset::feature_rows;
use engine::features::compute_features;
use engine::inference::{ModelServer, PredictOptions};
use std::time::Instant;

/// The model section of `bench/predict/setup.js`'s config, per type.
fn model_yaml(kind: &str) -> &'static str {
    match kind {
        "lightgbm" => {
            "{ type: lightgbm, rounds: 200, learning_rate: 0.05, num_leaves: 63, min_samples_leaf: 5, threads: 2 }"
        }
        "xgboost" => "{ type: xgboost, rounds: 200, learning_rate: 0.05, max_depth: 6, threads: 2 }",
        other => panic!("unknown model type {other}: lightgbm or xgboost"),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let kinds: Vec<String> = args.collect();
    let kinds = if kinds.is_empty() { vec!["lightgbm".to_string(), "xgboost".to_string()] } else { kinds };
    for kind in &kinds {
        profile(kind, calls);
    }
}

fn profile(kind: &str, calls: usize) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let yaml = format!(
        r#"
seed: 7
data:
  series:
    - {{ path: data/samples/aapl_daily.csv, symbol: AAPL, timeframe: 1d }}
    - {{ path: data/samples/msft_daily.csv, symbol: MSFT, timeframe: 1d }}
    - {{ path: data/samples/goog_daily.csv, symbol: GOOG, timeframe: 1d }}
    - {{ path: data/samples/sp500_daily_yahoo.csv, symbol: SPX, timeframe: 1d }}
    - {{ path: data/samples/ibm_daily.csv, symbol: IBM, timeframe: 1d }}
features: {{ geometry: true, indicators: true, patterns: true, lags: 5 }}
labels:
  talib: {{ patterns: [engulfing, harami], directions: [bullish, bearish] }}
  min_examples: 10
dataset: {{ encoding: bio, window: 1, lookahead: 0, output_dir: {out}/dataset }}
split: {{ train: 0.8, validation: 0.2, test_series: [IBM] }}
model: {model}
registry: {{ root: {out}/models, name: bench-patterns }}
"#,
        out = dir.path().display(),
        model = model_yaml(kind),
    );
    let cfg = engine::config::PipelineConfig::from_yaml_str(&yaml, root.clone()).unwrap();
    let trained = Instant::now();
    let outcome = engine::train::run(&cfg, &|_, _| {}, &std::sync::atomic::AtomicBool::new(false)).unwrap();
    let train_seconds = trained.elapsed().as_secs_f64();
    let ibm_all = engine::import::import_csv_file(&root.join("data/samples/ibm_daily.csv"), &Default::default())
        .unwrap()
        .series
        .remove(0)
        .candles;
    let ibm = ibm_all.slice(1000, 1500);

    let server = ModelServer::open(&dir.path().join("models")).unwrap();
    let loaded = server.get(&outcome.version).unwrap();
    let model = server.registry().load_model(&loaded.info).unwrap();
    let card = &loaded.info.card;
    let frame = compute_features(&ibm, &card.feature_config).unwrap();
    let (x, _) = feature_rows(&frame, &card.rows.every_candle()).unwrap();
    let bytes = model.to_bytes().unwrap();
    println!(
        "\n{kind} {}: {} classes x {} rounds, {} features, trained in {train_seconds:.0} s; {} rows from 500 candles; \
         {} rayon threads, {calls} calls each",
        outcome.version,
        model.n_classes(),
        outcome.rounds,
        x.n_cols(),
        x.n_rows,
        rayon::current_num_threads()
    );

    let time = |name: &str, f: &mut dyn FnMut()| {
        f();
        let mut ms: Vec<f64> = (0..calls)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        println!("{name:<48} p50 {:>7.3} ms   p90 {:>7.3} ms", ms[calls / 2], ms[calls * 9 / 10]);
    };
    if kind == "lightgbm" {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let booster = lightgbm3::Booster::from_string(&text).unwrap();
        time("LightGBM C predictor (PredictForMat, OpenMP)", &mut || {
            std::hint::black_box(booster.predict(&x.values, x.n_cols() as i32, true).unwrap());
        });
        time("LightGBM C predictor, num_threads=1", &mut || {
            std::hint::black_box(
                booster.predict_with_params(&x.values, x.n_cols() as i32, true, "num_threads=1").unwrap(),
            );
        });
    } else {
        let booster = xgb::Booster::load_buffer(&bytes).unwrap();
        time("XGBoost predictor (DMatrix + XGBoosterPredict)", &mut || {
            let dmat = xgb::DMatrix::from_dense(&x.values, x.n_rows).unwrap();
            std::hint::black_box(booster.predict(&dmat).unwrap());
        });
    }
    // A batch: the rows of all 3,270 held-out IBM candles at once (the 500 above among them).
    let frame = compute_features(&ibm_all, &card.feature_config).unwrap();
    let (big, _) = feature_rows(&frame, &card.rows.every_candle()).unwrap();
    time(&format!("engine tree scorer, {} rows", big.n_rows), &mut || {
        std::hint::black_box(model.predict_proba(&big).unwrap());
    });
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    time(&format!("engine tree scorer, {} rows, 1 thread", big.n_rows), &mut || {
        one_thread.install(|| std::hint::black_box(model.predict_proba(&big).unwrap()));
    });
    // The request's parts on all threads, on one, and on all again (the machine may have changed
    // in between): what splitting them over threads gains. A request's 451 rows x 1,000 trees are
    // above the scorer's threshold for splitting (`PARALLEL_MIN_WORK`).
    let request_parts: [(&str, &(dyn Fn() + Sync)); 3] = [
        ("engine tree scorer (predict_proba)", &|| {
            std::hint::black_box(model.predict_proba(&x).unwrap());
        }),
        ("features + rows", &|| {
            let frame = compute_features(&ibm, &card.feature_config).unwrap();
            std::hint::black_box(feature_rows(&frame, &card.rows.every_candle()).unwrap());
        }),
        ("LoadedModel::predict (all of it)", &|| {
            std::hint::black_box(loaded.predict(&ibm, &PredictOptions::default()).unwrap());
        }),
    ];
    for (pass, pool) in [("", None), (", 1 thread", Some(&one_thread)), (" (again)", None)] {
        for (name, part) in request_parts {
            time(&format!("{name}{pass}"), &mut || match pool {
                Some(pool) => pool.install(part),
                None => part(),
            });
        }
    }
    time("ModelServer::predict (+ registry resolve)", &mut || {
        let options = PredictOptions { model: Some(outcome.version.clone()), ..Default::default() };
        std::hint::black_box(server.predict(&ibm, &options).unwrap());
    });
    time("  of which Registry::resolve", &mut || {
        std::hint::black_box(server.registry().resolve(&outcome.version).unwrap());
    });
    let model_type = card.model_type;
    let n_classes = model.n_classes();
    time("load the model from its bytes", &mut || {
        std::hint::black_box(engine::models::model_from_bytes(model_type, &bytes, n_classes).unwrap());
    });
}
