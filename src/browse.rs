//! The digest list with its filters, shared by `/` and `/tags/<tag>`. All
//! filter state is in the URL query, so a filtered view can be shared,
//! reloaded, and walked with back and forward. What the filters mean, how
//! they are written in the URL and which facets exist come from
//! `tidings_model::query` and `tidings_model::facet`; this module loads the
//! data a screen needs and lays it out.

use std::sync::Arc;

use leptos::prelude::*;
use tidings_model::date::Date;
use tidings_model::facet::Facet;
use tidings_model::query::{self, Choice, Filter, ListBase, Panel, PAGE_KEY};
use tidings_model::{html, DecodeError, DigestSummary, Index, Manifest};

use crate::api::{self, AppError};
use crate::components::{effect, error_view, nothing, page_title, shown, DigestList, Loading};
use crate::site::{self, href};
use crate::ManifestResource;

/// Everything one screen of the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Screen {
    entries: Vec<DigestSummary>,
    digests: usize,
    items: u64,
    page: u32,
    pages: u32,
    panels: Vec<Panel>,
    /// Years, and the months of a chosen year.
    archive: Vec<Choice>,
    /// The 1-based page the URL asks for (a search pages on its own).
    asked_page: u32,
    /// With text and an index: the search's page of results.
    search: Option<crate::search::Page>,
    /// On the items view without a search: the items of `entries`.
    item_rows: Vec<crate::routes::items::Row>,
}

/// Per row, whether the filter's text is in one of the digest's items
/// (the full-text index; a bundle without one matches titles, summaries
/// and tags on every list page). `None` without text.
async fn text_matches(
    manifest: &Manifest,
    index: &Index,
    filter: &Filter,
) -> Result<Option<Vec<bool>>, AppError> {
    let text = tidings_model::query::lower(filter.text.trim());
    if text.is_empty() {
        return Ok(None);
    }
    if manifest.search.shards > 0 {
        return crate::search::row_matches(manifest, index, &text)
            .await
            .map(Some);
    }
    let pages = api::all_pages(manifest).await?;
    Ok(Some(
        pages
            .iter()
            .flat_map(|p| p.entries.iter().map(|e| query::text_matches(e, &text)))
            .collect(),
    ))
}

/// The list entries of `rows`, from the list pages that hold them.
async fn entries(manifest: &Manifest, rows: &[u32]) -> Result<Vec<DigestSummary>, AppError> {
    let loaded = api::pages_for(manifest, rows).await?;
    rows.iter()
        .map(|&r| {
            let page = manifest.page_of(r);
            api::page_in(&loaded, page)
                .and_then(|p| p.entry(r))
                .cloned()
                .ok_or_else(|| AppError::Bundle {
                    url: manifest.page_path(page),
                    error: DecodeError::Malformed(format!("list page {page} lacks row {r}")),
                })
        })
        .collect()
}

/// A screen under a filter: the index answers it, the list pages fill in
/// the rows shown.
async fn load(
    manifest: Result<Arc<Manifest>, AppError>,
    filter: Filter,
    page: u32,
    base: ListBase,
) -> Result<Screen, AppError> {
    let manifest = manifest?;
    let index = api::index(&manifest).await?;
    let text_match = text_matches(&manifest, &index, &filter).await?;
    let results = query::apply(&index, &filter, text_match.as_deref());
    let page_asked = page.max(1);
    let search = if manifest.search.shards > 0 && !filter.text.trim().is_empty() {
        Some(crate::search::load(Arc::clone(&manifest), filter.clone(), page_asked).await?)
    } else {
        None
    };
    let (rows, page, pages) = query::screen_of(&results.rows, page, base.per_screen());
    Ok(Screen {
        entries: entries(&manifest, rows).await?,
        digests: results.rows.len(),
        items: results.items,
        page,
        pages,
        panels: query::panels(&results, &index, &filter, &base),
        archive: query::archive(&results.months, &filter, &base),
        asked_page: page_asked,
        search,
        item_rows: Vec::new(),
    })
}

/// The first screen with no filter: the manifest and the list's first
/// screen (`list/first.json`) are enough, so the first view costs the
/// same at any corpus size.
async fn load_unfiltered(
    manifest: Result<Arc<Manifest>, AppError>,
    base: ListBase,
) -> Result<Screen, AppError> {
    let manifest = manifest?;
    let first = api::first_screen(&manifest).await?;
    let digests = manifest.digest_count as usize;
    Ok(Screen {
        entries: first
            .entries
            .iter()
            .take(base.per_screen())
            .cloned()
            .collect(),
        digests,
        items: manifest.item_count,
        page: 1,
        pages: digests.div_ceil(base.per_screen()).max(1) as u32,
        panels: query::unfiltered_panels(&manifest, &base),
        archive: query::unfiltered_archive(&manifest, &base),
        asked_page: 1,
        search: None,
        item_rows: Vec::new(),
    })
}

/// A loaded screen with the filter and list it was loaded for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    screen: Screen,
    filter: Filter,
    base: ListBase,
}

impl Shown {
    /// The panel of the facet whose query key is `key` (a panel's
    /// `data-facet`).
    fn panel(&self, key: &str) -> Option<&Panel> {
        (self.screen.panels.iter()).find(|p| p.facet.spec().key == key)
    }
}

/// The shown screen, kept in a signal: the view below is built once and
/// each change rewrites the facet panels (one DOM call) and touches only
/// the rows that came, went or moved, not the whole screen.
type Current = RwSignal<Option<Arc<Shown>>>;

/// The facet panels of `s`, as the model writes them (`opened`: the
/// facets whose every-term box is open, with what was typed).
fn facets_html(s: &Shown, opened: &[(String, String)]) -> String {
    facets(s, opened).write()
}

fn facets<'a>(s: &'a Shown, opened: &'a [(String, String)]) -> html::Facets<'a> {
    html::Facets {
        panels: &s.screen.panels,
        archive: &s.screen.archive,
        filter: &s.filter,
        base: &s.base,
        opened,
        site: site::info(),
        text: site::text(),
    }
}

/// What names a focusable part of the facets across a new rendering of
/// them: its panel (`data-facet`), whether it is in the every-term box,
/// and its term (`data-name`) or kind (`data-testid`).
fn identity(el: &web_sys::Element) -> Option<(String, bool, String)> {
    let facet = el
        .closest("[data-facet]")
        .ok()??
        .get_attribute("data-facet")?;
    let in_box = el.closest(".more-terms").ok().flatten().is_some();
    let what = (el.get_attribute("data-name")).or_else(|| el.get_attribute("data-testid"))?;
    Some((facet, in_box, what))
}

/// Gives the focus back to the part of a new rendering of the facets that
/// `id` names, or else to the same term elsewhere in its panel (a term
/// chosen in the every-term box moves to the first chips), so a reader
/// on the keyboard stays where they were.
fn refocus(nav: &web_sys::Element, id: &(String, bool, String)) {
    use wasm_bindgen::JsCast;
    let Ok(all) = nav.query_selector_all("[data-name], [data-testid]") else {
        return;
    };
    let mut elsewhere = None;
    for e in (0..all.length()).filter_map(|i| all.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
    {
        match identity(&e) {
            Some((f, b, w)) if f == id.0 && w == id.2 => {
                if b == id.1 {
                    let _ = e.focus();
                    return;
                }
                elsewhere.get_or_insert(e);
            }
            _ => {}
        }
    }
    if let Some(e) = elsewhere {
        let _ = e.focus();
    }
}

/// An event's target (or current target) as an element.
fn target_of(t: Option<web_sys::EventTarget>) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    t.and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

/// What the reader asked of the facet panels, kept while the list lives
/// (through an error and its Retry, which draw the panels again).
#[derive(Clone, Copy)]
struct Boxes {
    /// The facets whose every-term box is open, with what was typed.
    opened: StoredValue<Vec<(String, String)>>,
    /// Whether a box was opened on a first screen drawn from the
    /// manifest, which carries only the shown terms: the screen then
    /// comes from the index, and the box fills in.
    whole: RwSignal<bool>,
}

/// The facet panels and the archive, written as HTML for each screen (a
/// screen's seventy chips in one DOM call, where a reactive view per chip
/// carried a memo, four reactive attributes and a keyed list's diffing
/// in the wasm). The every-term boxes stay open, with what was typed;
/// typing in one rewrites only its chips.
fn facets_view(current: Current, boxes: Boxes) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let text = site::text();
    let nav = NodeRef::<leptos::html::Nav>::new();
    let Boxes { opened, whole } = boxes;
    // What the panels were last written as: a screen that changes only
    // the rows (the pager, say) leaves them as they are.
    let written: StoredValue<String> = StoredValue::new(String::new());
    let render = move |nav: &web_sys::Element| {
        current.with_untracked(|s| {
            let Some(s) = s else { return };
            let panels = opened.with_value(|o| facets_html(s, o));
            if written.with_value(|w| *w == panels) {
                return;
            }
            let focused = document()
                .active_element()
                .filter(|a| nav.contains(Some(a)))
                .and_then(|a| identity(&a));
            nav.set_inner_html(&panels);
            written.set_value(panels);
            if let Some(id) = focused {
                refocus(nav, &id);
            }
        })
    };
    effect(move || {
        current.track();
        if let Some(el) = nav.get() {
            render(&el);
        }
    });
    let panel_of = |el: &web_sys::Element| {
        el.closest("[data-facet]")
            .ok()
            .flatten()
            .and_then(|p| p.get_attribute("data-facet"))
    };
    let target = |ev: &web_sys::Event| target_of(ev.target());
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = target(&ev).and_then(|t| t.closest("button.more").ok().flatten()) else {
            return;
        };
        let Some(key) = panel_of(&button) else { return };
        let unloaded = current.with_untracked(|s| Some(s.as_ref()?.panel(&key)?.unloaded()));
        if unloaded == Some(true) {
            whole.set(true);
        }
        let mut opening = false;
        opened.update_value(|o| match o.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                o.remove(i);
            }
            None => {
                o.push((key.clone(), String::new()));
                opening = true;
            }
        });
        // A loaded panel's box is written or removed alone: redrawing every
        // panel made opening it cost two letters typed (make bench-web).
        let facet = button.closest(".facet").ok().flatten();
        if let (Some(false), Some(facet)) = (unloaded, facet) {
            let done = if opening {
                let html = current.with_untracked(|s| {
                    let s = s.as_ref()?;
                    Some(facets(s, &[]).more_terms(s.panel(&key)?, ""))
                });
                html.and_then(|h| facet.insert_adjacent_html("beforeend", &h).ok())
            } else {
                (facet.query_selector(".more-terms").ok().flatten()).map(|b| b.remove())
            };
            if done.is_some() {
                let expanded = if opening { "true" } else { "false" };
                let _ = button.set_attribute("aria-expanded", expanded);
                // What the panels were written as is no longer on the page.
                written.set_value(String::new());
                return;
            }
        }
        if let Some(el) = nav.get_untracked() {
            render(&el);
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let Some(input) = target(&ev).and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        // The box's status line, then its chips (`html::Facets`).
        let status = input.next_element_sibling();
        let list = status.as_ref().and_then(|s| s.next_element_sibling());
        let (Some(key), Some(status), Some(list)) = (panel_of(&input), status, list) else {
            return;
        };
        let typed = input.value();
        let found = current.with_untracked(|s| {
            let s = s.as_ref()?;
            let panel = s.panel(&key)?;
            Some(html::found_box(
                panel,
                &typed,
                (&s.filter, &s.base),
                site::info(),
                text,
            ))
        });
        opened.update_value(|o| {
            if let Some((_, t)) = o.iter_mut().find(|(k, _)| *k == key) {
                *t = typed;
            }
        });
        let Some(found) = found else { return };
        status.set_text_content(Some(&found.status));
        list.set_inner_html(&found.chips);
    };
    // On a phone the panel folds away (chosen terms stay) behind a switch.
    let toggle = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = nav.get_untracked() else {
            return;
        };
        let open = el.class_list().toggle("open").unwrap_or(false);
        if let Some(button) = target_of(ev.current_target()) {
            let _ = button.set_attribute("aria-expanded", if open { "true" } else { "false" });
        }
    };
    view! {
        <button type="button" class="facets-toggle" data-testid="facets-toggle"
            aria-expanded="false" on:click=toggle>
            {text.filters}
        </button>
        <nav class="facets" aria-label=text.filters node_ref=nav
            on:click=on_click on:input=on_input></nav>
    }
}

/// The pager of a list or of search results (`labels`: to the screen
/// before and after), when there is more than one screen.
pub fn pager(
    page: u32,
    pages: u32,
    labels: (&str, &str),
    filter: &Filter,
    base: &ListBase,
) -> Option<AnyView> {
    let text = site::text();
    html::list_pager((page, pages), labels, filter, base, site::info(), text).map(|links| {
        view! { <nav class="pager" aria-label=text.pages inner_html=links></nav> }.into_any()
    })
}

/// What the list part shows: ranked search results, items, or digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Search,
    Items,
    Digests,
}

/// The current screen: facets, the count, the list and the pager. Built
/// once; the screen's signal drives every part.
fn screen_view(current: Current, boxes: Boxes) -> impl IntoView {
    let text = site::text();
    // Once a screen shows, the pre-rendered copy goes; the newest digest
    // the reader has now seen is remembered (what is newer next time is
    // marked new).
    effect(move || {
        current.with(|s| {
            let Some(s) = s else { return };
            site::remove_prerender();
            if s.filter.is_empty() && s.screen.page == 1 {
                if let Some(newest) = s.screen.entries.first() {
                    let r = crate::reading::use_reading();
                    if r.state.read_untracked().seen_until.as_deref() < Some(newest.date.as_str()) {
                        r.state.update(|st| st.saw(&newest.date));
                    }
                }
            }
        })
    });
    let kind = Memo::new(move |_| {
        current.with(|s| match s {
            Some(s) if s.screen.search.is_some() => ListKind::Search,
            Some(s) if s.base == ListBase::Items => ListKind::Items,
            _ => ListKind::Digests,
        })
    });
    let entries = Memo::new(move |_| {
        current.with(|s| {
            s.as_ref()
                .map(|s| s.screen.entries.clone())
                .unwrap_or_default()
        })
    });
    let list = move || match kind.get() {
        ListKind::Digests => view! { <DigestList digests=entries /> }.into_any(),
        ListKind::Search => current
            .with(|s| {
                let s = s.as_ref()?;
                let p = s.screen.search.clone()?;
                Some(crate::search::results_view(
                    p,
                    s.filter.clone(),
                    s.base.clone(),
                    text,
                ))
            })
            .into_any(),
        ListKind::Items => current
            .with(|s| {
                s.as_ref()
                    .map(|s| crate::routes::items::item_list(&s.screen.item_rows))
            })
            .into_any(),
    };
    // The count, "matching" under a filter, and the link that clears it
    // (which stays on the view: the items view clears to all items).
    let summary = move || {
        current.with(|s| {
            let Some(s) = s else { return String::new() };
            let held = (s.screen.digests as u64, s.screen.items);
            html::list_summary(held, &s.filter, &s.base, site::info(), text)
        })
    };
    let pages = move || {
        current.with(|s| {
            let s = s.as_ref()?;
            let labels = (text.newer, text.older);
            (s.screen.search.is_none())
                .then(|| pager(s.screen.page, s.screen.pages, labels, &s.filter, &s.base))
                .flatten()
        })
    };
    view! {
        {shown(
            move || current.with(Option::is_some),
            move || view! {
                {facets_view(current, boxes)}
                <p class="summary-line" inner_html=summary></p>
                {list}
                {pages}
            }.into_any(),
            nothing,
        )}
    }
}

/// Where a click on a chip or on "clear" goes (its `href`: path and
/// query), when it is a plain click that stays on this path; other links
/// are the router's.
fn own_link(ev: &leptos::ev::MouseEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    let plain = ev.button() == 0
        && !(ev.default_prevented() || ev.meta_key() || ev.alt_key())
        && !(ev.ctrl_key() || ev.shift_key());
    if !plain {
        return None;
    }
    let clicked: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let link = clicked.closest("a.chip, a.clear").ok()??;
    let href = link.get_attribute("href")?;
    let path = href.split_once('?').map_or(href.as_str(), |(p, _)| p);
    (path == window().location().pathname().ok()?).then_some(href)
}

/// The list of digests under the filter in the URL, on `base` (`/` or a
/// tag's page, whose tag is always chosen).
#[component]
pub fn Browse(#[prop(into)] base: Signal<ListBase>) -> impl IntoView {
    let ManifestResource(manifest) = expect_context();
    let nav = crate::nav::use_nav();
    // A change made here shows at once: its query is read from the link
    // (`asked`) and the router follows it (address bar, history entry)
    // after the next paint, since Chromium's `history.pushState` took
    // 0.3-9 ms of each change on the way to the new list.
    let asked: RwSignal<Option<Vec<(String, String)>>> = RwSignal::new(None);
    // The filter of the address bar, and the one shown.
    let followed = Memo::new(move |_| {
        let q = nav.query.read();
        base.read()
            .filter(q.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    });
    let filter = Memo::new(move |_| match &*asked.read() {
        Some(pairs) => base
            .read()
            .filter(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        None => followed.get(),
    });
    let page = Memo::new(move |_| {
        let from_link = asked.with(|a| {
            let pairs = a.as_ref()?;
            Some(
                pairs
                    .iter()
                    .find(|(k, _)| k == PAGE_KEY)
                    .map(|(_, v)| v.clone()),
            )
        });
        from_link
            .unwrap_or_else(|| nav.query_value(PAGE_KEY))
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    });
    let boxes = Boxes {
        opened: StoredValue::new(Vec::new()),
        whole: RwSignal::new(false),
    };
    let screen = crate::components::Load::new(move || {
        site::track_attempt();
        let (filter, page, base) = (filter.get(), page.get(), base.get());
        let whole = boxes.whole.get();
        async move {
            let m = manifest.wait().await;
            // Unfiltered, the first list page and the manifest's totals are
            // enough; once the index is here (after the first filter, or
            // asked for by "all tags"), the unfiltered screen comes from it
            // too. Both give the same panels and archive (the manifest's
            // are counted from the index), so clearing a filter changes
            // counts and rows, never the panels.
            let from_totals = !whole && m.as_ref().map_or(true, |m| !api::index_loaded(m));
            let mut screen = if filter.is_empty() && page <= 1 && from_totals {
                load_unfiltered(m.clone(), base.clone()).await
            } else {
                load(m.clone(), filter.clone(), page, base.clone()).await
            }?;
            // The items view lists the items of the screen's digests,
            // loaded with the screen so both show at once.
            if base == ListBase::Items && screen.search.is_none() {
                let entries = screen.entries.clone();
                screen.item_rows = crate::routes::items::rows(m, entries, filter.clone()).await?;
            }
            Ok::<_, AppError>(Arc::new(Shown {
                screen,
                filter,
                base,
            }))
        }
    });
    let current: Current = RwSignal::new(None);
    // The tab's title names the chosen tags of the address bar, so it
    // changes with the history entry, after the paint: setting
    // `document.title` is a call to the browser process, and before the
    // new list it added 2-4 ms to a filter change's median at 10,000
    // digests (README).
    page_title(move || {
        followed.read().terms[Facet::Tag]
            .iter()
            .map(|t| format!("#{t}"))
            .collect::<Vec<_>>()
            .join(" ")
    });

    // The link shown and not yet followed: followed after the next paint,
    // or at once when another change or click comes first, so each change
    // keeps its own history entry. Targets are the links' own (with the
    // site's base path).
    let waiting: StoredValue<Option<(String, bool)>> = StoredValue::new(None);
    let follow = move || {
        if let Some((target, replace)) = waiting.try_update_value(Option::take).flatten() {
            nav.go(&target, replace, false);
        }
    };
    let show = move |target: String, replace: bool| {
        follow();
        let pairs = query::query_pairs(target.split_once('?').map_or("", |(_, q)| q));
        waiting.set_value(Some((target, replace)));
        asked.set(Some(pairs));
        request_animation_frame(move || {
            set_timeout(
                // Once the view is gone (the reader went elsewhere in
                // the meantime), `waiting` is too and nothing is followed.
                move || {
                    follow();
                    _ = asked.try_set(None);
                },
                std::time::Duration::ZERO,
            )
        });
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(target) = own_link(&ev) {
            ev.prevent_default();
            show(target, false);
        } else {
            // Any other click here makes the waiting entry first, so a
            // link (the pager) goes on from the change shown.
            follow();
        }
    };
    // Back or forward before a change's entry was made: the change is
    // dropped, and the screen follows the URL gone to.
    let on_history = window_event_listener(leptos::ev::popstate, move |_| {
        waiting.set_value(None);
        asked.set(None);
    });
    on_cleanup(move || on_history.remove());
    // Typing replaces the history entry; other changes add one. Either
    // way the link keeps the view's base.
    let go =
        move |f: Filter, replace: bool| show(href(&base.read_untracked().href(&f, 1)), replace);
    let on_text = move |ev: leptos::ev::Event| {
        go(
            filter.get_untracked().with_text(event_target_value(&ev)),
            true,
        );
    };
    let on_from = move |ev: leptos::ev::Event| {
        let f = filter.get_untracked();
        go(
            f.with_range(Date::parse_day(&event_target_value(&ev)), f.to),
            false,
        );
    };
    let on_to = move |ev: leptos::ev::Event| {
        let f = filter.get_untracked();
        go(
            f.with_range(f.from, Date::parse_day(&event_target_value(&ev))),
            false,
        );
    };
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    // The boxes show the filter of the screen (after Back, or from a
    // shared link); a box already showing it is left alone.
    let (search, from, to) = (
        NodeRef::<leptos::html::Input>::new(),
        NodeRef::<leptos::html::Input>::new(),
        NodeRef::<leptos::html::Input>::new(),
    );
    effect(move || {
        let f = filter.read();
        for (input, value) in [
            (search.get(), f.text.clone()),
            (from.get(), day(f.from)),
            (to.get(), day(f.to)),
        ] {
            if let Some(input) = input.filter(|i| i.value() != value) {
                input.set_value(&value);
            }
        }
    });

    let text = site::text();
    view! {
        <section class="browse" on:click=on_click>
            <label class="search">
                <span class="visually-hidden">{text.search_label}</span>
                <input
                    type="search"
                    placeholder=text.search_placeholder
                    node_ref=search
                    on:input=on_text
                />
            </label>
            <div class="date-range">
                <label>{text.from}<input type="date" data-testid="from" node_ref=from on:change=on_from /></label>
                <label>{text.to}<input type="date" data-testid="to" node_ref=to on:change=on_to /></label>
            </div>
            // The resource's state: loading first, then any error. A loaded
            // screen goes to `current`, which the view after it shows.
            <Transition fallback=Loading set_pending=site::busy()>
                <ErrorBoundary fallback=error_view>
                    {move || Suspend::new(async move {
                        match screen.wait().await {
                            Ok(shown) => {
                                if current.with_untracked(|c| c.as_ref() != Some(&shown)) {
                                    current.set(Some(shown));
                                }
                                Ok(().into_any())
                            }
                            Err(e) => {
                                current.set(None);
                                Err(e)
                            }
                        }
                    })}
                </ErrorBoundary>
            </Transition>
            {screen_view(current, boxes)}
        </section>
    }
}
