//! Fetching the bundle. Every network or format problem becomes an
//! [`AppError`] the pages show; nothing here panics on data.

use std::sync::Arc;

use gloo_net::http::Request;
use tidings_model::{DecodeError, Digest, Manifest, MANIFEST_PATH};
use web_sys::RequestCache;

/// What can go wrong while loading a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// The digest or item asked for is not in the bundle.
    NotFound(String),
    /// The request failed or the server answered with an error.
    Network { url: String, detail: String },
    /// The file was fetched but is not a bundle this viewer can read.
    Bundle { url: String, error: DecodeError },
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::NotFound(what) => write!(f, "{what} was not found"),
            AppError::Network { url, detail } => write!(f, "could not load {url}: {detail}"),
            AppError::Bundle { url, error } => write!(f, "{url}: {error}"),
        }
    }
}

impl std::error::Error for AppError {}

async fn get_text(url: &str, cache: RequestCache) -> Result<String, AppError> {
    let network = |detail: String| AppError::Network {
        url: url.to_string(),
        detail,
    };
    let response = Request::get(url)
        .cache(cache)
        .send()
        .await
        .map_err(|e| network(e.to_string()))?;
    if !response.ok() {
        return Err(network(format!(
            "HTTP {} {}",
            response.status(),
            response.status_text()
        )));
    }
    response.text().await.map_err(|e| network(e.to_string()))
}

/// The manifest, always revalidated so a new deploy shows at once.
pub async fn manifest() -> Result<Arc<Manifest>, AppError> {
    let url = format!("/{MANIFEST_PATH}");
    let text = get_text(&url, RequestCache::NoCache).await?;
    Manifest::from_json(&text)
        .map(Arc::new)
        .map_err(|error| AppError::Bundle { url, error })
}

/// One digest's file (named by content hash, so the HTTP cache may keep it).
pub async fn digest(file: &str) -> Result<Arc<Digest>, AppError> {
    let url = format!("/{file}");
    let text = get_text(&url, RequestCache::Default).await?;
    Digest::from_json(&text)
        .map(Arc::new)
        .map_err(|error| AppError::Bundle { url, error })
}

/// The digest with `slug`: looked up in the manifest, then fetched.
pub async fn digest_by_slug(
    manifest: Result<Arc<Manifest>, AppError>,
    slug: String,
) -> Result<Arc<Digest>, AppError> {
    let manifest = manifest?;
    let summary = tidings_model::query::find_digest(&manifest, &slug)
        .ok_or_else(|| AppError::NotFound(format!("The digest “{slug}”")))?;
    digest(&summary.file).await
}
