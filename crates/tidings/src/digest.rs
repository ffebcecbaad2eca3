//! One content file to one [`Digest`].

use std::path::{Component, Path, PathBuf};

use tidings_model::{Digest, Image, Item, Source, SCHEMA_VERSION};

use crate::config::FieldNames;
use crate::error::{ContentError, ContentErrorKind, Location, Warning};
use crate::extract::{self, RawItem};
use crate::frontmatter;
use tidings_model::date::Date;

/// The files under the content folder that are not digests (images and
/// other page resources), found while listing the folder, so resolving an
/// image costs a lookup instead of a file system call.
pub type Assets = std::collections::HashSet<PathBuf>;

/// How the site's settings say to read each file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub extract: extract::ExtractOptions,
    pub fields: FieldNames,
    /// A Hugo site's `static/` folder: where site-absolute images
    /// (`/images/x.png`) are.
    pub static_dir: Option<PathBuf>,
    /// The path the site is served under (`/`, `/repo/`): copied images
    /// are linked under it.
    pub base_path: String,
}

/// Largest content file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A digest read from its file, with what the build must do besides
/// writing it.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub path: PathBuf,
    pub digest: Digest,
    /// The digest's date (also in `digest.date` as text).
    pub date: Date,
    /// Plain-text summary for lists.
    pub summary: String,
    /// Plain-text opening of each item, for link previews.
    pub item_summaries: Vec<String>,
    pub draft: bool,
    /// Local images to copy: (file on disk, path under the site root).
    pub media: Vec<(PathBuf, String)>,
    pub warnings: Vec<Warning>,
    /// A hash of the digest without its story links (`also_in`), its
    /// summary and item summaries: worked out once, before the digest
    /// goes into the parse cache, and kept with it (and under `--watch`),
    /// for [`Parsed::key`]. A build without a cache keeps no keys and
    /// leaves it `None`.
    pub unlinked: Option<u64>,
    /// Each item's story key hashed (`None` for an item whose source is
    /// not an http(s) link): worked out once, by [`crate::stories::link`]
    /// unless the parse cache had it, and kept as `unlinked` is.
    pub story_hashes: Option<Vec<Option<u64>>>,
    /// Set when the digest was read from the parse cache without what only
    /// its own pages, its shard, the feeds and its search index run show
    /// (its intro and closing, `item_summaries`, and of each item all but
    /// its id, source, section and story links, left empty here): the
    /// cache entry that holds them. [`Parsed::full`] reads them back.
    pub cold: Option<PathBuf>,
}

impl Parsed {
    /// The digest whole: itself, or, when it was read from the parse
    /// cache without its bodies ([`Parsed::cold`]), a copy with them read
    /// back. Whatever shows an item (more than its id, source and
    /// section), the intro or closing, or an item summary takes the
    /// digest from here.
    pub fn full(&self) -> crate::error::Result<std::borrow::Cow<'_, Parsed>> {
        let Some(entry) = &self.cold else {
            return Ok(std::borrow::Cow::Borrowed(self));
        };
        let mut full = self.clone();
        full.cold = None;
        crate::cache::read_cold(entry, &mut full)?;
        Ok(std::borrow::Cow::Owned(full))
    }

    /// A hash of all the data and pages made from this digest read of it
    /// (the digest as linked, its summary and item summaries): part of
    /// the keys of its shard and pages (`cache::FileKeys`).
    pub fn key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = crate::cache::Fingerprint::default();
        match self.unlinked {
            Some(unlinked) => h.word(unlinked),
            None => (&self.digest, &self.summary, &self.item_summaries).hash(&mut h),
        }
        for item in &self.digest.items {
            item.also_in.hash(&mut h);
        }
        h.finish()
    }

    /// [`Parsed::unlinked`] and [`Parsed::story_hashes`], worked out
    /// unless known; the digest's items must have no story links. Done
    /// before a parsed digest goes into the parse cache, so a rebuild
    /// takes both from there instead of hashing every digest again.
    pub(crate) fn hash_for_links(&mut self) {
        use std::hash::{Hash, Hasher};
        if self.unlinked.is_none() {
            let mut h = crate::cache::Fingerprint::default();
            (&self.digest, &self.summary, &self.item_summaries).hash(&mut h);
            self.unlinked = Some(h.finish());
        }
        self.hash_stories();
    }

    /// [`Parsed::story_hashes`], worked out unless known.
    pub(crate) fn hash_stories(&mut self) {
        if self.story_hashes.is_none() {
            self.story_hashes = Some(crate::stories::story_hashes(&self.digest));
        }
    }
}

/// Decodes the raw bytes of a content file: refuses empty, binary and
/// non-UTF-8 files, drops a BOM and turns CRLF into LF.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, ContentError> {
    let err = |line, column, kind| ContentError::new(path, line, column, kind);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(err(1, 1, ContentErrorKind::Empty));
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        let (line, column) = byte_line_col(bytes, at);
        return Err(err(line, column, ContentErrorKind::Binary));
    }
    // The fast check first; std's names where the text stops being UTF-8.
    let text = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => std::str::from_utf8(bytes).map_err(|e| {
            let at = e.valid_up_to();
            let (line, column) = byte_line_col(bytes, at);
            err(line, column, ContentErrorKind::NotUtf8 { offset: at })
        })?,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    })
}

fn byte_line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// The page's name: the file stem, or for a Hugo page bundle
/// (`<name>/index.md`) the folder's name.
pub fn page_name(path: &Path) -> Option<&str> {
    let stem = path.file_stem()?.to_str()?;
    if stem == "index" {
        path.parent()?.file_name()?.to_str()
    } else {
        Some(stem)
    }
}

/// The slug a page gets without a `slug` field: its name, or for a page
/// dated by its folder (`2025-09/08.md`) the whole date, so the days of
/// different months do not collide.
pub fn default_slug(path: &Path) -> String {
    let name = page_name(path).unwrap_or_default();
    if name.get(..10).and_then(Date::parse).is_none() {
        if let Some(d) = date_from_path(path) {
            return d.to_string();
        }
    }
    name.to_string()
}

/// A date in a file or folder name: `2025-09-08.md`,
/// `2026-02-08-hacker-news.md`, `2025-09-08-daily/index.md` or `2025-09/08.md`.
pub fn date_from_path(path: &Path) -> Option<Date> {
    let name = page_name(path)?;
    if let Some(d) = name.get(..10).and_then(Date::parse) {
        return Some(d);
    }
    let parent = path.parent()?.file_name()?.to_str()?;
    Date::parse(&format!("{parent}-{name}"))
}

/// Parses one digest. `root` is the content folder (images may not leave
/// it). A page Hugo never lists (`headless`, `build.list = "never"`) is an
/// error list with no errors: left out, with nothing wrong to report.
pub fn parse(
    root: &Path,
    path: &Path,
    text: &str,
    read: &ReadOptions,
    assets: &Assets,
) -> Result<Parsed, Vec<ContentError>> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let options = &read.extract.for_file(&rel.join("/"));
    let split = frontmatter::split(path, text).map_err(|e| vec![e])?;
    let fm = frontmatter::parse(path, &split, &read.fields)?;
    if fm.unlisted {
        // Left out without a problem to report: see `parse`'s doc.
        return Err(Vec::new());
    }
    let (slug, date) = identity(path, &split, &fm)?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut images = Images {
        root,
        dir,
        dir_in_root: dir.starts_with(root),
        path,
        slug: &slug,
        assets,
        static_dir: read.static_dir.as_deref(),
        base_path: &read.base_path,
        media: Vec::new(),
        media_seen: Default::default(),
        warnings: Vec::new(),
    };

    let mut extracted = extract::extract(split.body, split.body_line, options);
    if !fm.stories.is_empty() {
        let stories = fm.stories.iter().map(extract::story_item);
        extracted.items.splice(0..0, stories);
    }
    let (intro_html, intro_text) =
        extract::render_with_text(&extracted.intro_md, |s| images.resolve(s, split.body_line));
    let (closing_html, _) = extract::render_with_text(&extracted.closing_md, |s| {
        images.resolve(s, split.body_line)
    });
    let mut items: Vec<Item> = Vec::with_capacity(extracted.items.len());
    let mut item_texts: Vec<String> = Vec::with_capacity(extracted.items.len());
    let mut ids = Ids::default();
    for raw in &extracted.items {
        let (item, text) = item(raw, &mut ids, &mut images);
        items.push(item);
        item_texts.push(text);
    }
    let title = match fm.title.clone() {
        Some(title) => title,
        None => {
            let (title, from) = derived_title(path, split.body, &slug, date, options);
            images.warnings.push(Warning {
                location: Location::new(path, split.front_line.saturating_sub(1).max(1), 1),
                message: format!("no title in the front matter: using {title:?} ({from})"),
            });
            title
        }
    };
    // A label that only repeats the digest's title (its `#` heading) says
    // nothing about the items under it.
    for item in &mut items {
        if item.section.as_deref() == Some(title.as_str()) {
            item.section = None;
        }
    }
    let image_line = split.front_line + frontmatter::key_position(split.front, "image").0;
    let image = fm.image.as_ref().map(|src| Image {
        src: images.resolve(src, image_line),
        alt: title.clone(),
    });
    let summary = summary(split.body, &fm.description, intro_text, item_texts.first());
    let Images {
        media, warnings, ..
    } = images;
    Ok(Parsed {
        path: path.to_path_buf(),
        digest: Digest {
            schema: SCHEMA_VERSION,
            slug,
            date: date.to_string(),
            lastmod: fm.lastmod.map(|d| d.to_string()),
            title,
            description: fm.description,
            image,
            tags: fm.tags,
            categories: fm.categories,
            intro_html,
            items,
            closing_html,
        },
        date,
        summary,
        item_summaries: item_texts
            .iter()
            .map(|t| extract::first_sentences(t, 160))
            .collect(),
        draft: fm.draft,
        media,
        warnings,
        unlinked: None,
        story_hashes: None,
        cold: None,
    })
}

/// A title for a post without one: the site's pattern, else the body's
/// first `#` heading, else the file's name; and where it came from.
fn derived_title(
    path: &Path,
    body: &str,
    slug: &str,
    date: Date,
    options: &extract::ExtractOptions,
) -> (String, &'static str) {
    let file = page_name(path).unwrap_or(slug);
    if let Some(pattern) = &options.title_pattern {
        let title = pattern
            .replace("{date}", &date.to_string())
            .replace("{slug}", slug)
            .replace("{file}", file);
        return (title, "title_pattern in tidings.toml");
    }
    let h1 = crate::outline::heads(body)
        .into_iter()
        .find(|h| h.level == 1 && !h.text.is_empty());
    match h1 {
        Some(h) => (h.text, "the first # heading"),
        None => (file.to_string(), "the file name"),
    }
}

/// The digest's slug and date: from the front matter, else from the file's
/// name; both problems reported together.
fn identity(
    path: &Path,
    split: &frontmatter::Split<'_>,
    fm: &frontmatter::FrontMatter,
) -> Result<(String, Date), Vec<ContentError>> {
    let mut errors = Vec::new();
    let slug = fm.slug.clone().unwrap_or_else(|| default_slug(path));
    if !frontmatter::valid_slug(&slug) {
        errors.push(ContentError::new(
            path,
            1,
            1,
            ContentErrorKind::InvalidSlug(slug.clone()),
        ));
    }
    let date = fm.date;
    if date.is_none() {
        errors.push(ContentError::new(
            path,
            split.body_line - 1,
            1,
            ContentErrorKind::MissingDate,
        ));
    }
    match date {
        Some(date) if errors.is_empty() => Ok((slug, date)),
        _ => Err(errors),
    }
}

/// Resolves the images of one digest: which URL each is shown from, which
/// local files the build copies, and a warning for each that cannot be shown.
struct Images<'a> {
    root: &'a Path,
    dir: &'a Path,
    /// Whether `dir` is under `root`: then so is every path in it, and
    /// each image need not compare its path with `root` (0.85% of a
    /// 1,000-digest build's instructions, a component at a time).
    dir_in_root: bool,
    path: &'a Path,
    slug: &'a str,
    assets: &'a Assets,
    static_dir: Option<&'a Path>,
    base_path: &'a str,
    media: Vec<(PathBuf, String)>,
    /// The files in `media`, so that each is looked up once.
    media_seen: std::collections::HashSet<PathBuf>,
    warnings: Vec<Warning>,
}

impl Images<'_> {
    /// The URL to show `src` from (written at `line`), or `None` with a
    /// warning when it cannot be shown.
    fn resolve(&mut self, src: &str, line: usize) -> Option<String> {
        let found = match (src.trim().strip_prefix('/'), self.static_dir) {
            (Some(rel), Some(dir)) if !rel.starts_with('/') => static_image(dir, self.slug, rel),
            _ => resolve_image(
                self.root,
                self.dir,
                self.dir_in_root,
                self.slug,
                src,
                self.assets,
            ),
        };
        match found {
            Ok(Resolved::Remote(url)) => Some(url),
            Ok(Resolved::Local { file, media }) => {
                if self.media_seen.insert(file.clone()) {
                    self.media.push((file, media.file));
                }
                let base = self.base_path.trim_end_matches('/');
                let mut url = String::with_capacity(base.len() + media.url.len());
                url.push_str(base);
                url.push_str(&media.url);
                Some(url)
            }
            Err(why) => {
                self.warnings.push(Warning {
                    location: Location::new(self.path, line, 1),
                    message: format!("image {src:?} {why}"),
                });
                None
            }
        }
    }
}

/// One item from its extracted parts, with the plain text of its body.
fn item(raw: &RawItem, ids: &mut Ids, images: &mut Images<'_>) -> (Item, String) {
    let image = raw.image.as_ref().map(|(src, alt)| Image {
        src: images.resolve(src, raw.line + 1),
        alt: alt.clone(),
    });
    let (body_html, body_text) =
        extract::render_with_text(&raw.body_md, |s| images.resolve(s, raw.body_line));
    // Text without any tag was escaped by the Markdown renderer already.
    let title_html = if raw.title_html.contains('<') {
        extract::sanitize(&raw.title_html)
    } else {
        raw.title_html.clone()
    };
    let item = Item {
        id: ids.unique(&item_key(raw)),
        title: raw.title.clone(),
        title_html,
        title_translation: raw.title_translation.clone(),
        image,
        body_html,
        source: raw.source.as_ref().and_then(|url| {
            domain(url).map(|domain| Source {
                url: url.clone(),
                domain,
            })
        }),
        links: raw.links.clone(),
        section: raw.section.clone(),
        publisher: raw.publisher.clone(),
        also_in: Vec::new(),
    };
    (item, body_text)
}

/// The list summary, in Hugo's order: the text before `<!--more-->`, else
/// the description, else the first sentences of the intro or first item.
fn summary(
    body: &str,
    description: &str,
    intro_text: String,
    first_item_text: Option<&String>,
) -> String {
    if let Some(at) = body.find("<!--more-->") {
        extract::first_sentences(&extract::markdown_text(&body[..at]), 300)
    } else if !description.is_empty() {
        description.to_string()
    } else {
        let text = if intro_text.is_empty() {
            first_item_text.cloned().unwrap_or_default()
        } else {
            intro_text
        };
        extract::first_sentences(&text, 160)
    }
}

/// What identifies an item across edits: its source link, else its title.
fn item_key(raw: &RawItem) -> String {
    raw.source.clone().unwrap_or_else(|| raw.title.clone())
}

/// The ids given so far in one digest. Looked up in a set, and each id's
/// next suffix remembered, so that a digest of very many items (or of many
/// with the same key) costs time in proportion to its items.
#[derive(Default)]
struct Ids {
    taken: std::collections::HashSet<String>,
    next_suffix: std::collections::HashMap<String, usize>,
}

impl Ids {
    /// The id for `key`, suffixed (`-2`, `-3`, …) if an earlier item of the
    /// same digest already has it.
    fn unique(&mut self, key: &str) -> String {
        let base = item_id(key);
        let mut id = base.clone();
        if self.taken.contains(&id) {
            let n = self.next_suffix.entry(base.clone()).or_insert(2);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !self.taken.contains(&id) {
                    break;
                }
            }
        }
        self.taken.insert(id.clone());
        id
    }
}

/// An 8-character, URL-safe id: 40 bits of the 64-bit FNV-1a hash of `key`
/// in lower-case Crockford base32. Stable across releases: changing it
/// breaks every shared link.
pub fn item_id(key: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let hash = fnv1a(key.as_bytes());
    (0..8)
        .map(|i| char::from(ALPHABET[((hash >> (59 - 5 * i)) & 31) as usize]))
        .collect()
}

pub use tidings_model::fnv1a;

/// Host name of an http(s) URL, lower-cased, without `www.`, port or user.
pub fn domain(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next()?
    } else {
        host.split(':').next()?
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty()).then(|| host.to_string())
}

/// Where an image is shown from.
enum Resolved {
    /// An http(s) URL, shown as it is.
    Remote(String),
    /// A file in the digest's folder, copied into the bundle.
    Local {
        file: PathBuf,
        media: tidings_model::layout::Media,
    },
}

/// Resolves an image path as written, in the digest's folder `dir` under
/// the content's `root` (`dir_in_root`: whether `dir` is under it). `Err`
/// says why it cannot be shown.
fn resolve_image(
    root: &Path,
    dir: &Path,
    dir_in_root: bool,
    slug: &str,
    src: &str,
    assets: &Assets,
) -> Result<Resolved, &'static str> {
    let src = src.trim();
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Ok(Resolved::Remote(src.to_string()));
    }
    if src.starts_with('/') && !src.starts_with("//") {
        return Err(
            "is site-absolute: point --content at the Hugo site's root to find it in static/",
        );
    }
    if src.is_empty() || src.starts_with('/') || lower.contains(':') || src.contains('\\') {
        return Err("is not an http(s) URL or a path in the digest's folder");
    }
    let rel = Path::new(src.split(['?', '#']).next().unwrap_or(src));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("leaves the digest's folder");
    }
    let file = dir.join(rel);
    // `rel` is only plain names, so a file in a folder under `root` is too.
    if !(dir_in_root || file.starts_with(root)) || !assets.contains(&file) {
        return Err("was not found; a placeholder is shown instead");
    }
    Ok(local(file, rel, slug))
}

/// A site-absolute image (`rel` without its leading `/`) in a Hugo
/// site's `static/` folder.
fn static_image(dir: &Path, slug: &str, rel: &str) -> Result<Resolved, &'static str> {
    let rel = Path::new(rel.split(['?', '#']).next().unwrap_or(rel));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("leaves the site's static folder");
    }
    let file = dir.join(rel);
    if !file.is_file() {
        return Err("was not found in the site's static folder; a placeholder is shown instead");
    }
    Ok(local(file, rel, slug))
}

/// A local image `file`, at `rel` under its folder, copied into the
/// digest's media.
fn local(file: PathBuf, rel: &Path, slug: &str) -> Resolved {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let media = tidings_model::layout::media(slug, &parts);
    Resolved::Local { file, media }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_url_safe_and_stable() {
        let id = item_id("https://www.163.com/dy/article/J2VO20AB051180F7.html");
        assert_eq!(id.len(), 8);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        // Pinned: a change here breaks links people have shared.
        assert_eq!(item_id(""), "sfs9ss44");
        assert_ne!(item_id("a"), item_id("b"));
    }

    #[test]
    fn domains() {
        assert_eq!(
            domain("https://www.163.com/dy/a.html").as_deref(),
            Some("163.com")
        );
        assert_eq!(
            domain("http://User@News.Example.org:8080/x?y").as_deref(),
            Some("news.example.org")
        );
        assert_eq!(domain("https://[::1]:80/").as_deref(), Some("[::1]"));
        assert_eq!(domain("mailto:a@b.c"), None);
        assert_eq!(domain("https:///path"), None);
    }

    #[test]
    fn dates_from_paths() {
        let d = |p: &str| date_from_path(Path::new(p)).map(|d| d.to_string());
        assert_eq!(d("posts/2025-09-08.md").as_deref(), Some("2025-09-08"));
        assert_eq!(
            d("posts/2026-02-08-hacker-news.md").as_deref(),
            Some("2026-02-08")
        );
        assert_eq!(d("posts/2025-09/08.md").as_deref(), Some("2025-09-08"));
        assert_eq!(
            d("posts/2025-09-08-daily/index.md").as_deref(),
            Some("2025-09-08")
        );
        assert_eq!(d("posts/ai20240526.md"), None);
        assert_eq!(default_slug(Path::new("posts/2025-09/08.md")), "2025-09-08");
        assert_eq!(
            default_slug(Path::new("posts/2026-02-08-hn.md")),
            "2026-02-08-hn"
        );
        assert_eq!(default_slug(Path::new("posts/hello/index.md")), "hello");
    }

    #[test]
    fn decode_refuses_bad_bytes_with_positions() {
        let p = Path::new("x.md");
        assert_eq!(decode(p, b"").map_err(|e| e.to_string()), Err("x.md:1:1: file is empty: expected front matter between `+++` lines, then the digest".into()));
        assert_eq!(
            decode(p, b"ab\ncd\0").map_err(|e| e.to_string()),
            Err("x.md:2:3: file looks binary (it contains a NUL byte)".into())
        );
        assert_eq!(
            decode(p, b"+++\n\xff").map_err(|e| e.to_string()),
            Err("x.md:2:1: file is not UTF-8 text (invalid byte at offset 4)".into())
        );
        assert_eq!(
            decode(p, "\u{feff}+++\r\nx\r\n".as_bytes()).ok().as_deref(),
            Some("+++\nx\n")
        );
    }
}
