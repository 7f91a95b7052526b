//! `labels.similar`: the "find similar" search as a labelling function in the training pipeline.
//! People's spans of a label are the examples; the search's spans train like TA-Lib's, never over
//! a person's span; bad entries fail validation before any data is read.
mod train_support;

use engine::similar::SimilarLabelConfig;
use train_support::{parse, small_config, train};

const LGBM: &str = "  type: lightgbm\n  rounds: 5";

/// Two AAPL spans (2004-01-02 .. 2004-02-13, 2006-05-01 .. 2006-06-09) a person labelled "double top".
fn human_spans(dir: &std::path::Path) -> String {
    let file = dir.join("spans.json");
    std::fs::write(
        &file,
        r#"[
          {"symbol":"AAPL","start":"2004-01-02","end":"2004-02-13","label":"double top","source":"human"},
          {"symbol":"AAPL","start":"2006-05-01","end":"2006-06-09","label":"double top","source":"similar"}
        ]"#,
    )
    .unwrap();
    file.display().to_string()
}

#[test]
fn search_results_become_training_spans_of_the_label() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = parse(&small_config(dir.path(), LGBM, ""));
    cfg.labels.annotations = vec![human_spans(dir.path())];
    cfg.labels.similar = vec![SimilarLabelConfig {
        label: "double top".into(),
        channels: Default::default(),
        stretch: 0.1,
        max_results: 12,
        min_similarity: 0.8,
    }];
    let outcome = train(&cfg).unwrap();
    let report = &outcome.labels;
    assert_eq!(report.similar_spans_found, 12, "{report:?}");
    // Both human spans (one accepted from an earlier search: source similar) plus the new ones.
    assert_eq!(report.human_spans, 2);
    let double_tops = report.spans_per_label.get("double top").copied().unwrap_or(0);
    assert!(double_tops >= 12, "{report:?}");
}

#[test]
fn bad_entries_fail_validation() {
    let dir = tempfile::tempdir().unwrap();
    let base = small_config(dir.path(), LGBM, "");
    let with = |entry: &str| base.replace("  min_examples: 5\n", &format!("  min_examples: 5\n  similar: [{entry}]\n"));
    for (entry, expect) in [
        ("{ label: double top, stretch: 0.9 }", "stretch"),
        ("{ label: double top, max_results: 0 }", "max_results"),
        ("{ label: double top, min_similarity: 2 }", "min_similarity"),
        ("{ label: ' ' }", "label is empty"),
        ("{ label: double top }, { label: double top }", "listed twice"),
    ] {
        let err = parse(&with(entry)).validate().unwrap_err();
        assert_eq!(err.code(), "INVALID_CONFIG", "{entry}");
        assert!(err.to_string().contains(expect), "{entry}: {err}");
    }
    let unknown = engine::config::PipelineConfig::from_yaml_str(&with("{ label: x, colour: red }"), ".").unwrap_err();
    assert!(unknown.to_string().contains("colour"), "{unknown}");
    let classes =
        with("{ label: double top }").replace("  min_examples: 5\n", "  min_examples: 5\n  classes: [doji]\n");
    let err = parse(&classes).validate().unwrap_err();
    assert!(err.to_string().contains("not in labels.classes"), "{err}");
    // No human span of the label to search with: a coded error naming the entry.
    let mut cfg = parse(&with("{ label: head and shoulders }"));
    cfg.labels.annotations = vec![human_spans(dir.path())];
    let err = train(&cfg).unwrap_err();
    assert_eq!(err.code(), "INVALID_ANNOTATIONS");
    assert!(err.to_string().contains("labels.similar[0]"), "{err}");
}
