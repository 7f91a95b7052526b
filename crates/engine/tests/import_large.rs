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

/// A file of ≈ 9 MB (two symbols, or one series without a symbol column) with what a real export
/// can hold anywhere in it: blank lines, CRLF and lone-CR line ends, a trailing delimiter, rows
/// with bad values or too few fields, a duplicate time, and a symbol first seen near the end.
fn messy_file(header: &str, with_symbols: bool) -> String {
    let mut text = String::from("exported by a broker\n");
    text.push_str(header);
    text.push('\n');
    let symbols: &[&str] = if with_symbols { &["EURUSD,", "GBPUSD,"] } else { &[""] };
    let start = 1_577_836_800_i64;
    for i in 0..150_000_i64 {
        let t = chrono::DateTime::from_timestamp(start + i * 60, 0).unwrap().naive_utc();
        let time = t.format("%Y-%m-%d %H:%M:%S");
        for symbol in symbols {
            let p = 1.1 + (i % 97) as f64 * 1e-4;
            let line_end = match i % 1000 {
                1 => "\r\n",
                2 => "\r",
                3 => ",\n",
                _ => "\n",
            };
            match i % 7919 {
                5 => write!(text, "{symbol}{time},{p:.5},oops,{p:.5},{p:.5},7{line_end}"),
                6 => write!(text, "{symbol}{time},{p:.5}{line_end}"),
                _ => write!(text, "{symbol}{time},{p:.5},{:.5},{:.5},{p:.5},{}{line_end}", p + 2e-4, p - 2e-4, i % 500),
            }
            .unwrap();
        }
        if i % 3001 == 0 {
            text.push_str("\n\n");
        }
        if i == 77_777 {
            writeln!(text, "{}{time},1.1,1.2,1.0,1.1,5", symbols[0]).unwrap(); // same time again
        }
        if i == 149_000 {
            let symbol = if with_symbols { "USDJPY," } else { "" };
            writeln!(text, "{symbol}2020-01-01 00:00:00,150.1,150.2,150.0,150.1,5").unwrap();
        }
    }
    text
}

/// Large unquoted tables are read in pieces on several threads. A quote anywhere in the table
/// makes the importer read it in one pass, so the same file with a quoted header name is the
/// one-pass reading to compare with: every series, value, rejected row (with its line number and
/// reason) and detected setting must be the same.
#[test]
fn a_table_read_in_pieces_reads_as_in_one_pass() {
    let header = "Symbol,Time,Open,High,Low,Close,Volume";
    let split = import_both_ways(&messy_file(header, true), &messy_file(&header.replace("Symbol", "\"Symbol\""), true));
    assert_eq!(split.series.len(), 3);
    assert_eq!(split.series[2].symbol.as_deref(), Some("USDJPY"));
}

/// The same for a file without a symbol column, where the pieces fill one series.
#[test]
fn one_series_read_in_pieces_reads_as_in_one_pass() {
    let header = "Time,Open,High,Low,Close,Volume";
    let split = import_both_ways(&messy_file(header, false), &messy_file(&header.replace("Time", "\"Time\""), false));
    assert_eq!(split.series.len(), 1);
    let clean = minute_bars(300_000);
    let quoted = clean.replacen("Time", "\"Time\"", 1);
    let split_clean = import_csv(clean.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(split_clean.series[0].candles.len(), 300_000);
    assert_eq!(split_clean, import_csv(quoted.as_bytes(), &ImportOptions::default()).unwrap());
}

/// Imports `pieces` (unquoted, so read in pieces) and `one_pass` (the same file with a quote in
/// its header, so read in one pass), skipping bad rows and failing on them, and checks that both
/// readings agree on everything. Returns the skipping import.
fn import_both_ways(pieces: &str, one_pass: &str) -> engine::import::ImportResult {
    // The importer splits tables of 4 MiB and more (rows.rs, PARALLEL_MIN_BYTES).
    assert!(pieces.len() > 4 << 20, "{} bytes: the file must be large enough to be split", pieces.len());
    let skip = ImportOptions { on_invalid_row: engine::import::OnInvalidRow::Skip, ..Default::default() };
    let split = import_csv(pieces.as_bytes(), &skip).unwrap();
    let whole = import_csv(one_pass.as_bytes(), &skip).unwrap();
    assert!(split.rejected.len() >= 40, "{} rejected", split.rejected.len());
    assert!(split.rejected.iter().any(|r| r.reason.contains("previous candle's time")));
    assert_eq!(split, whole);
    // The first bad row's line number, counted by hand: banner and header (lines 1–2), minute 0
    // (3–4), two blank lines (5–6), minute 1 (7–8); minute 2's rows end in a lone CR, which ends
    // a record but not a line, so they share line 9 with minute 3's first row; minute 3's second
    // row (10), minute 4 (11–12), then minute 5's first row. With one series, one row a minute.
    let first_bad = &split.rejected[0];
    let expected = if split.series.len() > 1 { 13 } else { 9 };
    assert_eq!(first_bad.row, expected, "{first_bad:?}");

    // The default (fail on a bad row) names the same rows either way.
    let strict = ImportOptions::default();
    let (a, b) = (import_csv(pieces.as_bytes(), &strict), import_csv(one_pass.as_bytes(), &strict));
    assert_eq!(a.unwrap_err().to_string(), b.unwrap_err().to_string());
    split
}
