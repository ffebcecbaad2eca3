//! Where every file of a built site lives, relative to the site root: the
//! bundle's data files, the media the digests use, and the HTML pages of
//! the routes (those come from [`crate::url::Route::page_file`]). The
//! bundler writes to these paths and the app fetches from them; nothing
//! else spells them out. `tidings scheme` prints them for the JavaScript
//! tests (see [`describe`]).

use crate::url::{self, encode_segment, Route};

/// The folder of every data file.
pub const DATA_DIR: &str = "data";

/// The manifest: the only data file with a fixed name, always revalidated.
pub const MANIFEST: &str = "data/manifest.json";

/// The folder under [`DATA_DIR`] of the images the digests use (beside
/// the builds' stamp folders).
pub const MEDIA_DIR: &str = "media";

/// The page a static host serves for a path it does not have.
pub const NOT_FOUND_PAGE: &str = "404.html";

/// The file a static server serves for a folder.
pub const FOLDER_PAGE: &str = "index.html";

/// Files at the site root for readers, crawlers and hosts.
pub mod site_files {
    /// RSS 2.0 of the newest digests.
    pub const RSS: &str = "feed.xml";
    /// Atom of the newest digests.
    pub const ATOM: &str = "atom.xml";
    /// JSON Feed 1.1 of the newest digests.
    pub const JSON_FEED: &str = "feed.json";
    pub const SITEMAP: &str = "sitemap.xml";
    pub const ROBOTS: &str = "robots.txt";
    /// Cache rules for Netlify and Cloudflare Pages.
    pub const HEADERS: &str = "_headers";
    /// The service worker that keeps visited pages for offline reading.
    pub const SERVICE_WORKER: &str = "sw.js";
    /// The web app manifest, so phones can install the site.
    pub const WEB_MANIFEST: &str = "manifest.webmanifest";
    /// The feeds, with their media types, in the order pages link them.
    pub const FEEDS: [(&str, &str); 3] = [
        ("application/rss+xml", RSS),
        ("application/atom+xml", ATOM),
        ("application/feed+json", JSON_FEED),
    ];
}

/// `tags/<tag>/feed.xml`: the RSS feed of one tag (raw tag, as a file path).
pub fn tag_feed(tag: &str) -> String {
    format!("{}/{tag}/{}", url::TAGS, site_files::RSS)
}

/// The top-level entries of the output folder that a build owns and
/// replaces as a whole; everything else (the app's files) is left alone.
/// The build writes `index.html` only with the app's shell, and keeps the
/// app's own otherwise.
pub const OWNED: [&str; 15] = [
    DATA_DIR,
    url::DIGESTS,
    url::TAGS,
    url::STARRED,
    url::ITEMS,
    NOT_FOUND_PAGE,
    FOLDER_PAGE,
    site_files::RSS,
    site_files::ATOM,
    site_files::JSON_FEED,
    site_files::SITEMAP,
    site_files::ROBOTS,
    site_files::HEADERS,
    site_files::SERVICE_WORKER,
    site_files::WEB_MANIFEST,
];

/// Paths of the immutable files inside a build's stamp folder.
pub mod stamped {
    /// The filter index.
    pub const INDEX: &str = "index.json";

    /// List page `n` (0-based).
    pub fn list_page(n: u32) -> String {
        format!("list/{n}.json")
    }

    /// The first screen of the list: the first rows of list page 0, as
    /// many as a screen shows ([`crate::query::PER_SCREEN`]), so the first
    /// view of a big site does not fetch a whole page for them.
    pub const FIRST_SCREEN: &str = "list/first.json";

    /// Digest shard `n`.
    pub fn shard(n: u32) -> String {
        format!("d/{n}.json")
    }

    /// Shard `n` of the search index's terms.
    pub fn search_shard(n: u32) -> String {
        format!("search/s/{n}.bin")
    }

    /// Block file `n` of the search index's common terms.
    pub fn search_block(n: u32) -> String {
        format!("search/b/{n}.bin")
    }
}

/// `data/<stamp>/<rel>`: a file of one build, `rel` from [`stamped`].
pub fn under_stamp(stamp: &str, rel: &str) -> String {
    format!("{DATA_DIR}/{stamp}/{rel}")
}

/// The stamp of a path [`under_stamp`] made; `None` for any other path
/// (the manifest, media).
pub fn stamp_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(DATA_DIR)?.strip_prefix('/')?;
    let (stamp, rel) = rest.split_once('/')?;
    (!stamp.is_empty() && !rel.is_empty() && stamp != MEDIA_DIR).then_some(stamp)
}

/// `data/<stamp>/index.json`: the filter index.
pub fn index(stamp: &str) -> String {
    under_stamp(stamp, stamped::INDEX)
}

/// `data/<stamp>/list/<n>.json`: list page `n` (0-based).
pub fn list_page(stamp: &str, n: u32) -> String {
    under_stamp(stamp, &stamped::list_page(n))
}

/// `data/<stamp>/list/first.json`: the first screen of the list.
pub fn first_screen(stamp: &str) -> String {
    under_stamp(stamp, stamped::FIRST_SCREEN)
}

/// `data/<stamp>/d/<n>.json`: digest shard `n`.
pub fn shard(stamp: &str, n: u32) -> String {
    under_stamp(stamp, &stamped::shard(n))
}

/// `data/<stamp>/search/s/<n>.bin`: a shard of the search index.
pub fn search_shard(stamp: &str, n: u32) -> String {
    under_stamp(stamp, &stamped::search_shard(n))
}

/// `data/<stamp>/search/b/<n>.bin`: a block of a common term's postings.
pub fn search_block(stamp: &str, n: u32) -> String {
    under_stamp(stamp, &stamped::search_block(n))
}

/// A local image copied into the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Where the file is written, relative to the site root (not encoded).
    pub file: String,
    /// The site-absolute URL the app shows it from (percent-encoded).
    pub url: String,
}

/// `data/media/<slug>/<path>`: an image of the digest `slug`, at `parts`
/// (the path's components under the digest's folder).
pub fn media<S: AsRef<str>>(slug: &str, parts: &[S]) -> Media {
    let mut file = format!("{DATA_DIR}/{MEDIA_DIR}/{slug}");
    let mut url = format!("/{DATA_DIR}/{MEDIA_DIR}/{}", encode_segment(slug));
    for part in parts {
        file.push('/');
        file.push_str(part.as_ref());
        url.push('/');
        url.push_str(&encode_segment(part.as_ref()));
    }
    Media { file, url }
}

/// Placeholders of [`describe`], chosen to pass [`encode_segment`] unchanged.
const SLUG: &str = "SLUG";
const ID: &str = "ID";
const TAG: &str = "TAG";
const STAMP: &str = "STAMP";
const N: u32 = 4_294_967_295;

/// The scheme as templates (`{slug}`, `{id}`, `{tag}`, `{stamp}`, `{n}`),
/// produced by the functions above so it cannot drift from them. URL
/// placeholders stand for percent-encoded segments (every byte but
/// `A-Z a-z 0-9 - . _ ~`); file placeholders for the raw value.
pub fn describe() -> Vec<(&'static str, String)> {
    let template = |s: String| {
        s.replace(SLUG, "{slug}")
            .replace(ID, "{id}")
            .replace(TAG, "{tag}")
            .replace(STAMP, "{stamp}")
            .replace(&N.to_string(), "{n}")
    };
    let page = |r: Route| r.page_file().unwrap_or_default();
    vec![
        ("manifest", MANIFEST.to_string()),
        ("index", template(index(STAMP))),
        ("list_page", template(list_page(STAMP, N))),
        ("first_screen", template(first_screen(STAMP))),
        ("shard", template(shard(STAMP, N))),
        ("search_shard", template(search_shard(STAMP, N))),
        ("search_block", template(search_block(STAMP, N))),
        ("media", template(media(SLUG, &["{path}"]).file)),
        ("not_found_page", NOT_FOUND_PAGE.to_string()),
        ("rss", site_files::RSS.to_string()),
        ("atom", site_files::ATOM.to_string()),
        ("json_feed", site_files::JSON_FEED.to_string()),
        ("sitemap", site_files::SITEMAP.to_string()),
        ("robots", site_files::ROBOTS.to_string()),
        ("headers", site_files::HEADERS.to_string()),
        ("service_worker", site_files::SERVICE_WORKER.to_string()),
        ("web_manifest", site_files::WEB_MANIFEST.to_string()),
        ("tag_feed", tag_feed("{tag}")),
        ("home_url", Route::Home.url()),
        ("starred_url", Route::Starred.url()),
        ("items_url", Route::Items.url()),
        ("digest_url", template(Route::Digest(SLUG.into()).url())),
        ("item_url", template(Route::item(SLUG, ID).url())),
        (
            "item_in_digest_url",
            template(Route::item_in_digest(SLUG, ID).url()),
        ),
        ("tag_url", template(Route::Tag(TAG.into()).url())),
        ("digest_page", template(page(Route::Digest(SLUG.into())))),
        ("item_page", template(page(Route::item(SLUG, ID)))),
        ("tag_page", template(page(Route::Tag(TAG.into())))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_paths_have_one_shape() {
        assert_eq!(index("ab12"), "data/ab12/index.json");
        assert_eq!(list_page("ab12", 3), "data/ab12/list/3.json");
        assert_eq!(shard("ab12", 0), "data/ab12/d/0.json");
        assert_eq!(stamp_of(&shard("ab12", 0)), Some("ab12"));
        assert_eq!(stamp_of(&search_block("ab12", 7)), Some("ab12"));
        for other in [
            MANIFEST,
            "data/media/x/a.jpg",
            "data/ab12",
            "data/ab12/",
            "d/ab12/x",
        ] {
            assert_eq!(stamp_of(other), None, "{other}");
        }
        let m = media("ai20240526", &["img", "图 1.jpg"]);
        assert_eq!(m.file, "data/media/ai20240526/img/图 1.jpg");
        assert_eq!(m.url, "/data/media/ai20240526/img/%E5%9B%BE%201.jpg");
    }

    #[test]
    fn the_description_is_templates_of_the_same_functions() {
        let d: std::collections::HashMap<_, _> = describe().into_iter().collect();
        assert_eq!(d["shard"], "data/{stamp}/d/{n}.json");
        assert_eq!(d["list_page"], "data/{stamp}/list/{n}.json");
        assert_eq!(d["item_url"], "/d/{slug}/{id}/");
        assert_eq!(d["item_in_digest_url"], "/d/{slug}/?item={id}");
        assert_eq!(d["tag_page"], "tags/{tag}/index.html");
        assert_eq!(d["media"], "data/media/{slug}/{path}");
        for (name, value) in &d {
            assert!(
                !value.contains(SLUG) && !value.contains(STAMP),
                "{name}: {value}"
            );
        }
    }
}
