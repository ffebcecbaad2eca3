//! `/tags/<tag>`: the digests carrying one tag.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tidings_model::query::{self, Filter};
use tidings_model::url;

use crate::components::{error_view, page_title, DigestList, Loading};
use crate::ManifestResource;

#[component]
pub fn TagPage() -> impl IntoView {
    let ManifestResource(manifest) = expect_context();
    let params = use_params_map();
    let tag = move || params.read().get("tag").unwrap_or_default();
    page_title(move || format!("#{}", tag()));
    view! {
        <section class="tag-page">
            <p class="crumbs"><A href=url::HOME>"← All digests"</A></p>
            <h1>"#"{tag}</h1>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=error_view>
                    {move || Suspend::new(async move {
                        let manifest = manifest.await?;
                        let filter = Filter { tag: Some(tag()), text: String::new() };
                        let shown = query::filter_digests(&manifest, &filter);
                        let items = query::item_total(&shown);
                        let count = shown.len();
                        let shown: Vec<_> = shown.into_iter().cloned().collect();
                        Ok::<_, crate::AppError>(view! {
                            <p class="summary-line" data-testid="match-count">{count}" digests, "{items}" items"</p>
                            <DigestList digests=shown />
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
