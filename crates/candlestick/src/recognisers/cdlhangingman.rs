//! CDLHANGINGMAN: a small real body, a long lower shadow, little or no upper shadow, the body at or
//! near the prior candle's high (-100).
use super::cdlhammer::{hammer, LOOKBACK};
use crate::{Native, Prepared};
use std::ops::Range;

pub(crate) const PATTERN: Native = Native { name: "cdlhangingman", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    hammer(p, out, candles, true);
}
