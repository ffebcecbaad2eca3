//! `/`: every digest, newest first, under the filters in the URL query.

use leptos::prelude::*;

use tidings_model::query::ListBase;

use crate::browse::Browse;

/// The list under the site's title, which is the page's one `<h1>` (shown
/// by the header already, so only for assistive technology).
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <h1 class="visually-hidden">{crate::site::info().title.clone()}</h1>
        <Browse base=Signal::derive(|| ListBase::Home) />
    }
}
