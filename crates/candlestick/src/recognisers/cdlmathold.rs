//! CDLMATHOLD: a long white candle, a small black one gapping up, two small reaction candles that
//! fall but hold within the first body, then a white candle closing above the reaction's highs.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 4;

/// TA-Lib's default penetration (what `Core::REAL_DEFAULT` becomes): the reaction candles may
/// reach at most this fraction of the first body down from its close.
const PENETRATION: f64 = 0.5;

pub(crate) const PATTERN: Native = Native { name: "cdlmathold", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (body, o, h, c, out) = (&p.body[..n], &p.open[..n], &p.high[..n], &p.close[..n], &mut out[..n]);
    // TA-Lib's BodyPeriodTotal[4] (BodyLong, candle i-4) and [3], [2], [1] (BodyShort, candles
    // i-3, i-2, i-1). Its BodyPeriodTotal[0] is never used.
    let body_long4 = p.avg(BodyLong, LOOKBACK - 4);
    let body_short3 = p.avg(BodyShort, LOOKBACK - 3);
    let body_short2 = p.avg(BodyShort, LOOKBACK - 2);
    let body_short1 = p.avg(BodyShort, LOOKBACK - 1);
    body_long4.check(n);
    body_short3.check(n);
    body_short2.check(n);
    body_short1.check(n);
    // TA_CANDLECOLOR == 1.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs. The price tests are all evaluated; the averages, four
    // more arrays to read, only for the few candles that pass them.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let hit = white(i - 4)
            & !white(i - 3)
            & white(i)
            & (c_min(o[i - 3], c[i - 3]) > c_max(o[i - 4], c[i - 4]))
            & (c_min(o[i - 2], c[i - 2]) < c[i - 4])
            & (c_min(o[i - 1], c[i - 1]) < c[i - 4])
            & (c_min(o[i - 2], c[i - 2]) > c[i - 4] - body[i - 4] * PENETRATION)
            & (c_min(o[i - 1], c[i - 1]) > c[i - 4] - body[i - 4] * PENETRATION)
            & (c_max(c[i - 2], o[i - 2]) < o[i - 3])
            & (c_max(c[i - 1], o[i - 1]) < c_max(c[i - 2], o[i - 2]))
            & (o[i] > c[i - 1])
            & (c[i] > c_max(c_max(h[i - 3], h[i - 2]), h[i - 1]))
            && (body[i - 4] > body_long4.at(i - 4))
                & (body[i - 3] < body_short3.at(i - 3))
                & (body[i - 2] < body_short2.at(i - 2))
                & (body[i - 1] < body_short1.at(i - 1));
        out[i] = if hit { 100 } else { 0 };
    }
}
