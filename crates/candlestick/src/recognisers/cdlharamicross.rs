//! CDLHARAMICROSS: a long candle whose real body holds the next candle, a doji; ±100 when it holds
//! strictly, ±80 when one end matches, the sign opposite to the first candle's colour.
use super::cdlharami::harami;
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyDoji.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlharamicross", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    harami(p, out, candles, BodyDoji, LOOKBACK);
}
