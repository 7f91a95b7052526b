//! Shared by the oracle test and the speed comparison: TA-Lib's own recognisers by name, and
//! seeded candle series.
#![allow(dead_code)]
use ta_lib::{Core, OutRange, RetCode};

pub type Series = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

/// xorshift64*: a fixed, dependency-free stream, so a failure reproduces.
pub struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// An integer in `lo..=hi`.
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    /// Roughly normal: the sum of four uniforms, centred.
    fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.unit()).sum::<f64>() - 2.0
    }
}

/// Continuous prices: a random walk with gaps and shadows of random length.
pub fn walk(n: usize, seed: u64, tick: Option<f64>) -> Series {
    let mut rng = Rng(seed);
    let snap = |v: f64| tick.map_or(v, |t| (v / t).round() * t);
    let mut s: Series = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut prev = 100.0;
    for _ in 0..n {
        let open = snap(prev + 0.3 * rng.normal());
        let close = snap(open + rng.normal());
        let high = snap(open.max(close) + 0.5 * rng.unit() * rng.unit());
        let low = snap(open.min(close) - 0.5 * rng.unit() * rng.unit());
        s.0.push(open);
        s.1.push(high);
        s.2.push(low);
        s.3.push(close);
        prev = close;
    }
    s
}

/// Coarse integer ticks: many equal prices, zero bodies and shadows, gaps both ways; with
/// `trend`, runs of 3–12 candles that mostly move one way (soldiers, crows, methods, ladders);
/// with `flat`, one candle in ten has no range at all.
pub fn coarse(n: usize, seed: u64, trend: bool, flat: bool) -> Series {
    let mut rng = Rng(seed);
    let mut s: Series = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut prev: i64 = 1000;
    let (mut drift, mut left) = (0i64, 0i64);
    for _ in 0..n {
        if trend && left == 0 {
            drift = rng.int(-3, 3);
            left = rng.int(3, 12);
        }
        left -= 1;
        let open = prev + rng.int(-2, 2);
        let (o, h, l, c) = if flat && rng.int(0, 9) == 0 {
            (open, open, open, open)
        } else {
            let close = open + drift + rng.int(-3, 3);
            (open, open.max(close) + rng.int(0, 3), open.min(close) - rng.int(0, 3), close)
        };
        s.0.push(o as f64);
        s.1.push(h as f64);
        s.2.push(l as f64);
        s.3.push(c as f64);
        prev = c.clamp(200, 5000);
    }
    s
}

/// Calls `$callback!` with the names of TA-Lib's 61 recognisers, in TA-Lib's alphabetical order:
/// the one list the oracle's tests and the dispatch in [`run`] are made from.
macro_rules! with_patterns {
    ($callback:ident) => {
        $callback! {
            cdl2crows,
            cdl3blackcrows,
            cdl3inside,
            cdl3linestrike,
            cdl3outside,
            cdl3starsinsouth,
            cdl3whitesoldiers,
            cdlabandonedbaby,
            cdladvanceblock,
            cdlbelthold,
            cdlbreakaway,
            cdlclosingmarubozu,
            cdlconcealbabyswall,
            cdlcounterattack,
            cdldarkcloudcover,
            cdldoji,
            cdldojistar,
            cdldragonflydoji,
            cdlengulfing,
            cdleveningdojistar,
            cdleveningstar,
            cdlgapsidesidewhite,
            cdlgravestonedoji,
            cdlhammer,
            cdlhangingman,
            cdlharami,
            cdlharamicross,
            cdlhighwave,
            cdlhikkake,
            cdlhikkakemod,
            cdlhomingpigeon,
            cdlidentical3crows,
            cdlinneck,
            cdlinvertedhammer,
            cdlkicking,
            cdlkickingbylength,
            cdlladderbottom,
            cdllongleggeddoji,
            cdllongline,
            cdlmarubozu,
            cdlmatchinglow,
            cdlmathold,
            cdlmorningdojistar,
            cdlmorningstar,
            cdlonneck,
            cdlpiercing,
            cdlrickshawman,
            cdlrisefall3methods,
            cdlseparatinglines,
            cdlshootingstar,
            cdlshortline,
            cdlspinningtop,
            cdlstalledpattern,
            cdlsticksandwich,
            cdltakuri,
            cdltasukigap,
            cdlthrusting,
            cdltristar,
            cdlunique3river,
            cdlupsidegap2crows,
            cdlxsidegap3methods,
        }
    };
}
#[allow(unused_imports)] // the speed comparison reads the list through `run` only
pub(crate) use with_patterns;

/// TA-Lib's own recogniser, by name; the penetration-taking ones at TA-Lib's default.
pub fn run(name: &str, o: &[f64], h: &[f64], l: &[f64], c: &[f64], out: &mut [i32]) -> Result<OutRange, RetCode> {
    let core = Core::new();
    let e = c.len() - 1;
    let p = Core::REAL_DEFAULT;
    // The seven that take a penetration get TA-Lib's default; the rest take the candles only.
    #[rustfmt::skip]
    macro_rules! call {
        (cdlabandonedbaby) => { core.cdlabandonedbaby(0, e, o, h, l, c, p, out) };
        (cdldarkcloudcover) => { core.cdldarkcloudcover(0, e, o, h, l, c, p, out) };
        (cdleveningdojistar) => { core.cdleveningdojistar(0, e, o, h, l, c, p, out) };
        (cdleveningstar) => { core.cdleveningstar(0, e, o, h, l, c, p, out) };
        (cdlmathold) => { core.cdlmathold(0, e, o, h, l, c, p, out) };
        (cdlmorningdojistar) => { core.cdlmorningdojistar(0, e, o, h, l, c, p, out) };
        (cdlmorningstar) => { core.cdlmorningstar(0, e, o, h, l, c, p, out) };
        ($f:ident) => { core.$f(0, e, o, h, l, c, out) };
    }
    macro_rules! dispatch {
        ($($f:ident),* $(,)?) => {
            match name {
                $(stringify!($f) => call!($f),)*
                other => panic!("not a TA-Lib pattern: {other}"),
            }
        };
    }
    with_patterns!(dispatch)
}

/// Candles built from archetypes on integer ticks, so the rare shapes the multi-candle patterns
/// need come up often: bodies of none, short or long size; shadows of none, short or long;
/// opens at the prior close, a tick away, gapping far up or down, inside the prior body, or so
/// that the close meets the prior close; colours in runs that flip with probability `flip`
/// (in tenths).
pub fn archetypes(n: usize, seed: u64, flip: i64) -> Series {
    let mut rng = Rng(seed);
    let mut s: Series = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut prev_open, mut prev_close, mut white) = (1000i64, 1000i64, true);
    for _ in 0..n {
        if rng.int(0, 9) < flip {
            white = !white;
        }
        let body = [0, 1, 2, 8, 12, 12][rng.int(0, 5) as usize];
        let open = match rng.int(0, 8) {
            0..=2 => prev_close,
            3 => prev_close + rng.int(-1, 1),
            4 => prev_close + 14 + rng.int(0, 3),
            5 => prev_close - 14 - rng.int(0, 3),
            6 => (prev_open + prev_close) / 2,
            _ if white => prev_close - body,
            _ => prev_close + body,
        };
        let close = if white { open + body } else { open - body };
        let shadow = |rng: &mut Rng| [0, 0, 0, 1, 6][rng.int(0, 4) as usize];
        let (high, low) = (open.max(close) + shadow(&mut rng), open.min(close) - shadow(&mut rng));
        s.0.push(open as f64);
        s.1.push(high as f64);
        s.2.push(low as f64);
        s.3.push(close as f64);
        // Back to the middle when far out, so prices stay positive and of one scale.
        (prev_open, prev_close) = if !(200..=5000).contains(&close) { (1000, 1000) } else { (open, close) };
    }
    s
}
