//! CDLEVENINGDOJISTAR: a long white candle, a doji gapping up, then a black candle closing well
//! within the first's real body.
use super::cdleveningstar::evening_star;
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(max(BodyDoji.period(), BodyLong.period()), BodyShort.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdleveningdojistar", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    evening_star(p, out, candles, BodyDoji, LOOKBACK);
}
