//! CDLMATCHINGLOW: two black candles closing at (about) the same price.
use crate::settings::Setting::Equal;
use crate::{color, Native, Prepared};

const LOOKBACK: usize = Equal.period() + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlmatchinglow", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let c = p.close;
    // TA-Lib's Equal total is of the prior candle: it starts one candle earlier.
    let equal = p.avg(Equal, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if color(p, i - 1) == -1
            && color(p, i) == -1
            && c[i] <= c[i - 1] + equal.at(i - 1)
            && c[i] >= c[i - 1] - equal.at(i - 1)
        {
            out[i] = 100;
        }
    }
}
