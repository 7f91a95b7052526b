//! CDLIDENTICAL3CROWS: three declining black candles with very short lower shadows, each opening
//! at (or very near) the prior close.
use crate::settings::{max, Setting::*};
use crate::{color, Native, Prepared};

const LOOKBACK: usize = max(ShadowVeryShort.period(), Equal.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlidentical3crows", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    // One total per candle of the pattern (TA-Lib's ShadowVeryShortPeriodTotal[2..=0], EqualPeriodTotal[2..=1]).
    let shadow_very_short2 = p.avg(ShadowVeryShort, LOOKBACK - 2);
    let shadow_very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let shadow_very_short0 = p.avg(ShadowVeryShort, LOOKBACK);
    let equal2 = p.avg(Equal, LOOKBACK - 2);
    let equal1 = p.avg(Equal, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if color(p, i - 2) == -1
            && p.lower_shadow[i - 2] < shadow_very_short2.at(i - 2)
            && color(p, i - 1) == -1
            && p.lower_shadow[i - 1] < shadow_very_short1.at(i - 1)
            && color(p, i) == -1
            && p.lower_shadow[i] < shadow_very_short0.at(i)
            // three declining
            && c[i - 2] > c[i - 1]
            && c[i - 1] > c[i]
            // each opens very close to the prior close
            && o[i - 1] <= c[i - 2] + equal2.at(i - 2)
            && o[i - 1] >= c[i - 2] - equal2.at(i - 2)
            && o[i] <= c[i - 1] + equal1.at(i - 1)
            && o[i] >= c[i - 1] - equal1.at(i - 1)
        {
            out[i] = -100;
        }
    }
}
