//! The training pipeline: config → candles → features → labels → dataset → split → fit →
//! evaluate → register (and MLflow, when `MLFLOW_TRACKING_URI` is set).
//!
//! Every bad input is found before fitting starts. `cancel` is checked between stages and between
//! boosting rounds; once the version is published the run completes (a registered version is
//! never half-done).
use crate::annotations::{self, IndexedAnnotation, LabelReport, LocatedRecord};
use crate::autolabel::{auto_label, AutoLabelOptions};
use crate::balance::{balance, BalanceReport};
use crate::candles::Candles;
use crate::config::{CheckedConfig, PipelineConfig, UnmatchedSeries};
use crate::dataset::{self, Dataset, SeriesExport, SeriesRows, SpanLabel};
use crate::error::{catch_panic, EngineError, Result};
use crate::evaluation::{evaluate, EvalInput, SplitMetrics};
use crate::features::{compute_features, FeatureFrame};
use crate::models::{DatasetView, Fit, FitControl, ModelKind, RoundMetric};
use crate::registry::{MetricsSummary, ModelCard, Registry};
use crate::split::{self, SeriesTimeline, SplitAssignment, SplitName};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Pipeline stages with the share of overall progress at which each starts.
const STAGES: [(&str, f64); 8] = [
    ("load", 0.0),
    ("features", 0.05),
    ("labels", 0.15),
    ("dataset", 0.22),
    ("split", 0.30),
    ("fit", 0.33),
    ("evaluate", 0.85),
    ("register", 0.93),
];

fn stage_span(name: &str) -> (f64, f64) {
    let i = STAGES.iter().position(|(n, _)| *n == name).expect("known stage");
    (STAGES[i].1, STAGES.get(i + 1).map_or(1.0, |s| s.1))
}

/// Paths of what a run wrote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomePaths {
    pub registry_root: PathBuf,
    pub version_dir: PathBuf,
    pub model_file: PathBuf,
    pub metrics_file: PathBuf,
    pub plots: Vec<PathBuf>,
    pub dataset_csv: PathBuf,
    pub dataset_manifest: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowCounts {
    pub train: usize,
    /// Training rows after balancing.
    pub train_balanced: usize,
    pub validation: usize,
    pub test: usize,
    pub purged: usize,
}

/// What `run` returns (crosses to JS as camelCase JSON).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainOutcome {
    pub version: String,
    pub model_type: ModelKind,
    pub metrics: MetricsSummary,
    pub paths: OutcomePaths,
    pub champion_moved: bool,
    /// The champion after this run.
    pub champion: Option<String>,
    pub previous_champion: Option<String>,
    pub mlflow_run_id: Option<String>,
    pub mlflow_model_version: Option<String>,
    /// Set when MLflow logging failed; the local version is registered regardless.
    pub tracking_error: Option<String>,
    pub warnings: Vec<String>,
    pub rows: RowCounts,
    pub rounds: u32,
    pub config_hash: String,
    pub data_hash: String,
    pub labels: LabelReport,
    pub balance: BalanceReport,
}

/// `metrics.json` of a version.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricsFile<'a> {
    model_type: ModelKind,
    validation: &'a SplitMetrics,
    test: Option<&'a SplitMetrics>,
    history: &'a [RoundMetric],
    balance: &'a BalanceReport,
    labels: &'a LabelReport,
    split: &'a [split::SeriesSplit],
    purge_gap: usize,
}

struct Progress<'a> {
    report: &'a dyn Fn(&str, f64),
    cancel: &'a AtomicBool,
}

impl Progress<'_> {
    fn enter(&self, stage: &str) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(EngineError::Cancelled);
        }
        (self.report)(stage, stage_span(stage).0);
        Ok(())
    }

    fn within(&self, stage: &str, fraction: f64) {
        let (a, b) = stage_span(stage);
        (self.report)(stage, (a + (b - a) * fraction.clamp(0.0, 1.0)).min(b));
    }
}

/// One loaded series.
pub(crate) struct Series {
    pub id: String,
    pub path_text: String,
    pub timeframe: Option<String>,
    pub candles: Candles,
}

/// Runs the whole pipeline. `progress(stage, fraction)` reports overall progress (0..1, rising);
/// setting `cancel` stops the run with `EngineError::Cancelled` at the next check.
pub fn run(cfg: &PipelineConfig, progress: &dyn Fn(&str, f64), cancel: &AtomicBool) -> Result<TrainOutcome> {
    catch_panic(|| {
        run_checked(
            &cfg.validate()?,
            &Progress {
                report: progress,
                cancel,
            },
        )
    })
}

/// What every pipeline run builds before it fits: the series, their features, the placed human
/// annotations, the resolved labels and the training table. Shared with the label-error finder.
pub(crate) struct Prepared {
    pub series: Vec<Series>,
    pub frames: Vec<FeatureFrame>,
    /// Human records placed on each series' candles (before merging with TA-Lib spans).
    pub human: Vec<Vec<IndexedAnnotation>>,
    pub label_report: LabelReport,
    pub data: Dataset,
    pub warnings: Vec<String>,
}

/// Runs the load, features, labels and dataset stages; `enter(stage)` is called as each starts
/// (and may stop the run, e.g. on cancel).
pub(crate) fn prepare(cfg: &CheckedConfig, enter: &dyn Fn(&str) -> Result<()>) -> Result<Prepared> {
    let mut warnings = Vec::new();

    enter("load")?;
    let series = load_series(cfg)?;
    let mut records: Vec<LocatedRecord> = Vec::new();
    for file in &cfg.annotation_files {
        records.extend(annotations::load_annotation_file(file)?);
    }
    if let Some(classes) = &cfg.classes {
        annotations::check_known_labels(&records, classes)?;
    }

    enter("features")?;
    let frames: Vec<FeatureFrame> = series
        .par_iter()
        .map(|s| compute_features(&s.candles, &cfg.features))
        .collect::<Result<_>>()?;

    enter("labels")?;
    let (human, spans, label_report, labels) = resolve_labels(cfg, &series, &records)?;
    if let Some(t) = &cfg.talib {
        let names = &frames[0].names;
        let leaking: Vec<&str> = t
            .patterns
            .iter()
            .filter(|l| names.contains(&format!("cdl{l}")))
            .map(String::as_str)
            .collect();
        if !leaking.is_empty() {
            warnings.push(format!(
                "the features include the TA-Lib recognisers that make the labels {} (features.patterns): the model can copy those labels from its inputs",
                leaking.join(", ")
            ));
        }
    }

    enter("dataset")?;
    let rows: Vec<SeriesRows<'_>> = frames
        .iter()
        .zip(&spans)
        .map(|(frame, spans)| SeriesRows {
            frame,
            spans: spans.as_slice(),
        })
        .collect();
    let data = dataset::build(&rows, &labels, &cfg.rows)?;
    Ok(Prepared {
        series,
        frames,
        human,
        label_report,
        data,
        warnings,
    })
}

fn run_checked(cfg: &CheckedConfig, p: &Progress<'_>) -> Result<TrainOutcome> {
    let Prepared {
        series,
        frames,
        label_report,
        data,
        mut warnings,
        ..
    } = prepare(cfg, &|stage| p.enter(stage))?;

    p.enter("split")?;
    let timelines: Vec<SeriesTimeline<'_>> = series
        .iter()
        .map(|s| SeriesTimeline {
            id: &s.id,
            times: &s.candles.time,
        })
        .collect();
    let assignment = split::assign(&timelines, &data.rows, &cfg.split)?;
    let exports: Vec<SeriesExport<'_>> = series
        .iter()
        .zip(&frames)
        .map(|(s, frame)| SeriesExport {
            id: &s.id,
            path: &s.path_text,
            timeframe: s.timeframe.as_deref(),
            times: &s.candles.time,
            frame,
        })
        .collect();
    let files = dataset::write_dataset(
        &cfg.dataset_dir,
        &data,
        &exports,
        &assignment,
        &label_report,
        &cfg.config_hash,
    )?;
    let background = 0u32; // class_names puts background first
    let balanced = balance(&assignment.train, &data.y, &data.class_names, background, &cfg.balance);
    check_trainable(&data, &assignment, &balanced.rows)?;

    p.enter("fit")?;
    let train_x = data.x.select(&balanced.rows);
    let train_y: Vec<u32> = balanced.rows.iter().map(|&r| data.y[r]).collect();
    let valid_x = data.x.select(&assignment.validation);
    let valid_y: Vec<u32> = assignment.validation.iter().map(|&r| data.y[r]).collect();
    let n_classes = data.class_names.len();
    let train_view = DatasetView {
        x: &train_x,
        y: &train_y,
        weights: balanced.weights.as_deref(),
        n_classes,
    };
    let valid_view = DatasetView {
        x: &valid_x,
        y: &valid_y,
        weights: None,
        n_classes,
    };
    let on_round = |f: f64| p.within("fit", f);
    let control = FitControl {
        cancel: p.cancel,
        progress: &on_round,
    };
    let fitted = cfg.model.fit(&train_view, Some(&valid_view), &control)?;

    p.enter("evaluate")?;
    let baseline_class = most_frequent(&assignment.train, &data.y, n_classes);
    let evaluate_split = |split: SplitName| -> Result<Option<SplitMetrics>> {
        let rows = assignment.rows(split);
        if rows.is_empty() {
            return Ok(None);
        }
        let probabilities = fitted.model.predict_proba(&data.x.select(rows))?;
        let y: Vec<u32> = rows.iter().map(|&r| data.y[r]).collect();
        // Sequences index into the split's own rows (0..rows.len()).
        let sequences = contiguous_runs(&data, rows);
        Ok(Some(evaluate(&EvalInput {
            y_true: &y,
            probabilities: &probabilities,
            class_names: &data.class_names,
            encoding: data.spec.encoding,
            sequences: &sequences,
            candles_per_row: data.spec.stride,
            min_span_len: cfg.min_span_len,
            baseline_class,
        })))
    };
    let validation = evaluate_split(SplitName::Validation)?.expect("validation is never empty");
    p.within("evaluate", 0.5);
    let test = evaluate_split(SplitName::Test)?;
    let summary = MetricsSummary {
        validation_macro_f1: validation.macro_f1,
        validation_span_f1: validation.spans.overall.f1,
        test_macro_f1: test.as_ref().map(|t| t.macro_f1),
        test_span_f1: test.as_ref().map(|t| t.spans.overall.f1),
        test_baseline_macro_f1: test.as_ref().map(|t| t.baseline.macro_f1),
    };

    p.enter("register")?;
    let registry = Registry::open(&cfg.registry_root)?;
    let staged = registry.stage()?;
    let kind = cfg.model.kind();
    let model_bytes = fitted.model.to_bytes()?;
    staged.write_file(kind.model_file_name(), &model_bytes)?;
    let metrics_file = MetricsFile {
        model_type: kind,
        validation: &validation,
        test: test.as_ref(),
        history: &fitted.history,
        balance: &balanced.report,
        labels: &label_report,
        split: &assignment.series,
        purge_gap: assignment.purge_gap,
    };
    staged.write_file("metrics.json", &to_json(&metrics_file)?)?;
    let mut plot_names = Vec::new();
    for (split_name, m) in [("validation", Some(&validation)), ("test", test.as_ref())] {
        if let Some(m) = m {
            for (name, svg) in crate::plots::split_plots(split_name, m) {
                staged.write_file(&name, svg.as_bytes())?;
                plot_names.push(name);
            }
        }
    }
    staged.write_file("dataset_manifest.json", &to_json(&files.manifest_data)?)?;
    staged.write_file("pipeline.json", &to_json(&cfg.raw)?)?;
    let test_series = cfg.split.test_series.clone();
    let card = ModelCard {
        format: 1,
        version: String::new(), // set by publish
        name: cfg.model_name.clone(),
        model_type: kind,
        model_file: kind.model_file_name().to_string(),
        model_sha256: crate::registry::sha256_hex(&model_bytes),
        class_names: data.class_names.clone(),
        labels: data.labels.clone(),
        feature_names: data.feature_names.clone(),
        feature_config: cfg.features.clone(),
        rows: data.spec.clone(),
        params: cfg.model.clone(),
        rounds: fitted.rounds,
        config_hash: cfg.config_hash.clone(),
        data_hash: files.manifest_data.data_hash.clone(),
        metrics: summary.clone(),
        train_series: series
            .iter()
            .map(|s| s.id.clone())
            .filter(|id| !test_series.contains(id))
            .collect(),
        test_series,
        created_at: chrono::Utc::now().to_rfc3339(),
        git_commit: git_commit(&cfg.root_dir),
    };
    let published = registry.publish(staged, card)?;
    let info = &published.info;
    let version_dir = info.dir.clone();
    let plots: Vec<PathBuf> = plot_names.iter().map(|n| version_dir.join(n)).collect();
    let champion = registry.aliases()?.get(crate::registry::CHAMPION).cloned();

    // MLflow last: its failure is reported, never undoes the local version.
    let mut mlflow_run_id = None;
    let mut mlflow_model_version = None;
    let mut tracking_error = None;
    if let Some(client) = crate::tracking::MlflowClient::from_env() {
        let record = run_record(
            cfg,
            info,
            &published,
            &summary,
            &fitted.history,
            &plots,
            &files.manifest,
        );
        match client.and_then(|c| c.log_run(&record)) {
            Ok(run) => {
                mlflow_run_id = Some(run.run_id);
                mlflow_model_version = run.model_version;
            }
            Err(e) => {
                let msg = format!("MLflow logging failed ({}): {e}", e.code());
                eprintln!(
                    "candle-annotator: {msg}; the model is registered locally as {}",
                    info.version
                );
                warnings.push(msg.clone());
                tracking_error = Some(msg);
            }
        }
        let tracking = serde_json::json!({
            "runId": mlflow_run_id, "modelVersion": mlflow_model_version, "error": tracking_error,
        });
        // Best effort: the outcome carries the same facts.
        if let Err(e) = crate::registry::write_atomic(&version_dir.join("tracking.json"), &to_json(&tracking)?) {
            warnings.push(format!("could not write tracking.json: {e}"));
        }
    }
    (p.report)("register", 1.0);

    Ok(TrainOutcome {
        version: info.version.clone(),
        model_type: kind,
        metrics: summary,
        paths: OutcomePaths {
            registry_root: cfg.registry_root.clone(),
            version_dir: version_dir.clone(),
            model_file: info.model_path(),
            metrics_file: version_dir.join("metrics.json"),
            plots,
            dataset_csv: files.csv.clone(),
            dataset_manifest: files.manifest.clone(),
        },
        champion_moved: published.champion_moved,
        champion,
        previous_champion: published.previous_champion.clone(),
        mlflow_run_id,
        mlflow_model_version,
        tracking_error,
        warnings,
        rows: RowCounts {
            train: assignment.train.len(),
            train_balanced: balanced.rows.len(),
            validation: assignment.validation.len(),
            test: assignment.test.len(),
            purged: assignment.purged.len(),
        },
        rounds: fitted.rounds,
        config_hash: cfg.config_hash.clone(),
        data_hash: files.manifest_data.data_hash.clone(),
        labels: label_report,
        balance: balanced.report,
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| EngineError::Internal(format!("serialising: {e}")))
}

fn load_series(cfg: &CheckedConfig) -> Result<Vec<Series>> {
    let mut out: Vec<Series> = Vec::new();
    for (i, s) in cfg.series.iter().enumerate() {
        let options = crate::import::ImportOptions {
            symbol: s.symbol.clone(),
            timeframe: s.timeframe.clone(),
            ..Default::default()
        };
        let imported = crate::import::import_csv_file(&s.path, &options)?;
        let stem = s
            .path
            .file_stem()
            .map(|x| x.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("series{i}"));
        let mut found: Vec<Series> = imported
            .series
            .into_iter()
            .map(|x| Series {
                id: x.symbol.clone().unwrap_or_else(|| stem.clone()),
                path_text: s.path_text.clone(),
                timeframe: x.timeframe.clone().or_else(|| s.timeframe.clone()),
                candles: x.candles,
            })
            .collect();
        if let Some(sym) = &s.symbol {
            if found.len() > 1 {
                found.retain(|x| x.id.eq_ignore_ascii_case(sym));
                if found.is_empty() {
                    return Err(EngineError::InvalidConfig(format!(
                        "data.series[{i}]: {} has no series with symbol '{sym}'",
                        s.path_text
                    )));
                }
            }
            for x in &mut found {
                x.id = sym.clone();
            }
        }
        for x in found {
            if out.iter().any(|o| o.id.eq_ignore_ascii_case(&x.id)) {
                return Err(EngineError::InvalidConfig(format!(
                    "data.series[{i}]: series id '{}' is used twice (set data.series[{i}].symbol)",
                    x.id
                )));
            }
            out.push(x);
        }
    }
    Ok(out)
}

/// Placed human records, merged spans per series, the report and the label set.
type ResolvedLabels = (Vec<Vec<IndexedAnnotation>>, Vec<Vec<SpanLabel>>, LabelReport, Vec<String>);

fn resolve_labels(cfg: &CheckedConfig, series: &[Series], records: &[LocatedRecord]) -> Result<ResolvedLabels> {
    let keys: Vec<annotations::SeriesKey<'_>> = series
        .iter()
        .map(|s| annotations::SeriesKey {
            id: &s.id,
            timeframe: s.timeframe.as_deref(),
            times: &s.candles.time,
        })
        .collect();
    let (placed, skipped) = annotations::place_records(records, &keys, cfg.unmatched_series == UnmatchedSeries::Skip)?;
    let mut report = LabelReport {
        unmatched_annotations_skipped: skipped,
        ..Default::default()
    };
    let talib_spans: Vec<Vec<crate::autolabel::LabelSpan>> = match &cfg.talib {
        None => vec![Vec::new(); series.len()],
        Some(t) => {
            let options = AutoLabelOptions {
                patterns: Some(t.patterns.clone()),
                min_strength: t.min_strength,
                ..Default::default()
            };
            series
                .par_iter()
                .map(|s| auto_label(&s.candles, &options).map(|r| r.spans))
                .collect::<Result<Vec<_>>>()?
        }
    };
    let priority: Vec<String> = cfg.talib.as_ref().map(|t| t.patterns.clone()).unwrap_or_default();
    let mut spans = Vec::with_capacity(series.len());
    for ((s, human), found) in series.iter().zip(&placed).zip(talib_spans) {
        let found_len = found.len();
        report.talib_spans_found += found_len;
        let kept: Vec<_> = match &cfg.talib {
            Some(t) => found
                .into_iter()
                .filter(|x| t.directions.contains(&x.direction))
                .collect(),
            None => found,
        };
        let (n_found, n_kept) = (found_len, kept.len());
        report.talib_filtered_by_direction += n_found - n_kept;
        spans.push(annotations::resolve_spans(
            human,
            &kept,
            &priority,
            s.candles.len(),
            &mut report,
        )?);
    }
    let labels = annotations::check_label_set(&report, cfg.classes.as_deref(), cfg.min_examples)?;
    Ok((placed, spans, report, labels))
}

/// Catches what would make the boosters fail obscurely: a split without rows of any pattern.
fn check_trainable(data: &Dataset, split: &SplitAssignment, train_rows: &[usize]) -> Result<()> {
    let present: std::collections::BTreeSet<u32> = train_rows.iter().map(|&r| data.y[r]).collect();
    if present.len() < 2 {
        return Err(EngineError::InvalidAnnotations(
            "the training split holds a single class: no pattern spans fall inside it".into(),
        ));
    }
    if split.validation.iter().all(|&r| data.y[r] == 0) {
        return Err(EngineError::InvalidAnnotations(
            "the validation split holds no pattern rows: move the split or add annotations".into(),
        ));
    }
    Ok(())
}

fn most_frequent(rows: &[usize], y: &[u32], n_classes: usize) -> u32 {
    let mut counts = vec![0usize; n_classes];
    for &r in rows {
        counts[y[r] as usize] += 1;
    }
    counts
        .iter()
        .enumerate()
        .max_by_key(|(c, n)| (**n, std::cmp::Reverse(*c)))
        .map_or(0, |(c, _)| c as u32)
}

/// Splits a split's rows into runs of consecutive rows (same series, targets `stride` apart),
/// as positions within `rows`.
fn contiguous_runs(data: &Dataset, rows: &[usize]) -> Vec<Vec<usize>> {
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for (pos, &r) in rows.iter().enumerate() {
        let here = data.rows[r];
        let continues = pos > 0 && {
            let prev = data.rows[rows[pos - 1]];
            prev.series == here.series && here.candle as usize == prev.candle as usize + data.spec.stride
        };
        match runs.last_mut() {
            Some(run) if continues => run.push(pos),
            _ => runs.push(vec![pos]),
        }
    }
    runs
}

fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let sha = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!sha.is_empty()).then_some(sha)
}

fn run_record(
    cfg: &CheckedConfig,
    info: &crate::registry::VersionInfo,
    published: &crate::registry::Published,
    summary: &MetricsSummary,
    history: &[RoundMetric],
    plots: &[PathBuf],
    manifest: &Path,
) -> crate::tracking::RunRecord {
    use crate::tracking::{MetricPoint, RegisterSpec, RunRecord};
    let card = &info.card;
    let mut params: Vec<(String, String)> = cfg.model.as_pairs();
    params.extend([
        ("model.type".to_string(), card.model_type.to_string()),
        ("dataset.encoding".into(), card.rows.encoding.as_str().to_string()),
        ("dataset.window".into(), card.rows.window.to_string()),
        ("dataset.stride".into(), card.rows.stride.to_string()),
        ("dataset.lookahead".into(), card.rows.lookahead.to_string()),
        ("split.purge_gap".into(), cfg.split.purge_gap.to_string()),
        ("split.test_series".into(), cfg.split.test_series.join(",")),
        ("balance.mode".into(), format!("{:?}", cfg.balance.mode)),
        ("features.lags".into(), cfg.features.lags.to_string()),
        ("labels.classes".into(), card.labels.join(",")),
        ("config_hash".into(), card.config_hash.clone()),
        ("data_hash".into(), card.data_hash.clone()),
    ]);
    let mut metrics = vec![
        MetricPoint {
            key: "validation_macro_f1".into(),
            value: summary.validation_macro_f1,
            step: 0,
        },
        MetricPoint {
            key: "validation_span_f1".into(),
            value: summary.validation_span_f1,
            step: 0,
        },
    ];
    for (key, v) in [
        ("test_macro_f1", summary.test_macro_f1),
        ("test_span_f1", summary.test_span_f1),
        ("test_baseline_macro_f1", summary.test_baseline_macro_f1),
    ] {
        if let Some(value) = v {
            metrics.push(MetricPoint {
                key: key.into(),
                value,
                step: 0,
            });
        }
    }
    metrics.extend(history.iter().map(|h| MetricPoint {
        key: h.name.clone(),
        value: h.value,
        step: h.round as i64,
    }));
    let mut tags = vec![
        ("registry.version".to_string(), info.version.clone()),
        ("registry.name".to_string(), card.name.clone()),
        ("champion_moved".to_string(), published.champion_moved.to_string()),
    ];
    if let Some(sha) = &card.git_commit {
        tags.push(("mlflow.source.git.commit".into(), sha.clone()));
    }
    let mut artifacts = vec![
        (info.model_path(), "model".to_string()),
        (info.dir.join(crate::registry::MODEL_CARD_FILE), "model".to_string()),
        (info.dir.join("metrics.json"), "evaluation".to_string()),
        (manifest.to_path_buf(), "dataset".to_string()),
    ];
    artifacts.extend(plots.iter().map(|p| (p.clone(), "evaluation/plots".to_string())));
    RunRecord {
        experiment: cfg.tracking.experiment.clone(),
        run_name: format!("{}-{}", card.name, info.version),
        params,
        metrics,
        tags,
        artifacts,
        register: cfg.tracking.register_name.as_ref().map(|name| RegisterSpec {
            model_name: name.clone(),
            artifact_path: "model".into(),
            alias: published.champion_moved.then(|| "champion".to_string()),
        }),
    }
}
