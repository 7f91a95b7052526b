//! CDLTASUKIGAP: a real-body gap, a candle in the gap's direction, then one of the opposite colour
//! and near-equal body closing inside the gap.
use crate::settings::Setting::Near;
use crate::{c_max, c_min, Native, Prepared};
use std::ops::Range;

const LOOKBACK: usize = Near.period() + 2;

pub(crate) const PATTERN: Native = Native { name: "cdltasukigap", lookback: LOOKBACK, run, carries_state: false };

fn run(p: &Prepared, out: &mut [i32], candles: Range<usize>) {
    let n = p.len();
    let (o, c, body, out) = (&p.open[..n], &p.close[..n], &p.body[..n], &mut out[..n]);
    let near = p.avg(Near, LOOKBACK - 1);
    near.check(n);
    // TA-Lib's colour: white when close >= open.
    let white = |j: usize| c[j] >= o[j];
    // Branchless: see cdlbelthold.rs. TA-Lib tests the downside only when the upside fails (`||`);
    // the tests have no side effects, so evaluating both gives the same result.
    for i in candles.start.max(LOOKBACK)..candles.end.min(n) {
        let upside = (c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2])) // TA_REALBODYGAPUP(i-1, i-2)
            & white(i - 1)
            & !white(i)
            // opens within the white body, closes under it, inside the gap
            & (o[i] < c[i - 1])
            & (o[i] > o[i - 1])
            & (c[i] < o[i - 1])
            & (c[i] > c_max(c[i - 2], o[i - 2]));
        let downside = (c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2])) // TA_REALBODYGAPDOWN(i-1, i-2)
            & !white(i - 1)
            & white(i)
            // opens within the black body, closes above it, inside the gap
            & (o[i] < o[i - 1])
            & (o[i] > c[i - 1])
            & (c[i] > o[i - 1])
            & (c[i] < c_min(c[i - 2], o[i - 2]));
        // both directions end with the same near-equal bodies test
        let hit = (upside | downside) & ((body[i - 1] - body[i]).abs() < near.at(i - 1));
        out[i] = if hit {
            if white(i - 1) {
                100
            } else {
                -100
            }
        } else {
            0
        };
    }
}
