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

use tail_sort::{Steps, TailOrder, tail_order};

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
    /// For each string, whether its bytes are its own (the rest lie
    /// inside one of them, or are empty). The stored strings and their
    /// NULs tile the table after its leading NUL.
    pub(crate) stored: Vec<bool>,
    /// Each string equal to one before it in sorted order, with the first
    /// string of its run of equal strings: `(copy, first)`, runs
    /// consecutive. Equal offsets mean equal strings (a string is read
    /// from its offset to the NUL), so this is every repeated name.
    pub(crate) copies: Vec<(usize, usize)>,
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
        let strings: Vec<&[u8]> = strings.into_iter().collect();
        self.write_with(|i| strings.get(i).copied().unwrap_or(&[]), out);
    }

    /// [`write`](Self::write); `string(i)` is the `i`th string added.
    /// Stops where `out` ends.
    ///
    /// The strings are copied in the order they were added, each to its
    /// offset: their bytes are read front to back (callers hold them in
    /// that order, in a file or one allocation after another), and only
    /// the writes, inside the table, jump. In the table's sorted order
    /// each string read was a cache miss (a tenth of building a
    /// 100,000-name object).
    pub(crate) fn write_with<'s>(&self, string: impl Fn(usize) -> &'s [u8], out: &mut [u8]) {
        if let Some(first) = out.first_mut() {
            *first = 0;
        }
        for (i, &at) in self.offsets.iter().enumerate() {
            if !self.stored[i] {
                continue;
            }
            let s = string(i);
            let at = at as usize;
            let Some(dst) = out.get_mut(at..at + s.len() + 1) else {
                continue;
            };
            dst[..s.len()].copy_from_slice(s);
            dst[s.len()] = 0;
        }
    }

    /// Appends the table's bytes to `out`; `string(i)` is the `i`th
    /// string added.
    pub(crate) fn append<'s>(&self, string: impl Fn(usize) -> &'s [u8], out: &mut Vec<u8>) {
        let start = out.len();
        // Every byte is written below; zeroing first is one sequential
        // pass, cheaper than the misses of writing in sorted order.
        out.resize(start + self.size, 0);
        self.write_with(string, &mut out[start..]);
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
        let TailOrder {
            order,
            ends_previous,
        } = tail_order(&self.strings, steps);
        let mut size = 1usize;
        let mut offsets = alloc::vec![0u32; self.strings.len()];
        let mut stored = alloc::vec![false; self.strings.len()];
        let mut copies = Vec::new();
        let mut prev: &[u8] = &[];
        let mut prev_at = 0usize;
        // The previous non-empty string in sorted order, and the first of
        // its run of equal strings.
        let (mut last_at, mut run_first) = (0usize, 0usize);
        for (i, ends_prev) in order.into_iter().zip(ends_previous) {
            let s = self.strings[i];
            if s.is_empty() {
                // Offset 0, where tools look for "no name". The empty
                // strings come last.
                continue;
            }
            steps.add(1);
            // A string that ends the one before it ends the one stored
            // last (which that one ends, or is).
            let at = if ends_prev {
                prev_at + prev.len() - s.len()
            } else {
                prev_at = size;
                size += s.len() + 1;
                stored[i] = true;
                prev = s;
                prev_at
            };
            offsets[i] = at as u32;
            if at == last_at {
                copies.push((i, run_first));
            } else {
                run_first = i;
            }
            last_at = at;
        }
        StringLayout {
            size,
            offsets,
            stored,
            copies,
        }
    }
}

#[cfg(test)]
mod tests;
