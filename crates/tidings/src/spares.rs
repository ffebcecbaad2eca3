//! Spare files: the files of the previous build's stamp folder that no
//! other path links to, moved into the cache folder when that folder is
//! removed (and the pages a build replaces, linked there first), and
//! written over by the next build instead of new files.
//!
//! A watched rebuild makes a new stamp folder: unchanged data files are
//! hard links, changed ones new files, and the old folder is removed once
//! the manifest names the new one. After an item is added every search
//! file changes (~4,200 new files at 10,000 digests) and as many are
//! removed. On ext4 without a journal (this project's development and CI
//! machines) the kernel will not hand out an inode freed in the last
//! minute (six while its inode table block is unwritten: its
//! `recently_deleted`), and looks past every such one for each new file:
//! a file made right after thousands were removed cost ~1 ms here,
//! against ~0.17 ms to rename a file and write 9 kB over it. Anywhere
//! else a spare saves the allocation and the free of an inode.
//!
//! A spare is written over only when it is a regular file, not a link to
//! one, with one link (checked on the open file), so a file still linked
//! from a site is never touched; two builds sharing a cache folder take
//! spares by renaming them, which only one of the two can do. Anything
//! that fails falls back to a new file: spares only ever save time.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::lock;

/// The folder inside the cache folder.
const FOLDER: &str = "spare";

/// Spare files kept at most (about two stamp folders' worth at 10,000
/// digests); past this, removed files are deleted.
pub const MAX_SPARES: usize = 10_000;

/// The spare files of a cache folder.
pub struct Spares {
    dir: PathBuf,
    free: Mutex<Vec<PathBuf>>,
    /// Spares there are now, taken or not (so recycling stops at
    /// [`MAX_SPARES`]).
    count: AtomicUsize,
    /// Names of spares this process adds: its id and start, then a count.
    prefix: String,
    next: AtomicU64,
}

impl Spares {
    /// The spares kept in the cache folder `cache` (made if missing);
    /// `None` when the folder cannot be made or read.
    pub fn open(cache: &Path) -> Option<Spares> {
        let dir = cache.join(FOLDER);
        fs::create_dir_all(&dir).ok()?;
        let free: Vec<PathBuf> = (fs::read_dir(&dir).ok()?)
            .filter_map(|e| {
                let e = e.ok()?;
                e.file_type().ok()?.is_file().then(|| e.path())
            })
            .collect();
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Some(Spares {
            dir,
            count: AtomicUsize::new(free.len()),
            free: Mutex::new(free),
            prefix: format!("{}-{started}", std::process::id()),
            next: AtomicU64::new(0),
        })
    }

    /// Writes `bytes` as a file at `path`, where there is none: a spare
    /// moved there and written over when one is left, else a new file.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        loop {
            let Some(spare) = lock(&self.free).pop() else {
                break;
            };
            // Gone (another build took it) or on another file system.
            if fs::rename(&spare, path).is_err() {
                continue;
            }
            self.count.fetch_sub(1, Ordering::Relaxed);
            if write_over(path, bytes).is_ok_and(|written| written) {
                return Ok(());
            }
            // Linked elsewhere after all, or failed: only this name goes.
            let _ = fs::remove_file(path);
            break;
        }
        fs::write(path, bytes)
    }

    /// Whether the listed file `entry` could be kept as a spare: no other
    /// path links to it (asked of the entry, not by path).
    pub fn sole(entry: &fs::DirEntry) -> bool {
        entry.metadata().is_ok_and(|m| sole_link(&m))
    }

    /// Links the file at `path` (of metadata `meta`) among the spares,
    /// when no other path links to it: about to be replaced by a rename
    /// (a page the build made again), it is then a spare's alone. Should
    /// the rename fail, the spare has two links and is never written over.
    pub fn keep_replaced(&self, path: &Path, meta: &fs::Metadata) {
        if meta.is_file() && sole_link(meta) {
            self.add(|spare| fs::hard_link(path, spare));
        }
    }

    /// Moves the file at `path` among the spares, while there is room;
    /// whether it did (`output::remove_known` removes it otherwise).
    pub fn keep(&self, path: &Path) -> bool {
        self.add(|spare| fs::rename(path, spare))
    }

    /// Adds a spare, made at a new name by `make`, while there is room;
    /// whether it did.
    fn add(&self, make: impl FnOnce(&Path) -> std::io::Result<()>) -> bool {
        if self.count.fetch_add(1, Ordering::Relaxed) >= MAX_SPARES {
            self.count.fetch_sub(1, Ordering::Relaxed);
            return false;
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let spare = self.dir.join(format!("{}-{n}", self.prefix));
        if make(&spare).is_err() {
            self.count.fetch_sub(1, Ordering::Relaxed);
            return false;
        }
        lock(&self.free).push(spare);
        true
    }
}

/// Writes `bytes` over the file at `path` when it is a regular file (not
/// a link to one) with no other link; whether it did.
fn write_over(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let entry = fs::symlink_metadata(path)?;
    if !entry.is_file() {
        return Ok(false);
    }
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    // The file opened is the entry looked at, and only it links there.
    if !file
        .metadata()
        .is_ok_and(|m| same_file(&entry, &m) && sole_link(&m))
    {
        return Ok(false);
    }
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    Ok(true)
}

/// Whether `meta` is of a file no other path links to.
#[cfg(unix)]
fn sole_link(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 1
}

/// Whether `a` and `b` are of one file.
#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// Links cannot be counted here: no file is ever taken as a spare.
#[cfg(not(unix))]
fn sole_link(_: &fs::Metadata) -> bool {
    false
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("tidings-spares-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch folder");
        dir
    }

    #[cfg(unix)]
    #[test]
    fn removed_files_are_written_over_but_never_one_linked_elsewhere() {
        let root = scratch("links");
        let (cache, old, site) = (root.join("cache"), root.join("old"), root.join("site"));
        fs::create_dir_all(old.join("search")).expect("old folder");
        fs::create_dir_all(&site).expect("site folder");
        fs::write(old.join("search/a.bin"), b"old a, a longer file").expect("a");
        fs::write(old.join("b.json"), b"old b").expect("b");
        // c.json is linked from the site as well: never a spare.
        fs::write(old.join("c.json"), b"kept c").expect("c");
        fs::hard_link(old.join("c.json"), site.join("c.json")).expect("link");

        let spares = Spares::open(&cache).expect("spares");
        crate::output::remove_known(&old, true, Some(&spares)).expect("recycled");
        assert!(!old.exists());
        assert_eq!(fs::read(site.join("c.json")).expect("c"), b"kept c");
        let mut kept: Vec<Vec<u8>> = (fs::read_dir(cache.join(FOLDER)).expect("spare folder"))
            .map(|e| fs::read(e.expect("entry").path()).expect("spare"))
            .collect();
        kept.sort();
        assert_eq!(kept, [b"old a, a longer file".to_vec(), b"old b".to_vec()]);

        // A later build takes them, shorter or longer, then makes new
        // files; the cache folder's spares are used up.
        let later = Spares::open(&cache).expect("spares again");
        for (name, bytes) in [
            ("x", &b"new x"[..]),
            ("y", b"new y, longer than any"),
            ("z", b"z"),
        ] {
            later.write(&site.join(name), bytes).expect("written");
            assert_eq!(fs::read(site.join(name)).expect("read back"), bytes);
        }
        assert_eq!(fs::read_dir(cache.join(FOLDER)).expect("spares").count(), 0);

        // A spare that gained a link since is left as it is.
        fs::write(site.join("d.json"), b"linked d").expect("d");
        fs::hard_link(site.join("d.json"), cache.join(FOLDER).join("d")).expect("link d");
        let third = Spares::open(&cache).expect("third");
        third.write(&site.join("e.json"), b"new e").expect("e");
        assert_eq!(fs::read(site.join("d.json")).expect("d"), b"linked d");
        assert_eq!(fs::read(site.join("e.json")).expect("e"), b"new e");

        // Nor is a link put among the spares followed to its file.
        fs::write(site.join("f.json"), b"target f").expect("f");
        std::os::unix::fs::symlink(site.join("f.json"), cache.join(FOLDER).join("f"))
            .expect("symlink");
        let fourth = Spares::open(&cache).expect("fourth");
        lock(&fourth.free).push(cache.join(FOLDER).join("f"));
        fourth.write(&site.join("g.json"), b"new g").expect("g");
        assert_eq!(fs::read(site.join("f.json")).expect("f"), b"target f");
        assert_eq!(fs::read(site.join("g.json")).expect("g"), b"new g");
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn spares_stop_at_the_limit() {
        let root = scratch("limit");
        let old = root.join("old");
        fs::create_dir_all(&old).expect("old");
        for n in 0..3 {
            fs::write(old.join(format!("{n}")), b"x").expect("file");
        }
        let spares = Spares::open(&root.join("cache")).expect("spares");
        spares.count.store(MAX_SPARES - 1, Ordering::Relaxed);
        crate::output::remove_known(&old, true, Some(&spares)).expect("recycled");
        assert!(!old.exists());
        assert_eq!(
            fs::read_dir(root.join("cache").join(FOLDER))
                .expect("spares")
                .count(),
            1
        );
        let _ = fs::remove_dir_all(&root);
    }
}
