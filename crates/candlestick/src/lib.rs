//! TA-Lib's candlestick pattern recognisers (CDL*), giving exactly TA-Lib's output, faster.
//!
//! TA-Lib runs each recogniser on its own: each one recomputes the candles' ranges and keeps its
//! own running averages of them. Here a series is prepared once ([`Prepared`]: the ranges, and
//! the running averages, each computed once and shared by every recogniser whose total starts at
//! the same candle), and each recogniser only compares. The comparisons are TA-Lib's own, in
//! TA-Lib's order, with TA-Lib's default candle settings; `tests/oracle.rs` holds every
//! recogniser's output equal to the `ta-lib` crate's (TA-Lib's official Rust port) on series
//! made to hit every branch.
// The recognisers read several columns at candles i, i-1, i-2… as TA-Lib's code does; index
// loops say that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

mod prepared;
mod recognisers;
pub mod settings;

pub use prepared::{Avg, Prepared};
pub use settings::{RangeType, Setting};
use std::ops::Range;

/// One recogniser.
#[derive(Clone, Copy)]
pub struct Native {
    /// TA-Lib's function name in lower case (`cdlengulfing`).
    pub name: &'static str,
    /// TA-Lib's lookback: the first candle that gets an output.
    pub lookback: usize,
    /// Writes TA-Lib's output (0, ±80, ±100, ±200) for every candle of the range that is at or
    /// past the lookback, into a slice as long as the series. Called for ranges that end past
    /// the lookback only.
    run: fn(&Prepared, &mut [i32], Range<usize>),
    /// Whether the output at a candle depends on state carried from earlier candles (the
    /// hikkakes: a pattern waits up to three candles for its confirmation). Such a recogniser
    /// runs over ranges that start at the first candle only.
    pub carries_state: bool,
}

impl Native {
    /// TA-Lib's output for every candle of the series (0 before the lookback).
    pub fn recognise(&self, prepared: &Prepared) -> Vec<i32> {
        let mut out = vec![0; prepared.len()];
        self.recognise_range(prepared, &mut out, 0..prepared.len());
        out
    }

    /// TA-Lib's output for the candles of `candles` (0 before the lookback), written at their
    /// indices into `out`, a slice as long as the series; the rest of `out` is left as it is.
    /// Running the recognisers over blocks of candles that fit the CPU's cache, instead of each
    /// over the whole series, reads each input from memory once instead of once per recogniser.
    /// Panics if the range ends past the series, or if the recogniser carries state and the
    /// range does not start at the first candle.
    pub fn recognise_range(&self, prepared: &Prepared, out: &mut [i32], candles: Range<usize>) {
        assert!(candles.end <= prepared.len() && out.len() == prepared.len(), "candles out of the series");
        assert!(!self.carries_state || candles.start == 0, "{} runs from the first candle", self.name);
        // `run` writes every candle from the lookback on (tests/oracle.rs checks it).
        out[candles.start..candles.end.min(self.lookback).max(candles.start)].fill(0);
        if candles.end > self.lookback {
            (self.run)(prepared, out, candles);
        }
    }
}

/// The recogniser of this TA-Lib name (`cdlengulfing`).
pub fn find(name: &str) -> Option<&'static Native> {
    recognisers::ALL.iter().find(|p| p.name == name)
}

/// The 61 recognisers' names, in TA-Lib's alphabetical order.
pub fn names() -> impl Iterator<Item = &'static str> {
    recognisers::ALL.iter().map(|p| p.name)
}

/// TA-Lib's `min` of two prices: `b` unless `a < b` (so a NaN picks `b`, as in TA-Lib).
#[inline(always)]
pub(crate) fn c_min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// TA-Lib's `max` of two prices: `b` unless `a > b`.
#[inline(always)]
pub(crate) fn c_max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}
