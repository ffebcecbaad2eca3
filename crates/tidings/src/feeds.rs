//! Files for readers, crawlers and hosts at the site root: RSS 2.0, Atom
//! and JSON Feed 1.1 of the newest digests (full sanitised content,
//! absolute links), per-tag RSS feeds, `sitemap.xml`, `robots.txt` and a
//! `_headers` file of cache rules. Feeds and the sitemap need the site's
//! absolute address (`base_url`); without it only `robots.txt` and
//! `_headers` are written. Returns files; writes nothing.

use std::fmt::Write as _;

use tidings_model::date::Date;
use tidings_model::layout::{self, site_files};
use tidings_model::site::SiteInfo;
use tidings_model::url::Route;
use tidings_model::{Digest, Manifest};

use crate::digest::Parsed;
use crate::load::Site;
use tidings_model::html::escape;

/// Digests in each feed.
pub const FEED_SIZE: usize = 20;

/// The feeds pages link to: (media type, path under the site root).
pub const LINKS: [(&str, &str); 3] = site_files::FEEDS;

/// How many files [`files`] writes for a site with these settings.
pub fn count(info: &SiteInfo, tag_feeds: usize) -> usize {
    if info.base_url.is_some() {
        2 + LINKS.len() + 1 + tag_feeds
    } else {
        2
    }
}

/// (path under the site root, text) of every site file. `tags` are the
/// tags that get their own feed; `policy` is the pages'
/// Content-Security-Policy, which `_headers` also sets (if there is one);
/// `app` the app's files beside the shell (none without a shell).
/// A feed is left out when `unchanged` says the output has it as made
/// from the same inputs (the site's settings, the feed's path and title,
/// and the key of each digest it carries, [`Parsed::key`]): only the
/// digests of the feeds made again are read whole and rendered (a feed
/// per tag carries up to [`FEED_SIZE`] digests each, and doing so for
/// every feed was ~10% of a one-edit rebuild's time at 10,000 digests).
pub fn files(
    site: &Site,
    manifest: &Manifest,
    info: &SiteInfo,
    tags: &[String],
    (policy, app): (Option<&str>, &[String]),
    unchanged: &(dyn Fn(&str, u64) -> bool + Sync),
) -> crate::error::Result<Vec<(String, String)>> {
    use rayon::prelude::*;
    use std::hash::{Hash, Hasher};
    let mut out = vec![
        (site_files::ROBOTS.to_string(), robots(info)),
        (site_files::HEADERS.to_string(), headers(info, policy, app)),
    ];
    let Some(base) = info.base_url.as_deref() else {
        return Ok(out);
    };
    let feed = Feed {
        info,
        manifest,
        base,
        origin: origin(base, &info.base_path),
    };
    // What every feed is made with besides its digests.
    let context = {
        let mut h = crate::cache::Fingerprint::default();
        (crate::pages::settings(info)?, manifest.item_pages).hash(&mut h);
        h.finish()
    };
    let to_make = |path: &str, title: &str, numbers: &[usize]| {
        let mut h = crate::cache::Fingerprint::default();
        (context, path, title).hash(&mut h);
        for &n in numbers {
            site.digests.get(n).map(Parsed::key).hash(&mut h);
        }
        !unchanged(path, h.finish())
    };
    // The digests each feed carries (by number).
    let newest: Vec<usize> = (0..site.digests.len().min(FEED_SIZE)).collect();
    let tagged: Vec<(String, String, Vec<usize>)> = (tags.iter())
        .map(|tag| {
            let numbers: Vec<usize> = (site.digests.iter().enumerate())
                .filter(|(_, p)| p.digest.tags.contains(tag))
                .take(FEED_SIZE)
                .map(|(n, _)| n)
                .collect();
            let title = format!("#{tag} · {}", info.title);
            (layout::tag_feed(tag), title, numbers)
        })
        .filter(|(path, title, numbers)| to_make(path, title, numbers))
        .collect();
    let rss = to_make(site_files::RSS, &info.title, &newest);
    let atom = to_make(site_files::ATOM, &info.title, &newest);
    let json = to_make(site_files::JSON_FEED, &info.title, &newest);
    // Each digest carried by a feed made again, read whole once.
    let mut carried: Vec<usize> = (rss || atom || json)
        .then_some(&newest)
        .into_iter()
        .chain(tagged.iter().map(|(_, _, numbers)| numbers))
        .flatten()
        .copied()
        .collect();
    carried.sort_unstable();
    carried.dedup();
    let whole: std::collections::HashMap<usize, Carried> = (carried.par_iter())
        .filter_map(|&n| {
            let parsed = site.digests.get(n)?.full();
            Some(parsed.map(|parsed| {
                let html = feed.content(&parsed.digest);
                let escaped = escape(&html);
                (
                    n,
                    Carried {
                        parsed,
                        html,
                        escaped,
                    },
                )
            }))
        })
        .collect::<crate::error::Result<_>>()?;
    let pick = |numbers: &[usize]| -> Vec<&Carried> {
        numbers.iter().filter_map(|n| whole.get(n)).collect()
    };
    let newest = pick(&newest);
    if rss {
        let text = feed.rss(&newest, &info.title, site_files::RSS);
        out.push((site_files::RSS.into(), text));
    }
    if atom {
        out.push((site_files::ATOM.into(), feed.atom(&newest)));
    }
    if json {
        out.push((site_files::JSON_FEED.into(), feed.json(&newest)));
    }
    out.push((site_files::SITEMAP.into(), feed.sitemap(site)));
    for (path, title, numbers) in tagged {
        let text = feed.rss(&pick(&numbers), &title, &path);
        out.push((path, text));
    }
    Ok(out)
}

/// `https://u.github.io` of `https://u.github.io/repo/`.
fn origin(base_url: &str, base_path: &str) -> String {
    base_url
        .strip_suffix(base_path)
        .unwrap_or(base_url.trim_end_matches('/'))
        .to_string()
}

fn robots(info: &SiteInfo) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if let Some(url) = info.absolute(site_files::SITEMAP) {
        let _ = writeln!(s, "Sitemap: {url}");
    }
    s
}

/// Cache rules: files under a build's stamp never change, nor do the
/// app's files whose names carry their content's hash (Trunk's
/// `name-<hash>.ext`); the manifest, pages and feeds are revalidated on
/// every visit. Every file gets the pages' Content-Security-Policy and is
/// not to be sniffed. Without their own rule, the app's files were
/// revalidated on every visit, and a first visit's service worker asked
/// for each again to keep it.
fn headers(info: &SiteInfo, policy: Option<&str>, app: &[String]) -> String {
    let base = &info.base_path;
    let data = layout::DATA_DIR;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{base}*\n  Cache-Control: public, max-age=0, must-revalidate"
    );
    if let Some(policy) = policy {
        let _ = writeln!(s, "  Content-Security-Policy: {policy}");
    }
    let _ = writeln!(s, "  X-Content-Type-Options: nosniff");
    let _ = writeln!(
        s,
        "{base}{data}/*\n  Cache-Control: public, max-age=31536000, immutable"
    );
    let _ = writeln!(
        s,
        "{base}{}\n  Cache-Control: public, max-age=0, must-revalidate",
        layout::MANIFEST
    );
    for name in app.iter().filter(|name| hashed(name)) {
        let _ = writeln!(
            s,
            "{base}{name}\n  Cache-Control: public, max-age=31536000, immutable"
        );
    }
    s
}

/// Whether a file name carries a content hash as Trunk writes it: the
/// part before its extension (and wasm-bindgen's `_bg`) ends in `-` and at
/// least 12 hex digits.
fn hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// RFC 3339 at midnight UTC, for Atom and JSON Feed.
fn rfc3339(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

/// RFC 822 at midnight UTC, for RSS: `Sun, 26 May 2024 00:00:00 +0000`.
fn rfc822(date: &str) -> String {
    let Some(d) = Date::parse(date) else {
        return String::new();
    };
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS[usize::try_from(d.month() - 1).unwrap_or(0)];
    format!(
        "{}, {:02} {month} {} 00:00:00 +0000",
        DAYS[weekday(d)],
        d.day(),
        d.year()
    )
}

/// 0 = Monday, from the days since 1970-01-01 (a Thursday).
fn weekday(d: Date) -> usize {
    usize::try_from((d.days() + 3).rem_euclid(7)).unwrap_or(0)
}

/// A digest a feed carries: whole, with its content as one HTML document
/// (made once, though the site's feeds and each of its tags' may carry it).
struct Carried<'a> {
    parsed: std::borrow::Cow<'a, Parsed>,
    html: String,
    /// `html` escaped, as RSS and Atom carry it.
    escaped: String,
}

struct Feed<'a> {
    info: &'a SiteInfo,
    manifest: &'a Manifest,
    base: &'a str,
    origin: String,
}

impl Feed<'_> {
    fn url(&self, route: &Route) -> String {
        format!("{}{}", self.base, route.url().trim_start_matches('/'))
    }

    fn file_url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Root-relative links and images of the bundle's HTML made absolute.
    fn absolute(&self, html: &str) -> String {
        html.replace("src=\"/", &format!("src=\"{}/", self.origin))
            .replace("href=\"/", &format!("href=\"{}/", self.origin))
    }

    /// The digest as one HTML document: intro, every item with its title,
    /// image, body and source, and the closing text.
    fn content(&self, d: &Digest) -> String {
        let mut o = d.intro_html.clone();
        for item in &d.items {
            let link = self.url(&self.manifest.item_route(&d.slug, &item.id));
            let _ = write!(
                o,
                "<h2><a href=\"{}\">{}</a></h2>",
                escape(&link),
                item.title_html
            );
            if let Some(t) = &item.title_translation {
                let _ = write!(o, "<p><em>{}</em></p>", escape(t));
            }
            if let Some(src) = item.image.as_ref().and_then(|i| i.src.as_ref()) {
                let alt = item.image.as_ref().map_or("", |i| i.alt.as_str());
                let _ = write!(
                    o,
                    "<p><img src=\"{}\" alt=\"{}\"></p>",
                    escape(src),
                    escape(alt)
                );
            }
            o.push_str(&item.body_html);
            if let Some(s) = &item.source {
                let _ = write!(
                    o,
                    "<p><a href=\"{}\">{}</a></p>",
                    escape(&s.url),
                    escape(&s.domain)
                );
            }
        }
        o.push_str(&d.closing_html);
        self.absolute(&o)
    }

    fn rss(&self, digests: &[&Carried], title: &str, path: &str) -> String {
        let i = self.info;
        let mut o = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
        let _ = writeln!(o, "<title>{}</title>", escape(title));
        let _ = writeln!(o, "<link>{}</link>", escape(self.base));
        let description = if i.description.is_empty() {
            &i.title
        } else {
            &i.description
        };
        let _ = writeln!(o, "<description>{}</description>", escape(description));
        let _ = writeln!(o, "<language>{}</language>", escape(&i.language));
        if let Some(c) = digests.first() {
            let _ = writeln!(
                o,
                "<lastBuildDate>{}</lastBuildDate>",
                rfc822(&c.parsed.digest.date)
            );
        }
        let _ = writeln!(
            o,
            "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
            escape(&self.file_url(path))
        );
        for c in digests {
            let d = &c.parsed.digest;
            let link = self.url(&Route::Digest(d.slug.clone()));
            o.push_str("<item>\n");
            let _ = writeln!(o, "<title>{}</title>", escape(&d.title));
            let _ = writeln!(o, "<link>{}</link>", escape(&link));
            let _ = writeln!(o, "<guid isPermaLink=\"true\">{}</guid>", escape(&link));
            let _ = writeln!(o, "<pubDate>{}</pubDate>", rfc822(&d.date));
            for t in &d.tags {
                let _ = writeln!(o, "<category>{}</category>", escape(t));
            }
            let _ = writeln!(o, "<description>{}</description>", c.escaped);
            o.push_str("</item>\n");
        }
        o.push_str("</channel>\n</rss>\n");
        o
    }

    fn atom(&self, digests: &[&Carried]) -> String {
        let i = self.info;
        let mut o = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
            escape(&i.language)
        );
        let _ = writeln!(o, "<title>{}</title>", escape(&i.title));
        if !i.description.is_empty() {
            let _ = writeln!(o, "<subtitle>{}</subtitle>", escape(&i.description));
        }
        let _ = writeln!(o, "<id>{}</id>", escape(self.base));
        let updated = digests
            .iter()
            .map(|c| (c.parsed.digest.lastmod.as_deref()).unwrap_or(&c.parsed.digest.date))
            .max()
            .unwrap_or("1970-01-01");
        let _ = writeln!(o, "<updated>{}</updated>", rfc3339(updated));
        let _ = writeln!(
            o,
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
            escape(&self.file_url(site_files::ATOM))
        );
        let _ = writeln!(
            o,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(self.base)
        );
        let author = i.author.as_deref().unwrap_or(&i.title);
        let _ = writeln!(o, "<author><name>{}</name></author>", escape(author));
        for c in digests {
            let (p, d) = (&c.parsed, &c.parsed.digest);
            let link = self.url(&Route::Digest(d.slug.clone()));
            o.push_str("<entry>\n");
            let _ = writeln!(o, "<title>{}</title>", escape(&d.title));
            let _ = writeln!(o, "<id>{}</id>", escape(&link));
            let _ = writeln!(
                o,
                "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                escape(&link)
            );
            let _ = writeln!(o, "<published>{}</published>", rfc3339(&d.date));
            let _ = writeln!(
                o,
                "<updated>{}</updated>",
                rfc3339(d.lastmod.as_deref().unwrap_or(&d.date))
            );
            for t in &d.tags {
                let _ = writeln!(o, "<category term=\"{}\"/>", escape(t));
            }
            if !p.summary.is_empty() {
                let _ = writeln!(o, "<summary>{}</summary>", escape(&p.summary));
            }
            let _ = writeln!(o, "<content type=\"html\">{}</content>", c.escaped);
            o.push_str("</entry>\n");
        }
        o.push_str("</feed>\n");
        o
    }

    fn json(&self, digests: &[&Carried]) -> String {
        let i = self.info;
        let items: Vec<serde_json::Value> = digests
            .iter()
            .map(|c| {
                let (p, d) = (&c.parsed, &c.parsed.digest);
                let link = self.url(&Route::Digest(d.slug.clone()));
                let mut item = serde_json::json!({
                    "id": link,
                    "url": link,
                    "title": d.title,
                    "content_html": c.html,
                    "date_published": rfc3339(&d.date),
                    "tags": d.tags,
                });
                if !p.summary.is_empty() {
                    item["summary"] = p.summary.clone().into();
                }
                if let Some(m) = &d.lastmod {
                    item["date_modified"] = rfc3339(m).into();
                }
                item
            })
            .collect();
        let mut feed = serde_json::json!({
            "version": "https://jsonfeed.org/version/1.1",
            "title": i.title,
            "home_page_url": self.base,
            "feed_url": self.file_url(site_files::JSON_FEED),
            "language": i.language,
            "items": items,
        });
        if !i.description.is_empty() {
            feed["description"] = i.description.clone().into();
        }
        if let Some(a) = &i.author {
            feed["authors"] = serde_json::json!([{ "name": a }]);
        }
        serde_json::to_string_pretty(&feed).unwrap_or_default()
    }

    /// Every page of the site: home, digests, items with pages, tags.
    fn sitemap(&self, site: &Site) -> String {
        let mut o = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        let mut url = |route: Route, lastmod: Option<&str>| {
            if route.page_file().is_none() {
                return;
            }
            let _ = write!(o, "<url><loc>{}</loc>", escape(&self.url(&route)));
            if let Some(m) = lastmod {
                let _ = write!(o, "<lastmod>{m}</lastmod>");
            }
            o.push_str("</url>\n");
        };
        url(
            Route::Home,
            site.digests.first().map(|p| p.digest.date.as_str()),
        );
        for p in &site.digests {
            let d = &p.digest;
            let m = Some(d.lastmod.as_deref().unwrap_or(&d.date));
            url(Route::Digest(d.slug.clone()), m);
            if self.manifest.item_pages {
                for item in &d.items {
                    url(Route::item(&d.slug, &item.id), m);
                }
            }
        }
        for t in &self.manifest.tags {
            url(Route::Tag(t.name.clone()), None);
        }
        o.push_str("</urlset>\n");
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_dates_have_the_right_weekday() {
        assert_eq!(rfc822("2024-05-26"), "Sun, 26 May 2024 00:00:00 +0000");
        assert_eq!(rfc822("1970-01-01"), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc822("2000-02-29"), "Tue, 29 Feb 2000 00:00:00 +0000");
    }

    #[test]
    fn hashed_app_files_are_kept_for_good() {
        let info = SiteInfo {
            base_path: "/news/".into(),
            ..SiteInfo::default()
        };
        let app = [
            "tidings-app-6a27a2512905b1e9_bg.wasm",
            "tidings-app-6a27a2512905b1e9.js",
            "favicon-b8cfbee5d43196c.svg",
            "style.css",
            "app-1.js",
        ]
        .map(String::from);
        let rules = headers(&info, None, &app);
        for name in &app[..3] {
            let rule =
                format!("/news/{name}\n  Cache-Control: public, max-age=31536000, immutable\n");
            assert!(rules.contains(&rule), "{name}: {rules}");
        }
        for name in &app[3..] {
            assert!(!rules.contains(name.as_str()), "{name}: {rules}");
        }
        // The rule for every file comes first, so the later ones win.
        assert!(rules.starts_with("/news/*\n  Cache-Control: public, max-age=0, must-revalidate\n"));
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://u.github.io/repo/", "/repo/"),
            "https://u.github.io"
        );
        assert_eq!(origin("https://x.org/", "/"), "https://x.org");
    }
}
