//! CDLBELTHOLD: a long real body opening at (or very near) its extreme: a white one with no or a
//! very short lower shadow (+100), a black one with no or a very short upper shadow (-100).
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

pub(super) const LOOKBACK: usize = max(BodyLong.period(), ShadowVeryShort.period());

pub(crate) const PATTERN: Native = Native { name: "cdlbelthold", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    long_body_shadow(p, out, candles, &p.lower_shadow, &p.upper_shadow);
}

/// A long real body with no or a very short `white` shadow if it is white (+100), `black` shadow
/// if it is black (-100): CDLBELTHOLD (lower, upper) and CDLCLOSINGMARUBOZU (upper, lower).
#[inline(always)]
pub(super) fn long_body_shadow(p: &Prepared, out: &mut [i32], candles: Range<usize>, white: &[f64], black: &[f64]) {
    let n = p.len();
    let body_long = p.avg(BodyLong, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let (body, white, black, o, c, out) =
        (&p.body[..n], &white[..n], &black[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    shadow_very_short.check(n);
    // Every test is evaluated (`&`, `|`, no `&&`, `||`) and the output stored whatever it is: a
    // branch per test would mispredict on real candles. The slices and checks above let the
    // compiler drop the bounds checks.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let now = if c[i] >= o[i] { 1 } else { -1 };
        let hit = (body[i] > body_long.at(i))
            & ((now == 1) & (white[i] < shadow_very_short.at(i)) | (now == -1) & (black[i] < shadow_very_short.at(i)));
        out[i] = if hit { now * 100 } else { 0 };
    }
}
