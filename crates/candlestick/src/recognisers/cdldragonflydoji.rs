//! CDLDRAGONFLYDOJI: a doji opening and closing at (or very near) the high, with a lower shadow
//! that is not very short.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

pub(super) const LOOKBACK: usize = max(BodyDoji.period(), ShadowVeryShort.period());

pub(crate) const PATTERN: Native = Native { name: "cdldragonflydoji", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    one_shadow_doji(p, out, candles, &p.upper_shadow, &p.lower_shadow);
}

/// A doji (100) whose `short` shadow is very short and whose `long` one is not: CDLDRAGONFLYDOJI
/// (upper, lower) and CDLGRAVESTONEDOJI (lower, upper).
#[inline(always)]
pub(super) fn one_shadow_doji(p: &Prepared, out: &mut [i32], candles: Range<usize>, short: &[f64], long: &[f64]) {
    let n = p.len();
    let doji = p.avg(BodyDoji, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let (body, short, long, out) = (&p.body[..n], &short[..n], &long[..n], &mut out[..n]);
    doji.check(n);
    shadow_very_short.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = (body[i] <= doji.at(i)) & (short[i] < shadow_very_short.at(i)) & (long[i] > shadow_very_short.at(i));
        out[i] = if hit { 100 } else { 0 };
    }
}
