//! CDLHARAMI: a long candle whose real body holds the next, short one; ±100 when it holds
//! strictly, ±80 when one end matches, the sign opposite to the first candle's colour.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlharami", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    // TA-Lib's BodyLong total is of the prior candle: it starts one candle earlier.
    let body_long = p.avg(BodyLong, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    let (o, c) = (p.open, p.close);
    for i in LOOKBACK..p.len() {
        if p.body[i - 1] > body_long.at(i - 1) && p.body[i] <= body_short.at(i) {
            let (top, bottom) = (c_max(c[i], o[i]), c_min(c[i], o[i]));
            let (prior_top, prior_bottom) = (c_max(c[i - 1], o[i - 1]), c_min(c[i - 1], o[i - 1]));
            if top < prior_top && bottom > prior_bottom {
                out[i] = -color(p, i - 1) * 100;
            } else if top <= prior_top && bottom >= prior_bottom {
                out[i] = -color(p, i - 1) * 80;
            }
        }
    }
}
