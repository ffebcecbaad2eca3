//! What one reader has read and kept for later, and how far the list was
//! when they last came: kept in their browser (`localStorage`, no server),
//! exported and imported as a JSON file. Plain data and functions; the app
//! stores it and shows it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `localStorage` key of the reader's state.
pub const STORAGE_KEY: &str = "tidings-reading";

/// An item kept for later, with what its row in the starred view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Starred {
    pub slug: String,
    pub id: String,
    pub title: String,
    /// The digest's date, `YYYY-MM-DD`.
    pub date: String,
    pub digest_title: String,
}

/// One reader's state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// Items opened, as `slug/id`.
    #[serde(default)]
    pub read: Keys,
    /// Items kept for later, the latest kept first.
    #[serde(default)]
    pub starred: Vec<Starred>,
    /// The newest digest's date when the list was last shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_until: Option<String>,
}

crate::json::fields!(Starred {
    required: [slug, id, title, date, digest_title],
    default: []
});
crate::json::fields!(Reading {
    required: [],
    default: [read, starred, seen_until]
});

/// Item keys, each once, in order: a set kept as a sorted `Vec` (a
/// `BTreeSet` brought the tree's code into the wasm for this one set).
/// Written as a JSON array, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys(Vec<String>);

impl Keys {
    pub fn contains(&self, key: &str) -> bool {
        self.0.binary_search_by(|k| k.as_str().cmp(key)).is_ok()
    }

    /// Adds `key`; whether it was not there.
    pub fn insert(&mut self, key: String) -> bool {
        match self.0.binary_search(&key) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, key);
                true
            }
        }
    }

    /// Takes `key` out; whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        match self.0.binary_search_by(|k| k.as_str().cmp(key)) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.0.iter()
    }

    /// Both sets' keys, in one pass over the two; how many of `other`'s
    /// were not here.
    pub fn merge(&mut self, other: Keys) -> usize {
        let mine = std::mem::take(&mut self.0);
        let before = mine.len();
        let mut out = Vec::with_capacity(mine.len() + other.0.len());
        let (mut a, mut b) = (mine.into_iter().peekable(), other.0.into_iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => match x.cmp(y) {
                    std::cmp::Ordering::Less => a.next(),
                    std::cmp::Ordering::Greater => b.next(),
                    std::cmp::Ordering::Equal => {
                        b.next();
                        a.next()
                    }
                },
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            match next {
                Some(key) => out.push(key),
                None => break,
            }
        }
        self.0 = out;
        self.0.len() - before
    }
}

impl From<Vec<String>> for Keys {
    /// Keys as a file lists them: taken as they are when in order and
    /// each once (as this model writes them), else sorted (by the
    /// model's one sort) and each kept once.
    fn from(mut keys: Vec<String>) -> Keys {
        if !keys.windows(2).all(|w| w[0] < w[1]) {
            crate::order::sort_by(&mut keys, |a, b| a.cmp(b));
            keys.dedup();
        }
        Keys(keys)
    }
}

impl Serialize for Keys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(&self.0)
    }
}

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Keys, D::Error> {
        Vec::<String>::deserialize(deserializer).map(Keys::from)
    }
}

/// An item's key in the reader's state (`slug/id`), also what keys the
/// starred view's rows.
pub fn key(slug: &str, id: &str) -> String {
    format!("{slug}/{id}")
}

/// What an import added: stars and read marks that were not here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    pub starred: usize,
    pub read: usize,
}

impl Reading {
    /// The state kept as `json`; anything unreadable is a fresh state.
    pub fn from_json(json: &str) -> Reading {
        Reading::parse(json).unwrap_or_default()
    }

    /// The state in `json`, or where it stops being one (a file the
    /// reader imports, which may be anything).
    pub fn parse(json: &str) -> Result<Reading, crate::json::Error> {
        <Reading as crate::json::FromJson>::from_json_text(json)
    }

    /// The state as JSON, as serde writes it (the model's tests compare).
    pub fn to_json(&self) -> String {
        use crate::json::write_string;
        let mut out = String::from("{\"read\":[");
        for (i, key) in self.read.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(&mut out, key);
        }
        out.push_str("],\"starred\":[");
        for (i, s) in self.starred.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let fields = [
                ("slug", &s.slug),
                ("id", &s.id),
                ("title", &s.title),
                ("date", &s.date),
                ("digest_title", &s.digest_title),
            ];
            for (j, (name, value)) in fields.into_iter().enumerate() {
                out.push(if j == 0 { '{' } else { ',' });
                write_string(&mut out, name);
                out.push(':');
                write_string(&mut out, value);
            }
            out.push('}');
        }
        out.push(']');
        if let Some(seen) = &self.seen_until {
            out.push_str(",\"seen_until\":");
            write_string(&mut out, seen);
        }
        out.push('}');
        out
    }

    pub fn is_read(&self, slug: &str, id: &str) -> bool {
        self.read.contains(&key(slug, id))
    }

    pub fn set_read(&mut self, slug: &str, id: &str, read: bool) {
        if read {
            self.read.insert(key(slug, id));
        } else {
            self.read.remove(&key(slug, id));
        }
    }

    /// Marks every item of one digest read.
    pub fn mark_all_read<'a>(&mut self, slug: &str, ids: impl IntoIterator<Item = &'a str>) {
        for id in ids {
            self.read.insert(key(slug, id));
        }
    }

    pub fn is_starred(&self, slug: &str, id: &str) -> bool {
        self.starred.iter().any(|s| s.slug == slug && s.id == id)
    }

    /// Keeps `item` for later, or lets it go if kept; whether it is kept now.
    pub fn toggle_star(&mut self, item: Starred) -> bool {
        if self.is_starred(&item.slug, &item.id) {
            self.starred
                .retain(|s| !(s.slug == item.slug && s.id == item.id));
            false
        } else {
            self.starred.insert(0, item);
            true
        }
    }

    /// Whether a digest of `date` is new since the visit that left
    /// `seen_until` (on a first visit nothing is "new").
    pub fn is_new(seen_until: Option<&str>, date: &str) -> bool {
        seen_until.is_some_and(|seen| date > seen)
    }

    /// Records that the list showed digests up to `newest`.
    pub fn saw(&mut self, newest: &str) {
        if self.seen_until.as_deref().is_none_or(|s| newest > s) {
            self.seen_until = Some(newest.to_string());
        }
    }

    /// Adds an imported state: read items and stars of both (the stars
    /// here first), the later of the two visits; what was new.
    pub fn merge(&mut self, other: Reading) -> Added {
        let read = self.read.merge(other.read);
        let mut starred = 0;
        for s in other.starred {
            if !self.is_starred(&s.slug, &s.id) {
                self.starred.push(s);
                starred += 1;
            }
        }
        if let Some(seen) = other.seen_until {
            self.saw(&seen);
        }
        Added { starred, read }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn star(id: &str) -> Starred {
        Starred {
            slug: "d".into(),
            id: id.into(),
            title: format!("T{id}"),
            date: "2024-05-26".into(),
            digest_title: "D".into(),
        }
    }

    #[test]
    fn read_and_starred_round_trip_through_json() {
        let mut r = Reading::default();
        r.set_read("d", "a", true);
        r.mark_all_read("e", ["x", "y"]);
        assert!(r.toggle_star(star("a")));
        assert!(r.toggle_star(star("b")));
        r.saw("2024-05-26");
        let back = Reading::from_json(&r.to_json());
        assert_eq!(back, r);
        assert!(back.is_read("e", "y") && !back.is_read("d", "b"));
        assert_eq!(
            back.starred
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert_eq!(Reading::from_json("not json"), Reading::default());
    }

    #[test]
    fn stars_toggle_and_read_marks_undo() {
        let mut r = Reading::default();
        assert!(r.toggle_star(star("a")));
        assert!(!r.toggle_star(star("a")));
        assert!(r.starred.is_empty());
        r.set_read("d", "a", true);
        r.set_read("d", "a", false);
        assert!(!r.is_read("d", "a"));
    }

    #[test]
    fn keys_are_a_sorted_set() {
        fn keys(k: &Keys) -> Vec<&str> {
            k.iter().map(String::as_str).collect()
        }
        let mut set = Keys::default();
        for k in ["d/b", "d/a", "e/c", "d/a"] {
            set.insert(k.to_string());
        }
        assert_eq!(keys(&set), ["d/a", "d/b", "e/c"]);
        assert!(set.contains("d/b") && !set.contains("d/c"));
        assert!(set.remove("d/b") && !set.remove("d/b"));
        assert_eq!(keys(&set).len(), 2);
        // A file's keys out of order or twice (written by hand).
        let read = Keys::from(vec!["b".to_string(), "a".to_string(), "b".to_string()]);
        assert_eq!(keys(&read), ["a", "b"]);
        // Many keys out of order are sorted once, not inserted one by one.
        let many = Keys::from(
            (0..100_000)
                .rev()
                .map(|i| format!("d/{i:06}"))
                .collect::<Vec<_>>(),
        );
        assert_eq!(many.iter().count(), 100_000);
        assert!(many.iter().zip(many.iter().skip(1)).all(|(a, b)| a < b));
        let mut merged = Keys::from(vec!["a".to_string(), "c".to_string(), "e".to_string()]);
        merged.merge(Keys::from(vec![
            "b".to_string(),
            "c".to_string(),
            "f".to_string(),
        ]));
        assert_eq!(keys(&merged), ["a", "b", "c", "e", "f"]);
        // Through JSON both ways: serde and the model's reader.
        let json = serde_json::to_string(&merged).expect("keys as JSON");
        assert_eq!(json, r#"["a","b","c","e","f"]"#);
        let back: Keys = serde_json::from_str(r#"["c","a","c"]"#).expect("keys from JSON");
        assert_eq!(keys(&back), ["a", "c"]);
        let read = Reading::from_json(r#"{"read":["z/1","a/2","z/1"]}"#);
        assert_eq!(keys(&read.read), ["a/2", "z/1"]);
    }

    #[test]
    fn new_since_the_last_visit() {
        assert!(!Reading::is_new(None, "2024-05-26"));
        assert!(Reading::is_new(Some("2024-05-25"), "2024-05-26"));
        assert!(!Reading::is_new(Some("2024-05-26"), "2024-05-26"));
        let mut r = Reading::default();
        r.saw("2024-05-26");
        r.saw("2024-05-20");
        assert_eq!(r.seen_until.as_deref(), Some("2024-05-26"));
    }

    #[test]
    fn an_import_adds_to_what_is_there() {
        let mut here = Reading::default();
        here.toggle_star(star("a"));
        here.set_read("d", "a", true);
        let mut there = Reading::default();
        there.toggle_star(star("a"));
        there.toggle_star(star("b"));
        there.set_read("d", "c", true);
        there.saw("2024-06-01");
        assert_eq!(
            here.merge(there),
            Added {
                starred: 1,
                read: 1
            }
        );
        assert_eq!(
            here.starred
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(here.is_read("d", "a") && here.is_read("d", "c"));
        assert_eq!(here.seen_until.as_deref(), Some("2024-06-01"));
        // The same file again adds nothing.
        let again = Reading::parse(&here.to_json()).expect("its own JSON");
        assert_eq!(here.merge(again), Added::default());
    }

    #[test]
    fn a_file_that_is_not_a_reading_state_says_where() {
        let bad = Reading::parse("{\"read\": [\"d/a\", 3]}").expect_err("a number is not a key");
        assert_eq!(
            (bad.what.as_str(), bad.line, bad.column),
            ("expected a string", 1, 18)
        );
        let bad = Reading::parse("%PDF-1.7\n").expect_err("not JSON");
        assert_eq!((bad.line, bad.column), (1, 1));
        assert_eq!(Reading::parse("{}"), Ok(Reading::default()));
    }
}
