//! `/d/<slug>`: one digest with all its items; with `?item=<id>`, one of its
//! items (the item address of sites built without per-item pages).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use tidings_model::url;

use crate::components::{
    error_view, page_title, DateLine, ItemImage, ItemRow, Loading, SourceLine, Subtitle, TagLinks,
};
use crate::routes::item::ItemView;
use crate::site::{self, href};

#[component]
pub fn DigestPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Signal::derive(move || params.read().get("slug").unwrap_or_default());
    let item = Signal::derive(move || query.read().get(url::ITEM_QUERY));
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
                    let text = site::text();
                    site::take_over();
                    let reading = crate::reading::use_reading();
                    let slug = d.slug.clone();
                    // Each item with its section label when the label changes.
                    let items: Vec<_> = d
                        .items
                        .iter()
                        .scan(None::<String>, |prev, item| {
                            let label = (item.section != *prev).then(|| item.section.clone()).flatten();
                            prev.clone_from(&item.section);
                            Some((item.clone(), label, crate::routes::item::starred(&d, item)))
                        })
                        .collect();
                    Ok::<_, crate::AppError>(view! {
                        <article class="digest" lang=site::info().language.clone()>
                            <p class="crumbs"><A href=href(url::HOME)>{text.all_digests}</A></p>
                            <header>
                                <DateLine date=d.date.clone() />
                                <h1>{d.title.clone()}</h1>
                                <TagLinks tags=d.tags.clone() />
                                <button type="button" class="mark-all" data-testid="mark-all-read"
                                    on:click={
                                        let (slug, ids) = (d.slug.clone(), d.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>());
                                        move |_| reading.state.update(|s| s.mark_all_read(&slug, ids.iter().map(String::as_str)))
                                    }>
                                    {text.mark_all_read}
                                </button>
                            </header>
                            <div class="intro" inner_html=d.intro_html.clone()></div>
                            <ol class="items">
                                <For each=move || items.clone() key=|(i, _, _)| i.id.clone() let((item, label, star))>
                                    <li class="item" id=item.id.clone()
                                        class:read={
                                            let (slug, id) = (slug.clone(), item.id.clone());
                                            move || reading.state.read().is_read(&slug, &id)
                                        }>
                                        {label.map(|l| {
                                            let more = href(&tidings_model::query::items_of(tidings_model::facet::Facet::Section, &l));
                                            view! { <p class="section-label"><a href=more>{l}</a></p> }
                                        })}
                                        <h2><A href=href(&m.item_url(&slug, &item.id))><span inner_html=item.title_html.clone()></span></A></h2>
                                        <Subtitle text=item.title_translation.clone() />
                                        <ItemImage image=item.image.clone() />
                                        <div class="body" inner_html=item.body_html.clone()></div>
                                        <SourceLine source=item.source.clone() publisher=item.publisher.clone() />
                                        <ItemRow path=m.item_url(&slug, &item.id) item=star />
                                    </li>
                                </For>
                            </ol>
                            {(!d.closing_html.is_empty()).then(|| view! {
                                <div class="closing" inner_html=d.closing_html.clone()></div>
                            })}
                        </article>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
