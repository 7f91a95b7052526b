//! OHLCV candles as columns (one `Vec<f64>` per field), the shape they cross the JS boundary in.
use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};

/// Columns of equal length; `time` is epoch milliseconds UTC, strictly increasing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Candles {
    pub time: Vec<f64>,
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
    pub volume: Vec<f64>,
}

/// Why one candle breaks the rules, if it does. Shared by `Candles::validate` and the importer,
/// so both apply exactly the same rules. `prev_time` is the previous candle's time, if any.
pub fn candle_problem(
    time: f64,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    prev_time: Option<f64>,
) -> Option<String> {
    for (name, v) in
        [("time", time), ("open", open), ("high", high), ("low", low), ("close", close), ("volume", volume)]
    {
        if !v.is_finite() {
            return Some(format!("{name} is not a finite number ({v})"));
        }
    }
    if high < open.max(close) {
        return Some(format!("high {high} is below max(open, close) {}", open.max(close)));
    }
    if low > open.min(close) {
        return Some(format!("low {low} is above min(open, close) {}", open.min(close)));
    }
    if volume < 0.0 {
        return Some(format!("volume {volume} is negative"));
    }
    if let Some(prev) = prev_time {
        if time <= prev {
            return Some(format!("time {time} is not after the previous candle's time {prev}"));
        }
    }
    None
}

impl Candles {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    pub fn with_capacity(n: usize) -> Self {
        Candles {
            time: Vec::with_capacity(n),
            open: Vec::with_capacity(n),
            high: Vec::with_capacity(n),
            low: Vec::with_capacity(n),
            close: Vec::with_capacity(n),
            volume: Vec::with_capacity(n),
        }
    }

    pub fn push(&mut self, time: f64, open: f64, high: f64, low: f64, close: f64, volume: f64) {
        self.time.push(time);
        self.open.push(open);
        self.high.push(high);
        self.low.push(low);
        self.close.push(close);
        self.volume.push(volume);
    }

    /// The columns in order: time, open, high, low, close, volume.
    pub fn columns(&self) -> [&[f64]; 6] {
        [&self.time, &self.open, &self.high, &self.low, &self.close, &self.volume]
    }

    /// The columns in the order of [`Candles::columns`], to change together.
    pub fn columns_mut(&mut self) -> [&mut Vec<f64>; 6] {
        [&mut self.time, &mut self.open, &mut self.high, &mut self.low, &mut self.close, &mut self.volume]
    }

    /// `n` candles of zeros, to be filled in place (the memory comes zeroed from the allocator).
    pub fn zeroed(n: usize) -> Self {
        Candles {
            time: vec![0.0; n],
            open: vec![0.0; n],
            high: vec![0.0; n],
            low: vec![0.0; n],
            close: vec![0.0; n],
            volume: vec![0.0; n],
        }
    }

    /// Keeps the first `n` candles.
    pub fn truncate(&mut self, n: usize) {
        for column in self.columns_mut() {
            column.truncate(n);
        }
    }

    /// `other`'s candles after these.
    pub fn extend_from(&mut self, other: &Candles) {
        for (column, more) in self.columns_mut().into_iter().zip(other.columns()) {
            column.extend_from_slice(more);
        }
    }

    /// Candles `[start, end)`.
    pub fn slice(&self, start: usize, end: usize) -> Candles {
        Candles {
            time: self.time[start..end].to_vec(),
            open: self.open[start..end].to_vec(),
            high: self.high[start..end].to_vec(),
            low: self.low[start..end].to_vec(),
            close: self.close[start..end].to_vec(),
            volume: self.volume[start..end].to_vec(),
        }
    }

    /// A deterministic random walk with a realistic OHLCV shape (xorshift; one candle a minute),
    /// for tests, examples and benchmarks that need more candles than the samples have.
    pub fn random_walk(n: usize, seed: u64) -> Candles {
        let mut state = seed.max(1);
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 10_000) as f64 / 10_000.0
        };
        let mut c = Candles::with_capacity(n);
        let mut close: f64 = 100.0;
        for i in 0..n {
            let open = close * (1.0 + (next() - 0.5) * 0.01);
            close = open * (1.0 + (next() - 0.5) * 0.03);
            let high = open.max(close) * (1.0 + next() * 0.01);
            let low = open.min(close) * (1.0 - next() * 0.01);
            c.push(i as f64 * 60_000.0, open, high, low, close, (next() * 1e6).round());
        }
        c
    }

    /// Checks equal lengths, finite values, high/low bounds, volume >= 0 and strictly increasing
    /// time. The error names the first offending index.
    pub fn validate(&self) -> Result<()> {
        let n = self.time.len();
        for (name, len) in [
            ("open", self.open.len()),
            ("high", self.high.len()),
            ("low", self.low.len()),
            ("close", self.close.len()),
            ("volume", self.volume.len()),
        ] {
            if len != n {
                return Err(EngineError::InvalidCandles(format!(
                    "column lengths differ: time has {n} values, {name} has {len}"
                )));
            }
        }
        for i in 0..n {
            let prev = if i > 0 { Some(self.time[i - 1]) } else { None };
            if let Some(problem) = candle_problem(
                self.time[i],
                self.open[i],
                self.high[i],
                self.low[i],
                self.close[i],
                self.volume[i],
                prev,
            ) {
                return Err(EngineError::InvalidCandles(format!("candle at index {i}: {problem}")));
            }
        }
        Ok(())
    }

    /// Validates and additionally requires at least one candle.
    pub fn validate_non_empty(&self) -> Result<()> {
        if self.is_empty() {
            return Err(EngineError::InvalidCandles("no candles (all columns are empty)".into()));
        }
        self.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> Candles {
        let mut c = Candles::default();
        c.push(1.0, 10.0, 11.0, 9.0, 10.5, 100.0);
        c.push(2.0, 10.5, 12.0, 10.0, 11.0, 0.0);
        c.push(3.0, 11.0, 11.5, 10.5, 10.8, 50.0);
        c
    }

    #[test]
    fn valid_candles_pass() {
        three().validate().unwrap();
    }

    type Mutation = Box<dyn Fn(&mut Candles)>;

    #[test]
    fn each_rule_names_the_index() {
        let cases: Vec<(Mutation, &str)> = vec![
            (Box::new(|c| c.close[1] = f64::NAN), "index 1"),
            (Box::new(|c| c.high[2] = 10.9), "index 2"),
            (Box::new(|c| c.low[0] = 10.2), "index 0"),
            (Box::new(|c| c.volume[2] = -1.0), "index 2"),
            (Box::new(|c| c.time[2] = 2.0), "index 2"),
            (Box::new(|c| c.open[0] = f64::INFINITY), "index 0"),
        ];
        for (mutate, expect) in cases {
            let mut c = three();
            mutate(&mut c);
            let err = c.validate().unwrap_err();
            assert_eq!(err.code(), "INVALID_CANDLES");
            assert!(err.to_string().contains(expect), "{err}");
        }
    }

    #[test]
    fn mismatched_lengths_are_rejected() {
        let mut c = three();
        c.volume.pop();
        let err = c.validate().unwrap_err();
        assert!(err.to_string().contains("volume has 2"), "{err}");
    }

    #[test]
    fn empty_is_rejected_only_when_asked() {
        Candles::default().validate().unwrap();
        assert_eq!(Candles::default().validate_non_empty().unwrap_err().code(), "INVALID_CANDLES");
    }
}
