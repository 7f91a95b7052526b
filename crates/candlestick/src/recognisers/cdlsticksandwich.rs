//! CDLSTICKSANDWICH: black, white trading above the first close, then black closing equal to the
//! first.
use crate::settings::Setting::Equal;
use crate::{color, Native, Prepared};

const LOOKBACK: usize = Equal.period() + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlsticksandwich", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let c = p.close;
    let equal = p.avg(Equal, LOOKBACK - 2);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == -1
            && color(p, i - 1) == 1
            && color(p, i) == -1
            && p.low[i - 1] > c[i - 2]
            // 1st and 3rd close equal
            && c[i] <= c[i - 2] + equal.at(i - 2)
            && c[i] >= c[i - 2] - equal.at(i - 2)
        {
            out[i] = 100;
        }
    }
}
