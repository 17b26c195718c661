//! The hash of a JSON member name that keys each node's generated member index
//! ([`super::NodeDef::member`]). Std-only: xtask compiles this file too, so the tables and the
//! lookup always agree.

/// One slot of a node's member index (open addressing, linear probing; the table's length
/// is a power of two with at least one empty slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberSlot {
    /// The low 16 bits of [`member_hash`] of the JSON member name.
    pub hash: u16,
    /// The element's index in the node, or [`MemberSlot::EMPTY`].
    pub element: u8,
    /// The type's index in the element (the choice type a member name selects).
    pub ty: u8,
}

impl MemberSlot {
    /// `element` of an empty slot.
    pub const EMPTY: u8 = u8::MAX;
    /// An empty slot.
    pub const NONE: MemberSlot = MemberSlot {
        hash: 0,
        element: Self::EMPTY,
        ty: 0,
    };
}

/// FNV-1a (32 bits) of a member name's bytes. Member names are short (2 to 30 bytes): a
/// byte loop is as fast as anything wider and needs no unsafe code.
pub const fn member_hash(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

/// The slot where the probe for a hash starts in a table of `len` slots (a power of two).
pub const fn home_slot(hash: u32, len: usize) -> usize {
    (hash as usize ^ (hash as usize >> 16)) & (len - 1)
}
