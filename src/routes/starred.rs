//! `/starred/`: the items the reader kept for later, from their browser's
//! storage, with export and import of that state as a JSON file.

use leptos::prelude::*;
use tidings_model::reading::Reading;
use wasm_bindgen::JsCast;

use crate::components::{keyed, page_title, Keyed};
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
    let import = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else { return };
        let promise = file.text();
        leptos::task::spawn_local(async move {
            if let Ok(text) = wasm_bindgen_futures::JsFuture::from(promise).await {
                let imported = Reading::from_json(&text.as_string().unwrap_or_default());
                r.state.update(|s| s.merge(imported));
            }
        });
    };
    let rows = move || {
        let list: Vec<Keyed> = r
            .state
            .read()
            .starred
            .iter()
            .map(|s| {
                let s = s.clone();
                Keyed::new(tidings_model::reading::key(&s.slug, &s.id), move || {
                    view! {
                        <li class="digest-card">
                            <time datetime=s.date.clone()>{text.date_text(&s.date)}" · "{s.digest_title.clone()}</time>
                            <h2><a href=href(&item_url(&s.slug, &s.id))>{s.title.clone()}</a></h2>
                            <p class="share"><crate::reading::ItemActions item=s.clone() /></p>
                        </li>
                    }
                    .into_any()
                })
            })
            .collect();
        list
    };
    view! {
        <section class="starred">
            <h1>{text.starred}</h1>
            <p class="summary-line">{text.kept_here}</p>
            <p class="reading-file">
                <a download="tidings-reading.json" href=export data-testid="export">{text.export}</a>
                <label>{text.import}" "<input type="file" accept="application/json,.json" data-testid="import" on:change=import /></label>
            </p>
            <Show when=move || !r.state.read().starred.is_empty()
                fallback=move || view! { <p data-testid="no-starred">{text.no_starred}</p> }>
                <ol class="digest-list">
                    {keyed(Signal::derive(rows))}
                </ol>
            </Show>
        </section>
    }
}
