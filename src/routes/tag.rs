//! `/tags/<tag>`: the digests carrying one tag (more filters in the query).

use leptos::prelude::*;
use tidings_model::query::ListBase;
use tidings_model::url::{self, Route};

use crate::browse::Browse;
use crate::site::{self, href};

#[component]
pub fn TagPage() -> impl IntoView {
    let tag = crate::nav::param(|r| match r {
        Route::Tag(tag) => Some(tag.clone()),
        _ => None,
    });
    view! {
        <p class="crumbs"><a href=href(url::HOME)>{site::text().all_digests}</a></p>
        <h1>"#"{tag}</h1>
        <Browse base=Signal::derive(move || ListBase::Tag(tag.get())) />
    }
}
