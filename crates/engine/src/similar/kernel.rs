//! The z-normalised Euclidean distance profile: sliding dot products of the template with the
//! target, and each window's mean and standard deviation from running sums (MASS's identity
//! `d² = 2m (1 - (q·t - m μq μt) / (m σq σt))`, with the template already normalised).
//!
//! For the short queries of chart patterns (tens to hundreds of candles) the direct sliding dot
//! product beats an FFT: it streams the target once per template value, vectorised over 32 window
//! starts at a time (AVX2 + FMA when the CPU has them, checked once at run time).
use super::query::{ChannelPlan, ChunkData, Template};

/// Window starts computed together: 8 AVX2 registers of 4 lanes.
const BLOCK: usize = 32;

/// Reusable buffers of one worker.
#[derive(Default)]
pub struct Scratch {
    dots: Vec<Vec<f64>>,
}

/// Per-candle squared distance (0..=4) of the template to every window `k..k + len` of the
/// chunk, `k = first + i` for `i < profile.len()`; `INFINITY` where a window's prices are flat.
pub fn euclidean_profile(
    tpl: &Template,
    data: &ChunkData,
    first: usize,
    plan: &ChannelPlan,
    profile: &mut [f64],
    s: &mut Scratch,
) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked at run time just above).
        unsafe { euclidean_profile_avx2(tpl, data, first, plan, profile, s) };
        return;
    }
    euclidean_profile_with::<false>(tpl, data, first, plan, profile, s);
}

/// The whole profile compiled for AVX2 + FMA: the sliding dot products and the per-window
/// normalisation both vectorise four lanes wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn euclidean_profile_avx2(
    tpl: &Template,
    data: &ChunkData,
    first: usize,
    plan: &ChannelPlan,
    profile: &mut [f64],
    s: &mut Scratch,
) {
    euclidean_profile_with::<true>(tpl, data, first, plan, profile, s)
}

#[inline(always)]
fn euclidean_profile_with<const FMA: bool>(
    tpl: &Template,
    data: &ChunkData,
    first: usize,
    plan: &ChannelPlan,
    profile: &mut [f64],
    s: &mut Scratch,
) {
    let count = profile.len();
    let len = tpl.len;
    s.dots.resize_with(plan.groups.len(), Vec::new);
    for (g, group) in plan.groups.iter().enumerate() {
        let dots = &mut s.dots[g];
        dots.clear();
        dots.resize(count, 0.0);
        for c in group.channels.clone() {
            sliding_dot_with::<FMA>(&tpl.values[c], &data.channels[c][first..first + count + len - 1], dots);
        }
    }
    profile.fill(0.0);
    for (g, group) in plan.groups.iter().enumerate() {
        let width = group.channels.len();
        let m = (len * width) as f64;
        let q_norm = tpl.group_norms[g];
        let q_sum: f64 = group.channels.clone().map(|c| tpl.values[c].iter().sum::<f64>()).sum();
        let flat = if group.skip_flat { f64::INFINITY } else { group.weight * q_norm };
        let window = data.groups[g].windows(first, count, len, width);
        // Branch-free, so it vectorises: Σ q̂ t̂ = (Σ q̂ t - μ Σ q̂) / σ (Σ q̂ is 0 up to rounding).
        for (i, (d, &dot)) in profile.iter_mut().zip(&s.dots[g]).enumerate() {
            let (mean, var, tolerance) = window.moments(i);
            let std = var.max(tolerance).sqrt();
            let term = q_norm + 1.0 - 2.0 * (dot - mean * q_sum) / (m * std);
            *d += if var <= tolerance { flat } else { group.weight * term.max(0.0) };
        }
    }
}

/// `out[i] += Σ_j q[j] · t[i + j]` for every `i < out.len()`; `t.len() == out.len() + q.len() - 1`.
#[cfg(test)]
pub fn sliding_dot(q: &[f64], t: &[f64], out: &mut [f64]) {
    assert_eq!(t.len() + 1, out.len() + q.len(), "sliding_dot: t must hold out.len() + q.len() - 1 values");
    sliding_dot_with::<false>(q, t, out);
}

#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    static DETECTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DETECTED.get_or_init(|| std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma"))
}

#[inline(always)]
fn sliding_dot_with<const FMA: bool>(q: &[f64], t: &[f64], out: &mut [f64]) {
    let m = q.len();
    let blocks = out.len() / BLOCK;
    for b in 0..blocks {
        let i = b * BLOCK;
        let window = &t[i..i + BLOCK + m - 1];
        let mut acc = [0.0f64; BLOCK];
        for (j, &qj) in q.iter().enumerate() {
            let lanes: &[f64; BLOCK] = window[j..j + BLOCK].try_into().expect("BLOCK values");
            for (a, &x) in acc.iter_mut().zip(lanes) {
                *a = if FMA { qj.mul_add(x, *a) } else { *a + qj * x };
            }
        }
        for (o, a) in out[i..i + BLOCK].iter_mut().zip(acc) {
            *o += a;
        }
    }
    for i in blocks * BLOCK..out.len() {
        let mut acc = 0.0;
        for (&qj, &x) in q.iter().zip(&t[i..i + m]) {
            acc = if FMA { qj.mul_add(x, acc) } else { acc + qj * x };
        }
        out[i] += acc;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_dot_matches_the_definition_on_every_path() {
        let q: Vec<f64> = (0..13).map(|i| (i as f64 * 0.7).sin()).collect();
        let t: Vec<f64> = (0..200).map(|i| (i as f64 * 0.31).cos() * 3.0 + 100.0).collect();
        let n = t.len() + 1 - q.len();
        let expected: Vec<f64> = (0..n).map(|i| q.iter().zip(&t[i..]).map(|(a, b)| a * b).sum()).collect();
        for run in [sliding_dot as fn(&[f64], &[f64], &mut [f64]), sliding_dot_with::<true>] {
            let mut out = vec![1.0; n];
            run(&q, &t, &mut out);
            for (o, e) in out.iter().zip(&expected) {
                assert!((o - 1.0 - e).abs() < 1e-9, "{o} vs {e}");
            }
        }
    }
}
