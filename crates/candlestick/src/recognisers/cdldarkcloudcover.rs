//! CDLDARKCLOUDCOVER: a long white candle, then a black one opening above its high and closing
//! deep within its body (below the default penetration, half the body).
use crate::settings::Setting::BodyLong;
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = BodyLong.period() + 1;

/// TA-Lib's default `optInPenetration` (what `Core::REAL_DEFAULT` selects).
const PENETRATION: f64 = 0.5;

pub(crate) const PATTERN: Native = Native { name: "cdldarkcloudcover", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let n = p.len();
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let (body, o, h, c, out) = (&p.body[..n], &p.open[..n], &p.high[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        // TA_CANDLECOLOR(i-1) == 1 and TA_CANDLECOLOR(i) == -1
        let (white_before, white_now) = (c[i - 1] >= o[i - 1], c[i] >= o[i]);
        let hit = white_before
            & (body[i - 1] > body_long.at(i - 1))
            & !white_now
            & (o[i] > h[i - 1])
            & (c[i] > o[i - 1])
            & (c[i] < c[i - 1] - body[i - 1] * PENETRATION);
        out[i] = if hit { -100 } else { 0 };
    }
}
