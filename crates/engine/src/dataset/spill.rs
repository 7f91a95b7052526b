//! A series' feature columns parked on disk between the features stage and the dataset export:
//! training cuts each series' rows as soon as its frame is computed and spills the frame's f64
//! columns (needed again only to write the dataset file) to a temp file, so the process never
//! holds every series' frame at once. The file is unlinked as soon as it is opened (nothing is
//! left behind, even when the process dies) and its space is freed when the value is dropped.
use crate::error::{EngineError, Result};
use crate::features::FeatureFrame;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

pub struct SpilledFrame {
    file: File,
    dir: PathBuf,
    warmup: usize,
    candles: usize,
    columns: usize,
}

impl SpilledFrame {
    /// Writes `frame`'s columns from its warm-up on (column after column, f64 little-endian) to
    /// a temp file in `dir`.
    pub fn write(dir: &Path, frame: &FeatureFrame) -> Result<SpilledFrame> {
        let io = |e| EngineError::io_path("spill feature columns to a temp file in", dir, e);
        let path = dir.join(format!(".features-spill-{}", crate::registry::unique_suffix()));
        let file = File::options().read(true).write(true).create_new(true).open(&path).map_err(io)?;
        std::fs::remove_file(&path).map_err(io)?;
        let (candles, warmup) = (frame.rows(), frame.warmup.min(frame.rows()));
        let mut out = BufWriter::with_capacity(1 << 20, &file);
        for column in frame.columns() {
            for v in &column[warmup..] {
                out.write_all(&v.to_le_bytes()).map_err(io)?;
            }
        }
        out.flush().map_err(io)?;
        drop(out);
        Ok(SpilledFrame { file, dir: dir.to_path_buf(), warmup, candles, columns: frame.n_columns() })
    }

    pub fn warmup(&self) -> usize {
        self.warmup
    }

    /// Every column's values for `candles` (which lie at or after the warm-up).
    pub fn block(&self, candles: Range<usize>) -> Result<Vec<Vec<f64>>> {
        if candles.start < self.warmup || candles.end > self.candles {
            return Err(EngineError::Internal(format!(
                "candles {candles:?} outside the spilled {}..{}",
                self.warmup, self.candles
            )));
        }
        let io = |e| EngineError::io_path("read spilled feature columns from a temp file in", &self.dir, e);
        let stored = self.candles - self.warmup;
        let mut bytes = vec![0u8; candles.len() * 8];
        let mut file = &self.file;
        (0..self.columns)
            .map(|k| -> Result<Vec<f64>> {
                let offset = (k * stored + candles.start - self.warmup) * 8;
                file.seek(SeekFrom::Start(offset as u64)).map_err(io)?;
                file.read_exact(&mut bytes).map_err(io)?;
                Ok(bytes
                    .chunks_exact(8)
                    .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
                    .collect::<Vec<f64>>())
            })
            .collect()
    }
}

/// Where the export reads a series' feature columns: its frame in memory, or spilled to disk.
#[derive(Clone, Copy)]
pub enum FeatureSource<'a> {
    Memory(&'a FeatureFrame),
    Spilled(&'a SpilledFrame),
}

impl<'a> FeatureSource<'a> {
    pub fn warmup(&self) -> usize {
        match *self {
            FeatureSource::Memory(frame) => frame.warmup,
            FeatureSource::Spilled(spilled) => spilled.warmup(),
        }
    }

    /// Every column's values for `candles` (at or after the warm-up).
    pub fn block(&self, candles: Range<usize>) -> Result<Vec<Cow<'a, [f64]>>> {
        match *self {
            FeatureSource::Memory(frame) => Ok(frame.columns().map(|c| Cow::Borrowed(&c[candles.clone()])).collect()),
            FeatureSource::Spilled(spilled) => Ok(spilled.block(candles)?.into_iter().map(Cow::Owned).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spilled_frame_reads_back_the_columns_after_the_warmup() {
        let frame = FeatureFrame::from_columns(
            vec!["a".into(), "b".into()],
            vec![
                (0..10).map(|i| i as f64 + 0.25).collect(),
                (0..10).map(|i| if i == 6 { f64::NAN } else { -(i as f64) * 1e300 }).collect(),
            ],
            2,
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let spilled = SpilledFrame::write(dir.path(), &frame).unwrap();
        // Unnamed: nothing is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let block = FeatureSource::Spilled(&spilled).block(5..9).unwrap();
        let memory = FeatureSource::Memory(&frame).block(5..9).unwrap();
        assert_eq!(block.len(), 2);
        for (read, kept) in block.iter().zip(&memory) {
            assert_eq!(read.len(), 4);
            for (r, k) in read.iter().zip(kept.iter()) {
                assert_eq!(r.to_bits(), k.to_bits());
            }
        }
        assert_eq!(FeatureSource::Spilled(&spilled).warmup(), 2);
        assert!(spilled.block(1..4).is_err(), "before the warm-up");
        assert!(spilled.block(8..11).is_err(), "past the end");
    }
}
