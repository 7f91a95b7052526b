//! CDLCOUNTERATTACK: two long candles of opposite colours closing at (nearly) the same price;
//! ±100 by the second candle's colour.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(Equal.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlcounterattack", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    // TA-Lib's BodyLongPeriodTotal[1] and the Equal total are of the prior candle: they start one
    // candle earlier than BodyLongPeriodTotal[0].
    let long_first = p.avg(BodyLong, LOOKBACK - 1);
    let long_second = p.avg(BodyLong, LOOKBACK);
    let equal = p.avg(Equal, LOOKBACK - 1);
    let c = p.close;
    for i in LOOKBACK..p.len() {
        if color(p, i - 1) == -color(p, i)
            && p.body[i - 1] > long_first.at(i - 1)
            && p.body[i] > long_second.at(i)
            && c[i] <= c[i - 1] + equal.at(i - 1)
            && c[i] >= c[i - 1] - equal.at(i - 1)
        {
            out[i] = color(p, i) * 100;
        }
    }
}
