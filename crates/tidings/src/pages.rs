//! One static HTML page per route, so every deep link opens on a plain
//! static file server: the app's built `index.html` (the shell) with the
//! route's own `<title>` and description, which link previews show. The
//! routes come from the site; where each page goes comes from
//! `tidings_model::url::Route::page_file`. Returns pages; writes nothing.

use std::path::Path;

use tidings_model::url::Route;
use tidings_model::{layout, Manifest, TermCount};

use crate::error::{Error, Result};
use crate::extract::escape_html as escape;
use crate::load::Site;

/// A route with what its page says about it.
struct RoutePage<'a> {
    route: Route,
    title: String,
    description: &'a str,
}

/// Every route of the site that has a page: each digest, each tag and,
/// when `item_pages`, each item.
fn routes<'a>(site: &'a Site, tags: &[TermCount], item_pages: bool) -> Vec<RoutePage<'a>> {
    let mut out = Vec::new();
    for parsed in &site.digests {
        let d = &parsed.digest;
        out.push(RoutePage {
            route: Route::Digest(d.slug.clone()),
            title: d.title.clone(),
            description: &parsed.summary,
        });
        if item_pages {
            for (item, text) in d.items.iter().zip(&parsed.item_summaries) {
                out.push(RoutePage {
                    route: Route::item(&d.slug, &item.id),
                    title: item.title.clone(),
                    description: text,
                });
            }
        }
    }
    for tag in tags {
        out.push(RoutePage {
            route: Route::Tag(tag.name.clone()),
            title: format!("#{}", tag.name),
            description: "",
        });
    }
    out.retain(|p| p.route.page_file().is_some());
    out
}

/// How many pages a build writes: for the routes but items (with
/// `404.html`), and for the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCount {
    pub routes: usize,
    pub items: usize,
}

/// The pages a build of `site` writes.
pub fn count(site: &Site, tags: &[TermCount]) -> PageCount {
    let all = routes(site, tags, true);
    let items = all
        .iter()
        .filter(|p| matches!(p.route, Route::Item { .. }))
        .count();
    PageCount {
        routes: all.len() - items + 1,
        items,
    }
}

/// (path under the site root, HTML) of every route page and `404.html`.
pub fn pages(site: &Site, manifest: &Manifest, shell: &str) -> Vec<(String, String)> {
    let mut out = vec![(
        layout::NOT_FOUND_PAGE.to_string(),
        with_meta(shell, "Not found · tidings", ""),
    )];
    for page in routes(site, &manifest.tags, manifest.item_pages) {
        if let Some(file) = page.route.page_file() {
            let title = format!("{} · tidings", page.title);
            out.push((file, with_meta(shell, &title, page.description)));
        }
    }
    out
}

/// `shell` with its `<title>` replaced and description meta tags added.
fn with_meta(shell: &str, title: &str, description: &str) -> String {
    let (Some(start), Some(end)) = (shell.find("<title>"), shell.find("</title>")) else {
        return shell.to_string();
    };
    let mut head = format!(
        "<title>{}</title><meta property=\"og:title\" content=\"{}\">",
        escape(title),
        escape(title)
    );
    if !description.is_empty() {
        let d = escape(description);
        head.push_str(&format!("<meta name=\"description\" content=\"{d}\"><meta property=\"og:description\" content=\"{d}\">"));
    }
    format!(
        "{}{}{}",
        &shell[..start],
        head,
        &shell[end + "</title>".len()..]
    )
}

/// Checks that a page template can carry per-route titles.
pub fn check_shell(path: &Path, shell: &str) -> Result<()> {
    if shell.contains("<title>") && shell.contains("</title>") {
        Ok(())
    } else {
        Err(Error::BadShell(path.to_path_buf()))
    }
}
