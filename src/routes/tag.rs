//! `/tags/<tag>`: the digests carrying one tag (more filters in the query).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tidings_model::query::ListBase;
use tidings_model::url;

use crate::browse::Browse;
use crate::site::{self, href};

#[component]
pub fn TagPage() -> impl IntoView {
    let params = use_params_map();
    let tag = Signal::derive(move || params.read().get("tag").unwrap_or_default());
    view! {
        <p class="crumbs"><A href=href(url::HOME)>{site::text().all_digests}</A></p>
        <h1>"#"{tag}</h1>
        <Browse base=Signal::derive(move || ListBase::Tag(tag.get())) />
    }
}
