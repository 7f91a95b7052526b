//! CDLLADDERBOTTOM: three black candles with lower opens and closes, a fourth black one with an
//! upper shadow, then a white candle opening above the fourth's open and closing above its high.
use crate::settings::Setting::*;
use crate::{color, Native, Prepared};

const LOOKBACK: usize = ShadowVeryShort.period() + 4;

pub(crate) const PATTERN: Native = Native { name: "cdlladderbottom", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, h, c) = (p.open, p.high, p.close);
    // The ShadowVeryShort total is of candle i-1.
    let very_short = p.avg(ShadowVeryShort, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if color(p, i - 4) == -1
            && color(p, i - 3) == -1
            && color(p, i - 2) == -1
            && o[i - 4] > o[i - 3]
            && o[i - 3] > o[i - 2]
            && c[i - 4] > c[i - 3]
            && c[i - 3] > c[i - 2]
            && color(p, i - 1) == -1
            && p.upper_shadow[i - 1] > very_short.at(i - 1)
            && color(p, i) == 1
            && o[i] > o[i - 1]
            && c[i] > h[i - 1]
        {
            out[i] = 100;
        }
    }
}
