//! The label-error finder (confident learning, as cleanlab does it).
//!
//! Every row of the training table gets an out-of-sample class distribution from a blocked,
//! purged K-fold cross-validation: fold `f` is the `f`-th stretch of time of every series, and
//! the model that predicts it never trains on a row within the purge gap of that stretch (rows
//! there share input candles with it). Each human span is then scored by its *self-confidence*,
//! the mean out-of-fold probability of the label a person gave it; the least confident come
//! first. A span is flagged as a likely error when some other label (or "no pattern") reaches
//! that label's own threshold — its mean out-of-fold probability over the rows that carry it —
//! which is the off-diagonal of cleanlab's confident joint.
use crate::annotations::{AnnotationSource, IndexedAnnotation, SpanKind};
use crate::balance::balance;
use crate::config::PipelineConfig;
use crate::dataset::Dataset;
use crate::error::{catch_panic, EngineError, Result};
use crate::models::{argmax, DatasetView, Fit, FitControl, ModelKind, Probabilities};
use crate::train::{prepare, Prepared};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// The label a span gets when the model thinks no pattern is there.
pub const NO_PATTERN: &str = "background";

#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct LabelErrorOptions {
    /// Cross-validation folds, 2..=10 (5 by default).
    pub folds: Option<usize>,
}

/// One human span (source human, model-confirmed or model-corrected) with its out-of-sample scores.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelIssue {
    /// 1 = most likely mislabelled.
    pub rank: usize,
    /// The annotation record's `id`, when it had one.
    pub id: Option<String>,
    pub series: String,
    /// Inclusive candle indices into the series.
    pub start: usize,
    pub end: usize,
    pub start_time: f64,
    pub end_time: f64,
    pub label: String,
    pub source: AnnotationSource,
    /// Mean out-of-fold probability of `label` over the span's rows (0..=1).
    pub self_confidence: f64,
    /// The most probable other label, or `background` for "no pattern here".
    pub suggested_label: String,
    /// Mean out-of-fold probability of `suggested_label` over the span's rows.
    pub suggested_probability: f64,
    /// Another label reaches its own confidence threshold here (confident-joint rule).
    pub likely_error: bool,
    /// Rows of the table whose target candle lies in the span.
    pub rows: usize,
}

/// A human span that could not be scored (no row targets any of its candles: warm-up,
/// look-ahead or stride).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnscoredSpan {
    pub id: Option<String>,
    pub series: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelErrorReport {
    pub folds: usize,
    pub model_type: ModelKind,
    /// Rows that got out-of-fold probabilities (every row of the table).
    pub rows: usize,
    /// Per label (and `background`): mean out-of-fold probability over the rows carrying it.
    pub thresholds: BTreeMap<String, f64>,
    /// Share of rows whose out-of-fold top label is their own (a sanity figure for the scores).
    pub out_of_fold_accuracy: f64,
    /// Human spans, least self-confident first.
    pub issues: Vec<LabelIssue>,
    pub likely_errors: usize,
    pub unscored: Vec<UnscoredSpan>,
    pub warnings: Vec<String>,
}

/// Overall progress at which each stage starts; `folds` fills most of the run.
const STAGES: [(&str, f64); 6] =
    [("load", 0.0), ("features", 0.03), ("labels", 0.08), ("dataset", 0.12), ("folds", 0.18), ("rank", 0.97)];

fn stage_start(name: &str) -> f64 {
    STAGES.iter().find(|(n, _)| *n == name).map_or(0.0, |s| s.1)
}

/// Cross-validates the pipeline `cfg` describes and ranks its human spans by self-confidence.
/// `progress(stage, fraction)` reports overall progress; `cancel` stops at the next check.
pub fn find_label_errors(
    cfg: &PipelineConfig,
    options: &LabelErrorOptions,
    progress: &dyn Fn(&str, f64),
    cancel: &AtomicBool,
) -> Result<LabelErrorReport> {
    catch_panic(|| {
        let folds = options.folds.unwrap_or(5);
        if !(2..=10).contains(&folds) {
            return Err(EngineError::InvalidArgument(format!("folds must be within 2..=10, got {folds}")));
        }
        let cfg = cfg.validate()?;
        let enter = |stage: &str| -> Result<()> {
            if cancel.load(Ordering::Relaxed) {
                return Err(EngineError::Cancelled);
            }
            progress(stage, stage_start(stage));
            Ok(())
        };
        let prepared = prepare(&cfg, false, &enter)?;
        let human_positives = prepared.human.iter().flatten().filter(|a| is_ranked(a)).count();
        if human_positives == 0 {
            return Err(EngineError::InvalidAnnotations(
                "there are no human pattern spans to check: the finder ranks what people labelled".into(),
            ));
        }

        enter("folds")?;
        let assignment = fold_of_rows(&prepared.data, prepared.series.len(), folds);
        let (start, end) = (stage_start("folds"), stage_start("rank"));
        let oof = out_of_fold(&cfg, &prepared.data, &assignment, folds, cancel, &|f| {
            progress("folds", start + (end - start) * f)
        })?;

        enter("rank")?;
        let report = rank_spans(&prepared, &oof, folds, cfg.model.kind());
        progress("rank", 1.0);
        Ok(report)
    })
}

/// Each row's fold: the rows of a series, in time order, cut into `k` equal stretches.
struct FoldAssignment {
    of_row: Vec<usize>,
    /// Per fold, per series: first and last target candle held out, if any.
    held_out: Vec<Vec<Option<(usize, usize)>>>,
}

fn fold_of_rows(data: &Dataset, n_series: usize, k: usize) -> FoldAssignment {
    let mut by_series: Vec<Vec<usize>> = vec![Vec::new(); n_series];
    for (i, r) in data.rows.iter().enumerate() {
        by_series[r.series as usize].push(i);
    }
    let mut of_row = vec![0; data.rows.len()];
    let mut held_out = vec![vec![None; n_series]; k];
    for (s, rows) in by_series.iter().enumerate() {
        let n = rows.len();
        for f in 0..k {
            let block = &rows[n * f / k..n * (f + 1) / k];
            if let (Some(&first), Some(&last)) = (block.first(), block.last()) {
                block.iter().for_each(|&r| of_row[r] = f);
                held_out[f][s] = Some((data.rows[first].candle as usize, data.rows[last].candle as usize));
            }
        }
    }
    FoldAssignment { of_row, held_out }
}

/// Out-of-fold probabilities for every row: fold `f` is predicted by a model fitted on the other
/// folds minus the purge gap around `f`'s stretch of each series.
fn out_of_fold(
    cfg: &crate::config::CheckedConfig,
    data: &Dataset,
    folds: &FoldAssignment,
    k: usize,
    cancel: &AtomicBool,
    progress: &dyn Fn(f64),
) -> Result<Probabilities> {
    let n_classes = data.class_names.len();
    let gap = cfg.split.purge_gap;
    let mut values = vec![0.0; data.rows.len() * n_classes];
    for f in 0..k {
        let near_held_out = |r: usize| {
            let row = data.rows[r];
            folds.held_out[f][row.series as usize].is_some_and(|(a, b)| {
                let c = row.candle as usize;
                c + gap >= a && c <= b + gap
            })
        };
        let test: Vec<usize> = (0..data.rows.len()).filter(|&r| folds.of_row[r] == f).collect();
        if test.is_empty() {
            continue;
        }
        let train: Vec<usize> = (0..data.rows.len()).filter(|&r| folds.of_row[r] != f && !near_held_out(r)).collect();
        let balanced = balance(&train, &data.y, &data.class_names, 0, &cfg.balance);
        let classes: std::collections::BTreeSet<u32> = balanced.rows.iter().map(|&r| data.y[r]).collect();
        if classes.len() < 2 {
            return Err(EngineError::InvalidAnnotations(format!(
                "fold {} of {k}: the rows outside it hold a single class; label more spans or use fewer folds",
                f + 1
            )));
        }
        let x = data.x.select(&balanced.rows);
        let y: Vec<u32> = balanced.rows.iter().map(|&r| data.y[r]).collect();
        let view = DatasetView { x: &x, y: &y, weights: balanced.weights.as_deref(), n_classes };
        let on_round = |done: f64| progress((f as f64 + done) / k as f64);
        let control = FitControl { cancel, progress: &on_round };
        let fitted = cfg.model.fit(&view, None, &control)?;
        let predicted = fitted.model.predict_proba(&data.x.select(&test))?;
        for (i, &r) in test.iter().enumerate() {
            values[r * n_classes..(r + 1) * n_classes].copy_from_slice(predicted.row(i));
        }
        progress((f + 1) as f64 / k as f64);
    }
    Probabilities::new(values, n_classes)
}

/// Class probabilities folded onto labels: index 0 is `background`, then `data.labels` in order
/// (a BIO label's mass is its `B-` plus its `I-` probability).
struct LabelMass {
    names: Vec<String>,
    /// Per class id: its label index.
    label_of_class: Vec<usize>,
}

impl LabelMass {
    fn new(data: &Dataset) -> Self {
        let mut names = vec![NO_PATTERN.to_string()];
        names.extend(data.labels.iter().cloned());
        let label_of_class = data
            .class_names
            .iter()
            .map(|c| {
                data.spec
                    .encoding
                    .parse_class(c)
                    .and_then(|(label, _)| data.labels.iter().position(|l| l == label))
                    .map_or(0, |i| i + 1)
            })
            .collect();
        LabelMass { names, label_of_class }
    }

    fn add_row(&self, probabilities: &[f64], into: &mut [f64]) {
        for (c, &p) in probabilities.iter().enumerate() {
            into[self.label_of_class[c]] += p;
        }
    }
}

fn rank_spans(prepared: &Prepared, oof: &Probabilities, folds: usize, model_type: ModelKind) -> LabelErrorReport {
    let data = &prepared.data;
    let mass = LabelMass::new(data);
    let n_labels = mass.names.len();

    // Thresholds: each label's mean probability over the rows that carry it.
    let mut sums = vec![0.0; n_labels];
    let mut counts = vec![0usize; n_labels];
    let mut correct = 0usize;
    let mut row_mass = vec![0.0; n_labels];
    for r in 0..oof.n_rows {
        row_mass.iter_mut().for_each(|v| *v = 0.0);
        mass.add_row(oof.row(r), &mut row_mass);
        let given = mass.label_of_class[data.y[r] as usize];
        sums[given] += row_mass[given];
        counts[given] += 1;
        if argmax(&row_mass) == given {
            correct += 1;
        }
    }
    let thresholds: Vec<f64> = sums.iter().zip(&counts).map(|(s, &n)| if n > 0 { s / n as f64 } else { 1.0 }).collect();

    // Rows by (series, target candle), to find each span's rows.
    let mut rows_of_series: Vec<Vec<(usize, usize)>> = vec![Vec::new(); prepared.series.len()];
    for (r, row) in data.rows.iter().enumerate() {
        rows_of_series[row.series as usize].push((row.candle as usize, r));
    }

    let mut issues = Vec::new();
    let mut unscored = Vec::new();
    let mut warnings = prepared.warnings.clone();
    for (s, spans) in prepared.human.iter().enumerate() {
        let series = &prepared.series[s];
        let rows = &rows_of_series[s];
        for span in spans.iter().filter(|a| is_ranked(a)) {
            let Some(label_index) = mass.names.iter().skip(1).position(|l| *l == span.label).map(|i| i + 1) else {
                // Below min_examples or outside `classes`: the model has no such class.
                warnings.push(format!(
                    "span {} ('{}') was not scored: the label is not in the model's label set",
                    span.origin, span.label
                ));
                continue;
            };
            // The `end` encoding marks a span on its last candle: that row scores it.
            let first = if data.spec.encoding == crate::dataset::Encoding::End { span.end } else { span.start };
            let from = rows.partition_point(|&(c, _)| c < first);
            let to = rows.partition_point(|&(c, _)| c <= span.end);
            if from == to {
                unscored.push(UnscoredSpan {
                    id: span.id.clone(),
                    series: series.id.clone(),
                    start: span.start,
                    end: span.end,
                    label: span.label.clone(),
                });
                continue;
            }
            let mut mean = vec![0.0; n_labels];
            for &(_, r) in &rows[from..to] {
                mass.add_row(oof.row(r), &mut mean);
            }
            let n = (to - from) as f64;
            mean.iter_mut().for_each(|v| *v /= n);
            let (suggested, _) = mean
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != label_index)
                .fold((0, f64::NEG_INFINITY), |best, (i, &p)| if p > best.1 { (i, p) } else { best });
            let likely_error = (0..n_labels).any(|i| i != label_index && mean[i] >= thresholds[i] && mean[i] > 0.0);
            issues.push(LabelIssue {
                rank: 0,
                id: span.id.clone(),
                series: series.id.clone(),
                start: span.start,
                end: span.end,
                start_time: series.candles.time[span.start],
                end_time: series.candles.time[span.end],
                label: span.label.clone(),
                source: span.source,
                self_confidence: mean[label_index],
                suggested_label: mass.names[suggested].clone(),
                suggested_probability: mean[suggested],
                likely_error,
                rows: to - from,
            });
        }
    }
    issues.sort_by(|a, b| {
        a.self_confidence
            .total_cmp(&b.self_confidence)
            .then_with(|| a.series.cmp(&b.series))
            .then(a.start.cmp(&b.start))
    });
    for (i, issue) in issues.iter_mut().enumerate() {
        issue.rank = i + 1;
    }
    LabelErrorReport {
        folds,
        model_type,
        rows: oof.n_rows,
        thresholds: mass.names.iter().cloned().zip(thresholds).collect(),
        out_of_fold_accuracy: if oof.n_rows > 0 { correct as f64 / oof.n_rows as f64 } else { 0.0 },
        likely_errors: issues.iter().filter(|i| i.likely_error).count(),
        issues,
        unscored,
        warnings,
    }
}

/// The spans the finder checks: positives a person made or accepted (TA-Lib records in a span
/// file train the model but are not ranked).
fn is_ranked(a: &IndexedAnnotation) -> bool {
    a.kind == SpanKind::Positive && a.source.is_human()
}
