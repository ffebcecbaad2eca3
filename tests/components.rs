//! Component tests: mount a component in a real browser and look at the DOM.
//! Run with `make test-wasm` (wasm-bindgen-test-runner drives headless Chromium).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use tidings_app::article::Article;
use tidings_app::components::DigestList;
use tidings_model::i18n::Text;
use tidings_model::site::Lang;
use tidings_model::DigestSummary;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let el = document().create_element("div").expect("create div");
    document()
        .body()
        .expect("body")
        .append_child(&el)
        .expect("append");
    el.unchecked_into()
}

fn summary(slug: &str, tags: &[&str], items: u32) -> DigestSummary {
    DigestSummary {
        slug: slug.into(),
        date: "2024-05-26".into(),
        title: format!("Digest {slug}"),
        summary: "summary".into(),
        tags: tags.iter().map(|t| (*t).to_string()).collect(),
        item_count: items,
    }
}

#[wasm_bindgen_test]
fn digest_list_renders_one_card_per_digest_with_links() {
    let root = container();
    let digests = vec![summary("b", &["人工智能"], 13), summary("a", &["R&D"], 2)];
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(Text::of(Lang::En));
        view! { <DigestList digests=digests.clone() /> }
    })
    .forget();
    let cards = root.query_selector_all(".digest-card").expect("query");
    assert_eq!(cards.length(), 2);
    let anchors = root.query_selector_all("a").expect("query");
    let links: Vec<String> = (0..anchors.length())
        .filter_map(|i| anchors.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok()?.get_attribute("href"))
        .collect();
    assert_eq!(
        links,
        [
            "/d/b/",
            "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/",
            "/d/a/",
            "/tags/R%26D/"
        ]
    );
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("13 items"), "{text}");
    assert!(text.contains("2 items"), "{text}");
    assert!(text.contains("May 26, 2024"), "{text}");
}

#[wasm_bindgen_test]
fn without_a_choice_the_list_speaks_the_site_language() {
    let root = container();
    let digests = vec![summary("a", &[], 1)];
    leptos::mount::mount_to(
        root.clone(),
        move || view! { <DigestList digests=digests.clone() /> },
    )
    .forget();
    // No site settings in the page: the default site is Chinese.
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("1 条新闻"), "{text}");
    assert!(text.contains("2024年5月26日"), "{text}");
    let list = root.query_selector("ol").expect("query").expect("list");
    assert_eq!(list.get_attribute("lang").as_deref(), Some("zh"));
}

/// The cards' titles in order, and the card of `slug`.
fn cards(root: &web_sys::HtmlElement) -> Vec<String> {
    let titles = root.query_selector_all(".digest-card h2 a").expect("query");
    (0..titles.length())
        .filter_map(|i| titles.item(i)?.text_content())
        .collect()
}

fn card_of(root: &web_sys::HtmlElement, slug: &str) -> web_sys::Element {
    root.query_selector(&format!(".digest-card a[href='/d/{slug}/']"))
        .expect("query")
        .and_then(|a| a.closest("li").ok().flatten())
        .expect("card")
}

#[wasm_bindgen_test]
async fn a_new_list_keeps_the_cards_that_stay_and_puts_them_in_order() {
    let root = container();
    let digests = RwSignal::new(vec![
        summary("a", &[], 1),
        summary("b", &[], 2),
        summary("c", &[], 3),
    ]);
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(Text::of(Lang::En));
        view! { <DigestList digests /> }
    })
    .forget();
    pause(0).await;
    assert_eq!(cards(&root), ["Digest a", "Digest b", "Digest c"]);
    let (a, b) = (card_of(&root, "a"), card_of(&root, "b"));

    // One new, two kept in another order, one gone.
    digests.set(vec![
        summary("d", &["AI"], 4),
        summary("b", &[], 2),
        summary("a", &[], 1),
    ]);
    pause(0).await;
    assert_eq!(cards(&root), ["Digest d", "Digest b", "Digest a"]);
    assert!(card_of(&root, "a").is_same_node(Some(&a)), "a's card kept");
    assert!(card_of(&root, "b").is_same_node(Some(&b)), "b's card kept");
    let d = card_of(&root, "d");
    assert_eq!(d.class_name(), "digest-card");
    assert!(d.inner_html().contains("/tags/AI/"), "{}", d.inner_html());
    assert_eq!(
        root.query_selector_all("li.digest-card")
            .expect("query")
            .length(),
        3
    );

    digests.set(Vec::new());
    pause(0).await;
    assert!(cards(&root).is_empty());
    digests.set(vec![summary("c", &[], 3)]);
    pause(0).await;
    assert_eq!(cards(&root), ["Digest c"]);
}

fn manifest() -> std::sync::Arc<tidings_model::Manifest> {
    let json = r#"{"schema":3,"stamp":"s","digest_count":1,"item_count":2,"page_size":100,"page_count":1,"shard_count":1,"item_pages":true,"tags":[],"categories":[]}"#;
    std::sync::Arc::new(tidings_model::BundleFile::from_json(json).expect("manifest"))
}

/// A digest of two items: the first with an image the build did not find,
/// the second with one the server does not have.
fn digest() -> std::sync::Arc<tidings_model::Digest> {
    let json = r#"{"schema":3,"slug":"d1","date":"2024-05-26","title":"Digest one","description":"","tags":["AI"],"categories":[],"intro_html":"<p>Intro</p>","items":[
        {"id":"a","title":"First","title_html":"First <em>story</em>","image":{"alt":"gone"},"body_html":"<p>Body a</p>","source":{"url":"https://example.com/a","domain":"example.com"},"links":[]},
        {"id":"b","title":"Second","title_html":"Second","image":{"src":"/no-such-image.png","alt":"broken"},"body_html":"<p>Body b</p>","links":[]}]}"#;
    std::sync::Arc::new(tidings_model::BundleFile::from_json(json).expect("digest"))
}

fn mount_article(item: Option<usize>) -> web_sys::HtmlElement {
    let root = container();
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(Text::of(Lang::En));
        view! { <Article manifest=manifest() digest=digest() item /> }
    })
    .forget();
    root
}

/// Lets effects, promises and an image load settle.
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn attr(root: &web_sys::HtmlElement, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector)
        .expect("query")
        .unwrap_or_else(|| panic!("no {selector}"))
        .get_attribute(name)
}

#[wasm_bindgen_test]
async fn a_digest_is_the_models_markup_and_its_buttons_work() {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.remove_item(tidings_model::reading::STORAGE_KEY);
    }
    let root = mount_article(None);
    let article = root
        .query_selector("article.digest")
        .expect("query")
        .expect("article");
    assert_eq!(article.get_attribute("lang").as_deref(), Some("zh"));
    let items = root.query_selector_all("li.item").expect("query");
    assert_eq!(items.length(), 2);
    assert_eq!(
        attr(&root, "li.item h2 a", "href").as_deref(),
        Some("/d/d1/a/")
    );
    assert_eq!(
        attr(&root, ".source a[target]", "href").as_deref(),
        Some("https://example.com/a")
    );
    // The image the build did not find is a placeholder, never an <img>.
    assert_eq!(
        attr(&root, "#a .image-placeholder", "aria-label").as_deref(),
        Some("gone")
    );
    assert!(root.query_selector("#a img").expect("query").is_none());

    // Star the first item: its button says so.
    let star = root
        .query_selector("#a .star")
        .expect("query")
        .expect("star");
    assert_eq!(star.get_attribute("aria-pressed").as_deref(), Some("false"));
    star.unchecked_ref::<web_sys::HtmlElement>().click();
    pause(0).await;
    assert_eq!(star.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(star.text_content().as_deref(), Some("★ Unstar"));
    assert_eq!(
        attr(&root, "#b .star", "aria-pressed").as_deref(),
        Some("false")
    );

    // Mark all read: every item is marked, and its button offers unread.
    let all = root
        .query_selector(".mark-all")
        .expect("query")
        .expect("button");
    all.unchecked_ref::<web_sys::HtmlElement>().click();
    pause(0).await;
    assert_eq!(
        root.query_selector_all("li.item.read")
            .expect("query")
            .length(),
        2
    );
    let toggle = root
        .query_selector("#b .read-toggle")
        .expect("query")
        .expect("toggle");
    assert_eq!(toggle.text_content().as_deref(), Some("Mark unread"));
    toggle.unchecked_ref::<web_sys::HtmlElement>().click();
    pause(0).await;
    assert_eq!(
        root.query_selector_all("li.item.read")
            .expect("query")
            .length(),
        1
    );
    assert_eq!(toggle.text_content().as_deref(), Some("Mark read"));
}

#[wasm_bindgen_test]
async fn an_image_that_fails_to_load_gives_way_to_its_placeholder() {
    let root = mount_article(Some(1));
    assert!(root
        .query_selector("article.item-page")
        .expect("query")
        .is_some());
    assert_eq!(attr(&root, "h1", "class"), None);
    let h1 = root.query_selector("h1").expect("query").expect("h1");
    assert_eq!(h1.text_content().as_deref(), Some("Second"));
    assert_eq!(
        attr(&root, "a[rel=prev]", "href").as_deref(),
        Some("/d/d1/a/")
    );
    // The image 404s: the placeholder takes its place, with its alt text.
    for _ in 0..50 {
        if root
            .query_selector(".image-placeholder")
            .expect("query")
            .is_some()
        {
            break;
        }
        pause(100).await;
    }
    assert!(root.query_selector("img").expect("query").is_none());
    assert_eq!(
        attr(&root, ".image-placeholder", "aria-label").as_deref(),
        Some("broken")
    );
}
