//! Keys MLflow accepts on any server OS, kept distinct after sanitising, and values cut to a
//! limit with a note saying so.
use std::collections::{HashMap, HashSet};

const MAX_ENTITY_KEY_LENGTH: usize = 250;

/// Original key → sanitised key, keeping distinct originals distinct.
#[derive(Default)]
pub(super) struct KeyMap {
    map: HashMap<String, String>,
    used: HashSet<String>,
}

impl KeyMap {
    pub(super) fn get(&mut self, original: &str, renamed: &mut Vec<String>) -> String {
        if let Some(k) = self.map.get(original) {
            return k.clone();
        }
        let base = sanitize_key(original);
        let mut key = base.clone();
        let mut n = 2;
        while self.used.contains(&key) {
            let suffix = format!("_{n}");
            key = format!("{}{suffix}", truncate_chars(&base, MAX_ENTITY_KEY_LENGTH - suffix.len()));
            n += 1;
        }
        if key != original {
            renamed.push(format!("{original} -> {key}"));
        }
        self.used.insert(key.clone());
        self.map.insert(original.to_string(), key.clone());
        key
    }
}

/// A param/metric/tag key MLflow accepts on any server OS: ASCII letters, digits, `_ - . /`
/// and spaces (other characters, and `:` which Windows servers reject, become `_`), no empty,
/// `.` or `..` path segments, no leading/trailing `/`, at most 250 characters.
pub fn sanitize_key(key: &str) -> String {
    let mapped: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '/') { c } else { '_' })
        .take(MAX_ENTITY_KEY_LENGTH)
        .collect();
    let segments: Vec<&str> =
        mapped.split('/').filter(|s| !s.is_empty() && *s != ".").map(|s| if s == ".." { "__" } else { s }).collect();
    let out = segments.join("/");
    if out.is_empty() {
        "_".to_string()
    } else {
        out
    }
}

pub(super) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// `s` if it has at most `max` characters, else its head plus a note saying how much was cut,
/// `max` characters in all.
pub(super) fn truncate_with_note(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let note = format!("... [truncated {n} chars]");
    let keep = max - note.chars().count();
    format!("{}{note}", truncate_chars(s, keep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sanitised() {
        assert_eq!(sanitize_key("learning_rate"), "learning_rate");
        assert_eq!(sanitize_key("val/auc"), "val/auc");
        assert_eq!(sanitize_key("a b#c:d"), "a b_c_d");
        assert_eq!(sanitize_key("/x//./y/../z/"), "x/y/__/z");
        assert_eq!(sanitize_key(""), "_");
        assert_eq!(sanitize_key("Ünï"), "_n_");
        assert_eq!(sanitize_key(&"k".repeat(300)).len(), 250);
        let mut renamed = vec![];
        let mut m = KeyMap::default();
        assert_eq!(m.get("a#b", &mut renamed), "a_b");
        assert_eq!(m.get("a_b", &mut renamed), "a_b_2");
        assert_eq!(m.get("a#b", &mut renamed), "a_b");
        assert_eq!(renamed, vec!["a#b -> a_b", "a_b -> a_b_2"]);
    }

    #[test]
    fn truncation_keeps_the_limit() {
        let long = "x".repeat(7000);
        let t = truncate_with_note(&long, 6000);
        assert_eq!(t.chars().count(), 6000);
        assert!(t.ends_with("... [truncated 7000 chars]"));
        assert_eq!(truncate_with_note("short", 10), "short");
    }
}
