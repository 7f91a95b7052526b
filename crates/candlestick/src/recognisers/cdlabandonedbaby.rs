//! CDLABANDONEDBABY: a long candle, a doji gapping away from it, then an opposite candle gapping
//! back and closing well within the first's real body.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(max(BodyDoji.period(), BodyLong.period()), BodyShort.period()) + 2;

/// TA-Lib's default penetration (what `Core::REAL_DEFAULT` becomes).
const PENETRATION: f64 = 0.3;

pub(crate) const PATTERN: Native = Native { name: "cdlabandonedbaby", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let body_doji = p.avg(BodyDoji, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    let (o, h, l, c) = (&p.open[..n], &p.high[..n], &p.low[..n], &p.close[..n]);
    let (body, out) = (&p.body[..n], &mut out[..n]);
    body_long.check(n);
    body_doji.check(n);
    body_short.check(n);
    // TA_CANDLECOLOR == 1 (white) is `close >= open`; black is its negation.
    let white = |k: usize| c[k] >= o[k];
    // Branchless (see cdlbelthold.rs), but for the bullish threshold's `mul_add`, tested last.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white2, white0) = (white(i - 2), white(i));
        let bearish = white2
            & !white0
            & (c[i] < c[i - 2] - body[i - 2] * PENETRATION)
            & (l[i - 1] > h[i - 2])
            & (h[i] < l[i - 1]);
        let bullish_gaps = !white2 & white0 & (h[i - 1] < l[i - 2]) & (l[i] > h[i - 1]);
        let bodies =
            (body[i - 2] > body_long.at(i - 2)) & (body[i - 1] <= body_doji.at(i - 1)) & (body[i] > body_short.at(i));
        // TA-Lib's port computes the bullish threshold with a fused multiply-add.
        let hit = bodies & (bearish | (bullish_gaps && c[i] > body[i - 2].mul_add(PENETRATION, c[i - 2])));
        // TA_CANDLECOLOR(i) * 100
        out[i] = if hit {
            if white0 {
                100
            } else {
                -100
            }
        } else {
            0
        };
    }
}
