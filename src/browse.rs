//! The digest list with its filters, shared by `/` and `/tags/<tag>`. All
//! filter state is in the URL query, so a filtered view can be shared,
//! reloaded, and walked with back and forward.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use tidings_model::query::{
    self, format_day, month_range, months_by_year, parse_day, Filter, Mode,
};
use tidings_model::{DigestSummary, Manifest, TermCount};

use crate::api::{self, AppError};
use crate::components::{error_view, page_title, DigestList, Loading};
use crate::ManifestResource;

/// A facet choice: name, digests if chosen, whether it is chosen, its link.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice {
    name: String,
    count: u32,
    active: bool,
    href: String,
}

/// Everything one screen of the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Screen {
    entries: Vec<DigestSummary>,
    digests: usize,
    items: u64,
    page: u32,
    pages: u32,
    tags: Vec<Choice>,
    categories: Vec<Choice>,
    domains: Vec<Choice>,
    sections: Vec<Choice>,
    /// Years, and the months of a chosen year.
    archive: Vec<Choice>,
}

const MAX_DOMAINS: usize = 12;

fn choices(
    counts: &[(u32, u32)],
    table: &[String],
    chosen: &[String],
    link: impl Fn(&str) -> Filter,
) -> Vec<Choice> {
    let mut out: Vec<Choice> = counts
        .iter()
        .filter_map(|&(id, count)| {
            let name = table.get(id as usize)?.clone();
            Some(Choice {
                active: chosen.contains(&name),
                href: format!("/{}", link(&name).to_query()),
                name,
                count,
            })
        })
        .collect();
    // A chosen term that matches nothing is still shown, so it can be removed.
    for name in chosen {
        if !out.iter().any(|c| &c.name == name) {
            out.push(Choice {
                name: name.clone(),
                count: 0,
                active: true,
                href: format!("/{}", link(name).to_query()),
            });
        }
    }
    out
}

async fn load(
    manifest: Result<Arc<Manifest>, AppError>,
    filter: Filter,
    page: u32,
) -> Result<Screen, AppError> {
    let manifest = manifest?;
    let index = api::index(&manifest).await?;
    let text = filter.text.trim().to_lowercase();
    let text_match: Option<Vec<bool>> = if text.is_empty() {
        None
    } else {
        let pages = api::all_pages(&manifest).await?;
        Some(
            pages
                .iter()
                .flat_map(|p| p.entries.iter().map(|e| query::text_matches(e, &text)))
                .collect(),
        )
    };
    let results = query::apply(&index, &filter, text_match.as_deref());
    let (rows, page, pages) = query::screen(&results.rows, page);
    let loaded = api::pages_for(&manifest, rows).await?;
    let size = manifest.page_size.max(1);
    let entries = rows
        .iter()
        .filter_map(|r| {
            let p = loaded.get(&(r / size))?;
            p.entries.get((r - p.first_row) as usize).cloned()
        })
        .collect();
    // The most common sources, and every chosen one however rare.
    let (mut domains, others): (Vec<Choice>, Vec<Choice>) =
        choices(&results.domains, &index.domains, &filter.domains, |d| {
            filter.toggle_domain(d)
        })
        .into_iter()
        .partition(|c| c.active);
    domains.extend(
        others
            .into_iter()
            .take(MAX_DOMAINS.saturating_sub(domains.len())),
    );
    // The archive shows years; the months of a year once it is chosen (a
    // range inside one year), so 10,000 digests do not mean 300 month links.
    let range = |from: u32, to: u32| {
        let active = filter.from == Some(from) && filter.to == Some(to);
        let target = if active {
            filter.with_range(None, None)
        } else {
            filter.with_range(Some(from), Some(to))
        };
        (active, format!("/{}", target.to_query()))
    };
    let open_year = match (filter.from, filter.to) {
        (Some(f), Some(t)) if f / 10000 == t / 10000 => Some(f / 10000),
        _ => None,
    };
    let mut archive = Vec::new();
    for (year, months) in months_by_year(&results.months) {
        let count = months.iter().map(|(_, n)| n).sum();
        let (active, href) = range(year * 10000 + 101, year * 10000 + 1231);
        archive.push(Choice {
            name: year.to_string(),
            count,
            active,
            href,
        });
        if open_year == Some(year) {
            for (ym, count) in months {
                let (from, to) = month_range(ym);
                let (active, href) = range(from, to);
                archive.push(Choice {
                    name: format!("{}-{:02}", ym / 100, ym % 100),
                    count,
                    active,
                    href,
                });
            }
        }
    }
    Ok(Screen {
        entries,
        digests: results.rows.len(),
        items: results.items,
        page,
        pages,
        tags: choices(&results.tags, &index.tags, &filter.tags, |t| {
            filter.toggle_tag(t)
        }),
        categories: choices(
            &results.categories,
            &index.categories,
            &filter.categories,
            |c| filter.toggle_category(c),
        ),
        domains,
        sections: choices(&results.sections, &index.sections, &filter.sections, |x| {
            filter.toggle_section(x)
        }),
        archive,
    })
}

/// The first screen with no filter: the manifest and the first list page
/// are enough, so the first view costs the same at any corpus size.
async fn load_unfiltered(manifest: Result<Arc<Manifest>, AppError>) -> Result<Screen, AppError> {
    let manifest = manifest?;
    let first = api::list_page(&manifest, 0).await?;
    let digests = manifest.digest_count as usize;
    let pages = digests.div_ceil(query::PER_SCREEN).max(1) as u32;
    let none = Filter::default();
    let totals = |terms: &[TermCount], link: &dyn Fn(&str) -> Filter| -> Vec<Choice> {
        terms
            .iter()
            .map(|t| Choice {
                name: t.name.clone(),
                count: t.count,
                active: false,
                href: format!("/{}", link(&t.name).to_query()),
            })
            .collect()
    };
    let tags = totals(&manifest.tags, &|t| none.toggle_tag(t));
    let categories = totals(&manifest.categories, &|c| none.toggle_category(c));
    Ok(Screen {
        entries: first
            .entries
            .iter()
            .take(query::PER_SCREEN)
            .cloned()
            .collect(),
        digests,
        items: manifest.item_count,
        page: 1,
        pages,
        tags,
        categories,
        domains: Vec::new(),
        sections: Vec::new(),
        archive: Vec::new(),
    })
}

#[component]
fn Chips(#[prop(into)] label: String, choices: Vec<Choice>, prefix: &'static str) -> impl IntoView {
    (!choices.is_empty()).then(|| {
        view! {
            <div class="facet">
                <span class="facet-label">{label}</span>
                <ul class="chips">
                    {choices
                        .into_iter()
                        .map(|c| {
                            let class = if c.active { "chip active" } else { "chip" };
                            let data_name = c.name.clone();
                            view! {
                                <li>
                                    <a href=c.href class=class aria-pressed=c.active.to_string() data-name=data_name>
                                        {prefix}{c.name}<span class="n">{c.count}</span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// The list of digests under the filter in the URL (plus `fixed_tag`).
#[component]
pub fn Browse(#[prop(into)] fixed_tag: Signal<Option<String>>) -> impl IntoView {
    let ManifestResource(manifest) = expect_context();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let pairs: Vec<(&str, String)> =
            ["tag", "cat", "domain", "section", "op", "from", "to", "q"]
                .into_iter()
                .flat_map(|k| {
                    q.get_all(k)
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |v| (k, v))
                })
                .collect();
        let mut f = Filter::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        if let Some(tag) = fixed_tag.get() {
            if !f.tags.contains(&tag) {
                f.tags.insert(0, tag);
            }
        }
        f
    });
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    });
    let screen = LocalResource::new(move || {
        let (filter, page) = (filter.get(), page.get());
        async move {
            let m = manifest.await;
            if filter.is_empty() && page <= 1 {
                load_unfiltered(m).await
            } else {
                load(m, filter, page).await
            }
        }
    });
    page_title(move || {
        let f = filter.get();
        f.tags
            .iter()
            .map(|t| format!("#{t}"))
            .collect::<Vec<_>>()
            .join(" ")
    });

    let navigate = use_navigate();
    // Typing replaces the history entry; other changes add one.
    let go = move |f: Filter, replace: bool| {
        navigate(
            &format!("/{}", f.to_query()),
            NavigateOptions {
                scroll: false,
                replace,
                ..Default::default()
            },
        );
    };
    let go_text = go.clone();
    let on_text = move |ev: leptos::ev::Event| {
        let mut f = filter.get_untracked();
        f.text = event_target_value(&ev);
        go_text(f, true);
    };
    let go_from = go.clone();
    let on_from = move |ev: leptos::ev::Event| {
        let f = filter.get_untracked();
        go_from(
            f.with_range(parse_day(&event_target_value(&ev)), f.to),
            false,
        );
    };
    let go_to = go.clone();
    let on_to = move |ev: leptos::ev::Event| {
        let f = filter.get_untracked();
        go_to(
            f.with_range(f.from, parse_day(&event_target_value(&ev))),
            false,
        );
    };
    let day = |d: Option<u32>| d.map(format_day).unwrap_or_default();

    view! {
        <section class="browse">
            <label class="search">
                <span class="visually-hidden">"Search digests"</span>
                <input
                    type="search"
                    placeholder="Search titles, summaries, tags"
                    prop:value=move || filter.get().text
                    on:input=on_text
                />
            </label>
            <div class="date-range">
                <label>"From "<input type="date" data-testid="from" prop:value=move || day(filter.get().from) on:change=on_from /></label>
                <label>"to "<input type="date" data-testid="to" prop:value=move || day(filter.get().to) on:change=on_to /></label>
            </div>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=error_view>
                    {move || Suspend::new(async move {
                        let s = screen.await?;
                        let f = filter.get();
                        let mode_switch = (f.tags.len() > 1).then(|| {
                            let (and, or) = (format!("/{}", f.with_mode(Mode::And).to_query()), format!("/{}", f.with_mode(Mode::Or).to_query()));
                            view! {
                                <p class="mode" role="group" aria-label="Combine tags">
                                    "Tags: "
                                    <a href=and class=if f.mode == Mode::And { "chip active" } else { "chip" } data-testid="mode-and">"all of them"</a>
                                    <a href=or class=if f.mode == Mode::Or { "chip active" } else { "chip" } data-testid="mode-or">"any of them"</a>
                                </p>
                            }
                        });
                        let clear = (!f.is_empty()).then(|| view! { <a href="/" class="clear" data-testid="clear">"Clear filters"</a> });
                        let prev = (s.page > 1).then(|| format!("/{}", f.to_query_with_page(s.page - 1)));
                        let next = (s.page < s.pages).then(|| format!("/{}", f.to_query_with_page(s.page + 1)));
                        let archive = s.archive.clone();
                        Ok::<_, AppError>(view! {
                            <nav class="facets" aria-label="Filters">
                                <Chips label="Tags" choices=s.tags.clone() prefix="#" />
                                {mode_switch}
                                <Chips label="Categories" choices=s.categories.clone() prefix="" />
                                <Chips label="Sources" choices=s.domains.clone() prefix="" />
                                <Chips label="Sections" choices=s.sections.clone() prefix="" />
                                <Chips label="Archive" choices=archive prefix="" />
                            </nav>
                            <p class="summary-line">
                                <span data-testid="match-count">{query::count_of(s.digests as u64, "digest")}", "{query::count_of(s.items, "item")}</span>
                                {(!f.is_empty()).then_some(" match")}
                                " "{clear}
                            </p>
                            <DigestList digests=s.entries.clone() />
                            {(s.pages > 1).then(|| view! {
                                <nav class="pager" aria-label="Pages">
                                    {prev.map(|h| view! { <a href=h rel="prev">"← Newer"</a> })}
                                    <span>"Page "{s.page}" of "{s.pages}</span>
                                    {next.map(|h| view! { <a href=h rel="next">"Older →"</a> })}
                                </nav>
                            })}
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
