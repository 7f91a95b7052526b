//! CDLUPSIDEGAP2CROWS: a long white candle, a small black one gapping up above it, then a black
//! candle engulfing the second's real body but closing above the first's close.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlupsidegap2crows", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    // The BodyLong total is of candle i-2, the BodyShort total of candle i-1.
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let body_short = p.avg(BodyShort, LOOKBACK - 1);
    body_long.check(n);
    body_short.check(n);
    // TA_CANDLECOLOR == 1.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = white(i - 2)
            & (body[i - 2] > body_long.at(i - 2))
            & !white(i - 1)
            & (body[i - 1] <= body_short.at(i - 1))
            & (c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2]))
            & !white(i)
            & (o[i] > o[i - 1])
            & (c[i] < c[i - 1])
            & (c[i] > c[i - 2]);
        out[i] = if hit { -100 } else { 0 };
    }
}
