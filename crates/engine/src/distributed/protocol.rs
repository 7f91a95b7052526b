//! The control protocol between the coordinator and its workers: length-prefixed JSON frames
//! (4-byte big-endian length, then the message) over one TCP connection per worker and run.
//!
//! ```text
//! coordinator                         worker
//!   Hello ──────────────────────────▶   (protocol, token, rank, world)
//!         ◀────────────────────────── Welcome | Refused
//!   Prepare ────────────────────────▶   load, features, labels of its series
//!         ◀──────── Stage…, Heartbeat…, Prepared (series, label counts)
//!   Build ──────────────────────────▶   dataset with the run's classes, split, shard files
//!         ◀──────── Stage…, Built (rows, class counts, manifest)
//!   Fit ────────────────────────────▶   joins the training network, trains
//!         ◀──────── Round r ──▶ RoundDecision r   (after every boosting round)
//!         ◀──────── Fitted (model hash, the model from rank 0, partial evaluations)
//!   Finish | Abort ─────────────────▶
//! ```
//! Either side may send `Abort` / `Failed` at any time; a closed connection is a lost peer.
use crate::annotations::{AnnotationRecord, LabelReport, LocatedRecord};
use crate::config::PipelineConfig;
use crate::dataset::DatasetManifest;
use crate::error::{EngineError, Result};
use crate::evaluation::PartialEvaluation;
use crate::models::{CollectiveSpec, RoundStep};
use crate::split::SeriesSplit;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::Mutex;

/// Bumped on any incompatible message change; both sides must agree.
pub const PROTOCOL_VERSION: u32 = 1;
/// The largest frame either side accepts (a model text is the largest message).
const MAX_FRAME: usize = 1 << 30;
/// The environment variable holding the shared secret both sides use (optional on loopback).
pub const TOKEN_ENV: &str = "CANDLE_WORKER_TOKEN";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    Hello { protocol: u32, run_id: String, rank: usize, world: usize, token: Option<String> },
    Prepare(Box<PrepareRequest>),
    Build(Box<BuildRequest>),
    Fit(Box<FitRequest>),
    RoundDecision { round: u32, step: RoundStep },
    Finish { version: String },
    Abort { reason: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToCoordinator {
    Welcome { worker: WorkerIdentity },
    Refused { code: String, message: String },
    Stage { name: String },
    Heartbeat { rss_bytes: u64 },
    Prepared(Box<PreparedShard>),
    Built(Box<BuiltShard>),
    Round { round: u32, metrics: Vec<f64> },
    Fitted(Box<FittedShard>),
    Failed { code: String, message: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerIdentity {
    pub hostname: String,
    pub pid: u32,
    pub engine_version: String,
}

/// An annotation record on the wire (with where it came from, for error messages).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireRecord {
    pub record: AnnotationRecord,
    pub origin: String,
}

impl From<&LocatedRecord> for WireRecord {
    fn from(r: &LocatedRecord) -> Self {
        WireRecord { record: r.record.clone(), origin: r.origin.clone() }
    }
}

impl From<WireRecord> for LocatedRecord {
    fn from(r: WireRecord) -> Self {
        LocatedRecord { record: r.record, origin: r.origin }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrepareRequest {
    /// The run's config (its `distributed` section removed); paths resolve on the worker.
    pub config: PipelineConfig,
    /// This worker's `data.series` entries.
    pub series: Vec<usize>,
    /// Every annotation record of the run (each worker places those of its series).
    pub records: Vec<WireRecord>,
}

/// One loaded series of a shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardSeries {
    pub config_index: usize,
    pub id: String,
    pub timeframe: Option<String>,
    pub candles: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreparedShard {
    pub series: Vec<ShardSeries>,
    /// Label resolution on this shard (records of other shards' series count as skipped here).
    pub labels: LabelReport,
    /// Labels with a span of more than one candle here (they get an `I-` class in BIO).
    pub multi_candle_labels: Vec<String>,
    pub feature_names: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildRequest {
    /// The run's pattern labels and classes (every worker encodes with the same ones).
    pub labels: Vec<String>,
    pub class_names: Vec<String>,
}

/// Rows of a shard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ShardRows {
    pub train: usize,
    pub validation: usize,
    pub test: usize,
    pub purged: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuiltShard {
    pub split: Vec<SeriesSplit>,
    pub rows: ShardRows,
    /// Training rows per class (before balancing).
    pub train_classes: BTreeMap<String, usize>,
    pub validation_classes: BTreeMap<String, usize>,
    /// The shard's dataset files, as written on the worker.
    pub manifest: DatasetManifest,
    pub dataset_dir: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FitRequest {
    /// `balance.mode: class_weights`: the run's weight of each class (from every worker's counts).
    pub class_weights: Option<Vec<f64>>,
    /// The run's most frequent training class (the evaluation baseline).
    pub baseline_class: u32,
    pub collective: CollectiveSpec,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FittedShard {
    pub rounds: u32,
    pub model_sha256: String,
    /// The model in its library's format: rank 0 sends it, the others only its hash.
    pub model: Option<String>,
    pub validation: PartialEvaluation,
    pub test: Option<PartialEvaluation>,
    /// Training rows per class after balancing.
    pub balanced_classes: BTreeMap<String, usize>,
    pub train_balanced: usize,
    pub peak_rss_bytes: u64,
}

/// Writes one frame.
pub fn write_frame<T: Serialize>(w: &mut impl Write, message: &T) -> std::io::Result<()> {
    let body = serde_json::to_vec(message).map_err(std::io::Error::other)?;
    if body.len() > MAX_FRAME {
        return Err(std::io::Error::other(format!("a {} byte message is over the {MAX_FRAME} byte limit", body.len())));
    }
    w.write_all(&(body.len() as u32).to_be_bytes())?;
    w.write_all(&body)?;
    w.flush()
}

/// Reads one frame; `None` when the peer closed the connection between frames.
pub fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> std::io::Result<Option<T>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(std::io::Error::other(format!("a {len} byte frame is over the {MAX_FRAME} byte limit")));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    serde_json::from_slice(&body).map(Some).map_err(|e| std::io::Error::other(format!("a malformed message: {e}")))
}

/// What a connection's reader thread hands on.
#[derive(Debug)]
pub enum Incoming<T> {
    Message(T),
    /// The connection ended (the reason: closed by the peer, reset, malformed).
    Closed(String),
}

/// One end of a control connection: sends from any thread; a reader thread delivers what
/// arrives to a channel.
pub struct Link {
    writer: Mutex<TcpStream>,
    /// Who is at the other end, for messages.
    pub peer: String,
}

impl Link {
    pub fn new(stream: TcpStream, peer: String) -> Link {
        let _ = stream.set_nodelay(true);
        Link { writer: Mutex::new(stream), peer }
    }

    pub fn send<T: Serialize>(&self, message: &T) -> Result<()> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        write_frame(&mut *w, message)
            .map_err(|e| EngineError::WorkerFailed(format!("lost the connection to {}: {e}", self.peer)))
    }

    /// Starts the reader thread: every message goes to `tx` tagged with `tag`, then one `Closed`.
    pub fn spawn_reader<T, K>(&self, tag: K, tx: Sender<(K, Incoming<T>)>) -> Result<()>
    where
        T: DeserializeOwned + Send + 'static,
        K: Copy + Send + 'static,
    {
        let mut stream = self
            .writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .try_clone()
            .map_err(|e| EngineError::io("clone a control connection", e))?;
        let peer = self.peer.clone();
        std::thread::Builder::new()
            .name("candle-link-reader".into())
            .spawn(move || loop {
                match read_frame::<T>(&mut stream) {
                    Ok(Some(m)) => {
                        if tx.send((tag, Incoming::Message(m))).is_err() {
                            return;
                        }
                    }
                    Ok(None) => {
                        let _ = tx.send((tag, Incoming::Closed(format!("{peer} closed the connection"))));
                        return;
                    }
                    Err(e) => {
                        let _ = tx.send((tag, Incoming::Closed(format!("the connection to {peer} failed: {e}"))));
                        return;
                    }
                }
            })
            .map_err(|e| EngineError::io("start a reader thread", e))?;
        Ok(())
    }

    /// Ends the connection both ways (the reader thread then stops).
    pub fn close(&self) {
        let w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let _ = w.shutdown(Shutdown::Both);
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.close();
    }
}

/// A failure as it crosses the wire.
pub fn wire_error(e: &EngineError) -> (String, String) {
    (e.code().to_string(), e.to_string())
}

/// Rebuilds a worker's error with its code, the worker named in front of its message.
pub fn error_from_wire(code: &str, message: &str, context: &str) -> EngineError {
    let make = |m: String| -> EngineError {
        match code {
            "INVALID_CANDLES" => EngineError::InvalidCandles(m),
            "INVALID_CONFIG" => EngineError::InvalidConfig(m),
            "INVALID_ARGUMENT" => EngineError::InvalidArgument(m),
            "IMPORT_FAILED" => EngineError::ImportFailed(m),
            "TOO_FEW_CANDLES" => EngineError::TooFewCandles(m),
            "INVALID_ANNOTATIONS" => EngineError::InvalidAnnotations(m),
            "TRAINING_FAILED" => EngineError::TrainingFailed(m),
            "IO_ERROR" => EngineError::io(m, std::io::Error::other("on the worker")),
            "INTERNAL" => EngineError::Internal(m),
            _ => EngineError::WorkerFailed(m),
        }
    };
    // Strip the variant's own prefix ("invalid config: …") so it is not said twice.
    let prefix = make(String::new()).to_string();
    let prefix = prefix.trim_end_matches("on the worker");
    let detail = message.strip_prefix(prefix).unwrap_or(message);
    make(format!("{context}: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_reject_oversized() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &ToCoordinator::Stage { name: "fit".into() }).unwrap();
        write_frame(&mut buf, &ToWorker::Abort { reason: "x".into() }).unwrap();
        let mut r = buf.as_slice();
        assert!(
            matches!(read_frame::<ToCoordinator>(&mut r).unwrap(), Some(ToCoordinator::Stage { name }) if name == "fit")
        );
        assert!(matches!(read_frame::<ToWorker>(&mut r).unwrap(), Some(ToWorker::Abort { .. })));
        assert!(read_frame::<ToWorker>(&mut r).unwrap().is_none());
        let huge = (u32::MAX).to_be_bytes();
        assert!(read_frame::<ToWorker>(&mut huge.as_slice()).is_err());
        let garbage = [0, 0, 0, 3, b'{', b'x', b'}'];
        assert!(read_frame::<ToWorker>(&mut garbage.as_slice()).unwrap_err().to_string().contains("malformed"));
    }

    #[test]
    fn worker_errors_keep_their_code_and_gain_the_worker() {
        let e = EngineError::ImportFailed("row 3: bad".into());
        let (code, message) = wire_error(&e);
        let back = error_from_wire(&code, &message, "worker 1 (127.0.0.1:7401)");
        assert_eq!(back.code(), "IMPORT_FAILED");
        assert_eq!(back.to_string(), "import failed: worker 1 (127.0.0.1:7401): row 3: bad");
        let odd = error_from_wire("SOMETHING_NEW", "x", "worker 0");
        assert_eq!(odd.code(), "WORKER_FAILED");
    }
}
