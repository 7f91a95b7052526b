//! CDLGRAVESTONEDOJI: a doji opening and closing at (or very near) the low, with an upper shadow
//! that is not very short.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};

const LOOKBACK: usize = max(BodyDoji.period(), ShadowVeryShort.period());

pub(crate) const PATTERN: Native = Native { name: "cdlgravestonedoji", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let doji = p.avg(BodyDoji, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if p.body[i] <= doji.at(i)
            && p.lower_shadow[i] < shadow_very_short.at(i)
            && p.upper_shadow[i] > shadow_very_short.at(i)
        {
            out[i] = 100;
        }
    }
}
