//! The CSV importer on one small fixture per file shape (`tests/fixtures/import/`), plus the
//! error and policy cases. Each test checks what was detected, the counts and the values.
use engine::import::{
    import_csv, import_csv_file, ColumnNames, ImportOptions, ImportResult, OnInvalidRow, RejectedRow,
};
use engine::{Candles, EngineError};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

fn skip() -> ImportOptions {
    ImportOptions { on_invalid_row: OnInvalidRow::Skip, ..Default::default() }
}

fn import(name: &str) -> ImportResult {
    import_csv_file(&fixture(name), &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn import_str(text: &str, opts: &ImportOptions) -> Result<ImportResult, EngineError> {
    import_csv(text.as_bytes(), opts)
}

/// A CSV text from its lines.
fn lines(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn failure(name: &str) -> String {
    let err = import_csv_file(&fixture(name), &ImportOptions::default()).unwrap_err();
    assert_eq!(err.code(), "IMPORT_FAILED", "{err}");
    err.to_string()
}

/// Epoch ms of an RFC 3339 time.
fn ms(rfc3339: &str) -> f64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap().timestamp_millis() as f64
}

fn only_series(result: &ImportResult) -> &Candles {
    assert_eq!(result.series.len(), 1);
    &result.series[0].candles
}

fn row(c: &Candles, i: usize) -> [f64; 6] {
    [c.time[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]]
}

#[test]
fn dukascopy_gmt_time_with_milliseconds() {
    let result = import("dukascopy_eurusd_1h.csv");
    let d = &result.detected;
    assert_eq!(d.time_format, "DD.MM.YYYY hh:mm:ss.fff");
    assert_eq!(d.columns.time, "Gmt time");
    assert_eq!((d.delimiter.as_str(), d.header_line, d.banner_lines, d.newest_first), (",", 1, 0, false));
    let c = only_series(&result);
    assert_eq!(c.len(), 5);
    assert_eq!(row(c, 0), [ms("2019-12-31T22:00:00Z"), 1.1212, 1.12155, 1.12087, 1.12134, 1234.56]);
    assert_eq!(c.time[4], ms("2020-01-01T02:00:00Z"));
    assert_eq!(result.series[0].timeframe.as_deref(), Some("1h"));
    assert!(result.rejected.is_empty());
}

#[test]
fn cryptodatadownload_banner_unix_ms_newest_first_and_two_volumes() {
    let result = import("cryptodatadownload_btcusd_1h.csv");
    let d = &result.detected;
    assert_eq!((d.banner_lines, d.header_line), (1, 2));
    assert_eq!(d.time_format, "epoch-ms");
    assert_eq!(d.columns.time, "Unix");
    assert_eq!(d.columns.volume.as_deref(), Some("Volume BTC"));
    assert_eq!(d.columns.symbol.as_deref(), Some("Symbol"));
    assert_eq!(d.ignored_columns, vec!["Date", "Volume USD"]);
    assert!(d.newest_first);
    let series = &result.series[0];
    assert_eq!(series.symbol.as_deref(), Some("BTC/USD"));
    assert_eq!(series.timeframe.as_deref(), Some("1h"));
    let c = &series.candles;
    assert_eq!(c.len(), 6);
    // Oldest first after reversing: the file's last line is the first candle.
    assert_eq!(row(c, 0), [ms("2020-01-01T00:00:00Z"), 7195.24, 7198.34, 7187.54, 7189.74, 10.5]);
    assert_eq!(row(c, 5), [ms("2020-01-01T05:00:00Z"), 7189.74, 7198.34, 7187.54, 7195.24, 15.5]);
    c.validate().unwrap();
}

#[test]
fn cryptodatadownload_12_hour_dates_and_volume_from_to() {
    let result = import("cryptodatadownload_ampm_1h.csv");
    let d = &result.detected;
    assert_eq!(d.time_format, "YYYY-MM-DD hh-AM");
    assert_eq!(d.columns.volume.as_deref(), Some("Volume From"));
    assert_eq!(d.ignored_columns, vec!["Volume To"]);
    assert!(d.newest_first);
    let c = only_series(&result);
    let expected_times: Vec<f64> = (9..15).map(|h| ms(&format!("2017-07-01T{h:02}:00:00Z"))).collect();
    assert_eq!(c.time, expected_times);
    assert_eq!(row(c, 3), [ms("2017-07-01T12:00:00Z"), 2499.0, 2506.0, 2497.0, 2504.0, 103.0]);
    assert_eq!(result.series[0].symbol.as_deref(), Some("BTCUSD"));
}

#[test]
fn epoch_seconds() {
    let result = import("epoch_seconds_5m.csv");
    assert_eq!(result.detected.time_format, "epoch-s");
    let c = only_series(&result);
    assert_eq!(c.len(), 8);
    assert_eq!(row(c, 7), [ms("2020-01-01T00:35:00Z"), 107.0, 108.0, 106.0, 107.5, 8000.0]);
    assert_eq!(result.series[0].timeframe.as_deref(), Some("5m"));
}

#[test]
fn compact_yyyymmdd_daily_with_a_weekend() {
    let result = import("yyyymmdd_daily.csv");
    assert_eq!(result.detected.time_format, "YYYYMMDD");
    let c = only_series(&result);
    assert_eq!(c.len(), 5);
    assert_eq!(c.time[2], ms("2020-01-06T00:00:00Z"));
    assert_eq!(result.series[0].timeframe.as_deref(), Some("1d"));
}

#[test]
fn finam_compact_date_and_time_columns_with_a_ticker() {
    let result = import("finam_split_compact.csv");
    let d = &result.detected;
    assert_eq!(d.time_format, "YYYYMMDD + hhmmss");
    assert_eq!(d.columns.time, "<DATE> + <TIME>");
    assert_eq!(d.columns.volume.as_deref(), Some("<VOL>"));
    assert_eq!(d.ignored_columns, vec!["<PER>"]);
    let series = &result.series[0];
    assert_eq!(series.symbol.as_deref(), Some("SBER"));
    assert_eq!(row(&series.candles, 1), [ms("2020-01-03T11:00:00Z"), 256.0, 257.0, 255.0, 256.5, 10001.0]);
}

#[test]
fn semicolons_and_decimal_commas() {
    let result = import("semicolon_decimal_comma.csv");
    assert_eq!((result.detected.delimiter.as_str(), result.detected.time_format.as_str()), (";", "DD.MM.YYYY"));
    let c = only_series(&result);
    assert_eq!(row(c, 0), [ms("2020-01-02T00:00:00Z"), 1.121, 1.125, 1.118, 1.1234, 1234.0]);
    assert_eq!(c.volume[1], 2_345_678.0);
    assert_eq!(c.close[2], 1.129);
}

#[test]
fn pipes_and_thousands_separators() {
    let result = import("pipe_thousands.csv");
    assert_eq!(result.detected.delimiter, "|");
    let c = only_series(&result);
    assert_eq!(row(c, 0), [ms("2020-01-02T00:00:00Z"), 3244.67, 3258.14, 3235.53, 3257.85, 3_458_250_000.0]);
}

#[test]
fn tab_delimited_metatrader_5_export() {
    let result = import("mt5_tab.csv");
    let d = &result.detected;
    assert_eq!((d.delimiter.as_str(), d.time_format.as_str()), ("\t", "YYYY.MM.DD + hh:mm:ss"));
    assert_eq!(d.columns.time, "<DATE> + <TIME>");
    // Rule 1: a column named exactly VOL wins over TICKVOL (docs/import.md).
    assert_eq!(d.columns.volume.as_deref(), Some("<VOL>"));
    assert_eq!(d.ignored_columns, vec!["<TICKVOL>", "<SPREAD>"]);
    let c = only_series(&result);
    assert_eq!(row(c, 3), [ms("2020-01-02T11:00:00Z"), 1.123, 1.1239, 1.123, 1.1235, 0.0]);
}

#[test]
fn metatrader_4_history_without_header() {
    let result = import("metatrader_headerless.csv");
    let d = &result.detected;
    assert_eq!((d.header_line, d.banner_lines), (0, 0));
    assert_eq!(d.time_format, "YYYY.MM.DD + hh:mm");
    assert_eq!(d.columns.time, "column 1 + column 2");
    assert_eq!(d.columns.open, "column 3");
    assert_eq!(d.columns.volume.as_deref(), Some("column 7"));
    let c = only_series(&result);
    assert_eq!(c.len(), 6);
    assert_eq!(row(c, 0), [ms("2020-01-02T13:00:00Z"), 1.101, 1.105, 1.1005, 1.103, 50.0]);
    assert_eq!(result.series[0].timeframe.as_deref(), Some("15m"));
}

#[test]
fn binance_klines_without_header() {
    let result = import("binance_klines_headerless.csv");
    let d = &result.detected;
    assert_eq!((d.header_line, d.time_format.as_str()), (0, "epoch-ms"));
    assert_eq!(d.columns.volume.as_deref(), Some("column 6"));
    assert_eq!(d.ignored_columns.len(), 6);
    let c = only_series(&result);
    assert_eq!(row(c, 0), [ms("2020-01-01T00:00:00Z"), 7195.24, 7196.25, 7183.14, 7186.68, 51.642812]);
    assert_eq!(result.series[0].timeframe.as_deref(), Some("1m"));
}

#[test]
fn nasdaq_dollars_close_last_newest_first() {
    let result = import("nasdaq_close_last.csv");
    let d = &result.detected;
    assert_eq!((d.time_format.as_str(), d.columns.close.as_str(), d.newest_first), ("MM/DD/YYYY", "Close/Last", true));
    let c = only_series(&result);
    assert_eq!(row(c, 0), [ms("2020-01-02T00:00:00Z"), 296.24, 300.60, 295.19, 300.35, 33_911_860.0]);
    assert_eq!(c.time[2], ms("2020-01-06T00:00:00Z"));
}

#[test]
fn iso_datetimes_with_offsets_become_utc() {
    let result = import("iso_offsets_1m.csv");
    assert_eq!(result.detected.time_format, "YYYY-MM-DDThh:mm:ss±hh:mm");
    let c = only_series(&result);
    assert_eq!(c.time[0], ms("2020-01-02T14:30:00Z"));
    assert_eq!(result.series[0].timeframe.as_deref(), Some("1m"));
}

#[test]
fn excel_bom_crlf_quotes_and_adj_close() {
    let result = import("excel_bom_quoted.csv");
    assert_eq!(result.detected.columns.time, "Date");
    assert_eq!(result.detected.ignored_columns, vec!["Adj Close"]);
    let c = only_series(&result);
    assert_eq!(row(c, 0), [ms("2020-01-02T00:00:00Z"), 74.06, 75.15, 73.80, 75.09, 135_480_400.0]);
}

#[test]
fn missing_volume_is_zero_and_said_so() {
    let result = import("no_volume.csv");
    assert_eq!(result.detected.columns.volume, None);
    assert_eq!(result.detected.ignored_columns, vec!["change %"]);
    assert_eq!(only_series(&result).volume, vec![0.0, 0.0]);
}

#[test]
fn one_series_per_symbol_in_order_of_first_appearance() {
    let result = import("multi_symbol.csv");
    assert_eq!(result.detected.columns.symbol.as_deref(), Some("Ticker"));
    let symbols: Vec<_> = result.series.iter().map(|s| s.symbol.as_deref().unwrap()).collect();
    assert_eq!(symbols, vec!["BBB", "AAA"]);
    let (bbb, aaa) = (&result.series[0].candles, &result.series[1].candles);
    assert_eq!((bbb.len(), aaa.len()), (3, 4));
    assert_eq!(row(bbb, 2), [ms("2020-01-06T00:00:00Z"), 22.0, 23.0, 21.0, 22.5, 202.0]);
    assert_eq!(row(aaa, 3), [ms("2020-01-07T00:00:00Z"), 13.0, 14.0, 12.0, 13.5, 103.0]);
    assert!(result.series.iter().all(|s| s.timeframe.as_deref() == Some("1d")));
}

#[test]
fn symbol_rows_are_validated_per_series() {
    // The same time in two symbols is fine; a duplicate within one symbol is not.
    let text = lines(&[
        "date,symbol,open,high,low,close",
        "2020-01-02,A,1,2,0.5,1.5",
        "2020-01-02,B,1,2,0.5,1.5",
        "2020-01-02,A,1,2,0.5,1.5",
        ",C,1,2,0.5,1.5",
        "2020-01-03,,1,2,0.5,1.5",
    ]);
    let result = import_str(&text, &skip()).unwrap();
    assert_eq!(result.series.len(), 2);
    let rejected: Vec<usize> = result.rejected.iter().map(|r| r.row).collect();
    assert_eq!(rejected, vec![4, 5, 6]);
    assert!(result.rejected[0].reason.contains("not after the previous candle's time"));
    assert_eq!(result.rejected[1].reason, "time is empty");
    assert_eq!(result.rejected[2].reason, "symbol is empty");
}

#[test]
fn bad_rows_fail_the_import_by_default_naming_each_row() {
    let message = failure("bad_rows.csv");
    assert!(message.starts_with("import failed: 9 of 12 data rows are invalid"), "{message}");
    for expected in [
        "row 3: open is not a finite number (NaN)",
        "row 4: high 9 is below max(open, close) 10.5",
        "row 5: volume -5 is negative",
        "row 7: time 1578355200000 is not after the previous candle's time 1578355200000",
        "row 9: open 'abc' is not a number",
        "row 10: time '2020-13-45' does not match YYYY-MM-DD",
        "row 11: has 4 fields, expected 6",
        "row 12: open 'null' is not a number; high 'null' is not a number",
        "row 13: volume is empty",
        "onInvalidRow 'skip'",
    ] {
        assert!(message.contains(expected), "missing {expected:?} in {message}");
    }
    assert!(!message.contains("row 8"), "a blank line is not a row: {message}");
}

#[test]
fn skip_imports_the_valid_rows_and_lists_every_rejected_one() {
    let result = import_csv_file(&fixture("bad_rows.csv"), &skip()).unwrap();
    let c = only_series(&result);
    let kept = ["2020-01-01", "2020-01-07", "2020-01-14"].map(|d| ms(&format!("{d}T00:00:00Z")));
    assert_eq!(c.time, kept.to_vec());
    let rows: Vec<usize> = result.rejected.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![3, 4, 5, 7, 9, 10, 11, 12, 13]);
    assert_eq!(
        result.rejected[3],
        RejectedRow {
            row: 7,
            reason: "time 1578355200000 is not after the previous candle's time 1578355200000 \
                     (2020-01-07T00:00:00Z vs previous 2020-01-07T00:00:00Z)"
                .into()
        }
    );
    c.validate().unwrap();
}

#[test]
fn the_error_lists_20_rows_then_counts_the_rest() {
    let mut text = String::from("time,open,high,low,close\n");
    for i in 0..25 {
        text.push_str(&format!("{},1,0.5,2,1\n", 1_600_000_000 + i * 60));
    }
    let message = import_str(&text, &ImportOptions::default()).unwrap_err().to_string();
    assert!(message.contains("25 of 25 data rows are invalid"), "{message}");
    assert!(message.contains("row 21: high 0.5 is below"), "{message}");
    assert!(!message.contains("row 22:"), "{message}");
    assert!(message.contains("; and 5 more."), "{message}");
    // With skip nothing survives, which is an error too, still naming the rows.
    let message = import_str(&text, &skip()).unwrap_err().to_string();
    assert!(message.contains("no valid rows: all 25 data rows were rejected: row 2:"), "{message}");
}

#[test]
fn one_far_off_date_rejects_only_that_row() {
    let text = lines(&[
        "date,open,high,low,close",
        "2020-01-01,1,2,0.5,1.5",
        "2020-01-02,1,2,0.5,1.5",
        "2092-01-03,1,2,0.5,1.5",
        "2020-01-06,1,2,0.5,1.5",
        "2020-01-07,1,2,0.5,1.5",
    ]);
    let result = import_str(&text, &skip()).unwrap();
    assert_eq!(only_series(&result).len(), 4);
    assert_eq!(result.rejected.len(), 1);
    assert_eq!(result.rejected[0].row, 4);
    assert!(result.rejected[0].reason.contains("not before the next candle's time"), "{}", result.rejected[0].reason);
}

#[test]
fn unsorted_rows_are_invalid_not_sorted() {
    let text = lines(&[
        "date,open,high,low,close",
        "2020-01-03,1,2,0.5,1.5",
        "2020-01-01,1,2,0.5,1.5",
        "2020-01-02,1,2,0.5,1.5",
        "2020-01-05,1,2,0.5,1.5",
    ]);
    let result = import_str(&text, &skip()).unwrap();
    assert!(!result.detected.newest_first);
    assert_eq!(only_series(&result).len(), 3);
    assert_eq!(result.rejected.iter().map(|r| r.row).collect::<Vec<_>>(), vec![2]);
}

#[test]
fn blank_lines_are_skipped_but_whitespace_lines_are_reported() {
    let text = "date,open,high,low,close\n\n2020-01-01,1,2,0.5,1.5\n\r\n2020-01-02,1,2,0.5,1.5\n   \n";
    let result = import_str(text, &skip()).unwrap();
    assert_eq!(only_series(&result).len(), 2);
    assert_eq!(result.rejected, vec![RejectedRow { row: 6, reason: "has 1 fields, expected 5".into() }]);
}

#[test]
fn trailing_delimiters_are_tolerated() {
    let text = "date,open,high,low,close,\n2020-01-01,1,2,0.5,1.5,\n2020-01-02,1,2,0.5,1.5\n";
    let result = import_str(text, &ImportOptions::default()).unwrap();
    assert_eq!(only_series(&result).len(), 2);
    assert!(result.detected.ignored_columns.is_empty());
}

#[test]
fn a_few_bad_times_in_the_sample_do_not_stop_detection() {
    let text = "date,open,high,low,close\nn/a,1,2,0.5,1.5\n2020-01-02,1,2,0.5,1.5\n2020-01-03,1,2,0.5,1.5\n";
    let result = import_str(text, &skip()).unwrap();
    assert_eq!(result.detected.time_format, "YYYY-MM-DD");
    assert_eq!(result.rejected[0], RejectedRow { row: 2, reason: "time 'n/a' does not match YYYY-MM-DD".into() });
}

#[test]
fn day_first_dates_are_detected_from_a_day_above_12() {
    let text = "Date;Open;High;Low;Close\n12/01/2020;1;2;0,5;1,5\n13/01/2020;1;2;0,5;1,5\n";
    let result = import_str(text, &ImportOptions::default()).unwrap();
    assert_eq!(result.detected.time_format, "DD/MM/YYYY");
    assert_eq!(only_series(&result).time, vec![ms("2020-01-12T00:00:00Z"), ms("2020-01-13T00:00:00Z")]);
}

#[test]
fn options_symbol_and_timeframe() {
    let opts = ImportOptions { symbol: Some("EURUSD".into()), timeframe: Some("4h".into()), ..Default::default() };
    let result = import_csv_file(&fixture("dukascopy_eurusd_1h.csv"), &opts).unwrap();
    assert_eq!(result.series[0].symbol.as_deref(), Some("EURUSD"));
    assert_eq!(result.series[0].timeframe.as_deref(), Some("4h"));
    // A symbol column wins over the option.
    let result = import_csv_file(&fixture("multi_symbol.csv"), &opts).unwrap();
    assert_eq!(result.series[0].symbol.as_deref(), Some("BBB"));
    let empty = ImportOptions { symbol: Some(" ".into()), ..Default::default() };
    assert_eq!(import_csv_file(&fixture("no_volume.csv"), &empty).unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn single_candle_has_no_timeframe() {
    let result = import_str("date,open,high,low,close\n2020-01-01,1,2,0.5,1.5\n", &ImportOptions::default()).unwrap();
    assert_eq!(result.series[0].timeframe, None);
}

#[test]
fn unusable_files_get_clear_messages() {
    assert!(failure("empty.csv").contains("the file is empty (0 bytes)"));
    assert!(failure("binary.csv").contains("looks binary, not CSV text (NUL byte at offset 5, line 1)"));
    assert!(failure("latin1.csv").contains("not valid UTF-8 text (byte 0xE9 at offset 64, line 3)"));
    let wrong = failure("wrong_columns.csv");
    assert!(wrong.contains("line 1 (delimiter ',') has columns [Date, Price, Quantity, Side]"), "{wrong}");
    assert!(wrong.contains("recognised time='Date', close='Price'; missing open, high, low"), "{wrong}");
    assert!(failure("header_only.csv").contains("has a header (line 1) but no data rows"));
    let time = failure("unparseable_time.csv");
    assert!(time.contains("cannot read the time column 'Date'"), "{time}");
    assert!(time.contains("(e.g. 'yesterday', 'today')"), "{time}");
    assert!(time.contains("Formats tried: YYYY-MM-DD, YYYY/MM/DD"), "{time}");
}

#[test]
fn missing_file_is_an_io_error_naming_the_path() {
    let err = import_csv_file(&fixture("does_not_exist.csv"), &ImportOptions::default()).unwrap_err();
    assert_eq!(err.code(), "IO_ERROR");
    assert!(err.to_string().contains("does_not_exist.csv"), "{err}");
}

#[test]
fn types_serialize_as_the_js_contract() {
    let opts: ImportOptions = serde_json::from_str(r#"{"onInvalidRow":"skip","symbol":"X"}"#).unwrap();
    assert_eq!(opts.on_invalid_row, OnInvalidRow::Skip);
    assert_eq!(serde_json::from_str::<ImportOptions>("{}").unwrap(), ImportOptions::default());
    assert!(serde_json::from_str::<ImportOptions>(r#"{"onInvalidRows":"skip"}"#).is_err());
    let json = serde_json::to_value(import("no_volume.csv")).unwrap();
    let detected = &json["detected"];
    for key in ["delimiter", "headerLine", "timeFormat", "columns", "newestFirst", "ignoredColumns", "bannerLines"] {
        assert!(detected.get(key).is_some(), "{key} in {detected}");
    }
    assert!(detected["columns"].get("volume").is_none(), "absent, not null: {detected}");
    assert!(json["series"][0].get("symbol").is_none());
    assert_eq!(json["series"][0]["timeframe"], "1d");
    assert!(json["series"][0]["candles"]["time"].is_array());
}

#[test]
fn kaggle_all_stocks_name_column_grouped_by_symbol() {
    let text = lines(&[
        "date,open,high,low,close,volume,Name",
        "2013-02-08,15.07,15.12,14.63,14.75,8407500,AAL",
        "2013-02-11,14.89,15.01,14.26,14.46,8882000,AAL",
        "2013-02-08,67.7142,68.4014,66.8928,67.8542,158168416,AAPL",
        "2013-02-11,68.0714,69.2771,67.6071,68.5614,129029425,AAPL",
    ]);
    let result = import_str(&text, &ImportOptions::default()).unwrap();
    assert_eq!(result.detected.columns.symbol.as_deref(), Some("Name"));
    let symbols: Vec<_> = result.series.iter().map(|s| s.symbol.clone().unwrap()).collect();
    assert_eq!(symbols, vec!["AAL", "AAPL"]);
    assert_eq!(result.series[1].candles.close, vec![67.8542, 68.5614]);
}

#[test]
fn dukascopy_local_time_with_gmt_offset_becomes_utc() {
    let text = lines(&[
        "Local time,Open,High,Low,Close,Volume",
        "02.01.2020 00:00:00.000 GMT+0100,1.1,1.2,1.0,1.15,10",
        "02.01.2020 01:00:00.000 GMT+0100,1.15,1.2,1.1,1.12,11",
    ]);
    let result = import_str(&text, &ImportOptions::default()).unwrap();
    assert_eq!(result.detected.time_format, "DD.MM.YYYY hh:mm:ss.fff GMT±hhmm");
    assert_eq!(only_series(&result).time, vec![ms("2020-01-01T23:00:00Z"), ms("2020-01-02T00:00:00Z")]);
}

#[test]
fn epoch_seconds_and_milliseconds_mixed_in_one_column() {
    let text = lines(&["unix,open,high,low,close", "1577836800,1,2,0.5,1.5", "1577840400000,1,2,0.5,1.5"]);
    let result = import_str(&text, &ImportOptions::default()).unwrap();
    assert_eq!(result.detected.time_format, "epoch-s/ms");
    assert_eq!(only_series(&result).time, vec![ms("2020-01-01T00:00:00Z"), ms("2020-01-01T01:00:00Z")]);
}

#[test]
fn old_mac_line_ends_and_utf16() {
    let result =
        import_str("date,open,high,low,close\r2020-01-01,1,2,0.5,1.5\r2020-01-02,1,2,0.5,1.5\r", &skip()).unwrap();
    assert_eq!(only_series(&result).len(), 2);
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("date".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    let err = import_csv(&utf16, &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("UTF-16"), "{err}");
}

#[test]
fn headerless_without_volume() {
    let result = import_str("2020-01-01;1;2;0,5;1,5\n2020-01-02;1;2;0,5;1,5\n", &ImportOptions::default()).unwrap();
    let d = &result.detected;
    assert_eq!((d.header_line, d.delimiter.as_str(), d.columns.volume.clone()), (0, ";", None));
    assert_eq!(only_series(&result).low, vec![0.5, 0.5]);
}

#[test]
fn a_price_column_next_to_close_is_ignored() {
    let text = lines(&["time,price,open,high,low,close", "2020-01-01,9,1,2,0.5,1.5"]);
    let result = import_str(&text, &ImportOptions::default()).unwrap();
    assert_eq!(result.detected.columns.close, "close");
    assert_eq!(result.detected.ignored_columns, vec!["price"]);
}

/// Label Studio's TimeSeries names its columns, separator and time format: the importer then
/// reads exactly those columns (names no recogniser would accept) with that pattern.
fn label_studio_options(sep: Option<&str>, time_format: Option<&str>) -> ImportOptions {
    ImportOptions {
        delimiter: sep.map(str::to_string),
        time_format: time_format.map(str::to_string),
        columns: Some(ColumnNames {
            time: "when".into(),
            open: "first".into(),
            high: "top".into(),
            low: "bottom".into(),
            close: "last trade".into(),
            volume: Some("qty".into()),
        }),
        ..Default::default()
    }
}

#[test]
fn explicit_columns_delimiter_and_time_format() {
    let text = lines(&[
        "when;first;top;bottom;last trade;qty;open",
        "02/01/2020 13:05;1,5;2;1;1,75;10;99",
        "03/01/2020 13:05;1,75;2,5;1,5;2;20;99",
    ]);
    let result = import_str(&text, &label_studio_options(Some(";"), Some("%d/%m/%Y %H:%M"))).unwrap();
    let c = only_series(&result);
    assert_eq!(row(c, 0), [ms("2020-01-02T13:05:00Z"), 1.5, 2.0, 1.0, 1.75, 10.0]);
    assert_eq!(row(c, 1)[0], ms("2020-01-03T13:05:00Z"));
    assert_eq!(result.detected.time_format, "%d/%m/%Y %H:%M");
    assert_eq!(result.detected.columns.close, "last trade");
    assert_eq!(result.detected.ignored_columns, vec!["open".to_string()]);
    // The same file detected: both orders read every date, and month first would put both
    // candles on a weekend (Feb 1 and Mar 1, 2020), so detection settles on day first too and
    // reports the ambiguity with the option that reads it the other way.
    let plain = text.replace("when;first;top;bottom;last trade;qty;open", "date;open;high;low;close;volume;x");
    let detected = import_str(&plain, &ImportOptions::default()).unwrap();
    assert_eq!(only_series(&detected).time[0], ms("2020-01-02T13:05:00Z"));
    assert_eq!(detected.detected.ambiguities.len(), 1);
    assert_eq!(detected.detected.ambiguities[0].switch_with.day_first, Some(false));
}

#[test]
fn explicit_options_fail_clearly() {
    let text = lines(&["when,first,top,bottom,last trade,qty", "2020-01-02,1,2,1,1.5,3"]);
    let wrong_sep = import_str(&text, &label_studio_options(Some(";"), None)).unwrap_err();
    assert_eq!(wrong_sep.code(), "IMPORT_FAILED");
    assert!(wrong_sep.to_string().contains("names the columns time='when'"), "{wrong_sep}");
    assert!(wrong_sep.to_string().contains("delimiter ';'"), "{wrong_sep}");
    let wrong_format = import_str(&text, &label_studio_options(Some(","), Some("%d.%m.%Y"))).unwrap_err();
    assert!(wrong_format.to_string().contains("does not match the time format '%d.%m.%Y'"), "{wrong_format}");
    let bad_pattern = import_str(&text, &label_studio_options(None, Some("%Y-%K"))).unwrap_err();
    assert_eq!(bad_pattern.code(), "INVALID_ARGUMENT");
    let bad_sep = import_str(&text, &label_studio_options(Some(",,"), None)).unwrap_err();
    assert_eq!(bad_sep.code(), "INVALID_ARGUMENT");
    // Without a time format the named time column is detected as usual; epoch ms via %Q too.
    let ok = import_str(&text, &label_studio_options(None, None)).unwrap();
    assert_eq!(only_series(&ok).time[0], ms("2020-01-02T00:00:00Z"));
    let epoch = lines(&["when,first,top,bottom,last trade,qty", "1577923200000,1,2,1,1.5,3"]);
    let ok = import_str(&epoch, &label_studio_options(None, Some("%Q"))).unwrap();
    assert_eq!(only_series(&ok).time[0], ms("2020-01-02T00:00:00Z"));
}
