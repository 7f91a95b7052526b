//! The search as a labelling function: the same report TA-Lib's patterns get
//! (`autolabel::PatternReport`): how much it labels, where it overlaps other labelling
//! functions, where it contradicts people, and how well it agrees with them.
use super::{SimilarMatch, SimilarOptions};
use crate::candles::Candles;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SimilarReport {
    pub label: Option<String>,
    /// Results.
    pub count: usize,
    /// Fraction of all targets' candles inside a result.
    pub coverage: f64,
    /// Results sharing a candle with another labelling function's span (`machineSpans`).
    pub overlaps: usize,
    /// Results sharing a candle with a person's span of another label, or with a person's
    /// "no <label> here" span (only with a label).
    pub conflicts: Option<usize>,
    /// Of the results, the fraction overlapping a person's span of the label.
    pub precision: Option<f64>,
    /// Of the people's spans of the label (those overlapping an example or an excluded span
    /// left out: they cannot be found), the fraction a result overlaps.
    pub recall: Option<f64>,
    pub per_target: Vec<TargetReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetReport {
    pub target: usize,
    pub count: usize,
    pub coverage: f64,
}

/// Inclusive spans of one target, sorted by start, answering "does any overlap a..=b".
struct SpanIndex {
    spans: Vec<(usize, usize)>,
    /// Largest end among spans[..=i].
    max_end: Vec<usize>,
}

impl SpanIndex {
    fn new(mut spans: Vec<(usize, usize)>) -> Self {
        spans.sort_unstable();
        let mut max_end = Vec::with_capacity(spans.len());
        let mut m = 0;
        for (i, s) in spans.iter().enumerate() {
            m = if i == 0 { s.1 } else { m.max(s.1) };
            max_end.push(m);
        }
        SpanIndex { spans, max_end }
    }

    fn overlaps(&self, start: usize, end: usize) -> bool {
        let n = self.spans.partition_point(|s| s.0 <= end);
        n > 0 && self.max_end[n - 1] >= start
    }
}

/// Per target, an index of the spans that pass `keep`.
fn index_by_target<'a, T: 'a>(
    targets: usize,
    spans: impl Iterator<Item = &'a T>,
    span: impl Fn(&T) -> (usize, usize, usize),
) -> Vec<SpanIndex> {
    let mut per: Vec<Vec<(usize, usize)>> = vec![Vec::new(); targets];
    for s in spans {
        let (t, a, b) = span(s);
        per[t].push((a, b));
    }
    per.into_iter().map(SpanIndex::new).collect()
}

pub fn build(
    o: &SimilarOptions,
    targets: &[&Candles],
    matches: &[SimilarMatch],
    blocked: &[Vec<(usize, usize)>],
) -> SimilarReport {
    let n_targets = targets.len();
    let candles: usize = targets.iter().map(|t| t.close.len()).sum();
    let frac = |covered: usize, of: usize| if of == 0 { 0.0 } else { covered as f64 / of as f64 };
    // Results never overlap each other, so covered candles simply add up.
    let mut per_target: Vec<TargetReport> =
        (0..n_targets).map(|target| TargetReport { target, count: 0, coverage: 0.0 }).collect();
    let mut covered = vec![0usize; n_targets];
    for m in matches {
        per_target[m.target].count += 1;
        covered[m.target] += m.end - m.start + 1;
    }
    for (r, (c, t)) in per_target.iter_mut().zip(covered.iter().zip(targets)) {
        r.coverage = frac(*c, t.close.len());
    }

    let machine = index_by_target(n_targets, o.machine_spans.iter(), |s| (s.target, s.start, s.end));
    let overlaps = matches.iter().filter(|m| machine[m.target].overlaps(m.start, m.end)).count();

    let (conflicts, precision, recall) = match o.label.as_deref().map(str::trim) {
        None | Some("") => (None, None, None),
        Some(label) => {
            let same = |s: &&super::ReportSpan| s.label.trim().eq_ignore_ascii_case(label);
            let agreeing = index_by_target(n_targets, o.human_spans.iter().filter(|s| !s.negative && same(s)), |s| {
                (s.target, s.start, s.end)
            });
            let contradicting =
                index_by_target(n_targets, o.human_spans.iter().filter(|s| s.negative == same(s)), |s| {
                    (s.target, s.start, s.end)
                });
            let conflicts = matches.iter().filter(|m| contradicting[m.target].overlaps(m.start, m.end)).count();
            let agreed = matches.iter().filter(|m| agreeing[m.target].overlaps(m.start, m.end)).count();
            let precision = (!matches.is_empty()).then(|| agreed as f64 / matches.len() as f64);

            let found = index_by_target(n_targets, matches.iter(), |m| (m.target, m.start, m.end));
            let blocked: Vec<SpanIndex> = blocked.iter().map(|b| SpanIndex::new(b.clone())).collect();
            let findable: Vec<&super::ReportSpan> = o
                .human_spans
                .iter()
                .filter(|s| !s.negative && same(s) && !blocked[s.target].overlaps(s.start, s.end))
                .collect();
            let hit = findable.iter().filter(|s| found[s.target].overlaps(s.start, s.end)).count();
            let recall = (!findable.is_empty()).then(|| hit as f64 / findable.len() as f64);
            (Some(conflicts), precision, recall)
        }
    };

    SimilarReport {
        label: o.label.clone(),
        count: matches.len(),
        coverage: frac(covered.iter().sum(), candles),
        overlaps,
        conflicts,
        precision,
        recall,
        per_target,
    }
}
