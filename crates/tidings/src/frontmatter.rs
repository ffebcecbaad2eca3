//! Splitting a digest file into front matter and body, and reading the
//! front matter: TOML between `+++` lines, YAML between `---` lines, or a
//! JSON object at the top of the file, as Hugo reads them.

use std::path::Path;

use serde_json::{Map, Value};

use crate::config::{FieldNames, FILENAME};
use crate::error::{ContentError, ContentErrorKind};
use tidings_model::date::Date;

/// The front matter's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    Json,
}

/// A digest file split at its front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    /// The front matter text (for JSON, the whole object with its braces).
    pub front: &'a str,
    /// 1-based line of the first front matter line.
    pub front_line: usize,
    /// Everything after the front matter.
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Splits `text` (LF line endings, no BOM) after its front matter.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, ContentError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let first = text[..first_end].trim_end();
    let (format, fence) = match first {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ if first.starts_with('{') => (Format::Json, "}"),
        _ => {
            return Err(ContentError::new(
                path,
                1,
                1,
                ContentErrorKind::NoFrontMatter,
            ))
        }
    };
    let front_start = if format == Format::Json {
        0
    } else {
        (first_end + 1).min(text.len())
    };
    let mut offset = if format == Format::Json {
        0
    } else {
        front_start
    };
    let mut line = if format == Format::Json { 1 } else { 2 };
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let this = text[offset..end].trim_end();
        let closes = match format {
            Format::Json => {
                this == "}" || (line == 1 && this.starts_with('{') && this.ends_with('}'))
            }
            _ => this == fence,
        };
        if closes {
            let body_start = (end + 1).min(text.len());
            let front_end = if format == Format::Json { end } else { offset };
            return Ok(Split {
                format,
                front: &text[front_start..front_end],
                front_line: if format == Format::Json { 1 } else { 2 },
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    let open = if format == Format::Json { "{" } else { fence };
    Err(ContentError::new(
        path,
        1,
        1,
        ContentErrorKind::UnterminatedFrontMatter { open, close: fence },
    ))
}

/// A story given in the front matter (`stories:` with title/url/summary/source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub title: String,
    pub url: Option<String>,
    pub summary: String,
    pub source: Option<String>,
    /// 1-based line of the `stories` key.
    pub line: usize,
}

/// Front matter, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    /// `None` when the front matter has no title (or a blank one): the
    /// digest derives one.
    pub title: Option<String>,
    pub slug: Option<String>,
    pub date: Option<Date>,
    pub lastmod: Option<Date>,
    pub description: String,
    pub image: Option<String>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    pub draft: bool,
    /// A Hugo page that is never listed (`headless`, `build.list = "never"`).
    pub unlisted: bool,
    pub stories: Vec<Story>,
}

/// Parses the front matter into a JSON-like tree, with positions for syntax errors.
fn tree(path: &Path, split: &Split<'_>) -> Result<Map<String, Value>, ContentError> {
    let at = |line: usize, column: usize, kind| {
        ContentError::new(path, split.front_line + line, column + 1, kind)
    };
    let value = match split.format {
        Format::Toml => {
            let table: toml::Table = toml::from_str(split.front).map_err(|e| {
                let (line, column) = e
                    .span()
                    .map_or((0, 0), |span| line_col(split.front, span.start));
                at(
                    line,
                    column,
                    ContentErrorKind::Toml(e.message().trim().to_string()),
                )
            })?;
            toml_to_json(toml::Value::Table(table))
        }
        Format::Yaml => {
            if split.front.trim().is_empty() {
                Value::Object(Map::new())
            } else {
                serde_norway::from_str::<Value>(split.front).map_err(|e| {
                    let (line, column) = e.location().map_or((0, 0), |l| {
                        (l.line().saturating_sub(1), l.column().saturating_sub(1))
                    });
                    at(
                        line,
                        column,
                        ContentErrorKind::Yaml(without_position(e.to_string())),
                    )
                })?
            }
        }
        Format::Json => serde_json::from_str::<Value>(split.front).map_err(|e| {
            let message = without_position(e.to_string());
            at(
                e.line().saturating_sub(1),
                e.column().saturating_sub(1),
                ContentErrorKind::Json(message),
            )
        })?,
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(at(0, 0, ContentErrorKind::NotAMapping)),
    }
}

/// A parser's message without its own " at line L column C" (the error
/// carries the position in the file instead).
fn without_position(message: String) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// A scalar as text, the way a date or a title may be written.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

struct Reader<'a> {
    path: &'a Path,
    split: &'a Split<'a>,
    map: Map<String, Value>,
    names: &'a FieldNames,
    errors: Vec<ContentError>,
}

impl Reader<'_> {
    fn error(&mut self, key: &str, kind: ContentErrorKind) {
        let (line, column) = key_position(self.split.front, key);
        self.errors.push(ContentError::new(
            self.path,
            self.split.front_line + line,
            column + 1,
            kind,
        ));
    }

    /// The first key of `field`'s names present in the front matter (in
    /// any case) with a value that is not null or blank, and that value.
    fn lookup(&self, field: &str) -> Option<(String, Value)> {
        self.names.keys(field).into_iter().find_map(|name| {
            self.named(name)
                .filter(|(_, v)| v.as_str().is_none_or(|s| !s.trim().is_empty()))
        })
    }

    /// The key written for `name` (in any case) and its value, unless null.
    fn named(&self, name: &str) -> Option<(String, Value)> {
        self.map
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
    }

    fn wrong_type(&mut self, key: &str, field: &'static str, expected: &'static str) {
        self.error(key, ContentErrorKind::FieldType { field, expected });
    }

    fn string(&mut self, field: &'static str) -> Option<String> {
        match self.lookup(field)? {
            (_, Value::Null) => None,
            (_, Value::String(s)) => Some(s),
            (key, _) => {
                self.wrong_type(&key, field, "a string");
                None
            }
        }
    }

    /// A list of strings; a single string is taken as a one-element list,
    /// as Hugo does.
    fn strings(&mut self, field: &'static str) -> Vec<String> {
        match self.lookup(field) {
            None | Some((_, Value::Null)) => Vec::new(),
            Some((_, Value::String(s))) => vec![s],
            Some((key, Value::Array(items))) => {
                match items.iter().map(scalar_text).collect::<Option<Vec<_>>>() {
                    Some(list) => dedup_terms(list),
                    None => {
                        self.wrong_type(&key, field, "a list of strings");
                        Vec::new()
                    }
                }
            }
            Some((key, _)) => {
                self.wrong_type(&key, field, "a list of strings");
                Vec::new()
            }
        }
    }

    /// The date of `field`: the first of its keys present and not null,
    /// or the date in the file name where the names say `:filename`.
    fn date(&mut self, field: &'static str) -> Option<Date> {
        for name in self.names.keys(field) {
            if name == FILENAME {
                match crate::digest::date_from_path(self.path) {
                    Some(d) => return Some(d),
                    None => continue,
                }
            }
            let Some((key, value)) = self.named(name) else {
                continue;
            };
            let text = scalar_text(&value).unwrap_or_else(|| value.to_string());
            let parsed = Date::parse(&text);
            if parsed.is_none() {
                self.error(&key, ContentErrorKind::InvalidDate { field, value: text });
            }
            return parsed;
        }
        None
    }

    /// Hugo pages that are never listed: `headless = true`, or
    /// `build.list = "never"` (also `_build`, and `list = false`).
    fn unlisted(&self) -> bool {
        let headless = self
            .map
            .get("headless")
            .is_some_and(|v| v.as_bool() == Some(true));
        let never = ["build", "_build"].iter().any(|k| {
            self.map
                .get(*k)
                .and_then(|b| b.get("list"))
                .is_some_and(|l| l.as_str() == Some("never") || l.as_bool() == Some(false))
        });
        headless || never
    }

    fn bool(&mut self, key: &'static str) -> bool {
        match self.map.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
            Some(_) => {
                self.wrong_type(key, key, "true or false");
                false
            }
        }
    }

    fn stories(&mut self) -> Vec<Story> {
        let line = self.split.front_line + key_position(self.split.front, "stories").0;
        let Some(value) = self.map.get("stories").cloned() else {
            return Vec::new();
        };
        let Value::Array(entries) = value else {
            self.wrong_type(
                "stories",
                "stories",
                "a list of stories with title, url, summary and source",
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            let Value::Object(fields) = entry else {
                self.wrong_type(
                    "stories",
                    "stories",
                    "a list of stories with title, url, summary and source",
                );
                return Vec::new();
            };
            let text = |k: &str| {
                fields
                    .get(k)
                    .and_then(scalar_text)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let Some(title) = text("title") else {
                self.error(
                    "stories",
                    ContentErrorKind::StoryWithoutTitle {
                        index: out.len() + 1,
                    },
                );
                continue;
            };
            out.push(Story {
                title,
                url: text("url").or_else(|| text("link")),
                summary: text("summary")
                    .or_else(|| text("description"))
                    .unwrap_or_default(),
                source: text("source"),
                line,
            });
        }
        out
    }
}

/// Parses the front matter of `split`, reporting every problem found.
/// `names` says which keys give which field.
pub fn parse(
    path: &Path,
    split: &Split<'_>,
    names: &FieldNames,
) -> Result<FrontMatter, Vec<ContentError>> {
    let map = tree(path, split).map_err(|e| vec![e])?;
    let mut r = Reader {
        path,
        split,
        map,
        names,
        errors: Vec::new(),
    };
    let title = r
        .string("title")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let slug = r.string("slug");
    if let Some(s) = &slug {
        if !valid_slug(s) {
            r.error("slug", ContentErrorKind::InvalidSlug(s.clone()));
        }
    }
    let date = r.date("date");
    let lastmod = r.date("lastmod");
    let description = r.string("description");
    let image = r.string("image").filter(|i| !i.trim().is_empty());
    let tags = r.strings("tags");
    let categories = r.strings("categories");
    let draft = r.bool("draft");
    let unlisted = r.unlisted();
    let stories = r.stories();
    if !r.errors.is_empty() {
        r.errors
            .sort_by_key(|e| (e.location.line, e.location.column));
        return Err(r.errors);
    }
    Ok(FrontMatter {
        title,
        slug,
        date,
        lastmod,
        description: description.unwrap_or_default().trim().to_string(),
        image,
        tags,
        categories,
        draft,
        unlisted,
        stories,
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

/// 0-based line and column of the value of top-level `key` in the front
/// matter (`key = v`, `key: v` or `"key": v`), or of the line after the
/// front matter when the key is absent.
pub fn key_position(front: &str, key: &str) -> (usize, usize) {
    let quoted = format!("\"{key}\"");
    for (n, line) in front.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = trimmed
            .strip_prefix(quoted.as_str())
            .or_else(|| trimmed.strip_prefix(key));
        let Some(rest) = rest else { continue };
        let after = rest.trim_start();
        let Some(value) = after.strip_prefix('=').or_else(|| after.strip_prefix(':')) else {
            continue;
        };
        if indent > 0 && !front.trim_start().starts_with('{') {
            continue; // nested key in YAML or TOML
        }
        let value = value.trim_start();
        let col = line.len() - value.len();
        return (n, line[..col].chars().count());
    }
    (front.lines().count(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "content/posts/x.md";

    fn parse_str(text: &str) -> Result<FrontMatter, Vec<String>> {
        let s = split(Path::new(P), text).map_err(|e| vec![e.to_string()])?;
        parse(Path::new(P), &s, &FieldNames::default())
            .map_err(|v| v.iter().map(ToString::to_string).collect())
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
    fn yaml_and_json_give_the_same_front_matter_as_toml() {
        let toml = parse_str("+++\ntitle = \"T\"\ndate = 2024-05-26T08:00:00+08:00\ntags = [\"a\", \"b\"]\ndraft = true\n+++\n").expect("toml");
        let yaml = parse_str("---\ntitle: T\ndate: 2024-05-26T08:00:00+08:00\ntags:\n  - a\n  - b\ndraft: true\n---\n").expect("yaml");
        let json = parse_str("{\n  \"title\": \"T\",\n  \"date\": \"2024-05-26T08:00:00+08:00\",\n  \"tags\": [\"a\", \"b\"],\n  \"draft\": true\n}\n").expect("json");
        assert_eq!(toml, yaml);
        assert_eq!(toml, json);
        assert!(toml.draft);
    }

    #[test]
    fn a_single_tag_string_is_a_one_tag_list() {
        let fm = parse_str("---\ntitle: T\ntags: AI\n---\n").expect("valid");
        assert_eq!(fm.tags, ["AI"]);
    }

    #[test]
    fn stories_in_front_matter() {
        let fm = parse_str(
            "---\ntitle: T\nstories:\n  - title: One\n    url: https://a.com/1\n    summary: First.\n    source: A\n  - title: Two\n---\n",
        )
        .expect("valid");
        assert_eq!(fm.stories.len(), 2);
        assert_eq!(fm.stories[0].url.as_deref(), Some("https://a.com/1"));
        assert_eq!(
            (fm.stories[1].title.as_str(), fm.stories[1].line),
            ("Two", 3)
        );
    }

    #[test]
    fn bad_date_names_line_and_column_of_the_value() {
        let e =
            parse_str("+++\ntitle = \"T\"\ndate =  \"2024-13-40\"\n+++\n").expect_err("bad date");
        assert_eq!(e, ["content/posts/x.md:3:9: invalid date \"2024-13-40\": expected YYYY-MM-DD or RFC 3339"]);
        let e = parse_str("---\ntitle: T\ndate: 2024-13-40\n---\n").expect_err("bad date");
        assert_eq!(e, ["content/posts/x.md:3:7: invalid date \"2024-13-40\": expected YYYY-MM-DD or RFC 3339"]);
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let e = parse_str("+++\ntitle = \"T\"\ntags = [\"a\",\n+++\n").expect_err("bad toml");
        assert_eq!(
            e,
            ["content/posts/x.md:3:13: invalid TOML front matter: unclosed array, expected `]`"]
        );
        let e = parse_str("{\n  \"title\": \"T\",\n  \"date\" \"x\"\n}\n").expect_err("bad json");
        assert_eq!(
            e,
            ["content/posts/x.md:3:10: invalid JSON front matter: expected `:`"]
        );
    }

    #[test]
    fn every_problem_is_reported_in_line_order() {
        let e = parse_str("+++\ndate = \"soon\"\nslug = \"a/b\"\n+++\n").expect_err("bad");
        assert_eq!(
            e,
            [
                "content/posts/x.md:2:8: invalid date \"soon\": expected YYYY-MM-DD or RFC 3339",
                "content/posts/x.md:3:8: invalid slug \"a/b\": expected letters, digits, `-`, `_` or `.`, and not only dots",
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
