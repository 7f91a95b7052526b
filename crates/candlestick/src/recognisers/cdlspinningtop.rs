//! CDLSPINNINGTOP: a small real body with both shadows longer than the body; ±100 by its colour.
use crate::settings::Setting::BodyShort;
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = BodyShort.period();

pub(crate) const PATTERN: Native = Native { name: "cdlspinningtop", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let body_short = p.avg(BodyShort, LOOKBACK);
    let (body, upper, lower, o, c, out) =
        (&p.body[..n], &p.upper_shadow[..n], &p.lower_shadow[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_short.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let now = if c[i] >= o[i] { 1 } else { -1 };
        let hit = (upper[i] > body[i]) & (lower[i] > body[i]) & (body[i] < body_short.at(i));
        out[i] = if hit { now * 100 } else { 0 };
    }
}
