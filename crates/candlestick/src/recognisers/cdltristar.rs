//! CDLTRISTAR: three dojis, the middle one gapping away; the third not beyond the second.
use crate::settings::Setting::BodyDoji;
use crate::{c_max, c_min, Native, Prepared};

const LOOKBACK: usize = BodyDoji.period() + 2;

pub(crate) const PATTERN: Native = Native { name: "cdltristar", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    // TA-Lib keeps one BodyDoji total, of the 1st candle, and compares all three candles with it.
    let doji = p.avg(BodyDoji, LOOKBACK - 2);
    for i in LOOKBACK..p.len() {
        let doji = doji.at(i - 2);
        if p.body[i - 2] <= doji && p.body[i - 1] <= doji && p.body[i] <= doji {
            // 2nd gaps up (TA_REALBODYGAPUP(i-1, i-2)), 3rd not higher than 2nd
            if c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2]) && c_max(o[i], c[i]) < c_max(o[i - 1], c[i - 1]) {
                out[i] = -100;
            }
            // 2nd gaps down (TA_REALBODYGAPDOWN(i-1, i-2)), 3rd not lower than 2nd
            if c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2]) && c_min(o[i], c[i]) > c_min(o[i - 1], c[i - 1]) {
                out[i] = 100;
            }
        }
    }
}
