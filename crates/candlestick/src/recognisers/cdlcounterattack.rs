//! CDLCOUNTERATTACK: two long candles of opposite colours closing at (nearly) the same price;
//! ±100 by the second candle's colour.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(Equal.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlcounterattack", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    // TA-Lib's BodyLongPeriodTotal[1] and the Equal total are of the prior candle: they start one
    // candle earlier than BodyLongPeriodTotal[0].
    let n = p.len();
    let long_first = p.avg(BodyLong, LOOKBACK - 1);
    let long_second = p.avg(BodyLong, LOOKBACK);
    let equal = p.avg(Equal, LOOKBACK - 1);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    long_first.check(n);
    long_second.check(n);
    equal.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let now = if c[i] >= o[i] { 1 } else { -1 };
        let before = if c[i - 1] >= o[i - 1] { 1 } else { -1 };
        let hit = (before == -now)
            & (body[i - 1] > long_first.at(i - 1))
            & (body[i] > long_second.at(i))
            & (c[i] <= c[i - 1] + equal.at(i - 1))
            & (c[i] >= c[i - 1] - equal.at(i - 1));
        out[i] = if hit { now * 100 } else { 0 };
    }
}
