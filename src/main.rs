//! Mounts the app; everything else lives in the library so component tests
//! can mount the same code.
//!
//! No `main`: the glue calls `start` once the wasm is instantiated. A
//! `main` would go through the standard library's start-up and exit,
//! which flushes standard output at the end and so brings the standard
//! output writer into the wasm, for an app that never writes there.
#![no_main]

use leptos::prelude::{request_animation_frame, set_timeout};

/// Mounts the app once the pre-rendered page has been painted: the
/// callback of the next animation frame runs just before that frame's
/// paint, and a zero timeout set there runs after it. Mounting at once,
/// the app's first render (and the compiling of every function it calls
/// for the first time) ran in the same task as the wasm's instantiation,
/// and a wasm that arrived before the page's first paint held that paint
/// back behind it. A tab opened in the background starts its app when
/// it is first shown.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
    request_animation_frame(|| {
        set_timeout(
            || leptos::mount::mount_to_body(tidings_app::App),
            std::time::Duration::ZERO,
        )
    });
}
