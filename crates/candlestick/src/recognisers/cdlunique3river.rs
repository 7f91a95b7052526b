//! CDLUNIQUE3RIVER: a long black candle, a black harami with a lower low, then a short white
//! candle opening above the second's low.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlunique3river", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, l, body, out) = (&p.open[..n], &p.close[..n], &p.low[..n], &p.body[..n], &mut out[..n]);
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let body_short = p.avg(BodyShort, LOOKBACK);
    body_long.check(n);
    body_short.check(n);
    // TA-Lib's colour: white when close >= open.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = !white(i - 2)
            & !white(i - 1)
            & white(i)
            // harami with a lower low
            & (c[i - 1] > c[i - 2])
            & (o[i - 1] <= o[i - 2])
            & (l[i - 1] < l[i - 2])
            // open not lower than the 2nd's low
            & (o[i] > l[i - 1])
            & (body[i - 2] > body_long.at(i - 2))
            & (body[i] < body_short.at(i));
        out[i] = if hit { 100 } else { 0 };
    }
}
