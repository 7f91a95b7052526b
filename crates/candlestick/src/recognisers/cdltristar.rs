//! CDLTRISTAR: three dojis, the middle one gapping away; the third not beyond the second.
use crate::settings::Setting::BodyDoji;
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = BodyDoji.period() + 2;

pub(crate) const PATTERN: Native = Native { name: "cdltristar", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, body, out) = (&p.open[..n], &p.close[..n], &p.body[..n], &mut out[..n]);
    // TA-Lib keeps one BodyDoji total, of the 1st candle, and compares all three candles with it.
    let doji = p.avg(BodyDoji, LOOKBACK - 2);
    doji.check(n);
    // Branchless: see cdlbelthold.rs.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let doji = doji.at(i - 2);
        let dojis = (body[i - 2] <= doji) & (body[i - 1] <= doji) & (body[i] <= doji);
        // 2nd gaps up (TA_REALBODYGAPUP(i-1, i-2)), 3rd not higher than 2nd
        let up =
            (c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2])) & (c_max(o[i], c[i]) < c_max(o[i - 1], c[i - 1]));
        // 2nd gaps down (TA_REALBODYGAPDOWN(i-1, i-2)), 3rd not lower than 2nd; TA-Lib tests it
        // second, so it wins if both hold
        let down =
            (c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2])) & (c_min(o[i], c[i]) > c_min(o[i - 1], c[i - 1]));
        out[i] = if dojis & down {
            100
        } else if dojis & up {
            -100
        } else {
            0
        };
    }
}
