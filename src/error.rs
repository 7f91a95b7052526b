//! The one mapping from engine errors to JS errors: `err.code` is the engine's stable code.
use engine::EngineError;
use napi::{Env, JsError};

/// A JS error status carrying our code string (napi puts it in `err.code`).
pub struct Code(pub &'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// Builds the JS error on the JS thread and hands it to napi as an already-made value, so the
/// rejection carries our code rather than napi's generic status.
pub fn to_js_error(env: &Env, err: EngineError) -> napi::Error {
    let with_code = napi::Error::new(Code(err.code()), err.to_string());
    napi::Error::from(JsError::from(with_code).into_unknown(*env))
}
