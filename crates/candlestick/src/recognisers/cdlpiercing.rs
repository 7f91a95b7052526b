//! CDLPIERCING: a long black candle, then a long white candle opening below its low and closing
//! above its body's midpoint, still within the body.
use crate::settings::Setting::BodyLong;
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = BodyLong.period() + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlpiercing", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // TA-Lib's BodyLongPeriodTotal[1] (prior candle) and [0] (current candle).
    let body_long_prior = p.avg(BodyLong, LOOKBACK - 1);
    let body_long = p.avg(BodyLong, LOOKBACK);
    let (body, o, l, c, out) = (&p.body[..n], &p.open[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    body_long_prior.check(n);
    body_long.check(n);
    // Branchless: see cdlbelthold.rs. The costly multiply-add comes last, only on the rare
    // candles that pass the rest.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white_prior, white) = (c[i - 1] >= o[i - 1], c[i] >= o[i]);
        let cheap = !white_prior
            & (body[i - 1] > body_long_prior.at(i - 1))
            & white
            & (body[i] > body_long.at(i))
            & (o[i] < l[i - 1])
            & (c[i] < o[i - 1]);
        // The midpoint as TA-Lib's port computes it: one fused multiply-add.
        let hit = cheap && c[i] > body[i - 1].mul_add(0.5, c[i - 1]);
        out[i] = if hit { 100 } else { 0 };
    }
}
