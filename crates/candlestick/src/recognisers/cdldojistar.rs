//! CDLDOJISTAR: a long candle, then a doji whose body gaps away from it (up after a white
//! candle, down after a black one); -100 after a white candle, +100 after a black one.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = max(BodyDoji.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdldojistar", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let doji = p.avg(BodyDoji, LOOKBACK);
    let (o, c) = (p.open, p.close);
    for i in LOOKBACK..p.len() {
        let first = color(p, i - 1);
        // TA_REALBODYGAPUP(i, i-1) and TA_REALBODYGAPDOWN(i, i-1)
        let gap_up = c_min(o[i], c[i]) > c_max(o[i - 1], c[i - 1]);
        let gap_down = c_max(o[i], c[i]) < c_min(o[i - 1], c[i - 1]);
        if p.body[i - 1] > body_long.at(i - 1)
            && p.body[i] <= doji.at(i)
            && (first == 1 && gap_up || first == -1 && gap_down)
        {
            out[i] = -first * 100;
        }
    }
}
