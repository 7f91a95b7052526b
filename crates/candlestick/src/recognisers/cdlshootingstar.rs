//! CDLSHOOTINGSTAR: a small real body gapping up from the prior body, a long upper shadow and
//! little or no lower shadow.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};

const LOOKBACK: usize = max(max(BodyShort.period(), ShadowLong.period()), ShadowVeryShort.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlshootingstar", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let (o, c) = (p.open, p.close);
    for i in LOOKBACK..p.len() {
        // TA_REALBODYGAPUP(i, i-1)
        if c_min(o[i], c[i]) > c_max(o[i - 1], c[i - 1])
            && p.body[i] < body_short.at(i)
            && p.upper_shadow[i] > shadow_long.at(i)
            && p.lower_shadow[i] < shadow_very_short.at(i)
        {
            out[i] = -100;
        }
    }
}
