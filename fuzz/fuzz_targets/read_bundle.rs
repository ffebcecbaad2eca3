//! What the app reads from outside: every kind of bundle file as a host,
//! a proxy or a damaged disk may serve it, a link a reader pastes, and a
//! reading file a reader imports. The first byte picks the kind
//! (manifest, filter index, list page, shard, search shard, search block,
//! link, reading file), the rest is the input. Each file is read and
//! checked as the app reads and checks it, against the manifest of the
//! shipped `content/` built in memory; a file that passes is then used as
//! the app uses it (the first view's panels, a filter's results and
//! counts, an item looked up, a term's postings). Any input must give a
//! value or an error, never a panic: in the release wasm a panic aborts
//! the app.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tidings::bundle::{self, BundleOptions};
use tidings_model::facet::Facet;
use tidings_model::query::{self, Filter, ListBase};
use tidings_model::reading::Reading;
use tidings_model::search_index::{self, BlockRef};
use tidings_model::url::Route;
use tidings_model::{BundleFile, Index, ListPage, Manifest, Shard};

/// The shipped digests' manifest, built once.
fn manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let site = tidings::load::load(&content, &Default::default()).expect("content/ loads");
        bundle::bundle(&site, &BundleOptions::default())
            .expect("content/ bundles")
            .manifest
    })
}

fuzz_target!(|data: &[u8]| {
    let m = manifest();
    let Some((&kind, file)) = data.split_first() else {
        return;
    };
    let text = std::str::from_utf8(file).ok();
    let base = ListBase::Home;
    match (kind % 8, text) {
        (0, Some(text)) => {
            let Ok(other) = Manifest::from_json(text) else {
                return;
            };
            // The first view: panels and archive from the manifest alone.
            let _ = query::unfiltered_panels(&other, &base);
            let _ = query::unfiltered_archive(&other, &base);
            let _ = (other.shard_of("ai20240526"), other.page_of(u32::MAX));
            let _ = other.item_url("ai20240526", "x");
        }
        (1, Some(text)) => {
            let Ok(index) = Index::from_json(text) else {
                return;
            };
            if index.check_against(m).is_err() {
                return;
            }
            let (totals, months) = query::totals(&index);
            let all = query::apply(&index, &Filter::default(), None);
            let _ = query::panels(&all, &index, &Filter::default(), &base);
            let _ = query::archive(&months, &Filter::default(), &base);
            // A tag of the file's own, and a second one with AND.
            let mut filter = Filter::default();
            for term in totals[Facet::Tag].iter().take(2) {
                filter = filter.toggle(Facet::Tag, &term.name);
                let results = query::apply(&index, &filter, None);
                let _ = query::panels(&results, &index, &filter, &base);
                let (_, _, _) = query::screen(&results.rows, 2);
            }
        }
        (2, Some(text)) => {
            if let Ok(page) = ListPage::from_json(text) {
                let _ = page.check_against(m, 0);
            }
        }
        (3, Some(text)) => {
            let Ok(shard) = Shard::from_json(text) else {
                return;
            };
            for n in 0..m.shard_count {
                if shard.check_against(m, n).is_ok() {
                    for d in &shard.digests {
                        for item in &d.items {
                            let _ = query::locate(&d.items, &item.id);
                            let _ = search_index::item_text(item);
                            let _ = search_index::plain_text(&item.body_html);
                        }
                    }
                }
            }
        }
        (4, _) => {
            let Ok(entries) = search_index::read_shard(file, &m.search) else {
                return;
            };
            for term in entries.terms() {
                let _ = entries.get(term).map(|e| e.df());
            }
        }
        (5, _) => {
            // The block's directory entry from the input's first bytes.
            let Some((head, bytes)) = file.split_first_chunk::<8>() else {
                return;
            };
            let first_doc = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
            let count = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
            let _ = search_index::read_block(bytes, BlockRef { first_doc, count }, &m.search);
        }
        (6, Some(link)) => {
            // A link: its path to a route, its query to a filter, and back.
            let route_of = |link: &str| {
                let (path, query) = link.split_once('?').unwrap_or((link, ""));
                let pairs = query::query_pairs(query);
                let item = pairs
                    .iter()
                    .find(|(k, _)| k == tidings_model::url::ITEM_QUERY);
                Route::parse(path, item.map(|(_, v)| v.as_str()))
            };
            if let Some(route) = route_of(link) {
                // A route's own URL leads back to it.
                assert_eq!(route_of(&route.url()), Some(route), "{link}");
            }
            let query = link.split_once('?').map_or("", |(_, q)| q);
            let pairs = query::query_pairs(query);
            let pairs = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            let filter = base.filter(pairs);
            let _ = (filter.to_query(), base.href(&filter, u32::MAX));
            let _ = ListBase::Tag(link.into()).href(&filter, 1);
        }
        (7, Some(text)) => {
            let mut kept = Reading::default();
            if let Ok(imported) = Reading::parse(text) {
                let _ = kept.merge(imported);
                // What is kept reads back as it was (export, then import).
                assert_eq!(Reading::parse(&kept.to_json()).ok(), Some(kept), "{text}");
            }
        }
        _ => {}
    }
});
