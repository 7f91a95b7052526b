//! CDLKICKING: a marubozu, then an opposite-coloured marubozu gapping away from it; signed by the
//! second's colour.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

pub(super) const LOOKBACK: usize = max(ShadowVeryShort.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlkicking", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    kicking(p, out, candles, false);
}

/// CDLKICKING, and with `by_length` CDLKICKINGBYLENGTH: the same candles, signed by the colour of
/// the one with the longer body.
#[inline(always)]
pub(super) fn kicking(p: &Prepared, out: &mut [i32], candles: Range<usize>, by_length: bool) {
    let n = p.len();
    // TA-Lib's totals [1] (prior candle) and [0] (current candle).
    let body_long_prior = p.avg(BodyLong, LOOKBACK - 1);
    let body_long = p.avg(BodyLong, LOOKBACK);
    let shadow_very_short_prior = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let (o, h, l, c, out) = (&p.open[..n], &p.high[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    let (body, upper, lower) = (&p.body[..n], &p.upper_shadow[..n], &p.lower_shadow[..n]);
    body_long_prior.check(n);
    body_long.check(n);
    shadow_very_short_prior.check(n);
    shadow_very_short.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white_prior, white) = (c[i - 1] >= o[i - 1], c[i] >= o[i]);
        let hit = (white_prior != white)
            & (body[i - 1] > body_long_prior.at(i - 1))
            & (upper[i - 1] < shadow_very_short_prior.at(i - 1))
            & (lower[i - 1] < shadow_very_short_prior.at(i - 1))
            & (body[i] > body_long.at(i))
            & (upper[i] < shadow_very_short.at(i))
            & (lower[i] < shadow_very_short.at(i))
            & ((!white_prior & (l[i] > h[i - 1])) | (white_prior & (h[i] < l[i - 1])));
        let now = if white { 1 } else { -1 };
        // On a hit the two colours are opposite: the prior candle's is `-now`.
        let longer = if body[i] > body[i - 1] { now } else { -now };
        let sign = if by_length { longer } else { now };
        out[i] = if hit { sign * 100 } else { 0 };
    }
}
