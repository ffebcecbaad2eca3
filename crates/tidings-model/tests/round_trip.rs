//! The bundle survives JSON serialisation unchanged, and a bundle of another
//! format version is refused with a message that says so.

use tidings_model::{
    DecodeError, Digest, DigestSummary, Image, Item, Manifest, Source, TermCount, SCHEMA_VERSION,
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
                    src: Some("/data/img/x.jpg".into()),
                    alt: "x".into(),
                }),
                body_html: "<p>body</p>".into(),
                source: Some(Source {
                    url: "https://www.163.com/dy/article/X.html".into(),
                    domain: "163.com".into(),
                }),
                links: vec!["https://www.163.com/dy/article/X.html".into()],
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

#[test]
fn digest_round_trips() {
    let d = sample_digest();
    let json = serde_json::to_string(&d).expect("serialise");
    assert_eq!(Digest::from_json(&json), Ok(d));
}

#[test]
fn manifest_round_trips() {
    let d = sample_digest();
    let m = Manifest {
        schema: SCHEMA_VERSION,
        digests: vec![d.summary("a digest".into(), "data/d/ai20240526.0123abcd.json".into())],
        tags: vec![TermCount {
            name: "AI".into(),
            count: 1,
        }],
        categories: vec![TermCount {
            name: "AI资讯".into(),
            count: 1,
        }],
    };
    let json = serde_json::to_string_pretty(&m).expect("serialise");
    let back = Manifest::from_json(&json).expect("parse");
    assert_eq!(back, m);
    let s: &DigestSummary = &back.digests[0];
    assert_eq!(s.item_count, 2);
}

#[test]
fn other_schema_versions_are_refused_before_parsing_the_rest() {
    // A future bundle whose fields this version does not know.
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
        Digest::from_json(&format!(r#"{{"schema": {SCHEMA_VERSION}}}"#)),
        Err(DecodeError::Malformed(_))
    ));
}
