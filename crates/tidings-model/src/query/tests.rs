use super::*;

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

fn corpus(rng: &mut Rng, n: usize) -> Vec<Row> {
    let mut rows: Vec<Row> = (0..n)
        .map(|_| Row {
            date: 2023_0000 + (1 + rng.below(24) as u32 / 2) * 100 + 1 + rng.below(28) as u32,
            items: 1 + rng.below(15) as u32,
            tags: rng.subset(TAGS, 3),
            categories: rng.subset(CATS, 2),
            domains: rng.subset(DOMAINS, 3),
            sections: rng.subset(SECTIONS, 2),
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.date));
    rows
}

fn random_filter(rng: &mut Rng) -> Filter {
    let mut f = Filter {
        tags: rng.subset(&[TAGS, &["unknown"]].concat(), 3),
        mode: if rng.below(2) == 0 {
            Mode::And
        } else {
            Mode::Or
        },
        categories: rng.subset(CATS, 1),
        domains: rng.subset(DOMAINS, 2),
        sections: rng.subset(SECTIONS, 1),
        ..Filter::default()
    };
    if rng.below(2) == 0 {
        let a = 2023_0101 + rng.below(12) as u32 * 100;
        f.from = Some(a);
        f.to = Some(a + 1500);
    }
    f
}

type Counts = BTreeMap<String, u32>;

/// The obvious, slow answer, straight from the rows.
fn brute(rows: &[Row], f: &Filter) -> (Vec<u32>, u64, Counts, Counts, Counts) {
    let tags_ok = |r: &Row| match f.mode {
        _ if f.tags.is_empty() => true,
        Mode::And => f.tags.iter().all(|t| r.tags.contains(t)),
        Mode::Or => f.tags.iter().any(|t| r.tags.contains(t)),
    };
    let cats_ok =
        |r: &Row| f.categories.is_empty() || f.categories.iter().any(|c| r.categories.contains(c));
    let doms_ok = |r: &Row| f.domains.is_empty() || f.domains.iter().any(|d| r.domains.contains(d));
    let secs_ok =
        |r: &Row| f.sections.is_empty() || f.sections.iter().any(|s| r.sections.contains(s));
    let dates_ok = |r: &Row| f.from.is_none_or(|x| r.date >= x) && f.to.is_none_or(|x| r.date <= x);
    let mut matched = Vec::new();
    let mut items = 0;
    let mut tag_counts = BTreeMap::new();
    let mut dom_counts = BTreeMap::new();
    let mut sec_counts = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if tags_ok(r) && cats_ok(r) && doms_ok(r) && dates_ok(r) {
            for s in &r.sections {
                *sec_counts.entry(s.clone()).or_insert(0) += 1;
            }
        }
        if tags_ok(r) && cats_ok(r) && doms_ok(r) && secs_ok(r) && dates_ok(r) {
            matched.push(i as u32);
            items += u64::from(r.items);
        }
        if cats_ok(r)
            && doms_ok(r)
            && secs_ok(r)
            && dates_ok(r)
            && (f.mode == Mode::Or || tags_ok(r))
        {
            for t in &r.tags {
                *tag_counts.entry(t.clone()).or_insert(0) += 1;
            }
        }
        if tags_ok(r) && cats_ok(r) && secs_ok(r) && dates_ok(r) {
            for d in &r.domains {
                *dom_counts.entry(d.clone()).or_insert(0) += 1;
            }
        }
    }
    (matched, items, tag_counts, dom_counts, sec_counts)
}

#[test]
fn index_answers_equal_a_brute_force_scan() {
    let mut rng = Rng(42);
    for round in 0..300 {
        let n = 1 + rng.below(60);
        let rows = corpus(&mut rng, n);
        let index = build_index(&rows);
        let f = random_filter(&mut rng);
        let got = apply(&index, &f, None);
        let (rows_want, items_want, tags_want, doms_want, secs_want) = brute(&rows, &f);
        assert_eq!(got.rows, rows_want, "round {round}: {f:?}");
        assert_eq!(got.items, items_want, "round {round}");
        let named = |counts: &[Count], table: &[String]| -> BTreeMap<String, u32> {
            counts
                .iter()
                .map(|(id, c)| (table[*id as usize].clone(), *c))
                .collect()
        };
        assert_eq!(
            named(&got.tags, &index.tags),
            tags_want,
            "round {round}: {f:?}"
        );
        assert_eq!(
            named(&got.domains, &index.domains),
            doms_want,
            "round {round}: {f:?}"
        );
        assert_eq!(
            named(&got.sections, &index.sections),
            secs_want,
            "round {round}: {f:?}"
        );
        let month_total: u32 = got.months.iter().map(|(_, c)| c).sum();
        let (undated, ..) = brute(&rows, &f.with_range(None, None));
        assert_eq!(month_total as usize, undated.len(), "round {round}");
    }
}

#[test]
fn filters_round_trip_through_the_url() {
    let f = Filter {
        tags: vec![
            "a b".into(),
            "c#".into(),
            "x/y".into(),
            "R&D".into(),
            "人工智能".into(),
        ],
        mode: Mode::Or,
        categories: vec!["AI资讯".into()],
        domains: vec!["163.com".into()],
        sections: vec!["研究 & 论文".into()],
        from: Some(2024_0501),
        to: Some(2024_0531),
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
    let f = Filter::default().toggle_tag("AI").toggle_tag("芯片");
    assert_eq!(f.tags, ["AI", "芯片"]);
    assert_eq!(f.toggle_tag("AI").tags, ["芯片"]);
    assert!(f.toggle_tag("AI").toggle_tag("芯片").is_empty());
    assert_eq!(Filter::default().to_query(), "");
    // One tag: the mode does not matter and is left out of the URL.
    assert_eq!(
        Filter::default()
            .toggle_tag("AI")
            .with_mode(Mode::Or)
            .to_query(),
        "?tag=AI"
    );
}

#[test]
fn days_parse_and_print() {
    assert_eq!(parse_day("2024-05-26"), Some(2024_0526));
    assert_eq!(parse_day("2024-13-01"), None);
    assert_eq!(parse_day("yesterday"), None);
    assert_eq!(format_day(2024_0526), "2024-05-26");
}

#[test]
fn text_filter_uses_the_given_matches() {
    let rows = vec![
        Row {
            date: 2024_0102,
            items: 2,
            tags: vec!["AI".into()],
            ..Row::default()
        },
        Row {
            date: 2024_0101,
            items: 3,
            tags: vec!["AI".into()],
            ..Row::default()
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
        image: None,
        body_html: String::new(),
        source: None,
        links: vec![],
        section: None,
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
    assert_eq!(month_range(202402), (2024_0201, 2024_0231));
}

#[test]
fn counts_read_as_english() {
    assert_eq!(count_of(1, "digest"), "1 digest");
    assert_eq!(count_of(0, "item"), "0 items");
    assert_eq!(count_of(13, "item"), "13 items");
}
