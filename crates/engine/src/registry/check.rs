//! A version is checked in full when it is loaded, so a damaged or hand-edited card or model
//! file is `CORRUPT_MODEL` at once instead of predicting something else: the card must be
//! consistent in itself (classes from labels, feature names from the feature config, row bounds)
//! and with the model (class and feature counts). The model files' own values (NaN thresholds or
//! leaves) are checked by their loaders (`models::lightgbm`, XGBoost's JSON parse).
use super::ModelCard;
use crate::dataset::Encoding;
use crate::error::{EngineError, Result};
use crate::models::FittedModel;

/// The card `format` this engine writes and reads.
pub const CARD_FORMAT: u32 = 1;
/// Candles per row a card may name (the configs in use have 1–20).
pub const MAX_WINDOW: usize = 4096;
/// Candles after the target a row may see (the config allows below 64).
pub const MAX_LOOKAHEAD: usize = 63;
/// Characters in a label.
pub const MAX_LABEL_CHARS: usize = 200;

fn corrupt(card: &ModelCard, message: String) -> EngineError {
    EngineError::CorruptModel(format!("model.json of {}: {message}", card.version))
}

/// What a checked card yields for serving: the candles a request needs for its first prediction.
pub struct CheckedCard {
    pub min_candles: usize,
}

/// Checks a card against itself (before the model file is read).
pub fn check_card(card: &ModelCard) -> Result<CheckedCard> {
    let bad = |m: String| Err(corrupt(card, m));
    if card.format != CARD_FORMAT {
        return bad(format!("format {} is not {CARD_FORMAT}, the one this engine reads", card.format));
    }
    if card.params.kind() != card.model_type {
        return bad(format!("modelType {} but parameters of {}", card.model_type, card.params.kind()));
    }
    check_labels(card)?;
    let rows = &card.rows;
    if !(1..=MAX_WINDOW).contains(&rows.window) {
        return bad(format!("rows.window {} is outside 1..={MAX_WINDOW}", rows.window));
    }
    if rows.context > MAX_WINDOW {
        return bad(format!("rows.context {} is more than {MAX_WINDOW}", rows.context));
    }
    if rows.lookahead > MAX_LOOKAHEAD {
        return bad(format!("rows.lookahead {} is more than {MAX_LOOKAHEAD}", rows.lookahead));
    }
    if rows.stride == 0 || (rows.encoding == Encoding::Bio && rows.stride != 1) {
        return bad(format!("rows.stride {} does not fit the {} encoding", rows.stride, rows.encoding.as_str()));
    }
    let plan = card.feature_config.plan().map_err(|e| corrupt(card, format!("featureConfig: {e}")))?;
    if plan.names() != card.feature_names {
        return bad(format!(
            "featureNames ({} names) are not the features its featureConfig computes ({} names)",
            card.feature_names.len(),
            plan.names().len()
        ));
    }
    let warmup = plan.warmup();
    // first target (after the features' warm-up, the window and the price context) + look-ahead + 1:
    // small numbers here, all bounded above.
    let min_candles = rows.first_target(warmup) + rows.lookahead + 1;
    Ok(CheckedCard { min_candles })
}

/// Labels are unique, non-empty, printable and not a background name; the class names are
/// exactly what the encoding makes of them (background first).
fn check_labels(card: &ModelCard) -> Result<()> {
    let bad = |m: String| Err(corrupt(card, m));
    if card.labels.is_empty() {
        return bad("it lists no labels".into());
    }
    let encoding = card.rows.encoding;
    for (i, label) in card.labels.iter().enumerate() {
        let printable = !label.trim().is_empty()
            && label.chars().count() <= MAX_LABEL_CHARS
            && !label.chars().any(char::is_control)
            && label.trim() == label;
        if !printable || label == crate::dataset::BIO_OUTSIDE || label == crate::dataset::BACKGROUND {
            return bad(format!("labels[{i}] {:?} is not a usable label", preview(label)));
        }
        if card.labels[..i].contains(label) {
            return bad(format!("labels[{i}] '{label}' is listed twice"));
        }
    }
    let expected =
        encoding.class_names(&card.labels, |l| encoding.extra_class(l).is_some_and(|c| card.class_names.contains(&c)));
    if expected != card.class_names {
        let shown: Vec<String> = card.class_names.iter().take(8).map(|c| format!("{:?}", preview(c))).collect();
        return bad(format!(
            "classNames [{}{}] are not the {} classes of its labels",
            shown.join(", "),
            if card.class_names.len() > 8 { ", …" } else { "" },
            encoding.as_str()
        ));
    }
    Ok(())
}

/// At most 40 characters of a value, for messages.
fn preview(value: &str) -> String {
    value.chars().take(40).collect()
}

/// Checks the loaded model against its card: the class count and the row width.
pub fn check_model(card: &ModelCard, model: &dyn FittedModel) -> Result<()> {
    if model.n_classes() != card.class_names.len() {
        return Err(corrupt(
            card,
            format!("the model has {} classes, the card lists {}", model.n_classes(), card.class_names.len()),
        ));
    }
    let width = card.rows.window.checked_mul(card.feature_names.len());
    if width != Some(model.n_features()) {
        return Err(corrupt(
            card,
            format!(
                "the model reads {} values per row, the card describes {} ({} candles x {} features)",
                model.n_features(),
                width.map_or_else(|| "too many".to_string(), |w| w.to_string()),
                card.rows.window,
                card.feature_names.len()
            ),
        ));
    }
    Ok(())
}
