//! The app's URLs and the routes behind them. The bundler writes a static
//! HTML page at each route's [`Route::page_file`], the app's router is
//! built from the same segments ([`DIGESTS`], [`TAGS`], [`ITEM_QUERY`]),
//! and every link either side makes comes from [`Route::url`].

/// `/`: the list of digests.
pub const HOME: &str = "/";

/// The first path segment of digest and item routes: `/d/<slug>/`.
pub const DIGESTS: &str = "d";

/// The first path segment of tag routes: `/tags/<tag>/`.
pub const TAGS: &str = "tags";

/// `/starred/`: the items the reader kept for later (kept in their browser).
pub const STARRED: &str = "starred";

/// `/items/`: items across digests, under the filters in the query.
pub const ITEMS: &str = "items";

/// The query key that addresses an item inside its digest's page.
pub const ITEM_QUERY: &str = "item";

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Route {
    /// `/`: every digest, under the filters in the query.
    Home,
    /// `/tags/<tag>/`: the digests carrying a tag.
    Tag(String),
    /// `/d/<slug>/`: one digest with all its items.
    Digest(String),
    /// `/d/<slug>/<id>/`, or `/d/<slug>/?item=<id>` when `in_digest`: one item.
    Item {
        slug: String,
        id: String,
        in_digest: bool,
    },
    /// `/starred/`: the reader's starred items.
    Starred,
    /// `/items/`: items across digests, newest first.
    Items,
}

impl Route {
    /// The item's own page.
    pub fn item(slug: &str, id: &str) -> Route {
        Route::Item {
            slug: slug.to_string(),
            id: id.to_string(),
            in_digest: false,
        }
    }

    /// The item inside its digest's page (sites without per-item pages).
    pub fn item_in_digest(slug: &str, id: &str) -> Route {
        Route::Item {
            slug: slug.to_string(),
            id: id.to_string(),
            in_digest: true,
        }
    }

    /// Whether the route is a list view (`/`, a tag, the items view): one
    /// with its own search box and filters, so the header shows none.
    pub fn is_list(&self) -> bool {
        matches!(self, Route::Home | Route::Items | Route::Tag(_))
    }

    /// The site-absolute URL of the route (path and, for an item inside its
    /// digest, the query), every segment percent-encoded.
    pub fn url(&self) -> String {
        match self {
            Route::Home => HOME.to_string(),
            Route::Starred => format!("/{STARRED}/"),
            Route::Items => format!("/{ITEMS}/"),
            Route::Tag(name) => format!("/{TAGS}/{}/", encode_segment(name)),
            Route::Digest(slug) => format!("/{DIGESTS}/{}/", encode_segment(slug)),
            Route::Item {
                slug,
                id,
                in_digest: false,
            } => format!(
                "/{DIGESTS}/{}/{}/",
                encode_segment(slug),
                encode_segment(id)
            ),
            Route::Item {
                slug,
                id,
                in_digest: true,
            } => format!(
                "/{DIGESTS}/{}/?{ITEM_QUERY}={}",
                encode_segment(slug),
                encode_segment(id)
            ),
        }
    }

    /// Where the route's HTML page is written, relative to the site root:
    /// the folder a static server maps the decoded path to, plus
    /// `index.html`. `None` for an item inside its digest (the digest's
    /// page serves it) and for a tag no folder can be named after.
    pub fn page_file(&self) -> Option<String> {
        let page = crate::layout::FOLDER_PAGE;
        match self {
            Route::Home => Some(page.to_string()),
            Route::Starred => Some(format!("{STARRED}/{page}")),
            Route::Items => Some(format!("{ITEMS}/{page}")),
            Route::Tag(name) => servable_segment(name).then(|| format!("{TAGS}/{name}/{page}")),
            Route::Digest(slug) => {
                servable_segment(slug).then(|| format!("{DIGESTS}/{slug}/{page}"))
            }
            Route::Item {
                in_digest: true, ..
            } => None,
            Route::Item { slug, id, .. } => (servable_segment(slug) && servable_segment(id))
                .then(|| format!("{DIGESTS}/{slug}/{id}/{page}")),
        }
    }

    /// The route of a site-absolute path (percent-encoded, with or without
    /// the trailing `/`) and the value of its `item` query key, as the
    /// app's router reads it; `None` for a path the app does not know.
    pub fn parse(path: &str, item_query: Option<&str>) -> Option<Route> {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode_segment)
            .collect();
        match segments.as_slice() {
            [] => Some(Route::Home),
            [only] if only == STARRED => Some(Route::Starred),
            [only] if only == ITEMS => Some(Route::Items),
            [first, tag] if first == TAGS => Some(Route::Tag(tag.clone())),
            [first, slug] if first == DIGESTS => Some(match item_query {
                Some(id) => Route::item_in_digest(slug, id),
                None => Route::Digest(slug.clone()),
            }),
            [first, slug, id] if first == DIGESTS => Some(Route::item(slug, id)),
            _ => None,
        }
    }
}

/// `/d/<slug>/`: one digest with all its items.
pub fn digest(slug: &str) -> String {
    Route::Digest(slug.to_string()).url()
}

/// `/d/<slug>/<item id>/`: one news item, the link people share.
pub fn item(slug: &str, id: &str) -> String {
    Route::item(slug, id).url()
}

/// `/d/<slug>/?item=<item id>`: one news item, addressed inside its
/// digest's page (for sites too large for one HTML file per item).
pub fn item_in_digest(slug: &str, id: &str) -> String {
    Route::item_in_digest(slug, id).url()
}

/// The link to a tag's view: `/tags/<tag>/`, or `/?tag=<tag>` for a tag
/// that cannot have a page of its own (one containing `/`), so the link
/// also opens in a fresh tab on a plain static server.
pub fn tag(name: &str) -> String {
    let route = Route::Tag(name.to_string());
    if route.page_file().is_some() {
        route.url()
    } else {
        format!(
            "{HOME}?{}={}",
            crate::facet::Facet::Tag.key(),
            encode_segment(name)
        )
    }
}

/// Whether `name` can be a folder name that a static server maps its
/// percent-decoded URL segment to.
pub fn servable_segment(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so any
/// tag (CJK, spaces, `#`, `/`, `&`) survives as one path segment.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0x0f));
        }
    }
    out
}

fn hex_digit(n: u8) -> char {
    char::from(if n < 10 { b'0' + n } else { b'A' + n - 10 })
}

/// Decodes `%XX` escapes. Malformed escapes are kept as they are, and a
/// result that is not UTF-8 falls back to the input unchanged.
pub fn decode_segment(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_has_a_page_exactly_when_each_name_is_a_servable_segment() {
        // The build counts pages by the names alone (`pages::count`).
        let names = [
            "a",
            "",
            ".",
            "..",
            "a/b",
            "a\\b",
            "x\0",
            "人工智能",
            "C++",
            ".a",
        ];
        for slug in names {
            let digest = Route::Digest(slug.into()).page_file().is_some();
            assert_eq!(digest, servable_segment(slug), "{slug:?}");
            assert_eq!(
                Route::Tag(slug.into()).page_file().is_some(),
                servable_segment(slug)
            );
            for id in names {
                let item = Route::item(slug, id).page_file().is_some();
                assert_eq!(
                    item,
                    servable_segment(slug) && servable_segment(id),
                    "{slug:?} {id:?}"
                );
            }
        }
    }

    #[test]
    fn paths_have_one_shape() {
        assert_eq!(digest("ai20240526"), "/d/ai20240526/");
        assert_eq!(item("ai20240526", "k3x9a2bq"), "/d/ai20240526/k3x9a2bq/");
        assert_eq!(tag("AI"), "/tags/AI/");
        assert_eq!(item_in_digest("a", "b"), "/d/a/?item=b");
        assert_eq!(tag("a/b"), "/?tag=a%2Fb");
    }

    #[test]
    fn every_route_parses_back_from_its_url() {
        let routes = [
            Route::Home,
            Route::Starred,
            Route::Items,
            Route::Tag("人工智能".into()),
            Route::Tag("R&D x#y".into()),
            Route::Digest("ai20240526".into()),
            Route::item("2025-09-08", "k3x9a2bq-2"),
        ];
        for r in routes {
            assert_eq!(Route::parse(&r.url(), None), Some(r.clone()), "{}", r.url());
        }
        let inside = Route::item_in_digest("s", "x");
        assert_eq!(Route::parse("/d/s/", Some("x")), Some(inside));
        assert_eq!(Route::parse("/d/s", None), Some(Route::Digest("s".into())));
        assert_eq!(Route::parse("/no/such/page", None), None);
        assert_eq!(Route::parse("/d/a/b/c/", None), None);
    }

    #[test]
    fn pages_sit_where_static_servers_look() {
        assert_eq!(Route::Home.page_file().as_deref(), Some("index.html"));
        assert_eq!(
            Route::Tag("人工智能".into()).page_file().as_deref(),
            Some("tags/人工智能/index.html")
        );
        assert_eq!(
            Route::item("s", "x").page_file().as_deref(),
            Some("d/s/x/index.html")
        );
        assert_eq!(Route::Tag("a/b".into()).page_file(), None);
        assert_eq!(Route::Tag("..".into()).page_file(), None);
        assert_eq!(Route::item_in_digest("s", "x").page_file(), None);
    }

    #[test]
    fn cjk_tags_are_percent_encoded_as_utf8() {
        assert_eq!(
            tag("人工智能"),
            "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"
        );
    }

    #[test]
    fn awkward_tags_round_trip() {
        for t in [
            "a b",
            "c#",
            "x/y",
            "R&D",
            "人工智能",
            "100%",
            "%E4",
            "",
            "~._-",
        ] {
            let enc = encode_segment(t);
            assert!(!enc.contains(['/', '#', '&', ' ', '?']), "{enc}");
            assert_eq!(decode_segment(&enc), t);
        }
    }

    #[test]
    fn malformed_escapes_are_kept() {
        assert_eq!(decode_segment("100%"), "100%");
        assert_eq!(decode_segment("%zz"), "%zz");
        assert_eq!(decode_segment("%E4"), "%E4");
    }
}
