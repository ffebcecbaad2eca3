//! The app's JSON reader and writer for the wire types.
//!
//! The build step writes the bundle with serde; the app reads it back with
//! this module instead of `serde_json`, whose deserializer is instantiated
//! for every type it reads (measured on the release wasm: serde_json and
//! the decoding of the wire types were about a tenth of the module). One
//! reader walks the text, each type names its fields ([`FromJson`], the
//! `fields!` macro below), and unknown fields are skipped, as serde does.
//! The model's tests read what serde wrote for every type and compare.
//!
//! What it accepts is JSON as serde_json does for these types: integers
//! for integer fields (no sign, fraction or exponent), `null` for an
//! absent optional field, the escapes of RFC 8259 in strings, and arrays
//! and objects nested up to [`MAX_DEPTH`] levels.

use std::borrow::Cow;
use std::fmt;

/// Why a text was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What was wrong (`expected a string`, `missing field "slug"`).
    pub what: String,
    /// 1-based line and column of the byte where it went wrong.
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.what, self.line, self.column
        )
    }
}

impl std::error::Error for Error {}

/// A cursor over a JSON text.
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// Arrays and objects open around the cursor.
    depth: u32,
}

/// How deep arrays and objects may nest (serde_json's limit too): a file
/// of a million `[` is refused, not read by a million nested calls that
/// would overflow the stack.
pub const MAX_DEPTH: u32 = 128;

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            pos: 0,
            depth: 0,
        }
    }

    /// An error at the current position.
    pub fn error(&self, what: impl Into<String>) -> Error {
        let before = &self.text.as_bytes()[..self.pos.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error {
            what: what.into(),
            line,
            column: self.pos - start + 1,
        }
    }

    /// `missing field "name"` at the current position (one message
    /// written at run time, not one string per field in the wasm).
    pub(crate) fn missing(&self, field: &str) -> Error {
        self.error(format!("missing field \"{field}\""))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The next non-space byte, not consumed.
    fn next(&mut self) -> Option<u8> {
        self.space();
        self.peek()
    }

    fn eat(&mut self, byte: u8, what: &str) -> Result<(), Error> {
        if self.next() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }

    fn word(&mut self, word: &str) -> bool {
        self.space();
        let found = self.text[self.pos..].starts_with(word);
        if found {
            self.pos += word.len();
        }
        found
    }

    /// `null`, consumed if it is next.
    pub fn null(&mut self) -> bool {
        self.word("null")
    }

    pub fn bool(&mut self) -> Result<bool, Error> {
        if self.word("true") {
            Ok(true)
        } else if self.word("false") {
            Ok(false)
        } else {
            Err(self.error("expected true or false"))
        }
    }

    /// A non-negative integer.
    pub fn u64(&mut self) -> Result<u64, Error> {
        self.space();
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d - b'0')))
                .ok_or_else(|| self.error("number too large"))?;
            self.pos += 1;
        }
        // JSON writes no leading zeros (`07`) and no fraction or exponent
        // here.
        let leading_zero = self.pos - start > 1 && self.text.as_bytes()[start] == b'0';
        if self.pos == start || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            self.pos = start;
            return Err(self.error("expected a non-negative integer"));
        }
        Ok(n)
    }

    pub fn u32(&mut self) -> Result<u32, Error> {
        self.space();
        let start = self.pos;
        let n = self.u64()?;
        u32::try_from(n).map_err(|_| {
            self.pos = start;
            self.error("number too large")
        })
    }

    pub fn string(&mut self) -> Result<String, Error> {
        self.str().map(Cow::into_owned)
    }

    /// A string, borrowed from the text when it has no escapes (object
    /// keys, most values).
    fn str(&mut self) -> Result<Cow<'a, str>, Error> {
        self.eat(b'"', "a string")?;
        let text = self.text;
        let mut out: Option<String> = None;
        let mut run = self.pos;
        loop {
            // The plain run up to the next quote, backslash or control byte.
            let plain = text.as_bytes()[self.pos..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let Some(plain) = plain else {
                self.pos = text.len();
                return Err(self.error("unterminated string"));
            };
            self.pos += plain;
            match text.as_bytes()[self.pos] {
                b'"' => {
                    let last = &text[run..self.pos];
                    self.pos += 1;
                    return Ok(match out {
                        None => Cow::Borrowed(last),
                        Some(mut out) => {
                            out.push_str(last);
                            Cow::Owned(out)
                        }
                    });
                }
                b'\\' => {
                    let out = out.get_or_insert_with(String::new);
                    out.push_str(&text[run..self.pos]);
                    self.pos += 1;
                    out.push(self.escape()?);
                    run = self.pos;
                }
                _ => return Err(self.error("control character in a string")),
            }
        }
    }

    /// The character of an escape, after its backslash.
    fn escape(&mut self) -> Result<char, Error> {
        let Some(b) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                let code = if (0xd800..0xdc00).contains(&high) {
                    if !self.text[self.pos..].starts_with("\\u") {
                        return Err(self.error("lone surrogate in a string"));
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return Err(self.error("lone surrogate in a string"));
                    }
                    0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
                } else {
                    high
                };
                char::from_u32(code).ok_or_else(|| self.error("lone surrogate in a string"))?
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("unknown escape in a string"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("expected four hex digits"))?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("expected four hex digits"))
    }

    /// An array, each element read by `each`.
    pub fn array(
        &mut self,
        each: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.eat(b'[', "an array")?;
        self.enter()?;
        let read = self.elements(each);
        self.depth -= 1;
        read
    }

    /// One level deeper, if the limit allows.
    fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= MAX_DEPTH {
            self.pos -= 1;
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH}")));
        }
        self.depth += 1;
        Ok(())
    }

    fn elements(
        &mut self,
        each: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if self.next() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            each(self)?;
            match self.next() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected , or ]")),
            }
        }
    }

    /// An object, each value read by `each` given its key.
    pub fn object(
        &mut self,
        each: &mut dyn FnMut(&mut Reader<'a>, &str) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.eat(b'{', "an object")?;
        self.enter()?;
        let read = self.members(each);
        self.depth -= 1;
        read
    }

    fn members(
        &mut self,
        each: &mut dyn FnMut(&mut Reader<'a>, &str) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if self.next() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            let key = self.str()?;
            self.eat(b':', ":")?;
            each(self, &key)?;
            match self.next() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected , or }")),
            }
        }
    }

    /// Any value, passed over (a field this version does not know).
    pub fn skip(&mut self) -> Result<(), Error> {
        match self.next() {
            Some(b'"') => self.str().map(drop),
            Some(b'[') => self.array(&mut |r| r.skip()),
            Some(b'{') => self.object(&mut |r, _| r.skip()),
            Some(b't' | b'f') => self.bool().map(drop),
            Some(b'n') if self.null() => Ok(()),
            Some(b'-' | b'0'..=b'9') => self.skip_number(),
            _ => Err(self.error("expected a value")),
        }
    }

    /// A number of any kind, checked against JSON's grammar and passed
    /// over (not converted: no field this version reads is fractional).
    fn skip_number(&mut self) -> Result<(), Error> {
        let start = self.pos;
        let digits = |r: &mut Reader<'a>| {
            let from = r.pos;
            while let Some(b'0'..=b'9') = r.peek() {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let mut ok = digits(self);
        if ok && self.peek() == Some(b'.') {
            self.pos += 1;
            ok = digits(self);
        }
        if ok && matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            ok = digits(self);
        }
        if ok {
            Ok(())
        } else {
            self.pos = start;
            Err(self.error("expected a number"))
        }
    }

    /// The value of the object's field `name` read by `read`, without
    /// reading the fields after it (`None` when the object lacks it).
    pub fn field<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        self.eat(b'{', "an object")?;
        if self.next() == Some(b'}') {
            return Ok(None);
        }
        loop {
            let key = self.str()?;
            self.eat(b':', ":")?;
            if key == name {
                return read(self).map(Some);
            }
            self.skip()?;
            match self.next() {
                Some(b',') => self.pos += 1,
                Some(b'}') => return Ok(None),
                _ => return Err(self.error("expected , or }")),
            }
        }
    }

    /// The end of the text (only space may follow the value).
    pub fn end(&mut self) -> Result<(), Error> {
        match self.next() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }
}

/// A type read from JSON.
pub trait FromJson: Sized {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error>;

    /// `text` as one value of this type.
    fn from_json_text(text: &str) -> Result<Self, Error> {
        let mut r = Reader::new(text);
        let value = Self::read(&mut r)?;
        r.end()?;
        Ok(value)
    }
}

impl FromJson for String {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.string()
    }
}

impl FromJson for u32 {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.u32()
    }
}

impl FromJson for u64 {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.u64()
    }
}

impl FromJson for bool {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.bool()
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        if r.null() {
            Ok(None)
        } else {
            T::read(r).map(Some)
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let mut out = Vec::new();
        r.array(&mut |r| {
            out.push(T::read(r)?);
            Ok(())
        })?;
        Ok(out)
    }
}

/// A pair as serde writes a tuple: an array of exactly two values.
impl<A: FromJson, B: FromJson> FromJson for (A, B) {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let (mut a, mut b, mut more) = (None, None, false);
        r.array(&mut |r| {
            match (&a, &b) {
                (None, _) => a = Some(A::read(r)?),
                (Some(_), None) => b = Some(B::read(r)?),
                (Some(_), Some(_)) => {
                    more = true;
                    r.skip()?;
                }
            }
            Ok(())
        })?;
        match (a, b, more) {
            (Some(a), Some(b), false) => Ok((a, b)),
            _ => Err(r.error("expected an array of two values")),
        }
    }
}

impl FromJson for crate::reading::Keys {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        Vec::<String>::read(r).map(crate::reading::Keys::from)
    }
}

/// `FromJson` for a struct of named fields: `required` ones must be
/// there; `default` ones may be missing (their type's default), as
/// serde's `#[serde(default)]`.
macro_rules! fields {
    ($name:ident { required: [$($req:ident),* $(,)?], default: [$($opt:ident),* $(,)?] $(,)? }) => {
        impl $crate::json::FromJson for $name {
            fn read(r: &mut $crate::json::Reader<'_>) -> Result<Self, $crate::json::Error> {
                $(let mut $req = None;)*
                $(let mut $opt = None;)*
                r.object(&mut |r, key| {
                    match key {
                        $(stringify!($req) => $req = Some($crate::json::FromJson::read(r)?),)*
                        $(stringify!($opt) => $opt = Some($crate::json::FromJson::read(r)?),)*
                        _ => r.skip()?,
                    }
                    Ok(())
                })?;
                Ok($name {
                    $($req: $req.ok_or_else(|| r.missing(stringify!($req)))?,)*
                    $($opt: $opt.unwrap_or_default(),)*
                })
            }
        }
    };
}
pub(crate) use fields;

/// JSON for `s`, escaped as serde_json escapes it.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[n >> 4]));
                out.push(char::from(HEX[n & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Default)]
    struct Probe {
        a: u32,
        b: Option<String>,
        c: Vec<u64>,
    }
    fields!(Probe {
        required: [a],
        default: [b, c]
    });

    #[test]
    fn reads_fields_skipping_unknown_ones() {
        let text = r#" { "x": {"y": [1, -2.5e3, "z\"", null, true, {}]}, "a": 7, "c": [1, 18446744073709551615] } "#;
        assert_eq!(
            Probe::from_json_text(text),
            Ok(Probe {
                a: 7,
                b: None,
                c: vec![1, u64::MAX]
            })
        );
        assert_eq!(
            Probe::from_json_text(r#"{"a":1,"b":null}"#).map(|p| p.b),
            Ok(None)
        );
    }

    #[test]
    fn pairs_are_arrays_of_exactly_two() {
        let serde =
            serde_json::to_string(&vec![(202405u32, 31u32), (7, 0)]).expect("serde writes it");
        assert_eq!(
            Vec::<(u32, u32)>::from_json_text(&serde),
            Ok(vec![(202405, 31), (7, 0)])
        );
        for bad in ["[]", "[1]", "[1,2,3]", "{}"] {
            assert!(<(u32, u32)>::from_json_text(bad).is_err(), "{bad}");
        }
        assert_eq!(
            <(u32, u32)>::from_json_text("[1,2,3]").map_err(|e| e.to_string()),
            Err("expected an array of two values at line 1 column 8".to_string())
        );
    }

    #[test]
    fn strings_with_every_escape() {
        let s = "q\"b\\s/\u{8}\u{c}\n\r\t\u{1}é中😀";
        let serde = serde_json::to_string(s).expect("serde writes it");
        let mut ours = String::new();
        write_string(&mut ours, s);
        assert_eq!(ours, serde);
        assert_eq!(String::from_json_text(&serde), Ok(s.to_string()));
        assert_eq!(
            String::from_json_text(r#""\u00e9\ud83d\ude00\/""#),
            Ok("é😀/".to_string())
        );
    }

    #[test]
    fn refusals_say_what_and_where() {
        let err = |text: &str| Probe::from_json_text(text).map_err(|e| e.to_string());
        assert_eq!(err(""), Err("expected an object at line 1 column 1".into()));
        assert_eq!(
            err("{\"a\": 1,\n \"c\": [1,"),
            Err("expected a non-negative integer at line 2 column 10".into())
        );
        assert_eq!(
            err("{\"b\": \"x\"}"),
            Err("missing field \"a\" at line 1 column 11".into())
        );
        assert_eq!(
            err("{\"a\": -1}"),
            Err("expected a non-negative integer at line 1 column 7".into())
        );
        assert_eq!(
            err("{\"a\": 07}"),
            Err("expected a non-negative integer at line 1 column 7".into())
        );
        assert_eq!(Probe::from_json_text("{\"a\": 0}").map(|p| p.a), Ok(0));
        assert_eq!(
            err("{\"a\": 1.5}"),
            Err("expected a non-negative integer at line 1 column 7".into())
        );
        assert_eq!(
            err("{\"a\": 4294967296}"),
            Err("number too large at line 1 column 7".into())
        );
        assert_eq!(
            err("{\"a\": 1} x"),
            Err("trailing characters at line 1 column 10".into())
        );
        assert_eq!(
            err("{\"a\": 1, \"b\": \"\\ud800\"}"),
            Err("lone surrogate in a string at line 1 column 22".into())
        );
        assert_eq!(
            err("{\"a\": 1, \"b\": \"a\u{1}\"}"),
            Err("control character in a string at line 1 column 17".into())
        );
        assert_eq!(
            err("{\"a\": 1, \"b\": \"\\q\"}"),
            Err("unknown escape in a string at line 1 column 17".into())
        );
        assert_eq!(
            err("{\"a\" 1}"),
            Err("expected : at line 1 column 6".into())
        );
        assert_eq!(
            err("{\"a\": 1"),
            Err("expected , or } at line 1 column 8".into())
        );
    }

    #[test]
    fn a_field_is_read_without_what_follows_it() {
        let field = |text: &str| Reader::new(text).field("schema", Reader::u32);
        assert_eq!(field(r#"{"schema": 3, "rest": [1, 2"#), Ok(Some(3)));
        assert_eq!(field(r#"{"x": {"schema": 2}, "schema": 4}"#), Ok(Some(4)));
        assert_eq!(field(r#"{"x": 1}"#), Ok(None));
        assert_eq!(field("{}"), Ok(None));
        assert_eq!(
            field(r#"{"schema": "3"}"#).map_err(|e| e.to_string()),
            Err("expected a non-negative integer at line 1 column 12".into())
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = |n: usize| format!("{{\"a\": 1, \"x\": {}{}}}", "[".repeat(n), "]".repeat(n));
        assert!(Probe::from_json_text(&deep(MAX_DEPTH as usize - 1)).is_ok());
        assert_eq!(
            Probe::from_json_text(&deep(MAX_DEPTH as usize)).map_err(|e| e.to_string()),
            Err("nesting deeper than 128 at line 1 column 142".into())
        );
        // A million levels: refused at the limit, in one ordinary call stack.
        assert!(Probe::from_json_text(&deep(1_000_000)).is_err());
        let objects = format!("{{\"a\": 1, \"x\": {}}}", "{\"y\":".repeat(200_000));
        assert!(Probe::from_json_text(&objects).is_err_and(|e| e.what == "nesting deeper than 128"));
    }

    #[test]
    fn every_cut_of_a_valid_text_is_refused() {
        let text = r#"{"a":12,"b":"x\u00e9y","c":[1,2,3],"z":{"k":[true,false,null,"s"]}}"#;
        assert!(Probe::from_json_text(text).is_ok());
        for cut in 0..text.len() {
            assert!(
                Probe::from_json_text(&text[..cut]).is_err(),
                "accepted a cut at {cut}: {}",
                &text[..cut]
            );
        }
    }
}
