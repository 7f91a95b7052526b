//! Span-exact decoding for the `end` encoding: each label's spans are found from the rows where
//! the model says a span of that label ends (probability at or above the label's threshold,
//! calibrated on validation), and the start comes from the label's learnt lengths — the one length
//! a fixed-length pattern always has, or, for patterns of varying length, the length that best
//! combines how often it occurred in training with the model's start score (`B-x`) at that candle.
//! Labels are decoded independently, so spans of different labels may nest or overlap; spans of
//! one label never overlap (the more probable end wins).
use super::spans::{f1, ratio, PredictedSpan};
use crate::dataset::{Encoding, SpanTag};
use crate::models::Probabilities;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Threshold used for a label that validation could not calibrate (no validation spans).
pub const DEFAULT_THRESHOLD: f64 = 0.5;
/// Candidate thresholds tried in calibration.
const THRESHOLD_GRID: [f64; 19] =
    [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

/// How one label's spans are decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelDecoder {
    /// End probability at or above which a span of this label ends on a candle.
    pub threshold: f64,
    /// (length in candles, training spans of that length), by length.
    pub lengths: Vec<(usize, usize)>,
    /// Whether `threshold` was calibrated on validation spans (else the default).
    pub calibrated: bool,
}

/// How a model's rows become spans again (stored in `model.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanDecoder {
    pub labels: BTreeMap<String, LabelDecoder>,
}

impl SpanDecoder {
    /// Lengths learnt from training spans `(label, length)`; thresholds at the default.
    pub fn from_lengths<'a>(spans: impl Iterator<Item = (&'a str, usize)>) -> SpanDecoder {
        let mut counts: BTreeMap<String, BTreeMap<usize, usize>> = BTreeMap::new();
        for (label, len) in spans {
            *counts.entry(label.to_string()).or_default().entry(len).or_default() += 1;
        }
        SpanDecoder {
            labels: counts
                .into_iter()
                .map(|(label, lengths)| {
                    let decoder = LabelDecoder {
                        threshold: DEFAULT_THRESHOLD,
                        lengths: lengths.into_iter().collect(),
                        calibrated: false,
                    };
                    (label, decoder)
                })
                .collect(),
        }
    }

    /// Sets each label's threshold to the one that maximises the F1 of its span ends on the
    /// validation sequences (`(probabilities, true spans)` per sequence). Among equally good
    /// thresholds the middle one is taken.
    pub fn calibrate(&mut self, class_names: &[String], sequences: &[(&Probabilities, &[PredictedSpan])]) {
        let classes = EndClasses::new(class_names);
        for (label, decoder) in self.labels.iter_mut() {
            let Some(&(end_class, start_class)) = classes.of.get(label.as_str()) else { continue };
            let n_true: usize = sequences.iter().map(|(_, t)| t.iter().filter(|s| s.label == *label).count()).sum();
            if n_true == 0 {
                continue;
            }
            let scores: Vec<f64> = THRESHOLD_GRID
                .iter()
                .map(|&threshold| {
                    let trial = LabelDecoder { threshold, ..decoder.clone() };
                    let (mut hits, mut predicted) = (0usize, 0usize);
                    for (p, truth) in sequences {
                        let spans = decode_label(p, label, end_class, start_class, &trial, 1);
                        predicted += spans.len();
                        hits +=
                            spans.iter().filter(|s| truth.iter().any(|t| t.label == *label && t.end == s.end)).count();
                    }
                    f1(ratio(hits, predicted), ratio(hits, n_true))
                })
                .collect();
            let best = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if best <= 0.0 {
                continue;
            }
            let good: Vec<f64> =
                THRESHOLD_GRID.iter().zip(&scores).filter(|(_, &s)| s >= best - 1e-9).map(|(&t, _)| t).collect();
            decoder.threshold = good[good.len() / 2];
            decoder.calibrated = true;
        }
    }
}

/// For each label: its `E-x` class and, if it has one, its `B-x` class.
struct EndClasses<'a> {
    of: BTreeMap<&'a str, (usize, Option<usize>)>,
}

impl<'a> EndClasses<'a> {
    fn new(class_names: &'a [String]) -> Self {
        let mut of: BTreeMap<&str, (usize, Option<usize>)> = BTreeMap::new();
        for (c, name) in class_names.iter().enumerate() {
            if let Some((label, SpanTag::End)) = Encoding::End.parse_class(name) {
                of.entry(label).or_insert((c, None)).0 = c;
            }
        }
        for (c, name) in class_names.iter().enumerate() {
            if let Some((label, SpanTag::Begin)) = Encoding::End.parse_class(name) {
                if let Some(entry) = of.get_mut(label) {
                    entry.1 = Some(c);
                }
            }
        }
        EndClasses { of }
    }
}

/// One label's spans in one sequence.
fn decode_label(
    p: &Probabilities,
    label: &str,
    end_class: usize,
    start_class: Option<usize>,
    decoder: &LabelDecoder,
    min_len: usize,
) -> Vec<PredictedSpan> {
    let mut candidates: Vec<(usize, f64)> =
        (0..p.n_rows).map(|t| (t, p.row(t)[end_class])).filter(|&(_, v)| v >= decoder.threshold).collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: usize = decoder.lengths.iter().map(|(_, n)| n).sum();
    let mut accepted: Vec<PredictedSpan> = Vec::new();
    for (end, confidence) in candidates {
        let start = match start_class {
            // Varying length: maximise log P(length) + log P(start here).
            Some(b) if decoder.lengths.len() > 1 => {
                let mut best = (f64::NEG_INFINITY, end);
                for &(len, n) in decoder.lengths.iter().filter(|(len, _)| *len >= 1 && *len <= end + 1) {
                    let s = end + 1 - len;
                    let score = ((n as f64 + 0.5) / (total as f64 + 0.5)).ln() + p.row(s)[b].max(1e-6).ln();
                    if score > best.0 {
                        best = (score, s);
                    }
                }
                if best.0 == f64::NEG_INFINITY {
                    0
                } else {
                    best.1
                }
            }
            // Fixed length (or no start scores): the most frequent length.
            _ => {
                let len =
                    decoder.lengths.iter().max_by_key(|(l, n)| (*n, std::cmp::Reverse(*l))).map_or(1, |(l, _)| *l);
                (end + 1).saturating_sub(len.max(1))
            }
        };
        if end + 1 - start < min_len.max(1) {
            continue;
        }
        if accepted.iter().any(|a| a.start <= end && start <= a.end) {
            continue;
        }
        accepted.push(PredictedSpan { start, end, label: label.to_string(), confidence });
    }
    accepted
}

/// Decodes one sequence of rows into spans: the `end` encoding through `decoder` (every label the
/// decoder knows), the other encodings by argmax (`decode_spans`).
pub fn decode(
    p: &Probabilities,
    class_names: &[String],
    encoding: Encoding,
    decoder: Option<&SpanDecoder>,
    min_len: usize,
) -> Vec<PredictedSpan> {
    match (encoding, decoder) {
        (Encoding::End, Some(decoder)) => {
            let classes = EndClasses::new(class_names);
            let mut spans: Vec<PredictedSpan> = decoder
                .labels
                .iter()
                .filter_map(|(label, d)| classes.of.get(label.as_str()).map(|&(e, b)| (label, d, e, b)))
                .flat_map(|(label, d, e, b)| decode_label(p, label, e, b, d, min_len))
                .collect();
            spans.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
            spans
        }
        _ => super::spans::decode_spans(p, class_names, encoding, min_len),
    }
}

/// Whether the rows before a window of a longer sequence, and the rows after it, are needed to
/// decode the spans that overlap rows `focus` of the window exactly as decoding the whole sequence
/// would: `before` / `after` true when those rows cannot change such a span. The rows the window
/// holds are `p`'s; `focus` is a non-empty range of them.
///
/// - Argmax decoding (`decode_spans`) reads rows left to right and remembers only the label of the
///   span open at the previous row. A *boundary* row, one whose decoded state does not depend on
///   the rows before it (the background, a `B-x`, or a label other than the previous row's), at
///   or before the focus's first row cuts every span overlapping the focus off the rows before
///   the window; one after the focus's last row closes the span open there.
/// - The `end` decoder's spans come from candidate end rows (end probability at or above a
///   threshold), each reaching back at most the longest learnt length `L`, and overlapping
///   candidates of a label decide between themselves by confidence. `L` rows without a candidate
///   part the candidates into groups that cannot overlap: such a run before the focus, and
///   another after it, hold every group that a span overlapping the focus belongs to.
pub fn window_suffices(
    p: &Probabilities,
    class_names: &[String],
    encoding: Encoding,
    decoder: Option<&SpanDecoder>,
    focus: std::ops::Range<usize>,
) -> WindowSuffices {
    match (encoding, decoder) {
        (Encoding::End, Some(decoder)) => {
            let classes = EndClasses::new(class_names);
            let ends: Vec<(usize, f64)> = decoder
                .labels
                .iter()
                .filter_map(|(label, d)| classes.of.get(label.as_str()).map(|&(e, _)| (e, d.threshold)))
                .collect();
            let longest =
                decoder.labels.values().flat_map(|d| d.lengths.iter().map(|&(len, _)| len)).max().unwrap_or(1).max(1);
            let candidate = |t: usize| ends.iter().any(|&(c, threshold)| p.row(t)[c] >= threshold);
            // The first candidate-free run of `longest` rows within `rows`.
            let free_run = |rows: std::ops::Range<usize>| {
                let mut run = 0;
                rows.into_iter().any(|t| {
                    run = if candidate(t) { 0 } else { run + 1 };
                    run >= longest
                })
            };
            WindowSuffices { before: free_run(0..focus.start), after: free_run(focus.end..p.n_rows) }
        }
        _ => {
            let parsed: Vec<Option<(&str, SpanTag)>> = class_names.iter().map(|c| encoding.parse_class(c)).collect();
            let class_of = |t: usize| parsed.get(p.argmax(t)).copied().flatten();
            let boundary = |t: usize| match class_of(t) {
                None | Some((_, SpanTag::Begin)) => true,
                Some((label, _)) => t > 0 && class_of(t - 1).map(|(l, _)| l) != Some(label),
            };
            WindowSuffices { before: (0..=focus.start).any(boundary), after: (focus.end..p.n_rows).any(boundary) }
        }
    }
}

/// [`window_suffices`]' answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSuffices {
    /// The rows before the window cannot change a span overlapping the focus.
    pub before: bool,
    /// The rows after the window cannot change a span overlapping the focus.
    pub after: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// Rows of probabilities over `classes` classes with `at[(row, class)] = p`, the rest on 0.
    fn rows(n: usize, classes: usize, at: &[(usize, usize, f64)]) -> Probabilities {
        let mut v = vec![0.0; n * classes];
        for r in 0..n {
            v[r * classes] = 1.0;
        }
        for &(r, c, p) in at {
            v[r * classes + c] = p;
            v[r * classes] -= p;
        }
        Probabilities::new(v, classes).unwrap()
    }

    #[test]
    fn fixed_lengths_give_exact_starts_and_labels_decode_independently() {
        // O, E-eng, E-star: an engulfing (2 candles) nested in a morning star (3), same last candle.
        let classes = names(&["O", "E-eng", "E-star"]);
        let decoder = SpanDecoder::from_lengths([("eng", 2), ("eng", 2), ("star", 3)].into_iter());
        let p = rows(10, 3, &[(5, 1, 0.45), (5, 2, 0.4), (8, 1, 0.7), (9, 1, 0.6)]);
        let mut d = decoder.clone();
        d.labels.get_mut("eng").unwrap().threshold = 0.3;
        d.labels.get_mut("star").unwrap().threshold = 0.3;
        let spans = decode(&p, &classes, Encoding::End, Some(&d), 1);
        let got: Vec<(usize, usize, &str)> = spans.iter().map(|s| (s.start, s.end, s.label.as_str())).collect();
        // 9's engulfing (8..9) overlaps the stronger one ending at 8 (7..8): dropped.
        assert_eq!(got, [(3, 5, "star"), (4, 5, "eng"), (7, 8, "eng")]);
    }

    #[test]
    fn varying_lengths_use_the_start_scores() {
        let classes = names(&["O", "E-top", "B-top"]);
        let decoder = SpanDecoder::from_lengths([("top", 10), ("top", 12), ("top", 20)].into_iter());
        // End at 30; start scores favour 30 - 12 + 1 = 19.
        let p = rows(40, 3, &[(30, 1, 0.8), (19, 2, 0.6), (11, 2, 0.1)]);
        let spans = decode(&p, &classes, Encoding::End, Some(&decoder), 1);
        assert_eq!(spans.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(), [(19, 30)]);
    }

    #[test]
    fn calibration_picks_a_threshold_that_separates() {
        let classes = names(&["O", "E-x"]);
        let mut decoder = SpanDecoder::from_lengths([("x", 1)].into_iter());
        // True ends at 2 and 6 score 0.3 and 0.35; a false one at 4 scores 0.2.
        let p = rows(8, 2, &[(2, 1, 0.3), (4, 1, 0.2), (6, 1, 0.35)]);
        let truth = vec![
            PredictedSpan { start: 2, end: 2, label: "x".into(), confidence: 1.0 },
            PredictedSpan { start: 6, end: 6, label: "x".into(), confidence: 1.0 },
        ];
        decoder.calibrate(&classes, &[(&p, &truth)]);
        let t = decoder.labels["x"].threshold;
        assert!(t > 0.2 && t <= 0.3, "{t}");
        assert!(decoder.labels["x"].calibrated);
    }

    #[test]
    fn an_argmax_window_suffices_once_a_row_on_each_side_starts_afresh() {
        let classes = names(&["O", "B-x", "I-x", "B-y", "I-y"]);
        let suffices = |at: &[(usize, usize, f64)], focus| {
            let p = rows(10, 5, at);
            let s = window_suffices(&p, &classes, Encoding::Bio, None, focus);
            (s.before, s.after)
        };
        let inside_x: Vec<(usize, usize, f64)> = (0..10).map(|r| (r, 2, 0.9)).collect();
        // I-x throughout: the span may have begun before the window and go on after it.
        assert_eq!(suffices(&inside_x, 4..6), (false, false));
        // A B-x at 3 and a background row at 8.
        let mut at = inside_x.clone();
        at[3] = (3, 1, 0.9);
        at.remove(8);
        assert_eq!(suffices(&at, 4..6), (true, true));
        // The fresh row must come at or before the focus's first row, and after its last one.
        assert_eq!(suffices(&at, 2..4), (false, true));
        assert_eq!(suffices(&at, 4..8), (true, true));
        assert_eq!(suffices(&at, 4..10), (true, false), "the window ends with the focus");
        // Another label's I- row starts a span of its own too, and so does x's after it.
        let mut at = inside_x.clone();
        at[5] = (5, 4, 0.9);
        assert_eq!(suffices(&at, 5..6), (true, true));
        assert_eq!(suffices(&at, 6..7), (true, false));
        assert!(!suffices(&at, 0..1).0, "the window's first row has no row before it to differ from");
    }

    #[test]
    fn an_end_window_suffices_past_a_longest_length_without_candidates() {
        let classes = names(&["O", "E-top", "B-top"]);
        let decoder = SpanDecoder::from_lengths([("top", 2), ("top", 4)].into_iter());
        let suffices = |ends: &[usize], focus| {
            let at: Vec<(usize, usize, f64)> = ends.iter().map(|&r| (r, 1, 0.8)).collect();
            let s = window_suffices(&rows(20, 3, &at), &classes, Encoding::End, Some(&decoder), focus);
            (s.before, s.after)
        };
        // No candidates: 4 empty rows on each side are enough.
        assert_eq!(suffices(&[], 4..16), (true, true));
        assert_eq!(suffices(&[], 3..17), (false, false));
        // Candidates at 2 and 17 leave 3..=7 free before a focus of 8..12, and 12..=16 after it.
        assert_eq!(suffices(&[2, 17], 8..12), (true, true));
        // At 3, 6, 14 and 17, no 4 rows in a row are free on either side.
        assert_eq!(suffices(&[3, 6, 14, 17], 8..12), (false, false));
    }
}
