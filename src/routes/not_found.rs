//! Any path the app does not know.

use leptos::prelude::*;

use crate::components::NotFoundMessage;

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <NotFoundMessage what="This page" /> }
}
