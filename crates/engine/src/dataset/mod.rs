//! Spans + feature frames → a training table: one row per target candle (BIO) or per window
//! (windowed), each row the features of a window of candles, each row's class from the spans.
//!
//! Row for target candle `t`: the features of candles `t + L - W + 1 ..= t + L` (W = `window`,
//! L = `lookahead`, default 0: the window ends at `t`), oldest first. Windowed rows are labelled
//! by the span covering the target candle (`window_label: end`, the default) or by the most
//! frequent candle class in the window (`majority`, ties going to the target candle's class).
mod classes;
mod export;

pub use classes::{Encoding, SpanTag, BACKGROUND, BIO_OUTSIDE};
pub use export::{write_dataset, DatasetFiles, DatasetManifest, SeriesExport, SeriesManifest};

use crate::error::{EngineError, Result};
use crate::features::FeatureFrame;
use crate::models::FeatureMatrix;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowLabel {
    /// The class of the window's target (end) candle.
    End,
    /// The most frequent candle class in the window.
    Majority,
}

/// How rows are cut from a series; stored with every model so inference rebuilds the same rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowSpec {
    pub encoding: Encoding,
    /// Candles per row (W >= 1).
    pub window: usize,
    /// Candles between consecutive windowed rows (always 1 for BIO).
    pub stride: usize,
    /// Candles after the target that the row may see (L >= 0; the last L candles get no row).
    pub lookahead: usize,
    pub window_label: WindowLabel,
}

impl RowSpec {
    /// The first target candle whose window lies wholly after the feature warm-up.
    pub fn first_target(&self, warmup: usize) -> usize {
        (warmup + self.window - 1).saturating_sub(self.lookahead)
    }

    /// Target candles of a series of `n` candles, in time order.
    pub fn targets(&self, n: usize, warmup: usize) -> Vec<usize> {
        let first = self.first_target(warmup);
        if n <= self.lookahead || first + self.lookahead >= n {
            return Vec::new();
        }
        (first..n - self.lookahead).step_by(self.stride.max(1)).collect()
    }

    /// Inclusive range of candles whose features row `t` uses.
    pub fn input_candles(&self, t: usize) -> (usize, usize) {
        (t + self.lookahead + 1 - self.window, t + self.lookahead)
    }

    /// The same rows at stride 1, for inference over every candle.
    pub fn every_candle(&self) -> RowSpec {
        RowSpec {
            stride: 1,
            ..self.clone()
        }
    }
}

/// A resolved span (inclusive candle indices) of one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanLabel {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// Which series and target candle a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRef {
    pub series: u32,
    pub candle: u32,
}

/// One series going into the dataset.
pub struct SeriesRows<'a> {
    pub frame: &'a FeatureFrame,
    pub spans: &'a [SpanLabel],
}

/// The training table.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub spec: RowSpec,
    /// Class names, background first (see [`Encoding::class_names`]).
    pub class_names: Vec<String>,
    /// Pattern labels, in class order.
    pub labels: Vec<String>,
    /// Feature names of one candle (a row repeats them `window` times).
    pub feature_names: Vec<String>,
    pub x: FeatureMatrix,
    pub y: Vec<u32>,
    pub rows: Vec<RowRef>,
    /// Per series, per candle: the candle's class (BIO tag, or label for windowed).
    pub candle_classes: Vec<Vec<u32>>,
}

impl Dataset {
    pub fn class_id(&self, name: &str) -> Option<u32> {
        self.class_names.iter().position(|c| c == name).map(|i| i as u32)
    }

    pub fn class_counts(&self, rows: &[usize]) -> std::collections::BTreeMap<String, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for &r in rows {
            *counts.entry(self.class_names[self.y[r] as usize].clone()).or_insert(0) += 1;
        }
        counts
    }
}

/// Feature rows of one series for `spec` (used by training and, with `every_candle`, inference):
/// the matrix and each row's target candle. Non-finite feature values become NaN (missing).
pub fn feature_rows(frame: &FeatureFrame, spec: &RowSpec) -> Result<(FeatureMatrix, Vec<usize>)> {
    let f = frame.names.len();
    if f == 0 {
        return Err(EngineError::InvalidConfig("features: the feature set is empty".into()));
    }
    let targets = spec.targets(frame.rows(), frame.warmup);
    let mut values = Vec::with_capacity(targets.len() * f * spec.window);
    for &t in &targets {
        let (first, last) = spec.input_candles(t);
        for c in first..=last {
            for col in &frame.columns {
                let v = col[c];
                values.push(if v.is_finite() { v as f32 } else { f32::NAN });
            }
        }
    }
    Ok((
        FeatureMatrix {
            values,
            n_rows: targets.len(),
            window: spec.window,
            features_per_step: f,
        },
        targets,
    ))
}

/// Builds the table. `labels` lists the pattern labels (class order); every span's label must
/// be one of them.
pub fn build(series: &[SeriesRows<'_>], labels: &[String], spec: &RowSpec) -> Result<Dataset> {
    let feature_names = series.first().map(|s| s.frame.names.clone()).unwrap_or_default();
    if let Some(bad) = series.iter().find(|s| s.frame.names != feature_names) {
        return Err(EngineError::Internal(format!(
            "feature columns differ between series ({} vs {})",
            bad.frame.names.len(),
            feature_names.len()
        )));
    }
    let multi_candle = |label: &str| {
        series
            .iter()
            .flat_map(|s| s.spans.iter())
            .any(|s| s.label == label && s.end > s.start)
    };
    let class_names = spec.encoding.class_names(labels, multi_candle);
    let class_of = |name: &str| class_names.iter().position(|c| c == name).map(|i| i as u32);

    let mut values = Vec::new();
    let mut y = Vec::new();
    let mut rows = Vec::new();
    let mut candle_classes = Vec::with_capacity(series.len());
    for (s_idx, s) in series.iter().enumerate() {
        let n = s.frame.rows();
        let mut classes = vec![0u32; n];
        for span in s.spans {
            if span.end >= n || span.start > span.end {
                return Err(EngineError::Internal(format!(
                    "span {}..={} outside {n} candles",
                    span.start, span.end
                )));
            }
            let missing = || EngineError::Internal(format!("label '{}' is not in the class list", span.label));
            match spec.encoding {
                Encoding::Bio => {
                    classes[span.start] = class_of(&format!("B-{}", span.label)).ok_or_else(missing)?;
                    if span.end > span.start {
                        let inside = class_of(&format!("I-{}", span.label)).ok_or_else(missing)?;
                        classes[span.start + 1..=span.end].fill(inside);
                    }
                }
                Encoding::Windowed => {
                    let c = class_of(&span.label).ok_or_else(missing)?;
                    classes[span.start..=span.end].fill(c);
                }
            }
        }
        let (matrix, targets) = feature_rows(s.frame, spec)?;
        values.extend(matrix.values);
        for &t in &targets {
            let class = match (spec.encoding, spec.window_label) {
                (Encoding::Windowed, WindowLabel::Majority) => {
                    let (first, last) = spec.input_candles(t);
                    majority(&classes[first..=last], classes[t], class_names.len())
                }
                _ => classes[t],
            };
            y.push(class);
            rows.push(RowRef {
                series: s_idx as u32,
                candle: t as u32,
            });
        }
        candle_classes.push(classes);
    }
    let x = FeatureMatrix::new(values, spec.window, feature_names.len().max(1))?;
    Ok(Dataset {
        spec: spec.clone(),
        class_names,
        labels: labels.to_vec(),
        feature_names,
        x,
        y,
        rows,
        candle_classes,
    })
}

fn majority(window: &[u32], target_class: u32, n_classes: usize) -> u32 {
    let mut counts = vec![0usize; n_classes];
    for &c in window {
        counts[c as usize] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0);
    if counts[target_class as usize] == top {
        target_class
    } else {
        counts.iter().position(|&n| n == top).unwrap_or(0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(n: usize, warmup: usize) -> FeatureFrame {
        FeatureFrame {
            names: vec!["a".into(), "b".into()],
            columns: vec![
                (0..n).map(|i| i as f64).collect(),
                (0..n).map(|i| -(i as f64)).collect(),
            ],
            warmup,
        }
    }

    #[test]
    fn rows_see_only_their_window() {
        let spec = RowSpec {
            encoding: Encoding::Bio,
            window: 3,
            stride: 1,
            lookahead: 1,
            window_label: WindowLabel::End,
        };
        let f = frame(10, 2);
        let (m, targets) = feature_rows(&f, &spec).unwrap();
        // first target t: t + 1 - 3 + 1 >= 2 => t >= 3; last: t + 1 <= 9 => t <= 8
        assert_eq!(targets, (3..=8).collect::<Vec<_>>());
        assert_eq!(m.row(0), &[2.0, -2.0, 3.0, -3.0, 4.0, -4.0]);
    }

    #[test]
    fn bio_and_windowed_classes() {
        let f = frame(12, 0);
        let spans = vec![
            SpanLabel {
                start: 3,
                end: 4,
                label: "eng".into(),
            },
            SpanLabel {
                start: 7,
                end: 7,
                label: "doji".into(),
            },
        ];
        let labels = vec!["doji".to_string(), "eng".to_string()];
        let bio = RowSpec {
            encoding: Encoding::Bio,
            window: 1,
            stride: 1,
            lookahead: 0,
            window_label: WindowLabel::End,
        };
        let d = build(
            &[SeriesRows {
                frame: &f,
                spans: &spans,
            }],
            &labels,
            &bio,
        )
        .unwrap();
        assert_eq!(d.class_names, ["O", "B-doji", "B-eng", "I-eng"]);
        assert_eq!(d.y, [0, 0, 0, 2, 3, 0, 0, 1, 0, 0, 0, 0]);
        let win = RowSpec {
            encoding: Encoding::Windowed,
            window: 3,
            stride: 2,
            lookahead: 0,
            window_label: WindowLabel::Majority,
        };
        let d = build(
            &[SeriesRows {
                frame: &f,
                spans: &spans,
            }],
            &labels,
            &win,
        )
        .unwrap();
        assert_eq!(d.class_names, ["background", "doji", "eng"]);
        let targets: Vec<u32> = d.rows.iter().map(|r| r.candle).collect();
        assert_eq!(targets, [2, 4, 6, 8, 10]);
        // window 2..=4 has eng twice: majority eng; 6..=8: one doji, two background.
        assert_eq!(d.y, [0, 2, 0, 0, 0]);
    }
}
