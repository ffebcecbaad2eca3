//! The native half of `make bench-search`: builds the search index of a
//! loaded site (timed, with the memory it adds), draws a query set from
//! the corpus, and for each query compares the index's answer with an
//! exact scan of every item's text. Prints JSON for the browser half,
//! which adds bytes, latency and the same figures for Pagefind.

use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tidings_model::search::is_cjk;
use tidings_model::search_index::{self, read_block, read_shard, Lookup, ShardEntries};

use std::path::Path;

use crate::error::{Error, Result};
use crate::load::Site;
use crate::synth::Rng;

/// One query's figures.
#[derive(Debug, Serialize)]
pub struct QueryReport {
    pub query: String,
    pub kind: &'static str,
    /// Items holding it verbatim (the exact scan).
    pub truth: usize,
    /// Items the index returned (every term in them).
    pub candidates: usize,
    /// Scanned items the index returned too.
    pub found: usize,
    /// Digests holding it verbatim in their items' text, by slug (the
    /// unit Pagefind finds).
    pub truth_digests: Vec<String>,
    /// Files a first page reads: shards and blocks, site-relative.
    pub first_files: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub digests: usize,
    pub items: usize,
    /// Building the index again here, in this process.
    pub index_seconds: f64,
    /// Peak resident memory before and after building it (kB).
    pub peak_kb_before: u64,
    pub peak_kb_after: u64,
    /// The built site's index.
    pub index_bytes: u64,
    pub index_files: usize,
    pub shards: u32,
    pub blocks: u32,
    pub queries: Vec<QueryReport>,
}

/// The process's peak resident memory so far, in kB (Linux; 0 elsewhere).
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// `count` queries drawn from the items' text with `seed`: 2–4 character
/// Chinese substrings, Latin words, and two-term queries (one of each).
fn queries(texts: &[String], count: usize, seed: u64) -> Vec<(String, &'static str)> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut tries = 0;
    while out.len() < count && tries < count * 100 {
        tries += 1;
        let text = &texts[rng.below(texts.len())];
        let chars: Vec<char> = text.chars().collect();
        let cjk = |rng: &mut Rng| -> Option<String> {
            let n = rng.between(2, 4);
            let at = rng.below(chars.len().saturating_sub(n).max(1));
            let s: Vec<char> = chars.get(at..at + n)?.to_vec();
            s.iter()
                .all(|&c| is_cjk(c))
                .then(|| s.into_iter().collect())
        };
        let word = |rng: &mut Rng| -> Option<String> {
            let words: Vec<&str> = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() >= 3 && w.chars().any(|c| c.is_ascii_alphabetic()))
                .collect();
            (!words.is_empty()).then(|| words[rng.below(words.len())].to_string())
        };
        let q = match out.len() % 3 {
            0 => cjk(&mut rng).map(|q| (q, "chinese")),
            1 => word(&mut rng).map(|q| (q, "word")),
            _ => cjk(&mut rng)
                .zip(word(&mut rng))
                .map(|(a, b)| (format!("{a} {b}"), "two terms")),
        };
        if let Some(q) = q {
            if !out.iter().any(|(x, _)| *x == q.0) {
                out.push(q);
            }
        }
    }
    out
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Runs the benchmark's native half over `site`, whose build is in `built`.
pub fn run(site: &Site, built: &Path, count: usize, seed: u64) -> Result<Report> {
    let manifest_path = built.join(tidings_model::layout::MANIFEST);
    let manifest: tidings_model::Manifest = serde_json::from_slice(&read(&manifest_path)?)
        .map_err(|e| Error::Serialize {
            path: manifest_path.display().to_string(),
            message: e.to_string(),
        })?;
    let stamp = manifest.stamp.as_str();
    let info = manifest.search.clone();
    let mut files = search_index::Files::default();
    for n in 0..info.shards {
        files.shards.push(read(
            &built.join(tidings_model::layout::search_shard(stamp, n)),
        )?);
    }
    for n in 0..info.blocks {
        files.blocks.push(read(
            &built.join(tidings_model::layout::search_block(stamp, n)),
        )?);
    }
    // The build's index phase again, on its own, for its time and memory.
    let peak_kb_before = peak_kb();
    let started = Instant::now();
    let rebuilt = crate::bundle::search_index(site, (info.shards + info.blocks) as usize)?;
    let index_seconds = started.elapsed().as_secs_f64();
    let peak_kb_after = peak_kb();
    drop(rebuilt);
    let shards: Vec<(u32, ShardEntries)> = (files.shards.iter().enumerate())
        .filter_map(|(n, b)| read_shard(b, &info).ok().map(|s| (n as u32, s)))
        .collect();

    let mut texts = Vec::new();
    for parsed in &site.digests {
        for item in &parsed.digest.items {
            texts.push(search_index::item_text(item));
        }
    }
    let digest_texts: Vec<search_index::Folded> = (site.digests.iter())
        .map(|p| {
            let text = (p.digest.items.iter())
                .map(search_index::item_text)
                .collect::<Vec<_>>()
                .join("\n");
            search_index::Folded::new(&text)
        })
        .collect();
    let folded: Vec<search_index::Folded> = texts
        .par_iter()
        .map(|t| search_index::Folded::new(t))
        .collect();
    let reports = queries(&texts, count, seed)
        .into_iter()
        .map(|(query, kind)| {
            let terms = tidings_model::search::query_terms(&query);
            let needles = search_index::Needles::new(&query);
            let truth: Vec<usize> = (0..texts.len())
                .into_par_iter()
                .filter(|&d| folded[d].holds(&needles))
                .collect();
            let truth_digests = (0..digest_texts.len())
                .into_par_iter()
                .filter(|&d| digest_texts[d].holds(&needles))
                .map(|d| site.digests[d].digest.slug.clone())
                .collect();
            // Every hit, and apart from that the files a first page reads.
            let mut files_read: Vec<String> = Lookup::shards_of(&terms, &info)
                .into_iter()
                .map(|n| tidings_model::layout::search_shard(stamp, n))
                .collect();
            let mut first = Lookup::new(&terms, &shards, &info);
            let mut all = first.clone();
            for (l, want, record) in [(&mut first, 200, true), (&mut all, usize::MAX, false)] {
                loop {
                    let missing = l.missing(want);
                    if missing.is_empty() {
                        break;
                    }
                    for f in missing {
                        let Some(block) = l.block_ref(f) else { break };
                        let Ok(postings) = read_block(&files.blocks[f as usize], block, &info)
                        else {
                            break;
                        };
                        if record {
                            files_read.push(tidings_model::layout::search_block(stamp, f));
                        }
                        l.add_block(f, postings);
                    }
                }
            }
            let hits: Vec<usize> = all.found().hits.iter().map(|h| h.doc as usize).collect();
            let found = truth
                .iter()
                .filter(|d| hits.binary_search(d).is_ok())
                .count();
            QueryReport {
                query,
                kind,
                truth: truth.len(),
                candidates: hits.len(),
                found,
                truth_digests,
                first_files: files_read,
            }
        })
        .collect();
    Ok(Report {
        digests: site.digests.len(),
        items: texts.len(),
        index_seconds,
        peak_kb_before,
        peak_kb_after,
        index_bytes: (files.shards.iter().chain(&files.blocks))
            .map(|f| f.len() as u64)
            .sum(),
        index_files: files.shards.len() + files.blocks.len(),
        shards: info.shards,
        blocks: info.blocks,
        queries: reports,
    })
}
