//! A digest's or an item's page: the model's HTML (`tidings_model::html`,
//! the same markup the build pre-renders) set as the article's content in
//! one DOM call, made to work by listening on the article itself: its
//! buttons name their item by `data-item`, and one effect keeps the stars
//! and read marks in step with the reader's state.

use std::sync::Arc;

use leptos::prelude::*;
use tidings_model::html::{self, Marks};
use tidings_model::reading::Reading;
use tidings_model::{Digest, Item, Manifest};
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::site::{self, href};

/// Digest `digest`, or with `item`, its item at that position.
#[component]
pub fn Article(manifest: Arc<Manifest>, digest: Arc<Digest>, item: Option<usize>) -> impl IntoView {
    let text = site::text();
    let reading = crate::reading::use_reading();
    let share = can_share();
    let content = {
        let state = reading.state.read_untracked();
        let marks = |i: &Item| Marks {
            starred: state.is_starred(&digest.slug, &i.id),
            read: state.is_read(&digest.slug, &i.id),
        };
        let page = html::Page {
            site: site::info(),
            text,
            manifest: &manifest,
            marks: &marks,
            share,
        };
        match item {
            Some(n) => html::item_content(&digest, n, &page),
            None => html::digest_content(&digest, &page),
        }
    };
    let node = NodeRef::<leptos::html::Article>::new();
    {
        let slug = digest.slug.clone();
        crate::components::effect(move || {
            let state = reading.state.read();
            if let Some(el) = node.get() {
                show_marks(&el, &slug, &state, text);
            }
        });
    }
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button").ok().flatten())
        else {
            return;
        };
        let d = &digest;
        if button.matches(".mark-all").unwrap_or(false) {
            let ids = d.items.iter().map(|i| i.id.as_str());
            reading.state.update(|s| s.mark_all_read(&d.slug, ids));
            return;
        }
        let Some(item) = button
            .closest("[data-item]")
            .ok()
            .flatten()
            .and_then(|row| row.get_attribute("data-item"))
            .and_then(|id| d.items.iter().find(|i| i.id == id))
        else {
            return;
        };
        let is = |class: &str| button.matches(class).unwrap_or(false);
        let url = || {
            let origin = window().location().origin().unwrap_or_default();
            format!("{origin}{}", href(&manifest.item_url(&d.slug, &item.id)))
        };
        if is(".copy-link") {
            copy(button, url(), text.copied);
        } else if is(".share-button") {
            open_share_sheet(&url(), &item.title);
        } else if is(".star") {
            let starred = crate::routes::item::starred(d, item);
            reading.state.update(|s| {
                s.toggle_star(starred);
            });
        } else if is(".read-toggle") {
            reading.state.update(|s| {
                let read = s.is_read(&d.slug, &item.id);
                s.set_read(&d.slug, &item.id, !read);
            });
        }
    };
    // An image that fails to load gives way to its placeholder. (`error`
    // does not bubble, so the article listens in the capture phase.)
    let on_error = move |ev: leptos::ev::ErrorEvent| {
        let Some(img) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .filter(|e| e.tag_name().eq_ignore_ascii_case("img"))
        else {
            return;
        };
        if let Ok(Some(figure)) = img.closest("figure.item-image") {
            let alt = img.get_attribute("alt").unwrap_or_default();
            figure.set_inner_html(&html::image_placeholder(&alt, text.image_missing));
        }
    };
    let class = if item.is_some() {
        "item-page"
    } else {
        "digest"
    };
    view! {
        <article class=class lang=site::info().language.clone() node_ref=node inner_html=content
            on:click=on_click on:error:capture=on_error></article>
    }
}

/// Sets each item's star, read button and read mark as `state` has them.
fn show_marks(article: &Element, slug: &str, state: &Reading, text: &tidings_model::i18n::Text) {
    let Ok(rows) = article.query_selector_all("[data-item]") else {
        return;
    };
    for n in 0..rows.length() {
        let Some(row) = rows.item(n).and_then(|r| r.dyn_into::<Element>().ok()) else {
            continue;
        };
        let Some(id) = row.get_attribute("data-item") else {
            continue;
        };
        let (starred, read) = (state.is_starred(slug, &id), state.is_read(slug, &id));
        if let Ok(Some(star)) = row.query_selector(".star") {
            let _ = star.set_attribute("aria-pressed", if starred { "true" } else { "false" });
            set_text(&star, &html::star_label(starred, text));
        }
        if let Ok(Some(toggle)) = row.query_selector(".read-toggle") {
            set_text(&toggle, html::read_label(read, text));
        }
        if let Ok(Some(li)) = row.closest("li.item") {
            let class = if read { "item read" } else { "item" };
            if li.class_name() != class {
                li.set_class_name(class);
            }
        }
    }
}

/// Changes `el`'s text only if it differs (no needless DOM mutation).
pub(crate) fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Whether the browser has a share sheet (`navigator.share`).
fn can_share() -> bool {
    js_sys::Reflect::has(&window().navigator(), &"share".into()).unwrap_or(false)
}

/// Copies `url`; once the clipboard has it, the button says `copied`.
/// Refused (no permission, no focus): the label stays.
fn copy(button: Element, url: String, copied: &'static str) {
    let promise = window().navigator().clipboard().write_text(&url);
    leptos::task::spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            button.set_text_content(Some(copied));
        }
    });
}

/// Opens the system's share sheet for the link; the reader closing it
/// rejects the promise, which needs nothing done.
fn open_share_sheet(url: &str, title: &str) {
    let navigator = window().navigator();
    let Some(share) = js_sys::Reflect::get(&navigator, &"share".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return;
    };
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"url".into(), &url.into());
    let _ = js_sys::Reflect::set(&data, &"title".into(), &title.into());
    if let Ok(promise) = share
        .call1(&navigator, &data)
        .and_then(|p| p.dyn_into::<js_sys::Promise>())
    {
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}
