//! CDLHOMINGPIGEON: a long black candle, then a short black real body inside the first one's body.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlhomingpigeon", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    body_short.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white_prior, white) = (c[i - 1] >= o[i - 1], c[i] >= o[i]);
        let hit = !white_prior
            & !white
            & (body[i - 1] > body_long.at(i - 1))
            & (body[i] <= body_short.at(i))
            & (o[i] < o[i - 1])
            & (c[i] > c[i - 1]);
        out[i] = if hit { 100 } else { 0 };
    }
}
