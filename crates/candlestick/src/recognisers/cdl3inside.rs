//! CDL3INSIDE: a long candle, a short one inside its real body (a harami), then a third candle of
//! the opposite colour to the first closing beyond the first's open.
use crate::settings::{max, Setting::*};
use crate::{c_max, c_min, color, Native, Prepared};

const LOOKBACK: usize = max(BodyShort.period(), BodyLong.period()) + 2;

pub(crate) const PATTERN: Native = Native { name: "cdl3inside", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let (o, c) = (p.open, p.close);
    let body_long = p.avg(BodyLong, LOOKBACK - 2);
    let body_short = p.avg(BodyShort, LOOKBACK - 1);
    for i in LOOKBACK..p.len() {
        if c_max(c[i - 1], o[i - 1]) < c_max(c[i - 2], o[i - 2])
            && c_min(c[i - 1], o[i - 1]) > c_min(c[i - 2], o[i - 2])
            && (color(p, i - 2) == 1 && color(p, i) == -1 && c[i] < o[i - 2]
                || color(p, i - 2) == -1 && color(p, i) == 1 && c[i] > o[i - 2])
            && p.body[i - 2] > body_long.at(i - 2)
            && p.body[i - 1] <= body_short.at(i - 1)
        {
            out[i] = -color(p, i - 2) * 100;
        }
    }
}
