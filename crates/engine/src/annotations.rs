//! Annotation ingestion: span files (JSON or CSV, format in `docs/formats.md`) → spans on candle
//! indices, merged with TA-Lib auto-labels (humans win; conflicts counted), checked for the
//! problems that make a bad training set (every one an `InvalidAnnotations` naming the span).
use crate::autolabel::{Direction, LabelSpan};
use crate::dataset::SpanLabel;
use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Who made a span. Everything but `talib` was decided by a person and wins over TA-Lib.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum AnnotationSource {
    Human,
    Talib,
    /// A model's suggestion a person accepted.
    ModelConfirmed,
    /// A model's suggestion a person fixed.
    ModelCorrected,
    /// A "find similar" search result a person accepted (`similar`).
    Similar,
}

impl AnnotationSource {
    pub fn is_human(&self) -> bool {
        !matches!(self, AnnotationSource::Talib)
    }
}

/// `positive`: "a <label> is here"; `negative`: "no <label> here" (a dismissed prediction; the
/// candles are background for that label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    #[default]
    Positive,
    Negative,
}

/// A time as epoch milliseconds or an ISO 8601 string (`2020-01-31`, `2020-01-31T14:30:00Z`,
/// `2020-01-31T14:30:00+02:00`; no offset = UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
pub enum TimeValue {
    Millis(f64),
    Text(String),
}

impl TimeValue {
    pub fn to_millis(&self) -> std::result::Result<f64, String> {
        match self {
            TimeValue::Millis(ms) if ms.is_finite() => Ok(*ms),
            TimeValue::Millis(ms) => Err(format!("time {ms} is not finite")),
            TimeValue::Text(s) => parse_time(s),
        }
    }
}

/// Epoch milliseconds from a number or a date / date-time ([`crate::time_value::parse_date_utc`]).
pub fn parse_time(s: &str) -> std::result::Result<f64, String> {
    let s = s.trim();
    if let Ok(ms) = s.parse::<f64>() {
        if ms.is_finite() {
            return Ok(ms);
        }
    }
    crate::time_value::parse_date_utc(s).ok_or_else(|| {
        format!("'{s}' is neither epoch milliseconds nor a date/time (ISO 8601, YYYY/MM/DD or M/D/YYYY)")
    })
}

/// One span as the web app exports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct AnnotationRecord {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub timeframe: Option<String>,
    /// First candle's time, inclusive.
    pub start: TimeValue,
    /// Last candle's time, inclusive.
    pub end: TimeValue,
    pub label: String,
    pub source: AnnotationSource,
    #[serde(default)]
    pub annotator: Option<String>,
    #[serde(default)]
    pub created_at: Option<TimeValue>,
    #[serde(default)]
    pub updated_at: Option<TimeValue>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    #[ts(optional, as = "Option<SpanKind>")]
    pub kind: SpanKind,
}

/// A record with where it came from, for error messages.
#[derive(Debug, Clone)]
pub struct LocatedRecord {
    pub record: AnnotationRecord,
    /// e.g. `labels.json record 3` or `labels.csv line 5`.
    pub origin: String,
}

impl LocatedRecord {
    pub(crate) fn describe(&self) -> String {
        let r = &self.record;
        let when = |t: &TimeValue| match t {
            TimeValue::Millis(ms) => format!("{ms}"),
            TimeValue::Text(s) => s.clone(),
        };
        format!(
            "{} ('{}'{}{} {}..{})",
            self.origin,
            r.label,
            if r.kind == SpanKind::Negative { " negative" } else { "" },
            r.symbol.as_deref().map(|s| format!(" on {s}")).unwrap_or_default(),
            when(&r.start),
            when(&r.end)
        )
    }
}

/// Reads one annotation file: `.json` (an array of records, or `{"annotations": [...]}`) or
/// `.csv` (a header naming record fields; empty cells = absent).
pub fn load_annotation_file(path: &Path) -> Result<Vec<LocatedRecord>> {
    let bytes = crate::files::read(path, crate::files::ANNOTATIONS)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        parse_csv(&bytes, &name)
    } else {
        parse_json(&bytes, &name)
    }
}

pub fn parse_json(bytes: &[u8], name: &str) -> Result<Vec<LocatedRecord>> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| EngineError::InvalidAnnotations(format!("{name}: not valid JSON: {e}")))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut obj) => match obj.remove("annotations") {
            Some(serde_json::Value::Array(items)) => items,
            _ => {
                return Err(EngineError::InvalidAnnotations(format!(
                    "{name}: expected an array of spans or an object with an \"annotations\" array"
                )))
            }
        },
        _ => return Err(EngineError::InvalidAnnotations(format!("{name}: expected an array of spans"))),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let origin = format!("{name} record {i}");
            let record =
                serde_json::from_value(item).map_err(|e| EngineError::InvalidAnnotations(format!("{origin}: {e}")))?;
            Ok(LocatedRecord { record, origin })
        })
        .collect()
}

pub fn parse_csv(bytes: &[u8], name: &str) -> Result<Vec<LocatedRecord>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| EngineError::InvalidAnnotations(format!("{name}: unreadable header: {e}")))?
        .clone();
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let origin = format!("{name} line {line}");
        let row = row.map_err(|e| EngineError::InvalidAnnotations(format!("{origin}: {e}")))?;
        let mut obj = serde_json::Map::new();
        for (h, cell) in headers.iter().zip(row.iter()) {
            if cell.is_empty() {
                continue;
            }
            let value = match h {
                // Times stay numbers when they are numbers, so both CSV styles read the same.
                "start" | "end" | "created_at" | "updated_at" => match cell.parse::<f64>() {
                    Ok(ms) => serde_json::json!(ms),
                    Err(_) => serde_json::json!(cell),
                },
                _ => serde_json::json!(cell),
            };
            obj.insert(h.to_string(), value);
        }
        let record = serde_json::from_value(serde_json::Value::Object(obj))
            .map_err(|e| EngineError::InvalidAnnotations(format!("{origin}: {e}")))?;
        out.push(LocatedRecord { record, origin });
    }
    Ok(out)
}

/// A span on candle indices of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedAnnotation {
    /// The record's `id`, when it has one (the app's annotation id).
    pub id: Option<String>,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub source: AnnotationSource,
    pub kind: SpanKind,
    pub origin: String,
}

/// The series an annotation can land on.
pub struct SeriesKey<'a> {
    pub id: &'a str,
    pub timeframe: Option<&'a str>,
    pub times: &'a [f64],
}

/// Places records on their series' candles. Errors (naming the record) for: a record whose
/// series is not configured (unless `skip_unmatched`, then it is counted), reversed times, and a
/// span reaching outside its series' candles. Returns per-series spans and the skipped count.
pub fn place_records(
    records: &[LocatedRecord],
    series: &[SeriesKey<'_>],
    skip_unmatched: bool,
) -> Result<(Vec<Vec<IndexedAnnotation>>, usize)> {
    let mut placed: Vec<Vec<IndexedAnnotation>> = vec![Vec::new(); series.len()];
    let mut skipped = 0;
    for lr in records {
        let r = &lr.record;
        let bad = |msg: String| EngineError::InvalidAnnotations(format!("{}: {msg}", lr.describe()));
        let label = r.label.trim();
        if label.is_empty() {
            return Err(bad("the label is empty".into()));
        }
        let target = match &r.symbol {
            Some(_) => series.iter().position(|s| names_series(r, s.id, s.timeframe)),
            None if series.len() == 1 => Some(0),
            None => return Err(bad("has no symbol, and the config has several series".into())),
        };
        let Some(s_idx) = target else {
            if skip_unmatched {
                skipped += 1;
                continue;
            }
            return Err(unmatched_record(lr, series.iter().map(|s| s.id)));
        };
        let start = r.start.to_millis().map_err(|e| bad(format!("start: {e}")))?;
        let end = r.end.to_millis().map_err(|e| bad(format!("end: {e}")))?;
        if start > end {
            return Err(bad("start is after end".into()));
        }
        let times = series[s_idx].times;
        let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
            return Err(bad("its series has no candles".into()));
        };
        if start < first || end > last {
            return Err(bad(format!(
                "the span is outside the data of {} (candles {first}..{last} ms)",
                series[s_idx].id
            )));
        }
        let i0 = times.partition_point(|&t| t < start);
        let i1 = times.partition_point(|&t| t <= end);
        if i0 >= i1 {
            return Err(bad(format!("no candle of {} lies within the span", series[s_idx].id)));
        }
        placed[s_idx].push(IndexedAnnotation {
            id: r.id.clone(),
            start: i0,
            end: i1 - 1,
            label: label.to_string(),
            source: r.source,
            kind: r.kind,
            origin: lr.describe(),
        });
    }
    Ok((placed, skipped))
}

/// The error for a record that names no configured series.
pub(crate) fn unmatched_record<'a>(lr: &LocatedRecord, ids: impl Iterator<Item = &'a str>) -> EngineError {
    EngineError::InvalidAnnotations(format!(
        "{}: no configured series matches it (series: {}; set labels.unmatched_series: skip to ignore such spans)",
        lr.describe(),
        ids.collect::<Vec<_>>().join(", ")
    ))
}

/// Whether a record with a symbol names the series `id` (with `timeframe`): same id, any case,
/// and the same timeframe when both have one.
pub(crate) fn names_series(r: &AnnotationRecord, id: &str, timeframe: Option<&str>) -> bool {
    r.symbol.as_deref().is_some_and(|sym| id.eq_ignore_ascii_case(sym.trim()))
        && match (&r.timeframe, timeframe) {
            (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b),
            _ => true,
        }
}

/// Counts of what label resolution did, recorded with the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelReport {
    pub human_spans: usize,
    pub negative_spans: usize,
    /// Human spans of the same label that overlapped and were merged into one.
    pub human_spans_merged: usize,
    pub talib_spans_found: usize,
    /// TA-Lib spans dropped by the direction filter.
    pub talib_filtered_by_direction: usize,
    pub talib_spans_used: usize,
    /// TA-Lib spans overlapping a human span of another label, or a negative of their own label:
    /// the human wins.
    pub talib_conflicts_with_human: usize,
    /// TA-Lib spans overlapping a human span of the same label (the human's extent is kept).
    pub talib_agreeing_with_human: usize,
    /// TA-Lib spans overlapping a TA-Lib span of a pattern listed earlier (that one is kept).
    pub talib_overlaps_dropped: usize,
    /// Human spans (after same-label merging) that overlap or nest with a span of another label:
    /// all of them are training data.
    #[serde(default)]
    pub overlapping_human_spans: usize,
    /// Spans the `labels.similar` searches found; they then count with the TA-Lib spans above
    /// (used, conflicts, overlaps), ahead of every TA-Lib pattern in priority.
    #[serde(default)]
    pub similar_spans_found: usize,
    pub unmatched_annotations_skipped: usize,
    /// Spans per label after resolution (all series).
    pub spans_per_label: BTreeMap<String, usize>,
}

/// Merges one series' human annotations and TA-Lib spans into labelled spans.
///
/// Humans first. Spans of different labels may overlap or nest (an engulfing inside a morning
/// star): each label is its own layer, and all of them train. Overlapping spans of one label merge
/// into one. A negative ("no x here") over a positive of the same label is a contradiction and an
/// error. Then TA-Lib spans in `talib_priority` order (then by start): each is dropped if it
/// touches a candle of a human span (counted as conflict or agreement: auto-labels defer to
/// people), a human negative of its label (conflict), or an already accepted TA-Lib span (overlap).
pub fn resolve_spans(
    human: &[IndexedAnnotation],
    talib: &[LabelSpan],
    talib_priority: &[String],
    n_candles: usize,
    report: &mut LabelReport,
) -> Result<Vec<SpanLabel>> {
    let (mut positives, negatives): (Vec<&IndexedAnnotation>, Vec<&IndexedAnnotation>) =
        human.iter().partition(|a| a.kind == SpanKind::Positive);
    report.negative_spans += negatives.len();
    positives.sort_by(|a, b| (a.label.as_str(), a.start, a.end).cmp(&(b.label.as_str(), b.start, b.end)));

    // Human positives, one label at a time in start order; `merged` holds (span, origin of its
    // first record). Same-label overlaps merge; other labels never interact.
    let mut merged: Vec<(SpanLabel, &str)> = Vec::new();
    for a in positives {
        report.human_spans += 1;
        if let Some((last, _)) = merged.last_mut() {
            if last.label == a.label && a.start <= last.end {
                last.end = last.end.max(a.end);
                report.human_spans_merged += 1;
                continue;
            }
        }
        merged.push((SpanLabel { start: a.start, end: a.end, label: a.label.clone() }, a.origin.as_str()));
    }
    report.overlapping_human_spans += count_overlapping(merged.iter().map(|(s, _)| s));
    for neg in &negatives {
        if let Some((_, origin)) =
            merged.iter().find(|(s, _)| s.label == neg.label && s.start <= neg.end && neg.start <= s.end)
        {
            return Err(EngineError::InvalidAnnotations(format!(
                "conflicting overlap: {} says '{}' where {} says there is none",
                origin, neg.label, neg.origin
            )));
        }
    }

    // Candle owners: 0 free, 1 human, 2 TA-Lib.
    let mut owner = vec![0u8; n_candles];
    let mut spans: Vec<SpanLabel> = Vec::new();
    for (s, _) in &merged {
        owner[s.start..=s.end].fill(1);
        spans.push(s.clone());
    }

    let rank = |label: &str| talib_priority.iter().position(|p| p == label).unwrap_or(usize::MAX);
    let mut ordered: Vec<&LabelSpan> = talib.iter().collect();
    ordered.sort_by_key(|s| (rank(&s.label), s.start, s.end));
    for t in ordered {
        if t.end >= n_candles {
            continue;
        }
        let range = t.start..=t.end;
        if range.clone().any(|c| owner[c] == 1) {
            let agrees = merged.iter().any(|(h, _)| h.label == t.label && h.start <= t.end && t.start <= h.end);
            if agrees {
                report.talib_agreeing_with_human += 1;
            } else {
                report.talib_conflicts_with_human += 1;
            }
            continue;
        }
        if negatives.iter().any(|n| n.label == t.label && n.start <= t.end && t.start <= n.end) {
            report.talib_conflicts_with_human += 1;
            continue;
        }
        if range.clone().any(|c| owner[c] == 2) {
            report.talib_overlaps_dropped += 1;
            continue;
        }
        owner[range].fill(2);
        report.talib_spans_used += 1;
        spans.push(SpanLabel { start: t.start, end: t.end, label: t.label.clone() });
    }
    spans.sort_by_key(|s| (s.start, s.end));
    for s in &spans {
        *report.spans_per_label.entry(s.label.clone()).or_insert(0) += 1;
    }
    Ok(spans)
}

/// Spans (sorted by label, then start) that share a candle with a span of another label.
fn count_overlapping<'a>(spans: impl Iterator<Item = &'a SpanLabel>) -> usize {
    let mut by_start: Vec<&SpanLabel> = spans.collect();
    by_start.sort_by_key(|s| (s.start, s.end));
    let mut overlapping = vec![false; by_start.len()];
    for i in 0..by_start.len() {
        for j in i + 1..by_start.len() {
            if by_start[j].start > by_start[i].end {
                break;
            }
            if by_start[j].label != by_start[i].label {
                overlapping[i] = true;
                overlapping[j] = true;
            }
        }
    }
    overlapping.iter().filter(|&&o| o).count()
}

/// Checks the resolved label set before any training: some spans at all, labels from the
/// configured list (if any), and at least `min_examples` spans per label.
pub fn check_label_set(report: &LabelReport, classes: Option<&[String]>, min_examples: usize) -> Result<Vec<String>> {
    let total: usize = report.spans_per_label.values().sum();
    if total == 0 {
        return Err(EngineError::InvalidAnnotations(
            "no annotations: no human span and no TA-Lib span survived to label the data".into(),
        ));
    }
    let labels: Vec<String> = match classes {
        Some(list) => list.to_vec(),
        None => report.spans_per_label.keys().cloned().collect(),
    };
    for label in &labels {
        let n = report.spans_per_label.get(label).copied().unwrap_or(0);
        if n < min_examples {
            return Err(EngineError::InvalidAnnotations(format!(
                "label '{label}' has {n} example span(s), fewer than labels.min_examples = {min_examples}"
            )));
        }
    }
    Ok(labels)
}

/// Errors for a human annotation whose label is not in the configured class list.
pub fn check_known_labels(records: &[LocatedRecord], classes: &[String]) -> Result<()> {
    for r in records {
        let label = r.record.label.trim();
        if !classes.iter().any(|c| c == label) {
            return Err(EngineError::InvalidAnnotations(format!(
                "{}: unknown label '{label}' (labels.classes: {})",
                r.describe(),
                classes.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("2020-01-02").unwrap(), 1_577_923_200_000.0);
        assert_eq!(parse_time("2020-01-02T00:00:00Z").unwrap(), 1_577_923_200_000.0);
        assert_eq!(parse_time("2020-01-02T02:00:00+02:00").unwrap(), 1_577_923_200_000.0);
        assert_eq!(parse_time("1577923200000").unwrap(), 1_577_923_200_000.0);
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn csv_and_json_read_the_same() {
        let json = br#"[{"symbol":"AAPL","start":"2020-01-02","end":1577923200000,"label":"doji","source":"human","kind":"negative"}]"#;
        let csv = b"symbol,start,end,label,source,kind,note\nAAPL,2020-01-02,1577923200000,doji,human,negative,\n";
        let a = parse_json(json, "a.json").unwrap();
        let b = parse_csv(csv, "a.csv").unwrap();
        assert_eq!(a[0].record, b[0].record);
        assert!(parse_json(br#"[{"start":1,"end":2,"label":"x","source":"human","colour":"red"}]"#, "x.json")
            .unwrap_err()
            .to_string()
            .contains("colour"));
    }
}
