//! CDLGAPSIDESIDEWHITE: two white candles of about the same size and open, side by side, both
//! gapping away from the candle before them (+100 up, -100 down).
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = max(Near.period(), Equal.period()) + 2;

pub(crate) const PATTERN: Native =
    Native { name: "cdlgapsidesidewhite", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    // Both totals are of the 2nd candle.
    let near = p.avg(Near, LOOKBACK - 1);
    let equal = p.avg(Equal, LOOKBACK - 1);
    let (body, o, c, out) = (&p.body[..n], &p.open[..n], &p.close[..n], &mut out[..n]);
    near.check(n);
    equal.check(n);
    // Branchless: see cdlbelthold.rs. TA_CANDLECOLOR == 1 is `close >= open`.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let gap_up = c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2]);
        let both_up = gap_up & (c_min(o[i], c[i]) > c_max(o[i - 2], c[i - 2]));
        let both_down =
            (c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2])) & (c_max(o[i], c[i]) < c_min(o[i - 2], c[i - 2]));
        let hit = (both_up | both_down)
            & (c[i - 1] >= o[i - 1])
            & (c[i] >= o[i])
            & (body[i] >= body[i - 1] - near.at(i - 1))
            & (body[i] <= body[i - 1] + near.at(i - 1))
            & (o[i] >= o[i - 1] - equal.at(i - 1))
            & (o[i] <= o[i - 1] + equal.at(i - 1));
        out[i] = if hit {
            if gap_up {
                100
            } else {
                -100
            }
        } else {
            0
        };
    }
}
