//! Registry: atomic publishing (half-written versions are invisible), champion moves only on
//! improvement, promote, look-ups (NO_MODEL / MODEL_NOT_FOUND), corrupt files (CORRUPT_MODEL),
//! concurrent readers/writers, and serving through damage: a damaged champion falls back to the
//! newest intact version, a damaged `aliases.json` hides no version, abandoned staging folders go.
use engine::dataset::{Encoding, RowSpec, WindowLabel};
use engine::features::{FeatureConfig, Selection};
use engine::inference::ModelServer;
use engine::models::{
    model_from_bytes, BoostedTreeParams, DatasetView, FeatureMatrix, Fit, FitControl, FittedModel, ModelKind,
    ModelParams,
};
use engine::registry::{self, MetricsSummary, ModelCard, Registry};
use std::path::Path;
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
    let view = DatasetView { x: &x, y: &y, weights: None, n_classes: 3 };
    let cancel = AtomicBool::new(false);
    params(kind).fit(&view, Some(&view), &FitControl { cancel: &cancel, progress: &|_| {} }).unwrap().model
}

/// The feature config whose two columns (`body`, `range`) the tiny models read.
fn two_features() -> FeatureConfig {
    FeatureConfig {
        geometry: Selection::Names(vec!["body".into(), "range".into()]),
        indicators: Selection::All(false),
        patterns: Selection::All(false),
        lags: 0,
    }
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
        feature_names: vec!["body".into(), "range".into()],
        feature_config: two_features(),
        rows: RowSpec {
            encoding: Encoding::Windowed,
            window: 1,
            stride: 1,
            lookahead: 0,
            window_label: WindowLabel::End,
            context: 0,
        },
        params: params(model.kind()),
        rounds: 3,
        decoder: None,
        config_hash: "c".into(),
        data_hash: "d".into(),
        metrics: MetricsSummary {
            validation_macro_f1,
            validation_span_f1: 0.0,
            test_macro_f1: None,
            test_span_f1: None,
            test_baseline_macro_f1: None,
            validation_pattern_f1: None,
            validation_balanced_accuracy: None,
            test_pattern_f1: None,
            test_balanced_accuracy: None,
            test_exact_boundary_share: None,
        },
        train_series: vec![],
        test_series: vec![],
        created_at: "2024-01-01T00:00:00Z".into(),
        git_commit: None,
    }
}

fn publish(reg: &Registry, model: &dyn FittedModel, f1: f64) -> registry::Published {
    let staged = reg.stage().unwrap();
    staged.write_file(model.kind().model_file_name(), &model.to_bytes().unwrap()).unwrap();
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
    assert_eq!(registry::promote(dir.path(), "v9").unwrap_err().code(), "MODEL_NOT_FOUND");
    let listed: Vec<String> = reg.list().unwrap().into_iter().map(|v| v.version).collect();
    assert_eq!(listed, ["v0001", "v0002", "v0003", "v0004"]);
}

#[test]
fn versions_are_folders_and_a_symlink_to_one_counts() {
    // The listing takes each entry's type from the directory (no stat per version): a plain
    // file named like a version is not one, and a symlink is followed as before.
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::open(dir.path()).unwrap();
    publish(&reg, fit(ModelKind::Lightgbm).as_ref(), 0.5);
    let versions = dir.path().join("versions");
    std::fs::write(versions.join("v0009"), b"not a folder").unwrap();
    assert_eq!(reg.resolve("latest").unwrap().version, "v0001");
    assert_eq!(reg.resolve("v0009").unwrap_err().code(), "MODEL_NOT_FOUND");
    std::os::unix::fs::symlink(versions.join("v0001"), versions.join("v0002")).unwrap();
    assert_eq!(reg.resolve("latest").unwrap().version, "v0002");
    let listed: Vec<String> = reg.list().unwrap().into_iter().map(|v| v.version).collect();
    assert_eq!(listed, ["v0001", "v0002"]);
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
    // No temp file is left next to aliases.json; the lock file stays, unlocked and empty.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".takeover-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(std::fs::read(dir.path().join("aliases.lock")).unwrap(), b"");
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
        for bad in [&good[..good.len() / 3], b"not a model at all".as_slice(), &[0u8, 159, 146, 150][..]] {
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

/// v0001 (0.5), v0002 (0.4), v0003 (0.6, champion), v0004 (0.3): the newest version is not the
/// champion, and the newest intact one after a damaged v0004 is v0003.
fn four_versions(root: &Path) -> Registry {
    let reg = Registry::open(root).unwrap();
    let model = fit(ModelKind::Lightgbm);
    for f1 in [0.5, 0.4, 0.6, 0.3] {
        publish(&reg, model.as_ref(), f1);
    }
    assert_eq!(reg.resolve("champion").unwrap().version, "v0003");
    reg
}

/// A way to damage a version's folder, and its name.
type Damage = (&'static str, fn(&Path));

/// Every way a version's files can be damaged on disk; each leaves the version unservable.
fn damage_kinds() -> Vec<Damage> {
    fn model_file(dir: &Path) -> std::path::PathBuf {
        dir.join(ModelKind::Lightgbm.model_file_name())
    }
    vec![
        ("one flipped byte", |d| {
            let mut b = std::fs::read(model_file(d)).unwrap();
            let mid = b.len() / 2;
            b[mid] ^= 0x5a;
            std::fs::write(model_file(d), b).unwrap();
        }),
        ("truncated model", |d| {
            let b = std::fs::read(model_file(d)).unwrap();
            std::fs::write(model_file(d), &b[..b.len() / 3]).unwrap();
        }),
        ("empty model", |d| std::fs::write(model_file(d), b"").unwrap()),
        ("garbage model", |d| std::fs::write(model_file(d), b"tree\nversion=v4\nnot a model").unwrap()),
        ("model deleted", |d| std::fs::remove_file(model_file(d)).unwrap()),
        ("model is a folder", |d| {
            std::fs::remove_file(model_file(d)).unwrap();
            std::fs::create_dir(model_file(d)).unwrap();
        }),
        ("model.json deleted", |d| std::fs::remove_file(d.join("model.json")).unwrap()),
        ("model.json garbage", |d| std::fs::write(d.join("model.json"), b"\x00\xffnot json").unwrap()),
        ("model.json truncated", |d| {
            let b = std::fs::read(d.join("model.json")).unwrap();
            std::fs::write(d.join("model.json"), &b[..b.len() / 2]).unwrap();
        }),
        ("model.json with another hash", |d| {
            let text = std::fs::read_to_string(d.join("model.json")).unwrap();
            let mut card: serde_json::Value = serde_json::from_str(&text).unwrap();
            card["modelSha256"] = "0".repeat(64).into();
            std::fs::write(d.join("model.json"), serde_json::to_vec(&card).unwrap()).unwrap();
        }),
        ("model.json names a file outside", |d| {
            let text = std::fs::read_to_string(d.join("model.json")).unwrap();
            let mut card: serde_json::Value = serde_json::from_str(&text).unwrap();
            card["modelFile"] = "../../aliases.json".into();
            std::fs::write(d.join("model.json"), serde_json::to_vec(&card).unwrap()).unwrap();
        }),
        ("version folder deleted", |d| std::fs::remove_dir_all(d).unwrap()),
        ("version folder replaced by a file", |d| {
            std::fs::remove_dir_all(d).unwrap();
            std::fs::write(d, b"x").unwrap();
        }),
    ]
}

#[test]
fn a_damaged_champion_falls_back_to_the_newest_intact_version() {
    for (what, damage) in damage_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let reg = four_versions(dir.path());
        // Also make v0004 (the newest) unusable, so the fallback must skip it too.
        std::fs::write(dir.path().join("versions/v0004").join(ModelKind::Lightgbm.model_file_name()), b"x").unwrap();
        damage(&dir.path().join("versions/v0003"));

        let server = ModelServer::open(dir.path()).unwrap();
        let served = server.serve("champion").unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(served.model.info.version, "v0002", "{what}");
        let fallback = served.fallback.expect(what);
        assert_eq!(fallback.requested, "champion", "{what}");
        assert_eq!(fallback.unavailable_version.as_deref(), Some("v0003"), "{what}");
        assert_eq!(fallback.served_version, "v0002", "{what}");
        assert!(["CORRUPT_MODEL", "MODEL_NOT_FOUND", "IO_ERROR"].contains(&fallback.code.as_str()), "{what}");
        assert!(!fallback.reason.contains(&dir.path().display().to_string()), "{what}: server path in {fallback:?}");
        // modelInfo says the same.
        let info = server.info("champion").unwrap();
        assert_eq!(info.version, "v0002", "{what}");
        assert_eq!(info.fallback.as_ref().map(|f| f.served_version.as_str()), Some("v0002"), "{what}");
        // So does modelRequirements, with the served version's own candle needs.
        let needs = server.requirements("champion").unwrap();
        assert_eq!((needs.version.as_str(), needs.min_candles), ("v0002", info.min_candles), "{what}");
        assert_eq!(needs.fallback, info.fallback, "{what}");
        // Asked for by name, the damaged version is an error, never another version.
        let named = server.serve("v0003").err().unwrap_or_else(|| panic!("{what}: v0003 served"));
        assert!(["CORRUPT_MODEL", "MODEL_NOT_FOUND", "IO_ERROR"].contains(&named.code()), "{what}: {named}");
        // An intact version by name is served as it is, without a fallback note.
        let v1 = server.serve("v1").unwrap();
        assert!(v1.fallback.is_none() && v1.model.info.version == "v0001");
        let named = server.requirements("v1").unwrap();
        assert!(named.fallback.is_none() && named.version == "v0001" && named.min_candles == v1.model.min_candles());
        drop(reg);
    }
}

/// A server that trusts file stamps at once keeps every name it resolves: each change to the
/// registry must then be noticed through the stamps of its files alone.
#[test]
fn a_kept_resolution_notices_every_change_to_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let reg = four_versions(dir.path());
    let server = ModelServer::open(dir.path()).unwrap().with_settle_time(std::time::Duration::ZERO);
    let version = |name: &str| server.get(name).map(|m| m.info.version.clone());
    for (name, expected) in [("champion", "v0003"), ("latest", "v0004"), ("v1", "v0001"), ("2", "v0002")] {
        assert!(!server.reuses_resolution(name), "{name}");
        assert_eq!(version(name).unwrap(), expected);
        assert!(server.reuses_resolution(name), "{name}");
        assert_eq!(version(name).unwrap(), expected);
    }
    // Past the file system's timestamp tick before each change, as the settle time ensures when
    // serving: a change within the tick of the read could leave the stamps as they were.
    let tick = || std::thread::sleep(std::time::Duration::from_millis(20));
    tick();
    registry::promote(dir.path(), "v1").unwrap(); // aliases.json replaced, as by another process
    assert!(!server.reuses_resolution("champion"));
    assert_eq!(version("champion").unwrap(), "v0001");
    tick();
    publish(&reg, fit(ModelKind::Lightgbm).as_ref(), 0.1);
    assert_eq!(version("latest").unwrap(), "v0005");
    tick();
    std::fs::remove_dir_all(dir.path().join("versions/v0002")).unwrap();
    assert_eq!(server.get("2").err().unwrap().code(), "MODEL_NOT_FOUND");
    tick();
    edit_card(dir.path(), "v0001", |c| c["format"] = serde_json::json!(7));
    assert_eq!(server.get("v1").err().unwrap().code(), "CORRUPT_MODEL");
    edit_card(dir.path(), "v0001", |c| c["format"] = serde_json::json!(1));
    assert_eq!(version("v1").unwrap(), "v0001");

    // Every kind of damage to a kept champion is noticed on the next call, which falls back.
    for (what, damage) in damage_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let _reg = four_versions(dir.path());
        let server = ModelServer::open(dir.path()).unwrap().with_settle_time(std::time::Duration::ZERO);
        assert_eq!(server.serve("champion").unwrap().model.info.version, "v0003", "{what}");
        assert!(server.reuses_resolution("champion"), "{what}");
        tick();
        damage(&dir.path().join("versions/v0003"));
        let served = server.serve("champion").unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(served.model.info.version, "v0004", "{what}");
        assert_eq!(served.fallback.map(|f| f.unavailable_version), Some(Some("v0003".into())), "{what}");
    }
}

/// Rewrites a published version's card (the hash still matching its model file).
fn edit_card(dir: &std::path::Path, version: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("versions").join(version).join("model.json");
    let mut card: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut card);
    std::fs::write(&path, serde_json::to_vec(&card).unwrap()).unwrap();
}

#[test]
fn cards_that_disagree_with_themselves_or_the_model_are_corrupt() {
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 9] = [
        ("garbage class names", |c| c["classNames"] = serde_json::json!(["background", "\u{1}\u{2}", "b"])),
        ("classes not made from the labels", |c| c["classNames"] = serde_json::json!(["background", "b", "a"])),
        ("a duplicate label", |c| {
            c["labels"] = serde_json::json!(["a", "a"]);
            c["classNames"] = serde_json::json!(["background", "a", "a"]);
        }),
        ("an absurd look-ahead", |c| c["rows"]["lookahead"] = serde_json::json!(1_000_000_000u64)),
        ("a huge window", |c| c["rows"]["window"] = serde_json::json!(usize::MAX / 2)),
        ("a window the model was not trained on", |c| c["rows"]["window"] = serde_json::json!(3)),
        ("misstated features", |c| c["featureNames"] = serde_json::json!(["body", "upper_shadow"])),
        ("a feature config for other features", |c| {
            c["featureConfig"]["geometry"] = serde_json::json!(["body", "range", "gap"]);
            c["featureNames"] = serde_json::json!(["body", "range", "gap"]);
        }),
        ("another format", |c| c["format"] = serde_json::json!(7)),
    ];
    for (what, edit) in edits {
        let dir = tempfile::tempdir().unwrap();
        let reg = Registry::open(dir.path()).unwrap();
        let model = fit(ModelKind::Lightgbm);
        let version = publish(&reg, model.as_ref(), 0.5).info.version;
        edit_card(dir.path(), &version, edit);
        let info = reg.resolve(&version).unwrap();
        let err = reg.load_model(&info).unwrap_err();
        assert_eq!(err.code(), "CORRUPT_MODEL", "{what}: {err}");
        let served = engine::inference::ModelServer::open(dir.path()).unwrap().get(&version).err().unwrap();
        assert_eq!(served.code(), "CORRUPT_MODEL", "{what}: {served}");
    }
}

#[test]
fn damage_after_loading_is_noticed_and_a_repair_is_served_again() {
    let dir = tempfile::tempdir().unwrap();
    let _reg = four_versions(dir.path());
    let server = ModelServer::open(dir.path()).unwrap();
    assert!(server.serve("champion").unwrap().fallback.is_none());
    let file = dir.path().join("versions/v0003").join(ModelKind::Lightgbm.model_file_name());
    let good = std::fs::read(&file).unwrap();
    std::fs::write(&file, &good[..good.len() - 10]).unwrap();
    let served = server.serve("champion").unwrap();
    assert_eq!(served.model.info.version, "v0004");
    assert_eq!(served.fallback.unwrap().code, "CORRUPT_MODEL");
    // Asked again: still the fallback (the damaged file is not re-read while it is unchanged).
    assert_eq!(server.serve("champion").unwrap().model.info.version, "v0004");
    std::fs::write(&file, &good).unwrap();
    let repaired = server.serve("champion").unwrap();
    assert_eq!(repaired.model.info.version, "v0003");
    assert!(repaired.fallback.is_none());
}

#[test]
fn every_version_damaged_is_an_error_not_a_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let _reg = four_versions(dir.path());
    for v in ["v0001", "v0002", "v0003", "v0004"] {
        std::fs::write(dir.path().join("versions").join(v).join(ModelKind::Lightgbm.model_file_name()), b"x").unwrap();
    }
    let server = ModelServer::open(dir.path()).unwrap();
    assert_eq!(server.serve("champion").err().unwrap().code(), "CORRUPT_MODEL");
    assert_eq!(server.serve("latest").err().unwrap().code(), "CORRUPT_MODEL");
    // An unknown alias is not damage: no fallback.
    assert_eq!(server.serve("best").err().unwrap().code(), "MODEL_NOT_FOUND");
}

#[test]
fn a_damaged_aliases_file_hides_no_version_and_the_next_promote_repairs_it() {
    let garbage: [&[u8]; 6] =
        [b"{\"champion\": ", b"[\"v0003\"]", b"{\"champion\": 3}", b"", b"\xff\xfe\x00", b"{\"champion\": \"../v1\"}"];
    for bytes in garbage {
        let dir = tempfile::tempdir().unwrap();
        let reg = four_versions(dir.path());
        std::fs::write(dir.path().join("aliases.json"), bytes).unwrap();
        let what = String::from_utf8_lossy(bytes).into_owned();
        assert!(reg.alias_table().damage.is_some(), "{what}");
        assert_eq!(reg.list().unwrap().len(), 4, "{what}");
        for v in ["v0001", "v2", "3", "latest"] {
            reg.resolve(v).unwrap_or_else(|e| panic!("{what}: {v}: {e}"));
        }
        assert_eq!(reg.resolve("champion").unwrap_err().code(), "CORRUPT_MODEL", "{what}");
        let server = ModelServer::open(dir.path()).unwrap();
        let served = server.serve("champion").unwrap();
        assert_eq!(served.model.info.version, "v0004", "{what}: the newest intact version");
        let fallback = served.fallback.unwrap();
        assert_eq!((fallback.code.as_str(), fallback.unavailable_version), ("CORRUPT_MODEL", None), "{what}");

        registry::promote(dir.path(), "v0001").unwrap();
        assert_eq!(reg.alias_table().damage, None, "{what}: promote rewrote the file");
        assert_eq!(reg.resolve("champion").unwrap().version, "v0001", "{what}");
        assert!(server.serve("champion").unwrap().fallback.is_none());
    }
    // A folder where the file should be: the versions stay reachable by name.
    let dir = tempfile::tempdir().unwrap();
    let reg = four_versions(dir.path());
    std::fs::remove_file(dir.path().join("aliases.json")).unwrap();
    std::fs::create_dir(dir.path().join("aliases.json")).unwrap();
    assert_eq!(reg.resolve("v0002").unwrap().version, "v0002");
    assert_eq!(ModelServer::open(dir.path()).unwrap().serve("champion").unwrap().model.info.version, "v0004");
}

#[test]
fn abandoned_staging_folders_are_removed_live_ones_stay() {
    let dir = tempfile::tempdir().unwrap();
    let reg = four_versions(dir.path());
    let staging = dir.path().join(".staging");
    // A live writer in this process.
    let live = reg.stage().unwrap();
    live.write_file("model.lgb.txt", b"half").unwrap();
    // A writer killed mid-write: its folder and its (no longer held) lock file.
    std::fs::create_dir(staging.join("killed")).unwrap();
    std::fs::write(staging.join("killed/model.lgb.txt"), b"half").unwrap();
    std::fs::write(staging.join("killed.lock"), b"").unwrap();
    // A writer in another process, alive, then killed with SIGKILL.
    std::fs::create_dir(staging.join("other")).unwrap();
    let lock = staging.join("other.lock");
    std::fs::write(&lock, b"").unwrap();
    // One process that takes the lock and keeps it (exec: the shell becomes `sleep`, holding fd 9).
    let mut holder = std::process::Command::new("sh")
        .args(["-c", "exec 9>\"$0\"; flock 9; exec sleep 60"])
        .arg(&lock)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::File::open(&lock).unwrap().try_lock().is_ok() {
        assert!(std::time::Instant::now() < deadline, "flock never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // A folder of the old layout (no lock file), recent: kept; and a stray lock without a folder.
    std::fs::create_dir(staging.join("recent-unlocked")).unwrap();
    std::fs::write(staging.join("stray.lock"), b"").unwrap();

    // A server start cleans up.
    let _server = ModelServer::open(dir.path()).unwrap();
    let mut left: Vec<String> =
        std::fs::read_dir(&staging).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    let live_name = live.dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut expected = vec![live_name.clone(), format!("{live_name}.lock"), "other".into(), "other.lock".into()];
    expected.push("recent-unlocked".into());
    expected.sort();
    assert_eq!(left, expected);

    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(reg.clean_staging(), 1, "the killed process's folder");
    assert!(!staging.join("other").exists() && !lock.exists());

    // The live one publishes normally, and leaves nothing behind.
    let model = fit(ModelKind::Lightgbm);
    live.write_file(model.kind().model_file_name(), &model.to_bytes().unwrap()).unwrap();
    let published = reg.publish(live, card(model.as_ref(), 0.1)).unwrap();
    assert_eq!(published.info.version, "v0005");
    let mut left: Vec<String> =
        std::fs::read_dir(&staging).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["recent-unlocked"]);
}

#[test]
fn nan_thresholds_and_leaves_are_corrupt() {
    let text = String::from_utf8(fit(ModelKind::Lightgbm).to_bytes().unwrap()).unwrap();
    for key in ["threshold=", "leaf_value="] {
        let damaged: String = text
            .lines()
            .map(|l| match l.strip_prefix(key) {
                Some(values) => {
                    let mut v: Vec<&str> = values.split(' ').collect();
                    v[0] = "nan";
                    format!("{key}{}\n", v.join(" "))
                }
                None => format!("{l}\n"),
            })
            .collect();
        assert_ne!(damaged, text);
        let err = model_from_bytes(ModelKind::Lightgbm, damaged.as_bytes(), 3).expect_err(key);
        assert_eq!(err.code(), "CORRUPT_MODEL", "{key}: {err}");
        assert!(err.to_string().contains("NaN") || err.to_string().contains("not finite"), "{err}");
    }
}
