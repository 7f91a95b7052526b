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
pub use settings::{Range, Setting};

/// One recogniser.
#[derive(Clone, Copy)]
pub struct Native {
    /// TA-Lib's function name in lower case (`cdlengulfing`).
    pub name: &'static str,
    /// TA-Lib's lookback: the first candle that gets an output.
    pub lookback: usize,
    /// Writes the output of candles `lookback..` into a zeroed slice as long as the series
    /// (TA-Lib's values: 0, ±80, ±100, ±200). Runs only on series longer than `lookback`.
    run: fn(&Prepared, &mut [i32]),
}

impl Native {
    /// TA-Lib's output for every candle of the series (0 before the lookback).
    pub fn recognise(&self, prepared: &Prepared) -> Vec<i32> {
        let mut out = vec![0; prepared.len()];
        if prepared.len() > self.lookback {
            (self.run)(prepared, &mut out);
        }
        out
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

/// TA_CANDLECOLOR: 1 for a white candle (close ≥ open), -1 for a black one.
#[inline(always)]
pub(crate) fn color(p: &Prepared, i: usize) -> i32 {
    if p.close[i] >= p.open[i] {
        1
    } else {
        -1
    }
}
