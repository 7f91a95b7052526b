//! Every ported recogniser against TA-Lib's own (the `ta-lib` crate, TA-Lib's official Rust port):
//! the same output for every candle, on series made to reach every branch — continuous prices,
//! prices on a tick grid (ties), coarse ticks with gaps and zero-range candles, trending runs —
//! and on every short length around the lookback.
use candlestick::Prepared;
use ta_lib::{Core, OutRange, RetCode};

type Series = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

/// xorshift64*: a fixed, dependency-free stream, so a failure reproduces.
struct Rng(u64);

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
fn walk(n: usize, seed: u64, tick: Option<f64>) -> Series {
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
fn coarse(n: usize, seed: u64, trend: bool, flat: bool) -> Series {
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

/// A float running total that once held a huge range keeps an error for good (the small ranges
/// added beside it were rounded away), so two totals of the same candles that started one candle
/// apart — one holding the spike, one not — differ from then on. These series make a recogniser
/// that shares the wrong total visibly wrong: one spike candle at `at`, in the range of every
/// kind (`high`), or of the real body too (`body`).
fn spiked(at: usize, body: bool) -> Series {
    let mut s = coarse(3_000, 7 + at as u64, true, false);
    const HUGE: f64 = 1e17;
    s.1[at] = HUGE;
    if body {
        (s.0[at], s.2[at], s.3[at]) = (1000.0, 1000.0, HUGE);
    }
    s
}

fn series() -> Vec<(String, Series)> {
    const N: usize = 100_000;
    let mut all: Vec<(String, Series)> = vec![
        ("walk", walk(N, 1, None)),
        ("walk on a 0.01 grid", walk(N, 2, Some(0.01))),
        ("walk on a 0.1 grid", walk(N, 3, Some(0.1))),
        ("coarse", coarse(N, 4, false, false)),
        ("coarse, trending", coarse(N, 5, true, false)),
        ("coarse, trending, flat candles", coarse(N, 6, true, true)),
    ]
    .into_iter()
    .map(|(what, s)| (what.to_string(), s))
    .collect();
    for at in 0..24 {
        all.push((format!("a high spike at candle {at}"), spiked(at, false)));
        all.push((format!("a body spike at candle {at}"), spiked(at, true)));
    }
    all
}

/// TA-Lib's own recogniser, by name; the penetration-taking ones at TA-Lib's default.
fn talib(name: &str, o: &[f64], h: &[f64], l: &[f64], c: &[f64], out: &mut [i32]) -> Result<OutRange, RetCode> {
    let core = Core::new();
    let e = c.len() - 1;
    let p = Core::REAL_DEFAULT;
    macro_rules! plain {
        ($($f:ident),* $(,)?) => {
            match name {
                $(stringify!($f) => core.$f(0, e, o, h, l, c, out),)*
                "cdlabandonedbaby" => core.cdlabandonedbaby(0, e, o, h, l, c, p, out),
                "cdldarkcloudcover" => core.cdldarkcloudcover(0, e, o, h, l, c, p, out),
                "cdleveningdojistar" => core.cdleveningdojistar(0, e, o, h, l, c, p, out),
                "cdleveningstar" => core.cdleveningstar(0, e, o, h, l, c, p, out),
                "cdlmathold" => core.cdlmathold(0, e, o, h, l, c, p, out),
                "cdlmorningdojistar" => core.cdlmorningdojistar(0, e, o, h, l, c, p, out),
                "cdlmorningstar" => core.cdlmorningstar(0, e, o, h, l, c, p, out),
                other => panic!("not a TA-Lib pattern: {other}"),
            }
        };
    }
    plain!(
        cdl2crows,
        cdl3blackcrows,
        cdl3inside,
        cdl3linestrike,
        cdl3outside,
        cdl3starsinsouth,
        cdl3whitesoldiers,
        cdladvanceblock,
        cdlbelthold,
        cdlbreakaway,
        cdlclosingmarubozu,
        cdlconcealbabyswall,
        cdlcounterattack,
        cdldoji,
        cdldojistar,
        cdldragonflydoji,
        cdlengulfing,
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
    )
}

/// TA-Lib's output for every candle (0 before its first output), and its lookback.
fn expected(name: &str, s: &Series) -> (Vec<i32>, usize) {
    let n = s.3.len();
    let mut raw = vec![0; n.max(1)];
    let range = talib(name, &s.0, &s.1, &s.2, &s.3, &mut raw).expect("TA-Lib ran");
    let mut out = vec![0; n];
    out[range.beg_idx..range.beg_idx + range.count].copy_from_slice(&raw[..range.count]);
    (out, range.beg_idx)
}

fn assert_same(name: &str, what: &str, s: &Series, want: &[i32], got: &[i32]) {
    if let Some(i) = (0..want.len()).find(|&i| want[i] != got[i]) {
        let from = i.saturating_sub(5);
        let candles: Vec<String> =
            (from..=i).map(|k| format!("#{k} o={} h={} l={} c={}", s.0[k], s.1[k], s.2[k], s.3[k])).collect();
        panic!(
            "{name} on {what}: candle {i}: TA-Lib {} but ported {} ({} candles differ)\n{}",
            want[i],
            got[i],
            (0..want.len()).filter(|&k| want[k] != got[k]).count(),
            candles.join("\n")
        );
    }
}

/// The ported recogniser gives TA-Lib's output on every series and short length; returns how
/// many candles it marked, to show the comparison was not of zeros.
fn check(name: &str) -> usize {
    let Some(native) = candlestick::find(name) else {
        println!("{name}: not ported");
        return 0;
    };
    let mut marked = 0;
    for (what, s) in series() {
        let (want, lookback) = expected(name, &s);
        assert_eq!(native.lookback, lookback, "{name}: lookback");
        let prepared = Prepared::new(&s.0, &s.1, &s.2, &s.3).unwrap();
        let got = native.recognise(&prepared);
        assert_same(name, &what, &s, &want, &got);
        let hits = want.iter().filter(|v| **v != 0).count();
        if !what.contains("spike") {
            println!("{name} on {what}: {hits} candles marked, all equal");
        }
        marked += hits;
        // Every short length around the lookback, from the start of the series.
        for n in 1..=native.lookback + 3 {
            let short: Series = (s.0[..n].to_vec(), s.1[..n].to_vec(), s.2[..n].to_vec(), s.3[..n].to_vec());
            let (want, _) = expected(name, &short);
            let prepared = Prepared::new(&short.0, &short.1, &short.2, &short.3).unwrap();
            assert_same(name, &format!("the first {n} candles of {what}"), &short, &want, &native.recognise(&prepared));
        }
    }
    assert!(marked > 0, "{name}: TA-Lib marked no candle of any series, so the comparison proves nothing");
    marked
}

macro_rules! oracle_tests {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { check(stringify!($name)); })*
        const ALL: &[&str] = &[$(stringify!($name)),*];
    };
}

oracle_tests!(
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
);

#[test]
fn the_tests_name_sixty_one_patterns_and_every_ported_one() {
    assert_eq!(ALL.len(), 61);
    for name in candlestick::ported() {
        assert!(ALL.contains(&name), "{name} is ported but has no oracle test");
    }
}
