//! Which parts of a digest's body are news items, decided by weighing the
//! evidence the file gives: how often each heading level repeats, which
//! headings are numbered or linked (the way digests mark their stories),
//! which are only wrappers over deeper headings, which are closing or
//! promotional sections (references, "listen to the audio version",
//! sponsor slots, a closing word), and which adjacent headings are one
//! title with its translation. Pure functions over the body's headings;
//! [`crate::extract`] turns the decision into items, and [`explain`] prints
//! it for `tidings check --explain`.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use tidings_model::search::is_cjk;

use crate::extract::{options as md_options, plain_text, ExtractOptions};

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// 1 to 6.
    pub level: u8,
    /// The heading's bytes in the body.
    pub range: Range<usize>,
    /// Plain text, without a leading number marker.
    pub text: String,
    /// Inline HTML, links unwrapped (the item's link is shown apart), without
    /// a leading number marker.
    pub html: String,
    /// The first http(s) link inside the heading.
    pub link: Option<String>,
    /// Whether that link holds most of the heading's text (the heading is
    /// the story's link, not a title that mentions one).
    pub link_is_title: bool,
    /// Whether it starts with a number marker: `1.`, `1、`, `(1)`, `1)`.
    pub numbered: bool,
}

impl Head {
    /// Numbered or linked: how digests mark the headings of their stories.
    pub fn marked(&self) -> bool {
        self.numbered || self.link.is_some()
    }
}

/// Every heading of `body`, in order.
pub fn heads(body: &str) -> Vec<Head> {
    let mut out = Vec::new();
    let mut current: Option<(u8, Range<usize>, Vec<Event<'_>>, Link)> = None;
    let mut in_link = 0usize;
    for (event, range) in Parser::new_ext(body, md_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((level as u8, range, Vec::new(), Link::default()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, range, events, link)) = current.take() {
                    out.push(head(level, range, events, link));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                in_link += 1;
                if let Some((_, _, _, link)) = current.as_mut() {
                    let url = dest_url.trim();
                    if link.url.is_none() && crate::extract::is_http(url) {
                        link.url = Some(url.to_string());
                    }
                }
            }
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            other => {
                if let Some((_, _, events, link)) = current.as_mut() {
                    if let (Event::Text(t), true) = (&other, in_link > 0) {
                        link.chars += t.trim().chars().count();
                    }
                    events.push(other);
                }
            }
        }
    }
    out
}

/// A heading's first link and how much of its text links hold.
#[derive(Default)]
struct Link {
    url: Option<String>,
    chars: usize,
}

fn head(level: u8, range: Range<usize>, events: Vec<Event<'_>>, link: Link) -> Head {
    let text = plain_text(events.iter().cloned()).trim().to_string();
    let link_is_title = link.url.is_some() && link.chars * 2 >= text.chars().count();
    let link = link.url;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let html = html.trim().to_string();
    let marker = number_marker(&text).map(str::to_string);
    let numbered = marker.is_some();
    let (text, html) = match marker {
        // A title that is only a number keeps it.
        Some(m) if m.len() < text.len() => {
            let html = html
                .strip_prefix(m.as_str())
                .map_or(html.as_str(), str::trim_start)
                .to_string();
            (text[m.len()..].trim_start().to_string(), html)
        }
        _ => (text, html),
    };
    Head {
        level,
        range,
        numbered,
        text,
        html,
        link,
        link_is_title,
    }
}

/// The number marker a heading starts with (`1.`, `12、`, `(3)`, `（3）`,
/// `4)`), if any.
pub fn number_marker(text: &str) -> Option<&str> {
    let open = text
        .strip_prefix('(')
        .or_else(|| text.strip_prefix('（'))
        .map(|rest| text.len() - rest.len())
        .unwrap_or(0);
    let digits = text[open..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let after = &text[open + digits..];
    let close = [".", "、", ")", "）", ":", "：", "．"]
        .iter()
        .find(|c| after.starts_with(**c))?;
    if open > 0 && !matches!(*close, ")" | "）") {
        return None;
    }
    let end = open + digits + close.len();
    // `1.5 倍` is a number, not a marker.
    if *close == "." && text[end..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(&text[..end])
}

/// What a heading is in the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// A news item. `translation` is the heading right after it that gives
    /// its title in another language.
    Item { translation: Option<usize> },
    /// A heading over items: its text labels them.
    Label,

    /// Inside an item (deeper than the item level), or the second heading
    /// of a title pair.
    Inside,
    /// Not a news item: its heading and text go to the intro or the
    /// closing text.
    Out(Why),
}

/// Why a heading is kept out of the items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Matches a closing or promotional pattern.
    Pattern(String),
    /// Its text is only a list of links (a reference list).
    LinkList,
    /// At the item level, but unlike the numbered or linked items there.
    Unmarked,
    /// Above the item level, with no item under it.
    NoItems,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Pattern(p) => write!(f, "a closing or promotional section (matches {p:?})"),
            Why::LinkList => write!(f, "only a list of links"),
            Why::Unmarked => write!(f, "not numbered or linked like the items beside it"),
            Why::NoItems => write!(f, "no item under it"),
        }
    }
}

/// How the item level was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// `item_level` in `tidings.toml`.
    Forced,
    /// The level with the most numbered or linked headings.
    Marked { marked: usize, of: usize },
    /// The shallowest level whose headings repeat and hold text.
    Repeats { count: usize },
    /// The only level with a heading that holds text.
    Single,
}

/// Counts of one heading level, for the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelStat {
    pub level: u8,
    pub heads: usize,
    /// Numbered or linked.
    pub marked: usize,
    /// No text of their own, only deeper headings.
    pub wrappers: usize,
    /// Closing, promotional or link-list sections.
    pub out: usize,
}

/// The decision for one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub heads: Vec<Head>,
    /// Per head.
    pub roles: Vec<Role>,
    /// The item level, if the body has headings.
    pub level: Option<u8>,
    pub evidence: Option<Evidence>,
    pub levels: Vec<LevelStat>,
}

/// Closing and promotional sections, by the start of their heading (or
/// their whole heading when it is short). Chinese and English.
const CLOSING: &[&str] = &[
    "参考来源",
    "参考资料",
    "参考链接",
    "参考文献",
    "信息来源",
    "资料来源",
    "新闻来源",
    "来源链接",
    "原文链接",
    "收听",
    "语音版",
    "音频版",
    "播客版",
    "产品自荐",
    "自荐",
    "推广",
    "广告",
    "赞助",
    "结语",
    "写在最后",
    "今日思考",
    "往期回顾",
    "往期推荐",
    "推荐阅读",
    "相关阅读",
    "延伸阅读",
    "关注我们",
    "联系我们",
    "免责声明",
    "版权声明",
    "sources",
    "source links",
    "references",
    "further reading",
    "related reading",
    "sponsor",
    "sponsored",
    "advertisement",
    "subscribe",
    "listen",
    "audio version",
    "podcast version",
    "closing thoughts",
    "final thoughts",
    "wrap-up",
    "wrap up",
    "conclusion",
    "about us",
    "disclaimer",
];

/// A heading's text reduced for matching: lower case, without emoji,
/// punctuation or spaces at its start and end.
fn normalize(text: &str) -> String {
    text.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The closing pattern a heading matches, from `tidings.toml`'s
/// `skip_sections` first, then the built-in ones.
fn closing_pattern(text: &str, extra: &[String]) -> Option<String> {
    let norm = normalize(text);
    if norm.is_empty() {
        return None;
    }
    if let Some(p) = extra
        .iter()
        .find(|p| norm.contains(&normalize(p)) && !normalize(p).is_empty())
    {
        return Some(p.clone());
    }
    let short = norm.chars().count() <= 12;
    CLOSING
        .iter()
        .find(|p| {
            if p.is_ascii() {
                // Whole words: "Sources", "Sources and links", not "Open-sources …".
                norm == **p || (short && norm.strip_prefix(**p).is_some_and(|r| r.starts_with(' ')))
            } else {
                norm.starts_with(**p) || (short && norm.contains(**p))
            }
        })
        .map(|p| p.to_string())
}

/// Whether `md` is only a bulleted list whose entries are links with
/// little else (a reference list).
pub fn is_link_list(md: &str) -> bool {
    may_hold_bullets(md) && parsed_link_list(md)
}

/// Whether `md` has a line that could start a bulleted list: a list
/// marker after indentation and quote markers. Without one (most
/// sections) there is no such list, and nothing to parse.
///
/// Each line's start is read a character at a time until its first one
/// that is not white space or `>`; the rest of the line is skipped with
/// `memchr` (splitting on line ends and trimming each line took 3% of a
/// build's instructions).
fn may_hold_bullets(md: &str) -> bool {
    let mut rest = md;
    loop {
        let line = rest.trim_start_matches(|c: char| {
            (c.is_whitespace() && c != '\n' && c != '\r') || c == '>'
        });
        if line.starts_with(['-', '*', '+']) {
            return true;
        }
        match memchr::memchr2(b'\n', b'\r', line.as_bytes()) {
            Some(end) => rest = &line[end + 1..],
            None => return false,
        }
    }
}

/// [`is_link_list`] by parsing `md`.
fn parsed_link_list(md: &str) -> bool {
    let (mut in_link, mut depth) = (0usize, 0usize);
    let (mut inside, mut outside, mut entries, mut linked) = (0usize, 0usize, 0usize, 0usize);
    let mut entry_has_link = false;
    for event in Parser::new_ext(md, md_options()) {
        match event {
            Event::Start(Tag::List(None)) => depth += 1,
            Event::Start(Tag::List(Some(_))) => return false,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => {
                entries += 1;
                entry_has_link = false;
            }
            Event::End(TagEnd::Item) if depth == 1 => linked += usize::from(entry_has_link),
            Event::Start(Tag::Link { .. }) => {
                in_link += 1;
                entry_has_link = true;
            }
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                if depth == 0 && !t.trim().is_empty() {
                    return false;
                }
                let n = t.trim().chars().count();
                if in_link > 0 {
                    inside += n;
                } else {
                    outside += n;
                }
            }
            _ => {}
        }
    }
    entries >= 1 && linked == entries && outside <= inside.max(10)
}

/// Whether two headings are one title in two scripts: one without any
/// CJK character, the other with at least two (a Chinese title often keeps
/// Latin brand names).
fn other_script(a: &str, b: &str) -> bool {
    fn cjk(s: &str) -> usize {
        s.chars().filter(|&c| is_cjk(c)).count()
    }
    let (x, y) = (cjk(a), cjk(b));
    (x == 0 && y >= 2) || (y == 0 && x >= 2)
}

/// Decides the role of every heading of `body`.
pub fn outline(body: &str, options: &ExtractOptions) -> Outline {
    let heads = heads(body);
    let n = heads.len();
    // A head's own text: up to the next heading of any level.
    let own = |i: usize| -> &str {
        let end = heads.get(i + 1).map_or(body.len(), |h| h.range.start);
        &body[heads[i].range.end.min(end)..end]
    };
    let has_deeper_child = |i: usize| heads.get(i + 1).is_some_and(|h| h.level > heads[i].level);

    let mut roles: Vec<Option<Role>> = vec![None; n];
    // Title pairs: a heading with no text of its own, then one at the same
    // level in the other script.
    let mut translation: Vec<Option<usize>> = vec![None; n];
    if options.title_pairs != Some(false) {
        let mut i = 0;
        while i + 1 < n {
            let (a, b) = (&heads[i], &heads[i + 1]);
            if a.level == b.level
                && own(i).trim().is_empty()
                && !a.text.is_empty()
                && !b.text.is_empty()
                && !b.numbered
                && other_script(&a.text, &b.text)
            {
                translation[i] = Some(i + 1);
                roles[i + 1] = Some(Role::Inside);
                i += 2;
                continue;
            }
            i += 1;
        }
    }
    // Closing sections, by pattern or as link lists.
    for i in 0..n {
        if roles[i].is_some() {
            continue;
        }
        if let Some(p) = closing_pattern(&heads[i].text, &options.skip_sections) {
            roles[i] = Some(Role::Out(Why::Pattern(p)));
        } else if !has_deeper_child(i) && is_link_list(own(i)) && !heads[i].marked() {
            roles[i] = Some(Role::Out(Why::LinkList));
        }
    }
    let open = |i: usize, roles: &[Option<Role>]| roles[i].is_none();

    let levels = level_stats(&heads, &roles, |i| {
        own(i).trim().is_empty() && has_deeper_child(i)
    });
    let (level, evidence) = match choose_level(&heads, &roles, &levels, options, |i| {
        own(i).trim().is_empty() && has_deeper_child(i)
    }) {
        Some(choice) => choice,
        None => {
            return Outline {
                heads,
                roles: roles
                    .into_iter()
                    .map(|r| r.unwrap_or(Role::Out(Why::NoItems)))
                    .collect(),
                level: None,
                evidence: None,
                levels,
            }
        }
    };

    // With marked evidence, an unmarked heading at the item level is an
    // item only beside marked ones (under the same shallower heading).
    let marked_groups: Vec<Option<usize>> = if matches!(evidence, Evidence::Marked { .. }) {
        (0..n)
            .filter(|&i| heads[i].level == level && heads[i].marked() && open(i, &roles))
            .map(|i| parent(&heads, i, level))
            .collect()
    } else {
        Vec::new()
    };
    for i in 0..n {
        if !open(i, &roles) {
            continue;
        }
        let h = &heads[i];
        roles[i] = Some(if h.level > level {
            Role::Inside
        } else if h.level == level {
            if matches!(evidence, Evidence::Marked { .. })
                && !h.marked()
                && !marked_groups.contains(&parent(&heads, i, level))
            {
                Role::Out(Why::Unmarked)
            } else {
                Role::Item {
                    translation: translation[i],
                }
            }
        } else {
            Role::Label
        });
    }
    // A heading above the item level with no item under it is not a label.
    for i in 0..n {
        if roles[i] == Some(Role::Label) {
            let has_item = heads[i + 1..]
                .iter()
                .zip(&roles[i + 1..])
                .take_while(|(h, _)| h.level > heads[i].level)
                .any(|(_, r)| matches!(r, Some(Role::Item { .. })));
            if !has_item {
                roles[i] = Some(Role::Out(Why::NoItems));
            }
        }
    }
    // Deeper headings inside a kept-out section stay with it.
    let mut out_level: Option<u8> = None;
    for i in 0..n {
        match (&roles[i], out_level) {
            (_, Some(l)) if heads[i].level > l => roles[i] = Some(Role::Inside),
            (Some(Role::Out(_)), _) => out_level = Some(heads[i].level),
            _ => out_level = None,
        }
    }
    Outline {
        heads,
        roles: roles
            .into_iter()
            .map(|r| r.unwrap_or(Role::Inside))
            .collect(),
        level: Some(level),
        evidence: Some(evidence),
        levels,
    }
}

/// The nearest heading before `i` shallower than `level`.
fn parent(heads: &[Head], i: usize, level: u8) -> Option<usize> {
    (0..i).rev().find(|&j| heads[j].level < level)
}

fn level_stats(
    heads: &[Head],
    roles: &[Option<Role>],
    wrapper: impl Fn(usize) -> bool,
) -> Vec<LevelStat> {
    let mut out: Vec<LevelStat> = Vec::new();
    for (i, h) in heads.iter().enumerate() {
        if matches!(roles[i], Some(Role::Inside)) {
            continue;
        }
        let stat = match out.iter_mut().find(|s| s.level == h.level) {
            Some(s) => s,
            None => {
                out.push(LevelStat {
                    level: h.level,
                    heads: 0,
                    marked: 0,
                    wrappers: 0,
                    out: 0,
                });
                out.last_mut()
                    .unwrap_or_else(|| unreachable!("just pushed"))
            }
        };
        stat.heads += 1;
        if matches!(roles[i], Some(Role::Out(_))) {
            stat.out += 1;
        } else if wrapper(i) {
            stat.wrappers += 1;
        } else if h.marked() {
            stat.marked += 1;
        }
    }
    out.sort_by_key(|s| s.level);
    out
}

/// The item level and why, or `None` for a body without candidate headings.
fn choose_level(
    heads: &[Head],
    roles: &[Option<Role>],
    levels: &[LevelStat],
    options: &ExtractOptions,
    wrapper: impl Fn(usize) -> bool,
) -> Option<(u8, Evidence)> {
    if let Some(l) = options.item_level.filter(|l| (1..=6).contains(l)) {
        return Some((l, Evidence::Forced));
    }
    // The most numbered or linked headings, if they repeat.
    let best = levels
        .iter()
        .filter(|s| s.marked >= 2)
        .max_by_key(|s| (s.marked, std::cmp::Reverse(s.level)));
    if let Some(s) = best {
        let of = s.heads - s.out;
        return Some((
            s.level,
            Evidence::Marked {
                marked: s.marked,
                of,
            },
        ));
    }
    // Else the shallowest level whose headings hold text and repeat.
    let content = |level: u8| {
        heads
            .iter()
            .enumerate()
            .filter(|(i, h)| h.level == level && roles[*i].is_none() && !wrapper(*i))
            .count()
    };
    let levels: Vec<u8> = levels.iter().map(|s| s.level).collect();
    if let Some(&l) = levels.iter().find(|&&l| content(l) >= 2) {
        return Some((l, Evidence::Repeats { count: content(l) }));
    }
    if let Some(&l) = levels.iter().find(|&&l| content(l) == 1) {
        return Some((l, Evidence::Single));
    }
    None
}

/// `tidings check --explain`: the structure found and why, a line each.
pub fn explain(body: &str, body_line: usize, outline: &Outline) -> String {
    let lines = crate::extract::Lines::new(body, body_line);
    let line_of = |offset: usize| lines.of(offset);
    let hashes = |l: u8| "#".repeat(usize::from(l));
    let mut s = String::new();
    s.push_str("levels considered:\n");
    for st in &outline.levels {
        s.push_str(&format!(
            "  {:<6} {} heading{}: {} numbered or linked, {} only over deeper headings, {} closing or links only\n",
            hashes(st.level),
            st.heads,
            if st.heads == 1 { "" } else { "s" },
            st.marked,
            st.wrappers,
            st.out
        ));
    }
    match (&outline.level, &outline.evidence) {
        (Some(l), Some(e)) => {
            let why = match e {
                Evidence::Forced => "item_level in tidings.toml".to_string(),
                Evidence::Marked { marked, of } => {
                    format!("{marked} of its {of} headings are numbered or linked")
                }
                Evidence::Repeats { count } => {
                    format!("the shallowest level whose headings hold text and repeat ({count})")
                }
                Evidence::Single => "the only heading that holds text".to_string(),
            };
            s.push_str(&format!("items: {} headings ({why})\n", hashes(*l)));
        }
        _ => s.push_str("items: no headings to split at\n"),
    }
    for (h, r) in outline.heads.iter().zip(&outline.roles) {
        let what = match r {
            Role::Item {
                translation: Some(t),
            } => format!("item, with its translation {:?}", outline.heads[*t].text),
            Role::Item { translation: None } => "item".to_string(),
            Role::Label => "section label".to_string(),
            Role::Inside => continue,
            Role::Out(why) => format!("kept out: {why}"),
        };
        s.push_str(&format!(
            "  line {:<4} {} {}: {what}\n",
            line_of(h.range.start),
            hashes(h.level),
            h.text
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(body: &str) -> Vec<(String, Role)> {
        let o = outline(body, &ExtractOptions::default());
        o.heads.into_iter().map(|h| h.text).zip(o.roles).collect()
    }

    #[test]
    fn number_markers() {
        for (t, m) in [
            ("1. 标题", Some("1.")),
            ("12、标题", Some("12、")),
            ("(3) x", Some("(3)")),
            ("（4）x", Some("（4）")),
            ("5) x", Some("5)")),
            ("1.5 倍速度", None),
            ("2024 年回顾", None),
            ("(a) x", None),
            ("1000. x", None),
        ] {
            assert_eq!(number_marker(t), m, "{t}");
        }
    }

    #[test]
    fn numbered_linked_items_below_sections_and_closing_text() {
        let body = "## 今日精选（2篇）\n\n### 1. [某公司发布新模型](https://example.com/a)\n\n正文一。\n\n\
                    ### 2. [另一条新闻](https://example.com/b)\n\n正文二。\n\n## 🤖 今日思考\n\n### 关于信任\n\n思考。\n\n\
                    ## 参考来源\n\n- [Original title A](https://example.com/a)\n";
        let got = roles(body);
        assert_eq!(
            got,
            vec![
                ("今日精选（2篇）".into(), Role::Label),
                ("某公司发布新模型".into(), Role::Item { translation: None }),
                ("另一条新闻".into(), Role::Item { translation: None }),
                (
                    "🤖 今日思考".into(),
                    Role::Out(Why::Pattern("今日思考".into()))
                ),
                ("关于信任".into(), Role::Inside),
                (
                    "参考来源".into(),
                    Role::Out(Why::Pattern("参考来源".into()))
                ),
            ]
        );
    }

    #[test]
    fn unmarked_headings_beside_no_marked_ones_are_kept_out() {
        let body =
            "## A\n\n### 1. x\n\nt\n\n### 2. y\n\nt\n\n## Thoughts on things\n\n### Trust\n\nt\n";
        let got = roles(body);
        assert_eq!(got[3].1, Role::Out(Why::NoItems));
        assert_eq!(got[4].1, Role::Inside);
    }

    #[test]
    fn closing_patterns_match_whole_words_or_short_headings() {
        let none: &[String] = &[];
        assert_eq!(
            closing_pattern("**收听语音版日报**", none).as_deref(),
            Some("收听")
        );
        assert_eq!(
            closing_pattern("产品自荐: X", none).as_deref(),
            Some("产品自荐")
        );
        assert_eq!(closing_pattern("结语", none).as_deref(), Some("结语"));
        assert_eq!(closing_pattern("Sources", none).as_deref(), Some("sources"));
        assert_eq!(
            closing_pattern("Open sources of energy for data centres", none),
            None
        );
        assert_eq!(
            closing_pattern("谷歌因广告业务垄断案被判赔偿数十亿美元并须拆分", none),
            None
        );
        let extra = vec!["每日一问".to_string()];
        assert_eq!(
            closing_pattern("💡 每日一问", &extra).as_deref(),
            Some("每日一问")
        );
    }

    #[test]
    fn link_lists() {
        assert!(is_link_list(
            "\n- [A](https://a.com)\n- [B](https://b.com)\n"
        ));
        assert!(!is_link_list("\n1. [A](https://a.com)\n"));
        assert!(!is_link_list("Some text.\n\n- [A](https://a.com)\n"));
        assert!(!is_link_list(
            "\n- [A](https://a.com) a long description of what happened and why it matters\n"
        ));
        // Lists behind quote markers, indentation, other markers and an
        // HTML comment; lines ended by a lone carriage return.
        for md in [
            "> - [A](https://a.com)\n> - [B](https://b.com)",
            "   * [A](https://a.com)",
            "+ [A](https://a.com)",
            "<!-- c -->\n- [A](https://a.com)",
        ] {
            assert!(is_link_list(md), "{md:?}");
        }
        for md in ["text\r- [A](https://a.com)", "- [A](https://a.com)\rtext"] {
            assert_eq!(is_link_list(md), parsed_link_list(md), "{md:?}");
        }
    }

    #[test]
    fn the_look_for_bullets_reads_lines_as_split_and_trimmed() {
        let by_lines = |md: &str| {
            md.split(['\n', '\r']).any(|line| {
                let rest = line.trim_start_matches(|c: char| c.is_whitespace() || c == '>');
                rest.starts_with(['-', '*', '+'])
            })
        };
        for md in [
            "",
            "-",
            "\n",
            "a\n-",
            "a-b\n",
            "a\r\n  > - b",
            "a\r* b",
            "a\r\n\r\n+",
            "\u{3000}- a",
            "\u{a0}\u{a0}* a",
            "x\u{3000}- a",
            ">>> >\t+ a",
            "a\n\u{3000}\n b -",
            "GPT-4o and *this*",
            "- ",
            "\n\n\n  \u{2003}>-",
            "é- a\né",
        ] {
            assert_eq!(may_hold_bullets(md), by_lines(md), "{md:?}");
        }
    }

    #[test]
    fn a_link_list_is_never_missed_by_the_look_for_bullets() {
        // Every section of every digest here that parses as a link list
        // has a line the quick look finds.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack: Vec<_> = ["tests/fixtures", "../../content", "../../fuzz/seeds"]
            .into_iter()
            .map(|dir| root.join(dir))
            .collect();
        let (mut sections, mut lists) = (0, 0);
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                for section in text.split("\n#") {
                    let own = section.split_once('\n').map_or("", |(_, rest)| rest);
                    sections += 1;
                    if parsed_link_list(own) {
                        assert!(may_hold_bullets(own), "{path:?}: {own:?}");
                        lists += 1;
                    }
                }
            }
        }
        assert!(
            sections > 100 && lists >= 2,
            "{lists} link lists in {sections} sections"
        );
    }

    #[test]
    fn title_pairs_are_one_item() {
        let body = "### OpenAI ships a model\n### OpenAI 发布新模型\n\nText.\n\n### Second story\n### 第二条\n\nText.\n";
        let got = roles(body);
        assert_eq!(
            got[0].1,
            Role::Item {
                translation: Some(1)
            }
        );
        assert_eq!(got[1].1, Role::Inside);
        assert_eq!(
            got[2].1,
            Role::Item {
                translation: Some(3)
            }
        );
        // Same script: two items, not a pair.
        let got = roles("### One\n### Two\n\nText.\n");
        assert_eq!(got[0].1, Role::Item { translation: None });
        assert_eq!(got[1].1, Role::Item { translation: None });
    }

    #[test]
    fn repeated_plain_headings_are_items_and_a_wrapper_is_skipped() {
        let got = roles("# Digest\n\n## A\n\ntext\n\n## B\n\ntext\n\n## 结语\n\nbye\n");
        assert_eq!(got[0].1, Role::Label);
        assert_eq!(got[1].1, Role::Item { translation: None });
        assert_eq!(got[2].1, Role::Item { translation: None });
        assert!(matches!(got[3].1, Role::Out(Why::Pattern(_))));
    }

    #[test]
    fn a_single_wrapper_over_one_section_is_not_the_item() {
        let got = roles("## 日报 2025/7/30\n\n### 产品与功能更新\n\n1. a\n2. b\n");
        assert_eq!(got[0].1, Role::Label);
        assert_eq!(got[1].1, Role::Item { translation: None });
    }
}
