//! Offline reading and installing: the service worker (`sw.js`) that
//! keeps the app's files and every data file and page the reader has
//! opened, and the web app manifest phones install the site from. Both
//! live at the site's base path and name the app's files, which only the
//! build knows. Returns files; writes nothing.

use tidings_model::layout::{self, site_files};
use tidings_model::site::SiteInfo;

/// The colour of the installed app's bar (the stylesheet's accent).
pub const THEME_COLOR: &str = "#1d4ed8";

/// Files this module writes.
pub const COUNT: usize = 2;

/// (path under the site root, text) of the service worker and the web app
/// manifest. `app` are the app's files beside the shell; `stamp` names the
/// build, so a new deploy starts a fresh cache.
pub fn files(info: &SiteInfo, app: &[String], stamp: &str) -> Vec<(String, String)> {
    vec![
        (
            site_files::SERVICE_WORKER.to_string(),
            service_worker(info, app, stamp),
        ),
        (site_files::WEB_MANIFEST.to_string(), manifest(info, app)),
    ]
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn service_worker(info: &SiteInfo, app: &[String], stamp: &str) -> String {
    format!(
        r#"// The service worker of a tidings site, written by `tidings build`.
// The app's files and everything under data/ but the manifest never
// change (their names do): they come from the cache once kept. Pages, the
// manifest and feeds come from the network, their last copy kept for
// reading offline.
const BASE = {base};
const APP = {app};
const MANIFEST = BASE + {manifest};
const CACHE = "tidings-" + {stamp};

self.addEventListener("install", (event) => {{
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(APP.map((f) => BASE + f))));
  self.skipWaiting();
}});

self.addEventListener("activate", (event) => {{
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith("tidings-") && k !== CACHE).map((k) => caches.delete(k)))));
}});

const keep = (request, response) => {{
  if (response.ok) {{
    const copy = response.clone();
    caches.open(CACHE).then((c) => c.put(request, copy));
  }}
  return response;
}};

const immutable = (path) =>
  (path.startsWith(BASE + {data}) && path !== MANIFEST) || APP.some((f) => path === BASE + f);

self.addEventListener("fetch", (event) => {{
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
  // The app's Retry asks past every cache, so a damaged copy is replaced.
  if (immutable(url.pathname) && request.cache !== "reload") {{
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((r) => keep(request, r))));
    return;
  }}
  event.respondWith(fetch(request).then((r) => keep(request, r)).catch(() =>
    caches.match(request).then((hit) => hit
      || (request.mode === "navigate" ? caches.match(request, {{ ignoreSearch: true }}) : undefined)
      || Response.error())));
}});
"#,
        base = json(&info.base_path),
        app = json(&app),
        manifest = json(&layout::MANIFEST),
        stamp = json(&stamp),
        data = json(&format!("{}/", layout::DATA_DIR)),
    )
}

fn manifest(info: &SiteInfo, app: &[String]) -> String {
    let icons: Vec<serde_json::Value> = app
        .iter()
        .filter(|f| f.ends_with(".svg"))
        .map(|f| {
            serde_json::json!({
                "src": info.href(f),
                "sizes": "any",
                "type": "image/svg+xml",
            })
        })
        .collect();
    let short: String = info.title.chars().take(12).collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "name": info.title,
        "short_name": short,
        "description": info.description,
        "lang": info.language,
        "start_url": info.base_path,
        "scope": info.base_path,
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": "#ffffff",
        "icons": icons,
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_and_manifest_live_under_the_base_path() {
        let info = SiteInfo {
            base_path: "/news/".into(),
            title: "AI 日报".into(),
            ..SiteInfo::default()
        };
        let app = vec!["app-1.js".to_string(), "favicon-2.svg".to_string()];
        let files = files(&info, &app, "abc");
        let sw = &files[0].1;
        assert!(sw.contains(r#"const BASE = "/news/";"#));
        assert!(sw.contains(r#"const APP = ["app-1.js","favicon-2.svg"];"#));
        assert!(sw.contains(r#"const CACHE = "tidings-" + "abc";"#));
        let m: serde_json::Value = serde_json::from_str(&files[1].1).expect("manifest");
        assert_eq!(m["start_url"], "/news/");
        assert_eq!(m["icons"][0]["src"], "/news/favicon-2.svg");
        assert_eq!(m["name"], "AI 日报");
    }
}
