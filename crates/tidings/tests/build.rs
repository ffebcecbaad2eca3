//! The `tidings` command: what it writes, and that a failed build keeps the
//! previous output.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{fixtures, shipped_content, temp_dir};

fn tidings(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(args)
        .output()
        .expect("run tidings")
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("prefix").display().to_string());
            }
        }
    }
    out.sort();
    out
}

const SHELL: &str = "<!doctype html><html><head><title>tidings</title><script src=\"/app.js\"></script></head><body></body></html>";

#[test]
fn build_writes_bundle_and_one_page_per_route() {
    let out = temp_dir("build-out");
    let shell = out.join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let content = shipped_content();
    let o = tidings(&[
        "build",
        "--content",
        &content.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--shell",
        &shell.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = files_under(&out);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("data/manifest.json")).expect("read"),
    )
    .expect("json");
    // The seed's terms are all rare: search shards, no blocks.
    let search_shards = manifest["search"]["shards"].as_u64().expect("shards") as usize;
    assert!(search_shards >= 1);
    assert_eq!(manifest["search"]["blocks"], 0);
    assert_eq!(manifest["search"]["docs"], 13);
    // index.html (the home page) + items + starred + 404 + 1 digest page + 13 item pages +
    // 3 tag pages + manifest, index, one list page, the first screen and
    // one shard + the search shards + robots.txt and _headers (no feeds
    // or sitemap without a base URL) + the service worker and the web app
    // manifest.
    assert_eq!(
        files.len(),
        1 + 1 + 1 + 1 + 1 + 13 + 3 + 5 + search_shards + 2 + 2,
        "{files:#?}"
    );
    let stamp = manifest["stamp"].as_str().expect("stamp");
    for f in [
        "index.json",
        "list/0.json",
        "list/first.json",
        "d/0.json",
        "search/s/0.bin",
    ] {
        assert!(
            files.contains(&format!("data/{stamp}/{f}")),
            "{f} in {files:#?}"
        );
    }
    assert_eq!(manifest["item_pages"], true);
    assert!(files.contains(&"tags/人工智能/index.html".to_string()));
    let item_page = files
        .iter()
        .find(|f| f.starts_with("d/ai20240526/") && f.matches('/').count() == 3)
        .expect("item page");
    let html = std::fs::read_to_string(out.join(item_page)).expect("read");
    assert!(
        html.contains("<script src=\"/app.js\"></script>"),
        "the page loads the app"
    );
    assert!(html.contains(" · tidings</title>"), "{html}");
    assert!(html.contains("<meta property=\"og:title\""), "{html}");
    assert!(html.contains("<meta name=\"description\""), "{html}");
    // The item reads before the app starts: its title, body, source and
    // the row of actions the app will make work (the model's markup).
    assert!(
        html.contains("<article class=\"item-page\" lang=\"zh\">"),
        "{html}"
    );
    assert!(html.contains("<p class=\"source\">"), "{html}");
    assert!(
        html.contains("class=\"star\" aria-pressed=\"false\""),
        "{html}"
    );
    // Without a base URL there is nothing absolute to link to.
    assert!(
        !html.contains("og:url") && !html.contains("canonical"),
        "{html}"
    );
}

#[test]
fn a_site_under_a_sub_path_links_everything_under_it() {
    let out = temp_dir("sub-path-out");
    let shell = out.join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    std::fs::write(out.join("app.js"), "").expect("write app");
    let content = shipped_content().display().to_string();
    let args = [
        "build",
        "--content",
        &content,
        "--out",
        &out.display().to_string(),
        "--shell",
        &shell.display().to_string(),
        "--base-url",
        "https://example.org/news",
        "--title",
        "AI 日报",
    ];
    let o = tidings(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |p: &str| std::fs::read_to_string(out.join(p)).expect(p);
    let digest = read("d/ai20240526/index.html");
    for want in [
        "<script src=\"/news/app.js\"></script>",
        "<link rel=\"canonical\" href=\"https://example.org/news/d/ai20240526/\">",
        "<meta property=\"og:url\" content=\"https://example.org/news/d/ai20240526/\">",
        "<meta property=\"og:site_name\" content=\"AI 日报\">",
        "<meta property=\"article:published_time\" content=\"2024-05-26\">",
        "<meta property=\"article:tag\" content=\"人工智能\">",
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"AI 日报\" href=\"/news/atom.xml\">",
        "<a href=\"/news/\" class=\"brand\">AI 日报</a>",
        "href=\"/news/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/\"",
        "<html lang=\"zh\">",
        "2024年5月26日",
    ] {
        assert!(digest.contains(want), "{want} in {digest}");
    }
    for f in [
        "feed.xml",
        "atom.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
        "_headers",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert!(read("sitemap.xml").contains("<loc>https://example.org/news/d/ai20240526/</loc>"));
    assert!(read("robots.txt").contains("Sitemap: https://example.org/news/sitemap.xml"));
    assert!(read("tags/AI/feed.xml").contains("<title>#AI · AI 日报</title>"));
    let json: serde_json::Value = serde_json::from_str(&read("feed.json")).expect("json feed");
    assert_eq!(
        json["items"][0]["url"],
        "https://example.org/news/d/ai20240526/"
    );
    // Built again at the root, the same folder's shell gives root links.
    let o = tidings(&args[..7]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let digest = read("d/ai20240526/index.html");
    assert!(
        digest.contains("<script src=\"/app.js\"></script>"),
        "{digest}"
    );
    assert!(!out.join("feed.xml").exists());
}

#[test]
fn a_failed_build_keeps_the_previous_output() {
    let out = temp_dir("keep-out");
    let good = shipped_content();
    let o = tidings(&[
        "build",
        "--content",
        &good.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert!(o.status.success());
    let before = files_under(&out);
    let manifest = std::fs::read(out.join("data/manifest.json")).expect("manifest");

    let bad = fixtures().join("invalid");
    let o = tidings(&[
        "build",
        "--content",
        &bad.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "impossible-date.md:3:8: invalid date \"2024-13-40\": expected YYYY-MM-DD or RFC 3339"
        ),
        "{stderr}"
    );
    assert!(
        stderr
            .trim_end()
            .ends_with("problems in the content; nothing was written"),
        "{stderr}"
    );
    assert_eq!(files_under(&out), before);
    assert_eq!(
        std::fs::read(out.join("data/manifest.json")).expect("manifest"),
        manifest
    );
}

#[test]
fn rebuilding_is_byte_for_byte_identical() {
    let a = temp_dir("det-a");
    let b = temp_dir("det-b");
    let content = shipped_content().display().to_string();
    for out in [&a, &b] {
        assert!(tidings(&[
            "build",
            "--content",
            &content,
            "--out",
            &out.display().to_string(),
            "-q"
        ])
        .status
        .success());
    }
    let files = files_under(&a);
    assert_eq!(files, files_under(&b));
    for f in files {
        assert_eq!(
            std::fs::read(a.join(&f)).expect("a"),
            std::fs::read(b.join(&f)).expect("b"),
            "{f}"
        );
    }
}

#[test]
fn list_prints_one_json_object_per_item() {
    let content = shipped_content().display().to_string();
    let o = tidings(&["list", "--content", &content, "--format", "json"]);
    assert!(o.status.success());
    let stdout = String::from_utf8(o.stdout).expect("utf8");
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[4]["digest"], "ai20240526");
    assert_eq!(rows[4]["title"], "超级细菌、AI黑盒与不老奥秘");
    assert_eq!(
        rows[4]["source"],
        "https://www.163.com/dy/article/J2VO6CVB0512MLBG.html"
    );

    let o = tidings(&["list", "--content", &content, "--format", "csv"]);
    let csv = String::from_utf8(o.stdout).expect("utf8");
    assert_eq!(
        csv.lines().next(),
        Some("digest,date,id,title,source,section,url")
    );
    assert_eq!(csv.lines().count(), 14);
}

#[test]
fn missing_content_folder_is_one_clear_error() {
    let o = tidings(&["check", "--content", "/nonexistent/tidings"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: content folder /nonexistent/tidings does not exist\n"
    );
}

#[test]
fn keep_going_builds_the_valid_digests_and_lists_the_rest() {
    let content = temp_dir("keep-going-in");
    let out = temp_dir("keep-going-out");
    std::fs::copy(
        shipped_content().join("posts/ai20240526.md"),
        content.join("good.md"),
    )
    .expect("copy");
    std::fs::write(
        content.join("bad.md"),
        "+++\ntitle = \"T\"\ndate = \"2024-13-40\"\n+++\n",
    )
    .expect("write");
    let args = |extra: &[&str]| build_args(&content, &out, None, extra);
    let strict = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(args(&[]))
        .output()
        .expect("run");
    assert_eq!(strict.status.code(), Some(1));
    assert!(!out.join("data/manifest.json").exists());

    let o = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(args(&["--keep-going"]))
        .output()
        .expect("run");
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr).replace(&content.display().to_string(), "<in>");
    assert_eq!(
        stderr,
        "error: <in>/bad.md:3:8: invalid date \"2024-13-40\": expected YYYY-MM-DD or RFC 3339\n\
         tidings: skipped 1 invalid file(s) (--keep-going):\n  <in>/bad.md\n"
    );
    let manifest = std::fs::read_to_string(out.join("data/manifest.json")).expect("manifest");
    assert!(manifest.contains("\"digest_count\":1,"), "{manifest}");
}

#[test]
fn item_pages_can_be_left_out() {
    let out = temp_dir("no-item-pages");
    let shell = out.join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let content = shipped_content().display().to_string();
    let o = tidings(&[
        "build",
        "--content",
        &content,
        "--out",
        &out.display().to_string(),
        "--shell",
        &shell.display().to_string(),
        "--item-pages",
        "never",
    ]);
    assert!(o.status.success());
    let files = files_under(&out);
    assert!(files.contains(&"d/ai20240526/index.html".to_string()));
    assert_eq!(
        files.iter().filter(|f| f.starts_with("d/")).count(),
        1,
        "{files:#?}"
    );
    let manifest = std::fs::read_to_string(out.join("data/manifest.json")).expect("manifest");
    assert!(manifest.contains("\"item_pages\":false"));
}

/// The list's first screen, which the first view reads, is the head of
/// list page 0: its first rows, a screen's worth, valid as page 0.
#[test]
fn the_first_screen_is_the_head_of_the_first_list_page() {
    use tidings_model::query::PER_SCREEN;
    use tidings_model::{layout, ListPage, Manifest};
    let content = generated("first-screen", PER_SCREEN + 7);
    let out = temp_dir("first-screen-out");
    build_ok(&build_args(&content, &out, None, &[]));
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).expect(rel);
    let manifest: Manifest = serde_json::from_str(&read(layout::MANIFEST)).expect("manifest");
    let page: ListPage = serde_json::from_str(&read(&manifest.page_path(0))).expect("page 0");
    let first: ListPage =
        serde_json::from_str(&read(&manifest.first_screen_path())).expect("first screen");
    assert_eq!(page.entries.len(), PER_SCREEN + 7);
    assert_eq!(first.first_row, 0);
    assert_eq!(first.entries[..], page.entries[..PER_SCREEN]);
    first.check_against(&manifest, 0).expect("valid as page 0");
}

#[test]
fn the_manifest_carries_the_shown_terms_and_every_tag_keeps_its_page() {
    use tidings_model::facet::Facet;
    use tidings_model::url::Route;
    use tidings_model::{layout, query, Index, Manifest};
    let content = generated("bounded-manifest", 120);
    let out = build_site("bounded-manifest-out", &content, &[]);
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).expect(rel);
    let manifest: Manifest = serde_json::from_str(&read(layout::MANIFEST)).expect("manifest");
    let index: Index = serde_json::from_str(&read(&manifest.index_path())).expect("index");
    let (whole, _) = query::totals(&index);
    for f in Facet::ALL {
        let shown = f.spec().shown.unwrap_or(usize::MAX);
        let carried = manifest.totals(f);
        assert_eq!(carried, &whole[f][..whole[f].len().min(shown)], "{f:?}");
        assert_eq!(manifest.term_count(f), whole[f].len(), "{f:?}");
    }
    // Not vacuous: the generated digests have more tags than are shown.
    let tags = whole[Facet::Tag].len();
    assert!(tags > 12, "{tags} tags");
    assert_eq!(manifest.tags.len(), 12);
    // The pages take every tag, not the manifest file's few.
    for t in &whole[Facet::Tag] {
        let file = Route::Tag(t.name.clone())
            .page_file()
            .expect("a servable tag");
        assert!(out.join(&file).is_file(), "no page {file}");
    }
}

/// Builds `content` with a shell into a fresh folder; returns the folder.
fn build_site(name: &str, content: &Path, extra: &[&str]) -> std::path::PathBuf {
    let out = temp_dir(name);
    let shell = out.join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    build_ok(&build_args(content, &out, Some(&shell), extra));
    out
}

/// `tidings build` arguments, quiet.
fn build_args(content: &Path, out: &Path, shell: Option<&Path>, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "build".to_string(),
        "--content".into(),
        content.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "-q".into(),
    ];
    if let Some(shell) = shell {
        args.extend(["--shell".to_string(), shell.display().to_string()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Runs `tidings` with `args` and checks it succeeded.
fn build_ok(args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = tidings(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Builds with `args` (of [`build_args`], not quiet) and `--timings`;
/// what the build printed.
fn timed_build(args: &[String]) -> String {
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.retain(|a| *a != "-q");
    args.push("--timings");
    let o = tidings(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    stderr
}

/// Every link the app makes to a page of `site` (from the bundle, with the
/// model's URL functions, as the app does), as site-absolute URLs.
fn app_links(site: &tidings::Site, manifest: &tidings_model::Manifest) -> Vec<String> {
    use tidings_model::url;
    let mut links = vec![url::HOME.to_string()];
    for p in &site.digests {
        let d = &p.digest;
        links.push(url::digest(&d.slug));
        links.extend(d.tags.iter().map(|t| url::tag(t)));
        links.extend(d.items.iter().map(|i| manifest.item_url(&d.slug, &i.id)));
    }
    links
}

/// Checks both directions between the pages on disk and the app's routes.
fn check_pages_match_routes(out: &Path, site: &tidings::Site) {
    use tidings_model::url::{decode_segment, encode_segment, Route};
    let manifest: tidings_model::Manifest = serde_json::from_str(
        &std::fs::read_to_string(out.join(tidings_model::layout::MANIFEST)).expect("manifest"),
    )
    .expect("manifest json");
    let files = files_under(out);
    // Every HTML page is the page of a route the app parses.
    for f in files
        .iter()
        .filter(|f| f.ends_with(".html") && *f != "404.html")
    {
        let dir = f.trim_end_matches("index.html");
        let path: String = dir
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| format!("/{}", encode_segment(s)))
            .collect::<String>()
            + "/";
        let route = Route::parse(&path, None).unwrap_or_else(|| panic!("{f}: no route for {path}"));
        assert_eq!(route.page_file().as_deref(), Some(f.as_str()), "{path}");
    }
    // Every link the app makes opens a page a static server has: the
    // decoded path's folder holds an index.html.
    for link in app_links(site, &manifest) {
        let (path, query) = link.split_once('?').unwrap_or((&link, ""));
        let item = query.strip_prefix("item=").map(decode_segment);
        assert!(
            Route::parse(path, item.as_deref()).is_some(),
            "the app cannot route its own link {link}"
        );
        let folder: String = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| format!("{}/", decode_segment(s)))
            .collect();
        let page = format!("{folder}index.html");
        assert!(files.contains(&page), "{link} has no page {page}");
    }
}

#[test]
fn every_page_is_a_route_and_every_link_has_a_page() {
    let content = temp_dir("routes-in");
    let o = tidings(&[
        "generate",
        "--count",
        "40",
        "--seed",
        "7",
        "--out",
        &content.display().to_string(),
    ]);
    assert!(o.status.success());
    std::fs::copy(
        shipped_content().join("posts/ai20240526.md"),
        content.join("posts/ai20240526.md"),
    )
    .expect("copy seed");
    let site = tidings::load(&content, &Default::default()).expect("load");
    let awkward = site
        .digests
        .iter()
        .flat_map(|d| &d.digest.tags)
        .filter(|t| t.contains(['/', ' ', '&']) || !t.is_ascii())
        .count();
    assert!(awkward > 0, "the corpus has awkward tags");
    for mode in ["always", "never"] {
        let out = build_site(&format!("routes-{mode}"), &content, &["--item-pages", mode]);
        check_pages_match_routes(&out, &site);
    }
}

#[test]
fn list_urls_follow_the_item_page_mode() {
    let content = shipped_content().display().to_string();
    let url_of_first = |extra: &[&str]| {
        let mut args = vec!["list", "--content", &content];
        args.extend_from_slice(extra);
        let o = tidings(&args);
        assert!(o.status.success());
        let first = String::from_utf8(o.stdout).expect("utf8");
        let row: serde_json::Value =
            serde_json::from_str(first.lines().next().expect("a row")).expect("json");
        row["url"].as_str().expect("url").to_string()
    };
    assert_eq!(url_of_first(&[]), "/d/ai20240526/cdw42cef/");
    assert_eq!(
        url_of_first(&["--item-pages", "never"]),
        "/d/ai20240526/?item=cdw42cef"
    );
}

#[test]
fn the_file_budget_counts_the_app_files_beside_the_shell() {
    let content = shipped_content();
    // 19,000 files less the site's own 22 (with items) leaves room for the
    // app only if it is small: a shell folder full of files tips it.
    let out = temp_dir("budget");
    let shell = out.join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let assets = out.join("assets");
    std::fs::create_dir_all(&assets).expect("assets");
    let manifest =
        |out: &Path| std::fs::read_to_string(out.join("data/manifest.json")).expect("manifest");
    let build = || build_ok(&build_args(&content, &out, Some(&shell), &[]));
    build();
    assert!(manifest(&out).contains("\"item_pages\":true"));
    for i in 0..(tidings::bundle::FILE_BUDGET - 22) {
        std::fs::write(assets.join(format!("{i}.js")), "").expect("asset");
    }
    build();
    assert!(manifest(&out).contains("\"item_pages\":false"));
}

#[test]
fn errors_are_printed_once_and_only_build_says_nothing_was_written() {
    let content = temp_dir("printed-once");
    std::fs::write(
        content.join("x.md"),
        "+++\ntitle = \"T\"\ndate = \"2024-13-40\"\n+++\n",
    )
    .expect("write");
    let dir = content.display().to_string();
    let out = temp_dir("printed-once-out").display().to_string();
    let problem =
        "error: <in>/x.md:3:8: invalid date \"2024-13-40\": expected YYYY-MM-DD or RFC 3339\n";
    for (args, last) in [
        (
            vec!["build", "--content", &dir, "--out", &out],
            "error: 1 problem in the content; nothing was written\n",
        ),
        (
            vec!["check", "--content", &dir],
            "error: 1 problem in the content\n",
        ),
        (
            vec!["list", "--content", &dir],
            "error: 1 problem in the content\n",
        ),
    ] {
        let o = tidings(&args);
        assert_eq!(o.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&o.stderr).replace(&dir, "<in>");
        assert_eq!(stderr, format!("{problem}{last}"), "{args:?}");
    }
}

#[test]
fn check_explain_prints_the_structure_found_and_why() {
    let site = fixtures().join("extract/nested-items");
    let file = site.join("2025-08-01.md");
    let (site, file) = (site.display().to_string(), file.display().to_string());
    let o = tidings(&["check", "--content", &site, "--explain", &file]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout)
        .expect("utf8")
        .replace(&site, "<site>");
    insta::assert_snapshot!("explain_nested_items", stdout);
}

#[test]
fn a_hugo_site_root_is_read_as_hugo_reads_it() {
    let root = fixtures().join("extract/hugo-site").display().to_string();
    let o = tidings(&["list", "--content", &root, "--section", "posts"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .expect("utf8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    // Two digests of two items; `_index.md`, the headless bundle and the
    // never-listed page are left out.
    let digests: Vec<_> = rows
        .iter()
        .map(|r| r["digest"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(digests, ["bundle", "bundle", "2025-09-01", "2025-09-01"]);
    // Without --section the site's other pages are read too: the about
    // page has no date, so it is no post, left out with a warning.
    let o = tidings(&["check", "--content", &root]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "pages/about.md:3:1: no date: a page of the Hugo site, not a dated post; left out"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("tidings: 2 digests, 4 items"), "{stderr}");
}

#[test]
fn the_same_story_on_two_days_names_the_other_day() {
    let content = temp_dir("same-story");
    let write = |name: &str, link: &str, other: &str| {
        let text = format!(
            "+++\ntitle = \"Digest {name}\"\n+++\n\n## The story\n\nText. [Source]({link})\n\n## Only {name}\n\nText. [Source]({other})\n"
        );
        std::fs::write(content.join(format!("{name}.md")), text).expect("write");
    };
    write(
        "2024-05-25",
        "https://www.example.com/story/",
        "https://example.com/a",
    );
    write(
        "2024-05-26",
        "http://example.com/story?utm_source=feed",
        "https://example.com/b",
    );
    let site = tidings::load(&content, &Default::default()).expect("load");
    let [newer, older] = &site.digests[..] else {
        panic!("two digests");
    };
    let also = &newer.digest.items[0].also_in;
    assert_eq!(also.len(), 1);
    assert_eq!(
        (also[0].slug.as_str(), also[0].date.as_str()),
        ("2024-05-25", "2024-05-25")
    );
    assert_eq!(also[0].id, older.digest.items[0].id);
    assert_eq!(older.digest.items[0].also_in[0].slug, "2024-05-26");
    // Stories told once name nothing.
    assert!(newer.digest.items[1].also_in.is_empty());
}

/// A digest that starts telling another day's story changes that day's
/// shard too (its "also in"): a rebuild with a cache, which keeps the
/// pages and shards of unchanged digests, makes it again.
#[cfg(unix)]
#[test]
fn a_new_link_between_stories_remakes_the_other_days_files() {
    let content = temp_dir("story-rebuild");
    let write = |name: &str, link: &str| {
        let text = format!(
            "+++\ntitle = \"Digest {name}\"\n+++\n\n## The story\n\nText. [Source]({link})\n\n## Only {name}\n\nText.\n"
        );
        std::fs::write(content.join(format!("{name}.md")), text).expect("write");
    };
    write("2024-05-25", "https://example.com/story/");
    write("2024-05-26", "https://example.com/other/");
    let shell = temp_dir("story-rebuild-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let (out, cache) = (
        temp_dir("story-rebuild-out"),
        temp_dir("story-rebuild-cache"),
    );
    let cache_arg = cache.display().to_string();
    let build =
        |out: &Path, extra: &[&str]| build_ok(&build_args(&content, out, Some(&shell), extra));
    build(&out, &["--cache", &cache_arg]);
    // The older day's shard names the newer day once they tell the same
    // story.
    let names_newer = |out: &Path| {
        (files_under(&data_folder(out).join("d")).iter()).any(|f| {
            let json = std::fs::read_to_string(data_folder(out).join("d").join(f)).expect("shard");
            json.contains(r#""also_in":[{"slug":"2024-05-26""#)
        })
    };
    assert!(!names_newer(&out), "no link yet");

    write("2024-05-26", "https://example.com/story/");
    build(&out, &["--cache", &cache_arg]);
    assert!(names_newer(&out), "the older day names the newer");
    let clean = temp_dir("story-rebuild-clean");
    build(&clean, &[]);
    assert_same_trees(&out, &clean);
}

/// A folder of `count` synthetic digests (`tidings generate`).
fn generated(name: &str, count: usize) -> std::path::PathBuf {
    let content = temp_dir(name);
    let o = tidings(&[
        "generate",
        "--count",
        &count.to_string(),
        "--out",
        &content.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    content
}

/// Inode of every file under `dir`, by path.
#[cfg(unix)]
fn inodes(dir: &Path) -> std::collections::HashMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    (files_under(dir).into_iter())
        .map(|f| {
            let ino = std::fs::metadata(dir.join(&f)).expect("stat").ino();
            (f, ino)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_rebuild_after_edits_is_a_clean_build_byte_for_byte() {
    let content = generated("inc-content", 12);
    let posts = content.join("posts");
    let shell = temp_dir("inc-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let (out, cache) = (temp_dir("inc-out"), temp_dir("inc-cache"));
    let cache_arg = cache.display().to_string();
    let build = |out: &Path, extra: &[&str]| {
        // With feeds and a sitemap too, which carry whole digests.
        let extra = [extra, &["--base-url", "https://example.org/news/"]].concat();
        timed_build(&build_args(&content, out, Some(&shell), &extra))
    };
    let first = build(&out, &["--cache", &cache_arg]);
    assert!(first.contains("(0 files from the cache, "), "{first}");
    let before = inodes(&out);

    // One digest edited, one removed, one cache entry damaged.
    let edited = posts.join("ai20240526-0.md");
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nOne more sentence, added after the first build.\n");
    std::fs::write(&edited, text).expect("edit");
    std::fs::remove_file(posts.join("ai20240525-1.md")).expect("remove");
    let entries: Vec<_> = files_under(&cache.join("parsed"));
    assert_eq!(entries.len(), 12, "{entries:?}");
    std::fs::write(cache.join("parsed").join(&entries[0]), "{").expect("damage");

    let second = build(&out, &["--cache", &cache_arg]);
    // 12 files less the edited, the removed and (unless it was one of
    // those) the damaged one.
    assert!(
        second.contains("(9 files from the cache, ")
            || second.contains("(10 files from the cache, "),
        "{second}"
    );
    // Entries of files no longer there, or changed, are pruned.
    assert_eq!(files_under(&cache.join("parsed")).len(), 11);

    let clean = temp_dir("inc-clean");
    build(&clean, &[]);
    let files = files_under(&out);
    assert_eq!(files, files_under(&clean));
    for f in &files {
        assert_eq!(
            std::fs::read(out.join(f)).expect("rebuilt"),
            std::fs::read(clean.join(f)).expect("clean"),
            "{f}"
        );
    }
    // Into an empty folder with the same cache: every digest is read
    // without its bodies, and every page, shard and feed made from it
    // reads them back.
    let empty = temp_dir("inc-empty");
    let third = build(&empty, &["--cache", &cache_arg]);
    assert!(third.contains("(11 files from the cache, "), "{third}");
    assert_same_trees(&empty, &clean);
    // Unchanged files were linked from the previous build, not written:
    // an untouched digest's page is the same file, the edited one's new.
    let after = inodes(&out);
    let (untouched, edited_page) = ("d/ai20240524-2/index.html", "d/ai20240526-0/index.html");
    for page in [untouched, edited_page] {
        assert!(files.iter().any(|f| f == page), "{page} in {files:?}");
    }
    assert_eq!(before.get(untouched), after.get(untouched));
    assert_ne!(before.get(edited_page), after.get(edited_page));
    let summary = second.lines().last().unwrap_or_default();
    let reused: usize = (summary.split("kB; ").nth(1))
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of unchanged files in {second}"));
    assert!(
        reused > files.len() / 2 && reused < files.len(),
        "{reused} of {}",
        files.len()
    );
}

/// A rebuild reads only the files changed since the last build: the
/// others are as that build recorded them (`last-digests` in the cache
/// folder), by their size, times and inode, when they were already a few
/// seconds old then.
#[cfg(unix)]
#[test]
fn a_rebuild_reads_only_the_files_changed_since_the_last() {
    let content = generated("unread-content", 12);
    let posts = content.join("posts");
    let shell = temp_dir("unread-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let (out, cache) = (temp_dir("unread-out"), temp_dir("unread-cache"));
    let cache_arg = cache.display().to_string();
    // (files from the cache, of them not read again), the output then
    // compared with a clean build's.
    let build = || -> (usize, usize) {
        let stderr = timed_build(&build_args(
            &content,
            &out,
            Some(&shell),
            &["--cache", &cache_arg],
        ));
        let clean = temp_dir("unread-clean");
        build_ok(&build_args(&content, &clean, Some(&shell), &[]));
        assert_same_trees(&out, &clean);
        let counts = (stderr.split(" files from the cache, "))
            .flat_map(|s| s.split(" of them not read again"))
            .map(|s| s.rsplit(['(', ' ']).next().unwrap_or(s).parse::<usize>())
            .collect::<Vec<_>>();
        match counts[..] {
            [Ok(cached), Ok(unread), _] => (cached, unread),
            _ => panic!("{stderr}"),
        }
    };
    // Files written a moment before a build are never taken by their
    // stamps in the next: these are made old enough first.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(build(), (0, 0));
    assert_eq!(build(), (12, 12));

    // One digest edited: read and parsed, the others not read.
    let edited = posts.join("ai20240526-0.md");
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nOne more sentence, added after the first build.\n");
    std::fs::write(&edited, text).expect("edit");
    assert_eq!(build(), (11, 11));

    // Another changed in place to bytes of the same size, its
    // modification time set back: its change time tells. The file edited
    // above was too new to be trusted by its stamp: it is read again, and
    // its digest, the same bytes, taken from the last build's.
    let quiet = posts.join("ai20240525-1.md");
    let was = std::fs::metadata(&quiet).expect("stat");
    let mut bytes = std::fs::read(&quiet).expect("read");
    let at = bytes
        .iter()
        .rposition(u8::is_ascii_lowercase)
        .expect("a letter");
    bytes[at] = if bytes[at] == b'z' {
        b'y'
    } else {
        bytes[at] + 1
    };
    std::fs::write(&quiet, &bytes).expect("edit in place");
    let file = std::fs::File::options()
        .write(true)
        .open(&quiet)
        .expect("open");
    file.set_modified(was.modified().expect("mtime"))
        .expect("set time back");
    drop(file);
    assert_eq!(std::fs::metadata(&quiet).expect("stat").len(), was.len());
    assert_eq!(build(), (11, 10));

    // The record damaged in place (as a torn write leaves it): it fails
    // its check, so every file is read again and taken from its entry.
    let record = cache.join("last-digests");
    let mut bytes = std::fs::read(&record).expect("read record");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&record, bytes).expect("damage record");
    assert_eq!(build(), (12, 0));

    // Every entry damaged and one digest edited, so that the pages of
    // the digests beside it need their bodies from the entries: none is
    // taken as recorded, every file is parsed again.
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nAnd another.\n");
    std::fs::write(&edited, text).expect("edit");
    for entry in files_under(&cache.join("parsed")) {
        std::fs::write(cache.join("parsed").join(entry), "{").expect("damage");
    }
    assert_eq!(build(), (0, 0));

    // The parse cache's entries gone (another build pruned them): every
    // file is read and parsed again, the output still the clean one.
    std::fs::remove_dir_all(cache.join("parsed")).expect("remove entries");
    assert_eq!(build(), (0, 0));
}

/// The one folder under `out/data/` (the stamp folder), by name.
fn stamp_folder(out: &Path) -> String {
    let names: Vec<String> = (std::fs::read_dir(out.join("data")).expect("data"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json")
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    names[0].clone()
}

#[cfg(unix)]
#[test]
fn a_rebuild_that_changes_few_data_files_carries_the_stamp_folder_over() {
    let content = generated("carry-content", 150);
    let shell = temp_dir("carry-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let (out, cache) = (temp_dir("carry-out"), temp_dir("carry-cache"));
    let cache_arg = cache.display().to_string();
    let build =
        |out: &Path, extra: &[&str]| build_ok(&build_args(&content, out, Some(&shell), extra));
    build(&out, &["--cache", &cache_arg]);
    use std::os::unix::fs::MetadataExt;
    let folder_inode =
        |name: &str| (std::fs::metadata(out.join("data").join(name)).expect("stamp folder")).ino();
    let old = stamp_folder(&out);
    let (before, old_inode) = (inodes(&out.join("data").join(&old)), folder_inode(&old));

    // Adds `text` to one digest, builds again, gives the stamp folder.
    let edited = content.join("posts").join("ai20240526-0.md");
    let rebuilt_with = |addition: &str| {
        let mut text = std::fs::read_to_string(&edited).expect("read");
        text.push_str(addition);
        std::fs::write(&edited, text).expect("edit");
        build(&out, &["--cache", &cache_arg]);
        let clean = temp_dir("carry-clean");
        build(&clean, &[]);
        assert_same_trees(&out, &clean);
        stamp_folder(&out)
    };

    // One sentence more in one digest: its shard and a few search files
    // change, the rest of the stamp folder stays.
    let new = rebuilt_with("\nOne more sentence, added after the first build.\n");
    assert_ne!(new, old);
    // The old folder renamed, not a new one of links: the same folder,
    // the files that stayed the same files, the changed ones new.
    assert_eq!(folder_inode(&new), old_inode);
    let after = inodes(&out.join("data").join(&new));
    let kept = after
        .iter()
        .filter(|(f, ino)| before.get(*f) == Some(ino))
        .count();
    assert!(
        kept > after.len() / 2 && kept < after.len(),
        "{kept} of {}",
        after.len()
    );
    assert!(
        !out.join("data").join(&old).exists(),
        "the old name is gone"
    );

    // An item added to the newest digest numbers every later item anew:
    // most data files change, and the folder is made anew after all,
    // with the few that stayed linked into it.
    let newer = rebuilt_with("\n## An item added after a build\n\nIts text.\n");
    assert_ne!(newer, new);
    assert_ne!(folder_inode(&newer), old_inode);
}

#[cfg(unix)]
#[test]
fn a_rebuild_writes_over_the_files_the_last_one_removed() {
    use std::os::unix::fs::MetadataExt;
    let content = generated("spare-content", 12);
    let newest = content.join("posts").join("ai20240526-0.md");
    let shell = temp_dir("spare-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let (out, cache) = (temp_dir("spare-out"), temp_dir("spare-cache"));
    let cache_arg = cache.display().to_string();
    let build =
        |out: &Path, extra: &[&str]| build_ok(&build_args(&content, out, Some(&shell), extra));
    // An item added to the newest digest numbers every later item anew:
    // most data files change, so the old stamp folder leaves files no
    // other path links to, which become spares.
    let add_item = |n: usize| {
        let mut text = std::fs::read_to_string(&newest).expect("read");
        text.push_str(&format!("\n## Item {n} added after a build\n\nIts text.\n"));
        std::fs::write(&newest, text).expect("add");
    };
    build(&out, &["--cache", &cache_arg]);
    add_item(1);
    build(&out, &["--cache", &cache_arg]);
    let spare_inodes = |cache: &Path| -> std::collections::HashSet<u64> {
        (files_under(&cache.join("spare")).iter())
            .map(|f| {
                std::fs::metadata(cache.join("spare").join(f))
                    .expect("stat")
                    .ino()
            })
            .collect()
    };
    let spares = spare_inodes(&cache);
    assert!(spares.len() > 10, "{} spares", spares.len());
    // Each is the only link to its file: nothing of the site is a spare.
    let site = inodes(&out);
    assert!(site.values().all(|ino| !spares.contains(ino)));

    // The newest digest's page is made again: the old one becomes a spare.
    let page = "d/ai20240526-0/index.html";
    let old_page = inodes(&out)[page];
    add_item(2);
    build(&out, &["--cache", &cache_arg]);
    let site = inodes(&out);
    assert_ne!(site[page], old_page);
    assert!(spare_inodes(&cache).contains(&old_page));
    let reused = site.values().filter(|ino| spares.contains(ino)).count();
    assert!(
        reused > 10,
        "{reused} of {} spares written over",
        spares.len()
    );
    let left = spare_inodes(&cache);
    assert!(site.values().all(|ino| !left.contains(ino)));
    let clean = temp_dir("spare-clean");
    build(&clean, &[]);
    assert_same_trees(&out, &clean);
}

/// Every file under `a` and `b`, which must be the same files with the
/// same bytes.
fn assert_same_trees(a: &Path, b: &Path) {
    let files = files_under(a);
    assert_eq!(files, files_under(b));
    for f in &files {
        let read = |root: &Path| std::fs::read(root.join(f)).expect("read");
        assert_eq!(read(a), read(b), "{f}");
    }
}

#[cfg(unix)]
#[test]
fn a_rebuild_updates_the_output_in_place_and_replaces_what_is_not_its_own() {
    let content = shipped_content();
    let shell = temp_dir("place-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let clean = temp_dir("place-clean");
    build_ok(&build_args(&content, &clean, Some(&shell), &[]));
    assert!(!clean.join(".tidings-staging").exists());

    // The same build again moves nothing: every file keeps its inode.
    let out = temp_dir("place-out");
    build_ok(&build_args(&content, &out, Some(&shell), &[]));
    let before = inodes(&out);
    build_ok(&build_args(&content, &out, Some(&shell), &[]));
    assert_eq!(inodes(&out), before);

    // Owned entries that are not the build's own: a file where a folder
    // goes, a link to a folder elsewhere (left untouched), a folder
    // where a file goes, a stray page and an old stamp folder.
    let elsewhere = temp_dir("place-elsewhere");
    std::fs::write(elsewhere.join("keep.txt"), "not the site's").expect("write");
    std::fs::remove_dir_all(out.join("tags")).expect("remove tags");
    std::fs::write(out.join("tags"), "a file").expect("write");
    std::fs::remove_dir_all(out.join("starred")).expect("remove starred");
    std::os::unix::fs::symlink(&elsewhere, out.join("starred")).expect("link");
    std::fs::remove_file(out.join("404.html")).expect("remove 404");
    std::fs::create_dir_all(out.join("404.html/inside")).expect("mkdir");
    std::fs::create_dir_all(out.join("d/gone")).expect("mkdir");
    std::fs::write(out.join("d/gone/index.html"), "a removed digest").expect("write");
    std::fs::create_dir_all(out.join("data/0123abcd/d")).expect("mkdir");
    std::fs::write(out.join("data/0123abcd/d/0.json"), "{}").expect("write");
    build_ok(&build_args(&content, &out, Some(&shell), &[]));
    assert_same_trees(&out, &clean);
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("keep.txt")).expect("read"),
        "not the site's"
    );
    assert!(!std::fs::symlink_metadata(out.join("starred"))
        .expect("starred")
        .is_symlink());
}

/// (folders pruning looked at, of them listed) in what a timed build
/// printed.
fn folders_listed(stderr: &str) -> (usize, usize) {
    let counts: Vec<usize> = (stderr.lines())
        .find(|line| line.starts_with("tidings: read+parse"))
        .and_then(|line| line.rsplit("; ").next())
        .and_then(|s| s.strip_suffix(" folders listed)"))
        .map(|s| s.split(" of ").filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    match counts[..] {
        [listed, seen] => (seen, listed),
        _ => panic!("{stderr}"),
    }
}

#[cfg(unix)]
#[test]
fn a_rebuild_lists_only_the_folders_changed_since_the_last_and_still_prunes_them() {
    let content = generated("folders-content", 12);
    let shell = temp_dir("folders-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let (out, cache) = (temp_dir("folders-out"), temp_dir("folders-cache"));
    let cache_arg = cache.display().to_string();
    let args = build_args(&content, &out, Some(&shell), &["--cache", &cache_arg]);
    let clean = temp_dir("folders-clean");
    build_ok(&build_args(&content, &clean, Some(&shell), &[]));

    // Folders written a moment before a build are listed by the next, so
    // the first builds list them all.
    let (seen, listed) = folders_listed(&timed_build(&args));
    assert_eq!(listed, seen);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let (seen, listed) = folders_listed(&timed_build(&args));
    assert_eq!(listed, seen);
    assert!(seen > 12, "a folder per digest page and more: {seen}");

    // Nothing changed: no folder is listed.
    assert_eq!(folders_listed(&timed_build(&args)), (seen, 0));
    assert_same_trees(&out, &clean);

    // What is not the build's own, in folders it would not list: a stray
    // page beside a digest's, a removed digest's folder, a tag page's
    // folder with a folder where its page goes, and a file beside an
    // item's page.
    let digest = (std::fs::read_dir(out.join("d")).expect("list").flatten())
        .find(|e| e.path().join("index.html").is_file())
        .expect("a digest page")
        .path();
    std::fs::write(digest.join("stray.html"), "not the site's").expect("write");
    std::fs::create_dir_all(out.join("d/gone")).expect("mkdir");
    std::fs::write(out.join("d/gone/index.html"), "a removed digest").expect("write");
    let tag = (std::fs::read_dir(out.join("tags")).expect("list").flatten())
        .find(|e| e.path().is_dir())
        .expect("a tag page")
        .path();
    std::fs::remove_file(tag.join("index.html")).expect("remove");
    std::fs::create_dir_all(tag.join("index.html/inside")).expect("mkdir");
    let item = (files_under(&out.join("d")).into_iter())
        .find(|f| f.matches('/').count() == 2 && f.ends_with("/index.html"))
        .expect("an item page");
    let item = out.join("d").join(item);
    let item = item.parent().expect("its folder");
    std::fs::write(item.join("old.html"), "left over").expect("write");
    let (_, listed) = folders_listed(&timed_build(&args));
    assert_eq!(listed, 4, "{listed} of {seen} listed");
    assert_same_trees(&out, &clean);
}

/// The search index's kept segments in a cache folder.
fn segments(cache: &Path) -> std::collections::BTreeSet<String> {
    (files_under(&cache.join("index")).into_iter())
        .filter(|f| f.ends_with(".seg"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_rebuild_counts_the_terms_of_the_changed_run_of_digests_only() {
    let content = generated("seg-content", 300);
    let (out, cache) = (temp_dir("seg-out"), temp_dir("seg-cache"));
    let with_cache = ["--cache".to_string(), cache.display().to_string()];
    let with_cache: Vec<&str> = with_cache.iter().map(String::as_str).collect();
    build_ok(&build_args(&content, &out, None, &with_cache));
    let first = segments(&cache);
    assert!(first.len() >= 2, "{first:?}");
    let before = inodes(&cache.join("index"));

    let edited = content.join("posts").join("ai20240526-0.md");
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nOne more sentence, added after the first build.\n");
    std::fs::write(&edited, text).expect("edit");
    build_ok(&build_args(&content, &out, None, &with_cache));
    let second = segments(&cache);
    assert_eq!(second.len(), first.len());
    assert_eq!(first.difference(&second).count(), 1, "{first:?} {second:?}");
    // The others were taken as they were, not written again.
    let after = inodes(&cache.join("index"));
    for kept in first.intersection(&second) {
        assert_eq!(before.get(kept), after.get(kept), "{kept}");
    }

    let clean = temp_dir("seg-clean");
    build_ok(&build_args(&content, &clean, None, &[]));
    assert_same_trees(&out, &clean);
}

/// A rebuild splices its changes into the last index, which the cache
/// folder keeps, and writes a clean build's files; a damaged last index
/// is not used (the index is then made from every run's segment), and
/// the files are the same. The watcher's first build splices into it too.
#[test]
fn a_rebuild_splices_its_changes_into_the_last_index_kept() {
    let content = generated("last-content", 300);
    let (out, cache) = (temp_dir("last-out"), temp_dir("last-cache"));
    let args = build_args(
        &content,
        &out,
        None,
        &["--cache", &cache.display().to_string()],
    );
    let build = || timed_build(&args);
    let edited = content.join("posts").join("ai20240526-0.md");
    let edit = |line: &str| {
        let text = std::fs::read_to_string(&edited).expect("read");
        std::fs::write(&edited, format!("{text}\n{line}\n")).expect("edit");
    };
    let same_as_clean = |name: &str| {
        let clean = temp_dir(name);
        build_ok(&build_args(&content, &clean, None, &[]));
        assert_same_trees(&out, &clean);
    };
    let first = build();
    assert!(!first.contains("encoded again"), "{first}");
    let kept = cache.join("index").join("last-index");
    assert!(kept.is_file());

    edit("A zyzzogeton word, 一个新词.");
    let second = build();
    assert!(second.contains(" terms encoded again"), "{second}");
    same_as_clean("last-clean-1");

    let mut bytes = std::fs::read(&kept).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&kept, bytes).expect("damage");
    edit("Another sentence, after the last index was damaged.");
    let third = build();
    assert!(!third.contains("encoded again"), "{third}");
    same_as_clean("last-clean-2");

    // Written over in place: a file longer than the index it holds (as a
    // write cut short over a longer one leaves it) is refused too, and
    // the next build's index, written over it, is cut to its length.
    let mut bytes = std::fs::read(&kept).expect("read");
    bytes.extend_from_slice(&[0; 4096]);
    std::fs::write(&kept, bytes).expect("lengthen");
    edit("A sentence after the last index was lengthened.");
    let fourth = build();
    assert!(!fourth.contains("encoded again"), "{fourth}");
    same_as_clean("last-clean-3");
    edit("And one after it was written again.");
    let fifth = build();
    assert!(fifth.contains(" terms encoded again"), "{fifth}");
    same_as_clean("last-clean-4");

    // The watcher's first build starts from the kept index too (one
    // this process made: the cache is keyed by the executable).
    let options = tidings::LoadOptions {
        cache: Some(cache.clone()),
        ..Default::default()
    };
    let site = tidings::load(&content, &options).expect("load");
    tidings::bundle::search_index(&site, 20_000).expect("index");
    edit("A sentence for the watcher.");
    let memo = tidings::Memo::default();
    let watched = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    let index = tidings::bundle::search_index(&watched, 20_000).expect("index");
    let kept = watched.index_memo.clone().expect("an index memo");
    assert!(kept.fresh_terms().is_some(), "spliced into the kept index");
    let clean = tidings::load(&content, &tidings::LoadOptions::default()).expect("load");
    let clean = tidings::bundle::search_index(&clean, 20_000).expect("index");
    assert_eq!(index.info, clean.info);
    assert!(index.shards == clean.shards && index.blocks == clean.blocks);
}

/// The cache folder is written beside the build: when that fails after
/// the site is in place, the build says so and succeeds, the site whole.
#[test]
fn a_cache_folder_that_cannot_be_written_leaves_the_site_whole() {
    let content = generated("unwritable-content", 12);
    let (out, cache) = (temp_dir("unwritable-out"), temp_dir("unwritable-cache"));
    let args = build_args(
        &content,
        &out,
        None,
        &["--cache", &cache.display().to_string()],
    );
    build_ok(&args);
    // Folders where the last index and the last build's digests go.
    for file in [
        cache.join("index").join("last-index"),
        cache.join("last-digests"),
    ] {
        std::fs::remove_file(&file).expect("remove");
        std::fs::create_dir_all(file.join("in the way")).expect("a folder in the way");
    }
    let edited = content.join("posts").join("ai20240526-0.md");
    let text = std::fs::read_to_string(&edited).expect("read");
    std::fs::write(&edited, format!("{text}\nOne more line.\n")).expect("edit");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = tidings(&args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("; the site was written, the cache folder not brought up to date"),
        "{stderr}"
    );
    let clean = temp_dir("unwritable-clean");
    build_ok(&build_args(&content, &clean, None, &[]));
    assert_same_trees(&out, &clean);
}

/// Under `build --watch`, the search index after an edit encodes only
/// the terms of the run of digests that changed, and is the index a
/// build from scratch makes; so it is after an item or a digest is added
/// or removed, which numbers the items after them anew.
#[test]
fn a_watched_edit_encodes_the_changed_terms_only_and_gives_the_clean_index() {
    let content = generated("memo-index-content", 300);
    let options = tidings::LoadOptions {
        cache: Some(temp_dir("memo-index-cache")),
        ..Default::default()
    };
    let index = |site: &tidings::Site| tidings::bundle::search_index(site, 20_000).expect("index");
    let clean_index = || {
        let site = tidings::load(&content, &tidings::LoadOptions::default()).expect("load");
        index(&site)
    };
    let memo = tidings::Memo::default();
    let first = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    let before = index(&first);
    let kept = first
        .index_memo
        .clone()
        .expect("a memo's site has an index memo");
    assert!(kept.holds());
    assert_eq!(kept.fresh_terms(), None);
    memo.keep(first.digests);

    let edited = content.join("posts").join("ai20240526-0.md");
    let text = std::fs::read_to_string(&edited).expect("read");
    std::fs::write(&edited, format!("{text}\nA zyzzogeton word, 一个新词.\n")).expect("edit");
    let second = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    let watched = index(&second);
    let fresh = kept.fresh_terms().expect("made from the last index");
    let total: usize = (watched.shards.iter())
        .map(|s| {
            tidings_model::search_index::read_shard(s, &watched.info)
                .expect("shard")
                .terms()
                .count()
        })
        .sum();
    assert!(fresh > 0 && fresh < total, "{fresh} of {total} terms");
    assert_ne!(watched.shards, before.shards);
    let clean = clean_index();
    assert_eq!(watched.info, clean.info);
    assert!(
        watched.shards == clean.shards,
        "shards differ from a clean build's"
    );
    assert!(
        watched.blocks == clean.blocks,
        "blocks differ from a clean build's"
    );
    memo.keep(second.digests);

    // One more item, then one digest fewer: every later item has
    // another number.
    std::fs::write(&edited, format!("{text}\n## One more item\n\nIts text.\n")).expect("edit");
    let third = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    let renumbered = index(&third);
    assert!(kept.fresh_terms().is_some(), "spliced");
    let clean = clean_index();
    assert_eq!(renumbered.info, clean.info);
    assert_eq!(renumbered.info.docs, watched.info.docs + 1);
    assert!(renumbered.shards == clean.shards && renumbered.blocks == clean.blocks);
    memo.keep(third.digests);

    std::fs::remove_file(content.join("posts").join("ai20240525-1.md")).expect("remove");
    let fourth = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    let fewer = index(&fourth);
    assert!(kept.fresh_terms().is_some(), "spliced");
    let clean = clean_index();
    assert_eq!(fewer.info, clean.info);
    assert!(fewer.info.docs < renumbered.info.docs);
    assert!(fewer.shards == clean.shards && fewer.blocks == clean.blocks);
}

#[test]
fn a_memo_gives_back_unchanged_digests_and_reads_changed_ones_again() {
    let content = generated("memo-content", 12);
    let options = tidings::LoadOptions::default();
    let memo = tidings::Memo::default();
    let first = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    assert_eq!(first.cached, 0);
    let clean = first.clone();
    memo.keep(first.digests);

    let second = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    assert_eq!(second.cached, 12);
    // Linked again from kept digests: the same as a fresh load.
    assert_eq!(
        serde_json::to_string(&second.digests.iter().map(|d| &d.digest).collect::<Vec<_>>())
            .expect("json"),
        serde_json::to_string(&clean.digests.iter().map(|d| &d.digest).collect::<Vec<_>>())
            .expect("json"),
    );
    memo.keep(second.digests);

    let edited = content.join("posts").join("ai20240526-0.md");
    let text = std::fs::read_to_string(&edited).expect("read");
    let retitled = text.replacen("title = \"", "title = \"Edited: ", 1);
    assert_ne!(text, retitled);
    std::fs::write(&edited, retitled).expect("edit");
    std::fs::remove_file(content.join("posts").join("ai20240525-1.md")).expect("remove");
    let third = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    assert_eq!(third.cached, 10);
    assert_eq!(third.digests.len(), 11);
    let digest = (third.digests.iter())
        .find(|d| d.path == edited)
        .expect("edited digest");
    assert!(
        digest.digest.title.starts_with("Edited: "),
        "{}",
        digest.digest.title
    );

    // Another reading option (a base path, which image links take):
    // nothing kept is taken.
    memo.keep(third.digests);
    let other = tidings::LoadOptions {
        site: tidings::config::SiteSettings {
            base_url: Some("https://example.org/sub/".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let fourth = tidings::load_with(&content, &other, Some(&memo)).expect("load");
    assert_eq!(fourth.cached, 0);
}

#[cfg(target_os = "linux")]
#[test]
fn file_events_wake_the_watcher_but_not_those_of_its_output() {
    use std::time::Duration;
    let content = temp_dir("wake-content");
    let out = content.join("dist");
    std::fs::create_dir_all(&out).expect("out");
    let wake = tidings::Wake::new(&content, &out).expect("file events");
    let quiet = Duration::from_millis(300);
    let soon = Duration::from_secs(5);
    // One write makes several events, which may come in several reads:
    // all are taken before the next step.
    let settle = || while wake.wait(Duration::from_millis(150)) == Some(true) {};
    assert_eq!(wake.wait(quiet), Some(false));

    std::fs::write(content.join("a.md"), "saved").expect("write");
    assert_eq!(wake.wait(soon), Some(true));
    settle();
    // What the build writes wakes nothing.
    std::fs::write(out.join("index.html"), "built").expect("write");
    assert_eq!(wake.wait(quiet), Some(false));
    // A folder made after the watcher started is watched too.
    let posts = content.join("posts");
    std::fs::create_dir_all(&posts).expect("folder");
    assert_eq!(wake.wait(soon), Some(true));
    settle();
    std::fs::write(posts.join("b.md"), "saved").expect("write");
    assert_eq!(wake.wait(soon), Some(true));
    settle();

    // The content folder made anew: no watch covers it until the watcher,
    // seeing a change no event told of, watches again.
    std::fs::remove_dir_all(&content).expect("remove");
    std::fs::create_dir_all(&posts).expect("folder");
    settle();
    std::fs::write(posts.join("c.md"), "saved").expect("write");
    assert_eq!(wake.wait(quiet), Some(false));
    wake.rewatch();
    std::fs::write(posts.join("d.md"), "saved").expect("write");
    assert_eq!(wake.wait(soon), Some(true));
}

/// `tidings build --watch --content . --out dist`: the output inside the
/// content folder, given relative to it, is not taken for a change (the
/// watcher once built a second time after its first build).
#[test]
fn a_watcher_does_not_take_its_own_output_for_a_change() {
    use std::io::Read;
    let site = temp_dir("watch-own-output");
    std::fs::create_dir_all(site.join("posts")).expect("posts");
    std::fs::copy(
        shipped_content().join("posts/ai20240526.md"),
        site.join("posts/ai20240526.md"),
    )
    .expect("copy");
    let mut watcher = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(["build", "--watch", "--quiet", "--timings"])
        .args(["--content", ".", "--out", "dist"])
        .current_dir(&site)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("watcher");
    let manifest = site.join("dist/data/manifest.json");
    let start = std::time::Instant::now();
    while !manifest.exists() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Long enough for several looks at the files.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    watcher.kill().expect("kill");
    let mut log = String::new();
    (watcher.stderr.take().expect("stderr"))
        .read_to_string(&mut log)
        .expect("log");
    watcher.wait().expect("wait");
    assert_eq!(log.matches("read+parse").count(), 1, "{log}");
}

/// `make serve`'s watcher prints a file's warnings once: a rebuild repeats
/// none of those printed before for files whose warnings are the same,
/// and says how many it left out.
#[test]
fn a_watcher_prints_each_files_warnings_once() {
    use std::io::BufRead;
    use std::sync::{Arc, Mutex};
    let content = generated("watch-warnings", 2);
    let posts = content.join("posts");
    let mut names: Vec<PathBuf> = (std::fs::read_dir(&posts).expect("posts"))
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let (a, b) = (&names[0], &names[1]);
    let out = temp_dir("watch-warnings-out");
    let mut watcher = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(["build", "--watch", "--content"])
        .arg(&content)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("watcher");
    let log = Arc::new(Mutex::new(String::new()));
    let reader = std::io::BufReader::new(watcher.stderr.take().expect("stderr"));
    let sink = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            let mut log = sink.lock().expect("log");
            log.push_str(&line);
            log.push('\n');
        }
    });
    // The log of the `n`th build (1-based), once it has ended.
    let build = |n: usize| -> String {
        let start = std::time::Instant::now();
        loop {
            let text = log.lock().expect("log").clone();
            let ends: Vec<usize> = text
                .match_indices("tidings: 2 digests")
                .map(|(i, _)| i)
                .collect();
            if ends.len() >= n {
                let from = if n == 1 { 0 } else { ends[n - 2] };
                let to = text[ends[n - 1]..]
                    .find('\n')
                    .map_or(text.len(), |e| ends[n - 1] + e);
                return text[from..to].to_string();
            }
            assert!(
                start.elapsed().as_secs() < 60,
                "build {n} did not end: {text}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let name = |p: &Path| p.file_name().expect("name").to_string_lossy().to_string();
    let warned = |text: &str, p: &Path| {
        text.lines()
            .any(|l| l.starts_with("warning: ") && l.contains(&name(p)))
    };
    let first = build(1);
    assert!(warned(&first, a) && warned(&first, b), "{first}");
    assert!(!first.contains("not repeated"), "{first}");

    // An edit at the end of one file: its warnings are those of before.
    let append = |p: &Path, text: &str| {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(p)
            .expect("open");
        std::io::Write::write_all(&mut f, text.as_bytes()).expect("append");
    };
    append(a, "\nOne more sentence.\n");
    let second = build(2);
    assert!(!second.contains("warning: "), "{second}");
    assert!(second.contains("of 2 file(s) not repeated"), "{second}");

    // A new warning in the other file: its warnings again, with the new one.
    append(b, "\n![a picture](not-shipped.png)\n");
    let third = build(3);
    assert!(warned(&third, b) && !warned(&third, a), "{third}");
    assert!(third.contains("of 1 file(s) not repeated"), "{third}");
    watcher.kill().expect("kill");
    watcher.wait().expect("wait");
}

/// `make serve` runs the watcher with a cache folder: digests it takes
/// from memory keep their cache entries, so the next `make serve` (a new
/// process) finds every unchanged digest parsed.
#[test]
fn a_memo_keeps_the_cache_entries_of_the_digests_it_gives_back() {
    let content = generated("memo-cache-content", 12);
    let cache = temp_dir("memo-cache");
    let options = tidings::LoadOptions {
        cache: Some(cache.clone()),
        ..Default::default()
    };
    let memo = tidings::Memo::default();
    // Each load's writes to the cache folder (its record of the digests,
    // and removing the entries it did not use) are waited for before the
    // next load, as a build waits for them when it ends: a load whose
    // pruning ran late would remove the entry a later load wrote.
    let first = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    assert_eq!(first.cached, 0);
    memo.keep(first.digests);
    first.background.wait().expect("first load's cache writes");

    let edited = content.join("posts").join("ai20240526-0.md");
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nOne more sentence, added while watched.\n");
    std::fs::write(&edited, text).expect("edit");
    let second = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    assert_eq!(second.cached, 11);
    memo.keep(second.digests);
    second
        .background
        .wait()
        .expect("second load's cache writes");
    let third = tidings::load_with(&content, &options, Some(&memo)).expect("load");
    assert_eq!(third.cached, 12);
    third.background.wait().expect("third load's cache writes");

    // A new process: only the cache folder is left, with every digest,
    // read without the bodies (read back by whatever shows them).
    let fresh = tidings::load(&content, &options).expect("load");
    assert_eq!(fresh.cached, 12);
    assert!(fresh.digests.iter().all(|d| d.cold.is_some()));
    fresh.background.wait().expect("fresh load's cache writes");
    // A new watcher takes them whole: it keeps them in memory, and
    // another build sharing the cache folder may prune their entries
    // before they are shown.
    let watcher = tidings::Memo::default();
    let started = tidings::load_with(&content, &options, Some(&watcher)).expect("load");
    assert_eq!(started.cached, 12);
    assert!(started.digests.iter().all(|d| d.cold.is_none()));
    let whole = |d: &tidings::digest::Parsed| d.full().expect("whole").into_owned();
    let pairs = (fresh.digests.iter().map(whole)).zip(started.digests.iter().map(whole));
    for (a, b) in pairs {
        assert_eq!(a.digest, b.digest);
        assert_eq!(a.item_summaries, b.item_summaries);
    }
}

/// Writes `path` full of `byte`, as long as `like` and with its
/// modification time: a change that a build trusting sizes and times
/// (as make does) does not see. Returns the bytes written.
fn overwrite_unseen(path: &Path, like: &Path, byte: u8) -> Vec<u8> {
    let meta = std::fs::metadata(like).expect("meta");
    let bytes = vec![byte; meta.len() as usize];
    std::fs::write(path, &bytes).expect("write");
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    file.set_modified(meta.modified().expect("time"))
        .expect("set time");
    bytes
}

/// The stamp folder of the data that `out`'s manifest names.
fn data_folder(out: &Path) -> PathBuf {
    let bytes = std::fs::read(out.join("data/manifest.json")).expect("manifest");
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    out.join("data")
        .join(manifest["stamp"].as_str().expect("stamp"))
}

#[test]
fn a_rebuild_with_a_cache_makes_only_the_feeds_whose_digests_changed() {
    let content = generated("feedkeys-content", 40);
    let shell = temp_dir("feedkeys-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let (out, cache) = (temp_dir("feedkeys-out"), temp_dir("feedkeys-cache"));
    let cache_arg = cache.display().to_string();
    let base = ["--base-url", "https://example.org/news/"];
    let args = build_args(
        &content,
        &out,
        Some(&shell),
        &["--cache", &cache_arg, base[0], base[1]],
    );
    build_ok(&args);

    // Feeds changed behind the build's back, keeping their size and
    // time, are left as they are: with the same digests they are not
    // made again (a feed made again would be written back).
    let mut feeds = vec![
        out.join("feed.xml"),
        out.join("atom.xml"),
        out.join("feed.json"),
    ];
    let tag_feed = std::fs::read_dir(out.join("tags"))
        .expect("tag pages")
        .filter_map(|e| Some(e.ok()?.path().join("feed.xml")))
        .find(|f| f.exists())
        .expect("a tag with a feed");
    feeds.push(tag_feed);
    let originals: Vec<(Vec<u8>, std::time::SystemTime)> = (feeds.iter())
        .map(|f| {
            let time = std::fs::metadata(f).and_then(|m| m.modified());
            (std::fs::read(f).expect("feed"), time.expect("time"))
        })
        .collect();
    let unseen: Vec<Vec<u8>> = feeds.iter().map(|f| overwrite_unseen(f, f, b'x')).collect();
    build_ok(&args);
    for (feed, bytes) in feeds.iter().zip(&unseen) {
        let now = std::fs::read(feed).expect("feed");
        assert!(now == *bytes, "{} was made again", feed.display());
    }
    for (feed, (bytes, time)) in feeds.iter().zip(&originals) {
        std::fs::write(feed, bytes).expect("put back");
        let file = std::fs::File::options()
            .write(true)
            .open(feed)
            .expect("open");
        file.set_modified(*time).expect("set time");
    }

    // The newest digest edited: the feeds carrying it are made again,
    // and the output is a clean build's.
    let edited = content.join("posts").join("ai20240526-0.md");
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nOne more sentence, added after the first build.\n");
    std::fs::write(&edited, text).expect("edit");
    let before = std::fs::read(out.join("feed.xml")).expect("feed");
    build_ok(&args);
    let after = std::fs::read_to_string(out.join("feed.xml")).expect("feed");
    assert_ne!(after.as_bytes(), before);
    assert!(after.contains("One more sentence, added after the first build."));
    let clean = temp_dir("feedkeys-clean");
    build_ok(&build_args(&content, &clean, Some(&shell), &base));
    assert_same_trees(&out, &clean);
}

#[cfg(unix)]
#[test]
fn a_rebuild_with_a_cache_serializes_only_the_shards_of_changed_digests() {
    let content = generated("datakeys-content", 40);
    let (out, cache) = (temp_dir("datakeys-out"), temp_dir("datakeys-cache"));
    let cache_arg = cache.display().to_string();
    let args = build_args(&content, &out, None, &["--cache", &cache_arg]);
    build_ok(&args);
    let before = inodes(&data_folder(&out).join("d"));
    let count = before.len() as u32;
    let shard = |slug: &str| format!("{}.json", tidings_model::shard_of(slug, count));

    // A digest edited, and a shard changed behind the build's back: both
    // are made again.
    let edited = content.join("posts").join("ai20240526-0.md");
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nOne more sentence, added after the first build.\n");
    std::fs::write(&edited, text).expect("edit");
    let tampered = shard("ai20240525-1");
    assert_ne!(tampered, shard("ai20240526-0"));
    let folder = data_folder(&out);
    std::fs::write(folder.join("d").join(&tampered), "changed by hand").expect("tamper");
    build_ok(&args);

    // A new stamp folder, in which every other shard is the previous
    // build's file.
    assert_ne!(data_folder(&out), folder);
    let after = inodes(&data_folder(&out).join("d"));
    assert_eq!(after.len(), before.len());
    let remade: Vec<&String> = (before.keys())
        .filter(|rel| after.get(*rel) != before.get(*rel))
        .collect();
    let mut expected = vec![shard("ai20240526-0"), tampered];
    expected.sort();
    let mut remade: Vec<String> = remade.into_iter().cloned().collect();
    remade.sort();
    assert_eq!(remade, expected);
    let clean = temp_dir("datakeys-clean");
    build_ok(&build_args(&content, &clean, None, &[]));
    assert_same_trees(&out, &clean);

    // Nothing changed: the same stamp, every shard left where it is.
    let folder = data_folder(&out);
    build_ok(&args);
    assert_eq!(data_folder(&out), folder);
    assert_eq!(inodes(&folder.join("d")), after);
    assert_same_trees(&out, &clean);

    // Shards of unchanged digests are not even serialized: one changed
    // behind the build's back that kept its size and time goes into the
    // next stamp folder as it is (the build trusts them, as make does;
    // without its key it would be compared and written again).
    let kept = folder.join("d").join(shard("ai20240524-2"));
    let same_size = overwrite_unseen(&kept, &kept, b'x');
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nAnd another, so that the stamp changes.\n");
    std::fs::write(&edited, text).expect("edit");
    build_ok(&args);
    assert_ne!(data_folder(&out), folder);
    let now = data_folder(&out).join("d").join(shard("ai20240524-2"));
    assert_eq!(std::fs::read(now).expect("shard"), same_size);

    // Keys that name a folder outside the output are not taken: its
    // files are never linked into the site.
    let keys = (std::fs::read_dir(cache.join("keys")).expect("keys"))
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("data-"))
        })
        .expect("data keys");
    let text = std::fs::read_to_string(&keys).expect("read keys");
    let folder = text.lines().nth(1).expect("folder").to_string();
    let elsewhere = temp_dir("datakeys-elsewhere");
    for (rel, _) in inodes(&out.join(&folder)) {
        let (from, to) = (out.join(&folder).join(&rel), elsewhere.join(&rel));
        std::fs::create_dir_all(to.parent().expect("parent")).expect("folder");
        overwrite_unseen(&to, &from, b'y');
    }
    let outside = format!("{}", elsewhere.display());
    let relative = std::iter::repeat_n("..", out.components().count())
        .collect::<Vec<_>>()
        .join("/");
    let damaged = text.replacen(&folder, &format!("{relative}{outside}"), 1);
    std::fs::write(&keys, damaged).expect("damage keys");
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nA third one.\n");
    std::fs::write(&edited, text).expect("edit");
    build_ok(&args);
    let clean = temp_dir("datakeys-clean-2");
    build_ok(&build_args(&content, &clean, None, &[]));
    assert_same_trees(&out, &clean);
}

#[cfg(unix)]
#[test]
fn a_rebuild_with_a_cache_makes_only_the_pages_of_changed_digests() {
    let content = generated("pagekeys-content", 40);
    let shell = temp_dir("pagekeys-shell").join("index.html");
    std::fs::write(&shell, SHELL).expect("write shell");
    let (out, cache) = (temp_dir("pagekeys-out"), temp_dir("pagekeys-cache"));
    let cache_arg = cache.display().to_string();
    let args = build_args(&content, &out, Some(&shell), &["--cache", &cache_arg]);
    build_ok(&args);
    let before = inodes(&out.join("d"));

    // A digest edited, and another's page changed behind the build's
    // back (same inputs, different file): both are made again.
    let edited = content.join("posts").join("ai20240526-0.md");
    let mut text = std::fs::read_to_string(&edited).expect("read");
    text.push_str("\nOne more sentence, added after the first build.\n");
    std::fs::write(&edited, text).expect("edit");
    let tampered = "ai20240525-1/index.html";
    std::fs::write(out.join("d").join(tampered), "changed by hand").expect("tamper");
    build_ok(&args);

    // Every other digest's pages were left as they were.
    let after = inodes(&out.join("d"));
    let remade: Vec<&String> = (before.keys())
        .filter(|rel| after.get(*rel) != before.get(*rel))
        .collect();
    assert!(
        remade.iter().any(|r| *r == "ai20240526-0/index.html"),
        "{remade:?}"
    );
    for rel in &remade {
        assert!(
            rel.starts_with("ai20240526-0/") || *rel == tampered,
            "{rel}"
        );
    }
    let clean = temp_dir("pagekeys-clean");
    build_ok(&build_args(&content, &clean, Some(&shell), &[]));
    assert_same_trees(&out, &clean);

    // The pages of unchanged digests are not even made: a page changed
    // behind the build's back that kept its size and time is left (the
    // build trusts them, as make does).
    let page = out.join("d").join("ai20240524-2/index.html");
    let same_size = overwrite_unseen(&page, &page, b'x');
    build_ok(&args);
    assert_eq!(std::fs::read(&page).expect("page"), same_size);

    // Other site settings make every page again.
    let reload = build_args(
        &content,
        &out,
        Some(&shell),
        &["--cache", &cache_arg, "--reload"],
    );
    build_ok(&reload);
    let clean = temp_dir("pagekeys-clean-reload");
    build_ok(&build_args(&content, &clean, Some(&shell), &["--reload"]));
    assert_same_trees(&out, &clean);
}
