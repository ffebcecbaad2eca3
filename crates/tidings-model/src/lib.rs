//! The wire format of a tidings bundle.
//!
//! The bundler (`crates/tidings`) writes these types as JSON and the app reads
//! them back; both sides depend on this crate so the format has one
//! definition. Everything the app shows that can be worked out at build time
//! (plain titles, rendered and sanitised HTML, source domains, item ids, tag
//! counts, whether an image exists) is computed by the bundler and stored
//! here, so the app never re-derives it.
//!
//! Layout of a bundle under the site root:
//!
//! ```text
//! data/manifest.json              Manifest: every digest's summary, tag counts
//! data/d/<slug>.<hash>.json       Digest: one digest with all its items
//! ```
//!
//! The manifest is the only file with a fixed name; the per-digest files carry
//! a hash of their contents in their names, so a deploy never mixes an old
//! manifest with new digest files (or the reverse).

pub mod query;
pub mod url;

use serde::{Deserialize, Serialize};

/// Version of the bundle format. Bumped on any change an older app could
/// misread; the app refuses a bundle of another version.
pub const SCHEMA_VERSION: u32 = 1;

/// Path of the manifest, relative to the site root.
pub const MANIFEST_PATH: &str = "data/manifest.json";

/// `data/manifest.json`: enough to list, filter and link every digest
/// without loading any digest file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: u32,
    /// Newest first (date, then slug).
    pub digests: Vec<DigestSummary>,
    /// Every tag with the number of digests carrying it, most used first.
    pub tags: Vec<TermCount>,
    /// Every category with its number of digests, most used first.
    pub categories: Vec<TermCount>,
}

/// One digest as the list views need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestSummary {
    pub slug: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lastmod: Option<String>,
    pub title: String,
    /// Plain-text summary: the description, else the first sentences.
    pub summary: String,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    pub item_count: u32,
    /// Path of this digest's [`Digest`] file, relative to the site root.
    pub file: String,
}

/// A term (tag or category) and how many digests carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermCount {
    pub name: String,
    pub count: u32,
}

/// `data/d/<slug>.<hash>.json`: one digest and all its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// One news item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Short, URL-safe, derived from the item's content (its source link, or
    /// its title when it has none), never from its position.
    pub id: String,
    /// Plain text, for lists and the page `<title>`.
    pub title: String,
    /// Sanitised inline HTML, for display.
    pub title_html: String,
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
}

/// An image reference. `src` is `None` when the bundler could not find the
/// local file: the app then shows a placeholder instead of a broken image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    pub alt: String,
}

/// The item's primary source link and its host name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Deserialize)]
struct SchemaProbe {
    schema: Option<u32>,
}

fn check_schema(text: &str) -> Result<(), DecodeError> {
    let probe: SchemaProbe =
        serde_json::from_str(text).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    match probe.schema {
        Some(SCHEMA_VERSION) => Ok(()),
        Some(found) => Err(DecodeError::Schema {
            found,
            expected: SCHEMA_VERSION,
        }),
        None => Err(DecodeError::Malformed("no \"schema\" field".into())),
    }
}

impl Manifest {
    /// Parses a manifest, refusing one written for another format version
    /// before looking at anything else in it.
    pub fn from_json(text: &str) -> Result<Self, DecodeError> {
        check_schema(text)?;
        serde_json::from_str(text).map_err(|e| DecodeError::Malformed(e.to_string()))
    }
}

impl Digest {
    /// Parses a digest file, refusing one of another format version.
    pub fn from_json(text: &str) -> Result<Self, DecodeError> {
        check_schema(text)?;
        serde_json::from_str(text).map_err(|e| DecodeError::Malformed(e.to_string()))
    }

    /// The summary the manifest holds for this digest.
    pub fn summary(&self, summary: String, file: String) -> DigestSummary {
        DigestSummary {
            slug: self.slug.clone(),
            date: self.date.clone(),
            lastmod: self.lastmod.clone(),
            title: self.title.clone(),
            summary,
            tags: self.tags.clone(),
            categories: self.categories.clone(),
            item_count: u32::try_from(self.items.len()).unwrap_or(u32::MAX),
            file,
        }
    }
}
