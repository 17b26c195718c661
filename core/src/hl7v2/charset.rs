//! Character sets of MSH-18 and their decoding to UTF-8 (and encoding back, for the ACK).

use std::borrow::Cow;

/// A character set an HL7 v2 message may declare in MSH-18.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Charset {
    /// `ASCII`: 7-bit; a byte above 0x7F is an error.
    Ascii,
    /// `8859/1`: ISO Latin-1, one byte per character.
    Latin1,
    /// `8859/15`: ISO Latin-9 (Latin-1 with the euro sign and seven more letters).
    Latin9,
    /// `UNICODE UTF-8`.
    #[default]
    Utf8,
}

impl Charset {
    /// The charset an MSH-18 value names (case-insensitive), `None` when unsupported.
    pub fn from_msh18(name: &str) -> Option<Charset> {
        match name.trim().to_ascii_uppercase().as_str() {
            "ASCII" => Some(Charset::Ascii),
            "8859/1" => Some(Charset::Latin1),
            "8859/15" => Some(Charset::Latin9),
            "UNICODE UTF-8" | "UTF-8" => Some(Charset::Utf8),
            _ => None,
        }
    }

    /// The MSH-18 name.
    pub const fn msh18(self) -> &'static str {
        match self {
            Charset::Ascii => "ASCII",
            Charset::Latin1 => "8859/1",
            Charset::Latin9 => "8859/15",
            Charset::Utf8 => "UNICODE UTF-8",
        }
    }

    /// Decodes `bytes` to UTF-8; `Err(index)` gives the first byte that is not valid.
    pub fn decode(self, bytes: &[u8]) -> Result<Cow<'_, str>, usize> {
        if self != Charset::Utf8 && bytes.is_ascii() {
            // ASCII is the same text in every supported charset (UTF-8 checks it below).
            return std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|_| 0);
        }
        match self {
            Charset::Ascii => Err(bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0)),
            Charset::Utf8 => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| e.valid_up_to()),
            Charset::Latin1 => Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
            Charset::Latin9 => Ok(Cow::Owned(bytes.iter().map(|&b| latin9(b)).collect())),
        }
    }

    /// Encodes `text` in this charset; a character it cannot hold becomes `?`.
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Charset::Utf8 => text.as_bytes().to_vec(),
            Charset::Ascii => text
                .chars()
                .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
                .collect(),
            Charset::Latin1 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
            Charset::Latin9 => text
                .chars()
                .map(|c| (0u8..=255).find(|&b| latin9(b) == c).unwrap_or(b'?'))
                .collect(),
        }
    }

    /// The number of characters in `bytes` (for columns).
    pub fn chars(self, bytes: &[u8]) -> usize {
        match self {
            Charset::Utf8 => bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count(),
            _ => bytes.len(),
        }
    }
}

/// One byte of ISO 8859-15.
fn latin9(b: u8) -> char {
    match b {
        0xA4 => '\u{20AC}',
        0xA6 => '\u{0160}',
        0xA8 => '\u{0161}',
        0xB4 => '\u{017D}',
        0xB8 => '\u{017E}',
        0xBC => '\u{0152}',
        0xBD => '\u{0153}',
        0xBE => '\u{0178}',
        _ => char::from(b),
    }
}
