//! HTML for Markdown that carries no raw HTML, written as the sanitiser
//! would leave it, so the sanitiser (an HTML parse and re-serialisation of
//! every item, ~7% of a clean build's work) runs only where raw HTML is.
//!
//! [`write`] gives byte for byte what `sanitize(push_html(events))` gives
//! for the events it takes: pulldown-cmark's layout (where it puts
//! newlines), html5ever's serialisation as the sanitiser writes it (`<br>`,
//! `&nbsp;`, quotes in text left as they are, `<` and `>` escaped in
//! attributes too, a code block's language class dropped), the
//! sanitiser's `rel` on every link, and each link's or image's URL kept or
//! dropped by the sanitiser's own rule (a URL that parses must have an
//! allowed scheme; a relative one is kept; anything else is dropped). For
//! anything else (raw HTML, tables, footnotes, nesting near
//! [`MAX_NESTING`](crate::extract::MAX_NESTING), a carriage return or NUL
//! in text or a value) it gives `None`, and the caller sanitises as
//! before. Tests hold the two ways equal over every Markdown file in the
//! repository, synthetic digests and generated fragments, and so does the
//! fuzz target `plain_html` for any input.

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};

/// URL schemes links and images may have: the sanitiser's (see
/// `extract::SANITIZER`).
pub const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The `rel` the sanitiser gives every link.
pub const LINK_REL: &str = "noopener noreferrer";

/// The sanitised HTML of `events`, or `None` when they hold something only
/// the sanitiser handles.
pub fn write(events: &[Event<'_>]) -> Option<String> {
    let mut w = Writer {
        out: String::with_capacity(room(events)),
        end_newline: true,
        depth: 0,
        in_link: false,
    };
    let mut events = events.iter();
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                w.out.push_str("<img");
                w.url_attr("src", url_value(dest_url))?;
                w.out.push_str(" alt=\"");
                alt_text(&mut events, &mut w.out)?;
                w.out.push('"');
                w.title_attr(title)?;
                w.out.push('>');
                w.end_newline = false;
            }
            Event::Start(tag) => w.start(tag)?,
            Event::End(tag) => w.end(*tag)?,
            Event::Text(text) => {
                text_escape(text, &mut w.out)?;
                w.end_newline = text.ends_with('\n');
            }
            Event::Code(text) => {
                w.out.push_str("<code>");
                text_escape(text, &mut w.out)?;
                w.push("</code>");
            }
            Event::SoftBreak => w.push("\n"),
            Event::HardBreak => w.push("<br>\n"),
            Event::Rule => w.block("<hr>\n"),
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => return None,
        }
    }
    Some(w.out)
}

/// Bytes to reserve for the HTML of `events`: their text and link
/// targets, and 16 bytes an event for its tags. Item bodies are kept for
/// the whole build, and with 16 bytes an event alone their strings grew
/// by doubling to twice their length on average (11.75 MB of capacity for
/// 5.93 MB of HTML at 1,000 digests). This was above the length for every
/// one of the 13,596 bodies of the 1,000-digest site; escaped text grows
/// past it only when it is mostly `<`, `>` and `&`, and then the string
/// grows as before.
fn room(events: &[Event<'_>]) -> usize {
    let text: usize = (events.iter())
        .map(|event| match event {
            Event::Text(text) | Event::Code(text) => text.len(),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                dest_url.len()
            }
            _ => 0,
        })
        .sum();
    text + events.len() * 16
}

/// `md` rendered as an item's body is, both ways: by [`write`] (`None` if
/// it leaves `md` to the sanitiser) and by the sanitiser. For the tests and
/// the fuzz target that hold the two equal.
pub fn both_ways(md: &str) -> (Option<String>, String) {
    let (events, _) = crate::extract::render_events(md, |src| Some(src.to_string()));
    (write(&events), crate::extract::sanitized(events))
}

/// How deep elements may nest here; deeper ones (which
/// `extract::capped` may have flattened) go to the sanitiser.
const MAX_DEPTH: usize = crate::extract::MAX_NESTING - 2;

struct Writer {
    out: String,
    /// Whether the output ends with a newline, as pulldown-cmark tracks it
    /// (it puts one before a block that does not start a line).
    end_newline: bool,
    depth: usize,
    in_link: bool,
}

impl Writer {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        self.end_newline = s.ends_with('\n');
    }

    /// A block's start tag, on a line of its own.
    fn block(&mut self, s: &str) {
        if !self.end_newline {
            self.out.push('\n');
        }
        self.push(s);
    }

    fn start(&mut self, tag: &Tag<'_>) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        match tag {
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            } if classes.is_empty() && attrs.is_empty() => self.block(&format!("<{level}>")),
            Tag::BlockQuote(None) => self.block("<blockquote>\n"),
            Tag::CodeBlock(CodeBlockKind::Fenced(_) | CodeBlockKind::Indented) => {
                self.block("<pre><code>")
            }
            Tag::List(None) => self.block("<ul>\n"),
            Tag::List(Some(1)) => self.block("<ol>\n"),
            Tag::List(Some(start)) => self.block(&format!("<ol start=\"{start}\">\n")),
            Tag::Item => self.block("<li>"),
            Tag::Emphasis => self.push("<em>"),
            Tag::Strong => self.push("<strong>"),
            Tag::Strikethrough => self.push("<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                // A link inside a link is left to the HTML parser's rules.
                if self.in_link {
                    return None;
                }
                self.in_link = true;
                let mut url = String::new();
                if *link_type == LinkType::Email {
                    url.push_str("mailto:");
                }
                url.push_str(&url_value(dest_url));
                self.out.push_str("<a");
                self.url_attr("href", url)?;
                self.title_attr(title)?;
                self.push(&format!(" rel=\"{LINK_REL}\">"));
            }
            _ => return None,
        }
        Some(())
    }

    fn end(&mut self, tag: TagEnd) -> Option<()> {
        self.depth = self.depth.checked_sub(1)?;
        match tag {
            TagEnd::Paragraph => self.push("</p>\n"),
            TagEnd::Heading(level) => self.push(&format!("</{level}>\n")),
            TagEnd::BlockQuote(None) => self.push("</blockquote>\n"),
            TagEnd::CodeBlock => self.push("</code></pre>\n"),
            TagEnd::List(true) => self.push("</ol>\n"),
            TagEnd::List(false) => self.push("</ul>\n"),
            TagEnd::Item => self.push("</li>\n"),
            TagEnd::Emphasis => self.push("</em>"),
            TagEnd::Strong => self.push("</strong>"),
            TagEnd::Strikethrough => self.push("</del>"),
            TagEnd::Link => {
                self.in_link = false;
                self.push("</a>");
            }
            _ => return None,
        }
        Some(())
    }

    /// ` name="url"` if the sanitiser keeps `url`, else nothing.
    fn url_attr(&mut self, name: &str, url: String) -> Option<()> {
        if url_allowed(&url) {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            attr_escape(&url, &mut self.out)?;
            self.out.push('"');
        }
        Some(())
    }

    fn title_attr(&mut self, title: &str) -> Option<()> {
        if !title.is_empty() {
            self.out.push_str(" title=\"");
            attr_escape(title, &mut self.out)?;
            self.out.push('"');
        }
        Some(())
    }
}

/// An image's alt text as pulldown-cmark writes it (the text of the
/// events up to the image's end, breaks as spaces), escaped for an
/// attribute.
fn alt_text<'a>(events: &mut impl Iterator<Item = &'a Event<'a>>, out: &mut String) -> Option<()> {
    let mut nest = 0usize;
    for event in events {
        match event {
            Event::Start(_) => nest += 1,
            Event::End(_) if nest == 0 => return Some(()),
            Event::End(_) => nest -= 1,
            Event::Html(_) => {}
            Event::InlineHtml(text) | Event::Code(text) | Event::Text(text) => {
                attr_escape(text, out)?;
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => return None,
        }
    }
    Some(())
}

/// The URL the sanitiser sees in an `href` or `src` pulldown-cmark wrote:
/// `url` with what pulldown-cmark percent-encodes encoded (its `&` and `'`
/// are written as entities, which the HTML parser reads back).
fn url_value(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(at) = rest.find(['&', '\'']) {
        // Writing to a String cannot fail.
        let _ = pulldown_cmark_escape::escape_href(&mut out, &rest[..at]);
        out.push_str(&rest[at..at + 1]);
        rest = &rest[at + 1..];
    }
    let _ = pulldown_cmark_escape::escape_href(&mut out, rest);
    out
}

/// The sanitiser's rule for a URL attribute: a URL that parses needs an
/// allowed scheme, a relative one is kept, anything else is dropped.
fn url_allowed(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(parsed) => URL_SCHEMES.contains(&parsed.scheme()),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    }
}

/// Text as html5ever serialises it; `None` for characters its parser
/// changes (carriage returns, NUL).
fn text_escape(text: &str, out: &mut String) -> Option<()> {
    escape(text, out, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        _ => None,
    })
}

/// An attribute value as html5ever serialises it; `None` as
/// [`text_escape`].
fn attr_escape(value: &str, out: &mut String) -> Option<()> {
    escape(value, out, |b| match b {
        b'&' => Some("&amp;"),
        b'"' => Some("&quot;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        _ => None,
    })
}

/// The bytes [`escape`] looks at: a carriage return, NUL, the bytes an
/// entity may stand for, and U+00A0's lead byte.
const STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut at = 0;
    let bytes = b"\r\0&<>\"\xc2";
    while at < bytes.len() {
        stops[bytes[at] as usize] = true;
        at += 1;
    }
    stops
};

/// `text` with each ASCII byte `entity` names replaced and U+00A0 as
/// `&nbsp;`, a run of plain text at a time; `None` at a carriage return or
/// NUL.
fn escape(text: &str, out: &mut String, entity: impl Fn(u8) -> Option<&'static str>) -> Option<()> {
    let bytes = text.as_bytes();
    let (mut start, mut at) = (0, 0);
    while at < bytes.len() {
        // Plain bytes a table lookup each (3.5% of a build's instructions
        // went to this loop when every byte went through the match).
        at += bytes[at..]
            .iter()
            .position(|&b| STOPS[usize::from(b)])
            .unwrap_or(bytes.len() - at);
        let Some(&b) = bytes.get(at) else { break };
        let (replacement, len) = match b {
            b'\r' | 0 => return None,
            // U+00A0 in UTF-8.
            0xc2 if bytes.get(at + 1) == Some(&0xa0) => ("&nbsp;", 2),
            b => match entity(b) {
                Some(e) => (e, 1),
                None => {
                    at += 1;
                    continue;
                }
            },
        };
        out.push_str(&text[start..at]);
        out.push_str(replacement);
        at += len;
        start = at;
    }
    out.push_str(&text[start..]);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract;
    use std::path::{Path, PathBuf};

    /// Checks `md` both ways; whether this module took it.
    fn same(md: &str) -> bool {
        let (plain, sanitized) = both_ways(md);
        if let Some(plain) = &plain {
            assert_eq!(
                plain, &sanitized,
                "written apart from the sanitiser: {md:?}"
            );
        }
        plain.is_some()
    }

    #[test]
    fn fragments_are_written_as_the_sanitiser_leaves_them() {
        let cases = [
            "plain text",
            "*em* **strong** ~~del~~ `code & <b>` a\u{a0}b \"quoted\" it's",
            "line one  \nline two\nline three",
            "# One\n\n## Two\n\n###### Six\n\ntext",
            "> quoted\n> more\n\n>> deeper",
            "1. one\n2. two\n\n7. seven\n8. eight\n\n- a\n- b\n  - c\n\n- loose\n\n- list",
            "```rust\nfn main() {}\n```\n\n```\nplain & <b>\n```\n\n    indented\n    code",
            "---\n\n***\n\ntext\n\n- - -",
            "[link](https://example.com/a?b=1&c='2' \"title & \\\"q\\\"\")",
            "[rel](../up/path.html) [frag](#top) [empty]() [mail](mailto:a@example.com)",
            "<https://example.com/auto> <someone@example.com>",
            "[js](javascript:alert(1)) [data](data:text/html,x) [vb](VBScript:x)",
            "[bad host](http://exa mple.com) [port](http://example.com:99999/) [ipv6](http://[::1/)",
            "[spaces](<a b c>) [unicode](https://例子.测试/路径?q=值) [pct](https://x.org/%zz)",
            "![alt *text* `c` \"q\"](https://example.com/i.png \"t\") ![](rel/i.png) ![x](javascript:y)",
            // Found by the fuzz target: the serialiser escapes `<` and `>`
            // in attributes too.
            "[![a<b>c](https://x.org/i.png \"t<i>\")](https://x.org/ \"<t>\")",
            "[![img](https://x.org/i.png)](https://x.org/)",
            "&amp; &lt; &copy; &#x27; &nbsp; &#0; &bogus;",
            "text <think>not a tag</think> <T> a < b > c",
            "中文，**加粗**，[链接](https://163.com/a.html)。",
            "- [ ] not a task list here\n- [x] done",
            "term\n: not a definition list",
            "trailing backslash\\\nnext",
            "carriage\r\nreturns\rtoo ![alt\r\nlines](i.png)",
            "[ref]\n\n[ref]: https://example.com/ref \"Ref title\"",
            "[a](https://x.org/'quote'&amp)",
        ];
        let mut taken = 0;
        for md in cases {
            taken += usize::from(same(md));
        }
        assert_eq!(taken, cases.len(), "every case above has no raw HTML");
        // Left to the sanitiser.
        for md in [
            "<b>bold</b>",
            "<div>\nblock\n</div>",
            "| a | b |\n|---|:-:|\n| 1 | 2 |",
            "note[^1]\n\n[^1]: the note",
            // The HTML parser reads a carriage return in a value as a
            // newline.
            "[a title](https://x.org/ \"over\r\ntwo lines\")",
        ] {
            assert_eq!(both_ways(md).0, None, "{md:?}");
        }
    }

    #[test]
    fn a_link_the_sanitiser_refuses_keeps_its_text_and_rel() {
        let (plain, _) = both_ways("[x](javascript:alert(1))");
        assert_eq!(
            plain.as_deref(),
            Some("<p><a rel=\"noopener noreferrer\">x</a></p>\n")
        );
    }

    #[test]
    fn nesting_near_the_limit_is_left_to_the_sanitiser() {
        let deep = ">".repeat(extract::MAX_NESTING + 5) + " deep";
        assert!(!same(&deep));
        assert!(same(&(">".repeat(10) + " shallow")));
    }

    fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                markdown_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_digest_here_is_written_as_the_sanitiser_leaves_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in ["content", "crates/tidings/tests/fixtures", "fuzz/seeds"] {
            markdown_files(&root.join(dir), &mut files);
        }
        files.push(root.join("README.md"));
        files.push(root.join("ARCHITECTURE.md"));
        assert!(files.len() > 50, "{} files", files.len());
        let mut texts: Vec<String> = Vec::new();
        for path in &files {
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        for index in 0..40 {
            texts.push(crate::synth::digest(7, index).1);
        }
        let (mut fragments, mut taken) = (0, 0);
        for text in &texts {
            // The whole file, each block, and each item as the build
            // renders it.
            let items = extract::extract(text, 1, &Default::default()).items;
            let blocks = text.split("\n\n").map(str::to_string);
            for md in std::iter::once(text.clone())
                .chain(blocks)
                .chain(items.into_iter().map(|i| i.body_md))
            {
                fragments += 1;
                taken += usize::from(same(&md));
            }
        }
        assert!(
            taken * 4 > fragments * 3,
            "{taken} of {fragments} fragments without the sanitiser"
        );
    }

    #[test]
    fn generated_fragments_are_written_as_the_sanitiser_leaves_them() {
        const PIECES: &[&str] = &[
            "word ",
            "中文",
            "*",
            "**",
            "_",
            "~~",
            "`",
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "&",
            "\"",
            "'",
            "\\",
            "!",
            "\n",
            "\n\n",
            "# ",
            "> ",
            "- ",
            "1. ",
            "    ",
            "```",
            "---",
            "  \n",
            "https://example.com/x?a=1&b=2",
            "javascript:x",
            "mailto:a@b.c",
            "\u{a0}",
            "&amp;",
            "&#39;",
            "<https://a.org/>",
            "[t](https://a.org/ \"T\")",
            "![i](p.png)",
            "3) ",
            "* ",
            "+ ",
            "[r]: https://r.org/\n",
        ];
        // A fixed sequence of pseudo-random numbers (xorshift).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut taken = 0;
        for _ in 0..3000 {
            let len = 1 + next(24);
            let md: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            taken += usize::from(same(&md));
        }
        assert!(taken > 2000, "{taken} of 3000 without the sanitiser");
    }
}
