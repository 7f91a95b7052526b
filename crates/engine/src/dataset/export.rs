//! The dataset on disk: `dataset.csv` (one line per candle with features: series, candle, time,
//! split, class, features…) written with polars, and `manifest.json` saying which series, candles
//! and labels it holds, with the CSV's SHA-256 as the training-data hash. DVC tracks the folder.
use super::{Dataset, RowSpec};
use crate::annotations::LabelReport;
use crate::error::{EngineError, Result};
use crate::features::FeatureFrame;
use crate::registry::{sha256_hex, write_atomic};
use crate::split::{SeriesSplit, SplitAssignment};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesManifest {
    pub id: String,
    pub path: String,
    pub timeframe: Option<String>,
    pub candles: usize,
    pub first_time: f64,
    pub last_time: f64,
    pub feature_warmup: usize,
    pub split: SeriesSplit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetManifest {
    pub format: u32,
    pub rows: RowSpec,
    pub class_names: Vec<String>,
    pub feature_names: Vec<String>,
    pub series: Vec<SeriesManifest>,
    pub row_count: usize,
    /// Rows per class in each split.
    pub class_counts: BTreeMap<String, BTreeMap<String, usize>>,
    pub purge_gap: usize,
    pub labels: LabelReport,
    pub csv_file: String,
    /// SHA-256 of `dataset.csv`.
    pub data_hash: String,
    pub config_hash: String,
}

pub struct DatasetFiles {
    pub csv: PathBuf,
    pub manifest: PathBuf,
    pub manifest_data: DatasetManifest,
}

/// One series' raw material for the CSV.
pub struct SeriesExport<'a> {
    pub id: &'a str,
    pub path: &'a str,
    pub timeframe: Option<&'a str>,
    pub times: &'a [f64],
    pub frame: &'a FeatureFrame,
}

fn polars_err(e: PolarsError) -> EngineError {
    EngineError::Internal(format!("writing the dataset table: {e}"))
}

/// Writes `dataset.csv` and `manifest.json` into `dir` (each replaced atomically).
pub fn write_dataset(
    dir: &Path,
    dataset: &Dataset,
    series: &[SeriesExport<'_>],
    split: &SplitAssignment,
    labels: &LabelReport,
    config_hash: &str,
) -> Result<DatasetFiles> {
    std::fs::create_dir_all(dir).map_err(|e| EngineError::io_path("create dataset folder", dir, e))?;
    // Split of each (series, candle) that is some row's target.
    let mut split_of: Vec<Vec<&str>> = series.iter().map(|s| vec![""; s.times.len()]).collect();
    for (i, r) in dataset.rows.iter().enumerate() {
        split_of[r.series as usize][r.candle as usize] = split.of_row[i].map_or("purged", |s| s.as_str());
    }
    let (mut ids, mut candles, mut times, mut splits, mut classes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let n_features = dataset.feature_names.len();
    let mut features: Vec<Vec<f64>> = vec![Vec::new(); n_features];
    for (s_idx, s) in series.iter().enumerate() {
        for c in s.frame.warmup.min(s.times.len())..s.times.len() {
            ids.push(s.id.to_string());
            candles.push(c as u32);
            times.push(s.times[c] as i64);
            splits.push(split_of[s_idx][c].to_string());
            classes.push(dataset.class_names[dataset.candle_classes[s_idx][c] as usize].clone());
            for (f, col) in s.frame.columns.iter().enumerate() {
                features[f].push(col[c]);
            }
        }
    }
    let height = ids.len();
    let mut columns = vec![
        Column::new("series".into(), ids),
        Column::new("candle".into(), candles),
        Column::new("time".into(), times),
        Column::new("split".into(), splits),
        Column::new("class".into(), classes),
    ];
    for (name, values) in dataset.feature_names.iter().zip(features) {
        columns.push(Column::new(name.as_str().into(), values));
    }
    let mut df = DataFrame::new(height, columns).map_err(polars_err)?;
    let mut csv = Vec::new();
    CsvWriter::new(&mut csv)
        .include_header(true)
        .finish(&mut df)
        .map_err(polars_err)?;
    let data_hash = sha256_hex(&csv);
    let csv_path = dir.join("dataset.csv");
    write_atomic(&csv_path, &csv)?;

    let mut class_counts = BTreeMap::new();
    for name in [
        crate::split::SplitName::Train,
        crate::split::SplitName::Validation,
        crate::split::SplitName::Test,
    ] {
        class_counts.insert(name.as_str().to_string(), dataset.class_counts(split.rows(name)));
    }
    let manifest = DatasetManifest {
        format: 1,
        rows: dataset.spec.clone(),
        class_names: dataset.class_names.clone(),
        feature_names: dataset.feature_names.clone(),
        series: series
            .iter()
            .zip(&split.series)
            .map(|(s, sp)| SeriesManifest {
                id: s.id.to_string(),
                path: s.path.to_string(),
                timeframe: s.timeframe.map(str::to_string),
                candles: s.times.len(),
                first_time: s.times.first().copied().unwrap_or(f64::NAN),
                last_time: s.times.last().copied().unwrap_or(f64::NAN),
                feature_warmup: s.frame.warmup,
                split: sp.clone(),
            })
            .collect(),
        row_count: dataset.rows.len(),
        class_counts,
        purge_gap: split.purge_gap,
        labels: labels.clone(),
        csv_file: "dataset.csv".into(),
        data_hash,
        config_hash: config_hash.to_string(),
    };
    let manifest_path = dir.join("manifest.json");
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| EngineError::Internal(e.to_string()))?;
    write_atomic(&manifest_path, &json)?;
    Ok(DatasetFiles {
        csv: csv_path,
        manifest: manifest_path,
        manifest_data: manifest,
    })
}
