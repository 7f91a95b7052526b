//! CDLUPSIDEGAP2CROWS: a long white candle, a small black one gapping up above it, then a black
//! candle engulfing the second's real body but closing above the first's close.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlupsidegap2crows", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    // The BodyLong total is of candle i-2, the BodyShort total of candle i-1.
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let body_short = p.avg(BodyShort, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == 1
            && p.body[i - 2] > body_long.at(i - 2)
            && color(p, i - 1) == -1
            && p.body[i - 1] <= body_short.at(i - 1)
            && c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2])
            && color(p, i) == -1
            && o[i] > o[i - 1]
            && c[i] < c[i - 1]
            && c[i] > c[i - 2]
        {
            out[i] = -100;
        }
    }
}
