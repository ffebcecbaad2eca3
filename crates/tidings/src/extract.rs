//! Turning a digest's Markdown body into an intro and a list of news items.
//!
//! The item unit is the heading level that repeats: the shallowest level with
//! two or more headings (so a single `##` wrapper over `###` items is
//! skipped). Shallower headings label the items that follow them. Text before
//! the first item is the digest's intro.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// One item as found in the Markdown, before ids and images are settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawItem {
    /// 1-based line of the item's heading in the file.
    pub line: usize,
    pub title: String,
    pub title_html: String,
    /// Lead image: `(src as written, alt)`.
    pub image: Option<(String, String)>,
    /// Body Markdown without the lead image and the trailing source note.
    pub body_md: String,
    /// 1-based line of the first body line.
    pub body_line: usize,
    pub links: Vec<String>,
    pub source: Option<String>,
    pub section: Option<String>,
}

/// A digest body split into intro and items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub intro_md: String,
    pub items: Vec<RawItem>,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

#[derive(Debug)]
struct Heading {
    level: HeadingLevel,
    range: Range<usize>,
    text: String,
    html: String,
}

fn headings(body: &str) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut current: Option<(HeadingLevel, Range<usize>, Vec<Event<'_>>)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some((level, range, Vec::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, range, events)) = current.take() {
                    let text = plain_text(events.iter().cloned());
                    let mut html = String::new();
                    pulldown_cmark::html::push_html(&mut html, events.into_iter());
                    out.push(Heading {
                        level,
                        range,
                        text,
                        html,
                    });
                }
            }
            other => {
                if let Some((_, _, events)) = current.as_mut() {
                    events.push(other);
                }
            }
        }
    }
    out
}

/// The heading level items are written at, if any.
fn item_level(headings: &[Heading]) -> Option<HeadingLevel> {
    let mut counts = [0usize; 7];
    for h in headings {
        counts[h.level as usize] += 1;
    }
    (1..=6)
        .find(|&l| counts[l] >= 2)
        .or_else(|| (1..=6).find(|&l| counts[l] == 1))
        .and_then(|l| HeadingLevel::try_from(l).ok())
}

/// Splits `body` (which starts at 1-based line `body_line` of its file).
pub fn extract(body: &str, body_line: usize) -> Extracted {
    let heads = headings(body);
    let Some(level) = item_level(&heads) else {
        return Extracted {
            intro_md: body.to_string(),
            items: Vec::new(),
        };
    };
    let intro_end = heads.first().map_or(body.len(), |h| h.range.start);
    let mut items = Vec::new();
    let mut section: Option<String> = None;
    for (i, h) in heads.iter().enumerate() {
        if h.level < level {
            section = Some(h.text.clone()).filter(|s| !s.is_empty());
            continue;
        }
        if h.level > level {
            continue;
        }
        let end = heads[i + 1..]
            .iter()
            .find(|n| n.level <= level)
            .map_or(body.len(), |n| n.range.start);
        let content_start = h.range.end.min(end);
        let line = body_line + body[..h.range.start].matches('\n').count();
        let content_line = body_line + body[..content_start].matches('\n').count();
        items.push(item(
            h,
            &body[content_start..end],
            line,
            content_line,
            section.clone(),
        ));
    }
    Extracted {
        intro_md: body[..intro_end].to_string(),
        items,
    }
}

fn item(
    h: &Heading,
    content: &str,
    line: usize,
    body_line: usize,
    section: Option<String>,
) -> RawItem {
    let (image, image_range) =
        lead_image(content).map_or((None, None), |(s, a, r)| (Some((s, a)), Some(r)));
    let mut body = match image_range {
        Some(r) => format!("{}{}", &content[..r.start], &content[r.end..]),
        None => content.to_string(),
    };
    let links = links(content);
    let trimmed_len = strip_source_note(&body).len();
    body.truncate(trimmed_len);
    let title = if h.text.trim().is_empty() {
        "(untitled)".to_string()
    } else {
        h.text.trim().to_string()
    };
    RawItem {
        line,
        title,
        title_html: h.html.trim().to_string(),
        image,
        body_md: body.trim().to_string(),
        body_line,
        source: links.last().cloned(),
        links,
        section,
    }
}

/// An item given in the front matter's `stories` list.
pub fn story_item(story: &crate::frontmatter::Story) -> RawItem {
    let links: Vec<String> = story.url.iter().filter(|u| is_http(u)).cloned().collect();
    RawItem {
        line: story.line,
        title: story.title.clone(),
        title_html: escape_html(&story.title),
        image: None,
        body_md: escape_markdown(&story.summary),
        body_line: story.line,
        source: links.first().cloned(),
        links,
        section: story.source.clone(),
    }
}

fn is_http(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Escapes text for HTML.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

/// A paragraph at the top of `content` holding only an image (possibly
/// wrapped in a link): `(src, alt, range of the paragraph)`.
fn lead_image(content: &str) -> Option<(String, String, Range<usize>)> {
    let mut events = Parser::new_ext(content, options()).into_offset_iter();
    let (first, para_range) = events.next()?;
    if !matches!(first, Event::Start(Tag::Paragraph)) {
        return None;
    }
    let mut src = None;
    let mut alt = Vec::new();
    let mut in_image = false;
    for (event, _) in events {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) if src.is_none() => {
                src = Some(dest_url.to_string());
                in_image = true;
            }
            Event::End(TagEnd::Image) => in_image = false,
            Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) if !in_image => {}
            Event::Text(t) | Event::Code(t) if in_image => alt.push(Event::Text(t)),
            Event::Text(t) if t.trim().is_empty() => {}
            Event::SoftBreak | Event::HardBreak if !in_image => {}
            Event::End(TagEnd::Paragraph) => break,
            _ if in_image => {}
            _ => return None,
        }
    }
    Some((src?, plain_text(alt.into_iter()), para_range))
}

/// Every http(s) link of `content`, in order, without duplicates.
fn links(content: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for event in Parser::new_ext(content, options()) {
        if let Event::Start(Tag::Link { dest_url, .. }) = event {
            let url = dest_url.trim();
            let lower = url.to_ascii_lowercase();
            if (lower.starts_with("http://") || lower.starts_with("https://"))
                && !out.iter().any(|u| u == url)
            {
                out.push(url.to_string());
            }
        }
    }
    out
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
    let mut s = String::new();
    for e in Parser::new_ext(md, options()) {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => s.push(' '),
            _ => {}
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentences of `text`, cut at a sentence end near `max` chars.
pub fn first_sentences(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        out.push(c);
        if n + 1 >= max / 2 && matches!(c, '。' | '！' | '？' | '.' | '!' | '?') {
            return out;
        }
        if n + 1 >= max {
            out.push('…');
            return out;
        }
    }
    out
}

/// Renders a Markdown fragment to sanitised HTML. `image_src` maps each
/// image's source; an image it maps to `None` is left out.
pub fn render(md: &str, mut image_src: impl FnMut(&str) -> Option<String>) -> String {
    let mut skipping = 0usize;
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
        other => Some(other),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    sanitize(&html)
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["video"])
        .add_tag_attributes("video", ["src", "controls", "poster", "width", "height"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"));
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
    fn items_at_repeated_h2_with_intro() {
        let body = "Intro text.\n\n## One\n\n![alt one](1.jpg)\n\nBody one. [src](https://a.com/1)\n\n## Two *em*\n\nBody two.\n";
        let x = extract(body, 10);
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
        let x = extract(body, 1);
        let titles: Vec<_> = x
            .items
            .iter()
            .map(|i| (i.title.as_str(), i.section.as_deref()))
            .collect();
        assert_eq!(titles, [("A", Some("Daily")), ("B", Some("Daily"))]);
    }

    #[test]
    fn no_headings_means_no_items() {
        let x = extract("just text\n", 1);
        assert!(x.items.is_empty());
        assert_eq!(x.intro_md, "just text\n");
    }

    #[test]
    fn deeper_headings_stay_in_their_item() {
        let x = extract("## A\n\n#### detail\n\nmore\n\n## B\n\nb\n", 1);
        assert_eq!(x.items.len(), 2);
        assert!(x.items[0].body_md.contains("#### detail"));
    }

    #[test]
    fn linked_lead_image_is_found() {
        let x = extract("## A\n\n[![pic](p.png)](p.png)\n\ntext\n## B\n", 1);
        assert_eq!(x.items[0].image, Some(("p.png".into(), "pic".into())));
        assert_eq!(x.items[0].body_md, "text");
    }

    #[test]
    fn image_inside_text_is_not_a_lead_image() {
        let x = extract("## A\n\nsee ![pic](p.png) here\n## B\n", 1);
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
