//! Scoring by bins: a block of rows goes down each tree together, one byte per row.
//!
//! The mask kernels of `forest.rs` compare 8 f32 rows per AVX2 instruction and then update a
//! 32- or 64-bit leaf mask per row for every split: for trees of 60 leaves that update is most of
//! the work. Here each feature value is first replaced by its *bin*: the number of the model's
//! thresholds on that feature that lie below it. `x <= t_k` (the k-th threshold, ascending) is
//! then `bin <= k` exactly, so a split is a byte compare: 32 rows per AVX2 instruction. Rows go
//! down a tree as byte masks (which rows reach each split, in pre-order), and each row's leaf
//! number, counted left to right, is the sum of the left subtree sizes of the splits that sent it
//! right: one more byte add per split. Nothing branches on the data.
//!
//! LightGBM's thresholds come from at most 255 bins per feature (XGBoost's `hist` method: 256),
//! so a feature's thresholds fit a byte's bins. A model that does not fit (a feature with more
//! than `MAX_THRESHOLDS` thresholds, a tree of more than 256 leaves, LightGBM's Zero missing
//! type, a NaN threshold) is scored by the mask kernels instead.

/// The most rows scored together (a block's storage): 8 AVX2 vectors of bytes, 4 AVX-512 ones.
pub(super) const ROWS: usize = 256;
/// The rows of a smaller block: the AVX2 build's, and the AVX-512BW kernel's for fewer rows than
/// would give every thread a block of `ROWS`.
pub(super) const FEW_ROWS: usize = 128;
/// A block's rows as 64-bit masks.
const WORDS: usize = ROWS / 64;

/// Rows per block of the AVX-512BW kernel for `n` rows split over `threads` threads. The walk's
/// fixed work per split (reading the split, its broadcasts, the loop) is shared by every row of
/// a block, so a block of `ROWS` scores its rows in 5/3 the time of a block of `FEW_ROWS`, not
/// twice (LightGBM and XGBoost, in-process A/B on the benchmark's models): the larger blocks, unless
/// the smaller ones, spread over the threads, finish sooner (a 500-candle request's 451 rows on
/// 2 threads: two blocks of 256; 200 rows: two of 128, one per thread).
pub(super) fn block_rows(n: usize, threads: usize) -> usize {
    let rounds = |rows: usize| n.div_ceil(rows).div_ceil(threads.max(1));
    if 5 * rounds(ROWS) <= 3 * rounds(FEW_ROWS) {
        ROWS
    } else {
        FEW_ROWS
    }
}
/// A block's rows as the scorer reads them: row-major `f32` (a `FeatureMatrix`'s values, `width`
/// per row), or columns of a feature frame, whose rows `start..start + len` the block holds
/// (converted as `row_value` converts them into rows).
#[derive(Clone, Copy)]
pub(super) enum BlockRows<'a> {
    RowMajor { values: &'a [f32], width: usize },
    Columns { columns: &'a [&'a [f64]], start: usize, len: usize },
}

impl BlockRows<'_> {
    pub(super) fn len(&self) -> usize {
        match *self {
            BlockRows::RowMajor { values, width } => values.len() / width,
            BlockRows::Columns { len, .. } => len,
        }
    }
}

/// A feature's thresholds: bins 0..=254 for numbers, 255 for NaN.
const MAX_THRESHOLDS: usize = 254;
const NAN_BIN: u8 = 255;

/// One byte per row of the block.
type Lanes = [u8; ROWS];

/// A split as `Forest::add_tree` compiles it: `left`/`right` are pre-order slots of the same
/// tree, or `!leaf` for a leaf.
#[derive(Clone, Copy, Debug)]
pub(super) struct SplitText {
    pub feature: u32,
    /// Already rounded down to f32 (`x <= threshold` decides as LightGBM's double does).
    pub threshold: f32,
    pub nan_left: bool,
    pub zero_missing: bool,
    pub left: i32,
    pub right: i32,
    /// Leaves in the left subtree.
    pub left_size: usize,
}

/// A compiled split. A row goes left when `bin.wrapping_add(nan_shift) < limit`:
/// `limit = k + 1 + nan_shift` for the split's threshold index `k`, and `nan_shift = 1` turns
/// NaN's bin (255) into 0, which goes left, for splits that send NaN left. The block keeps each
/// feature's bins twice, as they are and shifted by one (`Binned::bin_rows`), so a split reads
/// the copy its shift names and the walk compares the bytes as loaded: one instruction that
/// takes its operand from memory, where an add first was two more per 64 rows.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// Where the split's bins start in a block: `(feature + nan_shift * n_features) * ROWS`.
    bins_at: u32,
    /// `limit ^ 0x80`, as the bins are stored (see `Binned::bin_rows`).
    limit: u8,
    left_size: u8,
    /// The reach slot the rows going right are written to (a leaf: the discard slot, the last).
    right_to: u16,
    /// 0xFF when this split is the left child of the split before it (its rows are carried over
    /// from that one), else 0 (its rows are in its slot: a right child).
    from_left: u8,
}

/// A model's trees in bins, when every tree fits.
#[derive(Debug)]
pub(super) struct Binned {
    n_features: usize,
    /// The features some split tests, with their thresholds.
    used: Vec<(usize, Thresholds)>,
    nodes: Vec<Node>,
    /// Per model tree, its nodes (`first..end`; empty for a one-leaf tree).
    trees: Vec<(u32, u32)>,
    /// Reach slots a block needs: the most splits of a tree, plus the discard slot.
    slots: usize,
}

impl Binned {
    /// `None` when some tree or feature does not fit in bytes.
    pub(super) fn new(trees: &[Vec<SplitText>], n_features: usize) -> Option<Self> {
        if n_features.checked_mul(2 * ROWS).is_none_or(|n| n > u32::MAX as usize) {
            return None; // `Node::bins_at` would not fit
        }
        let mut thresholds = vec![Vec::new(); n_features];
        for split in trees.iter().flatten() {
            if split.zero_missing || split.threshold.is_nan() || split.left_size > 255 {
                return None;
            }
            thresholds[split.feature as usize].push(split.threshold);
        }
        for t in &mut thresholds {
            t.sort_by(f32::total_cmp);
            // -0.0 and 0.0 are one threshold: `x <= -0.0` and `x <= 0.0` decide alike.
            t.dedup_by(|a, b| a == b);
            if t.len() > MAX_THRESHOLDS {
                return None;
            }
        }
        let most_splits = trees.iter().map(Vec::len).max().unwrap_or(0);
        if most_splits > 255 {
            return None; // more than 256 leaves: a leaf number would not fit a byte
        }
        let discard = most_splits as u16;
        let reach_slot = |child: i32| if child >= 0 { child as u16 } else { discard };
        let mut nodes = Vec::new();
        let mut spans = Vec::with_capacity(trees.len());
        for tree in trees {
            let first = nodes.len() as u32;
            for (j, s) in tree.iter().enumerate() {
                // `descend` needs pre-order (`add_tree` writes it): a left child right after its
                // split, a right child after it. Anything else is left to the mask kernels.
                let slot = j as i32;
                if (s.left >= 0 && s.left != slot + 1) || (s.right >= 0 && s.right <= slot) {
                    return None;
                }
                let from_left = if j == 0 || tree[j - 1].left == slot { u8::MAX } else { 0 };
                let k = thresholds[s.feature as usize].partition_point(|&t| t < s.threshold);
                let nan_shift = u8::from(s.nan_left);
                nodes.push(Node {
                    bins_at: (s.feature + u32::from(nan_shift) * n_features as u32) * ROWS as u32,
                    limit: ((k + 1) as u8 + nan_shift) ^ 0x80,
                    left_size: s.left_size as u8,
                    right_to: reach_slot(s.right),
                    from_left,
                });
            }
            spans.push((first, nodes.len() as u32));
        }
        let used = (0..n_features)
            .filter(|&f| !thresholds[f].is_empty())
            .map(|f| (f, Thresholds::new(&thresholds[f])))
            .collect();
        Some(Binned { n_features, used, nodes, trees: spans, slots: most_splits + 1 })
    }

    /// How many leaves tree `tree` has.
    pub(super) fn leaves(&self, tree: usize) -> usize {
        let (first, end) = self.trees[tree];
        (end - first) as usize + 1
    }

    /// A block's scratch: its bins (feature-major, `n_features * ROWS`, then the same shifted by
    /// one), the reach slots and the leaf numbers.
    pub(super) fn scratch(&self) -> Scratch {
        Scratch {
            bins: vec![0; 2 * self.n_features * ROWS],
            reach: vec![[0; ROWS]; self.slots],
            reach_bits: vec![[0; WORDS]; self.slots],
            leaf: [0; ROWS],
        }
    }

    /// Bins of a block of up to `ROWS` rows, stored `^ 0x80` so that the walk's
    /// unsigned `<` is a signed one (one instruction), and again plus one (wrapping) for the splits
    /// that send NaN left (see `Node`; adding one commutes with flipping the top bit).
    /// `flush_tiny`: LightGBM's dense row reader reads |x| <= kZeroThreshold as 0.0 (see
    /// `Forest::flush_tiny_inputs`).
    #[inline(always)]
    pub(super) fn bin_rows(&self, rows: BlockRows<'_>, flush_tiny: bool, tiny: f32, bins: &mut [u8]) {
        self.bin_rows_by(rows, flush_tiny, tiny, bins, |thresholds, values, n, bins| {
            for (b, &x) in bins.iter_mut().zip(&values[..n]) {
                *b = thresholds.bin(x);
            }
        })
    }

    /// Each used feature's values read into a buffer, in a loop of their own (a column's `f64`s
    /// converted there, not each just before its search), then binned by `bin_feature`: from the
    /// feature's thresholds and the buffer, whose first `n` values are the block's rows (the
    /// rest zeros), into the feature's bins (each the count of thresholds below, flipped to
    /// `^ 0x80` here for all binnings).
    #[inline(always)]
    fn bin_rows_by(
        &self,
        rows: BlockRows<'_>,
        flush_tiny: bool,
        tiny: f32,
        bins: &mut [u8],
        bin_feature: impl Fn(&Thresholds, &[f32; ROWS], usize, &mut [u8; ROWS]),
    ) {
        let (bins, shifted) = bins.split_at_mut(self.n_features * ROWS);
        let mut values = [0.0f32; ROWS];
        let n = rows.len();
        for (f, thresholds) in &self.used {
            let bins: &mut [u8; ROWS] = (&mut bins[f * ROWS..][..ROWS]).try_into().expect("ROWS bins");
            feature_values(rows, *f, flush_tiny, tiny, &mut values[..n]);
            bin_feature(thresholds, &values, n, bins);
            for (s, b) in shifted[f * ROWS..][..ROWS].iter_mut().zip(bins.iter_mut()) {
                *b ^= 0x80;
                *s = b.wrapping_add(1);
            }
        }
    }

    /// Sends the block's first `N` rows (`ROWS` or `FEW_ROWS`) down tree `tree`; afterwards
    /// `scratch.leaf[b]` is the leaf (left to right) row `b` reached. `None` for a one-leaf tree.
    #[inline(always)]
    pub(super) fn descend<'s, const N: usize>(&self, tree: usize, scratch: &'s mut Scratch) -> Option<&'s Lanes> {
        const { assert!(N <= ROWS && N.is_multiple_of(64)) };
        let (first, end) = self.trees[tree];
        if first == end {
            return None;
        }
        let Scratch { bins, reach, leaf, .. } = scratch;
        leaf[..N].fill(0);
        // The rows going left from a split: in pre-order its left child, if a split, comes next,
        // so they stay in registers (`carried`) and are never stored. Only the rows going right
        // are stored, in the right child's slot, read back when the walk gets there. Storing
        // both was 3–7% slower (1 thread, 3,221 rows).
        // No test of whether a split is reached at all: skipping the subtrees no row of the
        // block reaches was measured slower (the branch mispredicts).
        let mut carried = [u8::MAX; N]; // the root: every row
        for (slot, node) in self.nodes[first as usize..end as usize].iter().enumerate() {
            // A select by the node, not a branch: which splits are left children follows no
            // pattern a predictor could learn from tree to tree. A left child's own slot holds
            // stale rows, masked off.
            let stored: &[u8; N] = reach[slot][..N].try_into().expect("N rows");
            let bins: &[u8; N] = bins[node.bins_at as usize..][..N].try_into().expect("N bins");
            let (mut left, mut right) = ([0u8; N], [0u8; N]);
            // Bins and limit are stored `^ 0x80`: the unsigned `<` as a signed one.
            let limit = node.limit as i8;
            for b in 0..N {
                let here = (carried[b] & node.from_left) | (stored[b] & !node.from_left);
                let goes_left = 0u8.wrapping_sub(u8::from((bins[b] as i8) < limit));
                left[b] = here & goes_left;
                right[b] = here & !goes_left;
                leaf[b] = leaf[b].wrapping_add(right[b] & node.left_size);
            }
            carried = left;
            reach[node.right_to as usize][..N].copy_from_slice(&right);
        }
        Some(leaf)
    }
}

#[cfg(target_arch = "x86_64")]
impl Binned {
    /// [`Binned::descend`] with AVX-512BW: a split's byte compare covers 64 rows and gives a
    /// 64-bit mask register, so which rows reach a split, go left or go right are one u64 word
    /// per 64 rows rather than byte masks, and a row's leaf number grows by one masked byte add
    /// per 64 rows. `N`: `ROWS` or `FEW_ROWS` (see `block_rows`).
    ///
    /// # Safety
    /// The CPU must have AVX-512F and AVX-512BW.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn descend_avx512<'s, const N: usize>(
        &self,
        tree: usize,
        scratch: &'s mut Scratch,
    ) -> Option<&'s Lanes> {
        use std::arch::x86_64::*;
        const { assert!(N <= ROWS && N.is_multiple_of(64)) };
        let (first, end) = self.trees[tree];
        if first == end {
            return None;
        }
        let Scratch { bins, reach_bits, leaf, .. } = scratch;
        let mut leaves = [_mm512_setzero_si512(); WORDS];
        // As in `descend`: the rows going left stay in registers, those going right are stored
        // in the right child's slot.
        let mut carried = [u64::MAX; WORDS];
        for (slot, node) in self.nodes[first as usize..end as usize].iter().enumerate() {
            let from_left = node.from_left as i8 as i64 as u64; // all ones or zero
            let stored = reach_bits[slot];
            let lanes: &Lanes = bins[node.bins_at as usize..][..ROWS].try_into().expect("ROWS bins");
            let limit = _mm512_set1_epi8(node.limit as i8);
            let size = _mm512_set1_epi8(node.left_size as i8);
            let mut right = [0u64; WORDS];
            for w in 0..N / 64 {
                let here = (carried[w] & from_left) | (stored[w] & !from_left);
                // SAFETY: `lanes` is ROWS bytes; an unaligned load of 64 at 64 w.
                let bytes = unsafe { _mm512_loadu_si512(lanes.as_ptr().add(64 * w).cast()) };
                let goes_left = _mm512_cmplt_epi8_mask(bytes, limit);
                right[w] = here & !goes_left;
                leaves[w] = _mm512_mask_add_epi8(leaves[w], right[w], leaves[w], size);
                carried[w] = here & goes_left;
            }
            reach_bits[node.right_to as usize] = right;
        }
        for (w, l) in leaves.iter().enumerate().take(N / 64) {
            // SAFETY: `leaf` is ROWS bytes.
            unsafe { _mm512_storeu_si512(leaf.as_mut_ptr().add(64 * w).cast(), *l) };
        }
        Some(leaf)
    }

    /// [`Binned::bin_rows`] with AVX-512F. A feature with few thresholds (a recogniser's
    /// column has 2 to 4) is binned 16 rows at a time ([`Thresholds::count_below_avx512`]),
    /// others a value at a time ([`Thresholds::bin_avx512`]). With the values' own loop
    /// (`bin_rows_by`), the scorer of a 500-candle prediction from columns, 2 threads, in-process
    /// A/B: LightGBM 0.31–0.33 → 0.27–0.30 ms, XGBoost 0.16–0.19 → 0.13–0.14 ms.
    ///
    /// # Safety
    /// The CPU must have AVX-512F and POPCNT.
    #[target_feature(enable = "avx512f,popcnt")]
    pub(super) unsafe fn bin_rows_avx512(&self, rows: BlockRows<'_>, flush_tiny: bool, tiny: f32, bins: &mut [u8]) {
        use std::arch::x86_64::*;
        self.bin_rows_by(rows, flush_tiny, tiny, bins, |thresholds, values, n, bins| {
            if thresholds.len > LINEAR_THRESHOLDS {
                for (b, &x) in bins.iter_mut().zip(&values[..n]) {
                    // SAFETY: this function's caller vouches for the CPU.
                    *b = unsafe { thresholds.bin_avx512(x) };
                }
                return;
            }
            // 16 values at a time, past the block's rows into the buffer's zeros.
            for at in (0..n.div_ceil(16) * 16).step_by(16) {
                // SAFETY: 16 values and 16 bins from `at` (`at + 16 <= ROWS`); the CPU as above.
                unsafe {
                    let counts = thresholds.count_below_avx512(_mm512_loadu_ps(values.as_ptr().add(at)));
                    _mm_storeu_si128(bins.as_mut_ptr().add(at).cast(), _mm512_cvtepi32_epi8(counts));
                }
            }
        })
    }
}

/// The most thresholds [`Thresholds::count_below_avx512`] compares one by one with 16 values
/// (a compare and an add per threshold for 16 values). Past a few dozen, a value at a time is as
/// fast; 32 and 64 measured alike on the benchmark's models, whose features have at most 4 or
/// more than 64.
#[cfg(target_arch = "x86_64")]
const LINEAR_THRESHOLDS: usize = 32;

/// Feature `f` of a block's rows, as the scorer reads it: `flush_tiny`, LightGBM's reading of
/// |x| <= `tiny` as 0.0.
#[inline(always)]
fn feature_values(rows: BlockRows<'_>, f: usize, flush_tiny: bool, tiny: f32, out: &mut [f32]) {
    let flush = |x: f32| if flush_tiny && x.abs() <= tiny { 0.0 } else { x };
    match rows {
        BlockRows::RowMajor { values, width } => {
            for (o, row) in out.iter_mut().zip(values.chunks_exact(width)) {
                *o = flush(row[f]);
            }
        }
        // A column's rows are contiguous: no stride of a row's width between them.
        BlockRows::Columns { columns, start, len } => {
            for (o, &v) in out.iter_mut().zip(&columns[f][start..start + len]) {
                *o = flush(super::super::row_value(v));
            }
        }
    }
}

/// A feature's thresholds, for counting those below a value: in groups of 16 (the last padded
/// with +inf), with each group's largest in `maxes` (padded with +inf to 16). Two compares of 16
/// lanes each, instead of a binary search's chain of dependent loads.
#[derive(Debug)]
struct Thresholds {
    maxes: [f32; 16],
    groups: Vec<[f32; 16]>,
    /// The thresholds (not counting the pads).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    len: usize,
}

impl Thresholds {
    /// `sorted`: distinct, ascending, at most `MAX_THRESHOLDS`.
    fn new(sorted: &[f32]) -> Self {
        let groups: Vec<[f32; 16]> = sorted
            .chunks(16)
            .map(|c| {
                let mut g = [f32::INFINITY; 16];
                g[..c.len()].copy_from_slice(c);
                g
            })
            .collect();
        let mut maxes = [f32::INFINITY; 16];
        for (m, g) in maxes.iter_mut().zip(&groups) {
            *m = g[15];
        }
        Thresholds { maxes, groups, len: sorted.len() }
    }

    /// The number of thresholds below `x` (+inf pads are below nothing); NaN's own bin.
    #[inline(always)]
    fn bin(&self, x: f32) -> u8 {
        self.bin_counting(x, |t| t.iter().map(|&t| u32::from(t < x)).sum())
    }

    /// [`Thresholds::bin`] of 16 values, as 32-bit lanes: each threshold compared with all 16.
    /// For a feature of up to `LINEAR_THRESHOLDS` thresholds.
    ///
    /// # Safety
    /// The CPU must have AVX-512F.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn count_below_avx512(&self, x: std::arch::x86_64::__m512) -> std::arch::x86_64::__m512i {
        use std::arch::x86_64::*;
        let mut count = _mm512_setzero_si512();
        for &t in &self.groups.as_flattened()[..self.len] {
            let below = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(_mm512_set1_ps(t), x);
            count = _mm512_mask_sub_epi32(count, below, count, _mm512_set1_epi32(-1));
        }
        let nan = _mm512_cmp_ps_mask::<_CMP_UNORD_Q>(x, x);
        _mm512_mask_mov_epi32(count, nan, _mm512_set1_epi32(i32::from(NAN_BIN)))
    }

    /// [`Thresholds::bin`] with AVX-512F: each 16-lane compare gives a mask register, counted by
    /// one popcount. (The portable code compiled for AVX-512 summed the mask's bits one shift at a
    /// time; that was most of the scorer's time.)
    ///
    /// # Safety
    /// The CPU must have AVX-512F and POPCNT.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,popcnt")]
    #[inline]
    unsafe fn bin_avx512(&self, x: f32) -> u8 {
        use std::arch::x86_64::*;
        let xs = _mm512_set1_ps(x);
        // SAFETY: 16 f32, unaligned loads.
        self.bin_counting(x, |t| {
            _mm512_cmp_ps_mask::<_CMP_LT_OQ>(unsafe { _mm512_loadu_ps(t.as_ptr()) }, xs).count_ones()
        })
    }

    /// `x`'s bin, `below(group)` counting a group's thresholds below `x`.
    #[inline(always)]
    fn bin_counting(&self, x: f32, below: impl Fn(&[f32; 16]) -> u32) -> u8 {
        // Groups wholly below x; above every threshold that is all of them, and the last one
        // read again counts its 16.
        let whole = (below(&self.maxes) as usize).min(self.groups.len() - 1);
        let bin = 16 * whole + below(&self.groups[whole]) as usize;
        if x.is_nan() {
            NAN_BIN
        } else {
            bin as u8
        }
    }
}

/// Per-block working memory of [`Binned`].
pub(super) struct Scratch {
    pub bins: Vec<u8>,
    reach: Vec<Lanes>,
    /// `reach` as bits, a word per 64 rows of a slot (`descend_avx512`).
    reach_bits: Vec<[u64; WORDS]>,
    leaf: Lanes,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bin_counts_the_thresholds_below_the_value() {
        for m in [1, 2, 15, 16, 17, 31, 32, 33, 100, 239, 240, 241, 253, 254] {
            let sorted: Vec<f32> = (0..m).map(|i| i as f32 * 0.5 - 3.0).collect();
            let thresholds = Thresholds::new(&sorted);
            let mut values: Vec<f32> = sorted.iter().flat_map(|&t| [t, t.next_up(), t.next_down()]).collect();
            values.extend([f32::INFINITY, f32::NEG_INFINITY, f32::MAX, -f32::MAX, 0.0, -0.0, 1e9]);
            for &x in &values {
                let expected = sorted.partition_point(|&t| t < x);
                assert_eq!(thresholds.bin(x) as usize, expected, "{m} thresholds, x = {x}");
            }
            assert_eq!(thresholds.bin(f32::NAN), NAN_BIN);
            values.push(f32::NAN);
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("popcnt") {
                // SAFETY: the CPU has AVX-512F and POPCNT.
                unsafe { assert_avx512_bins_agree(&thresholds, &values) };
            }
        }
    }

    /// The AVX-512 binnings give `Thresholds::bin`'s bins: a value at a time, and 16 at a time
    /// (whatever the count of thresholds: `bin_rows_avx512` uses it up to `LINEAR_THRESHOLDS`).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,popcnt")]
    fn assert_avx512_bins_agree(thresholds: &Thresholds, values: &[f32]) {
        use std::arch::x86_64::*;
        let m = thresholds.len;
        for chunk in values.chunks(16) {
            let mut lanes = [f32::NAN; 16];
            lanes[..chunk.len()].copy_from_slice(chunk);
            let mut counts = [0u32; 16];
            // SAFETY: 16 lanes each way; the CPU has AVX-512F (the caller).
            unsafe {
                let x = _mm512_loadu_ps(lanes.as_ptr());
                _mm512_storeu_si512(counts.as_mut_ptr().cast(), thresholds.count_below_avx512(x));
            }
            for (&x, &count) in lanes.iter().zip(&counts) {
                let expected = thresholds.bin(x);
                assert_eq!(count, u32::from(expected), "{m} thresholds, 16 at a time, x = {x}");
                // SAFETY: the CPU has AVX-512F and POPCNT (the caller).
                let one = unsafe { thresholds.bin_avx512(x) };
                assert_eq!(one, expected, "{m} thresholds, one at a time, x = {x}");
            }
        }
    }

    #[test]
    fn blocks_are_large_unless_small_ones_spread_over_the_threads_finish_sooner() {
        // A 500-candle request's 451 rows on 2 threads: one block of 256 each.
        assert_eq!(block_rows(451, 2), ROWS);
        // 200 rows on 2 threads: a block of 128 each, not one thread with all of them.
        assert_eq!(block_rows(200, 2), FEW_ROWS);
        assert_eq!(block_rows(100, 1), FEW_ROWS);
        // 300 rows on 1 thread: three blocks of 128 (3 x 3/5) beat two of 256 (2 x 1).
        assert_eq!(block_rows(300, 1), FEW_ROWS);
        assert_eq!(block_rows(3221, 1), ROWS);
        assert_eq!(block_rows(3221, 8), ROWS);
    }

    fn split(left: i32, right: i32, left_size: usize) -> SplitText {
        SplitText { feature: 0, threshold: 1.0, nan_left: false, zero_missing: false, left, right, left_size }
    }

    #[test]
    fn only_trees_in_pre_order_are_compiled() {
        // Three leaves: the root's right child is a split. In pre-order it is slot 1.
        let pre_order = vec![split(!0, 1, 1), split(!1, !2, 1)];
        assert!(Binned::new(&[pre_order], 1).is_some());
        // The same tree mirrored, its left child a split in slot 1: still pre-order.
        let left_deep = vec![split(1, !2, 2), split(!0, !1, 1)];
        let binned = Binned::new(&[left_deep], 1).expect("pre-order");
        assert_eq!(binned.nodes.iter().map(|n| n.from_left).collect::<Vec<_>>(), [u8::MAX, u8::MAX]);
        // A left child that does not come right after its split, or a child before it: the
        // walk would read rows it never wrote, so such a layout goes to the mask kernels.
        let left_later = vec![split(2, 1, 2), split(!2, !3, 1), split(!0, !1, 1)];
        assert!(Binned::new(&[left_later], 1).is_none());
        let child_first = vec![split(!0, !1, 1), split(!2, 0, 2)];
        assert!(Binned::new(&[child_first], 1).is_none());
    }
}
