//! `CsvUpload`: a file's bytes assembled in the engine's memory as they arrive, for `importCsv`.
//! A Buffer handed to `importCsv` is copied whole on the worker thread first (so a JS write
//! cannot change it half-way through the parse); for a 573 MB upload that copy is 573 MB of fresh
//! memory faulted in, 0.4–0.9 s on the 2-core machine. An upload appended here chunk by chunk
//! (one copy per chunk, as the route would make into its own Buffer) is handed over without one.
use crate::error;
use engine::EngineError;
use napi::bindgen_prelude::*;
use napi::Env;
use napi_derive::napi;

/// The largest capacity `new CsvUpload(expectedBytes)` reserves up front; more still appends.
const MAX_RESERVED_BYTES: f64 = 16.0 * 1024.0 * 1024.0 * 1024.0;

#[napi]
pub struct CsvUpload {
    bytes: Vec<u8>,
    /// `importCsv` took the bytes: the upload is spent.
    taken: bool,
}

#[napi]
impl CsvUpload {
    /// `new CsvUpload(expectedBytes?)`: reserves room for the bytes a request declared (address
    /// space: pages are touched as chunks arrive).
    #[napi(constructor)]
    pub fn new(env: Env, this: This, expected_bytes: Option<f64>) -> napi::Result<Self> {
        crate::args::require_new::<CsvUpload>(&env, &this, "CsvUpload")?;
        let invalid = |message: String| error::to_js_error(&env, EngineError::InvalidArgument(message));
        let reserve = match expected_bytes {
            None => 0,
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 => n.min(MAX_RESERVED_BYTES) as usize,
            Some(n) => return Err(invalid(format!("expectedBytes: expected a byte count, got {n}"))),
        };
        Ok(CsvUpload { bytes: Vec::with_capacity(reserve), taken: false })
    }

    /// Appends a chunk of the file (a Buffer or any Uint8Array), copying it.
    #[napi(ts_args_type = "chunk: Uint8Array")]
    pub fn append(&mut self, env: Env, chunk: Unknown) -> napi::Result<()> {
        let invalid = |message: String| error::to_js_error(&env, EngineError::InvalidArgument(message));
        if self.taken {
            return Err(invalid("chunk: this CsvUpload was already imported or released; create a new one".into()));
        }
        if !chunk.is_typedarray().unwrap_or(false) {
            return Err(invalid("chunk: expected a Buffer or Uint8Array".into()));
        }
        // SAFETY: the value and its env come from the current call.
        let chunk = unsafe { Uint8Array::from_napi_value(env.raw(), chunk.raw()) }
            .map_err(|_| invalid("chunk: expected a Buffer or Uint8Array".into()))?;
        self.bytes.extend_from_slice(&chunk);
        Ok(())
    }

    /// Drops the bytes now, rather than when the object is collected (V8 does not see their size):
    /// for an upload that will not be imported. The upload is then spent.
    #[napi]
    pub fn release(&mut self) {
        self.take();
    }

    /// The bytes appended so far (0 once imported or released).
    #[napi(getter)]
    pub fn byte_length(&self) -> f64 {
        self.bytes.len() as f64
    }
}

impl CsvUpload {
    /// The bytes, for one import; `None` when an import already took them.
    pub(crate) fn take(&mut self) -> Option<Vec<u8>> {
        if self.taken {
            return None;
        }
        self.taken = true;
        Some(std::mem::take(&mut self.bytes))
    }
}
