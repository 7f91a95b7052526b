//! The search as a labelling function for training (`labels.similar` in the pipeline config):
//! people's spans of a label are the examples, every configured series is searched, and the
//! results become machine spans that train like TA-Lib's (people's spans win overlaps).
use super::{find_similar, Channels, Example, SimilarOptions, SpanRef, MAX_EXAMPLES, MIN_EXAMPLE_CANDLES};
use crate::annotations::{IndexedAnnotation, SpanKind};
use crate::autolabel::{Direction, LabelSpan};
use crate::candles::Candles;
use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicBool;

/// One entry of `labels.similar`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimilarLabelConfig {
    /// The label searched for; its human spans in the annotation files are the examples.
    pub label: String,
    #[serde(default)]
    pub channels: Channels,
    #[serde(default = "default_stretch")]
    pub stretch: f64,
    /// Results over all series.
    #[serde(default = "default_max_results")]
    pub max_results: usize,
    #[serde(default = "default_min_similarity")]
    pub min_similarity: f64,
}

fn default_stretch() -> f64 {
    0.2
}
fn default_max_results() -> usize {
    50
}
fn default_min_similarity() -> f64 {
    0.95
}

impl SimilarLabelConfig {
    /// Range checks, once, before any data is read (`labels.similar[i]...` in the message).
    pub fn check(&self, i: usize) -> Result<()> {
        let bad = |m: String| Err(EngineError::InvalidConfig(format!("labels.similar[{i}].{m}")));
        if self.label.trim().is_empty() {
            return bad("label is empty".into());
        }
        if !(0.0..=0.5).contains(&self.stretch) {
            return bad(format!("stretch must be within 0..=0.5, got {}", self.stretch));
        }
        if !(1..=super::MAX_RESULTS).contains(&self.max_results) {
            return bad(format!("max_results must be within 1..={}, got {}", super::MAX_RESULTS, self.max_results));
        }
        if !(0.0..=1.0).contains(&self.min_similarity) {
            return bad(format!("min_similarity must be within 0..=1, got {}", self.min_similarity));
        }
        Ok(())
    }
}

/// Per series, the spans the searches found. `human`: the placed annotations per series (their
/// positive spans of each label are the examples, the first 64 of at least 5 candles; no result
/// overlaps any person's span). `direction` is unused for these spans (the direction filter is
/// TA-Lib's); `strength` is the similarity in percent.
pub fn labelling_spans(
    searches: &[SimilarLabelConfig],
    series: &[&Candles],
    human: &[Vec<IndexedAnnotation>],
) -> Result<Vec<Vec<LabelSpan>>> {
    let mut out: Vec<Vec<LabelSpan>> = vec![Vec::new(); series.len()];
    let people: Vec<SpanRef> = human
        .iter()
        .enumerate()
        .flat_map(|(t, spans)| spans.iter().map(move |a| SpanRef { target: t, start: a.start, end: a.end }))
        .collect();
    for (i, search) in searches.iter().enumerate() {
        let label = search.label.trim();
        let examples: Vec<Example> = human
            .iter()
            .enumerate()
            .flat_map(|(t, spans)| {
                spans
                    .iter()
                    .filter(|a| a.kind == SpanKind::Positive && a.source.is_human() && a.label == label)
                    .filter(|a| a.end + 1 - a.start >= MIN_EXAMPLE_CANDLES)
                    .map(move |a| Example::Span(SpanRef { target: t, start: a.start, end: a.end }))
            })
            .take(MAX_EXAMPLES)
            .collect();
        if examples.is_empty() {
            return Err(EngineError::InvalidAnnotations(format!(
                "labels.similar[{i}]: no human span labelled '{label}' of at least {MIN_EXAMPLE_CANDLES} candles to search with"
            )));
        }
        let options = SimilarOptions {
            channels: search.channels,
            stretch: search.stretch,
            max_results: Some(search.max_results),
            min_similarity: Some(search.min_similarity),
            exclude: people.clone(),
            ..Default::default()
        };
        let found = find_similar(&examples, series, &options, &|_| {}, &AtomicBool::new(false))?;
        for m in found.matches {
            let c = series[m.target];
            out[m.target].push(LabelSpan {
                start: m.start,
                end: m.end,
                start_time: c.time[m.start],
                end_time: c.time[m.end],
                label: label.to_string(),
                direction: Direction::Bullish,
                strength: (m.similarity * 100.0).round() as i32,
                source: "similar".to_string(),
            });
        }
    }
    Ok(out)
}
