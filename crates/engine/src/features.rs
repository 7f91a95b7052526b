//! The standard feature set: candle geometry, TA-Lib indicators, the 61 TA-Lib candlestick
//! patterns and lags of the geometry. Every feature at row t uses only candles 0..=t, so a
//! model never sees the future (a test appends candles and checks earlier rows stay put).
//!
//! Definitions are in `docs/features.md`; the TA-Lib parts are checked against Python TA-Lib by
//! `crates/engine/tests/talib_parity.rs`.
use crate::candles::Candles;
use crate::error::{EngineError, Result};
use crate::patterns::PATTERNS;
use crate::talib;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Candle geometry, each divided by ATR(14) where it is a price distance.
pub const GEOMETRY: [&str; 9] =
    ["body", "range", "upper_shadow", "lower_shadow", "body_to_range", "log_return", "gap", "volume_z20", "body_rel10"];

/// Indicator features, named exactly as the pipeline config and the models refer to them.
pub const INDICATORS: [&str; 24] = [
    "rsi14",
    "macd",
    "macd_signal",
    "macd_hist",
    "natr14",
    "bb_pctb",
    "bb_width",
    "adx14",
    "plus_di14",
    "minus_di14",
    "sma10_dist",
    "sma20_dist",
    "sma50_dist",
    "ema10_dist",
    "ema20_dist",
    "ema50_dist",
    "stoch_k",
    "stoch_d",
    "cci14",
    "mfi14",
    "obv_slope10",
    "roc10",
    "willr14",
    "trend7",
];

const ATR_PERIOD: i32 = 14;
pub const MAX_LAGS: usize = 20;

/// Which features of a group to compute: all of them (`true`), none (`false`), or a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Selection {
    All(bool),
    Names(Vec<String>),
}

impl Selection {
    fn resolve(&self, group: &str, known: &[&'static str]) -> Result<Vec<&'static str>> {
        match self {
            Selection::All(true) => Ok(known.to_vec()),
            Selection::All(false) => Ok(Vec::new()),
            Selection::Names(names) => {
                let mut out: Vec<&'static str> = Vec::with_capacity(names.len());
                for name in names {
                    let wanted = name.trim().to_ascii_lowercase();
                    let found = known.iter().find(|k| **k == wanted).ok_or_else(|| {
                        EngineError::InvalidConfig(format!(
                            "features.{group}: unknown feature '{name}' (known: {})",
                            known.join(", ")
                        ))
                    })?;
                    if !out.contains(found) {
                        out.push(found);
                    }
                }
                // Keep the canonical order whatever order the config lists them in.
                out.sort_by_key(|n| known.iter().position(|k| k == n));
                Ok(out)
            }
        }
    }
}

/// The `features:` section of `config/pipeline.yaml`. Unknown keys are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
#[ts(optional_fields)]
pub struct FeatureConfig {
    #[ts(optional, as = "Option<Selection>")]
    pub geometry: Selection,
    #[ts(optional, as = "Option<Selection>")]
    pub indicators: Selection,
    /// TA-Lib pattern features by TA-Lib name (`cdlengulfing`); value = TA-Lib output / 100.
    #[ts(optional, as = "Option<Selection>")]
    pub patterns: Selection,
    /// Lags 1..=lags of every selected geometry feature (`body_lag1`, …).
    #[ts(optional, as = "Option<usize>")]
    pub lags: usize,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            geometry: Selection::All(true),
            indicators: Selection::All(true),
            patterns: Selection::All(true),
            lags: 5,
        }
    }
}

/// A validated feature config: the exact columns to compute, in output order.
#[derive(Debug, Clone)]
pub struct FeaturePlan {
    geometry: Vec<&'static str>,
    indicators: Vec<&'static str>,
    patterns: Vec<&'static str>,
    lags: usize,
    warmup: usize,
}

impl FeatureConfig {
    /// Checks names and bounds once, producing the plan every computation runs from.
    pub fn plan(&self) -> Result<FeaturePlan> {
        let pattern_names: Vec<&'static str> = PATTERNS.iter().map(|p| p.name).collect();
        let geometry = self.geometry.resolve("geometry", &GEOMETRY)?;
        let indicators = self.indicators.resolve("indicators", &INDICATORS)?;
        let patterns = self.patterns.resolve("patterns", &pattern_names)?;
        if self.lags > MAX_LAGS {
            return Err(EngineError::InvalidConfig(format!(
                "features.lags: {} is more than the maximum {MAX_LAGS}",
                self.lags
            )));
        }
        if self.lags > 0 && geometry.is_empty() {
            return Err(EngineError::InvalidConfig(
                "features.lags: lags are lags of the geometry features, but geometry is off".into(),
            ));
        }
        if geometry.is_empty() && indicators.is_empty() && patterns.is_empty() {
            return Err(EngineError::InvalidConfig("features: every feature group is off".into()));
        }
        let mut plan = FeaturePlan { geometry, indicators, patterns, lags: self.lags, warmup: 0 };
        plan.warmup = plan.compute_warmup()?;
        Ok(plan)
    }

    /// The longest look-back of any selected feature: rows before it have no value.
    pub fn max_lookback(&self) -> Result<usize> {
        Ok(self.plan()?.warmup)
    }
}

impl FeaturePlan {
    pub fn warmup(&self) -> usize {
        self.warmup
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        names.extend(self.geometry.iter().map(|s| s.to_string()));
        names.extend(self.indicators.iter().map(|s| s.to_string()));
        names.extend(self.patterns.iter().map(|s| s.to_string()));
        for lag in 1..=self.lags {
            names.extend(self.geometry.iter().map(|g| format!("{g}_lag{lag}")));
        }
        names
    }

    fn compute_warmup(&self) -> Result<usize> {
        let geometry = self.geometry.iter().map(|g| geometry_lookback(g)).max().unwrap_or(0);
        let indicators = self.indicators.iter().map(|i| indicator_lookback(i)).max().unwrap_or(0);
        let mut patterns = 0;
        for p in &self.patterns {
            patterns = patterns.max(talib::cdl_lookback(p)?);
        }
        let lagged = if self.lags > 0 { geometry + self.lags } else { 0 };
        Ok(geometry.max(indicators).max(patterns).max(lagged))
    }
}

fn geometry_lookback(name: &str) -> usize {
    match name {
        "body_to_range" => 0,
        "log_return" => 1,
        "body_rel10" => 10,
        "volume_z20" => 19,
        _ => ATR_PERIOD as usize, // ÷ ATR(14)
    }
}

fn indicator_lookback(name: &str) -> usize {
    let atr = ATR_PERIOD as usize;
    match name {
        "rsi14" | "natr14" | "plus_di14" | "minus_di14" | "mfi14" => 14,
        "macd" | "macd_signal" | "macd_hist" => 33,
        "bb_pctb" | "bb_width" => 19,
        "adx14" => 27,
        "sma10_dist" | "ema10_dist" => atr.max(9),
        "sma20_dist" | "ema20_dist" => atr.max(19),
        "sma50_dist" | "ema50_dist" => atr.max(49),
        "stoch_k" | "stoch_d" => 8,
        "cci14" | "willr14" => 13,
        "obv_slope10" => 9,
        "roc10" => 10,
        "trend7" => atr.max(6),
        other => unreachable!("indicator '{other}' has no look-back"),
    }
}

/// Feature columns, each as long as the candles; rows `< warmup` are NaN (patterns: 0).
///
/// A geometry feature and its lags are one buffer: the geometry values after `lags` NaNs, its
/// lag k the same buffer `k` values earlier. A lag costs no memory and no copy here, and the
/// addon hands JS each buffer once, with the columns as views into it (`FeatureFrame.columns`).
#[derive(Debug, Clone)]
pub struct FeatureFrame {
    pub names: Vec<String>,
    buffers: Vec<Vec<f64>>,
    views: Vec<ColumnView>,
    rows: usize,
    pub warmup: usize,
}

/// Where column k lies: `rows` values of `buffers[buffer]` from `offset` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnView {
    pub buffer: usize,
    pub offset: usize,
}

/// A frame taken apart for the addon, which turns each buffer into one JS `ArrayBuffer`.
pub struct FrameParts {
    pub names: Vec<String>,
    pub buffers: Vec<Vec<f64>>,
    pub views: Vec<ColumnView>,
    pub rows: usize,
    pub warmup: usize,
}

impl FeatureFrame {
    /// A frame of separate columns, all of one length.
    pub fn from_columns(names: Vec<String>, columns: Vec<Vec<f64>>, warmup: usize) -> Result<FeatureFrame> {
        let rows = columns.first().map_or(0, Vec::len);
        if names.len() != columns.len() || columns.iter().any(|c| c.len() != rows) {
            return Err(EngineError::Internal(format!(
                "feature frame: {} names for {} columns of lengths {:?}",
                names.len(),
                columns.len(),
                columns.iter().map(Vec::len).collect::<Vec<_>>()
            )));
        }
        let views = (0..columns.len()).map(|buffer| ColumnView { buffer, offset: 0 }).collect();
        Ok(FeatureFrame { names, buffers: columns, views, rows, warmup })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn n_columns(&self) -> usize {
        self.views.len()
    }

    /// Column `k`'s values, one per candle.
    pub fn column_at(&self, k: usize) -> &[f64] {
        let view = self.views[k];
        &self.buffers[view.buffer][view.offset..view.offset + self.rows]
    }

    /// Every column in name order.
    pub fn columns(&self) -> impl ExactSizeIterator<Item = &[f64]> + '_ {
        (0..self.views.len()).map(|k| self.column_at(k))
    }

    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.names.iter().position(|n| n == name).map(|k| self.column_at(k))
    }

    pub fn into_parts(self) -> FrameParts {
        FrameParts { names: self.names, buffers: self.buffers, views: self.views, rows: self.rows, warmup: self.warmup }
    }

    /// The frame as a polars DataFrame (for dataset files and inspection).
    pub fn to_dataframe(&self) -> Result<polars::prelude::DataFrame> {
        use polars::prelude::*;
        let cols: Vec<Column> =
            self.names.iter().zip(self.columns()).map(|(n, c)| Column::new(n.as_str().into(), c)).collect();
        DataFrame::new(self.rows(), cols).map_err(|e| EngineError::Internal(format!("building feature frame: {e}")))
    }
}

/// Computes the configured features. Candles must be valid and longer than the warm-up.
pub fn compute_features(candles: &Candles, config: &FeatureConfig) -> Result<FeatureFrame> {
    let plan = config.plan()?;
    compute_planned(candles, &plan)
}

pub fn compute_planned(candles: &Candles, plan: &FeaturePlan) -> Result<FeatureFrame> {
    candles.validate_non_empty()?;
    if candles.len() <= plan.warmup {
        return Err(EngineError::TooFewCandles(format!(
            "the feature set needs at least {} candles (warm-up {}), got {}",
            plan.warmup + 1,
            plan.warmup,
            candles.len()
        )));
    }
    let c = candles;
    let atr = talib::atr(&c.high, &c.low, &c.close, ATR_PERIOD)?;

    // Geometry, indicators and patterns are independent: compute them side by side.
    let (geometry, (indicators, patterns)) = rayon::join(
        || -> Result<Vec<Vec<f64>>> {
            plan.geometry.par_iter().map(|g| Ok(nan_prefixed(geometry_column(g, c, &atr)?, plan.lags))).collect()
        },
        || {
            rayon::join(
                || indicator_columns(&plan.indicators, c, &atr),
                || -> Result<Vec<Vec<f64>>> {
                    if plan.patterns.is_empty() {
                        return Ok(Vec::new());
                    }
                    // The candles' ranges and running averages, computed once for all the
                    // recognisers (beside the other groups, and only when patterns are asked for).
                    let prepared = talib::prepare(&c.open, &c.high, &c.low, &c.close)?;
                    talib::cdl_columns(&plan.patterns, &prepared, 100.0)
                },
            )
        },
    );
    let (geometry, indicators, patterns) = (geometry?, indicators?, patterns?);
    Ok(assemble(plan, c.len(), geometry, indicators, patterns))
}

/// Lays the columns out in name order: geometry, indicators, patterns, then lag 1 of every
/// geometry feature, lag 2, … — each lag a view into its geometry feature's buffer, which
/// `nan_prefixed` made.
fn assemble(
    plan: &FeaturePlan,
    rows: usize,
    geometry: Vec<Vec<f64>>,
    indicators: Vec<Vec<f64>>,
    patterns: Vec<Vec<f64>>,
) -> FeatureFrame {
    let lags = plan.lags;
    let n_geometry = geometry.len();
    let mut buffers = Vec::with_capacity(n_geometry + indicators.len() + patterns.len());
    buffers.extend(geometry);
    buffers.extend(indicators);
    buffers.extend(patterns);
    let mut views: Vec<ColumnView> = (0..buffers.len())
        .map(|buffer| ColumnView { buffer, offset: if buffer < n_geometry { lags } else { 0 } })
        .collect();
    for lag in 1..=lags {
        views.extend((0..n_geometry).map(|buffer| ColumnView { buffer, offset: lags - lag }));
    }
    FeatureFrame { names: plan.names(), buffers, views, rows, warmup: plan.warmup }
}

/// `values` after `lags` NaNs: read from `lags - k` on, it is `values` lagged by k candles.
fn nan_prefixed(values: Vec<f64>, lags: usize) -> Vec<f64> {
    if lags == 0 {
        return values;
    }
    let mut out = Vec::with_capacity(lags + values.len());
    out.resize(lags, f64::NAN);
    out.extend_from_slice(&values);
    out
}

/// `a / b`, with 0 where `b` is 0: a flat market (ATR 0, zero range) means "no movement",
/// not a missing value.
fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 && a.is_finite() {
        0.0
    } else {
        a / b
    }
}

fn per_atr(values: impl Iterator<Item = f64>, atr: &[f64]) -> Vec<f64> {
    values.zip(atr).map(|(v, a)| ratio(v, *a)).collect()
}

fn geometry_column(name: &str, c: &Candles, atr: &[f64]) -> Result<Vec<f64>> {
    let n = c.len();
    let idx = 0..n;
    Ok(match name {
        "body" => per_atr(idx.map(|i| c.close[i] - c.open[i]), atr),
        "range" => per_atr(idx.map(|i| c.high[i] - c.low[i]), atr),
        "upper_shadow" => per_atr(idx.map(|i| c.high[i] - c.open[i].max(c.close[i])), atr),
        "lower_shadow" => per_atr(idx.map(|i| c.open[i].min(c.close[i]) - c.low[i]), atr),
        "body_to_range" => idx.map(|i| ratio(c.close[i] - c.open[i], c.high[i] - c.low[i])).collect(),
        "log_return" => idx
            .map(|i| if i == 0 { f64::NAN } else { (c.close[i] / c.close[i - 1]).ln() })
            .map(|v| if v.is_finite() || v.is_nan() { v } else { 0.0 })
            .collect(),
        "gap" => per_atr(idx.map(|i| if i == 0 { f64::NAN } else { c.open[i] - c.close[i - 1] }), atr),
        "volume_z20" => volume_zscore(&c.volume, 20),
        "body_rel10" => body_relative(c, 10),
        other => unreachable!("geometry feature '{other}'"),
    })
}

/// (v_t − mean) / std over the `window` volumes ending at t (population std); 0 when flat.
fn volume_zscore(volume: &[f64], window: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; volume.len()];
    for t in window.saturating_sub(1)..volume.len() {
        let w = &volume[t + 1 - window..=t];
        let mean = w.iter().sum::<f64>() / window as f64;
        let var = w.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / window as f64;
        out[t] = ratio(volume[t] - mean, var.sqrt());
    }
    out
}

/// |body_t| / mean |body| of the previous `window` candles (not including t).
fn body_relative(c: &Candles, window: usize) -> Vec<f64> {
    let body: Vec<f64> = c.close.iter().zip(&c.open).map(|(cl, op)| (cl - op).abs()).collect();
    let mut out = vec![f64::NAN; body.len()];
    for t in window..body.len() {
        let mean = body[t - window..t].iter().sum::<f64>() / window as f64;
        out[t] = ratio(body[t], mean);
    }
    out
}

fn distance_per_atr(close: &[f64], average: &[f64], atr: &[f64]) -> Vec<f64> {
    per_atr(close.iter().zip(average).map(|(c, a)| c - a), atr)
}

/// Indicators that come out of one TA-Lib call together are computed together.
fn indicator_group(name: &str) -> &str {
    match name {
        "macd" | "macd_signal" | "macd_hist" => "macd",
        "bb_pctb" | "bb_width" => "bbands",
        "stoch_k" | "stoch_d" => "stoch",
        single => single,
    }
}

/// Computes the selected indicators (in parallel by TA-Lib call) in the order given.
fn indicator_columns(names: &[&'static str], c: &Candles, atr: &[f64]) -> Result<Vec<Vec<f64>>> {
    let mut groups: Vec<&str> = names.iter().map(|n| indicator_group(n)).collect();
    groups.dedup();
    let computed: Vec<Vec<(&'static str, Vec<f64>)>> =
        groups.par_iter().map(|g| indicator_group_columns(g, c, atr)).collect::<Result<_>>()?;
    let mut by_name: std::collections::HashMap<&str, Vec<f64>> = computed.into_iter().flatten().collect();
    Ok(names.iter().map(|n| by_name.remove(n).expect("every indicator belongs to a group")).collect())
}

fn indicator_group_columns(group: &str, c: &Candles, atr: &[f64]) -> Result<Vec<(&'static str, Vec<f64>)>> {
    let (h, l, cl, v) = (&c.high, &c.low, &c.close, &c.volume);
    Ok(match group {
        "macd" => {
            let [line, signal, hist] = talib::macd(cl, 12, 26, 9)?;
            vec![("macd", line), ("macd_signal", signal), ("macd_hist", hist)]
        }
        "bbands" => {
            let [upper, middle, lower] = talib::bbands(cl, 20, 2.0, 2.0)?;
            let pctb = (0..cl.len()).map(|i| ratio(cl[i] - lower[i], upper[i] - lower[i])).collect();
            let width = (0..cl.len()).map(|i| ratio(upper[i] - lower[i], middle[i])).collect();
            vec![("bb_pctb", pctb), ("bb_width", width)]
        }
        "stoch" => {
            let [k, d] = talib::stoch(h, l, cl, 5, 3, 3)?;
            vec![("stoch_k", k), ("stoch_d", d)]
        }
        "rsi14" => vec![("rsi14", talib::rsi(cl, 14)?)],
        "natr14" => vec![("natr14", talib::natr(h, l, cl, 14)?)],
        "adx14" => vec![("adx14", talib::adx(h, l, cl, 14)?)],
        "plus_di14" => vec![("plus_di14", talib::plus_di(h, l, cl, 14)?)],
        "minus_di14" => vec![("minus_di14", talib::minus_di(h, l, cl, 14)?)],
        "sma10_dist" => vec![("sma10_dist", distance_per_atr(cl, &talib::sma(cl, 10)?, atr))],
        "sma20_dist" => vec![("sma20_dist", distance_per_atr(cl, &talib::sma(cl, 20)?, atr))],
        "sma50_dist" => vec![("sma50_dist", distance_per_atr(cl, &talib::sma(cl, 50)?, atr))],
        "ema10_dist" => vec![("ema10_dist", distance_per_atr(cl, &talib::ema(cl, 10)?, atr))],
        "ema20_dist" => vec![("ema20_dist", distance_per_atr(cl, &talib::ema(cl, 20)?, atr))],
        "ema50_dist" => vec![("ema50_dist", distance_per_atr(cl, &talib::ema(cl, 50)?, atr))],
        "cci14" => vec![("cci14", talib::cci(h, l, cl, 14)?)],
        "mfi14" => vec![("mfi14", talib::mfi(h, l, cl, v, 14)?)],
        "obv_slope10" => {
            // OBV's level depends on where the series starts; its slope per unit of average
            // volume does not, which makes it comparable across instruments.
            let slope = talib::linearreg_slope(&talib::obv(cl, v)?, 10)?;
            let avg_volume = talib::sma(v, 10)?;
            vec![("obv_slope10", slope.iter().zip(&avg_volume).map(|(s, a)| ratio(*s, *a)).collect())]
        }
        "roc10" => vec![("roc10", talib::roc(cl, 10)?)],
        "willr14" => vec![("willr14", talib::willr(h, l, cl, 14)?)],
        "trend7" => vec![("trend7", per_atr(talib::linearreg_slope(cl, 7)?.into_iter(), atr))],
        other => unreachable!("indicator group '{other}'"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(n: usize, seed: u64) -> Candles {
        Candles::random_walk(n, seed)
    }

    #[test]
    fn default_set_has_every_named_feature() {
        let frame = compute_features(&walk(300, 7), &FeatureConfig::default()).unwrap();
        assert_eq!(frame.names.len(), 9 + 24 + 61 + 9 * 5);
        for name in ["rsi14", "bb_pctb", "trend7", "cdlengulfing", "cdl3whitesoldiers", "body_lag5"] {
            assert!(frame.column(name).is_some(), "{name}");
        }
        // After the warm-up every real-valued feature has a value.
        for (name, col) in frame.names.iter().zip(frame.columns()) {
            assert!(col[frame.warmup..].iter().all(|v| v.is_finite()), "{name} has gaps after warm-up");
        }
        assert_eq!(frame.warmup, 49);
    }

    #[test]
    fn appending_future_candles_never_changes_earlier_rows() {
        let full = walk(400, 11);
        let early = full.slice(0, 250);
        let a = compute_features(&early, &FeatureConfig::default()).unwrap();
        let b = compute_features(&full, &FeatureConfig::default()).unwrap();
        for (k, name) in a.names.iter().enumerate() {
            for t in 0..250 {
                let (x, y) = (a.column_at(k)[t], b.column_at(k)[t]);
                assert!(x == y || (x.is_nan() && y.is_nan()), "{name}[{t}]: {x} vs {y}");
            }
        }
    }

    #[test]
    fn a_lag_is_its_feature_shifted_with_nan_before() {
        let frame = compute_features(&walk(120, 4), &FeatureConfig::default()).unwrap();
        for g in GEOMETRY {
            let base = frame.column(g).unwrap();
            for lag in 1..=5 {
                let lagged = frame.column(&format!("{g}_lag{lag}")).unwrap();
                assert_eq!(lagged.len(), base.len());
                assert!(lagged[..lag].iter().all(|v| v.is_nan()), "{g}_lag{lag}");
                for t in lag..base.len() {
                    assert_eq!(lagged[t].to_bits(), base[t - lag].to_bits(), "{g}_lag{lag}[{t}]");
                }
            }
        }
        // The geometry feature and its five lags share one buffer.
        let parts = frame.into_parts();
        assert_eq!(parts.buffers.len(), 9 + 24 + 61);
        assert_eq!(parts.buffers[0].len(), 120 + 5);
        assert_eq!(parts.views.len(), 9 + 24 + 61 + 9 * 5);
    }

    #[test]
    fn selections_and_unknown_names() {
        let cfg: FeatureConfig =
            serde_yaml::from_str("indicators: [rsi14, macd]\npatterns: false\ngeometry: [body]\nlags: 2").unwrap();
        let frame = compute_features(&walk(120, 3), &cfg).unwrap();
        assert_eq!(frame.names, ["body", "rsi14", "macd", "body_lag1", "body_lag2"]);
        assert_eq!(frame.warmup, 33);

        let bad: FeatureConfig = serde_yaml::from_str("indicators: [rsi15]").unwrap();
        let err = bad.plan().unwrap_err();
        assert_eq!(err.code(), "INVALID_CONFIG");
        assert!(err.to_string().contains("rsi15"));
        assert!(serde_yaml::from_str::<FeatureConfig>("lagz: 3").is_err());
        let too_many = FeatureConfig { lags: 99, ..FeatureConfig::default() };
        assert_eq!(too_many.plan().unwrap_err().code(), "INVALID_CONFIG");
    }

    #[test]
    fn too_few_candles_says_how_many_are_needed() {
        let err = compute_features(&walk(30, 5), &FeatureConfig::default()).unwrap_err();
        assert_eq!(err.code(), "TOO_FEW_CANDLES");
        assert!(err.to_string().contains("at least 50"), "{err}");
    }

    #[test]
    fn invalid_candles_are_rejected() {
        let mut c = walk(100, 1);
        c.close[60] = f64::NAN;
        assert_eq!(compute_features(&c, &FeatureConfig::default()).unwrap_err().code(), "INVALID_CANDLES");
    }

    #[test]
    fn flat_market_gives_zeros_not_nan() {
        let mut c = Candles::default();
        for i in 0..80 {
            c.push(i as f64, 10.0, 10.0, 10.0, 10.0, 5.0);
        }
        let frame = compute_features(&c, &FeatureConfig::default()).unwrap();
        for name in ["body", "range", "body_to_range", "volume_z20", "sma20_dist", "gap"] {
            assert_eq!(frame.column(name).unwrap()[79], 0.0, "{name}");
        }
    }

    #[test]
    fn converts_to_a_dataframe() {
        let frame = compute_features(&walk(100, 2), &FeatureConfig::default()).unwrap();
        let df = frame.to_dataframe().unwrap();
        assert_eq!(df.shape(), (100, frame.names.len()));
    }
}
