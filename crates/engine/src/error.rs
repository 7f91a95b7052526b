//! The engine's one error type. Every variant carries a stable `code()` that crosses to JS
//! unchanged; messages say what was wrong and where (row, index, key).
use std::path::PathBuf;

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("invalid candles: {0}")]
    InvalidCandles(String),
    #[error("invalid config: {0}")]
    InvalidConfig(String),
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("import failed: {0}")]
    ImportFailed(String),
    #[error("too few candles: {0}")]
    TooFewCandles(String),
    #[error("invalid annotations: {0}")]
    InvalidAnnotations(String),
    #[error("model not found: {0}")]
    ModelNotFound(String),
    #[error("no model has been trained yet{0}")]
    NoModel(String),
    #[error("corrupt model: {0}")]
    CorruptModel(String),
    #[error("training failed: {0}")]
    TrainingFailed(String),
    #[error("cancelled")]
    Cancelled,
    #[error("tracking server error: {0}")]
    Tracking(String),
    /// A distributed run lost a worker (it died, stopped answering, was busy or refused the
    /// run), or was aborted because another process of the run failed.
    #[error("worker failed: {0}")]
    WorkerFailed(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

impl EngineError {
    /// The stable, documented code for this error (`docs/errors.md`).
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::InvalidCandles(_) => "INVALID_CANDLES",
            EngineError::InvalidConfig(_) => "INVALID_CONFIG",
            EngineError::InvalidArgument(_) => "INVALID_ARGUMENT",
            EngineError::ImportFailed(_) => "IMPORT_FAILED",
            EngineError::TooFewCandles(_) => "TOO_FEW_CANDLES",
            EngineError::InvalidAnnotations(_) => "INVALID_ANNOTATIONS",
            EngineError::ModelNotFound(_) => "MODEL_NOT_FOUND",
            EngineError::NoModel(_) => "NO_MODEL",
            EngineError::CorruptModel(_) => "CORRUPT_MODEL",
            EngineError::TrainingFailed(_) => "TRAINING_FAILED",
            EngineError::Cancelled => "CANCELLED",
            EngineError::Tracking(_) => "TRACKING_FAILED",
            EngineError::WorkerFailed(_) => "WORKER_FAILED",
            EngineError::Io { .. } => "IO_ERROR",
            EngineError::Internal(_) => "INTERNAL",
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        EngineError::Io { context: context.into(), source }
    }

    pub fn io_path(action: &str, path: &std::path::Path, source: std::io::Error) -> Self {
        EngineError::io(format!("{action} {}", PathBuf::from(path).display()), source)
    }
}

/// Runs `f`, turning a panic anywhere below it (our code or a library's) into
/// `EngineError::Internal`, so no input can take the host process down.
pub fn catch_panic<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(EngineError::Internal(format!("engine panicked: {msg}")))
        }
    }
}
