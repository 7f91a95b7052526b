//! CDLSTALLEDPATTERN: two long white candles with rising closes, then a small white body riding
//! on the shoulder of the second.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize =
    max(max(BodyLong.period(), BodyShort.period()), max(ShadowVeryShort.period(), Near.period())) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlstalledpattern", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    let body_long2 = p.avg(BodyLong, LOOKBACK - 2);
    let body_long1 = p.avg(BodyLong, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    let shadow_very_short = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let near2 = p.avg(Near, LOOKBACK - 2);
    let near1 = p.avg(Near, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == 1
            && color(p, i - 1) == 1
            && color(p, i) == 1
            // consecutive higher closes
            && c[i] > c[i - 1]
            && c[i - 1] > c[i - 2]
            && p.body[i - 2] > body_long2.at(i - 2)
            && p.body[i - 1] > body_long1.at(i - 1)
            && p.upper_shadow[i - 1] < shadow_very_short.at(i - 1)
            // 2nd opens within or near the 1st real body
            && o[i - 1] > o[i - 2]
            && o[i - 1] <= c[i - 2] + near2.at(i - 2)
            && p.body[i] < body_short.at(i)
            // 3rd rides on the shoulder of the 2nd real body
            && o[i] >= c[i - 1] - p.body[i] - near1.at(i - 1)
        {
            out[i] = -100;
        }
    }
}
