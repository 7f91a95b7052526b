//! CDLINVERTEDHAMMER: a small real body gapping down from the prior one, a long upper shadow, little
//! or no lower shadow.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

pub(super) const LOOKBACK: usize = max(max(BodyShort.period(), ShadowLong.period()), ShadowVeryShort.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlinvertedhammer", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    inverted_hammer(p, out, candles, false);
}

/// CDLINVERTEDHAMMER (100), and with `shooting_star` CDLSHOOTINGSTAR (-100): the same candle, its
/// body gapping up from the prior one instead of down.
#[inline(always)]
pub(super) fn inverted_hammer(p: &Prepared, out: &mut [i32], candles: Range<usize>, shooting_star: bool) {
    let n = p.len();
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let (body, lower, upper, o, c, out) =
        (&p.body[..n], &p.lower_shadow[..n], &p.upper_shadow[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_short.check(n);
    shadow_long.check(n);
    shadow_very_short.check(n);
    let value = if shooting_star { -100 } else { 100 };
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let gap = if shooting_star {
            // TA_REALBODYGAPUP(i, i-1)
            c_min(o[i], c[i]) > c_max(o[i - 1], c[i - 1])
        } else {
            // TA_REALBODYGAPDOWN(i, i-1)
            c_max(o[i], c[i]) < c_min(o[i - 1], c[i - 1])
        };
        let hit =
            gap & (body[i] < body_short.at(i)) & (upper[i] > shadow_long.at(i)) & (lower[i] < shadow_very_short.at(i));
        out[i] = if hit { value } else { 0 };
    }
}
