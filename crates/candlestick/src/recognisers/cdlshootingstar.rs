//! CDLSHOOTINGSTAR: a small real body gapping up from the prior body, a long upper shadow and
//! little or no lower shadow.
use super::cdlinvertedhammer::{inverted_hammer, LOOKBACK};
use crate::{Native, Prepared};
use std::ops::Range;

pub(crate) const PATTERN: Native = Native { name: "cdlshootingstar", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    inverted_hammer(p, out, candles, true);
}
