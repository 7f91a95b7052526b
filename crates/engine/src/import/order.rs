//! Oldest-first order and the candle rules: newest-first files are reversed, then each candle is
//! checked with `candle_problem` (the same rules as `Candles::validate`), and rows whose time does
//! not fit the order are rejected, never moved or merged.
use super::rows::RawSeries;
use super::RejectedRow;
use crate::candles::{candle_problem, Candles};

/// True when consecutive rows go back in time more often than forward (over all series).
pub(super) fn is_newest_first(series: &[RawSeries]) -> bool {
    let (mut forward, mut backward) = (0usize, 0usize);
    for s in series {
        for pair in s.candles.time.windows(2) {
            if pair[1] > pair[0] {
                forward += 1;
            } else if pair[1] < pair[0] {
                backward += 1;
            }
        }
    }
    backward > forward
}

/// The series' valid candles, oldest first; every other row goes to `rejected` with its reason.
pub(super) fn valid_candles(raw: RawSeries, reverse: bool, rejected: &mut Vec<RejectedRow>) -> Candles {
    let RawSeries { mut candles, mut lines, .. } = raw;
    if reverse {
        reverse_all(&mut candles, &mut lines);
    }
    let mut keep = vec![true; candles.len()];
    for (i, kept) in keep.iter_mut().enumerate() {
        if let Some(problem) = problem_at(&candles, i, None) {
            *kept = false;
            rejected.push(RejectedRow { row: lines[i], reason: problem });
        }
    }
    reject_out_of_order(&candles, &lines, &mut keep, rejected);
    retain(&mut candles, &keep);
    candles
}

/// Among rows that pass the value rules, keeps the longest run of strictly increasing times
/// (the earliest rows when there is a choice) and rejects the rest. So a duplicate rejects the
/// second copy, and one mistyped far-future date rejects that row, not every row after it.
fn reject_out_of_order(candles: &Candles, lines: &[usize], keep: &mut [bool], rejected: &mut Vec<RejectedRow>) {
    if kept_times_increase(&candles.time, keep) {
        return; // the common case, checked in one pass without the copies below
    }
    let rows: Vec<usize> = (0..candles.len()).filter(|&i| keep[i]).collect();
    let times: Vec<f64> = rows.iter().map(|&i| candles.time[i]).collect();
    let in_order = longest_increasing(&times);
    if in_order.iter().all(|&k| k) {
        return;
    }
    let next_kept = next_kept_times(&times, &in_order);
    let mut previous_kept: Option<f64> = None;
    for (k, &i) in rows.iter().enumerate() {
        if in_order[k] {
            previous_kept = Some(times[k]);
            continue;
        }
        keep[i] = false;
        let reason = match problem_at(candles, i, previous_kept) {
            Some(problem) => {
                format!("{problem} ({} vs previous {})", iso(times[k]), iso(previous_kept.unwrap_or(f64::NAN)))
            }
            None => format!(
                "time {} is not before the next candle's time {} ({} vs next {}): rows out of order",
                times[k],
                next_kept[k],
                iso(times[k]),
                iso(next_kept[k])
            ),
        };
        rejected.push(RejectedRow { row: lines[i], reason });
    }
}

/// The times of the kept rows strictly increase.
fn kept_times_increase(times: &[f64], keep: &[bool]) -> bool {
    let mut previous = f64::NEG_INFINITY;
    for (&t, _) in times.iter().zip(keep).filter(|(_, &k)| k) {
        if t.partial_cmp(&previous) != Some(std::cmp::Ordering::Greater) {
            return false;
        }
        previous = t;
    }
    true
}

fn problem_at(c: &Candles, i: usize, previous_time: Option<f64>) -> Option<String> {
    candle_problem(c.time[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i], previous_time)
}

/// For each position, the time of the next kept row after it (NaN when none).
fn next_kept_times(times: &[f64], in_order: &[bool]) -> Vec<f64> {
    let mut next = vec![f64::NAN; times.len()];
    let mut upcoming = f64::NAN;
    for k in (0..times.len()).rev() {
        next[k] = upcoming;
        if in_order[k] {
            upcoming = times[k];
        }
    }
    next
}

/// Marks a longest strictly increasing subsequence, choosing the earliest positions among equally
/// long ones. O(n log n): `length_from[k]` is the longest increasing run starting at k (computed
/// right to left with patience sorting), then a greedy left-to-right pass takes each row that can
/// still start a run of the remaining length.
fn longest_increasing(times: &[f64]) -> Vec<bool> {
    let mut length_from = vec![0usize; times.len()];
    // best_start[len - 1] = the largest time that starts an increasing run of length `len`.
    let mut best_start: Vec<f64> = Vec::new();
    for k in (0..times.len()).rev() {
        let longer = best_start.partition_point(|&start| start > times[k]);
        length_from[k] = longer + 1;
        if longer == best_start.len() {
            best_start.push(times[k]);
        } else {
            best_start[longer] = best_start[longer].max(times[k]);
        }
    }
    let mut remaining = best_start.len();
    let mut last = f64::NEG_INFINITY;
    let mut keep = vec![false; times.len()];
    for k in 0..times.len() {
        if remaining > 0 && length_from[k] >= remaining && times[k] > last {
            keep[k] = true;
            last = times[k];
            remaining -= 1;
        }
    }
    keep
}

fn reverse_all(c: &mut Candles, lines: &mut [usize]) {
    for column in c.columns_mut() {
        column.reverse();
    }
    lines.reverse();
}

fn retain(c: &mut Candles, keep: &[bool]) {
    if keep.iter().all(|&k| k) {
        return;
    }
    for column in c.columns_mut() {
        let mut flags = keep.iter();
        column.retain(|_| *flags.next().unwrap_or(&false));
    }
}

/// `2020-01-02T13:00:00Z`, for messages next to raw epoch ms.
pub(super) fn iso(ms: f64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .filter(|_| ms.is_finite())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(times: &[f64]) -> Vec<usize> {
        longest_increasing(times).iter().enumerate().filter(|(_, &k)| k).map(|(i, _)| i).collect()
    }

    #[test]
    fn longest_increasing_keeps_the_most_rows_and_the_earliest() {
        assert_eq!(kept(&[1.0, 2.0, 3.0]), vec![0, 1, 2]);
        assert_eq!(kept(&[1.0, 2.0, 2.0, 3.0]), vec![0, 1, 3]);
        assert_eq!(kept(&[1.0, 2.0, 99.0, 3.0, 4.0]), vec![0, 1, 3, 4]);
        assert_eq!(kept(&[1.0, 2.0, 3.0, 2.5, 4.0]), vec![0, 1, 2, 4]);
        assert_eq!(kept(&[5.0, 5.0, 5.0]), vec![0]);
        assert_eq!(kept(&[3.0, 1.0, 2.0]), vec![1, 2]);
        assert_eq!(kept(&[]), Vec::<usize>::new());
    }

    fn raw(times: &[f64]) -> RawSeries {
        let mut candles = Candles::default();
        for &t in times {
            candles.push(t, 1.0, 2.0, 0.5, 1.5, 10.0);
        }
        RawSeries { symbol: None, candles, lines: (2..times.len() + 2).collect() }
    }

    #[test]
    fn out_of_order_rows_are_rejected_with_reasons() {
        let mut rejected = Vec::new();
        let candles = valid_candles(raw(&[0.0, 60_000.0, 60_000.0, 9e12, 120_000.0, 180_000.0]), false, &mut rejected);
        assert_eq!(candles.time, vec![0.0, 60_000.0, 120_000.0, 180_000.0]);
        assert_eq!(rejected.len(), 2);
        assert_eq!(rejected[0].row, 4);
        assert!(
            rejected[0].reason.starts_with("time 60000 is not after the previous candle's time 60000"),
            "{}",
            rejected[0].reason
        );
        assert!(rejected[0].reason.contains("1970-01-01T00:01:00Z vs previous 1970-01-01T00:01:00Z"));
        assert_eq!(rejected[1].row, 5);
        assert!(rejected[1].reason.contains("is not before the next candle's time 120000"), "{}", rejected[1].reason);
        candles.validate().unwrap();
    }

    #[test]
    fn newest_first_is_reversed_before_checking() {
        let series = [raw(&[3.0, 2.0, 1.0])];
        assert!(is_newest_first(&series));
        let [s] = series;
        let mut rejected = Vec::new();
        let candles = valid_candles(s, true, &mut rejected);
        assert_eq!(candles.time, vec![1.0, 2.0, 3.0]);
        assert!(rejected.is_empty());
    }
}
