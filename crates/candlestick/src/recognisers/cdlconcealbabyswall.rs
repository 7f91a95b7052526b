//! CDLCONCEALBABYSWALL: two black marubozu, then a black candle gapping down whose upper shadow
//! reaches into the second's body, then a black candle engulfing the third, shadows included.
use crate::settings::Setting::*;
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = ShadowVeryShort.period() + 3;

pub(crate) const PATTERN: Native = Native { name: "cdlconcealbabyswall", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, h, l, c) = (p.open, p.high, p.low, p.close);
    // TA-Lib's ShadowVeryShortPeriodTotal[3], [2] and [1]: of candles i-3, i-2 and i-1.
    let very_short3 = p.avg(ShadowVeryShort, LOOKBACK - 3);
    let very_short2 = p.avg(ShadowVeryShort, LOOKBACK - 2);
    let very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if color(p, i - 3) == -1
            && color(p, i - 2) == -1
            && color(p, i - 1) == -1
            && color(p, i) == -1
            && p.lower_shadow[i - 3] < very_short3.at(i - 3)
            && p.upper_shadow[i - 3] < very_short3.at(i - 3)
            && p.lower_shadow[i - 2] < very_short2.at(i - 2)
            && p.upper_shadow[i - 2] < very_short2.at(i - 2)
            && c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2])
            && p.upper_shadow[i - 1] > very_short1.at(i - 1)
            && h[i - 1] > c[i - 2]
            && h[i] > h[i - 1]
            && l[i] < l[i - 1]
        {
            out[i] = 100;
        }
    }
}
