//! The reader's read marks, stars and last visit (`tidings_model::reading`),
//! kept in `localStorage` and shared by every view.

use leptos::prelude::*;
use tidings_model::reading::{Reading, STORAGE_KEY};

use crate::site::storage;

/// The reader's state, and how far the list was at the start of this
/// visit (what is newer is marked new).
#[derive(Clone, Copy)]
pub struct ReadingState {
    pub state: RwSignal<Reading>,
    pub seen_before: StoredValue<Option<String>>,
}

/// Loads the state and saves it on every change.
pub fn provide() {
    let stored = storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .map(|json| Reading::from_json(&json))
        .unwrap_or_default();
    let seen_before = StoredValue::new(stored.seen_until.clone());
    let state = RwSignal::new(stored);
    crate::components::effect(move || {
        let json = state.read().to_json();
        if let Some(s) = storage() {
            // A full or disabled storage only forgets.
            let _ = s.set_item(STORAGE_KEY, &json);
        }
    });
    provide_context(ReadingState { state, seen_before });
}

pub fn use_reading() -> ReadingState {
    use_context::<ReadingState>().unwrap_or_else(|| {
        provide();
        expect_context()
    })
}

/// Marks the item read once shown.
pub fn mark_read_on_open(slug: String, id: String) {
    let r = use_reading();
    crate::components::effect(move || {
        if !r.state.read_untracked().is_read(&slug, &id) {
            r.state.update(|s| s.set_read(&slug, &id, true));
        }
    });
}
