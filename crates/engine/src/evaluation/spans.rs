//! Per-row predictions → spans, and span-level matching (IoU). Shared by evaluation and
//! inference: both decode the same way.
use crate::dataset::{Encoding, SpanTag};
use crate::models::Probabilities;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A decoded span over rows `start..=end` of the sequence that was decoded (candle indices when
/// the rows are consecutive candles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PredictedSpan {
    pub start: usize,
    /// Inclusive.
    pub end: usize,
    pub label: String,
    /// Mean over the span's rows of the probability mass on this label (`B-x` + `I-x` for BIO).
    pub confidence: f64,
}

impl PredictedSpan {
    pub fn len(&self) -> usize {
        self.end + 1 - self.start
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Intersection over union of two inclusive index ranges.
pub fn iou(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter_start = a.0.max(b.0);
    let inter_end = a.1.min(b.1);
    if inter_start > inter_end {
        return 0.0;
    }
    let inter = (inter_end - inter_start + 1) as f64;
    let union = (a.1 - a.0 + 1) as f64 + (b.1 - b.0 + 1) as f64 - inter;
    inter / union
}

/// Decodes rows (in time order, one sequence) into spans.
///
/// Each row takes its most probable class (`labels[c]` names class `c`). BIO: `B-x` opens a span,
/// `I-x` continues a span of `x` (and, conlleval style, opens one after `O` or another label);
/// windowed: a run of rows with the same non-background label is one span. Spans shorter than
/// `min_len` rows are dropped.
pub fn decode_spans(
    probabilities: &Probabilities,
    labels: &[String],
    encoding: Encoding,
    min_len: usize,
) -> Vec<PredictedSpan> {
    let parsed: Vec<Option<(&str, SpanTag)>> = labels.iter().map(|c| encoding.parse_class(c)).collect();
    // Classes that make up each pattern label, for the confidence mass.
    let mut classes_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (c, p) in parsed.iter().enumerate() {
        if let Some((label, _)) = p {
            classes_of.entry(label).or_default().push(c);
        }
    }
    let mass = |row: usize, label: &str| -> f64 {
        let p = probabilities.row(row);
        classes_of.get(label).map_or(0.0, |cs| cs.iter().map(|&c| p.get(c).copied().unwrap_or(0.0)).sum())
    };

    let mut spans = Vec::new();
    // (label, start, summed confidence)
    let mut open: Option<(&str, usize, f64)> = None;
    let close = |open: &mut Option<(&str, usize, f64)>, end_excl: usize, spans: &mut Vec<PredictedSpan>| {
        if let Some((label, start, sum)) = open.take() {
            let len = end_excl - start;
            if len >= min_len.max(1) {
                spans.push(PredictedSpan {
                    start,
                    end: end_excl - 1,
                    label: label.to_string(),
                    confidence: sum / len as f64,
                });
            }
        }
    };
    for row in 0..probabilities.n_rows {
        let class = probabilities.argmax(row);
        match parsed.get(class).copied().flatten() {
            None => close(&mut open, row, &mut spans),
            Some((label, tag)) => {
                let continues = matches!(open, Some((l, _, _)) if l == label) && tag != SpanTag::Begin;
                if !continues {
                    close(&mut open, row, &mut spans);
                    open = Some((label, row, 0.0));
                }
                if let Some((_, _, sum)) = open.as_mut() {
                    *sum += mass(row, label);
                }
            }
        }
    }
    close(&mut open, probabilities.n_rows, &mut spans);
    spans
}

/// Span-level counts and scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanScores {
    pub true_spans: usize,
    pub predicted_spans: usize,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl SpanScores {
    pub fn from_counts(true_spans: usize, predicted_spans: usize, matched: usize) -> Self {
        let precision = ratio(matched, predicted_spans);
        let recall = ratio(matched, true_spans);
        SpanScores { true_spans, predicted_spans, matched, precision, recall, f1: f1(precision, recall) }
    }

    pub fn add(&mut self, other: &SpanScores) {
        *self = SpanScores::from_counts(
            self.true_spans + other.true_spans,
            self.predicted_spans + other.predicted_spans,
            self.matched + other.matched,
        );
    }
}

pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

pub(crate) fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// Span-level scores: overall and per label.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanMatchReport {
    pub overall: SpanScores,
    pub per_label: BTreeMap<String, SpanScores>,
    pub min_iou: f64,
    /// How exactly the matched spans' boundaries agree with the true ones.
    #[serde(default)]
    pub boundaries: BoundaryCounts,
}

/// Matched spans by how far their worse boundary (start or end) is from the true span's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoundaryCounts {
    pub matched: usize,
    /// Start and end both exactly right.
    pub exact: usize,
    /// Both within one candle (exact ones included).
    pub within_one: usize,
    /// Off by two or more candles at either end.
    pub worse: usize,
    pub exact_share: f64,
    pub within_one_share: f64,
}

impl BoundaryCounts {
    fn record(&mut self, offset: usize) {
        self.matched += 1;
        if offset == 0 {
            self.exact += 1;
        }
        if offset <= 1 {
            self.within_one += 1;
        } else {
            self.worse += 1;
        }
        self.exact_share = ratio(self.exact, self.matched);
        self.within_one_share = ratio(self.within_one, self.matched);
    }

    pub fn add(&mut self, other: &BoundaryCounts) {
        self.matched += other.matched;
        self.exact += other.exact;
        self.within_one += other.within_one;
        self.worse += other.worse;
        self.exact_share = ratio(self.exact, self.matched);
        self.within_one_share = ratio(self.within_one, self.matched);
    }
}

/// Matches predicted spans to true spans of the same label at IoU >= `min_iou`, one-to-one:
/// predictions are taken by descending confidence (then position), each claiming the unmatched
/// true span it overlaps most.
pub fn match_spans(predicted: &[PredictedSpan], truth: &[PredictedSpan], min_iou: f64) -> SpanMatchReport {
    let mut order: Vec<usize> = (0..predicted.len()).collect();
    order.sort_by(|&a, &b| {
        predicted[b].confidence.total_cmp(&predicted[a].confidence).then(predicted[a].start.cmp(&predicted[b].start))
    });
    let mut taken = vec![false; truth.len()];
    let mut matched_by_label: BTreeMap<&str, usize> = BTreeMap::new();
    let mut boundaries = BoundaryCounts::default();
    for &p in &order {
        let ps = &predicted[p];
        let mut best: Option<(usize, f64)> = None;
        for (t, ts) in truth.iter().enumerate() {
            if taken[t] || ts.label != ps.label {
                continue;
            }
            let v = iou((ps.start, ps.end), (ts.start, ts.end));
            if v >= min_iou && best.is_none_or(|(_, b)| v > b) {
                best = Some((t, v));
            }
        }
        if let Some((t, _)) = best {
            taken[t] = true;
            let ts = &truth[t];
            boundaries.record(ps.start.abs_diff(ts.start).max(ps.end.abs_diff(ts.end)));
            *matched_by_label.entry(ps.label.as_str()).or_default() += 1;
        }
    }
    let mut per_label: BTreeMap<String, SpanScores> = BTreeMap::new();
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for t in truth {
        counts.entry(t.label.as_str()).or_default().0 += 1;
    }
    for p in predicted {
        counts.entry(p.label.as_str()).or_default().1 += 1;
    }
    let mut overall = SpanScores::default();
    for (label, (n_true, n_pred)) in counts {
        let s = SpanScores::from_counts(n_true, n_pred, matched_by_label.get(label).copied().unwrap_or(0));
        overall.add(&s);
        per_label.insert(label.to_string(), s);
    }
    SpanMatchReport { overall, per_label, min_iou, boundaries }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_hot(classes: &[usize], n: usize) -> Probabilities {
        let mut v = Vec::new();
        for &c in classes {
            let mut row = vec![0.0; n];
            row[c] = 1.0;
            v.extend(row);
        }
        Probabilities::new(v, n).unwrap()
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bio_runs_split_on_begin() {
        let labels = names(&["O", "B-eng", "I-eng", "B-doji"]);
        // O B I I B I O B(doji) B(doji) I(eng)
        let p = one_hot(&[0, 1, 2, 2, 1, 2, 0, 3, 3, 2], 4);
        let spans = decode_spans(&p, &labels, Encoding::Bio, 1);
        let got: Vec<(usize, usize, &str)> = spans.iter().map(|s| (s.start, s.end, s.label.as_str())).collect();
        assert_eq!(got, [(1, 3, "eng"), (4, 5, "eng"), (7, 7, "doji"), (8, 8, "doji"), (9, 9, "eng")]);
        assert!(spans.iter().all(|s| (s.confidence - 1.0).abs() < 1e-12));
    }

    #[test]
    fn windowed_runs_and_min_len() {
        let labels = names(&["background", "eng", "doji"]);
        let p = one_hot(&[1, 1, 0, 2, 1, 1, 1], 3);
        let spans = decode_spans(&p, &labels, Encoding::Windowed, 2);
        let got: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(got, [(0, 1), (4, 6)]);
    }

    #[test]
    fn confidence_is_mean_label_mass() {
        let labels = names(&["O", "B-eng", "I-eng"]);
        let p = Probabilities::new(vec![0.1, 0.6, 0.3, 0.2, 0.1, 0.7], 3).unwrap();
        let spans = decode_spans(&p, &labels, Encoding::Bio, 1);
        assert_eq!(spans.len(), 1);
        assert!((spans[0].confidence - 0.85).abs() < 1e-12);
    }

    #[test]
    fn iou_and_matching() {
        assert_eq!(iou((0, 3), (2, 5)), 2.0 / 6.0);
        assert_eq!(iou((0, 1), (0, 1)), 1.0);
        assert_eq!(iou((0, 1), (2, 3)), 0.0);
        let s = |start, end, label: &str, confidence| PredictedSpan { start, end, label: label.into(), confidence };
        let truth = vec![s(0, 3, "a", 1.0), s(10, 11, "a", 1.0), s(20, 20, "b", 1.0)];
        let pred = vec![
            s(1, 3, "a", 0.9),   // IoU 0.75 with (0,3): match
            s(0, 2, "a", 0.5),   // (0,3) already taken: unmatched
            s(10, 13, "a", 0.8), // IoU 0.5: match (threshold inclusive)
            s(20, 20, "a", 0.7), // wrong label
        ];
        let r = match_spans(&pred, &truth, 0.5);
        assert_eq!((r.overall.true_spans, r.overall.predicted_spans, r.overall.matched), (3, 4, 2));
        assert_eq!(r.overall.precision, 0.5);
        assert!((r.overall.recall - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.per_label["b"].matched, 0);
        assert_eq!(r.per_label["a"].matched, 2);
    }
}
