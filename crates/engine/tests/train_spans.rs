//! Span decoding and IoU matching on hand-made cases, and span-level scores in evaluation.
use engine::dataset::Encoding;
use engine::evaluation::{decode_spans, evaluate, iou, match_spans, EvalInput, PredictedSpan};
use engine::models::Probabilities;

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Rows of probabilities: the given class gets `p`, the rest share 1 - p.
fn probs(classes: &[usize], n: usize, p: f64) -> Probabilities {
    let mut v = Vec::new();
    for &c in classes {
        for k in 0..n {
            v.push(if k == c { p } else { (1.0 - p) / (n - 1) as f64 });
        }
    }
    Probabilities::new(v, n).unwrap()
}

fn triples(spans: &[PredictedSpan]) -> Vec<(usize, usize, &str)> {
    spans.iter().map(|s| (s.start, s.end, s.label.as_str())).collect()
}

#[test]
fn bio_decoding() {
    let labels = names(&["O", "B-engulfing", "I-engulfing", "B-hammer", "B-morningstar", "I-morningstar"]);
    //            0  1  2  3  4  5  6  7  8  9 10 11
    let rows = [0, 1, 2, 0, 3, 3, 4, 5, 5, 2, 2, 0];
    let spans = decode_spans(&probs(&rows, 6, 0.8), &labels, Encoding::Bio, 1);
    assert_eq!(
        triples(&spans),
        [(1, 2, "engulfing"), (4, 4, "hammer"), (5, 5, "hammer"), (6, 8, "morningstar"), (9, 10, "engulfing")]
    );
    // Confidence: mean probability mass of the span's label (B- plus I- classes).
    let expected = 0.8 + 0.2 / 5.0;
    assert!((spans[0].confidence - expected).abs() < 1e-12, "{}", spans[0].confidence);
    // min_len drops the single-candle hammers.
    let long = decode_spans(&probs(&rows, 6, 0.8), &labels, Encoding::Bio, 2);
    assert_eq!(triples(&long), [(1, 2, "engulfing"), (6, 8, "morningstar"), (9, 10, "engulfing")]);
    assert!(decode_spans(&probs(&[0, 0, 0], 6, 0.9), &labels, Encoding::Bio, 1).is_empty());
}

#[test]
fn windowed_decoding() {
    let labels = names(&["background", "doji", "harami"]);
    let spans = decode_spans(&probs(&[1, 1, 2, 2, 0, 2], 3, 0.7), &labels, Encoding::Windowed, 1);
    assert_eq!(triples(&spans), [(0, 1, "doji"), (2, 3, "harami"), (5, 5, "harami")]);
}

#[test]
fn iou_matching() {
    assert_eq!(iou((5, 5), (5, 5)), 1.0);
    assert_eq!(iou((0, 9), (5, 14)), 5.0 / 15.0);
    assert_eq!(iou((0, 1), (1, 2)), 1.0 / 3.0);
    let s = |start, end, label: &str| PredictedSpan { start, end, label: label.into(), confidence: 0.5 };
    let truth = vec![s(10, 11, "engulfing"), s(20, 22, "morningstar"), s(30, 30, "hammer")];
    let predicted = vec![
        s(10, 10, "engulfing"),   // IoU 0.5: a match
        s(21, 22, "morningstar"), // IoU 2/3: a match
        s(29, 30, "hammer"),      // IoU 0.5: a match
        s(40, 41, "hammer"),      // nothing there
    ];
    let r = match_spans(&predicted, &truth, 0.5);
    assert_eq!((r.overall.matched, r.overall.true_spans, r.overall.predicted_spans), (3, 3, 4));
    assert_eq!((r.overall.precision, r.overall.recall), (0.75, 1.0));
    assert_eq!(r.per_label["hammer"].predicted_spans, 2);
    // Below the threshold, or the wrong label, is no match.
    let r = match_spans(&[s(9, 13, "engulfing"), s(20, 22, "hammer")], &truth, 0.5); // IoU 0.4; wrong label
    assert_eq!(r.overall.matched, 0);
}

#[test]
fn evaluation_counts_spans_per_stretch_and_expands_strided_rows() {
    let labels = names(&["background", "doji"]);
    // Two stretches (e.g. two series); a span may not run across them.
    let y = [0u32, 1, 1, 0, 1, 1, 0];
    let p = probs(&[0, 1, 1, 0, 1, 0, 0], 2, 0.9);
    let input = EvalInput {
        y_true: &y,
        probabilities: &p,
        class_names: &labels,
        encoding: Encoding::Windowed,
        sequences: &[vec![0, 1, 2, 3], vec![4, 5, 6]],
        candles_per_row: 2,
        min_span_len: 1,
        baseline_class: 0,
    };
    let m = evaluate(&input);
    // Truth: (1..2) in the first stretch, (4..5) in the second; predicted (1..2) and (4..4).
    // With two candles per row the spans are 4 and 2 candles long in the second stretch: IoU 0.5.
    assert_eq!((m.spans.overall.true_spans, m.spans.overall.predicted_spans, m.spans.overall.matched), (2, 2, 2));
    assert_eq!(m.confusion, vec![vec![3, 0], vec![1, 3]]);
    assert!((m.accuracy - 6.0 / 7.0).abs() < 1e-12);
    assert_eq!(m.baseline.class, "background");
    assert!(m.classes.iter().all(|c| c.pr_auc.is_some()));
    let bad = EvalInput { candles_per_row: 1, sequences: &[vec![0, 1, 2, 3, 4, 5, 6]], ..input };
    // One stretch, one candle per row: truth (1..2),(4..5); predicted (1..2),(4..4) -> IoU 0.5 still.
    assert_eq!(evaluate(&bad).spans.overall.matched, 2);
}
