//! Time values: the formats we accept, detecting a column's format from its values, and parsing
//! one value to epoch milliseconds UTC. Hand-written parsers (no strptime) because the importer
//! parses millions of values and each format accepts a few variants (seconds or not, `T` or
//! space, fractions, zones).
use chrono::{Datelike, NaiveDate};

const MS_PER_SECOND: i64 = 1_000;
const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;
/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DateOrder {
    Ymd,
    Mdy,
    Dmy,
}

/// How a time column is written. Date formats accept an optional clock time and zone after the
/// date (see `parse_clock`); epoch values pick their unit per value by magnitude unless the
/// caller names the unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TimeFormat {
    /// `sep: None` is the compact `YYYYMMDD`.
    Date {
        order: DateOrder,
        sep: Option<u8>,
    },
    Epoch(Option<EpochUnit>),
    /// Excel's serial dates: days since 1899-12-30, the fraction is the time of day.
    Excel,
}

use DateOrder::{Dmy, Mdy, Ymd};

/// Every format we try, in order of preference: when several parse every sampled value (e.g.
/// `01/02/2020`), the first one here wins. So `/` dates are month-first (US, Yahoo), `.` and `-`
/// dates with the year last are day-first (Europe, Dukascopy), and 8-digit values are `YYYYMMDD`
/// rather than epoch seconds.
/// Excel serials are whole or fractional days; 100000 is the year 2173, while epoch seconds that
/// small fall on 1970-01-02, so a column of values below it is read as Excel dates.
const EXCEL_MAX: f64 = 100_000.0;
/// Serial 25569 is 1970-01-01 (Excel's 1900 date system counts from 1899-12-30).
const EXCEL_UNIX_EPOCH: f64 = 25_569.0;

const CANDIDATES: [TimeFormat; 12] = [
    TimeFormat::Date { order: Ymd, sep: Some(b'-') },
    TimeFormat::Date { order: Ymd, sep: Some(b'/') },
    TimeFormat::Date { order: Ymd, sep: Some(b'.') },
    TimeFormat::Date { order: Ymd, sep: None },
    TimeFormat::Date { order: Mdy, sep: Some(b'/') },
    TimeFormat::Date { order: Dmy, sep: Some(b'/') },
    TimeFormat::Date { order: Dmy, sep: Some(b'.') },
    TimeFormat::Date { order: Mdy, sep: Some(b'.') },
    TimeFormat::Date { order: Dmy, sep: Some(b'-') },
    TimeFormat::Date { order: Mdy, sep: Some(b'-') },
    TimeFormat::Excel,
    TimeFormat::Epoch(None),
];

/// The `timeFormat` import option's values: a date pattern (`DD/MM/YYYY`, …), `epoch`,
/// `epoch-s`/`-ms`/`-us`/`-ns`, or `excel`.
pub(super) fn format_option(name: &str) -> Option<TimeFormat> {
    let unit = |u| Some(TimeFormat::Epoch(Some(u)));
    match name.trim() {
        "epoch" => Some(TimeFormat::Epoch(None)),
        "epoch-s" => unit(EpochUnit::Seconds),
        "epoch-ms" => unit(EpochUnit::Milliseconds),
        "epoch-us" => unit(EpochUnit::Microseconds),
        "epoch-ns" => unit(EpochUnit::Nanoseconds),
        "excel" => Some(TimeFormat::Excel),
        pattern => CANDIDATES.into_iter().find(|f| f.is_date() && f.pattern() == pattern),
    }
}

/// Every value `format_option` accepts, for messages.
pub(super) fn format_option_names() -> String {
    let mut names: Vec<&str> = CANDIDATES.iter().filter(|f| f.is_date()).map(|f| f.pattern()).collect();
    names.extend(["epoch", "epoch-s", "epoch-ms", "epoch-us", "epoch-ns", "excel"]);
    names.join(", ")
}

/// Days before 1970-01-01 UTC of an Excel serial (whole or fractional days since 1899-12-30),
/// as epoch milliseconds rounded to the millisecond.
fn parse_excel(value: &str) -> Option<f64> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let serial: f64 = value.parse().ok()?;
    if !(1.0..EXCEL_MAX).contains(&serial) {
        return None;
    }
    Some(((serial - EXCEL_UNIX_EPOCH) * MS_PER_DAY as f64).round())
}

impl TimeFormat {
    /// The date part's pattern, as shown to users.
    pub(super) fn pattern(self) -> &'static str {
        match self {
            TimeFormat::Epoch(None) => "unix epoch (s/ms/us/ns by magnitude)",
            TimeFormat::Epoch(Some(unit)) => unit.option_name(),
            TimeFormat::Excel => "excel",
            TimeFormat::Date { order, sep } => match (order, sep) {
                (Ymd, None) => "YYYYMMDD",
                (Ymd, Some(b'/')) => "YYYY/MM/DD",
                (Ymd, Some(b'.')) => "YYYY.MM.DD",
                (Ymd, _) => "YYYY-MM-DD",
                (Mdy, Some(b'/')) => "MM/DD/YYYY",
                (Mdy, Some(b'.')) => "MM.DD.YYYY",
                (Mdy, _) => "MM-DD-YYYY",
                (Dmy, Some(b'/')) => "DD/MM/YYYY",
                (Dmy, Some(b'.')) => "DD.MM.YYYY",
                (Dmy, _) => "DD-MM-YYYY",
            },
        }
    }

    pub(super) fn is_date(self) -> bool {
        matches!(self, TimeFormat::Date { .. })
    }

    /// The same separator with day and month swapped, for `MM/DD/YYYY` and `DD/MM/YYYY`.
    pub(super) fn swapped_order(self) -> Option<TimeFormat> {
        match self {
            TimeFormat::Date { order: Mdy, sep } => Some(TimeFormat::Date { order: Dmy, sep }),
            TimeFormat::Date { order: Dmy, sep } => Some(TimeFormat::Date { order: Mdy, sep }),
            _ => None,
        }
    }

    pub(super) fn day_first(self) -> Option<bool> {
        match self {
            TimeFormat::Date { order: Dmy, .. } => Some(true),
            TimeFormat::Date { order: Mdy, .. } => Some(false),
            _ => None,
        }
    }

    /// Epoch ms of a whole time value (date with optional clock, or an epoch number).
    fn parse(self, value: &str) -> Option<f64> {
        self.parse_described(value).map(|(ms, _)| ms)
    }

    /// Epoch ms of a date-only value plus a separate clock-time value (MetaTrader's two columns).
    fn parse_split(self, date: &str, clock: &str) -> Option<f64> {
        let TimeFormat::Date { order, sep } = self else { return None };
        let mut cursor = Cursor::new(date);
        let days = parse_date(&mut cursor, order, sep)?;
        if !cursor.at_end() {
            return None;
        }
        let (ms_of_day, _) = parse_clock(clock)?;
        Some((days * MS_PER_DAY + ms_of_day) as f64)
    }

    /// Parses and also returns what the value looked like (for `detected.timeFormat`).
    fn parse_described(self, value: &str) -> Option<(f64, Shape)> {
        match self {
            TimeFormat::Epoch(None) => parse_epoch(value).map(|(ms, _)| (ms, Shape::Epoch)),
            TimeFormat::Epoch(Some(unit)) => parse_epoch_in(value, unit).map(|ms| (ms, Shape::Epoch)),
            TimeFormat::Excel => parse_excel(value).map(|ms| (ms, Shape::Epoch)),
            TimeFormat::Date { order, sep } => {
                let mut cursor = Cursor::new(value);
                let days = parse_date(&mut cursor, order, sep)?;
                if cursor.at_end() {
                    return Some(((days * MS_PER_DAY) as f64, Shape::DateOnly));
                }
                let separator = if cursor.eat_any(b"Tt") {
                    "T"
                } else if cursor.skip_spaces() > 0 {
                    " "
                } else {
                    return None;
                };
                let (ms_of_day, clock) = parse_clock(cursor.rest())?;
                Some(((days * MS_PER_DAY + ms_of_day) as f64, Shape::DateTime(separator, clock)))
            }
        }
    }
}

/// A time column's detected format: either one column, or a date column plus a clock column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TimeParser {
    pub format: TimeFormat,
    pub split: bool,
}

impl TimeParser {
    /// Epoch ms UTC, or `None` when the value does not match the detected format.
    pub(super) fn parse(&self, value: &str, clock: Option<&str>) -> Option<f64> {
        match (self.split, clock) {
            (true, Some(clock)) => self.format.parse_split(value, clock),
            _ => self.format.parse(value),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct DetectedTime {
    pub parser: TimeParser,
    /// E.g. `YYYY-MM-DD hh:mm:ss`, `DD.MM.YYYY hh:mm:ss.fff`, `epoch-ms`, `YYYY.MM.DD + hh:mm`.
    pub description: String,
    /// How many of the sampled values it parsed.
    pub parsed: usize,
}

/// Which formats detection may choose from (the `timeFormat` and `dayFirst` import options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Allowed {
    /// Only this format.
    pub format: Option<TimeFormat>,
    /// Only day-first (`true`) or month-first (`false`) dates where the order is open.
    pub day_first: Option<bool>,
}

impl Allowed {
    fn allows(&self, format: TimeFormat) -> bool {
        self.format.is_none_or(|f| f == format)
            && self.day_first.is_none_or(|day_first| format.day_first().is_none_or(|d| d == day_first))
    }
}

/// The format that parses the most sampled values (ties: the earliest in `CANDIDATES`), if it
/// parses more than half of them; the rows it cannot parse are reported as invalid rows later.
/// `samples` holds (value, clock) pairs; `split` says the clock comes from its own column.
pub(super) fn detect(samples: &[(&str, Option<&str>)], split: bool, allowed: Allowed) -> Option<DetectedTime> {
    let mut best: Option<(TimeFormat, usize)> = None;
    for format in CANDIDATES.into_iter().chain(allowed.format).filter(|f| (!split || f.is_date()) && allowed.allows(*f))
    {
        let parsed = count_parsed(TimeParser { format, split }, samples);
        if parsed > best.map_or(0, |(_, n)| n) {
            best = Some((format, parsed));
        }
    }
    let (format, parsed) = best?;
    if parsed * 2 <= samples.len() {
        return None;
    }
    Some(detected(format, split, samples, parsed))
}

pub(super) fn count_parsed(parser: TimeParser, samples: &[(&str, Option<&str>)]) -> usize {
    samples.iter().filter(|(v, c)| parser.parse(v, *c).is_some()).count()
}

pub(super) fn detected(
    format: TimeFormat,
    split: bool,
    samples: &[(&str, Option<&str>)],
    parsed: usize,
) -> DetectedTime {
    DetectedTime { parser: TimeParser { format, split }, description: describe(format, split, samples), parsed }
}

/// Names of every format tried, for the "unparseable time column" message.
pub(super) fn tried_formats() -> String {
    let mut names: Vec<&str> = CANDIDATES.iter().map(|f| f.pattern()).collect();
    names.push("a date column plus a separate hh:mm[:ss] column");
    names.join(", ")
}

/// True when the value is a date (with or without clock) or an epoch number in any format.
pub(super) fn looks_like_time(value: &str) -> bool {
    // Excel serials are plain numbers: they only count once a column is known to hold times.
    CANDIDATES.iter().filter(|f| **f != TimeFormat::Excel).any(|f| f.parse(value).is_some())
}

/// True when the value is a bare date in some format (no clock part).
pub(super) fn looks_like_date_only(value: &str) -> bool {
    CANDIDATES.iter().any(|f| matches!(f.parse_described(value), Some((_, Shape::DateOnly))))
}

/// True when the value is a clock time: `13:00`, `13:00:00`, `130000`, `1 PM`, …
pub(super) fn is_clock(value: &str) -> bool {
    parse_clock(value).is_some()
}

/// A clock time written with a colon, as a column without a header name must be: without the name
/// a number such as `1300` could be a price.
pub(super) fn looks_like_clock(value: &str) -> bool {
    value.contains(':') && is_clock(value)
}

fn describe(format: TimeFormat, split: bool, samples: &[(&str, Option<&str>)]) -> String {
    match format {
        TimeFormat::Epoch(None) => return describe_epoch(samples),
        TimeFormat::Epoch(Some(unit)) => return unit.option_name().to_string(),
        TimeFormat::Excel => return "excel (days since 1899-12-30)".to_string(),
        TimeFormat::Date { .. } => {}
    }
    for (value, clock) in samples {
        if split {
            if let (Some(_), Some((_, shape))) =
                (format.parse_split(value, clock.unwrap_or("")), clock.and_then(parse_clock))
            {
                return format!("{} + {}", format.pattern(), shape.describe());
            }
        } else if let Some((_, shape)) = format.parse_described(value) {
            return match shape {
                Shape::DateTime(separator, clock) => {
                    format!("{}{separator}{}", format.pattern(), clock.describe())
                }
                _ => format.pattern().to_string(),
            };
        }
    }
    format.pattern().to_string()
}

/// `epoch-ms` when every sampled value is in milliseconds, `epoch-s/ms` when the units mix.
fn describe_epoch(samples: &[(&str, Option<&str>)]) -> String {
    let mut units: Vec<EpochUnit> = Vec::new();
    for (value, _) in samples {
        if let Some((_, unit)) = parse_epoch(value) {
            if !units.contains(&unit) {
                units.push(unit);
            }
        }
    }
    units.sort();
    let names: Vec<&str> = units.iter().map(|u| u.name()).collect();
    format!("epoch-{}", names.join("/"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum EpochUnit {
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

impl EpochUnit {
    /// By magnitude: below 1e11 is seconds (1e11 s is the year 5138; 1e11 ms is 1973-03-03), below
    /// 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
    fn of(magnitude: f64) -> EpochUnit {
        if magnitude < 1e11 {
            EpochUnit::Seconds
        } else if magnitude < 1e14 {
            EpochUnit::Milliseconds
        } else if magnitude < 1e17 {
            EpochUnit::Microseconds
        } else {
            EpochUnit::Nanoseconds
        }
    }

    fn name(self) -> &'static str {
        match self {
            EpochUnit::Seconds => "s",
            EpochUnit::Milliseconds => "ms",
            EpochUnit::Microseconds => "us",
            EpochUnit::Nanoseconds => "ns",
        }
    }

    fn option_name(self) -> &'static str {
        match self {
            EpochUnit::Seconds => "epoch-s",
            EpochUnit::Milliseconds => "epoch-ms",
            EpochUnit::Microseconds => "epoch-us",
            EpochUnit::Nanoseconds => "epoch-ns",
        }
    }

    /// Milliseconds per unit.
    fn ms(self) -> f64 {
        match self {
            EpochUnit::Seconds => 1e3,
            EpochUnit::Milliseconds => 1.0,
            EpochUnit::Microseconds => 1e-3,
            EpochUnit::Nanoseconds => 1e-6,
        }
    }
}

/// An epoch number in a named unit (the `timeFormat: 'epoch-s'`… options).
fn parse_epoch_in(value: &str, unit: EpochUnit) -> Option<f64> {
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let ms = (value.parse::<f64>().ok()? * unit.ms()).floor();
    ms.is_finite().then_some(ms)
}

/// `-?digits(.digits)?` to whole epoch milliseconds (sub-millisecond parts truncated).
fn parse_epoch(value: &str) -> Option<(f64, EpochUnit)> {
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !fraction.is_none_or(all_digits) {
        return None;
    }
    if fraction.is_none() {
        let v: i64 = value.parse().ok()?;
        let unit = EpochUnit::of(v.unsigned_abs() as f64);
        let ms = match unit {
            EpochUnit::Seconds => v.checked_mul(MS_PER_SECOND)?,
            EpochUnit::Milliseconds => v,
            EpochUnit::Microseconds => v.div_euclid(1_000),
            EpochUnit::Nanoseconds => v.div_euclid(1_000_000),
        };
        return Some((ms as f64, unit));
    }
    let v: f64 = value.parse().ok()?;
    let unit = EpochUnit::of(v.abs());
    let ms = match unit {
        EpochUnit::Seconds => v * 1e3,
        EpochUnit::Milliseconds => v,
        EpochUnit::Microseconds => v / 1e3,
        EpochUnit::Nanoseconds => v / 1e6,
    };
    Some((ms.floor(), unit))
}

/// What a parsed value looked like, to describe the detected format.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Epoch,
    DateOnly,
    DateTime(&'static str, ClockShape),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ClockShape {
    base: &'static str,
    fraction_digits: usize,
    meridiem: &'static str,
    zone: &'static str,
}

impl ClockShape {
    fn describe(&self) -> String {
        let fraction =
            if self.fraction_digits > 0 { format!(".{}", "f".repeat(self.fraction_digits)) } else { String::new() };
        format!("{}{fraction}{}{}", self.base, self.meridiem, self.zone)
    }
}

/// Days since 1970-01-01 of the date at the cursor, in the given order and separator.
fn parse_date(cursor: &mut Cursor, order: DateOrder, sep: Option<u8>) -> Option<i64> {
    let (year, month, day) = match (order, sep) {
        (_, None) => (cursor.digits(4, 4)?, cursor.digits(2, 2)?, cursor.digits(2, 2)?),
        (Ymd, Some(sep)) => {
            let year = cursor.digits(4, 4)?;
            cursor.expect(sep)?;
            let month = cursor.digits(1, 2)?;
            cursor.expect(sep)?;
            (year, month, cursor.digits(1, 2)?)
        }
        (Mdy | Dmy, Some(sep)) => {
            let first = cursor.digits(1, 2)?;
            cursor.expect(sep)?;
            let second = cursor.digits(1, 2)?;
            cursor.expect(sep)?;
            let year = cursor.digits(4, 4)?;
            if order == Mdy {
                (year, first, second)
            } else {
                (year, second, first)
            }
        }
    };
    if cursor.peek().is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    Some(date.num_days_from_ce() as i64 - UNIX_EPOCH_DAYS_FROM_CE)
}

/// A clock time and optional zone, the whole of `text`: `hh:mm`, `hh:mm:ss`, `hh:mm:ss.fff`
/// (any number of fraction digits, truncated to ms), `hhmm`, `hhmmss`, 12-hour `hh AM`, `hh-AM`
/// (CryptoDataDownload), `hh:mm:ss PM`; then `Z`, `±hh:mm`, `±hhmm`, `±hh`, `UTC`, `GMT`,
/// `GMT+0100` (Dukascopy local time). Returns ms since midnight UTC (the offset subtracted; it can
/// fall outside one day, which moves the date) and the shape.
fn parse_clock(text: &str) -> Option<(i64, ClockShape)> {
    let mut c = Cursor::new(text);
    let leading_digits = c.rest().bytes().take_while(u8::is_ascii_digit).count();
    let (base, hour, minute, second) = match leading_digits {
        4 => ("hhmm", c.digits(2, 2)?, c.digits(2, 2)?, 0),
        6 => ("hhmmss", c.digits(2, 2)?, c.digits(2, 2)?, c.digits(2, 2)?),
        1 | 2 => {
            let hour = c.digits(1, 2)?;
            if c.eat(b':') {
                let minute = c.digits(2, 2)?;
                if c.eat(b':') {
                    ("hh:mm:ss", hour, minute, c.digits(2, 2)?)
                } else {
                    ("hh:mm", hour, minute, 0)
                }
            } else {
                ("hh", hour, 0, 0)
            }
        }
        _ => return None,
    };
    let mut millis = 0;
    let mut fraction_digits = 0;
    if base.ends_with("ss") && c.eat_any(b".,") {
        let start = c.pos;
        c.digits(1, 9)?;
        fraction_digits = c.pos - start;
        millis = fraction_millis(&c.bytes[start..c.pos]);
    }
    let (meridiem, pm) = parse_meridiem(&mut c);
    if base == "hh" && meridiem.is_empty() {
        return None; // a bare hour is only a time with AM/PM
    }
    let hour = match pm {
        None if hour < 24 => hour,
        Some(pm) if (1..=12).contains(&hour) => hour % 12 + if pm { 12 } else { 0 },
        _ => return None,
    };
    if minute > 59 || second > 59 {
        return None;
    }
    let (zone, offset_ms) = parse_zone(&mut c)?;
    if !c.at_end() {
        return None;
    }
    let local = hour as i64 * MS_PER_HOUR + minute as i64 * MS_PER_MINUTE + second as i64 * MS_PER_SECOND + millis;
    let shape = ClockShape { base, fraction_digits, meridiem, zone };
    Some((local - offset_ms, shape))
}

/// The first three fraction digits as milliseconds (`5` → 500, `123456` → 123).
fn fraction_millis(digits: &[u8]) -> i64 {
    (0..3).fold(0, |ms, i| ms * 10 + digits.get(i).map_or(0, |d| (d - b'0') as i64))
}

/// `-AM`, ` AM`, `AM` (any case) → (pattern, Some(is_pm)); nothing → ("", None).
fn parse_meridiem(c: &mut Cursor) -> (&'static str, Option<bool>) {
    let start = c.pos;
    let dashed = c.eat(b'-');
    let spaced = !dashed && c.skip_spaces() > 0;
    for (word, pm) in [(&b"am"[..], false), (&b"pm"[..], true)] {
        if c.eat_word(word) {
            let pattern = match (dashed, spaced) {
                (true, _) => "-AM",
                (_, true) => " AM",
                _ => "AM",
            };
            return (pattern, Some(pm));
        }
    }
    c.pos = start;
    ("", None)
}

/// `Z`, `UTC`, `GMT`, each optionally followed by `±hh[[:]mm]`, or a bare offset; nothing is UTC.
/// Returns (pattern, offset in ms), or `None` for a malformed zone.
fn parse_zone(c: &mut Cursor) -> Option<(&'static str, i64)> {
    c.skip_spaces();
    if c.at_end() {
        return Some(("", 0));
    }
    if c.eat_any(b"Zz") {
        return Some(("Z", 0));
    }
    let named = if c.eat_word(b"utc") {
        Some("UTC")
    } else if c.eat_word(b"gmt") {
        Some("GMT")
    } else {
        None
    };
    let sign = match c.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return named.map(|name| (if name == "UTC" { " UTC" } else { " GMT" }, 0)),
    };
    c.pos += 1;
    let hours = c.digits(1, 2)? as i64;
    let (pattern, minutes) = if c.eat(b':') {
        ("±hh:mm", c.digits(2, 2)? as i64)
    } else if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        ("±hhmm", c.digits(2, 2)? as i64)
    } else {
        ("±hh", 0)
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    let pattern = match named {
        Some(_) => " GMT±hhmm",
        None => pattern,
    };
    Some((pattern, sign * (hours * MS_PER_HOUR + minutes * MS_PER_MINUTE)))
}

/// A position in an ASCII-ish value.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { bytes: text.as_bytes(), pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn rest(&self) -> &'a str {
        // Only ever advanced past ASCII bytes, so this is a char boundary.
        std::str::from_utf8(&self.bytes[self.pos..]).unwrap_or("")
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.eat_any(&[byte])
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    fn eat_any(&mut self, set: &[u8]) -> bool {
        match self.peek() {
            Some(b) if set.contains(&b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// Case-insensitive ASCII word.
    fn eat_word(&mut self, lowercase: &[u8]) -> bool {
        let end = self.pos + lowercase.len();
        let matches = self.bytes.get(self.pos..end).is_some_and(|s| s.eq_ignore_ascii_case(lowercase));
        if matches {
            self.pos = end;
        }
        matches
    }

    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Between `min` and `max` ASCII digits (as many as there are, up to `max`).
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.pos;
        let mut value: u32 = 0;
        while self.pos - start < max {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + (b - b'0') as u32;
                    self.pos += 1;
                }
                _ => break,
            }
        }
        (self.pos - start >= min).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(iso: &str) -> f64 {
        chrono::DateTime::parse_from_rfc3339(iso).unwrap().timestamp_millis() as f64
    }

    fn detect_one(values: &[&str]) -> DetectedTime {
        let samples: Vec<(&str, Option<&str>)> = values.iter().map(|v| (*v, None)).collect();
        detect(&samples, false, Allowed::default()).unwrap()
    }

    fn parse_with(values: &[&str]) -> (String, Vec<f64>) {
        let detected = detect_one(values);
        let times = values.iter().map(|v| detected.parser.parse(v, None).unwrap()).collect();
        (detected.description, times)
    }

    #[test]
    fn iso_dates_and_datetimes() {
        assert_eq!(parse_with(&["2020-01-02"]), ("YYYY-MM-DD".into(), vec![ms("2020-01-02T00:00:00Z")]));
        let (format, t) = parse_with(&["2020-01-02T03:04:05Z", "2020-01-02 03:04", "2020-01-02T03:04:05.123456+01:00"]);
        assert_eq!(format, "YYYY-MM-DDThh:mm:ssZ");
        assert_eq!(t[0], ms("2020-01-02T03:04:05Z"));
        assert_eq!(t[1], ms("2020-01-02T03:04:00Z"));
        assert_eq!(t[2], ms("2020-01-02T02:04:05.123Z"));
        let (format, t) = parse_with(&["2020-01-02 03:04:05.5 -0530"]);
        assert_eq!(format, "YYYY-MM-DD hh:mm:ss.f±hhmm");
        assert_eq!(t[0], ms("2020-01-02T08:34:05.500Z"));
    }

    #[test]
    fn offsets_can_move_the_date() {
        let (_, t) = parse_with(&["2020-01-01T23:30:00-01:00", "2020-01-01T00:30:00+01"]);
        assert_eq!(t, vec![ms("2020-01-02T00:30:00Z"), ms("2019-12-31T23:30:00Z")]);
    }

    #[test]
    fn epoch_unit_by_magnitude() {
        let (format, t) = parse_with(&["1577836800", "1577836860"]);
        assert_eq!(format, "epoch-s");
        assert_eq!(t[0], ms("2020-01-01T00:00:00Z"));
        assert_eq!(parse_with(&["1577836800000"]).0, "epoch-ms");
        assert_eq!(parse_with(&["1577836800000"]).1[0], ms("2020-01-01T00:00:00Z"));
        assert_eq!(parse_with(&["1577836800000123"]), ("epoch-us".into(), vec![ms("2020-01-01T00:00:00Z")]));
        assert_eq!(parse_with(&["1577836800000123456"]).0, "epoch-ns");
        assert_eq!(parse_with(&["1577836800.5"]).1[0], ms("2020-01-01T00:00:00.500Z"));
        // Mixed units (CryptoDataDownload files switched from s to ms) parse value by value.
        let (format, t) = parse_with(&["1577836800000", "1577836740"]);
        assert_eq!(format, "epoch-s/ms");
        assert_eq!(t[1], ms("2019-12-31T23:59:00Z"));
    }

    #[test]
    fn slash_dates_prefer_month_first_unless_a_day_exceeds_12() {
        // Both orders read these; the caller (rows.rs) settles that with the whole column.
        let (format, t) = parse_with(&["1/4/1999", "1/5/1999"]);
        assert_eq!(format, "MM/DD/YYYY");
        assert_eq!(t[0], ms("1999-01-04T00:00:00Z"));
        let (format, t) = parse_with(&["1/4/1999", "13/4/1999"]);
        assert_eq!(format, "DD/MM/YYYY");
        assert_eq!(t[0], ms("1999-04-01T00:00:00Z"));
        let day_first = Allowed { day_first: Some(true), ..Default::default() };
        let samples = [("1/4/1999", None), ("1/5/1999", None)];
        assert_eq!(detect(&samples, false, day_first).unwrap().description, "DD/MM/YYYY");
    }

    #[test]
    fn excel_serial_dates_and_named_formats() {
        let (format, t) = parse_with(&["43831", "43832.5", "43833"]);
        assert_eq!(format, "excel (days since 1899-12-30)");
        assert_eq!(t, vec![ms("2020-01-01T00:00:00Z"), ms("2020-01-02T12:00:00Z"), ms("2020-01-03T00:00:00Z")]);
        // Too large for Excel (year 2173+): epoch seconds, as before.
        assert_eq!(parse_with(&["1577836800"]).0, "epoch-s");
        let forced = Allowed { format: format_option("epoch-ms"), ..Default::default() };
        let d = detect(&[("43831", None)], false, forced).unwrap();
        assert_eq!((d.description.as_str(), d.parser.parse("43831", None)), ("epoch-ms", Some(43831.0)));
        assert_eq!(format_option("DD.MM.YYYY"), Some(TimeFormat::Date { order: Dmy, sep: Some(b'.') }));
        assert_eq!(format_option("banana"), None);
    }

    #[test]
    fn dukascopy_compact_and_12_hour_formats() {
        let (format, t) = parse_with(&["02.01.2020 13:00:00.000", "02.01.2020 13:01:00.000 GMT+0100"]);
        assert_eq!(format, "DD.MM.YYYY hh:mm:ss.fff");
        assert_eq!(t, vec![ms("2020-01-02T13:00:00Z"), ms("2020-01-02T12:01:00Z")]);
        assert_eq!(parse_with(&["20200102"]), ("YYYYMMDD".into(), vec![ms("2020-01-02T00:00:00Z")]));
        assert_eq!(parse_with(&["20200102 130509"]).1[0], ms("2020-01-02T13:05:09Z"));
        assert_eq!(parse_with(&["20200102 130509"]).0, "YYYYMMDD hhmmss");
        let (format, t) = parse_with(&["2017-07-01 11-AM", "2017-07-01 12-AM", "2017-07-01 12-PM", "2017-07-01 01-PM"]);
        assert_eq!(format, "YYYY-MM-DD hh-AM");
        let expected = ["2017-07-01T11:00:00Z", "2017-07-01T00:00:00Z", "2017-07-01T12:00:00Z", "2017-07-01T13:00:00Z"];
        assert_eq!(t, expected.map(ms).to_vec());
        assert_eq!(parse_with(&["1/4/1999 3:30:00 PM"]).1[0], ms("1999-01-04T15:30:00Z"));
    }

    #[test]
    fn split_date_and_clock_columns() {
        let samples = [("2020.01.02", Some("13:00")), ("2020.01.02", Some("13:05"))];
        let detected = detect(&samples, true, Allowed::default()).unwrap();
        assert_eq!(detected.description, "YYYY.MM.DD + hh:mm");
        assert_eq!(detected.parser.parse("2020.01.02", Some("13:05")), Some(ms("2020-01-02T13:05:00Z")));
    }

    #[test]
    fn rejects_impossible_values() {
        let detected = detect_one(&["2020-01-02"]);
        for bad in
            ["2020-02-30", "2020-13-01", "2020-01-02 24:00", "2020-01-02 10:60", "2020-01-02x", "", "2020-01-02 13"]
        {
            assert_eq!(detected.parser.parse(bad, None), None, "{bad}");
        }
        assert!(detect(&[("hello", None), ("12:00", None)], false, Allowed::default()).is_none());
        // Most, but not all, values parse: detection succeeds and the rest become bad rows.
        assert_eq!(detect_one(&["2020-01-02", "n/a", "2020-01-03"]).parsed, 2);
    }

    #[test]
    fn value_classifiers() {
        assert!(looks_like_time("2020-01-02 10:00"));
        assert!(looks_like_date_only("2020.01.02"));
        assert!(!looks_like_date_only("2020.01.02 10:00"));
        assert!(looks_like_clock("10:00"));
        assert!(!looks_like_clock("1300"));
        assert!(!looks_like_clock("1.1234"));
    }
}
