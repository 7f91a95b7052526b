//! What every recogniser reads, computed once per series: the candles' ranges and TA-Lib's running
//! averages of them.
//!
//! TA-Lib's recognisers each keep running totals of the last `period` ranges, updated as
//! `total += range(new) - range(old)` from the first candle they evaluate. A float running total
//! depends on where it started, so two recognisers share a total only if theirs start at the
//! same candle. [`Prepared::avg`] keys the shared totals by (range, period, first candle): each
//! sequence is computed once, with exactly TA-Lib's operations in TA-Lib's order, and every
//! recogniser that asks for it reads the same bits it would have computed itself.
use crate::settings::{RangeType, Setting};
use std::sync::OnceLock;

/// The highest first candle a shared average may start at (above every recogniser's lookback).
const MAX_START: usize = 64;
/// Averaged (range, period) pairs: real body, high-low and shadows over 10 candles, high-low over 5.
const SLOTS: usize = 4;

/// One series' candles and the per-candle values TA-Lib's recognisers compare.
pub struct Prepared<'a> {
    pub open: &'a [f64],
    pub high: &'a [f64],
    pub low: &'a [f64],
    pub close: &'a [f64],
    /// `|close - open|` (TA_REALBODY, and the RealBody range).
    pub body: Vec<f64>,
    /// `high - low` (TA_HIGHLOWRANGE).
    pub high_low: Vec<f64>,
    /// `high - max(open, close)` (TA_UPPERSHADOW).
    pub upper_shadow: Vec<f64>,
    /// `min(open, close) - low` (TA_LOWERSHADOW).
    pub lower_shadow: Vec<f64>,
    /// `upper_shadow + lower_shadow` (the Shadows range).
    pub shadows: Vec<f64>,
    means: Vec<OnceLock<Vec<f64>>>,
}

/// A setting's average as one recogniser sees it: TA_CANDLEAVERAGE at any candle.
#[derive(Clone, Copy)]
pub struct Avg<'p> {
    values: &'p [f64],
    factor: f64,
    scale: f64,
}

impl Avg<'_> {
    /// Asserts the average covers `n` candles: after it, the compiler drops the bounds checks of
    /// reads below `n` in the loop that follows.
    #[inline(always)]
    pub fn check(&self, n: usize) {
        assert!(self.values.len() >= n);
    }

    /// `factor × (total / period, or the candle's own range when period is 0) × (½ for Shadows)`,
    /// in TA-Lib's order of operations.
    #[inline(always)]
    pub fn at(&self, candle: usize) -> f64 {
        self.factor * self.values[candle] * self.scale
    }
}

impl<'a> Prepared<'a> {
    /// `None` if the four columns differ in length.
    pub fn new(open: &'a [f64], high: &'a [f64], low: &'a [f64], close: &'a [f64]) -> Option<Prepared<'a>> {
        let n = close.len();
        if open.len() != n || high.len() != n || low.len() != n {
            return None;
        }
        let mut body = Vec::with_capacity(n);
        let mut high_low = Vec::with_capacity(n);
        let mut upper_shadow = Vec::with_capacity(n);
        let mut lower_shadow = Vec::with_capacity(n);
        let mut shadows = Vec::with_capacity(n);
        for i in 0..n {
            let (o, h, l, c) = (open[i], high[i], low[i], close[i]);
            // TA-Lib's own comparisons (`c >= o`), so NaNs go the way they go there.
            let (top, bottom) = if c >= o { (c, o) } else { (o, c) };
            let upper = h - top;
            let lower = bottom - l;
            body.push((c - o).abs());
            high_low.push(h - l);
            upper_shadow.push(upper);
            lower_shadow.push(lower);
            shadows.push(upper + lower);
        }
        let means = (0..SLOTS * MAX_START).map(|_| OnceLock::new()).collect();
        Some(Prepared { open, high, low, close, body, high_low, upper_shadow, lower_shadow, shadows, means })
    }

    pub fn len(&self) -> usize {
        self.close.len()
    }

    pub fn is_empty(&self) -> bool {
        self.close.is_empty()
    }

    /// How many shared averages the recognisers run so far have asked for (each one column).
    pub fn averages_computed(&self) -> usize {
        self.means.iter().filter(|m| m.get().is_some()).count()
    }

    /// TA_CANDLERANGE of every candle.
    pub fn range(&self, range: RangeType) -> &[f64] {
        match range {
            RangeType::RealBody => &self.body,
            RangeType::HighLow => &self.high_low,
            RangeType::Shadows => &self.shadows,
        }
    }

    /// The average of `setting` that a recogniser sees when its running total for this candle
    /// position starts at candle `start`: in TA-Lib's code, the total whose trailing index
    /// starts at `start - period` and which is first used for candle `start`. Read it at candle
    /// `j >= start` (for `period == 0`, at any candle).
    pub fn avg(&self, setting: Setting, start: usize) -> Avg<'_> {
        let (range, period, factor) = setting.spec();
        let scale = if range == RangeType::Shadows { 0.5 } else { 1.0 };
        let values = if period == 0 { self.range(range) } else { self.means(range, period, start) };
        Avg { values, factor, scale }
    }

    /// `total / period` for candles `start..`, the total kept as TA-Lib keeps it from `start` on
    /// (NaN before `start`).
    fn means(&self, range: RangeType, period: usize, start: usize) -> &[f64] {
        let slot = match (range, period) {
            (RangeType::RealBody, 10) => 0,
            (RangeType::HighLow, 10) => 1,
            (RangeType::Shadows, 10) => 2,
            (RangeType::HighLow, 5) => 3,
            other => unreachable!("no default setting averages {other:?}"),
        };
        assert!(start >= period && start < MAX_START, "average of {period} candles cannot start at candle {start}");
        self.means[slot * MAX_START + start].get_or_init(|| {
            let r = self.range(range);
            let n = r.len();
            let mut values = vec![f64::NAN; n];
            if start >= n {
                return values;
            }
            let divisor = period as f64;
            let mut total = 0.0;
            for &v in &r[start - period..start] {
                total += v;
            }
            values[start] = total / divisor;
            for j in start..n - 1 {
                total += r[j] - r[j - period];
                values[j + 1] = total / divisor;
            }
            values
        })
    }
}
