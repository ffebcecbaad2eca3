//! Component tests: mount a component in a real browser and look at the DOM.
//! Run with `make test-wasm` (wasm-bindgen-test-runner drives headless Chromium).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::Router;
use tidings_app::components::{DigestList, ItemImage};
use tidings_model::i18n::Text;
use tidings_model::site::Lang;
use tidings_model::{DigestSummary, Image};
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
        view! { <Router><DigestList digests=digests.clone() /></Router> }
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
        move || view! { <Router><DigestList digests=digests.clone() /></Router> },
    )
    .forget();
    // No site settings in the page: the default site is Chinese.
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("1 条新闻"), "{text}");
    assert!(text.contains("2024年5月26日"), "{text}");
    let list = root.query_selector("ol").expect("query").expect("list");
    assert_eq!(list.get_attribute("lang").as_deref(), Some("zh"));
}

#[wasm_bindgen_test]
fn missing_image_shows_a_placeholder_not_a_broken_img() {
    let root = container();
    let image = Some(Image {
        src: None,
        alt: "gone".into(),
    });
    leptos::mount::mount_to(
        root.clone(),
        move || view! { <ItemImage image=image.clone() /> },
    )
    .forget();
    assert!(root.query_selector("img").expect("query").is_none());
    let placeholder = root
        .query_selector(".image-placeholder")
        .expect("query")
        .expect("placeholder");
    assert_eq!(
        placeholder.get_attribute("aria-label").as_deref(),
        Some("gone")
    );
}

#[wasm_bindgen_test]
fn present_image_is_an_img_with_alt() {
    let root = container();
    let image = Some(Image {
        src: Some("/data/media/x/a.png".into()),
        alt: "pic".into(),
    });
    leptos::mount::mount_to(
        root.clone(),
        move || view! { <ItemImage image=image.clone() /> },
    )
    .forget();
    let img = root.query_selector("img").expect("query").expect("img");
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("/data/media/x/a.png")
    );
    assert_eq!(img.get_attribute("alt").as_deref(), Some("pic"));
}

#[wasm_bindgen_test]
fn no_image_renders_nothing() {
    let root = container();
    leptos::mount::mount_to(root.clone(), || view! { <ItemImage image=None /> }).forget();
    assert_eq!(root.child_element_count(), 0);
}
