//! Putting a build on disk without losing the previous one: every file is
//! written into a staging folder inside the output (from both cores), then
//! the owned top-level entries (`tidings_model::layout::OWNED`) are swapped
//! into place; the app's own files beside them are left alone. A failed
//! build leaves the previous output as it was.
//!
//! A file the previous build already has, byte for byte, is hard-linked
//! from it into the staging folder instead of written again: a rebuild
//! after a few digests changed writes only what changed (the data files
//! of the old stamp folder stand in for the new one's).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;

use tidings_model::layout;

use tidings_model::site::SiteInfo;

use crate::bundle::{bundle_planned, feed_tags, manifest_outline, plan, BundleOptions};
use crate::error::{Error, Result};
use crate::feeds;
use crate::load::Site;
use crate::pages::Shell;

/// What a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub digests: usize,
    pub items: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files the same as in the previous build, linked rather than written.
    pub reused: usize,
    /// Time spent building the search index.
    pub index_time: std::time::Duration,
}

/// Staging folders inside the output, named so no route can clash.
const STAGING: &str = ".tidings-staging";
const OLD: &str = ".tidings-old";

/// Writes the bundle, media and (given the app's `index.html` as `shell`)
/// one HTML page per route into `out`. Everything is written to a staging
/// folder inside `out` first and moved into place only when complete, so a
/// failed build leaves the previous output as it was. Files the same as
/// the previous build's in `out`, or in `reuse` (a site about to be
/// replaced, as Trunk replaces its output), are hard-linked from there.
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
    let stage = Stage {
        dir: staging.clone(),
        previous: [Some(out), reuse]
            .into_iter()
            .flatten()
            .map(|root| (root.to_path_buf(), data_stamp(root)))
            .collect(),
        data: OnceLock::new(),
        files: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
        reused: AtomicUsize::new(0),
    };
    match stage_all(site, shell, &info, &options, &stage) {
        Ok(index_time) => {
            swap(out, &staging, &old, shell.is_some())?;
            Ok(Written {
                digests: site.digests.len(),
                items: site.digests.iter().map(|d| d.digest.items.len()).sum(),
                files: stage.files.into_inner(),
                bytes: stage.bytes.into_inner(),
                reused: stage.reused.into_inner(),
                index_time,
            })
        }
        Err(e) => {
            // Best effort: the error at hand is the one to report.
            let _ = remove(&staging);
            Err(e)
        }
    }
}

/// Writes every file of the build into the stage; returns the time the
/// search index took. Route pages and feeds need only the manifest's
/// outline, so they are made and written while the data is made.
fn stage_all(
    site: &Site,
    shell: Option<&Shell>,
    info: &SiteInfo,
    options: &BundleOptions,
    stage: &Stage,
) -> Result<std::time::Duration> {
    let plan = plan(site, options);
    let outline = manifest_outline(site, &plan);
    let policy = shell.and_then(|s| s.policy(info));
    let (bundle, pages) = rayon::join(
        || bundle_planned(site, options, plan, outline.clone()),
        || -> Result<()> {
            let Some(shell) = shell else {
                return Ok(());
            };
            let put = |rel: String, html: String| stage.put(&rel, html.as_bytes());
            let policy = policy.as_deref();
            crate::pages::pages(site, &outline, shell, info, plan.tag_feeds, policy, &put)?;
            let tags = if plan.tag_feeds {
                feed_tags(&outline.tags)
            } else {
                Vec::new()
            };
            for (rel, text) in feeds::files(site, &outline, info, &tags, policy) {
                stage.put(&rel, text.as_bytes())?;
            }
            Ok(())
        },
    );
    let bundle = bundle?;
    pages?;
    let _ = stage
        .data
        .set(layout::under_stamp(&bundle.manifest.stamp, ""));
    let media: Vec<(&PathBuf, &String)> = (site.digests.iter())
        .flat_map(|d| d.media.iter().map(|(from, rel)| (from, rel)))
        .collect();
    use rayon::prelude::*;
    let data = (bundle.files.par_iter()).map(|(rel, json)| stage.put(rel, json.as_bytes()));
    let search = (bundle.search.par_iter()).map(|(rel, bytes)| stage.put(rel, bytes));
    data.chain(search).collect::<Result<()>>()?;
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
    Ok(bundle.index_time)
}

/// The staging folder of a build, with the previous builds it may link
/// unchanged files from, and what was written.
struct Stage {
    dir: PathBuf,
    /// Previous sites, each with the stamp of its data folder.
    previous: Vec<(PathBuf, Option<String>)>,
    /// `data/<stamp>/` of this build, once known.
    data: OnceLock<String>,
    files: AtomicUsize,
    bytes: AtomicU64,
    reused: AtomicUsize,
}

impl Stage {
    /// Puts `bytes` at `rel` (a path under the site root): linked from a
    /// previous build that has the same bytes there, else written.
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if self.link(rel, bytes, &path) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        fs::write(&path, bytes).map_err(|source| Error::Write { path, source })
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
                (Some(inner), Some(stamp)) => root.join(layout::under_stamp(stamp, inner)),
                (Some(_), None) => return false,
                (None, _) => root.join(rel),
            };
            let same = fs::symlink_metadata(&from)
                .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
                && fs::read(&from).is_ok_and(|old| old == bytes);
            same && fs::hard_link(&from, to).is_ok()
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

/// Moves the owned entries of `out` aside into `old`, the fresh ones from
/// `staging` into place, then removes both folders. Without pages the
/// app's `index.html` stays.
fn swap(out: &Path, staging: &Path, old: &Path, pages: bool) -> Result<()> {
    fs::create_dir_all(old).map_err(|source| Error::Write {
        path: old.to_path_buf(),
        source,
    })?;
    for name in layout::OWNED {
        if name == layout::FOLDER_PAGE && !pages {
            continue;
        }
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
    remove(old)?;
    remove(staging)
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
