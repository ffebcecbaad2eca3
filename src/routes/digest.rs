//! `/d/<slug>`: one digest with all its items; with `?item=<id>`, one of its
//! items (the item address of sites built without per-item pages).

use leptos::prelude::*;
use tidings_model::url::{self, Route};

use crate::article::Article;
use crate::components::{error_view, page_title, Loading};
use crate::routes::item::ItemView;
use crate::site;

#[component]
pub fn DigestPage() -> impl IntoView {
    let nav = crate::nav::use_nav();
    let slug = crate::nav::param(|r| match r {
        Route::Digest(slug) => Some(slug.clone()),
        _ => None,
    });
    let item = Memo::new(move |_| nav.query_value(url::ITEM_QUERY));
    move || match item.get() {
        Some(id) => {
            view! { <ItemView slug item_id=Signal::derive(move || id.clone()) /> }.into_any()
        }
        None => view! { <DigestView slug /> }.into_any(),
    }
}

#[component]
fn DigestView(slug: Signal<String>) -> impl IntoView {
    let digest = super::digest_resource(slug);
    let title = RwSignal::new(String::new());
    page_title(move || title.get());
    view! {
        <Transition fallback=Loading set_pending=crate::site::busy()>
            <ErrorBoundary fallback=error_view>
                {move || Suspend::new(async move {
                    let (m, d) = digest.await?;
                    title.set(d.title.clone());
                    site::take_over();
                    Ok::<_, crate::AppError>(view! { <Article manifest=m digest=d item=None /> }.into_any())
                })}
            </ErrorBoundary>
        </Transition>
    }
}
