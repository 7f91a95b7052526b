//! Bytes to text: the checks that run before any CSV parsing, so a wrong kind of file gets a
//! message about the file rather than a row-level error.
use crate::error::{EngineError, Result};
use std::borrow::Cow;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file as UTF-8 text, without a byte-order mark, with `\n` line ends for CR-only files
/// (the CSV reader and our line numbers both count `\n`).
pub(super) fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>> {
    if bytes.is_empty() {
        return Err(failed("the file is empty (0 bytes)"));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(failed("the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\") and import it again"));
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(failed(&format!(
            "the file looks binary, not CSV text (NUL byte at offset {offset}, line {})",
            line_of(bytes, offset)
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        failed(&format!(
            "the file is not valid UTF-8 text (byte 0x{:02X} at offset {offset}, line {}); \
             save it as UTF-8 and import it again",
            bytes[offset],
            line_of(bytes, offset)
        ))
    })?;
    if text.trim().is_empty() {
        return Err(failed("the file is empty (only blank lines)"));
    }
    if !text.contains('\n') && text.contains('\r') {
        return Ok(Cow::Owned(text.replace('\r', "\n")));
    }
    Ok(Cow::Borrowed(text))
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

fn failed(msg: &str) -> EngineError {
    EngineError::ImportFailed(msg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(bytes: &[u8]) -> String {
        decode_text(bytes).unwrap_err().to_string()
    }

    #[test]
    fn strips_the_bom_and_keeps_the_text() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFa,b\n").unwrap(), "a,b\n");
    }

    #[test]
    fn cr_only_line_ends_become_newlines() {
        assert_eq!(decode_text(b"a\rb\r").unwrap(), "a\nb\n");
        assert_eq!(decode_text(b"a\r\nb\r\n").unwrap(), "a\r\nb\r\n");
    }

    #[test]
    fn names_what_is_wrong() {
        assert!(message(b"").contains("empty (0 bytes)"));
        assert!(message(b"\n \r\n").contains("only blank lines"));
        assert!(message(b"\xFF\xFEd\0a\0").contains("UTF-16"));
        assert!(message(b"ab\ncd\0").contains("NUL byte at offset 5, line 2"));
        assert!(message(b"date\n\xE9t\xE9").contains("byte 0xE9 at offset 5, line 2"));
    }
}
