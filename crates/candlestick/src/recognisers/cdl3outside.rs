//! CDL3OUTSIDE: an engulfing pair, then a third candle closing beyond the engulfing candle's
//! close in its direction.
use crate::{color, Native, Prepared};

const LOOKBACK: usize = 3;

pub(crate) const PATTERN: Native = Native { name: "cdl3outside", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    for i in LOOKBACK..p.len() {
        let white_engulfs_black = color(p, i - 1) == 1
            && color(p, i - 2) == -1
            && c[i - 1] > o[i - 2]
            && o[i - 1] < c[i - 2]
            && c[i] > c[i - 1];
        let black_engulfs_white = color(p, i - 1) == -1
            && color(p, i - 2) == 1
            && o[i - 1] > c[i - 2]
            && c[i - 1] < o[i - 2]
            && c[i] < c[i - 1];
        if white_engulfs_black || black_engulfs_white {
            out[i] = color(p, i - 1) * 100;
        }
    }
}
