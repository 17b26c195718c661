//! The ER7 reader: framing, segments, separators and character set in one pass over the
//! bytes; fields, repetitions, components and sub-components found on demand as byte spans
//! of the input (nothing is copied until a value's text is asked for).

use super::charset::Charset;
use super::escape::{unescape, DecodeError};
use super::location::Location;
use crate::swar::find_byte;
use std::borrow::Cow;
use std::collections::HashMap;

/// MLLP start block.
const MLLP_START: u8 = 0x0B;
/// MLLP end block.
const MLLP_END: u8 = 0x1C;

/// Limits applied while reading an untrusted message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes (checked before anything else).
    pub max_bytes: usize,
}

impl Limits {
    /// Default: 1 MiB, the partner message size.
    pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

/// The separators of a message, from MSH-1 and MSH-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    /// Field separator (MSH-1, usually `|`).
    pub field: u8,
    /// Component separator (usually `^`).
    pub component: u8,
    /// Repetition separator (usually `~`).
    pub repetition: u8,
    /// Escape character (usually `\`); a message may have none.
    pub escape: Option<u8>,
    /// Sub-component separator (usually `&`).
    pub subcomponent: u8,
}

impl Default for Separators {
    fn default() -> Self {
        Separators {
            field: b'|',
            component: b'^',
            repetition: b'~',
            escape: Some(b'\\'),
            subcomponent: b'&',
        }
    }
}

/// Why a message cannot be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is larger than [`Limits::max_bytes`].
    #[error("the message is larger than the limit of {limit} bytes")]
    TooLong {
        /// The limit.
        limit: usize,
    },
    /// Nothing but framing or white space.
    #[error("the message is empty")]
    Empty,
    /// The first segment is not MSH.
    #[error("the message does not start with an MSH segment")]
    NoMsh,
    /// MSH ends before its encoding characters.
    #[error("the MSH segment ends before its separators (MSH-1, MSH-2)")]
    TruncatedMsh,
    /// MSH-1/MSH-2 do not give distinct, printable, non-alphanumeric separators.
    #[error("MSH-1 and MSH-2 must give distinct separators that are not letters or digits")]
    BadSeparators,
    /// A segment does not start with a three-character id (`PID`) and a field separator.
    #[error("segment {line} has no valid segment id")]
    BadSegmentId {
        /// The 1-based line of the segment.
        line: u32,
    },
}

/// One segment: its byte span in the input (without the terminator) and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
    /// 1-based line (segment terminators `\r`, `\n` and `\r\n` each end a line).
    pub line: u32,
    /// The segment id.
    pub id: [u8; 3],
    /// Which occurrence of this id, 1-based.
    pub occurrence: u32,
}

/// A parsed message: the input, its separators and character set, and its segments.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    input: &'a [u8],
    /// The separators of MSH-1 and MSH-2.
    pub separators: Separators,
    /// The character set values are decoded from (MSH-18, or the default).
    pub charset: Charset,
    /// MSH-18 names a character set pfhir does not know (then `charset` is the default).
    pub unknown_charset: bool,
    segments: Vec<Segment>,
    /// The offsets of every field separator, segment after segment.
    field_seps: Vec<usize>,
    /// For each segment (same index as `segments`), its range in `field_seps`.
    seg_fields: Vec<(usize, usize)>,
}

/// Reads a message: strips MLLP framing (and a UTF-8 byte order mark), splits segments on
/// `\r`, `\n` or `\r\n`, reads the separators from MSH and the character set from MSH-18
/// (`default_charset` when MSH-18 is empty).
pub fn parse<'a>(
    input: &'a [u8],
    limits: &Limits,
    default_charset: Charset,
) -> Result<Message<'a>, ParseError> {
    if input.len() > limits.max_bytes {
        return Err(ParseError::TooLong {
            limit: limits.max_bytes,
        });
    }
    let (mut start, mut end) = (0, input.len());
    if input.first() == Some(&MLLP_START) {
        start = 1;
    }
    if input[start..].starts_with(b"\xEF\xBB\xBF") {
        start += 3;
    }
    if let Some(p) = input[start..end].iter().rposition(|&b| b == MLLP_END) {
        if input[start + p + 1..end]
            .iter()
            .all(|b| b.is_ascii_whitespace())
        {
            end = start + p;
        }
    }
    let mut line: u32 = 1;
    while start < end && matches!(input[start], b'\r' | b'\n' | b' ' | b'\t') {
        if input[start] == b'\n' || (input[start] == b'\r' && input.get(start + 1) != Some(&b'\n'))
        {
            line += 1;
        }
        start += 1;
    }
    if start >= end {
        return Err(ParseError::Empty);
    }
    let body = &input[start..end];
    if !body.starts_with(b"MSH") {
        return Err(ParseError::NoMsh);
    }
    let separators = separators(body)?;
    let mut segments: Vec<Segment> = Vec::with_capacity(8);
    let mut counts = Occurrences::default();
    let mut field_seps: Vec<usize> = Vec::with_capacity(64);
    let mut seg_fields: Vec<(usize, usize)> = Vec::with_capacity(8);
    let mut i = start;
    while i < end {
        let seg_end = input[i..end]
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .map_or(end, |p| i + p);
        if seg_end > i {
            let bytes = &input[i..seg_end];
            let id_ok = bytes.len() >= 3
                && bytes[..3]
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && (bytes.len() == 3 || bytes[3] == separators.field);
            if !id_ok {
                return Err(ParseError::BadSegmentId { line });
            }
            let id = [bytes[0], bytes[1], bytes[2]];
            let n = counts.next(id);
            let first = field_seps.len();
            let mut p = 0;
            while let Some(q) = find_byte(&bytes[p..], separators.field) {
                field_seps.push(i + p + q);
                p += q + 1;
            }
            seg_fields.push((first, field_seps.len()));
            segments.push(Segment {
                start: i,
                end: seg_end,
                line,
                id,
                occurrence: n,
            });
        }
        i = seg_end;
        if i < end {
            if input[i] == b'\r' && input.get(i + 1) == Some(&b'\n') && i + 1 < end {
                i += 1;
            }
            i += 1;
            line += 1;
        }
    }
    let mut msg = Message {
        input,
        separators,
        charset: default_charset,
        unknown_charset: false,
        segments,
        field_seps,
        seg_fields,
    };
    let msh18 = msg.msh(18).first();
    if !msh18.is_empty() {
        match std::str::from_utf8(msh18.raw())
            .ok()
            .and_then(Charset::from_msh18)
        {
            Some(c) => msg.charset = c,
            None => msg.unknown_charset = true,
        }
    }
    Ok(msg)
}

/// The separators of MSH-1 and MSH-2 (`body` starts with `MSH`).
fn separators(body: &[u8]) -> Result<Separators, ParseError> {
    let field = *body.get(3).ok_or(ParseError::TruncatedMsh)?;
    let enc_end = body[4..]
        .iter()
        .position(|&b| b == field || b == b'\r' || b == b'\n')
        .map_or(body.len(), |p| 4 + p);
    let enc = &body[4..enc_end];
    if enc.len() < 3 || enc.len() > 5 {
        // Two characters at least (component, repetition) and the sub-component one; a
        // message without escape character still has three.
        return Err(if enc_end == body.len() && enc.len() < 3 {
            ParseError::TruncatedMsh
        } else {
            ParseError::BadSeparators
        });
    }
    let seps = Separators {
        field,
        component: enc[0],
        repetition: enc[1],
        escape: if enc.len() >= 4 { Some(enc[2]) } else { None },
        subcomponent: if enc.len() >= 4 { enc[3] } else { enc[2] },
    };
    let mut all = vec![
        seps.field,
        seps.component,
        seps.repetition,
        seps.subcomponent,
    ];
    all.extend(seps.escape);
    let printable = |b: &u8| b.is_ascii_graphic() && !b.is_ascii_alphanumeric();
    let distinct = (1..all.len()).all(|i| !all[..i].contains(&all[i]));
    if !all.iter().all(printable) || !distinct {
        return Err(ParseError::BadSeparators);
    }
    Ok(seps)
}

impl<'a> Message<'a> {
    /// The whole input, framing included (spans are offsets into it).
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// The segments, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segments with this id, in order.
    pub fn segments_with<'m>(&'m self, id: &'m [u8; 3]) -> impl Iterator<Item = &'m Segment> {
        self.segments.iter().filter(move |s| &s.id == id)
    }

    /// Field `n` of MSH.
    pub fn msh<'m>(&'m self, n: u16) -> Value<'m, 'a> {
        match self.segments.first() {
            Some(seg) => self.field(seg, n),
            None => Value {
                msg: self,
                start: 0,
                end: 0,
                loc: Location::segment(*b"MSH", 1).with_field(n),
            },
        }
    }

    /// Field `n` of a segment (MSH-1 is the field separator, MSH-2 the encoding characters).
    pub fn field<'m>(&'m self, seg: &Segment, n: u16) -> Value<'m, 'a> {
        let loc = Location::segment(seg.id, seg.occurrence).with_field(n);
        let (start, end) = if &seg.id == b"MSH" && n <= 2 {
            match n {
                1 => (seg.start + 3, (seg.start + 4).min(seg.end)),
                2 => piece(self.input, seg.start, seg.end, self.separators.field, 1),
                _ => (seg.start, seg.start),
            }
        } else {
            let index = if &seg.id == b"MSH" {
                usize::from(n) - 1
            } else {
                usize::from(n)
            };
            if n == 0 {
                (seg.start, seg.end)
            } else {
                self.field_piece(seg, index)
            }
        };
        Value {
            msg: self,
            start,
            end,
            loc,
        }
    }

    /// The `index`-th piece of a segment split on the field separator (as [`piece`] gives
    /// it), from the separator offsets found while parsing.
    fn field_piece(&self, seg: &Segment, index: usize) -> (usize, usize) {
        let i = self.segments.partition_point(|s| s.start < seg.start);
        let (first, last) = match (self.segments.get(i), self.seg_fields.get(i)) {
            (Some(found), Some(&range)) if found == seg => range,
            // A segment not of this message: split it the slow way.
            _ => return piece(self.input, seg.start, seg.end, self.separators.field, index),
        };
        let seps = &self.field_seps[first..last];
        if index > seps.len() {
            return (seg.end, seg.end);
        }
        let start = if index == 0 {
            seg.start
        } else {
            seps[index - 1] + 1
        };
        let end = seps.get(index).copied().unwrap_or(seg.end);
        (start, end)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let i = self.segments.partition_point(|s| s.start <= offset);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(seg) => {
                let upto = offset.min(seg.end).max(seg.start);
                let col = self.charset.chars(&self.input[seg.start..upto]) + 1;
                (seg.line, u32::try_from(col).unwrap_or(u32::MAX))
            }
            None => (1, 1),
        }
    }
}

/// The occurrence number of each segment id. An ADT message has a handful of ids: a short
/// list searched in order counts them (cheaper than hashing); past [`Occurrences::FEW`]
/// distinct ids (only odd or hostile input has them, up to 46 656 in 1 MiB) a map takes
/// the rest, so that parsing stays linear.
#[derive(Default)]
struct Occurrences {
    few: Vec<([u8; 3], u32)>,
    many: HashMap<[u8; 3], u32>,
}

impl Occurrences {
    const FEW: usize = 16;

    /// Counts one more segment `id`: its occurrence number, from 1.
    fn next(&mut self, id: [u8; 3]) -> u32 {
        if let Some((_, n)) = self.few.iter_mut().find(|(seen, _)| *seen == id) {
            *n += 1;
            return *n;
        }
        if self.few.len() < Self::FEW {
            self.few.push((id, 1));
            return 1;
        }
        let n = self.many.entry(id).or_insert(0);
        *n += 1;
        *n
    }
}

/// The `index`-th piece (0-based) of `input[start..end]` split on `sep`; an absent piece is
/// the empty span at `end`.
fn piece(input: &[u8], start: usize, end: usize, sep: u8, index: usize) -> (usize, usize) {
    let mut s = start;
    for _ in 0..index {
        match find_byte(&input[s..end], sep) {
            Some(p) => s += p + 1,
            None => return (end, end),
        }
    }
    let e = find_byte(&input[s..end], sep).map_or(end, |p| s + p);
    (s, e)
}

/// A field, repetition, component or sub-component: a span of the input and its location.
#[derive(Debug, Clone, Copy)]
pub struct Value<'m, 'a> {
    msg: &'m Message<'a>,
    start: usize,
    end: usize,
    /// Where it is.
    pub loc: Location,
}

impl<'m, 'a> Value<'m, 'a> {
    /// The raw bytes (escapes unresolved).
    pub fn raw(&self) -> &'a [u8] {
        &self.msg.input[self.start..self.end]
    }

    /// Byte offset of its start in the input.
    pub fn offset(&self) -> usize {
        self.start
    }

    /// Empty, or the HL7 null `""` (which pfhir treats as absent).
    pub fn is_empty(&self) -> bool {
        let raw = self.raw();
        raw.is_empty() || raw == b"\"\""
    }

    /// The repetitions of a field, numbered from 1.
    pub fn repetitions(self) -> impl Iterator<Item = Value<'m, 'a>> {
        let sep = self.msg.separators.repetition;
        let mut s = self.start;
        let mut n: u32 = 0;
        let mut done = self.start == self.end;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let e = find_byte(&self.msg.input[s..self.end], sep).map_or(self.end, |p| s + p);
            n += 1;
            let v = Value {
                start: s,
                end: e,
                loc: Location {
                    repetition: n,
                    ..self.loc
                },
                ..self
            };
            if e >= self.end {
                done = true;
            } else {
                s = e + 1;
            }
            Some(v)
        })
    }

    /// The first repetition (the field itself when it does not repeat).
    pub fn first(self) -> Value<'m, 'a> {
        if self.loc.repetition > 0 || self.loc.component > 0 {
            return self;
        }
        let (start, end) = piece(
            self.msg.input,
            self.start,
            self.end,
            self.msg.separators.repetition,
            0,
        );
        Value { start, end, ..self }
    }

    /// Component `n` (1-based) of this value (of its first repetition for a whole field).
    pub fn component(self, n: u16) -> Value<'m, 'a> {
        let v = self.first();
        let (start, end) = piece(
            self.msg.input,
            v.start,
            v.end,
            self.msg.separators.component,
            usize::from(n.max(1)) - 1,
        );
        Value {
            start,
            end,
            loc: Location {
                component: n,
                ..v.loc
            },
            ..v
        }
    }

    /// Sub-component `n` (1-based) of a component.
    pub fn subcomponent(self, n: u16) -> Value<'m, 'a> {
        let v = if self.loc.component == 0 {
            self.component(1)
        } else {
            self
        };
        let (start, end) = piece(
            self.msg.input,
            v.start,
            v.end,
            self.msg.separators.subcomponent,
            usize::from(n.max(1)) - 1,
        );
        Value {
            start,
            end,
            loc: Location {
                subcomponent: n,
                ..v.loc
            },
            ..v
        }
    }

    /// The text: escapes resolved, decoded to UTF-8, trimmed of surrounding spaces; `None`
    /// when empty or `""`.
    pub fn text(&self) -> Result<Option<Cow<'a, str>>, DecodeError> {
        if self.is_empty() {
            return Ok(None);
        }
        let text = unescape(self.raw(), &self.msg.separators, self.msg.charset)?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        Ok(Some(if trimmed.len() == text.len() {
            text
        } else {
            Cow::Owned(trimmed.to_string())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_numbered_per_id_past_the_short_list_too() {
        // 40 distinct ids (more than the short list holds), each three times, interleaved.
        let ids: Vec<String> = (0..40).map(|i| format!("Z{:02}", i)).collect();
        let mut text = String::from("MSH|^~\\&|A|B|C|D|20260101||ADT^A04|1|P|2.5.1\r");
        for _ in 0..3 {
            for id in &ids {
                text.push_str(id);
                text.push_str("|x\r");
            }
        }
        let msg = parse(text.as_bytes(), &Limits::default(), Charset::Utf8).expect("parses");
        for (k, seg) in msg.segments().iter().skip(1).enumerate() {
            assert_eq!(seg.id, ids[k % 40].as_bytes(), "segment {k}");
            assert_eq!(seg.occurrence, (k / 40 + 1) as u32, "segment {k}");
        }
        assert_eq!(msg.segments().len(), 121);
    }

    #[test]
    fn field_offsets_split_like_a_scan_of_the_segment() {
        let texts: [&[u8]; 4] = [
            b"MSH|^~\\&|A|B|C|D|20260101||ADT^A04|1|P|2.5.1\rPID|1||X^^^CIP||Ruiz^Ana||19800101|F\r\rDG1|1||E11\rZZZ\r",
            b"\x0bMSH|^~\\&|A\r\nPID|||\nPID\x1c\r",
            b"MSH#^~\\&#A#B\rEVN#A04\r",
            b"MSH|^~\\&|A|B||||\r",
        ];
        for text in texts {
            let msg = parse(text, &Limits::default(), Charset::Utf8).expect("parses");
            let sep = msg.separators.field;
            for seg in msg.segments() {
                for index in 0..40 {
                    assert_eq!(
                        msg.field_piece(seg, index),
                        piece(text, seg.start, seg.end, sep, index),
                        "segment at {}, piece {index}",
                        seg.start
                    );
                }
            }
            // A segment that is not one of the message's is split by scanning.
            let other = Segment {
                start: 1,
                end: text.len() - 1,
                line: 1,
                id: *b"PID",
                occurrence: 1,
            };
            for index in 0..10 {
                assert_eq!(
                    msg.field_piece(&other, index),
                    piece(text, other.start, other.end, sep, index)
                );
            }
        }
    }
}
