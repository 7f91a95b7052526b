//! CDLINNECK: a long black candle, then a white candle opening below its low and closing at or
//! just above its close.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

pub(super) const LOOKBACK: usize = max(Equal.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlinneck", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    neck(p, out, candles, |x| (x.close <= x.prior_close + x.equal) & (x.close >= x.prior_close), |_| true);
}

/// The white candle's close and the prior candle's values it is held against.
#[derive(Clone, Copy)]
pub(super) struct Close {
    pub close: f64,
    pub prior_close: f64,
    pub prior_low: f64,
    pub prior_body: f64,
    /// The Equal average of the prior candle.
    pub equal: f64,
}

/// What CDLINNECK, CDLONNECK and CDLTHRUSTING share (-100): a long black candle, then a white
/// candle opening below its low, closing where `close` says; `rare`, a costlier test, is
/// evaluated only on the candles that pass the rest.
#[inline(always)]
pub(super) fn neck(
    p: &Prepared,
    out: &mut [i32],
    candles: Range<usize>,
    close: impl Fn(Close) -> bool,
    rare: impl Fn(Close) -> bool,
) {
    let n = p.len();
    // Both of TA-Lib's totals are of the prior candle: they start one candle earlier.
    let equal = p.avg(Equal, LOOKBACK - 1);
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let (body, o, l, c, out) = (&p.body[..n], &p.open[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    equal.check(n);
    body_long.check(n);
    // Branchless (see cdlbelthold.rs), except `rare`.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white_prior, white) = (c[i - 1] >= o[i - 1], c[i] >= o[i]);
        let x = Close {
            close: c[i],
            prior_close: c[i - 1],
            prior_low: l[i - 1],
            prior_body: body[i - 1],
            equal: equal.at(i - 1),
        };
        let cheap = !white_prior & (body[i - 1] > body_long.at(i - 1)) & white & (o[i] < l[i - 1]) & close(x);
        let hit = cheap && rare(x);
        out[i] = if hit { -100 } else { 0 };
    }
}
