//! A content folder to a bundle on disk.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tidings_model::{
    query::{build_index, Row},
    url, Digest, DigestSummary, ListPage, Manifest, TermCount, MANIFEST_PATH, SCHEMA_VERSION,
};

use crate::digest::{self, Assets, Parsed, MAX_FILE_BYTES};
use crate::error::{ContentError, ContentErrorKind, Error, Result, Warning};
use crate::extract::{escape_html as escape, ExtractOptions};

/// `tidings.toml` in the content folder: settings for the whole site.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// How items are found, when the automatic detection gets it wrong.
    #[serde(default)]
    pub extract: ExtractOptions,
}

/// Name of the site config file, looked for in the content folder.
pub const CONFIG_FILE: &str = "tidings.toml";

/// Reads `tidings.toml` from the content folder, if there is one.
pub fn read_config(root: &Path) -> Result<Config> {
    let path = root.join(CONFIG_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(source) => return Err(Error::Read { path, source }),
    };
    toml::from_str(&text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((0, 0), |s| crate::frontmatter::line_col(&text, s.start));
        let kind = ContentErrorKind::Config(e.message().trim().to_string());
        Error::Content(vec![ContentError::new(&path, line + 1, column + 1, kind)])
    })
}

/// How to read a content folder.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include digests marked `draft = true`.
    pub drafts: bool,
    /// Skip invalid files (listed in [`Site::skipped`]) instead of failing.
    pub keep_going: bool,
    /// Show a progress line on a terminal when reading takes over a second.
    pub progress: bool,
}

/// Every digest of a content folder, newest first.
#[derive(Debug, Clone)]
pub struct Site {
    pub digests: Vec<Parsed>,
    pub warnings: Vec<Warning>,
    /// With `keep_going`: the problems of the files left out.
    pub skipped: Vec<ContentError>,
}

/// The `*.md` files under `root` that are digests (not `_index.md`, not in
/// hidden folders), sorted so builds are deterministic, and the other files
/// (images and page resources).
pub fn content_files(root: &Path) -> Result<(Vec<PathBuf>, Assets)> {
    let mut assets = Assets::new();
    if !root.is_dir() {
        return Err(Error::NoContent(root.to_path_buf()));
    }
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|source| Error::Read {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Read {
                path: dir.clone(),
                source,
            })?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            if kind.is_dir() {
                stack.push(path);
            } else if name.ends_with(".md") {
                if name != "_index.md" {
                    files.push(path);
                }
            } else {
                assets.insert(path);
            }
        }
    }
    files.sort();
    Ok((files, assets))
}

/// Reads and parses one content file. The outer `Err` is an I/O failure;
/// the inner one lists what is wrong with the file.
pub fn read_file(
    root: &Path,
    path: &Path,
    options: &ExtractOptions,
    assets: &Assets,
) -> Result<std::result::Result<Parsed, Vec<ContentError>>> {
    let meta = fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > MAX_FILE_BYTES {
        let kind = ContentErrorKind::TooLarge {
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        };
        return Ok(Err(vec![ContentError::new(path, 1, 1, kind)]));
    }
    let bytes = fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(digest::decode(path, &bytes)
        .map_err(|e| vec![e])
        .and_then(|text| digest::parse(root, path, &text, options, assets)))
}

/// Reads every digest under `root`, reporting all invalid files at once.
pub fn load(root: &Path, options: &LoadOptions) -> Result<Site> {
    use rayon::prelude::*;
    let (files, assets) = content_files(root)?;
    let config = read_config(root)?;
    let done = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    // Parsed in parallel; collected in file order, so output is deterministic.
    let results: Vec<_> = std::thread::scope(|scope| {
        if options.progress && std::io::stderr().is_terminal() {
            scope.spawn(|| progress_line(&done, &finished, files.len()));
        }
        let results = files
            .par_iter()
            .map(|path| {
                let r = read_file(root, path, &config.extract, &assets);
                done.fetch_add(1, Ordering::Relaxed);
                r
            })
            .collect();
        finished.store(true, Ordering::Relaxed);
        results
    });
    let mut errors = Vec::new();
    let mut digests = Vec::new();
    for result in results {
        match result? {
            Ok(parsed) if parsed.draft && !options.drafts => {}
            Ok(parsed) => digests.push(parsed),
            Err(mut e) => errors.append(&mut e),
        }
    }
    let mut first_by_slug: HashMap<String, PathBuf> = HashMap::new();
    digests.retain(|d| {
        if let Some(other) = first_by_slug.get(&d.digest.slug) {
            let kind = ContentErrorKind::DuplicateSlug {
                slug: d.digest.slug.clone(),
                other: other.clone(),
            };
            errors.push(ContentError::new(&d.path, 1, 1, kind));
            false
        } else {
            first_by_slug.insert(d.digest.slug.clone(), d.path.clone());
            true
        }
    });
    errors.sort_by(|a, b| {
        let (a, b) = (&a.location, &b.location);
        (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column))
    });
    if !errors.is_empty() && !options.keep_going {
        return Err(Error::Content(errors));
    }
    digests.sort_by(|a, b| {
        b.digest
            .date
            .cmp(&a.digest.date)
            .then_with(|| a.digest.slug.cmp(&b.digest.slug))
    });
    let warnings = digests
        .iter()
        .flat_map(|d| d.warnings.iter().cloned())
        .collect();
    Ok(Site {
        digests,
        warnings,
        skipped: errors,
    })
}

/// Prints `reading N/M files` on stderr every 100 ms, starting after a
/// second, until `finished`; then clears the line.
fn progress_line(done: &AtomicUsize, finished: &AtomicBool, total: usize) {
    let start = Instant::now();
    let mut shown = false;
    while !finished.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if start.elapsed() >= Duration::from_secs(1) {
            eprint!(
                "\rtidings: reading {}/{total} files",
                done.load(Ordering::Relaxed)
            );
            shown = true;
        }
    }
    if shown {
        eprint!("\r\x1b[2K");
    }
}

fn term_counts<'a>(terms: impl Iterator<Item = &'a String>) -> Vec<TermCount> {
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for t in terms {
        *counts.entry(t).or_default() += 1;
    }
    let mut out: Vec<TermCount> = counts
        .into_iter()
        .map(|(name, count)| TermCount {
            name: name.to_string(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

/// Whether each item gets its own HTML page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ItemPages {
    /// One page per item while the site stays under [`FILE_BUDGET`] files.
    #[default]
    Auto,
    Always,
    Never,
}

/// Files a site may have before per-item pages are left out: popular static
/// hosts cap a deploy near 20,000 files.
pub const FILE_BUDGET: usize = 19_000;

/// Entries per list page.
pub const PAGE_SIZE: usize = 100;

/// Digests per shard, on average.
pub const DIGESTS_PER_SHARD: usize = 3;

/// How to lay out the bundle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BundleOptions {
    pub item_pages: ItemPages,
}

/// The serialized bundle: the manifest and every data file.
pub struct Bundle {
    pub manifest: Manifest,
    /// (path under the site root, JSON text)
    pub files: Vec<(String, String)>,
}

/// A digest's row of the filter index.
fn row(parsed: &Parsed) -> Row {
    let d = &parsed.digest;
    let mut domains: Vec<String> = d
        .items
        .iter()
        .filter_map(|i| i.source.as_ref().map(|s| s.domain.clone()))
        .collect();
    domains.sort();
    domains.dedup();
    let mut sections: Vec<String> = d.items.iter().filter_map(|i| i.section.clone()).collect();
    sections.sort();
    sections.dedup();
    Row {
        date: tidings_model::query::parse_day(&d.date).unwrap_or_default(),
        items: u32::try_from(d.items.len()).unwrap_or(u32::MAX),
        tags: d.tags.clone(),
        categories: d.categories.clone(),
        domains,
        sections,
    }
}

/// Whether items get their own HTML page: always, never, or (auto) while
/// the whole site stays within [`FILE_BUDGET`] files, counting the data
/// files, one page per digest and per tag, `404.html` and the app's files.
pub fn item_pages(site: &Site, tags: usize, choice: ItemPages) -> bool {
    let n = site.digests.len();
    let data = n.div_ceil(DIGESTS_PER_SHARD).max(1) + n.div_ceil(PAGE_SIZE).max(1) + 2;
    let items: usize = site.digests.iter().map(|d| d.digest.items.len()).sum();
    const APP_FILES: usize = 6;
    match choice {
        ItemPages::Always => true,
        ItemPages::Never => false,
        ItemPages::Auto => data + n + tags + 1 + APP_FILES + items <= FILE_BUDGET,
    }
}

/// Serializes `site` into the bundle layout.
pub fn bundle(site: &Site, options: &BundleOptions) -> Result<Bundle> {
    let n = site.digests.len();
    let shard_count = u32::try_from(n.div_ceil(DIGESTS_PER_SHARD).max(1)).unwrap_or(u32::MAX);
    let mut shards: Vec<Vec<&tidings_model::Digest>> = vec![Vec::new(); shard_count as usize];
    for parsed in &site.digests {
        shards[tidings_model::shard_of(&parsed.digest.slug, shard_count) as usize]
            .push(&parsed.digest);
    }
    let mut body: Vec<(String, String)> = Vec::with_capacity(shards.len() + n / PAGE_SIZE + 2);
    for (i, digests) in shards.into_iter().enumerate() {
        let shard = tidings_model::Shard {
            schema: SCHEMA_VERSION,
            digests: digests.into_iter().cloned().collect(),
        };
        body.push((format!("d/{i}.json"), to_json(&shard)?));
    }
    let entries: Vec<DigestSummary> = site
        .digests
        .iter()
        .map(|p| p.digest.summary(p.summary.clone()))
        .collect();
    let page_count = entries.len().div_ceil(PAGE_SIZE).max(1);
    for p in 0..page_count {
        let chunk = entries
            .iter()
            .skip(p * PAGE_SIZE)
            .take(PAGE_SIZE)
            .cloned()
            .collect();
        let page = ListPage {
            schema: SCHEMA_VERSION,
            first_row: (p * PAGE_SIZE) as u32,
            entries: chunk,
        };
        body.push((format!("list/{p}.json"), to_json(&page)?));
    }
    let rows: Vec<Row> = site.digests.iter().map(row).collect();
    body.push(("index.json".to_string(), to_json(&build_index(&rows))?));

    // The stamp hashes every data file, so any change gives new paths.
    let mut hash = tidings_model::fnv1a(&[]);
    for (path, json) in &body {
        hash ^= tidings_model::fnv1a(path.as_bytes()).rotate_left(7)
            ^ tidings_model::fnv1a(json.as_bytes());
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let stamp = format!("{:010x}", hash >> 24);

    let items: usize = site.digests.iter().map(|d| d.digest.items.len()).sum();
    let tags = term_counts(site.digests.iter().flat_map(|d| d.digest.tags.iter()));
    let item_pages = item_pages(site, tags.len(), options.item_pages);
    let manifest = Manifest {
        schema: SCHEMA_VERSION,
        stamp: stamp.clone(),
        digest_count: u32::try_from(n).unwrap_or(u32::MAX),
        item_count: items as u64,
        page_size: PAGE_SIZE as u32,
        page_count: page_count as u32,
        shard_count,
        item_pages,
        tags,
        categories: term_counts(site.digests.iter().flat_map(|d| d.digest.categories.iter())),
    };
    let mut files: Vec<(String, String)> = body
        .into_iter()
        .map(|(path, json)| (format!("data/{stamp}/{path}"), json))
        .collect();
    files.push((MANIFEST_PATH.to_string(), to_json(&manifest)?));
    Ok(Bundle { manifest, files })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Write {
        path: PathBuf::from(MANIFEST_PATH),
        source: std::io::Error::other(e),
    })
}

/// What a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub digests: usize,
    pub items: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Top-level entries of the output folder that a build owns and replaces.
const OWNED: [&str; 4] = ["data", "d", "tags", "404.html"];

/// Writes the bundle, media and (given the app's `index.html` as `shell`)
/// one HTML page per route into `out`. Everything is written to a staging
/// folder inside `out` first and moved into place only when complete, so a
/// failed build leaves the previous output as it was.
pub fn write(
    site: &Site,
    out: &Path,
    shell: Option<&str>,
    options: &BundleOptions,
) -> Result<Written> {
    let bundle = bundle(site, options)?;
    fs::create_dir_all(out).map_err(|source| Error::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let staging = out.join(".tidings-staging");
    let old = out.join(".tidings-old");
    for leftover in [&staging, &old] {
        remove(leftover)?;
    }
    let mut written = Written {
        digests: site.digests.len(),
        ..Written::default()
    };
    written.items = site.digests.iter().map(|d| d.digest.items.len()).sum();
    // Everything to write, then written from both cores.
    let mut files: Vec<(String, std::borrow::Cow<'_, [u8]>)> = Vec::new();
    for (rel, json) in &bundle.files {
        files.push((rel.clone(), json.as_bytes().into()));
    }
    for parsed in &site.digests {
        for (from, rel) in &parsed.media {
            let bytes = fs::read(from).map_err(|source| Error::Read {
                path: from.clone(),
                source,
            })?;
            files.push((url::decode_segment(rel), bytes.into()));
        }
    }
    if let Some(shell) = shell {
        for (rel, page) in pages(site, &bundle.manifest, shell) {
            files.push((rel, page.into_bytes().into()));
        }
    }
    {
        use rayon::prelude::*;
        files
            .par_iter()
            .try_for_each(|(rel, bytes)| -> Result<()> {
                let path = staging.join(rel);
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|source| Error::Write {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                fs::write(&path, bytes).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })
            })?;
    }
    written.files = files.len();
    written.bytes = files.iter().map(|(_, b)| b.len() as u64).sum();
    fs::create_dir_all(&old).map_err(|source| Error::Write {
        path: old.clone(),
        source,
    })?;
    for name in OWNED {
        let (current, fresh) = (out.join(name), staging.join(name));
        if current.exists() {
            fs::rename(&current, old.join(name)).map_err(|source| Error::Write {
                path: current.clone(),
                source,
            })?;
        }
        if fresh.exists() {
            fs::rename(&fresh, &current).map_err(|source| Error::Write {
                path: current.clone(),
                source,
            })?;
        }
    }
    remove(&old)?;
    remove(&staging)?;
    Ok(written)
}

/// Removes a folder tree, its subfolders in parallel.
fn remove(path: &Path) -> Result<()> {
    use rayon::prelude::*;
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(err(e)),
    };
    if !meta.is_dir() {
        return fs::remove_file(path).map_err(err);
    }
    let entries: Vec<PathBuf> = fs::read_dir(path)
        .map_err(err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .map_err(err)?;
    entries.par_iter().try_for_each(|p| remove(p))?;
    fs::remove_dir(path).map_err(err)
}

/// Whether `name` can be a folder name that a static server maps its
/// percent-decoded URL segment to.
fn servable_segment(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// One HTML page per route, so every deep link opens on a plain static file
/// server: (path under the site root, HTML). Each is the app's shell with
/// the route's own `<title>` and description, which link previews show.
pub fn pages(site: &Site, manifest: &Manifest, shell: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    out.push((
        "404.html".to_string(),
        with_meta(shell, "Not found · tidings", ""),
    ));
    for parsed in &site.digests {
        let d = &parsed.digest;
        let dir = format!("d/{}", d.slug);
        out.push((
            format!("{dir}/index.html"),
            with_meta(shell, &format!("{} · tidings", d.title), &parsed.summary),
        ));
        let items = if manifest.item_pages {
            d.items.len()
        } else {
            0
        };
        for (item, text) in d.items.iter().zip(&parsed.item_summaries).take(items) {
            out.push((
                format!("{dir}/{}/index.html", item.id),
                with_meta(shell, &format!("{} · tidings", item.title), text),
            ));
        }
    }
    for tag in &manifest.tags {
        if servable_segment(&tag.name) {
            let title = format!("#{} · tidings", tag.name);
            out.push((
                format!("tags/{}/index.html", tag.name),
                with_meta(shell, &title, ""),
            ));
        }
    }
    out
}

/// `shell` with its `<title>` replaced and description meta tags added.
fn with_meta(shell: &str, title: &str, description: &str) -> String {
    let (Some(start), Some(end)) = (shell.find("<title>"), shell.find("</title>")) else {
        return shell.to_string();
    };
    let mut head = format!(
        "<title>{}</title><meta property=\"og:title\" content=\"{}\">",
        escape(title),
        escape(title)
    );
    if !description.is_empty() {
        let d = escape(description);
        head.push_str(&format!("<meta name=\"description\" content=\"{d}\"><meta property=\"og:description\" content=\"{d}\">"));
    }
    format!(
        "{}{}{}",
        &shell[..start],
        head,
        &shell[end + "</title>".len()..]
    )
}

/// Checks that a page template can carry per-route titles.
pub fn check_shell(path: &Path, shell: &str) -> Result<()> {
    if shell.contains("<title>") && shell.contains("</title>") {
        Ok(())
    } else {
        Err(Error::BadShell(path.to_path_buf()))
    }
}

/// One extracted item, as `tidings list` prints it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListRow<'a> {
    pub digest: &'a str,
    pub date: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub source: Option<&'a str>,
    pub section: Option<&'a str>,
    pub url: String,
}

/// Every item of the site, digests newest first, items in file order, with
/// the URL a default build (`--item-pages auto`) gives it.
pub fn list(site: &Site) -> Vec<ListRow<'_>> {
    let tags: std::collections::HashSet<&String> =
        site.digests.iter().flat_map(|d| &d.digest.tags).collect();
    let own_pages = item_pages(site, tags.len(), ItemPages::Auto);
    site.digests
        .iter()
        .flat_map(|p| {
            let d: &Digest = &p.digest;
            d.items.iter().map(move |i| ListRow {
                digest: &d.slug,
                date: &d.date,
                id: &i.id,
                title: &i.title,
                source: i.source.as_ref().map(|s| s.url.as_str()),
                section: i.section.as_deref(),
                url: if own_pages {
                    url::item(&d.slug, &i.id)
                } else {
                    url::item_in_digest(&d.slug, &i.id)
                },
            })
        })
        .collect()
}

/// A CSV field, quoted when it needs to be.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
