//! The dataset on disk, streamed a block of candles at a time (never the whole table in
//! memory): `dataset.csv` (one line per candle with features: series, candle, time, split, class,
//! features…) written with polars' CSV writer, hashed as it is written, and `manifest.json`
//! saying which series, candles and labels it holds, with the CSV's SHA-256 as the
//! training-data hash. DVC tracks the folder.
use super::spill::FeatureSource;
use super::{Dataset, RowSpec};
use crate::annotations::LabelReport;
use crate::error::{EngineError, Result};
use crate::registry::{hex_digest, write_atomic, write_atomic_with};
use crate::split::{SeriesSplit, SplitAssignment};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Candles per block (one CSV append): bounds what the export holds in memory to one block's
/// columns (≈ 40 MB at 78 features), whatever the series' length.
const BLOCK_CANDLES: usize = 65_536;

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
    pub features: FeatureSource<'a>,
}

fn polars_err(e: PolarsError) -> EngineError {
    EngineError::Internal(format!("writing the dataset table: {e}"))
}

/// A writer that hashes what passes through it (the CSV's SHA-256 without reading it back).
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The table's columns for candles `candles` of one series: `split` names each candle's split
/// ("" where the candle is no row's target).
fn block_frame(
    dataset: &Dataset,
    s_idx: usize,
    s: &SeriesExport<'_>,
    split: &[&str],
    candles: std::ops::Range<usize>,
) -> Result<DataFrame> {
    let height = candles.len();
    let classes = &dataset.candle_classes[s_idx];
    let mut columns = vec![
        Column::new("series".into(), vec![s.id; height]),
        Column::new("candle".into(), candles.clone().map(|c| c as u32).collect::<Vec<_>>()),
        Column::new("time".into(), s.times[candles.clone()].iter().map(|&t| t as i64).collect::<Vec<_>>()),
        Column::new("split".into(), &split[candles.clone()]),
        Column::new(
            "class".into(),
            candles.clone().map(|c| dataset.class_names[classes[c] as usize].as_str()).collect::<Vec<_>>(),
        ),
    ];
    for (name, col) in dataset.feature_names.iter().zip(s.features.block(candles)?) {
        columns.push(Column::new(name.as_str().into(), &*col));
    }
    DataFrame::new(height, columns).map_err(polars_err)
}

/// Writes `dataset.csv` and `manifest.json` into `dir` (each replaced atomically), the CSV one
/// block of candles at a time.
pub fn write_dataset(
    dir: &Path,
    dataset: &Dataset,
    series: &[SeriesExport<'_>],
    split: &SplitAssignment,
    labels: &LabelReport,
    config_hash: &str,
) -> Result<DatasetFiles> {
    write_in_blocks(dir, dataset, series, split, labels, config_hash, BLOCK_CANDLES)
}

fn write_in_blocks(
    dir: &Path,
    dataset: &Dataset,
    series: &[SeriesExport<'_>],
    split: &SplitAssignment,
    labels: &LabelReport,
    config_hash: &str,
    block_candles: usize,
) -> Result<DatasetFiles> {
    std::fs::create_dir_all(dir).map_err(|e| EngineError::io_path("create dataset folder", dir, e))?;
    // Split of each (series, candle) that is some row's target.
    let mut split_of: Vec<Vec<&str>> = series.iter().map(|s| vec![""; s.times.len()]).collect();
    for (i, r) in dataset.rows.iter().enumerate() {
        split_of[r.series as usize][r.candle as usize] = split.of_row[i].map_or("purged", |s| s.as_str());
    }
    // (series, candles) of every block, in table order; an empty table still gets its header.
    let mut blocks: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for (s_idx, s) in series.iter().enumerate() {
        let n = s.times.len();
        let mut first = s.features.warmup().min(n);
        while first < n {
            let end = (first + block_candles).min(n);
            blocks.push((s_idx, first..end));
            first = end;
        }
    }
    if let (true, Some(s)) = (blocks.is_empty(), series.first()) {
        let first = s.features.warmup().min(s.times.len());
        blocks.push((0, first..first));
    }

    let csv_path = dir.join("dataset.csv");
    let data_hash = write_atomic_with(&csv_path, |csv_file, csv_tmp| {
        let mut csv = HashingWriter { inner: BufWriter::with_capacity(1 << 20, csv_file), hasher: Sha256::new() };
        for (i, (s_idx, candles)) in blocks.iter().enumerate() {
            let mut df = block_frame(dataset, *s_idx, &series[*s_idx], &split_of[*s_idx], candles.clone())?;
            CsvWriter::new(&mut csv).include_header(i == 0).finish(&mut df).map_err(polars_err)?;
        }
        csv.flush().map_err(|e| EngineError::io_path("write", csv_tmp, e))?;
        Ok(hex_digest(csv.hasher))
    })?;

    let mut class_counts = BTreeMap::new();
    for name in [crate::split::SplitName::Train, crate::split::SplitName::Validation, crate::split::SplitName::Test] {
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
                feature_warmup: s.features.warmup(),
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
    Ok(DatasetFiles { csv: csv_path, manifest: manifest_path, manifest_data: manifest })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{build, Encoding, SeriesRows, SpanLabel, SpilledFrame, WindowLabel};
    use crate::features::FeatureFrame;
    use crate::split::{assign, SeriesTimeline, SplitMethod, SplitSpec};

    fn frame(n: usize, warmup: usize, shift: f64) -> FeatureFrame {
        FeatureFrame::from_columns(
            vec!["a".into(), "b".into()],
            vec![
                (0..n).map(|i| i as f64 * 0.5 + shift).collect(),
                (0..n).map(|i| if i % 7 == 0 { f64::NAN } else { -(i as f64) / 3.0 }).collect(),
            ],
            warmup,
        )
        .unwrap()
    }

    /// Writes two series in blocks of `block` candles (their feature columns spilled to disk or
    /// kept in memory); returns the CSV text and the manifest.
    fn export(dir: &Path, block: usize, spill: bool) -> (String, DatasetManifest) {
        let frames = [frame(40, 3, 0.0), frame(25, 5, 100.0)];
        let times: Vec<Vec<f64>> = frames.iter().map(|f| (0..f.rows()).map(|i| 6e4 * i as f64).collect()).collect();
        let spans = [
            vec![SpanLabel { start: 10, end: 12, label: "eng".into() }],
            vec![SpanLabel { start: 20, end: 20, label: "doji".into() }],
        ];
        let spec = RowSpec {
            encoding: Encoding::Bio,
            window: 1,
            stride: 1,
            lookahead: 0,
            window_label: WindowLabel::End,
            context: 0,
        };
        let rows: Vec<SeriesRows<'_>> = frames
            .iter()
            .zip(&spans)
            .map(|(frame, spans)| SeriesRows { frame, spans: spans.as_slice(), candles: None })
            .collect();
        let data = build(&rows, &["doji".to_string(), "eng".to_string()], &spec).unwrap();
        let ids = ["AAA", "BBB"];
        let timelines: Vec<SeriesTimeline<'_>> =
            ids.iter().zip(&times).map(|(&id, t)| SeriesTimeline { id, times: t }).collect();
        let split_spec = SplitSpec {
            method: SplitMethod::Ratios { train: 0.6, validation: 0.2, test: 0.2 },
            test_series: vec![],
            purge_gap: 2,
        };
        let assignment = assign(&timelines, &data.rows, &split_spec).unwrap();
        let spilled: Vec<SpilledFrame> = frames.iter().map(|f| SpilledFrame::write(dir, f).unwrap()).collect();
        let exports: Vec<SeriesExport<'_>> = frames
            .iter()
            .zip(&spilled)
            .zip(&times)
            .zip(ids)
            .map(|(((frame, spilled), times), id)| SeriesExport {
                id,
                path: "x.csv",
                timeframe: None,
                times,
                features: if spill { FeatureSource::Spilled(spilled) } else { FeatureSource::Memory(frame) },
            })
            .collect();
        let files = write_in_blocks(dir, &data, &exports, &assignment, &LabelReport::default(), "cfg", block).unwrap();
        let csv = std::fs::read_to_string(&files.csv).unwrap();
        (csv, files.manifest_data)
    }

    #[test]
    fn blocks_write_the_table_whole() {
        let (small, large) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        // Blocks of 4 candles (series cut mid-way, blocks ending at series ends) read from the
        // spilled columns, against one block per series read from memory.
        let (csv, manifest) = export(small.path(), 4, true);
        let (csv_whole, _) = export(large.path(), 1 << 20, false);
        assert_eq!(csv, csv_whole, "the CSV does not depend on the block size or the column source");
        assert_eq!(manifest.data_hash, crate::registry::sha256_hex(csv.as_bytes()));
        // The spill files are gone.
        let names: Vec<String> =
            std::fs::read_dir(small.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        assert_eq!(names.len(), 2, "{names:?}");

        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "series,candle,time,split,class,a,b");
        // Every candle from each series' warm-up on, once, in order, with its values.
        assert_eq!(lines.len(), 1 + (40 - 3) + (25 - 5));
        let cells = |i: usize| lines[1 + i].split(',').map(str::to_string).collect::<Vec<_>>();
        for i in 0..lines.len() - 1 {
            let (id, c, shift) = if i < 37 { ("AAA", i + 3, 0.0) } else { ("BBB", i - 37 + 5, 100.0) };
            let row = cells(i);
            assert_eq!((row[0].as_str(), row[1].parse::<usize>().unwrap()), (id, c));
            assert_eq!(row[2].parse::<f64>().unwrap(), 6e4 * c as f64);
            assert_eq!(row[5].parse::<f64>().unwrap(), c as f64 * 0.5 + shift);
            if c % 7 == 0 {
                assert!(row[6].is_empty() || row[6].eq_ignore_ascii_case("nan"), "{row:?}");
            } else {
                assert_eq!(row[6].parse::<f64>().unwrap(), -(c as f64) / 3.0);
            }
        }
        // The spans' candles carry their tags.
        assert_eq!(cells(10 - 3)[4], "B-eng");
        assert_eq!(cells(12 - 3)[4], "I-eng");
        assert_eq!(cells(37 + 20 - 5)[4], "B-doji");
    }
}
