//! Where the table starts: banner lines, the header line and the delimiter, or a file without a
//! header whose first line is already data.
use super::header::{self, Roles};
use super::number;
use super::time;
use super::ColumnNames;
use crate::error::{EngineError, Result};

/// Tried in this order; on a line where several give a complete header, the one that splits the
/// line into the most fields wins.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// How far down the file the header may be (banner lines above it are skipped and counted).
pub(super) const HEADER_SEARCH_LINES: usize = 50;

#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub delimiter: u8,
    /// 1-based line of the header; 0 when the file has none.
    pub header_line: usize,
    /// Lines above the header (banner lines, blank or not).
    pub banner_lines: usize,
    /// Byte offset where CSV parsing starts: the header line, or the first data line.
    pub table_offset: usize,
    /// 1-based line number of the line at `table_offset`.
    pub table_line: usize,
    /// Header names as written (trimmed, unquoted), or `column 1`, `column 2`, … without a header.
    pub names: Vec<String>,
    pub roles: Roles,
}

impl Layout {
    pub(super) fn has_header(&self) -> bool {
        self.header_line > 0
    }
}

/// A header among the first `HEADER_SEARCH_LINES` lines, else a headerless layout, else an error
/// naming the most promising line's columns and what is missing. A known `delimiter` is the only
/// one tried; known `columns` must all be on the header line (no headerless layout then).
pub(super) fn find_layout(text: &str, delimiter: Option<u8>, columns: Option<&ColumnNames>) -> Result<Layout> {
    let delimiters: Vec<u8> = delimiter.map_or_else(|| DELIMITERS.to_vec(), |d| vec![d]);
    let mut best_miss: Option<Miss> = None;
    for line in lines(text).take(HEADER_SEARCH_LINES) {
        if line.text.trim().is_empty() {
            continue;
        }
        let mut found: Option<(u8, Vec<String>, Roles)> = None;
        for &delimiter in &delimiters {
            let names = split_line(line.text, delimiter);
            let roles = match columns {
                Some(columns) => named_roles(&names, columns),
                None => header::recognize(&names),
            };
            if roles.is_complete() {
                if found.as_ref().is_none_or(|(_, best, _)| names.len() > best.len()) {
                    found = Some((delimiter, names, roles));
                }
            } else {
                let miss = Miss { line: line.number, delimiter, score: roles.score(), names, roles };
                if best_miss.as_ref().is_none_or(|best| miss.beats(best)) {
                    best_miss = Some(miss);
                }
            }
        }
        if let Some((delimiter, names, roles)) = found {
            return Ok(Layout {
                delimiter,
                header_line: line.number,
                banner_lines: line.number - 1,
                table_offset: line.offset,
                table_line: line.number,
                names,
                roles,
            });
        }
    }
    if let Some(columns) = columns {
        return Err(named_columns_error(columns, best_miss, &delimiters));
    }
    if let Some(layout) = headerless_layout(text, &delimiters) {
        return Ok(layout);
    }
    Err(no_header_error(best_miss))
}

/// Roles from explicit header names: each name matches a cell exactly, else by key (case, spaces
/// and punctuation ignored). Without a named volume, the volume column is recognised by name.
fn named_roles(names: &[String], columns: &ColumnNames) -> Roles {
    let find = |wanted: &str| {
        let wanted_trimmed = wanted.trim();
        names.iter().position(|n| n == wanted_trimmed).or_else(|| {
            let k = header::key(wanted_trimmed);
            names.iter().position(|n| !k.is_empty() && header::key(n) == k)
        })
    };
    let time = find(&columns.time);
    let (open, high, low, close) = (find(&columns.open), find(&columns.high), find(&columns.low), find(&columns.close));
    let taken = [time, open, high, low, close];
    let volume = match &columns.volume {
        Some(name) => find(name),
        None => header::recognize(names).volume.filter(|v| !taken.contains(&Some(*v))),
    };
    let volume_missing = columns.volume.is_some() && volume.is_none();
    Roles {
        time: if volume_missing { Vec::new() } else { time.into_iter().collect() },
        split: None,
        open,
        high,
        low,
        close,
        volume,
        symbol: None,
    }
}

fn named_columns_error(columns: &ColumnNames, best_miss: Option<Miss>, delimiters: &[u8]) -> EngineError {
    let mut wanted = format!(
        "time='{}', open='{}', high='{}', low='{}', close='{}'",
        columns.time, columns.open, columns.high, columns.low, columns.close
    );
    if let Some(volume) = &columns.volume {
        wanted.push_str(&format!(", volume='{volume}'"));
    }
    let delimiter = match delimiters {
        [one] => format!(" with the delimiter {}", delimiter_name(*one)),
        _ => String::new(),
    };
    let closest = match best_miss {
        Some(miss) => format!(
            "; closest: line {} (delimiter {}) has columns [{}]",
            miss.line,
            delimiter_name(miss.delimiter),
            miss.names.join(", ")
        ),
        None => String::new(),
    };
    EngineError::ImportFailed(format!(
        "no header line in the first {HEADER_SEARCH_LINES} lines names the columns {wanted}{delimiter}{closest}"
    ))
}

/// The delimiter as users write it in messages.
pub(super) fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".into(),
        other => format!("'{}'", other as char),
    }
}

/// A line that was not a header, kept to explain the failure.
struct Miss {
    line: usize,
    delimiter: u8,
    score: usize,
    names: Vec<String>,
    roles: Roles,
}

impl Miss {
    /// More roles recognised wins; then the earlier line; on the same line, more fields.
    fn beats(&self, other: &Miss) -> bool {
        (self.score, std::cmp::Reverse(self.line), self.names.len())
            > (other.score, std::cmp::Reverse(other.line), other.names.len())
    }
}

fn no_header_error(best_miss: Option<Miss>) -> EngineError {
    let accepted = "accepted names (case, spaces and punctuation ignored): time: date, time, \
        timestamp, datetime, unix, open time, gmt time, local time, ts, t (or a Date column plus a \
        Time column); open: open, o; high: high, h; low: low, l; close: close, c, last, close/last \
        (price when there is no close); volume: volume, vol, v, volume <currency>; symbol: symbol, \
        ticker, instrument, pair, name";
    let Some(miss) = best_miss else {
        return EngineError::ImportFailed(format!("no header row was found; {accepted}"));
    };
    EngineError::ImportFailed(format!(
        "no header with time, open, high, low and close columns in the first {HEADER_SEARCH_LINES} \
         lines, and the first line is not data (a time and 4 numbers). Closest: line {} (delimiter \
         {}) has columns [{}]: recognised {}; missing {}. The {accepted}",
        miss.line,
        delimiter_name(miss.delimiter),
        miss.names.join(", "),
        miss.roles.describe_found(&miss.names),
        miss.roles.missing().join(", "),
    ))
}

/// A file whose first non-blank line is data: a time (or a date and a clock time, MetaTrader's
/// history export) followed by at least 4 numbers. The columns are then taken as
/// `time, open, high, low, close[, volume]`, and any further columns are ignored.
fn headerless_layout(text: &str, delimiters: &[u8]) -> Option<Layout> {
    let first = lines(text).find(|l| !l.text.trim().is_empty())?;
    let mut best: Option<Layout> = None;
    for &delimiter in delimiters {
        let fields = split_line(first.text, delimiter);
        let Some(roles) = headerless_roles(&fields) else { continue };
        if best.as_ref().is_none_or(|b| fields.len() > b.names.len()) {
            best = Some(Layout {
                delimiter,
                header_line: 0,
                banner_lines: first.number - 1,
                table_offset: first.offset,
                table_line: first.number,
                names: (1..=fields.len()).map(|i| format!("column {i}")).collect(),
                roles,
            });
        }
    }
    best
}

fn headerless_roles(fields: &[String]) -> Option<Roles> {
    let is_number = |s: &str| number::parse_number(s, number::detect_style([s]).style).is_some();
    let split = fields.len() >= 6 && time::looks_like_date_only(&fields[0]) && time::looks_like_clock(&fields[1]);
    let first_price = if split { 2 } else { 1 };
    let prices_ok =
        fields.len() >= first_price + 4 && fields[first_price..first_price + 4].iter().all(|f| is_number(f));
    if !prices_ok || !(split || time::looks_like_time(&fields[0])) {
        return None;
    }
    let volume = first_price + 4;
    Some(Roles {
        time: vec![0],
        split: split.then_some((0, 1)),
        open: Some(first_price),
        high: Some(first_price + 1),
        low: Some(first_price + 2),
        close: Some(first_price + 3),
        volume: fields.get(volume).filter(|f| is_number(f)).map(|_| volume),
        symbol: None,
    })
}

/// One physical line: its 1-based number, byte offset and text without the line end.
pub(super) struct Line<'a> {
    pub number: usize,
    pub offset: usize,
    pub text: &'a str,
}

pub(super) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut offset = 0;
    text.split_inclusive('\n').enumerate().map(move |(i, raw)| {
        let line = Line { number: i + 1, offset, text: raw.trim_end_matches(['\n', '\r']) };
        offset += raw.len();
        line
    })
}

/// The fields of one line, unquoted and trimmed, by the same CSV rules as the data rows.
pub(super) fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_banner_lines_and_picks_the_delimiter() {
        let text = "https://www.CryptoDataDownload.com\nUnix;Date;Symbol;Open;High;Low;Close;Volume BTC\n1;2\n";
        let layout = find_layout(text, None, None).unwrap();
        assert_eq!((layout.delimiter, layout.header_line, layout.banner_lines), (b';', 2, 1));
        assert_eq!(layout.table_offset, 35);
        assert_eq!(layout.roles.time, vec![0, 1]);
        assert_eq!(layout.roles.symbol, Some(2));
    }

    #[test]
    fn headerless_files() {
        let layout = find_layout("2020-01-02,1,2,0.5,1.5,100\n", None, None).unwrap();
        assert_eq!((layout.header_line, layout.delimiter), (0, b','));
        assert_eq!(layout.roles.volume, Some(5));
        let mt4 = find_layout("2020.01.02,13:00,1.1,1.2,1.0,1.15,57\n", None, None).unwrap();
        assert_eq!(mt4.roles.split, Some((0, 1)));
        assert_eq!((mt4.roles.open, mt4.roles.volume), (Some(2), Some(6)));
        let tabs = find_layout("2020-01-02\t1,5\t2\t0,5\t1,5\n", None, None).unwrap();
        assert_eq!((tabs.delimiter, tabs.roles.volume), (b'\t', None));
    }

    #[test]
    fn explains_a_missing_header() {
        let err = find_layout("foo,bar\nDate,Open,Hi,Lo,Close\n1,2\n", None, None).unwrap_err().to_string();
        assert!(err.contains("line 2 (delimiter ',') has columns [Date, Open, Hi, Lo, Close]"), "{err}");
        assert!(err.contains("recognised time='Date', open='Open', close='Close'; missing high, low"), "{err}");
    }

    #[test]
    fn line_offsets_count_crlf() {
        let all: Vec<(usize, usize, &str)> = lines("a\r\nbb\n\nc").map(|l| (l.number, l.offset, l.text)).collect();
        assert_eq!(all, vec![(1, 0, "a"), (2, 3, "bb"), (3, 6, ""), (4, 7, "c")]);
    }
}
