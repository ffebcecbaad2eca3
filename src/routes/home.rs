//! `/`: every digest, newest first, under the filters in the URL query.

use leptos::prelude::*;

use crate::browse::Browse;

#[component]
pub fn Home() -> impl IntoView {
    view! { <Browse fixed_tag=Signal::derive(|| None::<String>) /> }
}
