//! CDLHOMINGPIGEON: a long black candle, then a short black real body inside the first one's body.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlhomingpigeon", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if color(p, i - 1) == -1
            && color(p, i) == -1
            && p.body[i - 1] > body_long.at(i - 1)
            && p.body[i] <= body_short.at(i)
            && o[i] < o[i - 1]
            && c[i] > c[i - 1]
        {
            out[i] = 100;
        }
    }
}
