//! The parse cache (`tidings build --cache DIR`): each content file's
//! parsed digest, kept under a key made of everything parsing reads: the
//! file's bytes and path, the content folder, the reading options, the
//! other files of the content folder and of a Hugo site's static folder
//! (images are looked up there) and the `tidings` executable itself (so a changed parser never reads an old
//! entry). A rebuild then parses only the files that changed; the digests
//! are linked into stories afterwards, across the whole site, as without
//! a cache. Entries are written to a temporary file and renamed, so a
//! damaged or half-written entry is never read as good: it is parsed
//! again and replaced. An entry is read without its digest's bodies
//! (see [`ParseCache::get`]); the few digests whose files a rebuild makes
//! again read them back ([`Parsed::full`]).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use tidings_model::date::Date;
use tidings_model::Digest;

use crate::digest::{Assets, Parsed, ReadOptions};
use crate::error::{Error, Location, Result, Warning};
use crate::snapshot::{Last, LastDigests, Record};

/// Bumped when the entry's form changes.
const FORMAT: &str = "tidings parse cache 2";

/// The folder of the entries inside the cache folder.
const ENTRIES: &str = "parsed";

/// The file of the last build's digests ([`crate::snapshot`]) in the
/// cache folder.
const LAST_DIGESTS: &str = "last-digests";

/// Parsed digests on disk, keyed by what their parse read.
pub struct ParseCache {
    dir: PathBuf,
    /// The hash of what every file's parse shares.
    shared: Fingerprint,
    /// Keys read or written by this build (the others are pruned).
    used: Used,
    /// When the cache was opened: files written since are not trusted by
    /// their stamps in the next build ([`crate::snapshot`]).
    began: std::time::SystemTime,
}

/// A cached [`Parsed`] (its path is the file's, given on reading).
#[derive(Serialize, Deserialize)]
struct Entry {
    digest: Digest,
    date: String,
    summary: String,
    item_summaries: Vec<String>,
    draft: bool,
    media: Vec<(PathBuf, String)>,
    /// (path, line, column, message)
    warnings: Vec<(PathBuf, usize, usize, String)>,
    /// [`Parsed::unlinked`] and [`Parsed::story_hashes`], worked out
    /// before the entry is written (a rebuild would hash every digest).
    unlinked: Option<u64>,
    story_hashes: Option<Vec<Option<u64>>>,
}

impl Entry {
    fn parsed(self, path: &Path) -> Option<Parsed> {
        Some(Parsed {
            path: path.to_path_buf(),
            digest: self.digest,
            date: Date::parse_day(&self.date)?,
            summary: self.summary,
            item_summaries: self.item_summaries,
            draft: self.draft,
            media: self.media,
            warnings: warnings(self.warnings),
            unlinked: self.unlinked,
            story_hashes: self.story_hashes,
            cold: None,
        })
    }
}

fn warnings(read: Vec<(PathBuf, usize, usize, String)>) -> Vec<Warning> {
    (read.into_iter())
        .map(|(path, line, column, message)| Warning {
            location: Location { path, line, column },
            message,
        })
        .collect()
}

/// An [`Entry`] read without what only the files of a digest's own
/// pages, its shard and the feeds show: the bodies, intro and closing,
/// and item summaries (see [`read_cold`]). Every other field is the
/// entry's, and a field it does not name fails the hot read (the entry
/// is then read whole), so a field added to the entry or to the model's
/// digest or item is never dropped here unnoticed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HotEntry {
    digest: HotDigest,
    date: String,
    summary: String,
    #[allow(dead_code)]
    item_summaries: serde::de::IgnoredAny,
    draft: bool,
    media: Vec<(PathBuf, String)>,
    warnings: Vec<(PathBuf, usize, usize, String)>,
    unlinked: Option<u64>,
    story_hashes: Option<Vec<Option<u64>>>,
}

/// [`tidings_model::Digest`] without its intro, closing and bodies.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HotDigest {
    schema: u32,
    slug: String,
    date: String,
    #[serde(default)]
    lastmod: Option<String>,
    title: String,
    description: String,
    #[serde(default)]
    image: Option<tidings_model::Image>,
    tags: Vec<String>,
    categories: Vec<String>,
    #[allow(dead_code)]
    intro_html: serde::de::IgnoredAny,
    items: Vec<HotItem>,
    #[serde(default)]
    #[allow(dead_code)]
    closing_html: serde::de::IgnoredAny,
}

/// [`tidings_model::Item`] as far as a digest whose files are not made
/// again needs it: its id (its page and the sitemap), source and section
/// (the filter index, story links) and story links. The rest is only
/// shown, and [`read_cold`] reads it back.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct HotItem {
    id: String,
    title: serde::de::IgnoredAny,
    title_html: serde::de::IgnoredAny,
    #[serde(default)]
    title_translation: serde::de::IgnoredAny,
    #[serde(default)]
    image: serde::de::IgnoredAny,
    body_html: serde::de::IgnoredAny,
    #[serde(default)]
    source: Option<tidings_model::Source>,
    links: serde::de::IgnoredAny,
    #[serde(default)]
    section: Option<String>,
    #[serde(default)]
    publisher: serde::de::IgnoredAny,
    #[serde(default)]
    also_in: Vec<tidings_model::StoryRef>,
}

impl HotEntry {
    fn parsed(self, path: &Path, entry: PathBuf) -> Option<Parsed> {
        let d = self.digest;
        let items = (d.items.into_iter())
            .map(|i| tidings_model::Item {
                id: i.id,
                title: String::new(),
                title_html: String::new(),
                title_translation: None,
                image: None,
                body_html: String::new(),
                source: i.source,
                links: Vec::new(),
                section: i.section,
                publisher: None,
                also_in: i.also_in,
            })
            .collect();
        let digest = Digest {
            schema: d.schema,
            slug: d.slug,
            date: d.date,
            lastmod: d.lastmod,
            title: d.title,
            description: d.description,
            image: d.image,
            tags: d.tags,
            categories: d.categories,
            intro_html: String::new(),
            items,
            closing_html: String::new(),
        };
        Some(Parsed {
            path: path.to_path_buf(),
            digest,
            date: Date::parse_day(&self.date)?,
            summary: self.summary,
            item_summaries: Vec::new(),
            draft: self.draft,
            media: self.media,
            warnings: warnings(self.warnings),
            unlinked: self.unlinked,
            story_hashes: self.story_hashes,
            cold: Some(entry),
        })
    }
}

/// What a hot read leaves in an entry.
#[derive(Deserialize)]
struct ColdEntry {
    digest: ColdDigest,
    item_summaries: Vec<String>,
}

#[derive(Deserialize)]
struct ColdDigest {
    intro_html: String,
    items: Vec<ColdItem>,
    #[serde(default)]
    closing_html: String,
}

/// What [`HotItem`] leaves out.
#[derive(Deserialize)]
struct ColdItem {
    title: String,
    title_html: String,
    #[serde(default)]
    title_translation: Option<String>,
    #[serde(default)]
    image: Option<tidings_model::Image>,
    body_html: String,
    links: Vec<String>,
    #[serde(default)]
    publisher: Option<String>,
}

/// Puts back into `parsed` (read hot from the entry at `entry`) its
/// intro, closing, item summaries and what [`HotItem`] leaves out.
pub(crate) fn read_cold(entry: &Path, parsed: &mut Parsed) -> Result<()> {
    let bad = |message: String| Error::Read {
        path: entry.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
    };
    let bytes = fs::read(entry).map_err(|source| Error::Read {
        path: entry.to_path_buf(),
        source,
    })?;
    let cold: ColdEntry = serde_json::from_slice(&bytes).map_err(|e| {
        // Removed, so the next build parses the file again.
        let _ = fs::remove_file(entry);
        bad(format!(
            "the parse cache entry of {} no longer reads ({e}); build again",
            parsed.path.display()
        ))
    })?;
    let d = &mut parsed.digest;
    if cold.digest.items.len() != d.items.len() || cold.item_summaries.len() != d.items.len() {
        return Err(bad(format!(
            "the parse cache entry of {} changed during the build; build again",
            parsed.path.display()
        )));
    }
    d.intro_html = cold.digest.intro_html;
    d.closing_html = cold.digest.closing_html;
    for (item, cold) in d.items.iter_mut().zip(cold.digest.items) {
        item.title = cold.title;
        item.title_html = cold.title_html;
        item.title_translation = cold.title_translation;
        item.image = cold.image;
        item.body_html = cold.body_html;
        item.links = cold.links;
        item.publisher = cold.publisher;
    }
    parsed.item_summaries = cold.item_summaries;
    Ok(())
}

impl ParseCache {
    /// The cache in `dir` for files of the content folder `root`, read
    /// with `options`, beside the other files `assets`.
    pub fn open(dir: &Path, root: &Path, options: &ReadOptions, assets: &Assets) -> Result<Self> {
        let mut shared = Fingerprint::default();
        let mut field = |bytes: &[u8]| shared.bytes(bytes);
        field(FORMAT.as_bytes());
        field(&exe_hash()?);
        field(root.as_os_str().as_encoded_bytes());
        field(format!("{options:?}").as_bytes());
        // Images are looked up among the content folder's files and, for
        // a Hugo site, in its static folder.
        let mut files: Vec<PathBuf> = assets.iter().cloned().collect();
        if let Some(dir) = &options.static_dir {
            files_under(dir, &mut files)?;
        }
        files.sort();
        for file in files {
            field(file.as_os_str().as_encoded_bytes());
        }
        // Entries live in a folder of their own: pruning never touches
        // anything else in `dir`.
        let dir = dir.join(ENTRIES);
        fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        Ok(ParseCache {
            dir,
            shared,
            used: Used::default(),
            began: std::time::SystemTime::now(),
        })
    }

    /// When this build opened the cache.
    pub(crate) fn began(&self) -> std::time::SystemTime {
        self.began
    }

    fn last_digests_path(&self) -> PathBuf {
        self.dir.with_file_name(LAST_DIGESTS)
    }

    /// The last build's digests of this content folder, as it read it
    /// (none if the last build with this cache folder read another, or
    /// with another executable or options).
    pub(crate) fn last_digests(&self) -> Option<LastDigests> {
        let bytes = checked(&self.last_digests_path())?;
        LastDigests::read(bytes, &self.shared.clone().hex())
    }

    /// The digest of the file at `path` as the last build recorded it
    /// (`last`), if its entry, which keeps its bodies, is still there and
    /// of the size it had (an entry damaged since is read again; one
    /// damaged to the same size fails to read its bodies, and is removed
    /// then, see [`read_cold`]).
    pub(crate) fn get_last(&self, last: &Last, path: &Path) -> Option<Parsed> {
        let entry = self.entry_path(last.key);
        let meta = fs::metadata(&entry).ok()?;
        if !meta.is_file() || meta.len() != last.entry_len {
            return None;
        }
        let parsed = last.parsed(path, entry)?;
        self.used.mark(last.key);
        Some(parsed)
    }

    /// Keeps this build's digests for the next, in the `background`,
    /// with a check, written over the last build's in place: written
    /// aside and renamed, the ~27 MB at 10,000 digests took new blocks and
    /// freed the old ones in the rename, 36 ms during which the cache
    /// folder stayed locked (a look for a folder in it waited). A torn
    /// record fails its check and is not taken.
    pub(crate) fn keep_digests(&self, records: Vec<Record>, background: &Background) {
        let (header, path) = (self.shared.clone().hex(), self.last_digests_path());
        background.spawn(move || crate::snapshot::write(&path, &header, &records));
    }

    /// The key of the file at `path` holding `bytes`.
    pub fn key(&self, path: &Path, bytes: &[u8]) -> String {
        let mut h = self.shared.clone();
        h.bytes(path.as_os_str().as_encoded_bytes());
        h.bytes(bytes);
        h.hex()
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{}.json", &key[2..]))
    }

    /// The digest cached under `key` for the file at `path`, if any (a
    /// missing or unreadable entry is a miss). What only a digest's own
    /// files show is left in the entry ([`Parsed::cold`], `HotItem`): a
    /// rebuild shows it for the few digests whose files it makes again,
    /// and reading it for every digest was most of reading the cache (the
    /// bodies, intros, closings and item summaries alone are 60% of its
    /// bytes at 10,000 digests).
    /// Also the entry's size, for the record of the file
    /// ([`crate::snapshot`]).
    pub fn get(&self, key: &str, path: &Path) -> Option<(Parsed, u64)> {
        let entry_path = self.entry_path(key);
        let bytes = fs::read(&entry_path).ok()?;
        let parsed = match serde_json::from_slice::<HotEntry>(&bytes) {
            // Without its hashes a digest is hashed whole: read it whole.
            Ok(hot) if hot.unlinked.is_some() && hot.story_hashes.is_some() => {
                hot.parsed(path, entry_path)?
            }
            _ => serde_json::from_slice::<Entry>(&bytes).ok()?.parsed(path)?,
        };
        self.used.mark(key);
        Some((parsed, bytes.len() as u64))
    }

    /// [`ParseCache::get`], the digest whole (for a digest kept in memory
    /// after the build, whose entry may be gone by the time it is shown).
    pub fn get_whole(&self, key: &str, path: &Path) -> Option<Parsed> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        let parsed = serde_json::from_slice::<Entry>(&bytes).ok()?.parsed(path)?;
        self.used.mark(key);
        Some(parsed)
    }

    /// Counts the entry under `key` as this build's (a digest taken from
    /// elsewhere, as the watcher's memory, whose entry must stay).
    pub fn used(&self, key: &str) {
        self.used.mark(key);
    }

    /// Keeps `parsed` under `key`; the entry's size.
    pub fn put(&self, key: &str, parsed: &Parsed) -> Result<u64> {
        // Read from its entry without what it left there: the entry is
        // whole already.
        if parsed.cold.is_some() {
            self.used.mark(key);
            return Ok(fs::metadata(self.entry_path(key)).map_or(0, |m| m.len()));
        }
        let entry = Entry {
            digest: parsed.digest.clone(),
            date: parsed.date.to_string(),
            summary: parsed.summary.clone(),
            item_summaries: parsed.item_summaries.clone(),
            draft: parsed.draft,
            media: parsed.media.clone(),
            warnings: (parsed.warnings.iter())
                .map(|w| {
                    let l = &w.location;
                    (l.path.clone(), l.line, l.column, w.message.clone())
                })
                .collect(),
            unlinked: parsed.unlinked,
            story_hashes: parsed.story_hashes.clone(),
        };
        let path = self.entry_path(key);
        let json = serde_json::to_vec(&entry).map_err(|e| Error::Serialize {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        write_entry(&path, &json)?;
        self.used.mark(key);
        Ok(json.len() as u64)
    }

    /// Removes the entries this build did not use (those of files since
    /// changed or removed); returns how many. Two builds at once with one
    /// cache folder stay correct: an entry pruned by one is a miss for
    /// the other, parsed again.
    pub fn prune(&self) -> Result<usize> {
        let mut removed = 0;
        for (sub, prefix) in listing(&self.dir)? {
            if prefix.len() != 2 || !sub.is_dir() {
                continue;
            }
            for (entry, name) in listing(&sub)? {
                // Entries only: a temporary file may be another build's
                // entry being written.
                let Some(rest) = name.strip_suffix(".json") else {
                    continue;
                };
                removed += usize::from(self.used.prune(&format!("{prefix}{rest}"), &entry)?);
            }
        }
        Ok(removed)
    }
}

/// Writes to the cache folder that go on beside the rest of a build (the
/// last build's digests, the last search index: ~27 and ~39 MB at 10,000
/// digests, each written on one thread while the other work waits for
/// neither). [`Background::wait`] takes their errors; dropped, it waits
/// for them all the same, so none is cut short when the build ends.
#[derive(Default)]
pub struct Background(Mutex<Vec<std::thread::JoinHandle<Result<()>>>>);

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pending = crate::lock(&self.0).len();
        f.debug_struct("Background")
            .field("pending", &pending)
            .finish()
    }
}

impl Background {
    /// Runs `write` on a thread of its own.
    pub fn spawn(&self, write: impl FnOnce() -> Result<()> + Send + 'static) {
        crate::lock(&self.0).push(std::thread::spawn(write));
    }

    /// Waits for every write begun; the first error, if any.
    pub fn wait(&self) -> Result<()> {
        let pending = std::mem::take(&mut *crate::lock(&self.0));
        let mut first = Ok(());
        for handle in pending {
            let result = handle.join().unwrap_or_else(|_| {
                Err(Error::Serialize {
                    path: "the cache folder".into(),
                    message: "a write to it stopped half-way".into(),
                })
            });
            if first.is_ok() {
                first = result;
            }
        }
        first
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.wait();
    }
}

/// A hash as the lower-case hex digits entries are named by.
fn hex(hash: &[u8]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes of the [`Fingerprint`] that ends each index segment file.
const CHECK: usize = 16;

/// A 128-bit hash of what made some cached work (the keys of entries,
/// segments, shards and pages), and the check of a segment's bytes. Not
/// cryptographic: the cache folder is the user's own, and a key only
/// has to tell apart inputs nobody chose to collide. Two 64-bit lanes,
/// each folding in 8 bytes per step with one multiplication, so hashing
/// the ~100 MB of text a rebuild at 10,000 digests keys costs a few tens
/// of milliseconds (SHA-256 and std's SipHash took 7% and 10% of the
/// watcher's time). Every [`Fingerprint::bytes`] counts its length first,
/// so two fields never run into each other.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    a: u64,
    b: u64,
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint {
            a: 0x243f_6a88_85a3_08d3,
            b: 0x1319_8a2e_0370_7344,
        }
    }
}

impl Fingerprint {
    /// The fingerprint of `bytes` alone.
    pub fn of(bytes: &[u8]) -> [u8; 16] {
        let mut h = Fingerprint::default();
        h.bytes(bytes);
        h.finish128()
    }

    /// [`Fingerprint::of`] `bytes` in hex.
    pub fn hex_of(bytes: &[u8]) -> String {
        hex(&Fingerprint::of(bytes))
    }

    /// Folds in one number: lane `a` by the model's [`mix64`] step, lane
    /// `b` by the same step with another multiplier, over the number's
    /// halves swapped.
    ///
    /// [`mix64`]: tidings_model::mix64
    pub fn word(&mut self, w: u64) {
        self.a = tidings_model::mix64(self.a, w);
        let x = (self.b ^ w.rotate_left(32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
        self.b = x ^ (x >> 29);
    }

    /// Folds in `bytes`, after their length.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(w));
        }
        if !chunks.remainder().is_empty() {
            let mut w = [0u8; 8];
            w[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
            self.word(u64::from_le_bytes(w));
        }
    }

    /// The 128 bits (each lane's last step mixes both).
    pub fn finish128(&self) -> [u8; 16] {
        let mut end = self.clone();
        end.word(self.b);
        end.word(self.a);
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&end.a.to_le_bytes());
        out[8..].copy_from_slice(&end.b.to_le_bytes());
        out
    }

    /// [`Fingerprint::finish128`] in hex (32 digits).
    pub fn hex(&self) -> String {
        hex(&self.finish128())
    }
}

/// As a [`std::hash::Hasher`], for keys of values that derive `Hash`
/// (64 bits of the 128).
impl std::hash::Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        let end = self.finish128();
        let mut w = [0u8; 8];
        w.copy_from_slice(&end[..8]);
        u64::from_le_bytes(w)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
    }

    fn write_u8(&mut self, n: u8) {
        self.word(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.word(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.word(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.word(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.word(n as u64);
    }
}

/// Every entry of the folder `dir`, with its name.
fn listing(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let err = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        out.push((
            entry.path(),
            entry.file_name().to_string_lossy().into_owned(),
        ));
    }
    Ok(out)
}

/// Writes an entry: to a temporary file beside it, then renamed, so a
/// half-written entry is never read.
pub(crate) fn write_entry(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(err)?;
    }
    let temp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&temp, bytes).map_err(err)?;
    fs::rename(&temp, path).map_err(err)
}

/// The keys of the entries a build read or wrote: the others are pruned.
#[derive(Default)]
struct Used(Mutex<HashSet<String>>);

impl Used {
    fn mark(&self, key: &str) {
        crate::lock(&self.0).insert(key.to_string());
    }

    /// Removes the entry at `path`, kept under `key`, unless this build
    /// used it or `key` is not a key (32 hex digits, or the 64 of the
    /// SHA-256 keys of earlier versions: anything else, such as another
    /// build's temporary file, is left); whether it did.
    fn prune(&self, key: &str, path: &Path) -> Result<bool> {
        let ours = matches!(key.len(), 32 | 64) && key.bytes().all(|b| b.is_ascii_hexdigit());
        if !ours || crate::lock(&self.0).contains(key) {
            return Ok(false);
        }
        fs::remove_file(path).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(true)
    }
}

/// Where the cache folder `dir` keeps what a build knows of the output
/// folder `out` under `kind` (`keys/<kind>-<output>.keys`), and the
/// first line it starts with: the kind, the executable and the output
/// folder, so a file made by another build or version is never taken.
pub(crate) fn output_file(dir: &Path, out: &Path, kind: &str) -> Result<(PathBuf, String)> {
    let out = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    let name = Fingerprint::hex_of(out.as_os_str().as_encoded_bytes());
    let header = format!("{kind} {} {name}", hex(&exe_hash()?));
    let path = (dir.join("keys")).join(format!("{kind}-{}.keys", &name[..16]));
    Ok((path, header))
}

/// The [`Fingerprint`] of the running `tidings` executable: part of every key, so
/// a changed parser or tokenizer never reads an old entry.
fn exe_hash() -> Result<[u8; 16]> {
    static HASH: OnceLock<[u8; 16]> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(*hash);
    }
    let exe = std::env::current_exe().map_err(|source| Error::Read {
        path: PathBuf::from("tidings"),
        source,
    })?;
    let bytes = fs::read(&exe).map_err(|source| Error::Read { path: exe, source })?;
    Ok(*HASH.get_or_init(|| Fingerprint::of(&bytes)))
}

/// The search index's segments (`tidings_model::search_index::segment`):
/// the terms of a run of digests, kept under a key made of everything
/// counting them reads (each item's indexed fields) and the executable,
/// so a rebuild counts the terms of the runs that changed only. Each file
/// ends with the [`Fingerprint`] of its bytes: a damaged one is a miss.
pub struct IndexCache {
    dir: PathBuf,
    shared: Fingerprint,
    used: Used,
}

/// Bumped when the segment files' form or key changes.
const INDEX_FORMAT: &str = "tidings index segments 2";

/// The folder of the segments inside the cache folder.
const SEGMENTS: &str = "index";

/// The last index a build made, beside the segments.
const LAST: &str = "last-index";

impl IndexCache {
    /// The segments kept in the cache folder `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let dir = dir.join(SEGMENTS);
        fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        let mut shared = Fingerprint::default();
        shared.bytes(INDEX_FORMAT.as_bytes());
        shared.bytes(&exe_hash()?);
        Ok(IndexCache {
            dir,
            shared,
            used: Used::default(),
        })
    }

    /// The key of a run of items whose indexed fields
    /// (`search_index::field_inputs`) `fields` gives, in order.
    pub fn key<'a>(&self, fields: impl Iterator<Item = Option<&'a str>>) -> String {
        let mut h = self.shared.clone();
        for field in fields {
            match field {
                Some(field) => h.bytes(field.as_bytes()),
                None => h.word(u64::MAX),
            }
        }
        h.hex()
    }

    /// The key of a run of digests by their hashes without story links
    /// (`Parsed::unlinked`, in order), which cover every field the index
    /// reads of their items: a build has them already, so it need not
    /// hash the run's text again (that was ~5% of a watched rebuild's
    /// work at 10,000 digests). A digest changed outside those fields
    /// (its title, its tags) changes the key too: its run is counted
    /// again, which is only work.
    pub fn key_of_digests(&self, unlinked: impl Iterator<Item = u64>) -> String {
        let mut h = self.shared.clone();
        h.bytes(b"by digest");
        for hash in unlinked {
            h.word(hash);
        }
        h.hex()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.seg"))
    }

    /// The segment kept under `key`, if there is one and it is whole.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let bytes = self.peek(key)?;
        self.used.mark(key);
        Some(bytes)
    }

    /// Counts the segment under `key` as this build's without reading it
    /// (the watcher has its terms in memory).
    pub fn used(&self, key: &str) {
        self.used.mark(key);
    }

    /// [`IndexCache::get`], leaving the segment to be pruned unless this
    /// build uses it after all (the segment of a run as it was before an
    /// edit: what it had tells which terms the edit may have changed).
    pub fn peek(&self, key: &str) -> Option<Vec<u8>> {
        checked(&self.path(key))
    }

    /// Keeps `segment` under `key` (written aside, then renamed).
    pub fn put(&self, key: &str, segment: &[u8]) -> Result<()> {
        let mut bytes = Vec::with_capacity(segment.len() + CHECK);
        bytes.extend_from_slice(segment);
        bytes.extend_from_slice(&Fingerprint::of(segment));
        write_entry(&self.path(key), &bytes)?;
        self.used.mark(key);
        Ok(())
    }

    /// The last index a build kept ([`IndexCache::keep_last`]), if it is
    /// whole and was kept by this version of tidings.
    pub fn last(&self) -> Option<Vec<u8>> {
        let mut bytes = checked(&self.dir.join(LAST))?;
        let version = self.shared.hex();
        let start = bytes.len().checked_sub(version.len())?;
        if bytes[start..] != *version.as_bytes() {
            return None;
        }
        bytes.truncate(start);
        Some(bytes)
    }

    /// Keeps the last index this build made (`bundle::LastIndex`), for
    /// the next build to splice its changes into, followed by the version
    /// of tidings and a check. Written over the last one in place, not
    /// aside and renamed as entries are: that made new blocks for the ~39
    /// MB at 10,000 digests and freed the old ones, 50-80 ms against ~9
    /// at the end of every rebuild. A file left torn (a crash, two builds
    /// writing at once, one reading while another writes) fails the
    /// check when read ([`IndexCache::last`]), and the build then merges
    /// the runs' segments instead.
    /// `len` bytes, which `write` puts into the file.
    pub(crate) fn keep_last(
        &self,
        len: usize,
        write: impl FnOnce(&mut CheckedFile) -> Result<()>,
    ) -> Result<()> {
        let version = self.shared.hex();
        let mut file = CheckedFile::open(&self.dir.join(LAST), len + version.len())?;
        write(&mut file)?;
        file.put(|out| out.extend_from_slice(version.as_bytes()))?;
        file.finish()
    }

    /// Removes the segments this build did not use.
    pub fn prune(&self) -> Result<usize> {
        let mut removed = 0;
        for (entry, name) in listing(&self.dir)? {
            if let Some(key) = name.strip_suffix(".seg") {
                removed += usize::from(self.used.prune(key, &entry)?);
            }
        }
        Ok(removed)
    }
}

/// A file of the cache folder written over in place (its blocks written
/// over, not new ones made and the old freed), piece by piece through a
/// buffer, and ended with the [`Fingerprint`] of what was written, for
/// [`checked`] to read back: a file left torn fails the check. Its length
/// is said first, as the check folds it in before the bytes.
///
/// Made whole in memory, the last index (39 MB at 10,000 digests) and the
/// record of every file (27 MB) were that much fresh memory on every
/// rebuild, each page zeroed by the kernel when first touched: half of
/// the time spent keeping the last index in a profile.
pub(crate) struct CheckedFile {
    file: fs::File,
    path: PathBuf,
    buf: Vec<u8>,
    check: StreamCheck,
    /// Bytes to write, and written so far.
    len: u64,
    written: u64,
}

impl CheckedFile {
    /// Written out past this many bytes.
    const BUFFER: usize = 1 << 20;

    /// Opens the file at `path` to write `len` bytes over it.
    pub(crate) fn open(path: &Path, len: usize) -> Result<CheckedFile> {
        let file = (fs::OpenOptions::new().write(true).create(true))
            .truncate(false)
            .open(path)
            .map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(CheckedFile {
            file,
            path: path.to_path_buf(),
            buf: Vec::with_capacity(Self::BUFFER * 2),
            check: StreamCheck::new(len as u64),
            len: len as u64,
            written: 0,
        })
    }

    /// Appends what `put` appends to the buffer (written out when full).
    pub(crate) fn put(&mut self, put: impl FnOnce(&mut Vec<u8>)) -> Result<()> {
        put(&mut self.buf);
        if self.buf.len() >= Self::BUFFER {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        use std::io::Write;
        self.check.feed(&self.buf);
        self.written += self.buf.len() as u64;
        self.file
            .write_all(&self.buf)
            .map_err(|source| Error::Write {
                path: self.path.clone(),
                source,
            })?;
        self.buf.clear();
        Ok(())
    }

    /// Writes what is left and the check, and cuts the file there. Fails
    /// (leaving a file whose check fails) if the length said at
    /// [`CheckedFile::open`] was not what was put.
    pub(crate) fn finish(mut self) -> Result<()> {
        use std::io::Write;
        self.spill()?;
        let err = |source| Error::Write {
            path: self.path.clone(),
            source,
        };
        if self.written != self.len {
            return Err(err(std::io::Error::other(format!(
                "{} bytes written where {} were planned",
                self.written, self.len
            ))));
        }
        let check = self.check.finish();
        self.file.write_all(&check).map_err(err)?;
        self.file.set_len(self.len + CHECK as u64).map_err(err)
    }
}

/// [`Fingerprint::of`] bytes whose length is known before they come, fed
/// in pieces of any size.
struct StreamCheck {
    hash: Fingerprint,
    /// The start of a word a piece ended in, and its length.
    word: [u8; 8],
    filled: usize,
}

impl StreamCheck {
    fn new(len: u64) -> StreamCheck {
        let mut hash = Fingerprint::default();
        hash.word(len);
        StreamCheck {
            hash,
            word: [0; 8],
            filled: 0,
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        if self.filled > 0 {
            let n = (8 - self.filled).min(bytes.len());
            self.word[self.filled..self.filled + n].copy_from_slice(&bytes[..n]);
            self.filled += n;
            bytes = &bytes[n..];
            if self.filled < 8 {
                return;
            }
            self.hash.word(u64::from_le_bytes(self.word));
            self.filled = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            self.hash.word(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        self.word[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    fn finish(mut self) -> [u8; CHECK] {
        if self.filled > 0 {
            self.word[self.filled..].fill(0);
            self.hash.word(u64::from_le_bytes(self.word));
        }
        self.hash.finish128()
    }
}

/// The bytes of the file at `path` without the [`Fingerprint`] of them
/// that ends it; `None` if it cannot be read or the check fails.
fn checked(path: &Path) -> Option<Vec<u8>> {
    let mut bytes = fs::read(path).ok()?;
    let body = bytes.len().checked_sub(CHECK)?;
    if Fingerprint::of(&bytes[..body])[..] != bytes[body..] {
        return None;
    }
    bytes.truncate(body);
    Some(bytes)
}

/// Adds every file under `dir` (if it is a folder) to `out`.
pub(crate) fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let err = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        let path = entry.path();
        if entry.file_type().map_err(err)?.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Which files a [`FileKeys`] keeps, named with the form of its file
/// (bumped when that changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Each digest's route pages, at the output folder's root.
    Pages,
    /// The data files of shards, in the stamp folder of the data.
    Data,
}

impl Kept {
    fn name(self) -> &'static str {
        match self {
            Kept::Pages => "pages-2",
            Kept::Data => "data-1",
        }
    }
}

/// What made some files of one output folder: per file a key of its
/// inputs and a hash of its bytes, with its size and modification time
/// as written. A rebuild leaves (or links) a file whose key is the same
/// and which is as it was written, without making it again.
pub struct FileKeys {
    path: PathBuf,
    out: PathBuf,
    /// The first line of the file: the form, the executable and the
    /// output folder (a file made by another build is never matched).
    header: String,
    /// The folder under `out` the files were in (the data's stamp
    /// folder; empty for pages).
    folder: String,
    /// By path under `folder`: key, bytes' hash, size, modification time.
    old: HashMap<String, (u64, u64, u64, u128)>,
    /// This build's files: path, key, bytes' hash, and the size and time
    /// of a file left as it was (the others are looked at when saved).
    made: Mutex<Vec<Made>>,
}

type Made = (String, u64, u64, Option<(u64, u128)>);

impl FileKeys {
    /// The keys of `kind` kept for the output folder `out` under the
    /// cache folder `dir` (none if there are none, or another build's).
    pub fn open(dir: &Path, out: &Path, kind: Kept) -> Result<FileKeys> {
        let (path, header) = output_file(dir, out, kind.name())?;
        let text = fs::read_to_string(&path).unwrap_or_default();
        let mut lines = text.lines();
        let mut old = HashMap::new();
        let mut folder = String::new();
        if lines.next() == Some(header.as_str()) {
            let named = lines.next().unwrap_or_default();
            // Only a folder inside the output (never a damaged line that
            // names one elsewhere, whose files would be linked into the
            // site); the data's is never the output itself.
            let inside = (Path::new(named).components())
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if inside && (kind == Kept::Pages || !named.is_empty()) {
                folder = named.to_string();
                for line in lines {
                    let mut fields = line.splitn(5, ' ');
                    let mut number = || fields.next().and_then(|f| f.parse::<u128>().ok());
                    let (Some(key), Some(hash), Some(size), Some(time)) =
                        (number(), number(), number(), number())
                    else {
                        continue;
                    };
                    if let (Some(rel), Ok(key), Ok(hash), Ok(size)) = (
                        fields.next(),
                        u64::try_from(key),
                        u64::try_from(hash),
                        u64::try_from(size),
                    ) {
                        old.insert(rel.to_string(), (key, hash, size, time));
                    }
                }
            }
        }
        Ok(FileKeys {
            path,
            out: out.to_path_buf(),
            header,
            folder,
            old,
            made: Mutex::new(Vec::new()),
        })
    }

    /// Where the file `rel` was, under the output folder, if it was made
    /// from inputs of `key` and is there as it was written; with its
    /// bytes' hash and size.
    pub fn unchanged(&self, rel: &str, key: u64) -> Option<(PathBuf, u64, u64)> {
        let &(_, hash, size, time) = self.old.get(rel).filter(|old| old.0 == key)?;
        let path = self.out.join(&self.folder).join(rel);
        let meta = fs::symlink_metadata(&path).ok()?;
        let same = meta.is_file() && meta.len() == size && modified(&meta) == Some(time);
        same.then_some((path, hash, size))
    }

    /// Records `rel` as this build's file of `key`, whose bytes hash to
    /// `hash`.
    pub fn made(&self, rel: &str, key: u64, hash: u64) {
        crate::lock(&self.made).push((rel.to_string(), key, hash, None));
    }

    /// Records `rel` as this build's file of `key`, left in place as it
    /// was ([`FileKeys::unchanged`] found it so): its size and time are
    /// the ones kept, so saving need not look at it again (~10,000 pages
    /// at 10,000 digests).
    pub fn kept(&self, rel: &str, key: u64) {
        let Some(&(old_key, hash, size, time)) = self.old.get(rel) else {
            return self.made(rel, key, 0);
        };
        let was = (old_key == key).then_some((size, time));
        crate::lock(&self.made).push((rel.to_string(), key, hash, was));
    }

    /// Writes the keys of this build's files, as they now are in the
    /// output folder under `folder` (once the build is in place).
    pub fn save(&self, folder: &str) -> Result<()> {
        use rayon::prelude::*;
        let mut made = std::mem::take(&mut *crate::lock(&self.made));
        made.sort_unstable();
        // A file's size and time on every core: ~18,000 files at 10,000
        // digests, the last serial step of a rebuild.
        let dir = self.out.join(folder);
        let lines: Vec<String> = (made.par_iter())
            .filter_map(|(rel, key, hash, was)| {
                let (size, time) = match was {
                    Some(was) => *was,
                    None => {
                        let meta = fs::symlink_metadata(dir.join(rel)).ok()?;
                        (meta.len(), modified(&meta)?)
                    }
                };
                Some(format!("{key} {hash} {size} {time} {rel}\n"))
            })
            .collect();
        let mut text = format!("{}\n{folder}\n", self.header);
        text.extend(lines);
        write_entry(&self.path, text.as_bytes())
    }
}

/// A file's modification time in nanoseconds since the epoch.
fn modified(meta: &fs::Metadata) -> Option<u128> {
    let time = meta.modified().ok()?;
    Some(time.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{Hash, Hasher};

    #[test]
    fn a_check_fed_in_pieces_is_the_fingerprint_of_the_whole() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 37 % 251) as u8).collect();
        for cuts in [
            &[][..],
            &[1, 2, 3][..],
            &[7, 8, 9, 500][..],
            &[0, 0, 999][..],
        ] {
            let mut check = StreamCheck::new(bytes.len() as u64);
            let mut at = 0;
            for &cut in cuts.iter().chain([&bytes.len()]) {
                check.feed(&bytes[at..cut]);
                at = cut;
            }
            assert_eq!(check.finish(), Fingerprint::of(&bytes), "cut at {cuts:?}");
        }
    }

    #[test]
    fn a_checked_file_reads_back_and_refuses_a_length_not_kept() {
        let dir = std::env::temp_dir().join(format!("tidings-checked-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("a scratch folder");
        let path = dir.join("file");
        fs::write(&path, vec![b'x'; 5000]).expect("an older, longer file");
        let mut file = CheckedFile::open(&path, 2_000_003).expect("opens");
        for _ in 0..1000 {
            file.put(|out| out.extend_from_slice(b"ab")).expect("puts");
        }
        file.put(|out| out.extend_from_slice(&[7; 3]))
            .expect("puts");
        let err = file.finish().expect_err("fewer bytes than said");
        assert!(
            err.to_string()
                .contains("2003 bytes written where 2000003 were planned"),
            "{err}"
        );
        assert_eq!(checked(&path), None, "a file left short fails its check");
        let mut file = CheckedFile::open(&path, 2003).expect("opens");
        file.put(|out| out.extend_from_slice(&b"ab".repeat(1000)))
            .expect("puts");
        file.put(|out| out.extend_from_slice(&[7; 3]))
            .expect("puts");
        file.finish().expect("written");
        let mut want = b"ab".repeat(1000);
        want.extend_from_slice(&[7; 3]);
        assert_eq!(checked(&path), Some(want));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn fingerprints_tell_apart_fields_split_differently() {
        let of = |fields: &[&str]| {
            let mut h = Fingerprint::default();
            for f in fields {
                h.bytes(f.as_bytes());
            }
            h.hex()
        };
        assert_eq!(of(&["ab", "c"]), of(&["ab", "c"]));
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
        assert_ne!(of(&["abc"]), of(&["abc", ""]));
        // A tail shorter than a word is not the same as one padded with zeros.
        assert_ne!(Fingerprint::of(b"a"), Fingerprint::of(b"a\0"));
        assert_eq!(of(&["x"]).len(), 32);
        // As a hasher of derived `Hash`: a tuple's strings stay apart too.
        let hash = |v: (&str, &str)| {
            let mut h = Fingerprint::default();
            v.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(("ab", "c")), hash(("ab", "c")));
        assert_ne!(hash(("ab", "c")), hash(("a", "bc")));
    }

    #[test]
    fn one_changed_byte_changes_both_halves() {
        // One changed byte anywhere changes both halves.
        let text: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let base = Fingerprint::of(&text);
        for at in [0, 7, 8, 500, 999] {
            let mut other = text.clone();
            other[at] ^= 1;
            let changed = Fingerprint::of(&other);
            assert_ne!(base[..8], changed[..8], "byte {at}");
            assert_ne!(base[8..], changed[8..], "byte {at}");
        }
    }

    #[test]
    fn a_damaged_segment_is_a_miss_and_old_keys_are_pruned() {
        let dir = std::env::temp_dir().join(format!("tidings-cache-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let cache = IndexCache::open(&dir).expect("open");
        let key = cache.key([Some("a title"), None].into_iter());
        assert_eq!(key.len(), 32);
        cache.put(&key, b"segment bytes").expect("put");
        assert_eq!(cache.get(&key).as_deref(), Some(&b"segment bytes"[..]));
        let path = cache.path(&key);
        let mut bytes = fs::read(&path).expect("read");
        bytes[3] ^= 0x20;
        fs::write(&path, &bytes).expect("damage");
        assert_eq!(cache.get(&key), None);
        // A segment of an earlier version (a 64-digit key) goes; this
        // build's stays, and so does what is not a segment.
        let old = dir.join(SEGMENTS).join(format!("{}.seg", "ab".repeat(32)));
        fs::write(&old, b"old").expect("old");
        let other = dir.join(SEGMENTS).join("notes.seg");
        fs::write(&other, b"not ours").expect("other");
        assert_eq!(cache.prune().expect("prune"), 1);
        assert!(!old.exists() && other.exists() && path.exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn background_writes_are_waited_for_and_their_errors_kept() {
        let dir = std::env::temp_dir().join(format!("tidings-background-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        let slow = dir.join("slow");
        {
            let background = Background::default();
            let at = slow.clone();
            background.spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(200));
                write_entry(&at, b"written")
            });
        }
        // Dropped: the write was finished first.
        assert_eq!(fs::read(&slow).expect("written"), b"written");
        let background = Background::default();
        background.spawn(|| Ok(()));
        let blocked = dir.join("slow").join("under a file");
        background.spawn(move || write_entry(&blocked, b"never"));
        assert!(matches!(background.wait(), Err(Error::Write { .. })));
        assert!(background.wait().is_ok(), "each error once");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_digest_read_without_its_bodies_reads_them_back_whole() {
        use tidings_model::{Image, Item, Source, StoryRef};
        let dir =
            std::env::temp_dir().join(format!("tidings-parse-cache-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let root = dir.join("content");
        let assets = Assets::default();
        let cache = ParseCache::open(&dir.join("cache"), &root, &ReadOptions::default(), &assets)
            .expect("open");
        let path = root.join("posts/d1.md");
        // Every field set, so one the hot read left out would show.
        let item = |n: usize| Item {
            id: format!("i{n}"),
            title: format!("Title {n}"),
            title_html: format!("<em>Title</em> {n}"),
            title_translation: Some(format!("标题 {n}")),
            image: Some(Image {
                src: Some(format!("/media/{n}.png")),
                alt: "alt".into(),
            }),
            body_html: format!("<p>Body {n}</p>"),
            source: Some(Source {
                url: format!("https://example.org/{n}"),
                domain: "example.org".into(),
            }),
            links: vec![format!("https://example.org/{n}")],
            section: Some("Section".into()),
            publisher: Some("Publisher".into()),
            also_in: vec![StoryRef {
                slug: "d0".into(),
                id: "i0".into(),
                date: "2024-05-25".into(),
                title: "Yesterday".into(),
            }],
        };
        let digest = Digest {
            schema: tidings_model::SCHEMA_VERSION,
            slug: "d1".into(),
            date: "2024-05-26".into(),
            lastmod: Some("2024-05-27".into()),
            title: "Digest".into(),
            description: "Described".into(),
            image: Some(Image {
                src: Some("/media/lead.png".into()),
                alt: String::new(),
            }),
            tags: vec!["AI".into()],
            categories: vec!["News".into()],
            intro_html: "<p>Intro</p>".into(),
            items: vec![item(0), item(1)],
            closing_html: "<p>Closing</p>".into(),
        };
        let mut parsed = Parsed {
            path: path.clone(),
            digest,
            date: Date::parse_day("2024-05-26").expect("date"),
            summary: "Summary".into(),
            item_summaries: vec!["First".into(), "Second".into()],
            draft: false,
            media: vec![(root.join("posts/0.png"), "media/0.png".into())],
            warnings: vec![Warning {
                location: Location {
                    path: path.clone(),
                    line: 3,
                    column: 1,
                },
                message: "a warning".into(),
            }],
            unlinked: None,
            story_hashes: None,
            cold: None,
        };
        parsed.hash_for_links();
        let key = cache.key(&path, b"the file");
        cache.put(&key, &parsed).expect("put");

        let (hot, entry_len) = cache.get(&key, &path).expect("a hit");
        let entry = hot.cold.clone().expect("read without its bodies");
        assert!(hot.digest.intro_html.is_empty() && hot.digest.closing_html.is_empty());
        assert!((hot.digest.items.iter())
            .all(|i| i.body_html.is_empty() && i.title.is_empty() && i.links.is_empty()));
        assert!(hot.digest.items.iter().all(|i| i.source.is_some()));
        assert!(hot.item_summaries.is_empty());
        let full = hot.full().expect("whole").into_owned();
        assert_eq!(full.cold, None);
        assert_eq!(full.digest, parsed.digest);
        assert_eq!(
            (
                &full.path,
                full.date,
                &full.summary,
                &full.item_summaries,
                full.draft
            ),
            (
                &parsed.path,
                parsed.date,
                &parsed.summary,
                &parsed.item_summaries,
                parsed.draft
            )
        );
        assert_eq!(
            (&full.media, &full.warnings),
            (&parsed.media, &parsed.warnings)
        );
        assert_eq!(
            (full.unlinked, &full.story_hashes),
            (parsed.unlinked, &parsed.story_hashes)
        );
        assert_eq!(full.key(), parsed.key());

        // As the last build records it for the next: what the hot read
        // gives, but for story links (each build links anew).
        let stamp = crate::snapshot::FileStamp::of(&fs::metadata(&entry).expect("stat"));
        assert_eq!(fs::metadata(&entry).expect("entry").len(), entry_len);
        let record = (Record::new(&path, &stamp, cache.began(), (&key, entry_len), &parsed))
            .expect("a record");
        let bytes = crate::snapshot::to_bytes("this build", &[record]);
        assert!(LastDigests::read(bytes.clone(), "another build").is_none());
        assert!(LastDigests::read(bytes[..bytes.len() - 1].to_vec(), "this build").is_none());
        let last = LastDigests::read(bytes, "this build").expect("reads");
        let recorded = last.get(&path).expect("recorded");
        assert_eq!(recorded.key, key);
        // A file written a moment before the build is never taken by its
        // stamp (a write later within the same clock tick would keep it).
        assert!(!recorded.unchanged(&stamp));
        let mut unlinked = hot.clone();
        (unlinked.digest.items.iter_mut()).for_each(|i| i.also_in.clear());
        let from_record = cache
            .get_last(&recorded, &path)
            .expect("its entry is there");
        assert_eq!(format!("{from_record:?}"), format!("{unlinked:?}"));
        let mut whole = full.clone();
        (whole.digest.items.iter_mut()).for_each(|i| i.also_in.clear());
        let from_record = from_record.full().expect("whole").into_owned();
        assert_eq!(format!("{from_record:?}"), format!("{whole:?}"));

        // The entry damaged after the hot read: an error naming it.
        fs::write(&entry, "{").expect("damage");
        let error = hot.full().expect_err("no bodies to read").to_string();
        assert!(
            error.starts_with(&format!(
                "cannot read {}: the parse cache entry of {} no longer reads",
                entry.display(),
                path.display()
            )),
            "{error}"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
