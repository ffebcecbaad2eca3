//! Markdown written without the sanitiser (`tidings::plain_html`) must be
//! byte for byte what the sanitiser makes of pulldown-cmark's HTML, for any
//! input it takes: it is the only HTML that skips the sanitiser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    if let (Some(plain), sanitized) = tidings::plain_html::both_ways(md) {
        assert_eq!(plain, sanitized, "{md:?}");
    }
});
