//! A minimal DER reader for the containers of a client identity (PKCS#12, PKCS#8): tags,
//! definite lengths, nothing else. BER's indefinite lengths are refused by name.

use std::borrow::Cow;

/// `SEQUENCE`
pub const SEQUENCE: u8 = 0x30;
/// `INTEGER`
pub const INTEGER: u8 = 0x02;
/// `OCTET STRING` (primitive)
pub const OCTET_STRING: u8 = 0x04;
/// `OCTET STRING` (constructed, BER)
pub const OCTET_STRING_CONSTRUCTED: u8 = 0x24;
/// `OBJECT IDENTIFIER`
pub const OID: u8 = 0x06;
/// `[0]` constructed (EXPLICIT)
pub const CONTEXT_0: u8 = 0xa0;
/// `[0]` primitive (IMPLICIT OCTET STRING)
pub const CONTEXT_0_PRIMITIVE: u8 = 0x80;

/// What is wrong with the bytes (never the bytes themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerError {
    /// The data ends inside an element.
    Truncated,
    /// An indefinite length (BER), which pfhir does not read.
    IndefiniteLength,
    /// A length or tag form pfhir does not read.
    Unsupported,
    /// Another tag than the one the structure has here.
    UnexpectedTag {
        /// The tag expected.
        expected: u8,
        /// The tag found.
        found: u8,
    },
}

impl std::fmt::Display for DerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DerError::Truncated => f.write_str("the data ends inside an element"),
            DerError::IndefiniteLength => {
                f.write_str("an indefinite length (BER), which pfhir does not read")
            }
            DerError::Unsupported => f.write_str("a tag or length form pfhir does not read"),
            DerError::UnexpectedTag { expected, found } => {
                write!(f, "tag 0x{found:02x} where 0x{expected:02x} belongs")
            }
        }
    }
}

/// One element: its tag, its content and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    /// The tag byte.
    pub tag: u8,
    /// The content octets.
    pub value: &'a [u8],
    /// Tag, length and content.
    pub raw: &'a [u8],
}

/// Reads elements one after the other.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    /// True when every element was read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element, whatever its tag.
    pub fn any(&mut self) -> Result<Tlv<'a>, DerError> {
        let (&tag, after_tag) = self.rest.split_first().ok_or(DerError::Truncated)?;
        if tag & 0x1f == 0x1f {
            return Err(DerError::Unsupported);
        }
        let (&first, mut after_len) = after_tag.split_first().ok_or(DerError::Truncated)?;
        let len = match first {
            0x80 => return Err(DerError::IndefiniteLength),
            n if n < 0x80 => usize::from(n),
            n => {
                let count = usize::from(n & 0x7f);
                if count > 4 {
                    return Err(DerError::Unsupported);
                }
                let (digits, rest) = after_len
                    .split_at_checked(count)
                    .ok_or(DerError::Truncated)?;
                after_len = rest;
                digits
                    .iter()
                    .fold(0usize, |acc, d| (acc << 8) | usize::from(*d))
            }
        };
        let header = self.rest.len() - after_len.len();
        let value = after_len.get(..len).ok_or(DerError::Truncated)?;
        let raw = &self.rest[..header + len];
        self.rest = &after_len[len..];
        Ok(Tlv { tag, value, raw })
    }

    /// The next element, which must have `tag`.
    pub fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, DerError> {
        let tlv = self.any()?;
        if tlv.tag != tag {
            return Err(DerError::UnexpectedTag {
                expected: tag,
                found: tlv.tag,
            });
        }
        Ok(tlv)
    }

    /// A reader over the content of the next element, which must have `tag`.
    pub fn enter(&mut self, tag: u8) -> Result<Reader<'a>, DerError> {
        Ok(Reader::new(self.expect(tag)?.value))
    }

    /// The next element when it has `tag`, else nothing (and nothing is read).
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, DerError> {
        if self.peek_tag() == Some(tag) {
            self.expect(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// An OCTET STRING's content: primitive, or (BER) constructed of primitive pieces, or an
    /// IMPLICIT `[0]` one (`implicit` gives the tags used instead).
    pub fn octets(&mut self, implicit: Option<(u8, u8)>) -> Result<Cow<'a, [u8]>, DerError> {
        let (primitive, constructed) = implicit.unwrap_or((OCTET_STRING, OCTET_STRING_CONSTRUCTED));
        let tlv = self.any()?;
        if tlv.tag == primitive {
            return Ok(Cow::Borrowed(tlv.value));
        }
        if tlv.tag != constructed {
            return Err(DerError::UnexpectedTag {
                expected: primitive,
                found: tlv.tag,
            });
        }
        let mut inner = Reader::new(tlv.value);
        let mut out = Vec::with_capacity(tlv.value.len());
        while !inner.is_empty() {
            out.extend_from_slice(&inner.octets(None)?);
        }
        Ok(Cow::Owned(out))
    }

    /// A small non-negative INTEGER (an iteration count, a version).
    pub fn small_uint(&mut self) -> Result<u32, DerError> {
        let tlv = self.expect(INTEGER)?;
        let digits = match tlv.value {
            [0, rest @ ..] => rest,
            [first, ..] if first & 0x80 != 0 => return Err(DerError::Unsupported),
            v => v,
        };
        if digits.len() > 4 {
            return Err(DerError::Unsupported);
        }
        Ok(digits
            .iter()
            .fold(0u32, |acc, d| (acc << 8) | u32::from(*d)))
    }
}

/// True when `bytes` is exactly one DER SEQUENCE (a sanity check of decrypted data).
pub fn is_one_sequence(bytes: &[u8]) -> bool {
    let mut r = Reader::new(bytes);
    r.expect(SEQUENCE).is_ok() && r.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths_and_refuses_ber() {
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7u8, 0x80));
        let mut r = Reader::new(&long);
        assert_eq!(r.octets(None).expect("long").len(), 0x80);
        assert!(r.is_empty());
        let mut r = Reader::new(&[0x30, 0x03, 0x02, 0x01, 0x05]);
        let mut seq = r.enter(SEQUENCE).expect("seq");
        assert_eq!(seq.small_uint(), Ok(5));
        assert_eq!(
            Reader::new(&[0x30, 0x80, 0, 0]).any().err(),
            Some(DerError::IndefiniteLength)
        );
        assert_eq!(
            Reader::new(&[0x30, 0x05, 0x02]).any().err(),
            Some(DerError::Truncated)
        );
        assert_eq!(
            Reader::new(&[0x02, 0x01, 0x05]).expect(SEQUENCE).err(),
            Some(DerError::UnexpectedTag {
                expected: 0x30,
                found: 0x02
            })
        );
        // a constructed OCTET STRING of two pieces
        let ber = [0x24, 0x08, 0x04, 0x02, 1, 2, 0x04, 0x02, 3, 4];
        assert_eq!(
            &*Reader::new(&ber).octets(None).expect("ber"),
            &[1, 2, 3, 4]
        );
        assert!(is_one_sequence(&[0x30, 0x00]));
        assert!(!is_one_sequence(&[0x30, 0x00, 0x00]));
    }
}
