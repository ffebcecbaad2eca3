//! Errors of the build step. Every problem with a content file names the
//! file, the line and the column, says what is wrong and what was expected.

use std::path::{Path, PathBuf};

/// Where in a content file a problem is (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(path: &Path, line: usize, column: usize) -> Self {
        Location {
            path: path.to_path_buf(),
            line,
            column,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// What is wrong with a content file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentErrorKind {
    #[error("file is empty: expected front matter between `+++` lines, then the digest")]
    Empty,
    #[error("file is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("file looks binary (it contains a NUL byte)")]
    Binary,
    #[error("file is {size} bytes, more than the {limit}-byte limit for one digest")]
    TooLarge { size: u64, limit: u64 },
    #[error("no front matter: expected the file to start with a `+++` (TOML), `---` (YAML) or `{{` (JSON) line")]
    NoFrontMatter,
    #[error(
        "front matter opened with `{open}` is never closed: expected a closing `{close}` line"
    )]
    UnterminatedFrontMatter {
        open: &'static str,
        close: &'static str,
    },
    #[error("invalid TOML front matter: {0}")]
    Toml(String),
    #[error("invalid YAML front matter: {0}")]
    Yaml(String),
    #[error("invalid JSON front matter: {0}")]
    Json(String),
    #[error("front matter is not a set of fields: expected `key: value` lines")]
    NotAMapping,
    #[error("invalid `{field}`: expected {expected}")]
    FieldType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("story {index} in `stories` has no title: expected `title` in each story")]
    StoryWithoutTitle { index: usize },
    #[error("invalid {field} {value:?}: expected YYYY-MM-DD or RFC 3339")]
    InvalidDate { field: &'static str, value: String },
    #[error("no date: expected `date` in the front matter or a date in the file name")]
    MissingDate,
    #[error("invalid slug {0:?}: expected letters, digits, `-`, `_` or `.`, and not only dots")]
    InvalidSlug(String),
    #[error("invalid site settings: {0}")]
    Config(String),
    #[error("slug {slug:?} is also used by {other}")]
    DuplicateSlug { slug: String, other: PathBuf },
}

/// A problem with one content file, at a place in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct ContentError {
    pub location: Location,
    pub kind: ContentErrorKind,
}

impl ContentError {
    pub fn new(path: &Path, line: usize, column: usize, kind: ContentErrorKind) -> Self {
        ContentError {
            location: Location::new(path, line, column),
            kind,
        }
    }
}

/// Something worth telling that does not stop the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more content files are invalid. Shown as one line per
    /// problem, then how many there are.
    #[error("{}", render_content_errors(.0))]
    Content(Vec<ContentError>),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("content folder {} does not exist", .0.display())]
    NoContent(PathBuf),
    #[error("page template {} has no <title> element", .0.display())]
    BadShell(PathBuf),
    #[error("invalid base_url {0:?}: expected an absolute http(s) URL such as https://example.org/news/")]
    BaseUrl(String),
    #[error("cannot serialise {path}: {message}")]
    Serialize { path: String, message: String },
    /// Every file of a build was made, but moving them into place failed
    /// part way: the output is partly this build's. Building again
    /// completes it.
    #[error("cannot move {} into place: {source}; the output is partly this build's, partly the previous one's: build again to complete it", path.display())]
    Commit {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn render_content_errors(errors: &[ContentError]) -> String {
    let mut s = String::new();
    for e in errors {
        s.push_str(&e.to_string());
        s.push('\n');
    }
    let n = errors.len();
    s.push_str(&format!(
        "{n} problem{} in the content",
        if n == 1 { "" } else { "s" }
    ));
    s
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
