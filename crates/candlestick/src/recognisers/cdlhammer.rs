//! CDLHAMMER: a small real body, a long lower shadow, little or no upper shadow, the body at or
//! near the prior candle's low.
use crate::settings::{max, Setting::*};
use crate::{c_min, Native, Prepared};
use std::ops::Range;

pub(super) const LOOKBACK: usize =
    max(max(max(BodyShort.period(), ShadowLong.period()), ShadowVeryShort.period()), Near.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlhammer", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    hammer(p, out, candles, false);
}

/// CDLHAMMER (100), and with `hanging_man` CDLHANGINGMAN (-100): the same candle, its body at or
/// near the prior candle's high instead of its low.
#[inline(always)]
pub(super) fn hammer(p: &Prepared, out: &mut [i32], candles: Range<usize>, hanging_man: bool) {
    let n = p.len();
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    // TA-Lib's Near total is of the prior candle: it starts one candle earlier.
    let near = p.avg(Near, LOOKBACK - 1);
    let (body, lower, upper, o, c, h, l, out) = (
        &p.body[..n],
        &p.lower_shadow[..n],
        &p.upper_shadow[..n],
        &p.open[..n],
        &p.close[..n],
        &p.high[..n],
        &p.low[..n],
        &mut out[..n],
    );
    body_short.check(n);
    shadow_long.check(n);
    shadow_very_short.check(n);
    near.check(n);
    let value = if hanging_man { -100 } else { 100 };
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let near_prior = if hanging_man {
            c_min(c[i], o[i]) >= h[i - 1] - near.at(i - 1)
        } else {
            c_min(c[i], o[i]) <= l[i - 1] + near.at(i - 1)
        };
        let hit = (body[i] < body_short.at(i))
            & (lower[i] > shadow_long.at(i))
            & (upper[i] < shadow_very_short.at(i))
            & near_prior;
        out[i] = if hit { value } else { 0 };
    }
}
