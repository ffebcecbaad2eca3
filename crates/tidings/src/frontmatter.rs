//! Splitting a digest file into front matter and body, and reading the
//! front matter.

use std::path::Path;

use serde::Deserialize;

use crate::date::{self, Date};
use crate::error::{ContentError, ContentErrorKind};

/// A digest file split at its front matter fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the fences.
    pub front: &'a str,
    /// 1-based line of the first front matter line.
    pub front_line: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "+++"
}

/// Splits `text` (LF line endings, no BOM) at its `+++` fences.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, ContentError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(ContentError::new(
            path,
            1,
            1,
            ContentErrorKind::NoFrontMatter,
        ));
    }
    let front_start = (first_end + 1).min(text.len());
    let mut offset = front_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end]) {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                front: &text[front_start..offset],
                front_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(ContentError::new(
        path,
        1,
        1,
        ContentErrorKind::UnterminatedFrontMatter,
    ))
}

/// Front matter fields tidings reads; unknown fields are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Raw {
    title: Option<String>,
    slug: Option<String>,
    date: Option<toml::Value>,
    lastmod: Option<toml::Value>,
    description: Option<String>,
    summary: Option<String>,
    image: Option<String>,
    tags: Vec<String>,
    categories: Vec<String>,
    draft: bool,
}

/// Front matter, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: String,
    pub slug: Option<String>,
    pub date: Option<Date>,
    pub lastmod: Option<Date>,
    pub description: String,
    pub image: Option<String>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    pub draft: bool,
}

/// Parses the TOML front matter of `split`, reporting every problem found.
pub fn parse(path: &Path, split: &Split<'_>) -> Result<FrontMatter, Vec<ContentError>> {
    let raw: Raw = toml::from_str(split.front).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((0, 0), |span| line_col(split.front, span.start));
        let message = e.message().trim().to_string();
        vec![ContentError::new(
            path,
            split.front_line + line,
            column + 1,
            ContentErrorKind::Toml(message),
        )]
    })?;
    let mut errors = Vec::new();
    let mut date_field = |field: &'static str, value: Option<toml::Value>| -> Option<Date> {
        let value = value?;
        let text = match &value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(_) => "[…]".to_string(),
            toml::Value::Table(_) => "{…}".to_string(),
        };
        let parsed = date::parse(&text);
        if parsed.is_none() {
            let (line, column) = key_position(split.front, field);
            errors.push(ContentError::new(
                path,
                split.front_line + line,
                column + 1,
                ContentErrorKind::InvalidDate { field, value: text },
            ));
        }
        parsed
    };
    let date = date_field("date", raw.date);
    let lastmod = date_field("lastmod", raw.lastmod);
    let title = raw.title.map(|t| t.trim().to_string()).unwrap_or_default();
    if title.is_empty() {
        let (line, column) = key_position(split.front, "title");
        errors.push(ContentError::new(
            path,
            split.front_line + line,
            column + 1,
            ContentErrorKind::MissingTitle,
        ));
    }
    if let Some(slug) = &raw.slug {
        if !valid_slug(slug) {
            let (line, column) = key_position(split.front, "slug");
            errors.push(ContentError::new(
                path,
                split.front_line + line,
                column + 1,
                ContentErrorKind::InvalidSlug(slug.clone()),
            ));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.location.line, e.location.column));
        return Err(errors);
    }
    let description = raw
        .description
        .filter(|d| !d.trim().is_empty())
        .or(raw.summary)
        .unwrap_or_default()
        .trim()
        .to_string();
    Ok(FrontMatter {
        title,
        slug: raw.slug,
        date,
        lastmod,
        description,
        image: raw.image.filter(|i| !i.trim().is_empty()),
        tags: dedup_terms(raw.tags),
        categories: dedup_terms(raw.categories),
        draft: raw.draft,
    })
}

/// A slug becomes one URL path segment and one folder name.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.chars().all(|c| c == '.')
        && slug
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn dedup_terms(terms: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(terms.len());
    for t in terms {
        let t = t.trim().to_string();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// 0-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count())
}

/// 0-based line and column of the value of top-level `key` in TOML `front`,
/// or of the end of the front matter when the key is absent.
pub fn key_position(front: &str, key: &str) -> (usize, usize) {
    for (n, line) in front.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if let Some(after_eq) = rest.trim_start().strip_prefix('=') {
                let value = after_eq.trim_start();
                let col = line.len() - value.len();
                return (n, line[..col].chars().count());
            }
        }
    }
    (front.lines().count(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "content/posts/x.md";

    fn parse_str(text: &str) -> Result<FrontMatter, Vec<String>> {
        let s = split(Path::new(P), text).map_err(|e| vec![e.to_string()])?;
        parse(Path::new(P), &s).map_err(|v| v.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn split_finds_fences_with_trailing_spaces() {
        let text = "+++  \ntitle = \"t\"\n+++ \n\nbody\n";
        let s = split(Path::new(P), text).expect("splits");
        assert_eq!(s.front, "title = \"t\"\n");
        assert_eq!(s.body, "\nbody\n");
        assert_eq!((s.front_line, s.body_line), (2, 4));
    }

    #[test]
    fn unterminated_front_matter_is_an_error() {
        let e = split(Path::new(P), "+++\ntitle = \"t\"\n").expect_err("unterminated");
        assert_eq!(
            e.to_string(),
            "content/posts/x.md:1:1: front matter opened with `+++` is never closed: expected a closing `+++` line"
        );
    }

    #[test]
    fn reads_the_seed_fields() {
        let fm = parse_str(
            "+++\nslug = \"ai20240526\"\ndate = \"2024-05-26\"\nlastmod = 2024-05-27\ntitle = \"T\"\n\
             description = \"\"\nimage = \"a.jpg\"\ntags = [ \"AI\", \"AI\", \" 人工智能 \" ]\n\
             categories = [ \"AI资讯\" ]\nunknown = 3\n+++\n",
        )
        .expect("valid");
        assert_eq!(fm.slug.as_deref(), Some("ai20240526"));
        assert_eq!(
            fm.date.map(|d| d.to_string()).as_deref(),
            Some("2024-05-26")
        );
        assert_eq!(
            fm.lastmod.map(|d| d.to_string()).as_deref(),
            Some("2024-05-27")
        );
        assert_eq!(fm.tags, ["AI", "人工智能"]);
        assert_eq!(fm.categories, ["AI资讯"]);
        assert_eq!(fm.description, "");
        assert!(!fm.draft);
    }

    #[test]
    fn bad_date_names_line_and_column_of_the_value() {
        let e =
            parse_str("+++\ntitle = \"T\"\ndate =  \"2024-13-40\"\n+++\n").expect_err("bad date");
        assert_eq!(
            e,
            ["content/posts/x.md:3:9: invalid date \"2024-13-40\": expected YYYY-MM-DD or RFC 3339"]
        );
    }

    #[test]
    fn toml_syntax_errors_point_into_the_file() {
        let e = parse_str("+++\ntitle = \"T\"\ntags = [\"a\",\n+++\n").expect_err("bad toml");
        assert_eq!(
            e,
            ["content/posts/x.md:3:13: invalid TOML front matter: unclosed array, expected `]`"]
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let e = parse_str("+++\ndate = \"soon\"\nslug = \"a/b\"\n+++\n").expect_err("bad");
        assert_eq!(
            e,
            [
                "content/posts/x.md:2:8: invalid date \"soon\": expected YYYY-MM-DD or RFC 3339",
                "content/posts/x.md:3:8: invalid slug \"a/b\": expected letters, digits, `-`, `_` or `.`, and not only dots",
                "content/posts/x.md:4:1: no title: expected `title` in the front matter",
            ]
        );
    }

    #[test]
    fn slugs_are_single_path_segments() {
        assert!(valid_slug("ai20240526"));
        assert!(valid_slug("2024-05-26.daily"));
        assert!(!valid_slug(".."));
        assert!(!valid_slug("a b"));
        assert!(!valid_slug("a/b"));
        assert!(!valid_slug(""));
    }
}
