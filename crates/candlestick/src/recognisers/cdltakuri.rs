//! CDLTAKURI: a doji with little or no upper shadow and a very long lower shadow.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(max(BodyDoji.period(), ShadowVeryShort.period()), ShadowVeryLong.period());

pub(crate) const PATTERN: Native = Native { name: "cdltakuri", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let doji = p.avg(BodyDoji, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let shadow_very_long = p.avg(ShadowVeryLong, LOOKBACK);
    let (body, upper, lower, out) = (&p.body[..n], &p.upper_shadow[..n], &p.lower_shadow[..n], &mut out[..n]);
    doji.check(n);
    shadow_very_short.check(n);
    shadow_very_long.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = (body[i] <= doji.at(i)) & (upper[i] < shadow_very_short.at(i)) & (lower[i] > shadow_very_long.at(i));
        out[i] = if hit { 100 } else { 0 };
    }
}
