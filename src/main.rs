//! Mounts the app; everything else lives in the library so component tests
//! can mount the same code.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tidings_app::App);
}
