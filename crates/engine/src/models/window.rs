//! The window model: features of each row's normalised price context (`RowSpec::context` candles
//! of close/open/high/low/volume, see `dataset::context_block`) next to the row's standard
//! features, with a LightGBM head. The context features are of two kinds:
//!
//! - **swing structure**: the highest high / lowest low of the last 5, 10, 20, 40, ... candles
//!   and how long ago they were, and the last pivots of a zigzag at two swing sizes (1.5 and 3
//!   mean candle ranges): their levels relative to the last close, their ages, their kinds, and
//!   the level differences chart patterns are made of (two tops alike, a neckline below);
//! - **MiniRocket-style random convolutions** (below).
//!
//! MiniRocket (Dempster et al., 2021): the 84 kernels of length 9 whose weights are -1 except
//! three taps of +2, each applied at a few dilations (exponentially spaced up to the context
//! length), each kernel-dilation pair on a seeded random subset of the channels (summed); biases
//! are quantiles of that convolution's output on training rows; a feature is the proportion of
//! positions whose output exceeds a bias (PPV). No training of the convolutions, no autodiff: the
//! transform costs a few milliseconds per thousand rows, and the head learns which shapes matter.
//! Why this design and its figures: `docs/decisions.md`.
use super::{lightgbm, BoostedTreeParams, DatasetView, FeatureMatrix, Fitted, FittedModel, ModelKind, Probabilities};
use crate::balance::SplitMix64;
use crate::error::{EngineError, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The window model's checked parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowParams {
    /// The LightGBM head.
    pub head: BoostedTreeParams,
    /// Candles of price context per row.
    pub context: usize,
}

const KERNEL_LENGTH: usize = 9;
const BIASES_PER_KERNEL: usize = 1;
/// Look-backs (candles) of the highest-high / lowest-low features, those below the context length.
const EXTREME_SPANS: [usize; 6] = [5, 10, 20, 40, 80, 160];
/// Zigzag swing sizes, in mean candle ranges of the context.
const ZIGZAG_SIZES: [f32; 2] = [1.5, 3.0];
/// Pivots per zigzag described.
const PIVOTS: usize = 5;
const MAX_DILATIONS: usize = 5;
/// Training rows whose convolution outputs give the biases' quantiles.
const BIAS_SAMPLES: usize = 1;

/// The 84 MiniRocket kernels: the positions of their three +2 taps.
fn kernels() -> Vec<[usize; 3]> {
    let mut out = Vec::with_capacity(84);
    for a in 0..KERNEL_LENGTH {
        for b in a + 1..KERNEL_LENGTH {
            for c in b + 1..KERNEL_LENGTH {
                out.push([a, b, c]);
            }
        }
    }
    out
}

/// Dilations 1 ..= (length - 1) / 8, exponentially spaced, without repeats.
fn dilations(length: usize) -> Vec<usize> {
    let max_exponent = ((length.saturating_sub(1)) as f64 / (KERNEL_LENGTH - 1) as f64).max(1.0).log2();
    let mut out: Vec<usize> = (0..MAX_DILATIONS)
        .map(|i| 2f64.powf(max_exponent * i as f64 / (MAX_DILATIONS - 1) as f64).floor() as usize)
        .collect();
    out.dedup();
    out
}

/// The fitted transform, saved with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RocketTransform {
    pub length: usize,
    pub channels: usize,
    pub dilations: Vec<usize>,
    /// Per (kernel, dilation) pair, kernel-major: the channels it sums.
    pub channel_sets: Vec<Vec<usize>>,
    /// Per pair: its BIASES_PER_KERNEL biases.
    pub biases: Vec<Vec<f32>>,
    /// Standard feature columns before the convolution features.
    pub base_columns: usize,
}

/// Swing-structure features of one context row (channels: close, open, high, low, volume;
/// prices relative to the last close in mean-range units).
fn structure_features(row: &[f32], length: usize, channels: usize, out: &mut [f32]) {
    let at = |t: usize, c: usize| row[t * channels + c];
    let (close, high, low) = (0, 2, 3);
    let last = length - 1;
    let mut k = 0;
    for &span in EXTREME_SPANS.iter().filter(|&&s| s < length) {
        let (mut hi, mut hi_at, mut lo, mut lo_at) = (f32::NEG_INFINITY, 0, f32::INFINITY, 0);
        for t in last - span..last {
            if at(t, high) >= hi {
                hi = at(t, high);
                hi_at = t;
            }
            if at(t, low) <= lo {
                lo = at(t, low);
                lo_at = t;
            }
        }
        let prev_close = at(last - 1, close);
        out[k..k + 6].copy_from_slice(&[
            hi,
            lo,
            (last - hi_at) as f32 / span as f32,
            (last - lo_at) as f32 / span as f32,
            prev_close - lo,
            hi - prev_close,
        ]);
        k += 6;
    }
    for &size in &ZIGZAG_SIZES {
        let pivots = zigzag(row, length, channels, size);
        // The last PIVOTS pivots, newest first: level, age, kind (+1 top, -1 bottom).
        for i in 0..PIVOTS {
            let (level, age, kind) = match pivots.len().checked_sub(i + 1).map(|j| pivots[j]) {
                Some((t, level, kind)) => (level, (last - t) as f32 / length as f32, kind),
                None => (f32::NAN, f32::NAN, 0.0),
            };
            out[k..k + 3].copy_from_slice(&[level, age, kind]);
            k += 3;
        }
        // Pattern-shaped differences: the last two like pivots (tops alike), and the two before.
        let level = |i: usize| pivots.len().checked_sub(i + 1).map_or(f32::NAN, |j| pivots[j].1);
        out[k..k + 3].copy_from_slice(&[level(0) - level(2), level(1) - level(3), level(2) - level(4)]);
        k += 3;
    }
}

/// Zigzag pivots of a context row: (candle, price, +1 top / -1 bottom), each confirmed by a move
/// of `size` mean ranges away from it; the still-open extreme comes last.
fn zigzag(row: &[f32], length: usize, channels: usize, size: f32) -> Vec<(usize, f32, f32)> {
    let (high, low) = (2, 3);
    let at = |t: usize, c: usize| row[t * channels + c];
    let mut pivots = Vec::new();
    let mut direction = 0i8;
    let (mut hi_at, mut lo_at) = (0usize, 0usize);
    for t in 0..length {
        if at(t, high) > at(hi_at, high) || (direction == 1 && at(t, high) >= at(hi_at, high)) {
            hi_at = t;
        }
        if at(t, low) < at(lo_at, low) || (direction == -1 && at(t, low) <= at(lo_at, low)) {
            lo_at = t;
        }
        match direction {
            1 if at(hi_at, high) - at(t, low) >= size => {
                pivots.push((hi_at, at(hi_at, high), 1.0));
                direction = -1;
                lo_at = t;
            }
            -1 if at(t, high) - at(lo_at, low) >= size => {
                pivots.push((lo_at, at(lo_at, low), -1.0));
                direction = 1;
                hi_at = t;
            }
            0 if at(hi_at, high) - at(t, low) >= size && hi_at < t => {
                pivots.push((hi_at, at(hi_at, high), 1.0));
                direction = -1;
                lo_at = t;
            }
            0 if at(t, high) - at(lo_at, low) >= size && lo_at < t => {
                pivots.push((lo_at, at(lo_at, low), -1.0));
                direction = 1;
                hi_at = t;
            }
            _ => {}
        }
    }
    match direction {
        1 => pivots.push((hi_at, at(hi_at, high), 1.0)),
        -1 => pivots.push((lo_at, at(lo_at, low), -1.0)),
        _ => {}
    }
    pivots
}

fn n_structure_features(length: usize) -> usize {
    6 * EXTREME_SPANS.iter().filter(|&&s| s < length).count() + ZIGZAG_SIZES.len() * (3 * PIVOTS + 3)
}

impl RocketTransform {
    pub fn n_features(&self) -> usize {
        n_structure_features(self.length) + self.biases.len() * BIASES_PER_KERNEL
    }

    /// Convolution output of one (kernel, dilation) pair over one row's context.
    fn convolve(&self, row: &[f32], kernel: [usize; 3], dilation: usize, channels: &[usize], out: &mut Vec<f32>) {
        let len = self.length;
        let mut series = vec![0f32; len];
        for (t, v) in series.iter_mut().enumerate() {
            *v = channels.iter().map(|&c| row[t * self.channels + c]).sum();
        }
        out.clear();
        let half = (KERNEL_LENGTH / 2) as isize;
        for t in 0..len as isize {
            let mut all = 0f32;
            let mut picked = 0f32;
            for j in 0..KERNEL_LENGTH as isize {
                let at = t + (j - half) * dilation as isize;
                if at >= 0 && (at as usize) < len {
                    let v = series[at as usize];
                    all += v;
                    if kernel.contains(&(j as usize)) {
                        picked += v;
                    }
                }
            }
            out.push(3.0 * picked - all);
        }
    }

    /// Fits the biases on a few training rows (seeded).
    fn fit(context: &super::ContextBlock, base_columns: usize, seed: u64) -> Result<RocketTransform> {
        let n_rows = context.n_rows();
        if n_rows == 0 {
            return Err(EngineError::TrainingFailed("the window model got no training rows".into()));
        }
        let mut rng = SplitMix64::new(seed ^ 0x5EED_0ACE);
        let mut below = |n: usize| (rng.next_u64() % n as u64) as usize;
        let dilations = dilations(context.length);
        let kernels = kernels();
        let mut transform = RocketTransform {
            length: context.length,
            channels: context.channels,
            dilations: dilations.clone(),
            channel_sets: Vec::new(),
            biases: Vec::new(),
            base_columns,
        };
        let mut out = Vec::with_capacity(context.length);
        for &kernel in &kernels {
            for &dilation in &dilations {
                let size = 1 + below(context.channels.min(3));
                let mut set: Vec<usize> = Vec::with_capacity(size);
                while set.len() < size {
                    let c = below(context.channels);
                    if !set.contains(&c) {
                        set.push(c);
                    }
                }
                set.sort_unstable();
                let mut sample: Vec<f32> = Vec::new();
                for _ in 0..BIAS_SAMPLES {
                    let row = context.row(below(n_rows));
                    transform.convolve(row, kernel, dilation, &set, &mut out);
                    sample.extend_from_slice(&out);
                }
                sample.sort_by(|a, b| a.total_cmp(b));
                // Quantiles from a low-discrepancy sequence, as MiniRocket does.
                let biases: Vec<f32> = (0..BIASES_PER_KERNEL)
                    .map(|k| {
                        let q =
                            ((transform.biases.len() * BIASES_PER_KERNEL + k + 1) as f64 * 0.618_033_988_75).fract();
                        sample[((sample.len() - 1) as f64 * q) as usize]
                    })
                    .collect();
                transform.channel_sets.push(set);
                transform.biases.push(biases);
            }
        }
        Ok(transform)
    }

    /// The row's standard features followed by its convolution features.
    fn features(&self, x: &FeatureMatrix) -> Result<FeatureMatrix> {
        let context = x.context.as_ref().ok_or_else(|| {
            EngineError::Internal("the window model's rows carry no price context (RowSpec.context)".into())
        })?;
        if context.length != self.length || context.channels != self.channels || x.n_cols() != self.base_columns {
            return Err(EngineError::Internal(format!(
                "rows of {} features with {}x{} context do not fit the window model ({} features, {}x{} context)",
                x.n_cols(),
                context.length,
                context.channels,
                self.base_columns,
                self.length,
                self.channels
            )));
        }
        let kernels = kernels();
        let width = self.base_columns + self.n_features();
        let mut values = vec![0f32; x.n_rows * width];
        values.par_chunks_mut(width).enumerate().for_each(|(i, out_row)| {
            out_row[..self.base_columns].copy_from_slice(x.row(i));
            let row = context.row(i);
            let n_structure = n_structure_features(self.length);
            structure_features(
                row,
                self.length,
                self.channels,
                &mut out_row[self.base_columns..self.base_columns + n_structure],
            );
            let mut conv = Vec::with_capacity(self.length);
            let mut k = self.base_columns + n_structure;
            let mut pair = 0;
            for &kernel in &kernels {
                for &dilation in &self.dilations {
                    self.convolve(row, kernel, dilation, &self.channel_sets[pair], &mut conv);
                    for &bias in &self.biases[pair] {
                        let above = conv.iter().filter(|&&v| v > bias).count();
                        out_row[k] = above as f32 / conv.len() as f32;
                        k += 1;
                    }
                    pair += 1;
                }
            }
        });
        FeatureMatrix::new(values, 1, width)
    }

    fn check(&self) -> Result<()> {
        let pairs = kernels().len() * self.dilations.len();
        let ok = self.length >= 2 * KERNEL_LENGTH
            && self.channels >= 4
            && self.length <= 4096
            && self.channels > 0
            && self.channel_sets.len() == pairs
            && self.biases.len() == pairs
            && self.channel_sets.iter().all(|s| !s.is_empty() && s.iter().all(|&c| c < self.channels))
            && self.biases.iter().all(|b| b.len() == BIASES_PER_KERNEL && b.iter().all(|v| v.is_finite()))
            && self.dilations.iter().all(|&d| d >= 1 && d < self.length);
        if ok {
            Ok(())
        } else {
            Err(EngineError::CorruptModel("the window model's transform is malformed".into()))
        }
    }
}

/// A fitted window model: the transform and the LightGBM head over its features.
pub struct WindowModel {
    transform: RocketTransform,
    head: Box<dyn FittedModel>,
}

impl WindowModel {
    /// Reads what `to_bytes` wrote: one JSON line (the transform), then the head's LightGBM text.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let split = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| EngineError::CorruptModel("window model: no transform header".into()))?;
        let transform: RocketTransform = serde_json::from_slice(&bytes[..split])
            .map_err(|e| EngineError::CorruptModel(format!("window model transform: {e}")))?;
        transform.check()?;
        let head = super::LightGbmModel::from_bytes(ModelKind::Lightgbm, &bytes[split + 1..])?;
        Ok(WindowModel { transform, head: Box::new(head) })
    }
}

impl FittedModel for WindowModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Window
    }

    fn n_classes(&self) -> usize {
        self.head.n_classes()
    }

    /// The standard feature columns of a row (the transform adds its own from the price context).
    fn n_features(&self) -> usize {
        self.transform.base_columns
    }

    fn predict_proba(&self, x: &FeatureMatrix) -> Result<Probabilities> {
        self.head.predict_proba(&self.transform.features(x)?)
    }

    fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = serde_json::to_vec(&self.transform).map_err(|e| EngineError::Internal(e.to_string()))?;
        out.push(b'\n');
        out.extend(self.head.to_bytes()?);
        Ok(out)
    }
}

pub(super) fn fit(
    p: &WindowParams,
    train: &DatasetView<'_>,
    valid: Option<&DatasetView<'_>>,
    run: super::Rounds<'_, '_>,
) -> Result<Fitted> {
    let context = train
        .x
        .context
        .as_ref()
        .ok_or_else(|| EngineError::Internal("the window model's training rows carry no price context".into()))?;
    let transform = RocketTransform::fit(context, train.x.n_cols(), p.head.seed)?;
    let train_x = transform.features(train.x)?;
    let valid_x = valid.map(|v| transform.features(v.x)).transpose()?;
    let train_view = DatasetView { x: &train_x, ..*train };
    let valid_view = valid.zip(valid_x.as_ref()).map(|(v, x)| DatasetView { x, ..*v });
    let fitted = lightgbm::fit_boosted(&p.head, &train_view, valid_view.as_ref(), run)?;
    Ok(Fitted {
        model: Box::new(WindowModel { transform, head: fitted.model }),
        history: fitted.history,
        rounds: fitted.rounds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_and_dilations() {
        assert_eq!(kernels().len(), 84);
        assert_eq!(dilations(64), vec![1, 2, 4, 7]);
        assert_eq!(dilations(9), vec![1]);
    }

    #[test]
    fn transform_round_trips_and_sees_shapes() {
        // Two shapes: a rising and a falling ramp (one channel set of all five channels).
        let length = 32;
        let mut values = Vec::new();
        for r in 0..20 {
            for t in 0..length {
                let v = if r % 2 == 0 { t as f32 } else { -(t as f32) } / length as f32;
                values.extend([v, v, v + 0.1, v - 0.1, 0.0]);
            }
        }
        let context = super::super::ContextBlock::new(values, length, 5).unwrap();
        let transform = RocketTransform::fit(&context, 1, 7).unwrap();
        transform.check().unwrap();
        let mut x = FeatureMatrix::new(vec![0.0; 20], 1, 1).unwrap();
        x.context = Some(context);
        let f = transform.features(&x).unwrap();
        assert_eq!(f.n_cols(), 1 + transform.n_features());
        // The two shapes give different features; the same shape the same ones (NaN: no pivot).
        let bits = |r: usize| f.row(r).iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_ne!(bits(0), bits(1));
        assert_eq!(bits(0), bits(2));
        let json = serde_json::to_vec(&transform).unwrap();
        assert_eq!(serde_json::from_slice::<RocketTransform>(&json).unwrap(), transform);
    }
}
