//! CDL3WHITESOLDIERS: three rising white candles with very short upper shadows, each opening
//! within or near the prior real body and not far shorter than it.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(max(ShadowVeryShort.period(), BodyShort.period()), max(Far.period(), Near.period())) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdl3whitesoldiers", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    // TA-Lib's ShadowVeryShortPeriodTotal[2], [1], [0], NearPeriodTotal[2], [1], FarPeriodTotal[2], [1].
    let very_short2 = p.avg(ShadowVeryShort, LOOKBACK - 2);
    let very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let very_short0 = p.avg(ShadowVeryShort, LOOKBACK);
    let near2 = p.avg(Near, LOOKBACK - 2);
    let near1 = p.avg(Near, LOOKBACK - 1);
    let far2 = p.avg(Far, LOOKBACK - 2);
    let far1 = p.avg(Far, LOOKBACK - 1);
    let body_short = p.avg(BodyShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == 1
            && p.upper_shadow[i - 2] < very_short2.at(i - 2)
            && color(p, i - 1) == 1
            && p.upper_shadow[i - 1] < very_short1.at(i - 1)
            && color(p, i) == 1
            && p.upper_shadow[i] < very_short0.at(i)
            && c[i] > c[i - 1]
            && c[i - 1] > c[i - 2]
            && o[i - 1] > o[i - 2]
            && o[i - 1] <= c[i - 2] + near2.at(i - 2)
            && o[i] > o[i - 1]
            && o[i] <= c[i - 1] + near1.at(i - 1)
            && p.body[i - 1] > p.body[i - 2] - far2.at(i - 2)
            && p.body[i] > p.body[i - 1] - far1.at(i - 1)
            && p.body[i] > body_short.at(i)
        {
            out[i] = 100;
        }
    }
}
