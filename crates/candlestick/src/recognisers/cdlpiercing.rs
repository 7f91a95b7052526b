//! CDLPIERCING: a long black candle, then a long white candle opening below its low and closing
//! above its body's midpoint, still within the body.
use crate::settings::Setting::BodyLong;
use crate::{color, Native, Prepared};

const LOOKBACK: usize = BodyLong.period() + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlpiercing", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    // TA-Lib's BodyLongPeriodTotal[1] (prior candle) and [0] (current candle).
    let body_long_prior = p.avg(BodyLong, LOOKBACK - 1);
    let body_long = p.avg(BodyLong, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if color(p, i - 1) == -1
            && p.body[i - 1] > body_long_prior.at(i - 1)
            && color(p, i) == 1
            && p.body[i] > body_long.at(i)
            && o[i] < p.low[i - 1]
            && c[i] < o[i - 1]
            // The midpoint as TA-Lib's port computes it: one fused multiply-add.
            && c[i] > p.body[i - 1].mul_add(0.5, c[i - 1])
        {
            out[i] = 100;
        }
    }
}
