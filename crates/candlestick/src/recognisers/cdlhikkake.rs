//! CDLHIKKAKE: an inside bar followed by a breakout bar (±100), confirmed (±200) by a close beyond
//! the inside bar within the next three candles.
use crate::{Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = 5;

pub(crate) const PATTERN: Native = Native { name: "cdlhikkake", lookback: LOOKBACK, run, carries_state: true };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    // The state runs from the series' start, so this recogniser is given candles `0..end`
    // (`carries_state`), and every candle's state depends on all before it.
    let n = candles.end.min(p.len());
    let (h, l, c, out) = (&p.high[..n], &p.low[..n], &p.close[..n], &mut out[..n]);
    // TA-Lib runs the same logic, without output, over the 3 candles before the lookback first;
    // their slots hold the patterns found there until the end.
    let first = LOOKBACK - 3;
    // First the pattern (inside bar, then breakout), which depends on no state: every test is
    // evaluated and stored without branches (see cdlbelthold.rs).
    for i in first..n {
        let found = (h[i - 1] < h[i - 2])
            & (l[i - 1] > l[i - 2])
            & (((h[i] < h[i - 1]) & (l[i] < l[i - 1])) | ((h[i] > h[i - 1]) & (l[i] > l[i - 1])));
        out[i] = if found { 100 * if h[i] < h[i - 1] { 1 } else { -1 } } else { 0 };
    }
    // Then TA-Lib's state: the last pattern's sign (±100), the inside bar's high and low, and how
    // many more candles may confirm it.
    let mut pattern = 0;
    let mut saved_high = 0.0;
    let mut saved_low = 0.0;
    let mut countdown = 0;
    for i in first..n {
        if out[i] != 0 {
            pattern = out[i];
            saved_high = h[i - 1];
            saved_low = l[i - 1];
            countdown = 4;
        } else if countdown > 0 && (pattern > 0 && c[i] > saved_high || pattern < 0 && c[i] < saved_low) {
            countdown = 0;
            out[i] = pattern + 100 * if pattern > 0 { 1 } else { -1 };
        }
        if countdown > 0 {
            countdown -= 1;
        }
    }
    out[first..LOOKBACK].fill(0);
}
