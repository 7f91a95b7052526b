//! CDLONNECK: a long black candle, then a white candle opening below its low and closing at
//! (about) that low.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(Equal.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlonneck", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c, l) = (p.open, p.close, p.low);
    // Both of TA-Lib's totals are of the prior candle: they start one candle earlier.
    let equal = p.avg(Equal, LOOKBACK - 1);
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if color(p, i - 1) == -1
            && p.body[i - 1] > body_long.at(i - 1)
            && color(p, i) == 1
            && o[i] < l[i - 1]
            && c[i] <= l[i - 1] + equal.at(i - 1)
            && c[i] >= l[i - 1] - equal.at(i - 1)
        {
            out[i] = -100;
        }
    }
}
