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
    view! { <ArticleView slug item_id=Signal::derive(move || Some(item_id.get())) /> }
}

/// The digest `slug`, or with `item_id` one of its items with its
/// neighbours: the one view of both pages.
#[component]
pub fn ArticleView(slug: Signal<String>, item_id: Signal<Option<String>>) -> impl IntoView {
    // Keyed on the slug only: moving to another item of the same digest,
    // or to the digest, reuses the loaded digest.
    let digest = super::digest_resource(slug);
    let title = RwSignal::new(String::new());
    page_title(move || title.get());
    view! {
        <Transition fallback=Loading set_pending=crate::site::busy()>
            <ErrorBoundary fallback=error_view>
                {move || Suspend::new(async move {
                    let (m, d) = digest.wait().await?;
                    let n = match item_id.get() {
                        Some(id) => {
                            let pos = query::locate(&d.items, &id)
                                .ok_or_else(|| AppError::NotFound(Missing::Item { id: id.clone(), digest: d.title.clone() }))?;
                            title.set(pos.item.title.clone());
                            crate::reading::mark_read_on_open(d.slug.clone(), pos.item.id.clone());
                            Some(pos.index)
                        }
                        None => {
                            title.set(d.title.clone());
                            None
                        }
                    };
                    site::take_over();
                    Ok::<_, AppError>(view! { <Article manifest=m digest=d item=n /> }.into_any())
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
