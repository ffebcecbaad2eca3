//! The reader's read marks, stars and last visit (`tidings_model::reading`),
//! kept in `localStorage` and shared by every view, with the buttons that
//! change them.

use leptos::prelude::*;
use tidings_model::reading::{Reading, Starred, STORAGE_KEY};

use crate::site::{self, storage};

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
    Effect::new(move |_| {
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
    Effect::new(move |_| {
        if !r.state.read_untracked().is_read(&slug, &id) {
            r.state.update(|s| s.set_read(&slug, &id, true));
        }
    });
}

/// Star and read/unread buttons of one item.
#[component]
pub fn ItemActions(item: Starred) -> impl IntoView {
    let text = site::text();
    let r = use_reading();
    let (slug, id) = (item.slug.clone(), item.id.clone());
    let starred = {
        let (slug, id) = (slug.clone(), id.clone());
        Memo::new(move |_| r.state.read().is_starred(&slug, &id))
    };
    let read = {
        let (slug, id) = (slug.clone(), id.clone());
        Memo::new(move |_| r.state.read().is_read(&slug, &id))
    };
    let item = StoredValue::new(item);
    view! {
        <button type="button" class="star"
            aria-pressed=move || starred.get().to_string()
            on:click=move |_| r.state.update(|s| {
                s.toggle_star(item.get_value());
            })>
            {move || tidings_model::html::star_label(starred.get(), text)}
        </button>
        <button type="button" class="read-toggle"
            on:click=move |_| r.state.update(|s| s.set_read(&slug, &id, !read.get_untracked()))>
            {move || tidings_model::html::read_label(read.get(), text)}
        </button>
    }
}
