//! Pieces shared by several pages.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use tidings_model::DigestSummary;

use crate::api::{AppError, Missing};
use crate::site;

/// Runs `f` now and again whenever a signal it read changes, as
/// `Effect::new` does. Every effect of the app goes through this one
/// (`f` boxed): each `Effect::new` with its own closure type carried its
/// own copy of the effect's loop in the wasm.
pub fn effect(f: impl FnMut() + 'static) {
    let mut f: Box<dyn FnMut()> = Box::new(f);
    Effect::new(move |_| f());
}

/// `children` while `when` holds, else `fallback`, as `<Show>` does.
/// Every conditional part of the app goes through this one `<Show>`
/// (the closures boxed): each `<Show>` with its own closures carried
/// its own copy of its code in the wasm.
pub fn shown(
    when: impl Fn() -> bool + Send + Sync + 'static,
    children: impl Fn() -> AnyView + Send + Sync + 'static,
    fallback: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    type Boxed<T> = std::sync::Arc<dyn Fn() -> T + Send + Sync>;
    let when: Boxed<bool> = std::sync::Arc::new(when);
    let children: Boxed<AnyView> = std::sync::Arc::new(children);
    let fallback: Boxed<AnyView> = std::sync::Arc::new(fallback);
    view! { <Show when=move || when() fallback=move || fallback()>{children()}</Show> }.into_any()
}

/// Data a page loads, as a `LocalResource<Result<T, AppError>>`: every
/// resource of the app is this one `LocalResource` type underneath, its
/// value erased and its fetcher boxed, so that Leptos' async machinery
/// (`ArcAsyncDerived`, `ScopedFuture`) is in the wasm once rather than
/// once per resource.
pub struct Load<T> {
    resource: LocalResource<Result<Rc<dyn Any>, AppError>>,
    of: PhantomData<fn() -> T>,
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Load<T> {}

type Fetch = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Result<Rc<dyn Any>, AppError>>>>>;

impl<T: Clone + 'static> Load<T> {
    /// Runs `fetch` now and again whenever a signal it read changes, as
    /// `LocalResource::new` does.
    pub fn new<F>(fetch: impl Fn() -> F + 'static) -> Load<T>
    where
        F: Future<Output = Result<T, AppError>> + 'static,
    {
        let fetch: Fetch = Box::new(move || {
            let loading = fetch();
            Box::pin(async move { loading.await.map(|value| Rc::new(value) as Rc<dyn Any>) })
        });
        Load {
            resource: LocalResource::new(fetch),
            of: PhantomData,
        }
    }

    /// The value, once loaded (tracked).
    pub fn get(&self) -> Option<Result<T, AppError>> {
        self.resource.get().map(|loaded| loaded.map(typed))
    }

    /// Waits for the value, inside a `Suspend` as awaiting the resource.
    pub async fn wait(self) -> Result<T, AppError> {
        self.resource.await.map(typed)
    }
}

/// The value a [`Load<T>`] holds: `new` stores only a `T`.
fn typed<T: Clone + 'static>(value: Rc<dyn Any>) -> T {
    match value.downcast_ref::<T>() {
        Some(value) => value.clone(),
        None => unreachable!("a Load<T> holds a T"),
    }
}

/// Nothing, for [`shown`]'s fallback.
pub fn nothing() -> AnyView {
    ().into_any()
}

/// Keeps the document title in step with the page.
pub fn page_title(title: impl Fn() -> String + 'static) {
    let title: Box<dyn Fn() -> String> = Box::new(title);
    effect(move || {
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
            let content = tidings_model::html::error_content(
                &messages,
                &details.join("; "),
                site::info(),
                text,
            );
            // The Retry button is the model's HTML; the section hears its click.
            let on_click = move |ev: leptos::ev::MouseEvent| {
                use wasm_bindgen::JsCast;
                let on_retry = (ev.target())
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|t| t.closest("button.retry").ok().flatten().is_some());
                if let (true, Some(a)) = (on_retry, attempt) {
                    a.retry();
                }
            };
            view! {
                <section class="error" role="alert" data-testid="error" inner_html=content on:click=on_click></section>
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

/// Brings `parent`'s children, the rows `shown` (key and element, in
/// order), to the rows `keys`: a row whose key stays keeps its element,
/// and the rows new to the list are made from `html` (the row at that
/// index of `keys` as one whole element of HTML, such as the model's
/// cards) in one parse. Only what changed is touched: rows that went are
/// removed, new ones inserted, kept ones moved when their order changed.
pub fn sync_rows(
    parent: &web_sys::Element,
    shown: &mut Vec<(String, web_sys::Element)>,
    keys: Vec<String>,
    html: impl Fn(usize) -> String,
) {
    let old: Vec<&str> = shown.iter().map(|(k, _)| k.as_str()).collect();
    let new: Vec<&str> = keys.iter().map(String::as_str).collect();
    let plan = tidings_model::order::reuse(&old, &new);
    // The new rows, parsed together in a detached element of the parent's kind.
    let made: String = (plan.iter().enumerate())
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| html(i))
        .collect();
    let mut fresh = Vec::new();
    if !made.is_empty() {
        if let Ok(holder) = document().create_element(&parent.tag_name()) {
            holder.set_inner_html(&made);
            let children = holder.children();
            fresh = (0..children.length())
                .filter_map(|i| children.item(i))
                .collect();
        }
    }
    let mut fresh = fresh.into_iter();
    let mut kept: Vec<Option<web_sys::Element>> = shown.drain(..).map(|(_, e)| Some(e)).collect();
    let rows: Vec<(String, web_sys::Element)> = (keys.into_iter().zip(&plan))
        .filter_map(|(key, r)| {
            let element = match r {
                Some(i) => kept.get_mut(*i)?.take()?,
                None => fresh.next()?,
            };
            Some((key, element))
        })
        .collect();
    for gone in kept.into_iter().flatten() {
        gone.remove();
    }
    // In order: a row already in its place stays; any other is moved or
    // inserted before the node that is there.
    let mut next = parent.first_element_child();
    for (_, element) in &rows {
        if next.as_ref() == Some(element) {
            next = element.next_element_sibling();
        } else {
            let _ = parent.insert_before(element, next.as_ref().map(|n| n.as_ref()));
        }
    }
    *shown = rows;
}

/// A list of digests, newest first, keyed by slug. Each card is the same
/// HTML the pre-rendered pages carry (`tidings_model::html`), and a new
/// list touches only the cards that came, went or moved ([`sync_rows`]).
/// At 10,000 digests a second tag swaps most of the twenty cards; as
/// keyed views in `<For>`, each new card cost a reactive owner, its
/// attributes and a parse of its own.
#[component]
pub fn DigestList(#[prop(into)] digests: Signal<Vec<DigestSummary>>) -> impl IntoView {
    let text = site::text();
    let seen = crate::reading::use_reading().seen_before.get_value();
    let card = move |d: &DigestSummary| {
        let new = tidings_model::reading::Reading::is_new(seen.as_deref(), &d.date);
        tidings_model::html::digest_card(d, site::info(), text, new)
    };
    let list = NodeRef::<leptos::html::Ol>::new();
    // The first cards come with the list, so it shows as it is mounted;
    // later lists are brought in step by the effect, which takes those
    // first cards over on its first run.
    let first: Vec<DigestSummary> = digests.get_untracked();
    let first_html: String = first.iter().map(&card).collect();
    let mut shown: Option<Vec<(String, web_sys::Element)>> = None;
    let mut first = Some(first);
    effect(move || {
        let Some(ol) = list.get() else { return };
        let ol: &web_sys::Element = &ol;
        let rows = shown.get_or_insert_with(|| {
            let children = ol.children();
            (first.take().unwrap_or_default().into_iter().enumerate())
                .filter_map(|(i, d)| Some((d.slug, children.item(i as u32)?)))
                .collect()
        });
        digests.with(|ds| {
            let keys = ds.iter().map(|d| d.slug.clone()).collect();
            sync_rows(ol, rows, keys, |i| ds.get(i).map(&card).unwrap_or_default());
        });
    });
    view! {
        <ol class="digest-list" lang=site::info().language.clone() node_ref=list inner_html=first_html></ol>
    }
}
