//! The engine scores XGBoost models with its own compiled trees (`models/forest.rs`, shared with
//! LightGBM). These tests hold it to XGBoost's own predictor (`XGBoosterPredict` through
//! `xgb::Booster::predict`) on the same JSON model: models trained on the real samples (BIO and
//! windowed rows, rows with NaN, zeros and tiny values, models that learnt default directions
//! from NaN in training, trees deeper than the bit-mask path takes), and trained models edited
//! to hold the split conditions XGBoost's rule `x < c` makes special (±inf, the rows' own
//! values). Every probability must be bit-identical.
use engine::dataset::feature_rows;
use engine::features::compute_features;
use engine::models::{
    model_from_bytes, BoostedTreeParams, DatasetView, FeatureMatrix, Fit, FitControl, FittedModel, ModelKind,
    ModelParams,
};
use engine::registry::Registry;

mod train_support;
use train_support::*;

/// XGBoost's probabilities for `x`, widened and normalised the way the engine used to when it
/// called this predictor (`predict_proba`'s contract).
fn xgboost_predictor(json: &[u8], x: &FeatureMatrix, n_classes: usize) -> Vec<f64> {
    let booster = xgb::Booster::load_buffer(json).unwrap();
    let dmat = xgb::DMatrix::from_dense(&x.values, x.n_rows).unwrap();
    let mut p: Vec<f64> = booster.predict(&dmat).unwrap().into_iter().map(f64::from).collect();
    assert_eq!(p.len(), x.n_rows * n_classes);
    for row in p.chunks_mut(n_classes) {
        let sum: f64 = row.iter().sum();
        if sum > 0.0 && sum.is_finite() {
            row.iter_mut().for_each(|v| *v /= sum);
        }
    }
    p
}

/// Asserts that the engine's compiled trees give XGBoost's probabilities, bit for bit.
fn assert_same(what: &str, json: &[u8], x: &FeatureMatrix, n_classes: usize) {
    let model = model_from_bytes(ModelKind::Xgboost, json, n_classes).unwrap_or_else(|e| panic!("{what}: {e}"));
    let ours = model.predict_proba(x).unwrap().values;
    let theirs = xgboost_predictor(json, x, n_classes);
    let differ = ours.iter().zip(&theirs).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
    let diff = ours.iter().zip(&theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    println!("{what}: {} rows x {n_classes} classes, {differ} values differ (max |diff| {diff:e})", x.n_rows);
    assert_eq!(differ, 0, "{what}: max |diff| {diff}");
}

/// Rows with missing (NaN), zero and tiny values written into some cells.
fn with_holes(x: &FeatureMatrix) -> FeatureMatrix {
    let mut y = x.clone();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for v in y.values.iter_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        match state % 20 {
            0 => *v = f32::NAN,
            1 => *v = 0.0,
            2 => *v = -0.0,
            3 => *v = 1e-36 * if state & 64 == 0 { 1.0 } else { -1.0 },
            _ => {}
        }
    }
    y
}

#[test]
fn trained_models_score_exactly_like_xgboost() {
    let out = tempfile::tempdir().unwrap();
    let samples = [sample_candles("ibm_daily.csv"), sample_candles("aapl_daily.csv")];
    let model = "  type: xgboost\n  rounds: 20\n  learning_rate: 0.3\n  max_depth: 6\n  threads: 2";
    for encoding in ["bio", "windowed"] {
        let yaml = small_config(out.path(), model, "")
            .replace("encoding: bio", &format!("encoding: {encoding}"))
            .replace("indicators: false", "indicators: true");
        let outcome = train(&parse(&yaml)).unwrap_or_else(|e| panic!("{encoding}: {e}"));
        let registry = Registry::open(out.path().join("models")).unwrap();
        let info = registry.resolve(&outcome.version).unwrap();
        assert_eq!(info.card.model_type, ModelKind::Xgboost);
        let model = registry.load_model(&info).unwrap();
        let json = model.to_bytes().unwrap();
        for candles in &samples {
            let frame = compute_features(candles, &info.card.feature_config).unwrap();
            let (x, _) = feature_rows(&frame, &info.card.rows.every_candle()).unwrap();
            assert_same(&format!("{encoding}: rows"), &json, &x, model.n_classes());
            assert_same(&format!("{encoding}: rows with holes"), &json, &with_holes(&x), model.n_classes());
        }
    }
}

fn fit(x: &FeatureMatrix, y: &[u32], rounds: u32, max_depth: u32) -> Box<dyn FittedModel> {
    let params = ModelParams::Xgboost(BoostedTreeParams {
        rounds,
        learning_rate: 0.3,
        num_leaves: 31,
        max_depth,
        min_samples_leaf: 1,
        min_child_weight: 0.0,
        row_subsample: 1.0,
        feature_subsample: 1.0,
        l2: 1.0,
        early_stopping_rounds: None,
        threads: 2,
        seed: 7,
    });
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let control = FitControl { cancel: &cancel, progress: &|_| {} };
    params.fit(&DatasetView { x, y, weights: None, n_classes: 4 }, None, &control).unwrap().model
}

/// Trees deeper than 64 leaves are walked, not masked; NaN in the training rows makes XGBoost
/// learn default directions both ways.
#[test]
fn deep_trees_and_learnt_default_directions_score_exactly_like_xgboost() {
    let (train_x, y) = quartile_rows("aapl_daily.csv");
    let (test_x, _) = quartile_rows("ibm_daily.csv");
    for (what, train_rows, depth) in
        [("depth 9", train_x.clone(), 9), ("trained with NaN, depth 6", with_holes(&train_x), 6)]
    {
        let model = fit(&train_rows, &y, 8, depth);
        let json = model.to_bytes().unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let trees = value["learner"]["gradient_booster"]["model"]["trees"].as_array().unwrap();
        let most_leaves = trees
            .iter()
            .map(|t| t["left_children"].as_array().unwrap().iter().filter(|c| c.as_i64() == Some(-1)).count())
            .max()
            .unwrap();
        let default_left = trees
            .iter()
            .flat_map(|t| t["default_left"].as_array().unwrap().iter())
            .filter(|d| d.as_u64() == Some(1) || d.as_bool() == Some(true))
            .count();
        println!("{what}: at most {most_leaves} leaves per tree, {default_left} default-left nodes");
        if depth > 6 {
            assert!(most_leaves > 64, "{what}: no tree is deep enough to be walked");
        } else {
            assert!(default_left > 0, "{what}: no default direction learnt");
        }
        assert_same(&format!("{what}: rows"), &json, &test_x, 4);
        assert_same(&format!("{what}: rows with holes"), &json, &with_holes(&test_x), 4);
    }
}

/// A trained model whose split conditions are rewritten to the values `x < c` treats specially:
/// ±inf, zero, a tiny value, and conditions equal to values the rows hold (and one step either side).
#[test]
fn edited_split_conditions_score_exactly_like_xgboost() {
    let (x, y) = quartile_rows("aapl_daily.csv");
    let model = fit(&x, &y, 6, 4);
    let mut value: serde_json::Value = serde_json::from_slice(&model.to_bytes().unwrap()).unwrap();
    let specials = [f32::NEG_INFINITY, f32::INFINITY, 0.0, -0.0, 1e-40, -1e-40];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    // The rows the edited model is scored on: the real rows, with the new conditions (and their
    // neighbours) written into the features the splits test.
    let mut probe = x.clone();
    let width = probe.n_cols();
    let trees = value["learner"]["gradient_booster"]["model"]["trees"].as_array_mut().unwrap();
    let mut edited = 0;
    for tree in trees.iter_mut() {
        let n = tree["left_children"].as_array().unwrap().len();
        for u in 0..n {
            if tree["left_children"][u].as_i64() == Some(-1) || next(3) != 0 {
                continue;
            }
            let c = if next(2) == 0 {
                specials[next(specials.len())]
            } else {
                x.values[next(x.n_rows) * width + tree["split_indices"][u].as_u64().unwrap() as usize]
            };
            if !c.is_finite() && next(2) == 0 {
                tree["default_left"][u] = serde_json::json!(1 - tree["default_left"][u].as_u64().unwrap_or(0));
            }
            // serde_json writes ±inf as null; XGBoost's JSON reads its own spelling.
            tree["split_conditions"][u] =
                if c.is_finite() { serde_json::json!(c) } else { serde_json::Value::String(format!("__{c}__")) };
            let feature = tree["split_indices"][u].as_u64().unwrap() as usize;
            // XGBoost refuses ±inf in its input (a DMatrix error), so only the finite of these go in.
            for (k, v) in [c, c.next_up(), c.next_down(), c].into_iter().filter(|v| v.is_finite()).enumerate() {
                let row = (edited * 4 + k) % probe.n_rows;
                probe.values[row * width + feature] = v;
            }
            edited += 1;
        }
    }
    assert!(edited > 10, "only {edited} splits edited");
    let json =
        serde_json::to_string(&value).unwrap().replace("\"__-inf__\"", "-Infinity").replace("\"__inf__\"", "Infinity");
    assert_same(&format!("{edited} edited conditions: rows"), json.as_bytes(), &probe, 4);
    assert_same(&format!("{edited} edited conditions: rows with holes"), json.as_bytes(), &with_holes(&probe), 4);
}

#[test]
fn models_it_cannot_score_are_corrupt_models() {
    let (x, y) = quartile_rows("ibm_daily.csv");
    let json = String::from_utf8(fit(&x, &y, 2, 3).to_bytes().unwrap()).unwrap();
    for (what, bad) in [
        ("softmax objective", json.replace("\"multi:softprob\"", "\"multi:softmax\"")),
        ("dart booster", json.replacen("\"name\":\"gbtree\"", "\"name\":\"dart\"", 1)),
        ("truncated", json[..json.len() / 2].to_string()),
        ("child out of range", json.replacen("\"left_children\":[1,", "\"left_children\":[99999,", 1)),
        ("cycle", json.replacen("\"left_children\":[1,", "\"left_children\":[0,", 1)),
    ] {
        assert_ne!(bad, json, "{what}: the edit did not apply");
        let err = model_from_bytes(ModelKind::Xgboost, bad.as_bytes(), 4).expect_err(what);
        assert_eq!(err.code(), "CORRUPT_MODEL", "{what}: {err}");
    }
    assert_eq!(model_from_bytes(ModelKind::Xgboost, json.as_bytes(), 3).unwrap_err().code(), "CORRUPT_MODEL");
}
