//! CDLONNECK: a long black candle, then a white candle opening below its low and closing at
//! (about) that low.
use super::cdlinneck::{neck, LOOKBACK};
use crate::{Native, Prepared};
use std::ops::Range;

pub(crate) const PATTERN: Native = Native { name: "cdlonneck", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    neck(p, out, candles, |x| (x.close <= x.prior_low + x.equal) & (x.close >= x.prior_low - x.equal), |_| true);
}
