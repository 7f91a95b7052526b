//! The coordinator: the process that runs `train` with a `distributed:` section. It plans the
//! shards, drives every worker through the run's steps, checks what only the whole run can
//! check (series ids, held-out series, annotations that match no series, the label set), sets
//! the run's classes and class weights, decides every boosting round for all workers (global
//! validation metrics, early stopping), merges their partial evaluations, and alone publishes the
//! one model version to the registry and MLflow, through the same register stage as a
//! single-process run.
//!
//! Any failure — a worker's error, a lost or silent worker, cancel — aborts the run on every
//! worker, and nothing is published.
use super::config::DistributedSpec;
use super::memory;
use super::plan::{self, Shard};
use super::protocol::{
    error_from_wire, BuildRequest, BuiltShard, FitRequest, FittedShard, Incoming, Link, PrepareRequest, PreparedShard,
    ToCoordinator, ToWorker, WireRecord, WorkerIdentity, PROTOCOL_VERSION, TOKEN_ENV,
};
use super::{DistributedReport, WorkerReport};
use crate::annotations::{self, LabelReport, LocatedRecord};
use crate::balance::{BalanceMode, BalanceReport};
use crate::config::{CheckedConfig, UnmatchedSeries};
use crate::dataset::{DatasetManifest, SeriesManifest};
use crate::error::{EngineError, Result};
use crate::evaluation::PartialEvaluation;
use crate::models::{
    CollectiveSpec, EarlyStopping, Fitted, ModelKind, ModelParams, RoundMetric, RoundStep, XgbTracker,
};
use crate::train::{self, Progress, RowCounts, TrainOutcome, Trained};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The stages workers report, in order (the coordinator adds `register`).
const WORKER_STAGES: [&str; 7] = ["load", "features", "labels", "dataset", "split", "fit", "evaluate"];
/// How long a failure report waits for (other) lost workers: a worker whose peer died reports a
/// network error a moment before the coordinator sees the dead connection, and LightGBM ends a
/// process whose peer vanished while it was sending to it, so one lost worker can take another
/// with it, their connections closing here in either order.
const SETTLE: Duration = Duration::from_millis(1500);

pub(crate) fn coordinate(cfg: &CheckedConfig, spec: &DistributedSpec, p: &Progress<'_>) -> Result<TrainOutcome> {
    p.enter("load")?;
    let shards = plan::plan(&cfg.series, &cfg.split.test_series, spec.workers.len())?;
    let mut records: Vec<LocatedRecord> = Vec::new();
    for file in &cfg.annotation_files {
        records.extend(annotations::load_annotation_file(file)?);
    }
    if let Some(classes) = &cfg.classes {
        annotations::check_known_labels(&records, classes)?;
    }
    let mut run = Run::connect(spec, p)?;
    match run.drive(cfg, &shards, &records) {
        Ok(outcome) => Ok(outcome),
        Err(e) => {
            run.abort(&e);
            Err(e)
        }
    }
}

/// One message per worker, as a step of the run collects them.
enum Reply {
    Round(u32, Vec<f64>),
    Fitted(Box<FittedShard>),
}

struct Run<'a> {
    spec: &'a DistributedSpec,
    p: &'a Progress<'a>,
    run_id: String,
    links: Vec<Link>,
    rx: Receiver<(usize, Incoming<ToCoordinator>)>,
    identities: Vec<WorkerIdentity>,
    /// The worker's address as the coordinator reached it (LightGBM's machine list).
    peer_ips: Vec<IpAddr>,
    /// This machine's address toward the first worker (the XGBoost tracker's default host).
    local_ip: IpAddr,
    last_heard: Vec<Instant>,
    /// Index in WORKER_STAGES each worker has reached.
    reached: Vec<usize>,
    /// Stages the coordinator has entered (0: only `load`).
    entered: usize,
    /// Connection ended, or the worker reported its failure.
    gone: Vec<bool>,
}

impl<'a> Run<'a> {
    fn who(&self, rank: usize) -> String {
        format!("worker {rank} ({})", self.spec.workers[rank])
    }

    /// Connects to every worker and has each accept the run.
    fn connect(spec: &'a DistributedSpec, p: &'a Progress<'a>) -> Result<Run<'a>> {
        let run_id = format!(
            "{:x}-{:x}",
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0),
            std::process::id()
        );
        let token = std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty());
        let (tx, rx) = mpsc::channel();
        let world = spec.workers.len();
        let mut links = Vec::with_capacity(world);
        let mut peer_ips = Vec::with_capacity(world);
        let mut local_ip = IpAddr::from([127, 0, 0, 1]);
        for (rank, addr) in spec.workers.iter().enumerate() {
            let unreachable = |why: String| {
                EngineError::WorkerFailed(format!(
                    "cannot reach worker {rank} at {addr}: {why} (is `npm run worker -- --listen {addr}` running there, \
                     and the port open?)"
                ))
            };
            let candidates: Vec<SocketAddr> =
                (addr.host.as_str(), addr.port).to_socket_addrs().map_err(|e| unreachable(e.to_string()))?.collect();
            let mut last = String::from("no address");
            let stream = candidates.iter().find_map(|a| match TcpStream::connect_timeout(a, spec.connect_timeout) {
                Ok(s) => Some(s),
                Err(e) => {
                    last = e.to_string();
                    None
                }
            });
            let stream = stream.ok_or_else(|| unreachable(last))?;
            if rank == 0 {
                local_ip = stream.local_addr().map(|a| a.ip()).unwrap_or(local_ip);
            }
            peer_ips.push(stream.peer_addr().map(|a| a.ip()).map_err(|e| unreachable(e.to_string()))?);
            let link = Link::new(stream, format!("worker {rank} ({addr})"));
            link.spawn_reader(rank, tx.clone())?;
            link.send(&ToWorker::Hello {
                protocol: PROTOCOL_VERSION,
                run_id: run_id.clone(),
                rank,
                world,
                token: token.clone(),
            })?;
            links.push(link);
        }
        let now = Instant::now();
        let mut run = Run {
            spec,
            p,
            run_id,
            links,
            rx,
            identities: Vec::new(),
            peer_ips,
            local_ip,
            last_heard: vec![now; world],
            reached: vec![0; world],
            entered: 0,
            gone: vec![false; world],
        };
        let welcome = run.gather("its welcome", |_, m| match m {
            ToCoordinator::Welcome { worker } => Some(worker),
            _ => None,
        });
        match welcome {
            Ok(ids) => run.identities = ids,
            Err(e) => {
                run.abort(&e);
                return Err(e);
            }
        }
        Ok(run)
    }

    /// Waits for one reply from every worker (`take` picks it out of what arrives); stage
    /// reports and heartbeats are handled on the way, and any failure ends the wait.
    fn gather<T>(&mut self, what: &str, mut take: impl FnMut(usize, ToCoordinator) -> Option<T>) -> Result<Vec<T>> {
        let world = self.links.len();
        let mut got: Vec<Option<T>> = (0..world).map(|_| None).collect();
        while got.iter().any(Option::is_none) {
            if self.p.cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(EngineError::Cancelled);
            }
            for rank in 0..world {
                let silent = self.last_heard[rank].elapsed();
                if silent > self.spec.heartbeat_timeout {
                    return Err(EngineError::WorkerFailed(format!(
                        "{} sent nothing for {} s while the run waited for {what} (stopped, hung or cut off)",
                        self.who(rank),
                        silent.as_secs()
                    )));
                }
            }
            let (rank, incoming) = match self.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(x) => x,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(EngineError::Internal("every worker connection is gone".into()))
                }
            };
            self.last_heard[rank] = Instant::now();
            let message = match incoming {
                Incoming::Closed(why) => {
                    self.gone[rank] = true;
                    let mut lost = vec![self.lost(rank, &why)];
                    lost.extend(self.settle());
                    return Err(EngineError::WorkerFailed(lost.join("; ")));
                }
                Incoming::Message(m) => m,
            };
            match message {
                ToCoordinator::Heartbeat { .. } => {}
                ToCoordinator::Stage { name } => self.reached(rank, &name)?,
                ToCoordinator::Failed { code, message } => {
                    self.gone[rank] = true;
                    let err = error_from_wire(&code, &message, &self.who(rank));
                    if err.code() != "WORKER_FAILED" {
                        return Err(err);
                    }
                    // A network failure: the lost workers, if any, explain it.
                    let lost = self.settle();
                    return Err(if lost.is_empty() { err } else { EngineError::WorkerFailed(lost.join("; ")) });
                }
                ToCoordinator::Refused { code, message } => {
                    self.gone[rank] = true;
                    return Err(EngineError::WorkerFailed(format!(
                        "{} refused the run [{code}]: {message}",
                        self.who(rank)
                    )));
                }
                other => {
                    let name = message_name(&other);
                    match take(rank, other) {
                        Some(t) if got[rank].is_none() => got[rank] = Some(t),
                        _ => {
                            return Err(EngineError::WorkerFailed(format!(
                                "protocol: {} sent {name} while the run waited for {what}",
                                self.who(rank)
                            )))
                        }
                    }
                }
            }
        }
        Ok(got.into_iter().map(|t| t.expect("every worker replied")).collect())
    }

    fn lost(&self, rank: usize, why: &str) -> String {
        let stage = WORKER_STAGES.get(self.reached[rank]).copied().unwrap_or("its run");
        format!("{} was lost during {stage}: {why}", self.who(rank))
    }

    /// Waits a moment for more connections to close: the workers lost in it, in the order their
    /// connections closed here (which is not always the order they went, see [`SETTLE`]).
    fn settle(&mut self) -> Vec<String> {
        let mut lost = Vec::new();
        let deadline = Instant::now() + SETTLE;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if self.gone.iter().all(|&g| g) {
                break;
            }
            match self.rx.recv_timeout(left) {
                Ok((rank, Incoming::Closed(why))) if !self.gone[rank] => {
                    self.gone[rank] = true;
                    lost.push(self.lost(rank, &why));
                }
                Ok((rank, Incoming::Message(ToCoordinator::Failed { .. }))) => self.gone[rank] = true,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        lost
    }

    /// A worker entered a stage; the run enters it once every worker has.
    fn reached(&mut self, rank: usize, stage: &str) -> Result<()> {
        if let Some(i) = WORKER_STAGES.iter().position(|s| *s == stage) {
            self.reached[rank] = self.reached[rank].max(i);
        }
        let all = self.reached.iter().copied().min().unwrap_or(0);
        while self.entered < all {
            self.entered += 1;
            self.p.enter(WORKER_STAGES[self.entered])?;
        }
        Ok(())
    }

    fn broadcast(&self, message: &ToWorker) -> Result<()> {
        self.links.iter().try_for_each(|l| l.send(message))
    }

    /// Tells every worker still there that the run is over, and closes the connections.
    fn abort(&mut self, e: &EngineError) {
        let reason = format!("[{}] {e}", e.code());
        for (rank, link) in self.links.iter().enumerate() {
            if !self.gone[rank] {
                let _ = link.send(&ToWorker::Abort { reason: reason.clone() });
            }
            link.close();
        }
    }

    fn drive(&mut self, cfg: &CheckedConfig, shards: &[Shard], records: &[LocatedRecord]) -> Result<TrainOutcome> {
        let started = Instant::now();
        let world = self.links.len();
        // --- load, features, labels: each worker on its own series -------------------------
        let mut config = cfg.raw.clone();
        config.distributed = None;
        let wire_records: Vec<WireRecord> = records.iter().map(WireRecord::from).collect();
        for (rank, shard) in shards.iter().enumerate() {
            self.links[rank].send(&ToWorker::Prepare(Box::new(PrepareRequest {
                config: config.clone(),
                series: shard.series.clone(),
                records: wire_records.clone(),
            })))?;
        }
        let prepared: Vec<PreparedShard> = self.gather("its series' labels", |_, m| match m {
            ToCoordinator::Prepared(x) => Some(*x),
            _ => None,
        })?;
        let prepare_seconds = started.elapsed().as_secs_f64();
        let run_labels = check_prepared(cfg, &prepared, records)?;

        // --- dataset and split: with the run's classes -------------------------------------
        self.broadcast(&ToWorker::Build(Box::new(BuildRequest {
            labels: run_labels.labels.clone(),
            class_names: run_labels.class_names.clone(),
        })))?;
        let built: Vec<BuiltShard> = self.gather("its dataset", |_, m| match m {
            ToCoordinator::Built(x) => Some(*x),
            _ => None,
        })?;
        let build_seconds = started.elapsed().as_secs_f64() - prepare_seconds;
        let class_names = &run_labels.class_names;
        let train_classes = add_counts(built.iter().map(|b| &b.train_classes));
        let validation_classes = add_counts(built.iter().map(|b| &b.validation_classes));
        let background = &class_names[0];
        train::check_trainable_classes(
            train_classes.len(),
            validation_classes.iter().any(|(c, n)| c != background && *n > 0),
        )?;
        for (rank, b) in built.iter().enumerate() {
            if b.rows.train == 0 || b.rows.validation == 0 {
                return Err(EngineError::InvalidConfig(format!(
                    "{}: its series give {} training and {} validation rows; every worker needs both \
                     (give it longer series, or use fewer workers)",
                    self.who(rank),
                    b.rows.train,
                    b.rows.validation
                )));
            }
        }
        let (class_weights, recorded_weights) = match cfg.balance.mode {
            BalanceMode::ClassWeights => {
                let (w, recorded) = crate::balance::class_weights(&train_classes, class_names, cfg.balance.max_weight);
                (Some(w), Some(recorded))
            }
            _ => (None, None),
        };
        let count_of = |c: &String| train_classes.get(c).copied().unwrap_or(0);
        // The most frequent training class, the lowest id on ties.
        let baseline_class = (0..class_names.len())
            .max_by_key(|&c| (count_of(&class_names[c]), std::cmp::Reverse(c)))
            .unwrap_or(0) as u32;

        // --- fit: together, one decision per round --------------------------------------------
        let kind = cfg.model.kind();
        let tracker = match kind {
            ModelKind::Xgboost => {
                let host = self.spec.coordinator_host.clone().unwrap_or_else(|| self.local_ip.to_string());
                Some(XgbTracker::start(world, &host, self.spec.tracker_port, self.spec.network_timeout_min * 60)?)
            }
            _ => None,
        };
        let machines: Vec<SocketAddr> =
            (0..world).map(|r| SocketAddr::new(self.peer_ips[r], self.spec.network_ports[r])).collect();
        for rank in 0..world {
            let collective = match &tracker {
                Some(t) => {
                    let (tracker_host, tracker_port) = t.address();
                    CollectiveSpec::Xgboost {
                        tracker_host,
                        tracker_port,
                        rank,
                        world,
                        timeout_seconds: self.spec.network_timeout_min * 60,
                    }
                }
                None => CollectiveSpec::Lightgbm {
                    machines: machines.clone(),
                    rank,
                    learner: self.spec.tree_learner,
                    top_k: self.spec.top_k,
                    time_out_minutes: self.spec.network_timeout_min,
                },
            };
            self.links[rank].send(&ToWorker::Fit(Box::new(FitRequest {
                class_weights: class_weights.clone(),
                baseline_class,
                collective,
            })))?;
        }
        let validation_rows: Vec<f64> = built.iter().map(|b| b.rows.validation as f64).collect();
        let fit_started = Instant::now();
        let (fitted_shards, history, round_times) = self.rounds(cfg, kind, &validation_rows)?;
        if let Some(t) = tracker {
            t.wait()?;
        }
        let fit_seconds = started.elapsed().as_secs_f64() - prepare_seconds - build_seconds;
        let fitted = self.one_model(cfg, &fitted_shards, class_names.len(), history)?;

        // --- evaluate: the workers' counts, merged --------------------------------------------
        let merge = |parts: Vec<&PartialEvaluation>| -> Result<Option<PartialEvaluation>> {
            let mut it = parts.into_iter();
            let Some(first) = it.next() else { return Ok(None) };
            let mut all = first.clone();
            for part in it {
                all.merge(part)?;
            }
            Ok(Some(all))
        };
        let validation = merge(fitted_shards.iter().map(|f| &f.validation).collect())?
            .expect("every worker has validation rows")
            .finish(class_names, &run_labels.labels, baseline_class);
        let test = merge(fitted_shards.iter().filter_map(|f| f.test.as_ref()).collect())?
            .map(|t| t.finish(class_names, &run_labels.labels, baseline_class));

        // --- what the version records --------------------------------------------------------
        let order = series_order(&prepared);
        let split: Vec<_> = order.iter().map(|&(w, i)| built[w].split[i].clone()).collect();
        let series_ids: Vec<String> = order.iter().map(|&(w, i)| prepared[w].series[i].id.clone()).collect();
        let rows = RowCounts {
            train: built.iter().map(|b| b.rows.train).sum(),
            train_balanced: fitted_shards.iter().map(|f| f.train_balanced).sum(),
            validation: built.iter().map(|b| b.rows.validation).sum(),
            test: built.iter().map(|b| b.rows.test).sum(),
            purged: built.iter().map(|b| b.rows.purged).sum(),
        };
        let balance = BalanceReport {
            mode: cfg.balance.mode,
            counts_before: train_classes,
            counts_after: add_counts(fitted_shards.iter().map(|f| &f.balanced_classes)),
            class_weights: recorded_weights,
        };
        let manifest = ShardedManifest::new(cfg, &run_labels, &built, &order, &self.spec.workers)?;
        let manifest_json = to_json(&manifest)?;
        std::fs::create_dir_all(&cfg.dataset_dir)
            .map_err(|e| EngineError::io_path("create dataset folder", &cfg.dataset_dir, e))?;
        let manifest_path = cfg.dataset_dir.join("manifest.json");
        crate::registry::write_atomic(&manifest_path, &manifest_json)?;
        let report = DistributedReport {
            run_id: self.run_id.clone(),
            library: if kind == ModelKind::Xgboost { "xgboost" } else { "lightgbm" },
            tree_learner: (kind != ModelKind::Xgboost).then_some(self.spec.tree_learner),
            workers: (0..world)
                .map(|rank| WorkerReport {
                    rank,
                    address: self.spec.workers[rank].to_string(),
                    hostname: self.identities[rank].hostname.clone(),
                    pid: self.identities[rank].pid,
                    series: prepared[rank].series.iter().map(|s| s.id.clone()).collect(),
                    candles: prepared[rank].series.iter().map(|s| s.candles).sum(),
                    rows: built[rank].rows,
                    peak_rss_bytes: fitted_shards[rank].peak_rss_bytes,
                })
                .collect(),
            coordinator_peak_rss_bytes: memory::peak_rss_bytes().unwrap_or(0),
            prepare_seconds,
            build_seconds,
            fit_seconds,
            first_round_seconds: round_times.first().map_or(0.0, |t| t.duration_since(fit_started).as_secs_f64()),
            seconds_per_round: match (round_times.first(), round_times.last()) {
                (Some(a), Some(b)) if round_times.len() > 1 => {
                    b.duration_since(*a).as_secs_f64() / (round_times.len() - 1) as f64
                }
                _ => 0.0,
            },
        };
        let outcome = train::register(
            cfg,
            self.p,
            Trained {
                model: fitted.model,
                history: fitted.history,
                rounds: fitted.rounds,
                params: cfg.model.clone(),
                search: None,
                decoder: None,
                validation,
                test,
                class_names: run_labels.class_names.clone(),
                labels: run_labels.labels.clone(),
                feature_names: run_labels.feature_names.clone(),
                // `patterns: auto` resolved as every worker did, over the run's records.
                feature_config: cfg.features_for(records.iter().all(|r| !r.record.source.is_human())),
                rows_spec: cfg.rows.clone(),
                balance,
                label_report: run_labels.report,
                split,
                purge_gap: cfg.split.purge_gap,
                manifest_json,
                dataset_csv: cfg.dataset_dir.clone(),
                dataset_manifest: manifest_path,
                data_hash: manifest.data_hash.clone(),
                series_ids,
                rows,
                warnings: run_labels.warnings,
                distributed: Some(report),
            },
        )?;
        // Published: tell the workers; a worker gone now changes nothing.
        for link in &self.links {
            let _ = link.send(&ToWorker::Finish { version: outcome.version.clone() });
            link.close();
        }
        Ok(outcome)
    }

    /// The boosting rounds: every worker reports its validation metrics, the coordinator weighs
    /// them by validation rows into the run's metrics, records them and decides for all.
    fn rounds(
        &mut self,
        cfg: &CheckedConfig,
        kind: ModelKind,
        validation_rows: &[f64],
    ) -> Result<(Vec<FittedShard>, Vec<RoundMetric>, Vec<Instant>)> {
        let (rounds, patience) = match &cfg.model {
            ModelParams::Lightgbm(p) | ModelParams::Xgboost(p) => (p.rounds, p.early_stopping_rounds),
            ModelParams::Window(w) => (w.head.rounds, w.head.early_stopping_rounds),
            ModelParams::RandomForest(p) => (p.trees, None),
        };
        let names = crate::models::validation_metric_names(kind);
        let total_rows: f64 = validation_rows.iter().sum();
        let mut early = EarlyStopping::new(patience);
        let mut history = Vec::new();
        // When each round was complete on every worker.
        let mut round_times = Vec::new();
        loop {
            let replies = self.gather("a boosting round", |_, m| match m {
                ToCoordinator::Round { round, metrics } => Some(Reply::Round(round, metrics)),
                ToCoordinator::Fitted(f) => Some(Reply::Fitted(f)),
                _ => None,
            })?;
            if replies.iter().all(|r| matches!(r, Reply::Fitted(_))) {
                let shards = replies
                    .into_iter()
                    .map(|r| match r {
                        Reply::Fitted(f) => *f,
                        Reply::Round(..) => unreachable!(),
                    })
                    .collect();
                return Ok((shards, history, round_times));
            }
            let mut round = None;
            let mut run_metrics = vec![0.0; names.len()];
            for (rank, reply) in replies.iter().enumerate() {
                let Reply::Round(r, metrics) = reply else {
                    return Err(EngineError::TrainingFailed(
                        "the workers disagree on the rounds: some finished training while others went on".into(),
                    ));
                };
                if *round.get_or_insert(*r) != *r || metrics.len() != names.len() {
                    return Err(EngineError::TrainingFailed(format!(
                        "the workers disagree on the rounds: {} reported round {r} with {} metrics",
                        self.who(rank),
                        metrics.len()
                    )));
                }
                for (acc, m) in run_metrics.iter_mut().zip(metrics) {
                    *acc += m * validation_rows[rank] / total_rows;
                }
            }
            let round = round.expect("at least one worker");
            round_times.push(Instant::now());
            for (name, value) in names.iter().zip(&run_metrics) {
                history.push(RoundMetric { name: format!("valid_{name}"), round, value: *value });
            }
            let step = run_metrics.first().map_or(RoundStep::Continue, |&loss| early.observe(round, loss));
            self.broadcast(&ToWorker::RoundDecision { round, step })?;
            self.p.within("fit", f64::from(round) / f64::from(rounds.max(1)));
        }
    }

    /// Every worker must hold the same model; rank 0 sent it.
    fn one_model(
        &self,
        cfg: &CheckedConfig,
        shards: &[FittedShard],
        n_classes: usize,
        history: Vec<RoundMetric>,
    ) -> Result<Fitted> {
        let first = &shards[0];
        for (rank, s) in shards.iter().enumerate() {
            if s.rounds != first.rounds || s.model_sha256 != first.model_sha256 {
                return Err(EngineError::TrainingFailed(format!(
                    "the workers trained different models: {} has {} rounds ({}), worker 0 {} rounds ({})",
                    self.who(rank),
                    s.rounds,
                    &s.model_sha256[..12.min(s.model_sha256.len())],
                    first.rounds,
                    &first.model_sha256[..12.min(first.model_sha256.len())]
                )));
            }
        }
        let text = first
            .model
            .as_ref()
            .ok_or_else(|| EngineError::WorkerFailed("protocol: worker 0 did not send the model".into()))?;
        if crate::registry::sha256_hex(text.as_bytes()) != first.model_sha256 {
            return Err(EngineError::WorkerFailed("the model from worker 0 does not match its hash".into()));
        }
        let model = crate::models::model_from_bytes(cfg.model.kind(), text.as_bytes(), n_classes)?;
        Ok(Fitted { model, history, rounds: first.rounds })
    }
}

fn message_name(m: &ToCoordinator) -> &'static str {
    match m {
        ToCoordinator::Welcome { .. } => "welcome",
        ToCoordinator::Refused { .. } => "refused",
        ToCoordinator::Stage { .. } => "stage",
        ToCoordinator::Heartbeat { .. } => "heartbeat",
        ToCoordinator::Prepared(_) => "prepared",
        ToCoordinator::Built(_) => "built",
        ToCoordinator::Round { .. } => "round",
        ToCoordinator::Fitted(_) => "fitted",
        ToCoordinator::Failed { .. } => "failed",
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| EngineError::Internal(format!("serialising: {e}")))
}

fn add_counts<'m>(maps: impl Iterator<Item = &'m BTreeMap<String, usize>>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for m in maps {
        for (k, v) in m {
            *out.entry(k.clone()).or_insert(0) += v;
        }
    }
    out
}

/// `(worker, position in its shard)` of every series, in `data.series` order.
fn series_order(prepared: &[PreparedShard]) -> Vec<(usize, usize)> {
    let mut order: Vec<(usize, usize)> =
        prepared.iter().enumerate().flat_map(|(w, p)| (0..p.series.len()).map(move |i| (w, i))).collect();
    order.sort_by_key(|&(w, i)| (prepared[w].series[i].config_index, w, i));
    order
}

/// Adds two JSON documents of the same shape: numbers add up, objects merge key by key (so a
/// count added to the label report later is merged without a change here).
fn add_json(into: &mut serde_json::Value, other: &serde_json::Value) {
    use serde_json::Value;
    match (into, other) {
        (Value::Number(a), Value::Number(b)) => {
            if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
                *a = (x + y).into();
            } else if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
                if let Some(n) = serde_json::Number::from_f64(x + y) {
                    *a = n;
                }
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(mine) => add_json(mine, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        _ => {}
    }
}

/// The run's labels and classes, settled from every worker's shard.
struct RunLabels {
    report: LabelReport,
    labels: Vec<String>,
    class_names: Vec<String>,
    feature_names: Vec<String>,
    warnings: Vec<String>,
}

/// What only the whole run can check, then the run's label set and classes.
fn check_prepared(cfg: &CheckedConfig, prepared: &[PreparedShard], records: &[LocatedRecord]) -> Result<RunLabels> {
    let feature_names = prepared[0].feature_names.clone();
    if let Some((w, _)) = prepared.iter().enumerate().find(|(_, p)| p.feature_names != feature_names) {
        return Err(EngineError::WorkerFailed(format!(
            "worker {w} computed other features than worker 0: are the workers running different engine versions?"
        )));
    }
    let order = series_order(prepared);
    let mut ids: Vec<(&str, Option<&str>)> = Vec::new();
    for &(w, i) in &order {
        let s = &prepared[w].series[i];
        if ids.iter().any(|(id, _)| id.eq_ignore_ascii_case(&s.id)) {
            return Err(train::duplicate_series(s.config_index, &s.id));
        }
        ids.push((&s.id, s.timeframe.as_deref()));
    }
    let id_list: Vec<&str> = ids.iter().map(|(id, _)| *id).collect();
    crate::split::check_test_series(&id_list, &cfg.split.test_series)?;
    // Records naming no series of the run (each worker skipped those of the others).
    let mut unmatched = 0usize;
    for lr in records {
        if lr.record.symbol.is_some() && !ids.iter().any(|(id, tf)| annotations::names_series(&lr.record, id, *tf)) {
            if cfg.unmatched_series == UnmatchedSeries::Error {
                return Err(annotations::unmatched_record(lr, id_list.iter().copied()));
            }
            unmatched += 1;
        }
    }
    let mut report = serde_json::to_value(LabelReport::default()).map_err(|e| EngineError::Internal(e.to_string()))?;
    for p in prepared {
        let part = serde_json::to_value(&p.labels).map_err(|e| EngineError::Internal(e.to_string()))?;
        add_json(&mut report, &part);
    }
    let mut report: LabelReport = serde_json::from_value(report).map_err(|e| EngineError::Internal(e.to_string()))?;
    report.unmatched_annotations_skipped = unmatched;
    let labels = annotations::check_label_set(&report, cfg.classes.as_deref(), cfg.min_examples)?;
    let multi: BTreeSet<&str> =
        prepared.iter().flat_map(|p| p.multi_candle_labels.iter().map(String::as_str)).collect();
    let class_names = cfg.rows.encoding.class_names(&labels, |l: &str| multi.contains(l));
    let mut warnings: Vec<String> = Vec::new();
    for w in prepared.iter().flat_map(|p| &p.warnings) {
        if !warnings.contains(w) {
            warnings.push(w.clone());
        }
    }
    Ok(RunLabels { report, labels, class_names, feature_names, warnings })
}

/// One worker's part of the dataset.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasetShard {
    rank: usize,
    worker: String,
    /// The folder the worker wrote `dataset.csv` + `manifest.json` into (on its machine).
    dir: String,
    rows: usize,
    data_hash: String,
}

/// `manifest.json` of a distributed run's dataset: the single-process manifest's facts for the
/// whole run, and where each worker's part is.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ShardedManifest {
    format: u32,
    rows: crate::dataset::RowSpec,
    class_names: Vec<String>,
    feature_names: Vec<String>,
    series: Vec<SeriesManifest>,
    row_count: usize,
    class_counts: BTreeMap<String, BTreeMap<String, usize>>,
    purge_gap: usize,
    labels: LabelReport,
    shards: Vec<DatasetShard>,
    /// SHA-256 over the shards' `rank data_hash` lines.
    data_hash: String,
    config_hash: String,
}

impl ShardedManifest {
    fn new(
        cfg: &CheckedConfig,
        run: &RunLabels,
        built: &[BuiltShard],
        order: &[(usize, usize)],
        workers: &[super::WorkerAddress],
    ) -> Result<ShardedManifest> {
        let manifests: Vec<&DatasetManifest> = built.iter().map(|b| &b.manifest).collect();
        let mut class_counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for m in &manifests {
            for (split, counts) in &m.class_counts {
                let entry = class_counts.entry(split.clone()).or_default();
                for (c, n) in counts {
                    *entry.entry(c.clone()).or_insert(0) += n;
                }
            }
        }
        let shards: Vec<DatasetShard> = built
            .iter()
            .enumerate()
            .map(|(rank, b)| DatasetShard {
                rank,
                worker: workers[rank].to_string(),
                dir: b.dataset_dir.clone(),
                rows: b.manifest.row_count,
                data_hash: b.manifest.data_hash.clone(),
            })
            .collect();
        let lines: String = shards.iter().map(|s| format!("{} {}\n", s.rank, s.data_hash)).collect();
        Ok(ShardedManifest {
            format: 1,
            rows: cfg.rows.clone(),
            class_names: run.class_names.clone(),
            feature_names: run.feature_names.clone(),
            series: order.iter().map(|&(w, i)| manifests[w].series[i].clone()).collect(),
            row_count: manifests.iter().map(|m| m.row_count).sum(),
            class_counts,
            purge_gap: cfg.split.purge_gap,
            labels: run.report.clone(),
            shards,
            data_hash: crate::registry::sha256_hex(lines.as_bytes()),
            config_hash: cfg.config_hash.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::TreeLearner;
    use std::net::TcpListener;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc::Sender;

    /// A run of three workers in the fit, whose messages the test sends itself.
    fn with_fitting_run(f: impl FnOnce(&mut Run<'_>, &Sender<(usize, Incoming<ToCoordinator>)>)) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let spec = DistributedSpec {
            workers: (0..3).map(|i| super::super::WorkerAddress { host: "10.0.0.9".into(), port: 7400 + i }).collect(),
            network_ports: vec![7500, 7501, 7502],
            tree_learner: TreeLearner::Data,
            top_k: None,
            coordinator_host: None,
            tracker_port: 0,
            connect_timeout: Duration::from_secs(1),
            heartbeat_timeout: Duration::from_secs(60),
            network_timeout_min: 1,
        };
        let cancel = AtomicBool::new(false);
        let report = |_: &str, _: f64| {};
        let p = Progress { report: &report, cancel: &cancel };
        let (tx, rx) = mpsc::channel();
        let links = (0..3)
            .map(|i| Link::new(TcpStream::connect(listener.local_addr().unwrap()).unwrap(), format!("worker {i}")))
            .collect();
        let fit = WORKER_STAGES.iter().position(|s| *s == "fit").unwrap();
        let now = Instant::now();
        let mut run = Run {
            spec: &spec,
            p: &p,
            run_id: "test".into(),
            links,
            rx,
            identities: Vec::new(),
            peer_ips: Vec::new(),
            local_ip: IpAddr::from([127, 0, 0, 1]),
            last_heard: vec![now; 3],
            reached: vec![fit; 3],
            entered: fit,
            gone: vec![false; 3],
        };
        f(&mut run, &tx);
    }

    fn round_error(run: &mut Run<'_>) -> String {
        let err = run.gather("a boosting round", |_, _| Some(())).unwrap_err();
        assert_eq!(err.code(), "WORKER_FAILED", "{err}");
        err.to_string()
    }

    fn closed(rank: usize) -> (usize, Incoming<ToCoordinator>) {
        (rank, Incoming::Closed(format!("worker {rank} closed the connection")))
    }

    #[test]
    fn a_worker_lost_with_a_peer_it_took_along_names_both_whichever_closed_first() {
        // LightGBM aborted worker 0 (its peer vanished mid-send) and its connection closed here
        // before the killed worker 1's: both are named, in the order they closed.
        with_fitting_run(|run, tx| {
            tx.send(closed(0)).unwrap();
            tx.send((2, Incoming::Message(ToCoordinator::Heartbeat { rss_bytes: 1 }))).unwrap();
            tx.send(closed(1)).unwrap();
            let message = round_error(run);
            assert!(
                message.contains(
                    "worker 0 (10.0.0.9:7400) was lost during fit: worker 0 closed the connection; \
                                  worker 1 (10.0.0.9:7401) was lost during fit: worker 1 closed the connection"
                ),
                "{message}"
            );
            assert!(!message.contains("worker 2"), "{message}");
            assert_eq!(run.gone, [true, true, false]);
        });
    }

    #[test]
    fn a_network_failure_gives_way_to_the_lost_worker_that_explains_it() {
        with_fitting_run(|run, tx| {
            let network = ToCoordinator::Failed { code: "WORKER_FAILED".into(), message: "socket error".into() };
            tx.send((0, Incoming::Message(network))).unwrap();
            tx.send(closed(0)).unwrap(); // after its report: not a loss
            tx.send(closed(1)).unwrap();
            let message = round_error(run);
            assert!(message.contains("worker 1 (10.0.0.9:7401) was lost during fit"), "{message}");
            assert!(!message.contains("worker 0 (10.0.0.9:7400)"), "{message}");
        });
    }

    #[test]
    fn a_lone_lost_worker_is_named_alone_after_the_settling_moment() {
        with_fitting_run(|run, tx| {
            tx.send(closed(2)).unwrap();
            let started = Instant::now();
            let message = round_error(run);
            assert_eq!(
                message,
                "worker failed: worker 2 (10.0.0.9:7402) was lost during fit: worker 2 closed the connection"
            );
            assert!(started.elapsed() >= SETTLE, "it waited for more closures");
        });
    }

    #[test]
    fn label_reports_add_up_field_by_field() {
        let mut a = serde_json::json!({"humanSpans": 2, "spansPerLabel": {"doji": 3}});
        add_json(&mut a, &serde_json::json!({"humanSpans": 5, "spansPerLabel": {"doji": 1, "hammer": 4}}));
        assert_eq!(a, serde_json::json!({"humanSpans": 7, "spansPerLabel": {"doji": 4, "hammer": 4}}));
    }
}
