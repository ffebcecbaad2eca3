//! One static HTML page per route, so every deep link opens on a plain
//! static file server and reads before the app starts: the app's built
//! `index.html` (the shell) under the site's base path and language, with
//! the route's title, link-preview meta tags, feed links, the site's
//! settings for the app, and the route's content as plain HTML (the list's
//! first screen, a digest with its items, an item with its body and
//! source). The app replaces that content when it has rendered its own (see
//! `src/lib.rs`). The routes come from the site; where each page goes comes
//! from `tidings_model::url::Route::page_file`. Returns pages; writes
//! nothing.

use std::fmt::Write as _;
use std::path::Path;

use tidings_model::i18n::Text;
use tidings_model::query::{self, Choice, Filter, ListBase, Panel};
use tidings_model::site::{SiteInfo, META_NAME};
use tidings_model::url::{self, Route};
use tidings_model::{html, layout, Digest, Image, Index, Item, Manifest, TermCount};

use crate::digest::Parsed;
use crate::error::{Error, Result};
use crate::load::Site;
use tidings_model::html::escape;

/// Mark what the build step adds to the shell, so a shell read back from
/// a built site can be restored: the head (in place of the `<title>`) and
/// the pre-rendered content.
const HEAD_OPEN: &str = "<!--tidings:head-->";
const OPEN: &str = "<!--tidings-->";
const CLOSE: &str = "<!--/tidings-->";

/// The app's built `index.html`, as Trunk wrote it.
#[derive(Debug, Clone)]
pub struct Shell {
    html: String,
    /// The app's files beside it (script, wasm, CSS, icon), which the
    /// shell links from the site root.
    names: Vec<String>,
    /// Every file of the app beside the shell, counted against the budget.
    pub app_files: usize,
}

impl Shell {
    /// Reads the shell at `path`. A shell a build already wrote into is
    /// restored to the app's own first.
    pub fn read(path: &Path) -> Result<Shell> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let dir = dir.unwrap_or(Path::new("."));
        let app_files = crate::output::app_files(dir)?;
        let names = crate::output::app_names(dir)?;
        Shell::new(path, &text, names, app_files)
    }

    /// The shell `text` read from `path`, beside the app files `names`.
    pub fn new(path: &Path, text: &str, names: Vec<String>, app_files: usize) -> Result<Shell> {
        if !(text.contains("<title>") && text.contains("</title>")) {
            return Err(Error::BadShell(path.to_path_buf()));
        }
        let old_base = written_info(text).map(|i| i.base_path);
        let mut html = strip_marked(text);
        if let Some(base) = old_base.filter(|b| b != "/") {
            for name in &names {
                for q in ['"', '\''] {
                    html = html.replace(&format!("{q}{base}{name}"), &format!("{q}/{name}"));
                }
            }
        }
        // The build step writes the content; the shell's own placeholder
        // for visitors without JavaScript goes.
        html = remove_element(&html, "<noscript>", "</noscript>");
        Ok(Shell {
            html,
            names,
            app_files,
        })
    }

    /// The app's files beside the shell.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The Content-Security-Policy of every page of `site`, for a `<meta>`
    /// in each page and the host's `_headers` (see [`policy`]); none for a
    /// shell `trunk serve` built, whose reloader it rewrites per request.
    pub fn policy(&self, site: &SiteInfo) -> Option<String> {
        let template = self.for_site(site);
        (!served_by_trunk(&template)).then(|| policy(&template))
    }

    /// The shell for `site`: its language, the app's files under its base.
    fn for_site(&self, site: &SiteInfo) -> String {
        let mut html = set_lang(&self.html, &site.language);
        if site.base_path != "/" {
            for name in &self.names {
                for q in ['"', '\''] {
                    html = html.replace(
                        &format!("{q}/{name}"),
                        &format!("{q}{}{name}", site.base_path),
                    );
                }
            }
        }
        html
    }
}

/// The Content-Security-Policy for pages made from `template`: everything
/// from the site itself, the app's wasm compiled (`'wasm-unsafe-eval'`),
/// the template's own inline scripts (Trunk's loader) by their SHA-256
/// and no other inline script or style, and images also from any HTTPS address, because digests link
/// pictures on their publishers' sites.
pub fn policy(template: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let mut script = String::from("script-src 'self' 'wasm-unsafe-eval'");
    for body in inline_scripts(template) {
        let hash = sha2::Sha256::digest(body.as_bytes());
        let _ = write!(
            script,
            " 'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(hash)
        );
    }
    format!("default-src 'self'; {script}; img-src 'self' https:")
}

/// Whether `template` holds the reloader `trunk serve` injects: its
/// address is filled in per request, so no hash of it can hold, and the
/// pages of `make serve` go without a policy.
fn served_by_trunk(template: &str) -> bool {
    template.contains("{{__TRUNK_ADDRESS__}}")
}

/// The text of every `<script>` in `html` without a `src`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script") {
        let after = &rest[at..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let open = &after[..open_end];
        let body_start = open_end + 1;
        let Some(len) = after[body_start..].find("</script>") else {
            break;
        };
        if !open.contains(" src=") {
            out.push(&after[body_start..body_start + len]);
        }
        rest = &after[body_start + len..];
    }
    out
}

/// The site info a build wrote into `html`, if any.
fn written_info(html: &str) -> Option<SiteInfo> {
    let marker = format!("<meta name=\"{META_NAME}\" content=\"");
    let start = html.find(&marker)? + marker.len();
    let end = start + html[start..].find('"')?;
    serde_json::from_str(&unescape(&html[start..end])).ok()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `html` without what a build added; the head it wrote becomes a
/// `<title>` again.
fn strip_marked(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = [HEAD_OPEN, OPEN]
            .iter()
            .filter_map(|m| rest.find(m).map(|at| (at, *m)))
            .min();
        let Some((start, mark)) = next else { break };
        out.push_str(&rest[..start]);
        if mark == HEAD_OPEN {
            out.push_str("<title>tidings</title>");
        }
        match rest[start..].find(CLOSE) {
            Some(end) => rest = &rest[start + end + CLOSE.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn remove_element(html: &str, open: &str, close: &str) -> String {
    match (html.find(open), html.find(close)) {
        (Some(a), Some(b)) if b > a => format!("{}{}", &html[..a], &html[b + close.len()..]),
        _ => html.to_string(),
    }
}

/// `html` with the `lang` attribute of its `<html>` element set.
fn set_lang(html: &str, lang: &str) -> String {
    let Some(start) = html.find("<html") else {
        return html.to_string();
    };
    let end = start + html[start..].find('>').unwrap_or(5);
    let tag = &html[start..end];
    let attrs: String = match tag.find(" lang=\"") {
        Some(i) => {
            let after = &tag[i + 7..];
            let close = after.find('"').map_or(after.len(), |j| j + 1);
            format!("{}{}", &tag[5..i], &after[close..])
        }
        None => tag[5..].to_string(),
    };
    format!(
        "{}<html lang=\"{}\"{}{}",
        &html[..start],
        escape(lang),
        attrs,
        &html[end..]
    )
}

/// The route pages other than items, and the item pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCount {
    pub routes: usize,
    pub items: usize,
}

/// The pages a build of `site` writes: the home page and `404.html`, one
/// per digest and servable tag, and one per item.
pub fn count(site: &Site, tags: &[TermCount]) -> PageCount {
    // A route has a page when each of its names can be a folder, as
    // `Route::page_file` decides; asked of the names, not of a route and
    // its file made for each of ~125,000 items (a serial 35 ms of a
    // rebuild at 10,000 digests).
    let servable = tidings_model::url::servable_segment;
    // Home, items, starred and 404.
    let mut routes = 4;
    let mut items = 0;
    for p in &site.digests {
        let d = &p.digest;
        if servable(&d.slug) {
            routes += 1;
            items += d.items.iter().filter(|i| servable(&i.id)).count();
        }
    }
    routes += tags.iter().filter(|t| servable(&t.name)).count();
    PageCount { routes, items }
}

/// What a page says about itself in its head.
struct Head<'a> {
    title: String,
    description: &'a str,
    /// Root-relative URL of the page.
    url: String,
    article: Option<Article<'a>>,
    image: Option<String>,
    /// A tag page's own feed.
    tag_feed: Option<String>,
    /// The route the page is for (none for the not-found page), which
    /// decides what the header shows.
    route: Option<Route>,
}

impl<'a> Head<'a> {
    /// A page of the site that is not an article (home, a tag, a view).
    fn page(title: String, description: &'a str, route: &Route) -> Head<'a> {
        Head {
            title,
            description,
            url: route.url(),
            article: None,
            image: None,
            tag_feed: None,
            route: Some(route.clone()),
        }
    }
}

struct Article<'a> {
    date: &'a str,
    tags: &'a [String],
}

/// The site's settings as text, for the keys of what is made with them
/// (the pages here, the feeds in `feeds.rs`).
pub(crate) fn settings(info: &SiteInfo) -> Result<String> {
    serde_json::to_string(info).map_err(|e| Error::Serialize {
        path: "the site's settings".into(),
        message: e.to_string(),
    })
}

/// Where [`pages`] gives its pages.
pub struct Sink<'a> {
    /// Takes a page as (path under the site root, HTML).
    pub put: &'a (dyn Fn(String, String) -> Result<()> + Sync),
    /// Whether the output has the page at a path as it was made from
    /// inputs with this key (then it is not made again).
    pub unchanged: &'a (dyn Fn(&str, u64) -> bool + Sync),
}

/// Every route page, `index.html` and `404.html`, each with `policy` (the
/// shell's [`Shell::policy`]) if any, given to the sink as soon as it is
/// made: the digests' pages on every core, so they never all sit in
/// memory. A digest's pages are not made when the sink has them as made
/// from the same inputs (a key of the digest, its summaries, the page
/// template and the site's settings). The pages of `/` and of the tags
/// show their list's first screen from `manifest` and the filter `index`.
pub fn pages(
    site: &Site,
    (manifest, index): (&Manifest, &Index),
    shell: &Shell,
    info: &SiteInfo,
    tag_feeds: bool,
    policy: Option<&str>,
    sink: &Sink<'_>,
) -> Result<()> {
    use rayon::prelude::*;
    use std::hash::{Hash, Hasher};
    let Sink { put, unchanged } = *sink;
    let template = shell.for_site(info);
    // What every digest's pages are made with besides the digest: the
    // template, the policy, the site's settings and whether items have
    // pages of their own.
    let context = {
        let mut h = crate::cache::Fingerprint::default();
        (&template, policy, settings(info)?, manifest.item_pages).hash(&mut h);
        h.finish()
    };
    let text = Text::of(info.lang());
    let render = Render {
        site: info,
        text,
        manifest,
        template: &template,
        policy,
    };
    let first = ListScreen::home(site, manifest);
    // Without a description in the settings, a link preview of the site
    // says how much it holds.
    let (digests, items) = first.held();
    let count = text.count(digests, items);
    let about = match info.description.as_str() {
        "" => count.as_str(),
        set => set,
    };
    let home = Head::page(info.title.clone(), about, &Route::Home);
    let list = format!(
        "<h1 class=\"visually-hidden\">{}</h1>{}",
        escape(&info.title),
        render.browse(&first)
    );
    put(layout::FOLDER_PAGE.to_string(), render.page(&home, &list))?;
    let starred = Head::page(
        format!("{} · {}", text.starred, info.title),
        "",
        &Route::Starred,
    );
    if let Some(file) = Route::Starred.page_file() {
        let body = format!(
            "<section class=\"starred\"><h1>{}</h1><p class=\"summary-line\">{}</p></section>",
            escape(text.starred),
            escape(text.kept_here)
        );
        put(file, render.page(&starred, &body))?;
    }
    let items = Head::page(
        format!("{} · {}", text.all_items, info.title),
        about,
        &Route::Items,
    );
    if let Some(file) = Route::Items.page_file() {
        let body = format!(
            "{}<h1>{}</h1>{}",
            render.crumbs(),
            escape(text.all_items),
            render.browse(&ListScreen::items(site, manifest, info)?)
        );
        put(file, render.page(&items, &body))?;
    }
    let missing = Head {
        route: None,
        ..Head::page(
            format!("{} · {}", text.not_found_title, info.title),
            "",
            &Route::Home,
        )
    };
    put(
        layout::NOT_FOUND_PAGE.to_string(),
        render.page(&missing, &render.not_found()),
    )?;
    site.digests
        .par_iter()
        .try_for_each(|parsed| -> Result<()> {
            let key = {
                let mut h = crate::cache::Fingerprint::default();
                (context, parsed.key()).hash(&mut h);
                h.finish()
            };
            // The digest's page, then its items' (by index), that its
            // last pages do not already hold; only for those is the
            // digest read whole.
            let d = &parsed.digest;
            let digest_page = Route::Digest(d.slug.clone()).page_file();
            let mut todo: Vec<(String, Option<usize>)> = Vec::new();
            if let Some(file) = digest_page.filter(|f| !unchanged(f, key)) {
                todo.push((file, None));
            }
            if manifest.item_pages {
                for (n, item) in d.items.iter().enumerate() {
                    let route = Route::item(&d.slug, &item.id);
                    if let Some(file) = route.page_file().filter(|f| !unchanged(f, key)) {
                        todo.push((file, Some(n)));
                    }
                }
            }
            if todo.is_empty() {
                return Ok(());
            }
            let parsed = parsed.full()?;
            let d = &parsed.digest;
            for (file, n) in todo {
                let (title, description, route, image, body) = match n {
                    None => (
                        format!("{} · {}", d.title, info.title),
                        parsed.summary.as_str(),
                        Route::Digest(d.slug.clone()),
                        lead_image(d, None),
                        render.digest(d),
                    ),
                    Some(n) => {
                        let Some(item) = d.items.get(n) else {
                            continue;
                        };
                        (
                            format!("{} · {}", item.title, info.title),
                            parsed.item_summaries.get(n).map_or("", String::as_str),
                            Route::item(&d.slug, &item.id),
                            lead_image(d, Some(item)),
                            render.item(d, n),
                        )
                    }
                };
                let head = Head {
                    title,
                    description,
                    url: route.url(),
                    route: Some(route),
                    article: Some(Article {
                        date: &d.date,
                        tags: &d.tags,
                    }),
                    image,
                    tag_feed: None,
                };
                put(file, render.page(&head, &body))?;
            }
            Ok(())
        })?;
    // Each tag's page is its list's first screen, with the facets' counts
    // under the tag: from the filter index, as the app's.
    manifest.tags.par_iter().try_for_each(|tag| -> Result<()> {
        let route = Route::Tag(tag.name.clone());
        let Some(file) = route.page_file() else {
            return Ok(());
        };
        let first = ListScreen::tag(site, index, &tag.name);
        // A link preview of the tag says how much carries it.
        let (digests, items) = first.held();
        let about = text.labelled(&format!("#{}", tag.name), &text.count(digests, items));
        let head = Head {
            title: format!("#{} · {}", tag.name, info.title),
            description: &about,
            url: route.url(),
            article: None,
            image: None,
            tag_feed: tag_feeds.then(|| layout::tag_feed(&tag.name)),
            route: Some(route.clone()),
        };
        let body = format!(
            "{}<h1>#{}</h1>{}",
            render.crumbs(),
            escape(&tag.name),
            render.browse(&first)
        );
        put(file, render.page(&head, &body))
    })
}

/// The first screen of a list (`/`, a tag's page or the items view) as
/// the app's first screen shows it.
struct ListScreen<'a> {
    base: ListBase,
    filter: Filter,
    entries: Vec<&'a Parsed>,
    /// On the items view: the items of `entries`.
    item_rows: Vec<html::ItemsViewRow>,
    digests: usize,
    items: u64,
    pages: u32,
    panels: Vec<Panel>,
    archive: Vec<Choice>,
}

impl<'a> ListScreen<'a> {
    /// `/`: the newest digests, and each facet's totals in the manifest
    /// (the app's first screen loads no index).
    fn home(site: &'a Site, manifest: &Manifest) -> ListScreen<'a> {
        Self::unfiltered(site, manifest, ListBase::Home)
    }

    /// The items view (`/items/`): the items of the newest digests, each
    /// story once.
    fn items(site: &'a Site, manifest: &Manifest, info: &SiteInfo) -> Result<ListScreen<'a>> {
        let mut screen = Self::unfiltered(site, manifest, ListBase::Items);
        let full = (screen.entries.iter())
            .map(|p| p.full())
            .collect::<Result<Vec<_>>>()?;
        let digests: Vec<&Digest> = full.iter().map(|p| &p.digest).collect();
        screen.item_rows = html::items_view_rows(&digests, &screen.filter, manifest, info);
        Ok(screen)
    }

    /// The first screen of `base` with no filter, as the app's (which
    /// loads no index for it).
    fn unfiltered(site: &'a Site, manifest: &Manifest, base: ListBase) -> ListScreen<'a> {
        let per_screen = base.per_screen();
        let digests = manifest.digest_count as usize;
        ListScreen {
            entries: site.digests.iter().take(per_screen).collect(),
            item_rows: Vec::new(),
            digests,
            items: manifest.item_count,
            pages: digests.div_ceil(per_screen).max(1) as u32,
            panels: query::unfiltered_panels(manifest, &base),
            archive: query::unfiltered_archive(manifest, &base),
            filter: Filter::default(),
            base,
        }
    }

    /// What the list holds: digests and items.
    fn held(&self) -> (u64, u64) {
        (self.digests as u64, self.items)
    }

    /// A tag's page: its filter applied to the index, as the app does.
    fn tag(site: &'a Site, index: &Index, tag: &str) -> ListScreen<'a> {
        let base = ListBase::Tag(tag.to_string());
        let filter = base.filter(std::iter::empty());
        let results = query::apply(index, &filter, None);
        let (rows, _, pages) = query::screen_of(&results.rows, 1, base.per_screen());
        ListScreen {
            entries: (rows.iter())
                .filter_map(|&r| site.digests.get(r as usize))
                .collect(),
            item_rows: Vec::new(),
            digests: results.rows.len(),
            items: results.items,
            pages,
            panels: query::panels(&results, index, &filter, &base),
            archive: query::archive(&results.months, &filter, &base),
            filter,
            base,
        }
    }
}

/// The image a preview of the digest (or of one of its items) shows: the
/// item's, else the digest's, else its first item's.
fn lead_image(d: &Digest, item: Option<&Item>) -> Option<String> {
    let src = |i: &Option<Image>| i.as_ref().and_then(|i| i.src.clone());
    item.and_then(|i| src(&i.image))
        .or_else(|| src(&d.image))
        .or_else(|| d.items.iter().find_map(|i| src(&i.image)))
}

struct Render<'a> {
    site: &'a SiteInfo,
    text: &'static Text,
    manifest: &'a Manifest,
    template: &'a str,
    /// The Content-Security-Policy every page carries, if any.
    policy: Option<&'a str>,
}

impl Render<'_> {
    fn href(&self, path: &str) -> String {
        escape(&self.site.href(path))
    }

    /// The shell with `head` and `main` in place.
    fn page(&self, head: &Head<'_>, main: &str) -> String {
        let t = self.template;
        let (Some(start), Some(end)) = (t.find("<title>"), t.find("</title>")) else {
            return t.to_string();
        };
        let body_at = t
            .find("<body")
            .and_then(|b| t[b..].find('>').map(|e| b + e + 1))
            .unwrap_or(t.len());
        let mut out = String::with_capacity(t.len() + main.len() + 2048);
        out.push_str(&t[..start]);
        out.push_str(HEAD_OPEN);
        out.push_str(&self.head(head));
        out.push_str(CLOSE);
        let after_title = end + "</title>".len();
        if body_at > after_title {
            out.push_str(&t[after_title..body_at]);
            out.push_str(OPEN);
            out.push_str(&self.body(head.route.as_ref(), main));
            out.push_str(CLOSE);
            out.push_str(&t[body_at..]);
        } else {
            out.push_str(&t[after_title..]);
        }
        out
    }

    fn head(&self, h: &Head<'_>) -> String {
        let s = self.site;
        let mut o = String::new();
        let e = escape;
        // First, so that it governs every script after it.
        if let Some(policy) = self.policy {
            let _ = write!(
                o,
                "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
                e(policy)
            );
        }
        let _ = write!(o, "<title>{}</title>", e(&h.title));
        let meta = |o: &mut String, attr: &str, key: &str, value: &str| {
            let _ = write!(o, "<meta {attr}=\"{key}\" content=\"{}\">", e(value));
        };
        if !h.description.is_empty() {
            meta(&mut o, "name", "description", h.description);
            meta(&mut o, "property", "og:description", h.description);
        }
        meta(&mut o, "property", "og:title", &h.title);
        meta(&mut o, "property", "og:site_name", &s.title);
        meta(&mut o, "property", "og:locale", &og_locale(&s.language));
        let kind = if h.article.is_some() {
            "article"
        } else {
            "website"
        };
        meta(&mut o, "property", "og:type", kind);
        if let Some(url) = s.absolute(&h.url) {
            let _ = write!(o, "<link rel=\"canonical\" href=\"{}\">", e(&url));
            meta(&mut o, "property", "og:url", &url);
        }
        let image = h
            .image
            .as_deref()
            .or(s.image.as_deref())
            .and_then(|i| s.absolute(i));
        meta(
            &mut o,
            "name",
            "twitter:card",
            if image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
        );
        if let Some(image) = image {
            meta(&mut o, "property", "og:image", &image);
        }
        if let Some(a) = &h.article {
            meta(&mut o, "property", "article:published_time", a.date);
            for tag in a.tags {
                meta(&mut o, "property", "article:tag", tag);
            }
        }
        if let Some(author) = &s.author {
            meta(&mut o, "name", "author", author);
        }
        // Feeds need the site's address; without it none are written.
        if s.base_url.is_some() {
            for (kind, path) in crate::feeds::LINKS {
                let _ = write!(
                    o,
                    "<link rel=\"alternate\" type=\"{kind}\" title=\"{}\" href=\"{}\">",
                    e(&s.title),
                    self.href(path)
                );
            }
            if let Some(path) = &h.tag_feed {
                let _ = write!(
                    o,
                    "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{}\" href=\"{}\">",
                    e(&h.title),
                    self.href(path)
                );
            }
        }
        let _ = write!(
            o,
            "<link rel=\"manifest\" href=\"{}\">",
            self.href(tidings_model::layout::site_files::WEB_MANIFEST)
        );
        meta(&mut o, "name", "theme-color", crate::offline::THEME_COLOR);
        let json = serde_json::to_string(s).unwrap_or_default();
        meta(&mut o, "name", META_NAME, &json);
        o
    }

    /// The pre-rendered page: the site's header and the route's content.
    fn body(&self, route: Option<&Route>, main: &str) -> String {
        format!(
            "<div id=\"prerender\">{}<main>{main}</main></div>",
            self.header(route)
        )
    }

    /// The site's header as the app shows it on `route`, so the app's
    /// takes its place at the same height (on a phone the app's header,
    /// with the search box, wrapped to 107 px where the brand alone took
    /// 48): the views' links (the current one marked), the search box
    /// except on the lists (which have their own; read-only here), the
    /// starred link (with none: the stars are the reader's browser's),
    /// the interface languages with the site's pressed, and the feed.
    fn header(&self, route: Option<&Route>) -> String {
        let (t, e) = (self.text, escape);
        let current = |r: Route| {
            if route == Some(&r) {
                " aria-current=\"page\""
            } else {
                ""
            }
        };
        let mut o = String::from("<header class=\"site-header\">");
        let _ = write!(
            o,
            "<a href=\"{}\" class=\"brand\"{}>{}</a>",
            self.href(url::HOME),
            current(Route::Home),
            e(&self.site.title)
        );
        let items = self.href(&Route::Items.url());
        let _ = write!(
            o,
            "<a href=\"{items}\" class=\"items-link\"{}>{}</a>",
            current(Route::Items),
            e(t.all_items)
        );
        if !route.is_some_and(Route::is_list) {
            let _ = write!(
                o,
                "<form class=\"site-search\" role=\"search\" action=\"{items}\"><label><span class=\"visually-hidden\">{}</span><input type=\"search\" name=\"{}\" placeholder=\"{}\" readonly></label></form>",
                e(t.search_label),
                query::TEXT_KEY,
                e(t.search_placeholder)
            );
        }
        let _ = write!(
            o,
            "<a href=\"{}\" class=\"starred-link\"{}>★ {} 0</a>",
            self.href(&Route::Starred.url()),
            current(Route::Starred),
            e(t.starred)
        );
        let _ = write!(
            o,
            "<nav class=\"lang-switch\" aria-label=\"{}\">",
            e(t.language)
        );
        for l in tidings_model::site::Lang::ALL {
            let _ = write!(
                o,
                "<button type=\"button\" lang=\"{}\" aria-pressed=\"{}\">{}</button>",
                l.tag(),
                l == self.site.lang(),
                Text::of(l).name
            );
        }
        o.push_str("</nav>");
        if self.site.base_url.is_some() {
            let feed = e(t.feed);
            let _ = write!(
                o,
                "<a class=\"feed\" href=\"{}\" title=\"{feed}\" aria-label=\"{feed}\"><svg viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\"><circle cx=\"3\" cy=\"13\" r=\"2\"></circle><path d=\"M1 6a9 9 0 0 1 9 9h-2.5A6.5 6.5 0 0 0 1 8.5z\"></path><path d=\"M1 1a14 14 0 0 1 14 14h-2.5A11.5 11.5 0 0 0 1 3.5z\"></path></svg></a>",
                self.href(layout::site_files::RSS)
            );
        }
        o.push_str("</header>");
        o
    }

    /// The way back to the list of digests, above a list's heading.
    fn crumbs(&self) -> String {
        format!(
            "<p class=\"crumbs\"><a href=\"{}\">{}</a></p>",
            self.href(url::HOME),
            escape(self.text.all_digests)
        )
    }

    /// A list's first screen as the app lays it out: the search box, the
    /// dates, the facets, the count, the digests and the pager. The app
    /// takes this copy's place with its own, and nothing moves: a reader
    /// on a slow phone who started reading does not see the list jump
    /// down, and the browser does not count the app's copy as a later,
    /// larger paint.
    ///
    /// The boxes are read-only here, so nothing typed before the app
    /// starts is lost when it takes over.
    fn browse(&self, s: &ListScreen<'_>) -> String {
        let t = self.text;
        let mut o = String::from("<section class=\"browse\"><label class=\"search\">");
        let _ = write!(
            o,
            "<span class=\"visually-hidden\">{}</span><input type=\"search\" placeholder=\"{}\" readonly></label>",
            escape(t.search_label),
            escape(t.search_placeholder)
        );
        let _ = write!(
            o,
            "<div class=\"date-range\"><label>{}<input type=\"date\" readonly></label><label>{}<input type=\"date\" readonly></label></div>",
            escape(t.from),
            escape(t.to)
        );
        let facets = html::Facets {
            panels: &s.panels,
            archive: &s.archive,
            filter: &s.filter,
            base: &s.base,
            opened: &[],
            site: self.site,
            text: t,
        };
        let filters = escape(t.filters);
        let _ = write!(
            o,
            "<button type=\"button\" class=\"facets-toggle\" aria-expanded=\"false\">{filters}</button><nav class=\"facets\" aria-label=\"{filters}\">{}</nav>",
            facets.write()
        );
        let _ = write!(
            o,
            "<p class=\"summary-line\">{}</p>{}",
            html::list_summary(s.held(), &s.filter, &s.base, self.site, t),
            match s.base {
                ListBase::Items => format!(
                    "<ol class=\"item-list\" lang=\"{}\">{}</ol>",
                    escape(&self.site.language),
                    html::items_view_html(&s.item_rows, t)
                ),
                _ => self.digest_list(&s.entries),
            }
        );
        let labels = (t.newer, t.older);
        if let Some(links) =
            html::list_pager((1, s.pages), labels, &s.filter, &s.base, self.site, t)
        {
            // The rest of the list needs the app.
            let _ = write!(
                o,
                "<nav class=\"pager\" aria-label=\"{}\">{links}</nav><noscript><p class=\"summary-line\">{}</p></noscript>",
                escape(t.pages),
                escape(t.needs_js)
            );
        }
        o.push_str("</section>");
        o
    }

    fn digest_list(&self, digests: &[&Parsed]) -> String {
        let mut o = String::from("<ol class=\"digest-list\">");
        for p in digests {
            let summary = p.digest.summary(p.summary.clone());
            o.push_str(&html::digest_card(&summary, self.site, self.text, false));
        }
        o.push_str("</ol>");
        o
    }

    /// The page of the model's [`html::Page`] as the build writes it:
    /// every item unmarked (the reader's marks are the app's), no share
    /// button (whether the browser has a share sheet is the app's to know).
    fn html_page(&self) -> html::Page<'_> {
        html::Page {
            site: self.site,
            text: self.text,
            manifest: self.manifest,
            marks: &|_| html::Marks::default(),
            share: false,
        }
    }

    fn digest(&self, d: &Digest) -> String {
        let content = html::digest_content(d, &self.html_page());
        html::article("digest", &self.site.language, &content)
    }

    fn item(&self, d: &Digest, n: usize) -> String {
        let content = html::item_content(d, n, &self.html_page());
        html::article("item-page", &self.site.language, &content)
    }

    fn not_found(&self) -> String {
        let message = self.text.was_not_found(self.text.this_page);
        format!(
            "<section class=\"not-found\">{}</section>",
            html::not_found_content(&message, self.site, self.text)
        )
    }
}

/// `og:locale` for a language tag: `zh-CN` → `zh_CN`; a bare `zh` or
/// `en` gets its most common territory.
fn og_locale(tag: &str) -> String {
    let mut parts = tag.split(['-', '_']);
    let lang = parts.next().unwrap_or("").to_ascii_lowercase();
    match parts.next() {
        Some(region) if region.len() == 2 => format!("{lang}_{}", region.to_ascii_uppercase()),
        _ => match lang.as_str() {
            "zh" => "zh_CN".into(),
            "en" => "en_US".into(),
            other => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHELL: &str = "<!doctype html><html lang=\"en\"><head><title>tidings</title><link rel=\"stylesheet\" href=\"/style-1.css\"><script type=\"module\">import init from '/app-1.js';init({module_or_path: '/app-1_bg.wasm'});</script></head><body><noscript>needs JS</noscript></body></html>";

    fn shell(text: &str) -> Shell {
        let names = ["style-1.css", "app-1.js", "app-1_bg.wasm"]
            .map(String::from)
            .to_vec();
        Shell::new(Path::new("index.html"), text, names, 4).expect("shell")
    }

    #[test]
    fn a_built_page_is_restored_to_the_shell_it_came_from() {
        let site = SiteInfo {
            base_path: "/repo/".into(),
            base_url: Some("https://u.github.io/repo/".into()),
            language: "zh-CN".into(),
            ..SiteInfo::default()
        };
        let template = shell(SHELL).for_site(&site);
        assert!(template.contains("href=\"/repo/style-1.css\""));
        assert!(template.contains("from '/repo/app-1.js'"));
        assert!(template.contains("'/repo/app-1_bg.wasm'"));
        assert!(template.starts_with("<!doctype html><html lang=\"zh-CN\">"));
        assert!(!template.contains("noscript"));
        let manifest_less = Render {
            site: &site,
            text: Text::of(site.lang()),
            manifest: &dummy_manifest(),
            template: &template,
            policy: Some(&policy(&template)),
        };
        let head = Head {
            title: "T".into(),
            description: "",
            url: "/d/x/".into(),
            article: None,
            image: None,
            tag_feed: None,
            route: None,
        };
        let page = manifest_less.page(&head, "<p>x</p>");
        assert!(page.contains("<link rel=\"canonical\" href=\"https://u.github.io/repo/d/x/\">"));
        // Read back, the page gives the app's shell again (but the
        // language, which every build sets).
        let again = shell(&page);
        assert_eq!(set_lang(&again.html, "en"), shell(SHELL).html);
    }

    #[test]
    fn the_policy_allows_the_shells_inline_scripts_by_hash_only() {
        let template = shell(SHELL).for_site(&SiteInfo::default());
        // printf %s "<script text>" | openssl dgst -sha256 -binary | base64
        assert_eq!(
            policy(&template),
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' \
             'sha256-BMi3skbvpGC/hF88OcbwBbIUpIsVqd+RV6aiCOobSL4='; img-src 'self' https:"
        );
        let two = "<script type=\"module\">a()</script><script src=\"/x.js\"></script><script>b()</script>";
        assert_eq!(inline_scripts(two), ["a()", "b()"]);
        assert_eq!(inline_scripts("<script>unclosed"), Vec::<&str>::new());
        // Under `trunk serve` the reloader's address is filled in per
        // request: no policy rather than one that blocks it.
        let served = SHELL.replace(
            "</body>",
            "<script>const a = '{{__TRUNK_ADDRESS__}}';</script></body>",
        );
        assert_eq!(shell(&served).policy(&SiteInfo::default()), None);
        assert!(shell(SHELL).policy(&SiteInfo::default()).is_some());
    }

    fn dummy_manifest() -> Manifest {
        serde_json::from_str(
            r#"{"schema":3,"stamp":"s","digest_count":0,"item_count":0,"page_size":100,"page_count":0,"shard_count":0,"item_pages":true,"tags":[],"categories":[]}"#,
        )
        .expect("manifest")
    }

    #[test]
    fn locales() {
        assert_eq!(og_locale("zh-CN"), "zh_CN");
        assert_eq!(og_locale("zh"), "zh_CN");
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("en-gb"), "en_GB");
    }

    #[test]
    fn lang_is_set_on_the_html_element() {
        assert_eq!(
            set_lang("<html lang=\"en\" class=\"x\">", "zh"),
            "<html lang=\"zh\" class=\"x\">"
        );
        assert_eq!(set_lang("<html>", "en"), "<html lang=\"en\">");
    }
}
