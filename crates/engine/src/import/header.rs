//! Header names to column roles. Names are compared as a "key": lowercase ASCII letters and
//! digits only, so `Open Time`, `open_time` and `<OPEN_TIME>` are all `opentime`, and `Vol.` is
//! `vol`. Matching is on the whole key, so `Close time` is never the close and `Adj Close` is
//! never the close either.

/// The key a header name is matched by.
pub(super) fn key(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

const TIME_KEYS: &[&str] = &[
    "date",
    "time",
    "timestamp",
    "datetime",
    "unix",
    "unixtime",
    "unixtimestamp",
    "epoch",
    "opentime",
    "gmttime",
    "localtime",
    "utctime",
    "timeutc",
    "dateutc",
    "datetimeutc",
    "ts",
    "t",
];
const OPEN_KEYS: &[&str] = &["open", "o", "openprice"];
const HIGH_KEYS: &[&str] = &["high", "h", "highprice"];
const LOW_KEYS: &[&str] = &["low", "l", "lowprice"];
const CLOSE_KEYS: &[&str] = &["close", "c", "closeprice", "last", "lastprice", "closelast"];
/// `Price` is the close only when nothing else is (Investing.com names its close `Price`); a
/// `price` next to a real close column is ignored.
const CLOSE_FALLBACK_KEYS: &[&str] = &["price"];
const SYMBOL_KEYS: &[&str] = &["symbol", "ticker", "instrument", "pair", "sym", "name"];
const EXACT_VOLUME_KEYS: &[&str] = &["volume", "vol", "v"];
/// A volume column named after a quote currency or the quote side holds the traded value, not the
/// traded quantity, so it is only used when it is the only volume column.
const QUOTE_MARKERS: &[&str] = &["usd", "eur", "gbp", "jpy", "krw", "quote"];

/// Where the required and optional roles are, by column index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Roles {
    /// Every time-like column, in header order (which one is used depends on the values).
    pub time: Vec<usize>,
    /// A `date` column and a `time` column both present: maybe MetaTrader-style split columns.
    pub split: Option<(usize, usize)>,
    pub open: Option<usize>,
    pub high: Option<usize>,
    pub low: Option<usize>,
    pub close: Option<usize>,
    pub volume: Option<usize>,
    pub symbol: Option<usize>,
}

impl Roles {
    /// Time, open, high, low and close are all present.
    pub(super) fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }

    pub(super) fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.time.is_empty() {
            missing.push("time");
        }
        for (name, index) in [("open", self.open), ("high", self.high), ("low", self.low), ("close", self.close)] {
            if index.is_none() {
                missing.push(name);
            }
        }
        missing
    }

    /// How many roles were recognised, to pick the most promising line for an error message.
    pub(super) fn score(&self) -> usize {
        5 - self.missing().len()
    }

    /// "time='Date', open='Open'" for the roles found, for messages.
    pub(super) fn describe_found(&self, names: &[String]) -> String {
        let mut found: Vec<String> = Vec::new();
        for &i in &self.time {
            found.push(format!("time='{}'", names[i]));
        }
        for (role, index) in [
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
            ("volume", self.volume),
            ("symbol", self.symbol),
        ] {
            if let Some(i) = index {
                found.push(format!("{role}='{}'", names[i]));
            }
        }
        if found.is_empty() {
            "none".into()
        } else {
            found.join(", ")
        }
    }
}

/// Assigns roles to header names. The first column with a given role wins.
pub(super) fn recognize(names: &[String]) -> Roles {
    let keys: Vec<String> = names.iter().map(|n| key(n)).collect();
    let first = |aliases: &[&str]| keys.iter().position(|k| aliases.contains(&k.as_str()));
    let time: Vec<usize> = (0..keys.len()).filter(|&i| TIME_KEYS.contains(&keys[i].as_str())).collect();
    let date = keys.iter().position(|k| k == "date");
    let clock = keys.iter().position(|k| k == "time");
    Roles {
        split: date.zip(clock),
        time,
        open: first(OPEN_KEYS),
        high: first(HIGH_KEYS),
        low: first(LOW_KEYS),
        close: first(CLOSE_KEYS).or_else(|| first(CLOSE_FALLBACK_KEYS)),
        volume: choose_volume(&keys),
        symbol: first(SYMBOL_KEYS),
    }
}

/// A volume-like key: `volume…`, `vol…` (not `volatility`), `…volume`, `…vol`, or `v`.
fn is_volume_like(key: &str) -> bool {
    key == "v"
        || (key.starts_with("vol") && !key.starts_with("volat"))
        || key.ends_with("volume")
        || key.ends_with("vol")
}

/// The volume column, when there may be several (CryptoDataDownload: `Volume BTC`, `Volume USD`):
/// 1. a column named exactly `Volume`, `Vol`/`Vol.` or `V`;
/// 2. else the first volume-like column that names neither the quote side nor a fiat currency
///    (`usd`/`usdt`/`busd`/…, `eur`, `gbp`, `jpy`, `krw`, `quote`, `to` as in CryptoCompare's
///    `volumeto`) and is not a taker-buy subset: the base-asset volume, e.g. `Volume BTC`;
/// 3. else the first volume-like column (e.g. a lone `Volume USD`).
fn choose_volume(keys: &[String]) -> Option<usize> {
    if let Some(i) = keys.iter().position(|k| EXACT_VOLUME_KEYS.contains(&k.as_str())) {
        return Some(i);
    }
    let candidates: Vec<usize> = (0..keys.len()).filter(|&i| is_volume_like(&keys[i])).collect();
    let is_base = |k: &str| {
        let qualifier = k.replace("volume", "").replace("vol", "");
        let quote = qualifier == "to" || QUOTE_MARKERS.iter().any(|m| qualifier.contains(m));
        !k.contains("taker") && !quote
    };
    candidates.iter().copied().find(|&i| is_base(&keys[i])).or(candidates.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_ignore_case_and_punctuation() {
        assert_eq!(key(" <Open_Time> "), "opentime");
        assert_eq!(key("Vol."), "vol");
        assert_eq!(key("Close/Last"), "closelast");
    }

    #[test]
    fn yahoo_header() {
        let roles = recognize(&names(&["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"]));
        assert_eq!(roles.time, vec![0]);
        assert_eq!((roles.open, roles.high, roles.low, roles.close), (Some(1), Some(2), Some(3), Some(4)));
        assert_eq!(roles.volume, Some(6));
        assert!(roles.is_complete());
    }

    #[test]
    fn binance_close_time_is_not_the_close() {
        let roles = recognize(&names(&[
            "Open time",
            "Open",
            "High",
            "Low",
            "Close",
            "Volume",
            "Close time",
            "Quote asset volume",
            "Number of trades",
            "Taker buy base asset volume",
            "Taker buy quote asset volume",
            "Ignore",
        ]));
        assert_eq!(roles.time, vec![0]);
        assert_eq!(roles.close, Some(4));
        assert_eq!(roles.volume, Some(5));
    }

    #[test]
    fn volume_rule() {
        let pick = |list: &[&str]| choose_volume(&list.iter().map(|n| key(n)).collect::<Vec<_>>());
        assert_eq!(pick(&["Volume BTC", "Volume USD"]), Some(0));
        assert_eq!(pick(&["Volume USD", "Volume BTC"]), Some(1));
        assert_eq!(pick(&["Volume USDT", "Volume ETH"]), Some(1));
        assert_eq!(pick(&["volumefrom", "volumeto"]), Some(0));
        assert_eq!(pick(&["Volume USD"]), Some(0));
        assert_eq!(pick(&["<TICKVOL>", "<VOL>"]), Some(1));
        assert_eq!(pick(&["Volatility"]), None);
        assert_eq!(pick(&["Quote asset volume", "Taker buy base asset volume"]), Some(0));
    }

    #[test]
    fn price_is_the_close_only_without_a_close() {
        let investing = recognize(&names(&["Date", "Price", "Open", "High", "Low", "Vol.", "Change %"]));
        assert_eq!(investing.close, Some(1));
        let both = recognize(&names(&["Date", "Open", "High", "Low", "Close", "Price"]));
        assert_eq!(both.close, Some(4));
    }

    #[test]
    fn split_date_and_time_and_missing_roles() {
        let roles = recognize(&names(&["<DATE>", "<TIME>", "<OPEN>", "<HIGH>", "<LOW>", "<CLOSE>", "<TICKVOL>"]));
        assert_eq!(roles.split, Some((0, 1)));
        assert_eq!(roles.volume, Some(6));
        let partial = recognize(&names(&["Date", "Open", "Hi", "Lo", "Close"]));
        assert_eq!(partial.missing(), vec!["high", "low"]);
        assert_eq!(
            partial.describe_found(&names(&["Date", "Open", "Hi", "Lo", "Close"])),
            "time='Date', open='Open', close='Close'"
        );
    }
}
