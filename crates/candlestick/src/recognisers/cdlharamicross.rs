//! CDLHARAMICROSS: a long candle whose real body holds the next candle, a doji; ±100 when it holds
//! strictly, ±80 when one end matches, the sign opposite to the first candle's colour.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyDoji.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlharamicross", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let doji = p.avg(BodyDoji, LOOKBACK);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    doji.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let first = if c[i - 1] >= o[i - 1] { 1 } else { -1 };
        let (top, bottom) = (c_max(c[i], o[i]), c_min(c[i], o[i]));
        let (prior_top, prior_bottom) = (c_max(c[i - 1], o[i - 1]), c_min(c[i - 1], o[i - 1]));
        let hit = (body[i - 1] > body_long.at(i - 1)) & (body[i] <= doji.at(i));
        // Held strictly (100) implies held (80): 80 + 20 when strictly.
        let strict = (top < prior_top) & (bottom > prior_bottom);
        let held = (top <= prior_top) & (bottom >= prior_bottom);
        let value = 80 * held as i32 + 20 * strict as i32;
        out[i] = if hit { -first * value } else { 0 };
    }
}
