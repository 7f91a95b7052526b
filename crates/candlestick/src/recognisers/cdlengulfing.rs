//! CDLENGULFING: the second real body engulfs the first, of the opposite colour; ±100 when it
//! engulfs strictly at both ends, ±80 when one end is equal.
use crate::{color, Native, Prepared};

const LOOKBACK: usize = 2;

pub(crate) const PATTERN: Native = Native { name: "cdlengulfing", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    for i in LOOKBACK..p.len() {
        let (now, before) = (color(p, i), color(p, i - 1));
        let white_engulfs_black =
            now == 1 && before == -1 && (c[i] >= o[i - 1] && o[i] < c[i - 1] || c[i] > o[i - 1] && o[i] <= c[i - 1]);
        let black_engulfs_white =
            now == -1 && before == 1 && (o[i] >= c[i - 1] && c[i] < o[i - 1] || o[i] > c[i - 1] && c[i] <= o[i - 1]);
        if white_engulfs_black || black_engulfs_white {
            out[i] = if o[i] != c[i - 1] && c[i] != o[i - 1] { now * 100 } else { now * 80 };
        }
    }
}
