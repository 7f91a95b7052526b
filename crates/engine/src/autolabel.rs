//! Programmatic labels from TA-Lib's candlestick recognisers, with a labelling-function report
//! in the spirit of Snorkel's `LFAnalysis`: how much each pattern labels, where patterns overlap
//! or disagree, and — given human spans — how often each agrees with people.
use crate::candles::Candles;
use crate::error::{EngineError, Result};
use crate::patterns::{self, PatternDef, PATTERNS};
use crate::talib;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Bullish,
    Bearish,
}

/// A labelled run of candles, `start..=end` (indices into the candles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSpan {
    pub start: usize,
    pub end: usize,
    pub start_time: f64,
    pub end_time: f64,
    pub label: String,
    pub direction: Direction,
    /// |TA-Lib output|: 80, 100 or 200 (hikkake confirmations).
    pub strength: i32,
    pub source: String,
}

/// A span drawn by a person, for the agreement columns of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HumanSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutoLabelOptions {
    /// TA-Lib names (`cdlengulfing`) or labels (`engulfing`); all 61 when absent.
    pub patterns: Option<Vec<String>>,
    /// Keep only signals with |output| >= this (80, 100 or 200).
    pub min_strength: Option<i32>,
    #[serde(default)]
    pub human_spans: Vec<HumanSpan>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatternReport {
    pub pattern: String,
    pub label: String,
    /// Spans this pattern produced.
    pub count: usize,
    /// Fraction of candles covered by at least one of its spans.
    pub coverage: f64,
    /// Its spans that share a candle with a span of another pattern.
    pub overlaps: usize,
    /// Its spans that share a candle with a span of the opposite direction.
    pub conflicts: usize,
    /// Of its spans, the fraction overlapping a human span with the same label.
    pub precision: Option<f64>,
    /// Of the human spans with its label, the fraction it overlaps.
    pub recall: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSummary {
    pub candles: usize,
    pub spans: usize,
    /// Fraction of candles covered by any span.
    pub coverage: f64,
    /// Candles covered by both a bullish and a bearish span.
    pub conflict_candles: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoLabelResult {
    pub spans: Vec<LabelSpan>,
    pub report: Vec<PatternReport>,
    pub summary: LabelSummary,
}

impl AutoLabelOptions {
    fn selected_patterns(&self) -> Result<Vec<&'static PatternDef>> {
        match &self.patterns {
            None => Ok(PATTERNS.iter().collect()),
            Some(names) if names.is_empty() => {
                Err(EngineError::InvalidArgument("patterns: the list is empty; omit it to use all 61".into()))
            }
            Some(names) => names
                .iter()
                .map(|n| {
                    patterns::find(n).ok_or_else(|| {
                        EngineError::InvalidArgument(format!("patterns: unknown TA-Lib pattern '{n}'"))
                    })
                })
                .collect(),
        }
    }
}

/// Runs the selected recognisers and turns every signal into a span over the pattern's candles.
pub fn auto_label(candles: &Candles, options: &AutoLabelOptions) -> Result<AutoLabelResult> {
    candles.validate()?;
    let selected = options.selected_patterns()?;
    let min_strength = options.min_strength.unwrap_or(0);
    if !(0..=200).contains(&min_strength) {
        return Err(EngineError::InvalidArgument(format!("minStrength must be within 0..=200, got {min_strength}")));
    }
    let n = candles.len();
    for h in &options.human_spans {
        if h.start > h.end || h.end >= n {
            return Err(EngineError::InvalidArgument(format!(
                "human span {}..={} ('{}') is outside the {n} candles or reversed",
                h.start, h.end, h.label
            )));
        }
    }

    let per_pattern: Vec<Vec<LabelSpan>> = selected
        .par_iter()
        .map(|p| pattern_spans(p, candles, min_strength))
        .collect::<Result<_>>()?;

    let coverage = Coverage::new(&per_pattern, n);
    let report = selected
        .iter()
        .zip(&per_pattern)
        .map(|(p, spans)| pattern_report(p, spans, &coverage, &options.human_spans, n))
        .collect();

    let mut spans: Vec<LabelSpan> = per_pattern.into_iter().flatten().collect();
    spans.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
    let summary = summarize(spans.len(), &coverage);
    Ok(AutoLabelResult { spans, report, summary })
}

fn pattern_spans(p: &PatternDef, c: &Candles, min_strength: i32) -> Result<Vec<LabelSpan>> {
    let signals = talib::cdl(p.name, &c.open, &c.high, &c.low, &c.close)?;
    Ok(signals
        .iter()
        .enumerate()
        .filter(|(_, v)| **v != 0 && v.abs() >= min_strength)
        .map(|(end, v)| {
            let start = (end + 1).saturating_sub(p.candles);
            LabelSpan {
                start,
                end,
                start_time: c.time[start],
                end_time: c.time[end],
                label: p.label().to_string(),
                direction: if *v > 0 { Direction::Bullish } else { Direction::Bearish },
                strength: v.abs(),
                source: "talib".to_string(),
            }
        })
        .collect())
}

/// Per-candle counts over all spans, so each span's overlap and conflict checks are linear.
struct Coverage {
    /// How many patterns cover each candle.
    patterns: Vec<u16>,
    bullish: Vec<u32>,
    bearish: Vec<u32>,
}

impl Coverage {
    fn new(per_pattern: &[Vec<LabelSpan>], n: usize) -> Self {
        let mut cov = Coverage { patterns: vec![0; n], bullish: vec![0; n], bearish: vec![0; n] };
        let mut own = vec![false; n];
        for spans in per_pattern {
            own.fill(false);
            for s in spans {
                own[s.start..=s.end].fill(true);
                let side = if s.direction == Direction::Bullish { &mut cov.bullish } else { &mut cov.bearish };
                side[s.start..=s.end].iter_mut().for_each(|c| *c += 1);
            }
            cov.patterns.iter_mut().zip(&own).filter(|(_, o)| **o).for_each(|(c, _)| *c += 1);
        }
        cov
    }
}

fn pattern_report(p: &PatternDef, spans: &[LabelSpan], cov: &Coverage, humans: &[HumanSpan], n: usize) -> PatternReport {
    let mut own = vec![false; n];
    for s in spans {
        own[s.start..=s.end].fill(true);
    }
    let covered = own.iter().filter(|c| **c).count();
    let coverage = if n == 0 { 0.0 } else { covered as f64 / n as f64 };
    // Another pattern covers candle i when more patterns cover it than this one alone.
    let overlaps = spans.iter().filter(|s| (s.start..=s.end).any(|i| cov.patterns[i] > 1)).count();
    let conflicts = spans
        .iter()
        .filter(|s| {
            let opposite = if s.direction == Direction::Bullish { &cov.bearish } else { &cov.bullish };
            (s.start..=s.end).any(|i| opposite[i] > 0)
        })
        .count();

    let (precision, recall) = if humans.is_empty() {
        (None, None)
    } else {
        let same_label = |h: &&HumanSpan| {
            let label = h.label.trim().to_ascii_lowercase();
            label == p.label() || label == p.name
        };
        let relevant: Vec<&HumanSpan> = humans.iter().filter(same_label).collect();
        let mut human_cover = vec![false; n];
        for h in &relevant {
            human_cover[h.start..=h.end].fill(true);
        }
        let agreed = spans.iter().filter(|s| (s.start..=s.end).any(|i| human_cover[i])).count();
        let found = relevant.iter().filter(|h| (h.start..=h.end).any(|i| own[i])).count();
        (
            (!spans.is_empty()).then(|| agreed as f64 / spans.len() as f64),
            (!relevant.is_empty()).then(|| found as f64 / relevant.len() as f64),
        )
    };
    PatternReport {
        pattern: p.name.to_string(),
        label: p.label().to_string(),
        count: spans.len(),
        coverage,
        overlaps,
        conflicts,
        precision,
        recall,
    }
}

fn summarize(spans: usize, cov: &Coverage) -> LabelSummary {
    let n = cov.patterns.len();
    let covered = (0..n).filter(|&i| cov.bullish[i] + cov.bearish[i] > 0).count();
    LabelSummary {
        candles: n,
        spans,
        coverage: if n == 0 { 0.0 } else { covered as f64 / n as f64 },
        conflict_candles: (0..n).filter(|&i| cov.bullish[i] > 0 && cov.bearish[i] > 0).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A falling red candle followed by a bigger green one that engulfs it.
    fn bullish_engulfing() -> Candles {
        let mut c = Candles::default();
        let rows = [
            (12.0, 12.5, 11.5, 11.8),
            (11.8, 12.0, 11.0, 11.2),
            (11.2, 11.4, 10.6, 10.8),
            (10.9, 11.0, 10.3, 10.4), // red
            (10.2, 11.6, 10.1, 11.5), // green, engulfs the red body
        ];
        for (i, (o, h, l, cl)) in rows.iter().enumerate() {
            c.push(i as f64 * 60_000.0, *o, *h, *l, *cl, 1000.0);
        }
        c
    }

    #[test]
    fn engulfing_becomes_a_two_candle_bullish_span() {
        let opts = AutoLabelOptions { patterns: Some(vec!["engulfing".into()]), ..Default::default() };
        let out = auto_label(&bullish_engulfing(), &opts).unwrap();
        let span = out.spans.iter().find(|s| s.label == "engulfing").expect("engulfing found");
        assert_eq!((span.start, span.end), (3, 4));
        assert_eq!(span.direction, Direction::Bullish);
        assert_eq!(span.strength, 100);
        assert_eq!((span.start_time, span.end_time), (180_000.0, 240_000.0));
        assert_eq!(out.report[0].count, 1);
        assert!((out.report[0].coverage - 0.4).abs() < 1e-12);
    }

    #[test]
    fn precision_and_recall_against_human_spans() {
        let humans = vec![
            HumanSpan { start: 3, end: 4, label: "Engulfing".into() },
            HumanSpan { start: 0, end: 1, label: "engulfing".into() },
        ];
        let opts = AutoLabelOptions { patterns: Some(vec!["cdlengulfing".into()]), human_spans: humans, ..Default::default() };
        let r = &auto_label(&bullish_engulfing(), &opts).unwrap().report[0];
        assert_eq!(r.precision, Some(1.0));
        assert_eq!(r.recall, Some(0.5));
    }

    #[test]
    fn min_strength_filters_and_bad_options_fail() {
        let opts = AutoLabelOptions { min_strength: Some(200), patterns: Some(vec!["engulfing".into()]), ..Default::default() };
        assert!(auto_label(&bullish_engulfing(), &opts).unwrap().spans.is_empty());
        let bad = AutoLabelOptions { patterns: Some(vec!["bullflag".into()]), ..Default::default() };
        assert_eq!(auto_label(&bullish_engulfing(), &bad).unwrap_err().code(), "INVALID_ARGUMENT");
        let outside = AutoLabelOptions {
            human_spans: vec![HumanSpan { start: 2, end: 9, label: "x".into() }],
            ..Default::default()
        };
        assert_eq!(auto_label(&bullish_engulfing(), &outside).unwrap_err().code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn conflicts_count_opposite_directions_on_shared_candles() {
        let mut spans = vec![];
        for (s, e, d) in [(0, 1, Direction::Bullish), (1, 2, Direction::Bearish), (5, 5, Direction::Bullish)] {
            spans.push(LabelSpan {
                start: s, end: e, start_time: 0.0, end_time: 0.0, label: "x".into(), direction: d,
                strength: 100, source: "talib".into(),
            });
        }
        let summary = summarize(spans.len(), &Coverage::new(&[spans.clone()], 6));
        assert_eq!(summary.conflict_candles, 1);
        assert!((summary.coverage - 4.0 / 6.0).abs() < 1e-12);
    }
}
