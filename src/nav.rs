//! The app's router: the address (the path under the site's base path,
//! and the query) in one signal; the route and the query's pairs derived
//! from it, through the model's [`Route::parse`] and
//! [`query::query_pairs`], the same reading the build step's pages and
//! links are made with. Links to the app's own pages are followed in the
//! page (one listener for the whole window); Back and Forward come in as
//! `popstate`. Links to anything else (the feed, data files, downloads,
//! other sites, other tabs) are left to the browser.

use leptos::ev;
use leptos::prelude::*;
use tidings_model::query;
use tidings_model::url::{self, Route};
use wasm_bindgen::JsCast;

use crate::site;

/// Where the reader is.
#[derive(Clone, Copy)]
pub struct Nav {
    /// The path under the base path (percent-encoded, as in the address
    /// bar) and the query without its `?`.
    address: RwSignal<(String, String)>,
    /// The page of the path; `None` for a path the app does not know.
    pub route: Memo<Option<Route>>,
    /// The query's percent-decoded pairs.
    pub query: Memo<Vec<(String, String)>>,
}

/// The part of a site-absolute path under the site's base path (`/` for
/// the base itself); `None` outside it.
fn under_base(path: &str) -> Option<String> {
    let base = site::router_base().unwrap_or_default();
    let rest = path.strip_prefix(base.as_str())?;
    match rest {
        "" => Some(url::HOME.to_string()),
        _ if rest.starts_with('/') => Some(rest.to_string()),
        _ => None,
    }
}

/// The address bar's path (under the base path) and query.
fn address() -> (String, String) {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    (
        under_base(&path).unwrap_or(path),
        search.trim_start_matches('?').to_string(),
    )
}

/// Sets up the router for the app's whole life and gives it to every view
/// under it.
pub fn provide() -> Nav {
    let address = RwSignal::new(address());
    let nav = Nav {
        address,
        route: Memo::new(move |_| address.with(|(path, _)| Route::parse(path, None))),
        query: Memo::new(move |_| address.with(|(_, search)| query::query_pairs(search))),
    };
    provide_context(nav);
    // The handles live as long as the page: the app is never unmounted.
    window_event_listener(ev::popstate, move |_| nav.sync());
    window_event_listener(ev::click, move |e| nav.on_click(&e));
    nav
}

/// The router [`provide`] set up.
pub fn use_nav() -> Nav {
    expect_context()
}

/// A value of the current route, kept while another route shows (so a
/// page on its way out does not load an empty one).
pub fn param(pick: fn(&Route) -> Option<String>) -> Signal<String> {
    let nav = use_nav();
    Memo::new(move |prev: Option<&String>| {
        (nav.route.with(|r| r.as_ref().and_then(pick)))
            .or_else(|| prev.cloned())
            .unwrap_or_default()
    })
    .into()
}

impl Nav {
    /// The value of `key` in the query.
    pub fn query_value(&self, key: &str) -> Option<String> {
        self.query
            .with(|q| q.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    /// Goes to `target` (a site-absolute URL under the base path: path,
    /// query, fragment), with a history entry of its own unless `replace`
    /// (none when it is the address already), and to the top of the page
    /// (or its fragment) when `scroll`.
    pub fn go(&self, target: &str, replace: bool, scroll: bool) {
        let location = window().location();
        let here = [location.pathname(), location.search(), location.hash()]
            .map(Result::unwrap_or_default)
            .concat();
        if let Ok(history) = window().history() {
            let done = if replace {
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(target))
            } else if target != here {
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(target))
            } else {
                Ok(())
            };
            if done.is_err() {
                // Not a URL of this document: the browser's to load.
                _ = location.set_href(target);
                return;
            }
        }
        self.sync();
        if scroll {
            scroll_to(&location.hash().unwrap_or_default());
        }
    }

    /// Reads the address bar again (after Back, Forward or [`Nav::go`]).
    fn sync(&self) {
        let now = address();
        if self.address.with_untracked(|a| *a != now) {
            self.address.set(now);
        }
    }

    /// Follows a plain click on a link to one of the app's pages in the
    /// page; any other click is the browser's.
    fn on_click(&self, e: &web_sys::MouseEvent) {
        let plain = e.button() == 0
            && !(e.default_prevented() || e.meta_key() || e.alt_key())
            && !(e.ctrl_key() || e.shift_key());
        if !plain {
            return;
        }
        let Some(link) = (e.target())
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        let external = link
            .get_attribute("rel")
            .is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r == "external"));
        if !link.target().is_empty() || link.has_attribute("download") || external {
            return;
        }
        let location = window().location();
        if link.origin() != location.origin().unwrap_or_default() {
            return;
        }
        let (path, search, hash) = (link.pathname(), link.search(), link.hash());
        let ours = under_base(&path).is_some_and(|p| Route::parse(&p, None).is_some());
        let same_page = location.pathname().is_ok_and(|p| p == path)
            && location.search().is_ok_and(|s| s == search);
        // Another fragment of this page is the browser's to scroll to.
        if !ours || (same_page && !hash.is_empty()) {
            return;
        }
        e.prevent_default();
        self.go(&format!("{path}{search}{hash}"), false, true);
    }
}

/// Scrolls to the element a fragment names, or to the top of the page.
fn scroll_to(hash: &str) {
    let id = url::decode_segment(hash.trim_start_matches('#'));
    match (!id.is_empty())
        .then(|| document().get_element_by_id(&id))
        .flatten()
    {
        Some(el) => el.scroll_into_view(),
        None => window().scroll_to_with_x_and_y(0.0, 0.0),
    }
}

/// `aria-current` for a link to `route`: `page` while it shows.
pub fn current(route: Route) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
    let nav = use_nav();
    move || {
        nav.route
            .with(|r| r.as_ref() == Some(&route))
            .then_some("page")
    }
}
