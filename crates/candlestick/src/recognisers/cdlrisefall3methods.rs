//! CDLRISEFALL3METHODS: a long candle, three small candles of the other colour moving against it
//! within its range, then a long candle of the first colour closing beyond the first's close.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 4;

pub(crate) const PATTERN: Native = Native { name: "cdlrisefall3methods", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, h, l, c) = (p.open, p.high, p.low, p.close);
    // TA-Lib's BodyPeriodTotal[4] and [0] (BodyLong, candles i-4 and i) and [3], [2], [1]
    // (BodyShort, candles i-3, i-2, i-1).
    let body_long4 = p.avg(BodyLong, LOOKBACK - 4);
    let body_short3 = p.avg(BodyShort, LOOKBACK - 3);
    let body_short2 = p.avg(BodyShort, LOOKBACK - 2);
    let body_short1 = p.avg(BodyShort, LOOKBACK - 1);
    let body_long0 = p.avg(BodyLong, LOOKBACK);
    for i in LOOKBACK..p.len() {
        let first = color(p, i - 4);
        // TA-Lib compares prices multiplied by the first candle's colour (±1).
        let sign = f64::from(first);
        if first == -color(p, i - 3)
            && color(p, i - 3) == color(p, i - 2)
            && color(p, i - 2) == color(p, i - 1)
            && color(p, i - 1) == -color(p, i)
            && c_min(o[i - 3], c[i - 3]) < h[i - 4]
            && c_max(o[i - 3], c[i - 3]) > l[i - 4]
            && c_min(o[i - 2], c[i - 2]) < h[i - 4]
            && c_max(o[i - 2], c[i - 2]) > l[i - 4]
            && c_min(o[i - 1], c[i - 1]) < h[i - 4]
            && c_max(o[i - 1], c[i - 1]) > l[i - 4]
            && c[i - 2] * sign < c[i - 3] * sign
            && c[i - 1] * sign < c[i - 2] * sign
            && o[i] * sign > c[i - 1] * sign
            && c[i] * sign > c[i - 4] * sign
            && p.body[i - 4] > body_long4.at(i - 4)
            && p.body[i - 3] < body_short3.at(i - 3)
            && p.body[i - 2] < body_short2.at(i - 2)
            && p.body[i - 1] < body_short1.at(i - 1)
            && p.body[i] > body_long0.at(i)
        {
            out[i] = 100 * first;
        }
    }
}
