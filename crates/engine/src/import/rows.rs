//! The data rows: a sample to detect the time format and number style, then one streaming pass
//! that parses every row into per-symbol columns or into a rejected row with its reasons.
use super::layout::Layout;
use super::number::{self, NumberStyle};
use super::time::{self, TimeParser};
use super::RejectedRow;
use crate::candles::Candles;
use crate::error::{EngineError, Result};
use std::collections::HashMap;

/// Rows read to detect the time format and number style.
const SAMPLE_ROWS: usize = 1000;

/// How to read each row, decided from the header and the sample.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub time: TimeParser,
    pub time_description: String,
    pub time_column: usize,
    /// The clock-time column when date and time are split (MetaTrader).
    pub clock_column: Option<usize>,
    pub open: usize,
    pub high: usize,
    pub low: usize,
    pub close: usize,
    pub volume: Option<usize>,
    pub symbol: Option<usize>,
    pub number_style: NumberStyle,
    /// Fields per row (the header's count, or the first data line's).
    pub field_count: usize,
    /// The header's last name is empty (a trailing delimiter on the header line).
    pub header_ends_empty: bool,
}

/// One symbol's rows in file order, before ordering and validation.
#[derive(Debug, Default)]
pub(super) struct RawSeries {
    pub symbol: Option<String>,
    pub candles: Candles,
    /// 1-based file line of each candle.
    pub lines: Vec<usize>,
}

/// A CSV reader over the table (header included, if any), with the rules used for every row.
fn table_reader<'a>(text: &'a str, layout: &Layout) -> csv::Reader<&'a [u8]> {
    csv::ReaderBuilder::new()
        .delimiter(layout.delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(&text.as_bytes()[layout.table_offset..])
}

fn csv_error(e: csv::Error) -> EngineError {
    EngineError::ImportFailed(format!("could not read the CSV: {e}"))
}

/// Up to `SAMPLE_ROWS` data rows (blank lines are skipped by the reader).
pub(super) fn sample(text: &str, layout: &Layout) -> Result<Vec<csv::StringRecord>> {
    let mut reader = table_reader(text, layout);
    let skip = usize::from(layout.has_header());
    let mut rows = Vec::new();
    for record in reader.records().skip(skip).take(SAMPLE_ROWS) {
        rows.push(record.map_err(csv_error)?);
    }
    Ok(rows)
}

/// Chooses the time column(s) and format and the number style from the sampled rows.
pub(super) fn plan(layout: &Layout, sample: &[csv::StringRecord]) -> Result<Plan> {
    if sample.is_empty() {
        return Err(EngineError::ImportFailed(format!(
            "the file has a header (line {}) but no data rows",
            layout.header_line
        )));
    }
    let roles = &layout.roles;
    let (time_column, clock_column, detected) = choose_time_source(layout, sample)?;
    let (open, high, low, close) = match (roles.open, roles.high, roles.low, roles.close) {
        (Some(o), Some(h), Some(l), Some(c)) => (o, h, l, c),
        _ => return Err(EngineError::Internal("layout without open/high/low/close".into())),
    };
    let numeric_columns = [Some(open), Some(high), Some(low), Some(close), roles.volume];
    let numeric_values =
        sample.iter().flat_map(|row| numeric_columns.iter().flatten().filter_map(move |&i| row.get(i)));
    Ok(Plan {
        time: detected.parser,
        time_description: detected.description,
        time_column,
        clock_column,
        open,
        high,
        low,
        close,
        volume: roles.volume,
        symbol: roles.symbol,
        number_style: number::detect_style(numeric_values),
        field_count: layout.names.len(),
        header_ends_empty: layout.has_header() && layout.names.last().is_some_and(|n| n.is_empty()),
    })
}

/// Candidates in order: a `Date` + `Time` pair when most `Time` values are clock times (`13:00`,
/// or Finam's `130000`: the header already says it is a time), then each
/// time-like column in header order. The first candidate whose format parses every sampled value
/// wins; failing that, the first that parses most of them (the rest become invalid rows).
fn choose_time_source(
    layout: &Layout,
    sample: &[csv::StringRecord],
) -> Result<(usize, Option<usize>, time::DetectedTime)> {
    let mut candidates: Vec<(usize, Option<usize>)> = Vec::new();
    if let Some((date, clock)) = layout.roles.split {
        let clocks: Vec<&str> = sample.iter().filter_map(|r| r.get(clock)).filter(|v| !v.is_empty()).collect();
        if clocks.iter().filter(|v| time::is_clock(v)).count() * 2 > clocks.len() {
            candidates.push((date, Some(clock)));
        }
    }
    candidates.extend(layout.roles.time.iter().map(|&i| (i, None)));

    let mut partial = None;
    for &(column, clock) in &candidates {
        let values: Vec<(&str, Option<&str>)> = sample
            .iter()
            .filter_map(|r| Some((r.get(column)?, clock.map(|c| r.get(c).unwrap_or("")))))
            .filter(|(v, _)| !v.is_empty())
            .collect();
        let Some(detected) = time::detect(&values, clock.is_some()) else { continue };
        if detected.parsed == values.len() {
            return Ok((column, clock, detected));
        }
        partial.get_or_insert((column, clock, detected));
    }
    partial.ok_or_else(|| unreadable_time_error(layout, sample))
}

fn unreadable_time_error(layout: &Layout, sample: &[csv::StringRecord]) -> EngineError {
    let columns: Vec<String> = layout.roles.time.iter().map(|&i| format!("'{}'", layout.names[i])).collect();
    let first = layout.roles.time[0];
    let examples: Vec<String> = sample
        .iter()
        .filter_map(|r| r.get(first))
        .filter(|v| !v.is_empty())
        .take(3)
        .map(|v| format!("'{v}'"))
        .collect();
    let examples = if examples.is_empty() { "none: the column is empty".into() } else { examples.join(", ") };
    EngineError::ImportFailed(format!(
        "cannot read the time column {}: no known format parses most of the first {} values \
         (e.g. {examples}). Formats tried: {}",
        columns.join(" / "),
        sample.len(),
        time::tried_formats()
    ))
}

/// Every data row, parsed into per-symbol series (in order of first appearance) or rejected with
/// its line number and every problem found in it.
pub(super) fn read_rows(
    text: &str,
    layout: &Layout,
    plan: &Plan,
    default_symbol: Option<&str>,
    rejected: &mut Vec<RejectedRow>,
) -> Result<Vec<RawSeries>> {
    let table = &text.as_bytes()[layout.table_offset..];
    let mut reader = table_reader(text, layout);
    let mut record = csv::StringRecord::new();
    if layout.has_header() {
        reader.read_record(&mut record).map_err(csv_error)?;
    }
    let mut router = SeriesRouter::new(default_symbol);
    let mut problems: Vec<String> = Vec::new();
    while reader.read_record(&mut record).map_err(csv_error)? {
        let line = record_line(&record, table) + layout.table_line - 1;
        problems.clear();
        match parse_row(&record, plan, &mut problems) {
            Some([t, o, h, l, c, v]) => {
                let series = router.series_for(plan.symbol.map(|i| record.get(i).unwrap_or("")));
                series.candles.push(t, o, h, l, c, v);
                series.lines.push(line);
            }
            None => rejected.push(RejectedRow { row: line, reason: problems.join("; ") }),
        }
    }
    Ok(router.series)
}

/// The 1-based line (within the table) where the record's text starts. The reader's position
/// points at any blank lines it skipped before the record, so those are counted past here.
fn record_line(record: &csv::StringRecord, table: &[u8]) -> usize {
    let Some(position) = record.position() else { return 0 };
    let start = (position.byte() as usize).min(table.len());
    let blank_lines = table[start..].iter().take_while(|&&b| b == b'\n' || b == b'\r').filter(|&&b| b == b'\n').count();
    position.line() as usize + blank_lines
}

/// `[time, open, high, low, close, volume]`, or `None` with every reason in `problems`.
fn parse_row(record: &csv::StringRecord, plan: &Plan, problems: &mut Vec<String>) -> Option<[f64; 6]> {
    if !field_count_ok(record, plan) {
        problems.push(format!("has {} fields, expected {}", record.len(), plan.field_count));
        return None;
    }
    let field = |i: usize| record.get(i).unwrap_or("");
    let time_value = field(plan.time_column);
    let clock_value = plan.clock_column.map(field);
    let time = plan.time.parse(time_value, clock_value);
    if time.is_none() {
        problems.push(describe_bad_time(time_value, clock_value, &plan.time_description));
    }
    let mut number = |name: &str, column: Option<usize>| -> Option<f64> {
        let Some(column) = column else { return Some(0.0) };
        let value = field(column);
        let parsed = number::parse_number(value, plan.number_style);
        if parsed.is_none() {
            problems.push(if value.is_empty() {
                format!("{name} is empty")
            } else {
                format!("{name} '{value}' is not a number")
            });
        }
        parsed
    };
    let values = [
        time,
        number("open", Some(plan.open)),
        number("high", Some(plan.high)),
        number("low", Some(plan.low)),
        number("close", Some(plan.close)),
        number("volume", plan.volume),
    ];
    if plan.symbol.is_some_and(|i| field(i).is_empty()) {
        problems.push("symbol is empty".into());
    }
    if !problems.is_empty() {
        return None;
    }
    Some(values.map(|v| v.unwrap_or(f64::NAN)))
}

/// The header's field count; one more when the extra trailing field is empty (a trailing
/// delimiter on data lines only); one fewer when the header alone ends with a delimiter.
fn field_count_ok(record: &csv::StringRecord, plan: &Plan) -> bool {
    let len = record.len();
    len == plan.field_count
        || (len == plan.field_count + 1 && record.get(len - 1) == Some(""))
        || (len + 1 == plan.field_count && plan.header_ends_empty)
}

fn describe_bad_time(value: &str, clock: Option<&str>, format: &str) -> String {
    match clock {
        Some(clock) => format!("date/time '{value}' '{clock}' does not match {format}"),
        None if value.is_empty() => "time is empty".into(),
        None => format!("time '{value}' does not match {format}"),
    }
}

/// Finds or creates the series for a row's symbol without allocating for repeated symbols.
struct SeriesRouter {
    series: Vec<RawSeries>,
    index: HashMap<String, usize>,
    last: usize,
    default_symbol: Option<String>,
}

impl SeriesRouter {
    fn new(default_symbol: Option<&str>) -> Self {
        SeriesRouter {
            series: Vec::new(),
            index: HashMap::new(),
            last: 0,
            default_symbol: default_symbol.map(str::to_string),
        }
    }

    fn series_for(&mut self, symbol: Option<&str>) -> &mut RawSeries {
        let Some(symbol) = symbol else {
            if self.series.is_empty() {
                self.series.push(RawSeries { symbol: self.default_symbol.clone(), ..Default::default() });
            }
            return &mut self.series[0];
        };
        let same_as_last = self.series.get(self.last).is_some_and(|s| s.symbol.as_deref() == Some(symbol));
        if !same_as_last {
            self.last = match self.index.get(symbol) {
                Some(&i) => i,
                None => {
                    self.series.push(RawSeries { symbol: Some(symbol.to_string()), ..Default::default() });
                    self.index.insert(symbol.to_string(), self.series.len() - 1);
                    self.series.len() - 1
                }
            };
        }
        &mut self.series[self.last]
    }
}
