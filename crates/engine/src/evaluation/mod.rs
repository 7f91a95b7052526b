//! Evaluation of one split: per-class precision/recall/F1/support, macro-F1, confusion matrix,
//! PR-AUC per class, and span-level precision/recall/F1 (decoded spans matched at IoU >= 0.5).
pub mod decode;
pub mod headline;
mod partial;
pub mod spans;

pub use decode::{decode, window_suffices, LabelDecoder, SpanDecoder, WindowSuffices};
pub use headline::{score_spans, Headline, SequenceSpans};
pub use partial::{PartialEvaluation, SpanSequence, SCORE_BINS};
pub use spans::{decode_spans, iou, match_spans, BoundaryCounts, PredictedSpan, SpanMatchReport, SpanScores};

use crate::dataset::Encoding;
use crate::models::Probabilities;
use serde::{Deserialize, Serialize};
use spans::{f1, ratio};

/// A predicted span matches a true one of the same label at this IoU or more.
pub const SPAN_MIN_IOU: f64 = 0.5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassMetrics {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// True rows of this class.
    pub support: usize,
    /// Rows predicted as this class.
    pub predicted: usize,
    /// Area under the precision-recall curve (average precision, one-vs-rest); null without support.
    pub pr_auc: Option<f64>,
}

/// The scores of always predicting the training set's most frequent class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    pub class: String,
    pub accuracy: f64,
    pub macro_f1: f64,
}

/// One class's precision-recall curve (for plots).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrCurve {
    pub label: String,
    /// (recall, precision), recall increasing.
    pub points: Vec<(f64, f64)>,
    pub average_precision: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitMetrics {
    pub rows: usize,
    pub accuracy: f64,
    /// Mean F1 over the classes that occur in the truth or the predictions (scikit-learn's default).
    pub macro_f1: f64,
    pub classes: Vec<ClassMetrics>,
    /// `confusion[true][predicted]`, classes in `labels` order.
    pub confusion: Vec<Vec<usize>>,
    pub labels: Vec<String>,
    pub spans: SpanMatchReport,
    /// The figures users compare: per-pattern macro-F1 at each pattern's last candle (background
    /// excluded), per-candle balanced accuracy, span-F1 at IoU >= 0.5, boundary exactness.
    #[serde(default)]
    pub headline: Headline,
    pub baseline: Baseline,
    #[serde(skip)]
    pub pr_curves: Vec<PrCurve>,
}

/// What `evaluate` needs about one split.
pub struct EvalInput<'a> {
    pub y_true: &'a [u32],
    pub probabilities: &'a Probabilities,
    pub class_names: &'a [String],
    pub encoding: Encoding,
    /// Row indices of each contiguous stretch (one series, one split), in time order: spans are
    /// decoded per stretch, never across a gap.
    pub sequences: &'a [Vec<usize>],
    /// Candles each row stands for in span decoding (the stride for windowed rows, else 1).
    pub candles_per_row: usize,
    /// Predicted spans shorter than this (in candles) are dropped.
    pub min_span_len: usize,
    /// The training set's most frequent class, for the baseline.
    pub baseline_class: u32,
}

pub fn evaluate(input: &EvalInput<'_>) -> SplitMetrics {
    let k = input.class_names.len();
    let probs = input.probabilities;
    let predicted: Vec<u32> = (0..probs.n_rows).map(|i| probs.argmax(i) as u32).collect();
    let (classes, confusion, accuracy, macro_f1) = class_scores(input.y_true, &predicted, input.class_names);
    let mut classes = classes;
    let mut pr_curves = Vec::new();
    for (c, cm) in classes.iter_mut().enumerate() {
        if cm.support == 0 {
            continue;
        }
        let scores: Vec<f64> = (0..probs.n_rows).map(|i| probs.row(i)[c]).collect();
        let positives: Vec<bool> = input.y_true.iter().map(|&y| y as usize == c).collect();
        let curve = pr_curve(&scores, &positives, &input.class_names[c]);
        cm.pr_auc = Some(curve.average_precision);
        pr_curves.push(curve);
    }
    let baseline_pred = vec![input.baseline_class; input.y_true.len()];
    let (_, _, b_acc, b_f1) = class_scores(input.y_true, &baseline_pred, input.class_names);
    let spans = span_scores(input, k);
    SplitMetrics {
        rows: input.y_true.len(),
        accuracy,
        macro_f1,
        classes,
        confusion,
        labels: input.class_names.to_vec(),
        spans,
        headline: Headline::default(),
        baseline: Baseline {
            class: input.class_names.get(input.baseline_class as usize).cloned().unwrap_or_default(),
            accuracy: b_acc,
            macro_f1: b_f1,
        },
        pr_curves,
    }
}

type ClassScores = (Vec<ClassMetrics>, Vec<Vec<usize>>, f64, f64);

fn class_scores(y_true: &[u32], y_pred: &[u32], class_names: &[String]) -> ClassScores {
    let k = class_names.len();
    let mut confusion = vec![vec![0usize; k]; k];
    for (&t, &p) in y_true.iter().zip(y_pred) {
        confusion[t as usize][p as usize] += 1;
    }
    scores_from_confusion(confusion, class_names)
}

/// Per-class scores, accuracy and macro-F1 of a confusion matrix (`confusion[true][predicted]`).
fn scores_from_confusion(confusion: Vec<Vec<usize>>, class_names: &[String]) -> ClassScores {
    let k = class_names.len();
    let rows: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..k).map(|c| confusion[c][c]).sum();
    let mut classes = Vec::with_capacity(k);
    let mut f1_sum = 0.0;
    let mut counted = 0usize;
    for c in 0..k {
        let support: usize = confusion[c].iter().sum();
        let predicted: usize = (0..k).map(|t| confusion[t][c]).sum();
        let tp = confusion[c][c];
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, support);
        let f = f1(precision, recall);
        if support > 0 || predicted > 0 {
            f1_sum += f;
            counted += 1;
        }
        classes.push(ClassMetrics {
            label: class_names[c].clone(),
            precision,
            recall,
            f1: f,
            support,
            predicted,
            pr_auc: None,
        });
    }
    let macro_f1 = if counted == 0 { 0.0 } else { f1_sum / counted as f64 };
    (classes, confusion, ratio(correct, rows), macro_f1)
}

/// Precision-recall curve and average precision (scikit-learn's step-wise definition:
/// AP = sum over thresholds of (R_n - R_{n-1}) * P_n), tied scores forming one threshold.
fn pr_curve(scores: &[f64], positives: &[bool], label: &str) -> PrCurve {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut groups = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        let (mut pos, mut neg) = (0usize, 0usize);
        while i < order.len() && scores[order[i]] == s {
            if positives[order[i]] {
                pos += 1
            } else {
                neg += 1
            }
            i += 1;
        }
        groups.push((pos, neg));
    }
    pr_curve_of_groups(groups, label)
}

/// The precision-recall curve of rows grouped by score, highest score first: each group is
/// `(positives, negatives)` sharing one threshold.
fn pr_curve_of_groups(groups: impl IntoIterator<Item = (usize, usize)> + Clone, label: &str) -> PrCurve {
    let total_pos: usize = groups.clone().into_iter().map(|(p, _)| p).sum();
    let mut points = Vec::new();
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut ap = 0.0;
    let mut prev_recall = 0.0;
    for (pos, neg) in groups {
        if pos + neg == 0 {
            continue;
        }
        tp += pos;
        fp += neg;
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, total_pos);
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
        points.push((recall, precision));
    }
    PrCurve { label: label.to_string(), points: downsample(points, 200), average_precision: ap }
}

fn downsample(points: Vec<(f64, f64)>, max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max {
        return points;
    }
    let step = points.len() as f64 / max as f64;
    let mut out: Vec<(f64, f64)> = (0..max).map(|j| points[(j as f64 * step) as usize]).collect();
    out.push(*points.last().expect("non-empty"));
    out
}

fn span_scores(input: &EvalInput<'_>, k: usize) -> SpanMatchReport {
    let mut report = SpanMatchReport { min_iou: SPAN_MIN_IOU, ..Default::default() };
    let repeat = input.candles_per_row.max(1);
    for rows in input.sequences {
        let mut pred = Vec::with_capacity(rows.len() * repeat * k);
        let mut truth = Vec::with_capacity(rows.len() * repeat * k);
        for &r in rows {
            for _ in 0..repeat {
                pred.extend_from_slice(input.probabilities.row(r));
                let mut one_hot = vec![0.0; k];
                one_hot[input.y_true[r] as usize] = 1.0;
                truth.extend(one_hot);
            }
        }
        let (Ok(pred), Ok(truth)) = (Probabilities::new(pred, k), Probabilities::new(truth, k)) else {
            continue;
        };
        let predicted = decode_spans(&pred, input.class_names, input.encoding, input.min_span_len);
        let true_spans = decode_spans(&truth, input.class_names, input.encoding, 1);
        let r = match_spans(&predicted, &true_spans, SPAN_MIN_IOU);
        report.overall.add(&r.overall);
        report.boundaries.add(&r.boundaries);
        for (label, s) in r.per_label {
            report.per_label.entry(label).or_default().add(&s);
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_scores_and_confusion() {
        let names: Vec<String> = ["O", "a", "b"].iter().map(|s| s.to_string()).collect();
        let y_true = [0, 0, 1, 1, 2];
        let y_pred = [0, 1, 1, 0, 0];
        let (classes, confusion, acc, macro_f1) = class_scores(&y_true, &y_pred, &names);
        assert_eq!(confusion, vec![vec![1, 1, 0], vec![1, 1, 0], vec![1, 0, 0]]);
        assert_eq!(acc, 0.4);
        assert!((classes[0].precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(classes[1].f1, 0.5);
        assert_eq!(classes[2].f1, 0.0);
        assert!((macro_f1 - (0.4 + 0.5 + 0.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn average_precision_matches_sklearn() {
        // sklearn.metrics.average_precision_score([0,0,1,1], [0.1,0.4,0.35,0.8]) == 0.8333...
        let c = pr_curve(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true], "x");
        assert!((c.average_precision - 0.8333333333333333).abs() < 1e-12);
    }
}
