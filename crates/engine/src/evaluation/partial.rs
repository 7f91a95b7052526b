//! Evaluation that adds up across workers: a distributed run evaluates each worker's rows where
//! they are and sends counts — the confusion matrix and per-class score histograms — and its
//! decoded and true spans, which the coordinator merges and scores as one split.
//!
//! Everything but the precision-recall curves is exact (the same numbers the single-process run
//! gives on all rows at once: every series lies on one worker, so spans never cross workers).
//! PR curves and PR-AUC come from [`SCORE_BINS`] score bins per class, ties within a bin forming
//! one threshold.
use super::headline::{score_spans, SequenceSpans};
use super::spans::PredictedSpan;
use super::{pr_curve_of_groups, scores_from_confusion, Baseline, EvalInput, SplitMetrics};
use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};

/// Score bins of the PR histograms (width 0.001).
pub const SCORE_BINS: usize = 1000;

/// One stretch of consecutive candles (positions `0..len`): its decoded spans and its true ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanSequence {
    pub predicted: Vec<PredictedSpan>,
    pub truth: Vec<PredictedSpan>,
    pub len: usize,
}

impl SpanSequence {
    pub fn scored(&self) -> SequenceSpans<'_> {
        SequenceSpans { predicted: &self.predicted, truth: &self.truth, len: self.len }
    }
}

/// One worker's evaluation of one split, in counts (and its spans, which are few).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartialEvaluation {
    /// `confusion[true][predicted]`.
    pub confusion: Vec<Vec<usize>>,
    pub sequences: Vec<SpanSequence>,
    /// Per class, rows of that class by score bin of the class's probability.
    pub positive_scores: Vec<Vec<u64>>,
    /// Per class, rows of other classes by score bin.
    pub negative_scores: Vec<Vec<u64>>,
}

fn bin(score: f64) -> usize {
    if score.is_finite() {
        ((score.clamp(0.0, 1.0) * SCORE_BINS as f64) as usize).min(SCORE_BINS - 1)
    } else {
        0
    }
}

impl PartialEvaluation {
    /// Counts one split's rows; `sequences`: its spans, decoded as the single-process run does.
    pub fn of(input: &EvalInput<'_>, sequences: Vec<SpanSequence>) -> PartialEvaluation {
        let k = input.class_names.len();
        let probs = input.probabilities;
        let mut confusion = vec![vec![0usize; k]; k];
        let mut positive_scores = vec![vec![0u64; SCORE_BINS]; k];
        let mut negative_scores = vec![vec![0u64; SCORE_BINS]; k];
        for (i, &t) in input.y_true.iter().enumerate() {
            let row = probs.row(i);
            confusion[t as usize][probs.argmax(i)] += 1;
            for (c, &p) in row.iter().enumerate() {
                let hist = if c == t as usize { &mut positive_scores[c] } else { &mut negative_scores[c] };
                hist[bin(p)] += 1;
            }
        }
        PartialEvaluation { confusion, sequences, positive_scores, negative_scores }
    }

    /// An empty evaluation of `k` classes (what a worker without rows in the split sends).
    pub fn empty(k: usize) -> PartialEvaluation {
        PartialEvaluation {
            confusion: vec![vec![0; k]; k],
            sequences: Vec::new(),
            positive_scores: vec![vec![0; SCORE_BINS]; k],
            negative_scores: vec![vec![0; SCORE_BINS]; k],
        }
    }

    pub fn rows(&self) -> usize {
        self.confusion.iter().flatten().sum()
    }

    /// Adds another worker's counts (same classes).
    pub fn merge(&mut self, other: &PartialEvaluation) -> Result<()> {
        let k = self.confusion.len();
        let shaped = |e: &PartialEvaluation| {
            e.confusion.len() == k
                && e.confusion.iter().all(|r| r.len() == k)
                && e.positive_scores.len() == k
                && e.negative_scores.len() == k
                && e.positive_scores.iter().chain(&e.negative_scores).all(|h| h.len() == SCORE_BINS)
        };
        if !shaped(self) || !shaped(other) {
            return Err(EngineError::Internal("partial evaluations of different shapes".into()));
        }
        for (a, b) in self.confusion.iter_mut().zip(&other.confusion) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        for (mine, theirs) in
            [(&mut self.positive_scores, &other.positive_scores), (&mut self.negative_scores, &other.negative_scores)]
        {
            for (a, b) in mine.iter_mut().zip(theirs) {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            }
        }
        self.sequences.extend(other.sequences.iter().cloned());
        Ok(())
    }

    /// The split's metrics from the merged counts; `labels`: the run's pattern labels.
    pub fn finish(self, class_names: &[String], labels: &[String], baseline_class: u32) -> SplitMetrics {
        let supports: Vec<usize> = self.confusion.iter().map(|r| r.iter().sum()).collect();
        let rows = self.rows();
        let (mut classes, confusion, accuracy, macro_f1) = scores_from_confusion(self.confusion, class_names);
        let mut pr_curves = Vec::new();
        for (c, cm) in classes.iter_mut().enumerate() {
            if cm.support == 0 {
                continue;
            }
            let (pos, neg) = (&self.positive_scores[c], &self.negative_scores[c]);
            let groups = (0..SCORE_BINS).rev().map(|b| (pos[b] as usize, neg[b] as usize));
            let curve = pr_curve_of_groups(groups, &class_names[c]);
            cm.pr_auc = Some(curve.average_precision);
            pr_curves.push(curve);
        }
        // Always predicting the baseline class: every row lands in its column.
        let k = class_names.len();
        let mut baseline = vec![vec![0usize; k]; k];
        for (t, n) in supports.iter().enumerate() {
            if let Some(cell) = baseline[t].get_mut(baseline_class as usize) {
                *cell = *n;
            }
        }
        let (_, _, b_acc, b_f1) = scores_from_confusion(baseline, class_names);
        let scored: Vec<SequenceSpans<'_>> = self.sequences.iter().map(SpanSequence::scored).collect();
        let (headline, spans) = score_spans(&scored, labels);
        SplitMetrics {
            rows,
            accuracy,
            macro_f1,
            classes,
            confusion,
            labels: class_names.to_vec(),
            spans,
            headline,
            baseline: Baseline {
                class: class_names.get(baseline_class as usize).cloned().unwrap_or_default(),
                accuracy: b_acc,
                macro_f1: b_f1,
            },
            pr_curves,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Encoding;
    use crate::evaluation::evaluate;
    use crate::models::Probabilities;

    /// Two halves evaluated apart and merged score like the whole, except the binned PR-AUC.
    #[test]
    fn merged_halves_equal_the_whole() {
        let names: Vec<String> = ["O", "B-a", "I-a"].iter().map(|s| s.to_string()).collect();
        let y: Vec<u32> = vec![0, 1, 2, 2, 0, 0, 1, 2, 0, 0, 1, 0];
        let mut p = Vec::new();
        for (i, &t) in y.iter().enumerate() {
            let mut row = vec![0.1, 0.1, 0.1];
            row[(t as usize + usize::from(i % 5 == 0)) % 3] = 0.8;
            p.extend(row);
        }
        let probs = Probabilities::new(p, 3).unwrap();
        let slice = |rows: std::ops::Range<usize>| {
            let sel: Vec<usize> = rows.clone().collect();
            (probs.select(&sel), y[rows].to_vec())
        };
        let with_input = |probs: &Probabilities, y: &[u32], f: &mut dyn FnMut(&EvalInput<'_>)| {
            let sequences = vec![(0..y.len()).collect::<Vec<_>>()];
            f(&EvalInput {
                y_true: y,
                probabilities: probs,
                class_names: &names,
                encoding: Encoding::Bio,
                sequences: &sequences,
                candles_per_row: 1,
                min_span_len: 1,
                baseline_class: 0,
            })
        };
        let mut whole = None;
        with_input(&probs, &y, &mut |input| whole = Some(evaluate(input)));
        let whole = whole.unwrap();
        let mut parts = Vec::new();
        for rows in [0..6, 6..12] {
            let (p, y) = slice(rows);
            with_input(&p, &y, &mut |input| {
                let span = |start, end| PredictedSpan { start, end, label: "a".into(), confidence: 1.0 };
                let sequences = vec![SpanSequence { predicted: vec![span(1, 2)], truth: vec![span(1, 3)], len: 6 }];
                parts.push(PartialEvaluation::of(input, sequences))
            });
        }
        let sequences: Vec<SpanSequence> = parts.iter().flat_map(|p| p.sequences.clone()).collect();
        let mut merged = parts.remove(0);
        merged.merge(&parts[0]).unwrap();
        let got = merged.finish(&names, &["a".to_string()], 0);
        assert_eq!(got.confusion, whole.confusion);
        assert_eq!(got.macro_f1, whole.macro_f1);
        assert_eq!(got.accuracy, whole.accuracy);
        assert_eq!(got.baseline, whole.baseline);
        // The spans of every worker's sequences, scored together.
        let scored: Vec<SequenceSpans<'_>> = sequences.iter().map(SpanSequence::scored).collect();
        let (headline, spans) = score_spans(&scored, &["a".to_string()]);
        assert_eq!((got.headline, got.spans), (headline, spans));
        for (a, b) in got.classes.iter().zip(&whole.classes) {
            assert_eq!((a.precision, a.recall, a.f1, a.support), (b.precision, b.recall, b.f1, b.support));
            // Scores 0.1 and 0.8 fall in distinct bins: the binned curve is exact here.
            assert_eq!(a.pr_auc, b.pr_auc);
        }
    }
}
