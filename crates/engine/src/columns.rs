//! Large results as columns (a struct of flat arrays) instead of one object per row: spans from
//! `auto_label` and `predict` number in the millions on minute data, and columns cost a few
//! bytes per row, hand over to JS as typed arrays without copying, and have no per-row limit.
use crate::error::{EngineError, Result};

/// Spans as columns: span `i` is `start[i]..=end[i]` (candle indices) with label
/// `labels[label[i]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanColumns {
    /// The label names `label` indexes into.
    pub labels: Vec<String>,
    pub start: Vec<u32>,
    /// Inclusive.
    pub end: Vec<u32>,
    /// `time[start]` and `time[end]` of the candles.
    pub start_time: Vec<f64>,
    pub end_time: Vec<f64>,
    pub label: Vec<u16>,
}

/// One span read back from [`SpanColumns`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpanRow<'a> {
    pub start: usize,
    pub end: usize,
    pub start_time: f64,
    pub end_time: f64,
    pub label: &'a str,
}

impl SpanColumns {
    pub fn new(labels: Vec<String>) -> Self {
        SpanColumns { labels, ..Default::default() }
    }

    pub fn with_capacity(labels: Vec<String>, capacity: usize) -> Self {
        SpanColumns {
            labels,
            start: Vec::with_capacity(capacity),
            end: Vec::with_capacity(capacity),
            start_time: Vec::with_capacity(capacity),
            end_time: Vec::with_capacity(capacity),
            label: Vec::with_capacity(capacity),
        }
    }

    pub fn len(&self) -> usize {
        self.start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }

    /// Appends span `start..=end` of `time`'s candles with label code `label`. Callers have
    /// checked the candle count with [`check_indexable`] and the code against `labels`.
    pub fn push(&mut self, start: usize, end: usize, time: &[f64], label: u16) {
        self.start.push(start as u32);
        self.end.push(end as u32);
        self.start_time.push(time[start]);
        self.end_time.push(time[end]);
        self.label.push(label);
    }

    pub fn row(&self, i: usize) -> SpanRow<'_> {
        SpanRow {
            start: self.start[i] as usize,
            end: self.end[i] as usize,
            start_time: self.start_time[i],
            end_time: self.end_time[i],
            label: &self.labels[self.label[i] as usize],
        }
    }

    pub fn rows(&self) -> impl Iterator<Item = SpanRow<'_>> + '_ {
        (0..self.len()).map(|i| self.row(i))
    }

    /// The code of `label` in `labels`.
    pub fn code_of(&self, label: &str) -> Option<u16> {
        self.labels.iter().position(|l| l == label).map(|i| i as u16)
    }
}

/// Candle indices cross as `u32` and label codes as `u16`: a larger series or label set is
/// refused up front instead of wrapping.
pub fn check_indexable(candles: usize, labels: usize) -> Result<()> {
    if candles > u32::MAX as usize {
        return Err(EngineError::InvalidCandles(format!("{candles} candles are more than the {} supported", u32::MAX)));
    }
    if labels > u16::MAX as usize {
        return Err(EngineError::InvalidArgument(format!("{labels} labels are more than the {} supported", u16::MAX)));
    }
    Ok(())
}
