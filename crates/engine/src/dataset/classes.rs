//! Class names for each encoding, and parsing them back into (pattern label, position).
use serde::{Deserialize, Serialize};

/// How spans become per-row classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// One row per candle: `B-<label>` on a span's first candle, `I-<label>` on the rest, `O` outside.
    Bio,
    /// One row per window of W candles (stride S): `<label>` or `background`.
    Windowed,
    /// One row per candle: `E-<label>` on a span's last candle, `B-<label>` on its first candle
    /// for labels whose spans vary in length, `O` elsewhere. A candle where several spans end (or
    /// start) carries one class per span (nested and overlapping spans of different labels).
    /// Decoding finds each label's ends, then the start from the label's learnt lengths (and the
    /// start scores): spans come back with the boundaries they were drawn with.
    End,
}

/// The background class of the BIO encoding.
pub const BIO_OUTSIDE: &str = "O";
/// The background class of the windowed encoding.
pub const BACKGROUND: &str = "background";

/// Where a class sits inside a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanTag {
    /// `B-x`: first candle of a span.
    Begin,
    /// `I-x`: a later candle of a span.
    Inside,
    /// Windowed `x`: any candle of a span.
    Whole,
    /// `E-x`: the last candle of a span.
    End,
}

impl Encoding {
    pub fn as_str(&self) -> &'static str {
        match self {
            Encoding::Bio => "bio",
            Encoding::Windowed => "windowed",
            Encoding::End => "end",
        }
    }

    /// The background class name.
    pub fn background(&self) -> &'static str {
        match self {
            Encoding::Bio | Encoding::End => BIO_OUTSIDE,
            Encoding::Windowed => BACKGROUND,
        }
    }

    /// The pattern label and position a class name stands for; `None` for background (or a name
    /// this encoding never produces).
    pub fn parse_class<'a>(&self, class: &'a str) -> Option<(&'a str, SpanTag)> {
        match self {
            Encoding::Bio => {
                if let Some(l) = class.strip_prefix("B-") {
                    Some((l, SpanTag::Begin))
                } else {
                    class.strip_prefix("I-").map(|l| (l, SpanTag::Inside))
                }
            }
            Encoding::Windowed => (class != BACKGROUND).then_some((class, SpanTag::Whole)),
            Encoding::End => {
                if let Some(l) = class.strip_prefix("E-") {
                    Some((l, SpanTag::End))
                } else {
                    class.strip_prefix("B-").map(|l| (l, SpanTag::Begin))
                }
            }
        }
    }

    /// Class names for the given pattern labels (sorted as given): background first, then per
    /// label `B-x` and — when `extra(x)` — `I-x` (BIO: `x` has multi-candle spans), or `E-x` and —
    /// when `extra(x)` — `B-x` (end: `x`'s spans vary in length), or just `x` (windowed).
    pub fn class_names(&self, labels: &[String], extra: impl Fn(&str) -> bool) -> Vec<String> {
        let mut names = vec![self.background().to_string()];
        for l in labels {
            names.push(match self {
                Encoding::Bio => format!("B-{l}"),
                Encoding::End => format!("E-{l}"),
                Encoding::Windowed => l.clone(),
            });
            if let Some(class) = self.extra_class(l).filter(|_| extra(l)) {
                names.push(class);
            }
        }
        names
    }

    /// The second class `class_names` gives a label when `extra` says so: `I-x` (BIO), `B-x`
    /// (end); none in the windowed encoding.
    pub fn extra_class(&self, label: &str) -> Option<String> {
        match self {
            Encoding::Bio => Some(format!("I-{label}")),
            Encoding::End => Some(format!("B-{label}")),
            Encoding::Windowed => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_round_trip() {
        let labels = vec!["doji".to_string(), "engulfing".to_string()];
        let bio = Encoding::Bio.class_names(&labels, |l| l == "engulfing");
        assert_eq!(bio, ["O", "B-doji", "B-engulfing", "I-engulfing"]);
        assert_eq!(Encoding::Bio.parse_class("I-engulfing"), Some(("engulfing", SpanTag::Inside)));
        assert_eq!(Encoding::Bio.parse_class("O"), None);
        let end = Encoding::End.class_names(&labels, |l| l == "engulfing");
        assert_eq!(end, ["O", "E-doji", "E-engulfing", "B-engulfing"]);
        assert_eq!(Encoding::End.extra_class("engulfing").as_deref(), Some("B-engulfing"));
        let win = Encoding::Windowed.class_names(&labels, |_| true);
        assert_eq!(win, ["background", "doji", "engulfing"]);
        assert_eq!(Encoding::Windowed.extra_class("doji"), None);
        assert_eq!(Encoding::Windowed.parse_class("background"), None);
    }
}
