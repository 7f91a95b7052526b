//! The pipeline config's JSON Schema (`config/pipeline.schema.json`) comes from the engine's
//! serde types (schemars; doc comments become descriptions): editors validate and complete
//! `config/*.yaml` with it, and `__test__/config-schema.spec.js` checks it accepts the shipped
//! configs and refuses what the engine refuses. This test fails when the committed file is
//! stale; `UPDATE_CONFIG_SCHEMA=1 cargo test -p engine --test config_schema` rewrites it.
use std::path::PathBuf;

use engine::config::PipelineConfig;

fn render() -> String {
    let mut schema = schemars::schema_for!(PipelineConfig);
    schema.insert("$id".into(), "https://candle-annotator.local/schemas/pipeline.schema.json".into());
    schema.insert("title".into(), "Candle Annotator pipeline config (config/pipeline.yaml)".into());
    schema.insert(
        "$comment".into(),
        "Generated from crates/engine/src/config.rs and the types it names by crates/engine/tests/config_schema.rs; \
         do not edit."
            .into(),
    );
    serde_json::to_string_pretty(&schema).unwrap() + "\n"
}

#[test]
fn pipeline_schema_is_generated_from_the_config_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/pipeline.schema.json");
    let want = render();
    if std::env::var_os("UPDATE_CONFIG_SCHEMA").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "config/pipeline.schema.json is stale: run `UPDATE_CONFIG_SCHEMA=1 cargo test --release -p engine --test config_schema`"
    );
}
