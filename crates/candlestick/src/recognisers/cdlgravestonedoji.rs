//! CDLGRAVESTONEDOJI: a doji opening and closing at (or very near) the low, with an upper shadow
//! that is not very short.
use super::cdldragonflydoji::{one_shadow_doji, LOOKBACK};
use crate::{Native, Prepared};
use std::ops::Range;

pub(crate) const PATTERN: Native = Native { name: "cdlgravestonedoji", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    one_shadow_doji(p, out, candles, &p.lower_shadow, &p.upper_shadow);
}
