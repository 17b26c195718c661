//! The hash of a JSON member name that keys each node's generated member index
//! ([`super::NodeDef::member`]). Std-only: xtask compiles this file too, so the tables and the
//! lookup always agree.
//!
//! This is the one place of the member-lookup trick: every member of every object is looked
//! up in its node's table by [`member_hash`] (constant time, no loop over the name), then one
//! comparison of the name found (length first, two words for names up to 16 bytes: see
//! `json::bytes_eq`).

/// One slot of a node's member index (open addressing, linear probing; the table's length
/// is a power of two with at least one empty slot).
///
/// The slot holds the member name itself: the lookup compares the key with it directly,
/// instead of following the node to its element, the element to its types and the type to
/// its name (three dependent loads per member of every object; `perf` put member lookup at
/// 11% of `pfhir validate --ndjson`, waiting on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberSlot {
    /// The low 16 bits of [`member_hash`] of the JSON member name.
    pub hash: u16,
    /// The element's index in the node, or [`MemberSlot::EMPTY`].
    pub element: u8,
    /// The type's index in the element (the choice type a member name selects).
    pub ty: u8,
    /// The JSON member name (empty in an empty slot).
    pub name: &'static str,
}

impl MemberSlot {
    /// `element` of an empty slot.
    pub const EMPTY: u8 = u8::MAX;
    /// An empty slot.
    pub const NONE: MemberSlot = MemberSlot {
        hash: 0,
        element: Self::EMPTY,
        ty: 0,
        name: "",
    };
}

/// The hash of a JSON member name, in constant time: its length, its first and its last
/// eight bytes (fewer for shorter names), mixed by one multiplication. Member names are 2 to
/// 30 bytes and differ at their start or end (`onsetAge`, `onsetDateTime`), so this spreads
/// them as well as a hash of every byte; names that collide cost one more comparison.
///
/// Measured on the partner Bundle (cachegrind, instructions per Bundle): FNV-1a over every
/// byte cost about 2 100; this costs about 750 (under 8 per name). With the comparison of the
/// name found by `json::bytes_eq` instead of `memcmp`, member lookup went from 5 900 to 3 600.
#[inline]
pub fn member_hash(bytes: &[u8]) -> u32 {
    let n = bytes.len();
    let word = |at: usize| -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let half = |at: usize| -> u64 {
        let mut w = [0u8; 4];
        w.copy_from_slice(&bytes[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let (head, tail) = match n {
        8.. => (word(0), word(n - 8)),
        4..=7 => (half(0), half(n - 4)),
        _ => {
            let mut w = 0u64;
            for (i, &b) in bytes.iter().enumerate() {
                w |= u64::from(b) << (8 * i);
            }
            (w, 0)
        }
    };
    let x = (head ^ tail.rotate_left(29) ^ (n as u64)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (x >> 32) as u32
}

/// The slot where the probe for a hash starts in a table of `len` slots (a power of two).
pub const fn home_slot(hash: u32, len: usize) -> usize {
    (hash as usize ^ (hash as usize >> 16)) & (len - 1)
}
