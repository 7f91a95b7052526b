//! A small, time-bounded hyper-parameter search (`model.search`): seeded random draws from a
//! small grid around the configured booster, each scored by blocked temporal cross-validation on
//! the training rows (fold f trains on the stretches of time before it, purged, and is scored on
//! stretch f by the best validation log-loss early stopping reaches). The configured settings are
//! always the first trial, so the search can only keep them or find better; the best settings
//! then train the model as usual. Every trial is recorded (`metrics.json` `search`, MLflow).
use crate::balance::{balance, SplitMix64};
use crate::config::CheckedConfig;
use crate::dataset::Dataset;
use crate::error::{EngineError, Result};
use crate::models::{BoostedTreeParams, DatasetView, Fit, FitControl, ModelParams};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// `model.search`, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSpec {
    pub trials: u32,
    pub max_seconds: u64,
    pub folds: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trial {
    /// The settings that differ between trials.
    pub params: BTreeMap<String, f64>,
    /// Mean over the folds of the best validation log-loss (lower is better).
    pub cv_logloss: f64,
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchReport {
    pub trials: Vec<Trial>,
    /// Index of the chosen trial.
    pub best: usize,
    pub folds: u32,
    /// The time budget ran out before every trial ran.
    pub stopped_by_time: bool,
}

const LEARNING_RATES: [f64; 4] = [0.03, 0.05, 0.1, 0.2];
const NUM_LEAVES: [u32; 3] = [15, 31, 63];
const MAX_DEPTHS: [u32; 3] = [4, 6, 8];
const MIN_SAMPLES_LEAF: [u32; 3] = [10, 20, 50];
const FEATURE_SUBSAMPLES: [f64; 3] = [0.6, 0.8, 1.0];

fn boosted(params: &ModelParams) -> Option<&BoostedTreeParams> {
    match params {
        ModelParams::Lightgbm(p) | ModelParams::Xgboost(p) => Some(p),
        ModelParams::Window(w) => Some(&w.head),
        ModelParams::RandomForest(_) => None,
    }
}

fn with_boosted(params: &ModelParams, p: BoostedTreeParams) -> ModelParams {
    match params {
        ModelParams::Lightgbm(_) => ModelParams::Lightgbm(p),
        ModelParams::Xgboost(_) => ModelParams::Xgboost(p),
        ModelParams::Window(w) => ModelParams::Window(crate::models::WindowParams { head: p, ..w.clone() }),
        ModelParams::RandomForest(_) => params.clone(),
    }
}

fn describe(params: &ModelParams) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    if let Some(p) = boosted(params) {
        out.insert("learning_rate".into(), p.learning_rate);
        out.insert("feature_subsample".into(), p.feature_subsample);
        if matches!(params, ModelParams::Xgboost(_)) {
            out.insert("max_depth".into(), p.max_depth as f64);
        } else {
            out.insert("num_leaves".into(), p.num_leaves as f64);
            out.insert("min_samples_leaf".into(), p.min_samples_leaf as f64);
        }
    }
    out
}

/// Distinct candidate settings: the configured ones first, then seeded draws from the grid.
fn candidates(params: &ModelParams, n: usize, seed: u64) -> Vec<ModelParams> {
    let Some(base) = boosted(params) else { return vec![params.clone()] };
    let mut rng = SplitMix64::new(seed ^ 0x5EA2C4);
    let mut out = vec![params.clone()];
    let mut seen = vec![describe(params)];
    let mut attempts = 0;
    while out.len() < n && attempts < n * 20 {
        attempts += 1;
        let pick = |rng: &mut SplitMix64, k: usize| (rng.next_u64() % k as u64) as usize;
        let mut p = base.clone();
        p.learning_rate = LEARNING_RATES[pick(&mut rng, LEARNING_RATES.len())];
        p.feature_subsample = FEATURE_SUBSAMPLES[pick(&mut rng, FEATURE_SUBSAMPLES.len())];
        if matches!(params, ModelParams::Xgboost(_)) {
            p.max_depth = MAX_DEPTHS[pick(&mut rng, MAX_DEPTHS.len())];
        } else {
            p.num_leaves = NUM_LEAVES[pick(&mut rng, NUM_LEAVES.len())];
            p.min_samples_leaf = MIN_SAMPLES_LEAF[pick(&mut rng, MIN_SAMPLES_LEAF.len())];
        }
        // Every trial stops early on its fold, whatever the config says.
        p.early_stopping_rounds = Some(p.early_stopping_rounds.unwrap_or(20));
        let candidate = with_boosted(params, p);
        let d = describe(&candidate);
        if !seen.contains(&d) {
            seen.push(d);
            out.push(candidate);
        }
    }
    out
}

/// Blocked temporal folds over the training rows: per series, `folds + 1` stretches of time;
/// fold f validates on stretch f and trains on the stretches before it, minus the purge gap.
fn temporal_folds(data: &Dataset, train_rows: &[usize], folds: usize, gap: usize) -> Vec<(Vec<usize>, Vec<usize>)> {
    let mut by_series: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for &r in train_rows {
        by_series.entry(data.rows[r].series).or_default().push(r);
    }
    let blocks = folds + 1;
    (1..blocks)
        .map(|f| {
            let (mut fit, mut score) = (Vec::new(), Vec::new());
            for rows in by_series.values() {
                let n = rows.len();
                let (start, end) = (n * f / blocks, n * (f + 1) / blocks);
                if start >= end {
                    continue;
                }
                let first_scored = data.rows[rows[start]].candle as usize;
                fit.extend(rows[..start].iter().filter(|&&r| data.rows[r].candle as usize + gap < first_scored));
                score.extend_from_slice(&rows[start..end]);
            }
            (fit, score)
        })
        .filter(|(fit, score)| !fit.is_empty() && !score.is_empty())
        .collect()
}

/// Runs the search; returns the chosen parameters and the report.
pub fn search(
    cfg: &CheckedConfig,
    spec: &SearchSpec,
    data: &Dataset,
    train_rows: &[usize],
    cancel: &AtomicBool,
    progress: &dyn Fn(f64),
) -> Result<(ModelParams, SearchReport)> {
    let folds = temporal_folds(data, train_rows, spec.folds as usize, cfg.split.purge_gap);
    if folds.is_empty() {
        return Err(EngineError::InvalidConfig(
            "model.search: the training rows are too few to cut into temporal folds".into(),
        ));
    }
    let started = Instant::now();
    let n_classes = data.class_names.len();
    let candidates = candidates(&cfg.model, spec.trials as usize, cfg.seed);
    let mut trials: Vec<Trial> = Vec::new();
    let mut stopped_by_time = false;
    for (i, params) in candidates.iter().enumerate() {
        if i > 0 && started.elapsed().as_secs() >= spec.max_seconds {
            stopped_by_time = true;
            break;
        }
        let t0 = Instant::now();
        let mut losses = Vec::new();
        for (f, (fit_rows, score_rows)) in folds.iter().enumerate() {
            let pairs = data.pairs(fit_rows);
            let classes: Vec<u32> = pairs.iter().map(|&(_, c)| c).collect();
            let indices: Vec<usize> = (0..pairs.len()).collect();
            let balanced = balance(&indices, &classes, &data.class_names, 0, &cfg.balance);
            let x = data.x.select(&balanced.rows.iter().map(|&k| pairs[k].0).collect::<Vec<_>>());
            let y: Vec<u32> = balanced.rows.iter().map(|&k| pairs[k].1).collect();
            if y.iter().collect::<std::collections::BTreeSet<_>>().len() < 2 {
                continue;
            }
            let score_pairs = data.pairs(score_rows);
            let vx = data.x.select(&score_pairs.iter().map(|&(r, _)| r).collect::<Vec<_>>());
            let vy: Vec<u32> = score_pairs.iter().map(|&(_, c)| c).collect();
            let train_view = DatasetView { x: &x, y: &y, weights: balanced.weights.as_deref(), n_classes };
            let valid_view = DatasetView { x: &vx, y: &vy, weights: None, n_classes };
            let done = (i * folds.len() + f) as f64 / (candidates.len() * folds.len()) as f64;
            let on_round = |r: f64| progress(done + r / (candidates.len() * folds.len()) as f64);
            let control = FitControl { cancel, progress: &on_round };
            let fitted = params.fit(&train_view, Some(&valid_view), &control)?;
            let best = fitted
                .history
                .iter()
                .filter(|h| h.name.contains("logloss"))
                .map(|h| h.value)
                .fold(f64::INFINITY, f64::min);
            if best.is_finite() {
                losses.push(best);
            }
        }
        let cv_logloss =
            if losses.is_empty() { f64::INFINITY } else { losses.iter().sum::<f64>() / losses.len() as f64 };
        trials.push(Trial { params: describe(params), cv_logloss, seconds: t0.elapsed().as_secs_f64() });
    }
    let best = trials.iter().enumerate().min_by(|a, b| a.1.cv_logloss.total_cmp(&b.1.cv_logloss)).map_or(0, |(i, _)| i);
    // The final fit keeps the config's own early-stopping setting.
    let chosen = match (boosted(&candidates[best]), boosted(&cfg.model)) {
        (Some(p), Some(orig)) if best > 0 => with_boosted(
            &cfg.model,
            BoostedTreeParams { early_stopping_rounds: orig.early_stopping_rounds, ..p.clone() },
        ),
        _ => cfg.model.clone(),
    };
    Ok((chosen, SearchReport { trials, best, folds: folds.len() as u32, stopped_by_time }))
}
