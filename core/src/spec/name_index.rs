//! Constant-time lookup of a type or resource name, as a document gives it (`resourceType`),
//! in the generated name tables.
//!
//! A binary search over the 68 type names (or the 119 resource type names) costs about seven
//! string comparisons, each a call to `memcmp` and a hard-to-predict branch: measured with
//! `perf` on `pfhir validate --ndjson`, `type_def` and its `memcmp` calls took about 5% of
//! validation time for four lookups per partner Bundle. This index hashes the name once
//! ([`member_hash`], as the member lookup does) and compares one name.

use super::member_hash::{home_slot, member_hash};
use crate::json::bytes_eq;

/// Slots of an index: a power of two, at least twice the longest table (119 names).
const SLOTS: usize = 512;

/// An open-addressing index (linear probing) of a name table: each slot holds 1 + the
/// position of a name in the table, or 0 when empty.
pub(crate) struct NameIndex {
    slots: [u16; SLOTS],
}

impl NameIndex {
    /// Indexes `names` (fewer than [`SLOTS`] / 2; a longer table is a generator change that
    /// fails the tests of this module).
    pub(crate) fn new<'n>(names: impl Iterator<Item = &'n str>) -> NameIndex {
        let mut slots = [0u16; SLOTS];
        for (pos, name) in names.enumerate().take(SLOTS / 2) {
            let mut i = home_slot(member_hash(name.as_bytes()), SLOTS);
            while slots[i] != 0 {
                i = (i + 1) & (SLOTS - 1);
            }
            slots[i] = pos as u16 + 1;
        }
        NameIndex { slots }
    }

    /// The position of `key` in the table, where `name_at` gives the table's names.
    #[inline]
    pub(crate) fn find<'n>(&self, key: &str, name_at: impl Fn(usize) -> &'n str) -> Option<usize> {
        let mut i = home_slot(member_hash(key.as_bytes()), SLOTS);
        loop {
            let pos = usize::from(self.slots[i]).checked_sub(1)?;
            if bytes_eq(name_at(pos).as_bytes(), key.as_bytes()) {
                return Some(pos);
            }
            i = (i + 1) & (SLOTS - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{is_resource_type, type_def, RESOURCE_TYPES, TYPES};

    #[test]
    fn every_name_is_found_where_the_table_has_it_and_others_are_not() {
        assert!(TYPES.len() < SLOTS / 2 && RESOURCE_TYPES.len() < SLOTS / 2);
        for (i, t) in TYPES.iter().enumerate() {
            assert!(
                type_def(t.name).is_some_and(|d| std::ptr::eq(d, TYPES[i])),
                "{}",
                t.name
            );
        }
        for name in RESOURCE_TYPES {
            assert!(is_resource_type(name), "{name}");
        }
        for other in [
            "",
            "patient",
            "Patient ",
            "Patien",
            "Patients",
            "Bundle\0",
            "ValueSetX",
        ] {
            assert!(type_def(other).is_none(), "{other:?}");
            assert!(!is_resource_type(other), "{other:?}");
        }
        // The same answers as a binary search, for every prefix of every name.
        for name in TYPES
            .iter()
            .map(|t| t.name)
            .chain(RESOURCE_TYPES.iter().copied())
        {
            for end in 0..=name.len() {
                let key = &name[..end];
                let by_search = TYPES.binary_search_by(|t| t.name.cmp(key)).is_ok();
                assert_eq!(type_def(key).is_some(), by_search, "{key:?}");
                assert_eq!(
                    is_resource_type(key),
                    RESOURCE_TYPES.binary_search(&key).is_ok()
                );
            }
        }
    }
}
