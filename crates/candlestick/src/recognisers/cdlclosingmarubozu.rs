//! CDLCLOSINGMARUBOZU: a long real body closing at (or very near) its extreme: a white one with no
//! or a very short upper shadow (+100), a black one with no or a very short lower shadow (-100).
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyLong.period(), ShadowVeryShort.period());

pub(crate) const PATTERN: Native = Native { name: "cdlclosingmarubozu", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let body_long = p.avg(BodyLong, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let (body, lower, upper, o, c, out) =
        (&p.body[..n], &p.lower_shadow[..n], &p.upper_shadow[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    shadow_very_short.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let now = if c[i] >= o[i] { 1 } else { -1 };
        let hit = (body[i] > body_long.at(i))
            & ((now == 1) & (upper[i] < shadow_very_short.at(i)) | (now == -1) & (lower[i] < shadow_very_short.at(i)));
        out[i] = if hit { now * 100 } else { 0 };
    }
}
