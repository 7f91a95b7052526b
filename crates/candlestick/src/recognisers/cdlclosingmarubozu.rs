//! CDLCLOSINGMARUBOZU: a long real body closing at (or very near) its extreme: a white one with no
//! or a very short upper shadow (+100), a black one with no or a very short lower shadow (-100).
use super::cdlbelthold::{long_body_shadow, LOOKBACK};
use crate::{Native, Prepared};
use std::ops::Range;

pub(crate) const PATTERN: Native = Native { name: "cdlclosingmarubozu", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    long_body_shadow(p, out, candles, &p.upper_shadow, &p.lower_shadow);
}
