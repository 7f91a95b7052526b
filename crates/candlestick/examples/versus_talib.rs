//! Each recogniser against TA-Lib's own (the `ta-lib` crate) on N random-walk candles, one
//! thread: `cargo run --release -p candlestick --example versus_talib -- 1000000 [names…]`.
//! The ported side is timed after its shared averages exist (as the 2nd..61st recogniser of a
//! feature run finds them), best of 3 runs each.
#[path = "../tests/support/talib.rs"]
mod talib;

use candlestick::Prepared;
use std::time::Instant;

fn best_of_3(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let only: Vec<String> = args.collect();
    let s = talib::walk(n, 42, Some(0.01));
    let t = Instant::now();
    let prepared = Prepared::new(&s.0, &s.1, &s.2, &s.3).unwrap();
    println!("{n} candles; preparing the series: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let (mut ours, mut theirs) = (0.0, 0.0);
    let mut out = vec![0i32; n];
    for name in candlestick::names().filter(|n| only.is_empty() || only.iter().any(|o| o == n)) {
        let native = candlestick::find(name).unwrap();
        let _ = native.recognise(&prepared); // computes its shared averages
        let a = best_of_3(|| {
            std::hint::black_box(native.recognise(&prepared));
        });
        let b = best_of_3(|| {
            std::hint::black_box(talib::run(name, &s.0, &s.1, &s.2, &s.3, &mut out).unwrap());
        });
        println!("{name:<22} {a:7.2} ms  ta-lib {b:7.2} ms  {:5.2}x", b / a);
        ours += a;
        theirs += b;
    }
    println!("{:<22} {ours:7.1} ms  ta-lib {theirs:7.1} ms  {:5.2}x", "all", theirs / ours);
    println!("shared averages computed: {} (one column of {n} values each)", prepared.averages_computed());
}
