//! Work that must stop when its JS environment goes away. A `process.exit()` during a training
//! would otherwise wait for the run to finish (Node joins its thread pool before exiting) and
//! the run would still publish a version; a worker's `terminate()` would wait the same way. Each
//! cancellable run (`train`, `findLabelErrors`) registers its cancel flag here under its
//! environment; the environment's `exit` event and its napi cleanup hook set every flag still
//! registered, so the run stops at its next check with `CANCELLED` and publishes nothing.
use napi::bindgen_prelude::*;
use napi::{Env, JsValue};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// (environment, flag, registration id) of every registered run.
static RUNNING: Mutex<Vec<(usize, Arc<AtomicBool>, u64)>> = Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<(usize, Arc<AtomicBool>, u64)>> {
    RUNNING.lock().unwrap_or_else(|p| p.into_inner())
}

fn env_id(env: &Env) -> usize {
    env.raw() as usize
}

/// A run's registration; dropping it (the run ended) unregisters the flag.
pub struct Registration {
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        running().retain(|(_, _, id)| *id != self.id);
    }
}

/// Registers `flag` to be set when `env` shuts down.
pub fn register(env: &Env, flag: &Arc<AtomicBool>) -> Registration {
    use std::sync::atomic::AtomicU64;
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    running().push((env_id(env), flag.clone(), id));
    Registration { id }
}

/// Sets the flag of every run registered under `env`.
fn cancel_all(env: usize) {
    for (_, flag, _) in running().iter().filter(|(e, _, _)| *e == env) {
        flag.store(true, Ordering::Relaxed);
    }
}

/// Installs the two triggers for `env`: its `process` `exit` event (emitted by `process.exit()`
/// before Node waits for running work) and the napi cleanup hook (run when a worker is
/// terminated or the environment is torn down).
pub fn install(env: &Env) -> napi::Result<()> {
    let id = env_id(env);
    env.add_env_cleanup_hook(id, cancel_all)?;
    let global = Object::from_raw(env.raw(), env.get_global()?.raw());
    let Some(process) = global.get::<Object<'_>>("process")? else { return Ok(()) };
    let Some(on) = process.get::<Function<'_, FnArgs<(String, Unknown<'_>)>, Unknown<'_>>>("on")? else {
        return Ok(());
    };
    let listener = env.create_function_from_closure::<(), (), _>("cancelEngineWork", move |_| {
        cancel_all(id);
        Ok(())
    })?;
    on.apply(process.to_unknown(), FnArgs::from(("exit".to_string(), listener.to_unknown())))?;
    Ok(())
}
