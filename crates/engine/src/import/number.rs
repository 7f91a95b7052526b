//! Numbers as exports write them: plain `1234.5`, with thousands separators `1,234.5`, or European
//! `1.234,5` / `1234,5`; an optional `$` after the sign (Nasdaq). The style is detected once per
//! file from sampled values and then applied strictly, so no value is read two ways in one file.
//! Separators inside a value only reach us when the field is quoted or the delimiter is not a
//! comma; the CSV reader has already split the fields.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NumberStyle {
    /// `1234.5` (no grouping).
    Plain,
    /// `1,234.5`: comma groups thousands, dot is the decimal point.
    CommaThousands,
    /// `1.234,5` or `1234,5`: dot groups thousands, comma is the decimal point.
    DecimalComma,
}

/// The style the sampled values are written in. A comma that cannot be a thousands separator
/// (`1,5`, `0,9876`) or that follows a dot (`1.234,5`) means decimal comma; a comma before a dot
/// (`1,234.5`) or commas only in 3-digit groups (`1,234`) mean thousands separators.
pub(super) fn detect_style<'a>(values: impl IntoIterator<Item = &'a str>) -> NumberStyle {
    let (mut decimal_comma, mut thousands) = (false, false);
    for value in values {
        let digits = unsigned_amount(value);
        let (Some(comma), dot) = (digits.rfind(','), digits.find('.')) else { continue };
        match dot {
            Some(dot) if dot < comma => decimal_comma = true,
            Some(_) => thousands = true,
            None if is_grouped(digits, ',') => thousands = true,
            None => decimal_comma = true,
        }
    }
    if decimal_comma {
        NumberStyle::DecimalComma
    } else if thousands {
        NumberStyle::CommaThousands
    } else {
        NumberStyle::Plain
    }
}

/// The value as f64 (`NaN`/`inf` included: the candle rules report those), or `None` when it is
/// not a number in this style.
pub(super) fn parse_number(value: &str, style: NumberStyle) -> Option<f64> {
    let has_separator = match style {
        NumberStyle::Plain => false,
        NumberStyle::CommaThousands => value.contains(','),
        NumberStyle::DecimalComma => value.contains([',', '.']),
    };
    if !has_separator && !value.contains('$') {
        return value.parse().ok();
    }
    let negative = value.starts_with('-');
    let amount = unsigned_amount(value);
    let (group, decimal) = match style {
        NumberStyle::DecimalComma => ('.', ','),
        _ => (',', '.'),
    };
    let whole = amount.split(decimal).next().unwrap_or("");
    let grouping_allowed = style != NumberStyle::Plain && is_grouped(whole, group);
    if whole.contains(group) && !grouping_allowed {
        return None;
    }
    // Rebuild as a plain number on the stack: no allocation per value.
    let mut buffer = [0u8; 64];
    let mut len = 0;
    let sign = negative.then_some(b'-');
    for byte in sign.into_iter().chain(amount.bytes().filter(|&b| b != group as u8)) {
        *buffer.get_mut(len)? = if byte == decimal as u8 { b'.' } else { byte };
        len += 1;
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
    use NumberStyle::*;

    #[test]
    fn detects_the_style_from_samples() {
        assert_eq!(detect_style(["1234.5", "12"]), Plain);
        assert_eq!(detect_style(["1,234.5", "12.5"]), CommaThousands);
        assert_eq!(detect_style(["1,234", "12,345,678"]), CommaThousands);
        assert_eq!(detect_style(["1.234,5"]), DecimalComma);
        assert_eq!(detect_style(["1,0950", "1,234"]), DecimalComma);
        assert_eq!(detect_style(["$1,234.50"]), CommaThousands);
    }

    #[test]
    fn parses_each_style_strictly() {
        assert_eq!(parse_number("1234.5", Plain), Some(1234.5));
        assert_eq!(parse_number("1,234.5", Plain), None);
        assert_eq!(parse_number("-1,234,567.25", CommaThousands), Some(-1_234_567.25));
        assert_eq!(parse_number("12.5", CommaThousands), Some(12.5));
        assert_eq!(parse_number("12,34.5", CommaThousands), None);
        assert_eq!(parse_number("1.234,5", DecimalComma), Some(1234.5));
        assert_eq!(parse_number("1,0950", DecimalComma), Some(1.095));
        assert_eq!(parse_number("1.5", DecimalComma), None);
        assert_eq!(parse_number("$123.45", Plain), Some(123.45));
        assert_eq!(parse_number("$1,234.5", Plain), None);
        assert_eq!(parse_number("-$1,000", CommaThousands), Some(-1000.0));
        assert_eq!(parse_number("abc", Plain), None);
        assert_eq!(parse_number("", Plain), None);
        assert!(parse_number("NaN", Plain).unwrap().is_nan());
    }
}
