//! Import throughput on a generated 2M-row, ~120 MB file of 1-minute bars (the size the importer
//! must handle). About 1.2 s to import on a 2-core dev machine; the bound is generous so a busy CI
//! machine does not flake. `--nocapture` prints the timing.
use engine::import::{import_csv, ImportOptions};
use std::fmt::Write;
use std::time::{Duration, Instant};

/// A Dukascopy-like file: ISO date-times, 6 decimals, ~50 bytes a row.
fn minute_bars(rows: usize) -> String {
    let mut text = String::with_capacity(rows * 56 + 64);
    text.push_str("Time,Open,High,Low,Close,Volume\n");
    let start = chrono::DateTime::from_timestamp(1_577_836_800, 0).unwrap().naive_utc();
    let mut price = 1.1;
    for i in 0..rows {
        let t = start + chrono::Duration::minutes(i as i64);
        let step = ((i * 7919) % 13) as f64 * 1e-5 - 6e-5;
        let (open, close) = (price, price + step);
        let (high, low) = (open.max(close) + 2e-5, open.min(close) - 2e-5);
        writeln!(text, "{},{open:.6},{high:.6},{low:.6},{close:.6},{}", t.format("%Y-%m-%d %H:%M:%S"), i % 1000)
            .unwrap();
        price = close;
    }
    text
}

fn import_timed(rows: usize) -> Duration {
    let text = minute_bars(rows);
    let started = Instant::now();
    let result = import_csv(text.as_bytes(), &ImportOptions::default()).unwrap();
    let elapsed = started.elapsed();
    let c = &result.series[0].candles;
    assert_eq!(c.len(), rows);
    assert_eq!(result.series[0].timeframe.as_deref(), Some("1m"));
    println!("{rows} rows, {:.1} MB: {:.2} s", text.len() as f64 / 1e6, elapsed.as_secs_f64());
    elapsed
}

#[test]
fn imports_2m_rows_120mb() {
    assert!(import_timed(2_000_000) < Duration::from_secs(30));
}
