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
pub mod nav;
pub mod reading;
mod routes;
mod search;
pub mod site;

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::{nothing, shown, Load};

pub use api::{AppError, Missing};
use tidings_model::i18n::{Grouped, Text};
use tidings_model::site::Lang;
use tidings_model::url::Route;
use tidings_model::{layout, url, Manifest};

/// The manifest, loaded once and shared by every page.
#[derive(Clone, Copy)]
pub struct ManifestResource(pub Load<Arc<Manifest>>);

#[component]
pub fn App() -> impl IntoView {
    let (attempt, site::Busy(busy)) = site::provide_retry();
    let manifest = Load::new(move || {
        attempt.track();
        api::manifest()
    });
    provide_context(ManifestResource(manifest));
    let updated = site::updated(manifest);
    reading::provide();
    site::register_service_worker();
    site::reload_on_rebuild();
    let offline = site::offline();
    let lang = RwSignal::new(site::initial_lang());
    let help = RwSignal::new(false);
    let nav = nav::provide();
    keys::install(help);
    // One view per kind of page; a page's own values (a tag, a slug)
    // change in place.
    let page = Memo::new(move |_| {
        nav.route.with(|r| match r {
            Some(Route::Home) => Page::Home,
            Some(Route::Starred) => Page::Starred,
            Some(Route::Items) => Page::Items,
            Some(Route::Tag(_)) => Page::Tag,
            Some(Route::Digest(_)) => Page::Digest,
            Some(Route::Item { .. }) => Page::Item,
            None => Page::NotFound,
        })
    });
    view! {
            {move || {
                // The whole interface follows the language; switching is rare.
                let text = Text::of(lang.get());
                provide_context(text);
                view! {
                    <div class="app" lang=text.lang.tag()>
                        <header class="site-header">
                            <a href=site::href(url::HOME) class="brand" aria-current=nav::current(Route::Home)>{site::info().title.clone()}</a>
                            {shown(
                                move || busy.get(),
                                move || view! { <div class="busy" role="progressbar" aria-label=text.loading data-testid="busy"></div> }.into_any(),
                                nothing,
                            )}
                            {shown(
                                move || offline.get(),
                                move || view! { <span class="offline" role="status" data-testid="offline">{text.offline}</span> }.into_any(),
                                nothing,
                            )}
                            {shown(
                                move || updated.get(),
                                move || view! {
                                    <span role="status">
                                        <button type="button" class="updated" data-testid="updated" on:click=|_| _ = window().location().reload()>{text.updated}</button>
                                    </span>
                                }.into_any(),
                                nothing,
                            )}
                            <a href=site::href(&Route::Items.url()) class="items-link" data-testid="items-link" aria-current=nav::current(Route::Items)>{text.all_items}</a>
                            <SiteSearch />
                            <StarredLink />
                            <LangSwitch lang />
                            <FeedLink />
                        </header>
                        <main aria-busy=move || busy.get().to_string()>
                            {move || match page.get() {
                                Page::Home => view! { <routes::home::Home /> }.into_any(),
                                Page::Starred => view! { <routes::starred::StarredPage /> }.into_any(),
                                Page::Items => view! { <routes::items::ItemsPage /> }.into_any(),
                                Page::Tag => view! { <routes::tag::TagPage /> }.into_any(),
                                Page::Digest => view! { <routes::digest::DigestPage /> }.into_any(),
                                Page::Item => view! { <routes::item::ItemPage /> }.into_any(),
                                Page::NotFound => view! { <routes::not_found::NotFound /> }.into_any(),
                            }}
                        </main>
                        <keys::KeysHelp open=help />
                    </div>
                }
            }}
    }
}

/// The kinds of page, one view each (`routes`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Page {
    Home,
    Starred,
    Items,
    Tag,
    Digest,
    Item,
    NotFound,
}

/// The search box of pages without a list (a list has its own, which
/// keeps its filters): it opens the items view with the query.
#[component]
fn SiteSearch() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let nav = nav::use_nav();
    // A list view has its own box, which keeps its filters.
    let on_list = move || nav.route.with(|r| r.as_ref().is_some_and(Route::is_list));
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = input.get().map(|i| i.value()).unwrap_or_default();
        let filter = tidings_model::query::Filter::default().with_text(value);
        nav.go(
            &site::href(&tidings_model::query::ListBase::Items.href(&filter, 1)),
            false,
            true,
        );
    };
    let form = move || {
        view! {
            <form class="site-search" role="search" action=site::href(&url::Route::Items.url()) on:submit=on_submit>
                <label>
                    <span class="visually-hidden">{text.search_label}</span>
                    <input node_ref=input type="search" name=tidings_model::query::TEXT_KEY placeholder=text.search_placeholder data-testid="site-search" />
                </label>
            </form>
        }
        .into_any()
    };
    shown(move || !on_list(), form, nothing)
}

/// The starred view, with how many items it holds.
#[component]
fn StarredLink() -> impl IntoView {
    let text = site::text();
    let r = reading::use_reading();
    view! {
        <a href=site::href(&Route::Starred.url()) class="starred-link" data-testid="starred-link" aria-current=nav::current(Route::Starred)>
            {move || format!("★ {} {}", text.starred, Grouped::of(r.state.read().starred.len()))}
        </a>
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
