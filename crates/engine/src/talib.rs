//! The one wrapper over TA-Lib. Every call returns full-length columns aligned with the input
//! (NaN where the indicator has no value yet), so callers never deal with TA-Lib's compact
//! `(beg_idx, count)` output layout.
//!
//! TA-Lib here is the official pure-Rust port (`ta-lib` crate), generated from the same canonical
//! definitions as the current C library; `docs/talib.md` records why it replaces `ta-lib-sys`
//! (which bundles the 2007 C 0.4.0 and disagrees with current TA-Lib on candlestick output).
//! The candlestick recognisers are the `candlestick` crate's: TA-Lib's, bit for bit, run over one
//! shared preparation of the series instead of each on its own (`docs/talib.md`).
use crate::error::{EngineError, Result};
use rayon::prelude::*;
use ta_lib::{Core, MAType, OutRange, RetCode};

/// Shared read-only TA-Lib instance (a `Core` is `Send + Sync` and immutable).
pub fn core() -> &'static Core {
    static CORE: std::sync::OnceLock<Core> = std::sync::OnceLock::new();
    CORE.get_or_init(Core::new)
}

fn checked(name: &str, r: std::result::Result<OutRange, RetCode>) -> Result<OutRange> {
    r.map_err(|code| EngineError::Internal(format!("TA-Lib {name} failed: {code:?}")))
}

/// Moves TA-Lib's compact output (values for inputs `beg_idx..beg_idx+count` stored at
/// `0..count`) into place, NaN before.
fn align_f64(mut out: Vec<f64>, range: OutRange) -> Vec<f64> {
    let n = out.len();
    out.copy_within(0..range.count, range.beg_idx);
    out[..range.beg_idx.min(n)].fill(f64::NAN);
    out
}

/// Runs a one-output real indicator over the whole series.
fn real1(
    name: &str,
    n: usize,
    f: impl FnOnce(usize, &mut [f64]) -> std::result::Result<OutRange, RetCode>,
) -> Result<Vec<f64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let mut out = vec![f64::NAN; n];
    let range = checked(name, f(n - 1, &mut out))?;
    Ok(align_f64(out, range))
}

pub fn sma(x: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("SMA", x.len(), |end, out| core().sma(0, end, x, period, out))
}
pub fn ema(x: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("EMA", x.len(), |end, out| core().ema(0, end, x, period, out))
}
pub fn rsi(x: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("RSI", x.len(), |end, out| core().rsi(0, end, x, period, out))
}
pub fn roc(x: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("ROC", x.len(), |end, out| core().roc(0, end, x, period, out))
}
pub fn linearreg_slope(x: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("LINEARREG_SLOPE", x.len(), |end, out| core().linearreg_slope(0, end, x, period, out))
}
pub fn obv(close: &[f64], volume: &[f64]) -> Result<Vec<f64>> {
    real1("OBV", close.len(), |end, out| core().obv(0, end, close, volume, out))
}
pub fn atr(h: &[f64], l: &[f64], c: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("ATR", c.len(), |end, out| core().atr(0, end, h, l, c, period, out))
}
pub fn natr(h: &[f64], l: &[f64], c: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("NATR", c.len(), |end, out| core().natr(0, end, h, l, c, period, out))
}
pub fn adx(h: &[f64], l: &[f64], c: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("ADX", c.len(), |end, out| core().adx(0, end, h, l, c, period, out))
}
pub fn plus_di(h: &[f64], l: &[f64], c: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("PLUS_DI", c.len(), |end, out| core().plus_di(0, end, h, l, c, period, out))
}
pub fn minus_di(h: &[f64], l: &[f64], c: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("MINUS_DI", c.len(), |end, out| core().minus_di(0, end, h, l, c, period, out))
}
pub fn cci(h: &[f64], l: &[f64], c: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("CCI", c.len(), |end, out| core().cci(0, end, h, l, c, period, out))
}
pub fn willr(h: &[f64], l: &[f64], c: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("WILLR", c.len(), |end, out| core().willr(0, end, h, l, c, period, out))
}
pub fn mfi(h: &[f64], l: &[f64], c: &[f64], v: &[f64], period: i32) -> Result<Vec<f64>> {
    real1("MFI", c.len(), |end, out| core().mfi(0, end, h, l, c, v, period, out))
}

/// MACD line, signal and histogram.
pub fn macd(x: &[f64], fast: i32, slow: i32, signal: i32) -> Result<[Vec<f64>; 3]> {
    let n = x.len();
    if n == 0 {
        return Ok([vec![], vec![], vec![]]);
    }
    let (mut m, mut s, mut h) = (vec![f64::NAN; n], vec![f64::NAN; n], vec![f64::NAN; n]);
    let range = checked("MACD", core().macd(0, n - 1, x, fast, slow, signal, &mut m, &mut s, &mut h))?;
    Ok([align_f64(m, range), align_f64(s, range), align_f64(h, range)])
}

/// Bollinger bands (SMA middle): upper, middle, lower.
pub fn bbands(x: &[f64], period: i32, dev_up: f64, dev_dn: f64) -> Result<[Vec<f64>; 3]> {
    let n = x.len();
    if n == 0 {
        return Ok([vec![], vec![], vec![]]);
    }
    let (mut u, mut m, mut l) = (vec![f64::NAN; n], vec![f64::NAN; n], vec![f64::NAN; n]);
    let range =
        checked("BBANDS", core().bbands(0, n - 1, x, period, dev_up, dev_dn, MAType::SMA, &mut u, &mut m, &mut l))?;
    Ok([align_f64(u, range), align_f64(m, range), align_f64(l, range)])
}

/// Slow stochastic with SMA smoothing: %K and %D.
pub fn stoch(h: &[f64], l: &[f64], c: &[f64], fastk: i32, slowk: i32, slowd: i32) -> Result<[Vec<f64>; 2]> {
    let n = c.len();
    if n == 0 {
        return Ok([vec![], vec![]]);
    }
    let (mut k, mut d) = (vec![f64::NAN; n], vec![f64::NAN; n]);
    let range = checked(
        "STOCH",
        core().stoch(0, n - 1, h, l, c, fastk, slowk, MAType::SMA, slowd, MAType::SMA, &mut k, &mut d),
    )?;
    Ok([align_f64(k, range), align_f64(d, range)])
}

/// A series prepared once for any number of candlestick recognisers: the candles' ranges and
/// TA-Lib's running averages of them, shared (the `candlestick` crate).
pub use candlestick::Prepared;

/// Prepares OHLC columns for [`cdl_prepared`]; they must be of one length.
pub fn prepare<'a>(o: &'a [f64], h: &'a [f64], l: &'a [f64], c: &'a [f64]) -> Result<Prepared<'a>> {
    Prepared::new(o, h, l, c).ok_or_else(|| {
        EngineError::InvalidArgument(format!(
            "open, high, low and close differ in length ({}, {}, {}, {})",
            o.len(),
            h.len(),
            l.len(),
            c.len()
        ))
    })
}

/// One TA-Lib candlestick recogniser, by its lowercase function name (`cdlengulfing`).
/// Returns TA-Lib's raw integer output (0, ±80, ±100, ±200) for every candle.
pub fn cdl(name: &str, o: &[f64], h: &[f64], l: &[f64], c: &[f64]) -> Result<Vec<i32>> {
    cdl_prepared(name, &prepare(o, h, l, c)?)
}

/// [`cdl`] on a prepared series: the `candlestick` crate's recogniser, TA-Lib's output bit for
/// bit (its `tests/oracle.rs` against the `ta-lib` crate; `tests/talib_parity.rs` here against
/// Python TA-Lib).
pub fn cdl_prepared(name: &str, prepared: &Prepared) -> Result<Vec<i32>> {
    Ok(recogniser(name)?.recognise(prepared))
}

/// Candles per block in [`cdl_columns`]: what a block's recognisers read (≈ 200 bytes a candle:
/// prices, ranges, shared averages) stays in a core's L2 cache while all of them run over it.
const BLOCK: usize = 2048;

/// Recognisers' outputs divided by `divisor` (the feature columns), one column per name.
///
/// Each recogniser reads a dozen columns of the prepared series; run one after another over the
/// whole series, they would read them from memory 61 times, and two cores share that memory
/// bandwidth. So the series is cut in blocks of candles and every recogniser runs over a block
/// while it is in cache, blocks in parallel. The two that carry state from candle to candle
/// (the hikkakes) run over the whole series beside them.
pub fn cdl_columns(names: &[&str], prepared: &Prepared, divisor: f64) -> Result<Vec<Vec<f64>>> {
    let natives: Vec<&candlestick::Native> = names.iter().map(|name| recogniser(name)).collect::<Result<_>>()?;
    let n = prepared.len();
    let mut columns: Vec<Vec<f64>> = natives.iter().map(|_| vec![0.0; n]).collect();
    // Most outputs are 0 and the columns start as zeros: only the marks are written.
    let scaled = |out: &[i32], column: &mut [f64]| {
        for (value, &v) in column.iter_mut().zip(out) {
            if v != 0 {
                *value = f64::from(v) / divisor;
            }
        }
    };
    {
        let (stateful, blockwise): (Vec<_>, Vec<_>) =
            natives.iter().zip(columns.iter_mut()).partition(|(native, _)| native.carries_state);
        let mut blocks: Vec<Vec<(&candlestick::Native, &mut [f64])>> =
            (0..n.div_ceil(BLOCK)).map(|_| Vec::with_capacity(blockwise.len())).collect();
        for (native, column) in blockwise {
            for (block, part) in blocks.iter_mut().zip(column.chunks_mut(BLOCK)) {
                block.push((native, part));
            }
        }
        // The shared averages are computed by the first recogniser that asks for each: ask with
        // every recogniser in parallel first, or the first block would compute them one by one.
        natives.par_iter().for_each(|native| {
            native.recognise_range(prepared, &mut vec![0; n], 0..(native.lookback + 1).min(n));
        });
        let tasks = share_out(blocks, 2 * rayon::current_num_threads());
        rayon::join(
            || {
                tasks.into_par_iter().for_each_init(
                    || vec![0i32; n],
                    |out, (b, block)| {
                        let candles = b * BLOCK..((b + 1) * BLOCK).min(n);
                        for (native, part) in block {
                            native.recognise_range(prepared, out, candles.clone());
                            scaled(&out[candles.clone()], part);
                        }
                    },
                )
            },
            || stateful.into_par_iter().for_each(|(native, column)| scaled(&native.recognise(prepared), column)),
        );
    }
    Ok(columns)
}

/// The blocks' recogniser runs as at least `tasks` parallel tasks of (block, recognisers), where
/// there are recognisers enough. A short series is one block or a few (a 500-candle request is
/// one): as one task per block, its recognisers (59 of the standard 61) ran on one thread while
/// the others waited. Shared out over 4 tasks on 2 cores, the features of 500 candles took 20–35%
/// less time (measured side by side in one process). A long series keeps one task per block, so
/// each block's candles stay in cache.
fn share_out<T>(blocks: Vec<Vec<T>>, tasks: usize) -> Vec<(usize, Vec<T>)> {
    let per_block = tasks.div_ceil(blocks.len().max(1)).max(1);
    let mut out = Vec::with_capacity(blocks.len() * per_block);
    for (b, mut block) in blocks.into_iter().enumerate() {
        let size = block.len().div_ceil(per_block).max(1);
        while block.len() > size {
            let rest = block.split_off(size);
            out.push((b, block));
            block = rest;
        }
        out.push((b, block));
    }
    out
}

/// How many candles a pattern needs before its first output (TA-Lib's lookback).
pub fn cdl_lookback(name: &str) -> Result<usize> {
    Ok(recogniser(name)?.lookback)
}

fn recogniser(name: &str) -> Result<&'static candlestick::Native> {
    candlestick::find(name).ok_or_else(|| EngineError::InvalidArgument(format!("unknown TA-Lib pattern '{name}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_aligned_with_inputs() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let s = sma(&x, 3).unwrap();
        assert_eq!(s.len(), 10);
        assert!(s[0].is_nan() && s[1].is_nan());
        assert_eq!(s[2], 2.0);
        assert_eq!(s[9], 9.0);
    }

    #[test]
    fn short_and_empty_series_give_all_nan() {
        assert!(sma(&[1.0, 2.0], 5).unwrap().iter().all(|v| v.is_nan()));
        assert!(sma(&[], 5).unwrap().is_empty());
        assert_eq!(cdl("cdlengulfing", &[1.0], &[2.0], &[0.5], &[1.5]).unwrap(), vec![0]);
    }

    #[test]
    fn pattern_columns_in_blocks_are_each_recogniser_over_the_whole_series() {
        // One block (a request's 500 candles: its recognisers shared out over tasks), several
        // blocks and a part-block; the hikkakes (whole series) among them.
        for n in [0, 5, 500, BLOCK, 3 * BLOCK + 123] {
            let c = crate::Candles::random_walk(n, 7);
            let prepared = prepare(&c.open, &c.high, &c.low, &c.close).unwrap();
            let names: Vec<&str> = candlestick::names().collect();
            let columns = cdl_columns(&names, &prepared, 100.0).unwrap();
            for (name, column) in names.iter().zip(&columns) {
                let whole: Vec<f64> = cdl(name, &c.open, &c.high, &c.low, &c.close)
                    .unwrap()
                    .iter()
                    .map(|&v| f64::from(v) / 100.0)
                    .collect();
                assert_eq!(column, &whole, "{name} at {n} candles");
            }
        }
    }

    #[test]
    fn recognisers_are_shared_out_over_the_tasks_only_when_blocks_are_fewer() {
        let blocks = |n: usize, per: usize| -> Vec<Vec<(usize, usize)>> {
            (0..n).map(|b| (0..per).map(|r| (b, r)).collect()).collect()
        };
        // Every (block, recogniser) exactly once, each task's under its own block, in order.
        for (n, per, tasks) in [(1, 59, 4), (1, 59, 32), (2, 59, 4), (1, 3, 8), (5, 59, 4), (0, 59, 4), (1, 0, 4)] {
            let shared = share_out(blocks(n, per), tasks);
            assert!(shared.iter().all(|(b, task)| task.iter().all(|&(owner, _)| owner == *b)));
            let flat: Vec<(usize, usize)> = shared.into_iter().flat_map(|(_, task)| task).collect();
            assert_eq!(flat, blocks(n, per).concat(), "{n} blocks of {per}, {tasks} tasks");
        }
        // One block: as many tasks as asked (while there are recognisers to go round).
        assert_eq!(share_out(blocks(1, 59), 4).len(), 4);
        assert_eq!(share_out(blocks(1, 3), 8).len(), 3);
        // As many blocks as tasks or more: one task per block, as before.
        assert_eq!(share_out(blocks(5, 59), 4).len(), 5);
    }

    #[test]
    fn unknown_pattern_is_an_argument_error() {
        let err = cdl("cdlnothing", &[1.0], &[1.0], &[1.0], &[1.0]).unwrap_err();
        assert_eq!(err.code(), "INVALID_ARGUMENT");
    }
}
