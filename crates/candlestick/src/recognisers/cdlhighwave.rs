//! CDLHIGHWAVE: a short real body with very long upper and lower shadows (±100 by colour).
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), ShadowVeryLong.period());

pub(crate) const PATTERN: Native = Native { name: "cdlhighwave", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_very_long = p.avg(ShadowVeryLong, LOOKBACK);
    let (body, lower, upper, o, c, out) =
        (&p.body[..n], &p.lower_shadow[..n], &p.upper_shadow[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_short.check(n);
    shadow_very_long.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let now = if c[i] >= o[i] { 1 } else { -1 };
        let hit =
            (body[i] < body_short.at(i)) & (upper[i] > shadow_very_long.at(i)) & (lower[i] > shadow_very_long.at(i));
        out[i] = if hit { now * 100 } else { 0 };
    }
}
