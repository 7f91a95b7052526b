//! DTW inside a Sakoe-Chiba band, on z-normalised windows, behind the UCR suite's cascade
//! (Rakthanmanon et al., 2012): LB_Kim (first and last points), LB_Keogh of the window against
//! the template's envelope, LB_Keogh of the template against the window's envelope, then DTW
//! abandoned as soon as its partial cost plus the remaining lower bound passes the bar.
//!
//! With several channels the point cost is the weighted sum over channels of squared differences
//! (dependent DTW); each lower bound sums the same weights, so each stays a lower bound.
use super::query::{envelope, ChannelPlan, ChunkData, Template};

#[derive(Debug, Default, Clone, Copy)]
pub struct DtwStats {
    pub pruned: u64,
    pub abandoned: u64,
    pub completed: u64,
}

/// Per channel, a running (max, min) over a band.
type Envelopes = Vec<(Vec<f64>, Vec<f64>)>;

/// Reusable buffers of one worker for one chunk (the target envelopes belong to the chunk).
#[derive(Default)]
pub struct Scratch {
    /// Per band width: the chunk's envelopes.
    target_envelopes: Vec<(usize, Envelopes)>,
    window: Vec<Vec<f64>>,
    lb_eq: Vec<f64>,
    lb_ec: Vec<f64>,
    remaining: Vec<f64>,
    prev: Vec<f64>,
    cur: Vec<f64>,
}

/// Per-candle DTW cost (DTW / len) of the template to every window `k..k + len` of the chunk,
/// `k = first + i` for `i < profile.len()`; `INFINITY` where the window is flat or cannot beat
/// `bounds[i]`.
pub fn dtw_profile(
    tpl: &Template,
    data: &ChunkData,
    first: usize,
    plan: &ChannelPlan,
    bounds: &[f64],
    profile: &mut [f64],
    s: &mut Scratch,
) -> DtwStats {
    let len = tpl.len;
    let r = tpl.band;
    let channels = plan.len();
    let weights = &plan.channel_weights;
    if !s.target_envelopes.iter().any(|(w, _)| *w == r) {
        let env = data.channels.iter().map(|c| envelope(c, r)).collect();
        s.target_envelopes.push((r, env));
    }
    let Scratch { target_envelopes, window, lb_eq, lb_ec, remaining, prev, cur } = s;
    let t_env = &target_envelopes.iter().find(|(w, _)| *w == r).expect("envelope just built").1;
    window.resize_with(channels, Vec::new);
    for w in window.iter_mut() {
        w.resize(len, 0.0);
    }
    lb_eq.resize(len, 0.0);
    lb_ec.resize(len, 0.0);
    remaining.resize(len + 1, 0.0);

    let mut stats = DtwStats::default();
    let mut shift = vec![0.0; channels];
    let mut scale = vec![0.0; channels];
    'windows: for (i, out) in profile.iter_mut().enumerate() {
        *out = f64::INFINITY;
        let bar = bounds[i] * len as f64;
        let k = first + i;
        // Normalisation of this window: t̂ = (t - shift) · scale per channel.
        for (g, group) in plan.groups.iter().enumerate() {
            let width = group.channels.len();
            match data.groups[g].stats(k, len, width) {
                Some(st) => group.channels.clone().for_each(|c| {
                    shift[c] = st.mean;
                    scale[c] = 1.0 / st.std;
                }),
                None if group.skip_flat => {
                    stats.pruned += 1;
                    continue 'windows;
                }
                None => group.channels.clone().for_each(|c| {
                    shift[c] = 0.0;
                    scale[c] = 0.0;
                }),
            }
        }
        let at = |c: usize, j: usize| (data.channels[c][k + j] - shift[c]) * scale[c];

        // LB_Kim: every path starts at (0, 0) and ends at (len-1, len-1).
        let mut kim = 0.0;
        for (c, w) in weights.iter().enumerate() {
            let first = tpl.values[c][0] - at(c, 0);
            let last = tpl.values[c][len - 1] - at(c, len - 1);
            kim += w * (first * first + last * last);
        }
        if kim >= bar {
            stats.pruned += 1;
            continue;
        }

        // LB_Keogh, window against the template's envelope (normalising the window as it goes).
        let mut eq_total = 0.0;
        for j in 0..len {
            let mut cost = 0.0;
            for c in 0..channels {
                let x = at(c, j);
                window[c][j] = x;
                let d = outside(x, tpl.upper[c][j], tpl.lower[c][j]);
                cost += weights[c] * d * d;
            }
            lb_eq[j] = cost;
            eq_total += cost;
            if eq_total >= bar {
                stats.pruned += 1;
                continue 'windows;
            }
        }

        // LB_Keogh, template against the window's envelope.
        let mut ec_total = 0.0;
        for i in 0..len {
            let mut cost = 0.0;
            for c in 0..channels {
                let (up, lo) = (&t_env[c].0, &t_env[c].1);
                let upper = (up[k + i] - shift[c]) * scale[c];
                let lower = (lo[k + i] - shift[c]) * scale[c];
                let d = outside(tpl.values[c][i], upper, lower);
                cost += weights[c] * d * d;
            }
            lb_ec[i] = cost;
            ec_total += cost;
            if ec_total >= bar {
                stats.pruned += 1;
                continue 'windows;
            }
        }

        // What the rows (or columns) after index i cost at least: the tighter bound's tail sums.
        let tail = if eq_total > ec_total { &*lb_eq } else { &*lb_ec };
        remaining[len] = 0.0;
        for i in (0..len).rev() {
            remaining[i] = remaining[i + 1] + tail[i];
        }

        match banded_dtw(tpl, window, weights, r, remaining, bar, prev, cur) {
            Some(cost) => {
                stats.completed += 1;
                *out = cost / len as f64;
            }
            None => stats.abandoned += 1,
        }
    }
    stats
}

/// How far `x` lies outside `[lower, upper]`.
#[inline]
fn outside(x: f64, upper: f64, lower: f64) -> f64 {
    if x > upper {
        x - upper
    } else if x < lower {
        lower - x
    } else {
        0.0
    }
}

/// DTW of the template and the (normalised) window within `|i - j| <= r`, or `None` once the
/// cheapest cell of a row plus what the rest must cost reaches `bar`.
#[allow(clippy::too_many_arguments)]
fn banded_dtw(
    tpl: &Template,
    window: &[Vec<f64>],
    weights: &[f64],
    r: usize,
    remaining: &[f64],
    bar: f64,
    prev: &mut Vec<f64>,
    cur: &mut Vec<f64>,
) -> Option<f64> {
    let len = tpl.len;
    let width = 2 * r + 1;
    prev.clear();
    prev.resize(width, f64::INFINITY);
    cur.clear();
    cur.resize(width, f64::INFINITY);
    // Cell (i, j) lives at offset j + r - i of row i.
    for i in 0..len {
        cur.fill(f64::INFINITY);
        let j_lo = i.saturating_sub(r);
        let j_hi = (i + r).min(len - 1);
        let mut row_min = f64::INFINITY;
        for j in j_lo..=j_hi {
            let off = j + r - i;
            let mut cost = 0.0;
            for ((w, q), t) in weights.iter().zip(&tpl.values).zip(window) {
                let d = q[i] - t[j];
                cost += w * d * d;
            }
            let before = if i == 0 && j == 0 {
                0.0
            } else {
                let left = if j > j_lo { cur[off - 1] } else { f64::INFINITY };
                let up = if i > 0 && off + 1 < width { prev[off + 1] } else { f64::INFINITY };
                let diagonal = if i > 0 && j > 0 { prev[off] } else { f64::INFINITY };
                left.min(up).min(diagonal)
            };
            cur[off] = cost + before;
            row_min = row_min.min(cur[off]);
        }
        if row_min + remaining[(i + r + 1).min(len)] >= bar {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    Some(prev[r])
}

#[cfg(test)]
pub mod tests_support {
    use super::*;

    /// Unpruned banded DTW of a one-channel template and window.
    pub fn dtw(tpl: &Template, window: &[f64], r: usize, prev: &mut Vec<f64>, cur: &mut Vec<f64>) -> f64 {
        let remaining = vec![0.0; tpl.len + 1];
        banded_dtw(tpl, &[window.to_vec()], &[1.0], r, &remaining, f64::INFINITY, prev, cur).expect("no bar")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Textbook DTW with a band, no pruning.
    fn reference(a: &[f64], b: &[f64], r: usize) -> f64 {
        let n = a.len();
        let mut d = vec![vec![f64::INFINITY; n + 1]; n + 1];
        d[0][0] = 0.0;
        for i in 1..=n {
            for j in 1..=n {
                if i.abs_diff(j) > r {
                    continue;
                }
                let c = (a[i - 1] - b[j - 1]).powi(2);
                d[i][j] = c + d[i - 1][j - 1].min(d[i - 1][j]).min(d[i][j - 1]);
            }
        }
        d[n][n]
    }

    #[test]
    fn banded_dtw_matches_the_textbook_recurrence() {
        let a: Vec<f64> = (0..30).map(|i| (i as f64 * 0.4).sin()).collect();
        let b: Vec<f64> = (0..30).map(|i| (i as f64 * 0.37 + 0.3).sin()).collect();
        for r in [0, 1, 3, 29] {
            let tpl = Template {
                example: 0,
                len: 30,
                values: vec![a.clone()],
                group_norms: vec![1.0],
                band: r,
                upper: vec![],
                lower: vec![],
            };
            let (mut p, mut c) = (Vec::new(), Vec::new());
            let got = banded_dtw(&tpl, std::slice::from_ref(&b), &[1.0], r, &[0.0; 31], f64::INFINITY, &mut p, &mut c)
                .unwrap();
            assert!((got - reference(&a, &b, r)).abs() < 1e-12, "r {r}");
        }
    }
}
