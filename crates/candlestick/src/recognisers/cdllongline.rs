//! CDLLONGLINE: a long real body with short upper and lower shadows (±100 by colour).
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyLong.period(), ShadowShort.period());

pub(crate) const PATTERN: Native = Native { name: "cdllongline", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let body_long = p.avg(BodyLong, LOOKBACK);
    let shadow_short = p.avg(ShadowShort, LOOKBACK);
    let (body, lower, upper, o, c, out) =
        (&p.body[..n], &p.lower_shadow[..n], &p.upper_shadow[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    shadow_short.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let now = if c[i] >= o[i] { 1 } else { -1 };
        let hit = (body[i] > body_long.at(i)) & (upper[i] < shadow_short.at(i)) & (lower[i] < shadow_short.at(i));
        out[i] = if hit { now * 100 } else { 0 };
    }
}
