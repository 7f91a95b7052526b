//! CDLSEPARATINGLINES: two candles of opposite colours opening at (about) the same price, the
//! second a belt hold (long body, no shadow on its opening side); signed by the second's colour.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(max(ShadowVeryShort.period(), BodyLong.period()), Equal.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlseparatinglines", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let body_long = p.avg(BodyLong, LOOKBACK);
    // TA-Lib's Equal total is of the prior candle: it starts one candle earlier.
    let equal = p.avg(Equal, LOOKBACK - 1);
    let (body, upper, lower) = (&p.body[..n], &p.upper_shadow[..n], &p.lower_shadow[..n]);
    let (o, c, out) = (&p.open[..n], &p.close[..n], &mut out[..n]);
    shadow_very_short.check(n);
    body_long.check(n);
    equal.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white_prior, white) = (c[i - 1] >= o[i - 1], c[i] >= o[i]);
        let hit = (white_prior != white)
            & (o[i] <= o[i - 1] + equal.at(i - 1))
            & (o[i] >= o[i - 1] - equal.at(i - 1))
            & (body[i] > body_long.at(i))
            & ((white & (lower[i] < shadow_very_short.at(i))) | (!white & (upper[i] < shadow_very_short.at(i))));
        let now = if white { 1 } else { -1 };
        out[i] = if hit { now * 100 } else { 0 };
    }
}
