//! The data rows: a sample to detect the time format and number style, then one streaming pass
//! that parses every row into per-symbol columns or into a rejected row with its reasons.
use super::layout::Layout;
use super::number::{self, NumberStyle};
use super::pattern::TimePattern;
use super::time::{self, TimeFormat, TimeParser};
use super::{Ambiguity, Choices, ImportOptionsPatch, RejectedRow};
use crate::candles::Candles;
use crate::error::{EngineError, Result};
use rayon::prelude::*;
use std::collections::HashMap;

/// Rows read to detect the time format and number style.
const SAMPLE_ROWS: usize = 1000;

/// How the time column is read: the detected format, or the caller's pattern.
#[derive(Debug, Clone)]
pub(super) enum TimeReader {
    Detected(TimeParser),
    Pattern(TimePattern),
}

impl TimeReader {
    fn parse(&self, value: &str, clock: Option<&str>) -> Option<f64> {
        match self {
            TimeReader::Detected(parser) => parser.parse(value, clock),
            TimeReader::Pattern(pattern) => pattern.parse(value),
        }
    }
}

/// How to read each row, decided from the header and the sample.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub time: TimeReader,
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
    /// Readings chosen between (date order, decimal mark), for `detected.ambiguities`.
    pub ambiguities: Vec<Ambiguity>,
}

/// One symbol's rows in file order, before ordering and validation.
#[derive(Debug, Default)]
pub(super) struct RawSeries {
    pub symbol: Option<String>,
    pub candles: Candles,
    /// 1-based file line of each candle.
    pub lines: Vec<usize>,
}

impl RawSeries {
    /// `later`'s rows after this series' rows.
    fn append(&mut self, later: &RawSeries) {
        self.candles.extend_from(&later.candles);
        self.lines.extend_from_slice(&later.lines);
    }
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

/// Chooses the time column(s) and format and the number style from the sampled rows (and,
/// where the sample reads two ways, from the whole file's time column). A strftime-style time
/// pattern reads the (one) time column; it must parse more than half of the sampled values.
pub(super) fn plan(text: &str, layout: &Layout, sample: &[csv::StringRecord], choices: &Choices) -> Result<Plan> {
    if sample.is_empty() {
        return Err(EngineError::ImportFailed(format!(
            "the file has a header (line {}) but no data rows",
            layout.header_line
        )));
    }
    let roles = &layout.roles;
    let mut ambiguities = Vec::new();
    let (time_column, clock_column, time, time_description) = match &choices.time_pattern {
        Some((pattern, pattern_text)) => {
            let column = *roles.time.first().ok_or_else(|| EngineError::Internal("layout without time".into()))?;
            check_pattern(layout, sample, column, pattern, pattern_text)?;
            (column, None, TimeReader::Pattern(pattern.clone()), pattern_text.clone())
        }
        None => {
            let (column, clock, detected) = choose_time_source(text, layout, sample, choices, &mut ambiguities)?;
            (column, clock, TimeReader::Detected(detected.parser), detected.description)
        }
    };
    let (open, high, low, close) = match (roles.open, roles.high, roles.low, roles.close) {
        (Some(o), Some(h), Some(l), Some(c)) => (o, h, l, c),
        _ => return Err(EngineError::Internal("layout without open/high/low/close".into())),
    };
    let ohlc = [open, high, low, close];
    let number_style = match choices.number_style {
        Some(style) => style,
        None => choose_number_style(layout, sample, ohlc, roles.volume, &mut ambiguities),
    };
    Ok(Plan {
        time,
        time_description,
        time_column,
        clock_column,
        open,
        high,
        low,
        close,
        volume: roles.volume,
        symbol: roles.symbol,
        number_style,
        field_count: layout.names.len(),
        header_ends_empty: layout.has_header() && layout.names.last().is_some_and(|n| n.is_empty()),
        ambiguities,
    })
}

/// The number style of the sampled values. When they read both ways (`141,012` with no other
/// clue), the reading under which more rows keep low <= open, close <= high wins; failing that,
/// the delimiter decides: a `;`, tab or `|` file is an export that writes decimal commas, a
/// comma-separated file can only carry `141,012` quoted, as a grouped number.
fn choose_number_style(
    layout: &Layout,
    sample: &[csv::StringRecord],
    ohlc: [usize; 4],
    volume: Option<usize>,
    ambiguities: &mut Vec<Ambiguity>,
) -> NumberStyle {
    let columns: Vec<usize> = ohlc.iter().copied().chain(volume).collect();
    let values = || sample.iter().flat_map(|row| columns.iter().filter_map(move |&i| row.get(i)));
    let evidence = number::detect_style(values());
    if !evidence.ambiguous {
        return evidence.style;
    }
    let example = values().find(|v| v.contains(',')).unwrap_or_default().to_string();
    let broken = |style: NumberStyle| {
        sample
            .iter()
            .filter(|row| {
                let v: Vec<Option<f64>> =
                    ohlc.iter().map(|&i| row.get(i).and_then(|x| number::parse_number(x, style))).collect();
                match v[..] {
                    [Some(o), Some(h), Some(l), Some(c)] => l > o.min(c) || h < o.max(c),
                    _ => true,
                }
            })
            .count()
    };
    let (thousands, decimal) = (NumberStyle::COMMA_THOUSANDS, NumberStyle::DECIMAL_COMMA);
    let (broken_thousands, broken_decimal) = (broken(thousands), broken(decimal));
    let delimiter = layout.delimiter as char;
    let (chosen, reason) = if broken_thousands != broken_decimal {
        let chosen = if broken_decimal < broken_thousands { decimal } else { thousands };
        let reason = format!(
            "read with a thousands comma, {broken_thousands} of the first {} rows break low <= open, close <= high; \
             with a decimal comma, {broken_decimal}",
            sample.len()
        );
        (chosen, reason)
    } else if delimiter == ',' {
        (thousands, "the file is comma-separated, so a comma inside a (quoted) number groups thousands".to_string())
    } else {
        let name = if delimiter == '\t' { "tab".to_string() } else { format!("'{delimiter}'") };
        (decimal, format!("the file is {name}-separated, as exports that write decimal commas are"))
    };
    let alternative = if chosen == decimal { thousands } else { decimal };
    let read = |style: NumberStyle| number::parse_number(&example, style).map_or("?".into(), |v| v.to_string());
    ambiguities.push(Ambiguity {
        kind: "decimalMark".into(),
        example: example.clone(),
        chosen: chosen.describe(),
        alternative: alternative.describe(),
        evidence: format!(
            "every comma in the numbers could be a decimal mark or a thousands separator ('{example}' is {} or {}); {reason}",
            read(chosen),
            read(alternative)
        ),
        switch_with: ImportOptionsPatch {
            decimal: Some((alternative.decimal as char).to_string()),
            thousands: Some(alternative.group.map(|g| (g as char).to_string()).unwrap_or_default()),
            ..Default::default()
        },
    });
    chosen
}

/// Candidates in order: a `Date` + `Time` pair when most `Time` values are clock times (`13:00`,
/// or Finam's `130000`: the header already says it is a time), then each
/// time-like column in header order. The first candidate whose format parses every sampled value
/// wins; failing that, the first that parses most of them (the rest become invalid rows).
fn choose_time_source(
    text: &str,
    layout: &Layout,
    sample: &[csv::StringRecord],
    choices: &Choices,
    ambiguities: &mut Vec<Ambiguity>,
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
    let mut chosen = None;
    for &(column, clock) in &candidates {
        let values = time_values(sample.iter(), column, clock);
        let Some(detected) = time::detect(&values, clock.is_some(), choices.time) else { continue };
        if detected.parsed == values.len() {
            chosen = Some((column, clock, detected));
            break;
        }
        partial.get_or_insert((column, clock, detected));
    }
    let Some((column, clock, detected)) = chosen.or(partial) else {
        return Err(match choices.time.format {
            Some(f) => forced_format_error(layout, sample, f),
            None => unreadable_time_error(layout, sample),
        });
    };
    // An order the options fixed is not second-guessed.
    let detected = if choices.time.format.is_some() || choices.time.day_first.is_some() {
        detected
    } else {
        settle_date_order(text, layout, sample, (column, clock), detected, ambiguities)?
    };
    Ok((column, clock, detected))
}

/// The non-empty (value, clock) pairs of a time column.
fn time_values<'a>(
    rows: impl Iterator<Item = &'a csv::StringRecord>,
    column: usize,
    clock: Option<usize>,
) -> Vec<(&'a str, Option<&'a str>)> {
    rows.filter_map(|r| Some((r.get(column)?, clock.map(|c| r.get(c).unwrap_or("")))))
        .filter(|(v, _)| !v.is_empty())
        .collect()
}

/// A day-month order the sample cannot tell (`01/02/2020` in every row) is settled with the
/// whole column: a value only one order reads decides; otherwise the order whose candles are the
/// more regularly spaced is used and the ambiguity reported, or, when both are about as regular,
/// the import is refused with the options that choose.
fn settle_date_order(
    text: &str,
    layout: &Layout,
    sample: &[csv::StringRecord],
    (column, clock): (usize, Option<usize>),
    detected: time::DetectedTime,
    ambiguities: &mut Vec<Ambiguity>,
) -> Result<time::DetectedTime> {
    let split = clock.is_some();
    let Some(swapped) = detected.parser.format.swapped_order() else { return Ok(detected) };
    let sampled = time_values(sample.iter(), column, clock);
    let other = TimeParser { format: swapped, split };
    if time::count_parsed(other, &sampled) != detected.parsed {
        return Ok(detected); // the sample already rules the other order out
    }
    // The whole column, read both ways.
    let mut reader = table_reader(text, layout);
    let mut record = csv::StringRecord::new();
    if layout.has_header() {
        let _ = reader.read_record(&mut record);
    }
    let (mut first, mut second) = (Vec::new(), Vec::new());
    let mut example: Option<String> = None;
    while reader.read_record(&mut record).unwrap_or(false) {
        let Some(value) = record.get(column).filter(|v| !v.is_empty()) else { continue };
        let clock_value = clock.map(|c| record.get(c).unwrap_or(""));
        let (a, b) = (detected.parser.parse(value, clock_value), other.parse(value, clock_value));
        if a.is_some() && b.is_some() && a != b && example.is_none() {
            example = Some(value.to_string());
        }
        first.extend(a);
        second.extend(b);
    }
    if first.len() != second.len() {
        // A value only one order reads (a day above 12) settles it.
        let format = if first.len() > second.len() { detected.parser.format } else { swapped };
        let parsed = first.len().max(second.len()).min(sampled.len());
        return Ok(time::detected(format, split, &sampled, parsed));
    }
    let Some(example) = example else { return Ok(detected) }; // every value reads the same both ways
    let (format_a, format_b) = (detected.parser.format, swapped);
    let (weekend_a, weekend_b) = (weekend_share(&first), weekend_share(&second));
    let (a, b) = (Spacing::of(&mut first), Spacing::of(&mut second));
    let (pattern_a, pattern_b) = (format_a.pattern(), format_b.pattern());
    let figures = format!("as {pattern_a}, {}; as {pattern_b}, {}", a.describe(), b.describe());
    let weekend_reason = |none: &str, some: &str, share: f64| {
        format!("as {none} no date falls on a weekend, as {some} {:.0}% of the dates do", share * 100.0)
    };
    // Reasons, strongest first: a reading that puts a market's candles on Saturdays and Sundays
    // while the other puts none there; clearly more regular spacing; the separator's convention.
    let decision = if weekend_a.dates == 0 && weekend_b.decisive() {
        Some((format_a, weekend_reason(pattern_a, pattern_b, weekend_b.share)))
    } else if weekend_b.dates == 0 && weekend_a.decisive() {
        Some((format_b, weekend_reason(pattern_b, pattern_a, weekend_a.share)))
    } else if a.score >= b.score * 1.25 && a.score > 0.0 {
        Some((format_a, format!("{pattern_a} is the more regular reading: {figures}")))
    } else if b.score >= a.score * 1.25 && b.score > 0.0 {
        Some((format_b, format!("{pattern_b} is the more regular reading: {figures}")))
    } else {
        // `01.02.2020` and `01-02-2020` are day first wherever they are written; `/` is not
        // settled by convention (US month first, UK and others day first).
        match detected.parser.format {
            TimeFormat::Date { sep: Some(sep @ (b'.' | b'-')), .. } => {
                let day_first = if format_a.day_first() == Some(true) { format_a } else { format_b };
                let reason = format!(
                    "both readings are about as regular ({figures}); dates written with '{}' are day first by convention",
                    sep as char
                );
                Some((day_first, reason))
            }
            _ => None,
        }
    };
    let Some((winner, reason)) = decision else {
        let (day_first, month_first) =
            if format_a.day_first() == Some(true) { (pattern_a, pattern_b) } else { (pattern_b, pattern_a) };
        return Err(EngineError::ImportFailed(format!(
            "the dates are ambiguous: every date in the time column reads day first or month first \
             ('{example}'), and nothing in the file tells which ({figures}). Import again with \
             dayFirst: true ({day_first}) or dayFirst: false ({month_first}), or name the format with timeFormat"
        )));
    };
    let loser = if winner == format_a { format_b } else { format_a };
    ambiguities.push(Ambiguity {
        kind: "dateOrder".into(),
        example: example.clone(),
        chosen: winner.pattern().to_string(),
        alternative: loser.pattern().to_string(),
        evidence: format!("every date reads day first or month first ('{example}'); {reason}"),
        switch_with: ImportOptionsPatch { day_first: loser.day_first(), ..Default::default() },
    });
    let parsed = time::count_parsed(TimeParser { format: winner, split }, &sampled);
    Ok(time::detected(winner, split, &sampled, parsed))
}

/// How many distinct UTC dates of a reading fall on a Saturday or Sunday.
struct Weekends {
    dates: usize,
    share: f64,
}

impl Weekends {
    /// Enough weekend dates that a market closed at weekends cannot have them.
    fn decisive(&self) -> bool {
        self.dates >= 2 && self.share >= 0.1
    }
}

fn weekend_share(times: &[f64]) -> Weekends {
    const MS_PER_DAY: f64 = 86_400_000.0;
    let mut days: Vec<i64> = times.iter().map(|t| (t / MS_PER_DAY).floor() as i64).collect();
    days.sort_unstable();
    days.dedup();
    // 1970-01-01 was a Thursday: (day + 4) mod 7 is 0 on Sundays and 6 on Saturdays.
    let dates = days.iter().filter(|d| matches!((*d + 4).rem_euclid(7), 0 | 6)).count();
    Weekends { dates, share: if days.is_empty() { 0.0 } else { dates as f64 / days.len() as f64 } }
}

/// How regularly a reading spaces the candles: the share of steps that are the most common step
/// (calendar months, quarters and years counting as one step each, as in timeframe inference),
/// times how much of the covered time that step accounts for (a reading that puts twelve daily
/// candles into one January per year covers little of its span).
struct Spacing {
    score: f64,
    step_ms: i64,
    share: f64,
}

impl Spacing {
    fn of(times: &mut Vec<f64>) -> Spacing {
        times.sort_unstable_by(f64::total_cmp);
        times.dedup();
        let gaps: Vec<i64> = times.windows(2).map(|w| super::timeframe::bucket((w[1] - w[0]).round() as i64)).collect();
        let mut counts: HashMap<i64, usize> = HashMap::new();
        for &g in &gaps {
            *counts.entry(g).or_default() += 1;
        }
        let Some((&step_ms, &count)) = counts.iter().max_by_key(|&(g, c)| (*c, std::cmp::Reverse(*g))) else {
            return Spacing { score: 0.0, step_ms: 0, share: 0.0 };
        };
        let share = count as f64 / gaps.len() as f64;
        let span = times[times.len() - 1] - times[0];
        let coverage = if span > 0.0 { (gaps.len() as f64 * step_ms as f64 / span).min(1.0) } else { 0.0 };
        Spacing { score: share * coverage, step_ms, share }
    }

    fn describe(&self) -> String {
        let step = super::timeframe_name(self.step_ms).unwrap_or_else(|| format!("{} ms", self.step_ms));
        format!("{:.0}% of steps are {step}", self.share * 100.0)
    }
}

fn forced_format_error(layout: &Layout, sample: &[csv::StringRecord], format: TimeFormat) -> EngineError {
    let first = layout.roles.time.first().copied();
    let examples: Vec<String> = sample
        .iter()
        .filter_map(|r| r.get(first?))
        .filter(|v| !v.is_empty())
        .take(3)
        .map(|v| format!("'{v}'"))
        .collect();
    EngineError::ImportFailed(format!(
        "the time column does not read as timeFormat '{}' (e.g. {}); leave timeFormat out to detect the format",
        format.pattern(),
        if examples.is_empty() { "no values".to_string() } else { examples.join(", ") }
    ))
}

/// The caller's time pattern must read more than half of the sampled values (the rest become
/// invalid rows), else the import fails naming the column, the pattern and a few values.
fn check_pattern(
    layout: &Layout,
    sample: &[csv::StringRecord],
    column: usize,
    pattern: &TimePattern,
    text: &str,
) -> Result<()> {
    let values: Vec<&str> = sample.iter().filter_map(|r| r.get(column)).filter(|v| !v.is_empty()).collect();
    let parsed = values.iter().filter(|v| pattern.parse(v).is_some()).count();
    if parsed * 2 > values.len() {
        return Ok(());
    }
    let examples: Vec<String> = values.iter().take(3).map(|v| format!("'{v}'")).collect();
    Err(EngineError::ImportFailed(format!(
        "the time column '{}' does not match the time format '{text}': {parsed} of the first {} values parse (e.g. {})",
        layout.names[column],
        values.len(),
        if examples.is_empty() { "none: the column is empty".into() } else { examples.join(", ") }
    )))
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

/// Tables smaller than this are read on one thread: splitting them saves less than it costs.
const PARALLEL_MIN_BYTES: usize = 4 << 20;

/// Every data row, parsed into per-symbol series (in order of first appearance) or rejected with
/// its line number and every problem found in it.
///
/// A large table without quote characters is cut at line ends into pieces read on rayon's
/// threads, then joined in file order: without quotes no field can hold a line end, so every line
/// end ends a record and each piece reads exactly as it would inside the whole file. A table
/// with quotes is read in one pass (a quoted field may hold a line end).
pub(super) fn read_rows(
    text: &str,
    layout: &Layout,
    plan: &Plan,
    default_symbol: Option<&str>,
    rejected: &mut Vec<RejectedRow>,
) -> Result<Vec<RawSeries>> {
    let pieces = split_at_line_ends(&text[layout.table_offset..]);
    let skip_header = |k: usize| k == 0 && layout.has_header();
    if plan.symbol.is_some() {
        // Each piece sorts its rows by symbol; the pieces' series are then joined by symbol.
        let read: Vec<Result<(Vec<RawSeries>, Vec<RejectedRow>)>> = pieces
            .par_iter()
            .enumerate()
            .map(|(k, piece)| {
                let mut router = SeriesRouter::new(piece.row_bound);
                let mut piece_rejected = Vec::new();
                read_piece(piece, skip_header(k), layout, plan, &mut router, &mut piece_rejected)?;
                Ok((router.series, piece_rejected))
            })
            .collect();
        let mut all: Vec<RawSeries> = Vec::new();
        for piece in read {
            let (series, piece_rejected) = piece?;
            rejected.extend(piece_rejected);
            append_by_symbol(&mut all, series);
        }
        return Ok(all);
    }
    // One series: each piece fills its own window of one set of columns, sized by its line ends,
    // then the windows are closed up. The columns are allocated once and never copied whole.
    let bounds: Vec<usize> = pieces.iter().map(|p| p.row_bound).collect();
    let total = bounds.iter().sum();
    let mut candles = Candles::zeroed(total);
    let mut lines = vec![0usize; total];
    let windows = Window::carve(&mut candles, &mut lines, &bounds);
    let read: Vec<Result<(usize, Vec<RejectedRow>)>> = pieces
        .par_iter()
        .zip(windows)
        .enumerate()
        .map(|(k, (piece, mut window))| {
            let mut piece_rejected = Vec::new();
            read_piece(piece, skip_header(k), layout, plan, &mut window, &mut piece_rejected)?;
            Ok((window.filled, piece_rejected))
        })
        .collect();
    let (mut filled, mut start) = (0, 0);
    for (piece, bound) in read.into_iter().zip(&bounds) {
        let (count, piece_rejected) = piece?;
        rejected.extend(piece_rejected);
        if start != filled {
            for column in candles.columns_mut() {
                column.copy_within(start..start + count, filled);
            }
            lines.copy_within(start..start + count, filled);
        }
        filled += count;
        start += bound;
    }
    if filled == 0 {
        return Ok(Vec::new());
    }
    candles.truncate(filled);
    lines.truncate(filled);
    Ok(vec![RawSeries { symbol: default_symbol.map(str::to_string), candles, lines }])
}

/// A slice of the table that starts at a line start, the table line it starts on (1-based), and
/// the most records it can hold: one per line end (`\n`, `\r\n` or a lone `\r`), plus a last line
/// without one.
struct Piece<'a> {
    text: &'a str,
    first_line: usize,
    row_bound: usize,
    /// The table holds a quote character (and is then one piece).
    quoted: bool,
}

/// The table cut after line ends into about four pieces per rayon thread (one piece when the
/// table is small or holds a quote character).
fn split_at_line_ends(table_text: &str) -> Vec<Piece<'_>> {
    let table = table_text.as_bytes();
    let threads = rayon::current_num_threads();
    let mut cuts = vec![0];
    let quoted = memchr::memchr(b'"', table).is_some();
    if threads >= 2 && table.len() >= PARALLEL_MIN_BYTES && !quoted {
        let wanted = threads * 4;
        for k in 1..wanted {
            let target = (table.len() * k / wanted).max(*cuts.last().unwrap_or(&0));
            match memchr::memchr(b'\n', &table[target..]) {
                Some(i) if target + i + 1 < table.len() => {
                    if target + i + 1 > *cuts.last().unwrap_or(&0) {
                        cuts.push(target + i + 1);
                    }
                }
                _ => break,
            }
        }
    }
    cuts.push(table.len());
    // Every cut is just after a `\n`, so each slice starts and ends on a character boundary.
    let slices: Vec<&str> = cuts.windows(2).map(|w| &table_text[w[0]..w[1]]).collect();
    let counts: Vec<(usize, usize)> = slices
        .par_iter()
        .map(|s| {
            let s = s.as_bytes();
            let newlines = memchr::memchr_iter(b'\n', s).count();
            let lone_returns = memchr::memchr_iter(b'\r', s).filter(|&i| s.get(i + 1) != Some(&b'\n')).count();
            (newlines, lone_returns)
        })
        .collect();
    let mut first_line = 1;
    let mut pieces = Vec::with_capacity(slices.len());
    for (text, (newlines, lone_returns)) in slices.into_iter().zip(counts) {
        pieces.push(Piece { text, first_line, row_bound: newlines + lone_returns + 1, quoted });
        first_line += newlines;
    }
    pieces
}

/// Where a piece's parsed rows go.
trait RowSink {
    /// Row `[time, open, high, low, close, volume]` of the given symbol (if the file has a symbol
    /// column), from 1-based file line `line`.
    fn push(&mut self, symbol: Option<&str>, row: [f64; 6], line: usize) -> Result<()>;
}

/// A piece's share of the one series' columns.
struct Window<'a> {
    columns: [&'a mut [f64]; 6],
    lines: &'a mut [usize],
    filled: usize,
}

impl<'a> Window<'a> {
    /// `candles` and `lines` cut into consecutive windows of the given sizes.
    fn carve(candles: &'a mut Candles, lines: &'a mut [usize], sizes: &[usize]) -> Vec<Window<'a>> {
        let mut columns = candles.columns_mut().map(|c| c.as_mut_slice());
        let mut lines = lines;
        let mut windows = Vec::with_capacity(sizes.len());
        for &size in sizes {
            let window_columns = columns.each_mut().map(|rest| {
                let (head, tail) = std::mem::take(rest).split_at_mut(size);
                *rest = tail;
                head
            });
            let (window_lines, rest) = lines.split_at_mut(size);
            lines = rest;
            windows.push(Window { columns: window_columns, lines: window_lines, filled: 0 });
        }
        windows
    }
}

impl RowSink for Window<'_> {
    fn push(&mut self, _symbol: Option<&str>, row: [f64; 6], line: usize) -> Result<()> {
        let at = self.filled;
        if at == self.lines.len() {
            return Err(EngineError::Internal(format!(
                "line {line}: more records than line ends in a piece of the file"
            )));
        }
        for (column, value) in self.columns.iter_mut().zip(row) {
            column[at] = value;
        }
        self.lines[at] = line;
        self.filled += 1;
        Ok(())
    }
}

impl RowSink for SeriesRouter {
    /// `symbol` is always there: a router serves files with a symbol column.
    fn push(&mut self, symbol: Option<&str>, [t, o, h, l, c, v]: [f64; 6], line: usize) -> Result<()> {
        let series = self.series_for(symbol.unwrap_or_default());
        series.candles.push(t, o, h, l, c, v);
        series.lines.push(line);
        Ok(())
    }
}

fn read_piece(
    piece: &Piece,
    skip_header: bool,
    layout: &Layout,
    plan: &Plan,
    sink: &mut impl RowSink,
    rejected: &mut Vec<RejectedRow>,
) -> Result<()> {
    let line_offset = layout.table_line + piece.first_line - 2;
    if !piece.quoted {
        return read_unquoted(piece, skip_header, layout.delimiter, line_offset, plan, sink, rejected);
    }
    // Untrimmed: `Fields::field` trims the few fields a row uses, not every field of every row.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(layout.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(piece.text.as_bytes());
    let mut record = csv::ByteRecord::new();
    if skip_header {
        reader.read_byte_record(&mut record).map_err(csv_error)?;
    }
    let mut problems: Vec<String> = Vec::new();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let line = record_line(&record, piece.text.as_bytes()) + line_offset;
        problems.clear();
        match parse_row(&record, plan, &mut problems) {
            Some(row) => sink.push(plan.symbol.map(|i| record.field(i)), row, line)?,
            None => rejected.push(RejectedRow { row: line, reason: problems.join("; ") }),
        }
    }
    Ok(())
}

/// A piece without quote characters, split by hand: the CSV reader's rules reduce to "a record
/// ends at `\n`, `\r\n` or a lone `\r`; empty records are skipped; fields end at the delimiter",
/// and slicing the text directly skips the reader's state machine and a UTF-8 check per field.
/// Line numbers count `\n` only, as the reader's do.
fn read_unquoted(
    piece: &Piece,
    skip_header: bool,
    delimiter: u8,
    line_offset: usize,
    plan: &Plan,
    sink: &mut impl RowSink,
    rejected: &mut Vec<RejectedRow>,
) -> Result<()> {
    let (text, bytes) = (piece.text, piece.text.as_bytes());
    let delimiter = char::from(delimiter);
    let mut fields: Vec<&str> = Vec::with_capacity(plan.field_count + 1);
    let mut problems: Vec<String> = Vec::new();
    let (mut start, mut line, mut header_pending) = (0, 1, skip_header);
    while start < bytes.len() {
        let end = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let (record, record_line) = (&text[start..end], line);
        start = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            _ => end + 1,
        };
        line += usize::from(bytes.get(start - 1) == Some(&b'\n'));
        if record.is_empty() {
            continue;
        }
        if std::mem::take(&mut header_pending) {
            continue;
        }
        fields.clear();
        fields.extend(record.split(delimiter));
        let line = record_line + line_offset;
        problems.clear();
        match parse_row(fields.as_slice(), plan, &mut problems) {
            Some(row) => sink.push(plan.symbol.map(|i| fields.field(i)), row, line)?,
            None => rejected.push(RejectedRow { row: line, reason: problems.join("; ") }),
        }
    }
    Ok(())
}

/// Appends a later piece's series to the joined ones, by symbol (new symbols after the others,
/// so the series stay in order of first appearance in the file).
fn append_by_symbol(all: &mut Vec<RawSeries>, later: Vec<RawSeries>) {
    for series in later {
        match all.iter_mut().find(|s| s.symbol == series.symbol) {
            Some(existing) => existing.append(&series),
            None => all.push(series),
        }
    }
}

/// The 1-based line (within the piece) where the record's text starts. The reader's position
/// points at any blank lines it skipped before the record, so those are counted past here.
fn record_line(record: &csv::ByteRecord, piece: &[u8]) -> usize {
    let Some(position) = record.position() else { return 0 };
    let start = (position.byte() as usize).min(piece.len());
    let blank_lines = piece[start..].iter().take_while(|&&b| b == b'\n' || b == b'\r').filter(|&&b| b == b'\n').count();
    position.line() as usize + blank_lines
}

/// A row's fields, as either reader splits them.
trait Fields {
    fn count(&self) -> usize;
    /// Field `i`, trimmed (`""` when the row is shorter).
    fn field(&self, i: usize) -> &str;
}

impl Fields for csv::ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }

    /// The text is UTF-8 and the reader only splits at ASCII bytes, so a field is always UTF-8;
    /// `""` covers the impossible case.
    fn field(&self, i: usize) -> &str {
        self.get(i).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("").trim()
    }
}

impl Fields for [&str] {
    fn count(&self) -> usize {
        self.len()
    }

    fn field(&self, i: usize) -> &str {
        self.get(i).map_or("", |f| f.trim())
    }
}

/// `[time, open, high, low, close, volume]`, or `None` with every reason in `problems`.
fn parse_row(record: &(impl Fields + ?Sized), plan: &Plan, problems: &mut Vec<String>) -> Option<[f64; 6]> {
    if !field_count_ok(record, plan) {
        problems.push(format!("has {} fields, expected {}", record.count(), plan.field_count));
        return None;
    }
    let field = |i: usize| record.field(i);
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
fn field_count_ok(record: &(impl Fields + ?Sized), plan: &Plan) -> bool {
    let len = record.count();
    len == plan.field_count
        || (len == plan.field_count + 1 && record.field(len - 1).is_empty())
        || (len + 1 == plan.field_count && plan.header_ends_empty)
}

fn describe_bad_time(value: &str, clock: Option<&str>, format: &str) -> String {
    match clock {
        Some(clock) => format!("date/time '{value}' '{clock}' does not match {format}"),
        None if value.is_empty() => "time is empty".into(),
        None => format!("time '{value}' does not match {format}"),
    }
}

/// A file with a symbol column: finds or creates the series for a row's symbol without allocating
/// for repeated symbols.
struct SeriesRouter {
    series: Vec<RawSeries>,
    index: HashMap<String, usize>,
    last: usize,
    row_bound: usize,
}

impl SeriesRouter {
    /// `row_bound`: room reserved in the first series created (a file of one symbol fills it
    /// without regrowing and copying its columns).
    fn new(row_bound: usize) -> Self {
        SeriesRouter { series: Vec::new(), index: HashMap::new(), last: 0, row_bound }
    }

    fn series_for(&mut self, symbol: &str) -> &mut RawSeries {
        let same_as_last = self.series.get(self.last).is_some_and(|s| s.symbol.as_deref() == Some(symbol));
        if !same_as_last {
            self.last = match self.index.get(symbol) {
                Some(&i) => i,
                None => {
                    let rows = std::mem::take(&mut self.row_bound);
                    self.series.push(RawSeries {
                        symbol: Some(symbol.to_string()),
                        candles: Candles::with_capacity(rows),
                        lines: Vec::with_capacity(rows),
                    });
                    self.index.insert(symbol.to_string(), self.series.len() - 1);
                    self.series.len() - 1
                }
            };
        }
        &mut self.series[self.last]
    }
}
