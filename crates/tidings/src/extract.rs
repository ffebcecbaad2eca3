//! Turning a digest's Markdown body into an intro, a list of news items and
//! closing text. [`crate::outline`] decides which headings are items (by
//! weighing the evidence in the file); this module cuts the body at them,
//! splits sections that are numbered lists of stories, picks each item's
//! primary link, and renders and sanitises Markdown.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::outline::{self, Head, Role};

/// One item as found in the Markdown, before ids and images are settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawItem {
    /// 1-based line of the item's heading in the file.
    pub line: usize,
    pub title: String,
    pub title_html: String,
    /// The title in another language, when the digest gives both.
    pub title_translation: Option<String>,
    /// Lead image: `(src as written, alt)`.
    pub image: Option<(String, String)>,
    /// Body Markdown without the lead image and the trailing source note.
    pub body_md: String,
    /// 1-based line of the first body line.
    pub body_line: usize,
    pub links: Vec<String>,
    pub source: Option<String>,
    pub section: Option<String>,
    /// Who published the story, when named apart from its link.
    pub publisher: Option<String>,
}

/// A digest body split into intro, items and closing text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub intro_md: String,
    pub items: Vec<RawItem>,
    /// Sections after the first item that are not news items (references,
    /// a closing word, promotions), in order.
    pub closing_md: String,
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// How to find items; the defaults weigh the evidence in each file. Read
/// from `[extract]` in `tidings.toml`; `[[extract.rule]]` entries apply
/// to the files their `glob` matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractOptions {
    /// Heading level (1-6) of items, instead of weighing the evidence.
    pub item_level: Option<u8>,
    /// Heading level (1-6) whose headings label the items under them.
    pub section_level: Option<u8>,
    /// Headings that are never items (a part of their text, any case),
    /// besides the built-in closing and promotional ones.
    #[serde(default)]
    pub skip_sections: Vec<String>,
    /// Whether a heading followed directly by one in another script is one
    /// title with its translation (default: yes).
    pub title_pairs: Option<bool>,
    /// Title of a post without one; `{date}`, `{slug}` and `{file}` are
    /// filled in (e.g. "AI News · {date}").
    pub title_pattern: Option<String>,
    /// Keep numbered lists inside their item instead of one item per entry.
    pub no_list_items: Option<bool>,
    /// In a rule: the files it applies to, a glob (`*`, `?`) on the path
    /// under the content folder or on the file name.
    pub glob: Option<String>,
    /// Rules per file pattern, applied in order over these settings.
    #[serde(default)]
    pub rule: Vec<ExtractOptions>,
}

impl ExtractOptions {
    /// The settings for the file at `rel` (its path under the content
    /// folder, with `/`): these, with every matching rule applied.
    pub fn for_file(&self, rel: &str) -> ExtractOptions {
        let mut out = ExtractOptions {
            rule: Vec::new(),
            glob: None,
            ..self.clone()
        };
        let name = rel.rsplit('/').next().unwrap_or(rel);
        for r in &self.rule {
            let Some(glob) = &r.glob else { continue };
            if !(glob_match(glob, rel) || glob_match(glob, name)) {
                continue;
            }
            out.item_level = r.item_level.or(out.item_level);
            out.section_level = r.section_level.or(out.section_level);
            out.title_pairs = r.title_pairs.or(out.title_pairs);
            out.title_pattern = r.title_pattern.clone().or(out.title_pattern);
            out.no_list_items = r.no_list_items.or(out.no_list_items);
            out.skip_sections.extend(r.skip_sections.iter().cloned());
        }
        out
    }
}

/// Whether `text` matches `pattern`, where `*` is any run of characters and
/// `?` any one.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The 1-based line of each byte offset of a text, found by binary search
/// over where its lines start: counting the newlines before every item's
/// offset made a file of many items quadratic.
pub struct Lines {
    newlines: Vec<usize>,
    first: usize,
}

impl Lines {
    /// The lines of `text`, whose first line is line `first` of its file.
    pub fn new(text: &str, first: usize) -> Lines {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Lines { newlines, first }
    }

    /// The line the byte at `offset` is on.
    pub fn of(&self, offset: usize) -> usize {
        self.first + self.newlines.partition_point(|&n| n < offset)
    }
}

/// Splits `body` (which starts at 1-based line `body_line` of its file).
pub fn extract(body: &str, body_line: usize, options: &ExtractOptions) -> Extracted {
    let lines = Lines::new(body, body_line);
    let line_of = |offset: usize| lines.of(offset);
    let lists = options.no_list_items != Some(true);
    let outline = outline::outline(body, options);
    if outline.level.is_none() {
        // No headings: the body may still be a numbered list of stories.
        if let Some(entries) = list_entries(body).filter(|_| lists) {
            let intro_end = entries.first().map_or(0, |r| r.start);
            let items = entries
                .iter()
                .map(|r| list_item(&body[r.clone()], line_of(r.start), None))
                .collect();
            return Extracted {
                intro_md: body[..intro_end].to_string(),
                items,
                closing_md: String::new(),
            };
        }
        return Extracted {
            intro_md: body.to_string(),
            items: Vec::new(),
            closing_md: String::new(),
        };
    }
    let (heads, roles) = (&outline.heads, &outline.roles);
    // Headings that end the text before them: all but those inside an item.
    let bounds: Vec<usize> = (0..heads.len())
        .filter(|&i| roles[i] != Role::Inside)
        .collect();
    let first_item = roles.iter().position(|r| matches!(r, Role::Item { .. }));
    let labels = section_labels(heads, roles, options.section_level);
    let mut intro_md =
        body[..bounds.first().map_or(body.len(), |&i| heads[i].range.start)].to_string();
    let mut closing_md = String::new();
    let mut items = Vec::new();
    for (k, &i) in bounds.iter().enumerate() {
        let end = bounds
            .get(k + 1)
            .map_or(body.len(), |&j| heads[j].range.start);
        let h = &heads[i];
        let aside = if first_item.is_some_and(|f| i > f) {
            &mut closing_md
        } else {
            &mut intro_md
        };
        match &roles[i] {
            Role::Item { translation } => {
                let second = translation.map(|t| &heads[t]);
                let content_start = second.unwrap_or(h).range.end.min(end);
                let content = &body[content_start..end];
                let label = labels[i].clone();
                let mut scanned = scan(content);
                let entries = (scanned.entries.take())
                    .filter(|e| lists && !h.marked() && short_lead(content, e));
                if let Some(entries) = entries {
                    // A section that is a numbered list of stories: one item
                    // per entry, labelled with the section's heading.
                    let label = Some(h.text.clone()).filter(|s| !s.is_empty());
                    for r in entries {
                        let at = content_start + r.start;
                        items.push(list_item(&content[r], line_of(at), label.clone()));
                    }
                } else {
                    items.push(item(
                        h,
                        second,
                        content,
                        scanned,
                        line_of(h.range.start),
                        line_of(content_start),
                        label,
                    ));
                }
            }
            Role::Label => push_block(aside, &body[h.range.end.min(end)..end]),
            Role::Out(_) => push_block(aside, &body[h.range.start..end]),
            Role::Inside => {}
        }
    }
    Extracted {
        intro_md,
        items,
        closing_md,
    }
}

/// `first`, then the URLs of `refs` not already there, in order (looked up
/// in a set: an item may hold tens of thousands of links).
fn distinct_urls(mut first: Vec<String>, refs: &[LinkRef]) -> Vec<String> {
    let mut seen: std::collections::HashSet<&str> = first.iter().map(String::as_str).collect();
    let mut more = Vec::new();
    for r in refs {
        if seen.insert(&r.url) {
            more.push(r.url.clone());
        }
    }
    first.extend(more);
    first
}

/// Appends a Markdown block, keeping blocks apart.
fn push_block(to: &mut String, md: &str) {
    let md = md.trim();
    if md.is_empty() {
        return;
    }
    if !to.trim().is_empty() {
        to.truncate(to.trim_end().len());
        to.push_str("\n\n");
    }
    to.push_str(md);
    to.push('\n');
}

/// The label of each heading's item: the nearest heading above it at
/// `section_level`, or else the nearest label heading above it of a higher
/// level. One pass, remembering the last such heading per level, so that a
/// file of many items is not scanned back from each.
fn section_labels(
    heads: &[Head],
    roles: &[Role],
    section_level: Option<u8>,
) -> Vec<Option<String>> {
    // The last heading seen at each level (1–6), and the last label heading.
    let mut last = [None::<usize>; 7];
    let mut last_label = [None::<usize>; 7];
    let mut labels = Vec::with_capacity(heads.len());
    for (i, h) in heads.iter().enumerate() {
        let level = usize::from(h.level.min(6));
        let found = match section_level {
            Some(l) => last[usize::from(l.min(6))],
            None => last_label[..level].iter().flatten().max().copied(),
        };
        labels.push(
            found
                .map(|j| heads[j].text.clone())
                .filter(|s| !s.is_empty()),
        );
        last[level] = Some(i);
        if roles[i] == Role::Label {
            last_label[level] = Some(i);
        }
    }
    labels
}

/// Whether the text before a list is short enough for the list to be the
/// section's content (not comments under a story told before it).
fn short_lead(content: &str, entries: &[Range<usize>]) -> bool {
    let start = entries.first().map_or(0, |r| r.start);
    markdown_text(&content[..start]).chars().count() <= 60
}

/// The entries of a top-level ordered list, when `content` is mainly that
/// list (two or more entries covering at least half of the text).
fn list_entries(content: &str) -> Option<Vec<Range<usize>>> {
    let mut list = ListEntries::default();
    for (event, range) in Parser::new_ext(content, options()).into_offset_iter() {
        list.see(&event, range);
    }
    list.finish(content)
}

/// [`list_entries`]' state while it reads the events of `content`.
#[derive(Default)]
struct ListEntries {
    /// Whether each open list is ordered.
    stack: Vec<bool>,
    entries: Vec<Range<usize>>,
    list_bytes: usize,
}

impl ListEntries {
    fn see(&mut self, event: &Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(Tag::List(start)) => {
                if self.stack.is_empty() && start.is_some() {
                    self.list_bytes += range.len();
                }
                self.stack.push(start.is_some());
            }
            Event::End(TagEnd::List(_)) => {
                self.stack.pop();
            }
            Event::Start(Tag::Item) if self.stack == [true] => self.entries.push(range),
            _ => {}
        }
    }

    fn finish(self, content: &str) -> Option<Vec<Range<usize>>> {
        (self.entries.len() >= 2 && self.list_bytes * 2 >= content.trim().len())
            .then_some(self.entries)
    }
}

/// One entry of a numbered list as an item. The title is the entry's
/// leading bold text or link, else its first sentence.
fn list_item(entry: &str, line: usize, section: Option<String>) -> RawItem {
    let md = strip_list_marker(entry);
    let mut title = None;
    let mut rest_at = 0;
    let mut events = Parser::new_ext(&md, options())
        .into_offset_iter()
        .skip_while(|(e, _)| matches!(e, Event::Start(Tag::Paragraph)));
    if let Some((Event::Start(tag @ (Tag::Strong | Tag::Link { .. })), _)) = events.next() {
        let mut text = Vec::new();
        for (e, r) in events.by_ref() {
            match e {
                Event::End(TagEnd::Strong | TagEnd::Link) => {
                    rest_at = r.end;
                    break;
                }
                other => text.push(other),
            }
        }
        let t = plain_text(text.into_iter()).trim().to_string();
        if !t.is_empty() {
            title = Some(t);
        }
        if !matches!(tag, Tag::Strong) {
            rest_at = 0; // keep a leading link in the body: it is the source
        }
    }
    let body = md[rest_at..]
        .trim_start_matches([' ', ':', '：', '-', '—', '–', '，', ','])
        .trim()
        .to_string();
    let title = title.unwrap_or_else(|| {
        let text = markdown_text(&md);
        let end = text
            .find(['。', '！', '？', '!', '?'])
            .unwrap_or(text.len());
        let first = &text[..end];
        if first.chars().count() > 80 {
            format!("{}…", first.chars().take(80).collect::<String>())
        } else {
            first.to_string()
        }
    });
    let refs = scan(&md).links;
    let links = distinct_urls(Vec::new(), &refs);
    RawItem {
        line,
        title_html: tidings_model::html::escape(&title),
        title: if title.is_empty() {
            "(untitled)".to_string()
        } else {
            title
        },
        title_translation: None,
        image: None,
        body_md: strip_source_note(&body).to_string(),
        body_line: line,
        source: primary_link(None, &refs),
        links,
        section,
        publisher: None,
    }
}

/// An entry's Markdown without its `1.` marker and with continuation lines
/// dedented.
fn strip_list_marker(entry: &str) -> String {
    let trimmed = entry.trim_start();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let after = &trimmed[digits..];
    let after = after.strip_prefix(['.', ')']).unwrap_or(after);
    let width = entry.len() - after.len() + (after.len() - after.trim_start_matches(' ').len());
    let after = after.trim_start_matches(' ');
    let mut out = String::with_capacity(entry.len());
    for (n, line) in after.lines().enumerate() {
        if n > 0 {
            out.push('\n');
            let spaces = line.len() - line.trim_start_matches(' ').len();
            out.push_str(&line[spaces.min(width)..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

fn item(
    h: &Head,
    translation: Option<&Head>,
    content: &str,
    scanned: Scanned,
    line: usize,
    body_line: usize,
    section: Option<String>,
) -> RawItem {
    let Scanned {
        lead,
        links: mut refs,
        ..
    } = scanned;
    // A link in part of the heading is one more link of the item; a link
    // over the whole heading is the story's own.
    let heading_link = h.link.clone().filter(|_| h.link_is_title);
    if let (Some(url), false) = (&h.link, h.link_is_title) {
        refs.insert(
            0,
            LinkRef {
                url: url.clone(),
                text: String::new(),
                before: String::new(),
                image: false,
            },
        );
    }
    let (image, image_range) = lead.map_or((None, None), |(s, a, r)| (Some((s, a)), Some(r)));
    let mut body = match image_range {
        Some(r) => format!("{}{}", &content[..r.start], &content[r.end..]),
        None => content.to_string(),
    };
    let trimmed_len = strip_source_note(&body).len();
    body.truncate(trimmed_len);
    let title = if h.text.trim().is_empty() {
        "(untitled)".to_string()
    } else {
        h.text.trim().to_string()
    };
    let links = distinct_urls(heading_link.iter().cloned().collect(), &refs);
    RawItem {
        line,
        title,
        title_html: h.html.trim().to_string(),
        title_translation: translation
            .map(|t| t.text.clone())
            .filter(|t| !t.is_empty()),
        image,
        body_md: body.trim().to_string(),
        body_line,
        source: primary_link(heading_link.as_deref(), &refs),
        links,
        section,
        publisher: None,
    }
}

/// A link in an item's text, with what the evidence for its role needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub url: String,
    /// Its text.
    pub text: String,
    /// The text just before it in its paragraph (`原文链接：`, `（报道详情：`).
    pub before: String,
    /// Whether it only wraps an image.
    pub image: bool,
}

/// Words that name a link as the story's own.
const SOURCE_CUES: &[&str] = &[
    "原文",
    "报道详情",
    "详情",
    "来源",
    "出处",
    "阅读全文",
    "全文",
    "source",
    "read more",
    "read the full",
    "full story",
    "original",
];

/// Words that name a link as a discussion of the story, not the story.
const DISCUSSION_CUES: &[&str] = &["讨论", "评论", "discussion", "comments", "thread"];

/// Hosts whose links are discussions of a story.
const DISCUSSION_HOSTS: &[&str] = &["news.ycombinator.com", "lobste.rs", "reddit.com"];

fn has_cue(text: &str, cues: &[&str]) -> bool {
    has_lowered_cue(&lowered(text), cues)
}

/// [`has_cue`] for text already lower-cased.
fn has_lowered_cue(lower: &str, cues: &[&str]) -> bool {
    cues.iter().any(|c| lower.contains(c))
}

/// `text.to_lowercase()`, borrowed when every character is one lower
/// case leaves as it is: ASCII other than capitals, CJK ideographs and
/// punctuation, kana, Hangul. A link's text is mostly these: `has_cue`
/// took 59.3 M of a 1,000-digest build's 2,772 M instructions, much of it
/// asking the case tables about each CJK character and copying; 50.0 M
/// with this.
fn lowered(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(caseless) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.to_lowercase())
    }
}

/// Whether lower case leaves `c` as it is, known without the case
/// tables: ASCII other than a capital, or a character of a block with no
/// case at all.
fn caseless(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_uppercase();
    }
    matches!(u32::from(c),
        0x3000..=0x30ff     // CJK symbols and punctuation, kana
        | 0x3400..=0x4dbf   // CJK extension A
        | 0x4e00..=0x9fff   // CJK unified ideographs
        | 0xac00..=0xd7a3   // Hangul syllables
        | 0xff01..=0xff20) // full-width punctuation and digits, before Ａ
}

#[cfg(test)]
fn is_discussion(link: &LinkRef) -> bool {
    discussion_host(&link.url) || has_cue(&link.text, DISCUSSION_CUES)
}

/// Whether `url`'s host is one of [`DISCUSSION_HOSTS`] or under one.
fn discussion_host(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or("", |(_, rest)| {
            rest.split(['/', '?', '#']).next().unwrap_or("")
        })
        .to_ascii_lowercase();
    DISCUSSION_HOSTS.iter().any(|d| {
        host.strip_suffix(d)
            .is_some_and(|sub| sub.is_empty() || sub.ends_with('.'))
    })
}

/// The item's own link: a link in its heading; else one its text names as
/// the source (`原文链接：`, `Read more →`, `（报道详情：…）`); else its last
/// link that is neither a discussion nor an image; else its last link that
/// is not an image. One pass over the links, each text lower-cased once
/// (twice before, and the last links looked at again).
pub fn primary_link(heading: Option<&str>, links: &[LinkRef]) -> Option<String> {
    if let Some(url) = heading {
        return Some(url.to_string());
    }
    let mut last_story = None;
    for l in links.iter().filter(|l| !l.image) {
        let text = lowered(&l.text);
        if discussion_host(&l.url) || has_lowered_cue(&text, DISCUSSION_CUES) {
            continue;
        }
        if has_lowered_cue(&text, SOURCE_CUES) || has_cue(&l.before, SOURCE_CUES) {
            return Some(l.url.clone());
        }
        last_story = Some(l);
    }
    last_story
        .or_else(|| links.iter().rev().find(|l| !l.image))
        .map(|l| l.url.clone())
}

/// An item given in the front matter's `stories` list.
pub fn story_item(story: &crate::frontmatter::Story) -> RawItem {
    let links: Vec<String> = story.url.iter().filter(|u| is_http(u)).cloned().collect();
    RawItem {
        line: story.line,
        title: story.title.clone(),
        title_html: tidings_model::html::escape(&story.title),
        title_translation: None,
        image: None,
        body_md: escape_markdown(&story.summary),
        body_line: story.line,
        source: links.first().cloned(),
        links,
        section: None,
        publisher: story.source.clone(),
    }
}

pub(crate) fn is_http(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The text of rendered `html`: tags dropped (each leaves a space) and
/// white space collapsed. Entities stay as written.
pub fn html_text(html: &str) -> String {
    let mut words = Words::default();
    let mut in_tag = false;
    let mut rest = html;
    while let Some(at) = memchr::memchr2(b'<', b'>', rest.as_bytes()) {
        if !in_tag {
            words.push(&rest[..at]);
        }
        in_tag = rest.as_bytes()[at] == b'<';
        if !in_tag {
            words.gap();
        }
        rest = &rest[at + 1..];
    }
    if !in_tag {
        words.push(rest);
    }
    words.finish()
}

/// Text with each run of white space (`char::is_whitespace`) folded into
/// one space and none at either end, in one pass as it is pushed: what
/// `text.split_whitespace().collect::<Vec<_>>().join(" ")` gives for the
/// text pushed together. That took ~3% of a 1,000-digest build's
/// instructions (`SplitWhitespace`, the `Vec`, the second copy); this
/// takes ~1.6%.
#[derive(Default)]
pub struct Words {
    out: String,
    /// White space since the last word.
    gap: bool,
}

impl Words {
    /// `text` folded.
    pub fn of(text: &str) -> String {
        let mut words = Words::default();
        words.push(text);
        words.finish()
    }

    /// White space: the next word, if any, goes after a space.
    pub fn gap(&mut self) {
        self.gap = true;
    }

    /// `text` after what was pushed before, its white space folded.
    pub fn push(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let (mut word, mut at) = (0, 0);
        while let Some(&b) = bytes.get(at) {
            let len = match b {
                0..=0x7f => 1,
                0x80..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            let space = match b {
                b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => true,
                // The lead bytes of the other white space characters
                // (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000).
                0xc2 | 0xe1 | 0xe2 | 0xe3 => {
                    text[at..].chars().next().is_some_and(char::is_whitespace)
                }
                _ => false,
            };
            if space {
                self.word(&text[word..at]);
                self.gap = true;
                word = at + len;
            }
            at += len;
        }
        self.word(&text[word..]);
    }

    fn word(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if self.gap && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.gap = false;
        self.out.push_str(word);
    }

    /// The text, at its length: items keep theirs for the whole build.
    pub fn finish(self) -> String {
        if self.out.capacity() > self.out.len() {
            self.out.as_str().to_owned()
        } else {
            self.out
        }
    }
}

/// Escapes text so Markdown shows it as written.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What one pass over a section finds.
struct Scanned {
    /// The lead image, if the first paragraph holds only an image (possibly
    /// wrapped in a link), as `(src, alt, range of the paragraph)`.
    lead: Option<(String, String, Range<usize>)>,
    /// Every http(s) link, in order, with its text and the text before it.
    links: Vec<LinkRef>,
    /// [`list_entries`] of the section.
    entries: Option<Vec<Range<usize>>>,
}

/// One pass over `content`: see [`Scanned`].
fn scan(content: &str) -> Scanned {
    #[derive(PartialEq)]
    enum Lead {
        Start,
        InPara,
        InImage,
        Failed,
        Done,
    }
    let mut state = Lead::Start;
    let mut lead: Option<(String, Vec<Event<'_>>, Range<usize>)> = None;
    let mut links: Vec<LinkRef> = Vec::new();
    // The open link (an index into `links`), and the text of the current
    // block before it.
    let mut open: Option<usize> = None;
    let mut block_text = String::new();
    let mut list = ListEntries::default();
    for (event, range) in Parser::new_ext(content, options()).into_offset_iter() {
        list.see(&event, range.clone());
        match &event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let url = dest_url.trim();
                if is_http(url) {
                    let tail: String = {
                        let chars: Vec<char> = block_text.chars().collect();
                        chars[chars.len().saturating_sub(16)..].iter().collect()
                    };
                    links.push(LinkRef {
                        url: url.to_string(),
                        text: String::new(),
                        before: tail,
                        image: false,
                    });
                    open = Some(links.len() - 1);
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some(l) = open.take().and_then(|i| links.get_mut(i)) {
                    l.image = l.image && l.text.trim().is_empty();
                    block_text.push_str(&l.text);
                }
            }
            Event::Start(Tag::Image { .. }) => {
                if let Some(l) = open.and_then(|i| links.get_mut(i)) {
                    l.image = l.text.trim().is_empty();
                }
            }
            Event::Text(t) | Event::Code(t) => match open.and_then(|i| links.get_mut(i)) {
                Some(l) if !l.image => l.text.push_str(t),
                Some(_) => {}
                None => block_text.push_str(t),
            },
            Event::Start(Tag::Paragraph | Tag::Item) => block_text.clear(),
            _ => {}
        }
        state = match (state, event) {
            (Lead::Start, Event::Start(Tag::Paragraph)) => {
                lead = Some((String::new(), Vec::new(), range));
                Lead::InPara
            }
            (Lead::Start, _) => Lead::Failed,
            (Lead::InPara, Event::Start(Tag::Image { dest_url, .. })) => match lead.as_mut() {
                Some((src, _, _)) if src.is_empty() => {
                    *src = dest_url.to_string();
                    Lead::InImage
                }
                _ => Lead::Failed,
            },
            (Lead::InImage, Event::End(TagEnd::Image)) => Lead::InPara,
            (Lead::InImage, e @ (Event::Text(_) | Event::Code(_))) => {
                if let Some((_, alt, _)) = lead.as_mut() {
                    alt.push(e);
                }
                Lead::InImage
            }
            (Lead::InImage, _) => Lead::InImage,
            (Lead::InPara, Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link)) => {
                Lead::InPara
            }
            (Lead::InPara, Event::SoftBreak | Event::HardBreak) => Lead::InPara,
            (Lead::InPara, Event::Text(t)) if t.trim().is_empty() => Lead::InPara,
            (Lead::InPara, Event::End(TagEnd::Paragraph)) => Lead::Done,
            (Lead::InPara, _) => Lead::Failed,
            (done @ (Lead::Done | Lead::Failed), _) => done,
        };
    }
    let lead = match state {
        Lead::Done => lead
            .filter(|(src, _, _)| !src.is_empty())
            .map(|(src, alt, range)| (src, plain_text(alt.into_iter()), range)),
        _ => None,
    };
    Scanned {
        lead,
        links,
        entries: list.finish(content),
    }
}

/// Removes a trailing note that only points at the source, such as
/// `（报道详情：[url](url)）` or `(Source: [site](url))`; the app shows the
/// source link on its own.
pub fn strip_source_note(md: &str) -> &str {
    let t = md.trim_end();
    let (inner, open) = if let Some(b) = t.strip_suffix('）') {
        (b, '（')
    } else if let Some(b) = t.strip_suffix(')') {
        (b, '(')
    } else {
        return md;
    };
    if !inner.ends_with(')') {
        return md;
    }
    let Some(link_start) = inner.rfind("](").and_then(|i| inner[..i].rfind('[')) else {
        return md;
    };
    let before = inner[..link_start].trim_end();
    let Some(before) = before
        .strip_suffix(':')
        .or_else(|| before.strip_suffix('：'))
    else {
        return md;
    };
    let Some(open_at) = before.rfind(open) else {
        return md;
    };
    let label = &before[open_at + open.len_utf8()..];
    if label.trim().is_empty()
        || label.chars().count() > 16
        || label.contains(['[', ']', '(', ')', '（', '）'])
    {
        return md;
    }
    t[..open_at].trim_end()
}

/// Concatenated text of events (soft breaks as spaces).
pub fn plain_text<'a>(events: impl Iterator<Item = Event<'a>>) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// Plain text of a Markdown fragment.
pub fn markdown_text(md: &str) -> String {
    let mut words = Words::default();
    for e in Parser::new_ext(md, options()) {
        match e {
            Event::Text(t) | Event::Code(t) => words.push(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => words.gap(),
            Event::InlineHtml(h) | Event::Html(h) if !known_html(&h) => words.push(&h),
            Event::InlineHtml(_) | Event::Html(_) => words.gap(),
            _ => {}
        }
    }
    words.finish()
}

/// The first sentences of `text`, cut at a sentence end near `max` chars.
/// The cut is found first and the summary copied once, at its length:
/// pushed a character at a time, a summary's string doubled its way up
/// and kept the room unused (massif at the 10,000-digest build's peak:
/// 46.6 MB of summaries before, 30.8 MB after).
pub fn first_sentences(text: &str, max: usize) -> String {
    // The characters before the half can end neither the sentence nor
    // the summary: stepped over without a look at each.
    cut(text, max, (max / 2).saturating_sub(1))
}

/// [`first_sentences`] with its first `skip` characters stepped over
/// unseen, which holds while `skip` is below `max / 2`. With `skip` 0
/// every character is looked at: the definition the test holds it to.
fn cut(text: &str, max: usize, skip: usize) -> String {
    let mut chars = text.char_indices();
    if skip > 0 && chars.nth(skip - 1).is_none() {
        return text.to_string();
    }
    for (n, (at, c)) in (skip..).zip(chars) {
        let end = at + c.len_utf8();
        if n + 1 >= max / 2 && matches!(c, '。' | '！' | '？' | '.' | '!' | '?') {
            return text[..end].to_string();
        }
        if n + 1 >= max {
            return [&text[..end], "…"].concat();
        }
    }
    text.to_string()
}

/// Renders a Markdown fragment to sanitised HTML. `image_src` maps each
/// image's source; an image it maps to `None` is left out.
#[cfg(test)]
fn render(md: &str, image_src: impl FnMut(&str) -> Option<String>) -> String {
    render_with_text(md, image_src).0
}

/// Renders a Markdown fragment to sanitised HTML, and gives its plain text
/// (whitespace collapsed). `image_src` maps each image's source; an image
/// it maps to `None` is left out.
pub fn render_with_text(
    md: &str,
    image_src: impl FnMut(&str) -> Option<String>,
) -> (String, String) {
    let (events, text) = render_events(md, image_src);
    let html = crate::plain_html::write(&events).unwrap_or_else(|| sanitized(events));
    (html, text)
}

/// The events [`render_with_text`] writes as HTML, and the plain text.
pub(crate) fn render_events(
    md: &str,
    mut image_src: impl FnMut(&str) -> Option<String>,
) -> (Vec<Event<'_>>, String) {
    let mut text = Words::default();
    let mut skipping = 0usize;
    let mut raw_depth = RawDepth::default();
    let events = Parser::new_ext(md, options()).filter_map(|e| match e {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            if skipping > 0 {
                skipping += 1;
                return None;
            }
            match image_src(&dest_url) {
                Some(src) => Some(Event::Start(Tag::Image {
                    link_type,
                    dest_url: src.into(),
                    title,
                    id,
                })),
                None => {
                    skipping = 1;
                    None
                }
            }
        }
        Event::End(TagEnd::Image) if skipping > 0 => {
            skipping -= 1;
            None
        }
        _ if skipping > 0 => None,
        Event::Html(h) | Event::InlineHtml(h) if !known_html(&h) || !raw_depth.admit(&h) => {
            text.push(&h);
            Some(Event::Text(h))
        }
        other => {
            match &other {
                Event::Text(t) | Event::Code(t) => text.push(t),
                Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => text.gap(),
                Event::InlineHtml(_) | Event::Html(_) => text.gap(),
                _ => {}
            }
            Some(other)
        }
    });
    let events: Vec<Event> = capped(events).collect();
    (events, text.finish())
}

/// pulldown-cmark's HTML of `events`, sanitised: what
/// [`plain_html::write`](crate::plain_html::write) gives for the events it
/// takes.
pub(crate) fn sanitized<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitize(&html)
}

/// How deep elements may nest in an item's HTML. Deeper ones are left out
/// (their content kept), because the sanitiser's HTML parser takes time in
/// the square of the nesting: 50,000 nested `>` took 17 s.
pub const MAX_NESTING: usize = 32;

/// How deep the raw HTML of a fragment has opened elements so far.
#[derive(Default)]
struct RawDepth(usize);

impl RawDepth {
    /// Whether raw HTML `h` keeps its elements within [`MAX_NESTING`]
    /// (then counted); HTML that would nest deeper is shown as text.
    fn admit(&mut self, h: &str) -> bool {
        const VOID: &[&str] = &[
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr",
        ];
        let mut depth = self.0;
        let mut rest = h;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let closing = rest.starts_with('/');
            let name: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let end = rest.find('>').unwrap_or(rest.len());
            if closing {
                depth = depth.saturating_sub(1);
            } else if !VOID.contains(&name.as_str()) && !rest[..end].ends_with('/') {
                depth += 1;
                if depth > MAX_NESTING {
                    return false;
                }
            }
        }
        self.0 = depth;
        true
    }
}

/// `events` with every element deeper than [`MAX_NESTING`] left out (its
/// start and end, not its content).
fn capped<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    // Whether each open element was kept, and how many kept are open.
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    events.filter(move |e| match e {
        Event::Start(_) => {
            let keep = depth < MAX_NESTING;
            kept.push(keep);
            depth += usize::from(keep);
            keep
        }
        Event::End(_) => {
            let keep = kept.pop().unwrap_or(true);
            depth -= usize::from(keep && depth > 0);
            keep
        }
        _ => true,
    })
}

/// HTML elements tidings recognises: the ones the sanitiser keeps, and the
/// ones it removes on purpose. Anything else that looks like a tag
/// (`<think>`, `<T>`, `<tag>`) is text someone wrote, and is shown as such.
const KNOWN_TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "math",
    "meta",
    "nav",
    "noscript",
    "object",
    "ol",
    "option",
    "p",
    "picture",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

fn known_html(html: &str) -> bool {
    let t = html.trim_start();
    if t.starts_with("<!--") || t.starts_with("<!") || t.starts_with("<?") {
        return true;
    }
    let name: String = t
        .trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    KNOWN_TAGS.contains(&name.to_ascii_lowercase().as_str())
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["video"])
        .add_tag_attributes("video", ["src", "controls", "poster", "width", "height"])
        .url_schemes(crate::plain_html::URL_SCHEMES.into_iter().collect())
        .link_rel(Some(crate::plain_html::LINK_REL));
    b
});

/// Cleans HTML with the digest allow-list: formatting, links, images,
/// tables, code and `<video>`; scripts, handlers, `javascript:` and `data:`
/// URLs, `<iframe>`, `<style>` and unknown tags are removed.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caseless_blocks_are_left_as_they_are_by_lower_case() {
        for c in (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| caseless(c))
        {
            assert!(c.to_lowercase().eq([c]), "U+{:04X}", c as u32);
            // Not a capital sigma, whose lower case depends on what follows.
            assert_ne!(c, 'Σ');
        }
        for text in [
            "原文链接：",
            "Read More →",
            "ΣΑΣ",
            "来源 Source",
            "１２３！",
        ] {
            assert_eq!(lowered(text), text.to_lowercase(), "{text:?}");
        }
        assert!(matches!(
            lowered("原文链接：https"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_primary_link_is_chosen_as_by_the_three_looks() {
        let old = |links: &[LinkRef]| {
            let story = |l: &&LinkRef| !l.image && !is_discussion(l);
            links
                .iter()
                .filter(story)
                .find(|l| has_cue(&l.text, SOURCE_CUES) || has_cue(&l.before, SOURCE_CUES))
                .or_else(|| links.iter().rev().find(story))
                .or_else(|| links.iter().rev().find(|l| !l.image))
                .map(|l| l.url.clone())
        };
        // Each kind of link, numbered by its place in the list.
        let kind = |k: usize, at: usize| {
            let (host, text, before, image) = match k {
                0 => ("a.com", "Story", "", false),
                1 => ("a.com", "", "", true),
                2 => ("news.ycombinator.com", "HN", "", false),
                3 => ("a.com", "Comments", "", false),
                4 => ("a.com", "原文链接", "", false),
                _ => ("a.com", "here", "Source: ", false),
            };
            LinkRef {
                url: format!("https://{host}/{at}"),
                text: text.into(),
                before: before.into(),
                image,
            }
        };
        let mut lists: Vec<Vec<usize>> = vec![vec![]];
        for _ in 0..4 {
            let longer: Vec<Vec<usize>> = (lists.iter())
                .filter(|l| l.len() == lists.last().map_or(0, Vec::len))
                .flat_map(|l| (0..6).map(move |k| [l.clone(), vec![k]].concat()))
                .collect();
            lists.extend(longer);
        }
        assert_eq!(lists.len(), 1 + 6 + 36 + 216 + 1296);
        for kinds in &lists {
            let links: Vec<LinkRef> = kinds
                .iter()
                .enumerate()
                .map(|(at, &k)| kind(k, at))
                .collect();
            assert_eq!(primary_link(None, &links), old(&links), "{kinds:?}");
        }
    }

    #[test]
    fn discussion_hosts_match_whole_labels() {
        let link = |url: &str| LinkRef {
            url: url.into(),
            text: String::new(),
            before: String::new(),
            image: false,
        };
        assert!(is_discussion(&link(
            "https://news.ycombinator.com/item?id=1"
        )));
        assert!(is_discussion(&link("https://old.reddit.com/r/x")));
        assert!(!is_discussion(&link("https://notreddit.com/r/x")));
        assert!(!is_discussion(&link("https://example.com/reddit.com")));
    }

    fn split_and_joined(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn words_fold_white_space_as_split_whitespace_does() {
        // Every character, between words, doubled and at both ends.
        let mut text = String::new();
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            text.clear();
            text.extend([c, 'a', c, c, '文', c, 'b', c]);
            assert_eq!(
                Words::of(&text),
                split_and_joined(&text),
                "U+{:04X}",
                c as u32
            );
        }
        for text in [
            "",
            " ",
            "\u{3000}\u{a0}\u{85}",
            "a",
            " a\t\n b\r\n",
            "英伟达\u{3000}发布 GPT-4o\u{2029}",
        ] {
            assert_eq!(Words::of(text), split_and_joined(text), "{text:?}");
        }
        // Pieces join as if pushed as one text; a gap is white space.
        let mut words = Words::default();
        for piece in ["  ab", "c ", "", " d", "e"] {
            words.push(piece);
        }
        words.gap();
        words.push("f");
        words.gap();
        assert_eq!(words.finish(), "abc de f");
    }

    #[test]
    fn html_text_drops_tags_and_folds_white_space() {
        let by_chars = |html: &str| {
            let mut out = String::new();
            let mut in_tag = false;
            for c in html.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        out.push(' ');
                    }
                    _ if !in_tag => out.push(c),
                    _ => {}
                }
            }
            split_and_joined(&out)
        };
        for html in [
            "",
            "<p>a</p>",
            "<p>a<b>b</b>c</p>\n<p> d </p>",
            "a > b",
            "a < b",
            "<a href=\"x>y\">z</a>",
            "<p>英伟达</p><p>发布\u{3000}GPT</p>",
            "<<>>a<",
            "a&amp;b <br>c",
        ] {
            assert_eq!(html_text(html), by_chars(html), "{html:?}");
        }
    }

    #[test]
    fn lines_count_the_newlines_before_an_offset() {
        let text = "a\nbc\n\nd";
        let lines = Lines::new(text, 5);
        for offset in 0..=text.len() {
            assert_eq!(lines.of(offset), 5 + text[..offset].matches('\n').count());
        }
    }

    fn auto(body: &str, line: usize) -> Extracted {
        extract(body, line, &ExtractOptions::default())
    }

    #[test]
    fn numbered_list_sections_give_one_item_per_entry() {
        let body = "Intro.\n\n### 产品与功能更新\n\n1. **OpenAI 发布新模型**：能力提升。[原文](https://a.com/1)\n2. **谷歌开源工具**: 支持中文\n   第二行。[链接](https://b.com/2)\n\n### 行业动态\n\n1. 百度宣布合作。更多内容 [x](https://c.com/3)\n2. [腾讯云上线服务](https://d.com/4) 面向企业\n";
        let x = auto(body, 1);
        let got: Vec<_> = x
            .items
            .iter()
            .map(|i| {
                (
                    i.title.as_str(),
                    i.section.as_deref(),
                    i.source.as_deref(),
                    i.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "OpenAI 发布新模型",
                    Some("产品与功能更新"),
                    Some("https://a.com/1"),
                    5
                ),
                (
                    "谷歌开源工具",
                    Some("产品与功能更新"),
                    Some("https://b.com/2"),
                    6
                ),
                (
                    "百度宣布合作",
                    Some("行业动态"),
                    Some("https://c.com/3"),
                    11
                ),
                (
                    "腾讯云上线服务",
                    Some("行业动态"),
                    Some("https://d.com/4"),
                    12
                ),
            ]
        );
        assert_eq!(x.items[0].body_md, "能力提升。[原文](https://a.com/1)");
        assert_eq!(
            x.items[1].body_md,
            "支持中文\n第二行。[链接](https://b.com/2)"
        );
        assert_eq!(x.intro_md.trim(), "Intro.");
    }

    #[test]
    fn a_bare_numbered_list_is_a_list_of_items() {
        let x = auto("Today:\n\n1. **A** one\n2. **B** two\n", 1);
        let titles: Vec<_> = x
            .items
            .iter()
            .map(|i| (i.title.as_str(), i.section.clone()))
            .collect();
        assert_eq!(titles, [("A", None), ("B", None)]);
    }

    #[test]
    fn a_short_list_inside_an_item_stays_in_it() {
        let x = auto("## A\n\nA long paragraph of text that is the main body of this item, much longer than the list.\n\n1. x\n2. y\n\n## B\n\nb\n", 1);
        assert_eq!(x.items.len(), 2);
        assert!(x.items[0].body_md.contains("1. x"));
    }

    #[test]
    fn item_level_can_be_forced() {
        let body = "## S1\n\nText.\n\n### a\n\n### b\n\n## S2\n\nText.\n\n### c\n";
        assert_eq!(auto(body, 1).items.len(), 2);
        let x = extract(
            body,
            1,
            &ExtractOptions {
                item_level: Some(3),
                ..ExtractOptions::default()
            },
        );
        let got: Vec<_> = x
            .items
            .iter()
            .map(|i| (i.title.as_str(), i.section.as_deref()))
            .collect();
        assert_eq!(
            got,
            [("a", Some("S1")), ("b", Some("S1")), ("c", Some("S2"))]
        );
    }

    #[test]
    fn tag_like_text_is_shown_not_dropped() {
        let html = render(
            "Models emit <think> tokens and Vec<T> types.<br/>Next line.\n\n<tag>\n",
            |s| Some(s.to_string()),
        );
        assert_eq!(html, "<p>Models emit &lt;think&gt; tokens and Vec&lt;T&gt; types.<br>Next line.</p>\n&lt;tag&gt;\n");
    }

    #[test]
    fn raw_paragraphs_and_video_survive() {
        let html = render(
            "<p>raw <b>bold</b></p>\n\n<video src=\"https://v.example/a.mp4\" controls></video>\n",
            |s| Some(s.to_string()),
        );
        assert!(html.contains("<p>raw <b>bold</b></p>"), "{html}");
        assert!(
            html.contains("<video src=\"https://v.example/a.mp4\" controls"),
            "{html}"
        );
    }

    #[test]
    fn items_at_repeated_h2_with_intro() {
        let body = "Intro text.\n\n## One\n\n![alt one](1.jpg)\n\nBody one. [src](https://a.com/1)\n\n## Two *em*\n\nBody two.\n";
        let x = auto(body, 10);
        assert_eq!(x.intro_md.trim(), "Intro text.");
        assert_eq!(x.items.len(), 2);
        let one = &x.items[0];
        assert_eq!((one.line, one.title.as_str()), (12, "One"));
        assert_eq!(one.image, Some(("1.jpg".into(), "alt one".into())));
        assert_eq!(one.body_md, "Body one. [src](https://a.com/1)");
        assert_eq!(one.source.as_deref(), Some("https://a.com/1"));
        let two = &x.items[1];
        assert_eq!(
            (two.title.as_str(), two.title_html.as_str()),
            ("Two em", "Two <em>em</em>")
        );
        assert_eq!((two.image.clone(), two.source.clone()), (None, None));
    }

    #[test]
    fn single_wrapper_heading_is_skipped_and_labels_items() {
        let body = "# Daily\n\n### A\n\ntext a\n\n### B\n\ntext b\n";
        let x = auto(body, 1);
        let titles: Vec<_> = x
            .items
            .iter()
            .map(|i| (i.title.as_str(), i.section.as_deref()))
            .collect();
        assert_eq!(titles, [("A", Some("Daily")), ("B", Some("Daily"))]);
    }

    #[test]
    fn no_headings_means_no_items() {
        let x = auto("just text\n", 1);
        assert!(x.items.is_empty());
        assert_eq!(x.intro_md, "just text\n");
    }

    #[test]
    fn deeper_headings_stay_in_their_item() {
        let x = auto("## A\n\n#### detail\n\nmore\n\n## B\n\nb\n", 1);
        assert_eq!(x.items.len(), 2);
        assert!(x.items[0].body_md.contains("#### detail"));
    }

    #[test]
    fn linked_lead_image_is_found() {
        let x = auto("## A\n\n[![pic](p.png)](p.png)\n\ntext\n## B\n", 1);
        assert_eq!(x.items[0].image, Some(("p.png".into(), "pic".into())));
        assert_eq!(x.items[0].body_md, "text");
    }

    #[test]
    fn image_inside_text_is_not_a_lead_image() {
        let x = auto("## A\n\nsee ![pic](p.png) here\n## B\n", 1);
        assert_eq!(x.items[0].image, None);
    }

    #[test]
    fn source_notes_are_stripped() {
        let seed = "正文。（报道详情：[https://www.163.com/a.html](https://www.163.com/a.html)）";
        assert_eq!(strip_source_note(seed), "正文。");
        assert_eq!(
            strip_source_note("Text (Source: [site](https://x.org/a))\n"),
            "Text"
        );
        // Not a note: plain parenthetical, or a link with more text around it.
        assert_eq!(
            strip_source_note("Text (see [a](b) and more)"),
            "Text (see [a](b) and more)"
        );
        assert_eq!(strip_source_note("Ends with [a](b)"), "Ends with [a](b)");
        assert_eq!(strip_source_note("（）"), "（）");
    }

    #[test]
    fn sanitizer_removes_dangerous_html() {
        let html = render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> \
             <iframe src=\"https://e.com\"></iframe><style>p{}</style>\
             <video src=\"https://v.com/a.mp4\" controls></video> [ok](https://ok.com)",
            |s| Some(s.to_string()),
        );
        for bad in ["<script", "javascript:", "onerror", "<iframe", "<style"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(
            html.contains(r#"<video src="https://v.com/a.mp4" controls"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<a href="https://ok.com" rel="noopener noreferrer">ok</a>"#),
            "{html}"
        );
    }

    #[test]
    fn missing_images_are_left_out_of_the_body() {
        let html = render("a ![gone](gone.png) b ![kept](k.png)", |s| {
            (s == "k.png").then(|| "/m/k.png".to_string())
        });
        assert_eq!(html, "<p>a  b <img src=\"/m/k.png\" alt=\"kept\"></p>\n");
    }

    #[test]
    fn first_sentences_as_a_look_at_every_character() {
        let by_chars = |text: &str, max: usize| cut(text, max, 0);
        let alphabet = ['a', '文', '。', '.', '！', '?', ' ', 'é'];
        let mut state = 7u64;
        for len in 0..24 {
            for _ in 0..40 {
                let text: String = (0..len)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        alphabet[(state >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                for max in 0..30 {
                    assert_eq!(
                        first_sentences(&text, max),
                        by_chars(&text, max),
                        "{text:?} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn first_sentences_cut_at_sentence_end() {
        assert_eq!(
            first_sentences("短句。第二句很长很长。", 8),
            "短句。第二句很长很长。".chars().take(8).collect::<String>() + "…"
        );
        assert_eq!(
            first_sentences("一二三四五。六七八九十。", 10),
            "一二三四五。"
        );
        assert_eq!(first_sentences("short", 100), "short");
    }
}
