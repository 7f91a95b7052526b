//! CDLRICKSHAWMAN: a doji with two long shadows, its body near the middle of the high-low range.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};

const LOOKBACK: usize = max(max(BodyDoji.period(), ShadowLong.period()), Near.period());

pub(crate) const PATTERN: Native = Native { name: "cdlrickshawman", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let doji = p.avg(BodyDoji, LOOKBACK);
    let shadow_long = p.avg(ShadowLong, LOOKBACK);
    let near = p.avg(Near, LOOKBACK);
    for i in LOOKBACK..p.len() {
        let midpoint = p.low[i] + p.high_low[i] / 2.0;
        if p.body[i] <= doji.at(i)
            && p.lower_shadow[i] > shadow_long.at(i)
            && p.upper_shadow[i] > shadow_long.at(i)
            && c_min(p.open[i], p.close[i]) <= midpoint + near.at(i)
            && c_max(p.open[i], p.close[i]) >= midpoint - near.at(i)
        {
            out[i] = 100;
        }
    }
}
