//! CDLBREAKAWAY: a long candle, a gap to a candle of the same colour, two more candles moving
//! further the same way, then a candle of the other colour closing inside the gap.
use crate::settings::Setting::*;
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = BodyLong.period() + 4;

pub(crate) const PATTERN: Native = Native { name: "cdlbreakaway", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (body, o, h, l, c, out) = (&p.body[..n], &p.open[..n], &p.high[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    // The BodyLong total is of candle i-4.
    let body_long = p.avg(BodyLong, LOOKBACK - 4);
    body_long.check(n);
    // TA_CANDLECOLOR.
    let color = |j: usize| if c[j] >= o[j] { 1 } else { -1 };
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let first = color(i - 4);
        let now = color(i);
        let hit = (first == color(i - 3))
            & (color(i - 3) == color(i - 1))
            & (color(i - 1) == -now)
            & (body[i - 4] > body_long.at(i - 4))
            & (((first == -1)
                & (c_max(o[i - 3], c[i - 3]) < c_min(o[i - 4], c[i - 4]))
                & (h[i - 2] < h[i - 3])
                & (l[i - 2] < l[i - 3])
                & (h[i - 1] < h[i - 2])
                & (l[i - 1] < l[i - 2])
                & (c[i] > o[i - 3])
                & (c[i] < c[i - 4]))
                | ((first == 1)
                    & (c_min(o[i - 3], c[i - 3]) > c_max(o[i - 4], c[i - 4]))
                    & (h[i - 2] > h[i - 3])
                    & (l[i - 2] > l[i - 3])
                    & (h[i - 1] > h[i - 2])
                    & (l[i - 1] > l[i - 2])
                    & (c[i] < o[i - 3])
                    & (c[i] > c[i - 4])));
        out[i] = if hit { now * 100 } else { 0 };
    }
}
