//! CDLTASUKIGAP: a real-body gap, a candle in the gap's direction, then one of the opposite colour
//! and near-equal body closing inside the gap.
use crate::settings::Setting::Near;
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = Near.period() + 2;

pub(crate) const PATTERN: Native = Native { name: "cdltasukigap", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    let near = p.avg(Near, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        let upside = c_min(o[i - 1], c[i - 1]) > c_max(o[i - 2], c[i - 2]) // TA_REALBODYGAPUP(i-1, i-2)
            && color(p, i - 1) == 1
            && color(p, i) == -1
            // opens within the white body, closes under it, inside the gap
            && o[i] < c[i - 1]
            && o[i] > o[i - 1]
            && c[i] < o[i - 1]
            && c[i] > c_max(c[i - 2], o[i - 2])
            && (p.body[i - 1] - p.body[i]).abs() < near.at(i - 1);
        // Evaluated only when the upside test fails, as TA-Lib's `||` does.
        let downside = || {
            c_max(o[i - 1], c[i - 1]) < c_min(o[i - 2], c[i - 2]) // TA_REALBODYGAPDOWN(i-1, i-2)
                && color(p, i - 1) == -1
                && color(p, i) == 1
                // opens within the black body, closes above it, inside the gap
                && o[i] < o[i - 1]
                && o[i] > c[i - 1]
                && c[i] > o[i - 1]
                && c[i] < c_min(c[i - 2], o[i - 2])
                && (p.body[i - 1] - p.body[i]).abs() < near.at(i - 1)
        };
        if upside || downside() {
            out[i] = color(p, i - 1) * 100;
        }
    }
}
