//! List logic the app runs on a bundle: plain functions, tested natively.

use crate::{DigestSummary, Item, Manifest};

/// What the digest list is narrowed to. Lives in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only digests carrying this tag.
    pub tag: Option<String>,
    /// Only digests whose title, summary or tags contain this text
    /// (case-insensitive); blank means no text filter.
    pub text: String,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.tag.is_none() && self.text.trim().is_empty()
    }
}

/// The manifest's digests that pass `filter`, in manifest order (newest first).
pub fn filter_digests<'m>(manifest: &'m Manifest, filter: &Filter) -> Vec<&'m DigestSummary> {
    let needle = filter.text.trim().to_lowercase();
    manifest
        .digests
        .iter()
        .filter(|d| filter.tag.as_ref().is_none_or(|t| d.tags.contains(t)))
        .filter(|d| needle.is_empty() || text_matches(d, &needle))
        .collect()
}

fn text_matches(d: &DigestSummary, needle_lower: &str) -> bool {
    d.title.to_lowercase().contains(needle_lower)
        || d.summary.to_lowercase().contains(needle_lower)
        || d.tags
            .iter()
            .any(|t| t.to_lowercase().contains(needle_lower))
}

/// Total items over a list of digests.
pub fn item_total(digests: &[&DigestSummary]) -> u64 {
    digests.iter().map(|d| u64::from(d.item_count)).sum()
}

/// The digest with this slug.
pub fn find_digest<'m>(manifest: &'m Manifest, slug: &str) -> Option<&'m DigestSummary> {
    manifest.digests.iter().find(|d| d.slug == slug)
}

/// Where an item sits among its digest's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position<'a> {
    /// 0-based index.
    pub index: usize,
    pub item: &'a Item,
    pub prev: Option<&'a Item>,
    pub next: Option<&'a Item>,
}

/// Finds the item with `id` and its neighbours, or `None` for an unknown id.
pub fn locate<'a>(items: &'a [Item], id: &str) -> Option<Position<'a>> {
    let index = items.iter().position(|i| i.id == id)?;
    Some(Position {
        index,
        item: &items[index],
        prev: index.checked_sub(1).and_then(|p| items.get(p)),
        next: items.get(index + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TermCount, SCHEMA_VERSION};

    fn summary(slug: &str, date: &str, title: &str, tags: &[&str], items: u32) -> DigestSummary {
        DigestSummary {
            slug: slug.into(),
            date: date.into(),
            lastmod: None,
            title: title.into(),
            summary: format!("summary of {title}"),
            tags: tags.iter().map(|t| (*t).into()).collect(),
            categories: vec![],
            item_count: items,
            file: format!("data/d/{slug}.json"),
        }
    }

    fn manifest() -> Manifest {
        Manifest {
            schema: SCHEMA_VERSION,
            digests: vec![
                summary("c", "2024-05-27", "英伟达 earnings", &["AI", "芯片"], 3),
                summary("b", "2024-05-26", "Robots", &["robotics"], 5),
                summary("a", "2024-05-25", "Models", &["AI"], 7),
            ],
            tags: vec![TermCount {
                name: "AI".into(),
                count: 2,
            }],
            categories: vec![],
        }
    }

    fn slugs(v: &[&DigestSummary]) -> Vec<String> {
        v.iter().map(|d| d.slug.clone()).collect()
    }

    #[test]
    fn empty_filter_keeps_everything_in_order() {
        let m = manifest();
        let all = filter_digests(&m, &Filter::default());
        assert_eq!(slugs(&all), ["c", "b", "a"]);
        assert_eq!(item_total(&all), 15);
    }

    #[test]
    fn tag_filter_is_exact() {
        let m = manifest();
        let f = Filter {
            tag: Some("AI".into()),
            text: String::new(),
        };
        assert_eq!(slugs(&filter_digests(&m, &f)), ["c", "a"]);
        let f = Filter {
            tag: Some("ai".into()),
            text: String::new(),
        };
        assert!(filter_digests(&m, &f).is_empty());
    }

    #[test]
    fn text_filter_ignores_case_and_searches_tags() {
        let m = manifest();
        let f = Filter {
            tag: None,
            text: "  ROBOTS ".into(),
        };
        assert_eq!(slugs(&filter_digests(&m, &f)), ["b"]);
        let f = Filter {
            tag: None,
            text: "芯片".into(),
        };
        assert_eq!(slugs(&filter_digests(&m, &f)), ["c"]);
        let f = Filter {
            tag: Some("AI".into()),
            text: "models".into(),
        };
        assert_eq!(slugs(&filter_digests(&m, &f)), ["a"]);
    }

    fn item(id: &str) -> Item {
        Item {
            id: id.into(),
            title: id.into(),
            title_html: id.into(),
            image: None,
            body_html: String::new(),
            source: None,
            links: vec![],
            section: None,
        }
    }

    #[test]
    fn locate_gives_neighbours() {
        let items = vec![item("x"), item("y"), item("z")];
        let first = locate(&items, "x").expect("x exists");
        assert_eq!(
            (first.index, first.prev, first.next.map(|i| i.id.as_str())),
            (0, None, Some("y"))
        );
        let mid = locate(&items, "y").expect("y exists");
        assert_eq!(mid.prev.map(|i| i.id.as_str()), Some("x"));
        assert_eq!(mid.next.map(|i| i.id.as_str()), Some("z"));
        let last = locate(&items, "z").expect("z exists");
        assert!(last.next.is_none());
        assert!(locate(&items, "nope").is_none());
    }

    #[test]
    fn find_digest_by_slug() {
        let m = manifest();
        assert_eq!(
            find_digest(&m, "b").map(|d| d.title.as_str()),
            Some("Robots")
        );
        assert!(find_digest(&m, "zz").is_none());
    }
}
