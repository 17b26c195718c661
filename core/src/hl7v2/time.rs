//! HL7 v2 dates and times (DTM, and TS.1 before v2.6) to FHIR date, dateTime and instant.
//! A time without a zone takes the site's fixed UTC offset; without one it is refused
//! (never the machine's zone).

/// A parsed DTM: `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dtm {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
    hour: Option<u8>,
    minute: Option<u8>,
    second: Option<u8>,
    fraction: String,
    zone: Option<i16>,
}

/// Why a DTM cannot become a FHIR dateTime or instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// Not a DTM, or a date that does not exist.
    #[error("is not an HL7 v2 date/time (YYYY[MM[DD[HHMM[SS[.S]]]]][+/-ZZZZ])")]
    Format,
    /// A time of day without a zone, and no site time zone configured.
    #[error("has a time without a time zone, and no site time zone is configured")]
    NoZone,
}

fn two(b: &[u8]) -> u8 {
    (b[0] - b'0') * 10 + (b[1] - b'0')
}

/// Parses a DTM; `None` when it is not one (or names a day that does not exist).
pub fn parse_dtm(s: &str) -> Option<Dtm> {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !matches!(digits, 4 | 6 | 8 | 10 | 12 | 14) {
        return None;
    }
    let mut rest = &b[digits..];
    let mut fraction = String::new();
    if let Some(r) = rest.strip_prefix(b".") {
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits != 14 || n == 0 || n > 9 {
            return None;
        }
        fraction = String::from_utf8_lossy(&r[..n]).into_owned();
        rest = &r[n..];
    }
    let zone = match rest {
        [] => None,
        [sign @ (b'+' | b'-'), z @ ..] if z.len() == 4 && z.iter().all(u8::is_ascii_digit) => {
            let (h, m) = (two(&z[..2]), two(&z[2..]));
            if h > 14 || m > 59 {
                return None;
            }
            let minutes = i16::from(h) * 60 + i16::from(m);
            Some(if *sign == b'-' { -minutes } else { minutes })
        }
        _ => return None,
    };
    let year = u16::from(two(&b[..2])) * 100 + u16::from(two(&b[2..4]));
    let at = |i: usize| (digits > i).then(|| two(&b[i..i + 2]));
    let d = Dtm {
        year,
        month: at(4),
        day: at(6),
        hour: at(8),
        minute: at(10),
        second: at(12),
        fraction,
        zone,
    };
    let month_ok = d.month.is_none_or(|m| (1..=12).contains(&m));
    let day_ok = match (d.month, d.day) {
        (Some(m), Some(day)) => day >= 1 && day <= days_in_month(year, m),
        _ => true,
    };
    let time_ok = d.hour.is_none_or(|h| h < 24)
        && d.minute.is_none_or(|m| m < 60)
        && d.second.is_none_or(|s| s < 60);
    (year >= 1 && month_ok && day_ok && time_ok).then_some(d)
}

fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A UTC offset option: `+01:00`, `-0500`, `+01`, `Z` or `UTC`; minutes east of UTC.
pub fn parse_offset(s: &str) -> Option<i16> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(digits.len() == 2 || digits.len() == 4) {
        return None;
    }
    let b = digits.as_bytes();
    let h = i16::from(two(&b[..2]));
    let m = if b.len() == 4 {
        i16::from(two(&b[2..]))
    } else {
        0
    };
    (h <= 14 && m < 60 && (rest.len() == digits.len() || rest.as_bytes().get(2) == Some(&b':')))
        .then_some(sign * (h * 60 + m))
}

/// Appends `n` with `width` digits at least (zero-padded), like `{n:0width$}`.
fn push_padded(out: &mut String, n: u16, width: u32) {
    let digits: u32 = if n >= 10_000 {
        5
    } else if n >= 1000 {
        4
    } else if n >= 100 {
        3
    } else if n >= 10 {
        2
    } else {
        1
    };
    for _ in digits..width {
        out.push('0');
    }
    let mut div = 10u16.pow(digits - 1);
    while div > 0 {
        // n / div % 10 < 10: the cast cannot truncate.
        out.push(char::from(b'0' + (n / div % 10) as u8));
        div /= 10;
    }
}

fn push_zone(out: &mut String, minutes: i16) {
    out.push(if minutes < 0 { '-' } else { '+' });
    let m = minutes.unsigned_abs();
    push_padded(out, m / 60, 2);
    out.push(':');
    push_padded(out, m % 60, 2);
}

impl Dtm {
    /// The FHIR date, keeping the precision (`1980`, `1980-06`, `1980-06-16`); a time of
    /// day is dropped.
    pub fn date(&self) -> String {
        let mut s = String::with_capacity(10);
        push_padded(&mut s, self.year, 4);
        if let Some(m) = self.month {
            s.push('-');
            push_padded(&mut s, u16::from(m), 2);
            if let Some(d) = self.day {
                s.push('-');
                push_padded(&mut s, u16::from(d), 2);
            }
        }
        s
    }

    /// The FHIR dateTime: a date when no time of day is given; otherwise the time to the
    /// second, with the DTM's zone or the site's.
    pub fn date_time(&self, site: Option<i16>) -> Result<String, TimeError> {
        if self.hour.is_none() {
            return Ok(self.date());
        }
        self.full(site)
    }

    /// The FHIR instant (missing parts of the day are zero), with the DTM's zone or the
    /// site's; a date alone is refused like a time without zone when no zone is known.
    pub fn instant(&self, site: Option<i16>) -> Result<String, TimeError> {
        self.full(site)
    }

    fn full(&self, site: Option<i16>) -> Result<String, TimeError> {
        let zone = self.zone.or(site).ok_or(TimeError::NoZone)?;
        let mut s = String::with_capacity(35);
        push_padded(&mut s, self.year, 4);
        for (sep, part) in [
            ('-', self.month.unwrap_or(1)),
            ('-', self.day.unwrap_or(1)),
            ('T', self.hour.unwrap_or(0)),
            (':', self.minute.unwrap_or(0)),
            (':', self.second.unwrap_or(0)),
        ] {
            s.push(sep);
            push_padded(&mut s, u16::from(part), 2);
        }
        if !self.fraction.is_empty() {
            s.push('.');
            s.push_str(&self.fraction);
        }
        push_zone(&mut s, zone);
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_numbers_are_formats_zero_padding() {
        for n in [
            0u16,
            1,
            9,
            10,
            59,
            99,
            100,
            999,
            1000,
            2026,
            9999,
            10_000,
            u16::MAX,
        ] {
            for width in [1u32, 2, 4] {
                let mut s = String::new();
                push_padded(&mut s, n, width);
                assert_eq!(s, format!("{n:0w$}", w = width as usize));
            }
        }
        let mut z = String::new();
        push_zone(&mut z, -330);
        push_zone(&mut z, 60);
        push_zone(&mut z, 0);
        assert_eq!(z, "-05:30+01:00+00:00");
    }

    #[test]
    fn dates_and_instants_keep_their_text() {
        let d = parse_dtm("20260105083009.25-0130").expect("dtm");
        assert_eq!(d.date(), "2026-01-05");
        assert_eq!(
            d.instant(None).as_deref(),
            Ok("2026-01-05T08:30:09.25-01:30")
        );
        let d = parse_dtm("0987").expect("dtm");
        assert_eq!(d.date(), "0987");
        assert_eq!(
            d.instant(Some(60)).as_deref(),
            Ok("0987-01-01T00:00:00+01:00")
        );
        assert_eq!(parse_dtm("198006").expect("dtm").date(), "1980-06");
    }
}
