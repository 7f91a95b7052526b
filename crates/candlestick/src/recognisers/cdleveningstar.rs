//! CDLEVENINGSTAR: a long white candle, a short candle gapping up, then a black candle closing
//! well within the first's real body.
use crate::settings::{max, Setting, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

/// TA-Lib's default penetration (what `Core::REAL_DEFAULT` becomes).
const PENETRATION: f64 = 0.3;

pub(crate) const PATTERN: Native = Native { name: "cdleveningstar", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    evening_star(p, out, candles, BodyShort, LOOKBACK);
}

/// CDLEVENINGSTAR, and with `middle` BodyDoji CDLEVENINGDOJISTAR: the middle candle's body is at
/// most `middle`'s average. `lookback` is the pattern's.
#[inline(always)]
pub(super) fn evening_star(p: &Prepared, out: &mut [i32], candles: Range<usize>, middle: Setting, lookback: usize) {
    let n = p.len();
    let body_long = p.avg(BodyLong, lookback - 2);
    // TA-Lib's total for the 2nd candle (BodyShortPeriodTotal, or BodyDojiPeriodTotal) and its
    // BodyShort total for the 3rd (BodyShortPeriodTotal2).
    let middle = p.avg(middle, lookback - 1);
    let body_short = p.avg(BodyShort, lookback);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    middle.check(n);
    body_short.check(n);
    // TA_CANDLECOLOR == 1 (white) is `close >= open`; black is its negation.
    let white = |k: usize| c[k] >= o[k];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(lookback)..candles.end.min(n) {
        let hit = white(i - 2)
            & !white(i)
            & (c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2]))
            & (c[i] < c[i - 2] - body[i - 2] * PENETRATION)
            & (body[i - 2] > body_long.at(i - 2))
            & (body[i - 1] <= middle.at(i - 1))
            & (body[i] > body_short.at(i));
        out[i] = if hit { -100 } else { 0 };
    }
}
