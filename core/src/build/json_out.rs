//! The builder's output: compact JSON written straight from the checked input.
//!
//! The Bundle goes out as exactly the bytes that serializing the typed model would give
//! (the model's member order, serde_json's compact form and escapes; the expected Bundles
//! of `core/tests/build_fixtures.rs` were written by the builder that serialized the model),
//! without making the model first. Building, serializing and dropping the typed Bundle cost
//! about 51k instructions of the 215k an HL7 v2 ADT message took (`validate_loop FILE N hl7`
//! under cachegrind); writing it here costs about 11k.

use crate::swar::plain_run;

/// A compact JSON text being written: objects and arrays are opened and closed by the
/// caller, members and items separated here.
pub(super) struct JsonOut {
    buf: Vec<u8>,
    /// Whether the next member or item needs a comma before it.
    comma: bool,
}

impl JsonOut {
    /// An empty text with room for a usual Bundle (2-4 KB).
    pub fn new() -> JsonOut {
        JsonOut {
            buf: Vec::with_capacity(4096),
            comma: false,
        }
    }

    /// The text written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn separate(&mut self) {
        if self.comma {
            self.buf.push(b',');
        }
        self.comma = true;
    }

    /// `"key":` (member names are the model's, which need no escape).
    fn key(&mut self, key: &str) {
        self.separate();
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    /// Opens the object of member `key` (`None`: an array item).
    pub fn open(&mut self, key: Option<&str>) {
        match key {
            Some(k) => self.key(k),
            None => self.separate(),
        }
        self.buf.push(b'{');
        self.comma = false;
    }

    /// Closes an object.
    pub fn close(&mut self) {
        self.buf.push(b'}');
        self.comma = true;
    }

    /// Opens the array of member `key`.
    pub fn open_array(&mut self, key: &str) {
        self.key(key);
        self.buf.push(b'[');
        self.comma = false;
    }

    /// Closes an array.
    pub fn close_array(&mut self) {
        self.buf.push(b']');
        self.comma = true;
    }

    /// A string member.
    pub fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        push_string(&mut self.buf, value);
    }

    /// A string member whose value is `parts` joined (escaped part by part: the same).
    pub fn string_of(&mut self, key: &str, parts: &[&str]) {
        self.key(key);
        self.buf.push(b'"');
        for p in parts {
            push_escaped(&mut self.buf, p);
        }
        self.buf.push(b'"');
    }

    /// A string member when there is a value.
    pub fn opt_string(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.string(key, v);
        }
    }

    /// A string item of an array.
    pub fn item(&mut self, value: &str) {
        self.separate();
        push_string(&mut self.buf, value);
    }

    /// A boolean member.
    pub fn boolean(&mut self, key: &str, value: bool) {
        self.key(key);
        self.buf
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// An array member whose items `write` writes, left out when there are none (as the model
    /// leaves out an empty list).
    pub fn array<T>(
        &mut self,
        key: &str,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut JsonOut, T),
    ) {
        let mut any = false;
        for item in items {
            if !any {
                self.open_array(key);
                any = true;
            }
            write(self, item);
        }
        if any {
            self.close_array();
        }
    }

    /// `"coding": [...]` of a CodeableConcept, from (system, code, display) triples.
    pub fn codings<'s>(
        &mut self,
        list: impl IntoIterator<Item = (&'s str, &'s str, Option<&'s str>)>,
    ) {
        self.array("coding", list, |out, (system, code, display)| {
            out.open(None);
            out.string("system", system);
            out.string("code", code);
            out.opt_string("display", display);
            out.close();
        });
    }

    /// An array member of strings.
    pub fn strings<'s>(&mut self, key: &str, values: impl IntoIterator<Item = &'s str>) {
        self.array(key, values, JsonOut::item);
    }
}

/// Appends `s` as a JSON string with serde_json's escapes: `\"`, `\\`, `\b \f \n \r \t`,
/// other control characters as `\u00xx`; the rest (0x7F, non-ASCII) as it is.
pub(super) fn push_string(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    push_escaped(buf, s);
    buf.push(b'"');
}

/// Appends the escaped characters of `s` (no quotes): runs that need no escape are found
/// eight bytes at a time (`crate::swar`) and copied whole.
fn push_escaped(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut i = 0;
    loop {
        let rest = bytes.get(i..).unwrap_or_default();
        let run = plain_run(rest);
        buf.extend_from_slice(&rest[..run]);
        i += run;
        let Some(&b) = bytes.get(i) else { return };
        i += 1;
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0C => buf.extend_from_slice(b"\\f"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[usize::from(b >> 4)]);
                buf.push(HEX[usize::from(b & 0xF)]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every: String = (0u8..0x80).map(char::from).collect();
        every.push_str("ñ€😀\u{7f}\"\\end");
        // A byte to escape at every offset of the eight-byte scan, and runs around it.
        let mut placed = Vec::new();
        for at in 0..18 {
            for special in ["\"", "\\", "\n", "\u{1f}", "\u{0}", "\u{7f}", "é"] {
                placed.push(format!("{}{special}{}", "a".repeat(at), "b".repeat(at % 9)));
            }
        }
        let fixed = [every.as_str(), "", "plain", "\"", "a\\b", "\u{1}x\u{1f}"];
        for s in fixed.into_iter().chain(placed.iter().map(String::as_str)) {
            let mut buf = Vec::new();
            push_string(&mut buf, s);
            assert_eq!(buf, serde_json::to_vec(s).expect("serializes"), "{s:?}");
        }
    }

    #[test]
    fn members_and_items_are_separated_by_commas() {
        let mut out = JsonOut::new();
        out.open(None);
        out.string("a", "x");
        out.open_array("b");
        out.open(None);
        out.boolean("c", true);
        out.close();
        out.open(None);
        out.close();
        out.close_array();
        out.strings("d", ["1", "2"]);
        out.strings("e", std::iter::empty());
        out.opt_string("f", None);
        out.close();
        assert_eq!(
            String::from_utf8(out.into_bytes()).expect("UTF-8"),
            r#"{"a":"x","b":[{"c":true},{}],"d":["1","2"]}"#
        );
    }
}
