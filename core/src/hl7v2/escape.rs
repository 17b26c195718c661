//! HL7 v2 escape sequences (`\F\ \S\ \T\ \R\ \E\ \Xhh..\`, `\H\ \N\`) and their inverse.

use super::charset::Charset;
use super::parse::Separators;
use std::borrow::Cow;

/// Why the text of a value cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// An escape sequence that is unknown, malformed or not closed; the offset of its
    /// escape character in the raw value.
    #[error("an escape sequence is unknown, malformed or not closed")]
    Escape(usize),
    /// A byte that the message's character set does not allow; its offset in the raw value
    /// (the value's start when it came from an escape).
    #[error("a byte is not valid in the message's character set")]
    Charset(usize),
}

/// The text of a raw value: escapes resolved, decoded from `charset` to UTF-8. Borrows
/// when there is nothing to resolve.
pub fn unescape<'a>(
    raw: &'a [u8],
    seps: &Separators,
    charset: Charset,
) -> Result<Cow<'a, str>, DecodeError> {
    let Some(esc) = seps.escape.filter(|e| raw.contains(e)) else {
        return charset.decode(raw).map_err(DecodeError::Charset);
    };
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != esc {
            out.push(b);
            i += 1;
            continue;
        }
        let body_start = i + 1;
        let Some(len) = raw[body_start..].iter().position(|&c| c == esc) else {
            return Err(DecodeError::Escape(i));
        };
        let body = &raw[body_start..body_start + len];
        match body {
            b"F" => out.push(seps.field),
            b"S" => out.push(seps.component),
            b"T" => out.push(seps.subcomponent),
            b"R" => out.push(seps.repetition),
            b"E" => out.push(esc),
            b"H" | b"N" => {}
            [b'X', hex @ ..] if !hex.is_empty() && hex.len() % 2 == 0 => {
                for pair in hex.chunks(2) {
                    let hi = hex_digit(pair[0]).ok_or(DecodeError::Escape(i))?;
                    let lo = hex_digit(pair[1]).ok_or(DecodeError::Escape(i))?;
                    out.push(hi << 4 | lo);
                }
            }
            _ => return Err(DecodeError::Escape(i)),
        }
        i = body_start + len + 1;
    }
    match charset.decode(&out) {
        Ok(text) => Ok(Cow::Owned(text.into_owned())),
        Err(_) => Err(DecodeError::Charset(0)),
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `text` with every separator and the escape character written as an escape sequence, so
/// that it can be put in a field of a message with these separators.
pub fn escape(text: &str, seps: &Separators) -> String {
    let mut out = String::new();
    escape_into(&mut out, text, seps);
    out
}

/// [`escape`], appending to `out`.
pub(crate) fn escape_into(out: &mut String, text: &str, seps: &Separators) {
    let esc = seps.escape.unwrap_or(b'\\');
    let special = |b: u8| {
        b == esc
            || b == seps.field
            || b == seps.component
            || b == seps.subcomponent
            || b == seps.repetition
            || b == b'\r'
            || b == b'\n'
    };
    // Most values have nothing to escape: one copy. (With ASCII separators a byte scan
    // sees the same as the character loop below: a multi-byte character holds no ASCII.)
    let ascii = [
        esc,
        seps.field,
        seps.component,
        seps.subcomponent,
        seps.repetition,
    ]
    .iter()
    .all(u8::is_ascii);
    if ascii && !text.bytes().any(special) {
        out.push_str(text);
        return;
    }
    out.reserve(text.len() + 8);
    for c in text.chars() {
        let code = match u8::try_from(u32::from(c)) {
            Ok(b) if b == esc => Some('E'),
            Ok(b) if b == seps.field => Some('F'),
            Ok(b) if b == seps.component => Some('S'),
            Ok(b) if b == seps.subcomponent => Some('T'),
            Ok(b) if b == seps.repetition => Some('R'),
            _ => None,
        };
        match code {
            Some(code) => {
                out.push(char::from(esc));
                out.push(code);
                out.push(char::from(esc));
            }
            None if c == '\r' || c == '\n' => out.push(' '),
            None => out.push(c),
        }
    }
}
