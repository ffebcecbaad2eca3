//! What one reader has read and kept for later, and how far the list was
//! when they last came: kept in their browser (`localStorage`, no server),
//! exported and imported as a JSON file. Plain data and functions; the app
//! stores it and shows it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

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
    pub read: BTreeSet<String>,
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

/// An item's key in the reader's state (`slug/id`), also what keys the
/// starred view's rows.
pub fn key(slug: &str, id: &str) -> String {
    format!("{slug}/{id}")
}

impl Reading {
    /// The state kept as `json`; anything unreadable is a fresh state.
    pub fn from_json(json: &str) -> Reading {
        <Reading as crate::json::FromJson>::from_json_text(json).unwrap_or_default()
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
    /// here first), the later of the two visits.
    pub fn merge(&mut self, other: Reading) {
        self.read.extend(other.read);
        for s in other.starred {
            if !self.is_starred(&s.slug, &s.id) {
                self.starred.push(s);
            }
        }
        if let Some(seen) = other.seen_until {
            self.saw(&seen);
        }
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
        here.merge(there);
        assert_eq!(
            here.starred
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(here.is_read("d", "a") && here.is_read("d", "c"));
        assert_eq!(here.seen_until.as_deref(), Some("2024-06-01"));
    }
}
