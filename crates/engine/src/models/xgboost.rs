//! XGBoost `gbtree` with the `hist` tree method, `multi:softprob`, trained round by round.
use super::{
    normalise_rows, BoostedTreeParams, DatasetView, FitControl, Fitted, FittedModel, ModelKind, Probabilities,
    RoundMetric,
};
use crate::error::{EngineError, Result};
use std::sync::Mutex;
use xgb::parameters::BoosterParameters;
use xgb::{Booster, DMatrix};

/// Validation metrics evaluated each round (XGBoost reports them under these names).
const METRICS: [&str; 2] = ["mlogloss", "merror"];

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
    control: &FitControl<'_>,
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
        booster
            .set_param(k, v)
            .map_err(|e| failed(&format!("parameter {k}"), e))?;
    }

    let mut history = Vec::new();
    let mut best: Option<(f64, u32)> = None;
    let mut kept = 0u32;
    for round in 1..=p.rounds {
        control.check_cancel()?;
        booster
            .update(&dtrain, round as i32 - 1)
            .map_err(|e| failed("training round", e))?;
        kept = round;
        if let Some(dv) = &dvalid {
            let scores = booster.evaluate(dv).map_err(|e| failed("evaluation", e))?;
            for metric in METRICS {
                if let Some(v) = scores.get(metric) {
                    history.push(RoundMetric {
                        name: format!("valid_{metric}"),
                        round,
                        value: *v as f64,
                    });
                }
            }
            if let (Some(patience), Some(&loss)) = (p.early_stopping_rounds, scores.get(METRICS[0])) {
                let loss = loss as f64;
                match best {
                    Some((best_loss, _)) if loss >= best_loss => {}
                    _ => best = Some((loss, round)),
                }
                if let Some((_, best_round)) = best {
                    if round - best_round >= patience {
                        kept = best_round;
                        break;
                    }
                }
            }
        }
        (control.progress)(round as f64 / p.rounds as f64);
    }
    if kept < p.rounds && kept > 0 && best.is_some() {
        booster = booster.slice(0, kept as i32).map_err(|e| failed("slice", e))?;
    }
    let bytes = booster.save_buffer(false).map_err(|e| failed("save", e))?;
    let model =
        XgBoostModel::from_bytes(&bytes, train.n_classes).map_err(|e| EngineError::TrainingFailed(e.to_string()))?;
    Ok(Fitted {
        model: Box::new(model),
        history,
        rounds: kept,
    })
}

/// A trained XGBoost model. XGBoost's booster mutates itself on `predict`, so calls are
/// serialised through a mutex (the model is still shareable across threads).
pub struct XgBoostModel {
    booster: Mutex<Booster>,
    json: Vec<u8>,
    n_classes: usize,
    n_features: usize,
}

/// Reads `learner.learner_model_param.{num_class,num_feature}` from XGBoost's JSON model. The
/// JSON is checked here, before XGBoost's C++ parser ever sees the bytes.
fn json_shape(bytes: &[u8]) -> Result<(usize, usize)> {
    let v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| EngineError::CorruptModel(format!("XGBoost model is not valid JSON: {e}")))?;
    let param = &v["learner"]["learner_model_param"];
    let read = |key: &str| -> Result<usize> {
        param[key]
            .as_str()
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| EngineError::CorruptModel(format!("XGBoost model JSON has no learner_model_param.{key}")))
    };
    Ok((read("num_class")?, read("num_feature")?))
}

impl XgBoostModel {
    pub fn from_bytes(bytes: &[u8], n_classes: usize) -> Result<Self> {
        let (classes, n_features) = json_shape(bytes)?;
        if classes != n_classes {
            return Err(EngineError::CorruptModel(format!(
                "XGBoost model has {classes} classes, expected {n_classes}"
            )));
        }
        let booster = Booster::load_buffer(bytes)
            .map_err(|e| EngineError::CorruptModel(format!("XGBoost could not load the model: {e}")))?;
        Ok(XgBoostModel {
            booster: Mutex::new(booster),
            json: bytes.to_vec(),
            n_classes,
            n_features,
        })
    }
}

impl FittedModel for XgBoostModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Xgboost
    }

    fn n_classes(&self) -> usize {
        self.n_classes
    }

    fn predict_proba(&self, x: &super::FeatureMatrix) -> Result<Probabilities> {
        if x.n_rows == 0 {
            return Probabilities::new(Vec::new(), self.n_classes);
        }
        if x.n_cols() != self.n_features {
            return Err(EngineError::InvalidArgument(format!(
                "rows have {} features, the model was trained on {}",
                x.n_cols(),
                self.n_features
            )));
        }
        let dmat = DMatrix::from_dense(&x.values, x.n_rows)
            .map_err(|e| EngineError::Internal(format!("XGBoost matrix: {e}")))?;
        let booster = self.booster.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let raw = booster
            .predict(&dmat)
            .map_err(|e| EngineError::Internal(format!("XGBoost prediction failed: {e}")))?;
        let mut values: Vec<f64> = raw.into_iter().map(f64::from).collect();
        normalise_rows(&mut values, self.n_classes);
        Probabilities::new(values, self.n_classes)
    }

    fn to_bytes(&self) -> Result<Vec<u8>> {
        Ok(self.json.clone())
    }
}
