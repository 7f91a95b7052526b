//! The training worker export: `runWorker` listens for a coordinator (a `train` run with a
//! `distributed:` section) and serves its runs (see docs/scale.md; `npm run worker`).
use crate::js_types::to_plain;
use crate::{args, parse_options, shutdown, tasks};
use engine::distributed::{self, WorkerEvent, WorkerSummary};
use engine::EngineError;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

/// Something a worker did (its log line).
#[napi(object, js_name = "WorkerEvent")]
pub struct JsWorkerEvent {
    /// `listening`, `run-started`, `stage`, `run-finished`, `run-failed` or `refused`.
    pub kind: String,
    pub message: String,
    pub run_id: Option<String>,
    pub rank: Option<u32>,
    pub stage: Option<String>,
    pub code: Option<String>,
}

impl From<WorkerEvent> for JsWorkerEvent {
    fn from(e: WorkerEvent) -> Self {
        JsWorkerEvent {
            kind: e.kind.to_string(),
            message: e.message,
            run_id: e.run_id,
            rank: e.rank.map(|r| r as u32),
            stage: e.stage,
            code: e.code,
        }
    }
}

type WorkerEventCallback = ThreadsafeFunction<JsWorkerEvent, (), JsWorkerEvent, napi::Status, false>;

/// Serves distributed training runs until cancelled (or, with `once`, after one run); resolves
/// with the runs it served. Runs on a thread of its own (a worker serves for hours: never on
/// libuv's pool), cancelled like `train` when its JS environment exits.
#[napi(
    ts_args_type = "options?: WorkerOptions, onEvent?: (event: WorkerEvent) => void, cancel?: AbortSignal | CancelToken",
    ts_return_type = "Promise<WorkerSummary>"
)]
pub fn run_worker(
    env: Env,
    options: Option<Unknown>,
    on_event: Option<Unknown>,
    cancel: Option<Unknown>,
) -> napi::Result<Object<'static>> {
    let input = (|| {
        let options = args::options(options, "options")?;
        let on_event = match args::optional_function(on_event, "onEvent")? {
            // SAFETY: the function value comes from the current call.
            Some(f) => Some(
                unsafe { WorkerEventCallback::from_napi_value(env.raw(), f.raw()) }
                    .map_err(|e| EngineError::InvalidArgument(format!("onEvent: {}", e.reason)))?,
            ),
            None => None,
        };
        let flag = args::cancel_flag(&env, cancel, "cancel")?.unwrap_or_default();
        let registration = shutdown::register(&env, &flag);
        Ok((options, on_event, flag, registration))
    })();
    tasks::spawn_run(
        &env,
        "worker",
        move || {
            let (options, on_event, flag, _registration) = input?;
            let options: distributed::WorkerOptions = parse_options("runWorker options", options)?;
            let events = |e: WorkerEvent| {
                if let Some(cb) = &on_event {
                    cb.call(e.into(), ThreadsafeFunctionCallMode::NonBlocking);
                }
            };
            distributed::serve(&options, &events, &flag)
        },
        |_, summary: WorkerSummary| to_plain(&summary),
    )
}
