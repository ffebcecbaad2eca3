//! The full-text index over every item: which text each item is indexed
//! under, the binary files the build step writes, and the lookup the app
//! runs over them. Both sides use this module, so a term, a shard number
//! or a posting is spelled once.
//!
//! Documents are items, numbered in list order (the newest digest's items
//! first), so a smaller number is a newer item and "newest first" is
//! "lowest number first". Terms come from [`crate::search`]. A term's
//! postings are `(doc, weight)` pairs in one LEB128 number each: the gap
//! from the previous document shifted left by three bits, and in those
//! bits the BM25F term weight in eight levels (title
//! fields count [`TITLE_WEIGHT`] times, tags and sources [`META_WEIGHT`]
//! times the body).
//!
//! Files, under the build's stamp ([`crate::layout::stamped`]):
//! - `search/s/<n>.bin`: the terms hashed to shard `n` ([`shard_of_term`]),
//!   sorted, each with its document frequency and either its postings
//!   inline or, past [`INLINE_LIMIT`] bytes, a directory of blocks;
//! - `search/b/<n>.bin`: one block of a common term's postings, about
//!   [`BLOCK_BYTES`], newest first, so a common word costs only the blocks
//!   a query reaches.
//!
//! A lookup ANDs the query's terms, starting from the rarest, newest first,
//! and asks for the blocks it needs in rounds ([`Lookup::missing`]). What
//! it finds holds every query term; [`verbatim`] then confirms the phrase
//! on the item's text before the app shows it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::search::{fold, is_cjk, query_terms};
use crate::Item;

/// Version byte of the index files.
pub const FORMAT: u8 = 1;
const SHARD_MAGIC: [u8; 2] = *b"TS";
const BLOCK_MAGIC: [u8; 2] = *b"TB";

/// A term whose postings take more bytes than this gets block files.
pub const INLINE_LIMIT: usize = 4 * 1024;
/// Bytes of postings per block file (a block closes past this).
pub const BLOCK_BYTES: usize = 8 * 1024;
/// Bytes per shard the build aims at when it picks the shard count.
pub const SHARD_BYTES: usize = 12 * 1024;

/// Field weights of BM25F.
pub const TITLE_WEIGHT: u16 = 3;
pub const META_WEIGHT: u16 = 2;
pub const BODY_WEIGHT: u16 = 1;
/// BM25's `k1` and `b`.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// What the manifest says of the index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchInfo {
    /// Documents (items) indexed.
    pub docs: u32,
    /// Number of shard files (`search/s/<n>.bin`).
    pub shards: u32,
    /// Number of block files (`search/b/<n>.bin`).
    pub blocks: u32,
}
crate::json::fields!(SearchInfo {
    required: [docs, shards, blocks],
    default: []
});

/// The shard (`0..shards`) holding `term`.
pub fn shard_of_term(term: &str, shards: u32) -> u32 {
    (crate::fnv1a(term.as_bytes()) % u64::from(shards.max(1))) as u32
}

/// The text of `html` as a reader sees it: tags dropped (a block-level tag
/// breaks the line), the common entities decoded.
pub fn plain_text(html: &str) -> String {
    const BLOCKS: [&str; 20] = [
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "td",
        "th",
        "table",
        "figure",
        "hr",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        decode_entities(&rest[..lt], &mut out);
        let Some(gt) = rest[lt..].find('>') else {
            rest = &rest[lt..];
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/');
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if BLOCKS.contains(&name.as_str()) && !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    decode_entities(rest, &mut out);
    out.trim_end().to_string()
}

fn decode_entities(mut s: &str, out: &mut String) {
    while let Some(amp) = s.find('&') {
        out.push_str(&s[..amp]);
        let after = &s[amp + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let code =
                        if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                            u32::from_str_radix(hex, 16).ok()
                        } else {
                            name.strip_prefix('#').and_then(|d| d.parse().ok())
                        };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                s = &after[end + 1..];
            }
            None => {
                out.push('&');
                s = after;
            }
        }
    }
    out.push_str(s);
}

/// The fields an item is indexed and matched under, with their weights:
/// its title and translated title, its section, source domain and
/// publisher, its body. The digest's title and tags are not the item's
/// text (a digest's title names many items; tags are filters).
pub fn fields(item: &Item) -> Vec<(String, u16)> {
    let [title, translation, section, domain, publisher, body] = field_inputs(item);
    let mut out = vec![(title.unwrap_or_default().to_string(), TITLE_WEIGHT)];
    if let Some(t) = translation {
        out.push((t.to_string(), TITLE_WEIGHT));
    }
    let meta: Vec<&str> = [section, domain, publisher].into_iter().flatten().collect();
    if !meta.is_empty() {
        out.push((meta.join(" "), META_WEIGHT));
    }
    out.push((plain_text(body.unwrap_or_default()), BODY_WEIGHT));
    out
}

/// Everything of an item that [`fields`] reads, and nothing else: its
/// title, title translation, section, source domain, publisher and body
/// (the build step keys its kept index segments on them).
pub fn field_inputs(item: &Item) -> [Option<&str>; 6] {
    [
        Some(item.title.as_str()),
        item.title_translation.as_deref(),
        item.section.as_deref(),
        item.source.as_ref().map(|s| s.domain.as_str()),
        item.publisher.as_deref(),
        Some(item.body_html.as_str()),
    ]
}

/// The text [`verbatim`] confirms a query on: every field, one per line.
pub fn item_text(item: &Item) -> String {
    fields(item)
        .into_iter()
        .map(|(t, _)| t)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` folded into its runs, each between spaces: ` 英伟达 发布 gpt 4o `.
fn canonical(text: &str) -> (String, bool, bool) {
    let mut out = String::from(" ");
    let mut first_cjk = None;
    let mut last_cjk = false;
    let mut in_run = false;
    let mut prev_cjk = false;
    for c in text.chars().flat_map(fold) {
        let cjk = is_cjk(c);
        if cjk || c.is_alphanumeric() {
            if in_run && prev_cjk != cjk {
                out.push(' ');
            }
            out.push(c);
            in_run = true;
            prev_cjk = cjk;
            first_cjk.get_or_insert(cjk);
            last_cjk = cjk;
        } else if in_run {
            out.push(' ');
            in_run = false;
        }
    }
    if in_run {
        out.push(' ');
    }
    (out, first_cjk.unwrap_or(false), last_cjk)
}

/// The parts of a query: its whitespace-separated pieces that hold a term.
pub fn query_parts(query: &str) -> Vec<String> {
    query
        .split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|p| !query_terms(p).is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `text` holds every part of `query` verbatim: folded, Latin
/// words whole, a CJK run anywhere inside a CJK run. This is the match
/// the index answers without a miss (every term of such a part is among
/// the text's), and what the benchmark's substring scan counts.
pub fn verbatim(text: &str, query: &str) -> bool {
    Folded::new(text).holds(&Needles::new(query))
}

/// A text folded once, for checking many queries against it.
#[derive(Debug, Clone)]
pub struct Folded(String);

/// A query's parts folded once, for checking it against many texts.
#[derive(Debug, Clone)]
pub struct Needles(Vec<String>);

impl Folded {
    pub fn new(text: &str) -> Folded {
        Folded(canonical(text).0)
    }

    /// [`verbatim`] on the folded text.
    pub fn holds(&self, query: &Needles) -> bool {
        !query.0.is_empty() && query.0.iter().all(|n| self.0.contains(n.as_str()))
    }
}

impl Needles {
    pub fn new(query: &str) -> Needles {
        Needles(
            query_parts(query)
                .iter()
                .filter_map(|p| needle(p))
                .collect(),
        )
    }
}

/// A part in the form its folded text holds it: between spaces where it
/// starts or ends with a Latin word, so words match whole.
fn needle(part: &str) -> Option<String> {
    let (c, first_cjk, last_cjk) = canonical(part);
    let start = if first_cjk { 1 } else { 0 };
    let end = if last_cjk { c.len() - 1 } else { c.len() };
    c.get(start..end)
        .filter(|n| !n.trim().is_empty())
        .map(str::to_string)
}

/// Where `part` occurs in `text` (byte ranges of `text`), for highlighting:
/// a case- and width-insensitive scan of the part as typed.
pub fn occurrences(text: &str, part: &str) -> Vec<std::ops::Range<usize>> {
    let needle: Vec<char> = part.chars().flat_map(fold).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    // Folded characters of `text` with the byte range each came from.
    let mut folded: Vec<(char, usize, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        for f in fold(c) {
            folded.push((f, i, i + c.len_utf8()));
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= folded.len() {
        if folded[i..i + needle.len()]
            .iter()
            .zip(&needle)
            .all(|((c, _, _), n)| c == n)
        {
            out.push(folded[i].1..folded[i + needle.len() - 1].2);
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The number [`put_varint`] wrote at `*at` of bytes the index wrote
/// itself, moving `at` past it: without [`Reader`]'s errors, which
/// [`Builder::encode`] reading every collected posting had no use for
/// (~18 instructions a number, not inlined). Past the end it reads 0, a
/// number cut short as much of it as is there.
#[inline]
fn own_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut v = 0;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        v |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
    v
}

/// The bytes [`put_varint`] writes for `v`.
fn varint_len(v: u32) -> usize {
    (32 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// A reader over a file's bytes that fails instead of panicking.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u32, String> {
        u32::try_from(self.varint64()?).map_err(|_| "a number is too long".to_string())
    }

    fn varint64(&mut self) -> Result<u64, String> {
        // Most numbers (gaps of common terms, frequencies) take one byte.
        if let Some(&b) = self.bytes.get(self.at).filter(|&&b| b < 0x80) {
            self.at += 1;
            return Ok(u64::from(b));
        }
        let mut v: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = *self
                .bytes
                .get(self.at)
                .ok_or("the file ends inside a number")?;
            self.at += 1;
            v |= u64::from(b & 0x7f)
                .checked_shl(shift)
                .ok_or("a number is too long")?;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number is too long".into())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or("the file ends early")?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn magic(&mut self, magic: [u8; 2]) -> Result<(), String> {
        let head = self.take(3)?;
        if head[..2] != magic || head[2] != FORMAT {
            return Err(format!("not a search file of format {FORMAT}"));
        }
        Ok(())
    }
}

/// Bits of a posting's number that hold its weight.
const WEIGHT_BITS: u32 = 3;
/// Levels of term weight.
pub const WEIGHT_LEVELS: u8 = 1 << WEIGHT_BITS;

/// One posting: a document and its term weight (level `0..WEIGHT_LEVELS`
/// of BM25F's saturated term frequency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    pub weight: u8,
}

fn put_posting(out: &mut Vec<u8>, gap: u32, weight: u8) {
    let v = u64::from(gap) << WEIGHT_BITS | u64::from(weight.min(WEIGHT_LEVELS - 1));
    let mut v = v;
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn decode_postings(r: &mut Reader, count: usize, docs: u32) -> Result<Vec<Posting>, String> {
    let mut out = Vec::with_capacity(count.min(1 << 16));
    let mut doc: u32 = 0;
    for i in 0..count {
        let v = r.varint64()?;
        let gap = u32::try_from(v >> WEIGHT_BITS).map_err(|_| "a document out of range")?;
        let weight = (v & u64::from(WEIGHT_LEVELS - 1)) as u8;
        if i > 0 && gap == 0 {
            return Err("postings out of order".into());
        }
        doc = doc
            .checked_add(gap)
            .filter(|&d| d < docs)
            .ok_or("a document out of range")?;
        out.push(Posting { doc, weight });
    }
    Ok(out)
}

/// One block of a common term: its first document and its number of
/// postings; block `i` of an entry is file `first_file + i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRef {
    pub first_doc: u32,
    pub count: u32,
}

/// A term as its shard holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Inline {
        df: u32,
        postings: Vec<Posting>,
    },
    Blocked {
        df: u32,
        first_file: u32,
        blocks: Vec<BlockRef>,
    },
}

impl Entry {
    pub fn df(&self) -> u32 {
        match self {
            Entry::Inline { df, .. } | Entry::Blocked { df, .. } => *df,
        }
    }
}

/// A shard file read back: its terms with their entries, in the file's
/// order. A lookup reads a few terms out of a shard's hundreds once, so
/// they are found by a scan, not kept in a hash table (whose code the app
/// then carried once per kind of table). A term written twice, which no
/// build writes, is found at its first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShardEntries(Vec<(String, Entry)>);

impl ShardEntries {
    /// The entry of `term`, if the shard holds it.
    pub fn get(&self, term: &str) -> Option<&Entry> {
        self.0.iter().find(|(t, _)| t == term).map(|(_, e)| e)
    }

    /// The shard's terms.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(t, _)| t.as_str())
    }
}

/// Reads a shard file, checking every number against `info`.
pub fn read_shard(bytes: &[u8], info: &SearchInfo) -> Result<ShardEntries, String> {
    let mut r = Reader { bytes, at: 0 };
    r.magic(SHARD_MAGIC)?;
    let n = r.varint()?;
    let mut out = Vec::new();
    for _ in 0..n {
        let len = r.varint()? as usize;
        let term = std::str::from_utf8(r.take(len)?)
            .map_err(|_| "a term is not UTF-8")?
            .to_string();
        let df = r.varint()?;
        let blocks = r.varint()?;
        let entry = if blocks == 0 {
            let postings = decode_postings(&mut r, df as usize, info.docs)?;
            Entry::Inline { df, postings }
        } else {
            let first_file = r.varint()?;
            if first_file
                .checked_add(blocks)
                .is_none_or(|end| end > info.blocks)
            {
                return Err(format!(
                    "term {} names a block out of range",
                    crate::quoted(&term)
                ));
            }
            let mut refs = Vec::with_capacity(blocks as usize);
            let (mut first_doc, mut total) = (0u32, 0u32);
            for _ in 0..blocks {
                first_doc = first_doc
                    .checked_add(r.varint()?)
                    .ok_or("a block out of range")?;
                let count = r.varint()?;
                total = total.saturating_add(count);
                refs.push(BlockRef { first_doc, count });
            }
            if total != df {
                return Err(format!(
                    "term {}: blocks hold {total} postings, not {df}",
                    crate::quoted(&term)
                ));
            }
            Entry::Blocked {
                df,
                first_file,
                blocks: refs,
            }
        };
        out.push((term, entry));
    }
    if r.at != bytes.len() {
        return Err("bytes after the last term".into());
    }
    Ok(ShardEntries(out))
}

/// Reads a block file that should hold `block`'s postings.
pub fn read_block(
    bytes: &[u8],
    block: BlockRef,
    info: &SearchInfo,
) -> Result<Vec<Posting>, String> {
    let mut r = Reader { bytes, at: 0 };
    r.magic(BLOCK_MAGIC)?;
    let postings = decode_postings(&mut r, block.count as usize, info.docs)?;
    if r.at != bytes.len() || postings.first().map(|p| p.doc) != Some(block.first_doc) {
        return Err("the block does not match its directory".into());
    }
    Ok(postings)
}

/// A document's distinct terms with their weighted frequency, and its
/// weighted length.
pub struct DocTerms {
    /// Each distinct term as a [`Key`], with its weighted frequency,
    /// grouped by [`part_of`] their key: part `p` is
    /// `terms[starts[p]..starts[p + 1]]`.
    terms: Vec<(Key, u16)>,
    starts: [u32; PARTS + 1],
    /// The words among them, spelled out, grouped by part as `terms`
    /// (part `p` is `words[word_starts[p]..word_starts[p + 1]]`).
    words: Vec<(Key, String)>,
    word_starts: [u32; PARTS + 1],
    len: u32,
}

/// The parts the terms are split into while an index is collected: each
/// part's table of terms is small enough to stay in a core's cache, and
/// the parts can be collected on their own threads.
pub const PARTS: usize = 64;

/// The part (`0..PARTS`) of a term's key.
fn part_of(key: Key) -> usize {
    ((key ^ key >> 21) % PARTS as u64) as usize
}

/// A term as a number, so collecting the index allocates no strings: a
/// CJK character (its code point), a CJK pair, or a word (its hash);
/// never 0.
type Key = u64;
const PAIR: Key = 1 << 62;
const WORD: Key = 1 << 63;

fn word_key(word: &str) -> Key {
    WORD | (crate::fnv1a(word.as_bytes()) >> 2)
}

/// The terms of a document with `fields` (text and weight): the same
/// terms [`index_terms`](crate::search::index_terms) gives, counted.
pub fn doc_terms(fields: &[(String, u16)]) -> DocTerms {
    TermCounter::default().count(fields)
}

/// Counts documents' terms one after another, reusing its table (a new
/// table per document was a fresh, zeroed allocation each time).
#[derive(Default)]
pub struct TermCounter(Counter);

/// Punctuation that folds to one character that is neither CJK nor
/// alphanumeric: what Chinese text puts between words (`，`, `。`, `、`,
/// `“”`, `：`, `（）`, `—`, `…`).
fn is_separator(c: char) -> bool {
    matches!(u32::from(c),
        0x2010..=0x2027         // dashes, quotation marks, ellipsis
        | 0x2030..=0x205e       // per mille, primes, more punctuation
        | 0x3000..=0x3004       // ideographic space, comma, full stop
        | 0x3008..=0x3020       // CJK brackets
        | 0x3030
        | 0x303d..=0x303f
        | 0xff01..=0xff0f       // full-width ASCII punctuation
        | 0xff1a..=0xff20
        | 0xff3b..=0xff40
        | 0xff5b..=0xff5e)
}

impl TermCounter {
    /// [`doc_terms`] of `fields`.
    pub fn count(&mut self, fields: &[(String, u16)]) -> DocTerms {
        let counter = &mut self.0;
        counter.tf.clear();
        counter.len = 0;
        counter.word.clear();
        counter.prev = None;
        for (text, weight) in fields {
            counter.weight = *weight;
            for c in text.chars() {
                // ASCII and CJK (no case) fold to themselves or their
                // ASCII lower case: the common path, without case tables
                // and with each character's kind worked out once.
                if c.is_ascii() {
                    counter.other(c.to_ascii_lowercase(), c.is_ascii_alphanumeric());
                } else if is_cjk(c) {
                    counter.cjk(c);
                } else if is_separator(c) {
                    // CJK and general punctuation: a separator, without
                    // folding and the case and alphanumeric tables (1.6%
                    // of a 1,000-digest build's instructions).
                    counter.other(c, false);
                } else {
                    for c in fold(c) {
                        counter.char(c);
                    }
                }
            }
            counter.char(' ');
        }
        // Group the terms by part (a counting sort), and the words (few).
        let mut starts = [0u32; PARTS + 1];
        for (key, _) in counter.tf.iter() {
            starts[part_of(key) + 1] += 1;
        }
        for p in 0..PARTS {
            starts[p + 1] += starts[p];
        }
        let mut at = starts;
        let mut terms = vec![(0, 0); counter.tf.len()];
        for (key, f) in counter.tf.iter() {
            let slot = &mut at[part_of(key)];
            terms[*slot as usize] = (key, f);
            *slot += 1;
        }
        let mut words = std::mem::take(&mut counter.words);
        words.sort_unstable_by_key(|(key, _)| part_of(*key));
        let mut word_starts = [0u32; PARTS + 1];
        for (key, _) in &words {
            word_starts[part_of(*key) + 1] += 1;
        }
        for p in 0..PARTS {
            word_starts[p + 1] += word_starts[p];
        }
        DocTerms {
            terms,
            starts,
            words,
            word_starts,
            len: counter.len,
        }
    }
}

/// The terms of consecutive documents regrouped by part: part `p`'s terms
/// of every document lie side by side, so the builder of part `p` reads
/// one run of memory for all of them. Fed a [`DocTerms`] per document, each
/// of the [`PARTS`] builders read a few terms out of every document's own
/// allocation, a cache miss per builder and document (~5% of a clean
/// build's samples at 10,000 digests went to that one load).
#[derive(Debug, Default)]
pub struct Batch {
    terms: Vec<(Key, u16)>,
    /// Part `p`'s terms of document `d` are
    /// `terms[starts[p * (n + 1) + d]..starts[p * (n + 1) + d + 1]]`, for
    /// `n` documents.
    starts: Vec<u32>,
    words: Vec<(Key, String)>,
    word_starts: Vec<u32>,
    lens: Vec<u32>,
}

impl Batch {
    /// `docs` (consecutive documents, in order) regrouped.
    pub fn of(mut docs: Vec<DocTerms>) -> Batch {
        let mut batch = Batch {
            terms: Vec::with_capacity(docs.iter().map(|d| d.terms.len()).sum()),
            starts: Vec::with_capacity(PARTS * (docs.len() + 1)),
            words: Vec::with_capacity(docs.iter().map(|d| d.words.len()).sum()),
            word_starts: Vec::with_capacity(PARTS * (docs.len() + 1)),
            lens: docs.iter().map(|d| d.len).collect(),
        };
        // Each document's words, taken part by part (they are grouped so).
        let mut words: Vec<_> = (docs.iter_mut())
            .map(|d| std::mem::take(&mut d.words).into_iter())
            .collect();
        for p in 0..PARTS {
            for (d, doc_words) in docs.iter().zip(&mut words) {
                batch.starts.push(batch.terms.len() as u32);
                let range = d.starts[p] as usize..d.starts[p + 1] as usize;
                batch.terms.extend_from_slice(&d.terms[range]);
                batch.word_starts.push(batch.words.len() as u32);
                let count = (d.word_starts[p + 1] - d.word_starts[p]) as usize;
                batch.words.extend(doc_words.by_ref().take(count));
            }
            batch.starts.push(batch.terms.len() as u32);
            batch.word_starts.push(batch.words.len() as u32);
        }
        batch
    }

    /// Number of documents.
    pub fn docs(&self) -> usize {
        self.lens.len()
    }
}

/// [`doc_terms`]'s state while it reads a document's folded characters.
#[derive(Default)]
struct Counter {
    tf: KeyTable<u16>,
    words: Vec<(Key, String)>,
    len: u32,
    /// The weight of the field being read.
    weight: u16,
    /// The word being read.
    word: String,
    /// The previous character, while in a CJK run.
    prev: Option<char>,
}

impl Counter {
    fn char(&mut self, c: char) {
        if is_cjk(c) {
            self.cjk(c);
        } else {
            self.other(c, c.is_alphanumeric());
        }
    }

    /// A CJK character: its own term, and a pair with the one before.
    #[inline(always)]
    fn cjk(&mut self, c: char) {
        self.end_word();
        self.add(Key::from(u32::from(c)));
        if let Some(p) = self.prev {
            self.add(PAIR | Key::from(u32::from(p)) << 21 | Key::from(u32::from(c)));
        }
        self.prev = Some(c);
    }

    /// Any other character, `alnum` if it is alphanumeric: a letter of a
    /// word, or what ends one.
    #[inline]
    fn other(&mut self, c: char, alnum: bool) {
        self.prev = None;
        if alnum {
            self.word.push(c);
        } else {
            self.end_word();
        }
    }

    /// Counts the word being read, if any.
    #[inline]
    fn end_word(&mut self) {
        if !self.word.is_empty() {
            let key = word_key(&self.word);
            if self.add(key) {
                self.words.push((key, self.word.clone()));
            }
            self.word.clear();
        }
    }

    /// Counts `key` once more; whether it is new to the document.
    #[inline]
    fn add(&mut self, key: Key) -> bool {
        self.len += u32::from(self.weight);
        let (f, new) = self.tf.entry(key, || 0);
        *f = f.saturating_add(self.weight);
        new
    }
}

/// A map from [`Key`]s to small values, for the index's hot paths: open
/// addressing over a power-of-two table, probed linearly from the key's
/// Fibonacci hash, with the slots in use listed in the order their keys
/// came, so that reading the table, and clearing it for the next
/// document, touch those slots only. Every character of the indexed text
/// adds one or two keys to a document's counts, and every posting looks
/// its term up once: with this table instead of `HashMap`s (with
/// [`KeyHasher`]) a clean build of 1,000 digests on one thread ran 4.9%
/// fewer instructions (callgrind, with [`own_varint`]'s change).
#[derive(Debug, Default)]
struct KeyTable<V> {
    /// `(key, value)`; key 0 (no term's: see [`Key`]; a kept segment
    /// holding it is refused) marks a free slot.
    slots: Vec<(Key, V)>,
    /// The slots in use, in the order their keys came.
    used: Vec<u32>,
}

impl<V: Copy + Default> KeyTable<V> {
    /// `key`'s value, `new` put in first if `key` is not there yet; and
    /// whether it was not.
    #[inline(always)]
    fn entry(&mut self, key: Key, new: impl FnOnce() -> V) -> (&mut V, bool) {
        if 2 * self.used.len() >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = Self::home(key, mask);
        loop {
            let found = self.slots[at].0;
            if found == key {
                return (&mut self.slots[at].1, false);
            }
            if found == 0 {
                self.slots[at] = (key, new());
                self.used.push(at as u32);
                return (&mut self.slots[at].1, true);
            }
            at = (at + 1) & mask;
        }
    }

    /// The slot `key` is looked for first, in a table of `mask + 1`.
    #[inline]
    fn home(key: Key, mask: usize) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
    }

    /// Twice the slots (at least 1,024), the keys placed again.
    #[cold]
    fn grow(&mut self) {
        let size = (2 * self.slots.len()).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![(0, V::default()); size]);
        let mask = size - 1;
        for at in &mut self.used {
            let (key, value) = old[*at as usize];
            let mut to = Self::home(key, mask);
            while self.slots[to].0 != 0 {
                to = (to + 1) & mask;
            }
            self.slots[to] = (key, value);
            *at = to as u32;
        }
    }

    fn len(&self) -> usize {
        self.used.len()
    }

    /// Each key with its value, in the order the keys came.
    fn iter(&self) -> impl Iterator<Item = (Key, V)> + '_ {
        self.used.iter().map(|&at| self.slots[at as usize])
    }

    fn clear(&mut self) {
        for &at in &self.used {
            self.slots[at as usize] = (0, V::default());
        }
        self.used.clear();
    }
}

/// The hasher of the index's `HashMap`s over [`Key`]s (the builder's
/// words, a splice's terms; the hot paths use `KeyTable`): one
/// [`mix64`](crate::mix64) step a key (so pairs that share
/// a second character, whose keys differ only in high bits, spread out
/// over the low bits the table indexes by).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = crate::mix64(self.0, n);
    }
}

type KeyMap<V> = HashMap<Key, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// One term's postings while the index is collected: `(gap, weighted
/// term frequency)` pairs as LEB128, a few bytes each.
#[derive(Debug, Default)]
struct Collected {
    bytes: Vec<u8>,
    last: u32,
    count: u32,
}

/// A term's key spelled out: a character, a pair, or a word (which only
/// `word` knows).
fn spell<'a>(key: Key, word: impl Fn(Key) -> Option<&'a str>) -> String {
    let c = |k: Key| char::from_u32((k & 0x1f_ffff) as u32).unwrap_or('\u{fffd}');
    if key & WORD != 0 {
        word(key).unwrap_or_default().to_string()
    } else if key & PAIR != 0 {
        [c(key >> 21), c(key)].into_iter().collect()
    } else {
        c(key).to_string()
    }
}

/// Collects every item's terms, then writes the files.
#[derive(Debug, Default)]
pub struct Builder {
    /// Each term's number: where its postings are in `postings`.
    ids: KeyTable<u32>,
    /// The words among the keys, spelled out.
    words: KeyMap<String>,
    postings: Vec<Collected>,
    /// Per doc: weighted length.
    lens: Vec<u32>,
}

/// The files of a built index.
#[derive(Debug, Default)]
pub struct Files {
    pub info: SearchInfo,
    pub shards: Vec<Vec<u8>>,
    pub blocks: Vec<Vec<u8>>,
}

impl Builder {
    /// Adds the next document (numbers follow the order of calls).
    pub fn add(&mut self, fields: &[(String, u16)]) {
        self.push(doc_terms(fields));
    }

    /// Adds the next document from its [`doc_terms`] (which may be worked
    /// out on other threads).
    pub fn push(&mut self, doc_terms: DocTerms) {
        self.push_terms(doc_terms.len, &doc_terms.terms, &doc_terms.words);
    }

    /// Adds the next document's terms of part `part` (of [`PARTS`]):
    /// builders of the parts can collect on their own threads, then
    /// [`Builder::encode`] theirs for [`Files::assemble`].
    pub fn push_part(&mut self, doc_terms: &DocTerms, part: usize) {
        let part = part.min(PARTS - 1);
        let slice = |starts: &[u32; PARTS + 1]| starts[part] as usize..starts[part + 1] as usize;
        let terms = &doc_terms.terms[slice(&doc_terms.starts)];
        let words = &doc_terms.words[slice(&doc_terms.word_starts)];
        self.push_terms(doc_terms.len, terms, words);
    }

    /// Adds the documents of `batch`, the next ones in order, with their
    /// terms of part `part`: the same as [`Builder::push_part`] on each.
    pub fn push_batch(&mut self, batch: &Batch, part: usize) {
        let part = part.min(PARTS - 1);
        let row = part * (batch.docs() + 1);
        for (d, &len) in batch.lens.iter().enumerate() {
            let at = row + d;
            let terms = &batch.terms[batch.starts[at] as usize..batch.starts[at + 1] as usize];
            let words =
                &batch.words[batch.word_starts[at] as usize..batch.word_starts[at + 1] as usize];
            self.push_terms(len, terms, words);
        }
    }

    /// Adds the next document, of weighted length `len`, with `terms` of it
    /// and the `words` among them.
    fn push_terms(&mut self, len: u32, terms: &[(Key, u16)], words: &[(Key, String)]) {
        let doc = self.lens.len() as u32;
        self.lens.push(len);
        for (key, word) in words {
            self.words.entry(*key).or_insert_with(|| word.clone());
        }
        for &(term, f) in terms {
            let c = self.collected(term);
            put_varint(&mut c.bytes, doc - c.last);
            put_varint(&mut c.bytes, u32::from(f));
            c.last = doc;
            c.count += 1;
        }
    }

    /// The postings collected so far for `term` (none yet if new).
    fn collected(&mut self, term: Key) -> &mut Collected {
        let next = self.postings.len() as u32;
        let (&mut id, new) = self.ids.entry(term, || next);
        if new {
            self.postings.push(Collected::default());
        }
        &mut self.postings[id as usize]
    }

    /// Number of documents added.
    pub fn docs(&self) -> u32 {
        self.lens.len() as u32
    }

    /// Adds the documents of `segment`, after those added so far, with
    /// its terms of part `part`: the same as pushing each of them with
    /// [`Builder::push_part`].
    pub fn append(&mut self, segment: &Segment, part: usize) -> Result<(), String> {
        let offset = self.docs();
        self.lens.extend_from_slice(&segment.lens);
        let Some(seg) = segment.parts.get(part) else {
            return Ok(());
        };
        for &(key, word) in &seg.words {
            self.words.entry(key).or_insert_with(|| word.to_string());
        }
        for &(key, count, last, bytes) in &seg.terms {
            let c = self.collected(key);
            // The first gap counts from the segment's first document; the
            // rest are gaps within it.
            let mut r = Reader { bytes, at: 0 };
            let first = offset + r.varint()?;
            let gap =
                (first.checked_sub(c.last)).ok_or("a segment overlaps the documents before it")?;
            put_varint(&mut c.bytes, gap);
            c.bytes.extend_from_slice(&bytes[r.at..]);
            c.last = offset + last;
            c.count += count;
        }
        Ok(())
    }

    /// Encodes the index into shards of about [`SHARD_BYTES`] and blocks
    /// of [`BLOCK_BYTES`], using at most `max_files` files in all (see
    /// [`Files::assemble`]).
    pub fn finish(self, max_files: usize) -> Files {
        let weights = self.weights();
        let docs = self.docs();
        // In the parts' order, as the build step's builders of the parts.
        let mut parts: Vec<Encoded> = (0..PARTS).map(|_| Encoded::default()).collect();
        let all = self.encode(&weights);
        // Encoded from a builder, every list holds its own bytes.
        for (list, key) in all.lists.into_iter().zip(all.keys) {
            let part = &mut parts[part_of(key)];
            part.lists.push(list);
            part.keys.push(key);
        }
        Files::assemble(&parts, docs, max_files)
    }

    /// What weighing a posting needs of every document: taken from any
    /// one builder of the parts, since each has seen every document.
    pub fn weights(&self) -> Weights {
        Weights::of(&self.lens)
    }

    /// Each document's weighted length, in order.
    pub fn lens(&self) -> &[u32] {
        &self.lens
    }

    /// This builder's terms spelled out, sorted, each with its postings
    /// weighted and encoded as the files hold them. The builders of the
    /// parts can encode on their own threads.
    pub fn encode(self, weights: &Weights) -> Encoded {
        let words = self.words;
        let mut terms: Vec<(String, u32, Key)> = (self.ids.iter())
            .map(|(k, id)| (spell(k, |k| words.get(&k).map(String::as_str)), id, k))
            .collect();
        terms.sort_unstable();
        let keys = terms.iter().map(|t| t.2).collect();
        let mut postings = self.postings;
        let lists = terms
            .into_iter()
            .map(|(term, id, _)| {
                let c = std::mem::take(&mut postings[id as usize]);
                // A posting takes no more bytes than the two numbers it
                // is made of.
                let mut bytes = Vec::with_capacity(c.bytes.len());
                let (mut doc, mut at) = (0, 0);
                for _ in 0..c.count {
                    let gap = own_varint(&c.bytes, &mut at);
                    let tf = own_varint(&c.bytes, &mut at);
                    doc += gap;
                    put_posting(&mut bytes, gap, weights.level(doc, tf));
                }
                TermList {
                    term: Held::Own(term.into_bytes()),
                    count: c.count,
                    postings: Held::Own(bytes),
                }
            })
            .collect();
        Encoded {
            lists,
            keys,
            shared: None,
        }
    }
}

/// The first bytes of a [`segment`]'s encoding (then [`FORMAT`]).
const SEGMENT_MAGIC: &[u8] = b"tidings index segment";

/// The terms of a run of consecutive documents (numbered from 0 within
/// it) as the builders of the [`PARTS`], fed those documents alone, hold
/// them: kept by the build step so that a later build, where the run's
/// documents are the same, appends it ([`Builder::append`]) instead of
/// counting their terms again. The builders' doc lengths are written once.
pub fn segment(parts: &[Builder]) -> Vec<u8> {
    let mut out = SEGMENT_MAGIC.to_vec();
    out.push(FORMAT);
    let lens = parts.first().map_or(&[][..], |b| &b.lens[..]);
    put_varint(&mut out, parts.len() as u32);
    put_varint(&mut out, lens.len() as u32);
    for &len in lens {
        put_varint(&mut out, len);
    }
    for b in parts {
        put_varint(&mut out, b.ids.len() as u32);
        for (key, id) in b.ids.iter() {
            let c = &b.postings[id as usize];
            out.extend_from_slice(&key.to_le_bytes());
            put_varint(&mut out, c.count);
            put_varint(&mut out, c.last);
            put_varint(&mut out, c.bytes.len() as u32);
            out.extend_from_slice(&c.bytes);
        }
        put_varint(&mut out, b.words.len() as u32);
        for (&key, word) in &b.words {
            out.extend_from_slice(&key.to_le_bytes());
            put_varint(&mut out, word.len() as u32);
            out.extend_from_slice(word.as_bytes());
        }
    }
    out
}

/// A [`segment`] read back, borrowing its bytes.
pub struct Segment<'a> {
    lens: Vec<u32>,
    parts: Vec<SegmentPart<'a>>,
}

struct SegmentPart<'a> {
    /// (term, postings, last doc, encoded postings as collected)
    terms: Vec<(Key, u32, u32, &'a [u8])>,
    words: Vec<(Key, &'a str)>,
}

impl<'a> Segment<'a> {
    /// Reads a [`segment`]; an error for anything else, or one damaged.
    pub fn read(bytes: &'a [u8]) -> Result<Segment<'a>, String> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(SEGMENT_MAGIC.len() + 1)? != [SEGMENT_MAGIC, &[FORMAT]].concat() {
            return Err(format!("not an index segment of format {FORMAT}"));
        }
        if r.varint()? as usize != PARTS {
            return Err("a segment of another number of parts".into());
        }
        let docs = r.varint()?;
        let lens = (0..docs)
            .map(|_| r.varint())
            .collect::<Result<Vec<_>, _>>()?;
        let key = |r: &mut Reader| -> Result<Key, String> {
            let b = r.take(8)?;
            Ok(Key::from_le_bytes(b.try_into().map_err(|_| "short key")?))
        };
        let mut parts = Vec::with_capacity(PARTS);
        for _ in 0..PARTS {
            let n = r.varint()? as usize;
            let mut terms = Vec::with_capacity(n.min(bytes.len()));
            for _ in 0..n {
                let k = key(&mut r)?;
                if k == 0 {
                    // No term's key: the builder's tables mark free slots so.
                    return Err("a term without a key".into());
                }
                let (count, last, len) = (r.varint()?, r.varint()?, r.varint()?);
                if count == 0 || last >= docs {
                    return Err("a term's postings do not fit the segment".into());
                }
                terms.push((k, count, last, r.take(len as usize)?));
            }
            let n = r.varint()? as usize;
            let mut words = Vec::with_capacity(n.min(bytes.len()));
            for _ in 0..n {
                let k = key(&mut r)?;
                let len = r.varint()? as usize;
                let word = std::str::from_utf8(r.take(len)?).map_err(|e| e.to_string())?;
                words.push((k, word));
            }
            parts.push(SegmentPart { terms, words });
        }
        if r.at != bytes.len() {
            return Err("bytes after the segment".into());
        }
        Ok(Segment { lens, parts })
    }

    /// Number of documents in the segment.
    pub fn docs(&self) -> u32 {
        self.lens.len() as u32
    }

    /// Each document's weighted length, in order.
    pub fn lens(&self) -> &[u32] {
        &self.lens
    }
}

/// What weighing a posting needs of each document: BM25's `k1 * (1 - b +
/// b * len / avg)` for its weighted length, worked out once per document
/// rather than per posting.
#[derive(Debug, Clone)]
pub struct Weights {
    /// The average weighted length, rounded (see [`Weights::of`]).
    avg: f32,
    saturation: Vec<f32>,
}

impl Weights {
    /// The weights of documents of weighted lengths `lens`.
    pub fn of(lens: &[u32]) -> Weights {
        let avg = (lens.iter().map(|&l| u64::from(l)).sum::<u64>() as f32
            / lens.len().max(1) as f32)
            .max(1.0);
        // Rounded to a sixteenth of an octave (4.4%, nothing to ranking):
        // an edit seldom moves it, so every other document's weights stay
        // as they were and [`Encoded::splice`] can keep their postings.
        let avg = ((avg.log2() * 16.0).round() / 16.0).exp2();
        Weights {
            avg,
            saturation: (lens.iter())
                .map(|&len| K1 * (1.0 - B + B * len as f32 / avg))
                .collect(),
        }
    }

    /// The level of a term `tf` times (weighted) in document `doc`.
    fn level(&self, doc: u32, tf: u32) -> u8 {
        let tf = f32::from(tf.min(u32::from(u16::MAX)) as u16);
        let k = (self.saturation.get(doc as usize).copied()).unwrap_or(K1 * (1.0 - B));
        let w = tf / (tf + k);
        // `w` is in [0, 1): truncating is flooring.
        ((w * f32::from(WEIGHT_LEVELS)) as u8).min(WEIGHT_LEVELS - 1)
    }

    /// Whether a document of the same length weighs its terms the same
    /// under both.
    pub fn same_average(&self, other: &Weights) -> bool {
        self.avg.to_bits() == other.avg.to_bits()
    }
}

/// Bytes a term list holds: its own, or where they are in the bytes its
/// [`Encoded`] was read back from ([`Encoded::read_shared`]), which every
/// term read with them shares. A build's last index has ~133,000 terms
/// at 10,000 digests: reading it back as a string and a buffer of its
/// own for each took 53-98 profile samples of a rebuild, 14-22 now.
#[derive(Debug, Clone)]
enum Held {
    Own(Vec<u8>),
    At(usize, usize),
}

/// The bytes of `held`, in `shared` if they are there.
fn held_in<'s>(shared: Option<&'s Vec<u8>>, held: &'s Held) -> &'s [u8] {
    match held {
        Held::Own(bytes) => bytes,
        Held::At(start, end) => shared.and_then(|s| s.get(*start..*end)).unwrap_or_default(),
    }
}

/// A term (UTF-8), its document count and its encoded postings.
#[derive(Debug, Clone)]
struct TermList {
    term: Held,
    count: u32,
    postings: Held,
}

/// A builder's terms in order, each with its document count and encoded
/// postings, and (at the same place) its key.
#[derive(Debug, Default)]
pub struct Encoded {
    lists: Vec<TermList>,
    keys: Vec<Key>,
    /// The bytes the lists' [`Held::At`] are in.
    shared: Option<std::sync::Arc<Vec<u8>>>,
}

/// The same terms, counts, postings and keys, however they are held.
impl PartialEq for Encoded {
    fn eq(&self, other: &Encoded) -> bool {
        self.keys == other.keys
            && self.lists.len() == other.lists.len()
            && (self.lists.iter().zip(&other.lists)).all(|(a, b)| {
                a.count == b.count
                    && self.held(&a.term) == other.held(&b.term)
                    && self.held(&a.postings) == other.held(&b.postings)
            })
    }
}

impl Eq for Encoded {}

/// Documents whose terms changed: the number of the first, and the
/// segments of their runs before and after the change, in order (as many
/// documents or not: the documents after them are numbered anew).
pub struct Change<'s, 'a> {
    pub first: u32,
    pub before: Vec<&'s Segment<'a>>,
    pub after: Vec<&'s Segment<'a>>,
}

impl Change<'_, '_> {
    fn docs(segments: &[&Segment]) -> u32 {
        segments.iter().map(|s| s.docs()).sum()
    }

    /// When the segments before and after are as many, each of as many
    /// documents: whether a term of part `part` has the same postings
    /// after as before, so that its encoded postings stay as they are.
    /// They do when each segment's postings of the term are the same
    /// bytes before and after, and none is of a document whose length
    /// changed (its weight may have; the others' stay, the average being
    /// the same). An edit to one digest of a run then encodes again the
    /// terms of that digest only, not the run's ~30,000.
    fn unchanged(&self, part: usize) -> Result<Option<impl Fn(Key) -> bool + '_>, String> {
        let aligned = self.before.len() == self.after.len()
            && (self.before.iter().zip(&self.after)).all(|(b, a)| b.docs() == a.docs());
        if !aligned {
            return Ok(None);
        }
        let mut resized: Vec<Vec<u32>> = Vec::with_capacity(self.after.len());
        // Each segment's terms before and after: key → postings.
        type Terms<'a> = KeyMap<&'a [u8]>;
        let mut maps: Vec<(Terms, Terms)> = Vec::with_capacity(self.after.len());
        for (b, a) in self.before.iter().zip(&self.after) {
            let (Some(bp), Some(ap)) = (b.parts.get(part), a.parts.get(part)) else {
                return Err("a segment of another number of parts".into());
            };
            fn map<'a>(p: &SegmentPart<'a>) -> KeyMap<&'a [u8]> {
                p.terms.iter().map(|t| (t.0, t.3)).collect()
            }
            maps.push((map(bp), map(ap)));
            resized.push(
                (b.lens.iter().zip(&a.lens).enumerate())
                    .filter(|(_, (x, y))| x != y)
                    .map(|(d, _)| d as u32)
                    .collect(),
            );
        }
        Ok(Some(move |key: Key| {
            maps.iter().zip(&resized).all(|((before, after), resized)| {
                let (b, a) = (before.get(&key), after.get(&key));
                b == a && a.is_none_or(|bytes| !touches(bytes, resized))
            })
        }))
    }
}

/// Whether a term's postings as collected in a segment (`bytes`: the
/// first document from the segment's start, then gaps, each with its
/// term frequency) name one of `docs` (numbered in the segment). A
/// posting that does not read counts as one that does.
fn touches(bytes: &[u8], docs: &[u32]) -> bool {
    if docs.is_empty() {
        return false;
    }
    let mut r = Reader { bytes, at: 0 };
    let mut d = 0u32;
    while r.at < bytes.len() {
        let (Ok(gap), Ok(_tf)) = (r.varint(), r.varint()) else {
            return true;
        };
        let Some(next) = d.checked_add(gap) else {
            return true;
        };
        d = next;
        if docs.contains(&d) {
            return true;
        }
    }
    false
}

impl Encoded {
    /// Appends these terms to `out` as [`Encoded::read`] takes them back
    /// (a build keeps its last index in the cache folder this way): their
    /// number, then each one's key, text, document count and postings.
    pub fn write(&self, out: &mut Vec<u8>) {
        let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        put_varint(out, len(self.lists.len()));
        for (list, key) in self.lists.iter().zip(&self.keys) {
            let (term, postings) = (self.held(&list.term), self.held(&list.postings));
            out.extend_from_slice(&key.to_le_bytes());
            put_varint(out, len(term.len()));
            out.extend_from_slice(term);
            put_varint(out, list.count);
            put_varint(out, len(postings.len()));
            out.extend_from_slice(postings);
        }
    }

    /// The bytes of `held`, one of this index's.
    fn held<'s>(&'s self, held: &'s Held) -> &'s [u8] {
        held_in(self.shared.as_deref(), held)
    }

    /// The text of term `i` (checked to be UTF-8 when it was read).
    fn term(&self, i: usize) -> &str {
        std::str::from_utf8(self.held(&self.lists[i].term)).unwrap_or_default()
    }

    /// How many bytes [`Encoded::write`] appends (so that a writer of
    /// many can reserve them at once: ~39 MB at 10,000 digests, which
    /// grown step by step was copied again and again).
    pub fn written_len(&self) -> usize {
        let len = |n: usize| varint_len(u32::try_from(n).unwrap_or(u32::MAX));
        let terms = (self.lists.iter())
            .map(|list| {
                let (term, postings) = (self.held(&list.term), self.held(&list.postings));
                8 + len(term.len())
                    + term.len()
                    + varint_len(list.count)
                    + len(postings.len())
                    + postings.len()
            })
            .sum::<usize>();
        len(self.lists.len()) + terms
    }

    /// The terms [`Encoded::write`] put at the start of `bytes`, and the
    /// bytes after them.
    pub fn read(bytes: &[u8]) -> Result<(Encoded, &[u8]), String> {
        let (encoded, end) = Encoded::read_shared(&std::sync::Arc::new(bytes.to_vec()), 0)?;
        Ok((encoded, &bytes[end..]))
    }

    /// [`Encoded::read`] of the terms at `at` in `shared`, which the terms
    /// keep (rather than a copy of their bytes each); with where they end.
    pub fn read_shared(
        shared: &std::sync::Arc<Vec<u8>>,
        at: usize,
    ) -> Result<(Encoded, usize), String> {
        let bytes = &shared[..];
        let mut r = Reader { bytes, at };
        let count = r.varint()? as usize;
        // Each term takes at least 11 bytes: no count can ask for more.
        let mut lists = Vec::with_capacity(count.min(bytes.len().saturating_sub(at) / 11));
        let mut keys = Vec::with_capacity(lists.capacity());
        let held = |r: &mut Reader, len: usize| -> Result<Held, String> {
            let start = r.at;
            r.take(len)?;
            Ok(Held::At(start, r.at))
        };
        for _ in 0..count {
            let mut key = [0; 8];
            key.copy_from_slice(r.take(8)?);
            let len = r.varint()? as usize;
            let term = held(&mut r, len)?;
            if let Held::At(start, end) = term {
                std::str::from_utf8(&bytes[start..end]).map_err(|_| "a term is not UTF-8")?;
            }
            let count = r.varint()?;
            let len = r.varint()? as usize;
            let postings = held(&mut r, len)?;
            lists.push(TermList {
                term,
                count,
                postings,
            });
            keys.push(Key::from_le_bytes(key));
        }
        let shared = Some(std::sync::Arc::clone(shared));
        Ok((
            Encoded {
                lists,
                keys,
                shared,
            },
            r.at,
        ))
    }

    /// These terms (of part `part`) with the documents of `change` as its
    /// segments after hold them, and how many terms that touched: the same
    /// as collecting and encoding every term again, given that these were
    /// encoded from the same documents but for the change's, with
    /// weights of the same average ([`Weights::same_average`]), and that
    /// `weights` are those of every document now. Only the terms of the
    /// change's segments (before and after) are looked at; a term's
    /// postings before and after the change are copied as they are.
    pub fn splice(
        mut self,
        part: usize,
        change: &Change,
        weights: &Weights,
    ) -> Result<(Encoded, usize), String> {
        let mut words: KeyMap<&str> = KeyMap::default();
        let mut touched: KeyMap<()> = KeyMap::default();
        // Each term's postings in the runs after, with the run's first
        // document.
        let mut after: KeyMap<Vec<(u32, &[u8])>> = KeyMap::default();
        let mut first = change.first;
        for (n, segment) in change.before.iter().chain(&change.after).enumerate() {
            let seg = segment
                .parts
                .get(part)
                .ok_or("a segment of another number of parts")?;
            words.extend(seg.words.iter().map(|&(k, w)| (k, w)));
            touched.extend(seg.terms.iter().map(|t| (t.0, ())));
            if n >= change.before.len() {
                for &(key, _, _, bytes) in &seg.terms {
                    after.entry(key).or_default().push((first, bytes));
                }
                first = first
                    .checked_add(segment.docs())
                    .ok_or("too many documents")?;
            }
        }
        let old_end = (change.first)
            .checked_add(Change::docs(&change.before))
            .ok_or("too many documents")?;
        let new_end = first;
        let same = change.unchanged(part)?;
        let mut inserted: Vec<(TermList, Key)> = Vec::new();
        let mut emptied = false;
        let mut encoded = 0;
        for &key in touched.keys() {
            if same.as_ref().is_some_and(|same| same(key)) {
                continue;
            }
            encoded += 1;
            let term = spell(key, |k| words.get(&k).copied());
            let at = (self.lists)
                .binary_search_by(|e| self.held(&e.term).cmp(term.as_bytes()))
                .ok();
            let (old, old_count) = at.map_or((&[][..], 0), |i| {
                (self.held(&self.lists[i].postings), self.lists[i].count)
            });
            let region = Region {
                first: change.first,
                old_end,
                new_end,
                runs: after.get(&key).map_or(&[][..], Vec::as_slice),
            };
            let (bytes, count) = splice_postings(old, old_count, &region, weights)?;
            match at {
                Some(i) => {
                    emptied |= count == 0;
                    self.lists[i].count = count;
                    self.lists[i].postings = Held::Own(bytes);
                }
                None if count > 0 => {
                    let list = TermList {
                        term: Held::Own(term.into_bytes()),
                        count,
                        postings: Held::Own(bytes),
                    };
                    inserted.push((list, key));
                }
                None => {}
            }
        }
        // Every other term's postings after the change, when those are
        // numbered anew: only the first one's gap changes.
        if new_end != old_end {
            for i in 0..self.lists.len() {
                if touched.contains_key(&self.keys[i]) {
                    continue;
                }
                let region = Region {
                    first: change.first,
                    old_end,
                    new_end,
                    runs: &[],
                };
                let list = &self.lists[i];
                let (bytes, _) =
                    splice_postings(self.held(&list.postings), list.count, &region, weights)?;
                self.lists[i].postings = Held::Own(bytes);
            }
        }
        if inserted.is_empty() && !emptied {
            return Ok((self, encoded));
        }
        let shared = self.shared.clone();
        let shared = shared.as_deref();
        inserted
            .sort_unstable_by(|a, b| held_in(shared, &a.0.term).cmp(held_in(shared, &b.0.term)));
        let mut out = Encoded {
            lists: Vec::with_capacity(self.lists.len() + inserted.len()),
            keys: Vec::with_capacity(self.keys.len() + inserted.len()),
            shared: self.shared.clone(),
        };
        let mut kept = (self.lists.into_iter().zip(self.keys))
            .filter(|(l, _)| l.count > 0)
            .peekable();
        let mut new = inserted.into_iter().peekable();
        loop {
            let take_kept = match (kept.peek(), new.peek()) {
                (Some(a), Some(b)) => held_in(shared, &a.0.term) <= held_in(shared, &b.0.term),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if let Some((list, key)) = if take_kept { kept.next() } else { new.next() } {
                out.lists.push(list);
                out.keys.push(key);
            }
        }
        Ok((out, encoded))
    }
}

/// The documents a splice replaces, `first..old_end` before and
/// `first..new_end` after, and a term's postings in the runs after (each
/// with its run's first document), as collected.
struct Region<'r, 'a> {
    first: u32,
    old_end: u32,
    new_end: u32,
    runs: &'r [(u32, &'a [u8])],
}

/// A term's encoded postings (`old`, `old_count` of them) with the
/// documents of `region` taken from its runs: what is before and after is
/// copied as it is, but for the gap of the first posting after (numbered
/// anew when the region's documents changed in number).
fn splice_postings(
    old: &[u8],
    old_count: u32,
    region: &Region,
    weights: &Weights,
) -> Result<(Vec<u8>, u32), String> {
    let mut out = Vec::with_capacity(old.len() + 16);
    let (upto, before) = seek(old, 0, 0, region.first)?;
    // The last document written.
    let mut last = 0;
    if upto > 0 {
        copy_postings(&old[..upto], 0, 0, 0, &mut out)?;
        last = before;
    }
    let (past, doc) = seek(old, upto, before, region.old_end)?;
    let dropped = old[upto..past].iter().filter(|&&b| b < 0x80).count() as u32;
    let mut count = old_count
        .checked_sub(dropped)
        .ok_or("postings out of count")?;
    for &(first, bytes) in region.runs {
        // As collected: the first document from the run's start, then
        // gaps; each with its weighted term frequency.
        let mut c = Reader { bytes, at: 0 };
        let mut d = first;
        while c.at < bytes.len() {
            d = d
                .checked_add(c.varint()?)
                .ok_or("a document out of range")?;
            let tf = c.varint()?;
            if d >= region.new_end || (d <= last && !out.is_empty()) {
                return Err("a posting outside its run".into());
            }
            put_posting(&mut out, d - last, weights.level(d, tf));
            last = d;
            count += 1;
        }
    }
    // After: numbered anew by how many more (or fewer) documents the
    // region has.
    let shift = i64::from(region.new_end) - i64::from(region.old_end);
    copy_postings(&old[past..], doc, shift, last, &mut out)?;
    Ok((out, count))
}

/// From the posting at byte `at` (the document before it `doc`), the
/// first whose document is `end` or more: its offset (the end of `bytes`
/// if none) and the document of the posting before it. One pass over
/// the bytes: a posting ends at a byte below 0x80.
fn seek(bytes: &[u8], mut at: usize, mut doc: u32, end: u32) -> Result<(usize, u32), String> {
    let (mut start, mut v, mut shift) = (at, 0u64, 0u32);
    while let Some(&b) = bytes.get(at) {
        at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            let gap = u32::try_from(v >> WEIGHT_BITS).map_err(|_| "a document out of range")?;
            let d = doc.checked_add(gap).ok_or("a document out of range")?;
            if d >= end {
                return Ok((start, doc));
            }
            (doc, start, v, shift) = (d, at, 0, 0);
        } else {
            shift += 7;
            if shift > 56 {
                return Err("a number is too long".into());
            }
        }
    }
    Ok((start, doc))
}

/// Writes the postings `bytes` (the document before the first `doc`),
/// every document `shift` more, the first with its gap from `last`
/// written, the others as they are.
fn copy_postings(
    bytes: &[u8],
    doc: u32,
    shift: i64,
    last: u32,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut r = Reader { bytes, at: 0 };
    let v = r.varint64()?;
    let gap = u32::try_from(v >> WEIGHT_BITS).map_err(|_| "a document out of range")?;
    let d = doc.checked_add(gap).ok_or("a document out of range")?;
    let d = u32::try_from(i64::from(d) + shift).map_err(|_| "a document out of range")?;
    let gap = d.checked_sub(last).ok_or("postings out of order")?;
    put_posting(out, gap, (v & u64::from(WEIGHT_LEVELS - 1)) as u8);
    out.extend_from_slice(&bytes[r.at..]);
    Ok(())
}

/// One part's files before they are numbered among the other parts':
/// its blocks, and each term's entry, its blocks numbered from the
/// part's first ([`Files::cut`]).
pub struct PartFiles<'a> {
    blocks: Vec<Vec<u8>>,
    entries: Vec<PartEntry<'a>>,
}

/// A term of a [`PartFiles`]: its postings inline, or the number of its
/// first block in the part, its block count and their directory.
struct PartEntry<'a> {
    term: &'a str,
    count: u32,
    inline: Option<&'a [u8]>,
    first_block: u32,
    blocks: u32,
    directory: Vec<u8>,
}

impl PartEntry<'_> {
    /// The bytes of [`PartEntry::body`], without writing it.
    fn body_len(&self, offset: u32) -> usize {
        varint_len(self.count)
            + match self.inline {
                Some(postings) => varint_len(0) + postings.len(),
                None => {
                    varint_len(self.blocks)
                        + varint_len(offset + self.first_block)
                        + self.directory.len()
                }
            }
    }

    /// The entry's body in a shard file, its blocks numbered from
    /// `offset` on (the part's first block among all).
    fn body(&self, offset: u32, out: &mut Vec<u8>) {
        put_varint(out, self.count);
        match self.inline {
            Some(postings) => {
                put_varint(out, 0);
                out.extend_from_slice(postings);
            }
            None => {
                put_varint(out, self.blocks);
                put_varint(out, offset + self.first_block);
                out.extend_from_slice(&self.directory);
            }
        }
    }
}

impl Files {
    /// The files of an index of `docs` documents from the [`Encoded`]
    /// terms of its parts (each part's terms its own): shards of about
    /// [`SHARD_BYTES`] and blocks of [`BLOCK_BYTES`], using at most
    /// `max_files` files in all: blocks grow (by doubling) to take at most
    /// two thirds of them, shards take what is left. The same as
    /// [`Files::join`] of each part's [`Files::cut`] (which the build
    /// step runs on every core).
    pub fn assemble(parts: &[Encoded], docs: u32, max_files: usize) -> Files {
        let block_bytes = Files::block_bytes(parts, max_files);
        let cut = parts.iter().map(|p| Files::cut(p, block_bytes)).collect();
        Files::join(cut, docs, max_files)
    }

    /// Bytes per block for the terms of `parts` within `max_files` files.
    pub fn block_bytes(parts: &[Encoded], max_files: usize) -> usize {
        let (mut blocked_bytes, mut blocked_terms) = (0usize, 0usize);
        let postings = parts
            .iter()
            .flat_map(|p| p.lists.iter().map(|l| p.held(&l.postings)));
        for bytes in postings {
            if bytes.len() > INLINE_LIMIT {
                blocked_bytes += bytes.len();
                blocked_terms += 1;
            }
        }
        let block_room = (max_files.saturating_mul(2) / 3).max(1);
        let mut block_bytes = BLOCK_BYTES;
        while blocked_terms + blocked_bytes / block_bytes > block_room && block_bytes < 1 << 30 {
            block_bytes *= 2;
        }
        block_bytes
    }

    /// A part's blocks of `block_bytes` ([`Files::block_bytes`]) and
    /// entries, in the order of its terms.
    pub fn cut(part: &Encoded, block_bytes: usize) -> PartFiles<'_> {
        let mut blocks = Vec::new();
        let entries = (part.lists.iter().enumerate())
            .map(|(i, list)| {
                let (term, count) = (part.term(i), &list.count);
                let bytes = part.held(&list.postings);
                if bytes.len() <= INLINE_LIMIT {
                    return PartEntry {
                        term,
                        count: *count,
                        inline: Some(bytes),
                        first_block: 0,
                        blocks: 0,
                        directory: Vec::new(),
                    };
                }
                let refs = cut_blocks(bytes, block_bytes, &mut blocks);
                let mut directory = Vec::with_capacity(refs.len() * 4);
                let mut prev = 0;
                for b in &refs {
                    put_varint(&mut directory, b.first_doc - prev);
                    put_varint(&mut directory, b.count);
                    prev = b.first_doc;
                }
                PartEntry {
                    term,
                    count: *count,
                    inline: None,
                    first_block: (blocks.len() - refs.len()) as u32,
                    blocks: refs.len() as u32,
                    directory,
                }
            })
            .collect();
        PartFiles { blocks, entries }
    }

    /// The files of the index of `docs` documents from its parts' cuts,
    /// in order: blocks numbered part after part, each term's entry in
    /// the shard its term hashes to, in the parts' order.
    pub fn join(parts: Vec<PartFiles>, docs: u32, max_files: usize) -> Files {
        Files::join_with(parts, docs, max_files, |shards| {
            shards.into_iter().map(ShardGroup::file).collect()
        })
    }

    /// [`Files::join`], each shard file written by `write` from its
    /// entries ([`ShardGroup::file`] each, in order), so a caller can
    /// write them on every core: this crate does not spawn threads.
    pub fn join_with(
        parts: Vec<PartFiles>,
        docs: u32,
        max_files: usize,
        write: impl FnOnce(Vec<ShardGroup>) -> Vec<Vec<u8>>,
    ) -> Files {
        let mut offsets = Vec::with_capacity(parts.len());
        let mut total_blocks = 0u32;
        for p in &parts {
            offsets.push(total_blocks);
            total_blocks += p.blocks.len() as u32;
        }
        let mut inline_total = 0;
        for (p, &offset) in parts.iter().zip(&offsets) {
            for e in &p.entries {
                inline_total += e.term.len() + e.body_len(offset) + 2;
            }
        }
        let room = max_files.saturating_sub(total_blocks as usize).max(1);
        let mut shards = (inline_total / SHARD_BYTES).max(1).next_power_of_two();
        while shards > room && shards > 1 {
            shards /= 2;
        }
        let shards = shards as u32;
        let mut grouped: Vec<Vec<(&PartEntry, u32)>> = vec![Vec::new(); shards as usize];
        for (p, &offset) in parts.iter().zip(&offsets) {
            for e in &p.entries {
                grouped[shard_of_term(e.term, shards) as usize].push((e, offset));
            }
        }
        let shard_files = write(grouped.into_iter().map(ShardGroup).collect());
        let mut blocks = Vec::with_capacity(total_blocks as usize);
        for p in parts {
            blocks.extend(p.blocks);
        }
        Files {
            info: SearchInfo {
                docs,
                shards,
                blocks: total_blocks,
            },
            shards: shard_files,
            blocks,
        }
    }
}

/// The entries of one shard file as [`Files::join_with`] hands them out,
/// each with its part's first block number.
pub struct ShardGroup<'a>(Vec<(&'a PartEntry<'a>, u32)>);

impl ShardGroup<'_> {
    /// The shard file.
    pub fn file(self) -> Vec<u8> {
        let entries = self.0;
        let size: usize = (entries.iter())
            .map(|(e, offset)| varint_len(e.term.len() as u32) + e.term.len() + e.body_len(*offset))
            .sum();
        let mut file = Vec::with_capacity(SHARD_MAGIC.len() + 1 + 5 + size);
        file.extend_from_slice(&SHARD_MAGIC);
        file.push(FORMAT);
        put_varint(&mut file, entries.len() as u32);
        for (e, offset) in entries {
            put_varint(&mut file, e.term.len() as u32);
            file.extend_from_slice(e.term.as_bytes());
            e.body(offset, &mut file);
        }
        file
    }
}

/// Cuts a term's encoded postings into block files of about
/// `block_bytes`, appended to `blocks`, and returns their directory. The
/// postings are not decoded into a list: a block's first posting is
/// written again counting from document 0, the others are copied as they
/// are, since a gap stays the same inside a block.
fn cut_blocks(postings: &[u8], block_bytes: usize, blocks: &mut Vec<Vec<u8>>) -> Vec<BlockRef> {
    let mut refs = Vec::new();
    let (mut at, mut doc) = (0usize, 0u32);
    // The postings are this module's own encoding: a number that does not
    // read ends the walk.
    while let Some((v, next)) = read_posting(postings, at) {
        let mut head = Vec::with_capacity(16);
        head.extend_from_slice(&BLOCK_MAGIC);
        head.push(FORMAT);
        doc = doc.wrapping_add((v >> WEIGHT_BITS) as u32);
        let first_doc = doc;
        put_posting(&mut head, doc, (v & u64::from(WEIGHT_LEVELS - 1)) as u8);
        let (copied, mut count) = (next, 1);
        at = next;
        while at < postings.len() && head.len() + (at - copied) < block_bytes {
            let Some((v, next)) = read_posting(postings, at) else {
                at = postings.len();
                break;
            };
            doc = doc.wrapping_add((v >> WEIGHT_BITS) as u32);
            count += 1;
            at = next;
        }
        // Allocated at the size it ends with: a block is seldom full,
        // and room for a whole one each (128 kB at 10,000 digests with
        // route pages) took fresh pages from the system for every block
        // of every build.
        let mut file = Vec::with_capacity(head.len() + (at - copied));
        file.extend_from_slice(&head);
        file.extend_from_slice(&postings[copied..at]);
        refs.push(BlockRef { first_doc, count });
        blocks.push(file);
    }
    refs
}

/// The number at byte `at` of `bytes` and the offset after it; none at
/// the end or for a number that does not read.
#[inline]
fn read_posting(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let (mut v, mut shift) = (0u64, 0u32);
    loop {
        let b = *bytes.get(at)?;
        at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some((v, at));
        }
        shift += 7;
        if shift > 56 {
            return None;
        }
    }
}

/// The term weight a level stands for (the middle of its range, times
/// BM25's `k1 + 1`).
fn level_weight(level: u8) -> f32 {
    (f32::from(level) + 0.5) / f32::from(WEIGHT_LEVELS) * (K1 + 1.0)
}

/// BM25's inverse document frequency.
pub fn idf(df: u32, docs: u32) -> f32 {
    let (df, n) = (df as f32, docs as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// How much a match counts for its age: 1 today, ½ a year back.
pub fn recency(age_days: u32) -> f32 {
    1.0 / (1.0 + age_days as f32 / 365.0)
}

/// A document that holds every query term, with its BM25F score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub doc: u32,
    pub score: f32,
}

/// A query's lookup over the files loaded so far.
#[derive(Debug, Clone)]
pub struct Lookup {
    docs: u32,
    /// Per query term its entry, rarest first; `None` if no item has it.
    terms: Vec<(String, Option<Entry>)>,
    /// Terms in more than one item in [`COMMON_SHARE`] beside a rarer
    /// one: their postings are not read (they would cost a block per few
    /// hits and barely move the ranking); the verbatim check on the text
    /// of each hit shown stands in for them.
    common: Vec<(String, u32)>,
    /// The block files loaded, by number.
    blocks: Vec<(u32, Vec<Posting>)>,
}

/// A term in more than `docs / COMMON_SHARE` items, and more than
/// [`COMMON_MIN`], is common (a small site reads every term).
pub const COMMON_SHARE: u32 = 8;
pub const COMMON_MIN: u32 = 2000;

/// What a lookup has found so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    /// Documents holding every term, newest first.
    pub hits: Vec<Hit>,
    /// Whether every document was looked at (else more may follow).
    pub complete: bool,
}

impl Lookup {
    /// The lookup of `terms` (from [`query_terms`]) given the loaded
    /// shards: `shards` pairs a shard's number with its entries.
    pub fn new<S: std::borrow::Borrow<ShardEntries>>(
        terms: &[String],
        shards: &[(u32, S)],
        info: &SearchInfo,
    ) -> Lookup {
        let mut terms: Vec<(String, Option<Entry>)> = terms
            .iter()
            .map(|t| {
                let n = shard_of_term(t, info.shards);
                let entry = (shards.iter())
                    .find(|(m, _)| *m == n)
                    .and_then(|(_, s)| s.borrow().get(t))
                    .cloned();
                (t.clone(), entry)
            })
            .collect();
        crate::order::sort_by_key(&mut terms, |(_, e)| e.as_ref().map_or(0, Entry::df));
        let cut = (info.docs / COMMON_SHARE).max(COMMON_MIN);
        let mut common = Vec::new();
        let mut kept = Vec::new();
        for (i, (t, e)) in terms.into_iter().enumerate() {
            match e {
                Some(e) if i > 0 && e.df() > cut => common.push((t, e.df())),
                e => kept.push((t, e)),
            }
        }
        Lookup {
            docs: info.docs,
            terms: kept,
            common,
            blocks: Vec::new(),
        }
    }

    /// The shards a query's terms live in.
    pub fn shards_of(terms: &[String], info: &SearchInfo) -> Vec<u32> {
        let mut out: Vec<u32> = terms
            .iter()
            .map(|t| shard_of_term(t, info.shards))
            .collect();
        crate::order::sort_by(&mut out, u32::cmp);
        out.dedup();
        out
    }

    /// The terms, rarest first, with their document frequency (0 when no
    /// item has the term).
    pub fn terms(&self) -> Vec<(String, u32)> {
        let read = self
            .terms
            .iter()
            .map(|(t, e)| (t.clone(), e.as_ref().map_or(0, Entry::df)));
        let mut out: Vec<(String, u32)> = read.chain(self.common.iter().cloned()).collect();
        crate::order::sort_by_key(&mut out, |t| t.1);
        out
    }

    /// Whether every term's postings are read, so each hit holds every
    /// term (else the common terms are left to the check on the text).
    pub fn exact(&self) -> bool {
        self.common.is_empty()
    }

    /// The block file `file` and what it should hold, if a term of this
    /// lookup names it.
    pub fn block_ref(&self, file: u32) -> Option<BlockRef> {
        self.terms.iter().find_map(|(_, e)| match e {
            Some(Entry::Blocked {
                first_file, blocks, ..
            }) => file
                .checked_sub(*first_file)
                .and_then(|i| blocks.get(i as usize))
                .copied(),
            _ => None,
        })
    }

    /// Adds a loaded block file.
    pub fn add_block(&mut self, file: u32, postings: Vec<Posting>) {
        match self.blocks.iter_mut().find(|(f, _)| *f == file) {
            Some((_, p)) => *p = postings,
            None => self.blocks.push((file, postings)),
        }
    }

    /// The postings of block file `file`, if loaded.
    fn block(blocks: &[(u32, Vec<Posting>)], file: u32) -> Option<&[Posting]> {
        (blocks.iter())
            .find(|(f, _)| *f == file)
            .map(|(_, p)| p.as_slice())
    }

    /// The driver's postings (the rarest term) in order, and where they
    /// stop for want of a block: `Err(file)` is the first block missing.
    fn driver(&self) -> (Vec<Posting>, Option<u32>) {
        match self.terms.first().and_then(|(_, e)| e.as_ref()) {
            Some(Entry::Inline { postings, .. }) => (postings.clone(), None),
            Some(Entry::Blocked {
                first_file, blocks, ..
            }) => {
                let mut out = Vec::new();
                for i in 0..blocks.len() as u32 {
                    match Self::block(&self.blocks, first_file + i) {
                        Some(p) => out.extend_from_slice(p),
                        None => return (out, Some(first_file + i)),
                    }
                }
                (out, None)
            }
            None => (Vec::new(), None),
        }
    }

    /// The weight of `term` in `doc`: `Ok(None)` if it lacks it, `Err`
    /// with the block file to load if that is not known yet.
    fn weight_in(
        entry: &Entry,
        doc: u32,
        blocks: &[(u32, Vec<Posting>)],
    ) -> Result<Option<u8>, u32> {
        let find = |p: &[Posting]| {
            p.binary_search_by_key(&doc, |p| p.doc)
                .ok()
                .map(|i| p[i].weight)
        };
        match entry {
            Entry::Inline { postings, .. } => Ok(find(postings)),
            Entry::Blocked {
                first_file,
                blocks: refs,
                ..
            } => {
                let i = refs.partition_point(|b| b.first_doc <= doc);
                if i == 0 {
                    return Ok(None);
                }
                let file = first_file + i as u32 - 1;
                Self::block(blocks, file).map(find).ok_or(file)
            }
        }
    }

    /// Walks the driver newest first: the hits up to the first document
    /// that needs a block not loaded, and the blocks the next `want`
    /// documents need.
    fn walk(&self, want: usize) -> (Found, Vec<u32>) {
        if self.terms.is_empty() || self.terms.iter().any(|(_, e)| e.is_none()) {
            return (
                Found {
                    hits: Vec::new(),
                    complete: true,
                },
                Vec::new(),
            );
        }
        let idf: Vec<f32> = self
            .terms
            .iter()
            .map(|(_, e)| idf(e.as_ref().map_or(0, Entry::df), self.docs))
            .collect();
        let (driver, stopped) = self.driver();
        let mut hits = Vec::new();
        let mut missing: Vec<u32> = Vec::new();
        // Documents past the first one that needs a missing block: they
        // may be hits once their blocks are loaded.
        let mut pending = 0;
        let mut cut = false;
        'docs: for p in &driver {
            let mut score = idf[0] * level_weight(p.weight);
            let mut need = Vec::new();
            for ((_, e), idf) in self.terms.iter().zip(&idf).skip(1) {
                match e.as_ref().map(|e| Self::weight_in(e, p.doc, &self.blocks)) {
                    Some(Ok(Some(w))) => score += idf * level_weight(w),
                    Some(Err(file)) => need.push(file),
                    _ => continue 'docs,
                }
            }
            if need.is_empty() && pending == 0 {
                hits.push(Hit { doc: p.doc, score });
            } else {
                pending += 1;
                missing.extend(need);
            }
            if hits.len() + pending >= want {
                cut = true;
                break;
            }
        }
        if let Some(file) = stopped {
            if hits.len() + pending < want {
                missing.push(file);
            }
        }
        crate::order::sort_by(&mut missing, u32::cmp);
        missing.dedup();
        let complete = !cut && stopped.is_none() && pending == 0;
        (Found { hits, complete }, missing)
    }

    /// What is found with the files loaded so far.
    pub fn found(&self) -> Found {
        self.walk(usize::MAX).0
    }

    /// The block files to load next for `want` hits (none when the loaded
    /// files already give them, or give every hit there is).
    pub fn missing(&self, want: usize) -> Vec<u32> {
        let (found, missing) = self.walk(want);
        if found.hits.len() >= want || found.complete {
            Vec::new()
        } else {
            missing
        }
    }
}

/// The snippet of `text` around the first occurrence of a query part:
/// about `width` characters, cut at character boundaries, with the ranges
/// (relative to the snippet) of every part's occurrence.
pub fn snippet(
    text: &str,
    parts: &[String],
    width: usize,
) -> (String, Vec<std::ops::Range<usize>>) {
    let first = parts
        .iter()
        .filter_map(|p| occurrences(text, p).into_iter().next())
        .map(|r| r.start)
        .min()
        .unwrap_or(0);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = chars.partition_point(|(i, _)| *i < first);
    let from = at.saturating_sub(width / 4);
    let to = (from + width).min(chars.len());
    let start = chars.get(from).map_or(text.len(), |c| c.0);
    let end = chars.get(to).map_or(text.len(), |c| c.0);
    let mut s = String::new();
    if from > 0 {
        s.push('…');
    }
    let offset = s.len();
    s.push_str(&text[start..end].replace('\n', " "));
    let body_len = s.len();
    if to < chars.len() {
        s.push('…');
    }
    let mut ranges: Vec<std::ops::Range<usize>> = parts
        .iter()
        .flat_map(|p| occurrences(&s[offset..body_len], p))
        .map(|r| r.start + offset..r.end + offset)
        .collect();
    crate::order::sort_by_key(&mut ranges, |r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    (s, merged)
}

/// Document numbers to (list row, item index), from the index's item
/// count per row.
#[derive(Debug, Clone, Default)]
pub struct DocRows {
    starts: Vec<u32>,
}

impl DocRows {
    pub fn new(items_per_row: &[u32]) -> DocRows {
        let mut starts = Vec::with_capacity(items_per_row.len() + 1);
        let mut at = 0u32;
        for &n in items_per_row {
            starts.push(at);
            at = at.saturating_add(n);
        }
        starts.push(at);
        DocRows { starts }
    }

    /// The row and item of `doc`.
    pub fn locate(&self, doc: u32) -> Option<(u32, u32)> {
        let row = self.starts.partition_point(|&s| s <= doc).checked_sub(1)?;
        let next = *self.starts.get(row + 1)?;
        (doc < next).then(|| (row as u32, doc - self.starts[row]))
    }

    /// Total documents.
    pub fn docs(&self) -> u32 {
        self.starts.last().copied().unwrap_or(0)
    }
}

/// `hits` ranked: BM25F score times [`recency`] (age from the newest
/// digest), best first; ties newest first. `dates` are the index's row
/// dates (`YYYYMMDD`).
pub fn rank(hits: &[Hit], rows: &DocRows, dates: &[u32]) -> Vec<Hit> {
    let day = |n: u32| crate::date::Date::from_number(n).map(|d| d.days());
    let newest = dates.iter().filter_map(|&n| day(n)).max().unwrap_or(0);
    let mut out: Vec<Hit> = hits
        .iter()
        .map(|h| {
            let age = rows
                .locate(h.doc)
                .and_then(|(row, _)| dates.get(row as usize))
                .and_then(|&n| day(n))
                .map_or(0, |d| (newest - d).clamp(0, i64::from(u32::MAX)) as u32);
            Hit {
                doc: h.doc,
                score: h.score * recency(age),
            }
        })
        .collect();
    crate::order::sort_by(&mut out, |a, b| {
        b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc))
    });
    out
}

/// The terms of one query part put back into the words they came from:
/// overlapping bigrams chain (英伟 伟达 → 英伟达), for telling the reader
/// what a relaxed search kept.
pub fn join_terms(terms: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in terms {
        let chars: Vec<char> = t.chars().collect();
        let joined = match (out.last_mut(), chars.as_slice()) {
            (Some(last), [a, b])
                if is_cjk(*a) && last.ends_with(*a) && last.chars().all(is_cjk) =>
            {
                last.push(*b);
                true
            }
            _ => false,
        };
        if !joined {
            out.push(t.clone());
        }
    }
    out
}

/// The query's terms with one left out, each way in turn: the relaxed
/// queries to try when the whole query finds nothing.
pub fn relaxed(terms: &[String]) -> Vec<Vec<String>> {
    if terms.len() < 2 {
        return Vec::new();
    }
    (0..terms.len())
        .map(|skip| {
            terms
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, t)| t.clone())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index_terms;
    use std::collections::HashSet;

    #[test]
    fn separators_fold_to_one_character_that_is_neither_cjk_nor_a_word() {
        let mut seen = 0;
        for c in (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| is_separator(c))
        {
            let folded: Vec<char> = fold(c).collect();
            assert_eq!(folded.len(), 1, "U+{:04X}", c as u32);
            assert!(
                !is_cjk(folded[0]) && !folded[0].is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
            seen += 1;
        }
        assert!(seen > 100);
    }

    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    const PIECES: [&str; 18] = [
        "英", "伟", "达", "大", "模", "型", "芯", "片", "发", "布", " AI ", "，", " OpenAI ",
        " gpt ", " 4o ", "。", " nvidia ", "ＡＩ",
    ];

    /// A corpus where some pieces are everywhere (blocked terms) and some
    /// rare (inline terms).
    fn corpus(n: usize, seed: u64) -> Vec<String> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                let len = 3 + (next(&mut state) % 12) as usize;
                let mut text = String::from(" AI ");
                for _ in 0..len {
                    // Zipf-ish: low pieces far more often.
                    let r = next(&mut state) % 1000;
                    let i = ((r * r) / 1000 * PIECES.len() as u64 / 1000) as usize;
                    text.push_str(PIECES[i.min(PIECES.len() - 1)]);
                }
                text
            })
            .collect()
    }

    fn build(texts: &[String], max_files: usize) -> (Files, Vec<(u32, ShardEntries)>) {
        let mut b = Builder::default();
        for t in texts {
            b.add(&[(t.clone(), BODY_WEIGHT)]);
        }
        let files = b.finish(max_files);
        let shards = files
            .shards
            .iter()
            .enumerate()
            .map(|(n, bytes)| {
                (
                    n as u32,
                    read_shard(bytes, &files.info).expect("shard reads back"),
                )
            })
            .collect();
        (files, shards)
    }

    /// Runs a lookup to the end the way the app does, in rounds.
    fn run(
        files: &Files,
        shards: &[(u32, ShardEntries)],
        query: &str,
        want: usize,
    ) -> (Found, usize) {
        let mut l = Lookup::new(&query_terms(query), shards, &files.info);
        let mut rounds = 0;
        loop {
            let missing = l.missing(want);
            if missing.is_empty() {
                return (l.found(), rounds);
            }
            rounds += 1;
            for f in missing {
                let block = l.block_ref(f).expect("a block the lookup names");
                let postings = read_block(&files.blocks[f as usize], block, &files.info)
                    .expect("block reads back");
                l.add_block(f, postings);
            }
        }
    }

    #[test]
    fn lookups_find_exactly_the_documents_with_every_term() {
        let texts = corpus(5000, 3);
        let (files, shards) = build(&texts, 10_000);
        assert!(
            files.info.blocks > 0,
            "the common terms are cut into blocks"
        );
        let sets: Vec<HashSet<String>> = texts
            .iter()
            .map(|t| index_terms(t).into_iter().collect())
            .collect();
        for q in [
            "AI",
            "英伟达",
            "芯",
            "OpenAI 芯片",
            "大模型 gpt",
            "nvidia 4o 发布",
            "ai ＡＩ",
            "达芯",
            "没有",
        ] {
            let terms = query_terms(q);
            let expected: Vec<u32> = (0..texts.len() as u32)
                .filter(|&d| terms.iter().all(|t| sets[d as usize].contains(t)))
                .collect();
            let (all, _) = run(&files, &shards, q, usize::MAX);
            assert!(all.complete, "{q}");
            let got: Vec<u32> = all.hits.iter().map(|h| h.doc).collect();
            let exact = Lookup::new(&terms, &shards, &files.info).exact();
            if exact {
                assert_eq!(got, expected, "{q}");
            } else {
                // Common terms are left to the check on the text: a
                // superset, never a miss.
                assert!(expected.iter().all(|d| got.binary_search(d).is_ok()), "{q}");
            }
            // Asking for a first page reads only a prefix, newest first.
            let (page, _) = run(&files, &shards, q, 10);
            let first: Vec<u32> = page.hits.iter().map(|h| h.doc).take(10).collect();
            assert_eq!(
                first,
                got.iter().copied().take(10).collect::<Vec<_>>(),
                "{q}"
            );
        }
    }

    #[test]
    fn common_terms_beside_a_rarer_one_read_no_blocks() {
        let texts = corpus(30_000, 4);
        let (files, shards) = build(&texts, 10_000);
        let terms = query_terms("AI 英伟达");
        let l = Lookup::new(&terms, &shards, &files.info);
        assert!(!l.exact(), "AI is in every text");
        assert_eq!(l.terms().last().map(|t| t.1), Some(30_000));
        // Only the rarer term's postings are read.
        let rarer = Lookup::new(&query_terms("英伟达"), &shards, &files.info);
        assert_eq!(l.missing(10), rarer.missing(10));
        assert_eq!(l.found(), rarer.found());
    }

    #[test]
    fn a_first_page_of_a_common_term_reads_one_block() {
        let texts = corpus(30_000, 4);
        let (files, shards) = build(&texts, 10_000);
        let mut l = Lookup::new(&query_terms("AI"), &shards, &files.info);
        let missing = l.missing(10);
        assert_eq!(missing.len(), 1, "the newest block of the term only");
        let f = missing[0];
        let b = l.block_ref(f).expect("named");
        l.add_block(
            f,
            read_block(&files.blocks[f as usize], b, &files.info).expect("reads"),
        );
        assert!(l.missing(10).is_empty());
        let found = l.found();
        assert!(!found.complete && found.hits.len() >= 10);
    }

    #[test]
    fn every_verbatim_query_is_found() {
        let texts = corpus(800, 9);
        let (files, shards) = build(&texts, 10_000);
        let mut state = 11u64;
        for _ in 0..300 {
            let d = (next(&mut state) % texts.len() as u64) as usize;
            let chars: Vec<char> = texts[d].chars().collect();
            let a = (next(&mut state) % chars.len() as u64) as usize;
            let b = (a + 1 + (next(&mut state) % 4) as usize).min(chars.len());
            let q: String = chars[a..b].iter().collect();
            if !verbatim(&texts[d], &q) {
                // A cut through a Latin word is not a verbatim word match.
                continue;
            }
            let (found, _) = run(&files, &shards, &q, usize::MAX);
            assert!(
                found.hits.iter().any(|h| h.doc == d as u32),
                "{q:?} misses doc {d}"
            );
            let scan = texts.iter().filter(|t| verbatim(t, &q)).count();
            assert!(
                found.hits.len() >= scan,
                "{q:?}: {} found, {scan} by scan",
                found.hits.len()
            );
        }
    }

    #[test]
    fn collected_terms_are_the_tokenizers() {
        for text in corpus(300, 21)
            .iter()
            .chain(&["ＡＩ芯片，GPT-4o 和 OpenAI。한국어 カタカナ".to_string()])
        {
            let mut b = Builder::default();
            b.add(&[(text.clone(), BODY_WEIGHT), (text.clone(), TITLE_WEIGHT)]);
            let mut expected: HashMap<String, u16> = HashMap::new();
            for t in index_terms(text) {
                *expected.entry(t).or_default() += BODY_WEIGHT + TITLE_WEIGHT;
            }
            let files = b.finish(10);
            let shards: Vec<(u32, ShardEntries)> = (files.shards.iter().enumerate())
                .map(|(n, f)| (n as u32, read_shard(f, &files.info).expect("reads")))
                .collect();
            let got: HashSet<String> = (shards.iter())
                .flat_map(|(_, s)| s.terms().map(str::to_string))
                .collect();
            assert_eq!(
                got,
                expected.keys().cloned().collect::<HashSet<_>>(),
                "{text}"
            );
        }
    }

    #[test]
    fn an_entrys_length_is_what_is_written() {
        for v in [
            0,
            1,
            0x7f,
            0x80,
            0x3fff,
            0x4000,
            0x1f_ffff,
            0x20_0000,
            u32::MAX,
        ] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(varint_len(v), out.len(), "{v}");
        }
        // Common terms get blocks and a directory, rare ones inline
        // postings: both kinds, with block numbers of every length.
        let texts = corpus(6000, 8);
        let parts: Vec<Encoded> = {
            let builders = parts_of(&texts);
            let weights = builders[0].weights();
            builders.into_iter().map(|b| b.encode(&weights)).collect()
        };
        let (mut inline, mut blocked) = (0, 0);
        for part in &parts {
            let cut = Files::cut(part, 64);
            for e in &cut.entries {
                for offset in [0, 100, 20_000, 3_000_000] {
                    let mut body = Vec::new();
                    e.body(offset, &mut body);
                    assert_eq!(e.body_len(offset), body.len(), "{}", e.term);
                }
                match e.inline {
                    Some(_) => inline += 1,
                    None => blocked += 1,
                }
            }
        }
        assert!(
            inline > 0 && blocked > 0,
            "{inline} inline, {blocked} blocked"
        );
    }

    #[test]
    fn builders_of_parts_assemble_into_the_same_index() {
        // The whole index counts each document afresh; the parts reuse
        // one counter, as the build step does.
        let texts = corpus(2000, 8);
        let (whole, _) = build(&texts, 1000);
        let mut parts: Vec<Builder> = (0..PARTS).map(|_| Builder::default()).collect();
        let mut counter = TermCounter::default();
        for t in &texts {
            let terms = counter.count(&[(t.clone(), BODY_WEIGHT)]);
            for (p, b) in parts.iter_mut().enumerate() {
                b.push_part(&terms, p);
            }
        }
        let merged = assembled(parts);
        same_files(&merged, &whole);
    }

    #[test]
    fn documents_pushed_in_batches_make_the_same_index() {
        let texts = corpus(2000, 8);
        let (whole, _) = build(&texts, 1000);
        let mut parts: Vec<Builder> = (0..PARTS).map(|_| Builder::default()).collect();
        let mut counter = TermCounter::default();
        // Batches of uneven length, one of a single document, one empty.
        for run in [0..700, 700..701, 701..701, 701..1999, 1999..2000] {
            let batch = Batch::of(
                (texts[run].iter())
                    .map(|t| counter.count(&[(t.clone(), BODY_WEIGHT), ("title words".into(), 3)]))
                    .collect(),
            );
            for (p, b) in parts.iter_mut().enumerate() {
                b.push_batch(&batch, p);
            }
        }
        let mut one_by_one: Vec<Builder> = (0..PARTS).map(|_| Builder::default()).collect();
        for t in &texts {
            let terms = counter.count(&[(t.clone(), BODY_WEIGHT), ("title words".into(), 3)]);
            for (p, b) in one_by_one.iter_mut().enumerate() {
                b.push_part(&terms, p);
            }
        }
        let (batched, single) = (assembled(parts), assembled(one_by_one));
        assert_eq!(batched.info.docs, 2000);
        same_files(&batched, &single);
        // And without the title words, the whole index's.
        let mut parts: Vec<Builder> = (0..PARTS).map(|_| Builder::default()).collect();
        let batch = Batch::of(
            (texts.iter())
                .map(|t| counter.count(&[(t.clone(), BODY_WEIGHT)]))
                .collect(),
        );
        for (p, b) in parts.iter_mut().enumerate() {
            b.push_batch(&batch, p);
        }
        let batched = assembled(parts);
        same_files(&batched, &whole);
    }

    /// The index the builders of the parts hold, as the build step
    /// assembles it (at most 1,000 files).
    fn assembled(parts: Vec<Builder>) -> Files {
        let weights = parts[0].weights();
        let docs = parts[0].docs();
        let encoded: Vec<Encoded> = parts.into_iter().map(|b| b.encode(&weights)).collect();
        Files::assemble(&encoded, docs, 1000)
    }

    fn same_files(a: &Files, b: &Files) {
        assert_eq!(a.info, b.info);
        assert_eq!(a.shards, b.shards);
        assert_eq!(a.blocks, b.blocks);
    }

    /// The builders of the parts fed `texts`.
    fn parts_of(texts: &[String]) -> Vec<Builder> {
        let mut parts: Vec<Builder> = (0..PARTS).map(|_| Builder::default()).collect();
        for t in texts {
            let terms = doc_terms(&[(t.clone(), BODY_WEIGHT)]);
            for (p, b) in parts.iter_mut().enumerate() {
                b.push_part(&terms, p);
            }
        }
        parts
    }

    #[test]
    fn segments_of_runs_append_into_the_same_index() {
        let texts = corpus(900, 11);
        let (whole, _) = build(&texts, 1000);
        // Runs of uneven length, one of a single document.
        let segments: Vec<Vec<u8>> = [0..300, 300..301, 301..650, 650..900]
            .into_iter()
            .map(|run| segment(&parts_of(&texts[run])))
            .collect();
        let mut parts: Vec<Builder> = (0..PARTS).map(|_| Builder::default()).collect();
        for bytes in &segments {
            let segment = Segment::read(bytes).expect("a segment");
            for (p, b) in parts.iter_mut().enumerate() {
                b.append(&segment, p).expect("appended");
            }
        }
        assert_eq!(parts[0].docs(), 900);
        same_files(&assembled(parts), &whole);
    }

    #[test]
    fn encoded_terms_read_back_as_they_were_written() {
        let texts: Vec<String> = ["人工智能 news", "大模型 and 人工智能", "one more 新闻"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let parts = parts_of(&texts);
        let weights = parts[0].weights();
        let encoded: Vec<Encoded> = parts.into_iter().map(|b| b.encode(&weights)).collect();
        let mut bytes = Vec::new();
        for e in &encoded {
            let before = bytes.len();
            e.write(&mut bytes);
            assert_eq!(bytes.len() - before, e.written_len());
        }
        assert!(encoded.iter().any(|e| !e.keys.is_empty()));
        let mut rest = &bytes[..];
        for e in &encoded {
            let (read, after) = Encoded::read(rest).expect("read back");
            assert_eq!(&read, e);
            rest = after;
        }
        assert!(rest.is_empty());
        // Cut short anywhere, it is an error, not a panic.
        for cut in [1, bytes.len() / 2, bytes.len() - 1] {
            let mut rest = &bytes[..cut];
            let mut failed = false;
            for _ in &encoded {
                match Encoded::read(rest) {
                    Ok((_, after)) => rest = after,
                    Err(_) => {
                        failed = true;
                        break;
                    }
                }
            }
            assert!(failed, "cut at {cut}");
        }
    }

    /// Splices the runs `changed_before` of `before` (texts cut into
    /// `runs_before`) into their index, as the runs `changed_after` of
    /// `after`, and checks the files against a full build of `after`;
    /// returns the files, their shards and how many terms were touched.
    fn splice_and_compare(
        (before, runs_before): (&[String], &[std::ops::Range<usize>]),
        (after, runs_after): (&[String], &[std::ops::Range<usize>]),
        changed_before: std::ops::Range<usize>,
        changed_after: std::ops::Range<usize>,
    ) -> (Files, Vec<(u32, ShardEntries)>, usize) {
        let segments_of = |texts: &[String], runs: &[std::ops::Range<usize>]| -> Vec<Vec<u8>> {
            (runs.iter().cloned())
                .map(|run| segment(&parts_of(&texts[run])))
                .collect()
        };
        let (seg_before, seg_after) = (
            segments_of(before, runs_before),
            segments_of(after, runs_after),
        );
        let (parts, weights) = appended(&seg_before);
        let old: Vec<Encoded> = parts.into_iter().map(|b| b.encode(&weights)).collect();
        let total_terms: usize = old.iter().map(|e| e.keys.len()).sum();
        fn read(b: &[Vec<u8>]) -> Vec<Segment<'_>> {
            b.iter()
                .map(|b| Segment::read(b).expect("a segment"))
                .collect()
        }
        let (seg_before, seg_after) = (read(&seg_before), read(&seg_after));
        let change = Change {
            first: runs_before[changed_before.start].start as u32,
            before: seg_before[changed_before].iter().collect(),
            after: seg_after[changed_after].iter().collect(),
        };
        let lens: Vec<u32> = seg_after.iter().flat_map(|s| s.lens().to_vec()).collect();
        let new_weights = Weights::of(&lens);
        assert!(new_weights.same_average(&weights));
        let mut touched = 0;
        let spliced: Vec<Encoded> = (old.into_iter().enumerate())
            .map(|(p, e)| {
                // The same terms read back from a last index (held in its
                // bytes, not their own) splice the same.
                let mut bytes = b"before".to_vec();
                e.write(&mut bytes);
                let shared = std::sync::Arc::new(bytes);
                let (back, end) = Encoded::read_shared(&shared, 6).expect("read back");
                assert_eq!((&back, end), (&e, shared.len()));
                let (e, n) = e.splice(p, &change, &new_weights).expect("spliced");
                let (back, m) = back.splice(p, &change, &new_weights).expect("spliced");
                assert_eq!((&back, m), (&e, n));
                touched += n;
                e
            })
            .collect();
        let files = Files::assemble(&spliced, lens.len() as u32, 1000);
        let (full, shards) = build(after, 1000);
        same_files(&files, &full);
        assert!(full.blocks.len() > 1, "common terms have blocks");
        assert!(
            touched > 0 && touched < total_terms,
            "{touched} of {total_terms}"
        );
        (files, shards, touched)
    }

    #[test]
    fn changed_runs_splice_into_the_index_a_full_build_makes() {
        let runs = [0..5, 5..2500, 2500..2501, 2501..2510, 2510..6000];
        let mut before = corpus(6000, 11);
        before[2500].push_str(" vanishing 消失");
        // Two runs edited, the numbering kept: terms gone (some with
        // postings after the run), one new, more of a common one (whose
        // postings fill blocks), a document emptied of all but one term.
        let mut after = before.clone();
        after[2500] = " appearing 出现 的".into();
        after[2505].push_str(" 的 AI more");
        let (files, shards, _) = splice_and_compare((&before, &runs), (&after, &runs), 2..4, 2..4);
        assert_eq!(
            run(&files, &shards, "appearing", usize::MAX).0.hits.len(),
            1
        );
        assert!(run(&files, &shards, "vanishing", usize::MAX)
            .0
            .hits
            .is_empty());
    }

    #[test]
    fn an_edit_in_a_long_run_encodes_the_terms_of_the_edited_document_only() {
        let runs = [0..5, 5..2500, 2500..6000];
        let before = corpus(6000, 17);
        // A word added to one document of a run of ~2,500: its other
        // terms keep their counts in the run's segment, but its length,
        // and so the weight of each of its terms, changed.
        let mut after = before.clone();
        after[1000].push_str(" appended 附加");
        let (files, shards, touched) =
            splice_and_compare((&before, &runs), (&after, &runs), 1..2, 1..2);
        assert_eq!(run(&files, &shards, "appended", usize::MAX).0.hits.len(), 1);
        let parts = parts_of(&after[1000..1001]);
        let weights = parts[0].weights();
        let of_doc: usize = (parts.into_iter())
            .map(|b| b.encode(&weights).keys.len())
            .sum();
        assert!(
            touched <= of_doc,
            "{touched} terms, {of_doc} in the document"
        );
        // The run's segment holds more, each of which a splice of the
        // whole run would encode again.
        let (parts, _) = appended(&[segment(&parts_of(&after[5..2500]))]);
        let of_run: usize = parts.iter().map(|b| b.ids.len()).sum();
        assert!(
            of_run > 2 * of_doc,
            "{of_run} in the run, {of_doc} in the document"
        );
    }

    #[test]
    fn runs_of_more_or_fewer_documents_splice_in_and_number_the_rest_anew() {
        let before = corpus(6000, 13);
        let runs = [0..5, 5..2500, 2500..2501, 2501..6000];
        // A document added to a run in the middle: every later one is
        // numbered one more.
        let mut after = before.clone();
        after.insert(2501, " inserted 插入 的 AI".into());
        let grown = [0..5, 5..2500, 2500..2502, 2502..6001];
        let (files, shards, _) = splice_and_compare((&before, &runs), (&after, &grown), 2..3, 2..3);
        assert_eq!(run(&files, &shards, "inserted", usize::MAX).0.hits.len(), 1);
        // The first run gone: every document numbered five less.
        let shrunk: Vec<_> = runs[1..].iter().map(|r| r.start - 5..r.end - 5).collect();
        splice_and_compare((&before, &runs), (&before[5..], &shrunk), 0..1, 0..0);
        // A run in the middle cut in two, one of them a document shorter.
        let mut after = before.clone();
        after.remove(1000);
        let cut = [0..5, 5..1000, 1000..2499, 2499..2500, 2500..5999];
        splice_and_compare((&before, &runs), (&after, &cut), 1..2, 1..3);
    }

    /// Every document of `segments` appended to fresh builders of the
    /// parts, and their weights.
    fn appended(segments: &[Vec<u8>]) -> (Vec<Builder>, Weights) {
        let mut parts: Vec<Builder> = (0..PARTS).map(|_| Builder::default()).collect();
        for bytes in segments {
            let segment = Segment::read(bytes).expect("a segment");
            for (p, b) in parts.iter_mut().enumerate() {
                b.append(&segment, p).expect("appended");
            }
        }
        let weights = parts[0].weights();
        (parts, weights)
    }

    #[test]
    fn damaged_segments_are_refused() {
        let bytes = segment(&parts_of(&corpus(50, 3)));
        assert_eq!(Segment::read(&bytes).map(|s| s.docs()), Ok(50));
        assert!(Segment::read(&bytes[..bytes.len() - 1]).is_err());
        assert!(Segment::read(&[bytes.as_slice(), &[0]].concat()).is_err());
        assert!(Segment::read(b"tidings index segment").is_err());
        let mut other = bytes.clone();
        other[SEGMENT_MAGIC.len()] = FORMAT + 1;
        assert!(Segment::read(&other).is_err());
        // One document, one term in the first part, keyed `key`.
        let one_term = |key: Key| {
            let mut out = SEGMENT_MAGIC.to_vec();
            out.push(FORMAT);
            put_varint(&mut out, PARTS as u32);
            put_varint(&mut out, 1);
            put_varint(&mut out, 1);
            for p in 0..PARTS {
                put_varint(&mut out, u32::from(p == 0));
                if p == 0 {
                    out.extend_from_slice(&key.to_le_bytes());
                    out.extend_from_slice(&[1, 0, 2, 0, 1]);
                }
                put_varint(&mut out, 0);
            }
            out
        };
        assert_eq!(Segment::read(&one_term(0x4e2d)).map(|s| s.docs()), Ok(1));
        assert_eq!(
            Segment::read(&one_term(0)).map(|s| s.docs()),
            Err("a term without a key".to_string())
        );
    }

    #[test]
    fn the_file_budget_caps_the_shards() {
        let texts = corpus(3000, 5);
        let (files, _) = build(&texts, 10_000);
        let (few, shards) = build(&texts, files.info.blocks as usize + 2);
        assert!(few.info.shards <= 2 && few.shards.len() == few.info.shards as usize);
        let (found, _) = run(&few, &shards, "英伟达", usize::MAX);
        let (many_found, _) = run(&files, &build(&texts, 10_000).1, "英伟达", usize::MAX);
        assert_eq!(found, many_found);
    }

    #[test]
    fn damaged_files_are_refused() {
        let (files, _) = build(&corpus(200, 1), 100);
        let good = &files.shards[0];
        assert_eq!(
            read_shard(b"XX\x01", &files.info).expect_err("bad magic"),
            "not a search file of format 1"
        );
        assert!(read_shard(&good[..good.len() - 1], &files.info).is_err());
        let small = SearchInfo {
            docs: 3,
            ..files.info.clone()
        };
        assert!(read_shard(good, &small).is_err(), "documents out of range");
    }

    #[test]
    fn verbatim_matches_words_whole_and_cjk_anywhere() {
        let text = "英伟达发布 GPT-4o 芯片；OpenAI 回应";
        assert!(verbatim(text, "伟达发"));
        assert!(verbatim(text, "gpt-4o"));
        assert!(verbatim(text, "ＧＰＴ 芯片"));
        assert!(verbatim(text, "openai"));
        assert!(!verbatim(text, "open"), "Latin words are whole");
        assert!(!verbatim(text, "英伟达芯片"), "not contiguous");
        assert!(!verbatim(text, "  "));
    }

    #[test]
    fn plain_text_of_sanitised_html() {
        assert_eq!(
            plain_text(
                "<p>A &amp; <strong>英伟</strong>达</p><p>x&lt;y &#x4e2d;&#25991; &bogus; &</p>"
            ),
            "A & 英伟达\nx<y 中文 &bogus; &"
        );
    }

    #[test]
    fn snippets_center_the_first_hit_and_mark_every_part() {
        let text = "一二三四五六七八九十英伟达发布新芯片，OpenAI 回应。".repeat(2);
        let (s, marks) = snippet(&text, &["英伟达".into(), "openai".into()], 24);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        let marked: Vec<&str> = marks.iter().map(|r| &s[r.clone()]).collect();
        assert_eq!(marked, ["英伟达", "OpenAI"]);
    }

    #[test]
    fn ranking_weighs_score_by_age() {
        let rows = DocRows::new(&[1, 1]);
        let hits = [Hit { doc: 0, score: 1.0 }, Hit { doc: 1, score: 1.9 }];
        // A year older halves the score: the newer, weaker hit wins.
        let ranked = rank(&hits, &rows, &[20240526, 20230527]);
        assert_eq!(ranked.iter().map(|h| h.doc).collect::<Vec<_>>(), [0, 1]);
        let ranked = rank(&hits, &rows, &[20240526, 20240525]);
        assert_eq!(ranked.iter().map(|h| h.doc).collect::<Vec<_>>(), [1, 0]);
    }

    #[test]
    fn relaxed_terms_read_back_as_words() {
        let terms = query_terms("英伟达芯片");
        let kept: Vec<String> = terms.iter().filter(|t| *t != "达芯").cloned().collect();
        assert_eq!(join_terms(&kept), ["英伟达", "芯片"]);
        assert_eq!(join_terms(&query_terms("ai 大模型")), ["ai", "大模型"]);
        assert_eq!(relaxed(&terms).len(), 4);
    }

    #[test]
    fn doc_rows_map_numbers_to_items() {
        let rows = DocRows::new(&[2, 0, 3]);
        assert_eq!(rows.docs(), 5);
        let got: Vec<_> = (0..6).map(|d| rows.locate(d)).collect();
        assert_eq!(
            got,
            [
                Some((0, 0)),
                Some((0, 1)),
                Some((2, 0)),
                Some((2, 1)),
                Some((2, 2)),
                None
            ]
        );
    }
}
