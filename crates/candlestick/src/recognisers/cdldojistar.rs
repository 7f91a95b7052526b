//! CDLDOJISTAR: a long candle, then a doji whose body gaps away from it (up after a white
//! candle, down after a black one); -100 after a white candle, +100 after a black one.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyDoji.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdldojistar", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let n = p.len();
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let doji = p.avg(BodyDoji, LOOKBACK);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    body_long.check(n);
    doji.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let first = if c[i - 1] >= o[i - 1] { 1 } else { -1 };
        // TA_REALBODYGAPUP(i, i-1) and TA_REALBODYGAPDOWN(i, i-1)
        let gap_up = c_min(o[i], c[i]) > c_max(o[i - 1], c[i - 1]);
        let gap_down = c_max(o[i], c[i]) < c_min(o[i - 1], c[i - 1]);
        let hit = (body[i - 1] > body_long.at(i - 1))
            & (body[i] <= doji.at(i))
            & (((first == 1) & gap_up) | ((first == -1) & gap_down));
        out[i] = if hit { -first * 100 } else { 0 };
    }
}
