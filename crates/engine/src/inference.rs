//! Serving registered models in-process: resolve a version or alias on every call (so a moved
//! `champion` is served at once), load each version once and share it between concurrent calls,
//! and turn per-candle probabilities back into labelled spans.
use crate::candles::Candles;
use crate::dataset::feature_rows;
use crate::error::{EngineError, Result};
use crate::evaluation::decode_spans;
use crate::features::compute_features;
use crate::models::FittedModel;
use crate::registry::{Registry, VersionInfo};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PredictOptions {
    /// A version (`v0003`, `3`) or alias (`champion`, `latest`); `champion` by default.
    pub model: Option<String>,
    /// Drop spans whose confidence is below this (0..=1).
    pub min_confidence: Option<f64>,
    /// Keep only spans with these labels.
    pub labels: Option<Vec<String>>,
    /// Also return per-candle probabilities, entropy and margin.
    #[serde(default)]
    pub per_candle: bool,
    /// Shortest span (candles) to report; 1 by default.
    pub min_length: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanPrediction {
    /// Inclusive candle indices into the request's candles.
    pub start: usize,
    pub end: usize,
    pub start_time: f64,
    pub end_time: f64,
    pub label: String,
    /// Mean probability of the label over the span's candles.
    pub confidence: f64,
}

/// Per-candle model output; `None` where a candle has no prediction (warm-up, look-ahead).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PerCandle {
    pub class_names: Vec<String>,
    /// One row per candle, one probability per class.
    pub probabilities: Vec<Option<Vec<f64>>>,
    /// Shannon entropy of the class distribution (nats): high = uncertain.
    pub entropy: Vec<Option<f64>>,
    /// Top-1 minus top-2 probability: low = uncertain.
    pub margin: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelRef {
    pub name: String,
    pub version: String,
    #[serde(rename = "type")]
    pub model_type: crate::models::ModelKind,
    pub trained_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prediction {
    pub spans: Vec<SpanPrediction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_candle: Option<PerCandle>,
    pub model: ModelRef,
}

/// A loaded version, shared by every call that resolves to it.
pub struct LoadedModel {
    pub info: VersionInfo,
    model: Box<dyn FittedModel>,
    /// Candles a request needs for the first prediction (computed once, at load).
    min_candles: usize,
}

/// The models of one registry directory.
pub struct ModelServer {
    registry: Registry,
    loaded: Mutex<HashMap<String, Arc<LoadedModel>>>,
}

/// The registry a call uses when it names none: `$CANDLE_MODELS_DIR`, else `models/` under the
/// working directory.
pub fn default_registry_root() -> PathBuf {
    std::env::var_os("CANDLE_MODELS_DIR").filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("models"))
}

/// One server per registry root for the whole process, so the addon's calls share loaded models.
pub fn server_for(root: &Path) -> Result<Arc<ModelServer>> {
    static SERVERS: OnceLock<Mutex<HashMap<PathBuf, Arc<ModelServer>>>> = OnceLock::new();
    let mut servers = SERVERS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(server) = servers.get(root) {
        return Ok(server.clone());
    }
    let server = Arc::new(ModelServer::open(root)?);
    servers.insert(root.to_path_buf(), server.clone());
    Ok(server)
}

impl ModelServer {
    pub fn open(root: &Path) -> Result<Self> {
        Ok(ModelServer { registry: Registry::open(root)?, loaded: Mutex::new(HashMap::new()) })
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Resolves `version_or_alias` now and returns that version, loading it on first use.
    pub fn get(&self, version_or_alias: &str) -> Result<Arc<LoadedModel>> {
        let info = self.registry.resolve(version_or_alias)?;
        if let Some(found) = self.cache().get(&info.version) {
            return Ok(found.clone());
        }
        // Load outside the lock: a slow load must not stall calls for other versions.
        let model = self.registry.load_model(&info)?;
        let min_candles = min_candles(&info)?;
        let loaded = Arc::new(LoadedModel { info, model, min_candles });
        let mut cache = self.cache();
        Ok(cache.entry(loaded.info.version.clone()).or_insert(loaded).clone())
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<LoadedModel>>> {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn predict(&self, candles: &Candles, options: &PredictOptions) -> Result<Prediction> {
        if let Some(c) = options.min_confidence {
            if !(0.0..=1.0).contains(&c) {
                return Err(EngineError::InvalidArgument(format!("minConfidence must be within 0..=1, got {c}")));
            }
        }
        if options.min_length == Some(0) {
            return Err(EngineError::InvalidArgument("minLength must be at least 1".into()));
        }
        let loaded = self.get(options.model.as_deref().unwrap_or("champion"))?;
        loaded.predict(candles, options)
    }
}

/// Candles a request needs for the first prediction: feature warm-up, window, look-ahead.
fn min_candles(info: &VersionInfo) -> Result<usize> {
    let card = &info.card;
    let warmup = card.feature_config.max_lookback()?;
    Ok(card.rows.first_target(warmup) + card.rows.lookahead + 1)
}

impl LoadedModel {
    pub fn min_candles(&self) -> usize {
        self.min_candles
    }

    pub fn model_ref(&self) -> ModelRef {
        let card = &self.info.card;
        ModelRef {
            name: card.name.clone(),
            version: card.version.clone(),
            model_type: card.model_type,
            trained_at: card.created_at.clone(),
        }
    }

    pub fn predict(&self, candles: &Candles, options: &PredictOptions) -> Result<Prediction> {
        candles.validate_non_empty()?;
        let card = &self.info.card;
        let needed = self.min_candles;
        if candles.len() < needed {
            return Err(EngineError::TooFewCandles(format!(
                "model {} needs at least {needed} candles (feature warm-up, window and look-ahead), got {}",
                card.version,
                candles.len()
            )));
        }
        if let Some(labels) = &options.labels {
            if let Some(unknown) = labels.iter().find(|l| !card.labels.contains(l)) {
                return Err(EngineError::InvalidArgument(format!(
                    "label '{unknown}' is not one of model {}'s labels: {}",
                    card.version,
                    card.labels.join(", ")
                )));
            }
        }
        let frame = compute_features(candles, &card.feature_config)?;
        let (matrix, targets) = feature_rows(&frame, &card.rows.every_candle())?;
        let probabilities = self.model.predict_proba(&matrix)?;
        let min_len = options.min_length.unwrap_or(1);
        let min_confidence = options.min_confidence.unwrap_or(0.0);
        let spans = decode_spans(&probabilities, &card.class_names, card.rows.encoding, min_len)
            .into_iter()
            .filter(|s| s.confidence >= min_confidence)
            .filter(|s| options.labels.as_ref().is_none_or(|keep| keep.contains(&s.label)))
            .map(|s| {
                let (start, end) = (targets[s.start], targets[s.end]);
                SpanPrediction {
                    start,
                    end,
                    start_time: candles.time[start],
                    end_time: candles.time[end],
                    label: s.label,
                    confidence: s.confidence,
                }
            })
            .collect();
        let per_candle = options.per_candle.then(|| {
            let n = candles.len();
            let mut out = PerCandle {
                class_names: card.class_names.clone(),
                probabilities: vec![None; n],
                entropy: vec![None; n],
                margin: vec![None; n],
            };
            for (row, &t) in targets.iter().enumerate() {
                let p = probabilities.row(row);
                out.entropy[t] = Some(entropy(p));
                out.margin[t] = Some(margin(p));
                out.probabilities[t] = Some(p.to_vec());
            }
            out
        });
        Ok(Prediction { spans, per_candle, model: self.model_ref() })
    }
}

fn entropy(p: &[f64]) -> f64 {
    -p.iter().filter(|v| **v > 0.0).map(|v| v * v.ln()).sum::<f64>()
}

fn margin(p: &[f64]) -> f64 {
    let (mut first, mut second) = (0.0f64, 0.0f64);
    for &v in p {
        if v > first {
            second = first;
            first = v;
        } else if v > second {
            second = v;
        }
    }
    first - second
}

/// `modelInfo`: the card, its aliases and the per-class metrics of `metrics.json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    pub name: String,
    pub version: String,
    #[serde(rename = "type")]
    pub model_type: crate::models::ModelKind,
    pub aliases: Vec<String>,
    pub trained_at: String,
    pub labels: Vec<String>,
    pub class_names: Vec<String>,
    pub feature_names: Vec<String>,
    pub min_candles: usize,
    pub summary: crate::registry::MetricsSummary,
    /// `metrics.json`: per-class precision/recall/F1/support, confusion matrix, PR-AUC, span metrics.
    pub metrics: serde_json::Value,
    /// Plot files (SVG) of this version.
    pub plots: Vec<PathBuf>,
    pub git_commit: Option<String>,
    pub config_hash: String,
    pub data_hash: String,
}

impl ModelServer {
    pub fn info(&self, version_or_alias: &str) -> Result<ModelInfo> {
        let loaded = self.get(version_or_alias)?;
        let info = &loaded.info;
        let card = &info.card;
        let metrics_path = info.dir.join("metrics.json");
        let metrics = match std::fs::read(&metrics_path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| EngineError::CorruptModel(format!("{}: {e}", metrics_path.display())))?,
            Err(e) => return Err(EngineError::io_path("read", &metrics_path, e)),
        };
        let mut plots: Vec<PathBuf> = std::fs::read_dir(&info.dir)
            .map_err(|e| EngineError::io_path("list", &info.dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "svg"))
            .collect();
        plots.sort();
        Ok(ModelInfo {
            name: card.name.clone(),
            version: card.version.clone(),
            model_type: card.model_type,
            aliases: info.aliases.clone(),
            trained_at: card.created_at.clone(),
            labels: card.labels.clone(),
            class_names: card.class_names.clone(),
            feature_names: card.feature_names.clone(),
            min_candles: loaded.min_candles(),
            summary: card.metrics.clone(),
            metrics,
            plots,
            git_commit: card.git_commit.clone(),
            config_hash: card.config_hash.clone(),
            data_hash: card.data_hash.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_and_margin() {
        assert!((entropy(&[0.5, 0.5]) - std::f64::consts::LN_2).abs() < 1e-12);
        assert_eq!(entropy(&[1.0, 0.0]), 0.0);
        assert!((margin(&[0.2, 0.7, 0.1]) - 0.5).abs() < 1e-12);
    }
}
