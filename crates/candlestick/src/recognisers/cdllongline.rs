//! CDLLONGLINE: a long real body with short upper and lower shadows (±100 by colour).
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(BodyLong.period(), ShadowShort.period());

pub(crate) const PATTERN: Native = Native { name: "cdllongline", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let body_long = p.avg(BodyLong, LOOKBACK);
    let shadow_short = p.avg(ShadowShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if p.body[i] > body_long.at(i)
            && p.upper_shadow[i] < shadow_short.at(i)
            && p.lower_shadow[i] < shadow_short.at(i)
        {
            out[i] = color(p, i) * 100;
        }
    }
}
