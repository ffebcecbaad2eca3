//! `/`: every digest, newest first, under the filters in the URL query.

use leptos::prelude::*;

use tidings_model::query::ListBase;

use crate::browse::Browse;

#[component]
pub fn Home() -> impl IntoView {
    view! { <Browse base=Signal::derive(|| ListBase::Home) /> }
}
