//! Markup both sides write the same way: a digest's card in a list is the
//! same HTML in the pre-rendered pages (written by the build) and in the
//! app (set as the card's content, one DOM call instead of one per node,
//! so a filter that swaps the list's cards stays cheap).

use crate::i18n::Text;
use crate::site::SiteInfo;
use crate::{url, DigestSummary};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
