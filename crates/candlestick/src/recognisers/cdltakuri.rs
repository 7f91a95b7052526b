//! CDLTAKURI: a doji with little or no upper shadow and a very long lower shadow.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};

const LOOKBACK: usize = max(max(BodyDoji.period(), ShadowVeryShort.period()), ShadowVeryLong.period());

pub(crate) const PATTERN: Native = Native { name: "cdltakuri", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let doji = p.avg(BodyDoji, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let shadow_very_long = p.avg(ShadowVeryLong, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if p.body[i] <= doji.at(i)
            && p.upper_shadow[i] < shadow_very_short.at(i)
            && p.lower_shadow[i] > shadow_very_long.at(i)
        {
            out[i] = 100;
        }
    }
}
