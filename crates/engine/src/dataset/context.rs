//! Price context for window models: the `length` candles ending at a row's last input candle,
//! as `CONTEXT_CHANNELS` channels normalised per row so a shape reads the same at any price level,
//! volatility or timeframe.
use crate::candles::Candles;
use crate::error::{EngineError, Result};
use crate::models::ContextBlock;

/// Channels per candle: close, open, high, low (each minus the last close, divided by the mean
/// high-low range of the window) and volume (z-score within the window).
pub const CONTEXT_CHANNELS: usize = 5;

/// Context rows for windows ending at each of `ends` (candle indices), `length` candles each,
/// oldest first: row-major `ends.len() x length x CONTEXT_CHANNELS`.
pub fn context_block(candles: &Candles, ends: &[usize], length: usize) -> Result<ContextBlock> {
    let mut values = Vec::with_capacity(ends.len() * length * CONTEXT_CHANNELS);
    for &end in ends {
        if end + 1 < length || end >= candles.len() {
            return Err(EngineError::Internal(format!(
                "price context of {length} candles ending at candle {end} lies outside the {} candles",
                candles.len()
            )));
        }
        let first = end + 1 - length;
        let range = first..=end;
        let mean_range = range.clone().map(|i| candles.high[i] - candles.low[i]).sum::<f64>() / length as f64;
        let scale = if mean_range > 0.0 && mean_range.is_finite() { mean_range } else { 1.0 };
        let reference = candles.close[end];
        let volumes: Vec<f64> =
            range.clone().map(|i| if candles.volume[i].is_finite() { candles.volume[i] } else { 0.0 }).collect();
        let v_mean = volumes.iter().sum::<f64>() / length as f64;
        let v_std = (volumes.iter().map(|v| (v - v_mean).powi(2)).sum::<f64>() / length as f64).sqrt();
        for (k, i) in range.enumerate() {
            let price = |p: f64| ((p - reference) / scale) as f32;
            values.extend([
                price(candles.close[i]),
                price(candles.open[i]),
                price(candles.high[i]),
                price(candles.low[i]),
                if v_std > 0.0 { ((volumes[k] - v_mean) / v_std) as f32 } else { 0.0 },
            ]);
        }
    }
    ContextBlock::new(values, length, CONTEXT_CHANNELS)
}
