//! CDLMORNINGDOJISTAR: a long black candle, a doji gapping down, then a white candle closing well
//! into the first body.
use super::cdlmorningstar::morning_star;
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(max(BodyDoji.period(), BodyLong.period()), BodyShort.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlmorningdojistar", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    morning_star(p, out, candles, BodyDoji, LOOKBACK);
}
