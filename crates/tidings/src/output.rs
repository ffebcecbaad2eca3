//! Putting a build on disk without losing the previous one: every file is
//! written into a staging folder inside the output (from both cores), then
//! the owned top-level entries (`tidings_model::layout::OWNED`) are swapped
//! into place; the app's own files beside them are left alone. A failed
//! build leaves the previous output as it was.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

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
    /// Time spent building the search index.
    pub index_time: std::time::Duration,
}

/// Staging folders inside the output, named so no route can clash.
const STAGING: &str = ".tidings-staging";
const OLD: &str = ".tidings-old";

/// A file to write: path under the site root, and its bytes.
type OutFile<'a> = (String, Cow<'a, [u8]>);

/// Writes the bundle, media and (given the app's `index.html` as `shell`)
/// one HTML page per route into `out`. Everything is written to a staging
/// folder inside `out` first and moved into place only when complete, so a
/// failed build leaves the previous output as it was.
pub fn write(
    site: &Site,
    out: &Path,
    shell: Option<&Shell>,
    options: &BundleOptions,
) -> Result<Written> {
    let info = site.info()?;
    let options = options.for_site(&info, shell.is_some());
    let plan = plan(site, &options);
    let outline = manifest_outline(site, &plan);
    // Route pages and feeds need only the manifest's outline: they are
    // written on one core while the other starts on the data.
    let policy = shell.and_then(|s| s.policy(&info));
    let (bundle, pages) = rayon::join(
        || bundle_planned(site, &options, plan, outline.clone()),
        || match shell {
            Some(shell) => site_pages(
                site,
                &outline,
                plan.tag_feeds,
                shell,
                &info,
                policy.as_deref(),
            ),
            None => Vec::new(),
        },
    );
    let bundle = bundle?;
    let files = files_to_write(site, &bundle, shell, &info, pages)?;
    fs::create_dir_all(out).map_err(|source| Error::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let (staging, old) = (out.join(STAGING), out.join(OLD));
    for leftover in [&staging, &old] {
        remove(leftover)?;
    }
    write_all(&staging, &files)?;
    swap(out, &staging, &old, shell.is_some())?;
    Ok(Written {
        digests: site.digests.len(),
        items: site.digests.iter().map(|d| d.digest.items.len()).sum(),
        files: files.len(),
        bytes: files.iter().map(|(_, b)| b.len() as u64).sum(),
        index_time: bundle.index_time,
    })
}

/// The files of a build: data, media and (with a shell) the `pages` and
/// the service worker's files.
fn files_to_write<'a>(
    site: &Site,
    bundle: &'a crate::bundle::Bundle,
    shell: Option<&Shell>,
    info: &SiteInfo,
    pages: Vec<(String, String)>,
) -> Result<Vec<OutFile<'a>>> {
    let mut files: Vec<OutFile<'a>> = Vec::new();
    for (rel, json) in &bundle.files {
        files.push((rel.clone(), json.as_bytes().into()));
    }
    for (rel, bytes) in &bundle.search {
        files.push((rel.clone(), bytes.as_slice().into()));
    }
    for parsed in &site.digests {
        for (from, rel) in &parsed.media {
            let bytes = fs::read(from).map_err(|source| Error::Read {
                path: from.clone(),
                source,
            })?;
            files.push((rel.clone(), bytes.into()));
        }
    }
    for (rel, text) in pages {
        files.push((rel, text.into_bytes().into()));
    }
    if let Some(shell) = shell {
        for (rel, text) in crate::offline::files(info, shell.names(), &bundle.manifest.stamp) {
            files.push((rel, text.into_bytes().into()));
        }
    }
    Ok(files)
}

/// One HTML page per route and the feeds, from the manifest's `outline`
/// (see [`manifest_outline`]).
fn site_pages(
    site: &Site,
    outline: &tidings_model::Manifest,
    tag_feeds: bool,
    shell: &Shell,
    info: &SiteInfo,
    policy: Option<&str>,
) -> Vec<(String, String)> {
    let mut files = crate::pages::pages(site, outline, shell, info, tag_feeds, policy);
    let tags = if tag_feeds {
        feed_tags(&outline.tags)
    } else {
        Vec::new()
    };
    files.extend(feeds::files(site, outline, info, &tags, policy));
    files
}

/// Writes every file under `staging`, from every core.
fn write_all(staging: &Path, files: &[OutFile<'_>]) -> Result<()> {
    use rayon::prelude::*;
    files.par_iter().try_for_each(|(rel, bytes)| -> Result<()> {
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
    })
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
