//! CDLXSIDEGAP3METHODS: two candles of one colour with a gap between their real bodies, then a
//! candle of the other colour opening within the second body and closing within the first.
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = 2;

pub(crate) const PATTERN: Native =
    Native { name: "cdlxsidegap3methods", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, out) = (&p.open[..n], &p.close[..n], &mut out[..n]);
    // TA_CANDLECOLOR.
    let color = |j: usize| if c[j] >= o[j] { 1 } else { -1 };
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let first = color(i - 2);
        let hit = (first == color(i - 1))
            & (color(i - 1) == -color(i))
            & (o[i] < c_max(c[i - 1], o[i - 1]))
            & (o[i] > c_min(c[i - 1], o[i - 1]))
            & (c[i] < c_max(c[i - 2], o[i - 2]))
            & (c[i] > c_min(c[i - 2], o[i - 2]))
            & (((first == 1) & (c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2])))
                | ((first == -1) & (c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2]))));
        out[i] = if hit { first * 100 } else { 0 };
    }
}
