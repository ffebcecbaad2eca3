//! Pieces shared by several pages.

use leptos::prelude::*;
use leptos_router::components::A;
use tidings_model::{url, DigestSummary, Image, Source};

use crate::api::AppError;

/// Keeps the document title in step with the page.
pub fn page_title(title: impl Fn() -> String + 'static) {
    Effect::new(move |_| {
        let title = title();
        document().set_title(&if title.is_empty() {
            "tidings".to_string()
        } else {
            format!("{title} · tidings")
        });
    });
}

/// Shown while data loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

/// What an [`ErrorBoundary`] shows: a not-found page for unknown digests and
/// items, otherwise the error, always with a way back.
pub fn error_view(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let errors = errors.get();
    let list: Vec<AppError> = errors
        .iter()
        .filter_map(|(_, e)| e.downcast_ref::<AppError>().cloned())
        .collect();
    let not_found = list.iter().find_map(|e| match e {
        AppError::NotFound(what) => Some(what.clone()),
        _ => None,
    });
    match not_found {
        Some(what) => view! { <NotFoundMessage what /> }.into_any(),
        None => {
            page_title(|| "Error".to_string());
            let messages: Vec<String> = if list.is_empty() {
                errors.iter().map(|(_, e)| e.to_string()).collect()
            } else {
                list.iter().map(ToString::to_string).collect()
            };
            view! {
                <section class="error" role="alert">
                    <h1>"Something went wrong"</h1>
                    <ul>{messages.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                    <p><A href=url::HOME>"← All digests"</A></p>
                </section>
            }
            .into_any()
        }
    }
}

/// The not-found page body.
#[component]
pub fn NotFoundMessage(#[prop(into)] what: String) -> impl IntoView {
    page_title(|| "Not found".to_string());
    view! {
        <section class="not-found" data-testid="not-found">
            <h1>"Not found"</h1>
            <p>{what}". It may have been removed, or the link may be mistyped."</p>
            <p><A href=url::HOME>"← All digests"</A></p>
        </section>
    }
}

/// Tag links.
#[component]
pub fn TagLinks(tags: Vec<String>) -> impl IntoView {
    view! {
        <ul class="tags">
            {tags
                .into_iter()
                .map(|t| {
                    let href = url::tag(&t);
                    view! { <li><a href=href>"#"{t}</a></li> }
                })
                .collect_view()}
        </ul>
    }
}

/// A list of digests, newest first.
#[component]
pub fn DigestList(digests: Vec<DigestSummary>) -> impl IntoView {
    view! {
        <ol class="digest-list">
            <For each=move || digests.clone() key=|d| d.slug.clone() let(d)>
                <li class="digest-card">
                    <time datetime=d.date.clone()>{d.date.clone()}</time>
                    <h2><a href=url::digest(&d.slug)>{d.title.clone()}</a></h2>
                    <p class="summary">{d.summary.clone()}</p>
                    <p class="meta">
                        <span class="count">{tidings_model::query::count_of(u64::from(d.item_count), "item")}</span>
                        <TagLinks tags=d.tags.clone() />
                    </p>
                </li>
            </For>
        </ol>
    }
}

/// An item's image, or a tidy placeholder when it is missing or fails to load.
#[component]
pub fn ItemImage(image: Option<Image>) -> impl IntoView {
    let image = image?;
    let failed = RwSignal::new(image.src.is_none());
    let alt = image.alt.clone();
    let src = image.src.clone().unwrap_or_default();
    Some(view! {
        <figure class="item-image">
            <Show
                when=move || !failed.get()
                fallback=move || view! { <div class="image-placeholder" role="img" aria-label=alt.clone()><span>"Image not available"</span></div> }
            >
                <img src=src.clone() alt=image.alt.clone() loading="lazy" on:error=move |_| failed.set(true) />
            </Show>
        </figure>
    })
}

/// "Source: <publisher> · <domain>", the domain linking to the story.
#[component]
pub fn SourceLine(source: Option<Source>, publisher: Option<String>) -> impl IntoView {
    let link = source.map(|s| {
        view! { <a href=s.url rel="noopener noreferrer" target="_blank" data-testid="source-link">{s.domain}</a> }
    });
    let both = link.is_some() && publisher.is_some();
    (link.is_some() || publisher.is_some()).then(|| {
        view! {
            <p class="source">
                "Source: "
                {publisher.map(|p| view! { <span class="publisher">{p}</span> })}
                {both.then_some(" · ")}
                {link}
            </p>
        }
    })
}

/// An item's title in its other language, under the title.
#[component]
pub fn Subtitle(text: Option<String>) -> impl IntoView {
    text.map(|t| view! { <p class="subtitle">{t}</p> })
}
