//! CDLHARAMI: a long candle whose real body holds the next, short one; ±100 when it holds
//! strictly, ±80 when one end matches, the sign opposite to the first candle's colour.
use crate::settings::{max, Setting, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlharami", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    harami(p, out, candles, BodyShort, LOOKBACK);
}

/// CDLHARAMI, and with `second` BodyDoji CDLHARAMICROSS: the second candle's body is at most
/// `second`'s average. `lookback` is the pattern's.
#[inline(always)]
pub(super) fn harami(p: &Prepared, out: &mut [i32], candles: Range<usize>, second: Setting, lookback: usize) {
    let n = p.len();
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let body_long = p.avg(BodyLong, lookback - 1);
    let second = p.avg(second, lookback);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    second.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(lookback)..candles.end.min(n) {
        let first = if c[i - 1] >= o[i - 1] { 1 } else { -1 };
        let (top, bottom) = (c_max(c[i], o[i]), c_min(c[i], o[i]));
        let (prior_top, prior_bottom) = (c_max(c[i - 1], o[i - 1]), c_min(c[i - 1], o[i - 1]));
        let hit = (body[i - 1] > body_long.at(i - 1)) & (body[i] <= second.at(i));
        // Held strictly (100) implies held (80): 80 + 20 when strictly.
        let strict = (top < prior_top) & (bottom > prior_bottom);
        let held = (top <= prior_top) & (bottom >= prior_bottom);
        let value = 80 * held as i32 + 20 * strict as i32;
        out[i] = if hit { -first * value } else { 0 };
    }
}
