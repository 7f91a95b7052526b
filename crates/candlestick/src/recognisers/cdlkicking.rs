//! CDLKICKING: a marubozu, then an opposite-coloured marubozu gapping away from it; signed by the
//! second's colour.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(ShadowVeryShort.period(), BodyLong.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlkicking", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (h, l) = (p.high, p.low);
    // TA-Lib's totals [1] (prior candle) and [0] (current candle).
    let body_long_prior = p.avg(BodyLong, LOOKBACK - 1);
    let body_long = p.avg(BodyLong, LOOKBACK);
    let shadow_very_short_prior = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        let before = color(p, i - 1);
        if before == -color(p, i)
            && p.body[i - 1] > body_long_prior.at(i - 1)
            && p.upper_shadow[i - 1] < shadow_very_short_prior.at(i - 1)
            && p.lower_shadow[i - 1] < shadow_very_short_prior.at(i - 1)
            && p.body[i] > body_long.at(i)
            && p.upper_shadow[i] < shadow_very_short.at(i)
            && p.lower_shadow[i] < shadow_very_short.at(i)
            && (before == -1 && l[i] > h[i - 1] || before == 1 && h[i] < l[i - 1])
        {
            out[i] = color(p, i) * 100;
        }
    }
}
