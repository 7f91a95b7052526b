//! An explicit time format, when the caller knows it (Label Studio's `timeFormat`): a strftime /
//! d3-time-format pattern such as `%Y-%m-%d %H:%M:%S`, parsed with chrono. Values without a zone
//! are UTC, like every other time the importer reads.
use crate::error::{EngineError, Result};
use chrono::format::{self, Item, Parsed, StrftimeItems};
use chrono::{NaiveTime, Utc};

/// A compiled time pattern.
#[derive(Debug, Clone)]
pub(super) enum TimePattern {
    /// `%Q`: epoch milliseconds (d3).
    EpochMs,
    /// `%s`: epoch seconds (fractions allowed).
    EpochSeconds,
    Items(Vec<Item<'static>>),
}

impl TimePattern {
    /// Compiles `pattern`; d3's `%L` (milliseconds) and `%f` (microseconds) become chrono's `%3f`
    /// and `%6f`, and its padding modifiers (`%-d`, `%_d`, `%0d`) are dropped (chrono reads
    /// numbers with or without padding). `INVALID_ARGUMENT` for an empty or unknown pattern.
    pub(super) fn compile(pattern: &str) -> Result<TimePattern> {
        let trimmed = pattern.trim();
        match trimmed {
            "" => return Err(EngineError::InvalidArgument("import option 'timeFormat' is empty".into())),
            "%Q" => return Ok(TimePattern::EpochMs),
            "%s" => return Ok(TimePattern::EpochSeconds),
            _ => {}
        }
        let translated = translate_d3(trimmed);
        let items: Vec<Item<'static>> = StrftimeItems::new(&translated)
            .map(|item| match item {
                Item::Error => Err(()),
                other => Ok(other.to_owned()),
            })
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| {
                EngineError::InvalidArgument(format!(
                    "import option 'timeFormat' '{pattern}' is not a strftime pattern this importer reads \
                     (e.g. '%Y-%m-%d', '%Y-%m-%d %H:%M:%S', '%d.%m.%Y %H:%M', '%Q', '%s')"
                ))
            })?;
        Ok(TimePattern::Items(items))
    }

    /// Epoch ms UTC, or `None` when the value does not match.
    pub(super) fn parse(&self, value: &str) -> Option<f64> {
        match self {
            TimePattern::EpochMs => value.trim().parse::<f64>().ok().filter(|v| v.is_finite()).map(f64::round),
            TimePattern::EpochSeconds => {
                value.trim().parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| (v * 1000.0).round())
            }
            TimePattern::Items(items) => {
                let mut parsed = Parsed::new();
                format::parse(&mut parsed, value.trim(), items.iter()).ok()?;
                if parsed.timestamp().is_some() {
                    return parsed.to_datetime_with_timezone(&Utc).ok().map(|t| t.timestamp_millis() as f64);
                }
                let date = parsed.to_naive_date().ok()?;
                let time = if parsed.hour_div_12().is_some() || parsed.hour_mod_12().is_some() {
                    parsed.to_naive_time().ok()?
                } else {
                    NaiveTime::MIN
                };
                // A zone in the value (`%z`) shifts the wall-clock time to UTC; none = UTC.
                let offset_ms = i64::from(parsed.offset().unwrap_or(0)) * 1000;
                Some((date.and_time(time).and_utc().timestamp_millis() - offset_ms) as f64)
            }
        }
    }
}

/// d3-time-format → chrono: `%L` → `%3f`, `%f` → `%6f`, `%-X`/`%_X`/`%0X` → `%X`, `%Z` (d3: a
/// numeric offset) → `%z`.
fn translate_d3(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if matches!(chars.peek(), Some('-' | '_' | '0')) {
            chars.next();
        }
        match chars.next() {
            Some('L') => out.push_str("%3f"),
            Some('f') => out.push_str("%6f"),
            Some('Z') => out.push_str("%z"),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(pattern: &str, value: &str) -> Option<f64> {
        TimePattern::compile(pattern).unwrap().parse(value)
    }

    #[test]
    fn dates_times_zones_and_epochs() {
        let day = 1_577_923_200_000.0; // 2020-01-02T00:00:00Z
        assert_eq!(ms("%Y-%m-%d", "2020-01-02"), Some(day));
        assert_eq!(ms("%Y-%m-%d %H:%M:%S", "2020-01-02 13:05:09"), Some(day + 47_109_000.0));
        assert_eq!(ms("%d.%m.%Y %H:%M", "02.01.2020 13:05"), Some(day + 47_100_000.0));
        assert_eq!(ms("%m/%d/%Y", "1/2/2020"), Some(day));
        assert_eq!(ms("%-m/%-d/%Y", "1/2/2020"), Some(day));
        assert_eq!(ms("%Y-%m-%dT%H:%M:%S.%L", "2020-01-02T00:00:00.250"), Some(day + 250.0));
        assert_eq!(ms("%Y-%m-%d %H:%M%Z", "2020-01-02 01:00+0100"), Some(day));
        assert_eq!(ms("%Q", "1577923200000"), Some(day));
        assert_eq!(ms("%s", "1577923200"), Some(day));
        assert_eq!(ms("%Y-%m-%d", "02.01.2020"), None);
        assert_eq!(ms("%Y-%m-%d", "2020-02-30"), None);
    }

    #[test]
    fn bad_patterns_are_invalid_arguments() {
        assert!(matches!(TimePattern::compile(""), Err(EngineError::InvalidArgument(_))));
        assert!(matches!(TimePattern::compile("%Y-%K"), Err(EngineError::InvalidArgument(_))));
    }
}
