//! CDLCONCEALBABYSWALL: two black marubozu, then a black candle gapping down whose upper shadow
//! reaches into the second's body, then a black candle engulfing the third, shadows included.
use crate::settings::Setting::*;
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = ShadowVeryShort.period() + 3;

pub(crate) const PATTERN: Native =
    Native { name: "cdlconcealbabyswall", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, h, l, c, out) = (&p.open[..n], &p.high[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    let (lower, upper) = (&p.lower_shadow[..n], &p.upper_shadow[..n]);
    // TA-Lib's ShadowVeryShortPeriodTotal[3], [2] and [1]: of candles i-3, i-2 and i-1.
    let very_short3 = p.avg(ShadowVeryShort, LOOKBACK - 3);
    let very_short2 = p.avg(ShadowVeryShort, LOOKBACK - 2);
    let very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    very_short3.check(n);
    very_short2.check(n);
    very_short1.check(n);
    // TA_CANDLECOLOR == 1.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = !white(i - 3)
            & !white(i - 2)
            & !white(i - 1)
            & !white(i)
            & (lower[i - 3] < very_short3.at(i - 3))
            & (upper[i - 3] < very_short3.at(i - 3))
            & (lower[i - 2] < very_short2.at(i - 2))
            & (upper[i - 2] < very_short2.at(i - 2))
            & (c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2]))
            & (upper[i - 1] > very_short1.at(i - 1))
            & (h[i - 1] > c[i - 2])
            & (h[i] > h[i - 1])
            & (l[i] < l[i - 1]);
        out[i] = if hit { 100 } else { 0 };
    }
}
