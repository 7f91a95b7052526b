//! CDLSTALLEDPATTERN: two long white candles with rising closes, then a small white body riding
//! on the shoulder of the second.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize =
    max(max(BodyLong.period(), BodyShort.period()), max(ShadowVeryShort.period(), Near.period())) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlstalledpattern", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, body, upper, out) = (&p.open[..n], &p.close[..n], &p.body[..n], &p.upper_shadow[..n], &mut out[..n]);
    let body_long2 = p.avg(BodyLong, LOOKBACK - 2);
    let body_long1 = p.avg(BodyLong, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let near2 = p.avg(Near, LOOKBACK - 2);
    let near1 = p.avg(Near, LOOKBACK - 1);
    for avg in [body_long2, body_long1, body_short, shadow_very_short, near2, near1] {
        avg.check(n);
    }
    // TA-Lib's colour: white when close >= open.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = white(i - 2)
            & white(i - 1)
            & white(i)
            // consecutive higher closes
            & (c[i] > c[i - 1])
            & (c[i - 1] > c[i - 2])
            & (body[i - 2] > body_long2.at(i - 2))
            & (body[i - 1] > body_long1.at(i - 1))
            & (upper[i - 1] < shadow_very_short.at(i - 1))
            // 2nd opens within or near the 1st real body
            & (o[i - 1] > o[i - 2])
            & (o[i - 1] <= c[i - 2] + near2.at(i - 2))
            & (body[i] < body_short.at(i))
            // 3rd rides on the shoulder of the 2nd real body
            & (o[i] >= c[i - 1] - body[i] - near1.at(i - 1));
        out[i] = if hit { -100 } else { 0 };
    }
}
