//! XGBoost's collective (the tracker + communicator from its C API, `xgboost_lib-sys`): the
//! coordinator runs the tracker, each worker joins it with its rank as task id, and XGBoost's
//! `hist` learner then all-reduces gradient histograms and quantile sketches between workers.
//!
//! The communicator is thread-local in XGBoost: the thread that joins trains.
use super::super::{CollectiveSpec, NetworkInterrupt};
use crate::error::{EngineError, Result};
use std::ffi::{CStr, CString};
use std::marker::PhantomData;
use std::os::raw::c_char;
use xgboost_lib_sys as sys;

fn last_error() -> String {
    // SAFETY: XGBoost returns a pointer to a thread-local, NUL-terminated message.
    unsafe { CStr::from_ptr(sys::XGBGetLastError()) }.to_string_lossy().into_owned()
}

fn check(ret: i32, what: &str) -> Result<()> {
    if ret == 0 {
        Ok(())
    } else {
        Err(EngineError::WorkerFailed(format!("XGBoost {what}: {}", last_error())))
    }
}

fn json_arg(value: &serde_json::Value) -> CString {
    CString::new(value.to_string()).expect("JSON text contains no NUL")
}

/// XGBoost's tracker, run by the coordinator for the life of one fit.
pub struct XgbTracker {
    handle: sys::TrackerHandle,
    host: String,
    port: u16,
}

// SAFETY: the tracker handle is an owned C++ object with its own threads; the handle is used
// from one thread at a time (the coordinator's), never concurrently.
unsafe impl Send for XgbTracker {}

impl XgbTracker {
    /// Starts a tracker for `workers` workers listening on `host:port` (`port` 0: any free port).
    pub fn start(workers: usize, host: &str, port: u16, timeout_seconds: u32) -> Result<XgbTracker> {
        let config = json_arg(&serde_json::json!({
            "dmlc_communicator": "rabit",
            "n_workers": workers,
            "host": host,
            "port": port,
            "timeout": timeout_seconds,
            // Ranks follow the task ids the workers give (their ranks in the run).
            "sortby": 1,
        }));
        let mut handle: sys::TrackerHandle = std::ptr::null_mut();
        // SAFETY: `config` is NUL-terminated JSON; `handle` receives the new tracker.
        check(unsafe { sys::XGTrackerCreate(config.as_ptr(), &mut handle) }, "tracker")?;
        let mut tracker = XgbTracker { handle, host: host.to_string(), port };
        // SAFETY: a live tracker handle; the config is unused by XGBoost ("{}").
        check(unsafe { sys::XGTrackerRun(tracker.handle, c"{}".as_ptr()) }, "tracker start")?;
        let mut args: *const c_char = std::ptr::null();
        // SAFETY: a running tracker; XGBoost owns the returned string until the next call.
        check(unsafe { sys::XGTrackerWorkerArgs(tracker.handle, &mut args) }, "tracker arguments")?;
        // SAFETY: XGBoost returned a NUL-terminated JSON document.
        let text = unsafe { CStr::from_ptr(args) }.to_string_lossy().into_owned();
        let parsed: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| EngineError::Internal(format!("XGBoost tracker arguments '{text}': {e}")))?;
        if let Some(p) = parsed["dmlc_tracker_port"].as_u64().and_then(|p| u16::try_from(p).ok()) {
            tracker.port = p;
        }
        if let Some(h) = parsed["dmlc_tracker_uri"].as_str() {
            tracker.host = h.to_string();
        }
        Ok(tracker)
    }

    /// Where workers reach the tracker.
    pub fn address(&self) -> (String, u16) {
        (self.host.clone(), self.port)
    }

    /// Waits until every worker has left the collective (after a successful fit).
    pub fn wait(&self) -> Result<()> {
        // SAFETY: a running tracker handle.
        check(unsafe { sys::XGTrackerWaitFor(self.handle, c"{}".as_ptr()) }, "tracker wait")
    }
}

/// The handle on its way to `XGTrackerFree` on another thread.
struct FreeLater(sys::TrackerHandle);
// SAFETY: see `XgbTracker`: the handle moves to the freeing thread and is used there alone.
unsafe impl Send for FreeLater {}

impl FreeLater {
    fn free(self) {
        // SAFETY: frees the tracker created in `XgbTracker::start`, once.
        unsafe { sys::XGTrackerFree(self.0) };
    }
}

impl Drop for XgbTracker {
    fn drop(&mut self) {
        // XGTrackerFree waits for the tracker's thread, and after a failed run that thread can
        // wait on workers still stuck in XGBoost for up to its timeout, more than once: `train`
        // must report the failure now, so the tracker is freed on a thread of its own.
        let handle = FreeLater(self.handle);
        let free = move || handle.free();
        if let Err(e) = std::thread::Builder::new().name("xgboost-tracker-free".into()).spawn(free) {
            eprintln!("could not free the XGBoost tracker on a thread of its own ({e}); it is left allocated");
        }
    }
}

/// This thread's membership of XGBoost's collective for one fit.
pub(super) struct Communicator<'a> {
    interrupt: &'a NetworkInterrupt,
    _same_thread: PhantomData<*const ()>,
}

impl<'a> Communicator<'a> {
    pub(super) fn join(spec: &CollectiveSpec, interrupt: &'a NetworkInterrupt) -> Result<Communicator<'a>> {
        let CollectiveSpec::Xgboost { tracker_host, tracker_port, rank, timeout_seconds, .. } = spec else {
            return Err(EngineError::Internal("an XGBoost fit was given LightGBM's network".into()));
        };
        if interrupt.is_interrupted() {
            return Err(EngineError::WorkerFailed("the run was stopped before XGBoost's collective was set up".into()));
        }
        let config = json_arg(&serde_json::json!({
            "dmlc_communicator": "rabit",
            "dmlc_tracker_uri": tracker_host,
            "dmlc_tracker_port": tracker_port,
            // Zero-padded: the tracker sorts task ids as text.
            "dmlc_task_id": format!("{rank:06}"),
            "dmlc_timeout": timeout_seconds,
            "dmlc_retry": 3,
        }));
        let before = NetworkInterrupt::open_sockets();
        // SAFETY: `config` is NUL-terminated JSON.
        check(unsafe { sys::XGCommunicatorInit(config.as_ptr()) }, "collective set-up")?;
        let communicator = Communicator { interrupt, _same_thread: PhantomData };
        interrupt.track_new_sockets(before);
        if interrupt.is_interrupted() {
            communicator.break_links();
            return Err(EngineError::WorkerFailed("the run was stopped while XGBoost's collective was set up".into()));
        }
        Ok(communicator)
    }

    /// After a failed fit: breaks this worker's links, so that leaving does not wait (up to
    /// `dmlc_timeout`, more than once) on an operation its lost peer will never complete, and
    /// the peers blocked on this worker fail at once instead.
    pub(super) fn break_links(&self) {
        self.interrupt.break_links();
    }
}

impl Drop for Communicator<'_> {
    fn drop(&mut self) {
        self.interrupt.untrack();
        // SAFETY: leaves the collective this thread joined.
        unsafe { sys::XGCommunicatorFinalize() };
    }
}
