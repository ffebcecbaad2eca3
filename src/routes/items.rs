//! `/items/`: items across digests, newest first, under the same filters
//! as the list (a source domain or a section picks items, not only
//! digests); each story once, with how many days it ran.

use std::sync::Arc;

use leptos::prelude::*;
use tidings_model::query::{Filter, ListBase};
use tidings_model::{url, DigestSummary, Manifest};

use crate::api::{self, AppError};
use crate::browse::Browse;
use crate::site::{self, href};

#[component]
pub fn ItemsPage() -> impl IntoView {
    let text = site::text();
    view! {
        <p class="crumbs"><a href=href(url::HOME)>{text.all_digests}</a></p>
        <h1>{text.all_items}</h1>
        <Browse base=Signal::derive(|| ListBase::Items) />
    }
}

/// One row of the items view.
pub type Row = tidings_model::html::ItemsViewRow;

pub async fn rows(
    manifest: Result<Arc<Manifest>, AppError>,
    entries: Vec<DigestSummary>,
    filter: Filter,
) -> Result<Vec<Row>, AppError> {
    let m = manifest?;
    let loads = entries
        .iter()
        .map(|e| api::digest(Ok(Arc::clone(&m)), e.slug.clone()));
    let digests: Vec<Arc<tidings_model::Digest>> = api::futures_join_all(loads)
        .await?
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    let refs: Vec<&tidings_model::Digest> = digests.iter().map(|d| d.as_ref()).collect();
    Ok(tidings_model::html::items_view_rows(
        &refs,
        &filter,
        &m,
        site::info(),
    ))
}

/// The items of the digests of one screen of the list, as the model
/// writes them, set in one call.
pub fn item_list(rows: &[Row]) -> AnyView {
    let html = tidings_model::html::items_view_html(rows, site::text());
    view! { <ol class="item-list" lang=site::info().language.clone() inner_html=html></ol> }
        .into_any()
}
