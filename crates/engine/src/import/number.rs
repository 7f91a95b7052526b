//! Numbers as exports write them: plain `1234.5`, with thousands separators `1,234.5`, or European
//! `1.234,5` / `1234,5`; an optional `$` after the sign (Nasdaq). The style is detected once per
//! file from sampled values (or given by the `decimal` / `thousands` import options) and then
//! applied strictly, so no value is read two ways in one file. Separators inside a value only
//! reach us when the field is quoted or the delimiter is not a comma; the CSV reader has already
//! split the fields.

/// How numbers are written: the decimal mark and the thousands separator, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct NumberStyle {
    pub decimal: u8,
    pub group: Option<u8>,
}

impl NumberStyle {
    /// `1234.5` (no grouping).
    pub const PLAIN: NumberStyle = NumberStyle { decimal: b'.', group: None };
    /// `1,234.5`: comma groups thousands, dot is the decimal point.
    pub const COMMA_THOUSANDS: NumberStyle = NumberStyle { decimal: b'.', group: Some(b',') };
    /// `1.234,5` or `1234,5`: dot groups thousands, comma is the decimal point.
    pub const DECIMAL_COMMA: NumberStyle = NumberStyle { decimal: b',', group: Some(b'.') };

    /// `decimal '.', thousands ','` — how the style is shown and named in the options.
    pub fn describe(self) -> String {
        match self.group {
            Some(g) => format!("decimal '{}', thousands '{}'", self.decimal as char, g as char),
            None => format!("decimal '{}', no thousands separator", self.decimal as char),
        }
    }
}

/// What the sampled values say about the style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct StyleEvidence {
    pub style: NumberStyle,
    /// Every comma seen was a single `d,ddd` group and no value had a dot: `141,012` reads as
    /// 141012 (comma thousands) or 141.012 (decimal comma), and nothing in the values decides.
    pub ambiguous: bool,
}

/// The style the sampled values are written in. A comma that cannot be a thousands separator
/// (`1,5`, `0,9876`) or that follows a dot (`1.234,5`) means decimal comma; a comma before a dot
/// (`1,234.5`), several groups (`1,234,567`) or a dot elsewhere in the values mean thousands
/// separators. Values whose only commas are single `d,ddd` groups are ambiguous.
pub(super) fn detect_style<'a>(values: impl IntoIterator<Item = &'a str>) -> StyleEvidence {
    let (mut decimal_comma, mut thousands, mut single_groups, mut dots) = (false, false, false, false);
    for value in values {
        let digits = unsigned_amount(value);
        dots |= digits.contains('.');
        let (Some(comma), dot) = (digits.rfind(','), digits.find('.')) else { continue };
        match dot {
            Some(dot) if dot < comma => decimal_comma = true,
            Some(_) => thousands = true,
            None if is_grouped(digits, ',') => {
                if digits.matches(',').count() == 1 {
                    single_groups = true;
                } else {
                    thousands = true;
                }
            }
            None => decimal_comma = true,
        }
    }
    let style = if decimal_comma {
        NumberStyle::DECIMAL_COMMA
    } else if thousands || single_groups {
        NumberStyle::COMMA_THOUSANDS
    } else {
        NumberStyle::PLAIN
    };
    StyleEvidence { style, ambiguous: single_groups && !decimal_comma && !thousands && !dots }
}

/// The value as f64 (`NaN`/`inf` included: the candle rules report those), or `None` when it is
/// not a number in this style.
pub(super) fn parse_number(value: &str, style: NumberStyle) -> Option<f64> {
    let plain = style == NumberStyle::PLAIN;
    if plain && !value.contains('$') {
        return value.parse().ok();
    }
    let negative = value.starts_with('-');
    let amount = unsigned_amount(value);
    let decimal = style.decimal as char;
    let mut parts = amount.splitn(2, decimal);
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    match style.group {
        Some(g) if whole.contains(g as char) && !is_grouped(whole, g as char) => return None,
        _ => {}
    }
    // Rebuild as a plain number on the stack: no allocation per value.
    let mut buffer = [0u8; 64];
    let mut len = 0;
    let mut push = |byte: u8| -> Option<()> {
        *buffer.get_mut(len)? = byte;
        len += 1;
        Some(())
    };
    if negative {
        push(b'-')?;
    }
    for byte in whole.bytes() {
        if Some(byte) == style.group {
            continue;
        }
        // A '.' or ',' that is neither this style's decimal mark nor its separator.
        if byte == b'.' || byte == b',' {
            return None;
        }
        push(byte)?;
    }
    if let Some(fraction) = fraction {
        push(b'.')?;
        for byte in fraction.bytes() {
            if byte == b'.' || byte == b',' {
                return None;
            }
            push(byte)?;
        }
    }
    std::str::from_utf8(&buffer[..len]).ok()?.parse().ok()
}

/// The value without a leading sign and `$`.
fn unsigned_amount(value: &str) -> &str {
    let unsigned = value.strip_prefix(['-', '+']).unwrap_or(value);
    unsigned.strip_prefix('$').unwrap_or(unsigned)
}

/// `1,234` or `12,345,678` (an integer part): 1–3 digits, then one or more groups of exactly 3.
fn is_grouped(whole: &str, group: char) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut parts = whole.split(group);
    let first = parts.next().unwrap_or("");
    let mut groups = 0;
    let rest_ok = parts.all(|p| {
        groups += 1;
        p.len() == 3 && all_digits(p)
    });
    all_digits(first) && first.len() <= 3 && rest_ok && groups > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    const PLAIN: NumberStyle = NumberStyle::PLAIN;
    const COMMA_THOUSANDS: NumberStyle = NumberStyle::COMMA_THOUSANDS;
    const DECIMAL_COMMA: NumberStyle = NumberStyle::DECIMAL_COMMA;

    fn style(values: &[&str]) -> (NumberStyle, bool) {
        let e = detect_style(values.iter().copied());
        (e.style, e.ambiguous)
    }

    #[test]
    fn detects_the_style_from_samples() {
        assert_eq!(style(&["1234.5", "12"]), (PLAIN, false));
        assert_eq!(style(&["1,234.5", "12.5"]), (COMMA_THOUSANDS, false));
        assert_eq!(style(&["1,234", "12,345,678"]), (COMMA_THOUSANDS, false));
        assert_eq!(style(&["1.234,5"]), (DECIMAL_COMMA, false));
        assert_eq!(style(&["1,0950", "1,234"]), (DECIMAL_COMMA, false));
        assert_eq!(style(&["$1,234.50"]), (COMMA_THOUSANDS, false));
        // Only single d,ddd groups and no dot anywhere: either reading fits.
        assert_eq!(style(&["141,012", "141,250", "140"]), (COMMA_THOUSANDS, true));
        assert_eq!(style(&["141,012", "0.5"]), (COMMA_THOUSANDS, false));
    }

    #[test]
    fn parses_each_style_strictly() {
        assert_eq!(parse_number("1234.5", PLAIN), Some(1234.5));
        assert_eq!(parse_number("1,234.5", PLAIN), None);
        assert_eq!(parse_number("-1,234,567.25", COMMA_THOUSANDS), Some(-1_234_567.25));
        assert_eq!(parse_number("12.5", COMMA_THOUSANDS), Some(12.5));
        assert_eq!(parse_number("12,34.5", COMMA_THOUSANDS), None);
        assert_eq!(parse_number("1.234,5", DECIMAL_COMMA), Some(1234.5));
        assert_eq!(parse_number("1,0950", DECIMAL_COMMA), Some(1.095));
        assert_eq!(parse_number("141,012", DECIMAL_COMMA), Some(141.012));
        assert_eq!(parse_number("141,012", COMMA_THOUSANDS), Some(141012.0));
        assert_eq!(parse_number("1.5", DECIMAL_COMMA), None);
        assert_eq!(parse_number("$123.45", PLAIN), Some(123.45));
        assert_eq!(parse_number("$1,234.5", PLAIN), None);
        assert_eq!(parse_number("-$1,000", COMMA_THOUSANDS), Some(-1000.0));
        assert_eq!(parse_number("abc", PLAIN), None);
        assert_eq!(parse_number("", PLAIN), None);
        assert!(parse_number("NaN", PLAIN).unwrap().is_nan());
        let spaces = NumberStyle { decimal: b',', group: Some(b' ') };
        assert_eq!(parse_number("1 234,5", spaces), Some(1234.5));
        let comma_only = NumberStyle { decimal: b',', group: None };
        assert_eq!(parse_number("1234,5", comma_only), Some(1234.5));
        assert_eq!(parse_number("1.234,5", comma_only), None);
    }
}
