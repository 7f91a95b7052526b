//! CDLDARKCLOUDCOVER: a long white candle, then a black one opening above its high and closing
//! deep within its body (below the default penetration, half the body).
use crate::settings::Setting::BodyLong;
use crate::{color, Native, Prepared};

const LOOKBACK: usize = BodyLong.period() + 1;

/// TA-Lib's default `optInPenetration` (what `Core::REAL_DEFAULT` selects).
const PENETRATION: f64 = 0.5;

pub(crate) const PATTERN: Native = Native { name: "cdldarkcloudcover", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let (o, h, c) = (p.open, p.high, p.close);
    for i in LOOKBACK..p.len() {
        if color(p, i - 1) == 1
            && p.body[i - 1] > body_long.at(i - 1)
            && color(p, i) == -1
            && o[i] > h[i - 1]
            && c[i] > o[i - 1]
            && c[i] < c[i - 1] - p.body[i - 1] * PENETRATION
        {
            out[i] = -100;
        }
    }
}
