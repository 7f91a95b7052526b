//! CDLSHOOTINGSTAR: a small real body gapping up from the prior body, a long upper shadow and
//! little or no lower shadow.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(max(BodyShort.period(), ShadowLong.period()), ShadowVeryShort.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlshootingstar", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let (body, upper, lower, o, c, out) =
        (&p.body[..n], &p.upper_shadow[..n], &p.lower_shadow[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_short.check(n);
    shadow_long.check(n);
    shadow_very_short.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        // TA_REALBODYGAPUP(i, i-1)
        let hit = (c_min(o[i], c[i]) > c_max(o[i - 1], c[i - 1]))
            & (body[i] < body_short.at(i))
            & (upper[i] > shadow_long.at(i))
            & (lower[i] < shadow_very_short.at(i));
        out[i] = if hit { -100 } else { 0 };
    }
}
