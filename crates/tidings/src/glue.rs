//! Shorter names between the release app's wasm and its JavaScript glue.
//!
//! wasm-bindgen names each function the wasm imports from its glue after
//! the Rust binding and a 16-digit hash (`__wbg_altKey_423da1d67b588078`),
//! and the glue holds each name once more as a key of the import object;
//! the closures the glue calls back are exported under their full Rust
//! paths. Those hex digits do not compress: on the shipped app, 168
//! imports made ~2.5 kB of the wasm's brotli and ~1.7 kB of the glue's,
//! fetched by every first view. [`shorten`] gives each such name a short
//! one in both files, as a minifier does with a program's own names.
//!
//! A name is renamed only where the glue's use of it is plain: an import
//! whose name is one identifier of the glue, exactly once (its key in the
//! import object); an export of at least [`MIN_EXPORT`] characters every
//! use of which in the glue is a property access (`wasm.name`); never a
//! name two entries share. Anything else keeps its name, which is always
//! safe: both files still agree. A module this cannot read whole (cut
//! short, a section twice, bytes after a section's entries) is refused,
//! and nothing is written.
//!
//! The module's custom sections go too (which tools made it, with what
//! features: ~0.3 kB raw); browsers do not read them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use sha2::Digest as _;

use crate::error::{Error, Result};

/// Exports shorter than this keep their name (`memory`, `main`): the
/// glue may use a short word as a property of something else too.
pub const MIN_EXPORT: usize = 12;

/// Why a file could not be read as what it should be.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GlueError {
    #[error("not a WebAssembly module (no `\\0asm` version 1 header)")]
    NotWasm,
    #[error("the module ends inside a section at byte {0}")]
    Truncated(usize),
    #[error("an import at byte {at} has a kind this step does not know ({kind:#04x})")]
    ImportKind { at: usize, kind: u8 },
    #[error("a name at byte {0} is not UTF-8")]
    Name(usize),
    #[error("the number at byte {0} does not fit 32 bits")]
    TooLarge(usize),
    #[error("the section ending at byte {0} holds more than its entries")]
    Trailing(usize),
    #[error("a second section of id {id} at byte {at}")]
    Twice { id: u8, at: usize },
}

/// What [`shorten`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Renamed {
    pub imports: usize,
    pub imports_kept: usize,
    pub exports: usize,
    pub exports_kept: usize,
}

/// The module and glue with short names, and what was renamed.
pub fn shorten(wasm: &[u8], js: &str) -> Result<(Vec<u8>, String, Renamed), GlueError> {
    let tokens = identifiers(js);
    let mut counts: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for &(start, name) in &tokens {
        let entry = counts.entry(name).or_default();
        entry.0 += 1;
        if js[..start].ends_with('.') {
            entry.1 += 1;
        }
    }
    // New names: never a name of the module or an identifier of the glue.
    let mut taken: HashSet<String> = tokens.iter().map(|&(_, t)| t.to_string()).collect();
    let sections = sections(wasm)?;
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    for &(id, _, start, end) in &sections {
        match id {
            2 => imports = read_imports(wasm, start, end)?,
            7 => exports = read_exports(wasm, start, end)?,
            _ => {}
        }
    }
    taken.extend(imports.iter().map(|i| i.field.to_string()));
    taken.extend(exports.iter().map(|e| e.name.to_string()));
    let mut names = Names { next: 0, taken };
    let mut renamed = Renamed::default();
    // Old name to new, for the glue.
    let mut by_name: std::collections::HashMap<&str, String> = Default::default();
    // (A name two imports share keeps it: the glue's one key answers both.)
    let mut fields: std::collections::HashMap<&str, usize> = Default::default();
    for import in &imports {
        *fields.entry(import.field).or_default() += 1;
    }
    for import in &mut imports {
        if counts.get(import.field).map(|c| c.0) == Some(1) && fields.get(import.field) == Some(&1)
        {
            let new = names.next();
            by_name.insert(import.field, new.clone());
            import.new = Some(new);
            renamed.imports += 1;
        } else {
            renamed.imports_kept += 1;
        }
    }
    for export in &mut exports {
        let uses = counts.get(export.name).copied().unwrap_or_default();
        // (An export named as an import keeps its name: the glue's one
        // identifier cannot take two new ones.)
        let plain = uses.0 > 0 && uses.0 == uses.1 && !by_name.contains_key(export.name);
        if export.name.len() >= MIN_EXPORT && plain {
            let new = names.next();
            by_name.insert(export.name, new.clone());
            export.new = Some(new);
            renamed.exports += 1;
        } else {
            renamed.exports_kept += 1;
        }
    }
    // The glue, each renamed identifier replaced where it stands.
    let mut glue = String::with_capacity(js.len());
    let mut copied = 0;
    for &(start, name) in &tokens {
        if let Some(new) = by_name.get(name) {
            glue.push_str(&js[copied..start]);
            glue.push_str(new);
            copied = start + name.len();
        }
    }
    glue.push_str(&js[copied..]);
    // The module, its import and export sections written again.
    let mut out = wasm[..8].to_vec();
    for &(id, header, _, end) in &sections {
        let body = match id {
            // Custom sections (the toolchain's `producers` and
            // `target_features`): nothing reads them at run time.
            0 => continue,
            2 => write_imports(wasm, &imports),
            7 => write_exports(wasm, &exports),
            _ => {
                out.extend_from_slice(&wasm[header..end]);
                continue;
            }
        };
        out.push(id);
        push_leb(&mut out, body.len() as u32);
        out.extend_from_slice(&body);
    }
    Ok((out, glue, renamed))
}

/// A module's sections, each as (id, where it starts, where its body
/// starts, where it ends), checked to lie inside the module, the
/// standard ones once each.
fn sections(wasm: &[u8]) -> Result<Vec<(u8, usize, usize, usize)>, GlueError> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0") {
        return Err(GlueError::NotWasm);
    }
    let mut sections: Vec<(u8, usize, usize, usize)> = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let (size, body_at) = leb(wasm, at + 1)?;
        let end = body_at
            .checked_add(size as usize)
            .filter(|&e| e <= wasm.len())
            .ok_or(GlueError::Truncated(at))?;
        if id != 0 && sections.iter().any(|&(seen, ..)| seen == id) {
            return Err(GlueError::Twice { id, at });
        }
        sections.push((id, at, body_at, end));
        at = end;
    }
    Ok(sections)
}

/// The identifiers of a JavaScript text with their byte offsets: maximal
/// runs of ASCII letters, digits, `_` and `$` not starting with a digit.
/// Strings and comments are not told apart; a name found in one counts
/// as a use, so that it is never renamed behind the glue's back.
fn identifiers(js: &str) -> Vec<(usize, &str)> {
    let bytes = js.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if word(bytes[i]) {
            let start = i;
            while i < bytes.len() && word(bytes[i]) {
                i += 1;
            }
            if !bytes[start].is_ascii_digit() {
                out.push((start, &js[start..i]));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Short names in order (`a` … `Z`, then `aa` …), skipping taken ones.
struct Names {
    next: usize,
    taken: HashSet<String>,
}

impl Names {
    fn next(&mut self) -> String {
        const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        loop {
            let mut n = self.next;
            self.next += 1;
            let mut name = String::new();
            loop {
                name.push(char::from(FIRST[n % FIRST.len()]));
                n /= FIRST.len();
                if n == 0 {
                    break;
                }
                n -= 1;
            }
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }
}

struct Import<'a> {
    module: std::ops::Range<usize>,
    field: &'a str,
    /// The bytes of its description (kind and type).
    desc: std::ops::Range<usize>,
    new: Option<String>,
}

struct Export<'a> {
    name: &'a str,
    desc: std::ops::Range<usize>,
    new: Option<String>,
}

fn read_imports(wasm: &[u8], start: usize, end: usize) -> Result<Vec<Import<'_>>, GlueError> {
    let body = &wasm[..end];
    let (count, mut at) = leb(body, start)?;
    let mut out = Vec::new();
    for _ in 0..count {
        let (module, next) = name(body, at)?;
        let (field, next) = name(body, next)?;
        let desc_at = next;
        let kind = *body.get(desc_at).ok_or(GlueError::Truncated(desc_at))?;
        let mut p = desc_at + 1;
        match kind {
            // A function or a tag: a type index (a tag after its flags byte).
            0x00 => p = leb(body, p)?.1,
            0x04 => p = leb(body, p + 1)?.1,
            // A table: its element type, then limits; a memory: limits.
            0x01 => p = limits(body, p + 1)?,
            0x02 => p = limits(body, p)?,
            // A global: its value type and mutability.
            0x03 => p += 2,
            kind => return Err(GlueError::ImportKind { at: desc_at, kind }),
        }
        if p > end {
            return Err(GlueError::Truncated(desc_at));
        }
        out.push(Import {
            module,
            field: str_at(wasm, field)?,
            desc: desc_at..p,
            new: None,
        });
        at = p;
    }
    ended(at, end)?;
    Ok(out)
}

fn read_exports(wasm: &[u8], start: usize, end: usize) -> Result<Vec<Export<'_>>, GlueError> {
    let body = &wasm[..end];
    let (count, mut at) = leb(body, start)?;
    let mut out = Vec::new();
    for _ in 0..count {
        let (field, next) = name(body, at)?;
        let p = leb(body, next + 1)?.1;
        out.push(Export {
            name: str_at(wasm, field)?,
            desc: next..p,
            new: None,
        });
        at = p;
    }
    ended(at, end)?;
    Ok(out)
}

fn write_imports(wasm: &[u8], imports: &[Import<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    push_leb(&mut out, imports.len() as u32);
    for i in imports {
        push_name(&mut out, &wasm[i.module.clone()]);
        push_name(&mut out, i.new.as_deref().unwrap_or(i.field).as_bytes());
        out.extend_from_slice(&wasm[i.desc.clone()]);
    }
    out
}

fn write_exports(wasm: &[u8], exports: &[Export<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    push_leb(&mut out, exports.len() as u32);
    for e in exports {
        push_name(&mut out, e.new.as_deref().unwrap_or(e.name).as_bytes());
        out.extend_from_slice(&wasm[e.desc.clone()]);
    }
    out
}

/// An error unless a section's entries took it all: bytes after them
/// would be dropped when it is written again.
fn ended(at: usize, end: usize) -> Result<(), GlueError> {
    if at == end {
        Ok(())
    } else {
        Err(GlueError::Trailing(end))
    }
}

/// Limits: a flags byte, the minimum, and the maximum if flag bit 0 says so.
fn limits(body: &[u8], at: usize) -> Result<usize, GlueError> {
    let flags = *body.get(at).ok_or(GlueError::Truncated(at))?;
    let p = leb(body, at + 1)?.1;
    if flags & 1 == 1 {
        Ok(leb(body, p)?.1)
    } else {
        Ok(p)
    }
}

/// A name's byte range and the offset after it.
fn name(body: &[u8], at: usize) -> Result<(std::ops::Range<usize>, usize), GlueError> {
    let (len, start) = leb(body, at)?;
    let end = start
        .checked_add(len as usize)
        .filter(|&e| e <= body.len())
        .ok_or(GlueError::Truncated(at))?;
    Ok((start..end, end))
}

fn str_at(wasm: &[u8], range: std::ops::Range<usize>) -> Result<&str, GlueError> {
    let at = range.start;
    std::str::from_utf8(&wasm[range]).map_err(|_| GlueError::Name(at))
}

/// An unsigned LEB128 `u32` at `at`, and the offset after it.
fn leb(bytes: &[u8], mut at: usize) -> Result<(u32, usize), GlueError> {
    let start = at;
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(at).ok_or(GlueError::Truncated(start))?;
        at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return u32::try_from(value)
                .map(|v| (v, at))
                .map_err(|_| GlueError::TooLarge(start));
        }
    }
    Err(GlueError::TooLarge(start))
}

fn push_leb(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn push_name(out: &mut Vec<u8>, name: &[u8]) {
    push_leb(out, name.len() as u32);
    out.extend_from_slice(name);
}

/// [`shorten`] on the files of a built app, in place (each written to a
/// temporary file, then renamed over it), with the `integrity` attribute
/// of each in `shell` (the page that loads them) written again to match.
pub fn shorten_files(wasm: &Path, js: &Path, shell: &Path) -> Result<Renamed> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let (old_wasm, old_js, mut page) = (read(wasm)?, read(js)?, read(shell)?);
    let bad = |path: &Path, message: String| Error::Serialize {
        path: path.display().to_string(),
        message,
    };
    let text = String::from_utf8(old_js.clone())
        .map_err(|_| bad(js, "the glue is not UTF-8".to_string()))?;
    let (new_wasm, new_js, renamed) =
        shorten(&old_wasm, &text).map_err(|e| bad(wasm, e.to_string()))?;
    for (path, old, new) in [
        (wasm, &old_wasm[..], &new_wasm[..]),
        (js, &old_js[..], new_js.as_bytes()),
    ] {
        let (before, after) = (integrity(old), integrity(new));
        let at = memchr::memmem::find(&page, before.as_bytes()).ok_or_else(|| {
            bad(
                shell,
                format!("no integrity=\"{before}\" for {}", path.display()),
            )
        })?;
        page.splice(at..at + before.len(), after.bytes());
    }
    for (path, bytes) in [(wasm, new_wasm), (js, new_js.into_bytes()), (shell, page)] {
        replace(path, &bytes)?;
    }
    Ok(renamed)
}

/// The value of an `integrity` attribute for `bytes`, in quotes as the
/// attribute holds it.
fn integrity(bytes: &[u8]) -> String {
    let hash = sha2::Sha384::digest(bytes);
    format!(
        "integrity=\"sha384-{}\"",
        base64::engine::general_purpose::STANDARD.encode(hash)
    )
}

fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp = PathBuf::from(path);
    temp.as_mut_os_string().push(".short");
    let write = |e| Error::Write {
        path: path.to_path_buf(),
        source: e,
    };
    std::fs::write(&temp, bytes).map_err(write)?;
    std::fs::rename(&temp, path).map_err(write)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `imports` (functions of type 0) from `./g.js`
    /// and exporting function 0 under each of `exports`, with a custom
    /// section after them.
    fn module(imports: &[&str], exports: &[&str]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let section = |m: &mut Vec<u8>, id: u8, body: Vec<u8>| {
            m.push(id);
            push_leb(m, body.len() as u32);
            m.extend(body);
        };
        section(&mut m, 1, vec![1, 0x60, 0, 0]);
        let mut body = Vec::new();
        push_leb(&mut body, imports.len() as u32);
        for i in imports {
            push_name(&mut body, b"./g.js");
            push_name(&mut body, i.as_bytes());
            body.extend([0x00, 0x00]);
        }
        section(&mut m, 2, body);
        let mut body = Vec::new();
        push_leb(&mut body, exports.len() as u32);
        for e in exports {
            push_name(&mut body, e.as_bytes());
            body.extend([0x00, 0x00]);
        }
        section(&mut m, 7, body);
        let mut body = Vec::new();
        push_name(&mut body, b"note");
        body.extend(b"kept as is");
        section(&mut m, 0, body);
        m
    }

    fn names(wasm: &[u8]) -> (Vec<String>, Vec<String>) {
        let sections = sections(wasm).expect("sections");
        let (mut imports, mut exports) = (Vec::new(), Vec::new());
        for (id, _, start, end) in sections {
            if id == 2 {
                let read = read_imports(wasm, start, end).expect("imports");
                imports = read.iter().map(|i| i.field.to_string()).collect();
            }
            if id == 7 {
                let read = read_exports(wasm, start, end).expect("exports");
                exports = read.iter().map(|e| e.name.to_string()).collect();
            }
        }
        (imports, exports)
    }

    #[test]
    fn names_used_plainly_are_shortened_in_both_files() {
        let wasm = module(
            &["__wbg_alt_0123456789abcdef", "__wbg_twice_fedcba9876543210"],
            &["memory", "__wbindgen_malloc", "closure_invoke_long"],
        );
        let js = "const a1 = { __wbg_alt_0123456789abcdef: function(e) { return e; }, \
                  __wbg_twice_fedcba9876543210: f, x: __wbg_twice_fedcba9876543210 };\n\
                  wasm.__wbindgen_malloc(1); wasm.__wbindgen_malloc(2); wasm.memory;\n\
                  let closure_invoke_long = wasm.closure_invoke_long;";
        let (out, glue, renamed) = shorten(&wasm, js).expect("shortened");
        assert_eq!(
            renamed,
            Renamed {
                imports: 1,
                imports_kept: 1,
                exports: 1,
                exports_kept: 2
            }
        );
        assert_eq!(
            names(&out),
            (
                vec!["a".to_string(), "__wbg_twice_fedcba9876543210".to_string()],
                vec![
                    "memory".to_string(),
                    "b".to_string(),
                    "closure_invoke_long".to_string()
                ]
            )
        );
        assert_eq!(
            glue,
            "const a1 = { a: function(e) { return e; }, \
             __wbg_twice_fedcba9876543210: f, x: __wbg_twice_fedcba9876543210 };\n\
             wasm.b(1); wasm.b(2); wasm.memory;\n\
             let closure_invoke_long = wasm.closure_invoke_long;"
        );
        // The custom section (the last 17 bytes) is gone; the type
        // section after the header is byte for byte the same.
        assert!(memchr::memmem::find(&wasm, b"kept as is").is_some());
        assert!(memchr::memmem::find(&out, b"kept as is").is_none());
        assert_eq!(&out[..14], &wasm[..14]);
    }

    #[test]
    fn new_names_never_meet_a_name_already_there() {
        let wasm = module(&["a", "__wbg_x_0123456789abcdef"], &[]);
        let js = "b = { a: 1, __wbg_x_0123456789abcdef: 2 }; c.d";
        let (out, glue, _) = shorten(&wasm, js).expect("shortened");
        // Both are used once, so both are renamed, and neither new name
        // is one the module or the glue already has.
        let (imports, _) = names(&out);
        for name in &imports {
            assert!(!["a", "b", "c", "d"].contains(&name.as_str()), "{name}");
        }
        assert_eq!(imports.len(), 2);
        assert_ne!(imports[0], imports[1]);
        assert_eq!(
            glue,
            format!("b = {{ {}: 1, {}: 2 }}; c.d", imports[0], imports[1])
        );
    }

    #[test]
    fn short_names_run_through_one_letter_then_two() {
        let mut names = Names {
            next: 0,
            taken: ["b".to_string()].into_iter().collect(),
        };
        let first: Vec<String> = (0..53).map(|_| names.next()).collect();
        assert_eq!(first[..3], ["a", "c", "d"]);
        assert_eq!(first[50..], ["Z", "aa", "ba"]);
    }

    #[test]
    fn leb128_reads_what_it_writes_and_refuses_more_than_32_bits() {
        for n in [0, 1, 127, 128, 16_384, u32::MAX] {
            let mut bytes = Vec::new();
            push_leb(&mut bytes, n);
            assert_eq!(leb(&bytes, 0), Ok((n, bytes.len())));
        }
        assert_eq!(
            leb(&[0x80, 0x80, 0x80, 0x80, 0x10], 0),
            Err(GlueError::TooLarge(0))
        );
        assert_eq!(leb(&[0x80, 0x80], 0), Err(GlueError::Truncated(0)));
    }

    #[test]
    fn a_damaged_module_is_refused_or_rewritten_never_a_panic() {
        let wasm = module(
            &["__wbg_x_0123456789abcdef", "__wbg_y_0123456789abcdef"],
            &["__wbindgen_malloc"],
        );
        let js = "({ __wbg_x_0123456789abcdef: f, __wbg_y_0123456789abcdef: g }); w.__wbindgen_malloc(1)";
        let check = |bytes: &[u8]| {
            if let Ok((out, _, _)) = shorten(bytes, js) {
                // What comes out reads again, section by section.
                assert!(shorten(&out, js).is_ok());
            }
        };
        for cut in 0..wasm.len() {
            check(&wasm[..cut]);
        }
        for at in 8..wasm.len() {
            for byte in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut damaged = wasm.clone();
                damaged[at] = byte;
                check(&damaged);
            }
        }
    }

    #[test]
    fn a_name_shared_by_two_imports_or_an_import_and_an_export_is_kept() {
        let shared = "__wbg_shared_0123456789abcdef";
        let wasm = module(
            &[shared, shared, "long_name_of_both"],
            &["long_name_of_both"],
        );
        let js = format!("({{ {shared}: f, x: w.long_name_of_both }})");
        let (out, glue, renamed) = shorten(&wasm, &js).expect("shortened");
        assert_eq!((renamed.imports, renamed.exports), (1, 0));
        let (imports, exports) = names(&out);
        assert_eq!(imports[..2], [shared, shared]);
        assert_eq!(exports, ["long_name_of_both"]);
        assert_eq!(glue, format!("({{ {shared}: f, x: w.{} }})", imports[2]));
    }

    #[test]
    fn bytes_after_a_sections_entries_are_refused() {
        let mut wasm = module(&["__wbg_x_0123456789abcdef"], &[]);
        // The export section (no entries): one byte more, counted in its size.
        let at = memchr::memmem::find(&wasm, &[7, 1, 0]).expect("the export section");
        wasm.splice(at..at + 3, [7, 2, 0, 0]);
        assert_eq!(shorten(&wasm, "").err(), Some(GlueError::Trailing(at + 4)));
    }

    #[test]
    fn what_is_not_a_module_is_refused() {
        assert_eq!(shorten(b"not wasm", "").err(), Some(GlueError::NotWasm));
        let mut wasm = module(&["__wbg_x_0123456789abcdef"], &[]);
        wasm.truncate(wasm.len() - 3);
        assert!(matches!(shorten(&wasm, ""), Err(GlueError::Truncated(_))));
        let mut twice = module(&[], &[]);
        let at = twice.len();
        twice.extend([7, 1, 0]);
        assert_eq!(
            shorten(&twice, "").err(),
            Some(GlueError::Twice { id: 7, at })
        );
    }

    #[test]
    fn files_and_their_integrity_are_written_again() {
        let dir = std::env::temp_dir().join(format!("tidings-glue-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let (wasm, js, shell) = (dir.join("a.wasm"), dir.join("a.js"), dir.join("index.html"));
        let module = module(&["__wbg_x_0123456789abcdef"], &[]);
        let glue = "({ __wbg_x_0123456789abcdef: f })";
        std::fs::write(&wasm, &module).expect("write");
        std::fs::write(&js, glue).expect("write");
        let page = format!(
            "<link href=a.js {}><link href=a.wasm {}>",
            integrity(glue.as_bytes()),
            integrity(&module)
        );
        std::fs::write(&shell, &page).expect("write");
        let renamed = shorten_files(&wasm, &js, &shell).expect("shortened");
        assert_eq!(renamed.imports, 1);
        let (new_wasm, new_js) = (
            std::fs::read(&wasm).expect("read"),
            std::fs::read(&js).expect("read"),
        );
        assert_eq!(new_js, b"({ a: f })");
        assert_eq!(
            std::fs::read_to_string(&shell).expect("read"),
            format!(
                "<link href=a.js {}><link href=a.wasm {}>",
                integrity(&new_js),
                integrity(&new_wasm)
            )
        );
        // A shell without the file's integrity is refused, and nothing is
        // written.
        std::fs::write(&shell, "<link href=a.js>").expect("write");
        let err = shorten_files(&wasm, &js, &shell).expect_err("refused");
        assert!(err.to_string().contains("no integrity="), "{err}");
        assert_eq!(std::fs::read(&js).expect("read"), b"({ a: f })");
        std::fs::remove_dir_all(&dir).ok();
    }
}
