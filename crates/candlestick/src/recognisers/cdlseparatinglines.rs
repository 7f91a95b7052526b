//! CDLSEPARATINGLINES: two candles of opposite colours opening at (about) the same price, the
//! second a belt hold (long body, no shadow on its opening side); signed by the second's colour.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(max(ShadowVeryShort.period(), BodyLong.period()), Equal.period()) + 1;

pub(crate) const PATTERN: Native = Native { name: "cdlseparatinglines", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let o = p.open;
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK);
    let body_long = p.avg(BodyLong, LOOKBACK);
    // TA-Lib's Equal total is of the prior candle: it starts one candle earlier.
    let equal = p.avg(Equal, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        let now = color(p, i);
        if color(p, i - 1) == -now
            && o[i] <= o[i - 1] + equal.at(i - 1)
            && o[i] >= o[i - 1] - equal.at(i - 1)
            && p.body[i] > body_long.at(i)
            && (now == 1 && p.lower_shadow[i] < shadow_very_short.at(i)
                || now == -1 && p.upper_shadow[i] < shadow_very_short.at(i))
        {
            out[i] = now * 100;
        }
    }
}
