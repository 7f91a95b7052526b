//! CDLLONGLEGGEDDOJI: a doji with a long upper or lower shadow.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};

const LOOKBACK: usize = max(BodyDoji.period(), ShadowLong.period());

pub(crate) const PATTERN: Native = Native { name: "cdllongleggeddoji", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let doji = p.avg(BodyDoji, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if p.body[i] <= doji.at(i) && (p.lower_shadow[i] > shadow_long.at(i) || p.upper_shadow[i] > shadow_long.at(i)) {
            out[i] = 100;
        }
    }
}
