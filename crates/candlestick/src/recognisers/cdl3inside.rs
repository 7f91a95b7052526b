//! CDL3INSIDE: a long candle, a short one inside its real body (a harami), then a third candle of
//! the opposite colour to the first closing beyond the first's open.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdl3inside", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let body_short = p.avg(BodyShort, LOOKBACK - 1);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    body_short.check(n);
    // TA_CANDLECOLOR == 1 (white) is `close >= open`; black is its negation.
    let white = |k: usize| c[k] >= o[k];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let (white2, white0) = (white(i - 2), white(i));
        let hit = (c_max(c[i - 1], o[i - 1]) < c_max(c[i - 2], o[i - 2]))
            & (c_min(c[i - 1], o[i - 1]) > c_min(c[i - 2], o[i - 2]))
            & ((white2 & !white0 & (c[i] < o[i - 2])) | (!white2 & white0 & (c[i] > o[i - 2])))
            & (body[i - 2] > body_long.at(i - 2))
            & (body[i - 1] <= body_short.at(i - 1));
        // -TA_CANDLECOLOR(i - 2) * 100
        out[i] = if hit {
            if white2 {
                -100
            } else {
                100
            }
        } else {
            0
        };
    }
}
