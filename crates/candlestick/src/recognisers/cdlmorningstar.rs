//! CDLMORNINGSTAR: a long black candle, a short real body gapping down, then a white candle
//! closing well into the first body.
use crate::settings::{max, Setting, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

/// TA-Lib's default penetration (what `Core::REAL_DEFAULT` becomes).
const PENETRATION: f64 = 3e-1;

pub(crate) const PATTERN: Native = Native { name: "cdlmorningstar", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    morning_star(p, out, candles, BodyShort, LOOKBACK);
}

/// CDLMORNINGSTAR, and with `middle` BodyDoji CDLMORNINGDOJISTAR: the middle candle's body is at
/// most `middle`'s average. `lookback` is the pattern's.
#[inline(always)]
pub(super) fn morning_star(p: &Prepared, out: &mut [i32], candles: Range<usize>, middle: Setting, lookback: usize) {
    let n = p.len();
    let (o, c, body, out) = (&p.open[..n], &p.close[..n], &p.body[..n], &mut out[..n]);
    let body_long = p.avg(BodyLong, lookback - 2);
    // TA-Lib keeps a total for the 2nd candle (`middle`) and a BodyShort one for the 3rd.
    let middle = p.avg(middle, lookback - 1);
    let body_short = p.avg(BodyShort, lookback);
    body_long.check(n);
    middle.check(n);
    body_short.check(n);
    // TA-Lib's colour: white when close >= open.
    let white = |j: usize| c[j] >= o[j];
    // Branchless (see cdlbelthold.rs), except the fused multiply-add, a library call, tested last.
    for i in candles.start.max(lookback)..candles.end.min(n) {
        let cheap = !white(i - 2)
            & white(i)
            // TA_REALBODYGAPDOWN(i-1, i-2)
            & (c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2]))
            & (body[i - 2] > body_long.at(i - 2))
            & (body[i - 1] <= middle.at(i - 1))
            & (body[i] > body_short.at(i));
        // the ta-lib crate computes close + body × penetration as one fused multiply-add
        let hit = cheap && c[i] > body[i - 2].mul_add(PENETRATION, c[i - 2]);
        out[i] = if hit { 100 } else { 0 };
    }
}
