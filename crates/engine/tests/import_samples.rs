//! The importer on the real sample files in `data/samples/` (see its PROVENANCE.md): counts,
//! first and last candles checked against the files' own text, and an independent check that the
//! files break none of the candle rules (so the default, failing policy imports them whole).
use engine::import::{import_csv_file, ImportOptions, ImportResult, OnInvalidRow};
use std::path::PathBuf;

fn sample_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/samples").join(name)
}

fn ms(rfc3339: &str) -> f64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap().timestamp_millis() as f64
}

/// The file's data lines split on commas (these files have no quoting).
fn data_lines(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(sample_path(name)).unwrap();
    text.lines().skip(1).filter(|l| !l.is_empty()).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

fn number(s: &str) -> f64 {
    s.parse().unwrap()
}

/// Imports with the default policy (fail on any bad row) and checks everything against the file.
fn check_sample(name: &str, rows: usize, first_time: &str, last_time: &str, ohlcv_columns: [usize; 5]) -> ImportResult {
    let result =
        import_csv_file(&sample_path(name), &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(result.rejected.is_empty());
    assert_eq!(result.series.len(), 1);
    let series = &result.series[0];
    assert_eq!(series.timeframe.as_deref(), Some("1d"), "{name}");
    assert_eq!(series.symbol, None);
    let c = &series.candles;
    c.validate_non_empty().unwrap();
    assert_eq!(c.len(), rows, "{name}");
    assert_eq!(c.time[0], ms(first_time), "{name}");
    assert_eq!(c.time[rows - 1], ms(last_time), "{name}");

    let lines = data_lines(name);
    assert_eq!(lines.len(), rows);
    for (i, line) in [(0, &lines[0]), (rows / 2, &lines[rows / 2]), (rows - 1, &lines[rows - 1])] {
        let [o, h, l, cl, v] = ohlcv_columns.map(|col| number(&line[col]));
        assert_eq!([c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]], [o, h, l, cl, v], "{name} row {i}");
    }
    let d = &result.detected;
    assert_eq!((d.delimiter.as_str(), d.header_line, d.banner_lines, d.newest_first), (",", 1, 0, false));
    result
}

#[test]
fn aapl_daily() {
    let result = check_sample("aapl_daily.csv", 3270, "2000-03-01T00:00:00Z", "2013-03-01T00:00:00Z", [1, 2, 3, 4, 5]);
    let d = &result.detected;
    assert_eq!((d.time_format.as_str(), d.columns.time.as_str()), ("YYYY-MM-DD", "timestamp"));
    assert_eq!(d.columns.volume.as_deref(), Some("volume"));
    assert!(d.ignored_columns.is_empty());
    let c = &result.series[0].candles;
    assert_eq!([c.open[0], c.high[0], c.low[0], c.close[0], c.volume[0]], [118.56, 132.06, 118.5, 130.31, 9_616_100.0]);
}

#[test]
fn goog_daily() {
    check_sample("goog_daily.csv", 2148, "2004-08-19T00:00:00Z", "2013-03-01T00:00:00Z", [1, 2, 3, 4, 5]);
}

#[test]
fn ibm_daily() {
    check_sample("ibm_daily.csv", 3270, "2000-03-01T00:00:00Z", "2013-03-01T00:00:00Z", [1, 2, 3, 4, 5]);
}

#[test]
fn msft_daily() {
    check_sample("msft_daily.csv", 3270, "2000-03-01T00:00:00Z", "2013-03-01T00:00:00Z", [1, 2, 3, 4, 5]);
}

#[test]
fn sp500_daily_yahoo() {
    // Date,Open,High,Low,Close,Adj Close,Volume with m/d/Y dates.
    let result =
        check_sample("sp500_daily_yahoo.csv", 5031, "1999-01-04T00:00:00Z", "2018-12-31T00:00:00Z", [1, 2, 3, 4, 6]);
    let d = &result.detected;
    assert_eq!((d.time_format.as_str(), d.columns.time.as_str()), ("MM/DD/YYYY", "Date"));
    assert_eq!(d.ignored_columns, vec!["Adj Close"]);
    assert_eq!(d.columns.volume.as_deref(), Some("Volume"));
    let c = &result.series[0].candles;
    assert_eq!(c.close[5030], 2506.850098);
    assert_eq!(c.volume[5030], 3_442_870_000.0);
}

/// The rules checked directly on the files' text, independently of the importer: no sample row
/// has high below max(open, close), low above min(open, close), a negative or non-finite value,
/// or a date that is not after the previous row's. (Checked when the samples were added; this
/// keeps the claim true if a sample is ever replaced.)
#[test]
fn the_samples_break_no_candle_rule() {
    let files = [
        ("aapl_daily.csv", [1, 2, 3, 4, 5]),
        ("goog_daily.csv", [1, 2, 3, 4, 5]),
        ("ibm_daily.csv", [1, 2, 3, 4, 5]),
        ("msft_daily.csv", [1, 2, 3, 4, 5]),
        ("sp500_daily_yahoo.csv", [1, 2, 3, 4, 6]),
    ];
    for (name, columns) in files {
        let mut violations = Vec::new();
        for (i, line) in data_lines(name).iter().enumerate() {
            let [o, h, l, c, v] = columns.map(|col| number(&line[col]));
            let finite = [o, h, l, c, v].iter().all(|x| x.is_finite());
            if !finite || h < o.max(c) || l > o.min(c) || v < 0.0 {
                violations.push(i + 2);
            }
        }
        assert!(violations.is_empty(), "{name}: lines {violations:?} break a rule");
        // And skip mode agrees: nothing rejected, every row imported.
        let skip = ImportOptions { on_invalid_row: OnInvalidRow::Skip, ..Default::default() };
        let result = import_csv_file(&sample_path(name), &skip).unwrap();
        assert!(result.rejected.is_empty(), "{name}: {:?}", result.rejected);
        assert_eq!(result.series[0].candles.len(), data_lines(name).len());
    }
}
