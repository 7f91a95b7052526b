//! Query-by-example pattern search ("find more like this"): given one or more example spans of a
//! pattern, rank the windows of many series by how alike their *shape* is.
//!
//! - Shapes are compared z-normalised (each window minus its mean, over its standard deviation),
//!   so price level and scale do not matter: on the close, or on open/high/low/close together
//!   (one shared normalisation, so the candles' bodies and wicks keep their proportions) plus
//!   log-volume as its own channel.
//! - Length tolerance: each example is resampled to lengths within ±`stretch` of its own, and every
//!   length is searched (uniform scaling); distances are per candle, so lengths compare fairly.
//! - Distance: z-normalised Euclidean distance from sliding dot products and running window
//!   statistics (the MASS formulation, `similar::kernel`), or, as an option, DTW inside a
//!   Sakoe-Chiba band behind the UCR suite's cascade of lower bounds with early abandoning
//!   (`similar::dtw`).
//! - Results: the best windows that are local minima of the distance profile, ranked,
//!   non-overlapping (a result's span is an exclusion zone for the others), with the distance and
//!   a 0–1 similarity (`(1 + r) / 2` for a Pearson correlation r).
//! - Work is split into chunks of start positions across all series and run with rayon; memory is
//!   a few chunk-sized buffers per thread plus a bounded candidate heap, whatever the input size.
//!   Progress is reported per chunk; a cancel flag is checked before each chunk.
mod candidates;
mod dtw;
mod kernel;
mod labelling;
mod query;
mod report;

pub use labelling::{labelling_spans, SimilarLabelConfig};
pub use query::resample_candles;
pub use report::{SimilarReport, TargetReport};

use crate::candles::Candles;
use crate::error::{EngineError, Result};
use candidates::{Candidate, CandidatePool};
use query::{ChannelPlan, Template};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Fewest candles an example may span: fewer have no shape to speak of.
pub const MIN_EXAMPLE_CANDLES: usize = 5;
/// Most candles an example may span.
pub const MAX_EXAMPLE_CANDLES: usize = 5_000;
pub const MAX_EXAMPLES: usize = 64;
pub const MAX_RESULTS: usize = 10_000;
/// Start positions per unit of parallel work.
const CHUNK: usize = 32_768;

/// What the shapes are compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channels {
    /// The close alone.
    #[default]
    Close,
    /// Open, high, low and close normalised together, plus log-volume (weight `volumeWeight`).
    Ohlcv,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct DtwOptions {
    /// Sakoe-Chiba band: how far (as a fraction of the window's length) the alignment may warp.
    #[serde(default = "default_band")]
    #[ts(optional, as = "Option<f64>")]
    pub band: f64,
}

fn default_band() -> f64 {
    0.1
}

/// An inclusive candle range `start..=end` of target `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
#[ts(rename = "SimilarSpan")]
pub struct SpanRef {
    pub target: usize,
    pub start: usize,
    pub end: usize,
}

/// A labelled span the report scores the search against (a person's, or another labelling
/// function's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "SimilarLabelledSpan")]
pub struct ReportSpan {
    pub target: usize,
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// A "no <label> here" span (a dismissed suggestion).
    #[serde(default)]
    #[ts(optional, as = "Option<bool>")]
    pub negative: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct SimilarOptions {
    #[serde(default)]
    #[ts(optional, as = "Option<Channels>")]
    pub channels: Channels,
    /// Length tolerance: windows from (1 - stretch) to (1 + stretch) times an example's length
    /// are searched. 0 (default) to 0.5.
    #[serde(default)]
    #[ts(optional, as = "Option<f64>")]
    pub stretch: f64,
    /// How many lengths span that range (default: one every 5 %, at least 3).
    #[serde(default)]
    pub stretch_steps: Option<usize>,
    /// Compare with dynamic time warping instead of the Euclidean distance.
    #[serde(default)]
    pub dtw: Option<DtwOptions>,
    /// Default 50, at most 10,000.
    #[serde(default)]
    pub max_results: Option<usize>,
    /// Drop results below this similarity (0..=1, default 0).
    #[serde(default)]
    pub min_similarity: Option<f64>,
    /// Candles that must separate two results (default 0: they only may not overlap).
    #[serde(default)]
    #[ts(optional, as = "Option<usize>")]
    pub min_gap: usize,
    /// Weight of the log-volume channel against the price channels in `ohlcv` (default 0.5).
    #[serde(default)]
    pub volume_weight: Option<f64>,
    /// Spans no result may overlap (e.g. ones already labelled); the examples' own spans always are.
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<SpanRef>>")]
    pub exclude: Vec<SpanRef>,
    /// The label the search looks for, for the report's agreement columns.
    #[serde(default)]
    pub label: Option<String>,
    /// People's spans: the report's precision, recall and conflicts.
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<ReportSpan>>")]
    pub human_spans: Vec<ReportSpan>,
    /// Other labelling functions' spans (e.g. TA-Lib's): the report's overlaps.
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<ReportSpan>>")]
    pub machine_spans: Vec<ReportSpan>,
}

/// One example of the pattern: a span of one of the targets, or candles of its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Example {
    Span(SpanRef),
    Candles(Candles),
}

/// One result: the inclusive candle range `start..=end` of target `target`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimilarMatch {
    pub target: usize,
    pub start: usize,
    pub end: usize,
    /// z-normalised Euclidean (or DTW) distance to the example resampled to this length; for
    /// the close channel without stretch it is the distance STUMPY's `mass` reports.
    pub distance: f64,
    /// 0..1, 1 = the same shape: (1 + r) / 2 for the (channel-weighted) Pearson correlation r.
    pub similarity: f64,
    /// Which example matched best.
    pub example: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SimilarStats")]
pub struct SearchStats {
    /// Candles in all targets.
    pub candles: usize,
    /// Window lengths searched, per example.
    pub lengths: Vec<Vec<usize>>,
    /// (start, length, example) windows compared.
    pub windows: u64,
    /// DTW only: windows a lower bound ruled out (LB_Kim, LB_Keogh both ways), and full DTW runs
    /// abandoned early or completed.
    pub pruned_by_lower_bound: u64,
    pub dtw_abandoned: u64,
    pub dtw_completed: u64,
    /// Local minima kept as candidates before the non-overlap selection.
    pub candidates: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimilarResult {
    /// Best first.
    pub matches: Vec<SimilarMatch>,
    pub report: SimilarReport,
    pub stats: SearchStats,
}

/// The checked search: templates, channels and limits.
struct Plan {
    channels: ChannelPlan,
    templates: Vec<Template>,
    /// DTW band as a fraction of the window length.
    band: Option<f64>,
    max_results: usize,
    /// Largest per-candle squared distance a result may have (from `min_similarity`).
    max_d2: f64,
    min_gap: usize,
    /// Half-width of the neighbourhood a candidate must be the minimum of.
    half_window: usize,
    min_len: usize,
    max_len: usize,
    /// Per target: sorted inclusive spans no result may overlap.
    blocked: Vec<Vec<(usize, usize)>>,
}

/// Searches `targets` for windows shaped like `examples`. `progress` gets the fraction of start
/// positions done (0..=1); setting `cancel` stops the search with `EngineError::Cancelled`.
pub fn find_similar<T: Borrow<Candles>>(
    examples: &[Example],
    targets: &[T],
    options: &SimilarOptions,
    progress: &(dyn Fn(f64) + Sync),
    cancel: &AtomicBool,
) -> Result<SimilarResult> {
    let targets: Vec<&Candles> = targets.iter().map(Borrow::borrow).collect();
    let targets = targets.as_slice();
    let plan = check(examples, targets, options)?;

    // Units of work: chunks of start positions of each target long enough for a window.
    let mut work: Vec<(usize, usize, usize)> = Vec::new();
    for (t, series) in targets.iter().enumerate() {
        let starts = (series.close.len() + 1).saturating_sub(plan.min_len);
        work.extend((0..starts).step_by(CHUNK).map(|a| (t, a, (a + CHUNK).min(starts))));
    }
    let total_starts: usize = work.iter().map(|(_, a, b)| b - a).sum();
    let pool = CandidatePool::new(candidate_capacity(plan.max_results), plan.max_d2);
    let done = AtomicU64::new(0);
    let reported_permille = AtomicU64::new(0);
    progress(0.0);

    let stats = work
        .par_iter()
        .map(|&(t, a, b)| {
            if cancel.load(Ordering::Relaxed) {
                return ChunkStats::default();
            }
            let mut stats = ChunkStats::default();
            scan_chunk(&plan, targets[t], t, (a, b), &pool, &mut stats);
            let now = done.fetch_add((b - a) as u64, Ordering::Relaxed) + (b - a) as u64;
            let permille = now * 1000 / total_starts.max(1) as u64;
            let last = reported_permille.load(Ordering::Relaxed);
            if permille >= last + 10
                && reported_permille.compare_exchange(last, permille, Ordering::Relaxed, Ordering::Relaxed).is_ok()
            {
                progress(permille as f64 / 1000.0);
            }
            stats
        })
        .reduce(ChunkStats::default, ChunkStats::add);
    if cancel.load(Ordering::Relaxed) {
        return Err(EngineError::Cancelled);
    }

    let pooled = pool.into_sorted();
    let candidates = pooled.len();
    let matches = select(&plan, pooled);
    progress(1.0);

    let report = report::build(options, targets, &matches, &plan.blocked);
    let mut lengths: Vec<Vec<usize>> = vec![Vec::new(); examples.len()];
    for t in &plan.templates {
        lengths[t.example].push(t.len);
    }
    let stats = SearchStats {
        candles: targets.iter().map(|t| t.close.len()).sum(),
        lengths,
        windows: stats.windows,
        pruned_by_lower_bound: stats.pruned,
        dtw_abandoned: stats.abandoned,
        dtw_completed: stats.completed,
        candidates,
    };
    Ok(SimilarResult { matches, report, stats })
}

/// Candidates kept for the final non-overlap selection. Candidates are local minima at least
/// `half_window` apart, so one result can rule out only a handful of them; 8 per result (plus
/// slack for `min_gap`) keeps the greedy selection exact in practice.
fn candidate_capacity(max_results: usize) -> usize {
    max_results * 8 + 64
}

fn invalid(msg: impl Into<String>) -> EngineError {
    EngineError::InvalidArgument(msg.into())
}

fn check(examples: &[Example], targets: &[&Candles], o: &SimilarOptions) -> Result<Plan> {
    if targets.is_empty() {
        return Err(invalid("findSimilar: no targets to search"));
    }
    let channels = ChannelPlan::new(o.channels, o.volume_weight)?;
    for (i, t) in targets.iter().enumerate() {
        channels.validate_target(t).map_err(|e| match e {
            EngineError::InvalidCandles(m) => EngineError::InvalidCandles(format!("target {i}: {m}")),
            other => other,
        })?;
    }
    if examples.is_empty() {
        return Err(invalid("findSimilar: give at least one example span"));
    }
    if examples.len() > MAX_EXAMPLES {
        return Err(invalid(format!("findSimilar: at most {MAX_EXAMPLES} examples, got {}", examples.len())));
    }
    if !(0.0..=0.5).contains(&o.stretch) {
        return Err(invalid(format!("stretch must be within 0..=0.5, got {}", o.stretch)));
    }
    if let Some(steps) = o.stretch_steps {
        if !(1..=41).contains(&steps) {
            return Err(invalid(format!("stretchSteps must be within 1..=41, got {steps}")));
        }
    }
    let band = match &o.dtw {
        None => None,
        Some(d) if (0.0..=0.5).contains(&d.band) => Some(d.band),
        Some(d) => return Err(invalid(format!("dtw.band must be within 0..=0.5, got {}", d.band))),
    };
    let max_results = o.max_results.unwrap_or(50);
    if !(1..=MAX_RESULTS).contains(&max_results) {
        return Err(invalid(format!("maxResults must be within 1..={MAX_RESULTS}, got {max_results}")));
    }
    let min_similarity = o.min_similarity.unwrap_or(0.0);
    if !(0.0..=1.0).contains(&min_similarity) {
        return Err(invalid(format!("minSimilarity must be within 0..=1, got {min_similarity}")));
    }
    let check_span = |what: &str, s: &SpanRef| -> Result<()> {
        let n = targets.get(s.target).map(|t| t.close.len()).ok_or_else(|| {
            invalid(format!("{what}: target {} does not exist ({} targets)", s.target, targets.len()))
        })?;
        if s.start > s.end || s.end >= n {
            return Err(invalid(format!(
                "{what}: {}..={} is reversed or outside target {}'s {n} candles",
                s.start, s.end, s.target
            )));
        }
        Ok(())
    };

    let mut blocked: Vec<Vec<(usize, usize)>> = vec![Vec::new(); targets.len()];
    let mut templates = Vec::new();
    for (e, example) in examples.iter().enumerate() {
        let what = format!("example {e}");
        let values = match example {
            Example::Span(s) => {
                check_span(&what, s)?;
                blocked[s.target].push((s.start, s.end));
                channels.example_columns(targets[s.target], s.start, s.end + 1)
            }
            Example::Candles(c) => {
                channels.validate_target(c).map_err(|e| match e {
                    EngineError::InvalidCandles(m) => EngineError::InvalidCandles(format!("{what}: {m}")),
                    other => other,
                })?;
                channels.example_columns(c, 0, c.close.len())
            }
        };
        let len = values[0].len();
        if !(MIN_EXAMPLE_CANDLES..=MAX_EXAMPLE_CANDLES).contains(&len) {
            return Err(invalid(format!(
                "{what} spans {len} candles; an example must span {MIN_EXAMPLE_CANDLES}..={MAX_EXAMPLE_CANDLES}"
            )));
        }
        for l in query::stretched_lengths(len, o.stretch, o.stretch_steps) {
            templates.push(Template::new(e, &values, l, &channels, band).map_err(|m| invalid(format!("{what}: {m}")))?);
        }
    }
    for (i, s) in o.exclude.iter().enumerate() {
        check_span(&format!("exclude[{i}]"), s)?;
        blocked[s.target].push((s.start, s.end));
    }
    for (what, spans) in [("humanSpans", &o.human_spans), ("machineSpans", &o.machine_spans)] {
        for (i, s) in spans.iter().enumerate() {
            check_span(&format!("{what}[{i}]"), &SpanRef { target: s.target, start: s.start, end: s.end })?;
        }
    }
    for spans in &mut blocked {
        spans.sort_unstable();
    }
    let min_len = templates.iter().map(|t| t.len).min().expect("at least one template");
    let max_len = templates.iter().map(|t| t.len).max().expect("at least one template");
    Ok(Plan {
        channels,
        templates,
        band,
        max_results,
        // D² = 4 (1 - similarity); a hair of slack keeps a similarity of exactly the minimum.
        max_d2: 4.0 * (1.0 - min_similarity) + 1e-12,
        min_gap: o.min_gap,
        half_window: (min_len / 2).max(1),
        min_len,
        max_len,
        blocked,
    })
}

#[derive(Debug, Default, Clone, Copy)]
struct ChunkStats {
    windows: u64,
    pruned: u64,
    abandoned: u64,
    completed: u64,
}

impl ChunkStats {
    fn add(self, o: ChunkStats) -> ChunkStats {
        ChunkStats {
            windows: self.windows + o.windows,
            pruned: self.pruned + o.pruned,
            abandoned: self.abandoned + o.abandoned,
            completed: self.completed + o.completed,
        }
    }
}

/// Start positions evaluated between two merges into the candidate pool: the sooner the pool's
/// bar drops, the more windows DTW's lower bounds rule out.
const STEP: usize = 4_096;

/// Distances of every window starting in `a..b` of one target (plus a neighbourhood either side,
/// to tell local minima), step by step; after each step the local minima that can still make the
/// results go to the pool.
fn scan_chunk(
    plan: &Plan,
    series: &Candles,
    target: usize,
    (a, b): (usize, usize),
    pool: &CandidatePool,
    stats: &mut ChunkStats,
) {
    let n = series.close.len();
    let h = plan.half_window;
    let lo = a.saturating_sub(h);
    // Starts evaluated: lo..p_end (a window of the shortest length must fit).
    let p_end = (b + h).min(n + 1 - plan.min_len);
    let data_end = (p_end - 1 + plan.max_len).min(n);
    let data = plan.channels.load(series, lo, data_end);
    let count = p_end - lo;
    let own_end = b - lo;

    let mut best = vec![f64::INFINITY; count];
    let mut best_template = vec![0u32; count];
    let mut profile = vec![0.0f64; STEP.min(count)];
    let mut scratch = kernel::Scratch::default();
    let mut dtw_scratch = dtw::Scratch::default();
    let mut decided = a - lo;
    let mut from = 0;
    while from < count {
        let to = (from + STEP).min(count);
        for (ti, tpl) in plan.templates.iter().enumerate() {
            // Starts below `fits` have a whole window of this length in the series.
            let fits = (n + 1).saturating_sub(tpl.len).saturating_sub(lo).min(to);
            if fits <= from {
                continue;
            }
            let profile = &mut profile[..fits - from];
            stats.windows += profile.len() as u64;
            match plan.band {
                None => kernel::euclidean_profile(tpl, &data, from, &plan.channels, profile, &mut scratch),
                Some(_) => {
                    let bar = pool.threshold().get();
                    let bounds: Vec<f64> = best[from..fits].iter().map(|&b| b.min(bar)).collect();
                    let s = dtw::dtw_profile(tpl, &data, from, &plan.channels, &bounds, profile, &mut dtw_scratch);
                    stats.pruned += s.pruned;
                    stats.abandoned += s.abandoned;
                    stats.completed += s.completed;
                }
            }
            for &(s, e) in &plan.blocked[target] {
                // Starts whose window [p, p + len) touches s..=e.
                let first = (s + 1).saturating_sub(tpl.len).max(lo + from);
                let last = (e + 1).min(lo + fits);
                if first < last {
                    profile[first - lo - from..last - lo - from].fill(f64::INFINITY);
                }
            }
            for (k, &d) in (from..).zip(profile.iter()) {
                if d < best[k] {
                    best[k] = d;
                    best_template[k] = ti as u32;
                }
            }
        }
        // Own starts whose whole neighbourhood is computed by now.
        let ready = if to == count { own_end } else { to.saturating_sub(h).min(own_end) };
        if ready > decided {
            let minima = candidates::local_minima(&best[..to], h, decided..ready, pool.threshold().get());
            pool.merge(
                minima
                    .into_iter()
                    .map(|k| Candidate {
                        d2: best[k],
                        target: target as u32,
                        start: (lo + k) as u32,
                        template: best_template[k],
                    })
                    .collect(),
            );
            decided = ready;
        }
        from = to;
    }
}

/// Greedy selection: best first, skipping candidates that overlap (or come within `min_gap` of)
/// one already taken.
fn select(plan: &Plan, sorted: Vec<Candidate>) -> Vec<SimilarMatch> {
    let mut taken: Vec<std::collections::BTreeMap<usize, usize>> =
        vec![std::collections::BTreeMap::new(); plan.blocked.len()];
    let mut out = Vec::new();
    for c in sorted {
        if out.len() == plan.max_results {
            break;
        }
        let tpl = &plan.templates[c.template as usize];
        let (target, start) = (c.target as usize, c.start as usize);
        let end = start + tpl.len - 1;
        let spans = &mut taken[target];
        let gap = plan.min_gap;
        let clashes_before = spans.range(..=end).next_back().is_some_and(|(_, &e)| e + gap >= start);
        let clashes_after = spans.range(start..).next().is_some_and(|(&s, _)| s <= end + gap);
        if clashes_before || clashes_after {
            continue;
        }
        spans.insert(start, end);
        let d2 = c.d2.max(0.0);
        out.push(SimilarMatch {
            target,
            start,
            end,
            distance: (d2 * tpl.len as f64).sqrt(),
            similarity: (1.0 - d2 / 4.0).clamp(0.0, 1.0),
            example: tpl.example,
        });
    }
    out
}

#[cfg(test)]
mod tests;
