//! Full-text search over every item, from the build's index files
//! (`tidings_model::search_index` owns their format and the lookup): the
//! shards of the query's terms, then only the blocks of common terms that
//! the newest hits need. Results are items, ranked, each confirmed on its
//! text before it is shown; a query that finds nothing falls back to the
//! nearest relaxed one (every term but one).

use std::sync::Arc;

use leptos::prelude::*;
use tidings_model::query::{Filter, ListBase};
use tidings_model::search::query_terms;
use tidings_model::search_index::{self, DocRows, Hit, Lookup};
use tidings_model::{url, Index, Manifest};

use crate::api::{self, AppError};
use crate::site::{self, href};

/// Results a page of search shows.
pub const PER_PAGE: usize = 10;
/// Hits gathered and ranked before the first page: the newest this many
/// (all of them when fewer).
const POOL: usize = 200;
/// Relaxed queries tried at most.
const MAX_RELAXED: usize = 6;

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Ranked, best first, within the rows allowed.
    pub hits: Vec<Hit>,
    /// Whether every hit is here (else these are the newest).
    pub complete: bool,
    /// Whether every hit holds every term (else common terms are left to
    /// the check on the text, and the count is an upper bound).
    pub exact: bool,
    /// For a relaxed search, the words it kept.
    pub kept: Option<Vec<String>>,
    /// For a query of one term, the number of items that hold it (known
    /// from its shard even when only the newest hits are loaded).
    pub df: Option<u32>,
}

/// Loads the shards of `terms` and then the blocks for `want` hits.
async fn lookup(manifest: &Manifest, terms: &[String], want: usize) -> Result<Lookup, AppError> {
    let info = &manifest.search;
    let numbers = Lookup::shards_of(terms, info);
    let loaded =
        api::futures_join_all(numbers.iter().map(|&n| api::search_shard(manifest, n))).await?;
    let shards: Vec<(u32, Arc<_>)> = numbers.into_iter().zip(loaded).collect();
    let mut l = Lookup::new(terms, &shards, info);
    // Each round loads what the newest hits still need; a few rounds at most.
    for _ in 0..16 {
        let missing = l.missing(want);
        if missing.is_empty() {
            break;
        }
        let fetches = missing.iter().map(|&f| {
            let block = l.block_ref(f);
            async move {
                let block = block.ok_or_else(|| AppError::Bundle {
                    url: href(&tidings_model::layout::search_block(&manifest.stamp, f)),
                    error: tidings_model::DecodeError::Malformed("a block no term names".into()),
                })?;
                api::search_block(manifest, f, block).await
            }
        });
        let blocks = api::futures_join_all(fetches).await?;
        for (f, postings) in missing.into_iter().zip(blocks) {
            l.add_block(f, postings.as_ref().clone());
        }
    }
    Ok(l)
}

/// What [`hits_of`] found.
struct Hits {
    hits: Vec<Hit>,
    complete: bool,
    exact: bool,
    df: Option<u32>,
}

/// The hits of `terms` in the rows `allowed` says yes to: the newest
/// `want` at least (more are loaded while the filter drops too many).
async fn hits_of(
    manifest: &Manifest,
    index: &Index,
    terms: &[String],
    allowed: &dyn Fn(u32) -> bool,
    want: usize,
) -> Result<Hits, AppError> {
    let rows = DocRows::new(&index.items);
    let mut want = want;
    loop {
        let l = lookup(manifest, terms, want).await?;
        let (found, exact) = (l.found(), l.exact());
        // A one-term query's count is in its shard entry.
        let df = match l.terms().as_slice() {
            [(_, df)] => Some(*df),
            _ => None,
        };
        let kept: Vec<Hit> = found
            .hits
            .iter()
            .filter(|h| rows.locate(h.doc).is_some_and(|(r, _)| allowed(r)))
            .copied()
            .collect();
        if found.complete || kept.len() >= want || want >= manifest.search.docs as usize {
            return Ok(Hits {
                hits: kept,
                complete: found.complete,
                exact,
                df,
            });
        }
        want = want.saturating_mul(4);
    }
}

/// Searches `query` within `allowed` rows, ranked; relaxed when the whole
/// query finds nothing.
pub async fn find(
    manifest: &Manifest,
    index: &Index,
    query: &str,
    allowed: &dyn Fn(u32) -> bool,
    want: usize,
) -> Result<Found, AppError> {
    let terms = query_terms(query);
    let rows = DocRows::new(&index.items);
    let found = hits_of(manifest, index, &terms, allowed, want).await?;
    if !found.hits.is_empty() || !found.complete {
        return Ok(Found {
            hits: search_index::rank(&found.hits, &rows, &index.dates),
            complete: found.complete,
            exact: found.exact,
            kept: None,
            df: found.df,
        });
    }
    let mut best: Option<(Vec<String>, Hits)> = None;
    for relaxed in search_index::relaxed(&terms).into_iter().take(MAX_RELAXED) {
        let found = hits_of(manifest, index, &relaxed, allowed, want).await?;
        if found.hits.len() > best.as_ref().map_or(0, |b| b.1.hits.len()) {
            best = Some((relaxed, found));
        }
    }
    Ok(match best {
        Some((kept, found)) => Found {
            hits: search_index::rank(&found.hits, &rows, &index.dates),
            complete: found.complete,
            exact: found.exact,
            kept: Some(search_index::join_terms(&kept)),
            df: None,
        },
        None => Found {
            complete: true,
            exact: true,
            ..Found::default()
        },
    })
}

/// Per row, whether any of its items holds `query` (the newest hits when
/// there are very many): what the digest list filters by.
pub async fn row_matches(
    manifest: &Manifest,
    index: &Index,
    query: &str,
) -> Result<Vec<bool>, AppError> {
    let rows = DocRows::new(&index.items);
    let found = hits_of(manifest, index, &query_terms(query), &|_| true, POOL).await?;
    let mut out = vec![false; index.items.len()];
    for h in found.hits {
        if let Some((r, _)) = rows.locate(h.doc) {
            if let Some(m) = out.get_mut(r as usize) {
                *m = true;
            }
        }
    }
    Ok(out)
}

/// Text with the ranges to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marked {
    text: String,
    marks: Vec<std::ops::Range<usize>>,
}

impl Marked {
    fn of(text: &str, parts: &[String]) -> Marked {
        let mut marks: Vec<_> = parts
            .iter()
            .flat_map(|p| search_index::occurrences(text, p))
            .collect();
        tidings_model::order::sort_by_key(&mut marks, |r| r.start);
        marks.dedup_by(|b, a| b.start < a.end);
        Marked {
            text: text.to_string(),
            marks,
        }
    }

    fn html(&self) -> String {
        tidings_model::html::marked(&self.text, &self.marks)
    }
}

/// One result as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    href: String,
    title: Marked,
    snippet: Marked,
    domain: Option<String>,
    date: String,
    digest: String,
    digest_href: String,
}

/// A page of results, loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    rows: Vec<Row>,
    total: usize,
    complete: bool,
    exact: bool,
    kept: Option<Vec<String>>,
    page: u32,
    pages: u32,
    /// The query these results are for (on the count, for benchmarks and
    /// tests to tell one search's results from the last one's).
    query: String,
}

/// Page `page` (1-based) of the results of the filter's text under its
/// other filters, with the digests of the hits shown.
pub async fn load(m: Arc<Manifest>, filter: Filter, page: u32) -> Result<Page, AppError> {
    let index = api::index(&m).await?;
    let results = tidings_model::query::apply(&index, &filter.with_text(String::new()), None);
    let mut allowed = vec![false; index.items.len()];
    for &r in &results.rows {
        if let Some(a) = allowed.get_mut(r as usize) {
            *a = true;
        }
    }
    let want = (page as usize * PER_PAGE).max(POOL);
    let found = find(
        &m,
        &index,
        &filter.text,
        &|r| allowed.get(r as usize).copied().unwrap_or(false),
        want,
    )
    .await?;
    // Without other filters, a one-term query's count is exact.
    let (total, complete) = match found.df {
        Some(df) if !found.complete && filter.with_text(String::new()).is_empty() => {
            (df as usize, true)
        }
        _ => (found.hits.len(), found.complete),
    };
    // More hits than loaded: one more page, which loads them.
    let pages = (found.hits.len().div_ceil(PER_PAGE) + usize::from(!found.complete)).max(1) as u32;
    let page = page.clamp(1, pages);
    let shown: Vec<Hit> = found
        .hits
        .iter()
        .skip((page as usize - 1) * PER_PAGE)
        .take(PER_PAGE)
        .copied()
        .collect();
    // The digests of the page's hits, from their list entries' slugs.
    let rows = DocRows::new(&index.items);
    let places: Vec<(u32, u32)> = shown.iter().filter_map(|h| rows.locate(h.doc)).collect();
    let row_numbers: Vec<u32> = places.iter().map(|&(r, _)| r).collect();
    let lists = api::pages_for(&m, &row_numbers).await?;
    // Each hit's digest slug beside its item index, kept together.
    let targets: Vec<(String, u32)> = places
        .iter()
        .filter_map(|&(r, i)| {
            let entry = api::page_in(&lists, m.page_of(r)).and_then(|p| p.entry(r));
            entry.map(|e| (e.slug.clone(), i))
        })
        .collect();
    let digests = api::futures_join_all(
        targets
            .iter()
            .map(|(s, _)| api::digest(Ok(Arc::clone(&m)), s.clone())),
    )
    .await?;
    let parts: Vec<String> = match &found.kept {
        Some(kept) => kept.clone(),
        None => search_index::query_parts(&filter.text),
    };
    let domains = &filter.terms[tidings_model::facet::Facet::Domain];
    let sections = &filter.terms[tidings_model::facet::Facet::Section];
    let mut out = Vec::new();
    for ((_, d), &(_, i)) in digests.iter().zip(&targets) {
        let Some(item) = d.items.get(i as usize) else {
            continue;
        };
        // The phrase itself, confirmed on the text (a relaxed search
        // shows what it kept).
        if found.kept.is_none()
            && !search_index::verbatim(&search_index::item_text(item), &filter.text)
        {
            continue;
        }
        let domain = item.source.as_ref().map(|s| s.domain.clone());
        // A source or section chosen picks items, not only digests.
        if (!domains.is_empty() && !domain.as_ref().is_some_and(|x| domains.contains(x)))
            || (!sections.is_empty()
                && !item.section.as_ref().is_some_and(|x| sections.contains(x)))
        {
            continue;
        }
        let body = search_index::plain_text(&item.body_html);
        let (snippet, marks) = search_index::snippet(&body, &parts, 120);
        out.push(Row {
            href: href(&m.item_url(&d.slug, &item.id)),
            title: Marked::of(&item.title, &parts),
            snippet: Marked {
                text: snippet,
                marks,
            },
            domain,
            date: d.date.clone(),
            digest: d.title.clone(),
            digest_href: href(&url::digest(&d.slug)),
        });
    }
    Ok(Page {
        rows: out,
        total,
        complete,
        exact: found.exact,
        kept: found.kept,
        page,
        pages,
        query: filter.text.clone(),
    })
}

/// A loaded page of results: the count, a note for a relaxed or empty
/// search, the items, its own pager (results are ranked, not by date).
/// The rows are the model's HTML, set in one call: a search shows its
/// rows once.
pub fn results_view(
    p: Page,
    filter: Filter,
    base: ListBase,
    text: &'static tidings_model::i18n::Text,
) -> impl IntoView {
    let note = match (&p.kept, p.total) {
        (_, 0) => Some(text.no_results.to_string()),
        (Some(kept), _) => Some(text.relaxed(&kept.join("”“"))),
        _ => None,
    };
    let rows: String = p
        .rows
        .iter()
        .map(|r| {
            tidings_model::html::ItemRow {
                href: &r.href,
                title_html: &r.title.html(),
                snippet_html: Some(&r.snippet.html()),
                domain: r.domain.as_deref(),
                date: &text.date_text(&r.date),
                digest: &r.digest,
                digest_href: &r.digest_href,
                days: None,
            }
            .html()
        })
        .collect();
    let count = if p.exact || p.total == 0 {
        text.results(p.total, !p.complete)
    } else {
        text.results_about(p.total)
    };
    let pager = crate::browse::pager(p.page, p.pages, (text.previous, text.next), &filter, &base);
    view! {
        <p class="result-count" data-testid="result-count" data-query=p.query>{count}</p>
        {note.map(|n| view! { <p class="result-note" data-testid="result-note">{n}</p> })}
        <ol class="item-list results" lang=site::info().language.clone() inner_html=rows></ol>
        {pager}
    }
}
