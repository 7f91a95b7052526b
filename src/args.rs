//! Arguments from JS, converted here rather than by napi's generated converters, so every
//! mistake comes back with the engine's codes: a value of the wrong type is `INVALID_ARGUMENT`
//! naming the argument (`candles.open: …`); an options object is walked into JSON with its own
//! rules — an object (never an array), finite numbers only (NaN and ±Infinity are
//! `INVALID_CONFIG` naming the key), bounded depth and size — and then deserialized strictly
//! by the core (unknown keys and wrong value types are `INVALID_CONFIG`).
use crate::upload::CsvUpload;
use crate::CancelToken;
use engine::{Candles, EngineError, Result};
use napi::bindgen_prelude::*;
use napi::{JsValue, ValueType};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Options nest a few levels (`{ humanSpans: [{ start, end, label }] }`).
pub const MAX_OPTIONS_DEPTH: usize = 16;
/// Values in one options object (each array element and key counts): room for about a million
/// human spans, far from napi's own JSON limit being the first thing to break.
pub const MAX_OPTIONS_VALUES: usize = 4_000_000;

fn invalid_argument(name: &str, what: impl std::fmt::Display) -> EngineError {
    EngineError::InvalidArgument(format!("{name}: {what}"))
}

fn type_name(value: &Unknown<'_>) -> &'static str {
    match value.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "a boolean",
        Ok(ValueType::Number) => "a number",
        Ok(ValueType::String) => "a string",
        Ok(ValueType::Symbol) => "a symbol",
        Ok(ValueType::BigInt) => "a bigint",
        Ok(ValueType::Function) => "a function",
        Ok(ValueType::External) => "an external",
        Ok(ValueType::Object) if value.is_array().unwrap_or(false) => "an array",
        Ok(ValueType::Object) if value.is_typedarray().unwrap_or(false) => "a typed array",
        Ok(ValueType::Object) if value.is_date().unwrap_or(false) => "a Date",
        Ok(ValueType::Object) if value.is_promise().unwrap_or(false) => "a Promise",
        Ok(ValueType::Object) => "an object",
        _ => "an unknown value",
    }
}

/// Converts with napi's converter, any failure becoming `INVALID_ARGUMENT` naming the argument.
fn convert<T: FromNapiValue>(value: Unknown<'_>, name: &str, expected: &str) -> Result<T> {
    // SAFETY: the value and its env come from the current call.
    unsafe { T::from_napi_value(value.value().env, value.raw()) }
        .map_err(|e| invalid_argument(name, format!("expected {expected}, got {} ({})", type_name(&value), e.reason)))
}

fn is_nullish(value: &Option<Unknown<'_>>) -> bool {
    value.as_ref().is_none_or(|v| matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null)))
}

/// An object that is not an array, typed array, Buffer, Date, Promise or Error (a check that
/// fails counts as "not plain").
fn is_plain_object(value: &Unknown<'_>) -> bool {
    let not = |check: napi::Result<bool>| !check.unwrap_or(true);
    matches!(value.get_type(), Ok(ValueType::Object))
        && not(value.is_array())
        && not(value.is_typedarray())
        && not(value.is_buffer())
        && not(value.is_arraybuffer())
        && not(value.is_dataview())
        && not(value.is_date())
        && not(value.is_promise())
        && not(value.is_error())
}

/// A plain object (not an array, typed array or Buffer); `expected` describes its shape.
pub fn object<'a>(value: Option<Unknown<'a>>, name: &str, expected: &str) -> Result<Object<'a>> {
    match value {
        Some(v) if is_plain_object(&v) => convert(v, name, expected),
        other => Err(invalid_argument(
            name,
            format!("expected {expected}, got {}", other.as_ref().map_or("nothing", type_name)),
        )),
    }
}

/// OHLCV columns: an object of six `Float64Array`s (extra keys are ignored), copied out of JS
/// memory so work can continue off the JS thread. Each column is read once, as a borrowed view:
/// the copy is made before this call returns, so nothing needs a reference keeping the array
/// alive (napi's `Float64Array` makes one, and this ran for every prediction).
pub fn candles(value: Option<Unknown<'_>>, name: &str) -> Result<Candles> {
    let object = object(value, name, "candles { time, open, high, low, close, volume } as Float64Array columns")?;
    let column = |column: &str| -> Result<Vec<f64>> {
        let field = format!("{name}.{column}");
        match object.get::<Unknown<'_>>(column).map_err(|e| invalid_argument(&field, e.reason))? {
            Some(v) if v.is_typedarray().unwrap_or(false) => match convert::<Float64ArraySlice<'_>>(v, &field, "") {
                Ok(view) => Ok(view.to_vec()),
                // Another kind of typed array: napi's `Float64Array` converter names its kind.
                Err(_) => convert::<Float64Array>(v, &field, "a Float64Array").map(|a| a.to_vec()),
            },
            None => Err(invalid_argument(&field, "is missing (expected a Float64Array)")),
            Some(other) => Err(invalid_argument(&field, format!("expected a Float64Array, got {}", type_name(&other)))),
        }
    };
    Ok(Candles {
        time: column("time")?,
        open: column("open")?,
        high: column("high")?,
        low: column("low")?,
        close: column("close")?,
        volume: column("volume")?,
    })
}

/// A `Float64Array`.
pub fn float64_array(value: Option<Unknown<'_>>, name: &str) -> Result<Float64Array> {
    match value {
        Some(v) if v.is_typedarray().unwrap_or(false) => convert(v, name, "a Float64Array"),
        other => Err(invalid_argument(
            name,
            format!("expected a Float64Array, got {}", other.as_ref().map_or("nothing", type_name)),
        )),
    }
}

/// An array of times, each a number or a string.
pub fn time_values(value: Option<Unknown<'_>>, name: &str) -> Result<Vec<engine::annotations::TimeValue>> {
    use engine::annotations::TimeValue;
    let array: Array<'_> = match value {
        Some(v) if v.is_array().unwrap_or(false) => convert(v, name, "an array")?,
        other => {
            return Err(invalid_argument(
                name,
                format!(
                    "expected an array of numbers and strings, got {}",
                    other.as_ref().map_or("nothing", type_name)
                ),
            ))
        }
    };
    (0..array.len())
        .map(|i| {
            let field = format!("{name}[{i}]");
            let item = array.get::<Unknown<'_>>(i).map_err(|e| invalid_argument(&field, e.reason))?;
            match item {
                Some(v) if matches!(v.get_type(), Ok(ValueType::Number)) => {
                    Ok(TimeValue::Millis(convert(v, &field, "a number")?))
                }
                Some(v) if matches!(v.get_type(), Ok(ValueType::String)) => {
                    Ok(TimeValue::Text(convert(v, &field, "a string")?))
                }
                other => Err(invalid_argument(
                    &field,
                    format!("expected a number or a string, got {}", other.as_ref().map_or("nothing", type_name)),
                )),
            }
        })
        .collect()
}

/// A required string.
pub fn string(value: Option<Unknown<'_>>, name: &str) -> Result<String> {
    match value {
        Some(v) if matches!(v.get_type(), Ok(ValueType::String)) => convert(v, name, "a string"),
        other => Err(invalid_argument(
            name,
            format!("expected a string, got {}", other.as_ref().map_or("nothing", type_name)),
        )),
    }
}

/// An optional string (`undefined` and `null` are absent).
pub fn optional_string(value: Option<Unknown<'_>>, name: &str) -> Result<Option<String>> {
    if is_nullish(&value) {
        return Ok(None);
    }
    string(value, name).map(Some)
}

/// A class constructor's guard: called without `new`, napi would wrap the module's exports object
/// and hand that back; this makes it `INVALID_ARGUMENT` naming the class instead.
pub fn require_new<T>(env: &Env, this: &This, class: &str) -> napi::Result<()>
where
    for<'a> &'a T: ValidateNapiValue,
{
    // SAFETY: `this` and `env` are the current call's.
    if unsafe { <&T as ValidateNapiValue>::validate(env.raw(), this.raw()) }.is_ok() {
        return Ok(());
    }
    Err(crate::error::to_js_error(
        env,
        EngineError::InvalidArgument(format!("{class} is a class: create one with `new {class}()`")),
    ))
}

/// A Buffer (or any Uint8Array) of bytes, still owned by JS: the task copies it on its worker
/// thread (`JsBytes::into_vec`), so a large upload is not copied on the JS main thread; or a
/// `CsvUpload`'s bytes, already the engine's.
pub enum JsBytes {
    Buffer(Buffer),
    Array(Uint8Array),
    Owned(Vec<u8>),
}

impl JsBytes {
    /// The bytes: a copy of a JS buffer, which is not read again afterwards, so a JS write to it
    /// while the task runs cannot change the text half-way through the import.
    pub fn into_vec(self) -> Vec<u8> {
        match self {
            JsBytes::Buffer(b) => b.to_vec(),
            JsBytes::Array(a) => a.to_vec(),
            JsBytes::Owned(v) => v,
        }
    }
}

pub fn bytes(value: Option<Unknown<'_>>, name: &str) -> Result<JsBytes> {
    if let Some(v) = &value {
        // SAFETY: the value and its env come from the current call.
        if let Ok(mut upload) = unsafe { ClassInstance::<CsvUpload>::from_napi_value(v.value().env, v.raw()) } {
            return upload.take().map(JsBytes::Owned).ok_or_else(|| {
                invalid_argument(
                    name,
                    "this CsvUpload was already imported or released; create a new one for each file",
                )
            });
        }
    }
    match value {
        Some(v) if v.is_buffer().unwrap_or(false) => Ok(JsBytes::Buffer(convert::<Buffer>(v, name, "a Buffer")?)),
        Some(v) if v.is_typedarray().unwrap_or(false) => {
            Ok(JsBytes::Array(convert::<Uint8Array>(v, name, "a Buffer")?))
        }
        other => Err(invalid_argument(
            name,
            format!("expected a Buffer or CsvUpload, got {}", other.as_ref().map_or("nothing", type_name)),
        )),
    }
}

/// An optional function.
pub fn optional_function<'a>(value: Option<Unknown<'a>>, name: &str) -> Result<Option<Unknown<'a>>> {
    if is_nullish(&value) {
        return Ok(None);
    }
    match value {
        Some(v) if matches!(v.get_type(), Ok(ValueType::Function)) => Ok(Some(v)),
        other => Err(invalid_argument(
            name,
            format!("expected a function, got {}", other.as_ref().map_or("nothing", type_name)),
        )),
    }
}

/// The flag the engine polls for an optional `AbortSignal` (set when it aborts, at once if it
/// already has) or `CancelToken`.
pub fn cancel_flag(env: &Env, value: Option<Unknown<'_>>, name: &str) -> Result<Option<Arc<AtomicBool>>> {
    if is_nullish(&value) {
        return Ok(None);
    }
    let value = value.expect("not nullish");
    let expected = "an AbortSignal (or a CancelToken)";
    // SAFETY: the value and its env come from the current call.
    if let Ok(token) = unsafe { ClassInstance::<CancelToken>::from_napi_value(env.raw(), value.raw()) } {
        return Ok(Some(token.flag.clone()));
    }
    let not_a_signal = || invalid_argument(name, format!("expected {expected}, got {}", type_name(&value)));
    if !matches!(value.get_type(), Ok(ValueType::Object)) {
        return Err(not_a_signal());
    }
    let signal: Object<'_> = convert(value, name, expected)?;
    let aborted = signal.get_named_property::<Unknown>("aborted").map_err(|_| not_a_signal())?;
    let listen = signal
        .get_named_property::<Function<'_, FnArgs<(&str, Function<'_, (), ()>)>, ()>>("addEventListener")
        .map_err(|_| not_a_signal())?;
    if !matches!(aborted.get_type(), Ok(ValueType::Boolean)) {
        return Err(not_a_signal());
    }
    let flag = Arc::new(AtomicBool::new(false));
    // SAFETY: a boolean value of the current call.
    if unsafe { bool::from_napi_value(env.raw(), aborted.raw()) }.unwrap_or(false) {
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
        return Ok(Some(flag));
    }
    let on_abort = {
        let flag = flag.clone();
        env.create_function_from_closure("onAbort", move |_| {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })
    }
    .map_err(|e| invalid_argument(name, e.reason))?;
    listen.apply(signal, ("abort", on_abort).into()).map_err(|e| invalid_argument(name, e.reason))?;
    Ok(Some(flag))
}

/// An optional options object, walked into JSON (`None` when absent).
pub fn options(value: Option<Unknown<'_>>, name: &str) -> Result<Option<serde_json::Value>> {
    if is_nullish(&value) {
        return Ok(None);
    }
    let value = value.expect("not nullish");
    if !is_plain_object(&value) {
        return Err(invalid_argument(name, format!("expected an options object, got {}", type_name(&value))));
    }
    let mut budget = MAX_OPTIONS_VALUES;
    to_json(value, name, 0, &mut budget)
}

fn invalid_config(path: &str, what: impl std::fmt::Display) -> EngineError {
    EngineError::InvalidConfig(format!("{path}: {what}"))
}

/// One JS value as JSON; `None` for `undefined` (a key set to `undefined` is absent).
fn to_json(value: Unknown<'_>, path: &str, depth: usize, budget: &mut usize) -> Result<Option<serde_json::Value>> {
    use serde_json::Value;
    if *budget == 0 {
        return Err(invalid_config(path, format!("the options hold more than {MAX_OPTIONS_VALUES} values")));
    }
    *budget -= 1;
    let reason = |e: napi::Error| invalid_config(path, e.reason);
    Ok(Some(match value.get_type().map_err(reason)? {
        ValueType::Undefined => return Ok(None),
        ValueType::Null => Value::Null,
        ValueType::Boolean => Value::Bool(convert(value, path, "a boolean")?),
        ValueType::String => Value::String(convert(value, path, "a string")?),
        ValueType::Number => {
            let n: f64 = convert(value, path, "a number")?;
            if !n.is_finite() {
                return Err(invalid_config(path, format!("{n} is not a finite number")));
            }
            // Whole numbers become JSON integers, so `folds: 3` fits an integer field.
            if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
                Value::from(n as i64)
            } else {
                Value::from(n)
            }
        }
        ValueType::Object => {
            if depth >= MAX_OPTIONS_DEPTH {
                return Err(invalid_config(path, format!("nests more than {MAX_OPTIONS_DEPTH} levels deep")));
            }
            if value.is_array().map_err(reason)? {
                let array: Array<'_> = convert(value, path, "an array")?;
                let mut out = Vec::with_capacity((array.len() as usize).min(*budget));
                for i in 0..array.len() {
                    let item_path = format!("{path}[{i}]");
                    let item: Unknown<'_> = array.get(i).map_err(reason)?.expect("index below the length");
                    // A hole or `undefined` element is `null`, as JSON.stringify writes it.
                    out.push(to_json(item, &item_path, depth + 1, budget)?.unwrap_or(Value::Null));
                }
                Value::Array(out)
            } else if !is_plain_object(&value) {
                return Err(invalid_config(path, format!("{} is not an option value", type_name(&value))));
            } else {
                let object: Object<'_> = convert(value, path, "an object")?;
                let mut out = serde_json::Map::new();
                for key in Object::keys(&object).map_err(reason)? {
                    let key_path = format!("{path}.{key}");
                    let item: Option<Unknown<'_>> = object.get(&key).map_err(reason)?;
                    if let Some(v) = item {
                        if let Some(json) = to_json(v, &key_path, depth + 1, budget)? {
                            out.insert(key, json);
                        }
                    }
                }
                Value::Object(out)
            }
        }
        _ => return Err(invalid_config(path, format!("{} is not an option value", type_name(&value)))),
    }))
}
