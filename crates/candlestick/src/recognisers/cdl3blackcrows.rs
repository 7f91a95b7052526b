//! CDL3BLACKCROWS: a white candle, then three declining black candles with very short lower
//! shadows, each opening within the prior black's real body.
use crate::settings::Setting::ShadowVeryShort;
use crate::{color, Native, Prepared};

const LOOKBACK: usize = ShadowVeryShort.period() + 3;

pub(crate) const PATTERN: Native = Native { name: "cdl3blackcrows", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, h, c) = (p.open, p.high, p.close);
    // TA-Lib's ShadowVeryShortPeriodTotal[2], [1], [0]: one total per black candle.
    let very_short2 = p.avg(ShadowVeryShort, LOOKBACK - 2);
    let very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let very_short0 = p.avg(ShadowVeryShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if color(p, i - 3) == 1
            && color(p, i - 2) == -1
            && color(p, i - 1) == -1
            && color(p, i) == -1
            && o[i - 1] < o[i - 2]
            && o[i - 1] > c[i - 2]
            && o[i] < o[i - 1]
            && o[i] > c[i - 1]
            && h[i - 3] > c[i - 2]
            && c[i - 2] > c[i - 1]
            && c[i - 1] > c[i]
            && p.lower_shadow[i - 2] < very_short2.at(i - 2)
            && p.lower_shadow[i - 1] < very_short1.at(i - 1)
            && p.lower_shadow[i] < very_short0.at(i)
        {
            out[i] = -100;
        }
    }
}
