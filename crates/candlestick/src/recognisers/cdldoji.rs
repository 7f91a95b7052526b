//! CDLDOJI: a real body no larger than a tenth of the average high-low range (BodyDoji).
use crate::settings::Setting::BodyDoji;
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = BodyDoji.period();

pub(crate) const PATTERN: Native = Native { name: "cdldoji", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let doji = p.avg(BodyDoji, LOOKBACK);
    let (body, out) = (&p.body[..n], &mut out[..n]);
    doji.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        out[i] = if body[i] <= doji.at(i) { 100 } else { 0 };
    }
}
