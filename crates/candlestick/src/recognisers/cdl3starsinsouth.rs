//! CDL3STARSINSOUTH: three black candles: a long one with a long lower shadow, a smaller one
//! trading within it with a lower shadow, then a small marubozu inside the second's range.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize =
    max(max(ShadowVeryShort.period(), ShadowLong.period()), max(BodyLong.period(), BodyShort.period())) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdl3starsinsouth", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, h, l, c) = (p.open, p.high, p.low, p.close);
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let shadow_long = p.avg(ShadowLong, LOOKBACK - 2);
    // TA-Lib's ShadowVeryShortPeriodTotal[1] and [0].
    let very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let very_short0 = p.avg(ShadowVeryShort, LOOKBACK);
    let body_short = p.avg(BodyShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == -1
            && color(p, i - 1) == -1
            && color(p, i) == -1
            && p.body[i - 2] > body_long.at(i - 2)
            && p.lower_shadow[i - 2] > shadow_long.at(i - 2)
            && p.body[i - 1] < p.body[i - 2]
            && o[i - 1] > c[i - 2]
            && o[i - 1] <= h[i - 2]
            && l[i - 1] < c[i - 2]
            && l[i - 1] >= l[i - 2]
            && p.lower_shadow[i - 1] > very_short1.at(i - 1)
            && p.body[i] < body_short.at(i)
            && p.lower_shadow[i] < very_short0.at(i)
            && p.upper_shadow[i] < very_short0.at(i)
            && l[i] > l[i - 1]
            && h[i] < h[i - 1]
        {
            out[i] = 100;
        }
    }
}
