//! CDLCLOSINGMARUBOZU: a long real body closing at (or very near) its extreme: a white one with no
//! or a very short upper shadow (+100), a black one with no or a very short lower shadow (-100).
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(BodyLong.period(), ShadowVeryShort.period());

pub(crate) const PATTERN: Native = Native { name: "cdlclosingmarubozu", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let body_long = p.avg(BodyLong, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        let now = color(p, i);
        if p.body[i] > body_long.at(i)
            && (now == 1 && p.upper_shadow[i] < shadow_very_short.at(i)
                || now == -1 && p.lower_shadow[i] < shadow_very_short.at(i))
        {
            out[i] = now * 100;
        }
    }
}
