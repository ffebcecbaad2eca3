//! The keyboard (`tidings_model::keys` says which key does what): moves the
//! focus between the rows of the page (digests on a list, items on a
//! digest), opens, stars and marks them, and shows the keys on `?`.

use leptos::ev;
use leptos::prelude::*;
use tidings_model::keys::{self, Action, KEYS};
use wasm_bindgen::JsCast;

use crate::site;

/// The links that stand for the rows of the page in view.
const ROWS: &str = ".app .digest-card h2 a, .app .item h2 a";

fn html(el: web_sys::Element) -> Option<web_sys::HtmlElement> {
    el.dyn_into::<web_sys::HtmlElement>().ok()
}

fn first(selector: &str) -> Option<web_sys::HtmlElement> {
    document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(html)
}

fn rows() -> Vec<web_sys::HtmlElement> {
    let Ok(list) = document().query_selector_all(ROWS) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(html)
        .collect()
}

/// The row holding the focus, or (on an item's page) the page itself.
fn row_of(focused: &web_sys::Element) -> Option<web_sys::Element> {
    focused
        .closest(".digest-card, .item")
        .ok()
        .flatten()
        .or_else(|| document().query_selector(".app .item-page").ok().flatten())
}

fn click_in(scope: Option<web_sys::Element>, selector: &str) {
    if let Some(el) = scope
        .and_then(|s| s.query_selector(selector).ok().flatten())
        .and_then(html)
    {
        el.click();
    }
}

fn typing(target: Option<web_sys::Element>) -> bool {
    target.is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// Listens for the keys for as long as the app runs; `help` shows the sheet.
pub fn install(help: RwSignal<bool>) {
    let after_g = StoredValue::new(false);
    let handle = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let target = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let key = e.key();
        if typing(target.clone()) {
            if key == "Escape" {
                if let Some(el) = target.and_then(html) {
                    el.blur().ok();
                }
            }
            return;
        }
        let (action, pending) = keys::action(&key, after_g.get_value());
        after_g.set_value(pending);
        let Some(action) = action else { return };
        let focused = document().active_element();
        match action {
            Action::Next | Action::Prev => {
                let rows = rows();
                if rows.is_empty() {
                    // An item's own page: the neighbours are its rows.
                    let rel = if action == Action::Next {
                        "next"
                    } else {
                        "prev"
                    };
                    if let Some(a) = first(&format!(".app a[rel={rel}]")) {
                        a.click();
                    }
                    return;
                }
                // The row in focus: its link, or any element inside it.
                let current = focused.and_then(|f| {
                    let link = f
                        .closest(".digest-card, .item")
                        .ok()
                        .flatten()
                        .and_then(|row| row.query_selector("h2 a").ok().flatten())
                        .unwrap_or(f);
                    rows.iter().position(|r| {
                        let r: &web_sys::Element = r;
                        *r == link
                    })
                });
                if let Some(i) = keys::step(current, rows.len(), action) {
                    e.prevent_default();
                    let _ = rows[i].focus();
                }
            }
            Action::Open => {
                // Enter on a link opens it already.
                if key == "o" {
                    if let Some(a) = focused.filter(|f| f.tag_name() == "A").and_then(html) {
                        a.click();
                    }
                }
            }
            Action::Star => click_in(focused.and_then(|f| row_of(&f)), ".star"),
            Action::Read => click_in(focused.and_then(|f| row_of(&f)), ".read-toggle"),
            Action::Search => {
                if let Some(input) = first(".app input[type=search]") {
                    e.prevent_default();
                    let _ = input.focus();
                }
            }
            // The header's own link: the same URL under any base path.
            Action::Home => {
                if let Some(a) = first(".app a.brand") {
                    a.click();
                }
            }
            Action::Back => {
                if help.get_untracked() {
                    help.set(false);
                } else if let Some(a) = first(".app .crumbs a") {
                    a.click();
                }
            }
            Action::Help => help.update(|h| *h = !*h),
        }
    });
    on_cleanup(move || handle.remove());
}

/// The `?` sheet.
#[component]
pub fn KeysHelp(open: RwSignal<bool>) -> impl IntoView {
    let text = site::text();
    let sheet = move || {
        view! {
            <div class="keys-help" role="dialog" aria-label=text.keys_title data-testid="keys-help">
                <h2>{text.keys_title}</h2>
                <dl>
                    {KEYS
                        .iter()
                        .map(|(k, a)| view! { <dt><kbd>{*k}</kbd></dt><dd>{text.key_help(*a)}</dd> })
                        .collect_view()}
                </dl>
            </div>
        }
        .into_any()
    };
    crate::components::shown(move || open.get(), sheet, crate::components::nothing)
}
