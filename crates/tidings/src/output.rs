//! Putting a build on disk without losing the previous one. Every file
//! the build makes (from both cores) is compared with the one at its path
//! in the output: the same bytes are left where they are; anything else
//! is written into a staging folder inside the output. Only when every
//! file is made are the staged ones moved into place, each by a rename
//! (a new folder, such as the new stamp folder of the data, in one
//! rename), the manifest last; then what the build no longer makes is
//! removed from the owned top-level entries (`tidings_model::layout::OWNED`).
//! The app's own files beside them are left alone. A failed build leaves
//! the previous output as it was (a rename refused while moving files
//! into place, once all are made, can leave part of them moved: that is
//! [`Error::Commit`], and the next build completes it), and a rebuild
//! after a few digests
//! changed writes, moves and removes only what changed: it no longer
//! makes and deletes a folder per page, which on ext4 cost more than
//! making the pages.
//!
//! The data's stamp folder is the previous one carried over when most
//! of its files stay: renamed to the new stamp at commit (a link by the
//! old name standing in until the new manifest is in place), with the
//! changed files moved over it. Otherwise a staged file the previous
//! build has elsewhere byte for byte (a data file in the old stamp
//! folder, or a file of `reuse`) is hard-linked from there instead of
//! written again. With a cache folder, the other staged
//! files are written over spare files (those the last build removed and
//! nothing else links to, see [`crate::spares`]) rather than made anew,
//! and a removed folder's files become spares in turn.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use tidings_model::layout;

use tidings_model::site::SiteInfo;

use crate::bundle::{
    bundle_planned, feed_tags, filter_index, manifest_outline, plan, BundleOptions,
};
use crate::cache::{FileKeys, Kept};
use crate::error::{Error, Result};
use crate::feeds;
use crate::load::Site;
use crate::lock;
use crate::pages::Shell;
use crate::snapshot::FileStamp;
use crate::spares::Spares;
use crate::tree::{Entries, Folders};

/// What a build wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub digests: usize,
    pub items: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files the same as in the previous build, linked rather than written.
    pub reused: usize,
    /// Time spent building the search index.
    pub index_time: std::time::Duration,
    /// The output's folders pruning looked at, and how many of them it
    /// listed (the others were as the last build left them).
    pub folders: (usize, usize),
    /// Terms of the search index encoded again, when the changes since
    /// the last build were spliced into its index (`None`: every term).
    pub index_fresh_terms: Option<usize>,
    /// Why the cache folder was not brought up to date, when a write to it
    /// that went on beside the build failed after the build was in place
    /// (the site is whole; the next build does more work).
    pub cache_warning: Option<String>,
}

/// The staging folder inside the output, named so no route can clash,
/// and the folder earlier versions moved the old output aside into (a
/// leftover of one is removed; neither is ever part of the site).
const STAGING: &str = ".tidings-staging";
const OLD: &str = ".tidings-old";

/// Writes the bundle, media and (given the app's `index.html` as `shell`)
/// one HTML page per route into `out`. Files that differ from `out`'s are
/// written to a staging folder inside `out` first and moved into place
/// only when all are made, so a failed build leaves the previous output as
/// it was. Files the same as in `reuse` (a site about to be replaced, as
/// Trunk replaces its output) are hard-linked from there.
pub fn write(
    site: &Site,
    out: &Path,
    shell: Option<&Shell>,
    options: &BundleOptions,
    reuse: Option<&Path>,
) -> Result<Written> {
    let info = tidings_model::site::SiteInfo {
        reload: options.reload,
        ..site.info()?
    };
    let options = options.for_site(&info, shell.is_some());
    fs::create_dir_all(out).map_err(|source| Error::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let (staging, old) = (out.join(STAGING), out.join(OLD));
    for leftover in [&staging, &old] {
        remove(leftover)?;
    }
    // Owned entries that are real folders or files are updated in place;
    // anything else there (a link, a folder where a file belongs) is
    // replaced whole.
    let present = (layout::OWNED.iter())
        .filter(|name| {
            fs::symlink_metadata(out.join(name)).is_ok_and(|m| m.is_dir() || m.is_file())
        })
        .map(|name| name.to_string())
        .collect();
    let mut stage = Stage {
        dir: staging.clone(),
        out: out.to_path_buf(),
        present,
        produced: Mutex::default(),
        staged: Mutex::default(),
        previous: [Some(out), reuse]
            .into_iter()
            .flatten()
            .map(|root| (root.to_path_buf(), data_stamp(root)))
            .collect(),
        data: OnceLock::new(),
        carry: OnceLock::new(),
        same: OnceLock::new(),
        made_dirs: Mutex::default(),
        spares: site.cache.as_deref().and_then(Spares::open),
        folders: (site.cache.as_deref())
            .map(|cache| Folders::open(cache, out))
            .transpose()?,
        files: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
        reused: AtomicUsize::new(0),
        folders_seen: AtomicUsize::new(0),
        folders_listed: AtomicUsize::new(0),
    };
    // With a cache folder, what each digest's pages and each shard were
    // made from, so those of unchanged digests are left as they are.
    let open = |kind| {
        (site.cache.as_deref())
            .map(|cache| FileKeys::open(cache, out, kind))
            .transpose()
    };
    // Both read at once (~0.8 and ~0.3 MB of text at 10,000 digests).
    let (pages, data) = rayon::join(
        || match shell {
            Some(_) => open(Kept::Pages),
            None => Ok(None),
        },
        || open(Kept::Data),
    );
    let keys = Keys {
        pages: pages?,
        data: data?,
    };
    match stage_all(site, shell, &info, &options, &stage, &keys) {
        Ok((index_time, index_fresh_terms, stamp)) => {
            stage.commit(shell.is_some()).map_err(|e| match e {
                Error::Write { path, source } | Error::Read { path, source } => {
                    Error::Commit { path, source }
                }
                other => other,
            })?;
            // Both files of keys at once (each written on one thread).
            let (pages, data) = rayon::join(
                || keys.pages.as_ref().map_or(Ok(()), |k| k.save("")),
                || {
                    (keys.data.as_ref())
                        .map_or(Ok(()), |k| k.save(&layout::under_stamp(&stamp, "")))
                },
            );
            pages?;
            data?;
            // Best effort: the build is in place; a leftover staging
            // folder is removed by the next build.
            let _ = remove(&staging);
            // What the output's folders now hold, for the next build's
            // pruning: written beside the rest, waited for below.
            if let Some(folders) = stage.folders.take() {
                site.background.spawn(move || folders.save());
            }
            let cache_warning = site.background.wait().err().map(|e| e.to_string());
            Ok(Written {
                digests: site.digests.len(),
                items: site.digests.iter().map(|d| d.digest.items.len()).sum(),
                files: stage.files.into_inner(),
                bytes: stage.bytes.into_inner(),
                reused: stage.reused.into_inner(),
                folders: (
                    stage.folders_seen.into_inner(),
                    stage.folders_listed.into_inner(),
                ),
                index_time,
                index_fresh_terms,
                cache_warning,
            })
        }
        Err(e) => {
            // Best effort: the error at hand is the one to report.
            let _ = remove(&staging);
            let _ = site.background.wait();
            Err(e)
        }
    }
}

/// The previous build's keys of the files a build may leave as they are.
struct Keys {
    pages: Option<FileKeys>,
    data: Option<FileKeys>,
}

/// Writes every file of the build into the stage; returns the time the
/// search index took, how many of its terms were encoded again (when
/// spliced into the last index) and the data's stamp. Route pages and feeds need only
/// the manifest's outline, so they are made and written while the data is
/// made.
fn stage_all(
    site: &Site,
    shell: Option<&Shell>,
    info: &SiteInfo,
    options: &BundleOptions,
    stage: &Stage,
    keys: &Keys,
) -> Result<(std::time::Duration, Option<usize>, String)> {
    let plan = plan(site, options);
    let policy = shell.and_then(|s| s.policy(info));
    let index = filter_index(site);
    let outline = manifest_outline(site, &plan, &index);
    let (bundle, pages) = rayon::join(
        || {
            bundle_planned(
                site,
                options,
                plan,
                outline.clone(),
                &index,
                keys.data.as_ref(),
            )
        },
        || -> Result<()> {
            let Some(shell) = shell else {
                return Ok(());
            };
            let put = |rel: String, html: String| stage.put(&rel, html.as_bytes());
            let unchanged = |rel: &str, key: u64| {
                let Some(keys) = &keys.pages else {
                    return false;
                };
                let kept =
                    (keys.unchanged(rel, key)).is_some_and(|(_, _, size)| stage.keep(rel, size));
                match kept {
                    true => keys.kept(rel, key),
                    false => keys.made(rel, key, 0),
                }
                kept
            };
            let policy = policy.as_deref();
            let feeds = plan.tag_feeds;
            let sink = crate::pages::Sink {
                put: &put,
                unchanged: &unchanged,
            };
            crate::pages::pages(site, (&outline, &index), shell, info, feeds, policy, &sink)?;
            let tags = if plan.tag_feeds {
                feed_tags(&outline.tags)
            } else {
                Vec::new()
            };
            let app = shell.names();
            for (rel, text) in feeds::files(site, &outline, info, &tags, (policy, app), &unchanged)?
            {
                stage.put(&rel, text.as_bytes())?;
            }
            Ok(())
        },
    );
    let mut bundle = bundle?;
    pages?;
    let keep_index = bundle.keep_index.take();
    let files = (bundle
        .files
        .iter()
        .map(|(rel, json)| (rel.as_str(), json.as_bytes())))
    .chain(
        bundle
            .search
            .iter()
            .map(|(rel, bytes)| (rel.as_str(), bytes.as_slice())),
    )
    .collect::<Vec<_>>();
    let kept = (bundle.kept.iter())
        .map(|(rel, shard)| (rel.as_str(), shard.from.as_path()))
        .collect::<Vec<_>>();
    stage.set_data(&bundle.manifest.stamp, &files, &kept);
    let media: Vec<(&PathBuf, &String)> = (site.digests.iter())
        .flat_map(|d| d.media.iter().map(|(from, rel)| (from, rel)))
        .collect();
    use rayon::prelude::*;
    let data = (bundle.files.par_iter()).map(|(rel, json)| stage.put(rel, json.as_bytes()));
    let search = (bundle.search.par_iter()).map(|(rel, bytes)| stage.put(rel, bytes));
    // A kept shard is in place when the stamp is the same, else linked
    // from the previous stamp folder (or made after all).
    let same_stamp = stage.previous.first().and_then(|(_, s)| s.as_deref())
        == Some(bundle.manifest.stamp.as_str());
    let kept = (bundle.kept.par_iter()).map(|(rel, shard)| {
        if (same_stamp && stage.keep(rel, shard.size)) || stage.link_from(rel, &shard.from) {
            return Ok(());
        }
        let json = crate::bundle::shard_json(site, bundle.plan.shard_count, shard.number)?;
        stage.put(rel, json.as_bytes())
    });
    // The last index goes to the cache folder beside the rest of the
    // build (waited for at its end).
    if let Some(keep_index) = keep_index {
        site.background.spawn(move || keep_index.write());
    }
    data.chain(search).chain(kept).collect::<Result<()>>()?;
    media.par_iter().try_for_each(|(from, rel)| {
        let bytes = fs::read(from).map_err(|source| Error::Read {
            path: from.to_path_buf(),
            source,
        })?;
        stage.put(rel, &bytes)
    })?;
    if let Some(shell) = shell {
        for (rel, text) in crate::offline::files(info, shell.names(), &bundle.manifest.stamp) {
            stage.put(&rel, text.as_bytes())?;
        }
    }
    Ok((
        bundle.index_time,
        bundle.index_fresh_terms,
        bundle.manifest.stamp,
    ))
}

/// The staging folder of a build, with the previous builds it may link
/// unchanged files from, and what was written.
struct Stage {
    dir: PathBuf,
    out: PathBuf,
    /// The owned entries of `out` updated in place.
    present: HashSet<String>,
    /// Every file of this build (paths under the site root).
    produced: Mutex<Vec<String>>,
    /// The files written or linked into the staging folder.
    staged: Mutex<Vec<String>>,
    /// Previous sites, each with the stamp of its data folder.
    previous: Vec<(PathBuf, Option<String>)>,
    /// `data/<stamp>/` of this build, once known.
    data: OnceLock<String>,
    /// The previous stamp folder of `out`, when this build's folder is to
    /// be that one renamed (see [`Stage::set_data`]).
    carry: OnceLock<Option<PathBuf>>,
    /// The files of this build's data folder that the output's previous
    /// stamp folder holds byte for byte, at the same place.
    same: OnceLock<HashSet<String>>,
    /// Folders of the staging folder made so far.
    made_dirs: Mutex<HashSet<PathBuf>>,
    /// With a cache folder, the files the last build removed, to write
    /// over rather than make new ones (see [`crate::spares`]).
    spares: Option<Spares>,
    /// With a cache folder, what the output's folders held when the last
    /// build left them (see [`crate::tree`]).
    folders: Option<Folders>,
    files: AtomicUsize,
    bytes: AtomicU64,
    reused: AtomicUsize,
    /// Folders of the output pruning looked at, and listed.
    folders_seen: AtomicUsize,
    folders_listed: AtomicUsize,
}

impl Stage {
    /// Puts `bytes` at `rel` (a path under the site root): left alone
    /// when `out` has them there already, else staged: linked from a
    /// previous build that has the same bytes, or written.
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        lock(&self.produced).push(rel.to_string());
        let top = rel.split('/').next().unwrap_or(rel);
        if self.present.contains(top) && same_file(&self.out.join(rel), bytes) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if self.carry().is_some() && self.same.get().is_some_and(|same| same.contains(rel)) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            self.make_dir(parent).map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        lock(&self.staged).push(rel.to_string());
        if self.link(rel, bytes, &path) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        match &self.spares {
            Some(spares) => spares.write(&path, bytes),
            None => fs::write(&path, bytes),
        }
        .map_err(|source| Error::Write { path, source })
    }

    /// Sets this build's data folder, `data/<stamp>/`, given its `files`
    /// (path, bytes) and its `kept` shards (path, where the previous build
    /// has it). Each is compared (on every core) with the file at its place
    /// in the output's previous stamp folder. When at most one changes
    /// for four that stay (one digest edited at 10,000 digests: 21 of
    /// ~7,900 change), this build's folder is the previous one carried
    /// over: renamed at commit, the changed files moved over it.
    /// Otherwise (an item added renumbers every later item, and with them
    /// much of the search index) it is a new folder with the files that
    /// stayed linked into it, as every build did before: moving a changed
    /// file over the old folder cost several times what linking one that
    /// stayed and removing an old one do (~4,200 files moved took ~0.2 s
    /// longer than a new folder).
    fn set_data(&self, stamp: &str, files: &[(&str, &[u8])], kept: &[(&str, &Path)]) {
        use rayon::prelude::*;
        let data = layout::under_stamp(stamp, "");
        let old = (self.previous.first())
            .filter(|(root, _)| *root == self.out)
            .and_then(|(_, old)| old.as_deref())
            .filter(|old| *old != stamp)
            .map(|old| self.out.join(layout::under_stamp(old, "")))
            .filter(|old| fs::symlink_metadata(old).is_ok_and(|m| m.is_dir()));
        let inner = |rel: &str| rel.strip_prefix(data.as_str()).map(str::to_string);
        let same: HashSet<String> = match &old {
            Some(old) => (files.par_iter())
                .filter_map(|(rel, bytes)| {
                    let inner = inner(rel)?;
                    same_file(&old.join(inner), bytes).then(|| rel.to_string())
                })
                .collect(),
            None => HashSet::new(),
        };
        let stays = |rel: &str, from: &Path| {
            (old.as_ref()).is_some_and(|old| inner(rel).is_some_and(|i| old.join(i) == from))
        };
        let ours = files
            .iter()
            .filter(|(rel, _)| rel.starts_with(&data))
            .count()
            + kept.len();
        let stay = same.len() + kept.iter().filter(|(rel, from)| stays(rel, from)).count();
        let carry = old.filter(|_| {
            (ours - stay) * 4 <= stay && fs::symlink_metadata(self.out.join(&data)).is_err()
        });
        let _ = self.carry.set(carry);
        let _ = self.same.set(same);
        let _ = self.data.set(data);
    }

    /// Where `rel`, a file of this build's data folder, is in the folder
    /// the build carries over (when it does).
    fn carried(&self, rel: &str) -> Option<PathBuf> {
        let inner = rel.strip_prefix(self.data.get()?.as_str())?;
        Some(self.carry()?.join(inner))
    }

    /// The output's previous stamp folder, when this build carries it
    /// over (see [`Stage::set_data`]).
    fn carry(&self) -> Option<&PathBuf> {
        self.carry.get().and_then(Option::as_ref)
    }

    /// Makes the staging folder `dir` and those above it, once: asking
    /// the file system for every file's folder (a refused `mkdir` and a
    /// `stat`, ~7,900 of each a rebuild at 10,000 digests) cost more
    /// than the ten or so folders a rebuild makes.
    fn make_dir(&self, dir: &Path) -> std::io::Result<()> {
        if lock(&self.made_dirs).contains(dir) {
            return Ok(());
        }
        fs::create_dir_all(dir)?;
        lock(&self.made_dirs).insert(dir.to_path_buf());
        Ok(())
    }

    /// Counts the file at `rel`, already in the output as this build
    /// would make it, as this build's (when its entry is updated in
    /// place); whether it does.
    fn keep(&self, rel: &str, size: u64) -> bool {
        let top = rel.split('/').next().unwrap_or(rel);
        if !self.present.contains(top) {
            return false;
        }
        self.reused_file(rel, size);
        true
    }

    /// Counts `rel`, of `size` bytes, as a file of this build it did not
    /// write.
    fn reused_file(&self, rel: &str, size: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(size, Ordering::Relaxed);
        self.reused.fetch_add(1, Ordering::Relaxed);
        lock(&self.produced).push(rel.to_string());
    }

    /// Stages `rel` as a hard link to `from` (a file of the output, as
    /// this build would make it); whether it did.
    fn link_from(&self, rel: &str, from: &Path) -> bool {
        if self.carried(rel).is_some_and(|carried| carried == from) {
            if let Ok(meta) = fs::symlink_metadata(from) {
                self.reused_file(rel, meta.len());
                return true;
            }
        }
        let path = self.dir.join(rel);
        let Ok(size) = fs::symlink_metadata(from).map(|m| m.len()) else {
            return false;
        };
        let linked = (path.parent()).is_some_and(|parent| self.make_dir(parent).is_ok())
            && fs::hard_link(from, &path).is_ok();
        if !linked {
            return false;
        }
        self.reused_file(rel, size);
        lock(&self.staged).push(rel.to_string());
        true
    }

    /// Moves the staged files into place, the manifest last (so it names
    /// a stamp folder that is there), then removes what this build did not
    /// make from the owned entries (without `pages`, the app's
    /// `index.html` is not the build's).
    fn commit(&self, pages: bool) -> Result<()> {
        let mut staged = std::mem::take(&mut *lock(&self.staged));
        staged.sort_unstable();
        // A carried-over data folder is renamed once every other file is
        // in place, its changed files moved over it, and the manifest
        // follows at once: the old manifest names a folder that is not
        // there for as short a time as can be (a link by the old name
        // covers it where links can be made).
        let data = self.data.get().map_or("", String::as_str);
        let carry = self.carry();
        let mut moving: Vec<String> = Vec::new();
        if carry.is_some() {
            let (inside, rest) = staged.into_iter().partition(|rel| rel.starts_with(data));
            (moving, staged) = (inside, rest);
        }
        if let Some(at) = staged.iter().position(|rel| rel == layout::MANIFEST) {
            let manifest = staged.remove(at);
            staged.push(manifest);
        }
        let mut carry = carry.map(|old| (old, moving));
        // A file inside a folder already moved whole went with it. Paths
        // under a folder are sorted together after it, but for the
        // manifest, moved to the end.
        let mut moved: HashSet<String> = HashSet::new();
        let mut last: Option<String> = None;
        for rel in &staged {
            if rel == layout::MANIFEST {
                if let Some((old, files)) = carry.take() {
                    self.carry_over(old, data, &files)?;
                }
            }
            let under = |dir: &str| rel.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
            let inside = last.as_deref().is_some_and(under)
                || (rel == layout::MANIFEST && moved.iter().any(|dir| under(dir)));
            if !inside {
                last = self.place(rel)?;
                moved.extend(last.clone());
            }
        }
        if let Some((old, files)) = carry.take() {
            self.carry_over(old, data, &files)?;
        }
        // The link by the old name, once the manifest names the new.
        if let Some(old) = self.carry() {
            if fs::symlink_metadata(old).is_ok_and(|m| m.file_type().is_symlink()) {
                let _ = fs::remove_file(old);
            }
        }
        let produced = std::mem::take(&mut *lock(&self.produced));
        let mut folders: HashSet<&str> = HashSet::new();
        for rel in &produced {
            let mut at = rel.as_str();
            while let Some((dir, _)) = at.rsplit_once('/') {
                if !folders.insert(dir) {
                    break;
                }
                at = dir;
            }
        }
        let produced: HashSet<&str> = produced.iter().map(String::as_str).collect();
        let keep = Keep {
            produced,
            folders,
            spares: self.spares.as_ref(),
            last: self.folders.as_ref(),
            seen: &self.folders_seen,
            listed: &self.folders_listed,
        };
        for name in layout::OWNED {
            if name == layout::FOLDER_PAGE && !pages {
                continue;
            }
            keep.prune(&self.out, name)?;
        }
        Ok(())
    }

    /// Renames the data folder `old` of the output to this build's,
    /// `data` (`data/<stamp>/`), leaving a link by the old name to the
    /// new where the system makes links (a page that read the old
    /// manifest still finds its files, mostly as they were, until the new
    /// manifest is in place); then moves this build's staged `files` of
    /// it into place, on every core.
    fn carry_over(&self, old: &Path, data: &str, files: &[String]) -> Result<()> {
        use rayon::prelude::*;
        let new = self.out.join(data.trim_end_matches('/'));
        let write = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        fs::rename(old, &new).map_err(write(&new))?;
        #[cfg(unix)]
        if let Some(name) = new.file_name() {
            let _ = std::os::unix::fs::symlink(name, old);
        }
        // Every folder first, so that each file is one rename of its own.
        let mut folders: Vec<PathBuf> = (files.iter())
            .filter_map(|rel| Some(self.out.join(rel).parent()?.to_path_buf()))
            .collect();
        folders.sort_unstable();
        folders.dedup();
        for folder in &folders {
            fs::create_dir_all(folder).map_err(write(folder))?;
        }
        files
            .par_iter()
            .try_for_each(|rel| self.place(rel).map(drop))
    }

    /// Moves the staged `rel` into place: the whole of its first folder
    /// that `out` lacks (returned), or the file itself over the old one.
    fn place(&self, rel: &str) -> Result<Option<String>> {
        let write = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let mut end = 0;
        loop {
            let next = rel[end..].find('/').map(|i| end + i);
            let here = &rel[..next.unwrap_or(rel.len())];
            let target = self.out.join(here);
            let meta = fs::symlink_metadata(&target);
            let folder = next.is_some();
            if folder && meta.as_ref().is_ok_and(|m| m.is_dir()) {
                end = next.unwrap_or(rel.len()) + 1;
                continue;
            }
            match meta {
                Ok(m) if m.is_dir() => remove(&target)?,
                // A file (or link) where a folder goes; a file is
                // replaced by the rename itself.
                Ok(_) if folder => fs::remove_file(&target).map_err(write(&target))?,
                // A file the rename replaces: a spare once it has.
                Ok(m) => {
                    if let Some(spares) = &self.spares {
                        spares.keep_replaced(&target, &m);
                    }
                }
                Err(_) => {}
            }
            fs::rename(self.dir.join(here), &target).map_err(write(&target))?;
            return Ok(folder.then(|| here.to_string()));
        }
    }

    /// Links a previous build's copy of `rel` to `to` when it holds
    /// exactly `bytes`; whether it did. Only regular files are taken, and
    /// this build's data files are looked for in the old stamp folder.
    fn link(&self, rel: &str, bytes: &[u8], to: &Path) -> bool {
        let inner = self
            .data
            .get()
            .and_then(|data| rel.strip_prefix(data.as_str()));
        self.previous.iter().any(|(root, stamp)| {
            let from = match (inner, stamp) {
                // The output's previous stamp folder was compared already.
                (Some(inner), Some(stamp)) if *root == self.out => {
                    let from = root.join(layout::under_stamp(stamp, inner));
                    let same = self.same.get().is_some_and(|same| same.contains(rel));
                    return same && fs::hard_link(&from, to).is_ok();
                }
                (Some(inner), Some(stamp)) => root.join(layout::under_stamp(stamp, inner)),
                (Some(_), None) => return false,
                // `out`'s own copy was compared in place.
                (None, _) if *root == self.out => return false,
                (None, _) => root.join(rel),
            };
            same_file(&from, bytes) && fs::hard_link(&from, to).is_ok()
        })
    }
}

/// The stamp the manifest of the site at `root` names, if it has one
/// that is a stamp (hex digits only, so never a path elsewhere).
fn data_stamp(root: &Path) -> Option<String> {
    let bytes = fs::read(root.join(layout::MANIFEST)).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let stamp = manifest.get("stamp")?.as_str()?;
    let hex = !stamp.is_empty() && stamp.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| stamp.to_string())
}

/// Whether `path` is a regular file holding exactly `bytes`.
fn same_file(path: &Path, bytes: &[u8]) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
}

/// What a build made: its files and the folders holding them (paths
/// under the site root).
struct Keep<'a> {
    produced: HashSet<&'a str>,
    folders: HashSet<&'a str>,
    /// Where the files of a removed folder go (the old stamp folder's,
    /// after each rebuild), if anywhere.
    spares: Option<&'a Spares>,
    /// What each folder held when the last build left it, if known; a
    /// folder as it was is not listed again.
    last: Option<&'a Folders>,
    /// Folders looked at, and listed.
    seen: &'a AtomicUsize,
    listed: &'a AtomicUsize,
}

impl Keep<'_> {
    /// Removes whatever at `rel` under `out` the build did not make.
    fn prune(&self, out: &Path, rel: &str) -> Result<()> {
        let path = out.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(meta) => self.prune_entry(out, rel, meta.is_dir()).map(drop),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::Write { path, source }),
        }
    }

    /// [`Keep::prune`] of an entry known to be a folder or not. Below the
    /// top, an entry's kind comes from its folder's listing: the walk
    /// over ~15,000 files at 10,000 digests asks for no file's metadata
    /// (that was a sixth of a watcher's rebuild after an edit). Whether
    /// the entry is the build's (else it was removed).
    fn prune_entry(&self, out: &Path, rel: &str, is_dir: bool) -> Result<bool> {
        use rayon::prelude::*;
        let path = out.join(rel);
        let err = |source| Error::Write {
            path: path.clone(),
            source,
        };
        if !is_dir {
            let ours = self.produced.contains(rel);
            if !ours {
                match fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(err(e)),
                    _ => {}
                }
            }
            return Ok(ours);
        }
        if !self.folders.contains(rel) {
            return remove_known(&path, true, self.spares).map(|()| false);
        }
        // The folder's stamp before its entries: anything made or
        // removed in it after this changes the stamp.
        let stamp = match self.last {
            Some(_) => Some(FileStamp::of(&fs::symlink_metadata(&path).map_err(err)?)),
            None => None,
        };
        let recorded = (self.last.zip(stamp.as_ref())).and_then(|(last, s)| last.entries(rel, s));
        self.seen.fetch_add(1, Ordering::Relaxed);
        self.listed
            .fetch_add(usize::from(recorded.is_none()), Ordering::Relaxed);
        let entries: std::borrow::Cow<Entries> = match recorded {
            Some(entries) => std::borrow::Cow::Borrowed(entries),
            None => std::borrow::Cow::Owned(
                fs::read_dir(&path)
                    .map_err(err)?
                    .map(|e| {
                        let e = e?;
                        let is_dir = e.file_type()?.is_dir();
                        Ok((e.file_name().to_string_lossy().into_owned(), is_dir))
                    })
                    .collect::<std::io::Result<_>>()
                    .map_err(err)?,
            ),
        };
        let kept: Vec<bool> = (entries.par_iter())
            .map(|(name, is_dir)| self.prune_entry(out, &format!("{rel}/{name}"), *is_dir))
            .collect::<Result<_>>()?;
        // Recorded only when none of its entries was removed (which
        // changed its stamp).
        if let (Some(last), Some(stamp), true) = (self.last, &stamp, kept.iter().all(|k| *k)) {
            last.holds(rel, stamp, entries.into_owned());
        }
        Ok(true)
    }
}

/// The app's files in `dir` (the shell's folder): every file under it but
/// the entries a build owns and its staging folders.
pub fn app_files(dir: &Path) -> Result<usize> {
    let err = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut count = 0;
    for entry in fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if layout::OWNED.contains(&name.as_ref()) || name == STAGING || name == OLD {
            continue;
        }
        count += files_under(&entry.path())?;
    }
    Ok(count)
}

/// The names of the app's files directly in `dir` (those the shell links
/// from the site root).
pub fn app_names(dir: &Path) -> Result<Vec<String>> {
    let err = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let owned = layout::OWNED.contains(&name.as_str()) || name == STAGING || name == OLD;
        if !owned && entry.file_type().map_err(err)?.is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Number of files at or under `path`.
fn files_under(path: &Path) -> Result<usize> {
    let err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    if !fs::symlink_metadata(path).map_err(err)?.is_dir() {
        return Ok(1);
    }
    let mut count = 0;
    for entry in fs::read_dir(path).map_err(err)? {
        count += files_under(&entry.map_err(err)?.path())?;
    }
    Ok(count)
}

/// Removes a folder tree, its subfolders in parallel.
fn remove(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) => remove_known(path, meta.is_dir(), None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// [`remove`] of an entry known to be a folder or not. Below it, each
/// entry's kind comes from its folder's listing: removing the previous
/// stamp folder (~4,600 files at 10,000 digests) asked for every file's
/// metadata, ~2% of the samples of a watched rebuild after an edit. With
/// `spares`, each file no other path links to is kept as a spare instead
/// while there is room (which takes its metadata, from the listing).
pub(crate) fn remove_known(path: &Path, is_dir: bool, spares: Option<&Spares>) -> Result<()> {
    use rayon::prelude::*;
    // What is gone already needs no removing.
    let err = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => Ok(()),
        _ => Err(Error::Write {
            path: path.to_path_buf(),
            source,
        }),
    };
    if !is_dir {
        return fs::remove_file(path).or_else(err);
    }
    let listed: std::io::Result<Vec<(PathBuf, bool, bool)>> =
        fs::read_dir(path).and_then(|entries| {
            entries
                .map(|e| {
                    let e = e?;
                    let kind = e.file_type()?;
                    let spare = spares.is_some() && kind.is_file() && Spares::sole(&e);
                    Ok((e.path(), kind.is_dir(), spare))
                })
                .collect()
        });
    let entries = match listed {
        Ok(entries) => entries,
        Err(e) => return err(e),
    };
    entries.par_iter().try_for_each(|(p, is_dir, spare)| {
        if *spare && spares.is_some_and(|s| s.keep(p)) {
            return Ok(());
        }
        remove_known(p, *is_dir, spares)
    })?;
    fs::remove_dir(path).or_else(err)
}
