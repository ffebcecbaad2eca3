//! The bundle survives JSON serialisation unchanged, and a bundle of another
//! format version is refused with a message that says so.

use tidings_model::date::Date;
use tidings_model::facet::PerFacet;
use tidings_model::query::{build_index, Row};
use tidings_model::{
    BundleFile, DecodeError, Digest, Image, Index, Item, ListPage, Manifest, Source, TermCount,
    SCHEMA_VERSION,
};

fn sample_digest() -> Digest {
    Digest {
        schema: SCHEMA_VERSION,
        slug: "ai20240526".into(),
        date: "2024-05-26".into(),
        lastmod: Some("2024-05-27".into()),
        title: "[AI资讯·0526] 标题".into(),
        description: String::new(),
        image: Some(Image {
            src: None,
            alt: "cover".into(),
        }),
        tags: vec!["AI".into(), "人工智能".into()],
        categories: vec!["AI资讯".into()],
        intro_html: "<p>intro</p>".into(),
        closing_html: "<h2>参考来源</h2>".into(),
        items: vec![
            Item {
                id: "a1b2c3d4".into(),
                title: "First & <best>".into(),
                title_html: "First &amp; &lt;best&gt;".into(),
                title_translation: Some("第一".into()),
                image: Some(Image {
                    src: Some("/data/media/x.jpg".into()),
                    alt: "x".into(),
                }),
                body_html: "<p>body</p>".into(),
                source: Some(Source {
                    url: "https://www.163.com/a.html".into(),
                    domain: "163.com".into(),
                }),
                links: vec!["https://www.163.com/a.html".into()],
                section: Some("产品".into()),
                publisher: Some("Hacker News".into()),
                also_in: vec![tidings_model::StoryRef {
                    slug: "ai20240525".into(),
                    id: "a1b2c3d4".into(),
                    date: "2024-05-25".into(),
                    title: "前一天".into(),
                }],
            },
            Item {
                id: "e5f6g7h8".into(),
                title: "Second".into(),
                title_html: "Second".into(),
                title_translation: None,
                image: None,
                body_html: String::new(),
                source: None,
                links: vec![],
                section: None,
                publisher: None,
                also_in: Vec::new(),
            },
        ],
    }
}

/// What serde writes (compact and pretty) the app's reader reads back.
fn round_trip<T: BundleFile + serde::Serialize + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string(value).expect("serialise");
    assert_eq!(&T::from_json(&json).expect("parse"), value);
    let pretty = serde_json::to_string_pretty(value).expect("serialise");
    assert_eq!(&T::from_json(&pretty).expect("parse"), value);
}

#[test]
fn the_site_settings_and_the_readers_state_round_trip() {
    use tidings_model::json::FromJson;
    use tidings_model::reading::{Reading, Starred};
    use tidings_model::site::SiteInfo;
    let mut site = SiteInfo {
        description: "AI \"news\"\n".into(),
        base_url: Some("https://example.org/repo/".into()),
        base_path: "/repo/".into(),
        author: Some("编辑部".into()),
        image: Some("/cover.png".into()),
        reload: true,
        ..SiteInfo::default()
    };
    for _ in 0..2 {
        let json = serde_json::to_string(&site).expect("serialise");
        assert_eq!(SiteInfo::from_json_text(&json), Ok(site.clone()));
        site = SiteInfo::default();
    }
    let mut reading = Reading::default();
    assert_eq!(
        reading.to_json(),
        serde_json::to_string(&reading).expect("json")
    );
    reading.set_read("ai20240526", "a\"b", true);
    reading.set_read("d2", "x\u{1}", true);
    reading.starred.push(Starred {
        slug: "ai20240526".into(),
        id: "a1b2c3d4".into(),
        title: "英伟达 \\ <b>".into(),
        date: "2024-05-26".into(),
        digest_title: "[AI资讯·0526]\t".into(),
    });
    reading.seen_until = Some("2024-05-26".into());
    let json = reading.to_json();
    assert_eq!(json, serde_json::to_string(&reading).expect("json"));
    assert_eq!(Reading::from_json(&json), reading);
}

#[test]
fn every_bundle_file_round_trips() {
    let d = sample_digest();
    round_trip(&d);
    round_trip(&tidings_model::Shard {
        schema: SCHEMA_VERSION,
        digests: vec![d.clone()],
    });
    round_trip(&ListPage {
        schema: SCHEMA_VERSION,
        first_row: 0,
        entries: vec![d.summary("a digest".into())],
    });
    round_trip(&Manifest {
        schema: SCHEMA_VERSION,
        stamp: "0123abcd".into(),
        digest_count: 1,
        item_count: 2,
        page_size: 100,
        page_count: 1,
        shard_count: 1,
        item_pages: true,
        search: tidings_model::search_index::SearchInfo {
            docs: 2,
            shards: 1,
            blocks: 0,
        },
        tags: vec![TermCount {
            name: "AI".into(),
            count: 1,
        }],
        categories: vec![TermCount {
            name: "AI资讯".into(),
            count: 1,
        }],
        domains: vec![TermCount {
            name: "163.com".into(),
            count: 1,
        }],
        sections: vec![],
        months: vec![(202405, 1)],
        facet_terms: vec![1, 1, 40, 0],
    });
    let index: Index = build_index(&[Row {
        date: Date::from_number(2024_0526).expect("a day"),
        items: 2,
        terms: PerFacet([
            d.tags.clone(),
            d.categories.clone(),
            vec!["163.com".into()],
            vec!["产品".into()],
        ]),
    }]);
    round_trip(&index);
}

/// A valid index of one row, as JSON, with `edit` applied.
fn index_json(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let index = build_index(&[Row {
        date: Date::from_number(2024_0526).expect("a day"),
        items: 2,
        terms: PerFacet([vec!["AI".into()], vec![], vec![], vec![]]),
    }]);
    let mut value = serde_json::to_value(&index).expect("to value");
    edit(&mut value);
    value.to_string()
}

#[test]
fn damaged_files_are_refused_with_what_is_wrong() {
    assert!(Index::from_json(&index_json(|_| {})).is_ok());
    let refused = |json: String| match Index::from_json(&json) {
        Err(DecodeError::Malformed(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused(index_json(|v| v["row_tags"][0] = serde_json::json!([5]))),
        "index.json row 0 has `tag` number 5, but there are 1"
    );
    assert_eq!(
        refused(index_json(|v| v["row_sections"] = serde_json::json!([]))),
        "index.json has 0 `section` rows for 1 digests"
    );
    assert_eq!(
        refused(index_json(|v| v["dates"][0] = serde_json::json!(2024_0231))),
        "index.json row 0 has no valid date (20240231)"
    );
    assert_eq!(
        refused(index_json(|v| v["tags"] = serde_json::json!(["b", "a"]))),
        "index.json: `tag` names are not in order (\"a\" after \"b\")"
    );
    assert_eq!(
        refused(index_json(|v| v["domains"] = serde_json::json!(["a", "a"]))),
        "index.json: `domain` names are not in order (\"a\" after \"a\")"
    );
    let mut d = sample_digest();
    d.items[1].id = d.items[0].id.clone();
    let json = serde_json::to_string(&d).expect("json");
    assert_eq!(
        Digest::from_json(&json),
        Err(DecodeError::Malformed(
            "digest \"ai20240526\" has two items with the id \"a1b2c3d4\"".into()
        ))
    );
}

#[test]
fn files_are_checked_against_their_manifest() {
    let manifest = Manifest {
        schema: SCHEMA_VERSION,
        stamp: "s".into(),
        digest_count: 150,
        item_count: 0,
        page_size: 100,
        page_count: 2,
        shard_count: 50,
        item_pages: true,
        tags: vec![],
        categories: vec![],
        domains: vec![],
        sections: vec![],
        months: vec![],
        facet_terms: vec![],
        search: Default::default(),
    };
    let page = |first_row, n: usize| ListPage {
        schema: SCHEMA_VERSION,
        first_row,
        entries: vec![sample_digest().summary(String::new()); n],
    };
    assert!(page(100, 50).check_against(&manifest, 1).is_ok());
    assert!(page(0, 50).check_against(&manifest, 1).is_err());
    assert!(page(100, 51).check_against(&manifest, 1).is_err());
    assert_eq!(
        page(100, 50).entry(149).map(|e| e.slug.as_str()),
        Some("ai20240526")
    );
    assert_eq!(page(100, 50).entry(99), None);
    let shard = tidings_model::Shard {
        schema: SCHEMA_VERSION,
        digests: vec![sample_digest()],
    };
    let home = manifest.shard_of("ai20240526");
    assert!(shard.check_against(&manifest, home).is_ok());
    assert!(shard.check_against(&manifest, (home + 1) % 50).is_err());
    let mut wrong = manifest.clone();
    wrong.page_count = 3;
    let json = serde_json::to_string(&wrong).expect("json");
    assert!(matches!(
        Manifest::from_json(&json),
        Err(DecodeError::Malformed(_))
    ));
}

#[test]
fn other_schema_versions_are_refused_before_parsing_the_rest() {
    let json = format!(r#"{{"schema": {}, "shards": []}}"#, SCHEMA_VERSION + 1);
    let err = Manifest::from_json(&json).expect_err("must refuse");
    assert_eq!(
        err,
        DecodeError::Schema {
            found: SCHEMA_VERSION + 1,
            expected: SCHEMA_VERSION
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "the bundle has format version {}, but this viewer reads version {}; \
             rebuild the site with the matching tidings",
            SCHEMA_VERSION + 1,
            SCHEMA_VERSION
        )
    );
}

#[test]
fn garbage_is_malformed_not_a_panic() {
    assert!(matches!(
        Manifest::from_json("<html>404</html>"),
        Err(DecodeError::Malformed(_))
    ));
    assert!(matches!(
        Digest::from_json("{}"),
        Err(DecodeError::Malformed(_))
    ));
    assert!(matches!(
        Index::from_json(&format!(r#"{{"schema": {SCHEMA_VERSION}}}"#)),
        Err(DecodeError::Malformed(_))
    ));
}

/// `quoted` escapes what `{:?}` escapes in a `str` among quotes,
/// backslashes and control characters, the same way, and leaves every
/// other character as it is (where `{:?}` also escapes unprintable and
/// combining characters).
#[test]
fn quoted_escapes_quotes_backslashes_and_controls_as_debug_does() {
    use tidings_model::quoted;
    assert_eq!(quoted("ai20240526"), "\"ai20240526\"");
    assert_eq!(quoted("say \"hi\""), r#""say \"hi\"""#);
    assert_eq!(quoted("it's"), r#""it's""#);
    assert_eq!(
        quoted("a\tb\nc\r\0\u{7f}\u{85}"),
        r#""a\tb\nc\r\0\u{7f}\u{85}""#
    );
    assert_eq!(quoted("人工智能 e\u{301}"), "\"人工智能 e\u{301}\"");
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        let text = format!("a{c}");
        let want = if c.is_control() || c == '"' || c == '\\' {
            format!("{text:?}")
        } else {
            format!("\"{text}\"")
        };
        assert_eq!(quoted(&text), want, "{text:?}");
    }
}
