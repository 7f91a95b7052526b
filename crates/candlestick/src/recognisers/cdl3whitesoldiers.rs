//! CDL3WHITESOLDIERS: three rising white candles with very short upper shadows, each opening
//! within or near the prior real body and not far shorter than it.
use crate::settings::{max, Setting::*};
use crate::{Avg, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(max(ShadowVeryShort.period(), BodyShort.period()), max(Far.period(), Near.period())) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdl3whitesoldiers", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // TA-Lib's ShadowVeryShortPeriodTotal[2], [1], [0], NearPeriodTotal[2], [1], FarPeriodTotal[2], [1].
    let very_short2 = p.avg(ShadowVeryShort, LOOKBACK - 2);
    let very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let very_short0 = p.avg(ShadowVeryShort, LOOKBACK);
    let near2 = p.avg(Near, LOOKBACK - 2);
    let near1 = p.avg(Near, LOOKBACK - 1);
    let far2 = p.avg(Far, LOOKBACK - 2);
    let far1 = p.avg(Far, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    let (body, upper, o, c, out) = (&p.body[..n], &p.upper_shadow[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    very_short2.check(n);
    very_short1.check(n);
    very_short0.check(n);
    near2.check(n);
    near1.check(n);
    far2.check(n);
    far1.check(n);
    body_short.check(n);
    // TA_CANDLECOLOR == 1 (white) is `close >= open`.
    let white = |k: usize| c[k] >= o[k];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = white(i - 2)
            & (upper[i - 2] < very_short2.at(i - 2))
            & white(i - 1)
            & (upper[i - 1] < very_short1.at(i - 1))
            & white(i)
            & (upper[i] < very_short0.at(i))
            & advancing(o, c, near2, near1, i)
            & (body[i - 1] > body[i - 2] - far2.at(i - 2))
            & (body[i] > body[i - 1] - far1.at(i - 1))
            & (body[i] > body_short.at(i));
        out[i] = if hit { 100 } else { 0 };
    }
}

/// Closes rising over candles i-2, i-1, i, and each candle opening above the prior open and
/// within (or near) the prior body: what three white soldiers and advance block share.
#[inline(always)]
pub(super) fn advancing(o: &[f64], c: &[f64], near2: Avg, near1: Avg, i: usize) -> bool {
    (c[i] > c[i - 1])
        & (c[i - 1] > c[i - 2])
        & (o[i - 1] > o[i - 2])
        & (o[i - 1] <= c[i - 2] + near2.at(i - 2))
        & (o[i] > o[i - 1])
        & (o[i] <= c[i - 1] + near1.at(i - 1))
}
