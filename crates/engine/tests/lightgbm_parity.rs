//! The engine scores LightGBM models with its own compiled trees (`models/forest.rs`, shared with XGBoost).
//! These tests hold it to LightGBM's C predictor (`LGBM_BoosterPredictForMat` through
//! `lightgbm3::Booster::predict`) on the same model text: models trained on the real samples
//! (gbdt and rf, BIO and windowed rows, rows with NaN, zeros and tiny values) and hand-written
//! texts for each missing-value rule, a one-leaf tree and the one-vs-all objective.
use engine::dataset::feature_rows;
use engine::features::compute_features;
use engine::models::{model_from_bytes, FeatureMatrix, ModelKind};
use engine::registry::Registry;

mod train_support;
use train_support::*;

/// LightGBM's probabilities for `x`, normalised the way `predict_proba` normalises its own.
fn c_predictor(text: &str, x: &FeatureMatrix, n_classes: usize) -> Vec<f64> {
    let booster = lightgbm3::Booster::from_string(text).unwrap();
    let mut p = booster.predict(&x.values, x.n_cols() as i32, true).unwrap();
    for row in p.chunks_mut(n_classes) {
        let sum: f64 = row.iter().sum();
        if sum > 0.0 && sum.is_finite() {
            row.iter_mut().for_each(|v| *v /= sum);
        }
    }
    p
}

/// (largest absolute difference, values that differ at all)
fn compare(ours: &[f64], theirs: &[f64]) -> (f64, usize) {
    assert_eq!(ours.len(), theirs.len());
    let diff = ours.iter().zip(theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    let differ = ours.iter().zip(theirs).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
    (diff, differ)
}

/// Rows with missing (NaN), zero and tiny values written into some cells, so every
/// missing-value path of the trees is taken on real models too.
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
fn trained_models_score_exactly_like_lightgbm() {
    let out = tempfile::tempdir().unwrap();
    let samples: Vec<_> = ["ibm_daily.csv", "aapl_daily.csv"]
        .iter()
        .map(|f| {
            engine::import::import_csv_file(&repo_root().join("data/samples").join(f), &Default::default())
                .unwrap()
                .series
                .remove(0)
                .candles
        })
        .collect();
    let models = [
        ("lightgbm", "  type: lightgbm\n  rounds: 20\n  learning_rate: 0.2\n  threads: 2"),
        ("random_forest", "  type: random_forest\n  rounds: 15\n  num_leaves: 63\n  threads: 2"),
    ];
    let mut worst = 0.0f64;
    for (name, model) in models {
        for encoding in ["bio", "windowed"] {
            // Indicators give the rows NaN (warm-up, flat candles) besides geometry's values.
            let yaml = small_config(out.path(), model, "")
                .replace("encoding: bio", &format!("encoding: {encoding}"))
                .replace("indicators: false", "indicators: true");
            let outcome = train(&parse(&yaml)).unwrap_or_else(|e| panic!("{name}/{encoding}: {e}"));
            let registry = Registry::open(out.path().join("models")).unwrap();
            let info = registry.resolve(&outcome.version).unwrap();
            assert_eq!(info.card.model_type.as_str(), name);
            let model = registry.load_model(&info).unwrap();
            let text = String::from_utf8(model.to_bytes().unwrap()).unwrap();
            assert_eq!(text.contains("\naverage_output\n"), name == "random_forest");
            let n_classes = model.n_classes();
            for candles in &samples {
                let frame = compute_features(candles, &info.card.feature_config).unwrap();
                let (x, _) = feature_rows(&frame, &info.card.rows.every_candle()).unwrap();
                let nan_rows = (0..x.n_rows).filter(|&r| x.row(r).iter().any(|v| v.is_nan())).count();
                for (what, x) in [("rows", x.clone()), ("rows with holes", with_holes(&x))] {
                    let ours = model.predict_proba(&x).unwrap();
                    let (diff, differ) = compare(&ours.values, &c_predictor(&text, &x, n_classes));
                    println!(
                        "{name}/{encoding}: {} {what} ({nan_rows} with NaN before holes), {n_classes} classes: \
                         max |diff| {diff:e}, {differ} of {} values not bit-identical",
                        x.n_rows,
                        ours.values.len()
                    );
                    assert!(diff <= 1e-12, "{name}/{encoding} {what}: max |diff| {diff}");
                    worst = worst.max(diff);
                }
            }
        }
    }
    println!("worst max |diff| over all trained models: {worst:e}");
}

/// Real features with NaN in the *training* rows, so LightGBM learns splits with missing type
/// NaN and a default direction (the pipeline's rows rarely hold NaN after the warm-up).
#[test]
fn models_trained_on_rows_with_nan_score_exactly_like_lightgbm() {
    use engine::models::{BoostedTreeParams, DatasetView, Fit, FitControl, ForestParams, ModelParams};
    let (train_x, y) = quartile_rows("aapl_daily.csv");
    let train_x = with_holes(&train_x);
    let (test_x, _) = quartile_rows("ibm_daily.csv");
    let view = DatasetView { x: &train_x, y: &y, weights: None, n_classes: 4 };
    let boosted = BoostedTreeParams {
        rounds: 20,
        learning_rate: 0.1,
        num_leaves: 31,
        max_depth: 0,
        min_samples_leaf: 20,
        min_child_weight: 1.0,
        row_subsample: 1.0,
        feature_subsample: 1.0,
        l2: 0.0,
        early_stopping_rounds: None,
        threads: 2,
        seed: 7,
    };
    let forest = ForestParams {
        trees: 10,
        num_leaves: 31,
        max_depth: 0,
        min_samples_leaf: 20,
        row_subsample: 0.7,
        feature_subsample: 0.8,
        threads: 2,
        seed: 7,
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let control = FitControl { cancel: &cancel, progress: &|_| {} };
    for params in [ModelParams::Lightgbm(boosted), ModelParams::RandomForest(forest)] {
        let kind = params.kind();
        let fitted = params.fit(&view, None, &control).unwrap();
        let text = String::from_utf8(fitted.model.to_bytes().unwrap()).unwrap();
        // Some split must have learnt missing type NaN (decision_type bits 2-3 == 2).
        let nan_splits: usize = text
            .lines()
            .filter_map(|l| l.strip_prefix("decision_type="))
            .flat_map(|l| l.split(' ').map(|d| d.parse::<u8>().unwrap()))
            .filter(|d| (d >> 2) & 3 == 2)
            .count();
        assert!(nan_splits > 0, "{kind}: no NaN-type split learnt");
        let model = model_from_bytes(kind, text.as_bytes(), 4).unwrap();
        for (what, x) in [("rows", test_x.clone()), ("rows with holes", with_holes(&test_x))] {
            let ours = model.predict_proba(&x).unwrap();
            let (diff, differ) = compare(&ours.values, &c_predictor(&text, &x, 4));
            println!(
                "{kind} trained with NaN ({nan_splits} NaN-type splits): {} {what}: \
                 max |diff| {diff:e}, {differ} values not bit-identical",
                x.n_rows
            );
            assert!(diff <= 1e-12, "{kind} {what}: max |diff| {diff}");
        }
    }
}

/// A hand-written model: 3 classes, 3 features, `trees` as (num_leaves, body) in model order.
fn model_text(objective: &str, average_output: bool, trees: &[&str]) -> String {
    let mut text = format!(
        "tree\nversion=v4\nnum_class=3\nnum_tree_per_iteration=3\nlabel_index=0\nmax_feature_idx=2\n\
         objective={objective}\n{}feature_names=a b c\nfeature_infos=[-10:10] [-10:10] [-10:10]\n\n",
        if average_output { "average_output\n" } else { "" }
    );
    for (i, body) in trees.iter().enumerate() {
        text.push_str(&format!("Tree={i}\n{body}\nshrinkage=1\n\n\n"));
    }
    text.push_str("end of trees\n\nparameters:\nend of parameters\n");
    text
}

/// A tree with two splits: node 0 on `feature` (decision type `dt`, `threshold`), its right
/// child node 1 on feature 2 at 0.5.
fn two_splits(feature: u32, threshold: &str, dt: u8, leaves: [f64; 3]) -> String {
    format!(
        "num_leaves=3\nnum_cat=0\nsplit_feature={feature} 2\nsplit_gain=1 1\nthreshold={threshold} 0.5\n\
         decision_type={dt} 0\nleft_child=-1 -2\nright_child=1 -3\nleaf_value={} {} {}\n\
         leaf_weight=1 1 1\nleaf_count=1 1 1\ninternal_value=0 0\ninternal_weight=1 1\ninternal_count=2 2\nis_linear=0",
        leaves[0], leaves[1], leaves[2]
    )
}

fn one_leaf(value: f64) -> String {
    format!(
        "num_leaves=1\nnum_cat=0\nsplit_feature=\nsplit_gain=\nthreshold=\ndecision_type=\nleft_child=\n\
         right_child=\nleaf_value={value}\nleaf_weight=\nleaf_count=\ninternal_value=\ninternal_weight=\n\
         internal_count=\nis_linear=0"
    )
}

/// Every combination of the interesting values in the three features.
fn probe_rows() -> FeatureMatrix {
    let interesting = [
        f32::NAN,
        0.0,
        -0.0,
        1e-36,
        -1e-36,
        1e-35,
        -1e-35,
        1.0000001e-35,
        0.25,
        0.5,
        0.50000006,
        -0.25,
        1.5,
        -3.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
    ];
    let mut values = Vec::new();
    for &a in &interesting {
        for &b in &interesting {
            for &c in &[f32::NAN, 0.0, 0.4, 0.6] {
                values.extend([a, b, c]);
            }
        }
    }
    FeatureMatrix::new(values, 1, 3).unwrap()
}

#[test]
fn hand_written_models_score_exactly_like_lightgbm() {
    // decision_type: bit 1 default_left, bits 2-3 missing type (0 None, 1 Zero, 2 NaN).
    let mut cases = Vec::new();
    for missing in [0u8, 1, 2] {
        for default_left in [0u8, 2] {
            let dt = (missing << 2) | default_left;
            // Thresholds on both sides of zero, and LightGBM's own +-kZeroThreshold (its split
            // at zero), which is where tiny inputs flushed to 0.0 change sides.
            for threshold in ["0.25", "-0.25", "1.0000000180025095e-35", "-1.0000000180025095e-35", "0"] {
                cases.push((
                    format!("missing {missing}, default_left {}, threshold {threshold}", default_left != 0),
                    model_text(
                        "multiclass num_class:3",
                        false,
                        &[
                            &two_splits(0, threshold, dt, [0.7, -1.3, 2.1]),
                            &two_splits(1, threshold, dt, [-0.4, 0.9, 0.3]),
                            &one_leaf(0.125),
                            &two_splits(1, "0.5", dt, [1.1, 0.2, -0.6]),
                            &one_leaf(-0.5),
                            &two_splits(0, threshold, dt, [0.05, 0.6, -2.0]),
                        ],
                    ),
                ));
            }
        }
    }
    let trees =
        [two_splits(0, "0.25", 8 | 2, [0.7, -1.3, 2.1]), two_splits(1, "-0.25", 4, [-0.4, 0.9, 0.3]), one_leaf(0.3)];
    let trees: Vec<&str> = trees.iter().map(String::as_str).collect();
    cases.push(("multiclassova sigmoid 1".into(), model_text("multiclassova num_class:3 sigmoid:1", false, &trees)));
    cases.push((
        "multiclassova sigmoid 1.23456789".into(),
        model_text("multiclassova num_class:3 sigmoid:1.23456789", false, &trees),
    ));
    cases.push((
        "random forest average_output".into(),
        model_text("multiclass num_class:3", true, &[&trees[..], &trees[..]].concat()),
    ));
    cases.push((
        "one-leaf trees only".into(),
        model_text("multiclass num_class:3", false, &[&one_leaf(0.1), &one_leaf(0.2), &one_leaf(-0.3)]),
    ));

    let x = probe_rows();
    for (what, text) in &cases {
        let model = model_from_bytes(ModelKind::Lightgbm, text.as_bytes(), 3).unwrap_or_else(|e| panic!("{what}: {e}"));
        let ours = model.predict_proba(&x).unwrap();
        let theirs = c_predictor(text, &x, 3);
        let (diff, differ) = compare(&ours.values, &theirs);
        assert!(
            differ == 0,
            "{what}: {differ} values differ, max |diff| {diff}; first at {:?}",
            ours.values.iter().zip(&theirs).position(|(a, b)| a.to_bits() != b.to_bits())
        );
    }
}

/// xorshift64: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// Thresholds a random tree picks from: ordinary values (most not f32-representable), zero,
/// LightGBM's +-kZeroThreshold, and values next to them.
const THRESHOLDS: [f64; 10] = [
    0.1,
    -0.3,
    std::f64::consts::FRAC_1_SQRT_2,
    0.0,
    1.0000000180025095e-35,
    -1.0000000180025095e-35,
    1e-36,
    2.5,
    -1e30,
    1e-3,
];

/// A tree grown the way LightGBM grows one (split `i` turns a leaf into a node whose left child
/// keeps the leaf's number and whose right child is leaf `i + 1`), with random features,
/// thresholds, missing types and default directions.
fn random_tree(rng: &mut Rng, n_leaves: usize, n_features: usize) -> String {
    if n_leaves == 1 {
        return one_leaf(rng.unit());
    }
    let inner = n_leaves - 1;
    let (mut left, mut right) = (vec![0i32; inner], vec![0i32; inner]);
    let mut parent_of_leaf: Vec<Option<(usize, bool)>> = vec![None];
    for i in 0..inner {
        let leaf = rng.below(i + 1);
        match parent_of_leaf[leaf] {
            Some((p, true)) => left[p] = i as i32,
            Some((p, false)) => right[p] = i as i32,
            None => {}
        }
        left[i] = !(leaf as i32);
        right[i] = !(i as i32 + 1);
        parent_of_leaf[leaf] = Some((i, true));
        parent_of_leaf.push(Some((i, false)));
    }
    let join = |v: Vec<String>| v.join(" ");
    let ints = |v: &[i32]| join(v.iter().map(i32::to_string).collect());
    let feature = join((0..inner).map(|_| rng.below(n_features).to_string()).collect());
    let threshold = join((0..inner).map(|_| format!("{:?}", THRESHOLDS[rng.below(THRESHOLDS.len())])).collect());
    let decision = join((0..inner).map(|_| [0, 2, 4, 6, 8, 10][rng.below(6)].to_string()).collect());
    let leaves = join((0..n_leaves).map(|_| format!("{:?}", rng.unit())).collect());
    let ones = |n: usize| join(vec!["1".to_string(); n]);
    format!(
        "num_leaves={n_leaves}\nnum_cat=0\nsplit_feature={feature}\nsplit_gain={}\nthreshold={threshold}\n\
         decision_type={decision}\nleft_child={}\nright_child={}\nleaf_value={leaves}\nleaf_weight={}\n\
         leaf_count={}\ninternal_value={}\ninternal_weight={}\ninternal_count={}\nis_linear=0",
        ones(inner),
        ints(&left),
        ints(&right),
        ones(n_leaves),
        ones(n_leaves),
        ones(inner),
        ones(inner),
        ones(inner)
    )
}

/// Rows of 3 features drawn from the thresholds (as f32, and one f32 step either side), NaN,
/// zeros, tiny values, infinities and ordinary numbers.
fn random_rows(rng: &mut Rng, n: usize) -> FeatureMatrix {
    let values = (0..n * 3)
        .map(|_| {
            let t = THRESHOLDS[rng.below(THRESHOLDS.len())] as f32;
            match rng.below(10) {
                0 => f32::NAN,
                1 => 0.0,
                2 => -0.0,
                3 => t,
                4 => t.next_up(),
                5 => t.next_down(),
                6 => [1e-36, -1e-36, 1e-35, -1e-35, f32::INFINITY, f32::NEG_INFINITY][rng.below(6)],
                _ => rng.unit() as f32,
            }
        })
        .collect();
    FeatureMatrix::new(values, 1, 3).unwrap()
}

/// Random trees of every size class the scorer treats differently (one leaf; up to 32, up to 64
/// and more leaves), every missing type and direction, on rows aimed at the thresholds.
#[test]
fn random_trees_score_exactly_like_lightgbm() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let x = random_rows(&mut rng, 1000);
    for sizes in [[2, 31, 32], [33, 63, 64], [65, 200, 1], [31, 64, 100]] {
        for average_output in [false, true] {
            let trees: Vec<String> = (0..4).flat_map(|_| sizes.map(|n| random_tree(&mut rng, n, 3))).collect();
            let trees: Vec<&str> = trees.iter().map(String::as_str).collect();
            let text = model_text("multiclass num_class:3", average_output, &trees);
            let model = model_from_bytes(ModelKind::Lightgbm, text.as_bytes(), 3).unwrap();
            let ours = model.predict_proba(&x).unwrap();
            let (diff, differ) = compare(&ours.values, &c_predictor(&text, &x, 3));
            assert!(
                differ == 0,
                "{sizes:?} leaves, average {average_output}: {differ} values differ, max |diff| {diff}"
            );
        }
    }
}

#[test]
fn objectives_it_cannot_score_are_corrupt_models() {
    let tree = two_splits(0, "0.25", 0, [0.7, -1.3, 2.1]);
    for objective in ["binary sigmoid:1", "multiclassova num_class:3", "lambdarank", "multiclass num_class:4"] {
        let text = model_text(objective, false, &[&tree, &tree, &tree]);
        let err = model_from_bytes(ModelKind::Lightgbm, text.as_bytes(), 3).expect_err(objective);
        assert_eq!(err.code(), "CORRUPT_MODEL", "{objective}: {err}");
    }
    let text = model_text("multiclass num_class:3", false, &[&tree, &tree, &tree])
        .replace("objective=multiclass num_class:3\n", "");
    assert_eq!(model_from_bytes(ModelKind::Lightgbm, text.as_bytes(), 3).unwrap_err().code(), "CORRUPT_MODEL");
    // A cycle passes every index range check, but would make prediction loop forever.
    let cyclic = tree.replace("right_child=1 -3", "right_child=1 0").replace("left_child=-1 -2", "left_child=-1 -3");
    let text = model_text("multiclass num_class:3", false, &[&cyclic, &tree, &tree]);
    assert_eq!(model_from_bytes(ModelKind::Lightgbm, text.as_bytes(), 3).unwrap_err().code(), "CORRUPT_MODEL");
}
