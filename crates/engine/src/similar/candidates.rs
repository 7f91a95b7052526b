//! Candidates for the results: local minima of the distance profile, kept in one bounded heap
//! shared by the workers. The heap's worst distance, once it is full, is the bar a new window
//! has to beat (and the bound DTW's lower bounds prune against).
use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    /// Per-candle squared distance.
    pub d2: f64,
    pub target: u32,
    pub start: u32,
    /// Index into the plan's templates.
    pub template: u32,
}

impl Candidate {
    fn key(&self) -> (u32, u32) {
        (self.target, self.start)
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// By distance, then position: the order is total, so results do not depend on scheduling.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        self.d2.total_cmp(&other.d2).then_with(|| self.key().cmp(&other.key()))
    }
}

/// The current bar (an f64 in an atomic), only ever lowered.
pub struct Threshold(AtomicU64);

impl Threshold {
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }

    fn lower_to(&self, value: f64) {
        let mut current = self.0.load(Ordering::Relaxed);
        while value < f64::from_bits(current) {
            match self.0.compare_exchange_weak(current, value.to_bits(), Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return,
                Err(now) => current = now,
            }
        }
    }
}

/// The best `capacity` candidates seen so far.
pub struct CandidatePool {
    heap: Mutex<BinaryHeap<Candidate>>,
    capacity: usize,
    threshold: Threshold,
}

impl CandidatePool {
    /// `max_d2`: no candidate above it is kept at all.
    pub fn new(capacity: usize, max_d2: f64) -> Self {
        CandidatePool {
            heap: Mutex::new(BinaryHeap::with_capacity(capacity + 1)),
            capacity,
            threshold: Threshold(AtomicU64::new(max_d2.to_bits())),
        }
    }

    pub fn threshold(&self) -> &Threshold {
        &self.threshold
    }

    pub fn merge(&self, found: Vec<Candidate>) {
        if found.is_empty() {
            return;
        }
        let mut heap = self.heap.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for c in found {
            if c.d2 > self.threshold.get() {
                continue;
            }
            if heap.len() < self.capacity {
                heap.push(c);
            } else if heap.peek().is_some_and(|worst| c < *worst) {
                heap.pop();
                heap.push(c);
            }
            if heap.len() == self.capacity {
                self.threshold.lower_to(heap.peek().expect("full heap").d2);
            }
        }
    }

    /// Best first.
    pub fn into_sorted(self) -> Vec<Candidate> {
        self.heap.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()).into_sorted_vec()
    }
}

/// Indices `k` in `range` whose value is finite, at most `limit`, and the smallest within
/// `k - h..=k + h` (up to a relative 1e-9, so a tie across a chunk border, where the two sides'
/// running sums round differently, keeps both rather than neither).
pub fn local_minima(values: &[f64], h: usize, range: Range<usize>, limit: f64) -> Vec<usize> {
    // Only the neighbourhood of `range` matters.
    let from = range.start.saturating_sub(h);
    let to = (range.end + h).min(values.len());
    let mins = window_min(&values[from..to], h);
    range
        .filter(|&k| {
            let (v, min) = (values[k], mins[k - from]);
            v.is_finite() && v <= limit && v <= min + 1e-9 * min.abs() + 1e-15
        })
        .collect()
}

/// `out[k] = min(values[k - h..=k + h])`, clipped to the slice (van Herk / Gil-Werman: a prefix
/// and a suffix minimum per block of the window's width, so O(n) whatever `h`).
fn window_min(values: &[f64], h: usize) -> Vec<f64> {
    let n = values.len();
    let w = 2 * h + 1;
    // Padded by h infinities either side: out[k] = min(padded[k..k + w]).
    let padded_len = n + 2 * h;
    let at = |i: usize| if i < h || i >= h + n { f64::INFINITY } else { values[i - h] };
    let mut prefix = vec![f64::INFINITY; padded_len];
    let mut suffix = vec![f64::INFINITY; padded_len];
    for i in 0..padded_len {
        prefix[i] = if i % w == 0 { at(i) } else { prefix[i - 1].min(at(i)) };
    }
    for i in (0..padded_len).rev() {
        suffix[i] = if i % w == w - 1 || i == padded_len - 1 { at(i) } else { suffix[i + 1].min(at(i)) };
    }
    (0..n).map(|k| suffix[k].min(prefix[k + w - 1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_min_matches_the_definition() {
        let values: Vec<f64> = (0..97).map(|i| ((i * 37) % 23) as f64 - (i % 5) as f64).collect();
        for h in [1, 2, 3, 7, 50, 200] {
            let got = window_min(&values, h);
            for (k, &min) in got.iter().enumerate() {
                let lo = k.saturating_sub(h);
                let hi = (k + h).min(values.len() - 1);
                let expect = values[lo..=hi].iter().cloned().fold(f64::INFINITY, f64::min);
                assert_eq!(min, expect, "h {h} k {k}");
            }
        }
    }

    #[test]
    fn pool_keeps_the_best_and_lowers_the_bar() {
        let pool = CandidatePool::new(3, 4.0);
        let c = |d2: f64, start: u32| Candidate { d2, target: 0, start, template: 0 };
        pool.merge(vec![c(1.0, 0), c(0.5, 10), c(3.0, 20), c(2.0, 30)]);
        assert_eq!(pool.threshold().get(), 2.0);
        pool.merge(vec![c(2.5, 40), c(0.1, 50)]);
        let kept: Vec<u32> = pool.into_sorted().iter().map(|c| c.start).collect();
        assert_eq!(kept, vec![50, 10, 0]);
    }
}
