//! CDLBREAKAWAY: a long candle, a gap to a candle of the same colour, two more candles moving
//! further the same way, then a candle of the other colour closing inside the gap.
use crate::settings::Setting::*;
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = BodyLong.period() + 4;

pub(crate) const PATTERN: Native = Native { name: "cdlbreakaway", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, h, l, c) = (p.open, p.high, p.low, p.close);
    // The BodyLong total is of candle i-4.
    let body_long = p.avg(BodyLong, LOOKBACK - 4);
    for i in LOOKBACK..p.len() {
        let first = color(p, i - 4);
        if first == color(p, i - 3)
            && color(p, i - 3) == color(p, i - 1)
            && color(p, i - 1) == -color(p, i)
            && p.body[i - 4] > body_long.at(i - 4)
            && (first == -1
                && c_max(o[i - 3], c[i - 3]) < c_min(o[i - 4], c[i - 4])
                && h[i - 2] < h[i - 3]
                && l[i - 2] < l[i - 3]
                && h[i - 1] < h[i - 2]
                && l[i - 1] < l[i - 2]
                && c[i] > o[i - 3]
                && c[i] < c[i - 4]
                || first == 1
                    && c_min(o[i - 3], c[i - 3]) > c_max(o[i - 4], c[i - 4])
                    && h[i - 2] > h[i - 3]
                    && l[i - 2] > l[i - 3]
                    && h[i - 1] > h[i - 2]
                    && l[i - 1] > l[i - 2]
                    && c[i] < o[i - 3]
                    && c[i] > c[i - 4])
        {
            out[i] = color(p, i) * 100;
        }
    }
}
