//! The same story across days. Daily digests repeat a story on
//! consecutive days under the same source link, give or take the scheme,
//! `www.`, a trailing slash or tracking parameters; such items are one
//! story, and each names the others (`Item::also_in`) so its page can say
//! "also in" with links to the other days.

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
    use rayon::prelude::*;
    // Digests linked before (kept between the builds of `--watch`) start
    // afresh.
    for item in digests.iter_mut().flat_map(|d| d.digest.items.iter_mut()) {
        item.also_in.clear();
    }
    // Each digest's items' story key hashes, once (the parse cache and
    // the watcher keep them). Its hash without links, which the keys of
    // its shard and pages start from (`Parsed::key`), is worked out only
    // where keys are kept: before the digest goes into the parse cache.
    // A build without a cache and without pages hashed every digest here
    // for nothing (0.9% of the instructions of such a build of 1,000
    // digests); one with pages hashes it in `Parsed::key` instead.
    digests.par_iter_mut().for_each(Parsed::hash_stories);
    // Every linked item by its story key's hash, sorted (~115,000 items
    // at 10,000 digests, nearly all their own story): only items that
    // share a hash have their keys compared.
    let hashed: Vec<(u64, u32, u32)> = digests
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, parsed)| {
            let hashes = parsed.story_hashes.iter().flatten();
            (hashes.enumerate()).filter_map(move |(i, hash)| Some(((*hash)?, d as u32, i as u32)))
        })
        .collect();
    let key_of = |d: usize, i: usize| {
        let item = digests.get(d)?.digest.items.get(i)?;
        story_key(&item.source.as_ref()?.url)
    };
    let mut also: Vec<((usize, usize), Vec<StoryRef>)> = Vec::new();
    for places in shared_stories(hashed, key_of) {
        for &(d, i) in &places {
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

/// The stories of more than one item, each as its items' places
/// (digest, item) in order, from every linked item's place with the hash
/// of its story key (`key_of` gives the key again): items that share a
/// hash are grouped by their keys.
fn shared_stories(
    mut hashed: Vec<(u64, u32, u32)>,
    key_of: impl Fn(usize, usize) -> Option<String>,
) -> Vec<Vec<(usize, usize)>> {
    use rayon::prelude::*;
    hashed.par_sort_unstable();
    let mut out = Vec::new();
    for run in hashed.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        let mut stories: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
        for &(_, d, i) in run {
            let (d, i) = (d as usize, i as usize);
            let Some(key) = key_of(d, i) else { continue };
            match stories.iter_mut().find(|(k, _)| *k == key) {
                Some((_, places)) => places.push((d, i)),
                None => stories.push((key, vec![(d, i)])),
            }
        }
        out.extend((stories.into_iter()).filter_map(|(_, p)| (p.len() > 1).then_some(p)));
    }
    out
}

/// Each item's story key hashed (`None` for an item whose source is not
/// an http(s) link): [`Parsed::story_hashes`].
pub(crate) fn story_hashes(digest: &tidings_model::Digest) -> Vec<Option<u64>> {
    let hash = |item: &tidings_model::Item| {
        story_key(&item.source.as_ref()?.url).map(|key| key_hash(&key))
    };
    digest.items.iter().map(hash).collect()
}

/// A 64-bit hash of a story key (equal keys, equal hashes).
fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
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

    #[test]
    fn items_that_share_a_hash_are_grouped_by_their_keys() {
        // Places (digest, item) with their keys; every hash the same, so
        // the keys alone tell the stories apart.
        let keys = [
            (0, 0, "a"),
            (0, 1, "b"),
            (1, 0, "a"),
            (2, 0, "c"),
            (2, 1, "b"),
            (3, 0, "a"),
        ];
        let key_of = |d: usize, i: usize| {
            (keys.iter())
                .find(|k| (k.0, k.1) == (d, i))
                .map(|k| k.2.to_string())
        };
        let all_one_hash = keys
            .iter()
            .rev()
            .map(|k| (7, k.0 as u32, k.1 as u32))
            .collect();
        let mut got = shared_stories(all_one_hash, key_of);
        got.sort();
        assert_eq!(
            got,
            vec![vec![(0, 0), (1, 0), (3, 0)], vec![(0, 1), (2, 1)]]
        );
        // With real hashes: the same stories.
        let hashed = keys
            .iter()
            .map(|k| (key_hash(k.2), k.0 as u32, k.1 as u32))
            .collect();
        let mut real = shared_stories(hashed, key_of);
        real.sort();
        assert_eq!(real, got);
    }
}
