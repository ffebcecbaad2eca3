//! The site the app runs in: its settings, read once from the
//! `<meta name="tidings-site">` the build step writes into every page
//! (defaults when there is none, as under component tests); the base path
//! every link and fetch goes under; the interface language (the site's,
//! unless the reader chose another, kept in `localStorage`); and the hand
//! over from the pre-rendered page to the app.

use std::sync::OnceLock;

use leptos::prelude::*;
use tidings_model::i18n::Text;
use tidings_model::site::{Lang, SiteInfo, META_NAME};

static INFO: OnceLock<SiteInfo> = OnceLock::new();

/// Where the reader's language choice is kept.
const LANG_KEY: &str = "tidings-lang";

/// The build a tab last loaded itself again for (`sessionStorage`).
const BUILD_KEY: &str = "tidings-reloaded-for";

/// The site's settings.
pub fn info() -> &'static SiteInfo {
    INFO.get_or_init(|| read_meta().unwrap_or_default())
}

fn read_meta() -> Option<SiteInfo> {
    let meta = document()
        .query_selector(&format!("meta[name=\"{META_NAME}\"]"))
        .ok()??;
    tidings_model::json::FromJson::from_json_text(&meta.get_attribute("content")?).ok()
}

/// A root-relative site path (`/d/x/`, `data/…`) under the base path.
pub fn href(path: &str) -> String {
    info().href(path)
}

/// The base path in the form the router takes (`/repo`), if not `/`.
pub fn router_base() -> Option<String> {
    let base = info().base_path.trim_end_matches('/');
    (!base.is_empty()).then(|| base.to_string())
}

/// The browser's `localStorage`, where it has one.
pub fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The interface language: the reader's choice, else the site's.
pub fn initial_lang() -> Lang {
    let chosen = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    match chosen.as_deref() {
        Some("zh") => Lang::Zh,
        Some("en") => Lang::En,
        _ => info().lang(),
    }
}

/// Keeps the reader's choice.
pub fn remember_lang(lang: Lang) {
    if let Some(s) = storage() {
        // A full or disabled storage only loses the choice.
        let _ = s.set_item(LANG_KEY, lang.tag());
    }
}

/// The interface strings in the current language.
pub fn text() -> &'static Text {
    use_context::<&'static Text>().unwrap_or_else(|| Text::of(info().lang()))
}

/// How many times the reader has pressed Retry. The manifest and every
/// page's data read it, so a Retry loads again whatever failed.
#[derive(Clone, Copy)]
pub struct Attempt(RwSignal<u32>);

/// Whether a page's data is loading (its `Transition` sets it); the header
/// shows a progress bar while it is.
#[derive(Clone, Copy)]
pub struct Busy(pub RwSignal<bool>);

/// Provides [`Attempt`] and [`Busy`] to the app.
pub fn provide_retry() -> (Attempt, Busy) {
    let attempt = Attempt(RwSignal::new(0));
    let busy = Busy(RwSignal::new(false));
    provide_context(attempt);
    provide_context(busy);
    (attempt, busy)
}

impl Attempt {
    /// Makes the running resource load again on the next Retry.
    pub fn track(self) {
        self.0.track();
    }

    /// Loads again everything that reads the attempt, past the browser's
    /// cache (a damaged copy may be kept there).
    pub fn retry(self) {
        crate::api::bypass_cache();
        self.0.update(|n| *n += 1);
    }
}

/// Makes the running resource load again on the next Retry.
pub fn track_attempt() {
    if let Some(attempt) = use_context::<Attempt>() {
        attempt.track();
    }
}

/// The setter a page's `Transition` reports its loading state to. The
/// progress bar shows only once loading has lasted [`BUSY_AFTER`]: a
/// change answered at once (a filter on a loaded index, which reports
/// pending and done several times in one change) neither flashes the bar
/// nor builds and removes it.
pub fn busy() -> SignalSetter<bool> {
    let Some(Busy(shown)) = use_context::<Busy>() else {
        return SignalSetter::default();
    };
    let pending = StoredValue::new(false);
    SignalSetter::map(move |now: bool| {
        pending.set_value(now);
        if !now {
            if shown.get_untracked() {
                shown.set(false);
            }
            return;
        }
        set_timeout(
            move || {
                if pending.try_get_value() == Some(true) && !shown.get_untracked() {
                    shown.set(true);
                }
            },
            BUSY_AFTER,
        );
    })
}

/// How long loading lasts before the progress bar shows.
pub const BUSY_AFTER: std::time::Duration = std::time::Duration::from_millis(150);

/// Once the app has rendered a page's content, the pre-rendered copy goes
/// (the app's own shows in its place, in the same frame).
pub fn take_over() {
    crate::components::effect(remove_prerender);
}

/// Removes the pre-rendered copy, if it is still there.
pub fn remove_prerender() {
    if let Some(node) = document().get_element_by_id("prerender") {
        node.remove();
    }
}

/// On a site served while it is written (`tidings build --reload`, as
/// `make serve` builds it): looks at the manifest every [`RELOAD_EVERY`]
/// and reloads the page once a rebuild has changed it, so a saved digest
/// shows without Trunk rebuilding the app.
pub fn reload_on_rebuild() {
    if !info().reload {
        return;
    }
    leptos::task::spawn_local(async {
        let mut loaded: Option<String> = None;
        loop {
            if let Ok(m) = crate::api::manifest().await {
                match &loaded {
                    None => loaded = Some(m.stamp.clone()),
                    Some(stamp) if *stamp != m.stamp => {
                        let _ = window().location().reload();
                        return;
                    }
                    Some(_) => {}
                }
            }
            sleep(RELOAD_EVERY).await;
        }
    });
}

/// Loads the page again, for the site's new build `build` (its stamp, or
/// its format version): false, and nothing done, when this tab already
/// did so for that build or cannot remember that it did (no
/// `sessionStorage`).
pub fn reload_for(build: &str) -> bool {
    let Some(session) = window().session_storage().ok().flatten() else {
        return false;
    };
    if session.get_item(BUILD_KEY).ok().flatten().as_deref() == Some(build)
        || session.set_item(BUILD_KEY, build).is_err()
    {
        return false;
    }
    window().location().reload().is_ok()
}

/// Whether the site has been built again since this page loaded
/// `loaded`: the manifest is looked at again (a revalidation, answered 304
/// while nothing changed) whenever the window gets the focus back, and
/// every [`UPDATE_EVERY`] while the page is in view, so a page kept open
/// offers the new build rather than going on with the old one.
pub fn updated(
    loaded: crate::components::Load<std::sync::Arc<tidings_model::Manifest>>,
) -> ReadSignal<bool> {
    let (updated, set_updated) = signal(false);
    let check = move || {
        let Some(Ok(then)) = untrack(|| loaded.get()) else {
            return;
        };
        if updated.get_untracked() {
            return;
        }
        leptos::task::spawn_local(async move {
            let now = crate::api::manifest().await;
            if crate::api::newer_build(now, &then.stamp).is_some() {
                set_updated.set(true);
            }
        });
    };
    // Lives as long as the page: the app is never unmounted.
    window_event_listener(leptos::ev::focus, move |_| check());
    leptos::task::spawn_local(async move {
        while !updated.get_untracked() {
            sleep(UPDATE_EVERY).await;
            if !document().hidden() {
                check();
            }
        }
    });
    updated
}

/// How often a page in view looks for a new build of the site.
pub const UPDATE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// How often a page served while it is written looks for a rebuild.
pub const RELOAD_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Resolves after `time`.
async fn sleep(time: std::time::Duration) {
    let ms = i32::try_from(time.as_millis()).unwrap_or(i32::MAX);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Registers the service worker that keeps visited pages for offline
/// reading, where the browser has service workers (secure contexts).
pub fn register_service_worker() {
    let navigator = window().navigator();
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let options = web_sys::RegistrationOptions::new();
    options.set_scope(&info().base_path);
    let worker = href(tidings_model::layout::site_files::SERVICE_WORKER);
    let promise = navigator
        .service_worker()
        .register_with_options(&worker, &options);
    leptos::task::spawn_local(async move {
        // Without it the site still works, only not offline.
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
}

/// Whether the browser is offline, kept up to date.
pub fn offline() -> ReadSignal<bool> {
    let (offline, set_offline) = signal(!window().navigator().on_line());
    let on = window_event_listener(leptos::ev::online, move |_| set_offline.set(false));
    let off = window_event_listener(leptos::ev::offline, move |_| set_offline.set(true));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    offline
}
