//! The content folder to a [`Site`]: finding the digests (and the files
//! beside them that images may name), reading and parsing them on every
//! core, leaving out drafts, refusing duplicate slugs, and ordering the
//! digests newest first. Reports every invalid file at once. Writes nothing.

use std::collections::HashMap;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::cache::ParseCache;
use crate::config::{self, SiteSettings};
use crate::digest::{self, Assets, Parsed, ReadOptions, MAX_FILE_BYTES};
use crate::error::{ContentError, ContentErrorKind, Error, Result, Warning};
use crate::lock;
use crate::snapshot::{FileStamp, Last, LastDigests, Record};

/// How to read a content folder.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include digests marked `draft = true`.
    pub drafts: bool,
    /// Skip invalid files (listed in [`Site::skipped`]) instead of failing.
    pub keep_going: bool,
    /// Show a progress line on a terminal when reading takes over a second.
    pub progress: bool,
    /// Take only this folder of the content (`posts`).
    pub section: Option<String>,
    /// Site settings over those of `tidings.toml` and a Hugo configuration.
    pub site: SiteSettings,
    /// Keep parsed digests in this folder (see [`ParseCache`]).
    pub cache: Option<PathBuf>,
}

/// Every digest of a content folder, newest first.
#[derive(Debug, Clone)]
pub struct Site {
    pub digests: Vec<Parsed>,
    /// Warnings of the pages left out (a Hugo site's undated pages); the
    /// digests' own are theirs ([`Site::warnings`] gives them all).
    pub left_out: Vec<Warning>,
    /// With `keep_going`: the problems of the files left out.
    pub skipped: Vec<ContentError>,
    /// `[site]` of `tidings.toml`, over a Hugo site's own settings.
    pub settings: SiteSettings,
    /// The folder the digests were read from.
    pub content: PathBuf,
    /// Digests taken from the parse cache rather than parsed.
    pub cached: usize,
    /// Of those, the digests of files not read at all, as the last build
    /// recorded them (`crate::snapshot`).
    pub unread: usize,
    /// The cache folder (`--cache`), where the search index keeps its
    /// segments too.
    pub cache: Option<PathBuf>,
    /// Under `build --watch`, the last search index built (see
    /// [`IndexMemo`](crate::bundle::IndexMemo)).
    pub index_memo: Option<std::sync::Arc<crate::bundle::IndexMemo>>,
    /// Writes to the cache folder still going on (see
    /// [`Background`](crate::cache::Background)); a build waits for them
    /// when it is done.
    pub background: std::sync::Arc<crate::cache::Background>,
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
    // In `Path`'s order (component by component), by a key that orders
    // the same: each separator as the lowest byte. Comparing `Path`s
    // splits both into components at every step, which at 10,000 files
    // took ~25 ms of a rebuild on one core.
    files.sort_by_cached_key(|path| {
        let bytes = path.as_os_str().as_encoded_bytes();
        let key: Vec<u8> = (bytes.iter())
            .map(|&b| {
                if std::path::is_separator(char::from(b)) {
                    0
                } else {
                    b
                }
            })
            .collect();
        key
    });
    Ok((files, assets))
}

/// Reads and parses one content file. The outer `Err` is an I/O failure;
/// the inner one lists what is wrong with the file.
pub fn read_file(
    root: &Path,
    path: &Path,
    options: &ReadOptions,
    assets: &Assets,
) -> Result<std::result::Result<Parsed, Vec<ContentError>>> {
    read_cached(root, path, options, assets, Sources::default()).map(|(r, _, _)| r)
}

/// Where a load takes digests from besides their files.
#[derive(Clone, Copy, Default)]
struct Sources<'a> {
    cache: Option<&'a ParseCache>,
    memo: Option<&'a Memo>,
    /// The last build's digests ([`crate::snapshot`]).
    last: Option<&'a LastDigests>,
    /// Whether to record this build's for the next.
    record: bool,
}

/// Where a digest came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Its file, parsed.
    Parsed,
    /// The parse cache or the watcher's memory, its file read (or, in
    /// the watcher, stamped) to find it.
    Cache,
    /// The last build's record, its file not read.
    Unread,
}

/// One file's outcome: the digest or what is wrong with it, where it came
/// from, and its record for the next build.
type Read = (
    std::result::Result<Parsed, Vec<ContentError>>,
    Origin,
    Option<Record>,
);

/// [`read_file`], taking the digest from the last build's record, the
/// watcher's memory or the cache when they have the file as it is now,
/// and keeping it in the cache when not.
fn read_cached(
    root: &Path,
    path: &Path,
    options: &ReadOptions,
    assets: &Assets,
    from: Sources,
) -> Result<Read> {
    let Sources {
        cache, memo, last, ..
    } = from;
    let meta = fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if let Some(memo) = memo {
        if let Some((parsed, key)) = memo.take(path, &meta) {
            match (cache, key) {
                // Its cache entry is this build's too (else pruned).
                (Some(cache), Some(key)) => {
                    cache.used(&key);
                    return Ok((Ok(parsed), Origin::Cache, None));
                }
                (None, _) => return Ok((Ok(parsed), Origin::Cache, None)),
                // Kept without its key: read, so the entry is found.
                (Some(_), None) => {}
            }
        }
    }
    let stamp = FileStamp::of(&meta);
    let last = last.and_then(|l| l.get(path));
    // The digest as the last build recorded it, and the record again.
    let recorded = |cache: &ParseCache, last: &Last| {
        let parsed = cache.get_last(last, path)?;
        Some((
            parsed,
            (from.record).then(|| last.again(path, &stamp, cache.began())),
        ))
    };
    // As the last build recorded it: neither the file nor its entry is
    // read.
    if let (Some(cache), Some(last)) = (cache, &last) {
        if let Some((parsed, record)) = last
            .unchanged(&stamp)
            .then(|| recorded(cache, last))
            .flatten()
        {
            return Ok((Ok(parsed), Origin::Unread, record));
        }
    }
    if meta.len() > MAX_FILE_BYTES {
        let kind = ContentErrorKind::TooLarge {
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        };
        return Ok((
            Err(vec![ContentError::new(path, 1, 1, kind)]),
            Origin::Parsed,
            None,
        ));
    }
    let bytes = fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let Some(cache) = cache else {
        let parsed = digest::decode(path, &bytes)
            .map_err(|e| vec![e])
            .and_then(|text| digest::parse(root, path, &text, options, assets));
        return Ok((parsed, Origin::Parsed, None));
    };
    let key = cache.key(path, &bytes);
    if let Some(memo) = memo {
        memo.note_key(path, &key);
    }
    // A record for the next build of `parsed`, whose entry has `size`.
    let record = |parsed: &Parsed, size: u64| {
        (from.record)
            .then(|| Record::new(path, &stamp, cache.began(), (key.as_str(), size), parsed))
            .flatten()
    };
    // The same bytes as the last build read (a file saved again as it
    // was, or written within a moment of that build).
    if let Some(last) = last.as_ref().filter(|l| l.key == key) {
        if let Some((parsed, record)) = recorded(cache, last) {
            return Ok((Ok(parsed), Origin::Cache, record));
        }
    }
    // Under `--watch` the digests stay in memory from build to build,
    // while another build sharing the cache folder (say `make dist` of
    // other content) may prune their entries: kept whole, they never
    // need them again.
    let cached = match memo {
        Some(_) => cache.get_whole(&key, path).map(|parsed| (parsed, None)),
        None => (cache.get(&key, path)).map(|(parsed, size)| {
            let record = record(&parsed, size);
            (parsed, record)
        }),
    };
    if let Some((parsed, record)) = cached {
        return Ok((Ok(parsed), Origin::Cache, record));
    }
    let mut parsed = digest::decode(path, &bytes)
        .map_err(|e| vec![e])
        .and_then(|text| digest::parse(root, path, &text, options, assets));
    let mut kept = None;
    if let Ok(parsed) = &mut parsed {
        parsed.hash_for_links();
        let size = cache.put(&key, parsed)?;
        kept = record(parsed, size);
    }
    Ok((parsed, Origin::Parsed, kept))
}

/// Reads every digest `root` holds (a folder of digests or a Hugo site's
/// root, see [`config::open`]), reporting all invalid files at once.
pub fn load(root: &Path, options: &LoadOptions) -> Result<Site> {
    load_with(root, options, None)
}

/// [`load`], taking the digests of files unchanged since the last load
/// from `memo` (give them back with [`Memo::keep`]).
pub fn load_with(root: &Path, options: &LoadOptions, memo: Option<&Memo>) -> Result<Site> {
    let source = config::open(root, options.section.as_deref(), &options.site)?;
    let root = source.content.as_path();
    let (files, assets) = content_files(root)?;
    let read = ReadOptions {
        extract: source.config.extract.clone(),
        fields: source.config.frontmatter.clone(),
        static_dir: source.static_dir.clone(),
        base_path: source.config.site.base()?.1,
    };
    if let Some(memo) = memo {
        memo.start(root, &read, &assets)?;
    }
    let cache = (options.cache.as_deref())
        .map(|dir| ParseCache::open(dir, root, &read, &assets))
        .transpose()?;
    let mut errors = Vec::new();
    let mut digests = Vec::new();
    let mut left_out = Vec::new();
    let mut cached = 0;
    let mut unread = 0;
    // The watcher keeps its digests in memory instead.
    let last = (cache.as_ref())
        .filter(|_| memo.is_none())
        .and_then(ParseCache::last_digests);
    let from = Sources {
        cache: cache.as_ref(),
        memo,
        last: last.as_ref(),
        record: cache.is_some() && memo.is_none(),
    };
    let results = parse_all(root, &files, &read, &assets, from, options.progress);
    let mut records = Vec::new();
    let background = std::sync::Arc::new(crate::cache::Background::default());
    for result in results {
        let (result, origin, record) = result?;
        cached += usize::from(origin != Origin::Parsed);
        unread += usize::from(origin == Origin::Unread);
        records.extend(record);
        match result {
            Ok(parsed) if parsed.draft && !options.drafts => {}
            Ok(parsed) => digests.push(parsed),
            // A Hugo site also has pages that are not posts (an about
            // page): without any date they are left out, with a warning.
            Err(e) if source.hugo_config.is_some() && undated_page(&e) => {
                left_out.extend(e.into_iter().map(|e| Warning {
                    location: e.location,
                    message: "no date: a page of the Hugo site, not a dated post; left out".into(),
                }));
            }
            // An empty list: a page Hugo never lists, left out.
            Err(mut e) => errors.append(&mut e),
        }
    }
    errors.extend(drop_duplicate_slugs(&mut digests));
    errors.sort_by(|a, b| {
        let (a, b) = (&a.location, &b.location);
        (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column))
    });
    if !errors.is_empty() && !options.keep_going {
        return Err(Error::Content(errors));
    }
    let record = from.record;
    if let Some(cache) = cache {
        if record {
            cache.keep_digests(records, &background);
        }
        // The entries this build did not use are removed beside the rest
        // of it: listing every entry took ~20 ms at 10,000 digests,
        // before anything else could start.
        background.spawn(move || cache.prune().map(drop));
    }
    digests.sort_by(|a, b| {
        b.digest
            .date
            .cmp(&a.digest.date)
            .then_with(|| a.digest.slug.cmp(&b.digest.slug))
    });
    crate::stories::link(&mut digests);
    Ok(Site {
        digests,
        left_out,
        skipped: errors,
        settings: source.config.site,
        content: source.content,
        cached,
        unread,
        cache: options.cache.clone(),
        index_memo: memo.map(|m| m.index.clone()),
        background,
    })
}

impl Site {
    /// Every warning: the pages left out, then each digest's, in order.
    /// Borrowed, so a build need not copy them (the 10,000 synthetic
    /// digests of `make bench` carry ~125,000).
    pub fn warnings(&self) -> Vec<&Warning> {
        let digests = self.digests.iter().flat_map(|d| &d.warnings);
        self.left_out.iter().chain(digests).collect()
    }

    /// What the site says about itself, its language detected from the
    /// digests' titles when none is set.
    pub fn info(&self) -> Result<tidings_model::site::SiteInfo> {
        self.settings.info(detect_language(self))
    }
}

/// `zh` when at least a third of the digest titles hold CJK characters,
/// else `en`.
fn detect_language(site: &Site) -> &'static str {
    let cjk = |s: &str| s.chars().any(tidings_model::search::is_cjk);
    let n = site.digests.len();
    let with = site.digests.iter().filter(|d| cjk(&d.digest.title)).count();
    if n == 0 || with * 3 >= n {
        "zh"
    } else {
        "en"
    }
}

/// Whether a file's only problem is that it has no date.
fn undated_page(errors: &[ContentError]) -> bool {
    !errors.is_empty()
        && errors
            .iter()
            .all(|e| e.kind == ContentErrorKind::MissingDate)
}

/// One file's outcome, or an I/O failure.
type FileResult = Result<Read>;

/// Parses `files` on every core, in file order so output is deterministic,
/// with a progress line on a terminal when asked.
fn parse_all(
    root: &Path,
    files: &[PathBuf],
    read: &ReadOptions,
    assets: &Assets,
    from: Sources,
    progress: bool,
) -> Vec<FileResult> {
    use rayon::prelude::*;
    let done = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let line = (progress && std::io::stderr().is_terminal())
            .then(|| scope.spawn(|| progress_line(&done, &finished, files.len())));
        let results = files
            .par_iter()
            .map(|path| {
                let r = read_cached(root, path, read, assets, from);
                done.fetch_add(1, Ordering::Relaxed);
                r
            })
            .collect();
        finished.store(true, Ordering::Relaxed);
        // Woken, so the scope does not wait out the line's pause.
        if let Some(line) = line {
            line.thread().unpark();
        }
        results
    })
}

/// Keeps the first digest (in file order) of each slug; the others become
/// errors naming the file that has it.
fn drop_duplicate_slugs(digests: &mut Vec<Parsed>) -> Vec<ContentError> {
    let mut errors = Vec::new();
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
    errors
}

/// Prints `reading N/M files` on stderr every 100 ms, starting after a
/// second, until `finished`; then clears the line. It waits parked, not
/// asleep, so that the reader's unpark ends it at once: a sleep made
/// every build on a terminal (`make serve`'s watcher) wait up to 100 ms
/// more after reading.
fn progress_line(done: &AtomicUsize, finished: &AtomicBool, total: usize) {
    let start = Instant::now();
    let mut shown = false;
    while !finished.load(Ordering::Relaxed) {
        std::thread::park_timeout(Duration::from_millis(100));
        if finished.load(Ordering::Relaxed) {
            break;
        }
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

/// Parsed digests kept in memory between the loads of one process
/// (`tidings build --watch`): a file whose [`FileStamp`] is as when it
/// was read is not read again. Everything is dropped when what every
/// parse shares changes (the content folder, the reading options, the
/// other files images are looked up among).
#[derive(Default)]
pub struct Memo {
    shared: std::sync::Mutex<String>,
    /// The last search index built from the digests loaded.
    index: std::sync::Arc<crate::bundle::IndexMemo>,
    /// Digests given back by [`Memo::keep`], by file, with their parse
    /// cache keys.
    kept: std::sync::Mutex<HashMap<PathBuf, Kept>>,
    /// The stamps (and cache keys) of the files the current load read.
    read: std::sync::Mutex<HashMap<PathBuf, (FileStamp, Option<String>)>>,
}

/// A digest kept between loads: the file's stamp when it was read, the
/// digest, and its parse cache key (with a cache).
type Kept = (FileStamp, Parsed, Option<String>);

impl Memo {
    /// Begins a load of `root` with `read` beside `assets`.
    fn start(&self, root: &Path, read: &ReadOptions, assets: &Assets) -> Result<()> {
        let mut files: Vec<PathBuf> = assets.iter().cloned().collect();
        if let Some(dir) = &read.static_dir {
            crate::cache::files_under(dir, &mut files)?;
        }
        files.sort();
        let shared = format!("{root:?}\n{read:?}\n{files:?}");
        let mut current = lock(&self.shared);
        if *current != shared {
            lock(&self.kept).clear();
            *current = shared;
        }
        lock(&self.read).clear();
        Ok(())
    }

    /// The digest kept for `path`, with its cache key, if the file is as
    /// it was then; notes the file's stamp either way.
    fn take(&self, path: &Path, meta: &fs::Metadata) -> Option<(Parsed, Option<String>)> {
        let stamp = FileStamp::of(meta);
        let kept = lock(&self.kept).remove(path);
        let same = kept.filter(|(was, _, _)| *was == stamp);
        let key = same.as_ref().and_then(|(_, _, key)| key.clone());
        lock(&self.read).insert(path.to_path_buf(), (stamp, key));
        same.map(|(_, parsed, key)| (parsed, key))
    }

    /// Notes the cache key of the file at `path` as read by this load.
    fn note_key(&self, path: &Path, key: &str) {
        if let Some((_, k)) = lock(&self.read).get_mut(path) {
            *k = Some(key.to_string());
        }
    }

    /// Keeps the digests of a loaded site for the next load (digests of
    /// files the load did not read are not kept).
    pub fn keep(&self, digests: Vec<Parsed>) {
        let read = std::mem::take(&mut *lock(&self.read));
        let mut kept = lock(&self.kept);
        kept.clear();
        for parsed in digests {
            if let Some((stamp, key)) = read.get(&parsed.path) {
                kept.insert(parsed.path.clone(), (stamp.clone(), parsed, key.clone()));
            }
        }
    }
}
