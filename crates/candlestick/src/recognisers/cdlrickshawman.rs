//! CDLRICKSHAWMAN: a doji with two long shadows, its body near the middle of the high-low range.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(max(BodyDoji.period(), ShadowLong.period()), Near.period());

pub(crate) const PATTERN: Native = Native { name: "cdlrickshawman", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let doji = p.avg(BodyDoji, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    let near = p.avg(Near, LOOKBACK);
    let (body, high_low, lower, upper, o, l, c, out) = (
        &p.body[..n],
        &p.high_low[..n],
        &p.lower_shadow[..n],
        &p.upper_shadow[..n],
        &p.open[..n],
        &p.low[..n],
        &p.close[..n],
        &mut out[..n],
    );
    doji.check(n);
    shadow_long.check(n);
    near.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let midpoint = l[i] + high_low[i] / 2.0;
        let hit = (body[i] <= doji.at(i))
            & (lower[i] > shadow_long.at(i))
            & (upper[i] > shadow_long.at(i))
            & (c_min(o[i], c[i]) <= midpoint + near.at(i))
            & (c_max(o[i], c[i]) >= midpoint - near.at(i));
        out[i] = if hit { 100 } else { 0 };
    }
}
