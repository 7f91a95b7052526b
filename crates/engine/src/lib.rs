//! Candle Annotator engine: the pure core behind the Node addon. No napi here: everything is
//! testable with `cargo test` alone.
pub mod autolabel;
pub mod candles;
pub mod error;
pub mod features;
pub mod import;
pub mod patterns;
pub mod talib;

pub use candles::Candles;
pub use error::{EngineError, Result};
