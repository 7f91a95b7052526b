//! CDLGAPSIDESIDEWHITE: two white candles of about the same size and open, side by side, both
//! gapping away from the candle before them (+100 up, -100 down).
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = max(Near.period(), Equal.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdlgapsidesidewhite", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    // Both totals are of the 2nd candle.
    let near = p.avg(Near, LOOKBACK - 1);
    let equal = p.avg(Equal, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        let gap_up = c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2]);
        let both_up = gap_up && c_min(o[i], c[i]) > c_max(o[i - 2], c[i - 2]);
        let both_down =
            c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2]) && c_max(o[i], c[i]) < c_min(o[i - 2], c[i - 2]);
        if (both_up || both_down)
            && color(p, i - 1) == 1
            && color(p, i) == 1
            && p.body[i] >= p.body[i - 1] - near.at(i - 1)
            && p.body[i] <= p.body[i - 1] + near.at(i - 1)
            && o[i] >= o[i - 1] - equal.at(i - 1)
            && o[i] <= o[i - 1] + equal.at(i - 1)
        {
            out[i] = if gap_up { 100 } else { -100 };
        }
    }
}
