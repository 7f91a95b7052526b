//! CDL2CROWS: a long white candle, a black candle gapping up above it, then a black candle that
//! opens within the second body and closes within the first.
use crate::settings::Setting::BodyLong;
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = BodyLong.period() + 2;

pub(crate) const PATTERN: Native = Native { name: "cdl2crows", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // TA-Lib's BodyLong total is of the first candle, two before the current one.
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    let white = |k: usize| c[k] >= o[k];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = white(i - 2)
            & (body[i - 2] > body_long.at(i - 2))
            & !white(i - 1)
            & (c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2]))
            & !white(i)
            & (o[i] < o[i - 1])
            & (o[i] > c[i - 1])
            & (c[i] > o[i - 2])
            & (c[i] < c[i - 2]);
        out[i] = if hit { -100 } else { 0 };
    }
}
