//! Filtering the corpus: plain functions over the [`Index`], tested
//! natively against a brute-force scan of the full data.
//!
//! Filter state lives in the URL query: one repeatable key per facet
//! ([`Facet::key`]: `tag`, `cat`, `domain`, `section`), `op=or` (tags match
//! any instead of all), `from` and `to` (`YYYY-MM-DD`, inclusive), `q`
//! (text) and `page` (1-based).

use crate::date::Date;
use crate::facet::{Combine, Facet, PerFacet};
use crate::url::{decode_segment, encode_segment, Route};
use crate::{DigestSummary, Index, Item};

/// Query key: `op=or` makes tags match any instead of all.
pub const OP_KEY: &str = "op";
/// Query key of the first day.
pub const FROM_KEY: &str = "from";
/// Query key of the last day.
pub const TO_KEY: &str = "to";
/// Query key of the search text.
pub const TEXT_KEY: &str = "q";
/// Query key of the 1-based screen of the list.
pub const PAGE_KEY: &str = "page";

/// How several tags combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// A digest must carry every selected tag.
    #[default]
    And,
    /// A digest must carry at least one selected tag.
    Or,
}

/// What the digest list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The chosen terms of each facet, in the order they were chosen.
    pub terms: PerFacet<Vec<String>>,
    pub mode: Mode,
    /// First day, inclusive.
    pub from: Option<Date>,
    /// Last day, inclusive.
    pub to: Option<Date>,
    /// Text to find in titles, summaries and tags (case-insensitive).
    pub text: String,
}

/// The percent-decoded pairs of a URL query (`tag=a&q=x%20y`, with or
/// without its `?`), read as browsers read a query (`+` is a space): what
/// a link made by [`ListBase::href`] asks for, known before the router
/// has followed it.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| decode_segment(&s.replace('+', " "));
    (query.trim_start_matches('?').split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

impl Filter {
    /// Reads a filter from URL query pairs (already percent-decoded);
    /// unknown keys are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = Filter::default();
        for (key, raw) in pairs {
            let value = raw.trim();
            if value.is_empty() {
                continue;
            }
            if let Some(facet) = Facet::from_key(key) {
                let list = &mut f.terms[facet];
                if !list.iter().any(|v| v == value) {
                    list.push(value.to_string());
                }
                continue;
            }
            match key {
                OP_KEY => f.mode = if value == "or" { Mode::Or } else { Mode::And },
                FROM_KEY => f.from = Date::parse_day(value),
                TO_KEY => f.to = Date::parse_day(value),
                // Kept as typed: trimming would eat the space a user just
                // typed between two words of a search.
                TEXT_KEY => f.text = raw.to_string(),
                _ => {}
            }
        }
        f
    }

    /// The query string for this filter (with `?`, or empty), in a fixed
    /// order so equal filters give equal URLs.
    pub fn to_query(&self) -> String {
        self.to_query_with_page(1)
    }

    /// [`Filter::to_query`] on a given 1-based page.
    pub fn to_query_with_page(&self, page: u32) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (facet, terms) in self.terms.iter() {
            let key = facet.key();
            parts.extend(terms.iter().map(|t| format!("{key}={}", encode_segment(t))));
            if facet.spec().combine == Combine::AllOrAny && self.mode == Mode::Or && terms.len() > 1
            {
                parts.push(format!("{OP_KEY}=or"));
            }
        }
        if let Some(d) = self.from {
            parts.push(format!("{FROM_KEY}={d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("{TO_KEY}={d}"));
        }
        if !self.text.trim().is_empty() {
            parts.push(format!("{TEXT_KEY}={}", encode_segment(&self.text)));
        }
        if page > 1 {
            parts.push(format!("{PAGE_KEY}={page}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.iter().all(|(_, t)| t.is_empty())
            && self.from.is_none()
            && self.to.is_none()
            && self.text.trim().is_empty()
    }

    /// This filter with `term` of `facet` added, or removed if present.
    pub fn toggle(&self, facet: Facet, term: &str) -> Self {
        let mut f = self.clone();
        let list = &mut f.terms[facet];
        if let Some(i) = list.iter().position(|v| v == term) {
            list.remove(i);
        } else {
            list.push(term.to_string());
        }
        f
    }

    pub fn with_mode(&self, mode: Mode) -> Self {
        Filter {
            mode,
            ..self.clone()
        }
    }

    /// This filter narrowed to the days `from..=to`.
    pub fn with_range(&self, from: Option<Date>, to: Option<Date>) -> Self {
        Filter {
            from,
            to,
            ..self.clone()
        }
    }

    /// This filter with new text.
    pub fn with_text(&self, text: String) -> Self {
        Filter {
            text,
            ..self.clone()
        }
    }
}

/// Where a list view lives: `/`, or a tag's page, whose tag is implied and
/// kept out of the query. Links from a list view keep its base while the
/// base's tag stays chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ListBase {
    #[default]
    Home,
    Tag(String),
    /// `/items/`: the same filters over items instead of digests.
    Items,
}

impl ListBase {
    /// The filter of this view from its query pairs (the base's tag first).
    pub fn filter<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Filter {
        let mut f = Filter::from_pairs(pairs);
        if let ListBase::Tag(tag) = self {
            let tags = &mut f.terms[Facet::Tag];
            if !tags.contains(tag) {
                tags.insert(0, tag.clone());
            }
        }
        f
    }

    /// Digests a screen of this view shows (the items view shows their
    /// items, so fewer).
    pub fn per_screen(&self) -> usize {
        match self {
            ListBase::Items => ITEMS_VIEW_DIGESTS,
            _ => PER_SCREEN,
        }
    }

    /// The link to `filter` on 1-based screen `page`, from this view.
    pub fn href(&self, filter: &Filter, page: u32) -> String {
        match self {
            ListBase::Tag(tag) if filter.terms[Facet::Tag].contains(tag) => {
                let mut rest = filter.clone();
                rest.terms[Facet::Tag].retain(|t| t != tag);
                let mut query = rest.to_query_with_page(page);
                // `op` combines the base's tag with the others: it stays
                // even when only one other tag is left in the query.
                if filter.mode == Mode::Or && rest.terms[Facet::Tag].len() == 1 {
                    query.push(if query.is_empty() { '?' } else { '&' });
                    query.push_str(OP_KEY);
                    query.push_str("=or");
                }
                format!("{}{query}", Route::Tag(tag.clone()).url())
            }
            ListBase::Items => format!("{}{}", Route::Items.url(), filter.to_query_with_page(page)),
            _ => format!("{}{}", Route::Home.url(), filter.to_query_with_page(page)),
        }
    }
}

/// The items view of one term: `/items/?domain=163.com`.
pub fn items_of(facet: Facet, term: &str) -> String {
    ListBase::Items.href(&Filter::default().toggle(facet, term), 1)
}

/// A term id and how many digests match if it is chosen.
pub type Count = (u32, u32);

/// What a filter selects, and the counts to show beside each choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    /// Matching rows, in list order (newest first).
    pub rows: Vec<u32>,
    /// Items in the matching digests.
    pub items: u64,
    /// Per facet and term: the digests that choosing the term would leave
    /// (the other filters applied; for tags with AND, the tags already
    /// chosen too). Non-zero only, by count then name.
    pub counts: PerFacet<Vec<Count>>,
    /// Per month (`YYYYMM`): matching digests, ignoring the date filter.
    pub months: Vec<Count>,
}

/// The index's ids of `names`; a name the index lacks maps to `None`.
fn ids(table: &[String], names: &[String]) -> Vec<Option<u32>> {
    names
        .iter()
        .map(|n| {
            table
                .iter()
                .position(|t| t == n)
                .and_then(|i| u32::try_from(i).ok())
        })
        .collect()
}

/// Whether a row's terms satisfy the chosen ones: every one (`all`) or at
/// least one. Nothing chosen always matches; an unknown term never does.
fn matches(row: &[u32], wanted: &[Option<u32>], all: bool) -> bool {
    let has = |id: &Option<u32>| id.is_some_and(|id| row.binary_search(&id).is_ok());
    wanted.is_empty()
        || if all {
            wanted.iter().all(has)
        } else {
            wanted.iter().any(has)
        }
}

/// Applies `filter` to the index. `text_match`, when the filter has text,
/// says per row whether the text matched (the index holds no titles).
/// Rows or ids out of range (a damaged index) count as absent.
pub fn apply(index: &Index, filter: &Filter, text_match: Option<&[bool]>) -> Results {
    let columns = PerFacet::from_fn(|f| index.column(f));
    let wanted = PerFacet::from_fn(|f| ids(columns[f].names, &filter.terms[f]));
    let all_of =
        PerFacet::from_fn(|f| f.spec().combine == Combine::AllOrAny && filter.mode == Mode::And);
    // Only the facets with chosen terms can fail a row.
    let chosen: Vec<Facet> = Facet::ALL
        .into_iter()
        .filter(|&f| !wanted[f].is_empty())
        .collect();
    let (from, to) = (filter.from.map(Date::number), filter.to.map(Date::number));
    let dated = from.is_some() || to.is_some();
    let has_text = !filter.text.trim().is_empty();
    let mut out = Results::default();
    // Per row, the conditions it fails as bits (facet `i` is bit `i`, the
    // dates the next, a text mismatch all of them): a row failing none is
    // a result and counts for everything; failing one, it counts only for
    // what leaving that one out would let in; failing two or more (most
    // rows under a filter), for nothing.
    const DATES: u32 = 1 << Facet::ALL.len();
    const TEXT: u32 = u32::MAX;
    let bit = |f: Facet| 1u32 << (f as u32);
    let failed: Vec<u32> = index
        .dates
        .iter()
        .enumerate()
        .map(|(r, &day)| {
            if has_text && !text_match.is_some_and(|m| m.get(r).copied().unwrap_or(false)) {
                return TEXT;
            }
            let mut failed = 0u32;
            for &f in &chosen {
                let row = columns[f].rows.get(r).map_or(&[][..], Vec::as_slice);
                if !matches(row, &wanted[f], all_of[f]) {
                    failed |= bit(f);
                }
            }
            if dated && !(from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)) {
                failed |= DATES;
            }
            failed
        })
        .collect();
    // Rows come newest first, so a month's rows mostly follow each other:
    // each run of one month touches the list once. The months are kept
    // newest first by a binary search (a `BTreeMap` brought the tree's
    // code into the wasm for this one map).
    let mut months: Vec<Count> = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    for (r, (&day, &failed)) in index.dates.iter().zip(&failed).enumerate() {
        if failed & !DATES == 0 {
            let month = day / 100;
            match &mut run {
                Some((m, n)) if *m == month => *n += 1,
                _ => {
                    if let Some((m, n)) = run.replace((month, 1)) {
                        add_month(&mut months, m, n);
                    }
                }
            }
        }
        if failed == 0 {
            out.rows.push(r as u32);
            out.items += u64::from(index.items.get(r).copied().unwrap_or(0));
        }
    }
    if let Some((m, n)) = run {
        add_month(&mut months, m, n);
    }
    // Counted a facet at a time (its counts stay in cache): with AND, a
    // term's count is what adding it to the chosen ones would leave;
    // otherwise what choosing it in its facet would.
    out.counts = PerFacet::from_fn(|f| {
        let skippable = if all_of[f] { 0 } else { bit(f) };
        let mut counts = vec![0u32; columns[f].names.len()];
        for (row, &failed) in columns[f].rows.iter().zip(&failed) {
            if failed & !skippable == 0 {
                for &id in row {
                    if let Some(c) = counts.get_mut(id as usize) {
                        *c += 1;
                    }
                }
            }
        }
        ranked(&counts)
    });
    out.months = months;
    out
}

/// `n` more rows in month `m`, in `months` kept newest first.
fn add_month(months: &mut Vec<Count>, m: u32, n: u32) {
    match months.binary_search_by(|&(k, _)| m.cmp(&k)) {
        Ok(at) => {
            if let Some((_, count)) = months.get_mut(at) {
                *count += n;
            }
        }
        Err(at) => months.insert(at, (m, n)),
    }
}

/// The non-zero counts, most first, then by name. A string table's
/// numbers are in its names' order ([`build_index`] sorts it, and the
/// index's check refuses one that is not), so the stable sort by count of
/// the terms taken in number order breaks ties by name without comparing
/// a name: at 10,000 digests citing 7,950 sources, comparing the names of
/// the many sources cited once was most of a filter change's counting.
fn ranked(counts: &[u32]) -> Vec<Count> {
    let mut v: Vec<Count> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| (i as u32, *c))
        .collect();
    crate::order::sort_by(&mut v, |a, b| b.1.cmp(&a.1));
    v
}

/// `s` in lower case, a character at a time: `str::to_lowercase` but for
/// a Greek capital sigma at the end of a word (σ here, ς there), the same
/// on both sides of every comparison below. The app then carries one case
/// mapping, not two (without `str::to_lowercase` its wasm was 5.6 kB
/// smaller, 1.8 kB in brotli).
pub fn lower(s: &str) -> String {
    s.chars().flat_map(crate::case::lowercase).collect()
}

/// Whether a list entry contains `needle` (lower-cased by [`lower`]) in
/// its title, summary or tags.
pub fn text_matches(d: &DigestSummary, needle_lower: &str) -> bool {
    lower(&d.title).contains(needle_lower)
        || lower(&d.summary).contains(needle_lower)
        || d.tags.iter().any(|t| lower(t).contains(needle_lower))
}

/// A facet choice: name, digests if chosen, whether it is chosen, and its
/// link (a site path, before the site's base path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub count: u32,
    pub active: bool,
    pub href: String,
}

/// How many of the terms behind "all tags (N)" the box shows at once,
/// about what its scrolled area holds on a desktop; the rest are found by
/// typing. A site citing 5,215 sources wrote a chip for each when the box
/// opened and for each match of every letter typed: in Chromium here,
/// laying out a chip took 60-90 µs, so 5,215 of them took half a second.
pub const FOUND_SHOWN: usize = 50;

/// The terms behind "all tags (N)" that match what was typed: the first
/// [`FOUND_SHOWN`] of them, and how many there are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub choices: Vec<Choice>,
    pub matched: usize,
}

/// One facet's choices on a screen: those shown at once, and the rest
/// behind "all tags (N)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    pub facet: Facet,
    pub choices: Vec<Choice>,
    /// The loaded terms behind "all tags (N)", most common first. Their
    /// links are made only when the box shows them ([`Panel::found`]): a
    /// site citing 7,950 sources made a link for each on every filter
    /// change, 8 ms of the change (native, p50).
    pub more: Vec<crate::TermCount>,
    /// How many terms the panel has in all: `choices` and `more`, and on
    /// a first screen drawn from the manifest, which carries only the
    /// shown terms, those not loaded yet ([`Panel::unloaded`]).
    pub terms: usize,
}

impl Panel {
    /// The panel of `facet` under `filter`: its counted terms
    /// (`(name, digests)`, most common first) and every chosen term
    /// however rare, so it can be removed.
    pub fn new(facet: Facet, counted: &[(&str, u32)], filter: &Filter, base: &ListBase) -> Panel {
        let chosen = &filter.terms[facet];
        let mut all: Vec<(&str, u32, bool)> = (counted.iter())
            .map(|&(name, count)| (name, count, chosen.iter().any(|c| c == name)))
            .collect();
        for name in chosen {
            if !all.iter().any(|t| t.0 == name) {
                all.push((name, 0, true));
            }
        }
        let terms = all.len();
        let limit = facet.spec().shown.unwrap_or(usize::MAX);
        let (shown, rest) = split_shown(all, |t| t.2, limit);
        Panel {
            facet,
            choices: (shown.into_iter())
                .map(|(name, count, active)| choice(facet, name, count, active, filter, base))
                .collect(),
            more: (rest.into_iter())
                .map(|(name, count, _)| crate::TermCount {
                    name: name.to_string(),
                    count,
                })
                .collect(),
            terms,
        }
    }

    /// The loaded terms behind "all tags (N)" that contain what the reader
    /// typed (any case; all of them for nothing typed): the first
    /// [`FOUND_SHOWN`] as choices, most common first, and how many match.
    pub fn found(&self, typed: &str, filter: &Filter, base: &ListBase) -> Found {
        let needle = lower(typed.trim());
        let mut found = Found::default();
        for t in &self.more {
            if contains_lowered(&t.name, &needle) {
                found.matched += 1;
                if found.choices.len() < FOUND_SHOWN {
                    found
                        .choices
                        .push(choice(self.facet, &t.name, t.count, false, filter, base));
                }
            }
        }
        found
    }

    /// Whether some of its terms are behind "all tags (N)".
    pub fn has_more(&self) -> bool {
        self.terms > self.choices.len()
    }

    /// Whether some of the terms behind "all tags (N)" are not loaded
    /// (the app loads the index for them).
    pub fn unloaded(&self) -> bool {
        self.terms > self.choices.len() + self.more.len()
    }
}

/// The panels of `base`'s list with no filter: each facet's totals in the
/// manifest, most common first. The app's first screen shows these, and
/// the build's page of the list is written with them, so the page the
/// app replaces is laid out as the app's, and as the app's screen once it
/// has loaded the index (after a first filter, then cleared). From the
/// site's file, which carries only the shown terms ([`Manifest::bounded`]),
/// the rest are [`Panel::unloaded`].
///
/// [`Manifest::bounded`]: crate::Manifest::bounded
pub fn unfiltered_panels(manifest: &crate::Manifest, base: &ListBase) -> Vec<Panel> {
    let none = Filter::default();
    Facet::ALL
        .into_iter()
        .map(|facet| {
            let counted: Vec<(&str, u32)> = (manifest.totals(facet).iter())
                .map(|t| (t.name.as_str(), t.count))
                .collect();
            let mut panel = Panel::new(facet, &counted, &none, base);
            panel.terms = panel.terms.max(manifest.term_count(facet));
            panel
        })
        .collect()
}

/// The archive of `base`'s list with no filter, from the manifest's months.
pub fn unfiltered_archive(manifest: &crate::Manifest, base: &ListBase) -> Vec<Choice> {
    archive(&manifest.months, &Filter::default(), base)
}

/// What the manifest carries for the first view, counted from the index
/// as [`apply`] counts with no filter: every facet's terms with their
/// digests, most used first, and the digests of each month.
pub fn totals(index: &Index) -> (PerFacet<Vec<crate::TermCount>>, Vec<Count>) {
    let all = apply(index, &Filter::default(), None);
    let terms = PerFacet::from_fn(|f| {
        let names = index.column(f).names;
        (all.counts[f].iter())
            .filter_map(|&(id, count)| {
                let name = names.get(id as usize)?.clone();
                Some(crate::TermCount { name, count })
            })
            .collect()
    });
    (terms, all.months)
}

/// The choice of `facet`'s term `name` under `filter`: its link adds or
/// removes the term.
fn choice(
    facet: Facet,
    name: &str,
    count: u32,
    active: bool,
    filter: &Filter,
    base: &ListBase,
) -> Choice {
    Choice {
        name: name.to_string(),
        count,
        active,
        href: base.href(&filter.toggle(facet, name), 1),
    }
}

/// Every facet's panel from the filter results.
pub fn panels(results: &Results, index: &Index, filter: &Filter, base: &ListBase) -> Vec<Panel> {
    Facet::ALL
        .into_iter()
        .map(|facet| {
            let names = index.column(facet).names;
            let counted: Vec<(&str, u32)> = (results.counts[facet].iter())
                .filter_map(|&(id, count)| Some((names.get(id as usize)?.as_str(), count)))
                .collect();
            Panel::new(facet, &counted, filter, base)
        })
        .collect()
}

/// The archive shows years; the months of a year once it is chosen (a
/// range inside one year), so 10,000 digests do not mean 300 month links.
pub fn archive(months: &[Count], filter: &Filter, base: &ListBase) -> Vec<Choice> {
    let range = |name: String, count: u32, bounds: Option<(Date, Date)>| {
        let (from, to) = bounds?;
        let active = filter.from == Some(from) && filter.to == Some(to);
        let target = if active {
            filter.with_range(None, None)
        } else {
            filter.with_range(Some(from), Some(to))
        };
        Some(Choice {
            name,
            count,
            active,
            href: base.href(&target, 1),
        })
    };
    let open_year = match (filter.from, filter.to) {
        (Some(f), Some(t)) if f.year() == t.year() => Some(f.year()),
        _ => None,
    };
    let mut out = Vec::new();
    for (year, months) in months_by_year(months) {
        let count = months.iter().map(|(_, n)| n).sum();
        out.extend(range(year.to_string(), count, Date::year_bounds(year)));
        if open_year == Some(year) {
            for (ym, count) in months {
                let name = format!("{}-{:02}", ym / 100, ym % 100);
                out.extend(range(name, count, month_range(ym)));
            }
        }
    }
    out
}

/// A facet's terms split into those its panel shows at once and the rest
/// (behind "all tags (N)"): every chosen term, then the most common up to
/// `limit` in all; order kept within each part.
pub fn split_shown<T>(
    terms: Vec<T>,
    chosen: impl Fn(&T) -> bool,
    limit: usize,
) -> (Vec<T>, Vec<T>) {
    let active = terms.iter().filter(|t| chosen(t)).count();
    let mut others = limit.saturating_sub(active);
    let (mut shown, mut rest) = (Vec::new(), Vec::new());
    for t in terms {
        if chosen(&t) {
            shown.push(t);
        } else if others > 0 {
            others -= 1;
            shown.push(t);
        } else {
            rest.push(t);
        }
    }
    (shown, rest)
}

/// Whether a term matches what the reader typed to find it (any case,
/// anywhere in the term; everything matches an empty needle): the rule
/// [`Panel::found`] applies, one term at a time, for the tests.
#[cfg(test)]
fn term_matches(term: &str, typed: &str) -> bool {
    contains_lowered(term, &lower(typed.trim()))
}

/// Whether `term` in lower case ([`lower`]) contains `needle`, which is
/// already lower case. An ASCII term (most sources' domains) is compared
/// in place, without lower-casing a copy of it: the box of every source
/// does this for each of thousands of terms at every letter typed.
fn contains_lowered(term: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if !term.is_ascii() {
        return lower(term).contains(needle);
    }
    // An ASCII term lower-cases to ASCII, which holds no other character.
    needle.is_ascii()
        && (term.as_bytes().windows(needle.len())).any(|w| {
            w.iter()
                .zip(needle.as_bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
        })
}

/// The items of a screen of the items view: those of `digests` (newest
/// first) whose source domain and section pass the filter's choices
/// (any of each, when chosen), each story once, where it ran last (an item
/// that also ran in a newer digest is left to that one). Pairs of (digest
/// index, item index).
pub fn item_rows(digests: &[&crate::Digest], filter: &Filter) -> Vec<(usize, usize)> {
    let passes = |facet: Facet, term: Option<&str>| {
        let chosen = &filter.terms[facet];
        chosen.is_empty() || term.is_some_and(|t| chosen.iter().any(|c| c == t))
    };
    let mut out = Vec::new();
    for (d, digest) in digests.iter().enumerate() {
        for (i, item) in digest.items.iter().enumerate() {
            let domain = item.source.as_ref().map(|s| s.domain.as_str());
            let newer = item.also_in.iter().any(|r| r.date > digest.date);
            if !newer
                && passes(Facet::Domain, domain)
                && passes(Facet::Section, item.section.as_deref())
            {
                out.push((d, i));
            }
        }
    }
    out
}

/// One digest's filter data, as the bundler knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub date: Date,
    pub items: u32,
    /// The digest's terms of each facet.
    pub terms: PerFacet<Vec<String>>,
}

/// Builds the index from rows in list order. String tables are sorted so
/// the output does not depend on the order terms were met.
pub fn build_index(rows: &[Row]) -> Index {
    fn code(table: &[String], names: &[String]) -> Vec<u32> {
        let mut v: Vec<u32> = names
            .iter()
            .filter_map(|n| {
                table
                    .binary_search(n)
                    .ok()
                    .and_then(|i| u32::try_from(i).ok())
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
    let mut index = Index {
        schema: crate::SCHEMA_VERSION,
        dates: rows.iter().map(|r| r.date.number()).collect(),
        items: rows.iter().map(|r| r.items).collect(),
        ..Index::default()
    };
    for f in Facet::ALL {
        let mut table: Vec<String> = rows
            .iter()
            .flat_map(|r| r.terms[f].iter().cloned())
            .collect();
        table.sort();
        table.dedup();
        let coded = rows.iter().map(|r| code(&table, &r.terms[f])).collect();
        index.set_column(f, table, coded);
    }
    index
}

/// Where an item sits among its digest's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position<'a> {
    /// 0-based index.
    pub index: usize,
    pub item: &'a Item,
    pub prev: Option<&'a Item>,
    pub next: Option<&'a Item>,
}

/// Finds the item with `id` and its neighbours, or `None` for an unknown id.
pub fn locate<'a>(items: &'a [Item], id: &str) -> Option<Position<'a>> {
    let index = items.iter().position(|i| i.id == id)?;
    Some(Position {
        index,
        item: &items[index],
        prev: index.checked_sub(1).and_then(|p| items.get(p)),
        next: items.get(index + 1),
    })
}

#[cfg(test)]
mod tests;

/// `n` and the noun, plural unless `n` is 1: "1 digest", "13 items".
pub fn count_of(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Digests shown per screen of the list.
pub const PER_SCREEN: usize = 20;

/// Digests per screen of the items view: a digest holds about a dozen
/// items, so this is about as many rows as a screen of the list.
pub const ITEMS_VIEW_DIGESTS: usize = 2;

/// The slice of `rows` on 1-based screen `page` (clamped to the last).
pub fn screen(rows: &[u32], page: u32) -> (&[u32], u32, u32) {
    screen_of(rows, page, PER_SCREEN)
}

/// The slice of `rows` on 1-based screen `page` of `per` rows.
pub fn screen_of(rows: &[u32], page: u32, per: usize) -> (&[u32], u32, u32) {
    let per = per.max(1);
    let pages = rows.len().div_ceil(per).max(1) as u32;
    let page = page.clamp(1, pages);
    let start = (page as usize - 1) * per;
    (
        &rows[start.min(rows.len())..(start + per).min(rows.len())],
        page,
        pages,
    )
}

/// Months (`YYYYMM`, newest first) grouped by year, for the archive.
pub fn months_by_year(months: &[Count]) -> Vec<(u32, Vec<Count>)> {
    let mut out: Vec<(u32, Vec<Count>)> = Vec::new();
    for &(ym, n) in months {
        match out.last_mut() {
            Some((y, list)) if *y == ym / 100 => list.push((ym, n)),
            _ => out.push((ym / 100, vec![(ym, n)])),
        }
    }
    out
}

/// The first and last day of month `YYYYMM`, if it is one.
pub fn month_range(ym: u32) -> Option<(Date, Date)> {
    Date::month_bounds(ym / 100, ym % 100)
}
