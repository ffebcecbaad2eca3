//! What each folder of an output held when the last build left it, kept
//! in the cache folder (`keys/folders-<output>.keys`), so that pruning the
//! output (`output::Keep`) asks the file system for a folder's stamp
//! rather than for its listing. At 10,000 digests the output has some
//! 10,000 folders (one per digest page); pruning them took 0.13-0.17 s of
//! a rebuild after one edit listing each, 0.06-0.09 s asking for each
//! one's stamp (the rebuild's own timeline, three runs each).
//!
//! A folder's stamp ([`FileStamp`]: size, modification and change time,
//! inode) changes whenever an entry is made, removed or renamed in it, so
//! a folder whose stamp is the recorded one holds the recorded entries.
//! Only a stamp that was already old when it was taken is recorded (as
//! for content files, see `snapshot`): a folder the build itself wrote
//! into is listed again by the next. A folder the build removed anything
//! from is not recorded either (its stamp changed in doing so). Without a
//! cache folder, or with a record of another output or another version
//! of tidings, every folder is listed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::error::Result;
use crate::snapshot::{FileStamp, In, Out};

/// The first bytes of the file; bumped when its form changes.
const FORM: &[u8] = b"tidings output folders 1\n";

/// A folder's entries: each name, and whether it is a folder.
pub(crate) type Entries = Vec<(String, bool)>;

/// The last build's folders of one output, and this build's as it goes.
pub(crate) struct Folders {
    path: PathBuf,
    header: String,
    last: HashMap<String, ([u64; 5], Entries)>,
    began: SystemTime,
    now: Mutex<Vec<(String, [u64; 5], Entries)>>,
}

impl Folders {
    /// The record for the output `out` kept under the cache folder
    /// `cache` (empty when there is none, or another's), for a pruning
    /// that begins now.
    pub(crate) fn open(cache: &Path, out: &Path) -> Result<Folders> {
        let (path, header) = crate::cache::output_file(cache, out, "folders")?;
        let last = std::fs::read(&path)
            .ok()
            .and_then(|bytes| read(&bytes, &header))
            .unwrap_or_default();
        Ok(Folders {
            path,
            header,
            last,
            began: SystemTime::now(),
            now: Mutex::default(),
        })
    }

    /// The entries of the folder `rel` (under the output), stamped `now`,
    /// if it is as the last build recorded it.
    pub(crate) fn entries(&self, rel: &str, now: &FileStamp) -> Option<&Entries> {
        let (stamp, entries) = self.last.get(rel)?;
        (Some(*stamp) == now.words()).then_some(entries)
    }

    /// Records that the folder `rel`, stamped `stamp` before the pruning
    /// looked at it, holds `entries` and nothing else (no entry was
    /// removed from it); kept for the next build if the stamp is old
    /// enough to trust.
    pub(crate) fn holds(&self, rel: &str, stamp: &FileStamp, entries: Entries) {
        if let Some(words) = stamp.recorded(self.began) {
            crate::lock(&self.now).push((rel.to_string(), words, entries));
        }
    }

    /// Writes this build's record over the last one (aside, then renamed).
    pub(crate) fn save(self) -> Result<()> {
        let mut now = self.now.into_inner().unwrap_or_else(|e| e.into_inner());
        now.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut out = Out(Vec::with_capacity(64 * now.len() + 256));
        out.0.extend_from_slice(FORM);
        out.str(&self.header);
        out.len(now.len());
        for (rel, words, entries) in &now {
            out.str(rel);
            words.iter().for_each(|&w| out.u64(w));
            out.len(entries.len());
            for (name, is_dir) in entries {
                out.str(name);
                out.0.push(u8::from(*is_dir));
            }
        }
        crate::cache::write_entry(&self.path, &out.0)
    }
}

/// The folders recorded in `bytes` if written under `header`.
fn read(bytes: &[u8], header: &str) -> Option<HashMap<String, ([u64; 5], Entries)>> {
    let mut r = In(bytes.strip_prefix(FORM)?, FORM.len());
    if r.str()? != header {
        return None;
    }
    let n = r.len()?;
    let mut last = HashMap::with_capacity(n.min(1 << 20));
    for _ in 0..n {
        let rel = r.string()?;
        let stamp = [r.u64()?, r.u64()?, r.u64()?, r.u64()?, r.u64()?];
        let entries = (0..r.len()?)
            .map(|_| Some((r.string()?, r.byte()? != 0)))
            .collect::<Option<Entries>>()?;
        last.insert(rel, (stamp, entries));
    }
    r.0.is_empty().then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_recorded_when_old_reads_back_until_it_changes() {
        let base = std::env::temp_dir().join(format!("tidings-tree-{}", std::process::id()));
        let (cache, out) = (base.join("cache"), base.join("out"));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(out.join("d/a")).expect("mkdir");
        std::fs::write(out.join("d/a/index.html"), "a").expect("write");
        let stamp =
            |rel: &str| FileStamp::of(&std::fs::symlink_metadata(out.join(rel)).expect("stat"));
        let entries = vec![("index.html".to_string(), false)];

        // Just written: not trusted, so not recorded.
        let folders = Folders::open(&cache, &out).expect("open");
        folders.holds("d/a", &stamp("d/a"), entries.clone());
        folders.save().expect("save");
        let folders = Folders::open(&cache, &out).expect("open");
        assert_eq!(folders.entries("d/a", &stamp("d/a")), None);

        // Recorded by a build that began well after the folder's last
        // change: read back while the folder stays as it is.
        let mut folders = Folders::open(&cache, &out).expect("open");
        folders.began = SystemTime::now() + std::time::Duration::from_secs(3);
        folders.holds("d/a", &stamp("d/a"), entries.clone());
        folders.holds("d", &stamp("d"), vec![("a".to_string(), true)]);
        folders.save().expect("save");
        let folders = Folders::open(&cache, &out).expect("open");
        assert_eq!(folders.entries("d/a", &stamp("d/a")), Some(&entries));
        assert_eq!(
            folders.entries("d", &stamp("d")),
            Some(&vec![("a".to_string(), true)])
        );

        // A file added to the folder changes its stamp; another output's
        // record is not this one's.
        std::fs::write(out.join("d/a/stray.html"), "b").expect("write");
        assert_eq!(folders.entries("d/a", &stamp("d/a")), None);
        let other = Folders::open(&cache, &base).expect("open");
        assert_eq!(other.entries("d", &stamp("d")), None);
        let _ = std::fs::remove_dir_all(&base);
    }
}
