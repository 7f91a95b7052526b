//! CDL3STARSINSOUTH: three black candles: a long one with a long lower shadow, a smaller one
//! trading within it with a lower shadow, then a small marubozu inside the second's range.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize =
    max(max(ShadowVeryShort.period(), ShadowLong.period()), max(BodyLong.period(), BodyShort.period())) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdl3starsinsouth", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let shadow_long = p.avg(ShadowLong, LOOKBACK - 2);
    // TA-Lib's ShadowVeryShortPeriodTotal[1] and [0].
    let very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let very_short0 = p.avg(ShadowVeryShort, LOOKBACK);
    let body_short = p.avg(BodyShort, LOOKBACK);
    let (o, h, l, c) = (&p.open[..n], &p.high[..n], &p.low[..n], &p.close[..n]);
    let (body, lower, upper, out) = (&p.body[..n], &p.lower_shadow[..n], &p.upper_shadow[..n], &mut out[..n]);
    body_long.check(n);
    shadow_long.check(n);
    very_short1.check(n);
    very_short0.check(n);
    body_short.check(n);
    // TA_CANDLECOLOR == 1 (white) is `close >= open`; black is its negation.
    let white = |k: usize| c[k] >= o[k];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = !white(i - 2)
            & !white(i - 1)
            & !white(i)
            & (body[i - 2] > body_long.at(i - 2))
            & (lower[i - 2] > shadow_long.at(i - 2))
            & (body[i - 1] < body[i - 2])
            & (o[i - 1] > c[i - 2])
            & (o[i - 1] <= h[i - 2])
            & (l[i - 1] < c[i - 2])
            & (l[i - 1] >= l[i - 2])
            & (lower[i - 1] > very_short1.at(i - 1))
            & (body[i] < body_short.at(i))
            & (lower[i] < very_short0.at(i))
            & (upper[i] < very_short0.at(i))
            & (l[i] > l[i - 1])
            & (h[i] < h[i - 1]);
        out[i] = if hit { 100 } else { 0 };
    }
}
