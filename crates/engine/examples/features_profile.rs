//! Where feature computation spends its time, per group, on N synthetic candles:
//! `cargo run --release -p engine --example features_profile -- 1000000`
use engine::features::{compute_features, FeatureConfig, Selection};
use engine::Candles;
use std::time::Instant;

fn walk(n: usize) -> Candles {
    let mut state = 42u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 10_000) as f64 / 10_000.0
    };
    let mut c = Candles::with_capacity(n);
    let mut close: f64 = 100.0;
    for i in 0..n {
        let open = close * (1.0 + (next() - 0.5) * 0.01);
        close = open * (1.0 + (next() - 0.5) * 0.03);
        let high = open.max(close) * (1.0 + next() * 0.01);
        let low = open.min(close) * (1.0 - next() * 0.01);
        c.push(i as f64 * 60_000.0, open, high, low, close, (next() * 1e6).round());
    }
    c
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let c = walk(n);
    per_pattern(&c);
    let off = || FeatureConfig { geometry: Selection::All(false), indicators: Selection::All(false), patterns: Selection::All(false), lags: 0 };
    let groups = [
        ("all (default)", FeatureConfig::default()),
        ("geometry", FeatureConfig { geometry: Selection::All(true), ..off() }),
        ("geometry + 5 lags", FeatureConfig { geometry: Selection::All(true), lags: 5, ..off() }),
        ("indicators", FeatureConfig { indicators: Selection::All(true), ..off() }),
        ("patterns", FeatureConfig { patterns: Selection::All(true), ..off() }),
    ];
    for (name, cfg) in groups {
        let _ = compute_features(&c, &cfg).unwrap();
        let t = Instant::now();
        let f = compute_features(&c, &cfg).unwrap();
        let s = t.elapsed().as_secs_f64();
        println!("{name:<20} {:>4} columns {:>8.3} s  {:>12.0} candles/s", f.names.len(), s, n as f64 / s);
    }
}

#[allow(dead_code)]
fn per_pattern(c: &Candles) {
    let mut rows: Vec<(f64, &str)> = engine::patterns::PATTERNS
        .iter()
        .map(|p| {
            let t = Instant::now();
            let _ = engine::talib::cdl(p.name, &c.open, &c.high, &c.low, &c.close).unwrap();
            (t.elapsed().as_secs_f64(), p.name)
        })
        .collect();
    let total: f64 = rows.iter().map(|r| r.0).sum();
    rows.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    println!("61 patterns one thread: {total:.3} s; slowest: {:?}", &rows[..6]);
}
