//! Mounts the app; everything else lives in the library so component tests
//! can mount the same code.
//!
//! No `main`: the glue calls `start` once the wasm is instantiated. A
//! `main` would go through the standard library's start-up and exit,
//! which flushes standard output at the end and so brings the standard
//! output writer into the wasm, for an app that never writes there.
#![no_main]

#[wasm_bindgen::prelude::wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tidings_app::App);
}
