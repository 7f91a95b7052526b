//! Candle Annotator engine: the pure core behind the Node addon. No napi here: everything is
//! testable with `cargo test` alone.
pub mod annotations;
pub mod autolabel;
pub mod balance;
pub mod candles;
pub mod columns;
pub mod config;
pub mod config_source;
pub mod dataset;
pub mod distributed;
pub mod error;
pub mod evaluation;
pub mod features;
pub mod files;
pub mod import;
pub mod inference;
pub mod label_errors;
pub mod models;
pub mod patterns;
pub mod plots;
pub mod registry;
pub mod search;
pub mod similar;
pub mod split;
pub mod talib;
pub mod time_value;
pub mod tracking;
pub mod train;

pub use candles::Candles;
pub use error::{EngineError, Result};
