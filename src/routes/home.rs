//! `/`: every digest, newest first, narrowed by the search text in `?q=`.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use tidings_model::query::{self, Filter};
use tidings_model::url;

use crate::components::{error_view, page_title, DigestList, Loading, TagLinks};
use crate::ManifestResource;

#[component]
pub fn Home() -> impl IntoView {
    let ManifestResource(manifest) = expect_context();
    let query = use_query_map();
    let text = move || query.read().get("q").unwrap_or_default();
    page_title(String::new);
    let navigate = use_navigate();
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let href = if value.is_empty() {
            url::HOME.to_string()
        } else {
            format!("/?q={}", url::encode_segment(&value))
        };
        navigate(
            &href,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    view! {
        <section class="home">
            <label class="search">
                <span class="visually-hidden">"Search digests"</span>
                <input type="search" placeholder="Search titles, summaries, tags" prop:value=text on:input=on_input />
            </label>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=error_view>
                    {move || Suspend::new(async move {
                        let manifest = manifest.await?;
                        let filter = Filter { tag: None, text: text() };
                        let shown: Vec<_> = query::filter_digests(&manifest, &filter);
                        let items = query::item_total(&shown);
                        let count = shown.len();
                        let shown: Vec<_> = shown.into_iter().cloned().collect();
                        let tags: Vec<String> = manifest.tags.iter().map(|t| t.name.clone()).collect();
                        Ok::<_, crate::AppError>(view! {
                            <nav class="tag-cloud" aria-label="Tags"><TagLinks tags /></nav>
                            <p class="summary-line" data-testid="match-count">{count}" digests, "{items}" items"</p>
                            <DigestList digests=shown />
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
