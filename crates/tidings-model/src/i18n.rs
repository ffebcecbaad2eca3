//! Every interface string, one table per language, with dates and counts
//! written for the language. The app and the build step's pre-rendered
//! pages both read these, so a page reads the same before and after the
//! app starts.

use crate::date::Date;
use crate::facet::Facet;
use crate::site::Lang;

/// The interface strings of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub lang: Lang,
    /// The language's own name, for the switch.
    pub name: &'static str,
    pub all_digests: &'static str,
    pub loading: &'static str,
    pub error_title: &'static str,
    pub not_found_title: &'static str,
    /// After "<what> was not found".
    pub not_found_hint: &'static str,
    pub this_page: &'static str,
    pub image_missing: &'static str,
    pub source: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub clear_filters: &'static str,
    pub matching: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub filters: &'static str,
    pub archive: &'static str,
    pub all_of_them: &'static str,
    pub any_of_them: &'static str,
    pub other_items: &'static str,
    pub pages: &'static str,
    pub language: &'static str,
    pub feed: &'static str,
    pub needs_js: &'static str,
    /// The placeholder of the box that finds a term among all of a facet's.
    pub find_term: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    pub share: &'static str,
    /// Over the links to the same story in other digests.
    pub also_in: &'static str,
    pub starred: &'static str,
    pub star: &'static str,
    pub unstar: &'static str,
    pub mark_read: &'static str,
    pub mark_unread: &'static str,
    pub mark_all_read: &'static str,
    pub new_badge: &'static str,
    pub export: &'static str,
    pub import: &'static str,
    pub no_starred: &'static str,
    pub kept_here: &'static str,
    /// Title of the `?` sheet.
    pub keys_title: &'static str,
    /// Shown while the browser is offline.
    pub offline: &'static str,
    /// Offered once the site has been built again since the page loaded.
    pub updated: &'static str,
    /// The button that loads a page again after an error.
    pub retry: &'static str,
    /// The items view's title and the link to it.
    pub all_items: &'static str,
    /// A search that finds nothing, not even relaxed.
    pub no_results: &'static str,
    /// The pager of ranked results.
    pub previous: &'static str,
    pub next: &'static str,
}

const ZH: Text = Text {
    lang: Lang::Zh,
    name: "中文",
    all_digests: "← 全部日报",
    loading: "加载中…",
    error_title: "出错了",
    not_found_title: "没有找到",
    not_found_hint: "。它可能已被删除，或链接有误。",
    this_page: "此页面",
    image_missing: "图片不可用",
    source: "来源：",
    newer: "← 较新",
    older: "较早 →",
    clear_filters: "清除筛选",
    matching: "符合条件",
    search_label: "搜索新闻",
    search_placeholder: "搜索全部新闻",
    from: "从 ",
    to: "到 ",
    filters: "筛选",
    archive: "归档",
    all_of_them: "全部满足",
    any_of_them: "任一满足",
    other_items: "其他新闻",
    pages: "分页",
    language: "界面语言",
    feed: "订阅",
    needs_js: "筛选、搜索和完整归档需要 JavaScript。",
    find_term: "输入以查找…",
    copy_link: "复制链接",
    copied: "已复制",
    share: "分享",
    also_in: "同一新闻也见于",
    starred: "收藏",
    star: "收藏",
    unstar: "取消收藏",
    mark_read: "标为已读",
    mark_unread: "标为未读",
    mark_all_read: "全部标为已读",
    new_badge: "新",
    export: "导出",
    import: "导入",
    no_starred: "还没有收藏的新闻。",
    kept_here: "收藏和已读记录只保存在这个浏览器里。",
    keys_title: "键盘快捷键",
    offline: "离线：显示已保存的页面",
    updated: "网站已更新，点此刷新",
    retry: "重试",
    all_items: "全部新闻",
    no_results: "没有新闻包含这些词。",
    previous: "← 上一页",
    next: "下一页 →",
};

const EN: Text = Text {
    lang: Lang::En,
    name: "English",
    all_digests: "← All digests",
    loading: "Loading…",
    error_title: "Something went wrong",
    not_found_title: "Not found",
    not_found_hint: ". It may have been removed, or the link may be mistyped.",
    this_page: "This page",
    image_missing: "Image not available",
    source: "Source: ",
    newer: "← Newer",
    older: "Older →",
    clear_filters: "Clear filters",
    matching: "match",
    search_label: "Search items",
    search_placeholder: "Search every item",
    from: "From ",
    to: "to ",
    filters: "Filters",
    archive: "Archive",
    all_of_them: "all of them",
    any_of_them: "any of them",
    other_items: "Other items",
    pages: "Pages",
    language: "Interface language",
    feed: "Feed",
    needs_js: "Filters, search and the full archive need JavaScript.",
    find_term: "Type to find…",
    copy_link: "Copy link",
    copied: "Copied",
    share: "Share",
    also_in: "Also in",
    starred: "Starred",
    star: "Star",
    unstar: "Unstar",
    mark_read: "Mark read",
    mark_unread: "Mark unread",
    mark_all_read: "Mark all read",
    new_badge: "New",
    export: "Export",
    import: "Import",
    no_starred: "Nothing starred yet.",
    kept_here: "Stars and read marks are kept in this browser only.",
    keys_title: "Keyboard shortcuts",
    offline: "Offline: showing saved pages",
    updated: "Site updated: reload",
    retry: "Retry",
    all_items: "All items",
    no_results: "No item holds these words.",
    previous: "← Previous",
    next: "Next →",
};

impl Text {
    pub fn of(lang: Lang) -> &'static Text {
        match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// "13 items" / "1 item" / "13 条新闻".
    pub fn items(&self, n: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{} 条新闻", Grouped(n)),
            Lang::En => plural(n, "item", "items"),
        }
    }

    /// "12 digests" / "1 digest" / "12 期日报".
    pub fn digests(&self, n: u64) -> String {
        match self.lang {
            Lang::Zh => format!("{} 期日报", Grouped(n)),
            Lang::En => plural(n, "digest", "digests"),
        }
    }

    /// What a list holds, as its count line says it: "1 digest, 13 items"
    /// / "1 期日报，13 条新闻".
    pub fn count(&self, digests: u64, items: u64) -> String {
        format!(
            "{}{}{}",
            self.digests(digests),
            self.list_separator(),
            self.items(items)
        )
    }

    /// Between the parts of a list in running text: Chinese writes a
    /// full-width comma, with no space.
    pub fn list_separator(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "，",
            Lang::En => ", ",
        }
    }

    /// A label and what it labels, as running text joins them: "#AI: 1
    /// digest" / "#AI：1 期日报" (Chinese writes a full-width colon, with
    /// no space).
    pub fn labelled(&self, label: &str, value: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{label}：{value}"),
            Lang::En => format!("{label}: {value}"),
        }
    }

    /// A date as the language writes it: 2024年5月26日 / May 26, 2024.
    pub fn date(&self, d: Date) -> String {
        match self.lang {
            Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Lang::En => format!("{} {}, {}", month_name(d.month()), d.day(), d.year()),
        }
    }

    /// A month of the archive: 2024年5月 / May 2024.
    pub fn month(&self, year: u32, month: u32) -> String {
        match self.lang {
            Lang::Zh => format!("{year}年{month}月"),
            Lang::En => format!("{} {year}", month_name(month)),
        }
    }

    /// A date given as text (`2024-05-26`), written for the language; text
    /// that is not a date is kept.
    pub fn date_text(&self, text: &str) -> String {
        Date::parse(text).map_or_else(|| text.to_string(), |d| self.date(d))
    }

    /// "2024年5月26日 · 第 5 条，共 13 条" / "May 26, 2024 · item 5 of 13".
    pub fn position(&self, date: &str, index: usize, of: usize) -> String {
        let date = self.date_text(date);
        let (index, of) = (Grouped::of(index), Grouped::of(of));
        match self.lang {
            Lang::Zh => format!("{date} · 第 {index} 条，共 {of} 条"),
            Lang::En => format!("{date} · item {index} of {of}"),
        }
    }

    /// "Page 2 of 5" / "第 2 页，共 5 页".
    pub fn page_of(&self, page: u32, pages: u32) -> String {
        let (page, pages) = (Grouped(page.into()), Grouped(pages.into()));
        match self.lang {
            Lang::Zh => format!("第 {page} 页，共 {pages} 页"),
            Lang::En => format!("Page {page} of {pages}"),
        }
    }

    /// A file the server answered with an error status for.
    pub fn server_refused(&self, file: &str, status: u16) -> String {
        match self.lang {
            Lang::Zh => format!("服务器没有给出 {file}（HTTP {status}）。"),
            Lang::En => format!("The server did not return {file} (HTTP {status})."),
        }
    }

    /// A file the browser could not fetch at all.
    pub fn unreachable(&self, file: &str) -> String {
        match self.lang {
            Lang::Zh => format!("无法连接服务器读取 {file}，请检查网络连接。"),
            Lang::En => format!("Could not reach the server for {file}. Check the connection."),
        }
    }

    /// A file that arrived but cannot be read.
    pub fn damaged(&self, file: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{file} 已损坏，无法读取。"),
            Lang::En => format!("{file} is damaged and cannot be read."),
        }
    }

    /// Data written by another version of the build step.
    pub fn other_version(&self, found: u32, expected: u32) -> String {
        match self.lang {
            Lang::Zh => format!(
                "这个站点的数据来自另一版本的 tidings（格式 {found}，本页读取格式 {expected}）。\
                 请重新加载页面；如果仍然如此，站点需要重新构建。"
            ),
            Lang::En => format!(
                "The site's data was written by another version of tidings (format {found}; \
                 this page reads format {expected}). Reload the page; if this stays, the site \
                 needs rebuilding."
            ),
        }
    }

    /// "The digest “x”" / "日报“x”".
    pub fn the_digest(&self, slug: &str) -> String {
        match self.lang {
            Lang::Zh => format!("日报“{slug}”"),
            Lang::En => format!("The digest “{slug}”"),
        }
    }

    /// "The item “id” of “digest”" / "“digest”中的新闻“id”".
    pub fn the_item(&self, id: &str, digest: &str) -> String {
        match self.lang {
            Lang::Zh => format!("“{digest}”中的新闻“{id}”"),
            Lang::En => format!("The item “{id}” of “{digest}”"),
        }
    }

    /// "<what> was not found" / "没有找到<what>".
    pub fn was_not_found(&self, what: &str) -> String {
        match self.lang {
            Lang::Zh => format!("没有找到{what}"),
            Lang::En => format!("{what} was not found"),
        }
    }

    /// "all tags (160)" / "全部标签（160）": the switch to every term of a facet.
    pub fn all_terms(&self, facet: Facet, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("全部{}（{}）", self.facet(facet), Grouped::of(n)),
            Lang::En => format!(
                "all {} ({})",
                self.facet(facet).to_ascii_lowercase(),
                Grouped::of(n)
            ),
        }
    }

    /// "50 of 5,215 shown; type to narrow" / "显示 50 个，共 5,215 个；继续输入以缩小范围":
    /// the status line of the box of every term when it shows only the
    /// first of them.
    pub fn shown_of(&self, shown: usize, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!(
                "显示 {} 个，共 {} 个；继续输入以缩小范围",
                Grouped::of(shown),
                Grouped::of(n)
            ),
            Lang::En => format!(
                "{} of {} shown; type to narrow",
                Grouped::of(shown),
                Grouped::of(n)
            ),
        }
    }

    /// "12 found" / "找到 12 个": how many terms the box of every term
    /// found, when it shows them all.
    pub fn found_count(&self, n: usize) -> String {
        match (self.lang, n) {
            (Lang::Zh, 0) => "没有找到".to_string(),
            (Lang::Zh, n) => format!("找到 {} 个", Grouped::of(n)),
            (Lang::En, 0) => "none found".to_string(),
            (Lang::En, n) => format!("{} found", Grouped::of(n)),
        }
    }

    /// "reading.json: 2 starred and 5 read added" / "reading.json：新增收藏 2 条、已读 5 条":
    /// what importing a reading file added.
    pub fn imported(&self, file: &str, added: crate::reading::Added) -> String {
        let (s, r) = (Grouped::of(added.starred), Grouped::of(added.read));
        match (self.lang, added.starred + added.read) {
            (Lang::Zh, 0) => format!("{file}：没有新内容"),
            (Lang::Zh, _) => format!("{file}：新增收藏 {s} 条、已读 {r} 条"),
            (Lang::En, 0) => format!("{file}: nothing new"),
            (Lang::En, _) => format!("{file}: {s} starred and {r} read added"),
        }
    }

    /// "x.json is not a reading file exported by tidings (line 1,
    /// column 3)": an import refused, and where the file went wrong.
    pub fn import_failed(&self, file: &str, line: usize, column: usize) -> String {
        let (line, column) = (Grouped::of(line), Grouped::of(column));
        match self.lang {
            Lang::Zh => format!("{file} 不是 tidings 导出的阅读记录（第 {line} 行第 {column} 列）"),
            Lang::En => format!(
                "{file} is not a reading file exported by tidings (line {line}, column {column})"
            ),
        }
    }

    /// What a key does, for the `?` sheet.
    pub fn key_help(&self, action: crate::keys::Action) -> &'static str {
        use crate::keys::Action as A;
        match (self.lang, action) {
            (Lang::Zh, A::Next) => "下一条",
            (Lang::Zh, A::Prev) => "上一条",
            (Lang::Zh, A::Open) => "打开",
            (Lang::Zh, A::Star) => "收藏 / 取消收藏",
            (Lang::Zh, A::Read) => "标为已读 / 未读",
            (Lang::Zh, A::Search) => "搜索",
            (Lang::Zh, A::Home) => "回到日报列表",
            (Lang::Zh, A::Back) => "返回上一层",
            (Lang::Zh, A::Help) => "显示 / 隐藏快捷键",
            (Lang::En, A::Next) => "next item or digest",
            (Lang::En, A::Prev) => "previous item or digest",
            (Lang::En, A::Open) => "open it",
            (Lang::En, A::Star) => "star or unstar",
            (Lang::En, A::Read) => "mark read or unread",
            (Lang::En, A::Search) => "search",
            (Lang::En, A::Home) => "all digests",
            (Lang::En, A::Back) => "back out",
            (Lang::En, A::Help) => "show or hide the keys",
        }
    }

    /// "more from 163.com" / "更多来自 163.com": a source's items.
    pub fn more_from(&self, domain: &str) -> String {
        match self.lang {
            Lang::Zh => format!("更多来自 {domain}"),
            Lang::En => format!("more from {domain}"),
        }
    }

    /// "on 3 days" / "共 3 天": how often a story ran.
    pub fn on_days(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("共 {} 天", Grouped::of(n)),
            Lang::En if n == 1 => "on 1 day".to_string(),
            Lang::En => format!("on {} days", Grouped::of(n)),
        }
    }

    /// "12 results" / "12 条结果"; with `more`, "200+ results": the
    /// newest ones found so far.
    pub fn results(&self, n: usize, more: bool) -> String {
        let plus = if more { "+" } else { "" };
        match self.lang {
            Lang::Zh => format!("{}{plus} 条结果", Grouped::of(n)),
            Lang::En if n == 1 && !more => "1 result".to_string(),
            Lang::En => format!("{}{plus} results", Grouped::of(n)),
        }
    }

    /// "about 120 results" / "约 120 条结果": a count that still includes
    /// items the check on their text may drop.
    pub fn results_about(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("约 {} 条结果", Grouped::of(n)),
            Lang::En => format!("about {} results", Grouped::of(n)),
        }
    }

    /// The note over a relaxed search's results: which part was left out.
    pub fn relaxed(&self, left_out: &str) -> String {
        match self.lang {
            Lang::Zh => format!("没有新闻完整包含搜索词；以下结果不含“{left_out}”。"),
            Lang::En => format!("No item holds the whole search; these leave out “{left_out}”."),
        }
    }

    /// A facet's label in the filter panel.
    pub fn facet(&self, facet: Facet) -> &'static str {
        match (self.lang, facet) {
            (Lang::Zh, Facet::Tag) => "标签",
            (Lang::Zh, Facet::Category) => "分类",
            (Lang::Zh, Facet::Domain) => "来源",
            (Lang::Zh, Facet::Section) => "栏目",
            (Lang::En, Facet::Tag) => "Tags",
            (Lang::En, Facet::Category) => "Categories",
            (Lang::En, Facet::Domain) => "Sources",
            (Lang::En, Facet::Section) => "Sections",
        }
    }
}

impl Text {
    /// Every string of the table, and the counted and filled-in ones as
    /// templates (`{n}`, `{i}`, `{date}`, `{slug}`, `{id}`, `{digest}`,
    /// `{what}`, `{page}`, `{pages}`), for the JavaScript tests
    /// (`tidings scheme`).
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let n = |s: String| s.replace("97", "{n}");
        vec![
            ("name", self.name.into()),
            ("list_separator", self.list_separator().into()),
            ("labelled", self.labelled("{label}", "{value}")),
            ("all_digests", self.all_digests.into()),
            ("loading", self.loading.into()),
            ("error_title", self.error_title.into()),
            ("not_found_title", self.not_found_title.into()),
            ("not_found_hint", self.not_found_hint.into()),
            ("this_page", self.this_page.into()),
            ("image_missing", self.image_missing.into()),
            ("source", self.source.into()),
            ("newer", self.newer.into()),
            ("older", self.older.into()),
            ("clear_filters", self.clear_filters.into()),
            ("matching", self.matching.into()),
            ("search_label", self.search_label.into()),
            ("search_placeholder", self.search_placeholder.into()),
            ("no_results", self.no_results.into()),
            ("previous", self.previous.into()),
            ("next", self.next.into()),
            ("results", n(self.results(97, false))),
            ("results_one", self.results(1, false)),
            ("results_about", n(self.results_about(97))),
            ("results_more", n(self.results(97, true))),
            ("relaxed", self.relaxed("{what}")),
            ("filters", self.filters.into()),
            ("archive", self.archive.into()),
            ("all_of_them", self.all_of_them.into()),
            ("any_of_them", self.any_of_them.into()),
            ("other_items", self.other_items.into()),
            ("language", self.language.into()),
            ("feed", self.feed.into()),
            ("needs_js", self.needs_js.into()),
            ("find_term", self.find_term.into()),
            ("copy_link", self.copy_link.into()),
            ("copied", self.copied.into()),
            ("also_in", self.also_in.into()),
            ("starred", self.starred.into()),
            ("star", self.star.into()),
            ("unstar", self.unstar.into()),
            ("mark_read", self.mark_read.into()),
            ("mark_unread", self.mark_unread.into()),
            ("mark_all_read", self.mark_all_read.into()),
            ("new_badge", self.new_badge.into()),
            ("export", self.export.into()),
            ("import", self.import.into()),
            ("no_starred", self.no_starred.into()),
            (
                "imported",
                self.imported(
                    "{file}",
                    crate::reading::Added {
                        starred: 91,
                        read: 97,
                    },
                )
                .replace("91", "{starred}")
                .replace("97", "{read}"),
            ),
            ("imported_none", self.imported("{file}", Default::default())),
            (
                "import_failed",
                self.import_failed("{file}", 91, 97)
                    .replace("91", "{line}")
                    .replace("97", "{column}"),
            ),
            ("kept_here", self.kept_here.into()),
            ("keys_title", self.keys_title.into()),
            ("offline", self.offline.into()),
            ("updated", self.updated.into()),
            ("retry", self.retry.into()),
            (
                "server_refused",
                self.server_refused("{file}", 997)
                    .replace("997", "{status}"),
            ),
            ("unreachable", self.unreachable("{file}")),
            ("damaged", self.damaged("{file}")),
            (
                "other_version",
                self.other_version(9997, 9998)
                    .replace("9997", "{found}")
                    .replace("9998", "{expected}"),
            ),
            ("all_items", self.all_items.into()),
            ("on_days_many", self.on_days(97).replace("97", "{n}")),
            (
                "all_tags",
                self.all_terms(Facet::Tag, 97).replace("97", "{n}"),
            ),
            (
                "shown_of",
                self.shown_of(91, 97)
                    .replace("91", "{shown}")
                    .replace("97", "{n}"),
            ),
            ("found_count", n(self.found_count(97))),
            ("found_none", self.found_count(0)),
            ("items_one", self.items(1)),
            ("items_many", n(self.items(97))),
            ("digests_one", self.digests(1)),
            ("digests_many", n(self.digests(97))),
            (
                "position",
                self.position("{date}", 91, 97)
                    .replace("91", "{i}")
                    .replace("97", "{n}"),
            ),
            (
                "page_of",
                self.page_of(91, 97)
                    .replace("91", "{page}")
                    .replace("97", "{pages}"),
            ),
            ("the_digest", self.the_digest("{slug}")),
            ("the_item", self.the_item("{id}", "{digest}")),
            ("was_not_found", self.was_not_found("{what}")),
        ]
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(month: u32) -> &'static str {
    let i = usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0);
    MONTHS[i]
}

/// A count as the interface writes it, in groups of three digits
/// ("115,343"; both languages group so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grouped(pub u64);

impl Grouped {
    pub fn of(n: usize) -> Grouped {
        Grouped(u64::try_from(n).unwrap_or(u64::MAX))
    }
}

impl std::fmt::Display for Grouped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // At most 20 digits and 6 commas.
        let mut buf = [0u8; 26];
        let (mut at, mut n, mut digits) = (buf.len(), self.0, 0);
        loop {
            if digits > 0 && digits % 3 == 0 {
                at -= 1;
                buf[at] = b',';
            }
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            digits += 1;
            if n == 0 {
                break;
            }
        }
        f.write_str(std::str::from_utf8(&buf[at..]).map_err(|_| std::fmt::Error)?)
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", Grouped(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_for_the_language() {
        let d = Date::parse("2024-05-26").expect("date");
        assert_eq!(Text::of(Lang::Zh).date(d), "2024年5月26日");
        assert_eq!(Text::of(Lang::En).date(d), "May 26, 2024");
        assert_eq!(Text::of(Lang::En).month(2024, 1), "January 2024");
        assert_eq!(Text::of(Lang::Zh).date_text("soon"), "soon");
    }

    #[test]
    fn templates_keep_their_placeholders() {
        let en: std::collections::HashMap<_, _> =
            Text::of(Lang::En).describe().into_iter().collect();
        assert_eq!(en["items_many"], "{n} items");
        assert_eq!(en["position"], "{date} · item {i} of {n}");
        assert_eq!(en["was_not_found"], "{what} was not found");
        let zh: std::collections::HashMap<_, _> =
            Text::of(Lang::Zh).describe().into_iter().collect();
        assert_eq!(zh["digests_many"], "{n} 期日报");
        assert_eq!(zh["page_of"], "第 {page} 页，共 {pages} 页");
    }

    #[test]
    fn an_import_says_what_it_added_or_where_the_file_went_wrong() {
        use crate::reading::Added;
        let (zh, en) = (Text::of(Lang::Zh), Text::of(Lang::En));
        let some = Added {
            starred: 2,
            read: 5,
        };
        assert_eq!(
            zh.imported("r.json", some),
            "r.json：新增收藏 2 条、已读 5 条"
        );
        assert_eq!(
            en.imported("r.json", some),
            "r.json: 2 starred and 5 read added"
        );
        assert_eq!(
            zh.imported("r.json", Added::default()),
            "r.json：没有新内容"
        );
        assert_eq!(
            en.imported("r.json", Added::default()),
            "r.json: nothing new"
        );
        assert_eq!(
            en.import_failed("a.pdf", 1, 1),
            "a.pdf is not a reading file exported by tidings (line 1, column 1)"
        );
        assert_eq!(
            zh.import_failed("a.pdf", 3, 14),
            "a.pdf 不是 tidings 导出的阅读记录（第 3 行第 14 列）"
        );
        let templates: std::collections::HashMap<_, _> = en.describe().into_iter().collect();
        assert_eq!(
            templates["imported"],
            "{file}: {starred} starred and {read} read added"
        );
        assert_eq!(
            templates["import_failed"],
            "{file} is not a reading file exported by tidings (line {line}, column {column})"
        );
    }

    #[test]
    fn counts_are_written_in_groups_of_three_digits() {
        let all = [0, 7, 999, 1_000, 11_521, 115_343, 1_000_000, u64::MAX];
        let written: Vec<String> = all.iter().map(|&n| Grouped(n).to_string()).collect();
        assert_eq!(
            written,
            [
                "0",
                "7",
                "999",
                "1,000",
                "11,521",
                "115,343",
                "1,000,000",
                "18,446,744,073,709,551,615"
            ]
        );
        assert_eq!(
            Text::of(Lang::Zh).count(10_000, 115_343),
            "10,000 期日报，115,343 条新闻"
        );
        assert_eq!(Text::of(Lang::En).count(1, 1_000), "1 digest, 1,000 items");
        assert_eq!(
            Text::of(Lang::En).all_terms(Facet::Domain, 5_227),
            "all sources (5,227)"
        );
        assert_eq!(
            Text::of(Lang::Zh).shown_of(50, 1_085),
            "显示 50 个，共 1,085 个；继续输入以缩小范围"
        );
    }

    #[test]
    fn count_lines_punctuate_as_their_language() {
        assert_eq!(Text::of(Lang::Zh).count(1, 13), "1 期日报，13 条新闻");
        assert_eq!(Text::of(Lang::En).count(1, 13), "1 digest, 13 items");
        assert_eq!(
            Text::of(Lang::Zh).labelled("#AI", "1 期日报"),
            "#AI：1 期日报"
        );
        assert_eq!(
            Text::of(Lang::En).labelled("#AI", "1 digest"),
            "#AI: 1 digest"
        );
    }

    #[test]
    fn english_counts_are_plural_correct() {
        let en = Text::of(Lang::En);
        assert_eq!(en.items(1), "1 item");
        assert_eq!(en.items(0), "0 items");
        assert_eq!(en.digests(13), "13 digests");
        assert_eq!(Text::of(Lang::Zh).items(1), "1 条新闻");
    }

    #[test]
    fn both_tables_fill_every_string() {
        for lang in Lang::ALL {
            let t = Text::of(lang);
            assert_eq!(t.lang, lang);
            let all = [
                t.name,
                t.all_digests,
                t.loading,
                t.error_title,
                t.not_found_title,
                t.not_found_hint,
                t.this_page,
                t.image_missing,
                t.source,
                t.newer,
                t.older,
                t.clear_filters,
                t.matching,
                t.search_label,
                t.search_placeholder,
                t.from,
                t.to,
                t.filters,
                t.archive,
                t.all_of_them,
                t.any_of_them,
                t.other_items,
                t.pages,
                t.language,
                t.feed,
                t.needs_js,
                t.find_term,
                t.copy_link,
                t.copied,
                t.share,
                t.also_in,
                t.starred,
                t.star,
                t.unstar,
                t.mark_read,
                t.mark_unread,
                t.mark_all_read,
                t.new_badge,
                t.export,
                t.import,
                t.no_starred,
                t.kept_here,
                t.keys_title,
                t.offline,
                t.updated,
                t.all_items,
                t.retry,
            ];
            for (_, action) in crate::keys::KEYS {
                assert!(!t.key_help(action).is_empty());
            }
            assert!(all.iter().all(|s| !s.trim().is_empty()), "{lang:?}");
        }
        assert_ne!(Text::of(Lang::Zh).loading, Text::of(Lang::En).loading);
    }
}
