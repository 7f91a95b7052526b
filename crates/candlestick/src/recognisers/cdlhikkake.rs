//! CDLHIKKAKE: an inside bar followed by a breakout bar (±100), confirmed (±200) by a close beyond
//! the inside bar within the next three candles.
use crate::{Native, Prepared};

const LOOKBACK: usize = 5;

pub(crate) const PATTERN: Native = Native { name: "cdlhikkake", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (h, l, c) = (p.high, p.low, p.close);
    // TA-Lib's state: the last pattern's sign (±100), the inside bar's high and low, and how many
    // more candles may confirm it.
    let mut pattern = 0;
    let mut saved_high = 0.0;
    let mut saved_low = 0.0;
    let mut countdown = 0;
    // TA-Lib runs the same logic, without output, over the 3 candles before the lookback first.
    for i in LOOKBACK - 3..p.len() {
        let value = if h[i - 1] < h[i - 2]
            && l[i - 1] > l[i - 2]
            && (h[i] < h[i - 1] && l[i] < l[i - 1] || h[i] > h[i - 1] && l[i] > l[i - 1])
        {
            pattern = 100 * if h[i] < h[i - 1] { 1 } else { -1 };
            saved_high = h[i - 1];
            saved_low = l[i - 1];
            countdown = 4;
            pattern
        } else if countdown > 0 && (pattern > 0 && c[i] > saved_high || pattern < 0 && c[i] < saved_low) {
            countdown = 0;
            pattern + 100 * if pattern > 0 { 1 } else { -1 }
        } else {
            0
        };
        if countdown > 0 {
            countdown -= 1;
        }
        if i >= LOOKBACK {
            out[i] = value;
        }
    }
}
