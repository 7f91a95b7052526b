//! CDLRISEFALL3METHODS: a long candle, three small candles of the other colour moving against it
//! within its range, then a long candle of the first colour closing beyond the first's close.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 4;

pub(crate) const PATTERN: Native =
    Native { name: "cdlrisefall3methods", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (body, o, h, l, c, out) = (&p.body[..n], &p.open[..n], &p.high[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    // TA-Lib's BodyPeriodTotal[4] and [0] (BodyLong, candles i-4 and i) and [3], [2], [1]
    // (BodyShort, candles i-3, i-2, i-1).
    let body_long4 = p.avg(BodyLong, LOOKBACK - 4);
    let body_short3 = p.avg(BodyShort, LOOKBACK - 3);
    let body_short2 = p.avg(BodyShort, LOOKBACK - 2);
    let body_short1 = p.avg(BodyShort, LOOKBACK - 1);
    let body_long0 = p.avg(BodyLong, LOOKBACK);
    body_long4.check(n);
    body_short3.check(n);
    body_short2.check(n);
    body_short1.check(n);
    body_long0.check(n);
    // TA_CANDLECOLOR.
    let color = |j: usize| if c[j] >= o[j] { 1 } else { -1 };
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let first = color(i - 4);
        // TA-Lib compares prices multiplied by the first candle's colour (±1).
        let sign = f64::from(first);
        let hit = (first == -color(i - 3))
            & (color(i - 3) == color(i - 2))
            & (color(i - 2) == color(i - 1))
            & (color(i - 1) == -color(i))
            & (c_min(o[i - 3], c[i - 3]) < h[i - 4])
            & (c_max(o[i - 3], c[i - 3]) > l[i - 4])
            & (c_min(o[i - 2], c[i - 2]) < h[i - 4])
            & (c_max(o[i - 2], c[i - 2]) > l[i - 4])
            & (c_min(o[i - 1], c[i - 1]) < h[i - 4])
            & (c_max(o[i - 1], c[i - 1]) > l[i - 4])
            & (c[i - 2] * sign < c[i - 3] * sign)
            & (c[i - 1] * sign < c[i - 2] * sign)
            & (o[i] * sign > c[i - 1] * sign)
            & (c[i] * sign > c[i - 4] * sign)
            & (body[i - 4] > body_long4.at(i - 4))
            & (body[i - 3] < body_short3.at(i - 3))
            & (body[i - 2] < body_short2.at(i - 2))
            & (body[i - 1] < body_short1.at(i - 1))
            & (body[i] > body_long0.at(i));
        out[i] = if hit { 100 * first } else { 0 };
    }
}
