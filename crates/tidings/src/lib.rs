//! The build step of tidings: a folder of Markdown digests to the JSON
//! bundle the app reads, plus one static HTML page per route so deep links
//! open on any static file server.
//!
//! The modules follow the data: [`config`] reads `tidings.toml` (and a
//! Hugo site's configuration); [`load`]
//! walks the content folder and parses every file ([`digest`] for one file,
//! with [`frontmatter`] and [`extract`]), or takes it from the [`cache`]
//! and the last build's record of every file (`snapshot`), and [`stories`]
//! links one story
//! across days; [`bundle`] lays the site out as
//! data files; [`pages`] makes the route pages and [`feeds`] the feeds,
//! sitemap and host files; [`output`] stages and swaps
//! them into the output folder, writing over [`spares`] of the last
//! build where it can and listing only the folders that changed since
//! it (`tree`); [`wake`] tells `build --watch` when to
//! look again; [`list`] prints items; [`explain`] and
//! [`outline`] say how a file's items were found. Paths, URLs, facets
//! and dates belong to `tidings_model`, never to this crate.

pub mod bundle;
pub mod cache;
pub mod config;
pub mod digest;
pub mod error;
pub mod explain;
pub mod extract;
pub mod feeds;
pub mod frontmatter;
pub mod glue;
pub mod list;
pub mod load;
pub mod offline;
pub mod outline;
pub mod output;
pub mod pages;
pub mod plain_html;
pub mod searchbench;
mod snapshot;
pub mod spares;
pub mod stories;
pub mod synth;
mod tree;
pub mod wake;

pub use bundle::{BundleOptions, ItemPages};
pub use error::{ContentError, ContentErrorKind, Error, Result, Warning};
pub use load::{load, load_with, LoadOptions, Memo, Site};
pub use output::write;
pub use wake::Wake;

/// `m` locked, whether or not a thread panicked while holding it (what it
/// guards stays usable: lists of paths and kept digests).
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
