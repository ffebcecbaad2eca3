//! Pieces shared by several pages.

use leptos::prelude::*;
use tidings_model::{url, DigestSummary};

use crate::api::{AppError, Missing};
use crate::site::{self, href};

/// Keeps the document title in step with the page.
pub fn page_title(title: impl Fn() -> String + 'static) {
    Effect::new(move |_| {
        let title = title();
        let site = &site::info().title;
        let title = if title.is_empty() {
            site.clone()
        } else {
            format!("{title} · {site}")
        };
        // Setting the same title again still costs a DOM change.
        if document().title() != title {
            document().set_title(&title);
        }
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
                        <a href=href(url::HOME)>{text.all_digests}</a>
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
    let content = tidings_model::html::not_found_content(&what.describe(text), site::info(), text);
    view! { <section class="not-found" data-testid="not-found" inner_html=content></section> }
}

/// A row of a keyed list: its key, and how to build its view when the
/// key first appears.
#[derive(Clone)]
pub struct Keyed {
    pub key: String,
    pub view: std::sync::Arc<dyn Fn() -> AnyView + Send + Sync>,
}

impl Keyed {
    pub fn new(key: String, view: impl Fn() -> AnyView + Send + Sync + 'static) -> Keyed {
        Keyed {
            key,
            view: std::sync::Arc::new(view),
        }
    }
}

/// Every keyed list of the app goes through this one `<For>`: the
/// list's diffing is generic over the row type and the closures, so six
/// lists each with its own `<For>` carried six copies of it in the wasm.
/// A row keeps its view while its key stays in the list.
pub fn keyed(rows: Signal<Vec<Keyed>>) -> AnyView {
    view! {
        <For each=move || rows.get() key=|r| r.key.clone() let(r)>
            {(r.view)()}
        </For>
    }
    .into_any()
}

/// A list of digests, newest first, keyed by slug. Each card's content is
/// the same HTML the pre-rendered pages carry (`tidings_model::html`),
/// set in one DOM call: a filter that swaps every card builds twenty
/// elements, not some three hundred nodes.
#[component]
pub fn DigestList(#[prop(into)] digests: Signal<Vec<DigestSummary>>) -> impl IntoView {
    let text = site::text();
    let seen = crate::reading::use_reading().seen_before.get_value();
    let seen = std::sync::Arc::new(seen);
    // A card is made only when its slug comes into the list.
    let rows = Signal::derive(move || {
        digests.with(|ds| {
            ds.iter()
                .map(|d| {
                    let (d, seen) = (d.clone(), std::sync::Arc::clone(&seen));
                    Keyed::new(d.slug.clone(), move || {
                        let new = tidings_model::reading::Reading::is_new(seen.as_deref(), &d.date);
                        let content =
                            tidings_model::html::digest_card_content(&d, site::info(), text, new);
                        view! { <li class="digest-card" class:new=new inner_html=content></li> }
                            .into_any()
                    })
                })
                .collect()
        })
    });
    view! {
        <ol class="digest-list" lang=site::info().language.clone()>
            {keyed(rows)}
        </ol>
    }
}
