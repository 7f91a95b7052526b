//! The worker: listens for a coordinator and runs its part of a distributed training run —
//! imports and featurises its own series, resolves their labels, builds and writes its part of
//! the dataset with the run's classes and the same split and purge rules, trains together with
//! the other workers, evaluates its own rows — one run at a time (others are refused as busy).
//!
//! A run ends on this worker when the coordinator finishes or aborts it, when the coordinator's
//! connection is lost, when the worker is cancelled, or when it passes its memory cap; in every
//! case the training network is broken at once (see `models::NetworkInterrupt`), so the other
//! workers fail fast too, and the coordinator hears the reason with its code.
use super::memory;
use super::protocol::{
    wire_error, BuildRequest, BuiltShard, FitRequest, FittedShard, Incoming, Link, PrepareRequest, PreparedShard,
    ShardRows, ShardSeries, ToCoordinator, ToWorker, WorkerIdentity, PROTOCOL_VERSION, TOKEN_ENV,
};
use crate::annotations::{LabelReport, LocatedRecord};
use crate::balance::balance;
use crate::config::{CheckedConfig, UnmatchedSeries};
use crate::dataset::{self, Dataset, SeriesExport, SeriesRows, SpanLabel};
use crate::error::{EngineError, Result};
use crate::evaluation::PartialEvaluation;
use crate::features::{compute_features, FeatureFrame};
use crate::models::{Collective, DatasetView, FitControl, NetworkInterrupt, RoundStep};
use crate::split::{self, SeriesTimeline, SplitAssignment, SplitName};
use crate::train::{self, Series};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a worker tells the coordinator it is alive.
pub(crate) const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);
/// How often the memory cap is checked.
const MEMORY_CHECK_EVERY: Duration = Duration::from_millis(20);
/// How long a new connection has to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct WorkerOptions {
    /// `host:port` to listen on for a coordinator (default `127.0.0.1:7400`).
    #[serde(default = "default_listen")]
    #[ts(optional, as = "Option<String>")]
    pub listen: String,
    /// Where the run config's relative paths resolve (default: the current folder).
    #[serde(default)]
    pub root: Option<String>,
    /// Serve one run, then stop.
    #[serde(default)]
    #[ts(optional, as = "Option<bool>")]
    pub once: bool,
    /// Stop a run (with `WORKER_FAILED`) once this process's resident memory passes it (MiB).
    #[serde(default)]
    pub memory_cap_mb: Option<u64>,
    /// The secret a coordinator must present (default: `$CANDLE_WORKER_TOKEN`); required when
    /// listening on anything but loopback.
    #[serde(default)]
    pub token: Option<String>,
}

fn default_listen() -> String {
    "127.0.0.1:7400".into()
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions { listen: default_listen(), root: None, once: false, memory_cap_mb: None, token: None }
    }
}

/// Something the worker did, for its log.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerEvent {
    /// `listening`, `run-started`, `stage`, `run-finished`, `run-failed`, `refused`.
    pub kind: &'static str,
    pub message: String,
    pub run_id: Option<String>,
    pub rank: Option<usize>,
    pub stage: Option<String>,
    pub code: Option<String>,
}

impl WorkerEvent {
    fn new(kind: &'static str, message: String) -> Self {
        WorkerEvent { kind, message, run_id: None, rank: None, stage: None, code: None }
    }
}

/// One run this worker took part in.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkerRun {
    pub run_id: Option<String>,
    pub rank: Option<usize>,
    pub world: Option<usize>,
    pub coordinator: String,
    pub ok: bool,
    /// The registry version the coordinator published.
    pub version: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub series: Vec<String>,
    pub seconds: f64,
    pub peak_rss_bytes: Option<u64>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSummary {
    pub address: String,
    pub runs: Vec<WorkerRun>,
    /// `once` (served its run) or `cancel`.
    pub stopped_by: &'static str,
}

fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Listens on `options.listen` and serves coordinators until `cancel` is set (or, with `once`,
/// after one run). `events` is called from the worker's threads.
pub fn serve(
    options: &WorkerOptions,
    events: &(dyn Fn(WorkerEvent) + Sync),
    cancel: &AtomicBool,
) -> Result<WorkerSummary> {
    let addr = super::config::parse_address(&options.listen)
        .map_err(|e| EngineError::InvalidArgument(format!("worker listen address: {e}")))?;
    let token = options.token.clone().or_else(|| std::env::var(TOKEN_ENV).ok()).filter(|t| !t.is_empty());
    let listener = TcpListener::bind((addr.host.as_str(), addr.port))
        .map_err(|e| EngineError::InvalidArgument(format!("worker: cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr().map_err(|e| EngineError::io("worker listen address", e))?;
    if !is_loopback(&local) && token.is_none() {
        return Err(EngineError::InvalidArgument(format!(
            "worker: listening on {local} (not loopback) needs a shared token: set {TOKEN_ENV} here and on the coordinator"
        )));
    }
    listener.set_nonblocking(true).map_err(|e| EngineError::io("worker listener", e))?;
    let root = match &options.root {
        Some(r) => PathBuf::from(r),
        None => std::env::current_dir().map_err(|e| EngineError::io("current directory", e))?,
    };
    let ctx = JobContext { root, token, memory_cap: options.memory_cap_mb.map(|mb| mb * 1024 * 1024) };
    events(WorkerEvent::new("listening", format!("listening on {local} (root {})", ctx.root.display())));

    let mut runs = Vec::new();
    let busy = AtomicBool::new(false);
    let closing = AtomicBool::new(false);
    let current: Mutex<Option<Arc<JobShared>>> = Mutex::new(None);
    let (done_tx, done_rx) = mpsc::channel::<WorkerRun>();
    let stopped_by = std::thread::scope(|scope| -> Result<&'static str> {
        let result = loop {
            while let Ok(run) = done_rx.try_recv() {
                runs.push(report_run(run, events));
            }
            if options.once && !runs.is_empty() {
                break Ok("once");
            }
            if cancel.load(Ordering::Relaxed) {
                break Ok("cancel");
            }
            match listener.accept() {
                Ok((stream, peer)) => {
                    let _ = stream.set_nonblocking(false);
                    let (ctx, busy, closing, current, done_tx) = (&ctx, &busy, &closing, &current, done_tx.clone());
                    scope.spawn(move || serve_connection(stream, peer, ctx, busy, closing, current, &done_tx, events));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(50)),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(EngineError::io("worker: accepting a connection", e)),
            }
        };
        // Stop a run in progress and let every connection thread end (the scope joins them).
        closing.store(true, Ordering::SeqCst);
        if let Some(shared) = current.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            shared.stop(StopReason::Cancelled);
        }
        drop(listener);
        result
    })?;
    while let Ok(run) = done_rx.try_recv() {
        runs.push(report_run(run, events));
    }
    Ok(WorkerSummary { address: local.to_string(), runs, stopped_by })
}

/// One accepted connection: a coordinator's run if it says hello and the worker is free.
#[allow(clippy::too_many_arguments)]
fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    ctx: &JobContext,
    busy: &AtomicBool,
    closing: &AtomicBool,
    current: &Mutex<Option<Arc<JobShared>>>,
    done_tx: &mpsc::Sender<WorkerRun>,
    events: &(dyn Fn(WorkerEvent) + Sync),
) {
    let link = Link::new(stream, format!("the coordinator at {peer}"));
    let (tx, rx) = mpsc::channel();
    if link.spawn_reader((), tx).is_err() {
        return;
    }
    // A connection that never says hello (a port probe) is no run.
    let hello = match greet(&link, &rx, ctx, closing) {
        Ok(h) => h,
        Err(Some(refusal)) => {
            events(WorkerEvent::new("refused", format!("refused {peer}: {refusal}")));
            return;
        }
        Err(None) => return,
    };
    // Busy is decided before the welcome: a coordinator that was welcomed goes on sending, and
    // a refusal after it would reach it as a broken connection instead of WORKER_BUSY.
    if busy.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).is_err() {
        let message = "this worker is busy with another run";
        let _ = link.send(&ToCoordinator::Refused { code: "WORKER_BUSY".into(), message: message.into() });
        events(WorkerEvent::new("refused", format!("refused run {} from {peer}: busy", hello.run_id)));
        return;
    }
    if welcome(&link).is_err() {
        busy.store(false, Ordering::SeqCst);
        return;
    }
    let shared = Arc::new(JobShared::default());
    *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(shared.clone());
    if closing.load(Ordering::SeqCst) {
        shared.stop(StopReason::Cancelled);
    }
    let run = run_job(link, rx, hello, peer, ctx, &shared, events);
    *current.lock().unwrap_or_else(|p| p.into_inner()) = None;
    busy.store(false, Ordering::SeqCst);
    let _ = done_tx.send(run);
}

fn report_run(run: WorkerRun, events: &(dyn Fn(WorkerEvent) + Sync)) -> WorkerRun {
    let mut e = if run.ok {
        WorkerEvent::new("run-finished", format!("published as {}", run.version.as_deref().unwrap_or("?")))
    } else {
        WorkerEvent::new("run-failed", run.message.clone().unwrap_or_default())
    };
    e.run_id = run.run_id.clone();
    e.rank = run.rank;
    e.code = run.code.clone();
    events(e);
    run
}

struct JobContext {
    root: PathBuf,
    token: Option<String>,
    memory_cap: Option<u64>,
}

/// Why a run stopped before its end (the first reason wins).
#[derive(Debug, Clone)]
enum StopReason {
    Cancelled,
    Aborted(String),
    CoordinatorLost(String),
    MemoryCap { rss: u64, cap: u64 },
}

/// What the run's threads share: the stop flag the training loop checks, why it was set, and
/// the handle that breaks the worker out of the training network.
#[derive(Default)]
struct JobShared {
    stop: AtomicBool,
    reason: Mutex<Option<StopReason>>,
    interrupt: NetworkInterrupt,
    /// While the worker trains in the network: how long a stopped fit may take to return
    /// before it counts as stuck (see `monitor`).
    stuck_after: Mutex<Option<Duration>>,
}

impl JobShared {
    fn stop(&self, reason: StopReason) {
        {
            let mut r = self.reason.lock().unwrap_or_else(|p| p.into_inner());
            if r.is_none() {
                *r = Some(reason);
            }
        }
        self.stop.store(true, Ordering::SeqCst);
        self.interrupt.interrupt();
    }

    fn reason(&self) -> Option<StopReason> {
        self.reason.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The error that ends a stopped run.
    fn error(&self) -> Option<EngineError> {
        Some(match self.reason()? {
            StopReason::Cancelled => EngineError::Cancelled,
            StopReason::Aborted(why) => EngineError::WorkerFailed(format!("the coordinator aborted the run: {why}")),
            StopReason::CoordinatorLost(why) => EngineError::WorkerFailed(format!("lost the coordinator: {why}")),
            StopReason::MemoryCap { rss, cap } => EngineError::WorkerFailed(format!(
                "this worker passed its memory cap: {} MiB resident, cap {} MiB",
                rss / (1024 * 1024),
                cap / (1024 * 1024)
            )),
        })
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default()
}

/// One run, from the coordinator's hello to its finish or abort.
fn run_job(
    link: Link,
    rx: Receiver<((), Incoming<ToWorker>)>,
    hello: Hello,
    peer: SocketAddr,
    ctx: &JobContext,
    shared: &JobShared,
    events: &(dyn Fn(WorkerEvent) + Sync),
) -> WorkerRun {
    let started = Instant::now();
    memory::reset_peak();
    let mut run = WorkerRun {
        run_id: Some(hello.run_id.clone()),
        rank: Some(hello.rank),
        world: Some(hello.world),
        coordinator: peer.to_string(),
        ok: false,
        version: None,
        code: None,
        message: None,
        series: Vec::new(),
        seconds: 0.0,
        peak_rss_bytes: None,
    };
    let mut e = WorkerEvent::new("run-started", format!("rank {} of {} for {peer}", hello.rank, hello.world));
    e.run_id = Some(hello.run_id.clone());
    e.rank = Some(hello.rank);
    events(e);
    let done = AtomicBool::new(false);
    let (job_tx, job_rx) = mpsc::channel();
    let result = std::thread::scope(|scope| {
        let (done, link) = (&done, &link);
        // Forwards messages to the run, acting on an abort or a lost coordinator at once
        // (the run may be inside the training network, not reading).
        scope.spawn(move || {
            for (_, incoming) in rx {
                match &incoming {
                    Incoming::Message(ToWorker::Abort { reason }) => shared.stop(StopReason::Aborted(reason.clone())),
                    Incoming::Closed(why) if !done.load(Ordering::SeqCst) => {
                        shared.stop(StopReason::CoordinatorLost(why.clone()))
                    }
                    _ => {}
                }
                if job_tx.send(incoming).is_err() {
                    return;
                }
            }
        });
        scope.spawn(move || monitor(link, shared, ctx.memory_cap, done));
        let steps = RunSteps { link, rx: job_rx, shared, hello: &hello, events };
        let outcome = steps.run(ctx, &mut run.series);
        done.store(true, Ordering::SeqCst);
        link.close(); // ends the reader thread, and so the forwarder
        outcome
    });
    // A stop reason explains a failure better than the error it caused (a broken network).
    let result = match (result, shared.error()) {
        (Err(_), Some(stopped)) => Err(stopped),
        (r, _) => r,
    };
    run.seconds = started.elapsed().as_secs_f64();
    run.peak_rss_bytes = memory::peak_rss_bytes();
    match result {
        Ok(version) => {
            run.ok = true;
            run.version = Some(version);
        }
        Err(e) => {
            run.code = Some(e.code().to_string());
            run.message = Some(e.to_string());
        }
    }
    run
}

/// Reads and checks the coordinator's hello (the caller welcomes it once the worker is free).
/// `Err(None)`: the connection went away or never spoke (no run); `Err(Some(why))`: refused
/// (the coordinator was told).
fn greet(
    link: &Link,
    rx: &Receiver<((), Incoming<ToWorker>)>,
    ctx: &JobContext,
    closing: &AtomicBool,
) -> std::result::Result<Hello, Option<String>> {
    let refuse = |code: &str, message: String| {
        let _ = link.send(&ToCoordinator::Refused { code: code.into(), message: message.clone() });
        Some(format!("[{code}] {message}"))
    };
    let deadline = Instant::now() + HELLO_TIMEOUT;
    let first = loop {
        if closing.load(Ordering::SeqCst) || Instant::now() >= deadline {
            return Err(None);
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok((_, incoming)) => break incoming,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Err(None),
        }
    };
    let hello = match first {
        Incoming::Message(ToWorker::Hello { protocol, run_id, rank, world, token }) => {
            if protocol != PROTOCOL_VERSION {
                return Err(refuse(
                    "WORKER_PROTOCOL",
                    format!(
                        "protocol {protocol} from the coordinator, this worker speaks {PROTOCOL_VERSION}: update both"
                    ),
                ));
            }
            if !token_matches(ctx.token.as_deref(), token.as_deref()) {
                return Err(refuse("WORKER_TOKEN", format!("the coordinator's token does not match ({TOKEN_ENV})")));
            }
            if world == 0 || rank >= world {
                return Err(refuse("WORKER_PROTOCOL", format!("rank {rank} of {world}")));
            }
            Hello { run_id, rank, world }
        }
        Incoming::Message(other) => {
            return Err(refuse("WORKER_PROTOCOL", format!("expected a hello, got {}", message_name(&other))))
        }
        Incoming::Closed(_) => return Err(None),
    };
    Ok(hello)
}

/// Accepts the run: the coordinator goes on once every worker has welcomed it.
fn welcome(link: &Link) -> Result<()> {
    let worker = WorkerIdentity {
        hostname: hostname(),
        pid: std::process::id(),
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    link.send(&ToCoordinator::Welcome { worker })
}

/// Constant-time comparison of the shared token (none on either side: no token needed).
fn token_matches(expected: Option<&str>, given: Option<&str>) -> bool {
    match expected {
        None => true,
        Some(e) => {
            let g = given.unwrap_or("").as_bytes();
            let e = e.as_bytes();
            e.len() == g.len() && e.iter().zip(g).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        }
    }
}

fn message_name(m: &ToWorker) -> &'static str {
    match m {
        ToWorker::Hello { .. } => "hello",
        ToWorker::Prepare(_) => "prepare",
        ToWorker::Build(_) => "build",
        ToWorker::Fit(_) => "fit",
        ToWorker::RoundDecision { .. } => "round decision",
        ToWorker::Finish { .. } => "finish",
        ToWorker::Abort { .. } => "abort",
    }
}

/// Heartbeats to the coordinator, and the memory cap.
///
/// It also ends a serving process whose stopped fit never returns. XGBoost 3's collective can
/// deadlock when a peer fails mid-operation (`Loop::Block` waits on operations its loop thread,
/// stopped by the error, never settles); the thread can then neither finish nor be cancelled,
/// and the worker would refuse every later run as busy. Past the network time-out (after which
/// neither library waits on a live peer) plus a minute, the process aborts, and its supervisor
/// (`scripts/worker.js`) starts a fresh one on the same port, as it does after LightGBM's aborts.
fn monitor(link: &Link, shared: &JobShared, cap: Option<u64>, done: &AtomicBool) {
    let mut last_beat = Instant::now().checked_sub(HEARTBEAT_EVERY).unwrap_or_else(Instant::now);
    let mut stopped_at: Option<Instant> = None;
    while !done.load(Ordering::SeqCst) {
        if shared.stop.load(Ordering::SeqCst) {
            let since = *stopped_at.get_or_insert_with(Instant::now);
            let limit = *shared.stuck_after.lock().unwrap_or_else(|p| p.into_inner());
            if limit.is_some_and(|limit| since.elapsed() > limit) {
                eprintln!(
                    "worker: the stopped fit has not returned in {} s (a training library stuck in its network); \
                     ending this serving process so that a fresh one serves the next run",
                    since.elapsed().as_secs()
                );
                std::process::abort();
            }
        }
        let rss = memory::rss_bytes().unwrap_or(0);
        if let Some(cap) = cap {
            if rss > cap {
                shared.stop(StopReason::MemoryCap { rss, cap });
            }
        }
        if last_beat.elapsed() >= HEARTBEAT_EVERY {
            last_beat = Instant::now();
            // A failed send means the connection is gone: the reader reports that.
            let _ = link.send(&ToCoordinator::Heartbeat { rss_bytes: rss });
        }
        std::thread::sleep(MEMORY_CHECK_EVERY);
    }
}

struct Hello {
    run_id: String,
    rank: usize,
    world: usize,
}

/// The run's steps, each answering one request of the coordinator.
struct RunSteps<'a> {
    link: &'a Link,
    rx: Receiver<Incoming<ToWorker>>,
    shared: &'a JobShared,
    hello: &'a Hello,
    events: &'a (dyn Fn(WorkerEvent) + Sync),
}

/// A shard after the prepare step.
struct Prepared {
    cfg: CheckedConfig,
    series: Vec<Series>,
    frames: Vec<FeatureFrame>,
    spans: Vec<Vec<SpanLabel>>,
    labels: LabelReport,
}

/// A shard after the build step.
struct Built {
    data: Dataset,
    assignment: SplitAssignment,
}

impl RunSteps<'_> {
    /// Runs every step; returns the version the coordinator published.
    fn run(self, ctx: &JobContext, series_ids: &mut Vec<String>) -> Result<String> {
        let fail = |e: EngineError| -> Result<String> {
            let (code, message) = wire_error(&e);
            // Unless the coordinator already knows (it aborted, or is gone), tell it.
            if !matches!(self.shared.reason(), Some(StopReason::Aborted(_) | StopReason::CoordinatorLost(_))) {
                let _ = self.link.send(&ToCoordinator::Failed { code, message });
            }
            Err(e)
        };
        let result = (|| {
            let ToWorker::Prepare(request) = self.next("prepare")? else { unreachable!() };
            let (prepared, reply) = self.prepare(&ctx.root, *request)?;
            series_ids.extend(prepared.series.iter().map(|s| s.id.clone()));
            self.link.send(&ToCoordinator::Prepared(Box::new(reply)))?;
            let ToWorker::Build(request) = self.next("build")? else { unreachable!() };
            let (built, reply) = self.build(&prepared, &request)?;
            self.link.send(&ToCoordinator::Built(Box::new(reply)))?;
            let ToWorker::Fit(request) = self.next("fit")? else { unreachable!() };
            // In the network until the run is over: every peer has its last message by then.
            let _network = crate::models::join_network(&request.collective, &self.shared.interrupt)?;
            let reply = self.fit(&prepared.cfg, &built, &request)?;
            self.link.send(&ToCoordinator::Fitted(Box::new(reply)))?;
            match self.next("finish")? {
                ToWorker::Finish { version } => Ok(version),
                _ => unreachable!(),
            }
        })();
        match result {
            Ok(v) => Ok(v),
            Err(e) => fail(self.shared.error().unwrap_or(e)),
        }
    }

    /// Waits for the coordinator's next request, which must be `expected`.
    fn next(&self, expected: &str) -> Result<ToWorker> {
        loop {
            if let Some(e) = self.shared.error() {
                return Err(e);
            }
            match self.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(Incoming::Message(ToWorker::Abort { reason })) => {
                    return Err(EngineError::WorkerFailed(format!("the coordinator aborted the run: {reason}")))
                }
                Ok(Incoming::Message(m)) => {
                    let name = message_name(&m);
                    let wanted = match expected {
                        "round decision" => matches!(m, ToWorker::RoundDecision { .. }),
                        _ => name == expected,
                    };
                    if !wanted {
                        return Err(EngineError::WorkerFailed(format!(
                            "protocol: expected {expected} from the coordinator, got {name}"
                        )));
                    }
                    return Ok(m);
                }
                Ok(Incoming::Closed(why)) => {
                    return Err(EngineError::WorkerFailed(format!("lost the coordinator: {why}")))
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(EngineError::WorkerFailed("lost the coordinator".into()))
                }
            }
        }
    }

    /// Enters a stage: checked for a stop, reported to the coordinator and the log.
    fn stage(&self, name: &str) -> Result<()> {
        if let Some(e) = self.shared.error() {
            return Err(e);
        }
        self.link.send(&ToCoordinator::Stage { name: name.into() })?;
        let mut e = WorkerEvent::new("stage", name.to_string());
        e.run_id = Some(self.hello.run_id.clone());
        e.rank = Some(self.hello.rank);
        e.stage = Some(name.into());
        (self.events)(e);
        Ok(())
    }

    /// Load, features and labels of this worker's series.
    fn prepare(&self, root: &Path, request: PrepareRequest) -> Result<(Prepared, PreparedShard)> {
        self.stage("load")?;
        let mut config = request.config;
        config.root_dir = root.to_path_buf();
        config.distributed = None;
        let full = config.validate()?;
        if request.series.is_empty() || request.series.iter().any(|&i| i >= full.series.len()) {
            return Err(EngineError::WorkerFailed(format!(
                "protocol: series {:?} of {}",
                request.series,
                full.series.len()
            )));
        }
        let whole_run = request.series.len() == full.series.len();
        let records: Vec<LocatedRecord> = request.records.into_iter().map(Into::into).collect();
        if !whole_run {
            if let Some(r) = records.iter().find(|r| r.record.symbol.is_none()) {
                return Err(EngineError::InvalidAnnotations(format!(
                    "{}: has no symbol, and the config has several series",
                    r.describe()
                )));
            }
        }
        let mut series = Vec::new();
        let mut shard_series = Vec::new();
        for &i in &request.series {
            let one = CheckedConfig { series: vec![full.series[i].clone()], ..full.clone() };
            for s in train::load_series(&one)? {
                shard_series.push(ShardSeries {
                    config_index: i,
                    id: s.id.clone(),
                    timeframe: s.timeframe.clone(),
                    candles: s.candles.len(),
                });
                series.push(s);
            }
        }
        // Records of the other workers' series are theirs (the coordinator checks the rest).
        let cfg = CheckedConfig {
            series: request.series.iter().map(|&i| full.series[i].clone()).collect(),
            unmatched_series: UnmatchedSeries::Skip,
            ..full
        };

        self.stage("features")?;
        // `patterns: auto` resolved over the run's records (every worker has all of them).
        let features = cfg.features_for(records.iter().all(|r| !r.record.source.is_human()));
        let frames: Vec<FeatureFrame> =
            series.par_iter().map(|s| compute_features(&s.candles, &features)).collect::<Result<_>>()?;

        self.stage("labels")?;
        let (_, spans, labels) = train::resolve_labels(&cfg, &series, &records)?;
        let mut multi_candle: Vec<String> =
            spans.iter().flatten().filter(|s| s.end > s.start).map(|s| s.label.clone()).collect();
        multi_candle.sort();
        multi_candle.dedup();
        let feature_names = frames.first().map(|f| f.names.clone()).unwrap_or_default();
        let warnings = train::talib_leak_warning(&cfg, &feature_names)
            .into_iter()
            .chain(train::overlap_warning(&cfg, &labels))
            .collect();
        let reply = PreparedShard {
            series: shard_series,
            labels: labels.clone(),
            multi_candle_labels: multi_candle,
            feature_names,
            warnings,
        };
        Ok((Prepared { cfg, series, frames, spans, labels }, reply))
    }

    /// The dataset with the run's classes, the split, and this shard's dataset files.
    fn build(&self, p: &Prepared, request: &BuildRequest) -> Result<(Built, BuiltShard)> {
        self.stage("dataset")?;
        let rows: Vec<SeriesRows<'_>> = p
            .frames
            .iter()
            .zip(&p.spans)
            .zip(&p.series)
            .map(|((frame, spans), s)| SeriesRows { frame, spans: spans.as_slice(), candles: Some(&s.candles) })
            .collect();
        let mut data = dataset::build(&rows, &request.labels, &p.cfg.rows)?;
        adopt_classes(&mut data, &request.class_names)?;

        self.stage("split")?;
        let timelines: Vec<SeriesTimeline<'_>> =
            p.series.iter().map(|s| SeriesTimeline { id: &s.id, times: &s.candles.time }).collect();
        let mut split_spec = p.cfg.split.clone();
        split_spec.test_series.retain(|t| p.series.iter().any(|s| &s.id == t));
        let assignment = split::assign(&timelines, &data.rows, &split_spec)?;
        let exports: Vec<SeriesExport<'_>> = p
            .series
            .iter()
            .zip(&p.frames)
            .map(|(s, frame)| SeriesExport {
                id: &s.id,
                path: &s.path_text,
                timeframe: s.timeframe.as_deref(),
                times: &s.candles.time,
                features: dataset::FeatureSource::Memory(frame),
            })
            .collect();
        let dir = p.cfg.dataset_dir.join(format!("shard-{}-of-{}", self.hello.rank, self.hello.world));
        let files = dataset::write_dataset(&dir, &data, &exports, &assignment, &p.labels, &p.cfg.config_hash)?;
        let reply = BuiltShard {
            split: assignment.series.clone(),
            rows: ShardRows {
                train: assignment.train.len(),
                validation: assignment.validation.len(),
                test: assignment.test.len(),
                purged: assignment.purged.len(),
            },
            train_classes: data.class_counts(&assignment.train),
            validation_classes: data.class_counts(&assignment.validation),
            manifest: files.manifest_data,
            dataset_dir: dir.display().to_string(),
        };
        Ok((Built { data, assignment }, reply))
    }

    /// Trains with the other workers, then evaluates this shard's validation and test rows.
    fn fit(&self, cfg: &CheckedConfig, b: &Built, request: &FitRequest) -> Result<FittedShard> {
        self.stage("fit")?;
        let (data, assignment) = (&b.data, &b.assignment);
        let mut balanced = balance(&assignment.train, &data.y, &data.class_names, 0, &cfg.balance);
        if let (Some(weights), Some(run_weights)) = (balanced.weights.as_mut(), &request.class_weights) {
            for (w, &r) in weights.iter_mut().zip(&balanced.rows) {
                *w = run_weights[data.y[r] as usize] as f32;
            }
        }
        let rank = self.hello.rank;
        if balanced.rows.is_empty() || assignment.validation.is_empty() {
            return Err(EngineError::InvalidConfig(format!(
                "worker {rank}'s series give it {} training and {} validation rows: every worker needs both \
                 (give it longer series, or use fewer workers)",
                balanced.rows.len(),
                assignment.validation.len()
            )));
        }
        let train_x = data.x.select(&balanced.rows);
        let train_y: Vec<u32> = balanced.rows.iter().map(|&r| data.y[r]).collect();
        let valid_x = data.x.select(&assignment.validation);
        let valid_y: Vec<u32> = assignment.validation.iter().map(|&r| data.y[r]).collect();
        let n_classes = data.class_names.len();
        let train_view = DatasetView { x: &train_x, y: &train_y, weights: balanced.weights.as_deref(), n_classes };
        let valid_view = DatasetView { x: &valid_x, y: &valid_y, weights: None, n_classes };
        let no_progress = |_: f64| {};
        let control = FitControl { cancel: &self.shared.stop, progress: &no_progress };
        let sync = |round: u32, metrics: &[f64]| -> Result<RoundStep> {
            self.link.send(&ToCoordinator::Round { round, metrics: metrics.to_vec() })?;
            match self.next("round decision")? {
                ToWorker::RoundDecision { round: r, step } if r == round => Ok(step),
                ToWorker::RoundDecision { round: r, .. } => Err(EngineError::WorkerFailed(format!(
                    "protocol: the coordinator decided round {r} while this worker finished round {round}"
                ))),
                _ => unreachable!(),
            }
        };
        let collective =
            Collective { spec: request.collective.clone(), sync: &sync, interrupt: &self.shared.interrupt };
        let stuck_after = request.collective.network_timeout() + Duration::from_secs(60);
        *self.shared.stuck_after.lock().unwrap_or_else(|p| p.into_inner()) = Some(stuck_after);
        let fitted = cfg.model.fit_collective(&train_view, &valid_view, &control, &collective);
        *self.shared.stuck_after.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let fitted = fitted?;

        self.stage("evaluate")?;
        let model = fitted.model.as_ref();
        let partial = |split: SplitName| -> Result<Option<PartialEvaluation>> {
            let rows = assignment.rows(split);
            if rows.is_empty() {
                return Ok(None);
            }
            let probabilities = model.predict_proba(&data.x.select(rows))?;
            // No decoder: the end encoding, which calibrates one, is not distributed.
            let sequences = train::span_sequences(cfg, data, rows, &probabilities, None);
            let partial = train::evaluate_rows(cfg, data, rows, &probabilities, request.baseline_class, |input| {
                PartialEvaluation::of(input, sequences)
            });
            Ok(Some(partial))
        };
        let validation = partial(SplitName::Validation)?.expect("validation rows checked above");
        let test = partial(SplitName::Test)?;
        let bytes = model.to_bytes()?;
        let text = String::from_utf8(bytes)
            .map_err(|_| EngineError::TrainingFailed("the model's saved form is not UTF-8 text".into()))?;
        Ok(FittedShard {
            rounds: fitted.rounds,
            model_sha256: crate::registry::sha256_hex(text.as_bytes()),
            model: (rank == 0).then_some(text),
            validation,
            test,
            balanced_classes: balanced.report.counts_after,
            train_balanced: balanced.rows.len(),
            peak_rss_bytes: memory::peak_rss_bytes().unwrap_or(0),
        })
    }
}

/// Re-encodes a shard's dataset with the run's classes: a shard without a multi-candle span of
/// some label has no `I-` class for it, so its class ids differ from the run's until mapped.
fn adopt_classes(data: &mut Dataset, run_classes: &[String]) -> Result<()> {
    let map: Vec<u32> = data
        .class_names
        .iter()
        .map(|c| {
            run_classes.iter().position(|r| r == c).map(|i| i as u32).ok_or_else(|| {
                EngineError::Internal(format!("class '{c}' of this shard is not among the run's classes"))
            })
        })
        .collect::<Result<_>>()?;
    for y in data.y.iter_mut().chain(data.candle_classes.iter_mut().flatten()) {
        *y = map[*y as usize];
    }
    data.class_names = run_classes.to_vec();
    Ok(())
}
