//! CDLKICKINGBYLENGTH: a marubozu, then an opposite-coloured marubozu gapping away from it; signed
//! by the colour of the one with the longer body.
use super::cdlkicking::{kicking, LOOKBACK};
use crate::{Native, Prepared};
use std::ops::Range;

pub(crate) const PATTERN: Native = Native { name: "cdlkickingbylength", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    kicking(p, out, candles, true);
}
