//! Span-aware JSON reading: every value keeps its byte offset, so that any finding can be
//! reported with its line and column.
//!
//! [`parse`] checks the size limit before looking at the bytes (constant memory), checks
//! UTF-8, then parses without recursion (nesting is limited by [`Limits::max_depth`], never by
//! the stack) into a flat *tape*: one [`Token`] per value or member name, in document order,
//! containers knowing where they end. Strings are not copied: a value borrows its text from
//! the input and unescapes only when asked. Numbers keep their exact text. Duplicate member
//! names do not stop parsing; they are reported beside the document.

mod parse;
mod position;

pub use parse::{nesting_exceeds, parse, parse_with_tape};
pub use position::{LineIndex, PositionCursor};

use std::borrow::Cow;

/// Limits applied while reading untrusted JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes (checked before parsing).
    pub max_bytes: usize,
    /// Deepest accepted nesting of objects and arrays.
    pub max_depth: usize,
}

impl Limits {
    /// Default size limit: 1 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;
    /// Default depth limit: 64 levels (the deepest official STU3 example has 18).
    pub const DEFAULT_MAX_DEPTH: usize = 64;
    /// The deepest nesting a caller may configure: what the validator's recursive walk
    /// survives on a 128 KiB thread stack (JVM, .NET and C host threads can be that small)
    /// in a release build, with room to spare (measured: about 200 levels fit; see
    /// `core/tests/stack_depth.rs`).
    pub const MAX_DEPTH_CAP: usize = 128;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
        }
    }
}

/// Why a text is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The input is larger than [`Limits::max_bytes`].
    #[error("the document is larger than the limit of {limit} bytes")]
    TooLong {
        /// Input size in bytes (at least `limit + 1`: a reader may stop there).
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not valid UTF-8.
    #[error("the document is not valid UTF-8")]
    InvalidUtf8,
    /// Objects and arrays nest deeper than [`Limits::max_depth`].
    #[error("objects and arrays nest deeper than the limit of {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The document is empty or only whitespace.
    #[error("the document is empty")]
    Empty,
    /// The text ends inside a value.
    #[error("the document ends unexpectedly")]
    UnexpectedEnd,
    /// A character that JSON does not allow here.
    #[error("{0}")]
    Syntax(&'static str),
    /// Content after the top-level value.
    #[error("unexpected content after the end of the document")]
    TrailingContent,
}

/// A JSON syntax or limit error, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at byte {offset})")]
pub struct JsonError {
    /// What is wrong.
    pub kind: JsonErrorKind,
    /// Byte offset where it was found.
    pub offset: usize,
}

/// The kind of a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
}

impl Kind {
    /// The article and name used in messages ("an object", "a string").
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// One entry of the tape.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    kind: TokenKind,
    /// True when a string or member name contains escapes.
    escaped: bool,
    /// Byte offset of the first byte (the quote of a string, the brace of an object).
    start: u32,
    /// Byte offset after the last byte.
    end: u32,
    /// Tape index after this value and everything inside it.
    next: u32,
    /// Members of an object, items of an array.
    count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Object,
    Array,
    Key,
    String,
    Number,
    True,
    False,
    Null,
}

/// A duplicate member name found while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Byte offset of the repeated member name (its later occurrence).
    pub offset: usize,
    /// The member name.
    pub name: String,
}

/// A parsed JSON document.
#[derive(Debug)]
pub struct Document<'a> {
    src: &'a str,
    tape: Vec<Token>,
    /// Member names that occur twice in the same object, in document order.
    pub duplicates: Vec<Duplicate>,
    /// True when the input started with a UTF-8 byte order mark (skipped).
    pub had_bom: bool,
}

impl<'a> Document<'a> {
    /// The top-level value.
    pub fn root(&self) -> Value<'_, 'a> {
        Value { doc: self, idx: 0 }
    }

    /// The tape, for the next [`parse_with_tape`] to reuse.
    pub fn into_tape(self) -> Vec<Token> {
        self.tape
    }

    /// The source text.
    pub fn source(&self) -> &'a str {
        self.src
    }

    /// Number of tokens (values and member names).
    pub fn token_count(&self) -> usize {
        self.tape.len()
    }
}

impl Document<'_> {
    /// True when the string or member-name token `t` has the text `s`. Unescaped text, the
    /// usual case, is compared in place, length first (most names differ in length).
    #[inline(always)]
    fn token_eq(&self, t: &Token, s: &[u8]) -> bool {
        let (start, end) = (t.start as usize + 1, t.end as usize - 1);
        if !t.escaped {
            return end - start == s.len()
                && self
                    .src
                    .as_bytes()
                    .get(start..end)
                    .is_some_and(|raw| bytes_eq(raw, s));
        }
        self.escaped_eq(start, end, s)
    }

    /// [`Document::token_eq`] for text with escapes (rare: kept out of the inlined path).
    #[cold]
    fn escaped_eq(&self, start: usize, end: usize, s: &[u8]) -> bool {
        self.src
            .get(start..end)
            .is_some_and(|raw| unescape(raw).as_bytes() == s)
    }
}

/// The longest texts [`bytes_eq`] compares itself, a word at a time: 16 bytes natively,
/// where the C library's `memcmp` does better beyond (140 fewer instructions per partner
/// Bundle than words up to 64), and 64 in WebAssembly (code systems, profile URLs), whose
/// `memcmp` (Rust's own) compares a byte at a time.
const WORDWISE_UP_TO: usize = if cfg!(target_arch = "wasm32") { 64 } else { 16 };

/// `a == b` for two slices of the same length, without a call to `memcmp` for the short
/// ones (member names, codes; see [`WORDWISE_UP_TO`]).
#[inline]
pub(crate) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let half = |s: &[u8], at: usize| -> u32 {
        let mut w = [0u8; 4];
        w.copy_from_slice(&s[at..at + 4]);
        u32::from_ne_bytes(w)
    };
    match n {
        0 => true,
        1..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ if n <= WORDWISE_UP_TO => words_eq(a, b),
        _ => a == b,
    }
}

/// The 8 bytes of `s` from `at`, as one word.
#[inline(always)]
fn word(s: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_ne_bytes(w)
}

/// `a == b` for slices of at least 8 bytes, a word at a time, the last word overlapping: out
/// of line, so the inlined comparison of names stays small.
#[inline(never)]
fn words_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() || n < 8 {
        return a == b;
    }
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// A value inside a [`Document`]: a cheap, copyable handle.
#[derive(Clone, Copy)]
pub struct Value<'d, 'a> {
    doc: &'d Document<'a>,
    idx: u32,
}

impl std::fmt::Debug for Value<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Value({:?} at {})", self.kind(), self.offset())
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let hi = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                let code = if (0xD800..0xDC00).contains(&hi) {
                    // The parser guarantees a `\uXXXX` low surrogate follows.
                    let lo_hex: String = chars.by_ref().skip(2).take(4).collect();
                    let lo = u32::from_str_radix(&lo_hex, 16).unwrap_or(0xDC00);
                    0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                } else {
                    hi
                };
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

impl<'d, 'a> Value<'d, 'a> {
    fn token(&self) -> &'d Token {
        &self.doc.tape[self.idx as usize]
    }

    /// The kind of the value.
    pub fn kind(&self) -> Kind {
        match self.token().kind {
            TokenKind::Object => Kind::Object,
            TokenKind::Array => Kind::Array,
            TokenKind::String | TokenKind::Key => Kind::String,
            TokenKind::Number => Kind::Number,
            TokenKind::True | TokenKind::False => Kind::Bool,
            TokenKind::Null => Kind::Null,
        }
    }

    /// Byte offset of the value's first byte.
    pub fn offset(&self) -> usize {
        self.token().start as usize
    }

    /// The exact source text of the value (with quotes for strings).
    pub fn raw(&self) -> &'a str {
        let t = self.token();
        &self.doc.src[t.start as usize..t.end as usize]
    }

    /// The text of a string (unescaped), of a number (exact), `true`/`false`/`null`.
    #[inline(always)]
    pub fn text(&self) -> Cow<'a, str> {
        let t = self.token();
        match t.kind {
            TokenKind::String | TokenKind::Key => {
                let inner = &self.doc.src[t.start as usize + 1..t.end as usize - 1];
                if t.escaped {
                    Cow::Owned(unescape(inner))
                } else {
                    Cow::Borrowed(inner)
                }
            }
            _ => Cow::Borrowed(self.raw()),
        }
    }

    /// The string's text, when the value is a string.
    #[inline]
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        (self.kind() == Kind::String).then(|| self.text())
    }

    /// True when the value is a string (or member name) equal to `s`. Unescaped text, the
    /// usual case, is compared in place, length first (most names differ in length).
    #[inline]
    pub fn str_eq(&self, s: &str) -> bool {
        let t = self.token();
        match t.kind {
            TokenKind::String | TokenKind::Key => self.doc.token_eq(t, s.as_bytes()),
            _ => false,
        }
    }

    /// The value of a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.token().kind {
            TokenKind::True => Some(true),
            TokenKind::False => Some(false),
            _ => None,
        }
    }

    /// Members of an object, items of an array, 0 otherwise.
    pub fn len(&self) -> usize {
        self.token().count as usize
    }

    /// True for an empty object or array, or a scalar.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True for `null`, `""`, `[]` and `{}`: values that carry nothing (FHIR counts them as
    /// absent).
    #[inline]
    pub fn is_blank(&self) -> bool {
        match self.kind() {
            Kind::Null => true,
            Kind::String => self.raw().len() == 2,
            Kind::Array | Kind::Object => self.is_empty(),
            Kind::Number | Kind::Bool => false,
        }
    }

    /// The members of an object (nothing for other kinds), in document order.
    pub fn members(&self) -> Members<'d, 'a> {
        let t = self.token();
        let (pos, end) = if t.kind == TokenKind::Object {
            (self.idx + 1, t.next)
        } else {
            (0, 0)
        };
        Members {
            doc: self.doc,
            pos,
            end,
        }
    }

    /// The items of an array (nothing for other kinds).
    pub fn items(&self) -> Items<'d, 'a> {
        let t = self.token();
        let (pos, end) = if t.kind == TokenKind::Array {
            (self.idx + 1, t.next)
        } else {
            (0, 0)
        };
        Items {
            doc: self.doc,
            pos,
            end,
        }
    }

    /// The value of the member `key` of an object (the first, if it repeats).
    ///
    /// Invariants and partner rules ask objects for members by name hundreds of times per
    /// Bundle: this walks the tape directly, comparing each name's length before its bytes
    /// (see `bytes_eq`), with no iterator and no call per member.
    // Inlined: natively 2 300 fewer instructions per partner Bundle (1 to 3% faster); in
    // WASM 4% faster for 4.5 KB gzipped (an A/B of the two builds in one process,
    // wasm/bench/ab-bench.mjs; two separate runs had not shown it).
    #[inline]
    pub fn get(&self, key: &str) -> Option<Value<'d, 'a>> {
        let t = self.token();
        if t.kind != TokenKind::Object {
            return None;
        }
        let tape = self.doc.tape.get(..t.next as usize)?;
        let mut pos = self.idx as usize + 1;
        while let (Some(k), Some(v)) = (tape.get(pos), tape.get(pos + 1)) {
            if self.doc.token_eq(k, key.as_bytes()) {
                return Some(Value {
                    doc: self.doc,
                    idx: pos as u32 + 1,
                });
            }
            pos = v.next as usize;
        }
        None
    }

    /// The `i`-th item of an array.
    pub fn item(&self, i: usize) -> Option<Value<'d, 'a>> {
        self.items().nth(i)
    }
}

/// One member of an object.
#[derive(Debug, Clone, Copy)]
pub struct Member<'d, 'a> {
    /// The member name (a string value; its offset is the name's quote).
    pub key: Value<'d, 'a>,
    /// The member value.
    pub value: Value<'d, 'a>,
}

/// Iterator over an object's members.
pub struct Members<'d, 'a> {
    doc: &'d Document<'a>,
    pos: u32,
    end: u32,
}

impl<'d, 'a> Iterator for Members<'d, 'a> {
    type Item = Member<'d, 'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.end {
            return None;
        }
        let key = Value {
            doc: self.doc,
            idx: self.pos,
        };
        let value = Value {
            doc: self.doc,
            idx: self.pos + 1,
        };
        self.pos = value.token().next;
        Some(Member { key, value })
    }
}

/// Iterator over an array's items.
pub struct Items<'d, 'a> {
    doc: &'d Document<'a>,
    pos: u32,
    end: u32,
}

impl<'d, 'a> Iterator for Items<'d, 'a> {
    type Item = Value<'d, 'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.end {
            return None;
        }
        let v = Value {
            doc: self.doc,
            idx: self.pos,
        };
        self.pos = v.token().next;
        Some(v)
    }
}

#[cfg(test)]
mod tests;
