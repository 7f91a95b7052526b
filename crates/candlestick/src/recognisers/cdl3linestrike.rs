//! CDL3LINESTRIKE: three soldiers (crows), each opening within or near the prior body, then a
//! fourth candle of the other colour opening beyond the third's close and closing beyond the
//! first's open.
use crate::settings::Setting::*;
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = Near.period() + 3;

pub(crate) const PATTERN: Native = Native { name: "cdl3linestrike", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, out) = (&p.open[..n], &p.close[..n], &mut out[..n]);
    // TA-Lib's NearPeriodTotal[3] and [2]: of candles i-3 and i-2.
    let near3 = p.avg(Near, LOOKBACK - 3);
    let near2 = p.avg(Near, LOOKBACK - 2);
    near3.check(n);
    near2.check(n);
    // TA_CANDLECOLOR.
    let color = |j: usize| if c[j] >= o[j] { 1 } else { -1 };
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let third = color(i - 1);
        let hit = (color(i - 3) == color(i - 2))
            & (color(i - 2) == third)
            & (color(i) == -third)
            & (o[i - 2] >= c_min(o[i - 3], c[i - 3]) - near3.at(i - 3))
            & (o[i - 2] <= c_max(o[i - 3], c[i - 3]) + near3.at(i - 3))
            & (o[i - 1] >= c_min(o[i - 2], c[i - 2]) - near2.at(i - 2))
            & (o[i - 1] <= c_max(o[i - 2], c[i - 2]) + near2.at(i - 2))
            & (((third == 1) & (c[i - 1] > c[i - 2]) & (c[i - 2] > c[i - 3]) & (o[i] > c[i - 1]) & (c[i] < o[i - 3]))
                | ((third == -1)
                    & (c[i - 1] < c[i - 2])
                    & (c[i - 2] < c[i - 3])
                    & (o[i] < c[i - 1])
                    & (c[i] > o[i - 3])));
        out[i] = if hit { third * 100 } else { 0 };
    }
}
