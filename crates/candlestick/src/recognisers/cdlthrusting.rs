//! CDLTHRUSTING: a long black candle, then a white candle opening below its low and closing into
//! its body, but not above the body's midpoint.
use super::cdlinneck::{neck, LOOKBACK};
use crate::{Native, Prepared};
use std::ops::Range;

pub(crate) const PATTERN: Native = Native { name: "cdlthrusting", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    // The costly multiply-add comes last, only on the rare candles that pass the rest: the
    // midpoint as TA-Lib's port computes it, one fused multiply-add.
    neck(
        p,
        out,
        candles,
        |x| x.close > x.prior_close + x.equal,
        |x| x.close <= x.prior_body.mul_add(0.5, x.prior_close),
    );
}
