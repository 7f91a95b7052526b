//! Temporal train / validation / test split, per series, with a purge gap.
//!
//! Each series is cut by time into three consecutive stretches (by ratios of its candles or at
//! dates). Rows whose target candle falls in the first `purge_gap` candles after a boundary are
//! dropped, so no row of a later split shares an input candle (feature look-back + window +
//! look-ahead) with a row of an earlier one. Rows are never shuffled: each split keeps time order.
//! Series named in `test_series` (leave-instruments-out) go wholly to test and nowhere else.
use crate::dataset::RowRef;
use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "method")]
pub enum SplitMethod {
    /// Fractions of each series' candles, in time order; they sum to 1.
    Ratios { train: f64, validation: f64, test: f64 },
    /// Validation starts at the first candle at/after `validation_start` (epoch ms); test at
    /// `test_start` (none: no time-based test stretch).
    Dates { validation_start: f64, test_start: Option<f64> },
}

/// Checked split settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitSpec {
    pub method: SplitMethod,
    /// Series ids that appear only in test.
    pub test_series: Vec<String>,
    /// Candles dropped after each boundary; at least the feature look-back + window + look-ahead.
    pub purge_gap: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitName {
    Train,
    Validation,
    Test,
}

impl SplitName {
    pub fn as_str(&self) -> &'static str {
        match self {
            SplitName::Train => "train",
            SplitName::Validation => "validation",
            SplitName::Test => "test",
        }
    }
}

/// One series' time line, as the split sees it.
pub struct SeriesTimeline<'a> {
    pub id: &'a str,
    pub times: &'a [f64],
}

/// Where one series was cut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesSplit {
    pub series: String,
    pub held_out: bool,
    /// First candle of the validation stretch (before the purge).
    pub validation_from: usize,
    /// First candle of the test stretch (before the purge); = candle count when none.
    pub test_from: usize,
    pub train_rows: usize,
    pub validation_rows: usize,
    pub test_rows: usize,
    pub purged_rows: usize,
}

/// Row indices of each split, in dataset (= time, per series) order.
#[derive(Debug, Clone, Default)]
pub struct SplitAssignment {
    pub train: Vec<usize>,
    pub validation: Vec<usize>,
    pub test: Vec<usize>,
    pub purged: Vec<usize>,
    /// Per row: its split, `None` when purged.
    pub of_row: Vec<Option<SplitName>>,
    pub series: Vec<SeriesSplit>,
    pub purge_gap: usize,
}

impl SplitAssignment {
    pub fn rows(&self, split: SplitName) -> &[usize] {
        match split {
            SplitName::Train => &self.train,
            SplitName::Validation => &self.validation,
            SplitName::Test => &self.test,
        }
    }
}

fn first_at_or_after(times: &[f64], t: f64) -> usize {
    times.partition_point(|&x| x < t)
}

/// Every held-out series must exist, and some series must be left to train on (`ids`: every
/// series of the run).
pub fn check_test_series(ids: &[&str], test_series: &[String]) -> Result<()> {
    for name in test_series {
        if !ids.iter().any(|id| id == name) {
            return Err(EngineError::InvalidConfig(format!(
                "split.test_series: no series '{name}' (series: {})",
                ids.join(", ")
            )));
        }
    }
    if ids.iter().all(|id| test_series.iter().any(|t| t == id)) {
        return Err(EngineError::InvalidConfig(
            "split.test_series holds out every series: nothing is left to train on".into(),
        ));
    }
    Ok(())
}

/// Assigns every row (`rows[i]` = its series and target candle) to a split.
pub fn assign(series: &[SeriesTimeline<'_>], rows: &[RowRef], spec: &SplitSpec) -> Result<SplitAssignment> {
    check_test_series(&series.iter().map(|s| s.id).collect::<Vec<_>>(), &spec.test_series)?;
    let mut out = SplitAssignment { purge_gap: spec.purge_gap, of_row: vec![None; rows.len()], ..Default::default() };
    for s in series {
        let n = s.times.len();
        let held_out = spec.test_series.iter().any(|t| t == s.id);
        let (validation_from, test_from) = if held_out {
            (0, 0)
        } else {
            match spec.method {
                SplitMethod::Ratios { train, validation, test } => {
                    let v = ((n as f64 * train).round() as usize).min(n);
                    let t =
                        if test > 0.0 { ((n as f64 * (train + validation)).round() as usize).clamp(v, n) } else { n };
                    (v, t)
                }
                SplitMethod::Dates { validation_start, test_start } => {
                    let v = first_at_or_after(s.times, validation_start);
                    let t = test_start.map_or(n, |d| first_at_or_after(s.times, d)).max(v);
                    (v, t)
                }
            }
        };
        out.series.push(SeriesSplit {
            series: s.id.to_string(),
            held_out,
            validation_from,
            test_from,
            train_rows: 0,
            validation_rows: 0,
            test_rows: 0,
            purged_rows: 0,
        });
    }
    let gap = spec.purge_gap;
    for (i, r) in rows.iter().enumerate() {
        let s = &mut out.series[r.series as usize];
        let t = r.candle as usize;
        let split = if s.held_out {
            Some(SplitName::Test)
        } else if t < s.validation_from {
            Some(SplitName::Train)
        } else if t >= s.validation_from + gap && t < s.test_from {
            Some(SplitName::Validation)
        } else if t >= s.test_from + gap {
            Some(SplitName::Test)
        } else {
            None
        };
        out.of_row[i] = split;
        match split {
            Some(SplitName::Train) => {
                s.train_rows += 1;
                out.train.push(i)
            }
            Some(SplitName::Validation) => {
                s.validation_rows += 1;
                out.validation.push(i)
            }
            Some(SplitName::Test) => {
                s.test_rows += 1;
                out.test.push(i)
            }
            None => {
                s.purged_rows += 1;
                out.purged.push(i)
            }
        }
    }
    if out.train.is_empty() {
        return Err(EngineError::InvalidConfig(
            "split: the training split is empty (series too short for the ratios/dates)".into(),
        ));
    }
    if out.validation.is_empty() {
        return Err(EngineError::InvalidConfig(
            "split: the validation split is empty (series too short, dates outside the data, or purge gap too large)"
                .into(),
        ));
    }
    Ok(out)
}
