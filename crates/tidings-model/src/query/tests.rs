use super::*;
use crate::facet::PerFacet;
use crate::BundleFile;
use std::collections::BTreeMap;

/// SplitMix64, for reproducible random corpora.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn subset(&mut self, pool: &[&str], max: usize) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for _ in 0..self.below(max + 1) {
            let pick = pool[self.below(pool.len())].to_string();
            if !v.contains(&pick) {
                v.push(pick);
            }
        }
        v
    }
}

const TAGS: &[&str] = &["AI", "人工智能", "c#", "R&D", "x y", "a/b", "芯片"];
const CATS: &[&str] = &["AI资讯", "Tech", "HN"];
const DOMAINS: &[&str] = &["163.com", "36kr.com", "example.org"];
const SECTIONS: &[&str] = &["产品与功能更新", "研究与论文", "Today"];

fn day(n: u32) -> Date {
    Date::from_number(n).expect("a real day")
}

fn corpus(rng: &mut Rng, n: usize) -> Vec<Row> {
    let mut rows: Vec<Row> = (0..n)
        .map(|_| Row {
            date: day(2023_0000 + (1 + rng.below(24) as u32 / 2) * 100 + 1 + rng.below(28) as u32),
            items: 1 + rng.below(15) as u32,
            terms: PerFacet([
                rng.subset(TAGS, 3),
                rng.subset(CATS, 2),
                rng.subset(DOMAINS, 3),
                rng.subset(SECTIONS, 2),
            ]),
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.date));
    rows
}

fn random_filter(rng: &mut Rng) -> Filter {
    let mut f = Filter {
        terms: PerFacet([
            rng.subset(&[TAGS, &["unknown"]].concat(), 3),
            rng.subset(&[CATS, &["unknown"]].concat(), 2),
            rng.subset(DOMAINS, 2),
            rng.subset(SECTIONS, 1),
        ]),
        mode: if rng.below(2) == 0 {
            Mode::And
        } else {
            Mode::Or
        },
        ..Filter::default()
    };
    match rng.below(3) {
        0 => {
            let from = Date::new(2023, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
            let to = Date::new(2023 + rng.below(2) as u32, 1 + rng.below(12) as u32, 28);
            f.from = from;
            f.to = to;
        }
        1 => {
            let ym = 202_300 + 1 + rng.below(12) as u32;
            let (from, to) = month_range(ym).expect("a month");
            f.from = Some(from);
            f.to = Some(to);
        }
        _ => {}
    }
    if rng.below(2) == 0 {
        f.text = "x".into();
    }
    f
}

type Counts = BTreeMap<String, u32>;

/// The obvious, slow answer, straight from the rows.
struct Brute {
    rows: Vec<u32>,
    items: u64,
    counts: PerFacet<Counts>,
    months: BTreeMap<u32, u32>,
}

fn brute(rows: &[Row], f: &Filter, text: &[bool]) -> Brute {
    let facet_ok = |r: &Row, facet: Facet| {
        let chosen = &f.terms[facet];
        let has = |t: &String| r.terms[facet].contains(t);
        chosen.is_empty()
            || if facet == Facet::Tag && f.mode == Mode::And {
                chosen.iter().all(has)
            } else {
                chosen.iter().any(has)
            }
    };
    let n = |d: Option<Date>| d.map(Date::number);
    let dates_ok = |r: &Row| {
        n(f.from).is_none_or(|x| r.date.number() >= x)
            && n(f.to).is_none_or(|x| r.date.number() <= x)
    };
    let text_ok = |i: usize| f.text.trim().is_empty() || text[i];
    let mut out = Brute {
        rows: Vec::new(),
        items: 0,
        counts: PerFacet::default(),
        months: BTreeMap::new(),
    };
    for (i, r) in rows.iter().enumerate() {
        let others_ok = |skip: Option<Facet>| {
            Facet::ALL
                .iter()
                .all(|&g| Some(g) == skip || facet_ok(r, g))
                && text_ok(i)
        };
        if others_ok(None) && dates_ok(r) {
            out.rows.push(i as u32);
            out.items += u64::from(r.items);
        }
        if others_ok(None) {
            *out.months.entry(r.date.number() / 100).or_default() += 1;
        }
        for facet in Facet::ALL {
            let and_tags = facet == Facet::Tag && f.mode == Mode::And;
            let skip = (!and_tags).then_some(facet);
            if others_ok(skip) && dates_ok(r) {
                for t in &r.terms[facet] {
                    *out.counts[facet].entry(t.clone()).or_insert(0) += 1;
                }
            }
        }
    }
    out
}

#[test]
fn index_answers_equal_a_brute_force_scan() {
    let mut rng = Rng(42);
    for round in 0..300 {
        let n = 1 + rng.below(60);
        let rows = corpus(&mut rng, n);
        let index = build_index(&rows);
        let f = random_filter(&mut rng);
        let text: Vec<bool> = (0..n).map(|_| rng.below(3) > 0).collect();
        let got = apply(&index, &f, Some(&text));
        let want = brute(&rows, &f, &text);
        assert_eq!(got.rows, want.rows, "round {round}: {f:?}");
        assert_eq!(got.items, want.items, "round {round}");
        for facet in Facet::ALL {
            let names = index.column(facet).names;
            let named: Counts = got.counts[facet]
                .iter()
                .map(|(id, c)| (names[*id as usize].clone(), *c))
                .collect();
            assert_eq!(named, want.counts[facet], "round {round}: {facet:?} {f:?}");
            // Most first, then by name.
            let ranked: Vec<(u32, &String)> = (got.counts[facet].iter())
                .map(|(id, c)| (*c, &names[*id as usize]))
                .collect();
            assert!(
                ranked
                    .windows(2)
                    .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)),
                "round {round}: {facet:?} {ranked:?}"
            );
        }
        let months: BTreeMap<u32, u32> = got.months.iter().copied().collect();
        assert_eq!(months, want.months, "round {round}: {f:?}");
        // Months come newest first, and each one's range holds its days.
        assert!(got.months.windows(2).all(|w| w[0].0 > w[1].0));
        for (ym, _) in &got.months {
            let (from, to) = month_range(*ym).expect("a month");
            assert_eq!((from.number() / 100, to.number() / 100), (*ym, *ym));
        }
    }
}

#[test]
fn a_damaged_index_answers_without_panicking() {
    let rows = vec![Row {
        date: day(2024_0101),
        items: 2,
        terms: PerFacet([vec!["AI".into()], vec![], vec![], vec![]]),
    }];
    let mut index = build_index(&rows);
    index.row_tags[0] = vec![7];
    index.row_domains.clear();
    index.items.clear();
    let got = apply(&index, &Filter::default().toggle(Facet::Tag, "AI"), None);
    assert!(got.rows.is_empty());
    let got = apply(&index, &Filter::default(), None);
    assert_eq!((got.rows.as_slice(), got.items), (&[0][..], 0));
    assert!(BundleFile::check(&index).is_err());
}

#[test]
fn filters_round_trip_through_the_url() {
    let f = Filter {
        terms: PerFacet([
            vec![
                "a b".into(),
                "c#".into(),
                "x/y".into(),
                "R&D".into(),
                "人工智能".into(),
            ],
            vec!["AI资讯".into()],
            vec!["163.com".into()],
            vec!["研究 & 论文".into()],
        ]),
        mode: Mode::Or,
        from: Some(day(2024_0501)),
        to: Some(day(2024_0531)),
        text: "英伟达 & co".into(),
    };
    let q = f.to_query_with_page(3);
    assert_eq!(
        q,
        "?tag=a%20b&tag=c%23&tag=x%2Fy&tag=R%26D&tag=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD&op=or\
         &cat=AI%E8%B5%84%E8%AE%AF&domain=163.com&section=%E7%A0%94%E7%A9%B6%20%26%20%E8%AE%BA%E6%96%87\
         &from=2024-05-01&to=2024-05-31\
         &q=%E8%8B%B1%E4%BC%9F%E8%BE%BE%20%26%20co&page=3"
    );
    let decoded: Vec<(String, String)> = q
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), crate::url::decode_segment(v)))
        .collect();
    let back = Filter::from_pairs(decoded.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(back, f);
}

#[test]
fn search_text_keeps_the_space_being_typed() {
    let f = Filter {
        text: "英伟达 ".into(),
        ..Filter::default()
    };
    assert_eq!(f.to_query(), "?q=%E8%8B%B1%E4%BC%9F%E8%BE%BE%20");
    assert_eq!(Filter::from_pairs([("q", "英伟达 ")]).text, "英伟达 ");
    assert!(Filter::from_pairs([("q", "  ")]).is_empty());
}

#[test]
fn toggles_and_clearing() {
    let f = Filter::default()
        .toggle(Facet::Tag, "AI")
        .toggle(Facet::Tag, "芯片");
    assert_eq!(f.terms[Facet::Tag], ["AI", "芯片"]);
    assert_eq!(f.toggle(Facet::Tag, "AI").terms[Facet::Tag], ["芯片"]);
    assert!(f
        .toggle(Facet::Tag, "AI")
        .toggle(Facet::Tag, "芯片")
        .is_empty());
    assert_eq!(Filter::default().to_query(), "");
    // One tag: the mode does not matter and is left out of the URL.
    assert_eq!(
        Filter::default()
            .toggle(Facet::Tag, "AI")
            .with_mode(Mode::Or)
            .to_query(),
        "?tag=AI"
    );
    // Every facet toggles the same way, under its own key.
    for facet in Facet::ALL {
        let g = Filter::default().toggle(facet, "x y");
        assert_eq!(g.to_query(), format!("?{}=x%20y", facet.key()));
        assert!(g.toggle(facet, "x y").is_empty());
    }
}

#[test]
fn a_tag_page_keeps_its_base_in_links() {
    let base = ListBase::Tag("人工智能".into());
    let f = base.filter([("q", "英伟达")]);
    assert_eq!(f.terms[Facet::Tag], ["人工智能"]);
    let tag_page = "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/";
    assert_eq!(
        base.href(&f, 1),
        format!("{tag_page}?q=%E8%8B%B1%E4%BC%9F%E8%BE%BE")
    );
    let g = f.toggle(Facet::Tag, "AI").with_mode(Mode::Or);
    assert_eq!(
        base.href(&g, 2),
        format!("{tag_page}?tag=AI&q=%E8%8B%B1%E4%BC%9F%E8%BE%BE&page=2&op=or")
    );
    // Reading that link back gives the same filter.
    let back = base.filter([("tag", "AI"), ("q", "英伟达"), ("op", "or")]);
    assert_eq!(back, g);
    // Removing the base's tag leaves the tag page for the list.
    let h = f.toggle(Facet::Tag, "人工智能");
    assert_eq!(base.href(&h, 1), "/?q=%E8%8B%B1%E4%BC%9F%E8%BE%BE");
    assert_eq!(ListBase::Home.href(&g, 1), format!("/{}", g.to_query()));
}

#[test]
fn impossible_days_in_the_query_are_ignored() {
    let f = Filter::from_pairs([("from", "2024-02-30"), ("to", "2024-02-29")]);
    assert_eq!(f.from, None);
    assert_eq!(f.to, Some(day(2024_0229)));
    assert_eq!(f.to_query(), "?to=2024-02-29");
}

#[test]
fn text_filter_uses_the_given_matches() {
    let rows = vec![
        Row {
            date: day(2024_0102),
            items: 2,
            terms: PerFacet([vec!["AI".into()], vec![], vec![], vec![]]),
        },
        Row {
            date: day(2024_0101),
            items: 3,
            terms: PerFacet([vec!["AI".into()], vec![], vec![], vec![]]),
        },
    ];
    let index = build_index(&rows);
    let f = Filter {
        text: "x".into(),
        ..Filter::default()
    };
    assert_eq!(apply(&index, &f, Some(&[false, true])).rows, [1]);
    // Text asked for but not yet known: nothing matches rather than everything.
    assert!(apply(&index, &f, None).rows.is_empty());
    let summary = DigestSummary {
        slug: "s".into(),
        date: "2024-01-01".into(),
        title: "英伟达 Earnings".into(),
        summary: String::new(),
        tags: vec!["芯片".into()],
        item_count: 1,
    };
    assert!(text_matches(&summary, "earnings"));
    assert!(text_matches(&summary, "芯片"));
    assert!(!text_matches(&summary, "robots"));
}

fn item(id: &str) -> Item {
    Item {
        id: id.into(),
        title: id.into(),
        title_html: id.into(),
        title_translation: None,
        image: None,
        body_html: String::new(),
        source: None,
        links: vec![],
        section: None,
        publisher: None,
        also_in: Vec::new(),
    }
}

#[test]
fn locate_gives_neighbours() {
    let items = vec![item("x"), item("y"), item("z")];
    let first = locate(&items, "x").expect("x exists");
    assert_eq!(
        (first.index, first.prev, first.next.map(|i| i.id.as_str())),
        (0, None, Some("y"))
    );
    let mid = locate(&items, "y").expect("y exists");
    assert_eq!(mid.prev.map(|i| i.id.as_str()), Some("x"));
    assert_eq!(mid.next.map(|i| i.id.as_str()), Some("z"));
    assert!(locate(&items, "z").expect("z").next.is_none());
    assert!(locate(&items, "nope").is_none());
}

#[test]
fn screens_of_the_list() {
    let rows: Vec<u32> = (0..45).collect();
    let (s, page, pages) = screen(&rows, 1);
    assert_eq!((s.len(), s[0], page, pages), (20, 0, 1, 3));
    let (s, page, _) = screen(&rows, 3);
    assert_eq!((s, page), (&rows[40..45], 3));
    let (s, page, _) = screen(&rows, 99);
    assert_eq!((s.len(), page), (5, 3));
    let (s, page, pages) = screen(&[], 2);
    assert_eq!((s.len(), page, pages), (0, 1, 1));
}

#[test]
fn archive_groups_months_by_year() {
    let got = months_by_year(&[(202405, 3), (202404, 1), (202312, 2)]);
    assert_eq!(
        got,
        vec![
            (2024, vec![(202405, 3), (202404, 1)]),
            (2023, vec![(202312, 2)])
        ]
    );
    let range = |ym| month_range(ym).map(|(a, b)| (a.number(), b.number()));
    assert_eq!(range(202402), Some((2024_0201, 2024_0229)));
    assert_eq!(range(202302), Some((2023_0201, 2023_0228)));
    assert_eq!(range(202404), Some((2024_0401, 2024_0430)));
    assert_eq!(range(202413), None);
}

#[test]
fn counts_read_as_english() {
    assert_eq!(count_of(1, "digest"), "1 digest");
    assert_eq!(count_of(0, "item"), "0 items");
    assert_eq!(count_of(13, "item"), "13 items");
}

#[test]
fn panels_show_chosen_terms_then_the_most_common() {
    let terms: Vec<(&str, bool)> = vec![
        ("a", false),
        ("b", false),
        ("c", true),
        ("d", false),
        ("e", true),
    ];
    let (shown, rest) = split_shown(terms.clone(), |t| t.1, 3);
    assert_eq!(
        shown.iter().map(|t| t.0).collect::<Vec<_>>(),
        ["a", "c", "e"]
    );
    assert_eq!(rest.iter().map(|t| t.0).collect::<Vec<_>>(), ["b", "d"]);
    // More chosen than the limit: all of them still show.
    let (shown, rest) = split_shown(terms, |t| t.1, 1);
    assert_eq!(shown.iter().map(|t| t.0).collect::<Vec<_>>(), ["c", "e"]);
    assert_eq!(rest.len(), 3);
}

#[test]
fn the_terms_behind_all_get_their_links_when_shown() {
    let mut rng = Rng(11);
    let mut rows = corpus(&mut rng, 300);
    for (i, r) in rows.iter_mut().enumerate() {
        r.terms[Facet::Domain].push(format!("tail{i}.example"));
    }
    let index = build_index(&rows);
    let filter = Filter::default().toggle(Facet::Domain, "tail7.example");
    let base = ListBase::Home;
    let results = apply(&index, &filter, None);
    let domains = &panels(&results, &index, &filter, &base)[2];
    assert_eq!(domains.facet, Facet::Domain);
    // The chosen rare term shows, and the rest wait behind "all".
    assert!(domains
        .choices
        .iter()
        .any(|c| c.name == "tail7.example" && c.active));
    assert_eq!(domains.terms, domains.choices.len() + domains.more.len());
    assert!(domains.more.len() > 280, "{}", domains.more.len());
    // Nothing typed: the first ones, in the panel's order, and how
    // many there are in all.
    let all = domains.found("", &filter, &base);
    assert_eq!(all.matched, domains.more.len());
    assert_eq!(all.choices.len(), FOUND_SHOWN);
    for (c, t) in all.choices.iter().zip(&domains.more) {
        assert_eq!((&c.name, c.count, c.active), (&t.name, t.count, false));
        assert_eq!(c.href, base.href(&filter.toggle(Facet::Domain, &t.name), 1));
    }
    // Typing narrows them to fewer than the box shows: every match.
    let expected: Vec<&str> = (domains.more.iter())
        .filter(|t| t.name.contains("tail15"))
        .map(|t| t.name.as_str())
        .collect();
    let found = domains.found(" TAIL15", &filter, &base);
    assert!(
        expected.len() > 10 && expected.len() < FOUND_SHOWN,
        "{}",
        expected.len()
    );
    assert_eq!(found.matched, expected.len());
    let names: Vec<&str> = found.choices.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, expected);
    // Nothing matches: nothing shown.
    assert_eq!(domains.found("zz", &filter, &base), Found::default());
}

#[test]
fn typed_text_finds_terms_in_any_case() {
    assert!(term_matches("OpenAI", "open"));
    assert!(term_matches("人工智能", "智能"));
    assert!(term_matches("x", "  "));
    assert!(!term_matches("Rust", "go"));
    // Lower case a character at a time, the same on both sides: a word's
    // final capital sigma is σ, so typing σ or Σ finds it.
    assert_eq!(lower("ΟΔΥΣΣΕΥΣ Straße ＡＩ"), "οδυσσευσ straße ａｉ");
    assert!(term_matches("ΟΔΥΣΣΕΥΣ", "οδυσσευσ"));
    assert!(term_matches("ΟΔΥΣΣΕΥΣ", "ΕΥΣ"));
    // ASCII terms are compared in place: the same answers as lower-casing
    // both, for every case and position, and never for a longer needle or
    // one that is not ASCII.
    // The Kelvin sign lower-cases to an ASCII k.
    let terms = [
        "OpenAI",
        "src12.Example.CN",
        "a",
        "",
        "aB",
        "36Kr",
        "Kelvin",
        "\u{212a}elvin",
    ];
    let needles = [
        "", "a", "AI", "ai", "OPENAI", "openaix", "12.e", "CN", "k", "é", "b", "36kr", "\u{212a}",
        "kel",
    ];
    for term in terms {
        for typed in needles {
            let expected = lower(typed).is_empty() || lower(term).contains(&lower(typed));
            assert_eq!(term_matches(term, typed), expected, "{term:?} {typed:?}");
        }
    }
    assert!(term_matches("Kelvin", "\u{212a}") && term_matches("\u{212a}elvin", "kel"));
}

#[test]
fn the_items_view_keeps_chosen_sources_and_each_story_once() {
    let mut newer = crate::Digest {
        schema: crate::SCHEMA_VERSION,
        slug: "b".into(),
        date: "2024-05-26".into(),
        lastmod: None,
        title: "B".into(),
        description: String::new(),
        image: None,
        tags: vec![],
        categories: vec![],
        intro_html: String::new(),
        items: vec![item("b1"), item("b2")],
        closing_html: String::new(),
    };
    let source = |d: &str| {
        Some(crate::Source {
            url: format!("https://{d}/x"),
            domain: d.into(),
        })
    };
    newer.items[0].source = source("a.com");
    newer.items[1].source = source("b.com");
    let mut older = newer.clone();
    older.slug = "a".into();
    older.date = "2024-05-25".into();
    // The older digest's first item is the same story, told again later.
    older.items[0].also_in = vec![crate::StoryRef {
        slug: "b".into(),
        id: "b1".into(),
        date: "2024-05-26".into(),
        title: "B".into(),
    }];
    let digests = [&newer, &older];
    assert_eq!(
        item_rows(&digests, &Filter::default()),
        [(0, 0), (0, 1), (1, 1)]
    );
    let only_b = Filter::from_pairs([("domain", "b.com")]);
    assert_eq!(item_rows(&digests, &only_b), [(0, 1), (1, 1)]);
}

#[test]
fn items_view_links() {
    assert_eq!(items_of(Facet::Domain, "163.com"), "/items/?domain=163.com");
    assert_eq!(
        items_of(Facet::Section, "产品"),
        "/items/?section=%E4%BA%A7%E5%93%81"
    );
}

#[test]
fn the_items_view_pages_fewer_digests() {
    let rows: Vec<u32> = (0..5).collect();
    assert_eq!(ListBase::Items.per_screen(), ITEMS_VIEW_DIGESTS);
    let (s, page, pages) = screen_of(&rows, 2, ListBase::Items.per_screen());
    assert_eq!((s, page, pages), (&rows[2..4], 2, 3));
    assert_eq!(ListBase::Home.per_screen(), PER_SCREEN);
}

#[test]
fn a_link_s_query_reads_back_as_its_filter() {
    let mut rng = Rng(11);
    for _ in 0..500 {
        let mut f = random_filter(&mut rng);
        f.text = ["", "a b", "c++ & 英伟达", "100% #1 / x=y"][rng.below(4)].to_string();
        for page in [1, 3] {
            let href = ListBase::Home.href(&f, page);
            let query = href.split_once('?').map_or("", |(_, q)| q);
            let pairs = query_pairs(query);
            let back = ListBase::Home.filter(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            // The same filter as far as a link tells (a mode with one
            // term is not written).
            assert_eq!(ListBase::Home.href(&back, page), href);
            assert_eq!((&back.terms, &back.text), (&f.terms, &f.text), "{href}");
            let asked = pairs
                .iter()
                .find(|(k, _)| k == PAGE_KEY)
                .map(|(_, v)| v.as_str());
            assert_eq!(asked, (page > 1).then_some("3"), "{href}");
        }
    }
    assert_eq!(
        query_pairs("?tag=a+b&tag=%E8%8B%B1&op=or&q="),
        [("tag", "a b"), ("tag", "英"), ("op", "or"), ("q", "")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
    );
}

#[test]
fn the_archive_opens_the_months_of_a_chosen_year_and_a_month_goes_back_to_its_year() {
    let months = [(202_402, 3), (202_401, 2), (202_312, 1)];
    let day = |s: &str| Date::parse_day(s);
    let names = |a: &[Choice]| {
        a.iter()
            .map(|c| (c.name.clone(), c.count, c.active, c.href.clone()))
            .collect::<Vec<_>>()
    };
    // Nothing chosen: the years only.
    let none = archive(&months, &Filter::default(), &ListBase::Home);
    assert_eq!(
        names(&none),
        [
            (
                "2024".into(),
                5,
                false,
                "/?from=2024-01-01&to=2024-12-31".into()
            ),
            (
                "2023".into(),
                1,
                false,
                "/?from=2023-01-01&to=2023-12-31".into()
            ),
        ]
    );
    // A month of 2024 chosen: its year's months, the month active and
    // its link taking the range off; the other year stays closed.
    let january = Filter::default().with_range(day("2024-01-01"), day("2024-01-31"));
    let open = archive(&months, &january, &ListBase::Home);
    assert_eq!(
        names(&open),
        [
            (
                "2024".into(),
                5,
                false,
                "/?from=2024-01-01&to=2024-12-31".into()
            ),
            (
                "2024-02".into(),
                3,
                false,
                "/?from=2024-02-01&to=2024-02-29".into()
            ),
            ("2024-01".into(), 2, true, "/".into()),
            (
                "2023".into(),
                1,
                false,
                "/?from=2023-01-01&to=2023-12-31".into()
            ),
        ]
    );
}

#[test]
fn the_first_screen_from_the_manifest_is_the_index_unfiltered() {
    let mut rng = Rng(7);
    for n in [0, 1, 40, 300] {
        // A long tail of sources, as a news site cites.
        let mut rows = corpus(&mut rng, n);
        for (i, r) in rows.iter_mut().enumerate().filter(|(i, _)| i % 10 == 3) {
            r.terms[Facet::Domain].push(format!("tail{i}.example"));
        }
        let index = build_index(&rows);
        let (terms, months) = totals(&index);
        let mut manifest: crate::Manifest = serde_json::from_str(
            r#"{"schema":3,"stamp":"s","digest_count":0,"item_count":0,"page_size":100,"page_count":0,"shard_count":0,"item_pages":true,"tags":[],"categories":[]}"#,
        )
        .expect("a manifest");
        for f in Facet::ALL {
            manifest.set_totals(f, terms[f].clone());
        }
        manifest.months = months;
        // Through the manifest's JSON, as the site's file carries it and
        // the app reads it.
        let json = serde_json::to_string(&manifest.bounded()).expect("serde writes it");
        let manifest = <crate::Manifest as crate::json::FromJson>::from_json_text(&json)
            .expect("it reads back");
        let results = apply(&index, &Filter::default(), None);
        let text = crate::i18n::Text::of(crate::site::Lang::En);
        let site = crate::site::SiteInfo::default();
        for base in [ListBase::Home, ListBase::Items] {
            let first = unfiltered_panels(&manifest, &base);
            let whole = panels(&results, &index, &Filter::default(), &base);
            assert_eq!(first.len(), whole.len());
            for (a, b) in first.iter().zip(&whole) {
                // The same shown terms and count of terms; those behind
                // "all" come with the index.
                assert_eq!(
                    (a.facet, &a.choices, a.terms),
                    (b.facet, &b.choices, b.terms)
                );
                assert!(a.more.is_empty(), "{n} rows, {:?}", a.facet);
                assert_eq!(a.unloaded(), !b.more.is_empty(), "{n} rows, {:?}", a.facet);
                assert!(!b.unloaded());
            }
            let archive_first = unfiltered_archive(&manifest, &base);
            assert_eq!(
                archive_first,
                archive(&results.months, &Filter::default(), &base),
                "{n} rows, {base:?}"
            );
            // So the first screen is written as the index's.
            let write = |panels: &[Panel]| {
                crate::html::Facets {
                    panels,
                    archive: &archive_first,
                    filter: &Filter::default(),
                    base: &base,
                    opened: &[],
                    site: &site,
                    text,
                }
                .write()
            };
            assert_eq!(write(&first), write(&whole), "{n} rows, {base:?}");
        }
        // Not vacuous: a corpus of 40 rows has terms in every facet, and
        // at 300 some facet has more than it shows.
        if n >= 40 {
            assert!(Facet::ALL.iter().all(|&f| !manifest.totals(f).is_empty()));
            assert!(!manifest.months.is_empty());
        }
        if n >= 300 {
            assert!(Facet::ALL
                .iter()
                .any(|&f| manifest.term_count(f) > manifest.totals(f).len()));
        }
    }
}

#[test]
fn a_manifest_carries_the_shown_terms_and_how_many_there_are() {
    let mut m: crate::Manifest = serde_json::from_str(
        r#"{"schema":3,"stamp":"s","digest_count":0,"item_count":0,"page_size":100,"page_count":0,"shard_count":0,"item_pages":true,"tags":[],"categories":[]}"#,
    )
    .expect("a manifest");
    let terms = |n: u32| -> Vec<crate::TermCount> {
        (0..n)
            .map(|i| crate::TermCount {
                name: format!("t{i}"),
                count: 5000 - i,
            })
            .collect()
    };
    // Within what is shown: the file is the manifest as it was.
    m.tags = terms(12);
    m.domains = terms(3);
    assert_eq!(m.bounded(), m);
    // Thirteen tags and 3,000 sources: twelve of each carried.
    m.tags = terms(13);
    m.domains = terms(3000);
    let b = m.bounded();
    assert_eq!(b.tags, terms(12));
    assert_eq!(b.domains, terms(12));
    assert_eq!(b.categories, m.categories);
    assert_eq!(b.facet_terms, [13, 0, 3000, 0]);
    for f in Facet::ALL {
        assert_eq!(b.term_count(f), m.term_count(f));
    }
    assert_eq!(b.bounded(), b);
    // A manifest written before the field reads as whole.
    let json = serde_json::to_string(&m).expect("JSON");
    assert!(!json.contains("facet_terms"));
    let old = <crate::Manifest as crate::json::FromJson>::from_json_text(&json).expect("reads");
    assert_eq!(old.term_count(Facet::Domain), 3000);
    let p = &unfiltered_panels(&old, &ListBase::Home)[2];
    assert_eq!((p.choices.len(), p.more.len(), p.terms), (12, 2988, 3000));
    assert!(!p.unloaded());
}
