//! CDLENGULFING: the second real body engulfs the first, of the opposite colour; ±100 when it
//! engulfs strictly at both ends, ±80 when one end is equal.
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = 2;

pub(crate) const PATTERN: Native = Native { name: "cdlengulfing", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, out) = (&p.open[..n], &p.close[..n], &mut out[..n]);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let white_now = c[i] >= o[i];
        let white_before = c[i - 1] >= o[i - 1];
        let now = if white_now { 1 } else { -1 };
        let white_engulfs_black = white_now
            & !white_before
            & (((c[i] >= o[i - 1]) & (o[i] < c[i - 1])) | ((c[i] > o[i - 1]) & (o[i] <= c[i - 1])));
        let black_engulfs_white = !white_now
            & white_before
            & (((o[i] >= c[i - 1]) & (c[i] < o[i - 1])) | ((o[i] > c[i - 1]) & (c[i] <= o[i - 1])));
        let value = if (o[i] != c[i - 1]) & (c[i] != o[i - 1]) { 100 } else { 80 };
        out[i] = if white_engulfs_black | black_engulfs_white { now * value } else { 0 };
    }
}
