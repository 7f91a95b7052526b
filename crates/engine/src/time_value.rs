//! Times in span files and imports: the one parser of a single time value, used by the engine's
//! span reader (`annotations`) and, through the addon, by the web app's span import.
//!
//! (The CSV importer's `import/time.rs` is a different job: it detects one format for a whole
//! column — day-first or month-first decided over every row — and then reads the column fast.)
use serde::{Deserialize, Serialize};

use crate::annotations::TimeValue;

/// What a number in an import means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// By magnitude: |v| >= 1e11 is epoch ms, >= 1e8 epoch seconds, otherwise a candle index.
    #[default]
    Auto,
    /// Epoch milliseconds.
    Ms,
    /// Epoch seconds.
    S,
    /// A candle index of the target dataset (0-based).
    Index,
}

/// Epoch milliseconds of a formatted date, read as UTC unless it carries a zone:
/// - ISO 8601 and its common variants: `YYYY-MM-DD` or `YYYY/MM/DD`, optionally followed by `T`
///   or a space and `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fff…` (digits past milliseconds are
///   dropped), optionally followed by `Z` or an offset `±hh:mm` / `±hhmm`;
/// - US `M/D/YYYY`, optionally with ` hh:mm[:ss]` (Label Studio and spreadsheet exports).
///
/// `None` when the text is none of these or names no real date or time (`2021-02-30`, `25:00`).
/// Reads each character once.
pub fn parse_date_utc(text: &str) -> Option<f64> {
    let mut c = Cursor { s: text.trim().as_bytes(), at: 0 };
    let (year, month, day) = if matches!(c.s.get(4), Some(b'-' | b'/')) {
        let y = c.digits(4, 4)?;
        c.one_of(b"-/")?;
        let m = c.digits(1, 2)?;
        c.one_of(b"-/")?;
        (y, m, c.digits(1, 2)?)
    } else {
        let m = c.digits(1, 2)?;
        c.one_of(b"/")?;
        let d = c.digits(1, 2)?;
        c.one_of(b"/")?;
        (c.digits(4, 4)?, m, d)
    };
    let date = chrono::NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let (mut hour, mut minute, mut second, mut milli) = (0, 0, 0, 0);
    if c.peek().is_some_and(|b| matches!(b, b'T' | b't' | b' ')) && c.s.get(c.at + 1).is_some_and(u8::is_ascii_digit) {
        c.at += 1;
        hour = c.digits(1, 2)?;
        c.one_of(b":")?;
        minute = c.digits(2, 2)?;
        if c.peek() == Some(b':') {
            c.at += 1;
            second = c.digits(2, 2)?;
            if c.peek() == Some(b'.') {
                c.at += 1;
                let start = c.at;
                c.digits(1, 9)?;
                let frac = &c.s[start..c.at];
                milli = frac.iter().take(3).fold(0, |ms, d| ms * 10 + u32::from(d - b'0'));
                milli *= 10u32.pow(3u32.saturating_sub(frac.len() as u32));
            }
        }
    }
    let time = chrono::NaiveTime::from_hms_milli_opt(hour, minute, second, milli)?;
    while c.peek() == Some(b' ') {
        c.at += 1;
    }
    let offset_minutes = match c.peek() {
        None => 0,
        Some(b'Z' | b'z') => {
            c.at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.at += 1;
            let h = c.digits(2, 2)?;
            if c.peek() == Some(b':') {
                c.at += 1;
            }
            let m = c.digits(2, 2)?;
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = (h * 60 + m) as i64;
            if sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        Some(_) => return None,
    };
    if c.at != c.s.len() {
        return None;
    }
    let utc = date.and_time(time).and_utc().timestamp_millis() - offset_minutes * 60_000;
    Some(utc as f64)
}

/// A span boundary from an import as epoch milliseconds. A number (or a numeric string, digits
/// with an optional sign and decimals) means what `unit` says; other text is a date
/// ([`parse_date_utc`]). `candle_times`: the target dataset's candle times, for indices.
pub fn resolve_time_value(value: &TimeValue, candle_times: &[f64], unit: TimeUnit) -> Result<f64, String> {
    let n = match value {
        TimeValue::Millis(n) => *n,
        TimeValue::Text(text) if is_plain_number(text.trim()) => {
            text.trim().parse::<f64>().map_err(|e| e.to_string())?
        }
        TimeValue::Text(text) => {
            return parse_date_utc(text).ok_or_else(|| format!("\"{text}\" is not a date or number"))
        }
    };
    if !n.is_finite() {
        return Err(format!("{n} is not a finite number"));
    }
    let as_index = || {
        if n.fract() != 0.0 || n < 0.0 || n >= candle_times.len() as f64 {
            let last = candle_times.len() as i64 - 1;
            return Err(format!("index {n} is outside the dataset (0–{last})"));
        }
        Ok(candle_times[n as usize])
    };
    match unit {
        TimeUnit::Ms => Ok(n.round()),
        TimeUnit::S => Ok((n * 1000.0).round()),
        TimeUnit::Index => as_index(),
        TimeUnit::Auto if n.abs() >= 1e11 => Ok(n.round()),
        TimeUnit::Auto if n.abs() >= 1e8 => Ok((n * 1000.0).round()),
        TimeUnit::Auto => as_index(),
    }
}

/// `[+-]digits[.digits]`: what an import means by a number written as text.
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (whole, frac) = body.split_once('.').unwrap_or((body, "0"));
    !whole.is_empty() && !frac.is_empty() && (whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
}

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    /// `min..=max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        while self.at - start < max && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        let run = &self.s[start..self.at];
        (run.len() >= min)
            .then(|| run.iter().fold(0u32, |v, d| v.saturating_mul(10).saturating_add(u32::from(d - b'0'))))
    }

    fn one_of(&mut self, bytes: &[u8]) -> Option<()> {
        self.peek().filter(|b| bytes.contains(b))?;
        self.at += 1;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> f64 {
        chrono::NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_milli_opt(h, mi, s, ms)
            .unwrap()
            .and_utc()
            .timestamp_millis() as f64
    }
    fn day(y: i32, mo: u32, d: u32) -> f64 {
        utc(y, mo, d, 0, 0, 0, 0)
    }

    #[test]
    fn dates_read_as_utc_with_or_without_a_zone() {
        assert_eq!(parse_date_utc("2024-01-02"), Some(day(2024, 1, 2)));
        assert_eq!(parse_date_utc(" 2024/1/2 "), Some(day(2024, 1, 2)));
        assert_eq!(parse_date_utc("2024-01-02T10:30:00Z"), Some(utc(2024, 1, 2, 10, 30, 0, 0)));
        assert_eq!(parse_date_utc("2024-01-02 10:30"), Some(utc(2024, 1, 2, 10, 30, 0, 0)));
        assert_eq!(parse_date_utc("2024-01-02T10:30:00+02:00"), Some(utc(2024, 1, 2, 8, 30, 0, 0)));
        assert_eq!(parse_date_utc("2024-01-02T10:30:00-0130"), Some(utc(2024, 1, 2, 12, 0, 0, 0)));
        assert_eq!(parse_date_utc("2024-01-02T10:30:00.250Z"), Some(utc(2024, 1, 2, 10, 30, 0, 250)));
        assert_eq!(parse_date_utc("2024-01-02T10:30:00.25"), Some(utc(2024, 1, 2, 10, 30, 0, 250)));
        assert_eq!(parse_date_utc("2024-01-02T10:30:00.123456789Z"), Some(utc(2024, 1, 2, 10, 30, 0, 123)));
        assert_eq!(parse_date_utc("2024-01-02 10:30:00 Z"), Some(utc(2024, 1, 2, 10, 30, 0, 0)));
    }

    #[test]
    fn us_month_day_year() {
        assert_eq!(parse_date_utc("1/4/1999"), Some(day(1999, 1, 4)));
        assert_eq!(parse_date_utc("12/31/1999 23:59"), Some(utc(1999, 12, 31, 23, 59, 0, 0)));
        assert_eq!(parse_date_utc("12/31/1999 23:59:58"), Some(utc(1999, 12, 31, 23, 59, 58, 0)));
    }

    #[test]
    fn garbage_and_impossible_dates_are_none() {
        for text in [
            "yesterday",
            "",
            "2024-13-01",
            "2021-02-30",
            "2024-01-02T25:00",
            "2024-01-02T10:60",
            "2024-01-02T10:30:00+25:00",
            "2024-01-02X",
            "2024-01-02T10",
            "13/32/2020",
            "2024-01-02T10:30:00.Z",
            "99999-01-01",
        ] {
            assert_eq!(parse_date_utc(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_long_input_is_refused_in_one_pass() {
        let long = format!("2024-01-02T10:30:00.{}", "1".repeat(1_000_000));
        assert_eq!(parse_date_utc(&long), None);
    }

    #[test]
    fn numbers_by_unit_and_magnitude() {
        let times = [day(2024, 1, 1), day(2024, 1, 2), day(2024, 1, 3)];
        let auto = |v: TimeValue| resolve_time_value(&v, &times, TimeUnit::Auto);
        assert_eq!(auto(TimeValue::Millis(times[1])), Ok(times[1]));
        assert_eq!(auto(TimeValue::Millis(times[1] / 1000.0)), Ok(times[1]));
        assert_eq!(auto(TimeValue::Millis(2.0)), Ok(times[2]));
        assert_eq!(auto(TimeValue::Text("2".into())), Ok(times[2]));
        assert_eq!(auto(TimeValue::Text("2024-01-03".into())), Ok(times[2]));
        let with = |v: f64, unit| resolve_time_value(&TimeValue::Millis(v), &times, unit);
        assert_eq!(with(5.0, TimeUnit::Ms), Ok(5.0));
        assert_eq!(with(5.0, TimeUnit::S), Ok(5000.0));
        assert_eq!(with(0.0, TimeUnit::Index), Ok(times[0]));
    }

    #[test]
    fn errors_name_the_problem() {
        let times = [day(2024, 1, 1), day(2024, 1, 2), day(2024, 1, 3)];
        let err = |v: TimeValue| resolve_time_value(&v, &times, TimeUnit::Auto).unwrap_err();
        assert!(err(TimeValue::Millis(7.0)).contains("outside the dataset (0–2)"));
        assert!(err(TimeValue::Millis(1.5)).contains("outside the dataset"));
        assert!(err(TimeValue::Text("soon".into())).contains("not a date or number"));
        assert!(err(TimeValue::Text("1e12".into())).contains("not a date or number"));
        assert!(err(TimeValue::Millis(f64::NAN)).contains("not a finite number"));
    }
}
