//! One module per route.

pub mod digest;
pub mod home;
pub mod item;
pub mod not_found;
pub mod tag;

use std::sync::Arc;

use leptos::prelude::*;
use tidings_model::{Digest, Manifest};

use crate::{api, AppError, ManifestResource};

/// The digest `slug` (and the manifest), reloaded when the slug changes.
pub fn digest_resource(
    slug: Signal<String>,
) -> LocalResource<Result<(Arc<Manifest>, Arc<Digest>), AppError>> {
    let ManifestResource(manifest) = expect_context();
    LocalResource::new(move || {
        let slug = slug.get();
        async move { api::digest(manifest.await, slug).await }
    })
}
