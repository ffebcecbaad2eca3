//! `tidings list`: every extracted item as one row, with the URL the
//! build gives it (the same plan decides the item-page mode).

use tidings_model::Digest;

use crate::bundle::{plan, BundleOptions};
use crate::load::Site;

/// One extracted item, as `tidings list` prints it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListRow<'a> {
    pub digest: &'a str,
    pub date: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub source: Option<&'a str>,
    pub section: Option<&'a str>,
    pub url: String,
}

/// Every item of the site, digests newest first, items in file order, with
/// the URL a build with the same `options` gives it.
pub fn list<'a>(site: &'a Site, options: &BundleOptions) -> Vec<ListRow<'a>> {
    let item_pages = plan(site, options).item_pages;
    site.digests
        .iter()
        .flat_map(|p| {
            let d: &Digest = &p.digest;
            d.items.iter().map(move |i| ListRow {
                digest: &d.slug,
                date: &d.date,
                id: &i.id,
                title: &i.title,
                source: i.source.as_ref().map(|s| s.url.as_str()),
                section: i.section.as_deref(),
                url: tidings_model::item_route(item_pages, &d.slug, &i.id).url(),
            })
        })
        .collect()
}

/// A CSV field, quoted when it needs to be.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
