//! Class and byte order at run time, and zero-copy tables of records.
//!
//! A file's class and byte order are known only once its first bytes are
//! read, while zerocopy's byte-order types are fixed at compile time. elfin
//! takes the typed slice of raw records once (`&[Sym64<LE>]`, …) and keeps it
//! in a four-way [`Table`]; reading an entry decodes it into a small native
//! `Copy` value. The match on the four cases is made once per entry and is
//! perfectly predicted, so walking a table costs a load and maybe a byte swap.

use crate::raw::{BE, LE};
use zerocopy::byteorder::{ByteOrder, U16, U32, U64};
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

/// The file's class: 32 or 64 bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// `ELFCLASS32`.
    Elf32,
    /// `ELFCLASS64`.
    Elf64,
}

/// The file's byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endian {
    /// `ELFDATA2LSB`.
    Little,
    /// `ELFDATA2MSB`.
    Big,
}

/// Class and byte order together: the four kinds of ELF file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encoding {
    /// 32 or 64 bit.
    pub class: Class,
    /// Little or big endian.
    pub endian: Endian,
}

impl Encoding {
    /// The size in bytes of an address (4 or 8).
    pub const fn address_size(self) -> usize {
        match self.class {
            Class::Elf32 => 4,
            Class::Elf64 => 8,
        }
    }

    /// Reads a `u16` in this byte order from the start of `bytes`.
    pub fn read_u16(self, bytes: &[u8]) -> Option<u16> {
        let b: [u8; 2] = bytes.get(..2)?.try_into().ok()?;
        Some(match self.endian {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        })
    }

    /// Reads a `u32` in this byte order from the start of `bytes`.
    pub fn read_u32(self, bytes: &[u8]) -> Option<u32> {
        let b: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
        Some(match self.endian {
            Endian::Little => u32::from_le_bytes(b),
            Endian::Big => u32::from_be_bytes(b),
        })
    }

    /// Reads a `u64` in this byte order from the start of `bytes`.
    pub fn read_u64(self, bytes: &[u8]) -> Option<u64> {
        let b: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
        Some(match self.endian {
            Endian::Little => u64::from_le_bytes(b),
            Endian::Big => u64::from_be_bytes(b),
        })
    }

    /// Reads an address-sized word (4 or 8 bytes) from the start of `bytes`.
    pub fn read_word(self, bytes: &[u8]) -> Option<u64> {
        match self.class {
            Class::Elf32 => self.read_u32(bytes).map(u64::from),
            Class::Elf64 => self.read_u64(bytes),
        }
    }
}

/// A raw on-disk record that decodes into the native value `N`.
pub trait RawRecord<N>: FromBytes + KnownLayout + Immutable + Unaligned + Sized {
    /// Decodes the record, swapping bytes where the file's order needs it.
    fn decode(&self) -> N;
}

/// A native record type and the raw records it is decoded from, one per class.
pub trait Record: Copy {
    /// The 32-bit raw record.
    type Raw32<O: ByteOrder>: RawRecord<Self>;
    /// The 64-bit raw record.
    type Raw64<O: ByteOrder>: RawRecord<Self>;
}

/// A borrowed, typed table of raw records in one of the four encodings.
///
/// Power users can match on it to reach the raw records directly.
pub enum Table<'a, N: Record> {
    /// 32-bit little-endian records.
    Le32(&'a [N::Raw32<LE>]),
    /// 32-bit big-endian records.
    Be32(&'a [N::Raw32<BE>]),
    /// 64-bit little-endian records.
    Le64(&'a [N::Raw64<LE>]),
    /// 64-bit big-endian records.
    Be64(&'a [N::Raw64<BE>]),
}

impl<N: Record> Clone for Table<'_, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<N: Record> Copy for Table<'_, N> {}

impl<N: Record> core::fmt::Debug for Table<'_, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Table").field("len", &self.len()).finish()
    }
}

impl<'a, N: Record> Table<'a, N> {
    /// The size of one raw record in this encoding.
    pub fn entry_size(enc: Encoding) -> usize {
        match enc.class {
            Class::Elf32 => core::mem::size_of::<N::Raw32<LE>>(),
            Class::Elf64 => core::mem::size_of::<N::Raw64<LE>>(),
        }
    }

    /// An empty table.
    pub fn empty(enc: Encoding) -> Self {
        Self::new(enc, &[])
    }

    /// The table of as many whole records as fit in `bytes` (a partial
    /// record at the end is left out).
    pub fn new(enc: Encoding, bytes: &'a [u8]) -> Self {
        // Record sizes are constants above zero.
        let n = bytes.len().checked_div(Self::entry_size(enc)).unwrap_or(0);
        // A whole number of records always fits, so these casts cannot fail;
        // an empty table is the fallback that keeps the code panic-free.
        match (enc.class, enc.endian) {
            (Class::Elf32, Endian::Little) => Table::Le32(prefix(bytes, n)),
            (Class::Elf32, Endian::Big) => Table::Be32(prefix(bytes, n)),
            (Class::Elf64, Endian::Little) => Table::Le64(prefix(bytes, n)),
            (Class::Elf64, Endian::Big) => Table::Be64(prefix(bytes, n)),
        }
    }

    /// The number of records.
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            Table::Le32(s) => s.len(),
            Table::Be32(s) => s.len(),
            Table::Le64(s) => s.len(),
            Table::Be64(s) => s.len(),
        }
    }

    /// Whether the table has no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The record at `index`, decoded.
    #[inline]
    pub fn get(&self, index: usize) -> Option<N> {
        match self {
            Table::Le32(s) => s.get(index).map(RawRecord::decode),
            Table::Be32(s) => s.get(index).map(RawRecord::decode),
            Table::Le64(s) => s.get(index).map(RawRecord::decode),
            Table::Be64(s) => s.get(index).map(RawRecord::decode),
        }
    }

    /// The records from `start` on (empty if `start` is past the end).
    pub fn skip(&self, start: usize) -> Self {
        match *self {
            Table::Le32(s) => Table::Le32(s.get(start..).unwrap_or(&[])),
            Table::Be32(s) => Table::Be32(s.get(start..).unwrap_or(&[])),
            Table::Le64(s) => Table::Le64(s.get(start..).unwrap_or(&[])),
            Table::Be64(s) => Table::Be64(s.get(start..).unwrap_or(&[])),
        }
    }

    /// The first `count` records (all of them if there are fewer).
    pub fn take(&self, count: usize) -> Self {
        match *self {
            Table::Le32(s) => Table::Le32(s.get(..count).unwrap_or(s)),
            Table::Be32(s) => Table::Be32(s.get(..count).unwrap_or(s)),
            Table::Le64(s) => Table::Le64(s.get(..count).unwrap_or(s)),
            Table::Be64(s) => Table::Be64(s.get(..count).unwrap_or(s)),
        }
    }

    /// An iterator decoding every record.
    pub fn iter(&self) -> TableIter<'a, N> {
        match *self {
            Table::Le32(s) => TableIter::Le32(s.iter()),
            Table::Be32(s) => TableIter::Be32(s.iter()),
            Table::Le64(s) => TableIter::Le64(s.iter()),
            Table::Be64(s) => TableIter::Be64(s.iter()),
        }
    }
}

/// The first `n` records of `bytes`, where `n` whole records are known to fit.
fn prefix<T: FromBytes + KnownLayout + Immutable + Unaligned>(bytes: &[u8], n: usize) -> &[T] {
    <[T]>::ref_from_prefix_with_elems(bytes, n).map_or(&[], |(t, _)| t)
}

impl<'a, N: Record> IntoIterator for Table<'a, N> {
    type Item = N;
    type IntoIter = TableIter<'a, N>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// An iterator over a [`Table`], decoding each record.
pub enum TableIter<'a, N: Record> {
    /// 32-bit little endian.
    Le32(core::slice::Iter<'a, N::Raw32<LE>>),
    /// 32-bit big endian.
    Be32(core::slice::Iter<'a, N::Raw32<BE>>),
    /// 64-bit little endian.
    Le64(core::slice::Iter<'a, N::Raw64<LE>>),
    /// 64-bit big endian.
    Be64(core::slice::Iter<'a, N::Raw64<BE>>),
}

impl<N: Record> Clone for TableIter<'_, N> {
    fn clone(&self) -> Self {
        match self {
            TableIter::Le32(i) => TableIter::Le32(i.clone()),
            TableIter::Be32(i) => TableIter::Be32(i.clone()),
            TableIter::Le64(i) => TableIter::Le64(i.clone()),
            TableIter::Be64(i) => TableIter::Be64(i.clone()),
        }
    }
}

impl<N: Record> core::fmt::Debug for TableIter<'_, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TableIter")
            .field("remaining", &self.len())
            .finish()
    }
}

impl<N: Record> Iterator for TableIter<'_, N> {
    type Item = N;

    #[inline]
    fn next(&mut self) -> Option<N> {
        match self {
            TableIter::Le32(i) => i.next().map(RawRecord::decode),
            TableIter::Be32(i) => i.next().map(RawRecord::decode),
            TableIter::Le64(i) => i.next().map(RawRecord::decode),
            TableIter::Be64(i) => i.next().map(RawRecord::decode),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len();
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<N> {
        match self {
            TableIter::Le32(i) => i.nth(n).map(RawRecord::decode),
            TableIter::Be32(i) => i.nth(n).map(RawRecord::decode),
            TableIter::Le64(i) => i.nth(n).map(RawRecord::decode),
            TableIter::Be64(i) => i.nth(n).map(RawRecord::decode),
        }
    }

    // Hoists the four-way match out of the loop for internal iteration.
    fn fold<B, F: FnMut(B, N) -> B>(self, init: B, mut f: F) -> B {
        match self {
            TableIter::Le32(i) => i.fold(init, |acc, r| f(acc, r.decode())),
            TableIter::Be32(i) => i.fold(init, |acc, r| f(acc, r.decode())),
            TableIter::Le64(i) => i.fold(init, |acc, r| f(acc, r.decode())),
            TableIter::Be64(i) => i.fold(init, |acc, r| f(acc, r.decode())),
        }
    }
}

impl<N: Record> ExactSizeIterator for TableIter<'_, N> {
    fn len(&self) -> usize {
        match self {
            TableIter::Le32(i) => i.len(),
            TableIter::Be32(i) => i.len(),
            TableIter::Le64(i) => i.len(),
            TableIter::Be64(i) => i.len(),
        }
    }
}

impl<N: Record> DoubleEndedIterator for TableIter<'_, N> {
    fn next_back(&mut self) -> Option<N> {
        match self {
            TableIter::Le32(i) => i.next_back().map(RawRecord::decode),
            TableIter::Be32(i) => i.next_back().map(RawRecord::decode),
            TableIter::Le64(i) => i.next_back().map(RawRecord::decode),
            TableIter::Be64(i) => i.next_back().map(RawRecord::decode),
        }
    }
}

impl<N: Record> core::iter::FusedIterator for TableIter<'_, N> {}

// Plain words: address-sized (`u64` native: 4 bytes in 32-bit files, 8 in
// 64-bit ones), and fixed 32- and 16-bit words in both classes.
impl<O: ByteOrder> RawRecord<u64> for U32<O> {
    fn decode(&self) -> u64 {
        u64::from(self.get())
    }
}
impl<O: ByteOrder> RawRecord<u64> for U64<O> {
    fn decode(&self) -> u64 {
        self.get()
    }
}
impl Record for u64 {
    type Raw32<O: ByteOrder> = U32<O>;
    type Raw64<O: ByteOrder> = U64<O>;
}
impl<O: ByteOrder> RawRecord<u32> for U32<O> {
    fn decode(&self) -> u32 {
        self.get()
    }
}
impl Record for u32 {
    type Raw32<O: ByteOrder> = U32<O>;
    type Raw64<O: ByteOrder> = U32<O>;
}
impl<O: ByteOrder> RawRecord<u16> for U16<O> {
    fn decode(&self) -> u16 {
        self.get()
    }
}
impl Record for u16 {
    type Raw32<O: ByteOrder> = U16<O>;
    type Raw64<O: ByteOrder> = U16<O>;
}

/// Implements `RawRecord<$native>` for both classes of a record family by
/// copying the named fields (with `u64::from` widening for 32-bit ones).
macro_rules! decode_both {
    ($native:ident, $raw32:ident, $raw64:ident, |$r:ident| $body:expr) => {
        impl<O: zerocopy::byteorder::ByteOrder> $crate::read::encoding::RawRecord<$native>
            for $raw32<O>
        {
            #[inline]
            // One body serves both classes: widening in 32-bit, identity in 64-bit.
            #[allow(clippy::useless_conversion)]
            fn decode(&self) -> $native {
                let $r = self;
                $body
            }
        }
        impl<O: zerocopy::byteorder::ByteOrder> $crate::read::encoding::RawRecord<$native>
            for $raw64<O>
        {
            #[inline]
            // One body serves both classes: widening in 32-bit, identity in 64-bit.
            #[allow(clippy::useless_conversion)]
            fn decode(&self) -> $native {
                let $r = self;
                $body
            }
        }
        impl $crate::read::encoding::Record for $native {
            type Raw32<O: zerocopy::byteorder::ByteOrder> = $raw32<O>;
            type Raw64<O: zerocopy::byteorder::ByteOrder> = $raw64<O>;
        }
    };
}
pub(crate) use decode_both;
