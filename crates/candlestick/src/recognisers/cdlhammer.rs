//! CDLHAMMER: a small real body, a long lower shadow, little or no upper shadow, the body at or
//! near the prior candle's low.
use crate::settings::{max, Setting::*};
use crate::{c_min, Native, Prepared};

const LOOKBACK: usize =
    max(max(max(BodyShort.period(), ShadowLong.period()), ShadowVeryShort.period()), Near.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlhammer", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    // TA-Lib's Near total is of the prior candle: it starts one candle earlier.
    let near = p.avg(Near, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if p.body[i] < body_short.at(i)
            && p.lower_shadow[i] > shadow_long.at(i)
            && p.upper_shadow[i] < shadow_very_short.at(i)
            && c_min(p.close[i], p.open[i]) <= p.low[i - 1] + near.at(i - 1)
        {
            out[i] = 100;
        }
    }
}
