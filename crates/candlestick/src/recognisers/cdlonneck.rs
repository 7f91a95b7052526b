//! CDLONNECK: a long black candle, then a white candle opening below its low and closing at
//! (about) that low.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(Equal.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlonneck", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // Both of TA-Lib's totals are of the prior candle: they start one candle earlier.
    let equal = p.avg(Equal, LOOKBACK - 1);
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let (body, o, l, c, out) = (&p.body[..n], &p.open[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    equal.check(n);
    body_long.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white_prior, white) = (c[i - 1] >= o[i - 1], c[i] >= o[i]);
        let hit = !white_prior
            & (body[i - 1] > body_long.at(i - 1))
            & white
            & (o[i] < l[i - 1])
            & (c[i] <= l[i - 1] + equal.at(i - 1))
            & (c[i] >= l[i - 1] - equal.at(i - 1));
        out[i] = if hit { -100 } else { 0 };
    }
}
