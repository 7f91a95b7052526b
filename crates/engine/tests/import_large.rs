//! A generated 2M-row, ~120 MB file of 1-minute bars (the size the importer must handle) imports
//! whole and right. Its speed is a benchmark's business, not a test's (`npm run bench:scale`,
//! README *Benchmarks*: 10M rows next to pandas); `--nocapture` prints the time taken here.
use engine::import::{import_csv, ImportOptions};
use std::fmt::Write;
use std::time::Instant;

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

fn import_and_check(rows: usize) {
    let text = minute_bars(rows);
    let started = Instant::now();
    let result = import_csv(text.as_bytes(), &ImportOptions::default()).unwrap();
    let elapsed = started.elapsed();
    let c = &result.series[0].candles;
    assert_eq!(c.len(), rows);
    assert_eq!(result.series[0].timeframe.as_deref(), Some("1m"));
    // The first and the last bar, read back exactly as written.
    assert_eq!(c.time[0], 1_577_836_800_000.0);
    assert_eq!(c.time[rows - 1], 1_577_836_800_000.0 + (rows - 1) as f64 * 60_000.0);
    assert_eq!((c.open[0], c.volume[rows - 1]), (1.1, ((rows - 1) % 1000) as f64));
    println!("{rows} rows, {:.1} MB: {:.2} s", text.len() as f64 / 1e6, elapsed.as_secs_f64());
}

#[test]
fn imports_2m_rows_120mb() {
    import_and_check(2_000_000);
}
