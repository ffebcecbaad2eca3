//! `tidings check --explain <file>`: the structure the build step finds in
//! one digest and why, so its author sees at once what to fix (or which
//! setting of `tidings.toml` to add).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::config;
use crate::digest::{self, ReadOptions};
use crate::error::{Error, Result};
use crate::frontmatter;
use crate::load::content_files;
use crate::outline;

/// The explanation for `file`, read with the settings of the site at
/// `content` (a folder of digests or a Hugo site's root).
pub fn explain(content: &Path, section: Option<&str>, file: &Path) -> Result<String> {
    let source = config::open(content, section, &Default::default())?;
    let (_, assets) = content_files(&source.content)?;
    let read = ReadOptions {
        extract: source.config.extract.clone(),
        fields: source.config.frontmatter.clone(),
        static_dir: source.static_dir.clone(),
        base_path: source.config.site.base()?.1,
    };
    let bytes = fs::read(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let text = digest::decode(file, &bytes).map_err(|e| Error::Content(vec![e]))?;
    let split = frontmatter::split(file, &text).map_err(|e| Error::Content(vec![e]))?;
    let rel = file
        .strip_prefix(&source.content)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/");
    let options = read.extract.for_file(&rel);
    let found = outline::outline(split.body, &options);
    let parsed =
        digest::parse(&source.content, file, &text, &read, &assets).map_err(Error::Content)?;

    let mut out = String::new();
    let d = &parsed.digest;
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{}: {:?}, {}", file.display(), d.title, d.date);
    if let Some(hugo) = &source.hugo_config {
        let _ = writeln!(
            out,
            "read as part of the Hugo site configured by {}",
            hugo.display()
        );
    }
    if options != read.extract {
        let _ = writeln!(
            out,
            "a [[extract.rule]] of tidings.toml applies to this file"
        );
    }
    out.push_str(&outline::explain(split.body, split.body_line, &found));
    let _ = writeln!(out, "{} items:", d.items.len());
    for (n, item) in d.items.iter().enumerate() {
        let _ = write!(out, "  {:>2}. {}", n + 1, item.title);
        if let Some(t) = &item.title_translation {
            let _ = write!(out, " / {t}");
        }
        if let Some(s) = &item.section {
            let _ = write!(out, "  [{s}]");
        }
        match &item.source {
            Some(src) => {
                let _ = writeln!(out, "\n      link: {}", src.url);
            }
            None => out.push_str("\n      link: none\n"),
        }
    }
    let intro = crate::extract::html_text(&d.intro_html);
    let closing = crate::extract::html_text(&d.closing_html);
    let _ = writeln!(out, "intro: {}", describe(&intro));
    let _ = writeln!(out, "closing: {}", describe(&closing));
    const SHOWN: usize = 3;
    for w in parsed.warnings.iter().take(SHOWN) {
        let _ = writeln!(out, "warning: {w}");
    }
    if parsed.warnings.len() > SHOWN {
        let _ = writeln!(
            out,
            "warning: {} more warnings like these",
            parsed.warnings.len() - SHOWN
        );
    }
    Ok(out)
}

/// "none", or the text's length and opening.
fn describe(text: &str) -> String {
    let text = crate::extract::Words::of(text);
    if text.is_empty() {
        return "none".into();
    }
    let opening: String = text.chars().take(60).collect();
    let more = if text.chars().count() > 60 { "…" } else { "" };
    format!("{} characters, \"{opening}{more}\"", text.chars().count())
}
