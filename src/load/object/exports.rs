//! The addresses of the global symbols linked objects define, by name:
//! the names in one buffer and a table of ranges into it (one allocation
//! for all names, not one per name). Filled in symbol-table order, while
//! the symbols are resolved, so the tables are read front to back.

use alloc::vec::Vec;
use core::hash::BuildHasher;
use hashbrown::{DefaultHashBuilder, HashTable};

/// One exported name: where it is in `names`, and its value.
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    len: usize,
    value: u64,
    /// The value is an offset in the image (else an absolute value).
    in_image: bool,
}

/// Name → address, for the symbols a [`Linked`](super::Linked) exports.
#[derive(Default)]
pub(crate) struct Exports {
    names: Vec<u8>,
    table: HashTable<Entry>,
    hasher: DefaultHashBuilder,
    /// The image's address, added to the values in it.
    base: u64,
}

impl core::fmt::Debug for Exports {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Exports")
            .field("symbols", &self.table.len())
            .finish()
    }
}

impl Exports {
    /// Room for about `count` names.
    pub(crate) fn with_capacity(count: usize) -> Exports {
        let mut e = Exports::default();
        e.table.reserve(count, |_| 0);
        e.names.reserve(count.saturating_mul(16));
        e
    }

    /// Adds `name` (each name once) with `value`, an image offset if
    /// `in_image`.
    pub(crate) fn push(&mut self, name: &[u8], value: u64, in_image: bool) {
        let start = self.names.len();
        self.names.extend_from_slice(name);
        let hash = self.hasher.hash_one(name);
        let (names, hasher) = (&self.names, &self.hasher);
        let entry = Entry {
            start,
            len: name.len(),
            value,
            in_image,
        };
        self.table.insert_unique(hash, entry, |e| {
            hasher.hash_one(&names[e.start..e.start + e.len])
        });
    }

    /// Sets the image's address, once it is mapped.
    pub(crate) fn set_base(&mut self, base: u64) {
        self.base = base;
    }

    fn address(&self, e: &Entry) -> usize {
        if e.in_image {
            self.base.wrapping_add(e.value) as usize
        } else {
            e.value as usize
        }
    }

    /// The address of `name`.
    pub(crate) fn get(&self, name: &[u8]) -> Option<usize> {
        let hash = self.hasher.hash_one(name);
        self.table
            .find(hash, |e| &self.names[e.start..e.start + e.len] == name)
            .map(|e| self.address(e))
    }

    /// Every name and address.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&[u8], usize)> {
        self.table
            .iter()
            .map(|e| (&self.names[e.start..e.start + e.len], self.address(e)))
    }
}
