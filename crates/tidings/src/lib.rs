//! The build step of tidings: a folder of Markdown digests to the JSON
//! bundle the app reads, plus one static HTML page per route so deep links
//! open on any static file server.

pub mod date;
pub mod digest;
pub mod error;
pub mod extract;
pub mod frontmatter;
pub mod site;
pub mod synth;

pub use error::{ContentError, ContentErrorKind, Error, Result, Warning};
pub use site::{load, write, BundleOptions, ItemPages, LoadOptions, Site};
