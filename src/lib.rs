//! The tidings viewer: a Leptos single-page app that reads the JSON bundle
//! written by `tidings build` and shows digests, tags and items, each at its
//! own shareable URL. Every page arrives pre-rendered by the build step; the
//! app renders its own copy hidden behind it and takes over once the
//! route's content is ready ([`site::take_over`]), so nothing flashes and
//! nothing shows twice.

mod api;
pub mod article;
mod browse;
pub mod components;
mod keys;
pub mod reading;
mod routes;
mod search;
pub mod site;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{ParamSegment, StaticSegment};

pub use api::{AppError, Missing};
use tidings_model::i18n::Text;
use tidings_model::site::Lang;
use tidings_model::{layout, url, Manifest};

/// The manifest, loaded once and shared by every page.
#[derive(Clone, Copy)]
pub struct ManifestResource(pub LocalResource<Result<Arc<Manifest>, AppError>>);

#[component]
pub fn App() -> impl IntoView {
    let (attempt, site::Busy(busy)) = site::provide_retry();
    provide_context(ManifestResource(LocalResource::new(move || {
        attempt.track();
        api::manifest()
    })));
    reading::provide();
    site::register_service_worker();
    site::reload_on_rebuild();
    let offline = site::offline();
    let lang = RwSignal::new(site::initial_lang());
    let help = RwSignal::new(false);
    view! {
        <Router base=site::router_base().unwrap_or_default()>
            {keys::install(help)}
            {move || {
                // The whole interface follows the language; switching is rare.
                let text = Text::of(lang.get());
                provide_context(text);
                view! {
                    <div class="app" lang=text.lang.tag()>
                        <header class="site-header">
                            <A href=site::href(url::HOME) attr:class="brand">{site::info().title.clone()}</A>
                            <Show when=move || busy.get()>
                                <div class="busy" role="progressbar" aria-label=text.loading data-testid="busy"></div>
                            </Show>
                            <Show when=move || offline.get()>
                                <span class="offline" role="status" data-testid="offline">{text.offline}</span>
                            </Show>
                            <A href=site::href(&tidings_model::url::Route::Items.url()) attr:class="items-link" attr:data-testid="items-link">{text.all_items}</A>
                            <SiteSearch />
                            <StarredLink />
                            <LangSwitch lang />
                            <FeedLink />
                        </header>
                        <main aria-busy=move || busy.get().to_string()>
                            // The segments are the model's, which also places each
                            // route's HTML page (`Route::page_file`).
                            <Routes fallback=routes::not_found::NotFound>
                                <Route path=StaticSegment("") view=routes::home::Home />
                                <Route path=StaticSegment(url::STARRED) view=routes::starred::StarredPage />
                                <Route path=StaticSegment(url::ITEMS) view=routes::items::ItemsPage />
                                <Route path=(StaticSegment(url::TAGS), ParamSegment("tag")) view=routes::tag::TagPage />
                                <Route path=(StaticSegment(url::DIGESTS), ParamSegment("slug")) view=routes::digest::DigestPage />
                                <Route path=(StaticSegment(url::DIGESTS), ParamSegment("slug"), ParamSegment("item")) view=routes::item::ItemPage />
                            </Routes>
                        </main>
                        <keys::KeysHelp open=help />
                    </div>
                }
            }}
        </Router>
    }
}

/// The search box of pages without a list (a list has its own, which
/// keeps its filters): it opens the items view with the query.
#[component]
fn SiteSearch() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let navigate = leptos_router::hooks::use_navigate();
    let location = leptos_router::hooks::use_location();
    // A list view has its own box, which keeps its filters.
    let on_list = move || {
        let path = location.pathname.get();
        let base = site::router_base().unwrap_or_default();
        let path = path.strip_prefix(base.as_str()).unwrap_or(&path);
        matches!(
            url::Route::parse(path, None),
            Some(url::Route::Home | url::Route::Items | url::Route::Tag(_))
        )
    };
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = input.get().map(|i| i.value()).unwrap_or_default();
        let filter = tidings_model::query::Filter::default().with_text(value);
        navigate(
            &tidings_model::query::ListBase::Items.href(&filter, 1),
            Default::default(),
        );
    };
    view! {
        <Show when=move || !on_list()>
        <form class="site-search" role="search" action=site::href(&url::Route::Items.url()) on:submit=on_submit.clone()>
            <label>
                <span class="visually-hidden">{text.search_label}</span>
                <input node_ref=input type="search" name=tidings_model::query::TEXT_KEY placeholder=text.search_placeholder data-testid="site-search" />
            </label>
        </form>
        </Show>
    }
}

/// The starred view, with how many items it holds.
#[component]
fn StarredLink() -> impl IntoView {
    let text = site::text();
    let r = reading::use_reading();
    view! {
        <A href=site::href(&tidings_model::url::Route::Starred.url()) attr:class="starred-link" attr:data-testid="starred-link">
            {move || format!("★ {} {}", text.starred, r.state.read().starred.len())}
        </A>
    }
}

/// The interface languages, the current one pressed.
#[component]
fn LangSwitch(lang: RwSignal<Lang>) -> impl IntoView {
    let text = site::text();
    view! {
        <nav class="lang-switch" aria-label=text.language>
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    let pressed = l == lang.get_untracked();
                    view! {
                        <button
                            type="button"
                            lang=l.tag()
                            aria-pressed=pressed.to_string()
                            data-testid=format!("lang-{}", l.tag())
                            on:click=move |_| {
                                site::remember_lang(l);
                                lang.set(l);
                            }
                        >
                            {Text::of(l).name}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// A link to the site's feed, when it has one (a site with a base URL).
#[component]
fn FeedLink() -> impl IntoView {
    let text = site::text();
    site::info().base_url.is_some().then(|| {
        view! {
            <a class="feed" href=site::href(layout::site_files::RSS) title=text.feed aria-label=text.feed>
                <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                    <circle cx="3" cy="13" r="2" />
                    <path d="M1 6a9 9 0 0 1 9 9h-2.5A6.5 6.5 0 0 0 1 8.5z" />
                    <path d="M1 1a14 14 0 0 1 14 14h-2.5A11.5 11.5 0 0 0 1 3.5z" />
                </svg>
            </a>
        }
    })
}
