//! String tables with deduplication and tail merging: `"bar"` is stored
//! once inside `"foobar"`. Output is deterministic.
//!
//! Both happen in one sort. Sorted by their reversed bytes, descending, the
//! strings that end with `s` come right before `s`, and copies of `s` right
//! after it, so one pass over the sorted order stores each string once or
//! inside the one stored just before it. A hash map in front would only
//! repeat what the sort already finds (and cost a hash of every string).
//! The sort ([`tail_sort`]) costs O(total bytes + number of strings) on
//! every input: long shared suffixes and copies included.

use alloc::vec::Vec;

mod tail_sort;

use tail_sort::{Steps, common_suffix, tail_order};

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
    /// One bit per string: set when its bytes are its own, clear when it
    /// lies inside another string (or is empty), so `write` skips it.
    stored: Vec<u64>,
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
    /// stored inside another is skipped (the other writes its bytes).
    pub fn write<'s>(&self, strings: impl IntoIterator<Item = &'s [u8]>, out: &mut [u8]) {
        if let Some(first) = out.first_mut() {
            *first = 0;
        }
        for (i, (s, &at)) in strings.into_iter().zip(&self.offsets).enumerate() {
            if self
                .stored
                .get(i / 64)
                .is_none_or(|w| w >> (i % 64) & 1 == 0)
            {
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
        self.layout_counting(&mut Steps::default())
    }

    /// [`layout`](Self::layout), counting the sort's and the merge's steps
    /// into `steps` (under `cfg(test)`).
    fn layout_counting(&self, steps: &mut Steps) -> StringLayout {
        let order = tail_order(&self.strings, steps);
        let mut size = 1usize;
        let mut offsets = alloc::vec![0u32; self.strings.len()];
        let mut stored = alloc::vec![0u64; self.strings.len().div_ceil(64)];
        let mut prev: &[u8] = &[];
        let mut prev_at = 0usize;
        for i in order {
            let s = self.strings[i];
            if s.is_empty() {
                // Offset 0, where tools look for "no name".
                continue;
            }
            // The last bytes first: they differ soonest.
            let shared = common_suffix(prev, s, s.len());
            steps.add(shared + 1);
            if shared == s.len() {
                offsets[i] = (prev_at + prev.len() - s.len()) as u32;
                continue;
            }
            prev_at = size;
            size += s.len() + 1;
            offsets[i] = prev_at as u32;
            stored[i / 64] |= 1 << (i % 64);
            prev = s;
        }
        StringLayout {
            size,
            offsets,
            stored,
        }
    }
}

#[cfg(test)]
mod tests;
