//! Pieces shared by several pages.

use leptos::prelude::*;
use leptos_router::components::A;
use tidings_model::{url, DigestSummary, Image, Source};
use wasm_bindgen::JsCast;

use crate::api::{AppError, Missing};
use crate::site::{self, href};

/// Keeps the document title in step with the page.
pub fn page_title(title: impl Fn() -> String + 'static) {
    Effect::new(move |_| {
        let title = title();
        let site = &site::info().title;
        document().set_title(&if title.is_empty() {
            site.clone()
        } else {
            format!("{title} · {site}")
        });
    });
}

/// Shown while data loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">{site::text().loading}</p> }
}

/// What an [`ErrorBoundary`] shows: a not-found page for unknown digests and
/// items, otherwise what went wrong in the reader's language, with a Retry
/// that loads the page's data again and a way back. The technical detail
/// follows in small print.
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
            let text = site::text();
            page_title(move || text.error_title.to_string());
            site::take_over();
            let (messages, details): (Vec<String>, Vec<String>) = if list.is_empty() {
                errors
                    .iter()
                    .map(|(_, e)| (text.error_title.to_string(), e.to_string()))
                    .unzip()
            } else {
                list.iter()
                    .map(|e| (e.describe(text), e.to_string()))
                    .unzip()
            };
            let attempt = use_context::<site::Attempt>();
            view! {
                <section class="error" role="alert" data-testid="error">
                    <h1>{text.error_title}</h1>
                    <ul>{messages.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                    <p class="actions">
                        <button type="button" class="retry" data-testid="retry" on:click=move |_| {
                            if let Some(a) = attempt {
                                a.retry();
                            }
                        }>{text.retry}</button>
                        <A href=href(url::HOME)>{text.all_digests}</A>
                    </p>
                    <p class="detail">{details.join("; ")}</p>
                </section>
            }
            .into_any()
        }
    }
}

/// The not-found page body.
#[component]
pub fn NotFoundMessage(what: Missing) -> impl IntoView {
    let text = site::text();
    page_title(move || text.not_found_title.to_string());
    site::take_over();
    view! {
        <section class="not-found" data-testid="not-found">
            <h1>{text.not_found_title}</h1>
            <p>{what.describe(text)}{text.not_found_hint}</p>
            <p><A href=href(url::HOME)>{text.all_digests}</A></p>
        </section>
    }
}

/// Tag links.
#[component]
pub fn TagLinks(tags: Vec<String>) -> impl IntoView {
    view! { <ul class="tags" inner_html=tidings_model::html::tag_items(&tags, site::info())></ul> }
}

/// A list of digests, newest first, keyed by slug. Each card's content is
/// the same HTML the pre-rendered pages carry (`tidings_model::html`),
/// set in one DOM call: a filter that swaps every card builds twenty
/// elements, not some three hundred nodes.
#[component]
pub fn DigestList(#[prop(into)] digests: Signal<Vec<DigestSummary>>) -> impl IntoView {
    let text = site::text();
    let seen = crate::reading::use_reading().seen_before.get_value();
    view! {
        <ol class="digest-list" lang=site::info().language.clone()>
            <For each=move || digests.get() key=|d| d.slug.clone() let(d)>
                {
                    let new = tidings_model::reading::Reading::is_new(seen.as_deref(), &d.date);
                    let content = tidings_model::html::digest_card_content(&d, site::info(), text, new);
                    view! { <li class="digest-card" class:new=new inner_html=content></li> }
                }
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
                fallback=move || view! { <div class="image-placeholder" role="img" aria-label=alt.clone()><span>{site::text().image_missing}</span></div> }
            >
                <img src=src.clone() alt=image.alt.clone() loading="lazy" on:error=move |_| failed.set(true) />
            </Show>
        </figure>
    })
}

/// "Source: <publisher> · <domain>", the domain linking to the story.
#[component]
pub fn SourceLine(source: Option<Source>, publisher: Option<String>) -> impl IntoView {
    let text = site::text();
    let link = source.map(|s| {
        let more = href(&tidings_model::query::items_of(tidings_model::facet::Facet::Domain, &s.domain));
        let more_text = text.more_from(&s.domain);
        view! {
            <a href=s.url rel="noopener noreferrer" target="_blank" data-testid="source-link">{s.domain}</a>
            " · "
            <a href=more class="more-from" data-testid="more-from">{more_text}</a>
        }
    });
    let both = link.is_some() && publisher.is_some();
    (link.is_some() || publisher.is_some()).then(|| {
        view! {
            <p class="source">
                {site::text().source}
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

/// A date as the interface language writes it, machine-readable beside.
#[component]
pub fn DateLine(date: String) -> impl IntoView {
    let shown = site::text().date_text(&date);
    view! { <time datetime=date>{shown}</time> }
}

/// The item's deep link, absolute, for pasting into a chat: a copy button,
/// and the system's share sheet where the browser has one.
#[component]
pub fn ShareButtons(path: String, title: String) -> impl IntoView {
    let text = site::text();
    let copied = RwSignal::new(false);
    let origin = window().location().origin().unwrap_or_default();
    let url = format!("{origin}{}", href(&path));
    let copy = {
        let url = url.clone();
        move |_| {
            let promise = window().navigator().clipboard().write_text(&url);
            leptos::task::spawn_local(async move {
                // Refused (no permission, no focus): the label stays.
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    copied.set(true);
                }
            });
        }
    };
    let navigator = window().navigator();
    let share = js_sys::Reflect::get(&navigator, &"share".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let share_button = share.map(|share| {
        let on_share = move |_| {
            let data = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&data, &"url".into(), &url.as_str().into());
            let _ = js_sys::Reflect::set(&data, &"title".into(), &title.as_str().into());
            if let Ok(promise) = share
                .call1(&window().navigator(), &data)
                .and_then(|p| p.dyn_into::<js_sys::Promise>())
            {
                // The reader closing the sheet rejects it: nothing to do.
                leptos::task::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                });
            }
        };
        view! { <button type="button" class="share-button" on:click=on_share>{text.share}</button> }
    });
    view! {
        <button type="button" class="copy-link" data-testid="copy-link" on:click=copy>
            {move || if copied.get() { text.copied } else { text.copy_link }}
        </button>
        {share_button}
    }
}

/// An item's row of actions: copy its link, share, star, read.
#[component]
pub fn ItemRow(item: tidings_model::reading::Starred, path: String) -> impl IntoView {
    view! {
        <p class="share">
            <ShareButtons path title=item.title.clone() />
            <crate::reading::ItemActions item />
        </p>
    }
}

/// The same story in other digests, each linking to its item there.
#[component]
pub fn AlsoIn(
    also: Vec<tidings_model::StoryRef>,
    manifest: std::sync::Arc<tidings_model::Manifest>,
) -> impl IntoView {
    let text = site::text();
    (!also.is_empty()).then(|| {
        view! {
            <aside class="also-in" data-testid="also-in">
                <h2>{text.also_in}</h2>
                <ul>
                    {also
                        .into_iter()
                        .map(|r| {
                            let link = href(&manifest.item_url(&r.slug, &r.id));
                            view! { <li><a href=link>{text.date_text(&r.date)}" · "{r.title}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </aside>
        }
    })
}
