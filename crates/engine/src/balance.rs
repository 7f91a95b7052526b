//! Class balancing of the training rows (validation and test are never touched).
//!
//! - `class_weights` (default): every row keeps its place; rows of class c weigh
//!   `n / (k * n_c)` (scikit-learn's "balanced"; k = classes present), optionally capped.
//! - `undersample`: all pattern rows stay; background rows are sampled without replacement down
//!   to `background_ratio` x the pattern rows.
//! - `oversample`: every class smaller than `oversample_fraction` x the largest class is
//!   resampled with replacement up to that size.
//! - `none`.
//!
//! Sampling is seeded and the kept rows stay in time order.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BalanceMode {
    ClassWeights,
    Undersample,
    Oversample,
    None,
}

/// Checked balancing settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceSpec {
    pub mode: BalanceMode,
    /// undersample: background rows kept per pattern row.
    pub background_ratio: f64,
    /// oversample: target size of each class as a fraction of the largest class.
    pub oversample_fraction: f64,
    /// class_weights: cap on any class weight.
    pub max_weight: Option<f64>,
    pub seed: u64,
}

/// What balancing did, recorded with the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BalanceReport {
    pub mode: BalanceMode,
    pub counts_before: BTreeMap<String, usize>,
    pub counts_after: BTreeMap<String, usize>,
    pub class_weights: Option<BTreeMap<String, f64>>,
}

/// The balanced training rows (indices into the dataset, repeated when oversampled) and their
/// weights (`None` = all 1).
#[derive(Debug, Clone)]
pub struct Balanced {
    pub rows: Vec<usize>,
    pub weights: Option<Vec<f32>>,
    pub report: BalanceReport,
}

/// SplitMix64: a tiny seeded generator, so sampling is reproducible without another dependency.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) * n as f64) as usize % n
    }
}

fn counts(rows: &[usize], y: &[u32], class_names: &[String]) -> BTreeMap<String, usize> {
    let mut per_class = vec![0usize; class_names.len()];
    for &r in rows {
        per_class[y[r] as usize] += 1;
    }
    class_names.iter().cloned().zip(per_class).filter(|(_, n)| *n > 0).collect()
}

/// The `class_weights` mode's weight of each class (`class_names` order; 1 for absent classes)
/// from the training rows per class, and the weights of the present classes by name. A
/// distributed run calls it with the counts of every worker added up.
pub fn class_weights(
    counts: &BTreeMap<String, usize>,
    class_names: &[String],
    max_weight: Option<f64>,
) -> (Vec<f64>, BTreeMap<String, f64>) {
    let k = counts.len().max(1) as f64;
    let n = counts.values().sum::<usize>() as f64;
    let mut per_class = vec![1.0f64; class_names.len()];
    let mut recorded = BTreeMap::new();
    for (c, name) in class_names.iter().enumerate() {
        if let Some(&n_c) = counts.get(name) {
            let mut w = n / (k * n_c as f64);
            if let Some(cap) = max_weight {
                w = w.min(cap);
            }
            per_class[c] = w;
            recorded.insert(name.clone(), w);
        }
    }
    (per_class, recorded)
}

/// Balances `train_rows` (dataset indices) whose classes are `y[row]`; `background` is the
/// background class id.
pub fn balance(
    train_rows: &[usize],
    y: &[u32],
    class_names: &[String],
    background: u32,
    spec: &BalanceSpec,
) -> Balanced {
    let before = counts(train_rows, y, class_names);
    let mut rng = SplitMix64::new(spec.seed);
    let (rows, weights, class_weights) = match spec.mode {
        BalanceMode::None => (train_rows.to_vec(), None, None),
        BalanceMode::ClassWeights => {
            let (per_class, recorded) = class_weights(&before, class_names, spec.max_weight);
            let weights = train_rows.iter().map(|&r| per_class[y[r] as usize] as f32).collect();
            (train_rows.to_vec(), Some(weights), Some(recorded))
        }
        BalanceMode::Undersample => {
            let (mut background_rows, mut kept): (Vec<usize>, Vec<usize>) =
                train_rows.iter().partition(|&&r| y[r] == background);
            let target = ((kept.len() as f64 * spec.background_ratio).ceil() as usize).min(background_rows.len());
            // Partial Fisher-Yates: the first `target` entries become a uniform sample.
            for i in 0..target {
                let j = i + rng.below(background_rows.len() - i);
                background_rows.swap(i, j);
            }
            kept.extend_from_slice(&background_rows[..target]);
            kept.sort_unstable();
            (kept, None, None)
        }
        BalanceMode::Oversample => {
            let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); class_names.len()];
            for &r in train_rows {
                by_class[y[r] as usize].push(r);
            }
            let largest = by_class.iter().map(Vec::len).max().unwrap_or(0);
            let target = (largest as f64 * spec.oversample_fraction).ceil() as usize;
            let mut rows = train_rows.to_vec();
            for members in by_class.iter().filter(|m| !m.is_empty()) {
                for _ in members.len()..target {
                    rows.push(members[rng.below(members.len())]);
                }
            }
            rows.sort_unstable();
            (rows, None, None)
        }
    };
    let after = counts(&rows, y, class_names);
    Balanced {
        rows,
        weights,
        report: BalanceReport { mode: spec.mode, counts_before: before, counts_after: after, class_weights },
    }
}
