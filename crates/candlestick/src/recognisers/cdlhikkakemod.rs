//! CDLHIKKAKEMOD: the modified hikkake: two inside candles in a row, the first closing near its
//! low (high), then a fourth candle breaking out downwards (upwards), ±100; confirmed, ±200, by a
//! close beyond the third candle's high (low) within the next three candles.
use crate::settings::{max, Setting::*};
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(1, Near.period()) + 5;

pub(crate) const PATTERN: Native = Native { name: "cdlhikkakemod", lookback: LOOKBACK, run, carries_state: true };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    // The state runs from the series' start, so this recogniser is given candles `0..end`
    // (`carries_state`), and every candle's state depends on all before it.
    let n = candles.end.min(p.len());
    let (h, l, c, out) = (&p.high[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    // TA-Lib's Near total is of candle i-2. It starts three candles before the lookback, where
    // TA-Lib already looks for patterns (without output) to carry their state into the first
    // outputs, and is updated on every candle from there: the shared average starting at that
    // candle's i-2.
    let near = p.avg(Near, LOOKBACK - 3 - 2);
    near.check(n);
    let mut result = 0; // TA-Lib's patternResult: ±100, the last pattern's direction
    let (mut pattern_high, mut pattern_low) = (0.0, 0.0);
    let mut count = 0; // TA-Lib's patternCount: candles left to confirm the last pattern in

    // The pattern's tests are evaluated without branches (see cdlbelthold.rs); only its rare
    // hits and the state branch.
    for i in LOOKBACK - 3..n {
        let pattern = (h[i - 2] < h[i - 3])
            & (l[i - 2] > l[i - 3])
            & (h[i - 1] < h[i - 2])
            & (l[i - 1] > l[i - 2])
            & (((h[i] < h[i - 1]) & (l[i] < l[i - 1]) & (c[i - 2] <= l[i - 2] + near.at(i - 2)))
                | ((h[i] > h[i - 1]) & (l[i] > l[i - 1]) & (c[i - 2] >= h[i - 2] - near.at(i - 2))));
        let value = if pattern {
            result = 100 * if h[i] < h[i - 1] { 1 } else { -1 };
            pattern_high = h[i - 1];
            pattern_low = l[i - 1];
            count = 4;
            result
        } else if count > 0 && (result > 0 && c[i] > pattern_high || result < 0 && c[i] < pattern_low) {
            count = 0;
            result + 100 * if result > 0 { 1 } else { -1 }
        } else {
            0
        };
        if i >= LOOKBACK {
            out[i] = value;
        }
        if count > 0 {
            count -= 1;
        }
    }
}
