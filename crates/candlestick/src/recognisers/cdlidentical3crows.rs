//! CDLIDENTICAL3CROWS: three declining black candles with very short lower shadows, each opening
//! at (or very near) the prior close.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(ShadowVeryShort.period(), Equal.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlidentical3crows", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, lower, out) = (&p.open[..n], &p.close[..n], &p.lower_shadow[..n], &mut out[..n]);
    // One total per candle of the pattern (TA-Lib's ShadowVeryShortPeriodTotal[2..=0], EqualPeriodTotal[2..=1]).
    let shadow_very_short2 = p.avg(ShadowVeryShort, LOOKBACK - 2);
    let shadow_very_short1 = p.avg(ShadowVeryShort, LOOKBACK - 1);
    let shadow_very_short0 = p.avg(ShadowVeryShort, LOOKBACK);
    let equal2 = p.avg(Equal, LOOKBACK - 2);
    let equal1 = p.avg(Equal, LOOKBACK - 1);
    for avg in [shadow_very_short2, shadow_very_short1, shadow_very_short0, equal2, equal1] {
        avg.check(n);
    }
    // TA-Lib's colour: white when close >= open.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = !white(i - 2)
            & (lower[i - 2] < shadow_very_short2.at(i - 2))
            & !white(i - 1)
            & (lower[i - 1] < shadow_very_short1.at(i - 1))
            & !white(i)
            & (lower[i] < shadow_very_short0.at(i))
            // three declining
            & (c[i - 2] > c[i - 1])
            & (c[i - 1] > c[i])
            // each opens very close to the prior close
            & (o[i - 1] <= c[i - 2] + equal2.at(i - 2))
            & (o[i - 1] >= c[i - 2] - equal2.at(i - 2))
            & (o[i] <= c[i - 1] + equal1.at(i - 1))
            & (o[i] >= c[i - 1] - equal1.at(i - 1));
        out[i] = if hit { -100 } else { 0 };
    }
}
