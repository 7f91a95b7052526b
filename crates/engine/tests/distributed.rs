//! Distributed training in the engine alone: three workers (`distributed::serve`, on threads of
//! this test process — LightGBM's network and XGBoost's communicator are per thread) train one
//! model on the real samples, compared with the single-process run of the same config; a worker
//! stopped mid-fit ends the run with WORKER_FAILED and publishes nothing. The same with real
//! worker processes: __test__/distributed.spec.js.
mod train_support;

use engine::config::PipelineConfig;
use engine::distributed::{serve, WorkerOptions, WorkerSummary};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use train_support::{repo_root, train};

/// A base port with `n` free ports above it, and `n` more 100 higher (the network ports).
/// The tests of this file run in parallel threads of one process: each call starts its search at
/// its own offset (3,587 ports from the previous call's, modulo the range), so two tests never
/// pick the same ports in the moment between checking them and their workers binding them.
fn free_ports(n: u16) -> u16 {
    static CALLS: AtomicU16 = AtomicU16::new(0);
    let call = CALLS.fetch_add(1, Ordering::SeqCst);
    let seed = std::process::id() as u16;
    for attempt in 0..200u16 {
        // Below the ephemeral range (32768+), where an outgoing connection could take a port first.
        let step = (u32::from(call) * 17 + u32::from(attempt)) * 211;
        let base = 20_000 + ((u32::from(seed) * 7 + step) % 12_000) as u16;
        let free = |p: u16| TcpListener::bind(("127.0.0.1", p)).is_ok();
        if (0..n).all(|i| free(base + i) && free(base + 100 + i)) {
            return base;
        }
    }
    panic!("no free ports");
}

/// The config over five samples (IBM held out); `distributed`: worker count, port base and any
/// further keys of the section.
fn config(out: &Path, model: &str, distributed: Option<(u16, u16, &str)>) -> PipelineConfig {
    PipelineConfig::from_yaml_str(&config_yaml(out, model, distributed), repo_root()).unwrap()
}

fn config_yaml(out: &Path, model: &str, distributed: Option<(u16, u16, &str)>) -> String {
    let section = distributed
        .map(|(n, base, more)| {
            format!("distributed: {{ workers: {n}, port_base: {base}, heartbeat_timeout_s: 20{more} }}")
        })
        .unwrap_or_default();
    format!(
        r#"
seed: 7
data:
  series:
    - {{ path: data/samples/aapl_daily.csv, symbol: AAPL }}
    - {{ path: data/samples/msft_daily.csv, symbol: MSFT }}
    - {{ path: data/samples/ibm_daily.csv, symbol: IBM }}
    - {{ path: data/samples/goog_daily.csv, symbol: GOOG }}
    - {{ path: data/samples/sp500_daily_yahoo.csv, symbol: SPX }}
features: {{ geometry: true, indicators: true, patterns: false, lags: 2 }}
labels:
  talib: {{ patterns: [engulfing, harami, doji, hammer] }}
  min_examples: 10
dataset: {{ encoding: bio, window: 2, lookahead: 1, output_dir: {out}/dataset }}
split: {{ train: 0.8, validation: 0.2, test_series: [IBM] }}
balance: {{ mode: class_weights, max_weight: 20 }}
registry: {{ root: {out}/models }}
model:
{model}
{section}
"#,
        out = out.display()
    )
}

/// How long one test's workers may take in all. A thread blocked inside LightGBM or XGBoost can
/// only be ended with the process: past this, the watchdog aborts the test binary with a message,
/// so a hang fails in minutes instead of holding CI until its own limit.
const WATCHDOG: Duration = Duration::from_secs(240);

/// Aborts the process unless dropped within `WATCHDOG` (dropping it disconnects the channel the
/// watching thread waits on).
struct Watchdog {
    _armed: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    fn start(what: String) -> Watchdog {
        let (armed, wait) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(WATCHDOG) {
                eprintln!("distributed test '{what}': workers still running after {WATCHDOG:?}: a hang; aborting");
                std::process::abort();
            }
        });
        Watchdog { _armed: armed }
    }
}

/// One cluster at a time in this process: a stopped XGBoost worker breaks the sockets opened in
/// the process since it joined (its own, in a real worker process), which here would include a
/// cluster of another test running in parallel.
static ONE_CLUSTER: Mutex<()> = Mutex::new(());

/// Runs `n` workers on threads while `f` runs; returns `f`'s result and the workers' summaries.
fn with_workers<T>(n: u16, base: u16, f: impl FnOnce(&[AtomicBool]) -> T) -> (T, Vec<WorkerSummary>) {
    let _one_cluster = ONE_CLUSTER.lock().unwrap_or_else(|p| p.into_inner());
    let _watchdog = Watchdog::start(std::thread::current().name().unwrap_or("?").to_owned());
    let cancels: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(false)).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let cancel = &cancels[i as usize];
                scope.spawn(move || {
                    let options = WorkerOptions {
                        listen: format!("127.0.0.1:{}", base + i),
                        root: Some(repo_root().display().to_string()),
                        ..Default::default()
                    };
                    serve(&options, &|_| {}, cancel).expect("the worker serves")
                })
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(20);
        for i in 0..n {
            while TcpStream::connect(("127.0.0.1", base + i)).is_err() {
                assert!(Instant::now() < deadline, "worker {i} never listened");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // The workers stop however `f` ends: a failed assertion in it must fail the test, not leave
        // the scope waiting for workers that serve forever.
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&cancels)));
        // Stopped at once: a LightGBM worker left blocked on a lost peer's socket can end in an
        // uncaught LightGBM socket exception (see docs/scale.md, "Known limits").
        cancels.iter().for_each(|c| c.store(true, Ordering::SeqCst));
        let out = out.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (out, handles.into_iter().map(|h| h.join().unwrap()).collect())
    })
}

const LIGHTGBM: &str =
    "  type: lightgbm\n  rounds: 30\n  learning_rate: 0.3\n  num_leaves: 15\n  min_samples_leaf: 20\n  threads: 1";
const XGBOOST: &str = "  type: xgboost\n  rounds: 20\n  learning_rate: 0.3\n  max_depth: 4\n  threads: 1";

fn compare(model: &str, more: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let single = train(&config(&tmp.path().join("single"), model, None)).unwrap();
    let base = free_ports(3);
    let (outcome, summaries) =
        with_workers(3, base, |_| train(&config(&tmp.path().join("dist"), model, Some((3, base, more)))));
    let outcome = outcome.unwrap();
    let d = outcome.distributed.as_ref().expect("a distributed report");
    assert_eq!(d.workers.len(), 3);
    let mut all: Vec<String> = d.workers.iter().flat_map(|w| w.series.clone()).collect();
    all.sort();
    assert_eq!(all, ["AAPL", "GOOG", "IBM", "MSFT", "SPX"]);
    // Every worker served the run that published the version.
    for s in &summaries {
        assert_eq!(s.runs.len(), 1, "{s:?}");
        assert!(s.runs[0].ok, "{:?}", s.runs[0]);
        assert_eq!(s.runs[0].version.as_deref(), Some(outcome.version.as_str()));
    }
    // The same rows, split and labels as one process; a near model.
    assert_eq!(outcome.rows.train, single.rows.train);
    assert_eq!(outcome.rows.validation, single.rows.validation);
    assert_eq!(outcome.rows.test, single.rows.test);
    assert_eq!(outcome.rows.purged, single.rows.purged);
    assert_eq!(outcome.labels.spans_per_label, single.labels.spans_per_label);
    assert_eq!(outcome.balance.class_weights, single.balance.class_weights);
    let (m, s) = (&outcome.metrics, &single.metrics);
    println!(
        "{model_type}{more}: validation macro-F1 {:.4} (3 workers) vs {:.4} (1 process); span F1 {:.4} vs {:.4}; \
         test macro-F1 {:.4} vs {:.4}",
        m.validation_macro_f1,
        s.validation_macro_f1,
        m.validation_span_f1,
        s.validation_span_f1,
        m.test_macro_f1.unwrap(),
        s.test_macro_f1.unwrap(),
        model_type = outcome.model_type
    );
    assert!((m.validation_macro_f1 - s.validation_macro_f1).abs() < 0.05);
    assert!((m.test_macro_f1.unwrap() - s.test_macro_f1.unwrap()).abs() < 0.05);
    assert!(m.test_macro_f1.unwrap() > m.test_baseline_macro_f1.unwrap() + 0.3);
}

#[test]
fn three_lightgbm_workers_train_one_model_near_the_single_process_one() {
    compare(LIGHTGBM, "");
}

#[test]
fn three_xgboost_workers_train_one_model_near_the_single_process_one() {
    compare(XGBOOST, "");
}

/// Stops worker 1 a moment into the fit; the run must fail on every process, publishing nothing.
fn stop_a_worker_mid_fit(model: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let base = free_ports(3);
    let cfg = config(tmp.path(), model, Some((3, base, "")));
    let stages = Mutex::new(Vec::<String>::new());
    let started = Instant::now();
    let (result, summaries) = with_workers(3, base, |cancels| {
        std::thread::scope(|scope| {
            let run = scope.spawn(|| {
                engine::train::run(
                    &cfg,
                    &|stage, _| stages.lock().unwrap().push(stage.to_string()),
                    &AtomicBool::new(false),
                )
            });
            while !stages.lock().unwrap().iter().any(|s| s == "fit") {
                assert!(!run.is_finished(), "the run ended before fitting");
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(300));
            cancels[1].store(true, Ordering::SeqCst);
            run.join().unwrap()
        })
    });
    let err = result.unwrap_err();
    println!("{err} (after {:.1} s)", started.elapsed().as_secs_f64());
    assert_eq!(err.code(), "WORKER_FAILED", "{err}");
    // The coordinator names the workers lost (the stopped one), or else the first that reports
    // a failure (a peer whose network to it broke first).
    assert!(err.to_string().contains("worker "), "{err}");
    let versions = tmp.path().join("models/versions");
    assert!(!versions.exists() || std::fs::read_dir(&versions).unwrap().next().is_none());
    for (i, s) in summaries.iter().enumerate() {
        let run = &s.runs[0];
        assert!(!run.ok, "worker {i}: {run:?}");
        // The stopped worker says it was cancelled. The others fail on the lost peer, unless the
        // harness's stop (right after the coordinator gave up) reaches them first.
        let expected: &[&str] = if i == 1 { &["CANCELLED"] } else { &["WORKER_FAILED", "CANCELLED"] };
        assert!(run.code.as_deref().is_some_and(|c| expected.contains(&c)), "worker {i}: {run:?}");
    }
}

#[test]
#[ignore = "known defect: with the workers as threads of one process, a LightGBM worker blocked on a \
            lost peer's socket can end in an uncaught LightGBM exception that aborts the process; \
            __test__/distributed.spec.js covers a killed worker with real processes"]
fn a_lightgbm_worker_stopped_mid_fit_fails_the_run_everywhere_and_publishes_nothing() {
    stop_a_worker_mid_fit(
        &LIGHTGBM.replace("rounds: 30", "rounds: 100000").replace("learning_rate: 0.3", "learning_rate: 0.001"),
    );
}

#[test]
#[ignore = "known defect: XGBoost 3's collective can deadlock a worker whose peer fails mid-operation \
            (Loop::Block waits on operations its stopped loop thread never settles); a serving process \
            then aborts past its network time-out and scripts/worker.js restarts it, which threads of \
            one test process cannot do; __test__/distributed.spec.js covers a killed XGBoost worker with \
            real processes"]
fn an_xgboost_worker_stopped_mid_fit_fails_the_run_everywhere_and_publishes_nothing() {
    stop_a_worker_mid_fit(
        &XGBOOST.replace("rounds: 20", "rounds: 100000").replace("learning_rate: 0.3", "learning_rate: 0.001"),
    );
}

/// What needs every row or series in one process is refused up front, with the config's code.
#[test]
fn what_a_distributed_run_cannot_do_is_an_invalid_config() {
    let tmp = tempfile::tempdir().unwrap();
    let base = config_yaml(tmp.path(), LIGHTGBM, Some((2, 7400, "")));
    for (from, to, named) in [
        ("encoding: bio", "encoding: end", "dataset.encoding: end"),
        ("  threads: 1\n", "  threads: 1\n  refit: true\n", "model.refit"),
        ("heartbeat_timeout_s: 20", "heartbeat_timeout_s: 20, tree_learner: voting", "tree_learner: voting"),
    ] {
        let yaml = base.replacen(from, to, 1);
        let err = PipelineConfig::from_yaml_str(&yaml, repo_root()).and_then(|c| c.validate().map(|_| ())).unwrap_err();
        assert_eq!(err.code(), "INVALID_CONFIG", "{named}: {err}");
        assert!(err.to_string().contains(named), "{named}: {err}");
    }
}
