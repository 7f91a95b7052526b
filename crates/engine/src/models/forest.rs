//! Gradient-boosted trees compiled into flat arrays and scored in Rust: LightGBM's and XGBoost's.
//!
//! It reproduces each library's prediction bit for bit — LightGBM 4.x (`Tree::NumericalDecision`,
//! `GBDT::PredictRaw` / `GBDT::Predict`, the objectives' `ConvertOutput`, the C API's dense row
//! reader; sums in double) and XGBoost 3.x (`GetNextNode`, the CPU predictor's float sums from
//! the intercept, `multi:softprob`'s `common::Softmax`) — about 10x faster on one thread than
//! either library's predictor. Each library's model file is turned into [`TreeText`] (LightGBM's
//! shape: a split sends `x <= threshold` left) by its own module; XGBoost's `x < c` becomes
//! `x <= c.next_down()`, the same test for every f32 `x`.
//!
//! Walking a tree stalls on a mispredicted branch at almost every split, so trees of at most 64
//! leaves are not walked: with leaves numbered left to right, every split whose test sends a row
//! right rules out the leaves of its left subtree (a bit mask), and the row's leaf is the leftmost
//! one left standing (the QuickScorer idea). A block of rows is copied feature-major and each
//! split is tested for all of its rows in one branch-free pass (AVX-512 or AVX2 when the CPU has
//! it). Larger trees are walked. Big batches are split over rayon's threads.
//!
//! A model whose thresholds and trees fit bytes is scored by `binned` instead: feature values
//! become bins, and each split is a byte compare, 32 rows per AVX2 instruction (1.5-1.9x faster
//! than the AVX2 masks on the benchmark models) or, with AVX-512BW, 64 rows per compare into a
//! mask register, the rows reaching a split kept as bits (1.4-1.6x faster than the AVX-512
//! masks). The mask kernels remain for the models that do not fit (README, *Benchmarks*).
use rayon::prelude::*;

mod binned;

/// LightGBM's `kZeroThreshold` is the *float* literal `1e-35f`, widened to double.
const ZERO_THRESHOLD: f64 = 1e-35_f32 as f64;

// `meta` of a split: the feature index in the low bits, the split's missing-value rules above.
const FEATURE_MASK: u32 = (1 << 29) - 1;
/// A NaN input goes left.
const NAN_LEFT: u32 = 1 << 31;
/// `missing_type == Zero`: inputs with |x| <= kZeroThreshold take the default direction.
const ZERO_MISSING: u32 = 1 << 30;
/// The default direction (for `ZERO_MISSING`) is left.
const DEFAULT_LEFT: u32 = 1 << 29;

/// Rows scored together: one tree's splits are tested for all of them in one pass.
const BLOCK: usize = 64;
/// Below this many row-tree pairs (≈0.7 ms on one thread) a batch is scored on the calling
/// thread. Measured through the addon on 2 cores with a 90k-pair request: splitting it saved
/// 0.1 ms of 0.77 ms with one caller but cost 7% of throughput with 8 (whose calls already keep
/// both cores busy). Re-measured with the byte kernel over HTTP (`bench/predict`, LightGBM, 451k
/// pairs per request): scoring each request on one thread (a 1M-pair limit) raised p50 with one
/// client from 3.5 to 5.1 ms and did not raise throughput with 8 (353 against 392 req/s).
const PARALLEL_MIN_WORK: usize = 256 * 1024;

/// One split. `threshold` is LightGBM's double threshold rounded *down* to f32, which decides
/// `x <= threshold` identically for every f32 `x` (nothing lies strictly between the two), so
/// rows are compared in their own type.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
struct Split {
    threshold: f32,
    meta: u32,
    /// Masked trees: the leaves left standing when the test sends a row right (all but the
    /// left subtree's). Walked trees: the left and right children (`>= 0` a split of
    /// `Forest::walked`, `< 0` leaf `!child` of the tree's leaves), as two i32.
    mask: u64,
}

impl Split {
    fn children(&self) -> (i32, i32) {
        (self.mask as u32 as i32, (self.mask >> 32) as u32 as i32)
    }
}

/// How one tree is scored. Leaves are numbered left to right, from `leaves` in `Forest::leaves`.
#[derive(Clone, Copy, Debug)]
enum Tree<L> {
    /// A one-leaf tree: the same output for every row.
    Constant(L),
    /// At most 32 leaves: `Forest::masked[first..end]`, u32 masks.
    Narrow { first: u32, end: u32, leaves: u32 },
    /// 33 to 64 leaves: u64 masks.
    Wide { first: u32, end: u32, leaves: u32 },
    /// More leaves than a mask has bits: walked from `Forest::walked[root]`.
    Walked { root: u32, leaves: u32 },
}

/// The bits of a leaf mask.
trait Mask: Copy + std::ops::BitAnd<Output = Self> + std::ops::Not<Output = Self> {
    const ALL: Self;
    /// All ones if `b`, else 0.
    fn all_if(b: bool) -> Self;
    fn from_u64(m: u64) -> Self;
    fn first_leaf(self) -> usize;
}

impl Mask for u32 {
    const ALL: Self = u32::MAX;
    fn all_if(b: bool) -> Self {
        (b as u32).wrapping_neg()
    }
    fn from_u64(m: u64) -> Self {
        m as u32
    }
    fn first_leaf(self) -> usize {
        self.trailing_zeros() as usize
    }
}

impl Mask for u64 {
    const ALL: Self = u64::MAX;
    fn all_if(b: bool) -> Self {
        (b as u64).wrapping_neg()
    }
    fn from_u64(m: u64) -> Self {
        m
    }
    fn first_leaf(self) -> usize {
        self.trailing_zeros() as usize
    }
}

/// The number type a library adds leaf values in: LightGBM sums doubles, XGBoost floats.
pub(super) trait Leaf: Copy + Default + std::ops::Add<Output = Self> + Send + Sync + std::fmt::Debug {
    /// A leaf value of the model (exact: an XGBoost leaf is an f32 to begin with).
    fn from_f64(v: f64) -> Self;
    /// One row's class scores (`sums`, already including every tree) as probabilities in `out`.
    fn finish(sums: &mut [Self], objective: Objective, average_over: Option<f64>, out: &mut [f64]);
    /// `add_leaf_values` for a whole byte-kernel block with AVX-512F permutes
    /// (`avx512::add_leaf_values_f64`); false, and nothing added, when the values do not fit
    /// in registers.
    ///
    /// # Safety
    /// The CPU must have AVX-512F.
    #[cfg(target_arch = "x86_64")]
    unsafe fn add_leaf_values_avx512<const N: usize>(
        sums: &mut [Self; binned::ROWS],
        leaf: &[u8; binned::ROWS],
        values: &[Self],
    ) -> bool;
}

impl Leaf for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn add_leaf_values_avx512<const N: usize>(
        sums: &mut [f64; binned::ROWS],
        leaf: &[u8; binned::ROWS],
        values: &[f64],
    ) -> bool {
        // SAFETY: this function's caller vouches for the CPU.
        unsafe { avx512::add_leaf_values_f64::<N>(sums, leaf, values) }
    }

    fn finish(sums: &mut [f64], objective: Objective, average_over: Option<f64>, out: &mut [f64]) {
        for (o, &s) in out.iter_mut().zip(sums.iter()) {
            *o = average_over.map_or(s, |rounds| s / rounds);
        }
        match objective {
            Objective::Softmax | Objective::SoftmaxF32 => {
                // Common::Softmax: max-subtract, exp, sum in order, divide.
                let max = out[1..].iter().fold(out[0], |m, &s| if s < m { m } else { s });
                let mut sum = 0.0;
                for s in out.iter_mut() {
                    *s = (*s - max).exp();
                    sum += *s;
                }
                out.iter_mut().for_each(|s| *s /= sum);
            }
            Objective::OneVsAll { sigmoid } => {
                for s in out.iter_mut() {
                    *s = 1.0 / (1.0 + (-sigmoid * *s).exp());
                }
            }
        }
    }
}

impl Leaf for f32 {
    fn from_f64(v: f64) -> Self {
        v as f32
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn add_leaf_values_avx512<const N: usize>(
        sums: &mut [f32; binned::ROWS],
        leaf: &[u8; binned::ROWS],
        values: &[f32],
    ) -> bool {
        // SAFETY: this function's caller vouches for the CPU.
        unsafe { avx512::add_leaf_values_f32::<N>(sums, leaf, values) }
    }

    fn finish(sums: &mut [f32], _objective: Objective, _average_over: Option<f64>, out: &mut [f64]) {
        // XGBoost's common::Softmax: fmaxf, expf of the float difference, the exponentials
        // summed in double, each divided by that sum rounded to float.
        let max = sums[1..].iter().fold(sums[0], |m, &s| s.max(m));
        let mut sum = 0.0f64;
        for s in sums.iter_mut() {
            *s = (*s - max).exp();
            sum += f64::from(*s);
        }
        let sum = sum as f32;
        for (o, s) in out.iter_mut().zip(sums.iter()) {
            *o = f64::from(*s / sum);
        }
    }
}

/// One tree as a library describes it, already checked for lengths and index ranges.
#[derive(Debug, Default)]
pub(super) struct TreeText {
    pub leaf_value: Vec<f64>,
    pub left_child: Vec<i32>,
    pub right_child: Vec<i32>,
    pub split_feature: Vec<u32>,
    pub threshold: Vec<f64>,
    pub decision_type: Vec<u8>,
}

/// How raw scores become outputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Objective {
    /// LightGBM `multiclass`: softmax over the classes, in double.
    Softmax,
    /// LightGBM `multiclassova`: an independent sigmoid per class.
    OneVsAll { sigmoid: f64 },
    /// XGBoost `multi:softprob`: `common::Softmax` (float exponentials, a double sum).
    SoftmaxF32,
}

/// Scores as probabilities: each row of `n_classes` normalised (`normalise_rows`).
fn normalised(mut values: Vec<f64>, n_classes: usize) -> crate::error::Result<super::Probabilities> {
    super::normalise_rows(&mut values, n_classes);
    super::Probabilities::new(values, n_classes)
}

/// The largest f32 that is <= `t` (NaN stays NaN).
fn f32_at_or_below(t: f64) -> f32 {
    let r = t as f32;
    if f64::from(r) > t {
        r.next_down()
    } else {
        r
    }
}

/// What, besides its trees, decides a model's scores.
#[derive(Debug, Clone)]
pub(super) struct ForestSpec<L> {
    pub n_classes: usize,
    pub n_features: usize,
    /// The class each tree adds to, in model order (LightGBM: tree `i` is class `i % n_classes`;
    /// XGBoost: its `tree_info`).
    pub tree_class: Vec<u32>,
    /// Each class's score before the first tree (LightGBM 0; XGBoost's intercept, `base_score`).
    pub base_score: Vec<L>,
    /// LightGBM `rf`: the trees' sum is divided by the rounds.
    pub average_output: bool,
    pub objective: Objective,
    /// LightGBM's dense row reader reads |x| <= kZeroThreshold as 0.0 (XGBoost's does not).
    pub lightgbm_zero_flush: bool,
}

/// A compiled multiclass model whose leaf values are added up as `L`.
#[derive(Debug)]
pub(super) struct Forest<L> {
    /// In model order.
    trees: Vec<Tree<L>>,
    masked: Vec<Split>,
    walked: Vec<Split>,
    leaves: Vec<L>,
    spec: ForestSpec<L>,
    /// Rounds, when the model averages its trees.
    average_over: Option<f64>,
    /// Some threshold lies in [-kZeroThreshold, kZeroThreshold), where LightGBM's flushing of
    /// tiny inputs to 0 changes a decision: only then do rows need that flush.
    flush_tiny_inputs: bool,
    /// The same trees for the byte kernel, when every tree and feature fits it.
    binned: Option<binned::Binned>,
}

impl<L: Leaf> Forest<L> {
    pub(super) fn new(trees: &[TreeText], spec: ForestSpec<L>) -> Result<Self, String> {
        let n_classes = spec.n_classes;
        if n_classes == 0 || trees.is_empty() || spec.tree_class.len() != trees.len() {
            return Err(format!("{} trees for {} tree classes", trees.len(), spec.tree_class.len()));
        }
        if spec.tree_class.iter().any(|&c| c as usize >= n_classes) || spec.base_score.len() != n_classes {
            return Err(format!("a tree's class or the intercepts do not fit {n_classes} classes"));
        }
        if spec.n_features > FEATURE_MASK as usize {
            return Err(format!("{} features are more than this engine scores", spec.n_features));
        }
        let rounds = (trees.len() / n_classes) as f64;
        let mut forest = Forest {
            trees: Vec::with_capacity(trees.len()),
            masked: Vec::new(),
            walked: Vec::new(),
            leaves: Vec::new(),
            average_over: spec.average_output.then_some(rounds),
            spec,
            flush_tiny_inputs: false,
            binned: None,
        };
        let mut preorder = Vec::with_capacity(trees.len());
        for (i, tree) in trees.iter().enumerate() {
            let (tree, splits) = forest.add_tree(tree).map_err(|m| format!("tree {i}: {m}"))?;
            forest.trees.push(tree);
            preorder.push(splits);
        }
        forest.binned = binned::Binned::new(&preorder, forest.spec.n_features);
        if forest.masked.len().max(forest.walked.len()).max(forest.leaves.len()) > i32::MAX as usize {
            return Err("the model is too large".into());
        }
        Ok(forest)
    }

    /// Compiles one tree, and returns its splits in pre-order for the byte kernel. Each split and
    /// leaf must be reached exactly once from split 0: a cycle or a shared subtree would make a
    /// walk loop forever or count a leaf twice.
    fn add_tree(&mut self, t: &TreeText) -> Result<(Tree<L>, Vec<binned::SplitText>), String> {
        let n_leaves = t.leaf_value.len();
        if n_leaves == 1 {
            return Ok((Tree::Constant(L::from_f64(t.leaf_value[0])), Vec::new()));
        }
        let inner = n_leaves - 1;
        // Depth first, left before right: leaves come out left to right, and each split's left
        // subtree owns the leaves numbered from `first_leaf[split]` to `mid_leaf[split]`.
        let mut seen_node = vec![false; inner];
        let mut seen_leaf = vec![false; n_leaves];
        let mut order = Vec::with_capacity(inner); // text index of each split, pre-order
        let mut first_leaf = vec![0usize; inner];
        let mut mid_leaf = vec![0usize; inner];
        let mut children = vec![(0i32, 0i32); inner]; // compiled: pre-order slot or !leaf
        let leaf_base = self.leaves.len();
        // (child in the text, parent's pre-order slot, is it the left child)
        let mut stack: Vec<(i32, Option<(usize, bool)>)> = vec![(0, None)];
        while let Some((child, parent)) = stack.pop() {
            if let Some((slot, false)) = parent {
                mid_leaf[slot] = self.leaves.len() - leaf_base;
            }
            let compiled = if child < 0 {
                let leaf = !child as usize;
                if std::mem::replace(&mut seen_leaf[leaf], true) {
                    return Err(format!("leaf {leaf} is reached twice"));
                }
                self.leaves.push(L::from_f64(t.leaf_value[leaf]));
                !((self.leaves.len() - 1 - leaf_base) as i32)
            } else {
                let n = child as usize;
                if std::mem::replace(&mut seen_node[n], true) {
                    return Err(format!("split {n} is reached twice"));
                }
                let slot = order.len();
                order.push(n);
                first_leaf[slot] = self.leaves.len() - leaf_base;
                stack.push((t.right_child[n], Some((slot, false))));
                stack.push((t.left_child[n], Some((slot, true))));
                slot as i32
            };
            match parent {
                Some((slot, true)) => children[slot].0 = compiled,
                Some((slot, false)) => children[slot].1 = compiled,
                None => {}
            }
        }
        if seen_node.contains(&false) || seen_leaf.contains(&false) {
            return Err("some splits or leaves are not reachable from the root".into());
        }
        let masked = n_leaves <= 64;
        let base = if masked { self.masked.len() } else { self.walked.len() };
        let mut preorder = Vec::with_capacity(inner);
        for (slot, &n) in order.iter().enumerate() {
            let missing_type = (t.decision_type[n] >> 2) & 3;
            let default_left = t.decision_type[n] & 2 != 0;
            let threshold = t.threshold[n];
            // NumericalDecision turns NaN into 0.0 unless missing_type is NaN, and sends
            // Zero-type zeros (and so those NaNs too) the default way.
            let nan_left = match missing_type {
                1 | 2 => default_left,
                _ => 0.0 <= threshold,
            };
            if self.spec.lightgbm_zero_flush
                && missing_type != 1
                && (-ZERO_THRESHOLD..ZERO_THRESHOLD).contains(&threshold)
            {
                self.flush_tiny_inputs = true;
            }
            let mut meta = t.split_feature[n];
            if meta as usize >= self.spec.n_features {
                return Err(format!("split_feature {meta} is not a model feature"));
            }
            for (flag, set) in [(NAN_LEFT, nan_left), (ZERO_MISSING, missing_type == 1), (DEFAULT_LEFT, default_left)] {
                if set {
                    meta |= flag;
                }
            }
            let mask = if masked {
                let (lo, mid) = (first_leaf[slot], mid_leaf[slot]);
                !(((1u64 << (mid - lo)) - 1) << lo)
            } else {
                let global = |c: i32| if c >= 0 { c + base as i32 } else { c };
                let (l, r) = children[slot];
                u64::from(global(l) as u32) | (u64::from(global(r) as u32) << 32)
            };
            let split = Split { threshold: f32_at_or_below(threshold), meta, mask };
            preorder.push(binned::SplitText {
                feature: t.split_feature[n],
                threshold: split.threshold,
                nan_left,
                zero_missing: missing_type == 1,
                left: children[slot].0,
                right: children[slot].1,
                left_size: mid_leaf[slot] - first_leaf[slot],
            });
            if masked {
                self.masked.push(split);
            } else {
                self.walked.push(split);
            }
        }
        if masked {
            // A leaf mask is the AND of its splits' masks, in any order: grouping the splits by
            // how they are tested (missing-value rule, which 32-bit half of the mask they clear)
            // makes the AVX2 kernel's per-split branches predictable.
            self.masked[base..].sort_by_key(|s| (s.meta & (NAN_LEFT | ZERO_MISSING), cleared_halves(s.mask)));
        }
        let leaves = leaf_base as u32;
        let (first, end) = (base as u32, (base + inner) as u32);
        let tree = match n_leaves {
            ..=32 => Tree::Narrow { first, end, leaves },
            33..=64 => Tree::Wide { first, end, leaves },
            _ => Tree::Walked { root: first, leaves },
        };
        Ok((tree, preorder))
    }

    pub(super) fn n_features(&self) -> usize {
        self.spec.n_features
    }

    /// Class probabilities (row-major `rows x n_classes`) for row-major f32 `values`, exactly as
    /// the library's own predictor (`LGBM_BoosterPredictForMat`, `XGBoosterPredict`) returns them
    /// for the same rows.
    pub(super) fn predict(&self, values: &[f32]) -> Vec<f64> {
        self.predict_with(values, Kernel::detect())
    }

    fn predict_with(&self, values: &[f32], kernel: Kernel) -> Vec<f64> {
        let width = self.spec.n_features;
        assert_eq!(values.len() % width, 0, "rows of {width} features");
        let n_rows = values.len() / width;
        let k = self.spec.n_classes;
        let mut out = vec![0.0f64; n_rows * k];
        // The byte kernel when the model fits it, else the mask kernel this CPU runs best.
        let kernel = match (kernel, &self.binned) {
            (kernel, None) if kernel.is_binned() => Kernel::masks(),
            (kernel, _) => kernel,
        };
        let (parallel, block) = self.layout(n_rows, kernel);
        let (rows_per, outs_per) = (block * width, block * k);
        if parallel {
            values
                .par_chunks(rows_per)
                .zip(out.par_chunks_mut(outs_per))
                .for_each(|(rows, out)| self.score_block(rows, out, kernel, block));
        } else {
            for (rows, out) in values.chunks(rows_per).zip(out.chunks_mut(outs_per)) {
                self.score_block(rows, out, kernel, block);
            }
        }
        out
    }

    /// Whether `n_rows` rows are scored on every thread, and the rows per block of `kernel`.
    fn layout(&self, n_rows: usize, kernel: Kernel) -> (bool, usize) {
        let parallel = n_rows * self.trees.len() >= PARALLEL_MIN_WORK && rayon::current_num_threads() > 1;
        let threads = if parallel { rayon::current_num_threads() } else { 1 };
        let block = match kernel {
            #[cfg(target_arch = "x86_64")]
            Kernel::BinnedAvx512 => binned::block_rows(n_rows, threads),
            // The byte masks of the AVX2 build: blocks of 256 rows were slower on 2 threads
            // (451 rows: 0.93–0.95 ms against 0.72–0.73 ms, LightGBM, in-process A/B).
            Kernel::Binned => binned::FEW_ROWS,
            _ => BLOCK,
        };
        (parallel, block)
    }

    /// [`Forest::predict`] of rows given as columns (`columns[i][r]` is value `i` of row `r`, as
    /// `row_value` makes rows), without the row matrix: the byte kernel bins each block's rows
    /// from the columns. `None` when a mask kernel scores this model, for those read rows.
    pub(super) fn predict_columns(&self, columns: &[&[f64]]) -> Option<Vec<f64>> {
        self.predict_columns_with(columns, Kernel::detect())
    }

    /// `FittedModel::predict_proba` for the models this forest scores (LightGBM's and
    /// XGBoost's): the scores of `x`'s rows (XGBoost's float probabilities widened), each row
    /// normalised as every model's rows are (`normalise_rows`).
    pub(super) fn proba_rows(
        &self,
        x: &super::FeatureMatrix,
        n_classes: usize,
    ) -> crate::error::Result<super::Probabilities> {
        if x.n_rows == 0 {
            return super::Probabilities::new(Vec::new(), n_classes);
        }
        self.check_width(x.n_cols())?;
        normalised(self.predict(&x.values), n_classes)
    }

    /// `FittedModel::predict_proba_columns` for the same models: [`Forest::proba_rows`] of rows
    /// given as columns (`None` where a mask kernel scores the model).
    pub(super) fn proba_columns(
        &self,
        columns: &[&[f64]],
        n_classes: usize,
    ) -> Option<crate::error::Result<super::Probabilities>> {
        if let Err(e) = self.check_width(columns.len()) {
            return Some(Err(e));
        }
        Some(normalised(self.predict_columns(columns)?, n_classes))
    }

    /// An error unless rows of `width` values are this model's rows.
    fn check_width(&self, width: usize) -> crate::error::Result<()> {
        let expected = self.n_features();
        if width == expected {
            return Ok(());
        }
        Err(crate::error::EngineError::InvalidArgument(format!(
            "rows have {width} features, the model was trained on {expected}"
        )))
    }

    fn predict_columns_with(&self, columns: &[&[f64]], kernel: Kernel) -> Option<Vec<f64>> {
        let binned = self.binned.as_ref().filter(|_| kernel.is_binned())?;
        assert_eq!(columns.len(), self.spec.n_features, "a column per feature");
        let n_rows = columns.first().map_or(0, |c| c.len());
        assert!(columns.iter().all(|c| c.len() == n_rows), "columns of one length");
        let k = self.spec.n_classes;
        let mut out = vec![0.0f64; n_rows * k];
        let (parallel, block) = self.layout(n_rows, kernel);
        let score = |(b, out): (usize, &mut [f64])| {
            let rows = binned::BlockRows::Columns { columns, start: b * block, len: out.len() / k };
            self.score_binned_block(binned, rows, out, kernel, block);
        };
        if parallel {
            out.par_chunks_mut(block * k).enumerate().for_each(score);
        } else {
            out.chunks_mut(block * k).enumerate().for_each(score);
        }
        Some(out)
    }

    /// Scores up to `BLOCK` rows (`block` for the byte kernels: `binned::FEW_ROWS`, or
    /// `binned::ROWS` for the AVX-512BW one) into `out` (`rows x n_classes`).
    fn score_block(&self, rows: &[f32], out: &mut [f64], kernel: Kernel, block: usize) {
        match kernel {
            Kernel::Portable => self.score_block_with(rows, out, masks_portable, masks_portable),
            #[cfg(target_arch = "x86_64")]
            Kernel::BinnedAvx512 => self.score_rows_binned(rows, out, kernel, block),
            Kernel::Binned => self.score_rows_binned(rows, out, kernel, block),
            // SAFETY: `Avx2` is only chosen when the CPU has AVX2.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { self.score_block_avx2(rows, out) },
            // SAFETY: `Avx512` is only chosen when the CPU has AVX-512F.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { self.score_block_avx512(rows, out) },
        }
    }

    fn score_rows_binned(&self, rows: &[f32], out: &mut [f64], kernel: Kernel, block: usize) {
        let binned = self.binned.as_ref().expect("the byte kernel is only chosen for a model that fits it");
        let rows = binned::BlockRows::RowMajor { values: rows, width: self.spec.n_features };
        self.score_binned_block(binned, rows, out, kernel, block)
    }

    /// A block by the byte kernel `kernel` (`Binned` or `BinnedAvx512`), in its build for this CPU.
    fn score_binned_block(
        &self,
        binned: &binned::Binned,
        rows: binned::BlockRows<'_>,
        out: &mut [f64],
        kernel: Kernel,
        block: usize,
    ) {
        // SAFETY: `BinnedAvx512` is only chosen when the CPU has AVX-512F and AVX-512BW.
        #[cfg(target_arch = "x86_64")]
        if kernel == Kernel::BinnedAvx512 {
            return unsafe { self.score_binned_avx512(binned, rows, out, block) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (kernel, block); // one build of the byte kernel here
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2.
            return unsafe { self.score_binned_avx2(binned, rows, out) };
        }
        self.score_binned::<false, { binned::FEW_ROWS }>(binned, rows, out)
    }

    /// The byte kernel compiled for AVX2: its byte loops become 32-lane instructions (and the
    /// bins' counts one `popcnt`, which every AVX2 CPU has).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    fn score_binned_avx2(&self, binned: &binned::Binned, rows: binned::BlockRows<'_>, out: &mut [f64]) {
        self.score_binned::<false, { binned::FEW_ROWS }>(binned, rows, out)
    }

    /// The byte kernel with AVX-512BW: each split's rows as mask bits (`Binned::descend_avx512`),
    /// the bins by 16-lane compares (`Binned::bin_rows_avx512`).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx2,popcnt")]
    fn score_binned_avx512(&self, binned: &binned::Binned, rows: binned::BlockRows<'_>, out: &mut [f64], block: usize) {
        match block {
            binned::ROWS => self.score_binned::<true, { binned::ROWS }>(binned, rows, out),
            _ => self.score_binned::<true, { binned::FEW_ROWS }>(binned, rows, out),
        }
    }

    /// Scores up to `N` rows (a block of `binned::ROWS` or `binned::FEW_ROWS`) with the byte
    /// kernel: each tree's leaf per row, its value added in model order as in
    /// `score_block_with`. `MASK_REGISTERS`: bins and descent by the AVX-512BW code (the caller
    /// has checked the CPU).
    #[inline(always)]
    fn score_binned<const MASK_REGISTERS: bool, const N: usize>(
        &self,
        binned: &binned::Binned,
        rows: binned::BlockRows<'_>,
        out: &mut [f64],
    ) {
        const ROWS: usize = binned::ROWS;
        let k = self.spec.n_classes;
        let n = rows.len();
        let mut scratch = binned.scratch();
        #[cfg(target_arch = "x86_64")]
        if MASK_REGISTERS {
            // SAFETY: `score_binned_avx512` checked AVX-512F; every AVX-512 CPU has POPCNT.
            unsafe { binned.bin_rows_avx512(rows, self.flush_tiny_inputs, ZERO_THRESHOLD as f32, &mut scratch.bins) }
        } else {
            binned.bin_rows(rows, self.flush_tiny_inputs, ZERO_THRESHOLD as f32, &mut scratch.bins);
        }
        #[cfg(not(target_arch = "x86_64"))]
        binned.bin_rows(rows, self.flush_tiny_inputs, ZERO_THRESHOLD as f32, &mut scratch.bins);
        let mut sums = vec![L::default(); k * ROWS];
        for (c, base) in self.spec.base_score.iter().enumerate() {
            sums[c * ROWS..][..ROWS].fill(*base);
        }
        for (i, (tree, &class)) in self.trees.iter().zip(&self.spec.tree_class).enumerate() {
            let block: &mut [L; ROWS] = (&mut sums[class as usize * ROWS..][..ROWS]).try_into().expect("ROWS sums");
            match *tree {
                Tree::Constant(v) => block[..n].iter_mut().for_each(|s| *s = *s + v),
                Tree::Narrow { leaves, .. } | Tree::Wide { leaves, .. } | Tree::Walked { leaves, .. } => {
                    #[cfg(target_arch = "x86_64")]
                    let leaf = if MASK_REGISTERS {
                        // SAFETY: `score_binned_avx512` checked AVX-512F and AVX-512BW.
                        unsafe { binned.descend_avx512::<N>(i, &mut scratch) }
                    } else {
                        binned.descend::<N>(i, &mut scratch)
                    };
                    #[cfg(not(target_arch = "x86_64"))]
                    let leaf = binned.descend::<N>(i, &mut scratch);
                    let leaf = leaf.expect("a tree with splits");
                    let values = &self.leaves[leaves as usize..];
                    #[cfg(target_arch = "x86_64")]
                    if MASK_REGISTERS {
                        // SAFETY: `score_binned_avx512` checked AVX-512F.
                        let tree_values = &values[..binned.leaves(i)];
                        if unsafe { L::add_leaf_values_avx512::<N>(block, leaf, tree_values) } {
                            continue;
                        }
                    }
                    // A leaf number is a byte: with 256 values in view the lookup needs no bounds
                    // check (all but a model's last trees). 3–5% of the scorer's time (LightGBM,
                    // 1 thread, 3,221 rows, in-process A/B).
                    let sums = &mut block[..n];
                    match values.first_chunk::<256>() {
                        Some(values) => add_leaf_values(sums, leaf, values),
                        None => add_leaf_values(sums, leaf, values),
                    }
                }
            }
        }
        self.finish_block(&sums, ROWS, out);
    }

    /// All of the block's work compiled for AVX2, so the kernels inline into it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn score_block_avx2(&self, rows: &[f32], out: &mut [f64]) {
        self.score_block_with(rows, out, |s, c| avx2::narrow(s, c), |s, c| avx2::wide(s, c))
    }

    /// All of the block's work compiled for AVX-512 (16 rows per compare, mask registers).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn score_block_avx512(&self, rows: &[f32], out: &mut [f64]) {
        self.score_block_with(rows, out, |s, c| avx512::narrow(s, c), |s, c| avx512::wide(s, c))
    }

    #[inline(always)]
    fn score_block_with(
        &self,
        rows: &[f32],
        out: &mut [f64],
        narrow: impl Fn(&[Split], &[f32]) -> [u32; BLOCK],
        wide: impl Fn(&[Split], &[f32]) -> [u64; BLOCK],
    ) {
        let (width, k) = (self.spec.n_features, self.spec.n_classes);
        let n = rows.len() / width;
        // Feature-major copy of the block (rows past `n` stay 0.0 and are never read back).
        // LightGBM's dense row reader turns |x| <= kZeroThreshold into 0.0; that only changes
        // a decision at a threshold inside that band, so only then is it done here too.
        let mut columns = vec![0.0f32; width * BLOCK];
        for (b, row) in rows.chunks_exact(width).enumerate() {
            for (f, &x) in row.iter().enumerate() {
                columns[f * BLOCK + b] = x;
            }
        }
        if self.flush_tiny_inputs {
            for x in columns.iter_mut() {
                if x.abs() <= ZERO_THRESHOLD as f32 {
                    *x = 0.0;
                }
            }
        }
        let columns = &columns[..];
        // Class-major sums from each class's intercept. Each class's trees are added in model
        // order, as GBDT::PredictRaw and XGBoost's CPU predictor add them: the same doubles
        // (LightGBM) or floats (XGBoost), bit for bit.
        let mut sums = vec![L::default(); k * BLOCK];
        for (c, base) in self.spec.base_score.iter().enumerate() {
            sums[c * BLOCK..][..BLOCK].fill(*base);
        }
        for (tree, &class) in self.trees.iter().zip(&self.spec.tree_class) {
            let sums = &mut sums[class as usize * BLOCK..][..n];
            match *tree {
                Tree::Constant(v) => sums.iter_mut().for_each(|s| *s = *s + v),
                Tree::Narrow { first, end, leaves } => {
                    let splits = &self.masked[first as usize..end as usize];
                    let masks = narrow(splits, columns);
                    add_leaves(sums, &masks, &self.leaves[leaves as usize..]);
                }
                Tree::Wide { first, end, leaves } => {
                    let splits = &self.masked[first as usize..end as usize];
                    let masks = wide(splits, columns);
                    add_leaves(sums, &masks, &self.leaves[leaves as usize..]);
                }
                Tree::Walked { root, leaves } => {
                    for (b, s) in sums.iter_mut().enumerate() {
                        *s = *s + self.leaves[leaves as usize + self.walk(root as i32, columns, b)];
                    }
                }
            }
        }
        self.finish_block(&sums, BLOCK, out);
    }

    /// Each row's probabilities from its class-major sums (`k` runs of `block`).
    fn finish_block(&self, sums: &[L], block: usize, out: &mut [f64]) {
        let mut scores = vec![L::default(); self.spec.n_classes];
        for (b, out) in out.chunks_exact_mut(self.spec.n_classes).enumerate() {
            for (c, s) in scores.iter_mut().enumerate() {
                *s = sums[c * block + b];
            }
            L::finish(&mut scores, self.spec.objective, self.average_over, out);
        }
    }

    /// The leaf (numbered left to right) that row `b` of `columns` reaches from `node`, by
    /// LightGBM's NumericalDecision.
    fn walk(&self, mut node: i32, columns: &[f32], b: usize) -> usize {
        while node >= 0 {
            let split = self.walked[node as usize];
            let x = columns[(split.meta & FEATURE_MASK) as usize * BLOCK + b];
            let left = if x.is_nan() {
                split.meta & NAN_LEFT != 0
            } else if split.meta & ZERO_MISSING != 0 && x.abs() <= ZERO_THRESHOLD as f32 {
                split.meta & DEFAULT_LEFT != 0
            } else {
                x <= split.threshold
            };
            let (l, r) = split.children();
            node = if left { l } else { r };
        }
        !node as usize
    }
}

/// Which 32-bit halves of a leaf mask a masked split clears: 1 the low, 2 the high, 3 both.
fn cleared_halves(mask: u64) -> u8 {
    u8::from(!mask as u32 != 0) | (u8::from(!mask >> 32 != 0) << 1)
}

/// Adds each row's leaf value: `values[leaf[b]]` to `sums[b]`, for the rows there are.
#[inline(always)]
fn add_leaf_values<L: Leaf, V: std::ops::Index<usize, Output = L> + ?Sized>(
    sums: &mut [L],
    leaf: &[u8; binned::ROWS],
    values: &V,
) {
    for (s, &l) in sums.iter_mut().zip(leaf) {
        *s = *s + values[l as usize];
    }
}

/// Adds to each row's sum the leaf its mask leaves standing first.
fn add_leaves<M: Mask, L: Leaf>(sums: &mut [L], masks: &[M; BLOCK], leaves: &[L]) {
    for (s, mask) in sums.iter_mut().zip(masks) {
        *s = *s + leaves[mask.first_leaf()];
    }
}

/// Whether a split sends each row of the block right, by LightGBM's NumericalDecision:
/// the slow general form, for the Zero missing type (which our training never produces).
fn zero_missing_right(split: &Split, xs: &[f32; BLOCK]) -> [bool; BLOCK] {
    let default_right = split.meta & DEFAULT_LEFT == 0;
    xs.map(|x| if x.is_nan() || x.abs() <= ZERO_THRESHOLD as f32 { default_right } else { x > split.threshold })
}

/// The block's values of the feature a split tests.
fn feature_values<'a>(split: &Split, columns: &'a [f32]) -> &'a [f32; BLOCK] {
    let f = (split.meta & FEATURE_MASK) as usize;
    columns[f * BLOCK..][..BLOCK].try_into().expect("BLOCK values")
}

/// Which code finds each row's leaf: the same result either way.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kernel {
    /// Plain Rust; the compiler vectorises it for the baseline target (SSE2 on x86-64).
    Portable,
    /// AVX2 intrinsics: twice the lanes, and vectorised for certain (the compiler scalarises the
    /// portable loops for some block sizes).
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// AVX-512F: 16 lanes per compare, and the compare's lane mask applied in one masked AND.
    #[cfg(target_arch = "x86_64")]
    Avx512,
    /// Bins and byte masks (`binned.rs`), compiled for AVX2 when the CPU has it; for a model
    /// that does not fit in bytes, the best mask kernel instead.
    Binned,
    /// Bins with AVX-512BW: each split's rows as bits in mask registers; for a model that does
    /// not fit in bytes, the best mask kernel instead.
    #[cfg(target_arch = "x86_64")]
    BinnedAvx512,
}

impl Kernel {
    /// What scores a model. `CANDLE_SCORER=binned-avx512|binned|avx512|avx2|portable` picks one
    /// (benchmarks, diagnosis; `binned` is the AVX2 build; a kernel the CPU lacks falls back as
    /// below). The byte kernel is the default wherever it was measured faster (README,
    /// *Benchmarks*): its AVX-512BW build with AVX-512BW, its AVX2 build with AVX2 alone. On a CPU
    /// with AVX-512F but not BW (Xeon Phi) the AVX-512 masks stay.
    fn detect() -> Self {
        static DETECTED: std::sync::OnceLock<Kernel> = std::sync::OnceLock::new();
        *DETECTED.get_or_init(|| {
            let wanted = std::env::var("CANDLE_SCORER").unwrap_or_default();
            match wanted.as_str() {
                "binned" => Kernel::Binned,
                #[cfg(target_arch = "x86_64")]
                "binned-avx512" if has_avx512bw() => Kernel::BinnedAvx512,
                "portable" => Kernel::Portable,
                "avx2" | "avx512" => Kernel::masks_up_to(&wanted),
                #[cfg(target_arch = "x86_64")]
                _ if has_avx512bw() => Kernel::BinnedAvx512,
                _ if Kernel::masks() == Kernel::Portable || has_avx512() => Kernel::masks(),
                _ => Kernel::Binned,
            }
        })
    }

    fn is_binned(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        if self == Kernel::BinnedAvx512 {
            return true;
        }
        self == Kernel::Binned
    }

    /// The fastest mask kernel this CPU runs.
    fn masks() -> Self {
        Kernel::masks_up_to("avx512")
    }

    /// The fastest mask kernel this CPU runs, at most `widest` ("avx512" or "avx2").
    fn masks_up_to(widest: &str) -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            if widest == "avx512" && has_avx512() {
                return Kernel::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") {
                return Kernel::Avx2;
            }
        }
        let _ = widest;
        Kernel::Portable
    }

    /// Every kernel this CPU can run (for tests that hold them to the portable one).
    #[cfg(test)]
    fn available() -> Vec<Kernel> {
        let mut kernels = vec![Kernel::Portable, Kernel::Binned];
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") {
                kernels.push(Kernel::Avx2);
            }
            if has_avx512() {
                kernels.push(Kernel::Avx512);
            }
            if has_avx512bw() {
                kernels.push(Kernel::BinnedAvx512);
            }
        }
        kernels
    }
}

#[cfg(target_arch = "x86_64")]
fn has_avx512bw() -> bool {
    std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512bw")
}

fn has_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::is_x86_feature_detected!("avx512f");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Each row's leaf mask: all leaves, less the left subtree of every split that sends it right.
fn masks_portable<M: Mask>(splits: &[Split], columns: &[f32]) -> [M; BLOCK] {
    let mut masks = [M::ALL; BLOCK];
    for split in splits {
        let (t, m) = (split.threshold, M::from_u64(split.mask));
        let xs = feature_values(split, columns);
        // `*mask &= if right { m } else { ALL }`, with `right` as 0 or all ones.
        let apply = |mask: &mut M, right: bool| *mask = *mask & !(M::all_if(right) & !m);
        if split.meta & ZERO_MISSING != 0 {
            for (mask, right) in masks.iter_mut().zip(zero_missing_right(split, xs)) {
                apply(mask, right);
            }
        } else if split.meta & NAN_LEFT != 0 {
            // `>` is false for NaN: it goes left.
            for (mask, &x) in masks.iter_mut().zip(xs) {
                apply(mask, x > t);
            }
        } else {
            // `<=` is false for NaN: it goes right. The negated comparison is the point: it is
            // LightGBM's own rule, and `x > t` would send NaN left.
            for (mask, &x) in masks.iter_mut().zip(xs) {
                #[allow(clippy::neg_cmp_op_on_partial_ord)]
                apply(mask, !(x <= t));
            }
        }
    }
    masks
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! `masks_portable` in AVX2 intrinsics, 8 rows per compare. The rows are taken a few
    //! vectors at a time through all of a tree's splits, so that their masks stay in registers
    //! (16 in AVX2); a mask of up to 64 leaves is kept as two 32-bit halves, and a split updates
    //! only the halves it clears (`Forest::add_tree` groups the splits by kind).
    use super::{feature_values, zero_missing_right, Split, BLOCK, NAN_LEFT, ZERO_MISSING};
    use std::arch::x86_64::*;

    /// Vectors of 8 rows taken through the splits together: 2 x 4 masks, the threshold, the
    /// cleared bits and the compares fit the 16 registers.
    const GROUP: usize = 4;
    const _: () = assert!(BLOCK.is_multiple_of(8 * GROUP));

    /// The rows of `GROUP` vectors from `row` (a multiple of 8) that a `ZERO_MISSING` split
    /// sends right, as lanes of all ones (the slow general form; our training never makes one).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn zero_missing_lanes(split: &Split, columns: &[f32], row: usize, right: &mut [__m256i; GROUP]) {
        let sent = zero_missing_right(split, feature_values(split, columns));
        for (v, lanes) in right.iter_mut().enumerate() {
            let mut ints = [0i32; 8];
            for (j, int) in ints.iter_mut().enumerate() {
                *int = -i32::from(sent[row + v * 8 + j]);
            }
            // SAFETY: reads the 8 i32 of `ints`.
            *lanes = unsafe { _mm256_loadu_si256(ints.as_ptr().cast()) };
        }
    }

    /// The two 32-bit halves of each row's leaf mask, for `GROUP` vectors of rows from `row`.
    /// `mask &= !(right & cleared)` per half; a half the split does not clear is left alone.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn halves(splits: &[Split], columns: &[f32], row: usize, wide: bool) -> ([__m256i; GROUP], [__m256i; GROUP]) {
        let mut lo = [_mm256_set1_epi32(-1); GROUP];
        let mut hi = [_mm256_set1_epi32(-1); GROUP];
        for split in splits {
            let cleared_lo = !(split.mask as u32);
            let cleared_hi = if wide { !(split.mask >> 32) as u32 } else { 0 };
            // Plain loops, no closures: a closure passed to a generic helper may be compiled
            // without AVX2 and take its vectors through memory.
            let mut right = [_mm256_setzero_si256(); GROUP];
            if split.meta & ZERO_MISSING != 0 {
                zero_missing_lanes(split, columns, row, &mut right);
            } else {
                let t = _mm256_set1_ps(split.threshold);
                let xs = feature_values(split, columns);
                let nan_left = split.meta & NAN_LEFT != 0;
                for (v, lanes) in right.iter_mut().enumerate() {
                    // SAFETY: reads xs[row + 8 v..row + 8 v + 8], inside its BLOCK values
                    // (row + 8 GROUP <= BLOCK).
                    let x = unsafe { _mm256_loadu_ps(xs.as_ptr().add(row + v * 8)) };
                    *lanes = _mm256_castps_si256(if nan_left {
                        // Ordered `>`: false for NaN, which goes left.
                        _mm256_cmp_ps::<_CMP_GT_OQ>(x, t)
                    } else {
                        // Unordered `!(x <= t)`: true for NaN, which goes right (LightGBM's rule).
                        _mm256_cmp_ps::<_CMP_NLE_UQ>(x, t)
                    });
                }
            }
            if cleared_lo != 0 {
                let c = _mm256_set1_epi32(cleared_lo as i32);
                for v in 0..GROUP {
                    lo[v] = _mm256_andnot_si256(_mm256_and_si256(right[v], c), lo[v]);
                }
            }
            if cleared_hi != 0 {
                let c = _mm256_set1_epi32(cleared_hi as i32);
                for v in 0..GROUP {
                    hi[v] = _mm256_andnot_si256(_mm256_and_si256(right[v], c), hi[v]);
                }
            }
        }
        (lo, hi)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    pub(super) fn narrow(splits: &[Split], columns: &[f32]) -> [u32; BLOCK] {
        let mut masks = [0u32; BLOCK];
        for row in (0..BLOCK).step_by(8 * GROUP) {
            let (lo, _) = halves(splits, columns, row, false);
            // SAFETY: GROUP x 8 u32 and 8 GROUP u32 are the same bytes.
            let lo = unsafe { std::mem::transmute::<[__m256i; GROUP], [u32; 8 * GROUP]>(lo) };
            masks[row..row + 8 * GROUP].copy_from_slice(&lo);
        }
        masks
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    pub(super) fn wide(splits: &[Split], columns: &[f32]) -> [u64; BLOCK] {
        let mut masks = [0u64; BLOCK];
        for row in (0..BLOCK).step_by(8 * GROUP) {
            let (lo, hi) = halves(splits, columns, row, true);
            // SAFETY (both): GROUP x 8 u32 and 8 GROUP u32 are the same bytes.
            let lo = unsafe { std::mem::transmute::<[__m256i; GROUP], [u32; 8 * GROUP]>(lo) };
            let hi = unsafe { std::mem::transmute::<[__m256i; GROUP], [u32; 8 * GROUP]>(hi) };
            for (b, mask) in masks[row..row + 8 * GROUP].iter_mut().enumerate() {
                *mask = u64::from(lo[b]) | (u64::from(hi[b]) << 32);
            }
        }
        masks
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    //! `masks_portable` in AVX-512F intrinsics: 16 rows per compare; the compare's lane mask
    //! selects the rows whose leaf mask is ANDed with the split's (a masked AND, no blend).
    //! And the byte kernel's leaf sums with a tree's leaf values in registers.
    use super::binned::ROWS;
    use super::{feature_values, zero_missing_right, Split, BLOCK, NAN_LEFT, ZERO_MISSING};
    use std::arch::x86_64::*;

    const VECTORS: usize = BLOCK / 16;

    /// For each vector of 16 rows: the lanes the split sends right.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn goes_right(split: &Split, columns: &[f32], mut each: impl FnMut(usize, __mmask16)) {
        let xs = feature_values(split, columns);
        if split.meta & ZERO_MISSING != 0 {
            let right = zero_missing_right(split, xs);
            for i in 0..VECTORS {
                let lanes = (0..16).fold(0u16, |m, j| m | (u16::from(right[i * 16 + j]) << j));
                each(i, lanes);
            }
            return;
        }
        let t = _mm512_set1_ps(split.threshold);
        // SAFETY (both loads): reads xs[16 i..16 i + 16], inside its BLOCK values (i < VECTORS).
        if split.meta & NAN_LEFT != 0 {
            for i in 0..VECTORS {
                // Ordered `>`: false for NaN, which goes left.
                let x = unsafe { _mm512_loadu_ps(xs.as_ptr().add(i * 16)) };
                each(i, _mm512_cmp_ps_mask::<_CMP_GT_OQ>(x, t));
            }
        } else {
            for i in 0..VECTORS {
                // Unordered `!(x <= t)`: true for NaN, which goes right.
                let x = unsafe { _mm512_loadu_ps(xs.as_ptr().add(i * 16)) };
                each(i, _mm512_cmp_ps_mask::<_CMP_NLE_UQ>(x, t));
            }
        }
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) fn narrow(splits: &[Split], columns: &[f32]) -> [u32; BLOCK] {
        let mut masks = [_mm512_set1_epi32(-1); VECTORS];
        for split in splits {
            let kept = _mm512_set1_epi32(split.mask as u32 as i32);
            // Rows sent right keep only the leaves outside the left subtree: mask &= m.
            goes_right(split, columns, |i, right| {
                masks[i] = _mm512_mask_and_epi32(masks[i], right, masks[i], kept);
            });
        }
        // SAFETY: VECTORS x 16 u32 and BLOCK u32 are the same bytes.
        unsafe { std::mem::transmute::<[__m512i; VECTORS], [u32; BLOCK]>(masks) }
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) fn wide(splits: &[Split], columns: &[f32]) -> [u64; BLOCK] {
        let mut masks = [_mm512_set1_epi64(-1); 2 * VECTORS];
        for split in splits {
            let kept = _mm512_set1_epi64(split.mask as i64);
            goes_right(split, columns, |i, right| {
                // Lanes 0-7 of the compare are the first 8 rows (one vector of u64), 8-15 the next.
                let (lo, hi) = (right as __mmask8, (right >> 8) as __mmask8);
                masks[2 * i] = _mm512_mask_and_epi64(masks[2 * i], lo, masks[2 * i], kept);
                masks[2 * i + 1] = _mm512_mask_and_epi64(masks[2 * i + 1], hi, masks[2 * i + 1], kept);
            });
        }
        // SAFETY: 2 VECTORS x 8 u64 and BLOCK u64 are the same bytes.
        unsafe { std::mem::transmute::<[__m512i; 2 * VECTORS], [u64; BLOCK]>(masks) }
    }

    /// The byte kernel's leaf sums with a tree's leaf values held in registers: `sums[b] +=
    /// values[leaf[b]]` for all `N` rows of a block (past a partial block's rows the sums are
    /// never read), each row's value picked by permutes (16 f64 or 32 f32 per permute of two
    /// registers) instead of loaded row by row. The additions are `add_leaf_values`' own, in
    /// the same order, so the sums are the same to the bit. False, and nothing added, for a
    /// tree of more than 64 leaves.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) fn add_leaf_values_f64<const N: usize>(
        sums: &mut [f64; ROWS],
        leaf: &[u8; ROWS],
        values: &[f64],
    ) -> bool {
        let n = values.len();
        if n > 64 {
            return false;
        }
        // Eight registers of 8 values; lanes past the tree's leaves are zero, and never picked.
        let mut table = [_mm512_setzero_pd(); 8];
        for (j, t) in table.iter_mut().enumerate() {
            let lanes = n.saturating_sub(8 * j).min(8);
            // SAFETY: only the first `lanes` values at 8 j are read, all inside `values`.
            *t = unsafe {
                _mm512_maskz_loadu_pd(((1u32 << lanes) - 1) as __mmask8, values.as_ptr().wrapping_add(8 * j))
            };
        }
        let [t0, t1, t2, t3, t4, t5, t6, t7] = table;
        let (bit4, bit5) = (_mm512_set1_epi64(16), _mm512_set1_epi64(32));
        for g in 0..N / 8 {
            // SAFETY: bytes and sums 8 g..8 g + 8, inside the block (g < N / 8 <= ROWS / 8).
            let leaves = _mm512_cvtepu8_epi64(unsafe { _mm_loadl_epi64(leaf.as_ptr().add(8 * g).cast()) });
            // A permute reads the low 4 bits of each leaf number: leaves 0-15 from (t0, t1),
            // 16-31 from (t2, t3)..., and bits 4 and 5 choose among those.
            let first = _mm512_permutex2var_pd(t0, leaves, t1);
            let value = if n <= 16 {
                first
            } else {
                let second = _mm512_permutex2var_pd(t2, leaves, t3);
                let low = _mm512_mask_blend_pd(_mm512_test_epi64_mask(leaves, bit4), first, second);
                if n <= 32 {
                    low
                } else {
                    let third = _mm512_permutex2var_pd(t4, leaves, t5);
                    let fourth = _mm512_permutex2var_pd(t6, leaves, t7);
                    let high = _mm512_mask_blend_pd(_mm512_test_epi64_mask(leaves, bit4), third, fourth);
                    _mm512_mask_blend_pd(_mm512_test_epi64_mask(leaves, bit5), low, high)
                }
            };
            // SAFETY: as above.
            unsafe {
                let at = sums.as_mut_ptr().add(8 * g);
                _mm512_storeu_pd(at, _mm512_add_pd(_mm512_loadu_pd(at), value));
            }
        }
        true
    }

    /// [`add_leaf_values_f64`] for XGBoost's float sums: 16 rows per vector, 32 values per permute.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) fn add_leaf_values_f32<const N: usize>(
        sums: &mut [f32; ROWS],
        leaf: &[u8; ROWS],
        values: &[f32],
    ) -> bool {
        let n = values.len();
        if n > 64 {
            return false;
        }
        let mut table = [_mm512_setzero_ps(); 4];
        for (j, t) in table.iter_mut().enumerate() {
            let lanes = n.saturating_sub(16 * j).min(16);
            // SAFETY: only the first `lanes` values at 16 j are read, all inside `values`.
            *t = unsafe {
                _mm512_maskz_loadu_ps(((1u32 << lanes) - 1) as __mmask16, values.as_ptr().wrapping_add(16 * j))
            };
        }
        let [t0, t1, t2, t3] = table;
        let bit5 = _mm512_set1_epi32(32);
        for g in 0..N / 16 {
            // SAFETY: bytes and sums 16 g..16 g + 16, inside the block (g < N / 16 <= ROWS / 16).
            let leaves = _mm512_cvtepu8_epi32(unsafe { _mm_loadu_si128(leaf.as_ptr().add(16 * g).cast()) });
            let first = _mm512_permutex2var_ps(t0, leaves, t1);
            let value = if n <= 32 {
                first
            } else {
                let second = _mm512_permutex2var_ps(t2, leaves, t3);
                _mm512_mask_blend_ps(_mm512_test_epi32_mask(leaves, bit5), first, second)
            };
            // SAFETY: as above.
            unsafe {
                let at = sums.as_mut_ptr().add(16 * g);
                _mm512_storeu_ps(at, _mm512_add_ps(_mm512_loadu_ps(at), value));
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_round_down_to_f32_without_changing_any_decision() {
        for t in [0.1, -0.1, 1.0, 1e-40, -1e-40, 3.4e38, 1e300, -1e300, f64::INFINITY, f64::NEG_INFINITY] {
            let r = f32_at_or_below(t);
            assert!(f64::from(r) <= t, "{t}");
            assert!(f64::from(r.next_up()) > t || r == f32::INFINITY, "{t}");
        }
        assert!(f32_at_or_below(f64::NAN).is_nan());
    }

    /// A LightGBM-style spec: tree `i` adds to class `i % n_classes`, no intercept.
    fn lightgbm_spec(n_trees: usize, n_classes: usize, n_features: usize) -> ForestSpec<f64> {
        ForestSpec {
            n_classes,
            n_features,
            tree_class: (0..n_trees).map(|i| (i % n_classes) as u32).collect(),
            base_score: vec![0.0; n_classes],
            average_output: false,
            objective: Objective::Softmax,
            lightgbm_zero_flush: true,
        }
    }

    fn stump(feature: u32, threshold: f64, decision_type: u8, leaves: [f64; 2]) -> TreeText {
        TreeText {
            leaf_value: leaves.to_vec(),
            left_child: vec![-1],
            right_child: vec![-2],
            split_feature: vec![feature],
            threshold: vec![threshold],
            decision_type: vec![decision_type],
        }
    }

    #[test]
    fn cycles_and_shared_subtrees_are_refused() {
        let mut t = stump(0, 0.5, 2, [1.0, 2.0]);
        t.right_child = vec![-1];
        let err = Forest::new(&[t, stump(0, 0.5, 2, [1.0, 2.0])], lightgbm_spec(2, 2, 1)).unwrap_err();
        assert!(err.contains("leaf 0 is reached twice"), "{err}");
        let cyclic = TreeText {
            leaf_value: vec![1.0, 2.0, 3.0],
            left_child: vec![1, 0],
            right_child: vec![-1, -2],
            split_feature: vec![0, 0],
            threshold: vec![0.0, 0.0],
            decision_type: vec![0, 0],
        };
        let err = Forest::new(&[cyclic, stump(0, 0.5, 2, [1.0, 2.0])], lightgbm_spec(2, 2, 1)).unwrap_err();
        assert!(err.contains("reached twice"), "{err}");
    }

    /// A random tree grown like LightGBM's (split `i` turns a leaf into a node with the leaf on
    /// the left and new leaf `i + 1` on the right), with every missing type.
    fn random_tree(state: &mut u64, n_leaves: usize) -> TreeText {
        random_tree_of(
            state,
            n_leaves,
            3,
            &[0.1, -0.3, 0.0, ZERO_THRESHOLD, -ZERO_THRESHOLD, 2.5],
            &[0, 2, 4, 6, 8, 10],
        )
    }

    fn next_random(state: &mut u64, n: usize) -> usize {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        (*state % n as u64) as usize
    }

    /// `random_tree` over `n_features` features, its thresholds and decision types drawn from
    /// those given.
    fn random_tree_of(
        state: &mut u64,
        n_leaves: usize,
        n_features: usize,
        thresholds: &[f64],
        decision_types: &[u8],
    ) -> TreeText {
        let mut next = |n: usize| next_random(state, n);
        let mut t = TreeText {
            leaf_value: (0..n_leaves).map(|_| next(1000) as f64 / 100.0 - 5.0).collect(),
            ..Default::default()
        };
        let mut parent_of_leaf: Vec<Option<(usize, bool)>> = vec![None];
        for i in 0..n_leaves - 1 {
            let leaf = next(i + 1);
            match parent_of_leaf[leaf] {
                Some((p, true)) => t.left_child[p] = i as i32,
                Some((p, false)) => t.right_child[p] = i as i32,
                None => {}
            }
            t.left_child.push(!(leaf as i32));
            t.right_child.push(!(i as i32 + 1));
            parent_of_leaf[leaf] = Some((i, true));
            parent_of_leaf.push(Some((i, false)));
            t.split_feature.push(next(n_features) as u32);
            t.threshold.push(thresholds[next(thresholds.len())]);
            t.decision_type.push(decision_types[next(decision_types.len())]);
        }
        t
    }

    #[test]
    fn portable_and_simd_kernels_agree() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let trees: Vec<TreeText> =
            [2, 31, 32, 33, 64, 65, 1, 7, 20].iter().map(|&n| random_tree(&mut state, n)).collect();
        let forest = Forest::new(&trees, lightgbm_spec(trees.len(), 3, 3)).unwrap();
        let specials = [f32::NAN, 0.0, -0.0, 1e-36, -1e-36, 0.1, -0.3, 2.5, f32::INFINITY];
        let rows: Vec<f32> = (0..3 * 1000usize)
            .map(|i| specials[(i * 7 + i / 5) % specials.len()] * if i % 3 == 0 { 1.0 } else { 0.5 })
            .collect();
        assert_eq!(forest.predict_with(&rows, Kernel::Portable).len(), 3000);
        assert_kernels_agree(&forest, &rows);
    }

    /// Every kernel gives the portable one's scores, bit for bit, on `rows` (row-major), and so
    /// do the byte kernels reading the same rows as columns.
    fn assert_kernels_agree<L: Leaf>(forest: &Forest<L>, rows: &[f32]) {
        let portable = forest.predict_with(rows, Kernel::Portable);
        let width = forest.n_features();
        // As a feature frame would hold them: anything not finite (NaN in a row) and finite
        // values past f32's range (infinite in a row) as well.
        let frame_value = |x: f32| match x {
            x if x.is_nan() => f64::NEG_INFINITY,
            f32::INFINITY => 1e300,
            f32::NEG_INFINITY => -1e300,
            x => f64::from(x),
        };
        let columns: Vec<Vec<f64>> =
            (0..width).map(|i| rows.chunks_exact(width).map(|row| frame_value(row[i])).collect()).collect();
        let columns: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        for kernel in Kernel::available() {
            let other = forest.predict_with(rows, kernel);
            let same = portable.iter().zip(&other).all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same && portable.len() == other.len(), "{kernel:?}");
            let by_columns = forest.predict_columns_with(&columns, kernel);
            assert_eq!(by_columns.is_some(), kernel.is_binned() && forest.binned.is_some(), "{kernel:?}");
            if let Some(other) = by_columns {
                let same = portable.iter().zip(&other).all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same && portable.len() == other.len(), "{kernel:?}, rows as columns");
            }
        }
    }

    /// Thresholds as a trained model has them: many per feature, and the awkward ones.
    fn many_thresholds(state: &mut u64, n: usize) -> Vec<f64> {
        let mut t: Vec<f64> = (0..n).map(|_| next_random(state, 20_000) as f64 / 1000.0 - 10.0 + 1e-4).collect();
        t.extend([0.0, -0.0, 1e-36, -1e-36, 0.1, f64::INFINITY, f64::NEG_INFINITY, 1e300]);
        t
    }

    /// Rows that land on, just beside and between the thresholds, and NaN, infinities, zeros and
    /// tiny values (LightGBM reads those as 0.0).
    fn rows_around(state: &mut u64, thresholds: &[f64], n_values: usize) -> Vec<f32> {
        (0..n_values)
            .map(|_| {
                let t = f32_at_or_below(thresholds[next_random(state, thresholds.len())]);
                match next_random(state, 8) {
                    0 => t,
                    1 => t.next_up(),
                    2 => t.next_down(),
                    3 => [f32::NAN, 0.0, -0.0, 1e-36, -1e-36, f32::INFINITY, f32::NEG_INFINITY][next_random(state, 7)],
                    _ => next_random(state, 24_000) as f32 / 1000.0 - 12.0,
                }
            })
            .collect()
    }

    #[test]
    fn binned_kernel_gives_the_portable_scores_on_models_that_fit_it() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let thresholds = many_thresholds(&mut state, 200);
        // LightGBM's missing types None and NaN, both default directions; every tree size up
        // to 256 leaves, and a one-leaf tree.
        let sizes = [2, 31, 33, 63, 64, 65, 100, 256, 1, 7, 17];
        let trees: Vec<TreeText> =
            sizes.iter().map(|&n| random_tree_of(&mut state, n, 4, &thresholds, &[0, 2, 8, 10])).collect();
        let forest = Forest::new(&trees, lightgbm_spec(trees.len(), 3, 4)).unwrap();
        assert!(forest.binned.is_some(), "the model fits the byte kernel");
        assert!(forest.flush_tiny_inputs, "a threshold in the zero band: rows are flushed first");
        // Block edges: 1 row, partial blocks of 128 and of 256 rows (the AVX-512BW kernel picks
        // its block size by the rows, `binned::block_rows`), whole blocks and more.
        for n_rows in [1, 5, 127, 128, 129, 255, 256, 300, 513, 1000] {
            assert_kernels_agree(&forest, &rows_around(&mut state, &thresholds, 4 * n_rows));
        }
        // XGBoost's float sums and intercepts.
        let spec = ForestSpec {
            n_classes: 3,
            n_features: 4,
            tree_class: (0..trees.len()).map(|i| (i % 3) as u32).collect(),
            base_score: vec![0.5f32; 3],
            average_output: false,
            objective: Objective::SoftmaxF32,
            lightgbm_zero_flush: false,
        };
        let xgboost = Forest::<f32>::new(&trees, spec).unwrap();
        assert!(xgboost.binned.is_some());
        assert_kernels_agree(&xgboost, &rows_around(&mut state, &thresholds, 4 * 700));
    }

    #[test]
    fn models_that_do_not_fit_bytes_are_scored_by_the_mask_kernels() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let few = [0.5, -1.5, 2.0];
        let fits = |trees: &[TreeText]| Forest::new(trees, lightgbm_spec(trees.len(), 2, 2)).unwrap();
        let base = || random_tree_of(&mut 7u64.clone(), 20, 2, &few, &[0, 2, 8, 10]);
        assert!(fits(&[base(), base()]).binned.is_some());
        // 255 distinct thresholds on one feature: more than a byte's bins leave for numbers.
        let many: Vec<f64> = (0..255).map(|i| i as f64 * 0.25).collect();
        let overfull = TreeText {
            threshold: many.clone(),
            split_feature: vec![0; 255],
            ..random_tree_of(&mut state, 256, 1, &many, &[0])
        };
        // LightGBM's Zero missing type; a tree of 257 leaves; a NaN threshold.
        let zero_missing = random_tree_of(&mut state, 20, 2, &few, &[4]);
        let deep = random_tree_of(&mut state, 257, 2, &few, &[0]);
        let mut nan = random_tree_of(&mut state, 5, 2, &few, &[0]);
        nan.threshold[2] = f64::NAN;
        for odd in [overfull, zero_missing, deep, nan] {
            let forest = fits(&[base(), odd]);
            assert!(forest.binned.is_none());
            let rows = rows_around(&mut state, &many, 2 * 300);
            assert_kernels_agree(&forest, &rows);
        }
    }

    #[test]
    fn missing_values_follow_numerical_decision() {
        // Class 0 score is the leaf; class 1 is a constant 0 tree, so softmax is monotonic in it.
        let raw = |tree: TreeText, x: f32| {
            let f =
                Forest::new(&[tree, TreeText { leaf_value: vec![0.0], ..Default::default() }], lightgbm_spec(2, 2, 1))
                    .unwrap();
            let p = f.predict(&[x]);
            (p[0] / p[1]).ln().round()
        };
        // missing None (0): NaN reads as 0.0.
        assert_eq!(raw(stump(0, 0.5, 0, [1.0, 2.0]), f32::NAN), 1.0);
        assert_eq!(raw(stump(0, -0.5, 2, [1.0, 2.0]), f32::NAN), 2.0);
        // missing Zero (4): NaN and zeros take the default (bit 2), others compare.
        assert_eq!(raw(stump(0, -0.5, 4 | 2, [1.0, 2.0]), 0.0), 1.0);
        assert_eq!(raw(stump(0, 0.5, 4, [1.0, 2.0]), 0.0), 2.0);
        assert_eq!(raw(stump(0, 0.5, 4, [1.0, 2.0]), f32::NAN), 2.0);
        assert_eq!(raw(stump(0, 0.5, 4, [1.0, 2.0]), 1e-36), 2.0);
        assert_eq!(raw(stump(0, 0.5, 4, [1.0, 2.0]), 0.25), 1.0);
        // missing NaN (8): NaN takes the default, zero compares.
        assert_eq!(raw(stump(0, 0.5, 8, [1.0, 2.0]), f32::NAN), 2.0);
        assert_eq!(raw(stump(0, -0.5, 8 | 2, [1.0, 2.0]), f32::NAN), 1.0);
        assert_eq!(raw(stump(0, 0.5, 8, [1.0, 2.0]), 0.0), 1.0);
        // A threshold inside the zero band: tiny inputs are read as 0.0 first.
        assert_eq!(raw(stump(0, 1e-36, 0, [1.0, 2.0]), 5e-36), 1.0);
        assert_eq!(raw(stump(0, -1e-36, 0, [1.0, 2.0]), -5e-36), 2.0);
    }
}
