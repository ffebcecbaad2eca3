//! Filtering the corpus: plain functions over the [`Index`], tested
//! natively against a brute-force scan of the full data.
//!
//! Filter state lives in the URL query: `tag` (repeatable) with `op=or`
//! (default: all tags must match), `cat`, `domain` and `section`
//! (repeatable; any matches), `from` and `to` (`YYYY-MM-DD`, inclusive), `q` (text) and
//! `page` (1-based).

use std::collections::BTreeMap;

use crate::{DigestSummary, Index, Item};

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
    pub tags: Vec<String>,
    pub mode: Mode,
    pub categories: Vec<String>,
    pub domains: Vec<String>,
    /// Section labels of items (`### 产品与功能更新`); any matches.
    pub sections: Vec<String>,
    /// First day, `YYYYMMDD`, inclusive.
    pub from: Option<u32>,
    /// Last day, `YYYYMMDD`, inclusive.
    pub to: Option<u32>,
    /// Text to find in titles, summaries and tags (case-insensitive).
    pub text: String,
}

/// `YYYY-MM-DD` to `YYYYMMDD`.
pub fn parse_day(s: &str) -> Option<u32> {
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(y * 10000 + m * 100 + d)
}

/// `YYYYMMDD` to `YYYY-MM-DD`.
pub fn format_day(day: u32) -> String {
    format!("{:04}-{:02}-{:02}", day / 10000, day / 100 % 100, day % 100)
}

impl Filter {
    /// Reads a filter from URL query pairs (already percent-decoded).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = Filter::default();
        for (key, raw) in pairs {
            let value = raw.trim();
            if value.is_empty() {
                continue;
            }
            let push = |list: &mut Vec<String>| {
                if !list.iter().any(|v| v == value) {
                    list.push(value.to_string());
                }
            };
            match key {
                "tag" => push(&mut f.tags),
                "cat" => push(&mut f.categories),
                "domain" => push(&mut f.domains),
                "section" => push(&mut f.sections),
                "op" => f.mode = if value == "or" { Mode::Or } else { Mode::And },
                "from" => f.from = parse_day(value),
                "to" => f.to = parse_day(value),
                // Kept as typed: trimming would eat the space a user just
                // typed between two words of a search.
                "q" => f.text = raw.to_string(),
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
        let enc = crate::url::encode_segment;
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.tags.iter().map(|t| format!("tag={}", enc(t))));
        if self.mode == Mode::Or && self.tags.len() > 1 {
            parts.push("op=or".into());
        }
        parts.extend(self.categories.iter().map(|c| format!("cat={}", enc(c))));
        parts.extend(self.domains.iter().map(|d| format!("domain={}", enc(d))));
        parts.extend(self.sections.iter().map(|d| format!("section={}", enc(d))));
        if let Some(d) = self.from {
            parts.push(format!("from={}", format_day(d)));
        }
        if let Some(d) = self.to {
            parts.push(format!("to={}", format_day(d)));
        }
        if !self.text.trim().is_empty() {
            parts.push(format!("q={}", enc(&self.text)));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.categories.is_empty()
            && self.domains.is_empty()
            && self.sections.is_empty()
            && self.from.is_none()
            && self.to.is_none()
            && self.text.trim().is_empty()
    }

    /// This filter with `tag` added, or removed if present.
    pub fn toggle_tag(&self, tag: &str) -> Self {
        let mut f = self.clone();
        toggle(&mut f.tags, tag);
        f
    }

    pub fn toggle_category(&self, category: &str) -> Self {
        let mut f = self.clone();
        toggle(&mut f.categories, category);
        f
    }

    pub fn toggle_domain(&self, domain: &str) -> Self {
        let mut f = self.clone();
        toggle(&mut f.domains, domain);
        f
    }

    pub fn toggle_section(&self, section: &str) -> Self {
        let mut f = self.clone();
        toggle(&mut f.sections, section);
        f
    }

    pub fn with_mode(&self, mode: Mode) -> Self {
        Filter {
            mode,
            ..self.clone()
        }
    }

    /// This filter narrowed to the days `from..=to`.
    pub fn with_range(&self, from: Option<u32>, to: Option<u32>) -> Self {
        Filter {
            from,
            to,
            ..self.clone()
        }
    }
}

fn toggle(list: &mut Vec<String>, value: &str) {
    if let Some(i) = list.iter().position(|v| v == value) {
        list.remove(i);
    } else {
        list.push(value.to_string());
    }
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
    /// Per tag: digests matching the other filters and (with AND) the tags
    /// already chosen, that carry the tag. Non-zero only, by count then name.
    pub tags: Vec<Count>,
    pub categories: Vec<Count>,
    pub domains: Vec<Count>,
    pub sections: Vec<Count>,
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

fn any_of(row: &[u32], wanted: &[Option<u32>]) -> bool {
    wanted.is_empty()
        || wanted
            .iter()
            .flatten()
            .any(|id| row.binary_search(id).is_ok())
}

/// Applies `filter` to the index. `text_match`, when the filter has text,
/// says per row whether the text matched (the index holds no titles).
pub fn apply(index: &Index, filter: &Filter, text_match: Option<&[bool]>) -> Results {
    // The term dimensions, in the order of `pass` below.
    const TAGS: usize = 0;
    const DATES: usize = 4;
    const TEXT: usize = 5;
    let columns = [
        &index.row_tags,
        &index.row_categories,
        &index.row_domains,
        &index.row_sections,
    ];
    let tables = [
        &index.tags,
        &index.categories,
        &index.domains,
        &index.sections,
    ];
    let wanted = [
        ids(&index.tags, &filter.tags),
        ids(&index.categories, &filter.categories),
        ids(&index.domains, &filter.domains),
        ids(&index.sections, &filter.sections),
    ];
    let has_text = !filter.text.trim().is_empty();
    let mut out = Results::default();
    let mut counts: [Vec<u32>; 4] = tables.map(|t| vec![0u32; t.len()]);
    let mut months: BTreeMap<u32, u32> = BTreeMap::new();
    for (r, &day) in index.dates.iter().enumerate() {
        let row_tags = &index.row_tags[r];
        let mut pass = [true; 6];
        pass[TAGS] = match filter.mode {
            _ if wanted[TAGS].is_empty() => true,
            Mode::And => wanted[TAGS]
                .iter()
                .all(|id| id.is_some_and(|id| row_tags.binary_search(&id).is_ok())),
            Mode::Or => any_of(row_tags, &wanted[TAGS]),
        };
        for d in 1..4 {
            pass[d] = any_of(&columns[d][r], &wanted[d]);
        }
        pass[DATES] = filter.from.is_none_or(|f| day >= f) && filter.to.is_none_or(|t| day <= t);
        pass[TEXT] = !has_text || text_match.is_some_and(|m| m.get(r).copied().unwrap_or(false));
        let all_but = |skip: usize| pass.iter().enumerate().all(|(i, p)| i == skip || *p);
        for d in 0..4 {
            // With AND, a tag's count is what adding it to the chosen tags
            // would leave; otherwise what choosing it in its dimension would.
            let counted = if d == TAGS && filter.mode == Mode::And {
                all_but(usize::MAX)
            } else {
                all_but(d)
            };
            if counted {
                for &id in &columns[d][r] {
                    counts[d][id as usize] += 1;
                }
            }
        }
        if all_but(DATES) {
            *months.entry(day / 100).or_default() += 1;
        }
        if all_but(usize::MAX) {
            out.rows.push(r as u32);
            out.items += u64::from(index.items[r]);
        }
    }
    let ranked = |counts: Vec<u32>, names: &[String]| -> Vec<Count> {
        let mut v: Vec<Count> = counts
            .into_iter()
            .enumerate()
            .filter(|(_, c)| *c > 0)
            .map(|(i, c)| (i as u32, c))
            .collect();
        v.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| names[a.0 as usize].cmp(&names[b.0 as usize]))
        });
        v
    };
    let [tags, categories, domains, sections] = counts;
    out.tags = ranked(tags, &index.tags);
    out.categories = ranked(categories, &index.categories);
    out.domains = ranked(domains, &index.domains);
    out.sections = ranked(sections, &index.sections);
    out.months = months.into_iter().rev().collect();
    out
}

/// Whether a list entry contains `needle` (lower-cased) in its title,
/// summary or tags.
pub fn text_matches(d: &DigestSummary, needle_lower: &str) -> bool {
    d.title.to_lowercase().contains(needle_lower)
        || d.summary.to_lowercase().contains(needle_lower)
        || d.tags
            .iter()
            .any(|t| t.to_lowercase().contains(needle_lower))
}

/// One digest's filter data, as the bundler knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// `YYYYMMDD`.
    pub date: u32,
    pub items: u32,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    pub domains: Vec<String>,
    pub sections: Vec<String>,
}

/// Builds the index from rows in list order. String tables are sorted so
/// the output does not depend on the order terms were met.
pub fn build_index(rows: &[Row]) -> Index {
    fn table<'a>(values: impl Iterator<Item = &'a String>) -> Vec<String> {
        let mut v: Vec<String> = values.cloned().collect();
        v.sort();
        v.dedup();
        v
    }
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
    let tags = table(rows.iter().flat_map(|r| r.tags.iter()));
    let categories = table(rows.iter().flat_map(|r| r.categories.iter()));
    let domains = table(rows.iter().flat_map(|r| r.domains.iter()));
    let sections = table(rows.iter().flat_map(|r| r.sections.iter()));
    Index {
        schema: crate::SCHEMA_VERSION,
        dates: rows.iter().map(|r| r.date).collect(),
        items: rows.iter().map(|r| r.items).collect(),
        row_tags: rows.iter().map(|r| code(&tags, &r.tags)).collect(),
        row_categories: rows
            .iter()
            .map(|r| code(&categories, &r.categories))
            .collect(),
        row_domains: rows.iter().map(|r| code(&domains, &r.domains)).collect(),
        row_sections: rows.iter().map(|r| code(&sections, &r.sections)).collect(),
        tags,
        categories,
        domains,
        sections,
    }
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

/// The slice of `rows` on 1-based screen `page` (clamped to the last).
pub fn screen(rows: &[u32], page: u32) -> (&[u32], u32, u32) {
    let pages = rows.len().div_ceil(PER_SCREEN).max(1) as u32;
    let page = page.clamp(1, pages);
    let start = (page as usize - 1) * PER_SCREEN;
    (
        &rows[start.min(rows.len())..(start + PER_SCREEN).min(rows.len())],
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

/// The first and last day of month `YYYYMM`, as `YYYYMMDD`.
pub fn month_range(ym: u32) -> (u32, u32) {
    (ym * 100 + 1, ym * 100 + 31)
}
