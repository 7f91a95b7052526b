//! CDLDOJI: a real body no larger than a tenth of the average high-low range (BodyDoji).
use crate::settings::Setting::BodyDoji;
use crate::{Native, Prepared};

const LOOKBACK: usize = BodyDoji.period();

pub(crate) const PATTERN: Native = Native { name: "cdldoji", lookback: LOOKBACK, run };

fn run(p: &Prepared, out: &mut [i32]) {
    let doji = p.avg(BodyDoji, LOOKBACK);
    for i in LOOKBACK..p.len() {
        if p.body[i] <= doji.at(i) {
            out[i] = 100;
        }
    }
}
