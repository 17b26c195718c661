//! Lexical rules of the STU3 primitive types: hand-written full-match parsers, cross-checked
//! against the official regexes in the tests. Dates are also checked against the calendar
//! (the regexes accept `2019-02-31`; pfhir does not).

use crate::spec::Primitive;

/// The largest value of `integer`, `unsignedInt` and `positiveInt`.
const INT_MAX: i64 = i32::MAX as i64;

/// What a value of the primitive must look like, for messages.
pub fn expected_format(p: Primitive) -> &'static str {
    match p {
        Primitive::Date => "a date: YYYY, YYYY-MM or YYYY-MM-DD",
        Primitive::DateTime => {
            "a dateTime: YYYY, YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss[.fff] with a time zone (Z or +hh:mm)"
        }
        Primitive::Instant => "an instant: YYYY-MM-DDThh:mm:ss[.fff] with a time zone (Z or +hh:mm)",
        Primitive::Time => "a time: hh:mm:ss[.fff]",
        Primitive::Id => "an id: 1 to 64 letters, digits, '-' or '.'",
        Primitive::Oid => "an OID: urn:oid: followed by dot-separated numbers",
        Primitive::Uri => "a URI without whitespace",
        Primitive::Code => "a code: no leading, trailing or repeated whitespace",
        Primitive::Decimal => "a decimal without exponent",
        Primitive::Integer => "an integer",
        Primitive::PositiveInt => "a positive integer",
        Primitive::UnsignedInt => "a non-negative integer",
        Primitive::Base64Binary => "base64 data",
        Primitive::Xhtml => "an XHTML <div> element",
        Primitive::Boolean | Primitive::String | Primitive::Markdown => "a string",
    }
}

/// Why a primitive value is not acceptable (beyond its JSON type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatError {
    /// The text does not match the type's format.
    Format,
    /// An integer outside its type's range.
    Range,
}

/// Checks a string-valued primitive's text.
pub fn check_string(p: Primitive, s: &str) -> Result<(), FormatError> {
    let ok = match p {
        Primitive::Date => is_date(s),
        Primitive::DateTime => is_date_time(s),
        Primitive::Instant => is_instant(s),
        Primitive::Time => is_time(s.as_bytes()),
        Primitive::Id => is_id(s),
        Primitive::Oid => is_oid(s),
        Primitive::Uri => is_uri(s),
        Primitive::Code => is_code(s),
        Primitive::Base64Binary => is_base64(s),
        Primitive::Xhtml => s.trim_start().starts_with("<div"),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(FormatError::Format)
    }
}

/// Checks a number-valued primitive's exact JSON text.
pub fn check_number(p: Primitive, text: &str) -> Result<(), FormatError> {
    match p {
        Primitive::Decimal => {
            if is_decimal(text) {
                Ok(())
            } else {
                Err(FormatError::Format)
            }
        }
        Primitive::Integer | Primitive::UnsignedInt | Primitive::PositiveInt => {
            if !is_integer(text) || (p != Primitive::Integer && text == "-0") {
                return Err(FormatError::Format);
            }
            // Digits beyond 19 overflow i64: certainly out of range.
            let v: i64 = text.parse().map_err(|_| FormatError::Range)?;
            let min = match p {
                Primitive::Integer => -INT_MAX - 1,
                Primitive::UnsignedInt => 0,
                _ => 1,
            };
            if (min..=INT_MAX).contains(&v) {
                Ok(())
            } else {
                Err(FormatError::Range)
            }
        }
        _ => Ok(()),
    }
}

fn digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

fn num(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

/// `-?(0|[1-9][0-9]*)`
fn is_integer(s: &str) -> bool {
    let b = s.strip_prefix('-').unwrap_or(s).as_bytes();
    digits(b) && (b.len() == 1 || b[0] != b'0')
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`
fn is_decimal(s: &str) -> bool {
    match s.split_once('.') {
        Some((int, frac)) => is_integer(int) && digits(frac.as_bytes()),
        None => is_integer(s),
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses the date part at the start of `s`; returns the number of bytes used and the
/// precision (1 = year, 2 = month, 3 = day).
fn date_prefix(s: &[u8]) -> Option<(usize, u8)> {
    let neg = s.first() == Some(&b'-');
    let b = if neg { &s[1..] } else { s };
    let off = usize::from(neg);
    if b.len() < 4 || !digits(&b[..4]) {
        return None;
    }
    let year = i64::from(num(&b[..4]));
    if b.len() == 4 || b[4] != b'-' {
        return Some((off + 4, 1));
    }
    if b.len() < 7 || !digits(&b[5..7]) {
        return None;
    }
    let month = num(&b[5..7]);
    if !(1..=12).contains(&month) {
        return None;
    }
    if b.len() == 7 || b[7] != b'-' {
        return Some((off + 7, 2));
    }
    if b.len() < 10 || !digits(&b[8..10]) {
        return None;
    }
    let day = num(&b[8..10]);
    if day < 1 || day > days_in_month(if neg { -year } else { year }, month) {
        return None;
    }
    Some((off + 10, 3))
}

/// `hh:mm:ss(.f+)?` with hh < 24, mm < 60, ss < 60 (STU3 does not allow leap second 60).
fn is_time(b: &[u8]) -> bool {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    if !(digits(&b[..2]) && digits(&b[3..5]) && digits(&b[6..8])) {
        return false;
    }
    if num(&b[..2]) > 23 || num(&b[3..5]) > 59 || num(&b[6..8]) > 59 {
        return false;
    }
    match &b[8..] {
        [] => true,
        [b'.', frac @ ..] => digits(frac),
        _ => false,
    }
}

/// `Z` or `(+|-)hh:mm` with hh <= 13 (or exactly 14:00).
fn is_zone(b: &[u8]) -> bool {
    match b {
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let (h, m) = ([*h1, *h2], [*m1, *m2]);
            if !digits(&h) || !digits(&m) {
                return false;
            }
            let (h, m) = (num(&h), num(&m));
            (h <= 13 && m <= 59) || (h == 14 && m == 0)
        }
        _ => false,
    }
}

/// Splits `hh:mm:ss(.f+)?ZONE` into time and zone.
fn time_and_zone(b: &[u8]) -> bool {
    let zone_at = b
        .iter()
        .enumerate()
        .skip(8)
        .find(|(_, c)| matches!(c, b'Z' | b'+' | b'-'))
        .map(|(i, _)| i);
    match zone_at {
        Some(i) => is_time(&b[..i]) && is_zone(&b[i..]),
        None => false,
    }
}

fn is_date(s: &str) -> bool {
    date_prefix(s.as_bytes()).is_some_and(|(n, _)| n == s.len())
}

fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    match date_prefix(b) {
        Some((n, _)) if n == b.len() => true,
        Some((n, 3)) if b[n] == b'T' => time_and_zone(&b[n + 1..]),
        _ => false,
    }
}

fn is_instant(s: &str) -> bool {
    let b = s.as_bytes();
    match date_prefix(b) {
        Some((n, 3)) if b.get(n) == Some(&b'T') => time_and_zone(&b[n + 1..]),
        _ => false,
    }
}

/// `[A-Za-z0-9\-\.]{1,64}`. A table lookup per byte, not a chain of range tests: on UUIDs
/// (hex digits and dashes in no order a branch predictor can learn) the chain mispredicted
/// on most bytes, and `is_id` was three quarters of the format checks' time (perf).
fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|c| ID_BYTES[usize::from(c)])
}

/// The bytes an `id` may hold.
static ID_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
        c += 1;
    }
    t
};

/// `urn:oid:(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*`
fn is_oid(s: &str) -> bool {
    s.strip_prefix("urn:oid:").is_some_and(is_bare_oid)
}

/// A bare OID (`2.16.724.4.2`), as partner organizations are named: arcs of digits without
/// a leading zero, between single dots. Split as bytes (splitting the `str` by a `char`
/// searched each arc's dot with `memchr`: 680 instructions for this example).
pub fn is_bare_oid(s: &str) -> bool {
    s.as_bytes()
        .split(|&c| c == b'.')
        .all(|arc| digits(arc) && (arc.len() == 1 || arc.first() != Some(&b'0')))
}

/// True when every byte is printable ASCII other than space (`!` to `~`, or DEL): then a
/// URI or a code has no whitespace at all. Eight bytes at a time (SWAR, as the JSON reader
/// scans strings); nearly every URI, id-like code and system in a FHIR document passes, so
/// the exact checks below run only for the others. Took the format checks of the partner
/// Bundle from about 5 000 to about 2 800 instructions per Bundle.
fn is_ascii_graphic_run(b: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut words = b.chunks_exact(8);
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte below 0x21 borrows into its high bit; a byte of 0x80 or more has it set.
        if (w.wrapping_sub(ONES * 0x21) | w) & HIGH != 0 {
            return false;
        }
    }
    words.remainder().iter().all(|&c| c > b' ' && c < 0x80)
}

/// Non-empty, no whitespace.
fn is_uri(s: &str) -> bool {
    if is_ascii_graphic_run(s.as_bytes()) {
        return !s.is_empty();
    }
    if s.is_ascii() {
        !s.is_empty() && !s.bytes().any(is_ascii_space)
    } else {
        !s.chars().any(char::is_whitespace)
    }
}

/// `[^\s]+([\s]?[^\s]+)*`: no leading, trailing or doubled whitespace.
fn is_code(s: &str) -> bool {
    if is_ascii_graphic_run(s.as_bytes()) {
        return !s.is_empty();
    }
    if s.is_ascii() {
        no_bad_spaces(s.bytes().map(is_ascii_space))
    } else {
        no_bad_spaces(s.chars().map(char::is_whitespace))
    }
}

/// [`is_code`] over whether each character is whitespace.
fn no_bad_spaces(spaces: impl Iterator<Item = bool>) -> bool {
    let mut prev_space = true;
    for space in spaces {
        if space && prev_space {
            return false;
        }
        prev_space = space;
    }
    !prev_space
}

/// [`char::is_whitespace`] for an ASCII byte. ASCII text (nearly every code and URI) is
/// checked byte by byte, without decoding characters: this took format checks on the partner
/// Bundle from about 6 000 to about 5 000 instructions.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// Base64: groups of four characters of the base64 alphabet, `=` padding only at the end;
/// whitespace between characters is ignored.
fn is_base64(s: &str) -> bool {
    let mut n = 0usize;
    let mut pad = 0usize;
    for c in s.bytes() {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            b'=' => pad += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if pad == 0 => {}
            _ => return false,
        }
        n += 1;
    }
    n > 0 && n.is_multiple_of(4) && pad <= 2
}

/// A BCP 13 MIME type: `type/subtype` of RFC 6838 token characters, optional parameters.
pub fn is_mime_type(s: &str) -> bool {
    let main = s.split(';').next().unwrap_or("").trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&c))
    };
    match main.split_once('/') {
        Some((t, sub)) => token(t) && token(sub),
        None => false,
    }
}

/// A comparable key of a date, dateTime or instant: (UTC-normalized text when a time with a
/// zone is present, precision). Values of different precision are not comparable in FHIRPath.
pub fn temporal_key(s: &str) -> Option<(String, u8)> {
    let b = s.as_bytes();
    let (n, precision) = date_prefix(b)?;
    if n == b.len() {
        return Some((s.to_string(), precision));
    }
    if precision != 3 || b[n] != b'T' || !time_and_zone(&b[n + 1..]) {
        return None;
    }
    // Normalize to UTC seconds since the epoch (proleptic Gregorian), keeping the fraction.
    let t = &b[n + 1..];
    let zone_at = t
        .iter()
        .enumerate()
        .skip(8)
        .find(|(_, c)| matches!(c, b'Z' | b'+' | b'-'))
        .map(|(i, _)| i)?;
    let neg = b[0] == b'-';
    let year_digits = &b[usize::from(neg)..usize::from(neg) + 4];
    let mut year = i64::from(num(year_digits));
    if neg {
        year = -year;
    }
    let month = i64::from(num(&b[n - 5..n - 3]));
    let day = i64::from(num(&b[n - 2..n]));
    let secs_of_day =
        i64::from(num(&t[..2])) * 3600 + i64::from(num(&t[3..5])) * 60 + i64::from(num(&t[6..8]));
    let offset = match t[zone_at] {
        b'Z' => 0,
        sign => {
            let z = &t[zone_at + 1..];
            let mins = i64::from(num(&z[..2])) * 60 + i64::from(num(&z[3..5]));
            if sign == b'+' {
                mins * 60
            } else {
                -mins * 60
            }
        }
    };
    let epoch = days_from_civil(year, month, day) * 86_400 + secs_of_day - offset;
    let frac = std::str::from_utf8(&t[8..zone_at]).ok()?;
    let frac = frac.strip_prefix('.').unwrap_or("");
    Some((format!("{epoch:+021}.{frac:0<9}"), 4))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graphic_run_test_agrees_with_the_bytes_at_every_length_and_position() {
        let slow = |b: &[u8]| b.iter().all(|&c| c > b' ' && c < 0x80);
        for n in 0..40usize {
            let base: Vec<u8> = (0..n).map(|i| b'!' + ((i * 7) % 94) as u8).collect();
            assert!(is_ascii_graphic_run(&base), "length {n}");
            for at in 0..n {
                for bad in [
                    0u8,
                    b'\t',
                    b'\n',
                    b' ',
                    0x20 - 1,
                    0x80,
                    0xc3,
                    0xff,
                    b'!',
                    b'~',
                    0x7f,
                ] {
                    let mut b = base.clone();
                    b[at] = bad;
                    assert_eq!(
                        is_ascii_graphic_run(&b),
                        slow(&b),
                        "length {n}, {bad:#x} at {at}"
                    );
                }
            }
        }
        // The fast path changes no answer of the URI and code checks.
        for s in [
            "",
            "a",
            "urn:uuid:1",
            "a b",
            " a",
            "a ",
            "a  b",
            "\u{a0}x",
            "x\u{2003}",
            "é",
        ] {
            let uri = !s.is_empty() && !s.chars().any(char::is_whitespace);
            assert_eq!(is_uri(s), uri, "{s:?}");
            let code = !s.is_empty()
                && !s.starts_with(char::is_whitespace)
                && !s.ends_with(char::is_whitespace)
                && !s.contains("  ");
            assert_eq!(is_code(s), code, "{s:?}");
        }
    }

    #[test]
    fn dates() {
        for ok in ["2020", "2020-02", "2020-02-29", "-0044-03-15", "2000-02-29"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "20",
            "2020-2",
            "2020-13",
            "2019-02-29",
            "1900-02-29",
            "2020-04-31",
            "2020-01-00",
            "2020-01-01T10:00:00Z",
            " 2020",
            "2020-01-1",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn date_times_need_a_zone_with_a_time() {
        for ok in [
            "2020",
            "2020-01",
            "2020-01-02",
            "2020-01-02T10:11:12Z",
            "2020-01-02T10:11:12.345+01:00",
            "2020-01-02T23:59:59-14:00",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2020-01-02T10:11:12",
            "2020-01-02T10:11Z",
            "2020-01-02T24:00:00Z",
            "2020-01-02T10:11:12+14:30",
            "2020-01-02T10:11:12.Z",
            "2020-01T10:11:12Z",
            "2020-01-02 10:11:12Z",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
        assert!(is_instant("2020-03-27T12:21:39.471Z"));
        assert!(!is_instant("2020-03-27"));
        assert!(!is_instant("2020-03-27T12:21:39"));
    }

    #[test]
    fn numbers() {
        assert_eq!(check_number(Primitive::Decimal, "1.50"), Ok(()));
        assert_eq!(
            check_number(Primitive::Decimal, "1e5"),
            Err(FormatError::Format)
        );
        assert_eq!(check_number(Primitive::Integer, "-2147483648"), Ok(()));
        assert_eq!(
            check_number(Primitive::Integer, "2147483648"),
            Err(FormatError::Range)
        );
        assert_eq!(
            check_number(Primitive::Integer, "99999999999999999999999"),
            Err(FormatError::Range)
        );
        assert_eq!(
            check_number(Primitive::Integer, "1.0"),
            Err(FormatError::Format)
        );
        assert_eq!(check_number(Primitive::UnsignedInt, "0"), Ok(()));
        assert_eq!(
            check_number(Primitive::UnsignedInt, "-1"),
            Err(FormatError::Range)
        );
        assert_eq!(
            check_number(Primitive::PositiveInt, "0"),
            Err(FormatError::Range)
        );
    }

    #[test]
    fn strings() {
        assert!(is_id("a-b.C9") && !is_id("a_b") && !is_id(&"a".repeat(65)));
        assert!(is_oid("urn:oid:2.16.724.4.41") && !is_oid("2.16.724") && !is_oid("urn:oid:1.02"));
        assert!(is_bare_oid("2.16.724.4.2") && !is_bare_oid("urn:oid:2.16") && !is_bare_oid(""));
        assert!(is_bare_oid("0") && is_bare_oid("0.0.10") && is_oid("urn:oid:1"));
        for bad in [
            "1..2",
            "1.",
            ".1",
            "-1",
            "1.-2",
            "01",
            "1.02",
            "1.2a",
            "1 .2",
            "1.2\u{e9}",
        ] {
            assert!(!is_bare_oid(bad), "{bad}");
        }
        assert!(
            is_code("new-bundle")
                && is_code("a b")
                && !is_code(" a")
                && !is_code("a  b")
                && !is_code("a ")
        );
        assert!(is_uri("http://x/y") && !is_uri("http://x y") && !is_uri(""));
        assert!(
            is_base64("QUJD\nREVG") && is_base64("QQ==") && !is_base64("QQ=A") && !is_base64("QUJ")
        );
        assert!(is_mime_type("application/fhir+json; charset=utf-8") && !is_mime_type("json"));
    }

    #[test]
    fn temporal_keys_compare_in_utc() {
        let a = temporal_key("2020-01-01T10:00:00+02:00").expect("a");
        let b = temporal_key("2020-01-01T09:00:00Z").expect("b");
        assert!(a < b);
        assert_eq!(temporal_key("2020-05").map(|k| k.1), Some(2));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    /// The hand-written checks accept exactly what the official regexes accept, except for
    /// impossible calendar days, which pfhir refuses on top.
    #[test]
    fn agree_with_the_official_regexes() {
        use crate::spec::type_def;
        let samples = [
            "",
            "0",
            "1",
            "-1",
            "01",
            "1.5",
            "1.",
            ".5",
            "-0",
            "2147483647",
            "2020",
            "2020-1",
            "2020-01",
            "2020-00",
            "2020-13",
            "2020-01-01",
            "2020-01-00",
            "2020-01-32",
            "2020-02-30",
            "2020-01-01T00:00:00Z",
            "2020-01-01T00:00:00",
            "2020-01-01T23:59:60Z",
            "2020-01-01T10:00:00.1+14:00",
            "2020-01-01T10:00:00-14:01",
            "10:00:00",
            "24:00:00",
            "10:00",
            "10:00:00.5",
            "abc",
            "a b",
            "a  b",
            " a",
            "urn:oid:1.2.3",
            "urn:oid:01",
            "a-b.c",
            "a_b",
            "-0044",
            "20201",
            "2020-01-01T",
            "2020-01-01T10:00:00.Z",
        ];
        let calendar = ["2020-01-00", "2020-02-30"];
        for name in [
            "integer",
            "unsignedInt",
            "positiveInt",
            "decimal",
            "code",
            "id",
            "oid",
            "date",
            "dateTime",
            "time",
        ] {
            let td = type_def(name).expect("type");
            let p = td.primitive.expect("primitive");
            let re = regex::Regex::new(&format!("^(?:{})$", td.regex.expect("regex")))
                .expect("regex compiles");
            for s in samples {
                let ours = match p.json_type() {
                    crate::spec::JsonType::Number => check_number(p, s).is_ok() && !s.is_empty(),
                    _ => check_string(p, s).is_ok(),
                };
                let theirs = re.is_match(s);
                let temporal = matches!(p, Primitive::Date | Primitive::DateTime | Primitive::Time);
                let calendar_case = temporal && calendar.iter().any(|c| s.starts_with(c));
                let leap_second = temporal && s.contains(":60");
                if calendar_case || leap_second {
                    assert!(!ours, "{name} {s:?}: pfhir must refuse");
                } else if p == Primitive::Integer
                    || p == Primitive::UnsignedInt
                    || p == Primitive::PositiveInt
                {
                    // The regexes do not bound the range; pfhir does.
                    assert!(
                        !ours || theirs,
                        "{name} {s:?}: pfhir accepts what the regex refuses"
                    );
                } else {
                    assert_eq!(ours, theirs, "{name} {s:?}");
                }
            }
        }
    }

    #[test]
    fn ascii_and_unicode_text_agree_on_whitespace() {
        // Every ASCII byte: the byte test and char::is_whitespace agree.
        for b in 0u8..0x80 {
            assert_eq!(
                is_ascii_space(b),
                char::from(b).is_whitespace(),
                "byte {b:#x}"
            );
        }
        // Non-ASCII text takes the char path: U+00A0 and U+2003 are whitespace.
        assert!(!is_uri("http://x/\u{a0}y") && is_uri("http://x/é"));
        assert!(is_code("é\u{2003}a") && !is_code("é\u{2003}\u{2003}a") && !is_code("é\u{a0}"));
        assert!(!is_code("a\tb\x0b") && is_code("a\x0cb"));
    }
}
