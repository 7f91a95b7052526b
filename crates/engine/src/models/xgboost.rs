//! XGBoost `gbtree` with the `hist` tree method, `multi:softprob`, trained round by round.
//!
//! Prediction does not use XGBoost: the saved JSON model is compiled into the engine's own tree
//! scorer ([`Forest`], shared with LightGBM), which reproduces XGBoost's probabilities bit for bit
//! (`tests/xgboost_parity.rs`) at a fraction of its cost per call.
use super::forest::{Forest, ForestSpec, Objective, TreeText};
use super::{
    BoostedTreeParams, DatasetView, FitControl, Fitted, FittedModel, ModelKind, Probabilities, RoundDriver, RoundStep,
    Rounds,
};
use crate::error::{EngineError, Result};
use serde::Deserialize;
use xgb::parameters::BoosterParameters;
use xgb::{Booster, DMatrix};

mod collective;
pub use collective::XgbTracker;

/// Validation metrics evaluated each round (XGBoost reports them under these names).
pub(super) const METRICS: [&str; 2] = ["mlogloss", "merror"];

fn failed(what: &str, e: xgb::XGBError) -> EngineError {
    EngineError::TrainingFailed(format!("XGBoost {what}: {e}"))
}

fn dmatrix(view: &DatasetView<'_>) -> Result<DMatrix> {
    let mut m = DMatrix::from_dense(&view.x.values, view.x.n_rows).map_err(|e| failed("matrix", e))?;
    let labels: Vec<f32> = view.y.iter().map(|&c| c as f32).collect();
    m.set_labels(&labels).map_err(|e| failed("labels", e))?;
    if let Some(w) = view.weights {
        m.set_weights(w).map_err(|e| failed("weights", e))?;
    }
    Ok(m)
}

pub(super) fn fit(
    p: &BoostedTreeParams,
    train: &DatasetView<'_>,
    valid: Option<&DatasetView<'_>>,
    run: Rounds<'_, '_>,
) -> Result<Fitted> {
    let Rounds { control, driver, collective } = run;
    // The communicator is joined before the first matrix (XGBoost agrees on the column count
    // and the quantile sketches over it) and left after the model is saved and the matrices
    // are freed.
    let communicator = collective.map(|c| collective::Communicator::join(&c.spec, c.interrupt)).transpose()?;
    let fitted = fit_rounds(p, train, valid, control, driver);
    if let (Err(_), Some(c)) = (&fitted, &communicator) {
        c.break_links();
    }
    drop(communicator);
    fitted
}

fn fit_rounds(
    p: &BoostedTreeParams,
    train: &DatasetView<'_>,
    valid: Option<&DatasetView<'_>>,
    control: &FitControl<'_>,
    driver: &mut dyn RoundDriver,
) -> Result<Fitted> {
    let dtrain = dmatrix(train)?;
    let dvalid = valid.map(dmatrix).transpose()?;
    let mut cached = vec![&dtrain];
    cached.extend(dvalid.as_ref());
    let mut booster =
        Booster::new_with_cached_dmats(&BoosterParameters::default(), &cached).map_err(|e| failed("booster", e))?;
    // Our settings override the crate's defaults; verbosity 0 silences XGBoost's notes about the
    // crate's legacy default keys it no longer reads.
    let mut settings: Vec<(&str, String)> = vec![
        ("verbosity", "0".into()),
        ("objective", "multi:softprob".into()),
        ("num_class", train.n_classes.to_string()),
        ("tree_method", "hist".into()),
        ("eta", p.learning_rate.to_string()),
        ("max_depth", p.max_depth.to_string()),
        ("min_child_weight", p.min_child_weight.to_string()),
        ("subsample", p.row_subsample.to_string()),
        ("colsample_bytree", p.feature_subsample.to_string()),
        ("lambda", p.l2.to_string()),
        ("seed", p.seed.to_string()),
    ];
    if p.threads > 0 {
        settings.push(("nthread", p.threads.to_string()));
    }
    for metric in METRICS {
        settings.push(("eval_metric", metric.to_string()));
    }
    for (k, v) in &settings {
        booster.set_param(k, v).map_err(|e| failed(&format!("parameter {k}"), e))?;
    }

    let mut kept = 0u32;
    let mut stopped_early = false;
    for round in 1..=p.rounds {
        control.check_cancel()?;
        booster.update(&dtrain, round as i32 - 1).map_err(|e| failed("training round", e))?;
        kept = round;
        if let Some(dv) = &dvalid {
            let scores = booster.evaluate(dv).map_err(|e| failed("evaluation", e))?;
            let values: Vec<f64> = METRICS.iter().map_while(|m| scores.get(*m).map(|v| f64::from(*v))).collect();
            if let RoundStep::Stop { kept: best } = driver.after_round(round, &values)? {
                kept = best;
                stopped_early = true;
                break;
            }
        }
        (control.progress)(round as f64 / p.rounds as f64);
    }
    if stopped_early && kept < p.rounds && kept > 0 {
        booster = booster.slice(0, kept as i32).map_err(|e| failed("slice", e))?;
    }
    let history = driver.take_history();
    let bytes = booster.save_buffer(false).map_err(|e| failed("save", e))?;
    let model =
        XgBoostModel::from_bytes(&bytes, train.n_classes).map_err(|e| EngineError::TrainingFailed(e.to_string()))?;
    Ok(Fitted { model: Box::new(model), history, rounds: kept })
}

/// A trained XGBoost model: its JSON text (for saving) and its trees compiled for scoring.
pub struct XgBoostModel {
    forest: Forest<f32>,
    json: Vec<u8>,
    n_classes: usize,
}

/// The parts of XGBoost's JSON model that prediction reads (`Learner::SaveModel`,
/// `RegTree::SaveModel`); everything else in the file is ignored.
#[derive(Deserialize)]
struct ModelJson {
    learner: LearnerJson,
}

#[derive(Deserialize)]
struct LearnerJson {
    learner_model_param: LearnerParamJson,
    gradient_booster: BoosterJson,
    objective: NamedJson,
}

#[derive(Deserialize)]
struct LearnerParamJson {
    base_score: String,
    num_class: String,
    num_feature: String,
}

#[derive(Deserialize)]
struct NamedJson {
    name: String,
}

#[derive(Deserialize)]
struct BoosterJson {
    name: String,
    model: Option<GbTreeJson>,
}

#[derive(Deserialize)]
struct GbTreeJson {
    trees: Vec<TreeJson>,
    tree_info: Vec<i64>,
}

#[derive(Deserialize)]
struct TreeJson {
    tree_param: TreeParamJson,
    left_children: Vec<i64>,
    right_children: Vec<i64>,
    split_indices: Vec<i64>,
    #[serde(deserialize_with = "xgboost_floats")]
    split_conditions: Vec<f64>,
    default_left: Vec<serde_json::Value>,
    #[serde(default)]
    split_type: Vec<i64>,
}

#[derive(Deserialize)]
struct TreeParamJson {
    num_nodes: String,
    #[serde(default)]
    size_leaf_vector: Option<String>,
}

/// Numbers as XGBoost's JSON writes them: JSON numbers, or its spellings of non-finite floats
/// (`Infinity`, `-Infinity`, `NaN`), which `quote_non_finite` turned into strings.
fn xgboost_floats<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Float {
        Number(f64),
        Spelled(String),
    }
    Vec::<Float>::deserialize(d)?
        .into_iter()
        .map(|v| match v {
            Float::Number(x) => Ok(x),
            Float::Spelled(s) => match s.as_str() {
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                "NaN" => Ok(f64::NAN),
                other => Err(serde::de::Error::custom(format!("'{other}' is not a number"))),
            },
        })
        .collect()
}

/// XGBoost's JSON writes non-finite floats bare (`-Infinity`), which JSON has no spelling for:
/// outside strings, those tokens are quoted so a standard parser reads them (as strings).
fn quote_non_finite(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let (mut in_string, mut escaped) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            in_string = escaped || b != b'"';
            escaped = !escaped && b == b'\\';
        } else if b == b'"' {
            in_string = true;
        } else if let Some(token) =
            [&b"-Infinity"[..], b"Infinity", b"NaN"].into_iter().find(|t| bytes[i..].starts_with(t))
        {
            let out = out.get_or_insert_with(|| bytes[..i].to_vec());
            out.push(b'"');
            out.extend_from_slice(token);
            out.push(b'"');
            i += token.len();
            continue;
        }
        if let Some(out) = out.as_mut() {
            out.push(b);
        }
        i += 1;
    }
    out.map_or(std::borrow::Cow::Borrowed(bytes), std::borrow::Cow::Owned)
}

/// What `parse_model` reads: the shape, and the trees in the scorer's form.
struct ParsedModel {
    n_classes: usize,
    n_features: usize,
    trees: Vec<TreeText>,
    spec: ForestSpec<f32>,
}

/// XGBoost's `ParamArray<float>` text: one number or a JSON list of them (`[-1.2E0,3E-1]`).
fn base_scores(text: &str, n_classes: usize) -> std::result::Result<Vec<f32>, String> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    let values = inner
        .split(',')
        .map(|v| v.trim().parse::<f32>().map_err(|_| format!("base_score '{text}' is not a number list")))
        .collect::<std::result::Result<Vec<f32>, String>>()?;
    if values.iter().any(|v| !v.is_finite()) {
        return Err(format!("base_score '{text}' is not finite"));
    }
    match values.len() {
        // Models before XGBoost 3.1 kept one intercept for every class.
        1 => Ok(vec![values[0]; n_classes]),
        n if n == n_classes => Ok(values),
        n => Err(format!("base_score has {n} values for {n_classes} classes")),
    }
}

/// One XGBoost tree as the scorer's `TreeText`. Nodes are reached from the root exactly once
/// (nodes the pruner deleted are unreachable and ignored); a leaf's value is its
/// `split_conditions` entry. XGBoost sends `x < c` left and a missing (NaN) input the default way:
/// that is missing type NaN, default direction, and threshold `c.next_down()` (`x < c` and
/// `x <= c.next_down()` agree on every f32). A split at `c = -inf` sends every number right: its
/// children are swapped, with threshold +inf, so the test stays expressible.
fn tree_text(t: &TreeJson, n_features: usize) -> std::result::Result<TreeText, String> {
    let n = t.tree_param.num_nodes.parse::<usize>().map_err(|_| "num_nodes is not a number".to_string())?;
    if t.tree_param.size_leaf_vector.as_deref().is_some_and(|v| v != "0" && v != "1") {
        return Err("vector-leaf (multi-target) trees are not produced by this engine".into());
    }
    let lengths = [t.left_children.len(), t.right_children.len(), t.split_indices.len(), t.split_conditions.len()];
    if n == 0 || lengths.iter().any(|&l| l != n) || t.default_left.len() != n {
        return Err(format!("node arrays do not all have num_nodes = {n} entries"));
    }
    if !t.split_type.is_empty() && t.split_type.len() != n {
        return Err("split_type does not have one entry per node".into());
    }
    let is_leaf = |u: usize| t.left_children[u] == -1;
    // Number the reachable nodes: splits and leaves, each in order of discovery from the root.
    let mut index = vec![None::<i32>; n];
    let (mut splits, mut leaves) = (Vec::new(), Vec::new());
    let mut stack = vec![0usize];
    while let Some(u) = stack.pop() {
        if index[u].is_some() {
            return Err(format!("node {u} is reached twice"));
        }
        if is_leaf(u) {
            index[u] = Some(!(leaves.len() as i32));
            leaves.push(u);
            continue;
        }
        index[u] = Some(splits.len() as i32);
        splits.push(u);
        for child in [t.right_children[u], t.left_children[u]] {
            if child <= 0 || child as usize >= n {
                return Err(format!("node {u} has child {child} outside the tree"));
            }
            stack.push(child as usize);
        }
    }
    let mut text = TreeText {
        leaf_value: leaves.iter().map(|&u| f64::from(t.split_conditions[u] as f32)).collect(),
        ..TreeText::default()
    };
    if text.leaf_value.iter().any(|v| !v.is_finite()) {
        return Err("a leaf value is not finite".into());
    }
    for &u in &splits {
        if t.split_type.get(u).is_some_and(|&s| s != 0) {
            return Err("categorical splits are not produced by this engine".into());
        }
        let feature = t.split_indices[u];
        if feature < 0 || feature as usize >= n_features {
            return Err(format!("node {u} splits on feature {feature}, the model has {n_features}"));
        }
        let default_left = match &t.default_left[u] {
            serde_json::Value::Bool(b) => *b,
            serde_json::Value::Number(v) => v.as_u64() != Some(0),
            other => return Err(format!("default_left {other} is not a flag")),
        };
        let c = t.split_conditions[u] as f32;
        let (mut left, mut right) = (t.left_children[u] as usize, t.right_children[u] as usize);
        let (threshold, default_left) = if c.is_nan() {
            return Err(format!("node {u} has a NaN split condition"));
        } else if c == f32::NEG_INFINITY {
            std::mem::swap(&mut left, &mut right);
            (f64::INFINITY, !default_left)
        } else {
            (f64::from(c.next_down()), default_left)
        };
        let child = |v: usize| index[v].expect("every child of a reachable split was numbered");
        text.left_child.push(child(left));
        text.right_child.push(child(right));
        text.split_feature.push(feature as u32);
        text.threshold.push(threshold);
        // LightGBM's decision_type: missing type NaN (2 << 2), default left (2).
        text.decision_type.push(8 | if default_left { 2 } else { 0 });
    }
    Ok(text)
}

/// Reads an XGBoost JSON model into the scorer's form. It is checked here, before XGBoost's C++
/// parser ever sees the bytes.
fn parse_model(bytes: &[u8]) -> std::result::Result<ParsedModel, String> {
    let model: ModelJson =
        serde_json::from_slice(&quote_non_finite(bytes)).map_err(|e| format!("not an XGBoost JSON model: {e}"))?;
    let learner = model.learner;
    let param = &learner.learner_model_param;
    let read = |key: &str, v: &str| v.parse::<usize>().map_err(|_| format!("learner_model_param.{key} '{v}'"));
    let n_classes = read("num_class", &param.num_class)?;
    let n_features = read("num_feature", &param.num_feature)?;
    if !(2..=10_000).contains(&n_classes) || !(1..=10_000_000).contains(&n_features) {
        return Err(format!("implausible shape: {n_classes} classes, {n_features} features"));
    }
    if learner.objective.name != "multi:softprob" {
        return Err(format!("objective '{}' is not one this engine can score", learner.objective.name));
    }
    if learner.gradient_booster.name != "gbtree" {
        return Err(format!("booster '{}' is not one this engine can score", learner.gradient_booster.name));
    }
    let booster = learner.gradient_booster.model.ok_or("the gbtree has no model")?;
    if booster.trees.is_empty() || booster.tree_info.len() != booster.trees.len() {
        return Err(format!("{} trees with {} tree_info entries", booster.trees.len(), booster.tree_info.len()));
    }
    let tree_class = booster
        .tree_info
        .iter()
        .map(|&c| u32::try_from(c).ok().filter(|&c| (c as usize) < n_classes))
        .collect::<Option<Vec<u32>>>()
        .ok_or("tree_info names a class the model does not have")?;
    let trees = booster
        .trees
        .iter()
        .enumerate()
        .map(|(i, t)| tree_text(t, n_features).map_err(|m| format!("tree {i}: {m}")))
        .collect::<std::result::Result<Vec<_>, String>>()?;
    let spec = ForestSpec {
        n_classes,
        n_features,
        tree_class,
        base_score: base_scores(&param.base_score, n_classes)?,
        average_output: false,
        objective: Objective::SoftmaxF32,
        lightgbm_zero_flush: false,
    };
    Ok(ParsedModel { n_classes, n_features, trees, spec })
}

impl XgBoostModel {
    pub fn from_bytes(bytes: &[u8], n_classes: usize) -> Result<Self> {
        let corrupt = |m: String| EngineError::CorruptModel(format!("XGBoost model: {m}"));
        let parsed = parse_model(bytes).map_err(corrupt)?;
        if parsed.n_classes != n_classes {
            return Err(EngineError::CorruptModel(format!(
                "XGBoost model has {} classes, expected {n_classes}",
                parsed.n_classes
            )));
        }
        // XGBoost loads it too and the booster is dropped at once: a file XGBoost would refuse
        // stays refused (Python must read what we accept).
        Booster::load_buffer(bytes)
            .map_err(|e| EngineError::CorruptModel(format!("XGBoost could not load the model: {e}")))?;
        let forest = Forest::new(&parsed.trees, parsed.spec).map_err(corrupt)?;
        debug_assert_eq!(forest.n_features(), parsed.n_features);
        Ok(XgBoostModel { forest, json: bytes.to_vec(), n_classes })
    }
}

impl FittedModel for XgBoostModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Xgboost
    }

    fn n_classes(&self) -> usize {
        self.n_classes
    }

    fn n_features(&self) -> usize {
        self.forest.n_features()
    }

    fn predict_proba(&self, x: &super::FeatureMatrix) -> Result<Probabilities> {
        self.forest.proba_rows(x, self.n_classes)
    }

    fn predict_proba_columns(&self, columns: &[&[f64]]) -> Option<Result<Probabilities>> {
        self.forest.proba_columns(columns, self.n_classes)
    }

    fn to_bytes(&self) -> Result<Vec<u8>> {
        Ok(self.json.clone())
    }
}
