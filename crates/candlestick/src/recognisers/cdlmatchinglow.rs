//! CDLMATCHINGLOW: two black candles closing at (about) the same price.
use crate::settings::Setting::Equal;
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = Equal.period() + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlmatchinglow", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // TA-Lib's Equal total is of the prior candle: it starts one candle earlier.
    let equal = p.avg(Equal, LOOKBACK - 1);
    let (o, c, out) = (&p.open[..n], &p.close[..n], &mut out[..n]);
    equal.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white_prior, white) = (c[i - 1] >= o[i - 1], c[i] >= o[i]);
        let hit = !white_prior & !white & (c[i] <= c[i - 1] + equal.at(i - 1)) & (c[i] >= c[i - 1] - equal.at(i - 1));
        out[i] = if hit { 100 } else { 0 };
    }
}
