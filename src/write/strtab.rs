//! String tables with deduplication and tail merging: `"bar"` is stored
//! once inside `"foobar"`. Output is deterministic.

use alloc::vec::Vec;
use hashbrown::HashMap;

/// Builds a string table. Add every string, then [`finish`](Self::finish)
/// to get the bytes and each string's offset.
#[derive(Debug, Default, Clone)]
pub struct StringTableBuilder<'a> {
    ids: HashMap<&'a [u8], usize>,
    strings: Vec<&'a [u8]>,
}

/// The handle of a string added to a [`StringTableBuilder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StringId(usize);

/// A finished string table.
#[derive(Debug, Clone, Default)]
pub struct FinishedStrings {
    /// The table's bytes, starting with the empty string.
    pub data: Vec<u8>,
    offsets: Vec<u32>,
}

impl FinishedStrings {
    /// The offset of a string.
    pub fn offset(&self, id: StringId) -> u32 {
        self.offsets.get(id.0).copied().unwrap_or(0)
    }
}

impl<'a> StringTableBuilder<'a> {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder with room for `n` strings.
    pub fn with_capacity(n: usize) -> Self {
        StringTableBuilder {
            ids: HashMap::with_capacity(n),
            strings: Vec::with_capacity(n),
        }
    }

    /// Adds `s` (without NUL), returning its handle; equal strings share one.
    pub fn add(&mut self, s: &'a [u8]) -> StringId {
        let next = self.strings.len();
        let id = *self.ids.entry(s).or_insert(next);
        if id == next {
            self.strings.push(s);
        }
        StringId(id)
    }

    /// Lays the strings out: longest-suffix-first order, so a string that
    /// ends another is stored inside it.
    pub fn finish(&self) -> FinishedStrings {
        // Sort by reversed bytes, descending: each string follows the ones
        // it is a suffix of. The last 8 bytes, reversed into a big-endian
        // word (zero-padded), order most pairs in one comparison; the full
        // comparison only breaks ties.
        let key = |s: &[u8]| {
            let mut k = 0u64;
            for (n, &b) in s.iter().rev().take(8).enumerate() {
                k |= u64::from(b) << (56 - 8 * n);
            }
            k
        };
        // Descending keys as ascending complements: a plain sort of integer
        // pairs, then only runs of equal keys get the full comparison.
        let mut keyed: Vec<(u64, usize)> = self
            .strings
            .iter()
            .enumerate()
            .map(|(i, s)| (!key(s), i))
            .collect();
        keyed.sort_unstable();
        let mut start = 0;
        while start < keyed.len() {
            let k = keyed[start].0;
            let end = start + keyed[start..].iter().take_while(|e| e.0 == k).count();
            if end - start > 1 {
                keyed[start..end].sort_unstable_by(|&(_, a), &(_, b)| {
                    let (x, y) = (self.strings[a], self.strings[b]);
                    y.iter().rev().cmp(x.iter().rev()).then(a.cmp(&b))
                });
            }
            start = end;
        }
        let order = keyed.into_iter().map(|(_, i)| i);
        let total: usize = self.strings.iter().map(|s| s.len() + 1).sum();
        let mut data = Vec::with_capacity(total + 1);
        data.push(0);
        let mut offsets = alloc::vec![0u32; self.strings.len()];
        let mut prev: Option<(&[u8], usize)> = None;
        for i in order {
            let s = self.strings[i];
            if s.is_empty() {
                offsets[i] = 0;
                continue;
            }
            if let Some((p, at)) = prev {
                if p.ends_with(s) {
                    offsets[i] = (at + p.len() - s.len()) as u32;
                    continue;
                }
            }
            let at = data.len();
            data.extend_from_slice(s);
            data.push(0);
            offsets[i] = at as u32;
            prev = Some((s, at));
        }
        FinishedStrings { data, offsets }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::StringTable;

    #[test]
    fn dedups_and_merges_tails() {
        let mut b = StringTableBuilder::new();
        let names: [&[u8]; 6] = [b"foobar", b"bar", b"", b"foobar", b"ar", b"baz"];
        let ids: Vec<_> = names.iter().map(|n| b.add(n)).collect();
        assert_eq!(ids[0], ids[3]);
        let t = b.finish();
        // "foobar\0" and "baz\0" after the leading NUL; "bar" and "ar" inside "foobar".
        assert_eq!(t.data.len(), 1 + 7 + 4);
        let r = StringTable::new(&t.data, 0);
        for (n, id) in names.iter().zip(&ids) {
            assert_eq!(r.get(t.offset(*id)).unwrap(), *n);
        }
    }
}
