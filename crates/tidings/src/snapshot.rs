//! What a rebuild needs of every digest of the last build, in one file of
//! the cache folder (`last-digests`), so that a rebuild neither reads the
//! content files that did not change nor their parse cache entries.
//!
//! Each record holds a content file's path, its [`FileStamp`] as the last
//! build saw it, its parse cache key and the digest's hot part (what
//! [`ParseCache::get`](crate::cache::ParseCache::get) reads of an entry)
//! in a compact binary form. A file whose stamp is as recorded, and was
//! already old when it was recorded (so no later write within the same
//! clock tick can hide behind the same stamp), keeps its key without
//! being read; a file read again whose key is the recorded one takes the
//! recorded digest. The digest's bodies stay in its cache entry
//! ([`Parsed::cold`]), read back for the few digests whose files a
//! rebuild makes again. At 10,000 digests a rebuild read ~100 MB of
//! content and ~115 MB of entries for this; the file is ~27 MB.
//!
//! The file names what every key shares (the executable, the content
//! folder, the reading options and the other files): one written by
//! another build, one that fails the check the cache folder writes after
//! it (it is written over in place, so a crash or two builds at once can
//! leave it torn), or one that does not read, is ignored, and every file
//! is read as before. Each record also keeps the size of the digest's
//! cache entry: an entry of another size is not taken.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tidings_model::date::Date;
use tidings_model::{Digest, Image, Item, Source};

use crate::cache::CheckedFile;
use crate::digest::Parsed;
use crate::error::{Location, Warning};

/// The first bytes of the file; bumped when its form changes.
const FORM: &[u8] = b"tidings last digests 2\n";

/// How old a file must be, when it is recorded, for its stamp to be
/// trusted: a write after the stamp was taken then always changes the
/// modification or change time.
const SETTLED: Duration = Duration::from_secs(2);

/// What identifies a file's version without reading it: its size and
/// modification time, and on Unix its inode and change time (which no
/// tool sets back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: (u64, i64, i64),
}

impl FileStamp {
    pub(crate) fn of(meta: &std::fs::Metadata) -> FileStamp {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: (meta.ino(), meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// The stamp as numbers (on Unix; elsewhere there is no change time,
    /// and stamps are never trusted).
    pub(crate) fn words(&self) -> Option<[u64; 5]> {
        let modified = self.modified?.duration_since(SystemTime::UNIX_EPOCH).ok()?;
        #[cfg(unix)]
        {
            let (inode, secs, nanos) = self.inode;
            Some([
                self.len,
                u64::try_from(modified.as_nanos()).ok()?,
                inode,
                u64::try_from(secs).ok()?,
                u64::try_from(nanos).ok()?,
            ])
        }
        #[cfg(not(unix))]
        {
            let _ = modified;
            None
        }
    }

    /// Whether the file was last written and changed before `began` less
    /// [`SETTLED`], so that any later write changes its stamp.
    fn settled(&self, began: SystemTime) -> bool {
        let Some(before) = began.checked_sub(SETTLED) else {
            return false;
        };
        #[cfg(unix)]
        let changed = {
            let (_, secs, nanos) = self.inode;
            let since = (u64::try_from(secs).ok())
                .zip(u32::try_from(nanos).ok())
                .map(|(s, n)| SystemTime::UNIX_EPOCH + Duration::new(s, n));
            since.is_some_and(|t| t < before)
        };
        #[cfg(not(unix))]
        let changed = false;
        changed && self.modified.is_some_and(|t| t < before)
    }

    /// The stamp to record for a build that began at `began`: none for a
    /// file written too recently to trust it.
    pub(crate) fn recorded(&self, began: SystemTime) -> Option<[u64; 5]> {
        self.settled(began).then(|| self.words()).flatten()
    }
}

/// One file's record for the next build.
pub(crate) struct Record {
    path: String,
    stamp: Option<[u64; 5]>,
    key: String,
    /// The size of the digest's cache entry: one of another size (damaged,
    /// say) is not taken.
    entry_len: u64,
    hot: Vec<u8>,
}

impl Record {
    /// The record of the file at `path`, stamped `stamp` (taken by a build
    /// that began at `began`), read under `key` into `parsed`, whose cache
    /// entry is `entry_len` bytes; `None` when the path is not UTF-8 or
    /// the digest not yet hashed.
    pub(crate) fn new(
        path: &Path,
        stamp: &FileStamp,
        began: SystemTime,
        (key, entry_len): (&str, u64),
        parsed: &Parsed,
    ) -> Option<Record> {
        Some(Record {
            path: path.to_str()?.to_string(),
            stamp: stamp.recorded(began),
            key: key.to_string(),
            entry_len,
            hot: encode(parsed)?,
        })
    }
}

/// The last build's records, by path.
pub(crate) struct LastDigests {
    bytes: Vec<u8>,
    /// By path: the stamp, the entry's size, and the places of the key
    /// and the hot part in `bytes`.
    by_path: HashMap<String, Place>,
}

struct Place {
    stamp: Option<[u64; 5]>,
    key: std::ops::Range<usize>,
    entry_len: u64,
    hot: std::ops::Range<usize>,
}

/// One file's record in the last build's.
pub(crate) struct Last<'a> {
    stamp: Option<[u64; 5]>,
    pub key: &'a str,
    pub entry_len: u64,
    hot: &'a [u8],
}

impl Last<'_> {
    /// Whether the file is, by its stamp, as recorded (never for a file
    /// recorded while fresh).
    pub(crate) fn unchanged(&self, now: &FileStamp) -> bool {
        self.stamp.is_some() && self.stamp == now.words()
    }

    /// The recorded digest of the file at `path`, its bodies left in the
    /// cache entry at `entry`; `None` if the record does not read.
    pub(crate) fn parsed(&self, path: &Path, entry: PathBuf) -> Option<Parsed> {
        decode(self.hot, path, entry)
    }

    /// The record for the next build, as it is.
    pub(crate) fn again(&self, path: &Path, stamp: &FileStamp, began: SystemTime) -> Record {
        Record {
            path: path.to_string_lossy().into_owned(),
            stamp: stamp.recorded(began),
            key: self.key.to_string(),
            entry_len: self.entry_len,
            hot: self.hot.to_vec(),
        }
    }
}

impl LastDigests {
    /// The records in `bytes` if written under `header`.
    pub(crate) fn read(bytes: Vec<u8>, header: &str) -> Option<LastDigests> {
        let mut r = In(bytes.strip_prefix(FORM)?, FORM.len());
        if r.str()? != header {
            return None;
        }
        let n = r.len()?;
        let mut by_path = HashMap::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let path = r.str()?.to_string();
            let stamp = match r.byte()? {
                0 => None,
                _ => Some([r.u64()?, r.u64()?, r.u64()?, r.u64()?, r.u64()?]),
            };
            let key = r.span()?;
            let entry_len = r.u64()?;
            let hot = r.span()?;
            by_path.insert(
                path,
                Place {
                    stamp,
                    key,
                    entry_len,
                    hot,
                },
            );
        }
        // A key that is not UTF-8 is a record not taken (`get`).
        r.0.is_empty().then_some(LastDigests { bytes, by_path })
    }

    /// The record of the file at `path`.
    pub(crate) fn get(&self, path: &Path) -> Option<Last<'_>> {
        let place = self.by_path.get(path.to_str()?)?;
        Some(Last {
            stamp: place.stamp,
            key: std::str::from_utf8(self.bytes.get(place.key.clone())?).ok()?,
            entry_len: place.entry_len,
            hot: self.bytes.get(place.hot.clone())?,
        })
    }
}

/// Writes the file of `records` under `header` over the one at `path`,
/// a record at a time ([`CheckedFile`]).
pub(crate) fn write(path: &Path, header: &str, records: &[Record]) -> crate::error::Result<()> {
    // The length comes first: each record's fields but its hot part are
    // put once to be counted.
    let mut scratch = Out(Vec::with_capacity(256));
    let mut len = {
        put_header(&mut scratch, header, records.len());
        scratch.0.len()
    };
    for r in records {
        scratch.0.clear();
        put_fields(&mut scratch, r);
        len += scratch.0.len() + r.hot.len();
    }
    let mut file = CheckedFile::open(path, len)?;
    file.put(|out| in_out(out, |o| put_header(o, header, records.len())))?;
    for r in records {
        file.put(|out| {
            in_out(out, |o| put_fields(o, r));
            out.extend_from_slice(&r.hot);
        })?;
    }
    file.finish()
}

/// The file of `records` under `header`, as [`write`] writes it before
/// its check.
#[cfg(test)]
pub(crate) fn to_bytes(header: &str, records: &[Record]) -> Vec<u8> {
    let mut out = Out(Vec::new());
    put_header(&mut out, header, records.len());
    for r in records {
        put_fields(&mut out, r);
        out.0.extend_from_slice(&r.hot);
    }
    out.0
}

/// `put` with an [`Out`] over `buf`.
fn in_out(buf: &mut Vec<u8>, put: impl FnOnce(&mut Out)) {
    let mut out = Out(std::mem::take(buf));
    put(&mut out);
    *buf = out.0;
}

fn put_header(out: &mut Out, header: &str, records: usize) {
    out.0.extend_from_slice(FORM);
    out.str(header);
    out.len(records);
}

/// A record up to its hot part, which follows it.
fn put_fields(out: &mut Out, r: &Record) {
    out.str(&r.path);
    match r.stamp {
        None => out.0.push(0),
        Some(words) => {
            out.0.push(1);
            words.iter().for_each(|&w| out.u64(w));
        }
    }
    out.str(&r.key);
    out.u64(r.entry_len);
    out.len(r.hot.len());
}

/// The hot part of `parsed`: every field but what [`Parsed::cold`] leaves
/// in the cache entry, and without story links (each build links anew).
/// `None` for a digest not yet hashed for links. Every struct is taken
/// apart field by field, so a field added to the model or to [`Parsed`]
/// stops the build of tidings here until it is placed.
fn encode(parsed: &Parsed) -> Option<Vec<u8>> {
    let Parsed {
        path,
        digest,
        date,
        summary,
        item_summaries: _,
        draft,
        media,
        warnings,
        unlinked,
        story_hashes,
        cold: _,
    } = parsed;
    let (unlinked, story_hashes) = (unlinked.as_ref()?, story_hashes.as_ref()?);
    let Digest {
        schema,
        slug,
        date: digest_date,
        lastmod,
        title,
        description,
        image,
        tags,
        categories,
        intro_html: _,
        items,
        closing_html: _,
    } = digest;
    let mut out = Out(Vec::with_capacity(512 + items.len() * 96));
    out.u64(u64::from(*schema));
    out.str(slug);
    out.str(digest_date);
    out.opt(lastmod.as_deref());
    out.str(title);
    out.str(description);
    match image {
        None => out.0.push(0),
        Some(Image { src, alt }) => {
            out.0.push(1);
            out.opt(src.as_deref());
            out.str(alt);
        }
    }
    out.strs(tags);
    out.strs(categories);
    out.len(items.len());
    for item in items {
        let Item {
            id,
            title: _,
            title_html: _,
            title_translation: _,
            image: _,
            body_html: _,
            source,
            links: _,
            section,
            publisher: _,
            also_in: _,
        } = item;
        out.str(id);
        match source {
            None => out.0.push(0),
            Some(Source { url, domain }) => {
                out.0.push(1);
                out.str(url);
                out.str(domain);
            }
        }
        out.opt(section.as_deref());
    }
    out.str(&date.to_string());
    out.str(summary);
    out.0.push(u8::from(*draft));
    out.len(media.len());
    for (file, under) in media {
        out.str(file.to_str()?);
        out.str(under);
    }
    out.len(warnings.len());
    for Warning { location, message } in warnings {
        let Location {
            path: at,
            line,
            column,
        } = location;
        // Nearly every warning is about the digest's own file.
        let other = if at == path { None } else { Some(at.to_str()?) };
        out.opt(other);
        out.u64(*line as u64);
        out.u64(*column as u64);
        out.str(message);
    }
    out.u64(*unlinked);
    out.len(story_hashes.len());
    for hash in story_hashes {
        match hash {
            None => out.0.push(0),
            Some(h) => {
                out.0.push(1);
                out.u64(*h);
            }
        }
    }
    Some(out.0)
}

/// [`encode`] read back: the digest of the file at `path`, its bodies
/// left in the cache entry at `entry` (as a hot read of the entry leaves
/// them).
fn decode(hot: &[u8], path: &Path, entry: PathBuf) -> Option<Parsed> {
    let mut r = In(hot, 0);
    let schema = u32::try_from(r.u64()?).ok()?;
    let slug = r.string()?;
    let digest_date = r.string()?;
    let lastmod = r.opt()?;
    let title = r.string()?;
    let description = r.string()?;
    let image = match r.byte()? {
        0 => None,
        _ => Some(Image {
            src: r.opt()?,
            alt: r.string()?,
        }),
    };
    let tags = r.strings()?;
    let categories = r.strings()?;
    let n = r.len()?;
    let mut items = Vec::with_capacity(n.min(hot.len()));
    for _ in 0..n {
        let id = r.string()?;
        let source = match r.byte()? {
            0 => None,
            _ => Some(Source {
                url: r.string()?,
                domain: r.string()?,
            }),
        };
        items.push(Item {
            id,
            title: String::new(),
            title_html: String::new(),
            title_translation: None,
            image: None,
            body_html: String::new(),
            source,
            links: Vec::new(),
            section: r.opt()?,
            publisher: None,
            also_in: Vec::new(),
        });
    }
    let date = Date::parse_day(r.str()?)?;
    let summary = r.string()?;
    let draft = r.byte()? != 0;
    let media = (0..r.len()?)
        .map(|_| Some((PathBuf::from(r.str()?), r.string()?)))
        .collect::<Option<Vec<_>>>()?;
    let warnings = (0..r.len()?)
        .map(|_| {
            let at = r.opt()?.map_or_else(|| path.to_path_buf(), PathBuf::from);
            let (line, column) = (
                usize::try_from(r.u64()?).ok()?,
                usize::try_from(r.u64()?).ok()?,
            );
            Some(Warning {
                location: Location {
                    path: at,
                    line,
                    column,
                },
                message: r.string()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let unlinked = r.u64()?;
    let story_hashes = (0..r.len()?)
        .map(|_| match r.byte()? {
            0 => Some(None),
            _ => Some(Some(r.u64()?)),
        })
        .collect::<Option<Vec<_>>>()?;
    if !r.0.is_empty() {
        return None;
    }
    Some(Parsed {
        path: path.to_path_buf(),
        digest: Digest {
            schema,
            slug,
            date: digest_date,
            lastmod,
            title,
            description,
            image,
            tags,
            categories,
            intro_html: String::new(),
            items,
            closing_html: String::new(),
        },
        date,
        summary,
        item_summaries: Vec::new(),
        draft,
        media,
        warnings,
        unlinked: Some(unlinked),
        story_hashes: Some(story_hashes),
        cold: Some(entry),
    })
}

/// Writes numbers as LEB128 and strings as their length and bytes.
pub(crate) struct Out(pub(crate) Vec<u8>);

impl Out {
    pub(crate) fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    pub(crate) fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    /// `None` as 0, else the length plus one and the bytes.
    fn opt(&mut self, s: Option<&str>) {
        match s {
            None => self.u64(0),
            Some(s) => {
                self.len(s.len() + 1);
                self.0.extend_from_slice(s.as_bytes());
            }
        }
    }

    fn strs(&mut self, v: &[String]) {
        self.len(v.len());
        v.iter().for_each(|s| self.str(s));
    }
}

/// Reads what [`Out`] wrote: the bytes left, and where they start in
/// the whole (for [`In::span`]). `None` past the end or for text that is
/// not UTF-8.
pub(crate) struct In<'a>(pub(crate) &'a [u8], pub(crate) usize);

impl<'a> In<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        self.1 += n;
        Some(head)
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    pub(crate) fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    pub(crate) fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    fn opt(&mut self) -> Option<Option<String>> {
        match self.len()? {
            0 => Some(None),
            n => Some(Some(
                std::str::from_utf8(self.take(n - 1)?).ok()?.to_string(),
            )),
        }
    }

    fn strings(&mut self) -> Option<Vec<String>> {
        (0..self.len()?).map(|_| self.string()).collect()
    }

    /// The place of the next length-prefixed run of bytes, skipped.
    fn span(&mut self) -> Option<std::ops::Range<usize>> {
        let n = self.len()?;
        let start = self.1;
        self.take(n)?;
        Some(start..start + n)
    }
}
