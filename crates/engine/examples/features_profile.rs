//! Where feature computation spends its time, per group, on N synthetic candles:
//! `cargo run --release -p engine --example features_profile -- 1000000`
use engine::features::{compute_features, FeatureConfig, Selection};
use engine::Candles;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let c = Candles::random_walk(n, 42);
    per_pattern(&c);
    let off = || FeatureConfig {
        geometry: Selection::All(false),
        indicators: Selection::All(false),
        patterns: Selection::All(false),
        lags: 0,
    };
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

/// Each recogniser alone on one thread, over one prepared series (its shared averages are
/// computed by the first recogniser that asks for them, as in `compute_features`).
fn per_pattern(c: &Candles) {
    let t = Instant::now();
    let prepared = engine::talib::prepare(&c.open, &c.high, &c.low, &c.close).unwrap();
    let prepare = t.elapsed().as_secs_f64();
    let mut rows: Vec<(f64, &str)> = engine::patterns::PATTERNS
        .iter()
        .map(|p| {
            let t = Instant::now();
            let _ = engine::talib::cdl_prepared(p.name, &prepared).unwrap();
            (t.elapsed().as_secs_f64(), p.name)
        })
        .collect();
    let total: f64 = rows.iter().map(|r| r.0).sum();
    rows.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    println!("61 patterns one thread: {total:.3} s after {prepare:.3} s of preparation; slowest: {:?}", &rows[..6]);
}
