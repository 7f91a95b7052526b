//! CDLLADDERBOTTOM: three black candles with lower opens and closes, a fourth black one with an
//! upper shadow, then a white candle opening above the fourth's open and closing above its high.
use crate::settings::Setting::*;
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = ShadowVeryShort.period() + 4;

pub(crate) const PATTERN: Native = Native { name: "cdlladderbottom", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (upper, o, h, c, out) = (&p.upper_shadow[..n], &p.open[..n], &p.high[..n], &p.close[..n], &mut out[..n]);
    // The ShadowVeryShort total is of candle i-1.
    let very_short = p.avg(ShadowVeryShort, LOOKBACK - 1);
    very_short.check(n);
    // TA_CANDLECOLOR == 1.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = !white(i - 4)
            & !white(i - 3)
            & !white(i - 2)
            & (o[i - 4] > o[i - 3])
            & (o[i - 3] > o[i - 2])
            & (c[i - 4] > c[i - 3])
            & (c[i - 3] > c[i - 2])
            & !white(i - 1)
            & (upper[i - 1] > very_short.at(i - 1))
            & white(i)
            & (o[i] > o[i - 1])
            & (c[i] > h[i - 1]);
        out[i] = if hit { 100 } else { 0 };
    }
}
