//! Markup both sides write the same way: a digest's card in a list, a
//! digest's page and an item's page are the same HTML in the pre-rendered
//! pages (written by the build) and in the app (set as the element's
//! content, one DOM call instead of one per node, so a filter that swaps
//! the list's cards stays cheap and the app carries no second copy of the
//! pages' markup). The app makes the buttons work by listening on the
//! page's element (`data-item` names the item a button acts on) and keeps
//! their state with [`star_label`] and [`read_label`].

use std::fmt::Write;

use crate::facet::{Combine, Facet};
use crate::i18n::Text;
use crate::query::{items_of, Choice, Filter, ListBase, Mode, Panel};
use crate::reading::Starred;
use crate::site::SiteInfo;
use crate::{url, Digest, DigestSummary, Image, Item, Manifest};

/// `s` escaped for HTML text and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// What goes inside a digest's card (`<li class="digest-card">`): the
/// "new" badge if `new`, the date, the linked title, the summary, the item
/// count and the tag links.
pub fn digest_card_content(d: &DigestSummary, site: &SiteInfo, text: &Text, new: bool) -> String {
    let href = |path: &str| escape(&site.href(path));
    let mut o = String::with_capacity(256 + d.title.len() + d.summary.len());
    if new {
        o.push_str("<span class=\"new-badge\" data-testid=\"new\">");
        o.push_str(&escape(text.new_badge));
        o.push_str("</span>");
    }
    o.push_str(&date_line(&d.date, text));
    o.push_str("<h2><a href=\"");
    o.push_str(&href(&url::digest(&d.slug)));
    o.push_str("\">");
    o.push_str(&escape(&d.title));
    o.push_str("</a></h2><p class=\"summary\">");
    o.push_str(&escape(&d.summary));
    o.push_str("</p><div class=\"meta\"><span class=\"count\">");
    o.push_str(&escape(&text.items(u64::from(d.item_count))));
    o.push_str("</span>");
    o.push_str(&tag_links(&d.tags, site));
    o.push_str("</div>");
    o
}

/// A date as the language writes it, machine-readable beside: `<time>`.
pub fn date_line(date: &str, text: &Text) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        escape(date),
        escape(&text.date_text(date))
    )
}

/// A digest's card, the `<li>` with its content.
pub fn digest_card(d: &DigestSummary, site: &SiteInfo, text: &Text, new: bool) -> String {
    let class = if new {
        "digest-card new"
    } else {
        "digest-card"
    };
    format!(
        "<li class=\"{class}\">{}</li>",
        digest_card_content(d, site, text, new)
    )
}

/// The tags as links to their pages: `<ul class="tags">`.
pub fn tag_links(tags: &[String], site: &SiteInfo) -> String {
    format!("<ul class=\"tags\">{}</ul>", tag_items(tags, site))
}

/// What goes inside [`tag_links`]' list: a linked `#tag` per tag.
pub fn tag_items(tags: &[String], site: &SiteInfo) -> String {
    let mut o = String::new();
    for t in tags {
        o.push_str("<li><a href=\"");
        o.push_str(&escape(&site.href(&url::tag(t))));
        o.push_str("\">#");
        o.push_str(&escape(t));
        o.push_str("</a></li>");
    }
    o
}

/// One row of the items view or of search results, the `<li>`: the
/// item's linked title (`title_html`: escaped, or marked by [`marked`]),
/// a search's snippet if any (`snippet_html`, the same), its source's
/// domain, the date and title of its digest (linked), and how many days
/// the story ran when more than one (`days`, already worded).
pub struct ItemRow<'a> {
    pub href: &'a str,
    pub title_html: &'a str,
    pub snippet_html: Option<&'a str>,
    pub domain: Option<&'a str>,
    pub date: &'a str,
    pub digest: &'a str,
    pub digest_href: &'a str,
    pub days: Option<&'a str>,
}

impl ItemRow<'_> {
    /// The row's `<li>`: the title and snippet as given, every other text
    /// escaped. A search result's row is also of class `result`.
    pub fn html(&self) -> String {
        let mut o = String::with_capacity(200 + self.title_html.len() + self.digest.len());
        o.push_str(if self.snippet_html.is_some() {
            "<li class=\"item-row result\"><h2><a href=\""
        } else {
            "<li class=\"item-row\"><h2><a href=\""
        });
        o.push_str(&escape(self.href));
        o.push_str("\">");
        o.push_str(self.title_html);
        o.push_str("</a></h2>");
        if let Some(snippet) = self.snippet_html {
            o.push_str("<p class=\"snippet\">");
            o.push_str(snippet);
            o.push_str("</p>");
        }
        o.push_str("<p class=\"meta\">");
        source_and_digest(
            &mut o,
            self.domain,
            self.digest_href,
            self.date,
            self.digest,
        );
        if let Some(days) = self.days {
            o.push_str("<span class=\"days\" data-testid=\"days\">");
            o.push_str(&escape(days));
            o.push_str("</span>");
        }
        o.push_str("</p></li>");
        o
    }
}

/// What an item's row says of where it comes from: its source's domain,
/// if any, and the date and title of its digest, linked.
fn source_and_digest(
    o: &mut String,
    domain: Option<&str>,
    digest_href: &str,
    date: &str,
    digest: &str,
) {
    if let Some(d) = domain {
        o.push_str("<span class=\"domain\">");
        o.push_str(&escape(d));
        o.push_str("</span>");
    }
    link(o, digest_href, "", &format!("{date} · {digest}"));
}

/// `<a href="…"…>…</a>`: `attrs` as given after the address (each with
/// its leading space), the address and the text escaped.
fn link(o: &mut String, href: &str, attrs: &str, text: &str) {
    o.push_str("<a href=\"");
    o.push_str(&escape(href));
    o.push('"');
    o.push_str(attrs);
    o.push('>');
    o.push_str(&escape(text));
    o.push_str("</a>");
}

/// The reader's marks on one item, as its buttons show them (the build
/// writes every item unmarked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub starred: bool,
    pub read: bool,
}

/// What a page needs besides its data: where the site lives, the
/// interface's words, the reader's marks, and whether the browser has a
/// share sheet (only the app knows; the build writes no share button).
pub struct Page<'a> {
    pub site: &'a SiteInfo,
    pub text: &'a Text,
    pub manifest: &'a Manifest,
    pub marks: &'a dyn Fn(&Item) -> Marks,
    pub share: bool,
}

/// The star button's label.
pub fn star_label(starred: bool, text: &Text) -> String {
    if starred {
        format!("★ {}", text.unstar)
    } else {
        format!("☆ {}", text.star)
    }
}

/// The read/unread button's label.
pub fn read_label(read: bool, text: &Text) -> &'static str {
    if read {
        text.mark_unread
    } else {
        text.mark_read
    }
}

/// `<article class="…" lang="…">` around `content`, as the build writes a
/// page's article (the app's is an element with the same attributes).
pub fn article(class: &str, lang: &str, content: &str) -> String {
    format!(
        "<article class=\"{class}\" lang=\"{}\">{content}</article>",
        escape(lang)
    )
}

/// An item's image, or its placeholder when the file was not found.
pub fn image(image: Option<&Image>, text: &Text) -> String {
    match image {
        Some(Image {
            src: Some(src),
            alt,
        }) => format!(
            "<figure class=\"item-image\"><img src=\"{}\" alt=\"{}\" loading=\"lazy\"></figure>",
            escape(src),
            escape(alt)
        ),
        Some(Image { src: None, alt }) => format!(
            "<figure class=\"item-image\">{}</figure>",
            image_placeholder(alt, text.image_missing)
        ),
        None => String::new(),
    }
}

/// What stands in for an image that is missing or failed to load (the
/// app swaps it in when one fails): its alt text for a screen reader,
/// `label` for the eye.
pub fn image_placeholder(alt: &str, label: &str) -> String {
    format!(
        "<div class=\"image-placeholder\" role=\"img\" aria-label=\"{}\"><span>{}</span></div>",
        escape(alt),
        escape(label)
    )
}

/// "Source: <publisher> · <domain>", the domain linking to the story and
/// to the site's other items from it; empty when the item has neither.
pub fn source_line(item: &Item, site: &SiteInfo, text: &Text) -> String {
    if item.source.is_none() && item.publisher.is_none() {
        return String::new();
    }
    let mut o = format!("<p class=\"source\">{}", escape(text.source));
    if let Some(p) = &item.publisher {
        let _ = write!(o, "<span class=\"publisher\">{}</span>", escape(p));
        if item.source.is_some() {
            o.push_str(" · ");
        }
    }
    if let Some(s) = &item.source {
        let _ = write!(
            o,
            "<a href=\"{}\" rel=\"noopener noreferrer\" target=\"_blank\">{}</a> · <a href=\"{}\" class=\"more-from\">{}</a>",
            escape(&s.url),
            escape(&s.domain),
            escape(&site.href(&items_of(Facet::Domain, &s.domain))),
            escape(&text.more_from(&s.domain))
        );
    }
    o.push_str("</p>");
    o
}

/// The item's title in its other language, under the title.
pub fn subtitle(item: &Item) -> String {
    item.title_translation
        .as_ref()
        .map(|t| format!("<p class=\"subtitle\">{}</p>", escape(t)))
        .unwrap_or_default()
}

/// An item's row of actions: copy its link, share it, star it, mark it
/// read, as `marks` has them. `data-item` names the item.
fn actions(item: &Item, marks: Marks, page: &Page<'_>) -> String {
    let text = page.text;
    let mut o = format!(
        "<p class=\"share\" data-item=\"{}\"><button type=\"button\" class=\"copy-link\">{}</button>",
        escape(&item.id),
        escape(text.copy_link)
    );
    if page.share {
        let _ = write!(
            o,
            "<button type=\"button\" class=\"share-button\">{}</button>",
            escape(text.share)
        );
    }
    let _ = write!(
        o,
        "<button type=\"button\" class=\"star\" aria-pressed=\"{}\">{}</button><button type=\"button\" class=\"read-toggle\">{}</button></p>",
        marks.starred,
        escape(&star_label(marks.starred, text)),
        escape(read_label(marks.read, text))
    );
    o
}

/// The same story in other digests, each linking to its item there.
pub fn also_in(item: &Item, page: &Page<'_>) -> String {
    if item.also_in.is_empty() {
        return String::new();
    }
    let mut o = format!(
        "<aside class=\"also-in\"><h2>{}</h2><ul>",
        escape(page.text.also_in)
    );
    for r in &item.also_in {
        let _ = write!(
            o,
            "<li><a href=\"{}\">{} · {}</a></li>",
            escape(&page.site.href(&page.manifest.item_url(&r.slug, &r.id))),
            escape(&page.text.date_text(&r.date)),
            escape(&r.title)
        );
    }
    o.push_str("</ul></aside>");
    o
}

/// What goes inside `<section class="not-found">`: `message` (what was
/// not found), a hint, and the way to the list.
pub fn not_found_content(message: &str, site: &SiteInfo, text: &Text) -> String {
    format!(
        "<h1>{}</h1><p>{}{}</p><p><a href=\"{}\">{}</a></p>",
        escape(text.not_found_title),
        escape(message),
        escape(text.not_found_hint),
        escape(&site.href(url::HOME)),
        escape(text.all_digests)
    )
}

/// What goes inside a digest's `<article class="digest">`: its header,
/// introduction, items (each with its section's label where the section
/// changes) and closing.
pub fn digest_content(d: &Digest, page: &Page<'_>) -> String {
    let (site, text) = (page.site, page.text);
    let href = |path: &str| escape(&site.href(path));
    let mut o = String::with_capacity(4096);
    let _ = write!(
        o,
        "<p class=\"crumbs\"><a href=\"{}\">{}</a></p><header>{}<h1>{}</h1>{}<button type=\"button\" class=\"mark-all\">{}</button></header><div class=\"intro\">{}</div><ol class=\"items\">",
        href(url::HOME),
        escape(text.all_digests),
        date_line(&d.date, text),
        escape(&d.title),
        tag_links(&d.tags, site),
        escape(text.mark_all_read),
        d.intro_html
    );
    let mut prev: Option<&String> = None;
    for item in &d.items {
        let marks = (page.marks)(item);
        let read = if marks.read { " read" } else { "" };
        let _ = write!(o, "<li class=\"item{read}\" id=\"{}\">", escape(&item.id));
        if let Some(s) = item.section.as_ref().filter(|s| prev != Some(*s)) {
            let _ = write!(
                o,
                "<p class=\"section-label\"><a href=\"{}\">{}</a></p>",
                href(&items_of(Facet::Section, s)),
                escape(s)
            );
        }
        prev = item.section.as_ref();
        let _ = write!(
            o,
            "<h2><a href=\"{}\"><span>{}</span></a></h2>{}{}<div class=\"body\">{}</div>{}{}</li>",
            href(&page.manifest.item_url(&d.slug, &item.id)),
            item.title_html,
            subtitle(item),
            image(item.image.as_ref(), text),
            item.body_html,
            source_line(item, site, text),
            actions(item, marks, page)
        );
    }
    o.push_str("</ol>");
    if !d.closing_html.is_empty() {
        let _ = write!(o, "<div class=\"closing\">{}</div>", d.closing_html);
    }
    o
}

/// What goes inside the `<article class="item-page">` of item `n` of `d`:
/// the way back, its place in the digest, the item, its actions, the same
/// story elsewhere and its neighbours. Empty if there is no item `n`.
pub fn item_content(d: &Digest, n: usize, page: &Page<'_>) -> String {
    let Some(item) = d.items.get(n) else {
        return String::new();
    };
    let (site, text) = (page.site, page.text);
    let href = |i: &Item| escape(&site.href(&page.manifest.item_url(&d.slug, &i.id)));
    let prev = n
        .checked_sub(1)
        .and_then(|p| d.items.get(p))
        .map(|i| {
            format!(
                "<a href=\"{}\" rel=\"prev\">← {}</a>",
                href(i),
                escape(&i.title)
            )
        })
        .unwrap_or_default();
    let next = d
        .items
        .get(n + 1)
        .map(|i| {
            format!(
                "<a href=\"{}\" rel=\"next\">{} →</a>",
                href(i),
                escape(&i.title)
            )
        })
        .unwrap_or_default();
    format!(
        "<p class=\"crumbs\"><a href=\"{}\">← {}</a></p><p class=\"position\">{}</p><h1>{}</h1>{}{}<div class=\"body\">{}</div>{}{}{}<nav class=\"prev-next\" aria-label=\"{}\">{prev}{next}</nav>",
        escape(&site.href(&url::digest(&d.slug))),
        escape(&d.title),
        escape(&text.position(&d.date, n + 1, d.items.len())),
        item.title_html,
        subtitle(item),
        image(item.image.as_ref(), text),
        item.body_html,
        source_line(item, site, text),
        actions(item, (page.marks)(item), page),
        also_in(item, page),
        escape(text.other_items)
    )
}

/// A facet chip, the `<li>`: a link to the list with the term toggled
/// (`href`, with the site's base path), `prefix` before the term (`#` for
/// tags) and its count after (grouped, as every count). A chosen chip is
/// a link, not a button, so it is announced as the current one of its
/// set (`aria-current`).
pub fn chip(prefix: &str, name: &str, count: u32, active: bool, href: &str) -> String {
    let mut o = String::with_capacity(80 + 2 * name.len() + href.len());
    o.push_str("<li><a href=\"");
    o.push_str(&escape(href));
    o.push_str(if active {
        "\" class=\"chip active\" aria-current=\"true\" data-name=\""
    } else {
        "\" class=\"chip\" data-name=\""
    });
    o.push_str(&escape(name));
    o.push_str("\">");
    o.push_str(&escape(prefix));
    o.push_str(&escape(name));
    let _ = write!(
        o,
        "<span class=\"n\">{}</span></a></li>",
        crate::i18n::Grouped(count.into())
    );
    o
}

/// What goes inside a pager's `<nav class="pager">`: a link to the
/// screen before (`prev`: address and label) and after (`next`) where
/// there is one, and where the reader is (`at`).
pub fn pager_links(prev: Option<(&str, &str)>, at: &str, next: Option<(&str, &str)>) -> String {
    let mut o = String::new();
    if let Some((href, text)) = prev {
        link(&mut o, href, " rel=\"prev\"", text);
    }
    o.push_str("<span>");
    o.push_str(&escape(at));
    o.push_str("</span>");
    if let Some((href, text)) = next {
        link(&mut o, href, " rel=\"next\"", text);
    }
    o
}

/// `text` with the byte ranges `marks` (in order, not overlapping) in
/// `<mark>`; a range that does not fall on character boundaries of the
/// text, or starts before the last one ended, is left unmarked.
pub fn marked(text: &str, marks: &[std::ops::Range<usize>]) -> String {
    let mut o = String::with_capacity(text.len() + 13 * marks.len());
    let mut at = 0;
    for r in marks {
        if let (Some(before), Some(hit)) = (text.get(at..r.start), text.get(r.clone())) {
            o.push_str(&escape(before));
            o.push_str("<mark>");
            o.push_str(&escape(hit));
            o.push_str("</mark>");
            at = r.end;
        }
    }
    o.push_str(&escape(text.get(at..).unwrap_or_default()));
    o
}

/// A starred item's row in the starred view, the `<li>`: its digest's
/// date and title, the item's linked title (`href`), and its star and
/// read buttons (`data-item` names it by [`crate::reading::key`]).
pub fn starred_row(s: &Starred, href: &str, read: bool, text: &Text) -> String {
    let mut o = String::with_capacity(300 + s.title.len() + s.digest_title.len());
    o.push_str("<li class=\"digest-card\"><time datetime=\"");
    o.push_str(&escape(&s.date));
    o.push_str("\">");
    o.push_str(&escape(&text.date_text(&s.date)));
    o.push_str(" · ");
    o.push_str(&escape(&s.digest_title));
    o.push_str("</time><h2><a href=\"");
    o.push_str(&escape(href));
    o.push_str("\">");
    o.push_str(&escape(&s.title));
    o.push_str("</a></h2><p class=\"share\" data-item=\"");
    o.push_str(&escape(&crate::reading::key(&s.slug, &s.id)));
    o.push_str("\"><button type=\"button\" class=\"star\" aria-pressed=\"true\">");
    o.push_str(&escape(&star_label(true, text)));
    o.push_str("</button><button type=\"button\" class=\"read-toggle\">");
    o.push_str(&escape(read_label(read, text)));
    o.push_str("</button></p></li>");
    o
}

/// What goes inside the error view's `<section class="error">`: the
/// title, what went wrong (`messages`, in the reader's language), a Retry
/// button, a link back home, and the technical detail in small print.
pub fn error_content(messages: &[String], detail: &str, site: &SiteInfo, text: &Text) -> String {
    let mut o = String::from("<h1>");
    o.push_str(&escape(text.error_title));
    o.push_str("</h1><ul>");
    for m in messages {
        o.push_str("<li>");
        o.push_str(&escape(m));
        o.push_str("</li>");
    }
    o.push_str(
        "</ul><p class=\"actions\"><button type=\"button\" class=\"retry\" data-testid=\"retry\">",
    );
    o.push_str(&escape(text.retry));
    o.push_str("</button><a href=\"");
    o.push_str(&escape(&site.href(url::HOME)));
    o.push_str("\">");
    o.push_str(&escape(text.all_digests));
    o.push_str("</a></p><p class=\"detail\">");
    o.push_str(&escape(detail));
    o.push_str("</p>");
    o
}

/// What goes inside a list's `<p class="summary-line">`: how many digests
/// and items it shows (`count`, already worded), and under a filter
/// (`filtered`: the word for it, the list's address without it and the
/// link's label) that word and a link that clears the filter.
pub fn summary_line(count: &str, filtered: Option<(&str, &str, &str)>) -> String {
    let mut o = String::from("<span data-testid=\"match-count\">");
    o.push_str(&escape(count));
    o.push_str("</span>");
    if let Some((matching, href, clear)) = filtered {
        o.push(' ');
        o.push_str(&escape(matching));
        o.push(' ');
        link(
            &mut o,
            href,
            " class=\"clear\" data-testid=\"clear\"",
            clear,
        );
    }
    o
}

/// The count line of a list of `digests` and `items` under `filter` on
/// `base` ([`summary_line`]): under a filter, "matching" and the link that
/// clears it, which stays on the view.
pub fn list_summary(
    (digests, items): (u64, u64),
    filter: &Filter,
    base: &ListBase,
    site: &SiteInfo,
    text: &Text,
) -> String {
    let clear = (!filter.is_empty()).then(|| site.href(&base.href(&Filter::default(), 1)));
    summary_line(
        &text.count(digests, items),
        clear
            .as_deref()
            .map(|h| (text.matching, h, text.clear_filters)),
    )
}

/// What goes inside a list's `<nav class="pager">` on screen `page` of
/// `pages` ([`pager_links`], `labels`: to the screen before and after),
/// when there is more than one screen.
pub fn list_pager(
    (page, pages): (u32, u32),
    (before, after): (&str, &str),
    filter: &Filter,
    base: &ListBase,
    site: &SiteInfo,
    text: &Text,
) -> Option<String> {
    (pages > 1).then(|| {
        let link = |p: u32| site.href(&base.href(filter, p));
        let prev = (page > 1).then(|| link(page - 1));
        let next = (page < pages).then(|| link(page + 1));
        pager_links(
            prev.as_deref().map(|h| (h, before)),
            &text.page_of(page, pages),
            next.as_deref().map(|h| (h, after)),
        )
    })
}

/// One row of the items view: an item, its digest, and the days its story
/// ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemsViewRow {
    pub href: String,
    pub title: String,
    pub domain: Option<String>,
    pub date: String,
    pub digest: String,
    pub digest_href: String,
    pub days: usize,
}

/// The rows of the items view for `digests` (one screen's, newest first)
/// under `filter`: each story once ([`crate::query::item_rows`]), linked
/// under the site's base path.
pub fn items_view_rows(
    digests: &[&Digest],
    filter: &Filter,
    manifest: &Manifest,
    site: &SiteInfo,
) -> Vec<ItemsViewRow> {
    (crate::query::item_rows(digests, filter).into_iter())
        .map(|(d, i)| {
            let (d, item) = (digests[d], &digests[d].items[i]);
            ItemsViewRow {
                href: site.href(&manifest.item_url(&d.slug, &item.id)),
                title: item.title.clone(),
                domain: item.source.as_ref().map(|s| s.domain.clone()),
                date: d.date.clone(),
                digest: d.title.clone(),
                digest_href: site.href(&url::digest(&d.slug)),
                days: item.also_in.len() + 1,
            }
        })
        .collect()
}

/// What goes inside the items view's `<ol class="item-list">`: `rows`.
pub fn items_view_html(rows: &[ItemsViewRow], text: &Text) -> String {
    let mut o = String::new();
    for r in rows {
        let date = text.date_text(&r.date);
        let days = (r.days > 1).then(|| text.on_days(r.days));
        let row = ItemRow {
            href: &r.href,
            title_html: &escape(&r.title),
            snippet_html: None,
            domain: r.domain.as_deref(),
            date: &date,
            digest: &r.digest,
            digest_href: &r.digest_href,
            days: days.as_deref(),
        };
        o.push_str(&row.html());
    }
    o
}

/// The chips of `choices`, with their links under the site's base path.
pub fn chips<'a>(
    choices: impl IntoIterator<Item = &'a Choice>,
    prefix: &str,
    site: &SiteInfo,
) -> String {
    (choices.into_iter())
        .map(|c| chip(prefix, &c.name, c.count, c.active, &site.href(&c.href)))
        .collect()
}

/// What the box of every term shows for what was typed: its status line
/// and its chips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundBox {
    /// How many terms match, and when only the first
    /// [`FOUND_SHOWN`](crate::query::FOUND_SHOWN) show, that typing narrows
    /// them. The box's `role="status"` line, so a screen reader says it
    /// after each letter.
    pub status: String,
    /// What goes inside the box's `<ul class="chips">`.
    pub chips: String,
}

/// The box of every term for what was typed: the terms behind "all tags
/// (N)" that match it, the first [`FOUND_SHOWN`](crate::query::FOUND_SHOWN)
/// of them, and the line that counts them.
pub fn found_box(
    panel: &Panel,
    typed: &str,
    (filter, base): (&Filter, &ListBase),
    site: &SiteInfo,
    text: &Text,
) -> FoundBox {
    let found = panel.found(typed, filter, base);
    let status = if found.matched > found.choices.len() {
        text.shown_of(found.choices.len(), found.matched)
    } else {
        text.found_count(found.matched)
    };
    FoundBox {
        status,
        chips: chips(&found.choices, panel.facet.spec().prefix, site),
    }
}

/// The key of the archive's panel among the facets' (`data-facet`).
pub const ARCHIVE: &str = "archive";

/// What goes inside the list's `<nav class="facets">`: every facet's
/// panel, the mode switch after a facet with more than one term chosen,
/// and the archive. The app writes it for each screen; the build writes
/// it into the pages of the list, so the app's first screen takes the
/// place of the page's at the same size.
pub struct Facets<'a> {
    pub panels: &'a [Panel],
    /// Years, and the months of a chosen year.
    pub archive: &'a [Choice],
    pub filter: &'a Filter,
    pub base: &'a ListBase,
    /// The facets whose every-term box is open, with what was typed.
    pub opened: &'a [(String, String)],
    pub site: &'a SiteInfo,
    pub text: &'a Text,
}

impl Facets<'_> {
    pub fn write(&self) -> String {
        let typed = |key: &str| {
            (self.opened.iter())
                .find(|(k, _)| k == key)
                .map(|(_, t)| t.as_str())
        };
        let mut o = String::new();
        for p in self.panels {
            let spec = p.facet.spec();
            let all_label = self.text.all_terms(p.facet, p.terms);
            self.panel(
                &mut o,
                FacetPanel {
                    key: spec.key,
                    label: self.text.facet(p.facet),
                    prefix: spec.prefix,
                    choices: &p.choices,
                    panel: Some(p),
                    has_more: p.has_more(),
                    all_label: &all_label,
                    typed: typed(spec.key),
                },
            );
            if spec.combine == Combine::AllOrAny && self.filter.terms[p.facet].len() > 1 {
                self.mode_switch(&mut o, p.facet);
            }
        }
        self.panel(
            &mut o,
            FacetPanel {
                key: ARCHIVE,
                label: self.text.archive,
                prefix: "",
                choices: self.archive,
                panel: None,
                has_more: false,
                all_label: "",
                typed: None,
            },
        );
        o
    }

    /// One facet's panel: its label and chips; with `more`, a switch to
    /// every term and, while that is open (`typed`), a box that finds one
    /// among them.
    fn panel(&self, o: &mut String, p: FacetPanel<'_>) {
        o.push_str("<div class=\"facet");
        if p.choices.iter().any(|c| c.active) {
            o.push_str(" has-active");
        }
        if p.choices.is_empty() && !p.has_more {
            o.push_str(" empty");
        }
        o.push_str("\" data-facet=\"");
        o.push_str(&escape(p.key));
        o.push_str("\"><span class=\"facet-label\">");
        o.push_str(&escape(p.label));
        o.push_str("</span><ul class=\"chips\">");
        o.push_str(&chips(p.choices, p.prefix, self.site));
        if p.has_more {
            o.push_str(
                "<li><button type=\"button\" class=\"chip more\" data-testid=\"all-terms\" aria-expanded=\"",
            );
            o.push_str(if p.typed.is_some() { "true" } else { "false" });
            o.push_str("\">");
            o.push_str(&escape(p.all_label));
            o.push_str("</button></li>");
        }
        o.push_str("</ul>");
        if let (Some(typed), true, Some(panel)) = (p.typed, p.has_more, p.panel) {
            o.push_str(&self.more_terms(panel, typed));
        }
        o.push_str("</div>");
    }

    /// The box of every term of `panel` with `typed` in its input: the
    /// input, the status line and the chips. The panel holds it after its
    /// chips; the app also writes it there alone when the box opens.
    pub fn more_terms(&self, panel: &Panel, typed: &str) -> String {
        let find = escape(self.text.find_term);
        let found = found_box(panel, typed, (self.filter, self.base), self.site, self.text);
        let mut o = String::new();
        o.push_str("<div class=\"more-terms\"><input type=\"search\" data-testid=\"find-term\" placeholder=\"");
        o.push_str(&find);
        o.push_str("\" aria-label=\"");
        o.push_str(&find);
        o.push_str("\" value=\"");
        o.push_str(&escape(typed));
        o.push_str("\"><p class=\"found-note\" role=\"status\" data-testid=\"found-note\">");
        o.push_str(&escape(&found.status));
        o.push_str("</p><ul class=\"chips\">");
        o.push_str(&found.chips);
        o.push_str("</ul></div>");
        o
    }

    /// "All of them / any of them", for a facet whose chosen terms can
    /// combine either way.
    fn mode_switch(&self, o: &mut String, facet: Facet) {
        let label = escape(self.text.facet(facet));
        o.push_str("<p class=\"mode\" role=\"group\" data-facet=\"");
        o.push_str(&escape(facet.spec().key));
        o.push_str("-mode\" aria-label=\"");
        o.push_str(&label);
        o.push_str("\">");
        o.push_str(&label);
        o.push_str(": ");
        for (mode, id, word) in [
            (Mode::And, "mode-and", self.text.all_of_them),
            (Mode::Or, "mode-or", self.text.any_of_them),
        ] {
            o.push_str("<a href=\"");
            let target = self.base.href(&self.filter.with_mode(mode), 1);
            o.push_str(&escape(&self.site.href(&target)));
            o.push_str(if self.filter.mode == mode {
                "\" class=\"chip active\" data-testid=\""
            } else {
                "\" class=\"chip\" data-testid=\""
            });
            o.push_str(id);
            o.push_str("\">");
            o.push_str(&escape(word));
            o.push_str("</a>");
        }
        o.push_str("</p>");
    }
}

/// One panel's parts, for [`Facets::panel`].
struct FacetPanel<'a> {
    key: &'a str,
    label: &'a str,
    prefix: &'a str,
    choices: &'a [Choice],
    /// The facet's panel, whose loaded terms behind "all tags (N)" the
    /// open box shows (`None` for the archive).
    panel: Option<&'a Panel>,
    /// Whether the facet has terms behind it, loaded or not.
    has_more: bool,
    all_label: &'a str,
    typed: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_line_links_its_clear_only_under_a_filter() {
        assert_eq!(
            summary_line("2 digests, 3 items", None),
            "<span data-testid=\"match-count\">2 digests, 3 items</span>"
        );
        assert_eq!(
            summary_line("1 digest, 1 item", Some(("matching", "/?a&b", "<clear>"))),
            "<span data-testid=\"match-count\">1 digest, 1 item</span> matching <a href=\"/?a&amp;b\" class=\"clear\" data-testid=\"clear\">&lt;clear&gt;</a>"
        );
    }

    #[test]
    fn the_error_view_escapes_what_went_wrong() {
        let text = Text::of(crate::site::Lang::En);
        let got = error_content(
            &["<b>gone</b>".into()],
            "404 for /x?a&b",
            &SiteInfo::default(),
            text,
        );
        assert_eq!(
            got,
            format!(
                "<h1>{}</h1><ul><li>&lt;b&gt;gone&lt;/b&gt;</li></ul><p class=\"actions\"><button type=\"button\" class=\"retry\" data-testid=\"retry\">{}</button><a href=\"/\">{}</a></p><p class=\"detail\">404 for /x?a&amp;b</p>",
                escape(text.error_title),
                escape(text.retry),
                escape(text.all_digests)
            )
        );
    }

    #[test]
    fn a_starred_row_names_its_item_and_escapes_its_texts() {
        let s = Starred {
            slug: "ai20240526".into(),
            id: "a&b".into(),
            title: "<b>T</b>".into(),
            date: "2024-05-26".into(),
            digest_title: "D\"".into(),
        };
        let text = Text::of(crate::site::Lang::En);
        let row = starred_row(&s, "/d/ai20240526/a%26b/", true, text);
        assert_eq!(
            row,
            format!(
                "<li class=\"digest-card\"><time datetime=\"2024-05-26\">{} · D&quot;</time><h2><a href=\"/d/ai20240526/a%26b/\">&lt;b&gt;T&lt;/b&gt;</a></h2><p class=\"share\" data-item=\"ai20240526/a&amp;b\"><button type=\"button\" class=\"star\" aria-pressed=\"true\">{}</button><button type=\"button\" class=\"read-toggle\">{}</button></p></li>",
                escape(&text.date_text("2024-05-26")),
                escape(&star_label(true, text)),
                escape(read_label(true, text)),
            )
        );
    }

    #[test]
    fn a_chip_escapes_its_term_and_marks_the_chosen_one_current() {
        assert_eq!(
            chip("#", "C\"<b>", 3, false, "/?tag=C%22"),
            "<li><a href=\"/?tag=C%22\" class=\"chip\" data-name=\"C&quot;&lt;b&gt;\">#C&quot;&lt;b&gt;<span class=\"n\">3</span></a></li>"
        );
        assert_eq!(
            chip("", "2024", 12, true, "/"),
            "<li><a href=\"/\" class=\"chip active\" aria-current=\"true\" data-name=\"2024\">2024<span class=\"n\">12</span></a></li>"
        );
    }

    #[test]
    fn a_pager_links_only_the_screens_there_are() {
        assert_eq!(
            pager_links(None, "1 / 2", Some(("/?page=2", "Older"))),
            "<span>1 / 2</span><a href=\"/?page=2\" rel=\"next\">Older</a>"
        );
        assert_eq!(
            pager_links(Some(("/?a=1&b=2", "<")), "2 / 2", None),
            "<a href=\"/?a=1&amp;b=2\" rel=\"prev\">&lt;</a><span>2 / 2</span>"
        );
    }

    #[test]
    fn marks_wrap_their_ranges_and_skip_what_does_not_fit() {
        assert_eq!(
            marked("a<b> 人工智能 c", &[0..1, 5..11]),
            "<mark>a</mark>&lt;b&gt; <mark>人工</mark>智能 c"
        );
        // Inside a character, overlapping, past the end: left unmarked.
        assert_eq!(
            marked("人工智能", &[1..3, 3..6, 4..9, 9..20]),
            "人<mark>工</mark>智能"
        );
        let row = ItemRow {
            href: "/d/x/1/",
            title_html: &marked("<i>AI</i>", std::slice::from_ref(&(3..5))),
            snippet_html: Some("s"),
            domain: Some("a&b.com"),
            date: "May 26",
            digest: "D\"",
            digest_href: "/d/x/",
            days: None,
        }
        .html();
        assert_eq!(
            row,
            "<li class=\"item-row result\"><h2><a href=\"/d/x/1/\">&lt;i&gt;<mark>AI</mark>&lt;/i&gt;</a></h2><p class=\"snippet\">s</p><p class=\"meta\"><span class=\"domain\">a&amp;b.com</span><a href=\"/d/x/\">May 26 · D&quot;</a></p></li>"
        );
    }

    fn summary(title: &str, tags: &[&str]) -> DigestSummary {
        DigestSummary {
            slug: "ai20240526".into(),
            date: "2024-05-26".into(),
            title: title.into(),
            summary: "Five <b>bold</b> claims & more".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            item_count: 13,
        }
    }

    #[test]
    fn text_is_escaped_everywhere_it_goes() {
        assert_eq!(
            escape(r#"<a href="x">&</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        let site = SiteInfo::default();
        let card = digest_card(
            &summary("<script>alert(1)</script>", &["C\"++"]),
            &site,
            Text::of(crate::site::Lang::En),
            false,
        );
        assert!(
            !card.contains("<script>") && !card.contains("<b>"),
            "{card}"
        );
        assert!(
            card.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{card}"
        );
        assert!(card.contains("#C&quot;++</a>"), "{card}");
    }

    #[test]
    fn an_item_row_links_the_item_and_its_digest_and_escapes_what_it_quotes() {
        let row = ItemRow {
            href: "/d/a/1/",
            title_html: &escape("<b>R&D</b>"),
            snippet_html: None,
            domain: Some("example.com"),
            date: "May 26, 2024",
            digest: "Digest \"one\"",
            digest_href: "/d/a/",
            days: Some("on 2 days"),
        };
        assert_eq!(
            row.html(),
            "<li class=\"item-row\"><h2><a href=\"/d/a/1/\">&lt;b&gt;R&amp;D&lt;/b&gt;</a></h2>\
             <p class=\"meta\"><span class=\"domain\">example.com</span>\
             <a href=\"/d/a/\">May 26, 2024 · Digest &quot;one&quot;</a>\
             <span class=\"days\" data-testid=\"days\">on 2 days</span></p></li>"
        );
        let plain = ItemRow {
            domain: None,
            days: None,
            ..row
        };
        let html = plain.html();
        assert!(!html.contains("domain") && !html.contains("days"), "{html}");
    }

    #[test]
    fn a_card_has_its_date_title_link_count_tags_and_badge() {
        let site = SiteInfo {
            base_path: "/repo/".into(),
            ..SiteInfo::default()
        };
        let card = digest_card(
            &summary("AI news", &["AI"]),
            &site,
            Text::of(crate::site::Lang::En),
            true,
        );
        assert!(
            card.starts_with("<li class=\"digest-card new\"><span class=\"new-badge\""),
            "{card}"
        );
        assert!(card.contains("<time datetime=\"2024-05-26\">"), "{card}");
        assert!(
            card.contains("<h2><a href=\"/repo/d/ai20240526/\">AI news</a></h2>"),
            "{card}"
        );
        assert!(
            card.contains("<span class=\"count\">13 items</span>"),
            "{card}"
        );
        assert!(
            card.contains("<ul class=\"tags\"><li><a href=\"/repo/tags/AI/\">#AI</a></li></ul>"),
            "{card}"
        );
        assert!(card.ends_with("</div></li>"), "{card}");
    }

    fn digest() -> Digest {
        serde_json::from_str(
            r#"{"schema":3,"slug":"d1","date":"2024-05-26","title":"One & <two>","description":"","tags":["AI"],"categories":[],"intro_html":"<p>Intro</p>","items":[
            {"id":"a","title":"A","title_html":"A <em>x</em>","section":"News","image":{"alt":"gone \"here\""},"body_html":"<p>Body</p>","source":{"url":"https://e.com/?a=1&b=\"2\"","domain":"e.com"},"links":[],"also_in":[{"slug":"d0","id":"z","date":"2024-05-01","title":"<Old>"}]},
            {"id":"b","title":"B <b>","title_html":"B","section":"News","publisher":"<HN>","body_html":"","links":[]}]}"#,
        )
        .expect("digest")
    }

    fn manifest() -> Manifest {
        serde_json::from_str(
            r#"{"schema":3,"stamp":"s","digest_count":1,"item_count":2,"page_size":100,"page_count":1,"shard_count":1,"item_pages":true,"tags":[],"categories":[]}"#,
        )
        .expect("manifest")
    }

    #[test]
    fn the_unfiltered_facets_show_the_manifests_totals_under_the_base_path() {
        let mut m = manifest();
        // Thirteen tags: twelve shown, one behind "all tags (13)".
        m.tags = (0..13)
            .map(|n| crate::TermCount {
                name: format!("t{n}<"),
                count: 20 - n,
            })
            .collect();
        let site = SiteInfo {
            base_path: "/news/".into(),
            ..SiteInfo::default()
        };
        m.months = vec![(202405, 2), (202312, 1)];
        let text = Text::of(crate::site::Lang::En);
        let panels = crate::query::unfiltered_panels(&m, &ListBase::Home);
        let archive = crate::query::unfiltered_archive(&m, &ListBase::Home);
        let html = Facets {
            panels: &panels,
            archive: &archive,
            filter: &Filter::default(),
            base: &ListBase::Home,
            opened: &[],
            site: &site,
            text,
        }
        .write();
        assert!(
            html.starts_with(
                "<div class=\"facet\" data-facet=\"tag\"><span class=\"facet-label\">Tags</span><ul class=\"chips\"><li><a href=\"/news/?tag=t0%3C\" class=\"chip\" data-name=\"t0&lt;\">#t0&lt;<span class=\"n\">20</span></a></li>"
            ),
            "{html}"
        );
        // Twelve tags and two years.
        assert_eq!(html.matches("class=\"chip\"").count(), 14, "{html}");
        assert!(html.contains("<li><button type=\"button\" class=\"chip more\" data-testid=\"all-terms\" aria-expanded=\"false\">"), "{html}");
        // No categories or sources: empty panels. The archive's years
        // come from the manifest's months, as the index would give them.
        assert!(
            html.contains("<div class=\"facet empty\" data-facet=\"domain\">"),
            "{html}"
        );
        assert!(html.ends_with("<div class=\"facet\" data-facet=\"archive\"><span class=\"facet-label\">Archive</span><ul class=\"chips\"><li><a href=\"/news/?from=2024-01-01&amp;to=2024-12-31\" class=\"chip\" data-name=\"2024\">2024<span class=\"n\">2</span></a></li><li><a href=\"/news/?from=2023-01-01&amp;to=2023-12-31\" class=\"chip\" data-name=\"2023\">2023<span class=\"n\">1</span></a></li></ul></div>"), "{html}");
        assert!(!html.contains("class=\"mode\""), "{html}");
    }

    #[test]
    fn the_box_of_every_term_shows_the_first_ones_and_says_how_many_match() {
        let mut m = manifest();
        // 12 shown at once, 150 behind "all tags (162)".
        m.tags = (0..162)
            .map(|n| crate::TermCount {
                name: format!("t{n:03}"),
                count: 200 - n,
            })
            .collect();
        let panels = crate::query::unfiltered_panels(&m, &ListBase::Home);
        let (site, text) = (SiteInfo::default(), Text::of(crate::site::Lang::En));
        let box_of = |typed: &str| {
            found_box(
                &panels[0],
                typed,
                (&Filter::default(), &ListBase::Home),
                &site,
                text,
            )
        };
        let all = box_of("");
        assert_eq!(crate::query::FOUND_SHOWN, 50);
        assert_eq!(all.status, "50 of 150 shown; type to narrow");
        assert_eq!(all.chips.matches("class=\"chip\"").count(), 50, "{all:?}");
        assert!(
            all.chips.starts_with("<li><a href=\"/?tag=t012\""),
            "{all:?}"
        );
        assert!(
            (all.chips).ends_with("data-name=\"t061\">#t061<span class=\"n\">139</span></a></li>"),
            "{all:?}"
        );
        // Narrowed under the limit (t130-t139): every match, counted.
        let some = box_of("T13");
        assert_eq!(some.chips.matches("class=\"chip\"").count(), 10, "{some:?}");
        assert_eq!(some.status, "10 found");
        assert_eq!(box_of("zz").status, "none found");
        // The open box in the panel: the input, the status line, the chips.
        let opened = [("tag".to_string(), "T13".to_string())];
        let html = Facets {
            panels: &panels,
            archive: &[],
            filter: &Filter::default(),
            base: &ListBase::Home,
            opened: &opened,
            site: &site,
            text,
        }
        .write();
        let expected = format!(
            "value=\"T13\"><p class=\"found-note\" role=\"status\" data-testid=\"found-note\">10 found</p><ul class=\"chips\">{}</ul></div>",
            some.chips
        );
        assert!(html.contains(&expected), "{html}");
        let zh = Text::of(crate::site::Lang::Zh);
        assert_eq!(
            zh.shown_of(50, 5215),
            "显示 50 个，共 5,215 个；继续输入以缩小范围"
        );
        assert_eq!(zh.found_count(10), "找到 10 个");
        assert_eq!(zh.found_count(0), "没有找到");
    }

    #[test]
    fn a_digest_page_shows_the_readers_marks_and_escapes_what_it_quotes() {
        let (site, m, d) = (SiteInfo::default(), manifest(), digest());
        let text = Text::of(crate::site::Lang::En);
        let marks = |i: &Item| Marks {
            starred: i.id == "a",
            read: i.id == "b",
        };
        let page = Page {
            site: &site,
            text,
            manifest: &m,
            marks: &marks,
            share: true,
        };
        let html = digest_content(&d, &page);
        assert!(html.contains("<h1>One &amp; &lt;two&gt;</h1>"), "{html}");
        // One section label for two items of the same section.
        assert_eq!(html.matches("class=\"section-label\"").count(), 1, "{html}");
        assert!(html.contains("<li class=\"item\" id=\"a\">"), "{html}");
        assert!(html.contains("<li class=\"item read\" id=\"b\">"), "{html}");
        assert!(
            html.contains("<p class=\"share\" data-item=\"a\"><button type=\"button\" class=\"copy-link\">Copy link</button><button type=\"button\" class=\"share-button\">Share</button><button type=\"button\" class=\"star\" aria-pressed=\"true\">★ Unstar</button><button type=\"button\" class=\"read-toggle\">Mark read</button></p>"),
            "{html}"
        );
        assert!(
            html.contains("aria-label=\"gone &quot;here&quot;\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://e.com/?a=1&amp;b=&quot;2&quot;\""),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"publisher\">&lt;HN&gt;</span></p>"),
            "{html}"
        );
        // What the build writes: no marks, no share button.
        let unmarked = Page {
            marks: &|_| Marks::default(),
            share: false,
            ..page
        };
        let built = digest_content(&d, &unmarked);
        assert!(
            !built.contains("share-button") && !built.contains(" read\""),
            "{built}"
        );
    }

    #[test]
    fn an_item_page_links_its_neighbours_and_the_same_story_elsewhere() {
        let (site, m, d) = (SiteInfo::default(), manifest(), digest());
        let text = Text::of(crate::site::Lang::En);
        let page = Page {
            site: &site,
            text,
            manifest: &m,
            marks: &|_| Marks::default(),
            share: false,
        };
        let first = item_content(&d, 0, &page);
        assert!(
            first.contains("<a href=\"/d/d1/b/\" rel=\"next\">B &lt;b&gt; →</a>"),
            "{first}"
        );
        assert!(!first.contains("rel=\"prev\""), "{first}");
        assert!(
            first.contains("<li><a href=\"/d/d0/z/\">May 1, 2024 · &lt;Old&gt;</a></li>"),
            "{first}"
        );
        let second = item_content(&d, 1, &page);
        assert!(
            second.contains("<a href=\"/d/d1/a/\" rel=\"prev\">← A</a>"),
            "{second}"
        );
        assert!(
            !second.contains("also-in") && !second.contains("item-image"),
            "{second}"
        );
        assert_eq!(item_content(&d, 2, &page), "");
    }
}
