//! Site settings: `tidings.toml` in the content folder. Owns the file's
//! name and shape; what each setting does belongs to the module using it.

use std::fs;
use std::path::Path;

use crate::error::{ContentError, ContentErrorKind, Error, Result};
use crate::extract::ExtractOptions;

/// `tidings.toml` in the content folder: settings for the whole site.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// How items are found, when the automatic detection gets it wrong.
    #[serde(default)]
    pub extract: ExtractOptions,
}

/// Name of the site config file, looked for in the content folder.
pub const CONFIG_FILE: &str = "tidings.toml";

/// Reads `tidings.toml` from the content folder, if there is one.
pub fn read_config(root: &Path) -> Result<Config> {
    let path = root.join(CONFIG_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(source) => return Err(Error::Read { path, source }),
    };
    toml::from_str(&text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((0, 0), |s| crate::frontmatter::line_col(&text, s.start));
        let kind = ContentErrorKind::Config(e.message().trim().to_string());
        Error::Content(vec![ContentError::new(&path, line + 1, column + 1, kind)])
    })
}
