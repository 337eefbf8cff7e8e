//! String tables with deduplication and tail merging: `"bar"` is stored
//! once inside `"foobar"`. Output is deterministic.
//!
//! Both happen in one sort. Sorted by their reversed bytes, descending, the
//! strings that end with `s` come right before `s`, and copies of `s` right
//! after it, so one pass over the sorted order stores each string once or
//! inside the one stored just before it. A hash map in front would only
//! repeat what the sort already finds (and cost a hash of every string).

use alloc::vec::Vec;

/// Builds a string table. Add every string, then [`finish`](Self::finish)
/// to get the bytes and each string's offset.
///
/// ```
/// use elfin::write::StringTableBuilder;
///
/// let mut b = StringTableBuilder::new();
/// let foobar = b.add(b"foobar");
/// let bar = b.add(b"bar");
/// let again = b.add(b"foobar");
/// let t = b.finish();
/// assert_eq!(t.data, b"\0foobar\0");
/// assert_eq!((t.offset(foobar), t.offset(bar), t.offset(again)), (1, 4, 1));
/// ```
#[derive(Debug, Default, Clone)]
pub struct StringTableBuilder<'a> {
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

/// Where each string of a table goes, without the bytes: what layout needs
/// before anything is written. The bytes are written later, straight into
/// the output, so a large `.strtab` is never held twice.
#[derive(Debug, Clone, Default)]
pub struct StringLayout {
    size: usize,
    offsets: Vec<u32>,
}

impl StringLayout {
    /// The table's size in bytes, with the leading and every closing NUL.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The offset of a string.
    pub fn offset(&self, id: StringId) -> u32 {
        self.offsets.get(id.0).copied().unwrap_or(0)
    }

    /// Writes the table into `out` (`size()` bytes). `strings` are the
    /// strings that were added, in the order they were added; a string
    /// stored inside another is written again over the same bytes.
    pub fn write<'s>(&self, strings: impl IntoIterator<Item = &'s [u8]>, out: &mut [u8]) {
        if let Some(first) = out.first_mut() {
            *first = 0;
        }
        for (s, &at) in strings.into_iter().zip(&self.offsets) {
            if s.is_empty() {
                continue;
            }
            let at = at as usize;
            if let Some(dst) = out.get_mut(at..at + s.len() + 1) {
                dst[..s.len()].copy_from_slice(s);
                dst[s.len()] = 0;
            }
        }
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
            strings: Vec::with_capacity(n),
        }
    }

    /// Adds `s` (without NUL), returning its handle. Equal strings get
    /// different handles and the same offset.
    pub fn add(&mut self, s: &'a [u8]) -> StringId {
        self.strings.push(s);
        StringId(self.strings.len() - 1)
    }

    /// Lays the strings out: longest-suffix-first order, so a string that
    /// ends another (or equals it) is stored inside it.
    pub fn finish(&self) -> FinishedStrings {
        let layout = self.layout();
        let mut data = alloc::vec![0u8; layout.size];
        layout.write(self.strings.iter().copied(), &mut data);
        FinishedStrings {
            data,
            offsets: layout.offsets,
        }
    }

    /// The offsets and size [`finish`](Self::finish) would give, without
    /// making the bytes; [`StringLayout::write`] makes them later.
    pub fn layout(&self) -> StringLayout {
        // Descending reversed order as ascending complements of a key that
        // holds the last 8 bytes; only runs of equal keys need the full
        // comparison.
        let mut keyed: Vec<(u64, usize)> = self
            .strings
            .iter()
            .enumerate()
            .map(|(i, s)| (!tail_key(s), i))
            .collect();
        sort_by_key(&mut keyed);
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
        let mut size = 1usize;
        let mut offsets = alloc::vec![0u32; self.strings.len()];
        let mut prev: &[u8] = &[];
        let mut prev_at = 0usize;
        for (_, i) in keyed {
            let s = self.strings[i];
            if s.is_empty() {
                // Offset 0, where tools look for "no name".
                continue;
            }
            if prev.ends_with(s) {
                offsets[i] = (prev_at + prev.len() - s.len()) as u32;
                continue;
            }
            prev_at = size;
            size += s.len() + 1;
            offsets[i] = prev_at as u32;
            prev = s;
        }
        StringLayout { size, offsets }
    }
}

/// The last 8 bytes of `s`, last byte highest; shorter strings are padded
/// with zeros below, so a string sorts after every string it ends.
fn tail_key(s: &[u8]) -> u64 {
    match s.last_chunk::<8>() {
        Some(tail) => u64::from_le_bytes(*tail),
        None => {
            let mut buf = [0u8; 8];
            buf[8 - s.len()..].copy_from_slice(s);
            u64::from_le_bytes(buf)
        }
    }
}

/// Sorts by key, stably: a least-significant-digit radix sort on the
/// key's bytes, skipping the bytes all keys share. Names share most of
/// their last bytes' values (`E`, hex digits), so this does a few cheap
/// passes where a comparison sort does log2(n) expensive ones.
fn sort_by_key(v: &mut Vec<(u64, usize)>) {
    if v.len() < 64 {
        v.sort_by_key(|e| e.0);
        return;
    }
    let mut counts = [[0usize; 256]; 8];
    for &(k, _) in v.iter() {
        for (d, c) in counts.iter_mut().enumerate() {
            c[(k >> (8 * d)) as u8 as usize] += 1;
        }
    }
    let n = v.len();
    let mut from = core::mem::take(v);
    let mut to = alloc::vec![(0u64, 0usize); n];
    for (d, c) in counts.iter_mut().enumerate() {
        if c.contains(&n) {
            continue;
        }
        let mut sum = 0;
        for x in c.iter_mut() {
            let count = *x;
            *x = sum;
            sum += count;
        }
        for &e in &from {
            let slot = &mut c[(e.0 >> (8 * d)) as u8 as usize];
            to[*slot] = e;
            *slot += 1;
        }
        core::mem::swap(&mut from, &mut to);
    }
    *v = from;
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
        let t = b.finish();
        // "foobar\0" and "baz\0" after the leading NUL; "bar" and "ar" inside "foobar".
        assert_eq!(t.data.len(), 1 + 7 + 4);
        assert_eq!(t.offset(ids[0]), t.offset(ids[3]));
        let r = StringTable::new(&t.data, 0);
        for (n, id) in names.iter().zip(&ids) {
            assert_eq!(r.get(t.offset(*id)).unwrap(), *n);
        }
    }

    /// Many strings (the radix path) against a plain model: every string
    /// reads back, and no string is stored twice or where it is a suffix
    /// of another stored string.
    #[test]
    fn radix_path_matches_the_model() {
        let mut x = 0x1234_5678_9abc_def1u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut owned: Vec<Vec<u8>> = Vec::new();
        for _ in 0..3000 {
            let len = (next() % 14) as usize;
            // A small alphabet makes suffixes and duplicates common.
            let s: Vec<u8> = (0..len).map(|_| b"abE"[(next() % 3) as usize]).collect();
            owned.push(s);
        }
        let mut b = StringTableBuilder::new();
        let ids: Vec<_> = owned.iter().map(|s| b.add(s)).collect();
        let t = b.finish();
        let r = StringTable::new(&t.data, 0);
        for (s, id) in owned.iter().zip(&ids) {
            assert_eq!(r.get(t.offset(*id)).unwrap(), &s[..]);
        }
        // The stored strings are exactly the distinct strings that end no
        // other string.
        let stored: Vec<&[u8]> = t.data[1..]
            .split(|&c| c == 0)
            .filter(|s| !s.is_empty())
            .collect();
        let mut expect: Vec<&[u8]> = owned
            .iter()
            .map(|s| &s[..])
            .filter(|s| !s.is_empty())
            .filter(|s| !owned.iter().any(|o| o.len() > s.len() && o.ends_with(s)))
            .collect();
        expect.sort();
        expect.dedup();
        let mut got = stored.clone();
        got.sort();
        assert_eq!(got, expect);
    }
}
