//! What a site says about itself: its title, language and address. The
//! build step writes it into every page (a `<meta name="tidings-site">`
//! holding this as JSON), so the app knows its base path and language
//! before it fetches anything; every site URL and path goes through
//! [`SiteInfo::href`] so a site works under any sub-path.

use serde::{Deserialize, Serialize};

/// Name of the meta tag that carries the [`SiteInfo`] as JSON.
pub const META_NAME: &str = "tidings-site";

/// The interface languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The interface language for a language tag: `zh`, `zh-CN`, `zh-Hans`
    /// are Chinese; anything else English.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The BCP 47 tag for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// A site's settings as the pages and the app use them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The content's language tag (`zh-CN`), for `lang` attributes and
    /// `og:locale`.
    pub language: String,
    /// The absolute address of the site root, ending in `/`, when known:
    /// link previews, feeds and the sitemap need it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The path the site is served under: `/`, or `/repo/` for a project
    /// site. Starts and ends with `/`.
    pub base_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The image link previews show when a page has none: a site path
    /// (`/cover.png`) or an absolute URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// A site being served while it is written (`make serve`): the app
    /// reloads the page when a rebuild changes the manifest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reload: bool,
}

crate::json::fields!(SiteInfo {
    required: [title, language, base_path],
    default: [description, base_url, author, image, reload],
});

impl Default for SiteInfo {
    fn default() -> Self {
        SiteInfo {
            title: "tidings".into(),
            description: String::new(),
            language: "zh".into(),
            base_url: None,
            base_path: "/".into(),
            author: None,
            image: None,
            reload: false,
        }
    }
}

impl SiteInfo {
    /// The interface language the site defaults to.
    pub fn lang(&self) -> Lang {
        Lang::from_tag(&self.language)
    }

    /// A root-relative site path (`/d/x/`, `/data/…`, `data/…`) as served
    /// under the base path.
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The absolute URL of a site path, when the base URL is known; an
    /// absolute URL is kept as it is.
    pub fn absolute(&self, path: &str) -> Option<String> {
        if is_absolute_url(path) {
            return Some(path.to_string());
        }
        let base = self.base_url.as_deref()?;
        Some(format!("{base}{}", path.trim_start_matches('/')))
    }
}

fn is_absolute_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A base URL checked and made canonical (ending in `/`), with its path:
/// `https://u.github.io/repo` → (`https://u.github.io/repo/`, `/repo/`).
/// `None` if it is not an absolute http(s) URL with a host.
pub fn parse_base_url(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    if !is_absolute_url(url) {
        return None;
    }
    let after_scheme = &url[url.find("://")? + 3..];
    let (host, path) = match after_scheme.find('/') {
        Some(i) => (&after_scheme[..i], &after_scheme[i..]),
        None => (after_scheme, "/"),
    };
    if host.is_empty() || path.contains(['?', '#']) || host.contains(['?', '#']) {
        return None;
    }
    let path = format!("{}/", path.trim_end_matches('/'));
    let base = format!("{}{}", &url[..url.len() - after_scheme.len()], host);
    Some((format!("{base}{path}"), path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_give_their_path() {
        assert_eq!(
            parse_base_url("https://u.github.io/repo"),
            Some(("https://u.github.io/repo/".into(), "/repo/".into()))
        );
        assert_eq!(
            parse_base_url("https://example.org"),
            Some(("https://example.org/".into(), "/".into()))
        );
        assert_eq!(
            parse_base_url("http://127.0.0.1:8080/a/b/"),
            Some(("http://127.0.0.1:8080/a/b/".into(), "/a/b/".into()))
        );
        assert_eq!(parse_base_url("/repo/"), None);
        assert_eq!(parse_base_url("https:///x"), None);
        assert_eq!(parse_base_url("https://x.org/?a"), None);
    }

    #[test]
    fn hrefs_and_absolute_urls_follow_the_base() {
        let site = SiteInfo {
            base_url: Some("https://u.github.io/repo/".into()),
            base_path: "/repo/".into(),
            ..SiteInfo::default()
        };
        assert_eq!(site.href("/d/x/"), "/repo/d/x/");
        assert_eq!(site.href("data/manifest.json"), "/repo/data/manifest.json");
        assert_eq!(site.href("/"), "/repo/");
        assert_eq!(
            site.absolute("/d/x/").as_deref(),
            Some("https://u.github.io/repo/d/x/")
        );
        assert_eq!(
            site.absolute("https://img.example/a.png").as_deref(),
            Some("https://img.example/a.png")
        );
        assert_eq!(SiteInfo::default().href("/d/x/"), "/d/x/");
        assert_eq!(SiteInfo::default().absolute("/d/x/"), None);
    }

    #[test]
    fn languages_from_tags() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("ZH_hans"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("fr"), Lang::En);
    }
}
