//! CDL3BLACKCROWS: a white candle, then three declining black candles with very short lower
//! shadows, each opening within the prior black's real body.
use crate::settings::Setting::ShadowVeryShort;
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = ShadowVeryShort.period() + 3;

pub(crate) const PATTERN: Native = Native { name: "cdl3blackcrows", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // TA-Lib's ShadowVeryShortPeriodTotal[2], [1], [0]: one total per black candle.
    let very_short2 = p.avg(ShadowVeryShort, LOOKBACK - 2);
    let very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let very_short0 = p.avg(ShadowVeryShort, LOOKBACK);
    let (o, h, c, lower, out) = (&p.open[..n], &p.high[..n], &p.close[..n], &p.lower_shadow[..n], &mut out[..n]);
    very_short2.check(n);
    very_short1.check(n);
    very_short0.check(n);
    // TA_CANDLECOLOR == 1 (white) is `close >= open`; black is its negation.
    let white = |k: usize| c[k] >= o[k];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = white(i - 3)
            & !white(i - 2)
            & !white(i - 1)
            & !white(i)
            & (o[i - 1] < o[i - 2])
            & (o[i - 1] > c[i - 2])
            & (o[i] < o[i - 1])
            & (o[i] > c[i - 1])
            & (h[i - 3] > c[i - 2])
            & (c[i - 2] > c[i - 1])
            & (c[i - 1] > c[i])
            & (lower[i - 2] < very_short2.at(i - 2))
            & (lower[i - 1] < very_short1.at(i - 1))
            & (lower[i] < very_short0.at(i));
        out[i] = if hit { -100 } else { 0 };
    }
}
