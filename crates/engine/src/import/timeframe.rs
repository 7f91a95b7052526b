//! The timeframe of a series: the most common gap between consecutive candles, named.
use std::collections::HashMap;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;

/// Calendar buckets: gaps that vary with the calendar count as one gap size. The value is the
/// representative gap used to break ties (smaller wins) and to name the bucket.
const CALENDAR_BUCKETS: [(i64, i64, i64, &str); 3] = [
    (28 * DAY, 31 * DAY, 30 * DAY, "1M"),
    (89 * DAY, 92 * DAY, 91 * DAY, "3M"),
    (365 * DAY, 366 * DAY, 365 * DAY, "1y"),
];

/// The name of the most common positive gap (the mode; ties go to the smaller gap), so weekends
/// and holidays in daily data still give `1d`. `None` for fewer than two candles or a gap that is
/// not a whole number of seconds.
pub fn infer_timeframe(times: &[f64]) -> Option<String> {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    // Regular data repeats one gap for long runs: count a run, then add it to the table once.
    let (mut run_gap, mut run_length) = (0_i64, 0_usize);
    for pair in times.windows(2) {
        let gap = (pair[1] - pair[0]).round() as i64;
        if gap == run_gap {
            run_length += 1;
            continue;
        }
        if run_gap > 0 {
            *counts.entry(bucket(run_gap)).or_default() += run_length;
        }
        (run_gap, run_length) = (gap, 1);
    }
    if run_gap > 0 {
        *counts.entry(bucket(run_gap)).or_default() += run_length;
    }
    let (gap, _) = counts.into_iter().max_by_key(|&(gap, count)| (count, std::cmp::Reverse(gap)))?;
    timeframe_name(gap)
}

/// The gap, or the representative gap of its calendar bucket (months, quarters, years).
pub(super) fn bucket(gap: i64) -> i64 {
    let whole_days = gap % DAY == 0;
    CALENDAR_BUCKETS
        .iter()
        .find(|&&(low, high, _, _)| whole_days && (low..=high).contains(&gap))
        .map_or(gap, |&(_, _, representative, _)| representative)
}

/// `1m`, `5m`, `1h`, `4h`, `1d`, `1w`, `1M`, …: the largest unit that divides the gap evenly
/// (weeks, days, hours, minutes, seconds), so unusual gaps get names like `17m` or `90s`.
pub fn timeframe_name(gap_ms: i64) -> Option<String> {
    if let Some(&(_, _, _, name)) = CALENDAR_BUCKETS.iter().find(|b| b.2 == gap_ms) {
        return Some(name.to_string());
    }
    let units = [(WEEK, "w"), (DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (SECOND, "s")];
    units
        .iter()
        .find(|&&(unit, _)| gap_ms > 0 && gap_ms % unit == 0)
        .map(|&(unit, suffix)| format!("{}{suffix}", gap_ms / unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every(gap: i64, n: usize) -> Vec<f64> {
        (0..n).map(|i| (i as i64 * gap) as f64).collect()
    }

    #[test]
    fn names_the_usual_timeframes() {
        let cases = [
            (MINUTE, "1m"),
            (3 * MINUTE, "3m"),
            (5 * MINUTE, "5m"),
            (15 * MINUTE, "15m"),
            (30 * MINUTE, "30m"),
            (HOUR, "1h"),
            (2 * HOUR, "2h"),
            (4 * HOUR, "4h"),
            (6 * HOUR, "6h"),
            (12 * HOUR, "12h"),
            (DAY, "1d"),
            (WEEK, "1w"),
            (17 * MINUTE, "17m"),
            (90 * SECOND, "90s"),
            (2 * WEEK, "2w"),
        ];
        for (gap, name) in cases {
            assert_eq!(infer_timeframe(&every(gap, 5)).as_deref(), Some(name), "{gap}");
        }
        assert_eq!(infer_timeframe(&every(1500, 5)), None);
        assert_eq!(infer_timeframe(&[1.0]), None);
        assert_eq!(infer_timeframe(&[]), None);
    }

    #[test]
    fn weekends_do_not_change_daily() {
        // Mon..Fri, then the next Mon..Fri: four 1-day gaps, one 3-day gap, four 1-day gaps.
        let days = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11];
        let times: Vec<f64> = days.iter().map(|d| (d * DAY) as f64).collect();
        assert_eq!(infer_timeframe(&times).as_deref(), Some("1d"));
    }

    #[test]
    fn calendar_months_quarters_and_years() {
        let month_starts = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
        let times: Vec<f64> = month_starts.iter().map(|d| (d * DAY) as f64).collect();
        assert_eq!(infer_timeframe(&times).as_deref(), Some("1M"));
        let quarters: Vec<f64> = [0, 90, 181, 273, 365].iter().map(|d| (d * DAY) as f64).collect();
        assert_eq!(infer_timeframe(&quarters).as_deref(), Some("3M"));
        let years: Vec<f64> = [0, 365, 731, 1096].iter().map(|d| (d * DAY) as f64).collect();
        assert_eq!(infer_timeframe(&years).as_deref(), Some("1y"));
    }
}
