//! Programmatic labels from TA-Lib's candlestick recognisers, with a labelling-function report
//! in the spirit of Snorkel's `LFAnalysis`: how much each pattern labels, where patterns overlap
//! or disagree, and — given human spans — how often each agrees with people.
use crate::candles::Candles;
use crate::columns::{check_indexable, SpanColumns};
use crate::error::{EngineError, Result};
use crate::patterns::{self, PatternDef, PATTERNS};
use crate::talib;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct HumanSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct AutoLabelOptions {
    /// TA-Lib names (`cdlengulfing`) or labels (`engulfing`); all 61 when absent.
    pub patterns: Option<Vec<String>>,
    /// Keep only signals with |output| >= this (80, 100 or 200).
    pub min_strength: Option<i32>,
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<HumanSpan>>")]
    pub human_spans: Vec<HumanSpan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
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

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "AutoLabelSummary")]
pub struct LabelSummary {
    pub candles: usize,
    pub spans: usize,
    /// Fraction of candles covered by any span.
    pub coverage: f64,
    /// Candles covered by both a bullish and a bearish span.
    pub conflict_candles: usize,
}

/// The spans of a run, as columns (see [`crate::columns`]): `spans.labels` lists the selected
/// patterns' labels in report order, and span `i` has `direction[i]` (+1 bullish, -1 bearish)
/// and `strength[i]`; spans are sorted by start, end and label.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSpans {
    pub spans: SpanColumns,
    pub direction: Vec<i8>,
    /// |TA-Lib output|: 80, 100 or 200.
    pub strength: Vec<u8>,
}

impl LabelSpans {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn direction(&self, i: usize) -> Direction {
        if self.direction[i] > 0 {
            Direction::Bullish
        } else {
            Direction::Bearish
        }
    }

    /// Span `i` as a row.
    pub fn row(&self, i: usize) -> LabelSpan {
        let s = self.spans.row(i);
        LabelSpan {
            start: s.start,
            end: s.end,
            start_time: s.start_time,
            end_time: s.end_time,
            label: s.label.to_string(),
            direction: self.direction(i),
            strength: i32::from(self.strength[i]),
            source: "talib".to_string(),
        }
    }

    /// Every span as a row (for the training pipeline's small label sets).
    pub fn to_rows(&self) -> Vec<LabelSpan> {
        (0..self.len()).map(|i| self.row(i)).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutoLabelResult {
    pub spans: LabelSpans,
    pub report: Vec<PatternReport>,
    pub summary: LabelSummary,
}

/// The most pattern names one call may list (each of the 61 may be named both ways, and
/// repeats are dropped, so a longer list can only be a mistake).
pub const MAX_PATTERN_NAMES: usize = 1000;

impl AutoLabelOptions {
    /// The named patterns, each once, in the order first named.
    fn selected_patterns(&self) -> Result<Vec<&'static PatternDef>> {
        match &self.patterns {
            None => Ok(PATTERNS.iter().collect()),
            Some(names) if names.is_empty() => {
                Err(EngineError::InvalidArgument("patterns: the list is empty; omit it to use all 61".into()))
            }
            Some(names) if names.len() > MAX_PATTERN_NAMES => Err(EngineError::InvalidArgument(format!(
                "patterns: {} names are more than the {MAX_PATTERN_NAMES} allowed (there are 61 patterns)",
                names.len()
            ))),
            Some(names) => {
                let mut selected: Vec<&'static PatternDef> = Vec::new();
                for n in names {
                    let def = patterns::find(n).ok_or_else(|| {
                        EngineError::InvalidArgument(format!("patterns: unknown TA-Lib pattern '{n}'"))
                    })?;
                    if !selected.iter().any(|s| s.name == def.name) {
                        selected.push(def);
                    }
                }
                Ok(selected)
            }
        }
    }
}

/// One pattern's signals: the candle TA-Lib marks, the direction and the strength.
struct Signals {
    def: &'static PatternDef,
    end: Vec<u32>,
    direction: Vec<i8>,
    strength: Vec<u8>,
}

impl Signals {
    fn len(&self) -> usize {
        self.end.len()
    }

    /// `(start, end, bullish)` of signal `i`: the span ends on the marked candle and covers the
    /// pattern's candles (fewer at the start of the series).
    fn span(&self, i: usize) -> (usize, usize, bool) {
        let end = self.end[i] as usize;
        ((end + 1).saturating_sub(self.def.candles), end, self.direction[i] > 0)
    }

    fn spans(&self) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
        (0..self.len()).map(|i| self.span(i))
    }
}

/// Runs the selected recognisers and turns every signal into a span over the pattern's candles.
pub fn auto_label(candles: &Candles, options: &AutoLabelOptions) -> Result<AutoLabelResult> {
    candles.validate()?;
    let selected = options.selected_patterns()?;
    check_indexable(candles.len(), selected.len())?;
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

    // The candles' ranges and running averages, computed once for all the recognisers.
    let prepared = talib::prepare(&candles.open, &candles.high, &candles.low, &candles.close)?;
    let per_pattern: Vec<Signals> =
        selected.par_iter().map(|p| pattern_signals(p, &prepared, min_strength)).collect::<Result<_>>()?;

    let coverage = Coverage::new(&per_pattern, n);
    let report = per_pattern.iter().map(|s| pattern_report(s, &coverage, &options.human_spans, n)).collect();
    let spans = merge_spans(&per_pattern, &candles.time);
    let summary = summarize(spans.len(), &coverage);
    Ok(AutoLabelResult { spans, report, summary })
}

fn pattern_signals(p: &'static PatternDef, prepared: &talib::Prepared, min_strength: i32) -> Result<Signals> {
    let out = talib::cdl_prepared(p.name, prepared)?;
    let mut signals = Signals { def: p, end: Vec::new(), direction: Vec::new(), strength: Vec::new() };
    for (end, &v) in out.iter().enumerate() {
        if v != 0 && v.abs() >= min_strength {
            signals.end.push(end as u32);
            signals.direction.push(if v > 0 { 1 } else { -1 });
            // TA-Lib's outputs are 0, ±80, ±100 and ±200.
            signals.strength.push(v.unsigned_abs().min(u32::from(u8::MAX)) as u8);
        }
    }
    Ok(signals)
}

/// All patterns' spans in one set of columns, sorted by start, end and label name.
fn merge_spans(per_pattern: &[Signals], time: &[f64]) -> LabelSpans {
    let labels: Vec<String> = per_pattern.iter().map(|s| s.def.label().to_string()).collect();
    // Sort key for a label: its rank among the label names, so codes sort as the names do.
    let mut by_name: Vec<usize> = (0..labels.len()).collect();
    by_name.sort_by_key(|&i| &labels[i]);
    let mut rank = vec![0u16; labels.len()];
    for (r, &i) in by_name.iter().enumerate() {
        rank[i] = r as u16;
    }
    // (start, end, label rank, pattern, signal index): 16 bytes a span while sorting.
    let mut order: Vec<(u32, u32, u16, u16, u32)> = Vec::with_capacity(per_pattern.iter().map(Signals::len).sum());
    for (code, signals) in per_pattern.iter().enumerate() {
        for (i, (start, end, _)) in signals.spans().enumerate() {
            order.push((start as u32, end as u32, rank[code], code as u16, i as u32));
        }
    }
    order.sort_unstable();
    let mut out = LabelSpans {
        spans: SpanColumns::with_capacity(labels, order.len()),
        direction: Vec::with_capacity(order.len()),
        strength: Vec::with_capacity(order.len()),
    };
    for (start, end, _, code, i) in order {
        let signals = &per_pattern[code as usize];
        out.spans.push(start as usize, end as usize, time, code);
        out.direction.push(signals.direction[i as usize]);
        out.strength.push(signals.strength[i as usize]);
    }
    out
}

/// Per-candle counts over all spans, so each span's overlap and conflict checks are linear.
struct Coverage {
    /// How many patterns cover each candle.
    patterns: Vec<u16>,
    bullish: Vec<u32>,
    bearish: Vec<u32>,
}

impl Coverage {
    fn new(per_pattern: &[Signals], n: usize) -> Self {
        let mut cov = Coverage { patterns: vec![0; n], bullish: vec![0; n], bearish: vec![0; n] };
        let mut own = vec![false; n];
        for signals in per_pattern {
            own.fill(false);
            for (start, end, bullish) in signals.spans() {
                own[start..=end].fill(true);
                let side = if bullish { &mut cov.bullish } else { &mut cov.bearish };
                side[start..=end].iter_mut().for_each(|c| *c += 1);
            }
            cov.patterns.iter_mut().zip(&own).filter(|(_, o)| **o).for_each(|(c, _)| *c += 1);
        }
        cov
    }
}

fn pattern_report(signals: &Signals, cov: &Coverage, humans: &[HumanSpan], n: usize) -> PatternReport {
    let p = signals.def;
    let mut own = vec![false; n];
    for (start, end, _) in signals.spans() {
        own[start..=end].fill(true);
    }
    let covered = own.iter().filter(|c| **c).count();
    let coverage = if n == 0 { 0.0 } else { covered as f64 / n as f64 };
    // Another pattern covers candle i when more patterns cover it than this one alone.
    let overlaps = signals.spans().filter(|&(start, end, _)| (start..=end).any(|i| cov.patterns[i] > 1)).count();
    let conflicts = signals
        .spans()
        .filter(|&(start, end, bullish)| {
            let opposite = if bullish { &cov.bearish } else { &cov.bullish };
            (start..=end).any(|i| opposite[i] > 0)
        })
        .count();

    let count = signals.len();
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
        let agreed = signals.spans().filter(|&(start, end, _)| (start..=end).any(|i| human_cover[i])).count();
        let found = relevant.iter().filter(|h| (h.start..=h.end).any(|i| own[i])).count();
        (
            (count > 0).then(|| agreed as f64 / count as f64),
            (!relevant.is_empty()).then(|| found as f64 / relevant.len() as f64),
        )
    };
    PatternReport {
        pattern: p.name.to_string(),
        label: p.label().to_string(),
        count,
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
        let span = out.spans.to_rows().into_iter().find(|s| s.label == "engulfing").expect("engulfing found");
        assert_eq!((span.start, span.end), (3, 4));
        assert_eq!(span.direction, Direction::Bullish);
        assert_eq!(span.strength, 100);
        assert_eq!((span.start_time, span.end_time), (180_000.0, 240_000.0));
        assert_eq!(out.report[0].count, 1);
        assert!((out.report[0].coverage - 0.4).abs() < 1e-12);
    }

    #[test]
    fn repeated_pattern_names_label_once() {
        let names = ["doji", "cdldoji", "doji", "engulfing", "DOJI"].map(String::from).to_vec();
        let opts = AutoLabelOptions { patterns: Some(names), ..Default::default() };
        let candles = Candles::random_walk(500, 3);
        let out = auto_label(&candles, &opts).unwrap();
        assert_eq!(out.spans.spans.labels, ["doji", "engulfing"]);
        assert_eq!(out.report.len(), 2);
        let once = auto_label(
            &candles,
            &AutoLabelOptions { patterns: Some(vec!["doji".into(), "engulfing".into()]), ..Default::default() },
        )
        .unwrap();
        assert_eq!(out.spans, once.spans);
        let too_many =
            AutoLabelOptions { patterns: Some(vec!["doji".into(); MAX_PATTERN_NAMES + 1]), ..Default::default() };
        assert_eq!(auto_label(&candles, &too_many).unwrap_err().code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn spans_are_sorted_by_start_end_and_label() {
        let out = auto_label(&Candles::random_walk(2000, 9), &AutoLabelOptions::default()).unwrap();
        let rows = out.spans.to_rows();
        assert_eq!(rows.len(), out.summary.spans);
        assert!(rows.len() > 100);
        for pair in rows.windows(2) {
            assert!((pair[0].start, pair[0].end, &pair[0].label) < (pair[1].start, pair[1].end, &pair[1].label));
        }
    }

    #[test]
    fn precision_and_recall_against_human_spans() {
        let humans = vec![
            HumanSpan { start: 3, end: 4, label: "Engulfing".into() },
            HumanSpan { start: 0, end: 1, label: "engulfing".into() },
        ];
        let opts =
            AutoLabelOptions { patterns: Some(vec!["cdlengulfing".into()]), human_spans: humans, ..Default::default() };
        let r = &auto_label(&bullish_engulfing(), &opts).unwrap().report[0];
        assert_eq!(r.precision, Some(1.0));
        assert_eq!(r.recall, Some(0.5));
    }

    #[test]
    fn min_strength_filters_and_bad_options_fail() {
        let opts = AutoLabelOptions {
            min_strength: Some(200),
            patterns: Some(vec!["engulfing".into()]),
            ..Default::default()
        };
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
        let def = patterns::find("engulfing").unwrap();
        // Two-candle spans ending at 1 (bullish) and 2 (bearish), one ending at 5 (bullish).
        let signals = Signals { def, end: vec![1, 2, 5], direction: vec![1, -1, 1], strength: vec![100; 3] };
        let summary = summarize(3, &Coverage::new(&[signals], 6));
        assert_eq!(summary.conflict_candles, 1);
        assert!((summary.coverage - 5.0 / 6.0).abs() < 1e-12);
    }
}
