//! CDLSTICKSANDWICH: black, white trading above the first close, then black closing equal to the
//! first.
use crate::settings::Setting::Equal;
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = Equal.period() + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlsticksandwich", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, l, out) = (&p.open[..n], &p.close[..n], &p.low[..n], &mut out[..n]);
    let equal = p.avg(Equal, LOOKBACK - 2);
    equal.check(n);
    // TA-Lib's colour: white when close >= open.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = !white(i - 2)
            & white(i - 1)
            & !white(i)
            & (l[i - 1] > c[i - 2])
            // 1st and 3rd close equal
            & (c[i] <= c[i - 2] + equal.at(i - 2))
            & (c[i] >= c[i - 2] - equal.at(i - 2));
        out[i] = if hit { 100 } else { 0 };
    }
}
