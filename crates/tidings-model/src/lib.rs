//! The wire format of a tidings bundle.
//!
//! The bundler (`crates/tidings`) writes these types as JSON and the app reads
//! them back; both sides depend on this crate so the format has one
//! definition. Everything the app shows that can be worked out at build time
//! (plain titles, rendered and sanitised HTML, source domains, item ids, tag
//! counts, whether an image exists) is computed by the bundler and stored
//! here, so the app never re-derives it.
//!
//! Layout of a bundle under the site root (`<stamp>` is a hash of the
//! whole build; [`layout`] owns these paths, [`url`] the app's URLs and
//! route pages, [`facet`] the filter dimensions, [`date`] the calendar):
//!
//! ```text
//! data/manifest.json                 Manifest: stamp, counts, facet totals, item-page mode
//! data/<stamp>/index.json            Index: every digest's filter columns, integer-coded
//! data/<stamp>/list/<n>.json         ListPage: list entries (title, summary, …), newest first
//! data/<stamp>/d/<n>.json            Shard: the digests whose slug hashes to n, with their items
//! ```
//!
//! The manifest is the only file with a fixed name, and it is small at any
//! size of corpus: the first view loads it and the first list page. The
//! index loads when a filter is used; a shard when a digest or item is
//! shown. Digests are grouped into shards (about three per file, chosen by
//! a hash of the slug) so a large corpus stays well under the file-count
//! limits of static hosts, and a deep link needs no lookup table.
//! Everything else lives under the build's stamp, so a deploy never mixes
//! files of two builds.
//!
//! Files fetched from the network are checked before use
//! ([`BundleFile::from_json`] and the `check_*` methods): every id and row
//! in range, so the app shows an error instead of panicking on a damaged
//! file.

pub mod case;
pub mod date;
pub mod facet;
pub mod html;
pub mod i18n;
pub mod json;
pub mod keys;
pub mod layout;
pub mod order;
pub mod query;
pub mod reading;
pub mod search;
pub mod search_index;
pub mod site;
pub mod url;

use serde::{Deserialize, Serialize};

/// Version of the bundle format. Bumped on any change an older app could
/// misread; the app refuses a bundle of another version.
pub const SCHEMA_VERSION: u32 = 3;

/// Path of the manifest, relative to the site root.
pub const MANIFEST_PATH: &str = layout::MANIFEST;

/// `data/manifest.json`: what the first view needs, about the same size at
/// 12 or 10,000 digests: the facets' terms it carries are the few the
/// first screen shows ([`Manifest::bounded`]), and the months grow by
/// twelve a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: u32,
    /// Hash of the build; every other file lives under `data/<stamp>/`.
    pub stamp: String,
    pub digest_count: u32,
    pub item_count: u64,
    /// Entries per list page.
    pub page_size: u32,
    /// Number of list pages.
    pub page_count: u32,
    /// Number of digest shards.
    pub shard_count: u32,
    /// Whether every item has its own HTML page (`/d/<slug>/<id>/`); if not,
    /// items are addressed inside their digest's page (`/d/<slug>/?item=<id>`).
    pub item_pages: bool,
    /// Every tag with its number of digests, most used first. In the
    /// file, only the most used few (see `facet_terms`).
    pub tags: Vec<TermCount>,
    /// Every category with its number of digests, most used first.
    pub categories: Vec<TermCount>,
    /// Every source domain with its number of digests, most used first.
    /// This and the next two came after `schema` 3's first builds, so a
    /// manifest without them reads as empty ones.
    #[serde(default)]
    pub domains: Vec<TermCount>,
    /// Every item section label with its number of digests, most used first.
    #[serde(default)]
    pub sections: Vec<TermCount>,
    /// Per month (`YYYYMM`), newest first: its number of digests, for the
    /// archive of the first view, which loads no index.
    #[serde(default)]
    pub months: Vec<query::Count>,
    /// How many terms each facet has, in [`facet::Facet::ALL`]'s order,
    /// when the lists above hold fewer: the file carries only the terms
    /// the first screen shows, so a site citing thousands of sources does
    /// not make every first view fetch them; the rest come with the index,
    /// when a reader asks for every term. Empty in a manifest whose lists
    /// are whole (written before this field, or in memory), and then left
    /// out of the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facet_terms: Vec<u32>,
    /// The full-text index's counts ([`search_index`]); no shards when
    /// the build wrote no index.
    #[serde(default)]
    pub search: search_index::SearchInfo,
}

impl Manifest {
    /// `data/<stamp>/index.json`.
    pub fn index_path(&self) -> String {
        layout::index(&self.stamp)
    }

    /// `data/<stamp>/list/<n>.json`.
    pub fn page_path(&self, n: u32) -> String {
        layout::list_page(&self.stamp, n)
    }

    /// `data/<stamp>/list/first.json`: the list's first screen (the first
    /// rows of page 0).
    pub fn first_screen_path(&self) -> String {
        layout::first_screen(&self.stamp)
    }

    /// `data/<stamp>/d/<n>.json`: the shard holding the digest `slug`.
    pub fn shard_path(&self, slug: &str) -> String {
        layout::shard(&self.stamp, self.shard_of(slug))
    }

    /// The shard number of the digest `slug`.
    pub fn shard_of(&self, slug: &str) -> u32 {
        shard_of(slug, self.shard_count)
    }

    /// The route of an item, in the form this build serves.
    pub fn item_route(&self, slug: &str, id: &str) -> url::Route {
        item_route(self.item_pages, slug, id)
    }

    /// The link to an item, in the form this build serves.
    pub fn item_url(&self, slug: &str, id: &str) -> String {
        self.item_route(slug, id).url()
    }

    /// The list page holding row `row`.
    pub fn page_of(&self, row: u32) -> u32 {
        row / self.page_size.max(1)
    }
}

/// The route of an item: its own page, or inside its digest's page when
/// the build has no per-item pages.
pub fn item_route(item_pages: bool, slug: &str, id: &str) -> url::Route {
    if item_pages {
        url::Route::item(slug, id)
    } else {
        url::Route::item_in_digest(slug, id)
    }
}

/// `text` in double quotes, for the messages about a damaged file: a
/// quote, a backslash and control characters escaped as `{:?}` escapes
/// them, every other character as it is. Not `{:?}` itself: the release
/// wasm is built with `-Zfmt-debug=none` (the Makefile's `RELEASE_WASM`),
/// under which `{:?}` writes nothing, and `{:?}`'s escaping of unprintable
/// and combining characters would bring Unicode tables into the wasm.
pub fn quoted(text: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// 64-bit FNV-1a. Stable across releases: item ids and shard numbers
/// depend on it.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One step of a 64-bit hash over words: `word` folded into the state
/// `h` with one multiplication, its high bits folded back into the low
/// ones (which hash tables index by). The index builder's [`KeyHasher`]
/// and the build's stamp of the data files hash with it.
///
/// [`KeyHasher`]: search_index::KeyHasher
pub fn mix64(h: u64, word: u64) -> u64 {
    let m = (h ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    m ^ (m >> 29)
}

/// The shard (`0..count`) holding the digest `slug`.
pub fn shard_of(slug: &str, count: u32) -> u32 {
    (fnv1a(slug.as_bytes()) % u64::from(count.max(1))) as u32
}

/// `data/<stamp>/d/<n>.json`: the digests of one shard. (The build step
/// writes a `Shard<&Digest>`, the same JSON without copying the digests.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard<D = Digest> {
    pub schema: u32,
    pub digests: Vec<D>,
}

/// `data/<stamp>/list/<n>.json`: one page of list entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    pub schema: u32,
    /// Row number (in the index) of the first entry.
    pub first_row: u32,
    pub entries: Vec<DigestSummary>,
}

/// One digest as the list views need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestSummary {
    pub slug: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub title: String,
    /// Plain-text summary: the text before `<!--more-->`, the description,
    /// else the first sentences.
    pub summary: String,
    pub tags: Vec<String>,
    pub item_count: u32,
}

/// A term (tag or category) and how many digests carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermCount {
    pub name: String,
    pub count: u32,
}

/// `data/<stamp>/index.json`: the filter columns of every digest, one row
/// per digest in list order (newest first), terms coded as integers into
/// the string tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub schema: u32,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    /// Source domains of the items.
    pub domains: Vec<String>,
    /// Section labels of the items.
    pub sections: Vec<String>,
    /// Per row: date as `YYYYMMDD`.
    pub dates: Vec<u32>,
    /// Per row: number of items.
    pub items: Vec<u32>,
    /// Per row: tag numbers, ascending.
    pub row_tags: Vec<Vec<u32>>,
    pub row_categories: Vec<Vec<u32>>,
    pub row_domains: Vec<Vec<u32>>,
    pub row_sections: Vec<Vec<u32>>,
}

/// `data/<stamp>/d/<slug>.json`: one digest and all its items.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Digest {
    pub schema: u32,
    pub slug: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lastmod: Option<String>,
    pub title: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    /// Sanitised HTML of the text before the first item (may be empty).
    pub intro_html: String,
    pub items: Vec<Item>,
    /// Sanitised HTML of the sections after the items that are not news
    /// items (references, a closing word, promotions).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub closing_html: String,
}

/// One news item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Item {
    /// Short, URL-safe, derived from the item's content (its source link, or
    /// its title when it has none), never from its position.
    pub id: String,
    /// Plain text, for lists and the page `<title>`.
    pub title: String,
    /// Sanitised inline HTML, for display.
    pub title_html: String,
    /// The title in another language, when the digest gives both (shown
    /// as a subtitle, searchable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_translation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Sanitised HTML of the item's body, without its lead image and without
    /// a trailing "source: link" note (shown from [`Item::source`]).
    pub body_html: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Every http(s) link in the item, in order, without duplicates.
    pub links: Vec<String>,
    /// Label of the section the item sits in, when the digest groups items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Who published the story, when the digest names it apart from the
    /// link (a front-matter story's `source`, e.g. "Hacker News").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The same story (its source link, normalised) in other digests,
    /// newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<StoryRef>,
}

/// Where else a story appears: an item of another digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoryRef {
    pub slug: String,
    pub id: String,
    /// The digest's date, `YYYY-MM-DD`.
    pub date: String,
    /// The digest's title.
    pub title: String,
}

/// An image reference. `src` is `None` when the bundler could not find the
/// local file: the app then shows a placeholder instead of a broken image.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Image {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    pub alt: String,
}

/// The item's primary source link and its host name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    pub url: String,
    /// Host without a leading `www.`, e.g. `163.com` for `https://www.163.com/...`.
    pub domain: String,
}

/// Why a fetched bundle file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The file is not JSON of the expected shape.
    Malformed(String),
    /// The file was written for another version of the format.
    Schema { found: u32, expected: u32 },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Malformed(msg) => write!(f, "the bundle is malformed: {msg}"),
            DecodeError::Schema { found, expected } => write!(
                f,
                "the bundle has format version {found}, but this viewer reads version {expected}; \
                 rebuild the site with the matching tidings"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

json::fields!(Manifest {
    required: [
        schema,
        stamp,
        digest_count,
        item_count,
        page_size,
        page_count,
        shard_count,
        item_pages,
        tags,
        categories
    ],
    default: [search, domains, sections, months, facet_terms],
});
json::fields!(Shard {
    required: [schema, digests],
    default: []
});
json::fields!(ListPage {
    required: [schema, first_row, entries],
    default: []
});
json::fields!(DigestSummary {
    required: [slug, date, title, summary, tags, item_count],
    default: [],
});
json::fields!(TermCount {
    required: [name, count],
    default: []
});
json::fields!(Index {
    required: [
        schema,
        tags,
        categories,
        domains,
        sections,
        dates,
        items,
        row_tags,
        row_categories,
        row_domains,
        row_sections
    ],
    default: [],
});
json::fields!(Digest {
    required: [
        schema,
        slug,
        date,
        title,
        description,
        tags,
        categories,
        intro_html,
        items
    ],
    default: [lastmod, image, closing_html],
});
json::fields!(Item {
    required: [id, title, title_html, body_html, links],
    default: [
        title_translation,
        image,
        source,
        section,
        publisher,
        also_in
    ],
});
json::fields!(StoryRef {
    required: [slug, id, date, title],
    default: []
});
json::fields!(Image {
    required: [alt],
    default: [src]
});
json::fields!(Source {
    required: [url, domain],
    default: []
});

/// Refuses a file of another format version before reading the rest:
/// the `schema` field comes first in what the build writes, so this reads
/// only up to it.
fn check_schema(text: &str) -> Result<(), DecodeError> {
    let schema = json::Reader::new(text)
        .field("schema", json::Reader::u32)
        .map_err(|e| DecodeError::Malformed(e.to_string()))?;
    match schema {
        Some(SCHEMA_VERSION) => Ok(()),
        Some(found) => Err(DecodeError::Schema {
            found,
            expected: SCHEMA_VERSION,
        }),
        None => Err(DecodeError::Malformed("no \"schema\" field".into())),
    }
}

/// A bundle file that can be read back, refusing other format versions.
pub trait BundleFile: json::FromJson {
    /// Parses the file, refusing one written for another format version
    /// before looking at anything else in it, and one whose contents do not
    /// hold together ([`BundleFile::check`]).
    fn from_json(text: &str) -> Result<Self, DecodeError> {
        check_schema(text)?;
        let value =
            Self::from_json_text(text).map_err(|e| DecodeError::Malformed(e.to_string()))?;
        value.check().map_err(DecodeError::Malformed)?;
        Ok(value)
    }

    /// What is inconsistent inside the file, if anything.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

impl BundleFile for Manifest {
    fn check(&self) -> Result<(), String> {
        let pages = self.digest_count.div_ceil(self.page_size.max(1)).max(1);
        if self.page_size == 0 || self.shard_count == 0 {
            return Err("the manifest has no list pages or no shards".into());
        }
        if self.page_count != pages {
            return Err(format!(
                "the manifest has {} list pages for {} digests of {} a page",
                self.page_count, self.digest_count, self.page_size
            ));
        }
        Ok(())
    }
}

impl BundleFile for Index {
    fn check(&self) -> Result<(), String> {
        let rows = self.dates.len();
        if self.items.len() != rows {
            return Err(format!(
                "index.json has {} item counts for {rows} rows",
                self.items.len()
            ));
        }
        if let Some(r) = self
            .dates
            .iter()
            .position(|&d| date::Date::from_number(d).is_none())
        {
            return Err(format!(
                "index.json row {r} has no valid date ({})",
                self.dates[r]
            ));
        }
        for f in facet::Facet::ALL {
            let col = self.column(f);
            let key = f.key();
            // Numbers in name order: the counts rank ties by number.
            if let Some(i) = col.names.windows(2).position(|w| w[0] >= w[1]) {
                return Err(format!(
                    "index.json: `{key}` names are not in order ({} after {})",
                    quoted(&col.names[i + 1]),
                    quoted(&col.names[i])
                ));
            }
            if col.rows.len() != rows {
                return Err(format!(
                    "index.json has {} `{key}` rows for {rows} digests",
                    col.rows.len()
                ));
            }
            for (r, ids) in col.rows.iter().enumerate() {
                if let Some(id) = ids.iter().find(|&&id| id as usize >= col.names.len()) {
                    return Err(format!(
                        "index.json row {r} has `{key}` number {id}, but there are {}",
                        col.names.len()
                    ));
                }
                if ids.windows(2).any(|w| w[0] >= w[1]) {
                    return Err(format!(
                        "index.json row {r}: `{key}` numbers are not ascending"
                    ));
                }
            }
        }
        Ok(())
    }
}

impl BundleFile for ListPage {}

impl BundleFile for Digest {
    fn check(&self) -> Result<(), String> {
        let mut ids: Vec<&str> = self.items.iter().map(|i| i.id.as_str()).collect();
        // The model's one sort (order.rs), not another instance of std's.
        crate::order::sort_by(&mut ids, |a, b| a.cmp(b));
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!(
                "digest {} has two items with the id {}",
                quoted(&self.slug),
                quoted(w[0])
            ));
        }
        if ids.first() == Some(&"") {
            return Err(format!(
                "digest {} has an item without an id",
                quoted(&self.slug)
            ));
        }
        Ok(())
    }
}

impl BundleFile for Shard {
    fn check(&self) -> Result<(), String> {
        self.digests.iter().try_for_each(BundleFile::check)
    }
}

impl Index {
    /// Number of rows (digests).
    pub fn rows(&self) -> usize {
        self.dates.len()
    }

    /// Checks the index against the manifest it was found through.
    pub fn check_against(&self, manifest: &Manifest) -> Result<(), DecodeError> {
        if self.rows() != manifest.digest_count as usize {
            return Err(DecodeError::Malformed(format!(
                "index.json has {} rows, but the manifest counts {} digests",
                self.rows(),
                manifest.digest_count
            )));
        }
        Ok(())
    }
}

impl ListPage {
    /// Checks that this is list page `n` of the manifest's list.
    pub fn check_against(&self, manifest: &Manifest, n: u32) -> Result<(), DecodeError> {
        let size = manifest.page_size.max(1);
        let first = u64::from(n) * u64::from(size);
        let fits = self.entries.len() <= size as usize
            && first + self.entries.len() as u64 <= u64::from(manifest.digest_count);
        if u64::from(self.first_row) != first || !fits {
            return Err(DecodeError::Malformed(format!(
                "list page {n} holds rows {}..{}, expected rows from {first}, at most {size}, below {}",
                self.first_row,
                u64::from(self.first_row) + self.entries.len() as u64,
                manifest.digest_count
            )));
        }
        Ok(())
    }

    /// The entry of index row `row`, if this page holds it.
    pub fn entry(&self, row: u32) -> Option<&DigestSummary> {
        self.entries.get(row.checked_sub(self.first_row)? as usize)
    }
}

impl Shard {
    /// Checks that every digest of shard `n` belongs in it.
    pub fn check_against(&self, manifest: &Manifest, n: u32) -> Result<(), DecodeError> {
        match self
            .digests
            .iter()
            .find(|d| manifest.shard_of(&d.slug) != n)
        {
            Some(d) => Err(DecodeError::Malformed(format!(
                "shard {n} holds digest {}, which belongs in shard {}",
                quoted(&d.slug),
                manifest.shard_of(&d.slug)
            ))),
            None => Ok(()),
        }
    }
}

impl Digest {
    /// The list entry for this digest.
    pub fn summary(&self, summary: String) -> DigestSummary {
        DigestSummary {
            slug: self.slug.clone(),
            date: self.date.clone(),
            title: self.title.clone(),
            summary,
            tags: self.tags.clone(),
            item_count: u32::try_from(self.items.len()).unwrap_or(u32::MAX),
        }
    }
}
