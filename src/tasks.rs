//! Running engine work off the JS thread: each async export wraps a closure in `EngineTask`,
//! which runs it on the libuv pool with panics caught, and converts the result back on the JS
//! thread.
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
    pub fn new(work: impl FnOnce() -> engine::Result<T> + Send + 'static, to_js: fn(&Env, T) -> napi::Result<J>) -> AsyncTask<Self>
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
