//! LightGBM: `gbdt` boosting and the `rf` random forest.
//!
//! Training drives LightGBM's C API one round at a time (the `lightgbm3` crate only offers a
//! whole-run `train`), so we can record the validation metric after every round and stop on
//! `cancel`. Prediction does not use LightGBM: the saved model text is compiled into
//! [`forest::Forest`], which reproduces LightGBM's scores exactly and faster.
use super::{
    BoostedTreeParams, CollectiveSpec, DatasetView, Fitted, FittedModel, ForestParams, ModelKind, Probabilities,
    RoundStep, Rounds,
};
use crate::error::{EngineError, Result};
use lightgbm3_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};

mod network;
use super::forest::{Forest, ForestSpec, Objective, TreeText};
pub use network::{Network, NetworkInterrupt};

/// Validation metrics LightGBM evaluates each round, in the order `LGBM_BoosterGetEval` returns them.
pub(super) const METRICS: [&str; 2] = ["multi_logloss", "multi_error"];

fn last_error() -> String {
    // SAFETY: LightGBM returns a pointer to a thread-local, NUL-terminated message.
    unsafe { CStr::from_ptr(sys::LGBM_GetLastError()) }.to_string_lossy().into_owned()
}

fn check(ret: c_int, what: &str) -> Result<()> {
    if ret == 0 {
        Ok(())
    } else {
        Err(EngineError::TrainingFailed(format!("LightGBM {what}: {}", last_error())))
    }
}

/// Owns a LightGBM dataset handle.
struct DatasetHandle(sys::DatasetHandle);

impl Drop for DatasetHandle {
    fn drop(&mut self) {
        // SAFETY: the handle came from LGBM_DatasetCreateFromMat and is freed once.
        unsafe { sys::LGBM_DatasetFree(self.0) };
    }
}

/// Owns a LightGBM booster handle during training.
struct BoosterHandle(sys::BoosterHandle);

impl Drop for BoosterHandle {
    fn drop(&mut self) {
        // SAFETY: the handle came from LGBM_BoosterCreate and is freed once.
        unsafe { sys::LGBM_BoosterFree(self.0) };
    }
}

fn make_dataset(view: &DatasetView<'_>, params: &CString, reference: Option<&DatasetHandle>) -> Result<DatasetHandle> {
    let x = view.x;
    let (rows, cols) = (to_i32(x.n_rows, "rows")?, to_i32(x.n_cols(), "columns")?);
    let mut handle: sys::DatasetHandle = std::ptr::null_mut();
    // SAFETY: `values` holds rows*cols f32 in row-major order and outlives the call (LightGBM
    // copies the data into its own bins).
    check(
        unsafe {
            sys::LGBM_DatasetCreateFromMat(
                x.values.as_ptr() as *const c_void,
                sys::C_API_DTYPE_FLOAT32 as c_int,
                rows,
                cols,
                1,
                params.as_ptr(),
                reference.map_or(std::ptr::null_mut(), |r| r.0),
                &mut handle,
            )
        },
        "dataset creation",
    )?;
    let dataset = DatasetHandle(handle);
    let labels: Vec<f32> = view.y.iter().map(|&c| c as f32).collect();
    set_field(&dataset, c"label", &labels)?;
    if let Some(w) = view.weights {
        set_field(&dataset, c"weight", w)?;
    }
    Ok(dataset)
}

fn set_field(dataset: &DatasetHandle, name: &CStr, values: &[f32]) -> Result<()> {
    // SAFETY: LightGBM copies `values` (float32, as the label and weight fields require).
    check(
        unsafe {
            sys::LGBM_DatasetSetField(
                dataset.0,
                name.as_ptr(),
                values.as_ptr() as *const c_void,
                to_i32(values.len(), "values")?,
                sys::C_API_DTYPE_FLOAT32 as c_int,
            )
        },
        "dataset field",
    )
}

fn to_i32(n: usize, what: &str) -> Result<i32> {
    i32::try_from(n).map_err(|_| EngineError::TrainingFailed(format!("too many {what} for LightGBM: {n}")))
}

fn eval_valid(booster: &BoosterHandle) -> Result<Vec<f64>> {
    let mut out_len: c_int = 0;
    let mut results = vec![0.0f64; METRICS.len()];
    // SAFETY: `results` has room for every configured metric (we configure exactly METRICS).
    check(unsafe { sys::LGBM_BoosterGetEval(booster.0, 1, &mut out_len, results.as_mut_ptr()) }, "evaluation")?;
    results.truncate(out_len.max(0) as usize);
    Ok(results)
}

fn save_to_string(booster: &BoosterHandle, num_iteration: i32) -> Result<String> {
    let mut len: i64 = 0;
    // SAFETY: a first call with an empty buffer only reports the needed length.
    check(
        unsafe {
            sys::LGBM_BoosterSaveModelToString(booster.0, 0, num_iteration, 0, 0, &mut len, std::ptr::null_mut())
        },
        "save",
    )?;
    let mut buffer = vec![0u8; len.max(0) as usize];
    // SAFETY: `buffer` holds `len` bytes, the size LightGBM asked for.
    check(
        unsafe {
            sys::LGBM_BoosterSaveModelToString(
                booster.0,
                0,
                num_iteration,
                0,
                buffer.len() as i64,
                &mut len,
                buffer.as_mut_ptr() as *mut c_char,
            )
        },
        "save",
    )?;
    let text = CStr::from_bytes_until_nul(&buffer)
        .map_err(|_| EngineError::TrainingFailed("LightGBM returned an unterminated model string".into()))?;
    Ok(text.to_string_lossy().into_owned())
}

/// Key=value parameters LightGBM reads; `None` values are left to LightGBM's defaults.
fn param_string(pairs: &[(&str, String)]) -> CString {
    let s = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
    CString::new(s).expect("parameter values never contain NUL")
}

fn common_params(n_classes: usize, seed: u64, threads: u32) -> Vec<(&'static str, String)> {
    vec![
        ("objective", "multiclass".into()),
        ("num_class", n_classes.to_string()),
        ("metric", METRICS.join(",")),
        ("seed", (seed % i32::MAX as u64).to_string()),
        // Same inputs + same threads => same model, run after run.
        ("deterministic", "true".into()),
        ("force_row_wise", "true".into()),
        ("num_threads", threads.to_string()),
        ("verbosity", "-1".into()),
    ]
}

fn depth(max_depth: u32) -> String {
    if max_depth == 0 {
        "-1".into()
    } else {
        max_depth.to_string()
    }
}

pub(super) fn fit_boosted(
    p: &BoostedTreeParams,
    train: &DatasetView<'_>,
    valid: Option<&DatasetView<'_>>,
    run: Rounds<'_, '_>,
) -> Result<Fitted> {
    let mut params = common_params(train.n_classes, p.seed, p.threads);
    params.extend([
        ("boosting", "gbdt".to_string()),
        ("learning_rate", p.learning_rate.to_string()),
        ("num_leaves", p.num_leaves.to_string()),
        ("max_depth", depth(p.max_depth)),
        ("min_data_in_leaf", p.min_samples_leaf.to_string()),
        ("feature_fraction", p.feature_subsample.to_string()),
        ("bagging_fraction", p.row_subsample.to_string()),
        ("bagging_freq", if p.row_subsample < 1.0 { "1" } else { "0" }.to_string()),
        ("lambda_l2", p.l2.to_string()),
    ]);
    train_rounds(ModelKind::Lightgbm, params, p.rounds, train, valid, run)
}

pub(super) fn fit_forest(
    p: &ForestParams,
    train: &DatasetView<'_>,
    valid: Option<&DatasetView<'_>>,
    run: Rounds<'_, '_>,
) -> Result<Fitted> {
    let mut params = common_params(train.n_classes, p.seed, p.threads);
    params.extend([
        ("boosting", "rf".to_string()),
        ("num_leaves", p.num_leaves.to_string()),
        ("max_depth", depth(p.max_depth)),
        ("min_data_in_leaf", p.min_samples_leaf.to_string()),
        ("feature_fraction", p.feature_subsample.to_string()),
        ("bagging_fraction", p.row_subsample.to_string()),
        ("bagging_freq", "1".to_string()),
    ]);
    train_rounds(ModelKind::RandomForest, params, p.trees, train, valid, run)
}

/// LightGBM's distributed-learning parameters for one worker of `spec`.
fn network_params(spec: &CollectiveSpec) -> Result<Vec<(&'static str, String)>> {
    let CollectiveSpec::Lightgbm { machines, rank, learner, top_k, time_out_minutes } = spec else {
        return Err(EngineError::Internal("a LightGBM fit was given XGBoost's collective".into()));
    };
    let own =
        machines.get(*rank).ok_or_else(|| EngineError::Internal(format!("rank {rank} is not in the machine list")))?;
    let mut params = vec![
        ("tree_learner", learner.as_str().to_string()),
        ("num_machines", machines.len().to_string()),
        ("machines", machines.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(",")),
        ("local_listen_port", own.port().to_string()),
        ("time_out", time_out_minutes.to_string()),
        // Each worker holds its own shard (series-sharded): nothing to partition.
        ("pre_partition", "true".to_string()),
    ];
    if let Some(k) = top_k {
        params.push(("top_k", k.to_string()));
    }
    Ok(params)
}

fn train_rounds(
    kind: ModelKind,
    mut params: Vec<(&'static str, String)>,
    rounds: u32,
    train: &DatasetView<'_>,
    valid: Option<&DatasetView<'_>>,
    run: Rounds<'_, '_>,
) -> Result<Fitted> {
    let Rounds { control, driver, collective } = run;
    // Joined before any dataset exists (bin boundaries are agreed over the network) and left
    // after the booster and datasets are freed: declared first, dropped last.
    let _network = match collective {
        Some(c) => {
            params.extend(network_params(&c.spec)?);
            // A worker joins for its whole run (see `join_network`); otherwise for this fit.
            (!network::joined()).then(|| network::Network::join(&c.spec, c.interrupt)).transpose()?
        }
        None => None,
    };
    let params = &param_string(&params);
    let train_set = make_dataset(train, params, None)?;
    let valid_set = valid.map(|v| make_dataset(v, params, Some(&train_set))).transpose()?;
    let mut handle: sys::BoosterHandle = std::ptr::null_mut();
    // SAFETY: the dataset outlives the booster (both dropped at the end of this function, booster first).
    check(unsafe { sys::LGBM_BoosterCreate(train_set.0, params.as_ptr(), &mut handle) }, "booster creation")?;
    let booster = BoosterHandle(handle);
    if let Some(v) = &valid_set {
        // SAFETY: both handles are live; the validation set shares the training set's bins.
        check(unsafe { sys::LGBM_BoosterAddValidData(booster.0, v.0) }, "validation data")?;
    }

    let mut kept = 0u32;
    for round in 1..=rounds {
        control.check_cancel()?;
        let mut finished: c_int = 0;
        // SAFETY: live booster handle.
        check(unsafe { sys::LGBM_BoosterUpdateOneIter(booster.0, &mut finished) }, "training round")?;
        if finished != 0 {
            // No split improves any tree: further rounds would add nothing.
            break;
        }
        kept = round;
        if valid_set.is_some() {
            if let RoundStep::Stop { kept: best } = driver.after_round(round, &eval_valid(&booster)?)? {
                kept = best;
                break;
            }
        }
        (control.progress)(round as f64 / rounds as f64);
    }
    let history = driver.take_history();
    if kept == 0 {
        return Err(EngineError::TrainingFailed(
            "LightGBM could not grow a single tree (every feature is constant or every row has the same class)".into(),
        ));
    }
    let mut text = save_to_string(&booster, kept as i32)?;
    if collective.is_some() {
        // Each worker's copy records its own address among the parameters: drop those lines, so
        // every worker holds the same text and no addresses reach the registry.
        text = text
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("[machines: ") && !l.starts_with("[local_listen_port: "))
            .collect();
    }
    let model = LightGbmModel::from_text(kind, &text).map_err(|e| EngineError::TrainingFailed(e.to_string()))?;
    Ok(Fitted { model: Box::new(model), history, rounds: kept })
}

/// Parses the header's `objective=` value, e.g. `multiclass num_class:17` or
/// `multiclassova num_class:3 sigmoid:1`, the way LightGBM's objective constructors do.
fn parse_objective(value: &str, n_classes: usize) -> std::result::Result<Objective, String> {
    let mut tokens = value.split(' ');
    let name = tokens.next().unwrap_or_default();
    let (mut classes, mut sigmoid) = (None, None);
    for token in tokens {
        match token.split(':').collect::<Vec<_>>()[..] {
            ["num_class", v] => classes = v.parse::<usize>().ok(),
            ["sigmoid", v] => sigmoid = lightgbm_atof(v),
            _ => {}
        }
    }
    if classes != Some(n_classes) {
        return Err(format!("objective '{value}' does not name the header's {n_classes} classes"));
    }
    match (name, sigmoid) {
        ("multiclass", _) => Ok(Objective::Softmax),
        ("multiclassova", Some(s)) if s > 0.0 && s.is_finite() => Ok(Objective::OneVsAll { sigmoid: s }),
        _ => Err(format!("objective '{value}' is not one this engine can score")),
    }
}

/// The number LightGBM's `Common::Atof` reads from a plain decimal token (`[digits][.digits]
/// [e[+-]digits]`). It is not correctly rounded, so `str::parse` can differ in the last bit and
/// with it every probability; anything else (`inf`, trailing text) is refused.
fn lightgbm_atof(token: &str) -> Option<f64> {
    fn pow(base: f64, power: u32) -> f64 {
        // LightGBM's `Common::Pow`: the order of the multiplications matters for the rounding.
        match power {
            0 => 1.0,
            p if p % 2 == 0 => pow(base * base, p / 2),
            p if p % 3 == 0 => pow(base * base * base, p / 3),
            p => base * pow(base, p - 1),
        }
    }
    let (mantissa, exponent) = match token.find(['e', 'E']) {
        Some(i) => (&token[..i], Some(&token[i + 1..])),
        None => (token, None),
    };
    let (sign, mantissa) = match mantissa.as_bytes().first() {
        Some(b'-') => (-1.0, &mantissa[1..]),
        Some(b'+') => (1.0, &mantissa[1..]),
        _ => (1.0, mantissa),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int_part) || !digits(frac_part) || int_part.len() + frac_part.len() == 0 {
        return None;
    }
    let mut value = int_part.bytes().fold(0.0, |v, b| v * 10.0 + f64::from(b - b'0'));
    if !frac_part.is_empty() {
        let right = frac_part.bytes().fold(0.0, |v, b| f64::from(b - b'0') + v * 10.0);
        value += right / pow(10.0, frac_part.len() as u32);
    }
    let mut scale = 1.0;
    let mut divide = false;
    if let Some(e) = exponent {
        let e = match e.as_bytes().first() {
            Some(b'-') => {
                divide = true;
                &e[1..]
            }
            Some(b'+') => &e[1..],
            _ => e,
        };
        if !digits(e) {
            return None;
        }
        let mut expon = e.bytes().fold(0u32, |v, b| v.saturating_mul(10).saturating_add(u32::from(b - b'0'))).min(308);
        while expon >= 50 {
            scale *= 1e50;
            expon -= 50;
        }
        while expon >= 8 {
            scale *= 1e8;
            expon -= 8;
        }
        while expon > 0 {
            scale *= 10.0;
            expon -= 1;
        }
    }
    Some(sign * if divide { value / scale } else { value * scale })
}

/// A trained LightGBM model (gbdt or rf), kept with its text form for saving. It predicts with
/// its own compiled copy of the trees (`forest`), not LightGBM's C predictor: the same numbers,
/// bit for bit, about 10x faster per thread (`examples/predict_profile.rs`).
pub struct LightGbmModel {
    kind: ModelKind,
    forest: Forest<f64>,
    n_classes: usize,
    text: String,
}

/// What `checked_model_text` read: the text to hand LightGBM, and the parts prediction needs.
struct CheckedText {
    load_text: String,
    n_classes: usize,
    n_features: usize,
    average_output: bool,
    objective: Objective,
    trees: Vec<TreeText>,
}

/// LightGBM's text loader trusts its input: it finds trees through the `tree_sizes` header and
/// parses them in parallel without bounds checks (a truncated file makes it read past the
/// buffer, a bad tree aborts the process from inside OpenMP), and prediction follows child
/// indices unchecked. So the text is checked here first — header, every tree's fields, array
/// lengths, child and feature indices — and LightGBM then gets it without `tree_sizes`, which
/// selects its sequential loader whose errors come back as ordinary error codes.
fn checked_model_text(text: &str) -> Result<CheckedText> {
    let corrupt = |m: String| EngineError::CorruptModel(format!("LightGBM model text: {m}"));
    if text.contains('\0') || text.contains('\r') {
        return Err(corrupt("contains a NUL or CR byte".into()));
    }
    let mut lines = text.split('\n').peekable();
    if lines.next() != Some("tree") {
        return Err(corrupt("it does not start with the 'tree' header".into()));
    }
    let mut header = std::collections::HashMap::new();
    let mut load_text = String::with_capacity(text.len());
    load_text.push_str("tree\n");
    while let Some(line) = lines.peek().copied() {
        if line.starts_with("Tree=") {
            break;
        }
        lines.next();
        // A bare key (`average_output`) counts as present, as in LightGBM's reader.
        let (k, v) = line.split_once('=').unwrap_or((line, ""));
        header.insert(k, v);
        if !line.starts_with("tree_sizes=") {
            load_text.push_str(line);
            load_text.push('\n');
        }
    }
    let int = |map: &std::collections::HashMap<&str, &str>, key: &str| -> Result<i64> {
        map.get(key)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .ok_or_else(|| corrupt(format!("missing or unreadable {key}")))
    };
    let n_classes = int(&header, "num_class")?;
    let per_iteration = int(&header, "num_tree_per_iteration")?;
    let n_features = int(&header, "max_feature_idx")? + 1;
    if !(2..=10_000).contains(&n_classes) || per_iteration != n_classes || !(1..=10_000_000).contains(&n_features) {
        return Err(corrupt(format!(
            "implausible header: {n_classes} classes, {per_iteration} trees per round, {n_features} features"
        )));
    }
    // Header keys prediction depends on; anything else LightGBM reads there does not change scores.
    let objective = header
        .get("objective")
        .ok_or_else(|| corrupt("no objective".into()))
        .and_then(|v| parse_objective(v, n_classes as usize).map_err(corrupt))?;
    let average_output = header.contains_key("average_output");
    let mut trees = Vec::new();
    let mut n_trees = 0i64;
    loop {
        let Some(line) = lines.next() else {
            return Err(corrupt("no 'end of trees' (truncated file?)".into()));
        };
        load_text.push_str(line);
        load_text.push('\n');
        if line.is_empty() {
            continue;
        }
        if line == "end of trees" {
            break;
        }
        if line.strip_prefix("Tree=").and_then(|i| i.parse::<i64>().ok()) != Some(n_trees) {
            return Err(corrupt(format!(
                "expected 'Tree={n_trees}', found '{}'",
                line.chars().take(40).collect::<String>()
            )));
        }
        let mut fields = std::collections::HashMap::new();
        for line in lines.by_ref() {
            load_text.push_str(line);
            load_text.push('\n');
            if line.is_empty() {
                break;
            }
            let (k, v) =
                line.split_once('=').ok_or_else(|| corrupt(format!("tree {n_trees}: line without '=': '{line}'")))?;
            if fields.insert(k, v).is_some() || fields.len() > 22 {
                return Err(corrupt(format!("tree {n_trees}: repeated or too many fields")));
            }
        }
        trees.push(check_tree(&fields, n_features).map_err(|m| corrupt(format!("tree {n_trees}: {m}")))?);
        n_trees += 1;
    }
    if n_trees == 0 || n_trees % per_iteration != 0 {
        return Err(corrupt(format!("{n_trees} trees do not make whole rounds of {per_iteration}")));
    }
    for line in lines {
        load_text.push_str(line);
        load_text.push('\n');
    }
    Ok(CheckedText {
        load_text,
        n_classes: n_classes as usize,
        n_features: n_features as usize,
        average_output,
        objective,
        trees,
    })
}

/// One tree's fields: the ones prediction reads must exist, have the right lengths, and point
/// inside the tree and the feature list. Index fields must be plain integers: LightGBM's integer
/// reader would stop at the `.` of a `3.0` and misread the rest, and scores must agree with it.
fn check_tree(
    fields: &std::collections::HashMap<&str, &str>,
    n_features: i64,
) -> std::result::Result<TreeText, String> {
    fn values<T: std::str::FromStr>(
        fields: &std::collections::HashMap<&str, &str>,
        key: &str,
        n: usize,
    ) -> std::result::Result<Vec<T>, String> {
        let v = fields.get(key).ok_or_else(|| format!("no {key}"))?;
        let v = v
            .split(' ')
            .map(|x| x.parse::<T>().map_err(|_| format!("{key}: '{x}' is not a number")))
            .collect::<std::result::Result<Vec<T>, String>>()?;
        if v.len() != n {
            return Err(format!("{key} has {} values, expected {n}", v.len()));
        }
        Ok(v)
    }
    let leaves = fields.get("num_leaves").and_then(|v| v.parse::<usize>().ok()).ok_or("no num_leaves")?;
    if !(1..=131_072).contains(&leaves) {
        return Err(format!("num_leaves {leaves}"));
    }
    if fields.get("num_cat").copied() != Some("0") || fields.get("is_linear").is_some_and(|v| *v != "0") {
        return Err("categorical or linear trees are not produced by this engine".into());
    }
    let leaf_value: Vec<f64> = values(fields, "leaf_value", leaves)?;
    if leaf_value.iter().any(|v| !v.is_finite()) {
        return Err("leaf_value is not finite".into());
    }
    let mut tree = TreeText { leaf_value, ..TreeText::default() };
    if leaves > 1 {
        let inner = leaves - 1;
        let child_ok = |&c: &i32| (c >= 0 && (c as usize) < inner) || (c < 0 && (!c as usize) < leaves);
        for key in ["left_child", "right_child"] {
            let children: Vec<i32> = values(fields, key, inner)?;
            if !children.iter().all(child_ok) {
                return Err(format!("{key} points outside the tree"));
            }
            if key == "left_child" {
                tree.left_child = children;
            } else {
                tree.right_child = children;
            }
        }
        tree.split_feature = values(fields, "split_feature", inner)?;
        if !tree.split_feature.iter().all(|&f| i64::from(f) < n_features) {
            return Err("split_feature names a feature the model does not have".into());
        }
        tree.threshold = values(fields, "threshold", inner)?;
        // LightGBM writes ±inf for splits that send every present value one way; NaN decides
        // nothing (every comparison is false) and only a damaged file holds one.
        if tree.threshold.iter().any(|t| t.is_nan()) {
            return Err("threshold is NaN".into());
        }
        tree.decision_type = values(fields, "decision_type", inner)?;
        if !tree.decision_type.iter().all(|&d| d & 1 == 0) {
            return Err("decision_type is not a numerical split".into());
        }
    }
    Ok(tree)
}

impl LightGbmModel {
    fn from_text(kind: ModelKind, text: &str) -> Result<Self> {
        let checked = checked_model_text(text)?;
        // LightGBM loads it too and the booster is dropped at once: a file LightGBM would refuse
        // stays refused (Python and the CLI must read what we accept). Cheap enough to keep:
        // ≈2.5 ms of the ≈4 ms load of the 200-tree bench model, once per version.
        lightgbm3::Booster::from_string(&checked.load_text)
            .map_err(|e| EngineError::CorruptModel(format!("LightGBM could not load the model: {e}")))?;
        let n_trees = checked.trees.len();
        let spec = ForestSpec {
            n_classes: checked.n_classes,
            n_features: checked.n_features,
            // GBDT::PredictRaw: tree `i` adds to class `i % num_tree_per_iteration`.
            tree_class: (0..n_trees).map(|i| (i % checked.n_classes) as u32).collect(),
            base_score: vec![0.0; checked.n_classes],
            average_output: checked.average_output,
            objective: checked.objective,
            lightgbm_zero_flush: true,
        };
        let forest = Forest::new(&checked.trees, spec)
            .map_err(|m| EngineError::CorruptModel(format!("LightGBM model text: {m}")))?;
        Ok(LightGbmModel { kind, forest, n_classes: checked.n_classes, text: text.to_string() })
    }

    pub fn from_bytes(kind: ModelKind, bytes: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| EngineError::CorruptModel("LightGBM model file is not UTF-8 text".into()))?;
        Self::from_text(kind, text)
    }
}

impl FittedModel for LightGbmModel {
    fn kind(&self) -> ModelKind {
        self.kind
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
        Ok(self.text.clone().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atof_reads_what_lightgbm_reads() {
        assert_eq!(lightgbm_atof("1"), Some(1.0));
        assert_eq!(lightgbm_atof("0.5"), Some(0.5));
        assert_eq!(lightgbm_atof("-2.25e1"), Some(-22.5));
        assert_eq!(lightgbm_atof("1e-5"), Some(1.0 / 100000.0));
        assert_eq!(lightgbm_atof(".5"), Some(0.5));
        for bad in ["", ".", "inf", "1x", "1e+x", "--1", "nan"] {
            assert_eq!(lightgbm_atof(bad), None, "{bad}");
        }
        assert_eq!(lightgbm_atof("1e"), Some(1.0), "LightGBM reads an empty exponent as 0");
        // Not correctly rounded: one ulp above what `str::parse` gives.
        let parsed: f64 = "1.23456789".parse().unwrap();
        assert_eq!(lightgbm_atof("1.23456789"), Some(parsed.next_up()));
    }

    #[test]
    fn objectives_parse_like_lightgbm() {
        assert_eq!(parse_objective("multiclass num_class:3", 3), Ok(Objective::Softmax));
        assert_eq!(
            parse_objective("multiclassova num_class:3 sigmoid:1.5", 3),
            Ok(Objective::OneVsAll { sigmoid: 1.5 })
        );
        assert!(parse_objective("multiclass num_class:4", 3).is_err());
        assert!(parse_objective("multiclassova num_class:3", 3).is_err());
        assert!(parse_objective("multiclassova num_class:3 sigmoid:0", 3).is_err());
        assert!(parse_objective("binary sigmoid:1", 3).is_err());
        assert!(parse_objective("softmax num_class:3", 3).is_err());
    }
}
