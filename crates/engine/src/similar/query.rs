//! What is compared: the channels (close, or OHLC + log-volume), how they are grouped for
//! normalisation, and the query templates (an example resampled to one length, z-normalised).
use super::Channels;
use crate::candles::Candles;
use crate::error::{EngineError, Result};

/// One input column of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Open,
    High,
    Low,
    Close,
    /// ln(1 + volume): volume is heavy-tailed; the log turns its scale into an offset, which the
    /// normalisation removes.
    LogVolume,
}

impl Column {
    fn raw(self, c: &Candles) -> &[f64] {
        match self {
            Column::Open => &c.open,
            Column::High => &c.high,
            Column::Low => &c.low,
            Column::Close => &c.close,
            Column::LogVolume => &c.volume,
        }
    }

    fn copy_into(self, c: &Candles, start: usize, end: usize, offset: f64, out: &mut Vec<f64>) {
        out.clear();
        let raw = &self.raw(c)[start..end];
        match self {
            Column::LogVolume => out.extend(raw.iter().map(|v| v.ln_1p() - offset)),
            _ => out.extend(raw.iter().map(|v| v - offset)),
        }
    }

    fn value(self, c: &Candles, i: usize) -> f64 {
        match self {
            Column::LogVolume => c.volume[i].ln_1p(),
            _ => self.raw(c)[i],
        }
    }
}

/// Channels normalised together: one mean and one standard deviation over all of them.
#[derive(Debug, Clone)]
pub struct Group {
    /// Indices into the plan's channel list.
    pub channels: std::ops::Range<usize>,
    /// Share of the distance (the groups' weights add up to 1).
    pub weight: f64,
    /// A window whose values are all equal: for prices it has no shape and is skipped; for
    /// volume (a halted market) it is compared as all zeros.
    pub skip_flat: bool,
}

#[derive(Debug, Clone)]
pub struct ChannelPlan {
    columns: Vec<Column>,
    pub groups: Vec<Group>,
    /// Per channel: its group's weight over the group's channel count (point-cost weights).
    pub channel_weights: Vec<f64>,
}

impl ChannelPlan {
    pub fn new(channels: Channels, volume_weight: Option<f64>) -> Result<Self> {
        let (columns, groups) = match channels {
            Channels::Close => {
                if volume_weight.is_some() {
                    return Err(EngineError::InvalidArgument("volumeWeight applies to channels: 'ohlcv' only".into()));
                }
                (vec![Column::Close], vec![Group { channels: 0..1, weight: 1.0, skip_flat: true }])
            }
            Channels::Ohlcv => {
                let w = volume_weight.unwrap_or(0.5);
                if !(0.0..=10.0).contains(&w) {
                    return Err(EngineError::InvalidArgument(format!("volumeWeight must be within 0..=10, got {w}")));
                }
                let prices = Group { channels: 0..4, weight: 1.0 / (1.0 + w), skip_flat: true };
                let mut columns = vec![Column::Open, Column::High, Column::Low, Column::Close];
                let mut groups = vec![prices];
                if w > 0.0 {
                    columns.push(Column::LogVolume);
                    groups.push(Group { channels: 4..5, weight: w / (1.0 + w), skip_flat: false });
                }
                (columns, groups)
            }
        };
        let mut channel_weights = vec![0.0; columns.len()];
        for group in &groups {
            for c in group.channels.clone() {
                channel_weights[c] = group.weight / group.channels.len() as f64;
            }
        }
        Ok(ChannelPlan { columns, groups, channel_weights })
    }

    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// The columns the channels read: present, of one length, finite (volume also >= 0).
    pub fn validate_target(&self, c: &Candles) -> Result<()> {
        let n = c.close.len();
        for &col in &self.columns {
            let values = col.raw(c);
            let name = match col {
                Column::Open => "open",
                Column::High => "high",
                Column::Low => "low",
                Column::Close => "close",
                Column::LogVolume => "volume",
            };
            if values.len() != n {
                return Err(EngineError::InvalidCandles(format!(
                    "column lengths differ: close has {n} values, {name} has {}",
                    values.len()
                )));
            }
            let bad = if col == Column::LogVolume {
                values.iter().position(|v| !v.is_finite() || *v < 0.0)
            } else {
                values.iter().position(|v| !v.is_finite())
            };
            if let Some(i) = bad {
                return Err(EngineError::InvalidCandles(format!(
                    "candle at index {i}: {name} {} is not a finite{} number",
                    values[i],
                    if col == Column::LogVolume { ", non-negative" } else { "" }
                )));
            }
        }
        Ok(())
    }

    /// The example's raw channel values, candles `start..end`.
    pub fn example_columns(&self, c: &Candles, start: usize, end: usize) -> Vec<Vec<f64>> {
        self.columns.iter().map(|&col| (start..end).map(|i| col.value(c, i)).collect()).collect()
    }

    /// Candles `start..end` of a target as channel buffers, each group shifted by its first
    /// value (the normalisation ignores offsets; the shift keeps the running sums well
    /// conditioned), with the groups' prefix sums.
    pub fn load(&self, c: &Candles, start: usize, end: usize) -> ChunkData {
        let mut channels = Vec::with_capacity(self.columns.len());
        let mut groups = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            let offset = self.columns[group.channels.start].value(c, start);
            for ch in group.channels.clone() {
                let mut buf = Vec::with_capacity(end - start);
                self.columns[ch].copy_into(c, start, end, offset, &mut buf);
                channels.push(buf);
            }
            let len = end - start;
            let mut sum = vec![0.0; len + 1];
            let mut sum_sq = vec![0.0; len + 1];
            // Compensated (Neumaier) running sums: each stored prefix is within an ulp or two of
            // the exact one however long the chunk, so window sums are as exact as their size allows.
            let (mut s_acc, mut q_acc) = (Compensated::default(), Compensated::default());
            for i in 0..len {
                for buf in &channels[group.channels.clone()] {
                    s_acc.add(buf[i]);
                    q_acc.add(buf[i] * buf[i]);
                }
                sum[i + 1] = s_acc.value();
                sum_sq[i + 1] = q_acc.value();
            }
            groups.push(GroupSums { offset, sum, sum_sq });
        }
        ChunkData { channels, groups }
    }
}

#[derive(Default)]
struct Compensated {
    sum: f64,
    error: f64,
}

impl Compensated {
    #[inline]
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        self.error += if self.sum.abs() >= x.abs() { (self.sum - t) + x } else { (x - t) + self.sum };
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.error
    }
}

/// Prefix sums of one group's (shifted) values over a chunk.
pub struct GroupSums {
    pub offset: f64,
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
}

/// Mean and standard deviation of a window (shifted values).
#[derive(Debug, Clone, Copy)]
pub struct WindowStats {
    pub mean: f64,
    pub std: f64,
}

/// The windows `first + i .. first + i + len` of one group, for `i < count`.
pub struct Windows<'a> {
    sum_lo: &'a [f64],
    sum_hi: &'a [f64],
    sq_lo: &'a [f64],
    sq_hi: &'a [f64],
    inv_m: f64,
    offset: f64,
}

impl Windows<'_> {
    /// Mean, variance, and the variance below which the window counts as flat: no movement
    /// beyond the rounding of the running sums (a few ulps of the prefix sums of squares) or
    /// beyond a billionth of the price level.
    #[inline(always)]
    pub fn moments(&self, i: usize) -> (f64, f64, f64) {
        let mean = (self.sum_hi[i] - self.sum_lo[i]) * self.inv_m;
        let var = (self.sq_hi[i] - self.sq_lo[i]) * self.inv_m - mean * mean;
        let level = mean + self.offset;
        let tolerance = 1e-14 * (self.sq_hi[i] + self.sq_lo[i]) * self.inv_m + 1e-18 * level * level + 1e-300;
        (mean, var, tolerance)
    }
}

impl GroupSums {
    pub fn windows(&self, first: usize, count: usize, len: usize, width: usize) -> Windows<'_> {
        Windows {
            sum_lo: &self.sum[first..first + count],
            sum_hi: &self.sum[first + len..first + len + count],
            sq_lo: &self.sum_sq[first..first + count],
            sq_hi: &self.sum_sq[first + len..first + len + count],
            inv_m: 1.0 / (len * width) as f64,
            offset: self.offset,
        }
    }

    /// The window `k..k + len` over `width` channels, or `None` when it is flat.
    #[inline]
    pub fn stats(&self, k: usize, len: usize, width: usize) -> Option<WindowStats> {
        let (mean, var, tolerance) = self.windows(k, 1, len, width).moments(0);
        (var > tolerance).then_some(WindowStats { mean, std: var.sqrt() })
    }
}

/// A chunk of one target, ready for the kernels.
pub struct ChunkData {
    /// Per channel, the shifted values.
    pub channels: Vec<Vec<f64>>,
    pub groups: Vec<GroupSums>,
}

/// The lengths an example of `len` candles is searched at: `len` scaled over
/// [1 - stretch, 1 + stretch] in `steps` even steps (default: one every 5 %, odd, at least 3),
/// rounded, without duplicates, none shorter than 4.
pub fn stretched_lengths(len: usize, stretch: f64, steps: Option<usize>) -> Vec<usize> {
    if stretch == 0.0 {
        return vec![len];
    }
    let steps = steps.unwrap_or_else(|| 2 * ((stretch / 0.05).ceil() as usize).max(1) + 1);
    let mut out: Vec<usize> = (0..steps)
        .map(|i| {
            let scale = if steps == 1 { 1.0 } else { 1.0 - stretch + 2.0 * stretch * i as f64 / (steps - 1) as f64 };
            ((len as f64 * scale).round() as usize).max(4)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// An example resampled to `len` candles and z-normalised per group: what windows of that
/// length are compared with.
#[derive(Debug, Clone)]
pub struct Template {
    pub example: usize,
    pub len: usize,
    /// Per channel, `len` normalised values (mean 0 and variance 1 over each group).
    pub values: Vec<Vec<f64>>,
    /// Per group: the mean square of its normalised values, 1, or 0 for a flat volume.
    pub group_norms: Vec<f64>,
    /// DTW only: the band in candles and, per channel, the envelope (upper, lower) of the values
    /// within the band (LB_Keogh).
    pub band: usize,
    pub upper: Vec<Vec<f64>>,
    pub lower: Vec<Vec<f64>>,
}

impl Template {
    pub fn new(
        example: usize,
        raw: &[Vec<f64>],
        len: usize,
        plan: &ChannelPlan,
        band: Option<f64>,
    ) -> std::result::Result<Self, String> {
        let mut values: Vec<Vec<f64>> = raw.iter().map(|ch| resample(ch, len)).collect();
        let mut group_norms = vec![1.0; plan.groups.len()];
        for (g, group) in plan.groups.iter().enumerate() {
            let chans = &mut values[group.channels.clone()];
            let m = (len * chans.len()) as f64;
            let mean = chans.iter().flatten().sum::<f64>() / m;
            let var = chans.iter().flatten().map(|v| (v - mean) * (v - mean)).sum::<f64>() / m;
            let level = mean.abs();
            if var <= (1e-9 * level) * (1e-9 * level) || var == 0.0 {
                if group.skip_flat {
                    return Err("its prices do not move (a flat window has no shape to look for)".into());
                }
                chans.iter_mut().flatten().for_each(|v| *v = 0.0);
                group_norms[g] = 0.0;
                continue;
            }
            let std = var.sqrt();
            chans.iter_mut().flatten().for_each(|v| *v = (*v - mean) / std);
        }
        let (band, upper, lower) = match band {
            None => (0, Vec::new(), Vec::new()),
            Some(b) => {
                let r = ((b * len as f64).ceil() as usize).min(len - 1);
                let (upper, lower) = values.iter().map(|v| envelope(v, r)).unzip();
                (r, upper, lower)
            }
        };
        Ok(Template { example, len, values, group_norms, band, upper, lower })
    }
}

/// Every column of `c` resampled to `len` candles (linear interpolation, which keeps high >=
/// open/close >= low): the stretched copy of a pattern that a search with `stretch` finds.
pub fn resample_candles(c: &Candles, len: usize) -> Candles {
    Candles {
        time: resample(&c.time, len),
        open: resample(&c.open, len),
        high: resample(&c.high, len),
        low: resample(&c.low, len),
        close: resample(&c.close, len),
        volume: resample(&c.volume, len),
    }
}

/// Linear interpolation of `values` onto `len` evenly spaced points (first and last kept).
fn resample(values: &[f64], len: usize) -> Vec<f64> {
    let n = values.len();
    if n == len {
        return values.to_vec();
    }
    (0..len)
        .map(|i| {
            let x = i as f64 * (n - 1) as f64 / (len - 1) as f64;
            let j = (x.floor() as usize).min(n - 2);
            let f = x - j as f64;
            values[j] * (1.0 - f) + values[j + 1] * f
        })
        .collect()
}

/// Running max and min of `values` over `i - r..=i + r` (clipped): Lemire's monotone deques.
pub fn envelope(values: &[f64], r: usize) -> (Vec<f64>, Vec<f64>) {
    let n = values.len();
    let mut upper = vec![0.0; n];
    let mut lower = vec![0.0; n];
    let mut maxq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    let mut minq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    // Index `i` enters when the output `i - r` is computed; output `o` covers o - r..=o + r.
    for i in 0..n + r {
        if i < n {
            while maxq.back().is_some_and(|&b| values[b] <= values[i]) {
                maxq.pop_back();
            }
            maxq.push_back(i);
            while minq.back().is_some_and(|&b| values[b] >= values[i]) {
                minq.pop_back();
            }
            minq.push_back(i);
        }
        if i >= r {
            let o = i - r;
            while maxq.front().is_some_and(|&f| f + r < o) {
                maxq.pop_front();
            }
            while minq.front().is_some_and(|&f| f + r < o) {
                minq.pop_front();
            }
            upper[o] = values[*maxq.front().expect("window not empty")];
            lower[o] = values[*minq.front().expect("window not empty")];
        }
    }
    (upper, lower)
}
