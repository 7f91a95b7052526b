//! OHLCV CSV import: detects the layout (banner lines, header, delimiter, columns), the time
//! format and the number style from the file itself, parses every row, orders each series oldest
//! first and validates it with the same rules as `Candles::validate`. Bad rows fail the import or,
//! on request, are skipped and listed; nothing is dropped or repaired silently. The rules are
//! documented in `docs/import.md`.
mod decode;
mod header;
mod layout;
mod number;
mod order;
mod rows;
mod time;
mod timeframe;

pub use timeframe::{infer_timeframe, timeframe_name};

use crate::candles::Candles;
use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How many rejected rows an `ImportFailed` message lists before "and N more".
pub const MAX_LISTED_ROWS: usize = 20;

/// What to do with rows that cannot be parsed or break the candle rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnInvalidRow {
    /// Any bad row fails the whole import with `ImportFailed` naming the rows.
    #[default]
    Fail,
    /// Import the valid rows and list every bad one in `ImportResult::rejected`.
    Skip,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ImportOptions {
    pub on_invalid_row: OnInvalidRow,
    /// The symbol of the series when the file has no symbol column (ignored when it has one).
    pub symbol: Option<String>,
    /// Overrides the inferred timeframe of every series.
    pub timeframe: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedSeries {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// `opts.timeframe`, else inferred (`1m` … `1d`, `1w`, `1M`, or e.g. `17m`); none when it
    /// cannot be inferred (fewer than two candles, or gaps that are not whole seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeframe: Option<String>,
    pub candles: Candles,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    /// 1-based physical line number in the file (banner lines and the header counted).
    pub row: usize,
    pub reason: String,
}

/// Which header name fills each role (`column N` for a file without a header; `Date + Time` for
/// split date and time columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectedColumns {
    pub time: String,
    pub open: String,
    pub high: String,
    pub low: String,
    pub close: String,
    /// `None`: the file has no volume column and every volume is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportDetected {
    /// `,`, `;`, `\t` or `|`.
    pub delimiter: String,
    /// 1-based line of the header; 0 when the file has no header.
    pub header_line: usize,
    /// E.g. `YYYY-MM-DD`, `MM/DD/YYYY`, `DD.MM.YYYY hh:mm:ss.fff`, `epoch-ms`, `YYYY.MM.DD + hh:mm`.
    pub time_format: String,
    pub columns: DetectedColumns,
    /// The rows were newest first and have been reversed.
    pub newest_first: bool,
    /// Header names of the columns not used (e.g. `Adj Close`, a second volume column).
    pub ignored_columns: Vec<String>,
    /// Lines above the header (or above the first data line of a file without a header).
    pub banner_lines: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    /// One series per symbol, in order of first appearance in the file.
    pub series: Vec<ImportedSeries>,
    /// Every rejected row, by line number (always empty with `OnInvalidRow::Fail`).
    pub rejected: Vec<RejectedRow>,
    pub detected: ImportDetected,
}

/// Imports OHLCV candles from CSV bytes. See `docs/import.md` for the accepted shapes and rules.
pub fn import_csv(bytes: &[u8], opts: &ImportOptions) -> Result<ImportResult> {
    check_options(opts)?;
    let text = decode::decode_text(bytes)?;
    let layout = layout::find_layout(&text)?;
    let sample = rows::sample(&text, &layout)?;
    let plan = rows::plan(&layout, &sample)?;
    drop(sample);

    let mut rejected = Vec::new();
    let raw = rows::read_rows(&text, &layout, &plan, opts.symbol.as_deref(), &mut rejected)?;
    let data_rows = rejected.len() + raw.iter().map(|s| s.candles.len()).sum::<usize>();
    let newest_first = order::is_newest_first(&raw);
    let mut series = Vec::with_capacity(raw.len());
    for s in raw {
        let symbol = s.symbol.clone();
        let candles = order::valid_candles(s, newest_first, &mut rejected);
        if !candles.is_empty() {
            let timeframe = opts.timeframe.clone().or_else(|| infer_timeframe(&candles.time));
            series.push(ImportedSeries { symbol, timeframe, candles });
        }
    }
    rejected.sort_by_key(|r| r.row);

    if data_rows == 0 {
        return Err(EngineError::ImportFailed(format!("no data rows after the header (line {})", layout.header_line)));
    }
    if opts.on_invalid_row == OnInvalidRow::Fail && !rejected.is_empty() {
        return Err(invalid_rows_error(&rejected, data_rows));
    }
    if series.is_empty() {
        return Err(EngineError::ImportFailed(format!(
            "no valid rows: all {data_rows} data rows were rejected: {}",
            list_rows(&rejected)
        )));
    }
    let detected = describe_detection(&layout, &plan, newest_first);
    Ok(ImportResult { series, rejected, detected })
}

/// `import_csv` on a file's contents; I/O errors are `EngineError::Io` naming the path.
pub fn import_csv_file(path: &Path, opts: &ImportOptions) -> Result<ImportResult> {
    let bytes = std::fs::read(path).map_err(|e| EngineError::io_path("read CSV", path, e))?;
    import_csv(&bytes, opts)
}

fn check_options(opts: &ImportOptions) -> Result<()> {
    for (name, value) in [("symbol", &opts.symbol), ("timeframe", &opts.timeframe)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(EngineError::InvalidArgument(format!("import option '{name}' is empty")));
        }
    }
    Ok(())
}

fn invalid_rows_error(rejected: &[RejectedRow], data_rows: usize) -> EngineError {
    EngineError::ImportFailed(format!(
        "{} of {data_rows} data rows are invalid, so nothing was imported: {}. Fix those rows, or \
         import with onInvalidRow 'skip' to import the valid rows and list the rejected ones",
        rejected.len(),
        list_rows(rejected)
    ))
}

/// `row 5: reason; row 9: reason; … and N more`.
fn list_rows(rejected: &[RejectedRow]) -> String {
    let listed: Vec<String> =
        rejected.iter().take(MAX_LISTED_ROWS).map(|r| format!("row {}: {}", r.row, r.reason)).collect();
    let mut text = listed.join("; ");
    if rejected.len() > MAX_LISTED_ROWS {
        text.push_str(&format!("; and {} more", rejected.len() - MAX_LISTED_ROWS));
    }
    text
}

fn describe_detection(layout: &layout::Layout, plan: &rows::Plan, newest_first: bool) -> ImportDetected {
    let name = |i: usize| layout.names[i].clone();
    let time = match plan.clock_column {
        Some(clock) => format!("{} + {}", name(plan.time_column), name(clock)),
        None => name(plan.time_column),
    };
    let used = [
        Some(plan.time_column),
        plan.clock_column,
        Some(plan.open),
        Some(plan.high),
        Some(plan.low),
        Some(plan.close),
        plan.volume,
        plan.symbol,
    ];
    let ignored_columns = (0..layout.names.len())
        .filter(|i| !used.contains(&Some(*i)) && !layout.names[*i].is_empty())
        .map(name)
        .collect();
    ImportDetected {
        delimiter: (layout.delimiter as char).to_string(),
        header_line: layout.header_line,
        time_format: plan.time_description.clone(),
        columns: DetectedColumns {
            time,
            open: name(plan.open),
            high: name(plan.high),
            low: name(plan.low),
            close: name(plan.close),
            volume: plan.volume.map(name),
            symbol: plan.symbol.map(name),
        },
        newest_first,
        ignored_columns,
        banner_lines: layout.banner_lines,
    }
}
