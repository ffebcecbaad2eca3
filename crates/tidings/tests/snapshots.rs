//! Snapshots of what the build step makes of the shipped seed digest and of
//! a fixture exercising odd input.

use tidings::{bundle, LoadOptions};

use crate::{fixtures, shipped_content};

fn pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("serialise")
}

#[test]
fn seed_digest_bundle() {
    let site = tidings::load(&shipped_content(), &LoadOptions::default()).expect("seed builds");
    assert_eq!(site.digests.len(), 1);
    let parsed = &site.digests[0];
    assert_eq!(parsed.digest.items.len(), 13);
    insta::assert_snapshot!("seed_digest", pretty(&parsed.digest));
    let bundle = bundle::bundle(&site, &Default::default()).expect("bundle");
    // The file as the app reads it.
    let (_, written) = (bundle.files.iter())
        .find(|(path, _)| path == tidings_model::layout::MANIFEST)
        .expect("the bundle writes a manifest");
    let written: tidings_model::Manifest = serde_json::from_str(written).expect("a manifest");
    insta::assert_snapshot!("seed_manifest", pretty(&written));
}

#[test]
fn odd_input_is_extracted_and_sanitised() {
    let root = fixtures().join("valid");
    let site = tidings::load(&root, &LoadOptions::default()).expect("fixture builds");
    let slugs: Vec<_> = site
        .digests
        .iter()
        .map(|d| d.digest.slug.as_str())
        .collect();
    // `_index.md` is a section page and the draft is left out.
    assert_eq!(slugs, ["2024-06-01-bundle"]);
    let d = &site.digests[0].digest;
    insta::assert_snapshot!("odd_input_digest", pretty(d));
    let warnings: Vec<String> = site
        .warnings()
        .iter()
        .map(|w| w.to_string().replace(&root.display().to_string(), "<root>"))
        .collect();
    insta::assert_snapshot!("odd_input_warnings", warnings.join("\n"));
    let html: String = d
        .items
        .iter()
        .map(|i| i.body_html.as_str())
        .chain([d.intro_html.as_str()])
        .collect();
    for bad in ["<script", "onclick", "javascript:", "<iframe"] {
        assert!(!html.contains(bad), "{bad} reached the bundle");
    }
}

#[test]
fn drafts_are_included_on_request() {
    let site = tidings::load(
        &fixtures().join("valid"),
        &LoadOptions {
            drafts: true,
            ..LoadOptions::default()
        },
    )
    .expect("builds");
    let slugs: Vec<_> = site
        .digests
        .iter()
        .map(|d| d.digest.slug.as_str())
        .collect();
    assert_eq!(slugs, ["draft", "2024-06-01-bundle"]);
}

/// Every digest shape the build step reads, as `tidings list` sees it,
/// plus each digest's summary.
#[test]
fn every_shape_is_extracted() {
    let root = fixtures().join("shapes");
    let site = tidings::load(&root, &LoadOptions::default()).expect("shapes build");
    let mut report = String::new();
    for d in &site.digests {
        report.push_str(&format!(
            "# {} {} {:?} tags={:?}\nsummary: {}\n",
            d.digest.date, d.digest.slug, d.digest.title, d.digest.tags, d.summary
        ));
        for i in &d.digest.items {
            let publisher = i
                .publisher
                .as_ref()
                .map(|p| format!(" publisher={p:?}"))
                .unwrap_or_default();
            report.push_str(&format!(
                "- {} {:?} section={:?}{publisher} source={:?} domain={:?} image={:?}\n  body: {}\n",
                i.id,
                i.title,
                i.section,
                i.source.as_ref().map(|s| &s.url),
                i.source.as_ref().map(|s| &s.domain),
                i.image.as_ref().map(|im| (&im.src, &im.alt)),
                i.body_html.trim().replace('\n', "\n        ")
            ));
        }
    }
    insta::assert_snapshot!("every_shape", report);
}

/// One folder per shape real digest sites use (`tests/fixtures/extract`),
/// as a reader would count it: each item's title, translated title,
/// section label and link, and the digest's intro and closing text.
#[test]
fn real_digest_shapes_come_out_as_readers_count_them() {
    let root = fixtures().join("extract");
    let mut shapes: Vec<_> = std::fs::read_dir(&root)
        .expect("extract fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    shapes.sort();
    assert_eq!(shapes.len(), 9, "{shapes:?}");
    for shape in shapes {
        let options = LoadOptions {
            section: (shape == "hugo-site").then(|| "posts".to_string()),
            ..LoadOptions::default()
        };
        let dir = root.join(&shape);
        let site = tidings::load(&dir, &options).unwrap_or_else(|e| panic!("{shape}: {e}"));
        let mut report = String::new();
        if site.settings != Default::default() {
            report.push_str(&format!("site: {:?}\n", site.settings));
        }
        for d in &site.digests {
            let d = &d.digest;
            report.push_str(&format!("# {} {} {:?}\n", d.date, d.slug, d.title));
            report.push_str(&format!(
                "intro: {}\n",
                tidings::extract::html_text(&d.intro_html)
            ));
            for (n, i) in d.items.iter().enumerate() {
                report.push_str(&format!(
                    "{}. {:?} translation={:?} section={:?} link={:?}\n",
                    n + 1,
                    i.title,
                    i.title_translation,
                    i.section,
                    i.source.as_ref().map(|s| &s.url)
                ));
            }
            report.push_str(&format!(
                "closing: {}\n",
                tidings::extract::html_text(&d.closing_html)
            ));
        }
        for w in site.warnings() {
            let w = w.to_string().replace(&dir.display().to_string(), "<root>");
            report.push_str(&format!("warning: {w}\n"));
        }
        insta::assert_snapshot!(format!("extract_{shape}"), report);
    }
}
