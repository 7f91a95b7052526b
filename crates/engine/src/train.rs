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
use crate::dataset::Encoding;
use crate::dataset::{self, Dataset, FeatureSource, RowSpec, SeriesExport, SeriesPart, SpanLabel, SpilledFrame};
use crate::error::{catch_panic, EngineError, Result};
use crate::evaluation::{
    decode, evaluate, score_spans, EvalInput, PredictedSpan, SpanDecoder, SpanSequence, SplitMetrics,
};
use crate::features::{compute_features, FeatureConfig};
use crate::models::{DatasetView, Fit, FitControl, FittedModel, ModelKind, ModelParams, Probabilities, RoundMetric};
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
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
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

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
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
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
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
    /// How a distributed run was shared out (absent for a single-process run).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub distributed: Option<crate::distributed::DistributedReport>,
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
    /// The hyper-parameter search's trials, when `model.search` ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    search: Option<&'a crate::search::SearchReport>,
    /// Trained again on train + validation (`model.refit`).
    refit: bool,
}

pub(crate) struct Progress<'a> {
    pub report: &'a dyn Fn(&str, f64),
    pub cancel: &'a AtomicBool,
}

impl Progress<'_> {
    pub(crate) fn enter(&self, stage: &str) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(EngineError::Cancelled);
        }
        (self.report)(stage, stage_span(stage).0);
        Ok(())
    }

    pub(crate) fn within(&self, stage: &str, fraction: f64) {
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
/// With a `distributed:` section the run is shared out to workers (`crate::distributed`).
pub fn run(cfg: &PipelineConfig, progress: &dyn Fn(&str, f64), cancel: &AtomicBool) -> Result<TrainOutcome> {
    catch_panic(|| {
        let cfg = cfg.validate()?;
        let p = Progress { report: progress, cancel };
        match &cfg.distributed {
            Some(spec) => crate::distributed::coordinate(&cfg, spec, &p),
            None => run_checked(&cfg, &p),
        }
    })
}

/// What every pipeline run builds before it fits: the series, the placed human annotations, the
/// resolved labels and the training table. Shared with the label-error finder.
pub(crate) struct Prepared {
    pub series: Vec<Series>,
    /// The features computed (`patterns: auto` resolved).
    pub features: FeatureConfig,
    /// Each series' feature columns, parked on disk for the dataset files (empty unless asked
    /// for): the f64 frames themselves are dropped as soon as their rows are cut.
    pub spilled: Vec<SpilledFrame>,
    /// Human records placed on each series' candles (before merging with TA-Lib spans).
    pub human: Vec<Vec<IndexedAnnotation>>,
    pub label_report: LabelReport,
    pub data: Dataset,
    pub warnings: Vec<String>,
}

/// Runs the load, features, labels and dataset stages; `enter(stage)` is called as each starts
/// (and may stop the run, e.g. on cancel). `spill`: also park each series' feature columns in
/// a temp file in `dataset.output_dir` for [`dataset::write_dataset`].
///
/// Memory: each series' rows are cut from its feature frame right after the frame is computed
/// and the frame is dropped then, so only the frames in flight on rayon's threads are alive (not
/// every series'); the table's f32 rows are the largest thing kept.
pub(crate) fn prepare(cfg: &CheckedConfig, spill: bool, enter: &dyn Fn(&str) -> Result<()>) -> Result<Prepared> {
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
    // `patterns: auto`: the TA-Lib recognisers are features unless every label comes from TA-Lib.
    let talib_only = records.iter().all(|r| !r.record.source.is_human());
    let features = cfg.features_for(talib_only);
    if spill {
        std::fs::create_dir_all(&cfg.dataset_dir)
            .map_err(|e| EngineError::io_path("create dataset folder", &cfg.dataset_dir, e))?;
    }
    let cut: Vec<(SeriesPart, Option<SpilledFrame>)> = series
        .par_iter()
        .map(|s| {
            let frame = compute_features(&s.candles, &features)?;
            let spilled = spill.then(|| SpilledFrame::write(&cfg.dataset_dir, &frame)).transpose()?;
            Ok((SeriesPart::cut(Some(&s.candles), &frame, &cfg.rows)?, spilled))
        })
        .collect::<Result<_>>()?;
    let (parts, spilled): (Vec<SeriesPart>, Vec<Option<SpilledFrame>>) = cut.into_iter().unzip();
    let spilled: Vec<SpilledFrame> = spilled.into_iter().flatten().collect();

    enter("labels")?;
    let (human, spans, label_report) = resolve_labels(cfg, &series, &records)?;
    let labels = annotations::check_label_set(&label_report, cfg.classes.as_deref(), cfg.min_examples)?;
    warnings.extend(talib_leak_warning(cfg, &parts[0].feature_names));
    warnings.extend(overlap_warning(cfg, &label_report));

    enter("dataset")?;
    let spans: Vec<&[SpanLabel]> = spans.iter().map(Vec::as_slice).collect();
    let data = dataset::build_from_parts(parts.into_iter().map(Ok), &spans, &labels, &cfg.rows)?;
    Ok(Prepared { series, features, spilled, human, label_report, data, warnings })
}

/// The evaluation input of `rows` of `data` (predicted as `probabilities`), handed to `score`
/// (the full evaluation here; a distributed worker's partial counts).
pub(crate) fn evaluate_rows<R>(
    cfg: &CheckedConfig,
    data: &Dataset,
    rows: &[usize],
    probabilities: &Probabilities,
    baseline_class: u32,
    score: impl FnOnce(&EvalInput<'_>) -> R,
) -> R {
    let y: Vec<u32> = rows.iter().map(|&r| data.y[r]).collect();
    // Sequences index into the split's own rows (0..rows.len()).
    let runs = contiguous_runs(data, rows);
    score(&EvalInput {
        y_true: &y,
        probabilities,
        class_names: &data.class_names,
        encoding: data.spec.encoding,
        sequences: &runs,
        candles_per_row: data.spec.stride,
        min_span_len: cfg.min_span_len,
        baseline_class,
    })
}

/// The decoded and the true spans of each stretch of `rows` (what `score_spans` matches).
pub(crate) fn span_sequences(
    cfg: &CheckedConfig,
    data: &Dataset,
    rows: &[usize],
    probabilities: &Probabilities,
    decoder: Option<&SpanDecoder>,
) -> Vec<SpanSequence> {
    split_sequences(data, rows, probabilities)
        .into_iter()
        .map(|s| SpanSequence {
            predicted: decode(&s.probabilities, &data.class_names, data.spec.encoding, decoder, cfg.min_span_len),
            len: s.probabilities.n_rows,
            truth: s.truth,
        })
        .collect()
}

/// A warning when the features include the TA-Lib recognisers that make the labels.
pub(crate) fn talib_leak_warning(cfg: &CheckedConfig, feature_names: &[String]) -> Option<String> {
    let t = cfg.talib.as_ref()?;
    let leaking: Vec<&str> =
        t.patterns.iter().filter(|l| feature_names.contains(&format!("cdl{l}"))).map(String::as_str).collect();
    (!leaking.is_empty()).then(|| {
        format!(
            "the features include the TA-Lib recognisers that make the labels {} (features.patterns): the model can copy those labels from its inputs",
            leaking.join(", ")
        )
    })
}

/// A warning when human spans overlap and the encoding keeps one label per candle.
pub(crate) fn overlap_warning(cfg: &CheckedConfig, report: &LabelReport) -> Option<String> {
    (cfg.rows.encoding != Encoding::End && report.overlapping_human_spans > 0).then(|| {
        format!(
            "{} human spans nest in or overlap a span of another label, and the {} encoding keeps one label per candle: later spans overwrite earlier ones there (dataset.encoding: end keeps them all)",
            report.overlapping_human_spans,
            cfg.rows.encoding.as_str()
        )
    })
}

/// The in-process run, one function per stage after [`prepare`]: split (and the dataset files),
/// fit, evaluate, register. Each stage is entered through [`Progress::enter`], which reports it
/// and stops a cancelled run between stages.
fn run_checked(cfg: &CheckedConfig, p: &Progress<'_>) -> Result<TrainOutcome> {
    let prepared = prepare(cfg, true, &|stage| p.enter(stage))?;
    p.enter("split")?;
    let SplitStage { data, assignment, files, series_ids, features, label_report, warnings } =
        split_stage(cfg, prepared)?;
    let training = TrainingSet::new(&data, &assignment.train, cfg);
    check_trainable(
        &data,
        &assignment,
        &training.balanced.rows.iter().map(|&i| training.pairs[i].0).collect::<Vec<_>>(),
    )?;
    p.enter("fit")?;
    let FitStage { params, search, fitted } = fit_stage(cfg, p, &data, &assignment, &training)?;
    p.enter("evaluate")?;
    let Evaluated { model, rounds, decoder, validation, test } =
        evaluate_stage(cfg, p, &data, &assignment, &params, fitted.model, fitted.rounds)?;
    let balanced = training.balanced;
    let rows = RowCounts {
        train: assignment.train.len(),
        train_balanced: balanced.rows.len(),
        validation: assignment.validation.len(),
        test: assignment.test.len(),
        purged: assignment.purged.len(),
    };
    register(
        cfg,
        p,
        Trained {
            model,
            history: fitted.history,
            rounds,
            params,
            search,
            decoder,
            validation,
            test,
            class_names: data.class_names,
            labels: data.labels,
            feature_names: data.feature_names,
            feature_config: features,
            rows_spec: data.spec,
            balance: balanced.report,
            label_report,
            split: assignment.series,
            purge_gap: assignment.purge_gap,
            manifest_json: to_json(&files.manifest_data)?,
            dataset_csv: files.csv,
            dataset_manifest: files.manifest,
            data_hash: files.manifest_data.data_hash,
            series_ids,
            rows,
            warnings,
            distributed: None,
        },
    )
}

/// What the split stage leaves: the table, its split, and the dataset files written.
struct SplitStage {
    data: Dataset,
    assignment: SplitAssignment,
    files: dataset::DatasetFiles,
    series_ids: Vec<String>,
    features: FeatureConfig,
    label_report: LabelReport,
    warnings: Vec<String>,
}

/// The split stage: assigns the rows to train / validation / test and writes the dataset files
/// (with the split), then frees the candles and the spilled feature columns before the fit.
fn split_stage(cfg: &CheckedConfig, prepared: Prepared) -> Result<SplitStage> {
    let Prepared { series, features, spilled, label_report, data, warnings, .. } = prepared;
    let timelines: Vec<SeriesTimeline<'_>> =
        series.iter().map(|s| SeriesTimeline { id: &s.id, times: &s.candles.time }).collect();
    let assignment = split::assign(&timelines, &data.rows, &cfg.split)?;
    let exports: Vec<SeriesExport<'_>> = series
        .iter()
        .zip(&spilled)
        .map(|(s, spilled)| SeriesExport {
            id: &s.id,
            path: &s.path_text,
            timeframe: s.timeframe.as_deref(),
            times: &s.candles.time,
            features: FeatureSource::Spilled(spilled),
        })
        .collect();
    let files =
        dataset::write_dataset(&cfg.dataset_dir, &data, &exports, &assignment, &label_report, &cfg.config_hash)?;
    // The spilled columns are in the dataset file now (free the temp files), and the fit needs
    // neither the candles nor the memory the frames were built in: give it all back first.
    drop(exports);
    drop(spilled);
    let series_ids: Vec<String> = series.into_iter().map(|s| s.id).collect();
    crate::distributed::memory::release_freed_pages();
    Ok(SplitStage { data, assignment, files, series_ids, features, label_report, warnings })
}

/// What the fit stage leaves: the parameters fitted with (the search's winner when it ran).
struct FitStage {
    params: ModelParams,
    search: Option<crate::search::SearchReport>,
    fitted: crate::models::Fitted,
}

/// The fit stage: the optional hyper-parameter search (its share of the stage's progress), then
/// the fit on the balanced training rows, early-stopped on the validation rows.
fn fit_stage(
    cfg: &CheckedConfig,
    p: &Progress<'_>,
    data: &Dataset,
    assignment: &SplitAssignment,
    training: &TrainingSet<'_>,
) -> Result<FitStage> {
    let search_share = if cfg.search.is_some() { 0.5 } else { 0.0 };
    let (params, search) = match &cfg.search {
        Some(spec) => {
            let on_progress = |f: f64| p.within("fit", f * search_share);
            let (params, report) = crate::search::search(cfg, spec, data, &assignment.train, p.cancel, &on_progress)?;
            (params, Some(report))
        }
        None => (cfg.model.clone(), None),
    };
    let valid_pairs = data.pairs(&assignment.validation);
    let valid_x = data.x.select(&valid_pairs.iter().map(|&(r, _)| r).collect::<Vec<_>>());
    let valid_y: Vec<u32> = valid_pairs.iter().map(|&(_, c)| c).collect();
    let valid_view = DatasetView { x: &valid_x, y: &valid_y, weights: None, n_classes: data.class_names.len() };
    let on_round = |f: f64| p.within("fit", search_share + (1.0 - search_share) * f);
    let control = FitControl { cancel: p.cancel, progress: &on_round };
    let fitted = training.fit(&params, Some(&valid_view), &control)?;
    Ok(FitStage { params, search, fitted })
}

/// What the evaluate stage leaves: the model to register (the refit one with `model.refit`) and
/// its metrics.
struct Evaluated {
    model: Box<dyn FittedModel>,
    rounds: u32,
    decoder: Option<SpanDecoder>,
    validation: SplitMetrics,
    test: Option<SplitMetrics>,
}

/// The evaluate stage: validation metrics (and, for the end encoding, the decoder's lengths from
/// the training spans and thresholds from validation), the optional refit on train + validation
/// with the rounds the fit chose, then the test metrics of the model that will be registered.
fn evaluate_stage(
    cfg: &CheckedConfig,
    p: &Progress<'_>,
    data: &Dataset,
    assignment: &SplitAssignment,
    params: &ModelParams,
    fitted_model: Box<dyn FittedModel>,
    fitted_rounds: u32,
) -> Result<Evaluated> {
    let baseline_class = most_frequent(&assignment.train, &data.y, data.class_names.len());
    let mut decoder = (data.spec.encoding == Encoding::End).then(|| learnt_lengths(data, &assignment.train));
    let split_predictions = |model: &dyn FittedModel, split: SplitName| -> Result<Option<Probabilities>> {
        let rows = assignment.rows(split);
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(model.predict_proba(&data.x.select(rows))?))
    };
    let valid_probabilities =
        split_predictions(fitted_model.as_ref(), SplitName::Validation)?.expect("validation is never empty");
    if let Some(d) = decoder.as_mut() {
        let sequences = split_sequences(data, assignment.rows(SplitName::Validation), &valid_probabilities);
        let pairs: Vec<(&Probabilities, &[PredictedSpan])> =
            sequences.iter().map(|s| (&s.probabilities, s.truth.as_slice())).collect();
        d.calibrate(&data.class_names, &pairs);
    }
    let evaluate_split = |split: SplitName, probabilities: &Probabilities| -> SplitMetrics {
        let rows = assignment.rows(split);
        let mut metrics = evaluate_rows(cfg, data, rows, probabilities, baseline_class, evaluate);
        let sequences = span_sequences(cfg, data, rows, probabilities, decoder.as_ref());
        let scored: Vec<_> = sequences.iter().map(SpanSequence::scored).collect();
        let (headline, matching) = score_spans(&scored, &data.labels);
        metrics.spans = matching;
        metrics.headline = headline;
        metrics
    };
    let validation = evaluate_split(SplitName::Validation, &valid_probabilities);
    p.within("evaluate", 0.3);

    let (model, rounds) = if cfg.refit {
        let mut all_rows = assignment.train.clone();
        all_rows.extend_from_slice(&assignment.validation);
        all_rows.sort_unstable();
        let everything = TrainingSet::new(data, &all_rows, cfg);
        let refit_params = params.with_rounds(fitted_rounds);
        let on_round = |f: f64| p.within("evaluate", 0.3 + 0.4 * f);
        let control = FitControl { cancel: p.cancel, progress: &on_round };
        let refitted = everything.fit(&refit_params, None, &control)?;
        (refitted.model, refitted.rounds)
    } else {
        (fitted_model, fitted_rounds)
    };
    let test = split_predictions(model.as_ref(), SplitName::Test)?
        .map(|probabilities| evaluate_split(SplitName::Test, &probabilities));
    Ok(Evaluated { model, rounds, decoder, validation, test })
}

/// A fitted and evaluated model with what its version records, however it was trained (in
/// this process, or by distributed workers).
pub(crate) struct Trained {
    pub model: Box<dyn FittedModel>,
    /// The (first) fit's per-round validation history.
    pub history: Vec<RoundMetric>,
    pub rounds: u32,
    /// The parameters trained with (the search's winner, when it ran).
    pub params: ModelParams,
    pub search: Option<crate::search::SearchReport>,
    pub decoder: Option<SpanDecoder>,
    pub validation: SplitMetrics,
    pub test: Option<SplitMetrics>,
    pub class_names: Vec<String>,
    pub labels: Vec<String>,
    pub feature_names: Vec<String>,
    /// The features computed (`patterns: auto` resolved).
    pub feature_config: FeatureConfig,
    pub rows_spec: RowSpec,
    pub balance: BalanceReport,
    pub label_report: LabelReport,
    pub split: Vec<split::SeriesSplit>,
    pub purge_gap: usize,
    /// The version's `dataset_manifest.json`.
    pub manifest_json: Vec<u8>,
    pub dataset_csv: PathBuf,
    pub dataset_manifest: PathBuf,
    pub data_hash: String,
    pub series_ids: Vec<String>,
    pub rows: RowCounts,
    pub warnings: Vec<String>,
    pub distributed: Option<crate::distributed::DistributedReport>,
}

/// The register stage: writes the version (model, metrics, plots, manifests, card), publishes
/// it, then logs it to MLflow when configured.
pub(crate) fn register(cfg: &CheckedConfig, p: &Progress<'_>, t: Trained) -> Result<TrainOutcome> {
    let Trained {
        model, history, rounds, params, search, decoder, validation, test, label_report, mut warnings, ..
    } = t;
    let summary = MetricsSummary {
        validation_macro_f1: validation.macro_f1,
        validation_span_f1: validation.spans.overall.f1,
        test_macro_f1: test.as_ref().map(|t| t.macro_f1),
        test_span_f1: test.as_ref().map(|t| t.spans.overall.f1),
        test_baseline_macro_f1: test.as_ref().map(|t| t.baseline.macro_f1),
        validation_pattern_f1: Some(validation.headline.pattern_macro_f1),
        validation_balanced_accuracy: Some(validation.headline.balanced_accuracy),
        test_pattern_f1: test.as_ref().map(|t| t.headline.pattern_macro_f1),
        test_balanced_accuracy: test.as_ref().map(|t| t.headline.balanced_accuracy),
        test_exact_boundary_share: test.as_ref().map(|t| t.headline.boundaries.exact_share),
    };

    p.enter("register")?;
    let registry = Registry::open(&cfg.registry_root)?;
    let staged = registry.stage()?;
    let kind = cfg.model.kind();
    let model_bytes = model.to_bytes()?;
    staged.write_file(kind.model_file_name(), &model_bytes)?;
    let metrics_file = MetricsFile {
        model_type: kind,
        validation: &validation,
        test: test.as_ref(),
        history: &history,
        balance: &t.balance,
        labels: &label_report,
        split: &t.split,
        purge_gap: t.purge_gap,
        search: search.as_ref(),
        refit: cfg.refit,
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
    staged.write_file("dataset_manifest.json", &t.manifest_json)?;
    staged.write_file("pipeline.json", &to_json(&cfg.raw)?)?;
    let test_series = cfg.split.test_series.clone();
    let card = ModelCard {
        format: 1,
        version: String::new(), // set by publish
        name: cfg.model_name.clone(),
        model_type: kind,
        model_file: kind.model_file_name().to_string(),
        model_sha256: crate::registry::sha256_hex(&model_bytes),
        class_names: t.class_names,
        labels: t.labels,
        feature_names: t.feature_names,
        feature_config: t.feature_config,
        rows: t.rows_spec,
        params,
        rounds,
        decoder,
        config_hash: cfg.config_hash.clone(),
        data_hash: t.data_hash.clone(),
        metrics: summary.clone(),
        train_series: t.series_ids.into_iter().filter(|id| !test_series.contains(id)).collect(),
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
        let fit = FitRecord { summary: &summary, history: &history, search: search.as_ref() };
        let record = run_record(cfg, info, &published, &fit, &plots, &t.dataset_manifest);
        match client.and_then(|c| c.log_run(&record)) {
            Ok(run) => {
                mlflow_run_id = Some(run.run_id);
                mlflow_model_version = run.model_version;
            }
            Err(e) => {
                let msg = format!("MLflow logging failed ({}): {e}", e.code());
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
            dataset_csv: t.dataset_csv,
            dataset_manifest: t.dataset_manifest,
        },
        champion_moved: published.champion_moved,
        champion,
        previous_champion: published.previous_champion.clone(),
        mlflow_run_id,
        mlflow_model_version,
        tracking_error,
        warnings,
        rows: t.rows,
        rounds,
        config_hash: cfg.config_hash.clone(),
        data_hash: t.data_hash,
        labels: label_report,
        balance: t.balance,
        distributed: t.distributed,
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| EngineError::Internal(format!("serialising: {e}")))
}

pub(crate) fn load_series(cfg: &CheckedConfig) -> Result<Vec<Series>> {
    let mut out: Vec<Series> = Vec::new();
    for (i, s) in cfg.series.iter().enumerate() {
        let options = crate::import::ImportOptions {
            symbol: s.symbol.clone(),
            timeframe: s.timeframe.clone(),
            ..Default::default()
        };
        let imported = crate::import::import_csv_file(&s.path, &options)?;
        let stem = s.path.file_stem().map(|x| x.to_string_lossy().into_owned()).unwrap_or_else(|| format!("series{i}"));
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
                return Err(duplicate_series(i, &x.id));
            }
            out.push(x);
        }
    }
    Ok(out)
}

/// The error for the `i`-th `data.series` entry bringing an id another entry has.
pub(crate) fn duplicate_series(i: usize, id: &str) -> EngineError {
    EngineError::InvalidConfig(format!(
        "data.series[{i}]: series id '{id}' is used twice (set data.series[{i}].symbol)"
    ))
}

/// Placed human records and merged spans per series, and the report.
type ResolvedLabels = (Vec<Vec<IndexedAnnotation>>, Vec<Vec<SpanLabel>>, LabelReport);

pub(crate) fn resolve_labels(
    cfg: &CheckedConfig,
    series: &[Series],
    records: &[LocatedRecord],
) -> Result<ResolvedLabels> {
    let keys: Vec<annotations::SeriesKey<'_>> = series
        .iter()
        .map(|s| annotations::SeriesKey { id: &s.id, timeframe: s.timeframe.as_deref(), times: &s.candles.time })
        .collect();
    let (placed, skipped) = annotations::place_records(records, &keys, cfg.unmatched_series == UnmatchedSeries::Skip)?;
    let mut report = LabelReport { unmatched_annotations_skipped: skipped, ..Default::default() };
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
                .map(|s| auto_label(&s.candles, &options).map(|r| r.spans.to_rows()))
                .collect::<Result<Vec<_>>>()?
        }
    };
    // The searches' long chart-pattern spans go before TA-Lib's few-candle ones where they overlap.
    let priority: Vec<String> = cfg
        .similar
        .iter()
        .map(|s| s.label.clone())
        .chain(cfg.talib.iter().flat_map(|t| t.patterns.iter().cloned()))
        .collect();
    let candles: Vec<&crate::Candles> = series.iter().map(|s| &s.candles).collect();
    let mut similar_spans = crate::similar::labelling_spans(&cfg.similar, &candles, &placed)?.into_iter();
    let mut spans = Vec::with_capacity(series.len());
    for ((s, human), found) in series.iter().zip(&placed).zip(talib_spans) {
        let found_len = found.len();
        report.talib_spans_found += found_len;
        let kept: Vec<_> = match &cfg.talib {
            Some(t) => found.into_iter().filter(|x| t.directions.contains(&x.direction)).collect(),
            None => found,
        };
        let (n_found, n_kept) = (found_len, kept.len());
        report.talib_filtered_by_direction += n_found - n_kept;
        let mut kept = kept;
        let similar = similar_spans.next().unwrap_or_default();
        report.similar_spans_found += similar.len();
        kept.extend(similar);
        spans.push(annotations::resolve_spans(human, &kept, &priority, s.candles.len(), &mut report)?);
    }
    Ok((placed, spans, report))
}

/// Catches what would make the boosters fail obscurely: a split without rows of any pattern.
fn check_trainable(data: &Dataset, split: &SplitAssignment, train_rows: &[usize]) -> Result<()> {
    let present: std::collections::BTreeSet<u32> = train_rows.iter().map(|&r| data.y[r]).collect();
    check_trainable_classes(present.len(), split.validation.iter().any(|&r| data.y[r] != 0))
}

/// The same check from counts: classes among the training rows, and whether any validation row
/// is a pattern row.
pub(crate) fn check_trainable_classes(train_classes: usize, validation_has_patterns: bool) -> Result<()> {
    if train_classes < 2 {
        return Err(EngineError::InvalidAnnotations(
            "the training split holds a single class: no pattern spans fall inside it".into(),
        ));
    }
    if !validation_has_patterns {
        return Err(EngineError::InvalidAnnotations(
            "the validation split holds no pattern rows: move the split or add annotations".into(),
        ));
    }
    Ok(())
}

pub(crate) fn most_frequent(rows: &[usize], y: &[u32], n_classes: usize) -> u32 {
    let mut counts = vec![0usize; n_classes];
    for &r in rows {
        counts[y[r] as usize] += 1;
    }
    counts.iter().enumerate().max_by_key(|(c, n)| (**n, std::cmp::Reverse(*c))).map_or(0, |(c, _)| c as u32)
}

/// Splits a split's rows into runs of consecutive rows (same series, targets `stride` apart),
/// as positions within `rows`.
pub(crate) fn contiguous_runs(data: &Dataset, rows: &[usize]) -> Vec<Vec<usize>> {
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

/// The training rows of a set of table rows: every (row, class) pair (a candle where spans of two
/// labels end trains both), balanced.
struct TrainingSet<'a> {
    data: &'a Dataset,
    pairs: Vec<(usize, u32)>,
    balanced: crate::balance::Balanced,
}

impl<'a> TrainingSet<'a> {
    fn new(data: &'a Dataset, rows: &[usize], cfg: &CheckedConfig) -> Self {
        let pairs = data.pairs(rows);
        let classes: Vec<u32> = pairs.iter().map(|&(_, c)| c).collect();
        let indices: Vec<usize> = (0..pairs.len()).collect();
        let background = 0u32; // class_names puts background first
        let balanced = balance(&indices, &classes, &data.class_names, background, &cfg.balance);
        TrainingSet { data, pairs, balanced }
    }

    fn fit(
        &self,
        params: &crate::models::ModelParams,
        valid: Option<&DatasetView<'_>>,
        control: &FitControl<'_>,
    ) -> Result<crate::models::Fitted> {
        let rows: Vec<usize> = self.balanced.rows.iter().map(|&i| self.pairs[i].0).collect();
        let x = self.data.x.select(&rows);
        let y: Vec<u32> = self.balanced.rows.iter().map(|&i| self.pairs[i].1).collect();
        let n_classes = self.data.class_names.len();
        let view = DatasetView { x: &x, y: &y, weights: self.balanced.weights.as_deref(), n_classes };
        params.fit(&view, valid, control)
    }
}

/// Span lengths per label from the spans whose last candle is a training row.
fn learnt_lengths(data: &Dataset, train_rows: &[usize]) -> SpanDecoder {
    let in_train: std::collections::HashSet<(u32, u32)> =
        train_rows.iter().map(|&r| (data.rows[r].series, data.rows[r].candle)).collect();
    SpanDecoder::from_lengths(data.spans.iter().enumerate().flat_map(|(s, spans)| {
        let in_train = &in_train;
        spans
            .iter()
            .filter(move |sp| in_train.contains(&(s as u32, sp.end as u32)))
            .map(|sp| (sp.label.as_str(), sp.end - sp.start + 1))
    }))
}

/// One stretch of consecutive candles of a split, in candle positions from its first candle:
/// the probabilities (a windowed row repeated for each of the `stride` candles it stands for)
/// and the true spans that end inside it (starts clipped to the stretch).
struct SplitSequence {
    probabilities: Probabilities,
    truth: Vec<PredictedSpan>,
}

fn split_sequences(data: &Dataset, rows: &[usize], probabilities: &Probabilities) -> Vec<SplitSequence> {
    let repeat = data.spec.stride.max(1);
    let k = probabilities.n_classes;
    contiguous_runs(data, rows)
        .into_iter()
        .filter_map(|run| {
            let first = data.rows[rows[run[0]]];
            let first_candle = first.candle as usize;
            let mut values = Vec::with_capacity(run.len() * repeat * k);
            for &pos in &run {
                for _ in 0..repeat {
                    values.extend_from_slice(probabilities.row(pos));
                }
            }
            let probabilities = Probabilities::new(values, k).ok()?;
            let len = probabilities.n_rows;
            let truth = data.spans[first.series as usize]
                .iter()
                .filter(|s| s.end >= first_candle && s.end < first_candle + len)
                .map(|s| PredictedSpan {
                    start: s.start.max(first_candle) - first_candle,
                    end: s.end - first_candle,
                    label: s.label.clone(),
                    confidence: 1.0,
                })
                .collect();
            Some(SplitSequence { probabilities, truth })
        })
        .collect()
}

fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git").args(["rev-parse", "HEAD"]).current_dir(root).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let sha = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!sha.is_empty()).then_some(sha)
}

/// What the fit produced that MLflow records.
struct FitRecord<'a> {
    summary: &'a MetricsSummary,
    history: &'a [RoundMetric],
    search: Option<&'a crate::search::SearchReport>,
}

fn run_record(
    cfg: &CheckedConfig,
    info: &crate::registry::VersionInfo,
    published: &crate::registry::Published,
    fit: &FitRecord<'_>,
    plots: &[PathBuf],
    manifest: &Path,
) -> crate::tracking::RunRecord {
    use crate::tracking::{MetricPoint, RegisterSpec, RunRecord};
    let card = &info.card;
    let mut params: Vec<(String, String)> = card.params.as_pairs();
    params.extend([
        ("model.type".to_string(), card.model_type.to_string()),
        ("dataset.encoding".into(), card.rows.encoding.as_str().to_string()),
        ("dataset.window".into(), card.rows.window.to_string()),
        ("dataset.stride".into(), card.rows.stride.to_string()),
        ("dataset.lookahead".into(), card.rows.lookahead.to_string()),
        ("split.purge_gap".into(), cfg.split.purge_gap.to_string()),
        ("split.test_series".into(), cfg.split.test_series.join(",")),
        ("balance.mode".into(), format!("{:?}", cfg.balance.mode)),
        ("features.lags".into(), card.feature_config.lags.to_string()),
        ("features.patterns".into(), serde_json::to_string(&card.feature_config.patterns).unwrap_or_default()),
        ("model.refit".into(), cfg.refit.to_string()),
        ("labels.classes".into(), card.labels.join(",")),
        ("config_hash".into(), card.config_hash.clone()),
        ("data_hash".into(), card.data_hash.clone()),
    ]);
    if let Some(d) = &cfg.distributed {
        params.push(("distributed.workers".into(), d.workers.len().to_string()));
        let learner =
            if card.model_type == ModelKind::Xgboost { "xgboost_collective" } else { d.tree_learner.as_str() };
        params.push(("distributed.tree_learner".into(), learner.into()));
    }
    let mut metrics = vec![
        MetricPoint { key: "validation_macro_f1".into(), value: fit.summary.validation_macro_f1, step: 0 },
        MetricPoint { key: "validation_span_f1".into(), value: fit.summary.validation_span_f1, step: 0 },
    ];
    for (key, v) in [
        ("test_macro_f1", fit.summary.test_macro_f1),
        ("test_span_f1", fit.summary.test_span_f1),
        ("test_baseline_macro_f1", fit.summary.test_baseline_macro_f1),
        ("validation_pattern_f1", fit.summary.validation_pattern_f1),
        ("validation_balanced_accuracy", fit.summary.validation_balanced_accuracy),
        ("test_pattern_f1", fit.summary.test_pattern_f1),
        ("test_balanced_accuracy", fit.summary.test_balanced_accuracy),
        ("test_exact_boundary_share", fit.summary.test_exact_boundary_share),
    ] {
        if let Some(value) = v {
            metrics.push(MetricPoint { key: key.into(), value, step: 0 });
        }
    }
    metrics.extend(fit.history.iter().map(|h| MetricPoint {
        key: h.name.clone(),
        value: h.value,
        step: h.round as i64,
    }));
    if let Some(search) = fit.search {
        // One step per trial: its cross-validated log-loss and settings.
        for (i, trial) in search.trials.iter().enumerate() {
            metrics.push(MetricPoint { key: "search_cv_logloss".into(), value: trial.cv_logloss, step: i as i64 });
            for (name, value) in &trial.params {
                metrics.push(MetricPoint { key: format!("search_{name}"), value: *value, step: i as i64 });
            }
        }
        params.push(("search.trials".into(), search.trials.len().to_string()));
        params.push(("search.best_trial".into(), search.best.to_string()));
        params.push(("search.folds".into(), search.folds.to_string()));
    }
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
