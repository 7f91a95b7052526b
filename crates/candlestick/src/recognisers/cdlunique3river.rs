//! CDLUNIQUE3RIVER: a long black candle, a black harami with a lower low, then a short white
//! candle opening above the second's low.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlunique3river", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c, l) = (p.open, p.close, p.low);
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let body_short = p.avg(BodyShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == -1
            && color(p, i - 1) == -1
            && color(p, i) == 1
            // harami with a lower low
            && c[i - 1] > c[i - 2]
            && o[i - 1] <= o[i - 2]
            && l[i - 1] < l[i - 2]
            // open not lower than the 2nd's low
            && o[i] > l[i - 1]
            && p.body[i - 2] > body_long.at(i - 2)
            && p.body[i] < body_short.at(i)
        {
            out[i] = 100;
        }
    }
}
