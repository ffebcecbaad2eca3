//! `/d/<slug>`: one digest with all its items; with `?item=<id>`, one of its
//! items (the item address of sites built without per-item pages).

use leptos::prelude::*;
use tidings_model::url::{self, Route};

use crate::routes::item::ArticleView;

#[component]
pub fn DigestPage() -> impl IntoView {
    let nav = crate::nav::use_nav();
    let slug = crate::nav::param(|r| match r {
        Route::Digest(slug) => Some(slug.clone()),
        _ => None,
    });
    let item = Memo::new(move |_| nav.query_value(url::ITEM_QUERY));
    view! { <ArticleView slug item_id=item.into() /> }
}
