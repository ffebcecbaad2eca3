//! `/d/<slug>/<item>`: one news item, the page people share.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tidings_model::{query, url};

use crate::api::{AppError, Missing};
use crate::components::{
    error_view, page_title, AlsoIn, ItemImage, ItemRow, Loading, SourceLine, Subtitle,
};
use crate::site::{self, href};

#[component]
pub fn ItemPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Signal::derive(move || params.read().get("slug").unwrap_or_default());
    let item_id = Signal::derive(move || params.read().get("item").unwrap_or_default());
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
                    let item = pos.item.clone();
                    title.set(item.title.clone());
                    let text = site::text();
                    site::take_over();
                    crate::reading::mark_read_on_open(d.slug.clone(), item.id.clone());
                    let link = |i: &tidings_model::Item| (href(&m.item_url(&d.slug, &i.id)), i.title.clone());
                    let prev = pos.prev.map(link);
                    let next = pos.next.map(link);
                    let position = text.position(&d.date, pos.index + 1, d.items.len());
                    let back = href(&url::digest(&d.slug));
                    let digest_title = d.title.clone();
                    Ok::<_, AppError>(view! {
                        <article class="item-page" lang=site::info().language.clone()>
                            <p class="crumbs">
                                <A href=back>"← "{digest_title}</A>
                            </p>
                            <p class="position">{position}</p>
                            <h1 inner_html=item.title_html.clone()></h1>
                            <Subtitle text=item.title_translation.clone() />
                            <ItemImage image=item.image.clone() />
                            <div class="body" inner_html=item.body_html.clone()></div>
                            <SourceLine source=item.source.clone() publisher=item.publisher.clone() />
                            <ItemRow path=m.item_url(&d.slug, &item.id) item=starred(&d, &item) />
                            <AlsoIn also=item.also_in.clone() manifest=m.clone() />
                            <nav class="prev-next" aria-label=text.other_items>
                                {prev.map(|(href, t)| view! { <A href=href attr:rel="prev">"← "{t}</A> })}
                                {next.map(|(href, t)| view! { <A href=href attr:rel="next">{t}" →"</A> })}
                            </nav>
                        </article>
                    })
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
