//! CDLHIGHWAVE: a short real body with very long upper and lower shadows (±100 by colour).
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), ShadowVeryLong.period());

pub(crate) const PATTERN: Native = Native { name: "cdlhighwave", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_very_long = p.avg(ShadowVeryLong, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if p.body[i] < body_short.at(i)
            && p.upper_shadow[i] > shadow_very_long.at(i)
            && p.lower_shadow[i] > shadow_very_long.at(i)
        {
            out[i] = color(p, i) * 100;
        }
    }
}
