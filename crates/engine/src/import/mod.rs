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
mod pattern;
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum OnInvalidRow {
    /// Any bad row fails the whole import with `ImportFailed` naming the rows.
    #[default]
    Fail,
    /// Import the valid rows and list every bad one in `ImportResult::rejected`.
    Skip,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[ts(optional_fields)]
pub struct ImportOptions {
    #[ts(optional, as = "Option<OnInvalidRow>")]
    pub on_invalid_row: OnInvalidRow,
    /// The symbol of the series when the file has no symbol column (ignored when it has one).
    pub symbol: Option<String>,
    /// Overrides the inferred timeframe of every series (`1m`, `4h`, `1d`, `1w`, `1M`, …).
    pub timeframe: Option<String>,
    /// The field delimiter, when the caller knows it (Label Studio's `sep`): one ASCII character.
    /// Default: detected (`,` `;` tab `|`).
    pub delimiter: Option<String>,
    /// The header names of the columns to read (Label Studio's `timeColumn` and `<Channel>`s)
    /// instead of recognising them by name. The file then has one series (no symbol column).
    pub columns: Option<ColumnNames>,
    /// The time column's format instead of detecting it: a strftime / d3-time-format pattern (any
    /// value with a `%`; Label Studio's `timeFormat`, e.g. `%Y-%m-%d %H:%M:%S`, `%Q` epoch ms, `%s`
    /// epoch seconds; values without a zone are UTC), or a named date pattern (`DD/MM/YYYY`,
    /// `YYYY-MM-DD`, …; a clock time and zone after the date are still read), `epoch`, `epoch-s`,
    /// `epoch-ms`, `epoch-us`, `epoch-ns` or `excel`.
    pub time_format: Option<String>,
    /// Dates whose order is open (`01/02/2020`) are day first (`true`) or month first (`false`).
    pub day_first: Option<bool>,
    /// The decimal mark, `.` or `,`, instead of detecting it.
    pub decimal: Option<String>,
    /// The thousands separator, `,`, `.`, ` `, `'` or `` (none), instead of detecting it.
    pub thousands: Option<String>,
}

/// Explicit header names (`ImportOptions::columns`). A name matches a header cell exactly, else
/// with case, spaces and punctuation ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct ColumnNames {
    pub time: String,
    pub open: String,
    pub high: String,
    pub low: String,
    pub close: String,
    /// Absent: a volume column is recognised by name as usual (none = every volume 0).
    #[serde(default)]
    pub volume: Option<String>,
}

/// A reading of the file the importer had to choose between, reported with what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ImportAmbiguity")]
pub struct Ambiguity {
    /// `dateOrder` or `decimalMark`.
    pub kind: String,
    /// A value that reads both ways: `01/02/2020`, `141,012`.
    pub example: String,
    /// The reading used: `DD/MM/YYYY`, `decimal ',', thousands '.'`.
    pub chosen: String,
    /// The other reading.
    pub alternative: String,
    /// Why the chosen reading was used, with the figures that decided it.
    pub evidence: String,
    /// The import options that read the file the other way: `{"dayFirst": false}`.
    pub switch_with: ImportOptionsPatch,
}

/// Import options that select a reading (part of an [`Ambiguity`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct ImportOptionsPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_first: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thousands: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DetectedColumns {
    pub time: String,
    pub open: String,
    pub high: String,
    pub low: String,
    pub close: String,
    /// Absent: the file has no volume column and every volume is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub volume: Option<String>,
    /// Absent: the file has no symbol column.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub symbol: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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
    /// The decimal mark numbers were read with.
    pub decimal: String,
    /// The thousands separator numbers were read with (`None`: none).
    pub thousands: Option<String>,
    /// Readings the importer chose between (date order, decimal mark), with the evidence and
    /// the options that switch to the other reading. Empty when the file reads only one way.
    pub ambiguities: Vec<Ambiguity>,
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
    let choices = check_options(opts)?;
    let text = decode::decode_text(bytes)?;
    let layout = layout::find_layout(&text, choices.delimiter, opts.columns.as_ref())?;
    let sample = rows::sample(&text, &layout)?;
    let plan = rows::plan(&text, &layout, &sample, &choices)?;
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
    let bytes = crate::files::read(path, crate::files::CSV)?;
    import_csv(&bytes, opts)
}

/// What the options fix in advance (the rest is detected).
#[derive(Debug, Clone, Default)]
struct Choices {
    /// The field delimiter (`delimiter`).
    delimiter: Option<u8>,
    /// A strftime-style `timeFormat` and its text: it alone reads the (one) time column.
    time_pattern: Option<(pattern::TimePattern, String)>,
    /// A named `timeFormat` and `dayFirst`: they narrow detection.
    time: time::Allowed,
    number_style: Option<number::NumberStyle>,
}

fn check_options(opts: &ImportOptions) -> Result<Choices> {
    let bad = |m: String| Err(EngineError::InvalidArgument(m));
    for (name, value) in [("symbol", &opts.symbol), ("timeframe", &opts.timeframe), ("timeFormat", &opts.time_format)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return bad(format!("import option '{name}' is empty"));
        }
    }
    let delimiter = match opts.delimiter.as_deref() {
        None => None,
        Some("\\t") => Some(b'\t'),
        Some(d) if d.len() == 1 && d.is_ascii() && !matches!(d, "\"" | "\n" | "\r") => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(EngineError::InvalidArgument(format!(
                "import option 'delimiter' must be one ASCII character other than a quote or a line end, not '{d}'"
            )))
        }
    };
    if let Some(columns) = &opts.columns {
        let named = [
            ("time", Some(&columns.time)),
            ("open", Some(&columns.open)),
            ("high", Some(&columns.high)),
            ("low", Some(&columns.low)),
            ("close", Some(&columns.close)),
            ("volume", columns.volume.as_ref()),
        ];
        for (role, name) in named {
            if name.is_some_and(|n| n.trim().is_empty()) {
                return Err(EngineError::InvalidArgument(format!("import option 'columns.{role}' is empty")));
            }
        }
    }
    if let Some(tf) = &opts.timeframe {
        if !is_timeframe_name(tf) {
            return bad(format!(
                "import option timeframe '{tf}' is not a timeframe: a count and a unit, like 1m, 15m, 4h, 1d, 1w, 1M or 1y"
            ));
        }
    }
    // A `%` makes it a strftime pattern (Label Studio's convention); anything else is a named format.
    let (time_pattern, format) = match &opts.time_format {
        None => (None, None),
        Some(p) if p.contains('%') => (Some((pattern::TimePattern::compile(p)?, p.trim().to_string())), None),
        Some(name) => (
            None,
            Some(time::format_option(name).ok_or_else(|| {
                EngineError::InvalidArgument(format!(
                    "import option timeFormat '{name}' is neither a strftime pattern (with %) nor one of: {}",
                    time::format_option_names()
                ))
            })?),
        ),
    };
    if time_pattern.is_some() && opts.day_first.is_some() {
        return bad(
            "import options timeFormat (a strftime pattern) and dayFirst both fix the date order: give one".into()
        );
    }
    if let (Some(f), Some(day_first)) = (format, opts.day_first) {
        if f.day_first().is_some_and(|d| d != day_first) {
            return bad(format!("import options timeFormat '{}' and dayFirst {day_first} disagree", f.pattern()));
        }
    }
    let mark = |name: &str, value: &Option<String>, allowed: &[&str]| -> Result<Option<Option<u8>>> {
        match value.as_deref() {
            None => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v.bytes().next())),
            Some(v) => Err(EngineError::InvalidArgument(format!(
                "import option {name} '{v}' is not one of {}",
                allowed.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(", ")
            ))),
        }
    };
    let decimal = mark("decimal", &opts.decimal, &[".", ","])?.map(|d| d.expect("one byte"));
    let thousands = mark("thousands", &opts.thousands, &[",", ".", " ", "'", ""])?;
    let number_style = match (decimal, thousands) {
        (None, None) => None,
        (Some(d), Some(g)) if g == Some(d) => {
            return bad("import options decimal and thousands are the same character".into());
        }
        (Some(d), Some(g)) => Some(number::NumberStyle { decimal: d, group: g }),
        // One given: the other is the usual partner (`,` with `.`), or none.
        (Some(b','), None) => Some(number::NumberStyle::DECIMAL_COMMA),
        (Some(_), None) => Some(number::NumberStyle::COMMA_THOUSANDS),
        (None, Some(g)) if g == Some(b',') || g.is_none() => Some(number::NumberStyle { decimal: b'.', group: g }),
        (None, Some(g)) => Some(number::NumberStyle { decimal: b',', group: g }),
    };
    Ok(Choices { delimiter, time_pattern, time: time::Allowed { format, day_first: opts.day_first }, number_style })
}

/// `1m`, `15m`, `4h`, `1d`, `1w`, `1M`, `1y`, `30s`: a positive count and a unit.
fn is_timeframe_name(name: &str) -> bool {
    let Some(unit) = name.chars().last() else { return false };
    let count = &name[..name.len() - unit.len_utf8()];
    let unit = unit.to_string();
    !count.is_empty()
        && count.bytes().all(|b| b.is_ascii_digit())
        && !count.starts_with('0')
        && count.len() <= 6
        && ["s", "m", "h", "d", "w", "M", "y"].contains(&unit.as_str())
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
        decimal: (plan.number_style.decimal as char).to_string(),
        thousands: plan.number_style.group.map(|g| (g as char).to_string()),
        ambiguities: plan.ambiguities.clone(),
    }
}
