//! Any path the app does not know.

use leptos::prelude::*;

use crate::api::Missing;
use crate::components::NotFoundMessage;

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <NotFoundMessage what=Missing::Page /> }
}
