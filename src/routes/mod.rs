//! One module per route.

pub mod digest;
pub mod home;
pub mod item;
pub mod items;
pub mod not_found;
pub mod starred;
pub mod tag;

use leptos::prelude::*;

use crate::api::{self, LoadedDigest};
use crate::components::Load;
use crate::ManifestResource;

/// The digest `slug` (and the manifest), reloaded when the slug changes.
pub fn digest_resource(slug: Signal<String>) -> Load<LoadedDigest> {
    let ManifestResource(manifest) = expect_context();
    Load::new(move || {
        crate::site::track_attempt();
        let slug = slug.get();
        async move { api::digest(manifest.wait().await, slug).await }
    })
}
