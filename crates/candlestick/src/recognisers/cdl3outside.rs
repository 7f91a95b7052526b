//! CDL3OUTSIDE: an engulfing pair, then a third candle closing beyond the engulfing candle's
//! close in its direction.
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = 3;

pub(crate) const PATTERN: Native = Native { name: "cdl3outside", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, out) = (&p.open[..n], &p.close[..n], &mut out[..n]);
    // TA_CANDLECOLOR == 1 (white) is `close >= open`; black is its negation.
    let white = |k: usize| c[k] >= o[k];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white1, white2) = (white(i - 1), white(i - 2));
        let white_engulfs_black = white1 & !white2 & (c[i - 1] > o[i - 2]) & (o[i - 1] < c[i - 2]) & (c[i] > c[i - 1]);
        let black_engulfs_white = !white1 & white2 & (o[i - 1] > c[i - 2]) & (c[i - 1] < o[i - 2]) & (c[i] < c[i - 1]);
        // TA_CANDLECOLOR(i - 1) * 100
        out[i] = if white_engulfs_black | black_engulfs_white {
            if white1 {
                100
            } else {
                -100
            }
        } else {
            0
        };
    }
}
