//! Running engine work off the JS thread: each async export wraps a closure in `EngineTask`,
//! which runs it on the libuv pool with panics caught, and converts the result back on the JS
//! thread. Long runs (training, the label check) get a thread of their own instead
//! ([`spawn_run`]): minutes on one of libuv's four pool threads would stall every other addon
//! call and Node's own `fs`, and a worker's `terminate()` waits for pool work to finish, while
//! it does not wait for a thread of ours (the run is cancelled by `shutdown` and its promise
//! dropped with the environment).
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
        .spawn(move || {
            let output = catch_panic(work);
            deferred.resolve(Box::new(move |env: Env| match output {
                Ok(value) => to_js(&env, value),
                Err(err) => Err(to_js_error(&env, err)),
            }));
        })
        .map_err(|e| napi::Error::from_reason(format!("could not start the {name} thread: {e}")))?;
    // The promise is handed straight back to napi as the call's return value.
    Ok(Object::from_raw(env.raw(), promise.raw()))
}
