//! The app's URLs. The bundler writes a static HTML shell at each of these
//! paths and the app links to them, so both use these functions.

/// `/`: the list of digests.
pub const HOME: &str = "/";

/// `/d/<slug>/`: one digest with all its items.
pub fn digest(slug: &str) -> String {
    format!("/d/{}/", encode_segment(slug))
}

/// `/d/<slug>/<item id>/`: one news item, the link people share.
pub fn item(slug: &str, id: &str) -> String {
    format!("/d/{}/{}/", encode_segment(slug), encode_segment(id))
}

/// `/d/<slug>/?item=<item id>`: one news item, addressed inside its
/// digest's page (for sites too large for one HTML file per item).
pub fn item_in_digest(slug: &str, id: &str) -> String {
    format!("/d/{}/?item={}", encode_segment(slug), encode_segment(id))
}

/// `/tags/<tag>/`: the digests carrying a tag.
pub fn tag(name: &str) -> String {
    format!("/tags/{}/", encode_segment(name))
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so any
/// tag (CJK, spaces, `#`, `/`, `&`) survives as one path segment.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0x0f));
        }
    }
    out
}

fn hex_digit(n: u8) -> char {
    char::from(if n < 10 { b'0' + n } else { b'A' + n - 10 })
}

/// Decodes `%XX` escapes. Malformed escapes are kept as they are, and a
/// result that is not UTF-8 falls back to the input unchanged.
pub fn decode_segment(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_have_one_shape() {
        assert_eq!(digest("ai20240526"), "/d/ai20240526/");
        assert_eq!(item("ai20240526", "k3x9a2bq"), "/d/ai20240526/k3x9a2bq/");
        assert_eq!(tag("AI"), "/tags/AI/");
    }

    #[test]
    fn cjk_tags_are_percent_encoded_as_utf8() {
        assert_eq!(
            tag("人工智能"),
            "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"
        );
    }

    #[test]
    fn awkward_tags_round_trip() {
        for t in [
            "a b",
            "c#",
            "x/y",
            "R&D",
            "人工智能",
            "100%",
            "%E4",
            "",
            "~._-",
        ] {
            let enc = encode_segment(t);
            assert!(!enc.contains(['/', '#', '&', ' ', '?']), "{enc}");
            assert_eq!(decode_segment(&enc), t);
        }
    }

    #[test]
    fn malformed_escapes_are_kept() {
        assert_eq!(decode_segment("100%"), "100%");
        assert_eq!(decode_segment("%zz"), "%zz");
        assert_eq!(decode_segment("%E4"), "%E4");
    }
}
