//! The figures users compare across tools, computed on spans (predicted spans against the spans
//! people labelled, which may nest or overlap):
//!
//! - **per-pattern macro-F1**: for each pattern label, the F1 of its span *ends* — a predicted span
//!   counts as found when a true span of its label ends on the same candle — averaged over the
//!   labels that occur in the truth or the predictions; background is not a class here;
//! - **per-candle balanced accuracy**: the mean, over background and each label, of the share of
//!   that class's candles (candles a true span of the label covers; background: candles no true
//!   span covers) that the predicted spans cover the same way;
//! - **span-F1** at IoU >= 0.5 (`match_spans`) and how exactly matched boundaries agree.
use super::spans::{match_spans, BoundaryCounts, PredictedSpan, SpanMatchReport, SpanScores};
use super::SPAN_MIN_IOU;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Headline {
    pub pattern_macro_f1: f64,
    /// Per label: true and predicted span ends and how many coincide.
    pub per_pattern: BTreeMap<String, SpanScores>,
    pub balanced_accuracy: f64,
    pub span_f1: f64,
    pub boundaries: BoundaryCounts,
}

/// One stretch of consecutive candles (positions `0..len`) with its predicted and true spans.
pub struct SequenceSpans<'a> {
    pub predicted: &'a [PredictedSpan],
    pub truth: &'a [PredictedSpan],
    pub len: usize,
}

/// The headline figures and the span matching over `sequences`, for the pattern `labels`.
pub fn score_spans(sequences: &[SequenceSpans<'_>], labels: &[String]) -> (Headline, SpanMatchReport) {
    let mut matching = SpanMatchReport { min_iou: SPAN_MIN_IOU, ..Default::default() };
    let mut ends: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new(); // true, predicted, both
                                                                           // Per class (label index, background last): candles of the class, and those predicted alike.
    let mut coverage = vec![(0usize, 0usize); labels.len() + 1];
    for seq in sequences {
        let r = match_spans(seq.predicted, seq.truth, SPAN_MIN_IOU);
        matching.overall.add(&r.overall);
        matching.boundaries.add(&r.boundaries);
        for (label, s) in r.per_label {
            matching.per_label.entry(label).or_default().add(&s);
        }
        for (i, label) in labels.iter().enumerate() {
            let true_ends: BTreeSet<usize> = seq.truth.iter().filter(|s| s.label == *label).map(|s| s.end).collect();
            let pred_ends: BTreeSet<usize> =
                seq.predicted.iter().filter(|s| s.label == *label).map(|s| s.end).collect();
            let e = ends.entry(label.as_str()).or_default();
            e.0 += true_ends.len();
            e.1 += pred_ends.len();
            e.2 += true_ends.intersection(&pred_ends).count();

            let true_cover = cover(seq.truth.iter().filter(|s| s.label == *label), seq.len);
            let pred_cover = cover(seq.predicted.iter().filter(|s| s.label == *label), seq.len);
            coverage[i].0 += true_cover.iter().filter(|&&c| c).count();
            coverage[i].1 += true_cover.iter().zip(&pred_cover).filter(|(&t, &p)| t && p).count();
        }
        let true_any = cover(seq.truth.iter(), seq.len);
        let pred_any = cover(seq.predicted.iter(), seq.len);
        let bg = labels.len();
        coverage[bg].0 += true_any.iter().filter(|&&c| !c).count();
        coverage[bg].1 += true_any.iter().zip(&pred_any).filter(|(&t, &p)| !t && !p).count();
    }
    let per_pattern: BTreeMap<String, SpanScores> = ends
        .into_iter()
        .map(|(label, (t, p, both))| (label.to_string(), SpanScores::from_counts(t, p, both)))
        .collect();
    let counted: Vec<f64> =
        per_pattern.values().filter(|s| s.true_spans > 0 || s.predicted_spans > 0).map(|s| s.f1).collect();
    let recalls: Vec<f64> = coverage.iter().filter(|(n, _)| *n > 0).map(|&(n, hit)| hit as f64 / n as f64).collect();
    let mean = |v: &[f64]| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
    let headline = Headline {
        pattern_macro_f1: mean(&counted),
        per_pattern,
        balanced_accuracy: mean(&recalls),
        span_f1: matching.overall.f1,
        boundaries: matching.boundaries.clone(),
    };
    (headline, matching)
}

fn cover<'a>(spans: impl Iterator<Item = &'a PredictedSpan>, len: usize) -> Vec<bool> {
    let mut out = vec![false; len];
    for s in spans {
        let end = s.end.min(len.saturating_sub(1));
        if s.start <= end && len > 0 {
            out[s.start..=end].fill(true);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: &str) -> PredictedSpan {
        PredictedSpan { start, end, label: label.into(), confidence: 1.0 }
    }

    #[test]
    fn figures_on_nested_spans() {
        let labels = vec!["eng".to_string(), "star".to_string()];
        // An engulfing nested in a star (same last candle) and a second engulfing.
        let truth = vec![span(3, 5, "star"), span(4, 5, "eng"), span(10, 11, "eng")];
        // Found: the star exactly, the nested engulfing one candle early, the second exactly.
        let predicted = vec![span(3, 5, "star"), span(3, 4, "eng"), span(10, 11, "eng")];
        let (h, m) = score_spans(&[SequenceSpans { predicted: &predicted, truth: &truth, len: 20 }], &labels);
        // Ends: star 1/1; eng: true {5, 11}, predicted {4, 11} -> P = R = 0.5.
        assert_eq!(h.per_pattern["star"].f1, 1.0);
        assert_eq!(h.per_pattern["eng"].f1, 0.5);
        assert_eq!(h.pattern_macro_f1, 0.75);
        // IoU: (3..4) vs (4..5) = 1/3: unmatched; 2 of 3 matched, both exact.
        assert_eq!((m.overall.matched, h.boundaries.exact, h.boundaries.matched), (2, 2, 2));
        // Coverage: eng 4 candles {4,5,10,11}, predicted covers {4,10,11}: 3/4; star 3/3;
        // background 15 candles, predicted spans cover none of them except... none: 15/15.
        assert!((h.balanced_accuracy - (0.75 + 1.0 + 1.0) / 3.0).abs() < 1e-12, "{}", h.balanced_accuracy);
    }
}
