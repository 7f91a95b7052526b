//! The validated, sanitised content of one run, and its log-batch requests cut within MLflow's
//! per-request limits (`mlflow/utils/validation.py`).
use std::collections::HashMap;

use serde_json::{json, Value};

use super::artifacts::{check_artifact_path, split_artifact_dir};
use super::keys::{truncate_with_note, KeyMap};
use super::{RunRecord, TAG_RENAMED_KEYS, TAG_SKIPPED_NONFINITE, TAG_SKIPPED_NONFINITE_KEYS, TAG_TRUNCATED_PARAMS};
use crate::error::{EngineError, Result};

// MLflow's limits (mlflow/utils/validation.py).
const MAX_METRICS_PER_BATCH: usize = 1000;
const MAX_PARAMS_TAGS_PER_BATCH: usize = 100;
const MAX_ENTITIES_PER_BATCH: usize = 1000;
/// MLflow's client keeps a log-batch request under 1 MB; we stay below that with margin.
const MAX_BATCH_BYTES: usize = 900_000;
const MAX_PARAM_VAL_LENGTH: usize = 6000;
const MAX_TAG_VAL_LENGTH: usize = 8000;
const MAX_EXPERIMENT_NAME_LENGTH: usize = 500;

enum Entry {
    Param(String, String),
    Tag(String, String),
    Metric(String, f64, i64),
}

pub(super) struct Plan {
    /// Sent with runs/create (so they exist even if a later batch fails).
    pub(super) create_tags: Vec<(String, String)>,
    entries: Vec<Entry>,
}

impl Plan {
    pub(super) fn new(run: &RunRecord) -> Result<Plan> {
        let bad = |msg: String| Err(EngineError::InvalidArgument(msg));
        let exp = run.experiment.trim();
        if exp.is_empty() {
            return bad("MLflow run: the experiment name is empty".into());
        }
        if exp.chars().count() > MAX_EXPERIMENT_NAME_LENGTH {
            return bad(format!("MLflow experiment name is longer than {MAX_EXPERIMENT_NAME_LENGTH} characters"));
        }
        for (path, dir) in &run.artifacts {
            let meta = std::fs::metadata(path).map_err(|e| EngineError::io_path("artifact to upload", path, e))?;
            if !meta.is_file() {
                return bad(format!("MLflow artifact {} is not a regular file", path.display()));
            }
            match path.file_name().and_then(|n| n.to_str()) {
                Some(n) if !n.is_empty() => check_artifact_path(n)?,
                _ => return bad(format!("MLflow artifact {}: no UTF-8 file name", path.display())),
            }
            check_artifact_path(dir)?;
        }
        if let Some(reg) = &run.register {
            let name = &reg.model_name;
            if name.trim().is_empty() || name.contains(['/', ':']) || name.starts_with('.') || name != name.trim() {
                return bad(format!(
                    "MLflow registered model name {name:?} is invalid (non-empty, no '/' or ':', \
                     no leading '.' or surrounding spaces)"
                ));
            }
            check_artifact_path(&reg.artifact_path)?;
            let want = split_artifact_dir(&reg.artifact_path);
            let covered = run.artifacts.iter().any(|(_, d)| {
                let d = split_artifact_dir(d);
                d.len() >= want.len() && d[..want.len()] == want[..]
            });
            if !covered {
                return bad(format!(
                    "MLflow registration of {name:?}: artifact_path {:?} holds none of this run's \
                     artifacts",
                    reg.artifact_path
                ));
            }
            if let Some(alias) = &reg.alias {
                let ok_chars = alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                let reserved = alias.eq_ignore_ascii_case("latest")
                    || (alias.len() > 1
                        && alias.starts_with(['v', 'V'])
                        && alias[1..].chars().all(|c| c.is_ascii_digit()));
                if alias.is_empty() || !ok_chars || reserved || alias.len() > 255 {
                    return bad(format!(
                        "MLflow model alias {alias:?} is invalid (letters, digits, '_' and '-'; \
                         'latest' and 'v<N>' are reserved)"
                    ));
                }
            }
        }

        let mut renamed: Vec<String> = Vec::new();
        let mut entries = Vec::new();

        // Params: unique keys (MLflow refuses duplicates in a batch and changed values later).
        let mut keys = KeyMap::default();
        let mut truncated = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (k, v) in &run.params {
            let key = keys.get(k, &mut renamed);
            let value = truncate_with_note(v, MAX_PARAM_VAL_LENGTH);
            if value.len() != v.len() {
                truncated.push(key.clone());
            }
            match seen.get(&key) {
                // The same param twice: the last value wins.
                Some(&i) => entries[i] = Entry::Param(key, value),
                None => {
                    seen.insert(key.clone(), entries.len());
                    entries.push(Entry::Param(key, value));
                }
            }
        }

        // Metrics: finite values only.
        let mut keys = KeyMap::default();
        let mut skipped = 0usize;
        let mut skipped_keys: Vec<String> = Vec::new();
        let mut metric_entries = Vec::new();
        for m in &run.metrics {
            let key = keys.get(&m.key, &mut renamed);
            if m.value.is_finite() {
                metric_entries.push(Entry::Metric(key, m.value, m.step));
            } else {
                skipped += 1;
                if !skipped_keys.contains(&key) {
                    skipped_keys.push(key);
                }
            }
        }

        // Tags: ours first, the caller's override them (last wins).
        let mut tags: Vec<(String, String)> = vec![
            ("mlflow.source.type".into(), "LOCAL".into()),
            ("mlflow.source.name".into(), "candle-annotator".into()),
        ];
        if let Some(user) = std::env::var("USER").ok().or_else(|| std::env::var("USERNAME").ok()) {
            if !user.is_empty() {
                tags.push(("mlflow.user".into(), user));
            }
        }
        let mut keys = KeyMap::default();
        for (k, v) in &run.tags {
            let key = keys.get(k, &mut renamed);
            tags.push((key, truncate_with_note(v, MAX_TAG_VAL_LENGTH)));
        }
        if skipped > 0 {
            tags.push((TAG_SKIPPED_NONFINITE.into(), skipped.to_string()));
            tags.push((
                TAG_SKIPPED_NONFINITE_KEYS.into(),
                truncate_with_note(&skipped_keys.join(","), MAX_TAG_VAL_LENGTH),
            ));
        }
        if !truncated.is_empty() {
            tags.push((TAG_TRUNCATED_PARAMS.into(), truncate_with_note(&truncated.join(","), MAX_TAG_VAL_LENGTH)));
        }
        if !renamed.is_empty() {
            tags.push((TAG_RENAMED_KEYS.into(), truncate_with_note(&renamed.join("; "), MAX_TAG_VAL_LENGTH)));
        }
        let mut dedup: Vec<(String, String)> = Vec::new();
        let mut idx: HashMap<String, usize> = HashMap::new();
        for (k, v) in tags {
            if k == "mlflow.runName" {
                continue; // set from run_name
            }
            match idx.get(&k) {
                Some(&i) => dedup[i].1 = v,
                None => {
                    idx.insert(k.clone(), dedup.len());
                    dedup.push((k, v));
                }
            }
        }
        // Small tags go with runs/create; big ones in batches.
        let (create_tags, batch_tags): (Vec<_>, Vec<_>) =
            dedup.into_iter().enumerate().partition(|(i, (k, v))| *i < 50 && k.len() + v.len() < 1000);
        let create_tags = create_tags.into_iter().map(|(_, kv)| kv).collect();
        entries.extend(batch_tags.into_iter().map(|(_, (k, v))| Entry::Tag(k, v)));
        entries.extend(metric_entries);
        Ok(Plan { create_tags, entries })
    }

    /// log-batch bodies (without run_id), each within MLflow's per-request limits.
    pub(super) fn batches(&self, timestamp: i64) -> Vec<Value> {
        let mut out = Vec::new();
        let (mut params, mut tags, mut metrics) = (Vec::new(), Vec::new(), Vec::new());
        let mut bytes = 0usize;
        for e in &self.entries {
            let (v, size) = match e {
                Entry::Param(k, v) => {
                    let j = json!({"key": k, "value": v});
                    let n = j.to_string().len() + 1;
                    (j, n)
                }
                Entry::Tag(k, v) => {
                    let j = json!({"key": k, "value": v});
                    let n = j.to_string().len() + 1;
                    (j, n)
                }
                Entry::Metric(k, value, step) => {
                    let j = json!({"key": k, "value": value, "timestamp": timestamp, "step": step});
                    let n = j.to_string().len() + 1;
                    (j, n)
                }
            };
            let full = match e {
                Entry::Param(..) => params.len() >= MAX_PARAMS_TAGS_PER_BATCH,
                Entry::Tag(..) => tags.len() >= MAX_PARAMS_TAGS_PER_BATCH,
                Entry::Metric(..) => metrics.len() >= MAX_METRICS_PER_BATCH,
            } || params.len() + tags.len() + metrics.len() >= MAX_ENTITIES_PER_BATCH
                || bytes + size > MAX_BATCH_BYTES;
            if full && params.len() + tags.len() + metrics.len() > 0 {
                out.push(json!({
                    "params": std::mem::take(&mut params),
                    "tags": std::mem::take(&mut tags),
                    "metrics": std::mem::take(&mut metrics),
                }));
                bytes = 0;
            }
            bytes += size;
            match e {
                Entry::Param(..) => params.push(v),
                Entry::Tag(..) => tags.push(v),
                Entry::Metric(..) => metrics.push(v),
            }
        }
        if params.len() + tags.len() + metrics.len() > 0 {
            out.push(json!({"params": params, "tags": tags, "metrics": metrics}));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::MetricPoint;

    #[test]
    fn batches_respect_mlflow_limits() {
        let run = RunRecord {
            experiment: "e".into(),
            run_name: "r".into(),
            params: (0..250).map(|i| (format!("p{i}"), "v".repeat(5000))).collect(),
            metrics: (0..2500)
                .map(|i| MetricPoint { key: format!("m{}", i % 7), value: i as f64, step: i })
                .chain([MetricPoint { key: "bad".into(), value: f64::NAN, step: 0 }])
                .collect(),
            tags: (0..150).map(|i| (format!("t{i}"), "w".repeat(2000))).collect(),
            ..Default::default()
        };
        let plan = Plan::new(&run).unwrap();
        let batches = plan.batches(1);
        let (mut p, mut t, mut m) = (0, 0, 0);
        for b in &batches {
            let (bp, bt, bm) = (
                b["params"].as_array().unwrap().len(),
                b["tags"].as_array().unwrap().len(),
                b["metrics"].as_array().unwrap().len(),
            );
            assert!(bp <= 100 && bt <= 100 && bm <= 1000 && bp + bt + bm <= 1000);
            assert!(b.to_string().len() < 1_000_000);
            p += bp;
            t += bt;
            m += bm;
        }
        assert_eq!(p, 250);
        assert_eq!(m, 2500);
        let mut all_tags: Vec<(String, String)> = plan.create_tags.clone();
        for b in &batches {
            for t in b["tags"].as_array().unwrap() {
                all_tags.push((t["key"].as_str().unwrap().into(), t["value"].as_str().unwrap().into()));
            }
        }
        assert_eq!(all_tags.len(), t + plan.create_tags.len());
        assert!(all_tags.len() >= 150 + 2);
        assert!(all_tags.iter().any(|(k, v)| k == TAG_SKIPPED_NONFINITE && v == "1"));
        assert!(all_tags.iter().any(|(k, v)| k == TAG_SKIPPED_NONFINITE_KEYS && v == "bad"));
    }
}
