//! `/starred/`: the items the reader kept for later, from their browser's
//! storage, with export and import of that state as a JSON file.

use leptos::prelude::*;
use tidings_model::html;
use tidings_model::reading::{key, Reading};
use wasm_bindgen::JsCast;

use crate::components::page_title;
use crate::reading::use_reading;
use crate::site::{self, href};
use crate::ManifestResource;

#[component]
pub fn StarredPage() -> impl IntoView {
    let text = site::text();
    let r = use_reading();
    let ManifestResource(manifest) = expect_context();
    page_title(move || text.starred.to_string());
    site::take_over();
    // Item links follow the site's item-page mode once the manifest is in.
    let item_url = move |slug: &str, id: &str| match manifest
        .get()
        .as_ref()
        .and_then(|m| m.as_ref().ok().cloned())
    {
        Some(m) => m.item_url(slug, id),
        None => tidings_model::url::item(slug, id),
    };
    let export = move || {
        let json = r.state.read().to_json();
        format!(
            "data:application/json;charset=utf-8,{}",
            js_sys::encode_uri_component(&json)
        )
    };
    // What the last import added, or why the file was refused.
    let note = RwSignal::new(String::new());
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // Emptied, so choosing the same file again imports it again.
        input.set_value("");
        let (name, promise) = (file.name(), file.text());
        leptos::task::spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(promise).await;
            let said = match read.ok().and_then(|t| t.as_string()) {
                None => text.damaged(&name),
                Some(json) => match Reading::parse(&json) {
                    Ok(imported) => {
                        let added = r.state.try_update(|s| s.merge(imported));
                        text.imported(&name, added.unwrap_or_default())
                    }
                    Err(e) => text.import_failed(&name, e.line, e.column),
                },
            };
            note.set(said);
        });
    };
    // The rows are the model's HTML, brought in step with the reader's
    // state: a row unstarred goes, a new one is made, a kept one keeps its
    // element (and the focus) and has its read button relabelled.
    let list = NodeRef::<leptos::html::Ol>::new();
    let mut shown: Vec<(String, web_sys::Element)> = Vec::new();
    let mut shown_in: Option<web_sys::Element> = None;
    crate::components::effect(move || {
        let Some(ol) = list.get() else { return };
        let ol: &web_sys::Element = &ol;
        if shown_in.as_ref() != Some(ol) {
            // A list mounted again (after the view was empty) starts empty.
            shown.clear();
            shown_in = Some(ol.clone());
        }
        let state = r.state.read();
        let links: Vec<String> = (state.starred.iter())
            .map(|s| href(&item_url(&s.slug, &s.id)))
            .collect();
        // A row's key has its link, which changes once the manifest is in.
        let keys = (state.starred.iter().zip(&links))
            .map(|(s, link)| format!("{} {link}", key(&s.slug, &s.id)))
            .collect();
        crate::components::sync_rows(ol, &mut shown, keys, |i| {
            let (Some(s), Some(link)) = (state.starred.get(i), links.get(i)) else {
                return String::new();
            };
            html::starred_row(s, link, state.is_read(&s.slug, &s.id), text)
        });
        for ((_, row), s) in shown.iter().zip(&state.starred) {
            if let Ok(Some(toggle)) = row.query_selector(".read-toggle") {
                crate::article::set_text(
                    &toggle,
                    html::read_label(state.is_read(&s.slug, &s.id), text),
                );
            }
        }
    });
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("button").ok().flatten())
        else {
            return;
        };
        let named = (button.closest("[data-item]").ok().flatten())
            .and_then(|row| row.get_attribute("data-item"));
        let item = r.state.with_untracked(|st| {
            let named = named?;
            st.starred
                .iter()
                .find(|s| key(&s.slug, &s.id) == named)
                .cloned()
        });
        let Some(item) = item else { return };
        if button.matches(".star").unwrap_or(false) {
            r.state.update(|st| {
                st.toggle_star(item);
            });
        } else if button.matches(".read-toggle").unwrap_or(false) {
            r.state.update(|st| {
                let read = st.is_read(&item.slug, &item.id);
                st.set_read(&item.slug, &item.id, !read);
            });
        }
    };
    view! {
        <section class="starred">
            <h1>{text.starred}</h1>
            <p class="summary-line">{text.kept_here}</p>
            <p class="reading-file">
                <a download="tidings-reading.json" href=export data-testid="export">{text.export}</a>
                // The file input hidden behind its label, so the control
                // reads in the page's language, not the browser's.
                <label class="import">{text.import}<input type="file" class="visually-hidden" accept="application/json,.json" data-testid="import" on:change=import /></label>
                <span class="import-note" role="status" data-testid="import-note">{move || note.get()}</span>
            </p>
            {crate::components::shown(
                move || !r.state.read().starred.is_empty(),
                move || view! { <ol class="digest-list" node_ref=list on:click=on_click></ol> }.into_any(),
                move || view! { <p data-testid="no-starred">{text.no_starred}</p> }.into_any(),
            )}
        </section>
    }
}
