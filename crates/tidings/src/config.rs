//! Site settings: `tidings.toml`, and a Hugo site's own configuration when
//! `--content` points at a Hugo site's root. Owns the files' names and
//! shapes and where the digests are; what each setting does belongs to the
//! module using it.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tidings_model::site::SiteInfo;

use crate::error::{ContentError, ContentErrorKind, Error, Result};
use crate::extract::ExtractOptions;

/// `tidings.toml`: settings for the whole site.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What the site is called and where it lives.
    #[serde(default)]
    pub site: SiteSettings,
    /// Front-matter field names, for sites that name fields their own way.
    #[serde(default)]
    pub frontmatter: FieldNames,
    /// How items are found, when the automatic detection gets it wrong.
    #[serde(default)]
    pub extract: ExtractOptions,
}

/// `[site]`: the site's own title, language and address.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Absolute, may include a path: `https://example.org/news/`.
    pub base_url: Option<String>,
    /// `zh`, `en`, or a longer tag such as `zh-CN`.
    pub language: Option<String>,
    pub author: Option<String>,
    /// The image link previews show when a page has none of its own.
    pub image: Option<String>,
}

impl SiteSettings {
    /// These, with the settings `other` has and these lack.
    pub fn or(self, other: SiteSettings) -> SiteSettings {
        SiteSettings {
            title: self.title.or(other.title),
            description: self.description.or(other.description),
            base_url: self.base_url.or(other.base_url),
            language: self.language.or(other.language),
            author: self.author.or(other.author),
            image: self.image.or(other.image),
        }
    }
}

impl SiteSettings {
    /// The base URL, checked, and the path it serves the site under
    /// (`/` without one).
    pub fn base(&self) -> Result<(Option<String>, String)> {
        match self
            .base_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            None => Ok((None, "/".into())),
            Some(url) => match tidings_model::site::parse_base_url(url) {
                Some((url, path)) => Ok((Some(url), path)),
                None => Err(Error::BaseUrl(url.to_string())),
            },
        }
    }

    /// The site's info for its pages and the app; `detected` is the
    /// content's language, used when none is set.
    pub fn info(&self, detected: &str) -> Result<SiteInfo> {
        let (base_url, base_path) = self.base()?;
        let text = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(SiteInfo {
            title: text(&self.title).unwrap_or_else(|| SiteInfo::default().title),
            description: text(&self.description).unwrap_or_default(),
            language: text(&self.language).unwrap_or_else(|| detected.to_string()),
            base_url,
            base_path,
            author: text(&self.author),
            image: text(&self.image),
            reload: false,
        })
    }
}

/// `[frontmatter]`: for each field the digest reads, the front-matter keys
/// that give it, first found wins (keys match in any case, as in Hugo).
/// Empty means the built-in names. For dates, `:filename` is the date at
/// the start of the file name and `:default` the built-in list, as in
/// Hugo's `[frontmatter]` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldNames {
    #[serde(default)]
    pub title: Vec<String>,
    #[serde(default)]
    pub date: Vec<String>,
    #[serde(default)]
    pub lastmod: Vec<String>,
    #[serde(default)]
    pub description: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub image: Vec<String>,
}

/// Token for the date in the file name, in [`FieldNames::date`].
pub const FILENAME: &str = ":filename";

impl FieldNames {
    /// The keys for `field`, in order, with `:default` expanded; a field
    /// without settings is read from its own name.
    pub fn keys<'a>(&'a self, field: &'a str) -> Vec<&'a str> {
        let (given, default): (&[String], &[&str]) = match field {
            "title" => (&self.title, &["title"]),
            "date" => (&self.date, &["date", "publishDate", "pubDate", FILENAME]),
            "lastmod" => (&self.lastmod, &["lastmod", "updated"]),
            "description" => (&self.description, &["description", "summary"]),
            "tags" => (&self.tags, &["tags"]),
            "categories" => (&self.categories, &["categories"]),
            "image" => (&self.image, &["image"]),
            _ => return vec![field],
        };
        if given.is_empty() {
            return default.to_vec();
        }
        let mut out = Vec::new();
        for k in given {
            if k == ":default" {
                out.extend_from_slice(default);
            } else {
                out.push(k.as_str());
            }
        }
        out
    }
}

/// Name of the site config file, looked for in the folder `--content` names.
pub const CONFIG_FILE: &str = "tidings.toml";

/// A Hugo site's configuration files, in the order Hugo looks for them.
pub const HUGO_CONFIGS: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
];

/// Where a site's digests are, and how to read them.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The folder whose `*.md` files are the digests.
    pub content: PathBuf,
    /// A Hugo site's `static/` folder: where `/images/x.png` is.
    pub static_dir: Option<PathBuf>,
    /// The Hugo configuration file read, if any.
    pub hugo_config: Option<PathBuf>,
    /// `tidings.toml` over the Hugo configuration.
    pub config: Config,
}

/// What `--content` names: a folder of digests, or a Hugo site's root (a
/// folder with a Hugo configuration file), read as Hugo reads it. With
/// `section`, only that folder of the content is taken.
/// `site` overrides the settings the files give (`tidings build --base-url`).
pub fn open(root: &Path, section: Option<&str>, site: &SiteSettings) -> Result<Source> {
    let mut config = read_config(root)?;
    config.site = site.clone().or(config.site);
    let hugo = HUGO_CONFIGS
        .iter()
        .map(|name| root.join(name))
        .find(|p| p.is_file());
    let mut source = match hugo {
        Some(path) => {
            let hugo = read_hugo(&path)?;
            config.site = config.site.or(hugo.site);
            if config.frontmatter.date.is_empty() {
                config.frontmatter.date = hugo.date;
            }
            if config.frontmatter.lastmod.is_empty() {
                config.frontmatter.lastmod = hugo.lastmod;
            }
            if config.frontmatter.tags.is_empty() {
                config.frontmatter.tags = hugo.tags;
            }
            if config.frontmatter.categories.is_empty() {
                config.frontmatter.categories = hugo.categories;
            }
            let static_dir = root.join(&hugo.static_dir);
            Source {
                content: root.join(&hugo.content_dir),
                static_dir: static_dir.is_dir().then_some(static_dir),
                hugo_config: Some(path),
                config,
            }
        }
        None => Source {
            content: root.to_path_buf(),
            static_dir: None,
            hugo_config: None,
            config,
        },
    };
    if let Some(section) = section {
        source.content = source.content.join(section);
    }
    if !source.content.is_dir() {
        return Err(Error::NoContent(source.content));
    }
    Ok(source)
}

/// Reads `tidings.toml` from `root`, if there is one.
pub fn read_config(root: &Path) -> Result<Config> {
    let path = root.join(CONFIG_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(source) => return Err(Error::Read { path, source }),
    };
    toml::from_str(&text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((0, 0), |s| crate::frontmatter::line_col(&text, s.start));
        config_error(&path, line + 1, column + 1, e.message().trim())
    })
}

fn config_error(path: &Path, line: usize, column: usize, message: &str) -> Error {
    let kind = ContentErrorKind::Config(message.to_string());
    Error::Content(vec![ContentError::new(path, line, column, kind)])
}

/// What tidings takes from a Hugo configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hugo {
    pub site: SiteSettings,
    pub content_dir: String,
    pub static_dir: String,
    pub date: Vec<String>,
    pub lastmod: Vec<String>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
}

/// Reads a Hugo configuration file (TOML, YAML or JSON by its extension).
pub fn read_hugo(path: &Path) -> Result<Hugo> {
    let text = fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let value: Value = match ext {
        "toml" => toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((0, 0), |s| crate::frontmatter::line_col(&text, s.start));
            config_error(path, line + 1, column + 1, e.message().trim())
        })?,
        "json" => serde_json::from_str(&text)
            .map_err(|e| config_error(path, e.line(), e.column(), &e.to_string()))?,
        _ => serde_norway::from_str(&text).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            config_error(path, line, column, &e.to_string())
        })?,
    };
    Ok(hugo_settings(&value))
}

/// `key` of `map`, in any case (Hugo's keys are case-insensitive).
fn get<'a>(map: &'a Value, key: &str) -> Option<&'a Value> {
    map.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn text(map: &Value, key: &str) -> Option<String> {
    get(map, key)
        .and_then(Value::as_str)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The settings of a parsed Hugo configuration.
pub fn hugo_settings(config: &Value) -> Hugo {
    let params = get(config, "params").cloned().unwrap_or(Value::Null);
    let author = get(config, "author")
        .and_then(|a| a.as_str().map(str::to_string).or_else(|| text(a, "name")))
        .or_else(|| text(&params, "author"));
    let image = strings(get(&params, "images")).into_iter().next();
    let language = text(config, "languageCode").or_else(|| text(config, "defaultContentLanguage"));
    let site = SiteSettings {
        title: text(config, "title"),
        description: text(&params, "description").or_else(|| text(config, "description")),
        base_url: text(config, "baseURL").filter(|u| u != "/"),
        language,
        author,
        image,
    };
    let frontmatter = get(config, "frontmatter").cloned().unwrap_or(Value::Null);
    let taxonomies = get(config, "taxonomies");
    // A taxonomy is named `singular = "plural"`; the plural is the
    // front-matter key.
    let taxonomy = |singular: &str| {
        taxonomies
            .and_then(|t| text(t, singular))
            .map(|plural| vec![plural])
            .unwrap_or_default()
    };
    Hugo {
        site,
        content_dir: text(config, "contentDir").unwrap_or_else(|| "content".into()),
        static_dir: text(config, "staticDir").unwrap_or_else(|| "static".into()),
        date: strings(get(&frontmatter, "date")),
        lastmod: strings(get(&frontmatter, "lastmod")),
        tags: taxonomy("tag"),
        categories: taxonomy("category"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugo_settings_are_read_in_any_case() {
        let v: Value = toml::from_str(
            r#"
baseURL = "https://example.org/news/"
languageCode = "zh-CN"
title = "AI 日报"
contentDir = "src"
[params]
description = "每日 AI 新闻"
images = ["/cover.png"]
[frontmatter]
date = ["publishDate", ":filename", ":default"]
[taxonomies]
tag = "keywords"
"#,
        )
        .expect("toml");
        let h = hugo_settings(&v);
        assert_eq!(h.site.title.as_deref(), Some("AI 日报"));
        assert_eq!(
            h.site.base_url.as_deref(),
            Some("https://example.org/news/")
        );
        assert_eq!(h.site.language.as_deref(), Some("zh-CN"));
        assert_eq!(h.site.description.as_deref(), Some("每日 AI 新闻"));
        assert_eq!(h.site.image.as_deref(), Some("/cover.png"));
        assert_eq!(h.content_dir, "src");
        assert_eq!(h.date, ["publishDate", ":filename", ":default"]);
        assert_eq!(h.tags, ["keywords"]);
        assert!(h.categories.is_empty());
    }

    #[test]
    fn field_names_expand_default() {
        let names = FieldNames {
            date: vec!["publish_date".into(), ":default".into()],
            title: vec!["subject".into()],
            ..FieldNames::default()
        };
        assert_eq!(
            names.keys("date"),
            ["publish_date", "date", "publishDate", "pubDate", FILENAME]
        );
        assert_eq!(names.keys("title"), ["subject"]);
        assert_eq!(names.keys("tags"), ["tags"]);
    }
}
