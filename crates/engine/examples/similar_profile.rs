//! Times `similar::find_similar` on a long synthetic series, for profiling the kernels:
//! `cargo run --release -p engine --example similar_profile -- [candles] [query length] [run name]`.
use engine::similar::{find_similar, Channels, DtwOptions, Example, SimilarOptions, SpanRef};
use engine::Candles;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000_000);
    let m: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    // Optional: only the run of this name.
    let only = args.next().unwrap_or_default();
    let series = mean_reverting_walk(n, 42);
    let example = [Example::Span(SpanRef { target: 0, start: n / 3, end: n / 3 + m - 1 })];
    let runs: [(&str, SimilarOptions); 5] = [
        ("close", SimilarOptions::default()),
        ("close, stretch ±10 %", SimilarOptions { stretch: 0.1, ..Default::default() }),
        ("ohlcv", SimilarOptions { channels: Channels::Ohlcv, ..Default::default() }),
        ("close, DTW band 10 %", SimilarOptions { dtw: Some(DtwOptions { band: 0.1 }), ..Default::default() }),
        ("close, top 1000", SimilarOptions { max_results: Some(1000), ..Default::default() }),
    ];
    println!("{n} candles, query {m} candles, {} threads", rayon::current_num_threads());
    for (name, options) in runs.into_iter().filter(|(name, _)| only.is_empty() || *name == only) {
        let (start, cpu_start) = (Instant::now(), process_cpu_seconds());
        let r = find_similar(&example, std::slice::from_ref(&series), &options, &|_| {}, &AtomicBool::new(false))
            .expect("search");
        let secs = start.elapsed().as_secs_f64();
        let cpu = process_cpu_seconds() - cpu_start;
        println!(
            "{name:<24} {secs:>7.3} s wall {cpu:>7.3} s CPU  {:>6.1} M windows/s  best similarity {:.4}  results {}  pruned {} abandoned {}",
            r.stats.windows as f64 / secs / 1e6,
            r.matches.first().map_or(0.0, |m| m.similarity),
            r.matches.len(),
            r.stats.pruned_by_lower_bound,
            r.stats.dtw_abandoned,
        );
    }
}

/// Candles whose log price wanders around log(100) (Ornstein-Uhlenbeck): unlike a plain
/// multiplicative walk it neither drifts to zero nor explodes over millions of candles.
fn mean_reverting_walk(n: usize, seed: u64) -> Candles {
    let mut state = seed.max(1);
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut c = Candles::with_capacity(n);
    let (mean, mut log_price) = (100f64.ln(), 100f64.ln());
    for i in 0..n {
        let open = log_price.exp();
        log_price += 1e-4 * (mean - log_price) + 0.004 * (uniform() - 0.5);
        let close = log_price.exp();
        let high = open.max(close) * (1.0 + 0.002 * uniform());
        let low = open.min(close) * (1.0 - 0.002 * uniform());
        c.push(i as f64 * 60_000.0, open, high, low, close, (uniform() * 1e6).round());
    }
    c
}

/// User + system CPU time of this process so far (Linux: /proc/self/stat), to tell the search's
/// own cost from waiting for cores other processes hold.
fn process_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // After the command name: state is field 0, utime 11, stime 12 (clock ticks, 100 per second).
    (ticks(11) + ticks(12)) / 100.0
}
