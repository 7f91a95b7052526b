//! CDLXSIDEGAP3METHODS: two candles of one colour with a gap between their real bodies, then a
//! candle of the other colour opening within the second body and closing within the first.
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = 2;

pub(crate) const PATTERN: Native = Native { name: "cdlxsidegap3methods", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    for i in LOOKBACK..p.len() {
        let first = color(p, i - 2);
        if first == color(p, i - 1)
            && color(p, i - 1) == -color(p, i)
            && o[i] < c_max(c[i - 1], o[i - 1])
            && o[i] > c_min(c[i - 1], o[i - 1])
            && c[i] < c_max(c[i - 2], o[i - 2])
            && c[i] > c_min(c[i - 2], o[i - 2])
            && (first == 1 && c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2])
                || first == -1 && c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2]))
        {
            out[i] = first * 100;
        }
    }
}
