//! The pipeline config as a caller names it: `{ configPath }` (a YAML file; relative paths
//! resolve against the parent of its folder) or `{ config, rootDir? }` (the same structure
//! inline; relative paths resolve against `rootDir`, the current folder by default). The addon's
//! `train` and `findLabelErrors` take this shape (`TrainConfig` in the typings).
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::PipelineConfig;
use crate::error::{EngineError, Result};

const SHAPE: &str = "expected { configPath } or { config, rootDir? }";

/// Reads the config `source` names (see the module docs); every shape error is `INVALID_CONFIG`.
pub fn load(source: Value) -> Result<PipelineConfig> {
    let invalid = |m: String| EngineError::InvalidConfig(m);
    let Value::Object(mut fields) = source else {
        return Err(invalid(format!("train: {SHAPE}")));
    };
    if let Some(path) = fields.remove("configPath") {
        if !fields.is_empty() {
            return Err(invalid(format!(
                "train: unexpected keys beside configPath: {:?}",
                fields.keys().collect::<Vec<_>>()
            )));
        }
        let path = path.as_str().ok_or_else(|| invalid("train: configPath must be a string".into()))?;
        return PipelineConfig::from_file(Path::new(path));
    }
    let root = match fields.remove("rootDir") {
        Some(Value::String(dir)) => PathBuf::from(dir),
        None => std::env::current_dir().map_err(|e| EngineError::io("current directory", e))?,
        Some(_) => return Err(invalid("train: rootDir must be a string".into())),
    };
    let body = fields.remove("config").ok_or_else(|| invalid(format!("train: {SHAPE}")))?;
    if !fields.is_empty() {
        return Err(invalid(format!("train: unexpected keys: {:?}", fields.keys().collect::<Vec<_>>())));
    }
    let mut cfg: PipelineConfig = serde_json::from_value(body).map_err(|e| invalid(format!("pipeline config: {e}")))?;
    cfg.root_dir = root;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_that_are_not_a_config_source_are_invalid_config() {
        for bad in [
            json!(null),
            json!([]),
            json!({}),
            json!({ "configPath": 3 }),
            json!({ "configPath": "x.yaml", "rootDir": "." }),
            json!({ "config": {}, "rootDir": 1 }),
            json!({ "config": {}, "extra": true }),
        ] {
            assert_eq!(load(bad.clone()).unwrap_err().code(), "INVALID_CONFIG", "{bad}");
        }
    }

    #[test]
    fn a_missing_file_is_an_io_error_and_an_inline_config_takes_its_root() {
        let err = load(json!({ "configPath": "/nonexistent/pipeline.yaml" })).unwrap_err();
        assert_eq!(err.code(), "IO_ERROR", "{err}");
        let err = load(json!({ "config": { "bogus": 1 }, "rootDir": "/tmp" })).unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
    }
}
