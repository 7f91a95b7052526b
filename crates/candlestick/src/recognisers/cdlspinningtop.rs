//! CDLSPINNINGTOP: a small real body with both shadows longer than the body; ±100 by its colour.
use crate::settings::Setting::BodyShort;
use crate::{color, Native, Prepared};

const LOOKBACK: usize = BodyShort.period();

pub(crate) const PATTERN: Native = Native { name: "cdlspinningtop", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let body_short = p.avg(BodyShort, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if p.upper_shadow[i] > p.body[i] && p.lower_shadow[i] > p.body[i] && p.body[i] < body_short.at(i) {
            out[i] = color(p, i) * 100;
        }
    }
}
