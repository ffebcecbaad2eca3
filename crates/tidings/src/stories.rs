//! The same story across days. Daily digests repeat a story on
//! consecutive days under the same source link, give or take the scheme,
//! `www.`, a trailing slash or tracking parameters; such items are one
//! story, and each names the others (`Item::also_in`) so its page can say
//! "also in" with links to the other days.

use std::collections::HashMap;

use tidings_model::StoryRef;

use crate::digest::Parsed;

/// Other appearances listed per item, at most.
pub const MAX_ALSO_IN: usize = 10;

/// Query parameters that only track where a click came from.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "spm", "_hsenc",
    "_hsmi", "ref_src", "ref_url", "mkt_tok",
];

/// The key two links of one story share: host without `www.` and port
/// 80/443, in lower case; the path without a trailing slash; the query
/// without tracking parameters (`utm_*` and the like); no scheme, no
/// fragment. `None` for what is not an http(s) link.
pub fn story_key(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or(rest);
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(i) => (&before_query[..i], &before_query[i..]),
        None => (before_query, ""),
    };
    let host = authority.rsplit('@').next()?.to_ascii_lowercase();
    let host = host
        .strip_suffix(":80")
        .or_else(|| host.strip_suffix(":443"))
        .unwrap_or(&host);
    let host = host.strip_prefix("www.").unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    let path = path.trim_end_matches('/');
    let kept: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| {
            let name = p.split('=').next().unwrap_or("").to_ascii_lowercase();
            !p.is_empty() && !name.starts_with("utm_") && !TRACKING.contains(&name.as_str())
        })
        .collect();
    let mut key = format!("{host}{path}");
    if !kept.is_empty() {
        key.push('?');
        key.push_str(&kept.join("&"));
    }
    Some(key)
}

/// Sets `also_in` of every item: the other digests its story appears in.
/// `digests` are newest first, so each list is too.
pub fn link(digests: &mut [Parsed]) {
    // Digests linked before (kept between the builds of `--watch`) start
    // afresh.
    for item in digests.iter_mut().flat_map(|d| d.digest.items.iter_mut()) {
        item.also_in.clear();
    }
    let mut by_story: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (d, parsed) in digests.iter().enumerate() {
        for (i, item) in parsed.digest.items.iter().enumerate() {
            if let Some(key) = item.source.as_ref().and_then(|s| story_key(&s.url)) {
                by_story.entry(key).or_default().push((d, i));
            }
        }
    }
    let mut also: Vec<((usize, usize), Vec<StoryRef>)> = Vec::new();
    for places in by_story.values() {
        for &(d, i) in places {
            let others: Vec<StoryRef> = places
                .iter()
                .filter(|&&(od, _)| od != d)
                .take(MAX_ALSO_IN)
                .map(|&(od, oi)| {
                    let other = &digests[od].digest;
                    StoryRef {
                        slug: other.slug.clone(),
                        id: other.items[oi].id.clone(),
                        date: other.date.clone(),
                        title: other.title.clone(),
                    }
                })
                .collect();
            if !others.is_empty() {
                also.push(((d, i), others));
            }
        }
    }
    for ((d, i), others) in also {
        digests[d].digest.items[i].also_in = others;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_story_whatever_the_link_decoration() {
        let key = story_key("https://example.com/news/a");
        for same in [
            "http://www.example.com/news/a/",
            "https://EXAMPLE.com:443/news/a?utm_source=x&utm_medium=y",
            "https://example.com/news/a?fbclid=123#comments",
        ] {
            assert_eq!(story_key(same), key, "{same}");
        }
        assert_ne!(story_key("https://example.com/news/a?id=2"), key);
        assert_ne!(story_key("https://example.com/news/b"), key);
        assert_eq!(
            story_key("https://a.com/x?id=2&utm_campaign=z").as_deref(),
            Some("a.com/x?id=2")
        );
        assert_eq!(story_key("mailto:a@b.c"), None);
    }
}
