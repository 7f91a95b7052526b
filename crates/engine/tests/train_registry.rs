//! Registry: atomic publishing (half-written versions are invisible), champion moves only on
//! improvement, promote, look-ups (NO_MODEL / MODEL_NOT_FOUND), corrupt files (CORRUPT_MODEL),
//! and concurrent readers/writers.
use engine::dataset::{Encoding, RowSpec, WindowLabel};
use engine::models::{
    model_from_bytes, BoostedTreeParams, DatasetView, FeatureMatrix, Fit, FitControl, FittedModel, ModelKind,
    ModelParams,
};
use engine::registry::{self, MetricsSummary, ModelCard, Registry};
use std::sync::atomic::AtomicBool;

fn params(kind: ModelKind) -> ModelParams {
    let p = BoostedTreeParams {
        rounds: 3,
        learning_rate: 0.3,
        num_leaves: 7,
        max_depth: 3,
        min_samples_leaf: 2,
        min_child_weight: 1.0,
        row_subsample: 1.0,
        feature_subsample: 1.0,
        l2: 1.0,
        early_stopping_rounds: None,
        threads: 1,
        seed: 1,
    };
    match kind {
        ModelKind::Xgboost => ModelParams::Xgboost(p),
        _ => ModelParams::Lightgbm(p),
    }
}

/// A tiny 3-class problem: the class is which third of [0, 3) the first feature falls in.
fn tiny_data() -> (FeatureMatrix, Vec<u32>) {
    let mut values = Vec::new();
    let mut y = Vec::new();
    for i in 0..300 {
        let v = (i % 300) as f32 / 100.0;
        values.extend([v, (i % 7) as f32]);
        y.push(v as u32);
    }
    (FeatureMatrix::new(values, 1, 2).unwrap(), y)
}

fn fit(kind: ModelKind) -> Box<dyn FittedModel> {
    let (x, y) = tiny_data();
    let view = DatasetView {
        x: &x,
        y: &y,
        weights: None,
        n_classes: 3,
    };
    let cancel = AtomicBool::new(false);
    params(kind)
        .fit(
            &view,
            Some(&view),
            &FitControl {
                cancel: &cancel,
                progress: &|_| {},
            },
        )
        .unwrap()
        .model
}

fn card(model: &dyn FittedModel, validation_macro_f1: f64) -> ModelCard {
    let bytes = model.to_bytes().unwrap();
    ModelCard {
        format: 1,
        version: String::new(),
        name: "test".into(),
        model_type: model.kind(),
        model_file: model.kind().model_file_name().into(),
        model_sha256: registry::sha256_hex(&bytes),
        class_names: vec!["background".into(), "a".into(), "b".into()],
        labels: vec!["a".into(), "b".into()],
        feature_names: vec!["f0".into(), "f1".into()],
        feature_config: Default::default(),
        rows: RowSpec {
            encoding: Encoding::Windowed,
            window: 1,
            stride: 1,
            lookahead: 0,
            window_label: WindowLabel::End,
        },
        params: params(model.kind()),
        rounds: 3,
        config_hash: "c".into(),
        data_hash: "d".into(),
        metrics: MetricsSummary {
            validation_macro_f1,
            validation_span_f1: 0.0,
            test_macro_f1: None,
            test_span_f1: None,
            test_baseline_macro_f1: None,
        },
        train_series: vec![],
        test_series: vec![],
        created_at: "2024-01-01T00:00:00Z".into(),
        git_commit: None,
    }
}

fn publish(reg: &Registry, model: &dyn FittedModel, f1: f64) -> registry::Published {
    let staged = reg.stage().unwrap();
    staged
        .write_file(model.kind().model_file_name(), &model.to_bytes().unwrap())
        .unwrap();
    reg.publish(staged, card(model, f1)).unwrap()
}

#[test]
fn empty_registry_and_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::open(dir.path().join("models")).unwrap();
    assert!(reg.list().unwrap().is_empty());
    for name in ["champion", "latest", "v0001"] {
        assert_eq!(reg.resolve(name).unwrap_err().code(), "NO_MODEL");
    }
    let model = fit(ModelKind::Lightgbm);
    let first = publish(&reg, model.as_ref(), 0.5);
    assert_eq!(first.info.version, "v0001");
    for name in ["champion", "latest", "v0001", "v1", "1"] {
        assert_eq!(reg.resolve(name).unwrap().version, "v0001", "{name}");
    }
    for name in ["v0002", "staging", ""] {
        assert_eq!(reg.resolve(name).unwrap_err().code(), "MODEL_NOT_FOUND", "{name}");
    }
}

#[test]
fn champion_moves_only_on_improvement_and_promote_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::open(dir.path()).unwrap();
    let model = fit(ModelKind::Lightgbm);
    let v1 = publish(&reg, model.as_ref(), 0.50);
    assert!(v1.champion_moved && v1.previous_champion.is_none());
    let v2 = publish(&reg, model.as_ref(), 0.40);
    assert!(!v2.champion_moved);
    assert_eq!(reg.resolve("champion").unwrap().version, "v0001");
    let v3 = publish(&reg, model.as_ref(), 0.50); // a tie is no improvement
    assert!(!v3.champion_moved);
    let v4 = publish(&reg, model.as_ref(), 0.61);
    assert!(v4.champion_moved);
    assert_eq!(v4.previous_champion.as_deref(), Some("v0001"));
    assert_eq!(reg.resolve("champion").unwrap().version, "v0004");
    assert_eq!(reg.resolve("latest").unwrap().version, "v0004");

    let promoted = registry::promote(dir.path(), "v2").unwrap();
    assert_eq!(promoted.version, "v0002");
    assert_eq!(promoted.aliases, ["champion"]);
    assert_eq!(reg.resolve("champion").unwrap().version, "v0002");
    assert_eq!(
        registry::promote(dir.path(), "v9").unwrap_err().code(),
        "MODEL_NOT_FOUND"
    );
    let listed: Vec<String> = reg.list().unwrap().into_iter().map(|v| v.version).collect();
    assert_eq!(listed, ["v0001", "v0002", "v0003", "v0004"]);
}

#[test]
fn half_written_versions_are_invisible() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::open(dir.path()).unwrap();
    let model = fit(ModelKind::Lightgbm);

    // A crash mid-write: files in a staging folder, never published.
    let staged = reg.stage().unwrap();
    staged.write_file("model.lgb.txt", b"tree\nversion=v4\n").unwrap();
    let staged_dir = staged.dir.clone();
    std::mem::forget(staged); // simulate the process dying: no clean-up runs
    assert!(staged_dir.is_dir());
    assert!(reg.list().unwrap().is_empty());
    assert_eq!(reg.resolve("latest").unwrap_err().code(), "NO_MODEL");

    // A dropped (failed or cancelled) staging folder is removed.
    let staged = reg.stage().unwrap();
    let dropped_dir = staged.dir.clone();
    drop(staged);
    assert!(!dropped_dir.exists());

    let published = publish(&reg, model.as_ref(), 0.3);
    assert_eq!(published.info.version, "v0001");
    assert_eq!(reg.list().unwrap().len(), 1);
    // No temp file is left next to aliases.json.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn corrupt_models_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::open(dir.path()).unwrap();
    for kind in [ModelKind::Lightgbm, ModelKind::Xgboost] {
        let model = fit(kind);
        let published = publish(&reg, model.as_ref(), 0.1);
        let info = reg.resolve(&published.info.version).unwrap();
        reg.load_model(&info).unwrap();

        // One flipped byte: caught by the recorded hash.
        let path = info.model_path();
        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x5a;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(reg.load_model(&info).unwrap_err().code(), "CORRUPT_MODEL", "{kind}");

        // Truncated or garbage bytes, straight to the loader (no hash in the way).
        let good = model.to_bytes().unwrap();
        for bad in [
            &good[..good.len() / 3],
            b"not a model at all".as_slice(),
            &[0u8, 159, 146, 150][..],
        ] {
            let err = model_from_bytes(kind, bad, 3).expect_err("must not load");
            assert_eq!(err.code(), "CORRUPT_MODEL", "{kind}: {err}");
        }
        // The right bytes with the wrong class count.
        assert_eq!(model_from_bytes(kind, &good, 4).err().unwrap().code(), "CORRUPT_MODEL");

        std::fs::remove_file(&path).unwrap();
        assert_eq!(reg.load_model(&info).unwrap_err().code(), "CORRUPT_MODEL");
    }
    // A damaged model.json.
    let card_path = dir.path().join("versions/v0001/model.json");
    std::fs::write(&card_path, b"{\"format\": 1").unwrap();
    assert_eq!(reg.resolve("v0001").unwrap_err().code(), "CORRUPT_MODEL");
}

#[test]
fn save_load_round_trip_gives_the_same_probabilities() {
    let (x, _) = tiny_data();
    for kind in [ModelKind::Lightgbm, ModelKind::Xgboost] {
        let model = fit(kind);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(kind.model_file_name());
        model.save(&path).unwrap();
        let loaded = engine::models::load_model_file(kind, &path, 3).unwrap();
        let (a, b) = (model.predict_proba(&x).unwrap(), loaded.predict_proba(&x).unwrap());
        assert_eq!(a, b, "{kind}");
        assert!((0..a.n_rows).all(|i| (a.row(i).iter().sum::<f64>() - 1.0).abs() < 1e-9));
    }
}

#[test]
fn concurrent_publishers_and_readers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let model_bytes = fit(ModelKind::Lightgbm).to_bytes().unwrap();
    let first = {
        let reg = Registry::open(&root).unwrap();
        let m = model_from_bytes(ModelKind::Lightgbm, &model_bytes, 3).unwrap();
        publish(&reg, m.as_ref(), 0.0)
    };
    assert_eq!(first.info.version, "v0001");
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        // Readers: every look-up succeeds and every champion loads, while writers publish.
        for _ in 0..2 {
            s.spawn(|| {
                let reg = Registry::open(&root).unwrap();
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let info = reg.resolve("champion").unwrap();
                    reg.load_model(&info).unwrap();
                    assert!(!reg.list().unwrap().is_empty());
                }
            });
        }
        let writers: Vec<_> = (0..3)
            .map(|w| {
                let (root, bytes) = (&root, &model_bytes);
                s.spawn(move || {
                    let reg = Registry::open(root).unwrap();
                    let m = model_from_bytes(ModelKind::Lightgbm, bytes, 3).unwrap();
                    (0..4)
                        .map(|i| publish(&reg, m.as_ref(), (w * 4 + i) as f64 / 100.0).info.version)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut versions: Vec<String> = writers.into_iter().flat_map(|h| h.join().unwrap()).collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        versions.sort();
        versions.dedup();
        assert_eq!(versions.len(), 12, "two publishers claimed one version number");
    });
    let reg = Registry::open(&root).unwrap();
    assert_eq!(reg.list().unwrap().len(), 13);
    // The best validation score (0.11, from writer 2) is champion.
    assert_eq!(reg.resolve("champion").unwrap().card.metrics.validation_macro_f1, 0.11);
}

#[test]
fn damaged_model_bytes_never_crash_the_loader() {
    for kind in [ModelKind::Lightgbm, ModelKind::Xgboost] {
        let good = fit(kind).to_bytes().unwrap();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for i in 0..300 {
            let mut bad = good.clone();
            if i % 2 == 0 {
                bad.truncate(next(good.len()));
            } else {
                for _ in 0..1 + next(3) {
                    let at = next(bad.len());
                    bad[at] = b" =\n0123456789-.Tabcxyz"[next(22)];
                }
            }
            // Either a model or CORRUPT_MODEL: never a crash, never another code.
            if let Err(e) = model_from_bytes(kind, &bad, 3) {
                assert_eq!(e.code(), "CORRUPT_MODEL", "{kind}: {e}");
            }
        }
    }
}
