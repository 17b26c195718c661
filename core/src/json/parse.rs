//! The tape parser: iterative, one pass, no copies of strings.

use std::borrow::Cow;

use super::{Document, Duplicate, JsonError, JsonErrorKind, Limits, Token, TokenKind};
use crate::swar::{plain_run, space_run};

/// Parses `bytes` as one JSON document under `limits`.
///
/// Checks the size first (so a 100 MB input costs nothing), then UTF-8, then the syntax.
/// Duplicate member names are collected in [`Document::duplicates`], not treated as errors.
pub fn parse<'a>(bytes: &'a [u8], limits: &Limits) -> std::result::Result<Document<'a>, JsonError> {
    parse_with_tape(bytes, limits, Vec::new())
}

/// [`parse`] into `tape`, cleared first, keeping its allocation: for a caller that parses
/// many documents on one thread and hands each document's tape back to the next
/// ([`Document::into_tape`]).
pub fn parse_with_tape<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    mut tape: Vec<Token>,
) -> std::result::Result<Document<'a>, JsonError> {
    if bytes.len() > limits.max_bytes {
        return Err(JsonError {
            kind: JsonErrorKind::TooLong {
                size: bytes.len(),
                limit: limits.max_bytes,
            },
            offset: 0,
        });
    }
    let src = std::str::from_utf8(bytes).map_err(|e| JsonError {
        kind: JsonErrorKind::InvalidUtf8,
        offset: e.valid_up_to(),
    })?;
    let mut parser = Parser {
        src,
        bytes,
        pos: 0,
        tape: {
            tape.clear();
            tape.reserve(bytes.len() / 8 + 4);
            tape
        },
        duplicates: Vec::new(),
        scratch: Vec::new(),
        max_depth: limits.max_depth.min(Limits::MAX_DEPTH_CAP),
    };
    let had_bom = src.starts_with('\u{feff}');
    if had_bom {
        parser.pos = 3;
    }
    parser.run()?;
    parser.duplicates.sort_by_key(|d| d.offset);
    Ok(Document {
        src,
        tape: parser.tape,
        duplicates: parser.duplicates,
        had_bom,
    })
}

/// True when the objects and arrays of `bytes` nest deeper than `limit` (strings are
/// skipped, so brackets inside them do not count). A byte scan, no parse: for guarding
/// recursive readers (serde) against deep input before they run.
pub fn nesting_exceeds(bytes: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tape: Vec<Token>,
    duplicates: Vec<Duplicate>,
    /// Reused by the duplicate check: (member name, offset).
    scratch: Vec<(Cow<'a, str>, usize)>,
    max_depth: usize,
}

/// An open container.
struct Frame {
    idx: u32,
    count: u32,
    object: bool,
    /// An object's member names so far, one bit each (see [`name_bit`]).
    names: u64,
    /// Two of its names set the same bit, or one has escapes: the names are compared when
    /// the object closes.
    check_names: bool,
}

/// A bit picked by a member name's length and its first and last bytes, for the name whose
/// quotes are at `open` and `close - 1` of `bytes`: equal names pick the same bit, so an
/// object whose names never pick one twice has no duplicate and needs no comparison of names
/// (most objects: comparing every pair of names of every object cost about 1 000
/// instructions per partner Bundle). The bytes are read where they are, with no slice of
/// the name (an empty name reads its two quotes: still the same bit for the same name).
#[inline(always)]
fn name_bit(bytes: &[u8], open: usize, close: usize) -> u64 {
    let byte = |i: usize| u32::from(bytes.get(i).copied().unwrap_or(0));
    let len = close.wrapping_sub(open + 2) as u32;
    1u64 << ((len ^ byte(open + 1) ^ (byte(close.wrapping_sub(2)) << 2)) % 64)
}

type Result<T> = std::result::Result<T, JsonError>;

impl<'a> Parser<'a> {
    fn err<T>(&self, kind: JsonErrorKind, offset: usize) -> Result<T> {
        Err(JsonError { kind, offset })
    }

    fn syntax<T>(&self, msg: &'static str) -> Result<T> {
        if self.pos >= self.bytes.len() {
            self.err(JsonErrorKind::UnexpectedEnd, self.bytes.len())
        } else {
            self.err(JsonErrorKind::Syntax(msg), self.pos)
        }
    }

    /// Skips whitespace. Pretty-printed documents indent with runs of spaces (a third of the
    /// partner Bundle's bytes): those are skipped eight at a time; the rest byte by byte.
    /// Most calls find no whitespace at all (compact documents, and between a name and its
    /// colon): one comparison tells them apart.
    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'!'.. => return,
                b' ' => self.pos += space_run(&self.bytes[self.pos..]),
                b'\n' | b'\r' | b'\t' => self.pos += 1,
                _ => return,
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn push(&mut self, kind: TokenKind, start: usize, escaped: bool) {
        let idx = self.tape.len() as u32;
        self.tape.push(Token {
            kind,
            escaped,
            start: start as u32,
            end: self.pos as u32,
            next: idx + 1,
            count: 0,
        });
    }

    fn run(&mut self) -> Result<()> {
        // Documents rarely nest deeper than 16: one allocation.
        let mut stack: Vec<Frame> = Vec::with_capacity(16);
        self.skip_ws();
        if self.pos >= self.bytes.len() {
            return self.err(JsonErrorKind::Empty, 0);
        }
        'value: loop {
            // Expecting a value.
            self.skip_ws();
            let start = self.pos;
            match self.peek() {
                Some(b'{') | Some(b'[') => {
                    if stack.len() >= self.max_depth {
                        return self.err(
                            JsonErrorKind::TooDeep {
                                limit: self.max_depth,
                            },
                            start,
                        );
                    }
                    let object = self.peek() == Some(b'{');
                    self.pos += 1;
                    let idx = self.tape.len() as u32;
                    let kind = if object {
                        TokenKind::Object
                    } else {
                        TokenKind::Array
                    };
                    self.push(kind, start, false);
                    stack.push(Frame {
                        idx,
                        count: 0,
                        object,
                        names: 0,
                        check_names: false,
                    });
                    self.skip_ws();
                    let close = if object { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        self.close(&mut stack);
                    } else if object {
                        self.member_name(&mut stack)?;
                        continue 'value;
                    } else {
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let escaped = self.string()?;
                    self.push(TokenKind::String, start, escaped);
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                    self.push(TokenKind::Number, start, false);
                }
                Some(b't') => self.literal(b"true", TokenKind::True)?,
                Some(b'f') => self.literal(b"false", TokenKind::False)?,
                Some(b'n') => self.literal(b"null", TokenKind::Null)?,
                _ => return self.syntax("expected a value"),
            }
            // After a value: a separator, a closing bracket, or the end.
            loop {
                let Some(top) = stack.last_mut() else {
                    self.skip_ws();
                    if self.pos < self.bytes.len() {
                        return self.err(JsonErrorKind::TrailingContent, self.pos);
                    }
                    return Ok(());
                };
                top.count += 1;
                let object = top.object;
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if object {
                            self.skip_ws();
                            self.member_name(&mut stack)?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {
                        self.pos += 1;
                        self.close(&mut stack);
                    }
                    Some(b']') if !object => {
                        self.pos += 1;
                        self.close(&mut stack);
                    }
                    _ if object => return self.syntax("expected ',' or '}' after a member"),
                    _ => return self.syntax("expected ',' or ']' after an item"),
                }
            }
        }
    }

    /// Closes the innermost container; the caller has consumed its closing bracket.
    #[inline(always)]
    fn close(&mut self, stack: &mut Vec<Frame>) {
        let Some(frame) = stack.pop() else { return };
        let next = self.tape.len() as u32;
        let end = self.pos as u32;
        if let Some(t) = self.tape.get_mut(frame.idx as usize) {
            t.end = end;
            t.next = next;
            t.count = frame.count;
        }
        if frame.check_names {
            self.find_duplicates(frame.idx);
        }
    }

    /// Parses `"name" :` at the current position, a member of the innermost object.
    fn member_name(&mut self, stack: &mut [Frame]) -> Result<()> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return self.syntax("expected a member name in double quotes");
        }
        let escaped = self.string()?;
        self.push(TokenKind::Key, start, escaped);
        if let Some(frame) = stack.last_mut() {
            let bit = name_bit(self.bytes, start, self.pos);
            frame.check_names |= escaped || frame.names & bit != 0;
            frame.names |= bit;
        }
        self.skip_ws();
        if self.peek() != Some(b':') {
            return self.syntax("expected ':' after a member name");
        }
        self.pos += 1;
        Ok(())
    }

    /// Scans a string starting at its quote; returns whether it contains escapes.
    #[inline]
    fn string(&mut self) -> Result<bool> {
        // Nearly every string is a run of plain bytes and its closing quote.
        let start = self.pos + 1;
        let end = start + plain_run(self.bytes.get(start..).unwrap_or_default());
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(false);
        }
        self.pos = end;
        self.string_rest()
    }

    /// The rest of a string that has an escape or a control character (or no end), from
    /// the first of those.
    #[cold]
    fn string_rest(&mut self) -> Result<bool> {
        let mut escaped = false;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return self.err(JsonErrorKind::UnexpectedEnd, self.bytes.len());
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(escaped);
                }
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                0..=0x1f => return self.syntax("control character in a string (escape it)"),
                _ => self.pos += 1,
            }
            self.pos += plain_run(self.bytes.get(self.pos..).unwrap_or_default());
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let s = self.src.get(at..at + 4)?;
        if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(s, 16).ok()
    }

    /// Checks the escape at the current backslash and moves past it.
    fn escape(&mut self) -> Result<()> {
        match self.bytes.get(self.pos + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 2;
                Ok(())
            }
            Some(b'u') => {
                let Some(code) = self.hex4(self.pos + 2) else {
                    return self.syntax("invalid \\u escape: four hex digits expected");
                };
                match code {
                    0xD800..=0xDBFF => {
                        let low = (self.bytes.get(self.pos + 6) == Some(&b'\\')
                            && self.bytes.get(self.pos + 7) == Some(&b'u'))
                        .then(|| self.hex4(self.pos + 8))
                        .flatten();
                        match low {
                            Some(0xDC00..=0xDFFF) => {
                                self.pos += 12;
                                Ok(())
                            }
                            _ => self.syntax("invalid \\u escape: unpaired surrogate"),
                        }
                    }
                    0xDC00..=0xDFFF => self.syntax("invalid \\u escape: unpaired surrogate"),
                    _ => {
                        self.pos += 6;
                        Ok(())
                    }
                }
            }
            None => self.err(JsonErrorKind::UnexpectedEnd, self.bytes.len()),
            Some(_) => self.syntax("invalid escape in a string"),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Scans a number by the JSON grammar.
    fn number(&mut self) -> Result<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return self.syntax("invalid number: leading zero");
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.syntax("invalid number: digit expected"),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.syntax("invalid number: digit expected after '.'");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.syntax("invalid number: digit expected in the exponent");
            }
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static [u8], kind: TokenKind) -> Result<()> {
        let start = self.pos;
        if self.bytes.get(start..start + word.len()) != Some(word) {
            return self.syntax("expected a value");
        }
        self.pos += word.len();
        self.push(kind, start, false);
        Ok(())
    }

    /// Records member names that repeat within the object at tape index `obj` (called only
    /// for an object whose frame set [`Frame::check_names`]).
    ///
    /// Objects of up to 32 members whose names have no escapes compare the raw names in
    /// place, length first; the others compare unescaped names.
    fn find_duplicates(&mut self, obj: u32) {
        const SMALL: usize = 32;
        let end = self.tape[obj as usize].next;
        // Where the names are (without quotes), on the stack: no allocation per object.
        let mut spans = [(0u32, 0u32); SMALL];
        let mut n = 0;
        let mut pos = obj + 1;
        while pos < end {
            let key = &self.tape[pos as usize];
            if key.escaped || n == SMALL {
                return self.find_duplicates_unescaped(obj);
            }
            spans[n] = (key.start + 1, key.end - 1);
            n += 1;
            pos = self.tape[pos as usize + 1].next;
        }
        let spans = &spans[..n];
        let name = |(start, end): (u32, u32)| &self.bytes[start as usize..end as usize];
        for i in 1..spans.len() {
            let this = name(spans[i]);
            if spans[..i].iter().any(|&s| super::bytes_eq(name(s), this)) {
                self.duplicates.push(Duplicate {
                    offset: spans[i].0 as usize - 1,
                    name: String::from_utf8_lossy(this).into_owned(),
                });
            }
        }
    }

    /// [`Parser::find_duplicates`] for names with escapes or objects with many members.
    fn find_duplicates_unescaped(&mut self, obj: u32) {
        let end = self.tape[obj as usize].next;
        let mut keys = std::mem::take(&mut self.scratch);
        keys.clear();
        let mut pos = obj + 1;
        while pos < end {
            let key = self.tape[pos as usize];
            let inner = &self.src[key.start as usize + 1..key.end as usize - 1];
            let name = if key.escaped {
                Cow::Owned(super::unescape(inner))
            } else {
                Cow::Borrowed(inner)
            };
            keys.push((name, key.start as usize));
            pos = self.tape[pos as usize + 1].next;
        }
        if keys.len() <= 32 {
            for i in 1..keys.len() {
                if keys[..i].iter().any(|(k, _)| *k == keys[i].0) {
                    self.duplicates.push(Duplicate {
                        offset: keys[i].1,
                        name: keys[i].0.to_string(),
                    });
                }
            }
        } else {
            keys.sort();
            for w in keys.windows(2) {
                if w[0].0 == w[1].0 {
                    self.duplicates.push(Duplicate {
                        offset: w[1].1,
                        name: w[1].0.to_string(),
                    });
                }
            }
        }
        self.scratch = keys;
    }
}
