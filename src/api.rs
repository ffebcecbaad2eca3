//! Fetching the bundle. Every network or format problem becomes an
//! [`AppError`] the pages show; nothing here panics on data. Each file is
//! checked on arrival, on its own and against the manifest (ids and rows
//! in range, the right list page, digests in their shard), so later code
//! can trust it. Files under a build's stamp never change, so each is
//! fetched once per visit and kept. Paths come from the manifest, which
//! takes them from `tidings_model::layout`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use tidings_model::i18n::Text;
use tidings_model::layout;
use tidings_model::search_index::{self, BlockRef, Posting, ShardEntries};
use tidings_model::site::Lang;
use tidings_model::{
    BundleFile, DecodeError, Digest, Index, ListPage, Manifest, Shard, MANIFEST_PATH,
};
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestCache;

/// What can go wrong while loading a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// The digest or item asked for is not in the bundle.
    NotFound(Missing),
    /// The request failed (no `status`) or the server answered with an
    /// error status.
    Network {
        url: String,
        status: Option<u16>,
        detail: String,
    },
    /// The file was fetched but is not a bundle this viewer can read.
    Bundle { url: String, error: DecodeError },
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::NotFound(what) => write!(f, "{}", what.describe(Text::of(Lang::En))),
            AppError::Network { url, detail, .. } => write!(f, "could not load {url}: {detail}"),
            AppError::Bundle { url, error } => write!(f, "{url}: {error}"),
        }
    }
}

impl std::error::Error for AppError {}

impl AppError {
    /// What went wrong, for the reader, in the interface language.
    pub fn describe(&self, text: &Text) -> String {
        match self {
            AppError::NotFound(what) => what.describe(text),
            AppError::Network {
                url,
                status: Some(status),
                ..
            } => text.server_refused(file_name(url), *status),
            AppError::Network { url, .. } => text.unreachable(file_name(url)),
            AppError::Bundle {
                error: DecodeError::Schema { found, expected },
                ..
            } => text.other_version(*found, *expected),
            AppError::Bundle { url, .. } => text.damaged(file_name(url)),
        }
    }
}

/// The file a URL names under the site (`data/…/3.json`), for messages.
fn file_name(url: &str) -> &str {
    let base = &crate::site::info().base_path;
    url.strip_prefix(base.as_str()).unwrap_or(url)
}

thread_local! {
    /// Set once the reader has asked to retry: from then on files are
    /// fetched past the browser's cache, which may hold a damaged copy.
    static RETRIED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Fetches past the browser's cache from now on (see [`RETRIED`]).
pub fn bypass_cache() {
    RETRIED.with(|r| r.set(true));
}

/// What was asked for and is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    Page,
    Digest(String),
    Item { id: String, digest: String },
}

impl Missing {
    /// "The digest “x”", in the interface language.
    pub fn what(&self, text: &Text) -> String {
        match self {
            Missing::Page => text.this_page.to_string(),
            Missing::Digest(slug) => text.the_digest(slug),
            Missing::Item { id, digest } => text.the_item(id, digest),
        }
    }

    /// "The digest “x” was not found".
    pub fn describe(&self, text: &Text) -> String {
        text.was_not_found(&self.what(text))
    }
}

/// The response for `url`, or why there is none.
async fn fetch(url: &str, cache: RequestCache) -> Result<web_sys::Response, AppError> {
    use wasm_bindgen::JsCast;
    let cache = if RETRIED.with(std::cell::Cell::get) {
        RequestCache::Reload
    } else {
        cache
    };
    let init = web_sys::RequestInit::new();
    init.set_cache(cache);
    let answer = JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| network(url, js_detail(&e)))?;
    let response: web_sys::Response = answer.dyn_into().map_err(|e| network(url, js_detail(&e)))?;
    if !response.ok() {
        return Err(AppError::Network {
            url: url.to_string(),
            status: Some(response.status()),
            detail: response.status_text(),
        });
    }
    Ok(response)
}

/// What a failed request or body read says (a `TypeError`'s message).
fn js_detail(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match e.dyn_ref::<js_sys::Error>() {
        Some(e) => format!("{}: {}", String::from(e.name()), String::from(e.message())),
        None => e.as_string().unwrap_or_else(|| "no answer".into()),
    }
}

/// The body of `response` as text.
async fn body_text(url: &str, response: &web_sys::Response) -> Result<String, AppError> {
    let promise = response.text().map_err(|e| network(url, js_detail(&e)))?;
    let text = JsFuture::from(promise)
        .await
        .map_err(|e| network(url, js_detail(&e)))?;
    text.as_string()
        .ok_or_else(|| network(url, "the body is not text"))
}

/// The body of `response` as bytes.
async fn body_bytes(url: &str, response: &web_sys::Response) -> Result<Vec<u8>, AppError> {
    let promise = response
        .array_buffer()
        .map_err(|e| network(url, js_detail(&e)))?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|e| network(url, js_detail(&e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A request or body read that failed without an answer.
fn network(url: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Network {
        url: url.to_string(),
        status: None,
        detail: e.to_string(),
    }
}

async fn get<T: BundleFile>(path: &str, cache: RequestCache) -> Result<T, AppError> {
    let url = crate::site::href(path);
    let response = fetch(&url, cache).await?;
    let text = body_text(&url, &response).await?;
    T::from_json(&text).map_err(|error| AppError::Bundle {
        url: url.clone(),
        error,
    })
}

thread_local! {
    /// The stamped files fetched so far in this visit, by path: tens in
    /// most visits, thousands in a long one. Scanning their paths costs
    /// far less than the fetch it saves, and brings no hash table's code
    /// into the wasm. Two fetches of one file at once keep two copies;
    /// the first is found.
    static FILES: RefCell<Vec<(String, Rc<dyn std::any::Any>)>> = const { RefCell::new(Vec::new()) };
}

/// The file kept for `path`, if it is a `T`.
fn kept<T: 'static>(path: &str) -> Option<Arc<T>> {
    let hit = FILES.with(|f| {
        (f.borrow().iter())
            .find(|(p, _)| p == path)
            .map(|(_, v)| Rc::clone(v))
    });
    hit.and_then(|v| v.downcast::<Arc<T>>().ok())
        .map(|v| Arc::clone(&v))
}

/// Keeps `value` for `path` for the rest of the visit.
fn keep<T: 'static>(path: String, value: &Arc<T>) {
    FILES.with(|f| f.borrow_mut().push((path, Rc::new(Arc::clone(value)))));
}

/// A stamped (immutable) file, fetched once per visit and kept only if
/// `check` accepts it.
async fn cached<T: BundleFile + 'static>(
    path: String,
    check: impl FnOnce(&T) -> Result<(), DecodeError>,
) -> Result<Arc<T>, AppError> {
    if let Some(value) = kept::<T>(&path) {
        return Ok(value);
    }
    let (url, response) = stamped(&path).await?;
    let text = body_text(&url, &response).await?;
    let value = T::from_json(&text).map_err(|error| AppError::Bundle {
        url: url.clone(),
        error,
    })?;
    check(&value).map_err(|error| AppError::Bundle { url, error })?;
    let value = Arc::new(value);
    keep(path, &value);
    Ok(value)
}

/// A stamped binary file, fetched once per visit and kept once `decode`
/// accepts it.
async fn cached_bytes<T: 'static>(
    path: String,
    decode: impl FnOnce(&[u8]) -> Result<T, String>,
) -> Result<Arc<T>, AppError> {
    if let Some(value) = kept::<T>(&path) {
        return Ok(value);
    }
    let (url, response) = stamped(&path).await?;
    let bytes = body_bytes(&url, &response).await?;
    let value = Arc::new(decode(&bytes).map_err(|e| AppError::Bundle {
        url: url.clone(),
        error: DecodeError::Malformed(e),
    })?);
    keep(path, &value);
    Ok(value)
}

/// The response for the stamped file at `path`, with its URL.
async fn stamped(path: &str) -> Result<(String, web_sys::Response), AppError> {
    let url = crate::site::href(path);
    match fetch(&url, RequestCache::Default).await {
        Ok(response) => Ok((url, response)),
        Err(error) => Err(gone(path, error).await),
    }
}

/// What to make of a stamped file at `path` that did not load. When the
/// server says it is gone (404, 410) and the manifest now names another
/// build ([`newer_build`]), the site was deployed again while this page
/// was open, and the old build's files went with it: the page then loads
/// again, into the new build (its pages, app and data), instead of
/// showing the error (once per new build and tab, so a host whose
/// manifest and files disagree cannot keep reloading it). Otherwise, the
/// error as it is.
async fn gone(path: &str, error: AppError) -> AppError {
    let missing = matches!(
        error,
        AppError::Network {
            status: Some(404 | 410),
            ..
        }
    );
    let stamp = match layout::stamp_of(path) {
        Some(stamp) if missing => stamp,
        _ => return error,
    };
    match newer_build(manifest().await, stamp) {
        Some(build) if crate::site::reload_for(&build) => {
            // The page is on its way out; what showed stays until it goes.
            std::future::pending().await
        }
        _ => error,
    }
}

/// The build the site's manifest (`now`, just fetched) names, when it is
/// not the one of `stamp`: its stamp, or for a manifest of another format
/// version (a newer tidings' build, which only its own app reads) that
/// version. `None` for the same build, or when the manifest did not load.
pub fn newer_build(now: Result<Arc<Manifest>, AppError>, stamp: &str) -> Option<String> {
    match now {
        Ok(now) if now.stamp != stamp => Some(now.stamp.clone()),
        Err(AppError::Bundle {
            error: DecodeError::Schema { found, .. },
            ..
        }) => Some(format!("format {found}")),
        _ => None,
    }
}

/// Shard `n` of the search index.
pub async fn search_shard(manifest: &Manifest, n: u32) -> Result<Arc<ShardEntries>, AppError> {
    let path = layout::search_shard(&manifest.stamp, n);
    cached_bytes(path, |b| search_index::read_shard(b, &manifest.search)).await
}

/// Block file `n` of the search index, which should hold `block`.
pub async fn search_block(
    manifest: &Manifest,
    n: u32,
    block: BlockRef,
) -> Result<Arc<Vec<Posting>>, AppError> {
    let path = layout::search_block(&manifest.stamp, n);
    cached_bytes(path, |b| {
        search_index::read_block(b, block, &manifest.search)
    })
    .await
}

/// The manifest, always revalidated so a new deploy shows at once.
pub async fn manifest() -> Result<Arc<Manifest>, AppError> {
    get::<Manifest>(MANIFEST_PATH, RequestCache::NoCache)
        .await
        .map(Arc::new)
}

/// Whether this visit has loaded the filter index (a screen can then be
/// answered from it at no cost).
pub fn index_loaded(manifest: &Manifest) -> bool {
    kept::<Index>(&manifest.index_path()).is_some()
}

/// The filter index.
pub async fn index(manifest: &Manifest) -> Result<Arc<Index>, AppError> {
    cached(manifest.index_path(), |i: &Index| i.check_against(manifest)).await
}

/// List page `n`.
pub async fn list_page(manifest: &Manifest, n: u32) -> Result<Arc<ListPage>, AppError> {
    page_at(manifest, manifest.page_path(n), n).await
}

/// The list's first screen: the first rows of list page 0, in a file of
/// their own so the first view fetches one screen, not a page of five.
pub async fn first_screen(manifest: &Manifest) -> Result<Arc<ListPage>, AppError> {
    page_at(manifest, manifest.first_screen_path(), 0).await
}

/// The file at `path`, checked as list page `n` (one instance of the
/// fetch for both kinds of file).
async fn page_at(manifest: &Manifest, path: String, n: u32) -> Result<Arc<ListPage>, AppError> {
    cached(path, |p: &ListPage| p.check_against(manifest, n)).await
}

/// Every list page (for text search, which needs titles).
pub async fn all_pages(manifest: &Manifest) -> Result<Vec<Arc<ListPage>>, AppError> {
    let fetches = (0..manifest.page_count).map(|n| list_page(manifest, n));
    futures_join_all(fetches).await
}

/// Runs the futures concurrently and collects their results in order,
/// or the first error met. The futures are boxed so that the polling
/// below is instantiated once per result type, not per kind of future.
pub async fn futures_join_all<'a, F, T>(
    futures: impl Iterator<Item = F>,
) -> Result<Vec<T>, AppError>
where
    F: std::future::Future<Output = Result<T, AppError>> + 'a,
{
    let boxed: Vec<Pending<'a, T>> = futures.map(|f| Box::pin(f) as Pending<'a, T>).collect();
    join_boxed(boxed).await
}

type Pending<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, AppError>> + 'a>>;

async fn join_boxed<T>(futures: Vec<Pending<'_, T>>) -> Result<Vec<T>, AppError> {
    let mut pending: Vec<Option<Pending<'_, T>>> = futures.into_iter().map(Some).collect();
    let mut done: Vec<Option<T>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut waiting = false;
        for (slot, out) in pending.iter_mut().zip(done.iter_mut()) {
            let Some(f) = slot else { continue };
            match f.as_mut().poll(cx) {
                std::task::Poll::Ready(Ok(v)) => {
                    *out = Some(v);
                    *slot = None;
                }
                std::task::Poll::Ready(Err(e)) => return std::task::Poll::Ready(Err(e)),
                std::task::Poll::Pending => waiting = true,
            }
        }
        if waiting {
            return std::task::Poll::Pending;
        }
        std::task::Poll::Ready(Ok(done.iter_mut().filter_map(Option::take).collect()))
    })
    .await
}

/// The list pages holding `rows`, fetched together, each with its number
/// (in order; [`page_in`] finds one).
pub async fn pages_for(
    manifest: &Manifest,
    rows: &[u32],
) -> Result<Vec<(u32, Arc<ListPage>)>, AppError> {
    let mut wanted: Vec<u32> = rows.iter().map(|&r| manifest.page_of(r)).collect();
    tidings_model::order::sort_by(&mut wanted, u32::cmp);
    wanted.dedup();
    let pages = futures_join_all(wanted.iter().map(|&n| list_page(manifest, n))).await?;
    Ok(wanted.into_iter().zip(pages).collect())
}

/// List page `n` among those [`pages_for`] loaded.
pub fn page_in(pages: &[(u32, Arc<ListPage>)], n: u32) -> Option<&ListPage> {
    (pages.iter())
        .find(|(m, _)| *m == n)
        .map(|(_, p)| p.as_ref())
}

/// A digest with the manifest it was found through.
pub type LoadedDigest = (Arc<Manifest>, Arc<Digest>);

/// The digest with `slug`, from its shard.
pub async fn digest(
    manifest: Result<Arc<Manifest>, AppError>,
    slug: String,
) -> Result<LoadedDigest, AppError> {
    let manifest = manifest?;
    let n = manifest.shard_of(&slug);
    let shard: Arc<Shard> = cached(manifest.shard_path(&slug), |s: &Shard| {
        s.check_against(&manifest, n)
    })
    .await?;
    let digest = shard
        .digests
        .iter()
        .find(|d| d.slug == slug)
        .cloned()
        .ok_or_else(|| AppError::NotFound(Missing::Digest(slug.clone())))?;
    Ok((manifest, Arc::new(digest)))
}
