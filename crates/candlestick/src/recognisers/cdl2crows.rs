//! CDL2CROWS: a long white candle, a black candle gapping up above it, then a black candle that
//! opens within the second body and closes within the first.
use crate::settings::Setting::BodyLong;
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = BodyLong.period() + 2;

pub(crate) const PATTERN: Native = Native { name: "cdl2crows", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    // TA-Lib's BodyLong total is of the first candle, two before the current one.
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == 1
            && p.body[i - 2] > body_long.at(i - 2)
            && color(p, i - 1) == -1
            && c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2])
            && color(p, i) == -1
            && o[i] < o[i - 1]
            && o[i] > c[i - 1]
            && c[i] > o[i - 2]
            && c[i] < c[i - 2]
        {
            out[i] = -100;
        }
    }
}
