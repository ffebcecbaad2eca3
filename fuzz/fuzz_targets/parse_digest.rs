//! The whole parse of one content file: bytes to text, front matter (TOML,
//! YAML or JSON), item extraction, Markdown rendering and sanitising. Any
//! input must give a digest or an error, never a panic, and the output HTML
//! must hold nothing the sanitiser removes.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tidings::digest;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("content/posts/fuzz.md");
    let Ok(text) = digest::decode(path, data) else {
        return;
    };
    let Ok(parsed) = digest::parse(
        Path::new("content"),
        path,
        &text,
        &Default::default(),
        &Default::default(),
    ) else {
        return;
    };
    let d = &parsed.digest;
    let html = d
        .items
        .iter()
        .flat_map(|i| [&i.body_html, &i.title_html])
        .chain([&d.intro_html]);
    for html in html {
        // Text has `<` escaped, so every `<…>` is a tag the page will build.
        for tag in html
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(t).to_ascii_lowercase())
        {
            assert!(!tag.starts_with("script"), "script in {html}");
            assert!(!tag.contains("javascript:"), "javascript: URL in {html}");
            assert!(!has_handler(&tag), "event handler in {html}");
        }
    }
});

/// Whether a tag has an `on…="` attribute (inside values `"` is escaped, so
/// `="` only ends an attribute name).
fn has_handler(tag: &str) -> bool {
    tag.match_indices(" on").any(|(at, _)| {
        let rest = &tag[at + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name_len > 0 && rest[name_len..].starts_with("=\"")
    })
}
