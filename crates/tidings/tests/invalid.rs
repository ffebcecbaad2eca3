//! Every invalid-input fixture, with the exact error text it produces.

use std::fmt::Write;
use std::path::Path;

use tidings::load;

use crate::{fixtures, temp_dir};

fn errors_of(root: &Path, file: &Path) -> String {
    match load::read_file(root, file, &Default::default(), &Default::default()).expect("readable") {
        Ok(_) => "(no error)".to_string(),
        Err(errors) => errors
            .iter()
            .map(|e| e.to_string().replace(&root.display().to_string(), "<root>"))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn invalid_fixtures_give_exact_errors() {
    let root = fixtures().join("invalid");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 30, "only {} invalid fixtures", files.len());
    let mut report = String::new();
    for file in &files {
        let errors = errors_of(&root, file);
        assert_ne!(errors, "(no error)", "{} was accepted", file.display());
        writeln!(report, "{errors}").expect("write");
    }
    insta::assert_snapshot!("invalid_fixtures", report);
}

#[test]
fn oversized_file_is_refused_before_reading() {
    let root = temp_dir("oversized");
    let file = root.join("huge.md");
    let mut text = String::from("+++\ntitle = \"T\"\ndate = \"2024-05-26\"\n+++\n");
    while text.len() <= 20 * 1024 * 1024 {
        text.push_str("## 新闻\n\n正文正文正文正文正文正文正文正文正文正文。\n\n");
    }
    std::fs::write(&file, &text).expect("write");
    let size = text.len();
    assert_eq!(
        errors_of(&root, &file),
        format!("<root>/huge.md:1:1: file is {size} bytes, more than the 8388608-byte limit for one digest")
    );
}

#[test]
fn duplicate_slugs_name_both_files() {
    let root = temp_dir("dupes");
    for name in ["a.md", "b.md"] {
        std::fs::write(
            root.join(name),
            "+++\ntitle = \"T\"\nslug = \"same\"\ndate = \"2024-05-26\"\n+++\n",
        )
        .expect("write");
    }
    let err = tidings::load(&root, &Default::default()).expect_err("duplicate");
    let text = err
        .to_string()
        .replace(&root.display().to_string(), "<root>");
    assert_eq!(
        text,
        "<root>/b.md:1:1: slug \"same\" is also used by <root>/a.md\n1 problem in the content"
    );
}

#[test]
fn every_invalid_file_is_reported_not_only_the_first() {
    let err = tidings::load(&fixtures().join("invalid"), &Default::default()).expect_err("invalid");
    match err {
        tidings::Error::Content(errors) => assert!(errors.len() >= 20, "{} errors", errors.len()),
        other => panic!("unexpected error {other}"),
    }
}
