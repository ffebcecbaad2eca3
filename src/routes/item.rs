//! `/d/<slug>/<item>`: one news item, the page people share.

use leptos::prelude::*;
use tidings_model::query;
use tidings_model::url::Route;

use crate::api::{AppError, Missing};
use crate::article::Article;
use crate::components::{error_view, page_title, Loading};
use crate::site;

#[component]
pub fn ItemPage() -> impl IntoView {
    let slug = crate::nav::param(|r| match r {
        Route::Item { slug, .. } => Some(slug.clone()),
        _ => None,
    });
    let item_id = crate::nav::param(|r| match r {
        Route::Item { id, .. } => Some(id.clone()),
        _ => None,
    });
    view! { <ItemView slug item_id /> }
}

/// One item of the digest `slug`, with its neighbours.
#[component]
pub fn ItemView(slug: Signal<String>, item_id: Signal<String>) -> impl IntoView {
    // Keyed on the slug only: moving to the next item of the same digest
    // reuses the loaded digest.
    let digest = super::digest_resource(slug);
    let title = RwSignal::new(String::new());
    page_title(move || title.get());
    view! {
        <Transition fallback=Loading set_pending=crate::site::busy()>
            <ErrorBoundary fallback=error_view>
                {move || Suspend::new(async move {
                    let (m, d) = digest.await?;
                    let id = item_id.get();
                    let pos = query::locate(&d.items, &id)
                        .ok_or_else(|| AppError::NotFound(Missing::Item { id: id.clone(), digest: d.title.clone() }))?;
                    title.set(pos.item.title.clone());
                    site::take_over();
                    crate::reading::mark_read_on_open(d.slug.clone(), pos.item.id.clone());
                    let n = pos.index;
                    Ok::<_, AppError>(view! { <Article manifest=m digest=d item=Some(n) /> }.into_any())
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// What the starred view keeps of an item.
pub fn starred(
    d: &tidings_model::Digest,
    item: &tidings_model::Item,
) -> tidings_model::reading::Starred {
    tidings_model::reading::Starred {
        slug: d.slug.clone(),
        id: item.id.clone(),
        title: item.title.clone(),
        date: d.date.clone(),
        digest_title: d.title.clone(),
    }
}
