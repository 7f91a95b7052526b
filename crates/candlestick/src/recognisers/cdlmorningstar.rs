//! CDLMORNINGSTAR: a long black candle, a short real body gapping down, then a white candle
//! closing well into the first body.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

/// TA-Lib's default penetration (what `Core::REAL_DEFAULT` becomes).
const PENETRATION: f64 = 3e-1;

pub(crate) const PATTERN: Native = Native { name: "cdlmorningstar", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    // TA-Lib keeps two BodyShort totals: one for the 2nd candle, one for the 3rd.
    let body_short1 = p.avg(BodyShort, LOOKBACK - 1);
    let body_short0 = p.avg(BodyShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == -1
            && color(p, i) == 1
            // TA_REALBODYGAPDOWN(i-1, i-2)
            && c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2])
            // the ta-lib crate computes close + body × penetration as one fused multiply-add
            && c[i] > p.body[i - 2].mul_add(PENETRATION, c[i - 2])
            && p.body[i - 2] > body_long.at(i - 2)
            && p.body[i - 1] <= body_short1.at(i - 1)
            && p.body[i] > body_short0.at(i)
        {
            out[i] = 100;
        }
    }
}
