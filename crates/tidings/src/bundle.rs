//! A [`Site`] to the bundle's data files: digests grouped into shards, list
//! pages, the filter index, the stamp and the manifest; and the [`Plan`]
//! that decides how many of each there are and whether items get their own
//! pages. Paths come from `tidings_model::layout`; this module only decides
//! what goes in each file. Writes nothing to disk.

use std::collections::BTreeMap;

use tidings_model::facet::{Facet, PerFacet};
use tidings_model::layout::{self, stamped};
use tidings_model::query::{self, build_index, Row, PER_SCREEN};
use tidings_model::search_index;
use tidings_model::url::Route;
use tidings_model::{DigestSummary, Index, ListPage, Manifest, Shard, TermCount, SCHEMA_VERSION};

use crate::cache::{CheckedFile, FileKeys, IndexCache};
use crate::digest::Parsed;
use crate::error::{Error, Result};
use crate::load::Site;

/// Whether each item gets its own HTML page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ItemPages {
    /// One page per item while the site stays within [`FILE_BUDGET`] files.
    #[default]
    Auto,
    Always,
    Never,
}

/// Files a site may have before per-item pages are left out: popular static
/// hosts cap a deploy near 20,000 files.
pub const FILE_BUDGET: usize = 19_000;

/// Entries per list page.
pub const PAGE_SIZE: usize = 100;

/// Digests per shard, on average, at most (see [`shard_count`]).
pub const DIGESTS_PER_SHARD: usize = 3;

/// Shards of `n` digests: one per [`DIGESTS_PER_SHARD`], rounded up past
/// 64 shards to one of 16 steps per doubling. A digest's shard is its
/// slug's hash modulo the count, so a new count moves nearly every digest
/// to another shard: every shard made again (~1 s more at 10,000 digests)
/// and fetched again. Rounded, a new digest changes the count once every
/// 3 x step digests (384 at 10,000), for at most 1/16 more shard files.
pub fn shard_count(n: usize) -> u32 {
    let needed = n.div_ceil(DIGESTS_PER_SHARD).max(1);
    let step = if needed <= 64 {
        1
    } else {
        1 << (needed.ilog2() - 4)
    };
    u32::try_from(needed.div_ceil(step) * step).unwrap_or(u32::MAX)
}

/// How to lay out the bundle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BundleOptions {
    pub item_pages: ItemPages,
    /// Files of the app beside the shell (script, wasm, CSS, icon),
    /// counted against [`FILE_BUDGET`].
    pub app_files: usize,
    /// Whether route pages are written (a shell was given).
    pub pages: bool,
    /// Files at the site root besides pages (feeds, sitemap, robots.txt,
    /// `_headers`).
    pub site_files: usize,
    /// Whether tags may get their own feeds (the site has a base URL).
    pub tag_feeds: bool,
    /// Leave the full-text index out (the app then searches titles,
    /// summaries and tags only).
    pub no_search: bool,
    /// Pages reload themselves when the site is rebuilt (`make serve`).
    pub reload: bool,
}

impl BundleOptions {
    /// These options for a site with `info`, with route pages or not.
    pub fn for_site(self, info: &tidings_model::site::SiteInfo, pages: bool) -> BundleOptions {
        BundleOptions {
            pages,
            site_files: if pages {
                crate::feeds::count(info, 0) + crate::offline::COUNT
            } else {
                0
            },
            tag_feeds: info.base_url.is_some(),
            ..self
        }
    }
}

/// How many files of each kind a build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub shard_count: u32,
    pub page_count: u32,
    /// Whether items get their own HTML pages.
    pub item_pages: bool,
    /// Whether each servable tag gets its own feed.
    pub tag_feeds: bool,
    /// Every file of the site: data, media, route pages and the app's
    /// (the search index's files are added once it is built).
    pub files: usize,
    /// Files the search index may use: what the budget leaves.
    pub search_room: usize,
}

/// The tags of the site with their number of digests, most used first.
fn tag_counts(site: &Site) -> Vec<TermCount> {
    term_counts(site.digests.iter().flat_map(|d| d.digest.tags.iter()))
}

/// The tags that can have their own feed (a servable folder name).
pub fn feed_tags(tags: &[TermCount]) -> Vec<String> {
    tags.iter()
        .filter(|t| Route::Tag(t.name.clone()).page_file().is_some())
        .map(|t| t.name.clone())
        .collect()
}

/// Decides the layout of `site`: shard and page counts, and (with
/// `auto`) per-item pages while every file of the site fits the budget.
pub fn plan(site: &Site, options: &BundleOptions) -> Plan {
    let n = site.digests.len();
    let shard_count = shard_count(n);
    let page_count = u32::try_from(n.div_ceil(PAGE_SIZE).max(1)).unwrap_or(u32::MAX);
    // Shards, list pages, the index and the manifest.
    let data = shard_count as usize + page_count as usize + 2;
    let media: usize = site.digests.iter().map(|d| d.media.len()).sum();
    let tags = tag_counts(site);
    let pages = crate::pages::count(site, &tags);
    let fixed = data + media + options.app_files + options.site_files + pages.routes;
    let with_items = fixed + pages.items;
    let item_pages = match options.item_pages {
        ItemPages::Always => true,
        ItemPages::Never => false,
        ItemPages::Auto => with_items <= FILE_BUDGET,
    };
    let files = if item_pages { with_items } else { fixed };
    let tag_feed_count = feed_tags(&tags).len();
    let tag_feeds = options.pages && options.tag_feeds && files + tag_feed_count <= FILE_BUDGET;
    let files = files + if tag_feeds { tag_feed_count } else { 0 };
    Plan {
        shard_count,
        page_count,
        item_pages,
        tag_feeds,
        files,
        // At least a shard and a block, over budget or not.
        search_room: FILE_BUDGET.saturating_sub(files).max(2),
    }
}

/// The serialized bundle: the manifest and every data file.
pub struct Bundle {
    pub manifest: Manifest,
    pub plan: Plan,
    /// (path under the site root, JSON text)
    pub files: Vec<(String, String)>,
    /// Shards the previous build made from the same digests, left
    /// unserialized: (path under the site root, the shard).
    pub kept: Vec<(String, KeptShard)>,
    /// The search index's files: (path under the site root, bytes).
    pub search: Vec<(String, Vec<u8>)>,
    /// Time spent building the search index.
    pub index_time: std::time::Duration,
    /// Terms of the search index encoded again, when the changes since
    /// the last build were spliced into its index (`None`: every term).
    pub index_fresh_terms: Option<usize>,
    /// The index to keep in the cache folder, if it is to be kept there.
    pub keep_index: Option<KeepIndex>,
}

/// The full-text index of every item, numbered in list order, in at most
/// `max_files` files. With a cache folder, the terms of each run of
/// digests ([`segments`]) are kept there and taken again while the run's
/// items are the same, so a rebuild counts the terms of the changed runs
/// only; and the last index is kept too (in the watcher's memory,
/// [`IndexMemo`], or else in the cache folder), so only the terms of the
/// changed runs are encoded again.
pub fn search_index(site: &Site, max_files: usize) -> Result<search_index::Files> {
    let (files, _, keep) = indexed(site, max_files)?;
    keep.map_or(Ok(()), KeepIndex::write)?;
    Ok(files)
}

/// The last index a build made, for the cache folder: written by the
/// caller (a build writes it while its files are staged, rather than
/// with the index's last step while the other core waits).
pub struct KeepIndex {
    cache: IndexCache,
    last: LastIndex,
}

impl KeepIndex {
    /// Writes the index over the last one in the cache folder, piece by
    /// piece (`IndexCache::keep_last`).
    pub fn write(self) -> Result<()> {
        let last = &self.last;
        (self.cache).keep_last(last.written_len(), |file| last.write_to(file))
    }
}

/// [`search_index`], and how many terms were encoded again when the
/// changes were spliced into the last index (`None`: every term was).
fn indexed(
    site: &Site,
    max_files: usize,
) -> Result<(search_index::Files, Option<usize>, Option<KeepIndex>)> {
    use rayon::prelude::*;
    let parts = || -> Vec<search_index::Builder> {
        (0..search_index::PARTS)
            .map(|_| Default::default())
            .collect()
    };
    let internal = |message: String| Error::Serialize {
        path: "the search index".into(),
        message,
    };
    // The terms of each part are collected, and later encoded, on their
    // own thread. Numbering stays in list order.
    let mut builders = parts();
    let Some(cache) = site.cache.as_deref().map(IndexCache::open).transpose()? else {
        // A chunk of digests at a time, so their terms never all sit in
        // memory. Each chunk brings every part's tables back into the
        // cache (at 10,000 digests, ~2,000 terms and ~1 MB of postings a
        // part, 64 parts): chunks of 1,024 digests rather than 256 took
        // the index from 1.38-1.51 s to 1.09-1.42 s (four builds each,
        // alternating), the peak memory the same.
        for chunk in site.digests.chunks(1024) {
            push_all(&mut builders, &doc_terms(chunk)?);
        }
        let Some(weights) = builders.first().map(search_index::Builder::weights) else {
            return Ok((search_index::Files::default(), None, None));
        };
        let docs = builders[0].docs();
        let encoded: Vec<search_index::Encoded> = builders
            .into_par_iter()
            .map(|b| b.encode(&weights))
            .collect();
        return Ok((assemble(&encoded, docs, max_files), None, None));
    };
    // Each run's key, worked out on every core. The index is the last
    // one with the runs that changed spliced in (their segments alone
    // read), else made from every run's segment.
    let runs = segments(&site.digests);
    let keys = || -> Vec<(String, u32)> {
        runs.par_iter()
            .map(|run| {
                let digests = &site.digests[run.clone()];
                let items = digests.iter().flat_map(|d| d.digest.items.iter());
                let unlinked: Option<Vec<u64>> = digests.iter().map(|d| d.unlinked).collect();
                let key = match unlinked {
                    Some(hashes) => cache.key_of_digests(hashes.into_iter()),
                    None => cache.key(items.clone().flat_map(search_index::field_inputs)),
                };
                (key, items.count() as u32)
            })
            .collect()
    };
    // The watcher's last index, or the last build's from the cache folder
    // (read while the keys are worked out).
    let (runs_now, last) = match site.index_memo.as_deref().and_then(IndexMemo::take) {
        Some(last) => (keys(), Some(last)),
        None => rayon::join(keys, || cache.last().and_then(LastIndex::from_bytes)),
    };
    let fresh = |run: &std::ops::Range<usize>, key: &str| -> Result<Vec<u8>> {
        let mut of_run = parts();
        push_all(&mut of_run, &doc_terms(&site.digests[run.clone()])?);
        let bytes = search_index::segment(&of_run);
        cache.put(key, &bytes)?;
        Ok(bytes)
    };
    let spliced = match last {
        Some(last) => last.spliced(&runs, runs_now.clone(), &cache, &fresh)?,
        None => None,
    };
    let last = match spliced {
        Some(last) => last,
        None => {
            // Every run's segment: kept (read on every core, ~79 MB at
            // 10,000 digests) or counted now; a kept one that does not
            // read (its check passed all the same) is counted again.
            let kept: Vec<Option<Vec<u8>>> =
                runs_now.par_iter().map(|(key, _)| cache.get(key)).collect();
            for ((run, (key, _)), kept) in runs.iter().zip(&runs_now).zip(kept) {
                let counted;
                let segment = match kept.as_deref().map(search_index::Segment::read) {
                    Some(Ok(segment)) => segment,
                    _ => {
                        counted = fresh(run, key)?;
                        search_index::Segment::read(&counted).map_err(internal)?
                    }
                };
                (builders.par_iter_mut().enumerate())
                    .try_for_each(|(p, b)| b.append(&segment, p))
                    .map_err(internal)?;
            }
            let weights = search_index::Weights::of(builders[0].lens());
            let lens = builders[0].lens().to_vec();
            let parts = builders
                .into_par_iter()
                .map(|b| b.encode(&weights))
                .collect();
            LastIndex {
                runs: runs_now,
                lens,
                weights,
                parts,
                fresh_terms: None,
            }
        }
    };
    let files = assemble(&last.parts, last.lens.len() as u32, max_files);
    let fresh_terms = last.fresh_terms;
    cache.prune()?;
    // Kept for the next build: in the watcher's memory, or in the cache
    // folder by the caller.
    let keep = match &site.index_memo {
        Some(memo) => {
            memo.put(last);
            None
        }
        None => Some(KeepIndex { cache, last }),
    };
    Ok((files, fresh_terms, keep))
}

/// `search_index::Files::assemble`, each part's blocks cut and the shard
/// files written on every core (written on one, the shards were ~5% of a
/// watched rebuild's samples at 10,000 digests, all on its critical path).
fn assemble(parts: &[search_index::Encoded], docs: u32, max_files: usize) -> search_index::Files {
    use rayon::prelude::*;
    let block_bytes = search_index::Files::block_bytes(parts, max_files);
    let cut = (parts.par_iter())
        .map(|p| search_index::Files::cut(p, block_bytes))
        .collect();
    search_index::Files::join_with(cut, docs, max_files, |shards| {
        (shards.into_par_iter())
            .map(search_index::ShardGroup::file)
            .collect()
    })
}

/// What `build --watch` keeps of the last search index it built, so that
/// after an edit the next build reads the segments of the runs of digests
/// that changed only, and encodes again only their terms
/// (`search_index::Encoded::splice`): at 10,000 digests, about 0.6 s of
/// each rebuild after a save went to reading every run's segment and
/// encoding ~20 million postings again.
#[derive(Default)]
pub struct IndexMemo(std::sync::Mutex<Option<LastIndex>>);

impl std::fmt::Debug for IndexMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexMemo")
            .field("holds", &self.holds())
            .finish()
    }
}

impl IndexMemo {
    fn take(&self) -> Option<LastIndex> {
        crate::lock(&self.0).take()
    }

    fn put(&self, last: LastIndex) {
        *crate::lock(&self.0) = Some(last);
    }

    /// Whether a last index is kept.
    pub fn holds(&self) -> bool {
        crate::lock(&self.0).is_some()
    }

    /// How many terms the last index encoded again, when it was made
    /// from the one before (none when it encoded every term).
    pub fn fresh_terms(&self) -> Option<usize> {
        crate::lock(&self.0).as_ref().and_then(|l| l.fresh_terms)
    }
}

/// The runs of the last index (key and number of items), each document's
/// weighted length, their weights and each part's encoded terms.
pub struct LastIndex {
    runs: Vec<(String, u32)>,
    lens: Vec<u32>,
    weights: search_index::Weights,
    parts: Vec<search_index::Encoded>,
    fresh_terms: Option<usize>,
}

/// The form of [`LastIndex::write_to`] (the cache file also names the
/// version of tidings that wrote it).
const LAST_FORM: &[u8] = b"tidings last index 1\n";

/// Reads [`LastIndex::write_to`]'s numbers (little-endian `u32`s) and
/// runs of bytes; `None` past the end.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

impl LastIndex {
    /// The length of the index as kept in the cache folder
    /// ([`LastIndex::write_to`]).
    fn written_len(&self) -> usize {
        LAST_FORM.len()
            + 4
            + (self.runs.iter())
                .map(|(key, _)| 8 + key.len())
                .sum::<usize>()
            + 4
            + 4 * self.lens.len()
            + 4
            + self.parts.iter().map(|p| p.written_len()).sum::<usize>()
    }

    /// The index as kept in the cache folder for the next build: its
    /// runs (key, items), each document's length and each part's terms.
    fn write_to(&self, file: &mut CheckedFile) -> Result<()> {
        let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
        file.put(|out| {
            out.extend_from_slice(LAST_FORM);
            out.extend_from_slice(&len(self.runs.len()));
            for (key, items) in &self.runs {
                out.extend_from_slice(&len(key.len()));
                out.extend_from_slice(key.as_bytes());
                out.extend_from_slice(&items.to_le_bytes());
            }
            out.extend_from_slice(&len(self.lens.len()));
            for l in &self.lens {
                out.extend_from_slice(&l.to_le_bytes());
            }
            out.extend_from_slice(&len(self.parts.len()));
        })?;
        for part in &self.parts {
            file.put(|out| part.write(out))?;
        }
        Ok(())
    }

    /// [`LastIndex::write_to`] read back; `None` for bytes it did not
    /// write (the index is then made from every run's segment).
    /// The terms keep `bytes` and point into them
    /// ([`search_index::Encoded::read_shared`]).
    fn from_bytes(bytes: Vec<u8>) -> Option<LastIndex> {
        let bytes = std::sync::Arc::new(bytes);
        let mut b = Bytes(bytes.strip_prefix(LAST_FORM)?);
        let runs = (0..b.u32()?)
            .map(|_| {
                let n = b.u32()? as usize;
                let key = std::str::from_utf8(b.take(n)?).ok()?.to_string();
                Some((key, b.u32()?))
            })
            .collect::<Option<Vec<_>>>()?;
        let lens = (0..b.u32()?).map(|_| b.u32()).collect::<Option<Vec<_>>>()?;
        let mut parts = Vec::new();
        let count = b.u32()?;
        let at = bytes.len() - b.0.len();
        let end = (0..count).try_fold(at, |at, _| {
            let (part, end) = search_index::Encoded::read_shared(&bytes, at).ok()?;
            parts.push(part);
            Some(end)
        })?;
        (end == bytes.len()).then(|| LastIndex {
            weights: search_index::Weights::of(&lens),
            runs,
            lens,
            parts,
            fresh_terms: None,
        })
    }
}

/// Counts the terms of a run of digests (by their place) into a new
/// segment, kept under the run's key.
type CountRun<'a> = dyn Fn(&std::ops::Range<usize>, &str) -> Result<Vec<u8>> + 'a;

/// Runs changed at once (before or after) beyond which every run is
/// read and every term encoded again.
const MAX_CHANGED_RUNS: usize = 4;

impl LastIndex {
    /// This index with what changed since spliced in (`runs` now: key and
    /// number of items; `ranges`, their digests): the runs between the
    /// first and the last whose key changed, their documents numbered from
    /// the same first one, and the documents after them anew. None when
    /// more than [`MAX_CHANGED_RUNS`] runs changed (before or after),
    /// their segments as they were are no longer kept, or the average
    /// length moved.
    fn spliced(
        self,
        ranges: &[std::ops::Range<usize>],
        runs: Vec<(String, u32)>,
        cache: &IndexCache,
        fresh: &CountRun,
    ) -> Result<Option<LastIndex>> {
        use rayon::prelude::*;
        if self.parts.len() != search_index::PARTS {
            return Ok(None);
        }
        // The runs the same at the start and at the end.
        let same = |a: &(String, u32), b: &(String, u32)| a == b;
        let prefix = (self.runs.iter().zip(&runs))
            .take_while(|(a, b)| same(a, b))
            .count();
        let room = self.runs.len().min(runs.len()) - prefix;
        let suffix = (self.runs.iter().rev().zip(runs.iter().rev()))
            .take(room)
            .take_while(|(a, b)| same(a, b))
            .count();
        let (old, new) = (
            prefix..self.runs.len() - suffix,
            prefix..runs.len() - suffix,
        );
        if old.len() > MAX_CHANGED_RUNS || new.len() > MAX_CHANGED_RUNS {
            return Ok(None);
        }
        let mut before = Vec::with_capacity(old.len());
        for (key, _) in &self.runs[old.clone()] {
            let Some(bytes) = cache.peek(key) else {
                return Ok(None);
            };
            before.push(bytes);
        }
        let mut after = Vec::with_capacity(new.len());
        for n in new.clone() {
            after.push(match cache.get(&runs[n].0) {
                Some(kept) => kept,
                None => fresh(&ranges[n], &runs[n].0)?,
            });
        }
        fn read(b: &[Vec<u8>]) -> Option<Vec<search_index::Segment<'_>>> {
            b.iter()
                .map(|b| search_index::Segment::read(b).ok())
                .collect()
        }
        let (Some(before), Some(after)) = (read(&before), read(&after)) else {
            return Ok(None);
        };
        let docs = |runs: &[(String, u32)]| runs.iter().map(|r| r.1 as usize).sum::<usize>();
        let segment_docs =
            |s: &[search_index::Segment]| s.iter().map(|s| s.docs() as usize).sum::<usize>();
        let first = docs(&self.runs[..prefix]);
        let old_docs = docs(&self.runs[old.clone()]);
        let consistent = docs(&self.runs) == self.lens.len()
            && segment_docs(&before) == old_docs
            && segment_docs(&after) == docs(&runs[new.clone()]);
        if !consistent {
            return Ok(None);
        }
        let mut lens = Vec::with_capacity(docs(&runs));
        lens.extend_from_slice(&self.lens[..first]);
        for segment in &after {
            lens.extend_from_slice(segment.lens());
        }
        lens.extend_from_slice(&self.lens[first + old_docs..]);
        let weights = search_index::Weights::of(&lens);
        if !weights.same_average(&self.weights) {
            return Ok(None);
        }
        for (key, _) in &runs {
            cache.used(key);
        }
        let change = search_index::Change {
            first: first as u32,
            before: before.iter().collect(),
            after: after.iter().collect(),
        };
        let spliced: Vec<(search_index::Encoded, usize)> = (self.parts.into_par_iter().enumerate())
            .map(|(p, e)| e.splice(p, &change, &weights))
            .collect::<std::result::Result<_, _>>()
            .map_err(|message| Error::Serialize {
                path: "the search index".into(),
                message,
            })?;
        let fresh_terms = spliced.iter().map(|s| s.1).sum();
        Ok(Some(LastIndex {
            runs,
            lens,
            weights,
            parts: spliced.into_iter().map(|s| s.0).collect(),
            fresh_terms: Some(fresh_terms),
        }))
    }
}

/// Adds `batches` to the builders of the parts, each part on its own thread.
fn push_all(builders: &mut [search_index::Builder], batches: &[search_index::Batch]) {
    use rayon::prelude::*;
    builders.par_iter_mut().enumerate().for_each(|(p, b)| {
        for batch in batches {
            b.push_batch(batch, p);
        }
    });
}

/// The terms of every item of `digests`, in order, a batch per digest,
/// worked out on every core.
fn doc_terms(digests: &[Parsed]) -> Result<Vec<search_index::Batch>> {
    use rayon::prelude::*;
    digests
        .par_iter()
        .map_init(search_index::TermCounter::default, |counter, parsed| {
            let parsed = parsed.full()?;
            Ok(search_index::Batch::of(
                (parsed.digest.items.iter())
                    .map(|item| counter.count(&search_index::fields(item)))
                    .collect(),
            ))
        })
        .collect()
}

/// Digests per search index segment, on average: a segment ends after a
/// digest whose slug hashes to a multiple of this, so adding or removing
/// a digest changes its own segment only (or at four times as many, so
/// none grows without bound). A rebuild counts the terms of the changed
/// digests' segments again: at 10,000 digests, one-edit rebuilds took
/// ~0.05 s less wall time and ~0.07 s less CPU from 128 to 64 and again
/// from 64 to 32 (sixteen each, alternating), for a segment cache of
/// 116, 124 and 134 MB; 16 was slower than 32.
const SEGMENT_DIGESTS: usize = 32;

/// The runs of `digests` whose terms are kept together.
fn segments(digests: &[Parsed]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, parsed) in digests.iter().enumerate() {
        let end = at + 1;
        let cut = tidings_model::fnv1a(parsed.digest.slug.as_bytes())
            .is_multiple_of(SEGMENT_DIGESTS as u64);
        if cut || end - start >= 4 * SEGMENT_DIGESTS {
            out.push(start..end);
            start = end;
        }
    }
    if start < digests.len() {
        out.push(start..digests.len());
    }
    out
}

/// A digest's row of the filter index: its date, item count and the terms
/// of every facet.
fn row(parsed: &Parsed) -> Row {
    let d = &parsed.digest;
    let item_terms = |term: fn(&tidings_model::Item) -> Option<&str>| {
        let mut v: Vec<String> = d
            .items
            .iter()
            .filter_map(term)
            .map(str::to_string)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let terms = PerFacet::from_fn(|f| match f {
        Facet::Tag => d.tags.clone(),
        Facet::Category => d.categories.clone(),
        Facet::Domain => item_terms(|i| i.source.as_ref().map(|s| s.domain.as_str())),
        Facet::Section => item_terms(|i| i.section.as_deref()),
    });
    Row {
        date: parsed.date,
        items: u32::try_from(d.items.len()).unwrap_or(u32::MAX),
        terms,
    }
}

/// The filter index of `site` (`index.json`), which the pages of the
/// tags are written from too: made once for both.
pub fn filter_index(site: &Site) -> Index {
    use rayon::prelude::*;
    let rows: Vec<Row> = site.digests.par_iter().map(row).collect();
    build_index(&rows)
}

/// The manifest as far as it is known before the data files are made:
/// all but the stamp and the search index's counts, which no route page
/// names, so pages can be written from it while the data is made. Its
/// facet totals and months are counted from `index`, as the app counts
/// them once it has loaded the index.
pub fn manifest_outline(site: &Site, plan: &Plan, index: &Index) -> Manifest {
    let (mut totals, months) = query::totals(index);
    let mut manifest = Manifest {
        schema: SCHEMA_VERSION,
        stamp: String::new(),
        digest_count: u32::try_from(site.digests.len()).unwrap_or(u32::MAX),
        item_count: site
            .digests
            .iter()
            .map(|d| d.digest.items.len() as u64)
            .sum(),
        page_size: PAGE_SIZE as u32,
        page_count: plan.page_count,
        shard_count: plan.shard_count,
        item_pages: plan.item_pages,
        tags: Vec::new(),
        categories: Vec::new(),
        domains: Vec::new(),
        sections: Vec::new(),
        months,
        facet_terms: Vec::new(),
        search: Default::default(),
    };
    for f in Facet::ALL {
        manifest.set_totals(f, std::mem::take(&mut totals[f]));
    }
    manifest
}

/// A shard of the previous build whose digests are the same: its number,
/// where it is in the output and its size.
pub struct KeptShard {
    pub number: u32,
    pub from: std::path::PathBuf,
    pub size: u64,
}

/// A data file inside the stamp folder: made, or a shard kept.
/// Each with the hash of its bytes (for the stamp) once worked out.
enum Content {
    Made(String, Option<u64>),
    Kept(KeptShard, u64),
}

/// Serializes `site` into the bundle layout.
pub fn bundle(site: &Site, options: &BundleOptions) -> Result<Bundle> {
    let plan = plan(site, options);
    let index = filter_index(site);
    let outline = manifest_outline(site, &plan, &index);
    let mut bundle = bundle_planned(site, options, plan, outline, &index, None)?;
    bundle.keep_index.take().map_or(Ok(()), KeepIndex::write)?;
    Ok(bundle)
}

/// Serializes `site` into the bundle layout of `plan`, completing the
/// manifest's `outline`. With `keys` (the previous build's), a shard
/// whose digests are those the previous build wrote is not serialized
/// again but kept ([`Bundle::kept`]); the stamp is the same either way.
pub fn bundle_planned(
    site: &Site,
    options: &BundleOptions,
    mut plan: Plan,
    outline: Manifest,
    index: &Index,
    keys: Option<&FileKeys>,
) -> Result<Bundle> {
    // The search index and the other data files are worked out side by
    // side: the index's serial steps leave a core free.
    let (index, body) = rayon::join(
        || -> Result<_> {
            let started = std::time::Instant::now();
            let (index, fresh, keep) = if options.no_search {
                (search_index::Files::default(), None, None)
            } else {
                indexed(site, plan.search_room)?
            };
            Ok((index, started.elapsed(), fresh, keep))
        },
        || data_files(site, &plan, index, keys),
    );
    let ((index, index_time, index_fresh_terms, keep_index), body) = (index?, body?);
    plan.files += index.shards.len() + index.blocks.len();
    let search: Vec<(String, Vec<u8>)> = (index.shards.into_iter().enumerate())
        .map(|(n, bytes)| (stamped::search_shard(n as u32), bytes))
        .chain(
            (index.blocks.into_iter().enumerate())
                .map(|(n, bytes)| (stamped::search_block(n as u32), bytes)),
        )
        .collect();
    let stamp = stamp(&body, &search);
    let manifest = Manifest {
        stamp: stamp.clone(),
        search: index.info,
        ..outline
    };
    let mut files: Vec<(String, String)> = Vec::with_capacity(body.len() + 1);
    let mut kept = Vec::new();
    for (rel, content) in body {
        let path = layout::under_stamp(&stamp, &rel);
        match content {
            Content::Made(json, _) => files.push((path, json)),
            Content::Kept(shard, _) => kept.push((path, shard)),
        }
    }
    // The file carries each facet's shown terms; the pages and feeds
    // written from `manifest` take them all.
    files.push((
        layout::MANIFEST.to_string(),
        to_json(layout::MANIFEST, &manifest.bounded())?,
    ));
    let search = search
        .into_iter()
        .map(|(rel, bytes)| (layout::under_stamp(&stamp, &rel), bytes))
        .collect();
    Ok(Bundle {
        manifest,
        plan,
        files,
        kept,
        search,
        index_time,
        index_fresh_terms,
        keep_index,
    })
}

/// The JSON data files inside the stamp folder: shards (serialized on
/// every core), list pages and the filter index, with their paths. With
/// `keys`, a shard the previous build made from the same digests is kept
/// rather than serialized, and every shard's key is recorded.
fn data_files(
    site: &Site,
    plan: &Plan,
    index: &Index,
    keys: Option<&FileKeys>,
) -> Result<Vec<(String, Content)>> {
    use rayon::prelude::*;
    let members = shard_members(site, plan.shard_count);
    let mut body: Vec<(String, Content)> = (members.par_iter().enumerate())
        .map(|(n, members)| {
            let path = stamped::shard(n as u32);
            let Some(keys) = keys else {
                return shard_of(&path, members).map(|json| (path, Content::Made(json, None)));
            };
            // The shard's key: its digests' (`Parsed::key`), in order.
            let key = {
                use std::hash::Hasher;
                let mut h = crate::cache::Fingerprint::default();
                for parsed in members {
                    h.word(parsed.key());
                }
                h.word(u64::from(SCHEMA_VERSION));
                h.finish()
            };
            if let Some((from, hash, size)) = keys.unchanged(&path, key) {
                keys.made(&path, key, hash);
                let number = n as u32;
                let shard = KeptShard { number, from, size };
                return Ok((path, Content::Kept(shard, hash)));
            }
            let json = shard_of(&path, members)?;
            let hash = words_hash(json.as_bytes());
            keys.made(&path, key, hash);
            Ok((path, Content::Made(json, Some(hash))))
        })
        .collect::<Result<_>>()?;
    // The list pages beside the filter index (each was ~50 ms on one
    // core at 10,000 digests, the other core idle).
    let (lists, index) = rayon::join(
        || -> Result<Vec<(String, Content)>> {
            let pages = list_pages(site);
            // The first screen alone, for the first view: list page 0
            // holds five screens (at 10,000 digests 13.9 kB of brotli,
            // the screen 3.6 kB).
            let first = pages.first().map(|page| ListPage {
                schema: SCHEMA_VERSION,
                first_row: 0,
                entries: page.entries.iter().take(PER_SCREEN).cloned().collect(),
            });
            let mut out = Vec::with_capacity(pages.len() + 1);
            if let Some(first) = first {
                let path = stamped::FIRST_SCREEN.to_string();
                let json = to_json(&path, &first)?;
                out.push((path, Content::Made(json, None)));
            }
            for (n, page) in pages.into_iter().enumerate() {
                let path = stamped::list_page(n as u32);
                let json = to_json(&path, &page)?;
                out.push((path, Content::Made(json, None)));
            }
            Ok(out)
        },
        || to_json(stamped::INDEX, index),
    );
    body.extend(lists?);
    body.push((stamped::INDEX.to_string(), Content::Made(index?, None)));
    Ok(body)
}

/// The JSON of shard `number` of `count` (a kept shard made after all).
pub fn shard_json(site: &Site, count: u32, number: u32) -> Result<String> {
    let path = stamped::shard(number);
    let members = shard_members(site, count);
    let members = members
        .get(number as usize)
        .ok_or_else(|| Error::Serialize {
            path: path.clone(),
            message: format!("no shard {number} of {count}"),
        })?;
    shard_of(&path, members)
}

/// The digests grouped by the hash of their slug.
fn shard_members(site: &Site, count: u32) -> Vec<Vec<&Parsed>> {
    let mut shards: Vec<Vec<&Parsed>> = vec![Vec::new(); count as usize];
    for parsed in &site.digests {
        let n = tidings_model::shard_of(&parsed.digest.slug, count) as usize;
        if let Some(shard) = shards.get_mut(n) {
            shard.push(parsed);
        }
    }
    shards
}

/// The JSON of the shard of `members`, at `path`, each digest whole.
fn shard_of(path: &str, members: &[&Parsed]) -> Result<String> {
    let full: Vec<std::borrow::Cow<Parsed>> =
        members.iter().map(|p| p.full()).collect::<Result<_>>()?;
    let shard = Shard {
        schema: SCHEMA_VERSION,
        digests: full.iter().map(|p| &p.digest).collect(),
    };
    to_json(path, &shard)
}

/// The list entries, newest first, [`PAGE_SIZE`] a page (at least one page).
fn list_pages(site: &Site) -> Vec<ListPage> {
    let entries: Vec<DigestSummary> = site
        .digests
        .iter()
        .map(|p| p.digest.summary(p.summary.clone()))
        .collect();
    let mut pages: Vec<ListPage> = entries
        .chunks(PAGE_SIZE)
        .enumerate()
        .map(|(p, chunk)| ListPage {
            schema: SCHEMA_VERSION,
            first_row: (p * PAGE_SIZE) as u32,
            entries: chunk.to_vec(),
        })
        .collect();
    if pages.is_empty() {
        pages.push(ListPage {
            schema: SCHEMA_VERSION,
            first_row: 0,
            entries: Vec::new(),
        });
    }
    pages
}

/// A hash of every data file (path and content), so any change gives new
/// paths and a deploy never mixes files of two builds. A kept shard
/// counts with the hash its bytes had when made.
fn stamp(body: &[(String, Content)], binary: &[(String, Vec<u8>)]) -> String {
    use rayon::prelude::*;
    let files: Vec<(&String, &[u8], Option<u64>)> = (body.iter())
        .map(|(p, content)| match content {
            Content::Made(json, hash) => (p, json.as_bytes(), *hash),
            Content::Kept(_, hash) => (p, &[][..], Some(*hash)),
        })
        .chain(binary.iter().map(|(p, b)| (p, b.as_slice(), None)))
        .collect();
    // Each file hashed on any core, the hashes combined in order.
    let hashes: Vec<u64> = files
        .par_iter()
        .map(|(path, bytes, hash)| {
            let content = hash.unwrap_or_else(|| words_hash(bytes));
            tidings_model::fnv1a(path.as_bytes()).rotate_left(7) ^ content
        })
        .collect();
    let mut hash = tidings_model::fnv1a(&[]);
    for h in hashes {
        hash ^= h;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", hash >> 24)
}

/// A 64-bit hash of `bytes` read eight at a time (FNV-1a reads one at a
/// time: the stamp hashed every data file's bytes that way, ~200 MB at
/// 10,000 digests).
fn words_hash(bytes: &[u8]) -> u64 {
    use tidings_model::mix64 as mix;
    let mut chunks = bytes.chunks_exact(8);
    let mut h = mix(0, bytes.len() as u64);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = mix(h, u64::from_le_bytes(word));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(h, u64::from_le_bytes(tail))
}

fn term_counts<'a>(terms: impl Iterator<Item = &'a String>) -> Vec<TermCount> {
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for t in terms {
        *counts.entry(t).or_default() += 1;
    }
    let mut out: Vec<TermCount> = counts
        .into_iter()
        .map(|(name, count)| TermCount {
            name: name.to_string(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

/// `value` as JSON; a failure names the file it was for. The data files
/// are kept until the build's stamp names their folder, so one that grew
/// past its length by more than an eighth (serde_json's buffer doubles)
/// is copied at its length, and the buffer goes back to the allocator for
/// the next file.
fn to_json<T: serde::Serialize>(path: &str, value: &T) -> Result<String> {
    let json = serde_json::to_string(value).map_err(|e| Error::Serialize {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(if json.capacity() - json.len() > json.len() / 8 {
        json.as_str().to_owned()
    } else {
        json
    })
}

/// Whether the tag `name` has a page of its own.
pub fn tag_has_page(name: &str) -> bool {
    Route::Tag(name.to_string()).page_file().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shard_count_changes_seldom_as_digests_are_added() {
        // Up to 64 shards: one per three digests.
        for n in 0..=192 {
            assert_eq!(shard_count(n) as usize, n.div_ceil(3).max(1), "{n}");
        }
        let mut last = shard_count(192);
        let mut changes = 0;
        for n in 193..=20_000 {
            let (count, needed) = (shard_count(n) as usize, n.div_ceil(3));
            // Enough shards, and at most a sixteenth more.
            assert!(count >= needed && count * 16 <= needed * 17, "{n}: {count}");
            if n > 10_000 {
                changes += usize::from(count as u32 != last);
            }
            last = count as u32;
        }
        // From 10,000 to 20,000 digests the count changes 16 times (3,333
        // times unrounded).
        assert_eq!(changes, 16);
    }
}
