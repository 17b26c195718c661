//! Fresh ids (UUID v4), the ids of further Conditions, and timestamps (instants in UTC).

/// Random bytes were not available from the operating system.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the system random number generator failed")]
pub struct RandomError;

/// A random UUID (version 4), lower case (`5109d51b-421e-4746-b673-16e3fe2b3442`).
pub fn uuid_v4() -> Result<String, RandomError> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).map_err(|_| RandomError)?;
    Ok(format_uuid_v4(b))
}

/// Fresh UUIDs for one Bundle: the random bytes of up to [`FreshIds::BATCH`] ids come from
/// one call to the operating system's generator (one system call per Bundle instead of one
/// per id). Each id still has its own 122 random bits; nothing is kept between Bundles (so
/// nothing is shared across `fork`).
pub(super) struct FreshIds {
    bytes: [u8; 16 * FreshIds::BATCH],
    next: usize,
}

impl FreshIds {
    /// Ids per call to the generator (a Bundle has 3, and one per Condition).
    const BATCH: usize = 4;

    /// No random bytes read yet: Bundles with every id given read none.
    pub(super) fn new() -> FreshIds {
        FreshIds {
            bytes: [0; 16 * FreshIds::BATCH],
            next: FreshIds::BATCH,
        }
    }

    /// The next random UUID (version 4).
    pub(super) fn uuid_v4(&mut self) -> Result<String, RandomError> {
        if self.next == FreshIds::BATCH {
            getrandom::getrandom(&mut self.bytes).map_err(|_| RandomError)?;
            self.next = 0;
        }
        let mut b = [0u8; 16];
        b.copy_from_slice(&self.bytes[self.next * 16..(self.next + 1) * 16]);
        // Used bytes are not kept.
        self.bytes[self.next * 16..(self.next + 1) * 16].fill(0);
        self.next += 1;
        Ok(format_uuid_v4(b))
    }
}

/// `b` as a version 4 UUID (version and variant bits set), lower case.
fn format_uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(x >> 4)]));
        out.push(char::from(HEX[usize::from(x & 0x0f)]));
    }
    out
}

/// The id of the Condition at 1-based `position` when the caller gave ids for fewer
/// Conditions than there are: the first Condition's id, `-`, the position (`c1-3`).
pub(super) fn derived_condition_id(first: &str, position: usize) -> String {
    format!("{first}-{position}")
}

/// The date of a day count since 1970-01-01 (proleptic Gregorian; inverse of
/// `days_from_civil`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats milliseconds since the Unix epoch as an STU3 instant (`2020-03-27T12:21:39.471Z`).
pub fn instant_from_millis(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// The current time as an instant, where the platform has a clock (`None` on
/// wasm32-unknown-unknown, whose callers pass the time in).
pub fn now_instant() -> Option<String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_millis();
        Some(instant_from_millis(i64::try_from(ms).ok()?))
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::primitives::days_from_civil;

    #[test]
    fn uuids_are_version_4() {
        let a = uuid_v4().expect("random");
        let b = uuid_v4().expect("random");
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        for (i, c) in a.char_indices() {
            if matches!(i, 8 | 13 | 18 | 23) {
                assert_eq!(c, '-', "{a}");
            } else {
                assert!(c.is_ascii_hexdigit() && !c.is_ascii_uppercase(), "{a}");
            }
        }
    }

    #[test]
    fn fresh_ids_are_distinct_version_4_uuids_past_a_batch() {
        let mut fresh = FreshIds::new();
        let ids: Vec<String> = (0..3 * FreshIds::BATCH + 1)
            .map(|_| fresh.uuid_v4().expect("random"))
            .collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(id.len(), 36);
            assert_eq!(&id[14..15], "4", "{id}");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
            assert!(!ids[..i].contains(id), "id {i} repeats an earlier one");
        }
        // A new batch for each Bundle: two builders never give the same id.
        let other = FreshIds::new().uuid_v4().expect("random");
        assert!(!ids.contains(&other));
    }

    #[test]
    fn derived_condition_ids_are_the_first_id_and_the_position() {
        assert_eq!(derived_condition_id("c1", 3), "c1-3");
        assert_ne!(derived_condition_id("c1", 2), derived_condition_id("c1", 3));
    }

    #[test]
    fn instants_format_and_round_trip_days() {
        assert_eq!(instant_from_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            instant_from_millis(1_585_311_699_471),
            "2020-03-27T12:21:39.471Z"
        );
        for days in [-1_000_000, -1, 0, 59, 11_016, 20_000, 1_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }
        assert!(now_instant().is_some_and(|n| n.ends_with('Z')));
    }
}
