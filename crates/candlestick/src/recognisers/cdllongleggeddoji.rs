//! CDLLONGLEGGEDDOJI: a doji with a long upper or lower shadow.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyDoji.period(), ShadowLong.period());

pub(crate) const PATTERN: Native = Native { name: "cdllongleggeddoji", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let doji = p.avg(BodyDoji, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    let (body, lower, upper, out) = (&p.body[..n], &p.lower_shadow[..n], &p.upper_shadow[..n], &mut out[..n]);
    doji.check(n);
    shadow_long.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = (body[i] <= doji.at(i)) & ((lower[i] > shadow_long.at(i)) | (upper[i] > shadow_long.at(i)));
        out[i] = if hit { 100 } else { 0 };
    }
}
