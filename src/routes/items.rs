//! `/items/`: items across digests, newest first, under the same filters
//! as the list (a source domain or a section picks items, not only
//! digests); each story once, with how many days it ran.

use std::sync::Arc;

use leptos::prelude::*;
use tidings_model::query::{item_rows, Filter, ListBase};
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    href: String,
    title: String,
    domain: Option<String>,
    date: String,
    digest: String,
    digest_href: String,
    days: usize,
}

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
    Ok(item_rows(&refs, &filter)
        .into_iter()
        .map(|(d, i)| {
            let (d, item) = (refs[d], &refs[d].items[i]);
            Row {
                href: href(&m.item_url(&d.slug, &item.id)),
                title: item.title.clone(),
                domain: item.source.as_ref().map(|s| s.domain.clone()),
                date: d.date.clone(),
                digest: d.title.clone(),
                digest_href: href(&url::digest(&d.slug)),
                days: item.also_in.len() + 1,
            }
        })
        .collect())
}

/// The items of the digests of one screen of the list, as the model
/// writes them, set in one call.
pub fn item_list(rows: &[Row]) -> AnyView {
    let text = site::text();
    let html: String = rows
        .iter()
        .map(|r| {
            let date = text.date_text(&r.date);
            let days = (r.days > 1).then(|| text.on_days(r.days));
            tidings_model::html::ItemRow {
                href: &r.href,
                title_html: &tidings_model::html::escape(&r.title),
                snippet_html: None,
                domain: r.domain.as_deref(),
                date: &date,
                digest: &r.digest,
                digest_href: &r.digest_href,
                days: days.as_deref(),
            }
            .html()
        })
        .collect();
    view! { <ol class="item-list" lang=site::info().language.clone() inner_html=html></ol> }
        .into_any()
}
