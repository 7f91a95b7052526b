//! CDLABANDONEDBABY: a long candle, a doji gapping away from it, then an opposite candle gapping
//! back and closing well within the first's real body.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(max(BodyDoji.period(), BodyLong.period()), BodyShort.period()) + 2;

/// TA-Lib's default penetration (what `Core::REAL_DEFAULT` becomes).
const PENETRATION: f64 = 0.3;

pub(crate) const PATTERN: Native = Native { name: "cdlabandonedbaby", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (h, l, c) = (p.high, p.low, p.close);
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let body_doji = p.avg(BodyDoji, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        let bearish = color(p, i - 2) == 1
            && color(p, i) == -1
            && c[i] < c[i - 2] - p.body[i - 2] * PENETRATION
            && l[i - 1] > h[i - 2]
            && h[i] < l[i - 1];
        // TA-Lib's port computes the bullish threshold with a fused multiply-add.
        let bullish = color(p, i - 2) == -1
            && color(p, i) == 1
            && c[i] > p.body[i - 2].mul_add(PENETRATION, c[i - 2])
            && h[i - 1] < l[i - 2]
            && l[i] > h[i - 1];
        if p.body[i - 2] > body_long.at(i - 2)
            && p.body[i - 1] <= body_doji.at(i - 1)
            && p.body[i] > body_short.at(i)
            && (bearish || bullish)
        {
            out[i] = color(p, i) * 100;
        }
    }
}
