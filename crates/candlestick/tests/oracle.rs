//! Every ported recogniser against TA-Lib's own (the `ta-lib` crate, TA-Lib's official Rust port):
//! the same output for every candle, on series made to reach every branch — continuous prices,
//! prices on a tick grid (ties), coarse ticks with gaps and zero-range candles, trending runs —
//! and on every short length around the lookback.
mod support {
    pub mod talib;
}

use candlestick::Prepared;
use support::talib::{self, archetypes, coarse, walk, Series};

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

/// [`spiked`] on archetype candles, where the rare patterns occur (tens of thousands of candles,
/// so each rare pattern is marked at least a few times after the spike).
fn spiked_archetypes(at: usize) -> Series {
    let mut s = archetypes(40_000, 100 + at as u64, 3);
    s.1[at] = 1e17;
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
        ("archetypes", archetypes(4 * N, 8, 4)),
        ("archetypes in long runs", archetypes(4 * N, 9, 2)),
    ]
    .into_iter()
    .map(|(what, s)| (what.to_string(), s))
    .collect();
    for at in 0..24 {
        all.push((format!("a high spike at candle {at}"), spiked(at, false)));
        all.push((format!("a body spike at candle {at}"), spiked(at, true)));
        all.push((format!("archetypes with a high spike at candle {at}"), spiked_archetypes(at)));
    }
    all
}

/// TA-Lib's output for every candle (0 before its first output), and its lookback if the series
/// is longer than that.
fn expected(name: &str, s: &Series) -> (Vec<i32>, Option<usize>) {
    let n = s.3.len();
    let mut raw = vec![0; n.max(1)];
    let range = talib::run(name, &s.0, &s.1, &s.2, &s.3, &mut raw).expect("TA-Lib ran");
    let mut out = vec![0; n];
    out[range.beg_idx..range.beg_idx + range.count].copy_from_slice(&raw[..range.count]);
    (out, (range.count > 0).then_some(range.beg_idx))
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

/// Compares the recogniser with TA-Lib's on one series; returns TA-Lib's output.
fn compare(name: &str, native: &candlestick::Native, what: &str, s: &Series) -> Vec<i32> {
    let (want, lookback) = expected(name, s);
    if let Some(lookback) = lookback {
        assert_eq!(native.lookback, lookback, "{name}: lookback");
    }
    let prepared = Prepared::new(&s.0, &s.1, &s.2, &s.3).unwrap();
    assert_same(name, what, s, &want, &native.recognise(&prepared));
    want
}

/// Run over blocks of candles (as `engine::talib::cdl_columns` runs it), the recogniser writes the
/// same output as over the whole series, and nothing outside each block; one that carries state
/// runs over `0..end` and gives the whole series' output up to `end`.
fn in_blocks(name: &str, native: &candlestick::Native, s: &Series, want: &[i32]) {
    let prepared = Prepared::new(&s.0, &s.1, &s.2, &s.3).unwrap();
    let n = want.len();
    const UNTOUCHED: i32 = 12345;
    if native.carries_state {
        for end in [0, 1, native.lookback, native.lookback + 1, n / 3, n] {
            let mut out = vec![UNTOUCHED; n];
            native.recognise_range(&prepared, &mut out, 0..end);
            assert_eq!(&out[..end], &want[..end], "{name} over candles 0..{end}");
            assert!(out[end..].iter().all(|&v| v == UNTOUCHED), "{name} wrote past candle {end}");
        }
        return;
    }
    for block in [1, 7, 64, 4096] {
        let mut out = vec![UNTOUCHED; n];
        for start in (0..n).step_by(block) {
            let end = (start + block).min(n);
            native.recognise_range(&prepared, &mut out, start..end);
            if end < n {
                assert_eq!(out[end], UNTOUCHED, "{name} in blocks of {block}: wrote past candle {end}");
            }
        }
        assert_same(name, &format!("archetypes in blocks of {block}"), s, want, &out);
    }
}

/// Candles kept before each harvested mark: the pattern, its averages' periods and more.
const WINDOW: usize = 40;

/// The recogniser gives TA-Lib's output on every series and short length; returns how many
/// candles TA-Lib marked, to show the comparison was not of zeros.
///
/// A rare pattern is marked a handful of times in all the series, too few to tell a right
/// shared average from a wrong one. So the candles TA-Lib marked are harvested, each with the
/// `WINDOW` candles before it, and laid end to end: a series where the pattern is frequent. It
/// is compared as it is and behind a spike (smaller than [`spiked`]'s, so the totals are off by
/// a little and the pattern still fires) at each early candle.
fn check(name: &str) -> usize {
    let native = candlestick::find(name).unwrap_or_else(|| panic!("{name} is not in the candlestick crate"));
    let mut marked = 0;
    let mut harvest: Series = Default::default();
    for (what, s) in series() {
        let want = compare(name, native, &what, &s);
        let hits = want.iter().filter(|v| **v != 0).count();
        if !what.contains("spike") {
            println!("{name} on {what}: {hits} candles marked, all equal");
            for end in (WINDOW..want.len()).filter(|&i| want[i] != 0).take(300) {
                let window = end + 1 - WINDOW..end + 1;
                harvest.0.extend_from_slice(&s.0[window.clone()]);
                harvest.1.extend_from_slice(&s.1[window.clone()]);
                harvest.2.extend_from_slice(&s.2[window.clone()]);
                harvest.3.extend_from_slice(&s.3[window]);
            }
        }
        marked += hits;
        if what == "archetypes" {
            in_blocks(name, native, &s, &want);
        }
        // Every short length around the lookback, from the start of the series.
        for n in 1..=native.lookback + 3 {
            let short: Series = (s.0[..n].to_vec(), s.1[..n].to_vec(), s.2[..n].to_vec(), s.3[..n].to_vec());
            compare(name, native, &format!("the first {n} candles of {what}"), &short);
        }
    }
    assert!(marked > 0, "{name}: TA-Lib marked no candle of any series, so the comparison proves nothing");
    // At least 200 windows: the few windows of the rarest patterns, repeated.
    let windows = harvest.3.len() / WINDOW;
    let repeats = 200_usize.div_ceil(windows);
    let repeat = |v: &Vec<f64>| v.repeat(repeats);
    let harvest = (repeat(&harvest.0), repeat(&harvest.1), repeat(&harvest.2), repeat(&harvest.3));
    let want = compare(name, native, "the harvest of marked candles", &harvest);
    let hits = want.iter().filter(|v| **v != 0).count();
    println!("{name} on the harvest: {windows} windows of marked candles, ×{repeats}: {hits} candles marked");
    // Prices on a decimal grid (scaled), where many comparisons are ties decided by the last bit
    // of a running total: there a total that starts at another candle than TA-Lib's gives
    // another answer. Integer prices cannot show that (their totals are exact from any start).
    for scale in [1.0, 0.1, 0.01, 0.3] {
        let scaled = |v: &Vec<f64>| v.iter().map(|x| x * scale).collect::<Vec<f64>>();
        let base = (scaled(&harvest.0), scaled(&harvest.1), scaled(&harvest.2), scaled(&harvest.3));
        compare(name, native, &format!("the harvest scaled by {scale}"), &base);
        for at in 0..24 {
            let mut spiked = base.clone();
            spiked.1[at] = 1e15;
            compare(name, native, &format!("the harvest scaled by {scale}, a spike at candle {at}"), &spiked);
        }
    }
    marked
}

macro_rules! oracle_tests {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { check(stringify!($name)); })*
        const ALL: &[&str] = &[$(stringify!($name)),*];
    };
}

talib::with_patterns!(oracle_tests);

#[test]
fn the_crate_has_the_sixty_one_recognisers_tested_here() {
    assert_eq!(candlestick::names().collect::<Vec<_>>(), ALL);
}
