//! CDLSHORTLINE: a short real body with short upper and lower shadows; ±100 by its colour.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), ShadowShort.period());

pub(crate) const PATTERN: Native = Native { name: "cdlshortline", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_short = p.avg(ShadowShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if p.body[i] < body_short.at(i)
            && p.upper_shadow[i] < shadow_short.at(i)
            && p.lower_shadow[i] < shadow_short.at(i)
        {
            out[i] = color(p, i) * 100;
        }
    }
}
