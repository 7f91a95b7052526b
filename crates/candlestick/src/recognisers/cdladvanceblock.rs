//! CDLADVANCEBLOCK: three rising white candles whose advance weakens: shrinking real bodies or
//! growing upper shadows.
use super::cdl3whitesoldiers::advancing;
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize =
    max(max(max(ShadowLong.period(), ShadowShort.period()), max(Far.period(), Near.period())), BodyLong.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdladvanceblock", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // TA-Lib's ShadowShortPeriodTotal[2], [1], [0], ShadowLongPeriodTotal[0] (period 0: the
    // candle's own body), NearPeriodTotal[2], [1], FarPeriodTotal[2], [1].
    let shadow_short2 = p.avg(ShadowShort, LOOKBACK - 2);
    let shadow_short1 = p.avg(ShadowShort, LOOKBACK - 1);
    let shadow_short0 = p.avg(ShadowShort, LOOKBACK);
    let shadow_long0 = p.avg(ShadowLong, LOOKBACK);
    let near2 = p.avg(Near, LOOKBACK - 2);
    let near1 = p.avg(Near, LOOKBACK - 1);
    let far2 = p.avg(Far, LOOKBACK - 2);
    let far1 = p.avg(Far, LOOKBACK - 1);
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let (body, upper, o, c, out) = (&p.body[..n], &p.upper_shadow[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    shadow_short2.check(n);
    shadow_short1.check(n);
    shadow_short0.check(n);
    shadow_long0.check(n);
    near2.check(n);
    near1.check(n);
    far2.check(n);
    far1.check(n);
    body_long.check(n);
    // TA_CANDLECOLOR == 1 (white) is `close >= open`.
    let white = |k: usize| c[k] >= o[k];
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let rising = white(i - 2)
            & white(i - 1)
            & white(i)
            & advancing(o, c, near2, near1, i)
            & (body[i - 2] > body_long.at(i - 2))
            & (upper[i - 2] < shadow_short2.at(i - 2));
        // 2nd far smaller than 1st and 3rd not longer than 2nd
        let blocked = ((body[i - 1] < body[i - 2] - far2.at(i - 2)) & (body[i] < body[i - 1] + near1.at(i - 1)))
            // or 3rd far smaller than 2nd
            | (body[i] < body[i - 1] - far1.at(i - 1))
            // or progressively smaller bodies, the 3rd or 2nd without a short upper shadow
            | ((body[i] < body[i - 1])
                & (body[i - 1] < body[i - 2])
                & ((upper[i] > shadow_short0.at(i)) | (upper[i - 1] > shadow_short1.at(i - 1))))
            // or a smaller 3rd with a long upper shadow
            | ((body[i] < body[i - 1]) & (upper[i] > shadow_long0.at(i)));
        out[i] = if rising & blocked { -100 } else { 0 };
    }
}
