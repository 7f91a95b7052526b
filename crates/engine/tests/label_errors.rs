//! The label-error finder on real candles with known, injected mistakes: TA-Lib's spans on two
//! real daily series stand in for careful human labels, a share of them get a wrong label, and
//! some "phantom" spans are drawn where no pattern is. The finder must rank the mistakes first.
mod train_support;

use engine::autolabel::{auto_label, AutoLabelOptions};
use engine::import::{import_csv_file, ImportOptions};
use engine::label_errors::{find_label_errors, LabelErrorOptions, LabelErrorReport};
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use train_support::{parse, repo_root};

const LABELS: [&str; 4] = ["engulfing", "harami", "hammer", "doji"];

struct Noisy {
    corrupted: HashSet<String>,
    clean: HashSet<String>,
}

/// Writes the span file: non-overlapping TA-Lib spans of AAPL and MSFT as human records, every
/// 12th relabelled to another pattern and one phantom doji per 25 spans on pattern-free candles.
fn write_noisy_spans(file: &Path) -> Noisy {
    let mut records = Vec::new();
    let mut noisy = Noisy { corrupted: HashSet::new(), clean: HashSet::new() };
    for symbol in ["AAPL", "MSFT"] {
        let path = repo_root().join(format!("data/samples/{}_daily.csv", symbol.to_lowercase()));
        let candles = import_csv_file(&path, &ImportOptions::default()).unwrap().series.remove(0).candles;
        let found = auto_label(
            &candles,
            &AutoLabelOptions { patterns: Some(LABELS.iter().map(|s| s.to_string()).collect()), ..Default::default() },
        )
        .unwrap()
        .spans
        .to_rows();
        let mut spans = found.clone();
        spans.sort_by_key(|s| (s.start, s.end));
        let mut taken = vec![false; candles.len()];
        let mut kept = Vec::new();
        for s in spans {
            if (s.start..=s.end).any(|c| taken[c]) {
                continue;
            }
            (s.start..=s.end).for_each(|c| taken[c] = true);
            kept.push(s);
        }
        // Candles no TA-Lib pattern of these four touches (with a margin) host the phantoms.
        let mut near_pattern = vec![false; candles.len()];
        for s in &found {
            (s.start.saturating_sub(3)..=(s.end + 3).min(candles.len() - 1)).for_each(|c| near_pattern[c] = true);
        }
        let free: Vec<usize> = (100..candles.len()).filter(|&c| !near_pattern[c] && !taken[c]).collect();
        let time = |i: usize| candles.time[i];
        for (i, s) in kept.iter().enumerate() {
            let id = format!("{symbol}-{i}");
            let mut label = s.label.clone();
            if i % 12 == 5 {
                let at = LABELS.iter().position(|l| *l == label).unwrap();
                label = LABELS[(at + 1 + i % 3) % LABELS.len()].to_string();
                noisy.corrupted.insert(id.clone());
            } else {
                noisy.clean.insert(id.clone());
            }
            records.push(serde_json::json!({
                "id": id, "symbol": symbol, "start": time(s.start), "end": time(s.end), "label": label, "source": "human",
            }));
        }
        for (j, &c) in
            free.iter().step_by((free.len() / (kept.len() / 25).max(1)).max(1)).take(kept.len() / 25).enumerate()
        {
            let id = format!("{symbol}-phantom-{j}");
            noisy.corrupted.insert(id.clone());
            records.push(serde_json::json!({
                "id": id, "symbol": symbol, "start": time(c), "end": time(c), "label": "doji", "source": "human",
            }));
        }
    }
    std::fs::write(file, serde_json::to_vec(&serde_json::json!({ "annotations": records })).unwrap()).unwrap();
    noisy
}

fn config(out: &Path, spans: &Path) -> engine::config::PipelineConfig {
    parse(&format!(
        r#"
seed: 7
data:
  series:
    - {{ path: data/samples/aapl_daily.csv, symbol: AAPL }}
    - {{ path: data/samples/msft_daily.csv, symbol: MSFT }}
features: {{ geometry: true, indicators: false, patterns: false, lags: 3 }}
labels: {{ annotations: [{spans}], min_examples: 5 }}
dataset: {{ encoding: bio, window: 2, lookahead: 1, output_dir: {out}/dataset }}
split: {{ train: 0.7, validation: 0.15, test: 0.15 }}
balance: {{ mode: class_weights, max_weight: 20 }}
registry: {{ root: {out}/models }}
model: {{ type: lightgbm, rounds: 40, learning_rate: 0.1, num_leaves: 15, min_samples_leaf: 10 }}
"#,
        out = out.display(),
        spans = spans.display()
    ))
}

fn run(folds: usize) -> (LabelErrorReport, Noisy, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let spans = dir.path().join("spans.json");
    let noisy = write_noisy_spans(&spans);
    let cfg = config(dir.path(), &spans);
    let stages = std::sync::Mutex::new(Vec::<(String, f64)>::new());
    let report = find_label_errors(
        &cfg,
        &LabelErrorOptions { folds: Some(folds) },
        &|stage, f| stages.lock().unwrap().push((stage.to_string(), f)),
        &AtomicBool::new(false),
    )
    .unwrap();
    let stages = stages.into_inner().unwrap();
    assert!(stages.windows(2).all(|w| w[1].1 >= w[0].1), "progress only rises");
    assert_eq!(stages.last().unwrap(), &("rank".to_string(), 1.0));
    (report, noisy, dir)
}

#[test]
fn ranks_injected_label_errors_first() {
    let (report, noisy, _dir) = run(4);
    let n_corrupt = noisy.corrupted.len();
    assert!(n_corrupt >= 40, "enough injected errors to measure ({n_corrupt})");
    assert_eq!(report.folds, 4);
    assert_eq!(report.issues.len() + report.unscored.len(), n_corrupt + noisy.clean.len());
    // Only spans inside the feature warm-up (the first few candles) have no rows.
    assert!(report.unscored.iter().all(|u| u.end < 30), "{:?}", report.unscored);
    for (i, issue) in report.issues.iter().enumerate() {
        assert_eq!(issue.rank, i + 1);
        assert!((0.0..=1.0 + 1e-9).contains(&issue.self_confidence));
        assert!(issue.rows >= 1);
        assert_ne!(issue.suggested_label, issue.label);
        if i > 0 {
            assert!(issue.self_confidence >= report.issues[i - 1].self_confidence);
        }
    }

    // AUROC of "low self-confidence" as a detector of the injected errors: the share of
    // (injected, clean) pairs in which the injected span ranks first.
    let is_bad = |id: &Option<String>| noisy.corrupted.contains(id.as_deref().unwrap());
    let (mut bad_seen, mut pairs_ok) = (0usize, 0usize);
    for issue in &report.issues {
        if is_bad(&issue.id) {
            bad_seen += 1;
        } else {
            pairs_ok += bad_seen;
        }
    }
    let n_bad = report.issues.iter().filter(|i| is_bad(&i.id)).count();
    let auroc = pairs_ok as f64 / (n_bad * (report.issues.len() - n_bad)) as f64;
    let top = &report.issues[..n_bad];
    let precision_at_n = top.iter().filter(|i| is_bad(&i.id)).count() as f64 / n_bad as f64;
    let flagged_bad = report.issues.iter().filter(|i| i.likely_error && is_bad(&i.id)).count() as f64 / n_bad as f64;
    let flagged_clean = report.issues.iter().filter(|i| i.likely_error && !is_bad(&i.id)).count() as f64
        / (report.issues.len() - n_bad) as f64;
    println!(
        "label errors: {} spans, {n_bad} injected; AUROC {auroc:.3}, precision@{n_bad} {precision_at_n:.3}, flagged {flagged_bad:.3} of injected vs {flagged_clean:.3} of clean; out-of-fold accuracy {:.3}",
        report.issues.len(),
        report.out_of_fold_accuracy
    );
    assert!(auroc >= 0.85, "AUROC {auroc}");
    assert!(precision_at_n >= 0.5, "precision@{n_bad} {precision_at_n}");
    assert!(flagged_bad >= 0.5 && flagged_clean <= 0.1, "flagged {flagged_bad} vs {flagged_clean}");

    // A phantom doji on a plain candle should be pointed at "no pattern".
    let phantoms: Vec<_> = report.issues.iter().filter(|i| i.id.as_deref().unwrap().contains("phantom")).collect();
    let to_background = phantoms.iter().filter(|i| i.suggested_label == "background").count();
    assert!(
        to_background * 2 >= phantoms.len(),
        "{to_background} of {} phantoms suggested as background",
        phantoms.len()
    );
}

#[test]
fn bad_options_and_inputs_are_coded_errors() {
    let dir = tempfile::tempdir().unwrap();
    let spans = dir.path().join("spans.json");
    write_noisy_spans(&spans);
    let cfg = config(dir.path(), &spans);
    let never = AtomicBool::new(false);
    for folds in [0, 1, 11] {
        let err = find_label_errors(&cfg, &LabelErrorOptions { folds: Some(folds) }, &|_, _| {}, &never).unwrap_err();
        assert_eq!(err.code(), "INVALID_ARGUMENT", "{err}");
    }
    let cancelled = AtomicBool::new(true);
    let err = find_label_errors(&cfg, &LabelErrorOptions::default(), &|_, _| {}, &cancelled).unwrap_err();
    assert_eq!(err.code(), "CANCELLED");

    // TA-Lib spans only: nothing a person labelled, so nothing to rank.
    let talib_only = parse(&train_support::small_config(dir.path(), "  type: lightgbm\n  rounds: 5", ""));
    let err = find_label_errors(&talib_only, &LabelErrorOptions::default(), &|_, _| {}, &never).unwrap_err();
    assert_eq!(err.code(), "INVALID_ANNOTATIONS", "{err}");
}
