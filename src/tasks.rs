//! Running engine work off the JS thread: each async export wraps a closure in `EngineTask`,
//! which runs it on the libuv pool with panics caught, and converts the result back on the JS
//! thread. Long runs (training, the label check) get a thread of their own instead
//! ([`spawn_run`]): minutes on one of libuv's four pool threads would stall every other addon
//! call and Node's own `fs`, and a worker's `terminate()` waits for pool work to finish, while
//! it does not wait for a thread of ours (the run is cancelled by `shutdown` and its promise
//! dropped with the environment). Predictions are jobs on the engine's own pool
//! ([`spawn_pooled`]): short, and parallel inside.
use crate::error::to_js_error;
use engine::error::catch_panic;
use napi::bindgen_prelude::*;
use napi::{Env, Task};

type Work<T> = Box<dyn FnOnce() -> engine::Result<T> + Send>;

pub struct EngineTask<T: Send + 'static, J> {
    work: Option<Work<T>>,
    to_js: fn(&Env, T) -> napi::Result<J>,
}

impl<T: Send + 'static, J> EngineTask<T, J> {
    pub fn new(
        work: impl FnOnce() -> engine::Result<T> + Send + 'static,
        to_js: fn(&Env, T) -> napi::Result<J>,
    ) -> AsyncTask<Self>
    where
        J: ToNapiValue + TypeName,
    {
        AsyncTask::new(EngineTask { work: Some(Box::new(work)), to_js })
    }
}

impl<T: Send + 'static, J: ToNapiValue + TypeName> Task for EngineTask<T, J> {
    type Output = engine::Result<T>;
    type JsValue = J;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let work = self.work.take().expect("an EngineTask is computed once");
        Ok(catch_panic(work))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<J> {
        match output {
            Ok(value) => (self.to_js)(&env, value),
            Err(err) => Err(to_js_error(&env, err)),
        }
    }
}

type Settle<J> = Box<dyn FnOnce(Env) -> napi::Result<J> + Send>;

/// What settles a deferred promise on the JS thread: the value converted by `to_js`, or the
/// engine error as a rejection with its code.
fn settle<T: Send + 'static, J: 'static>(
    output: engine::Result<T>,
    to_js: fn(&Env, T) -> napi::Result<J>,
) -> Settle<J> {
    Box::new(move |env: Env| match output {
        Ok(value) => to_js(&env, value),
        Err(err) => Err(to_js_error(&env, err)),
    })
}

/// Runs `work` on a new thread (panics caught) and returns a promise of its result, converted
/// by `to_js` on the JS thread; an engine error rejects it with the error's code.
pub fn spawn_run<T: Send + 'static, J: ToNapiValue + 'static>(
    env: &Env,
    name: &str,
    work: impl FnOnce() -> engine::Result<T> + Send + 'static,
    to_js: fn(&Env, T) -> napi::Result<J>,
) -> napi::Result<Object<'static>> {
    let (deferred, promise) = env.create_deferred::<J, Settle<J>>()?;
    std::thread::Builder::new()
        .name(format!("engine-{name}"))
        .spawn(move || deferred.resolve(settle(catch_panic(work), to_js)))
        .map_err(|e| napi::Error::from_reason(format!("could not start the {name} thread: {e}")))?;
    // The promise is handed straight back to napi as the call's return value.
    Ok(Object::from_raw(env.raw(), promise.raw()))
}

/// Runs `work` as a job on the engine's thread pool (rayon's; panics caught) and returns a
/// promise of its result, converted by `to_js` on the JS thread. For short parallel calls (a
/// prediction): an `AsyncTask` first wakes a libuv thread, which hands each parallel part to the
/// pool and sleeps until it is done; here the work starts on a pool thread, and its parallel
/// parts stay there. A 500-candle prediction from Node: p50 0.76–0.79 ms → 0.65–0.68 ms
/// (calls 1 ms apart; README, *Benchmarks*).
pub fn spawn_pooled<T: Send + 'static, J: ToNapiValue + 'static>(
    env: &Env,
    work: impl FnOnce() -> engine::Result<T> + Send + 'static,
    to_js: fn(&Env, T) -> napi::Result<J>,
) -> napi::Result<Object<'static>> {
    let (deferred, promise) = env.create_deferred::<J, Settle<J>>()?;
    rayon::spawn(move || deferred.resolve(settle(catch_panic(work), to_js)));
    Ok(Object::from_raw(env.raw(), promise.raw()))
}
