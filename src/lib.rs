//! The tidings viewer: a Leptos single-page app that reads the JSON bundle
//! written by `tidings build` and shows digests, tags and items, each at its
//! own shareable URL.

mod api;
mod browse;
pub mod components;
mod routes;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{ParamSegment, StaticSegment};

pub use api::AppError;
use tidings_model::{url, Manifest};

/// The manifest, loaded once and shared by every page.
#[derive(Clone, Copy)]
pub struct ManifestResource(pub LocalResource<Result<Arc<Manifest>, AppError>>);

#[component]
pub fn App() -> impl IntoView {
    provide_context(ManifestResource(LocalResource::new(api::manifest)));
    view! {
        <Router>
            <header class="site-header">
                <A href=url::HOME attr:class="brand">"tidings"</A>
            </header>
            <main>
                // The segments are the model's, which also places each
                // route's HTML page (`Route::page_file`).
                <Routes fallback=routes::not_found::NotFound>
                    <Route path=StaticSegment("") view=routes::home::Home />
                    <Route path=(StaticSegment(url::TAGS), ParamSegment("tag")) view=routes::tag::TagPage />
                    <Route path=(StaticSegment(url::DIGESTS), ParamSegment("slug")) view=routes::digest::DigestPage />
                    <Route path=(StaticSegment(url::DIGESTS), ParamSegment("slug"), ParamSegment("item")) view=routes::item::ItemPage />
                </Routes>
            </main>
        </Router>
    }
}
