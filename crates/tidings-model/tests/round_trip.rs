//! The bundle survives JSON serialisation unchanged, and a bundle of another
//! format version is refused with a message that says so.

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
        items: vec![
            Item {
                id: "a1b2c3d4".into(),
                title: "First & <best>".into(),
                title_html: "First &amp; &lt;best&gt;".into(),
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
            },
            Item {
                id: "e5f6g7h8".into(),
                title: "Second".into(),
                title_html: "Second".into(),
                image: None,
                body_html: String::new(),
                source: None,
                links: vec![],
                section: None,
            },
        ],
    }
}

fn round_trip<T: BundleFile + serde::Serialize + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string(value).expect("serialise");
    assert_eq!(&T::from_json(&json).expect("parse"), value);
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
        tags: vec![TermCount {
            name: "AI".into(),
            count: 1,
        }],
        categories: vec![TermCount {
            name: "AI资讯".into(),
            count: 1,
        }],
    });
    let index: Index = build_index(&[Row {
        date: 2024_0526,
        items: 2,
        tags: d.tags.clone(),
        categories: d.categories.clone(),
        domains: vec!["163.com".into()],
        sections: vec!["产品".into()],
    }]);
    round_trip(&index);
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
