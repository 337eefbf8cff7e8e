//! String tables: NUL-terminated byte strings found by offset.

use crate::error::{Error, Field, Result, Structure};

/// A string table (`SHT_STRTAB`, or `DT_STRTAB`/`DT_STRSZ`).
///
/// Strings are returned as `&[u8]` without the NUL, because real files
/// carry names that are not UTF-8; [`get_str`](Self::get_str) is the
/// `&str` helper on top.
#[derive(Debug, Clone, Copy, Default)]
pub struct StringTable<'a> {
    data: &'a [u8],
    offset: u64,
}

impl<'a> StringTable<'a> {
    /// A string table over `data`, which starts at file offset `offset`
    /// (used in errors).
    pub const fn new(data: &'a [u8], offset: u64) -> Self {
        StringTable { data, offset }
    }

    /// The table's bytes.
    pub const fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The file offset of the table.
    pub const fn offset(&self) -> u64 {
        self.offset
    }

    /// The string at `index`, without its NUL.
    ///
    /// # Errors
    ///
    /// Fails when `index` is past the end of the table or the string has no
    /// terminating NUL.
    ///
    /// ```
    /// let strings = elfin::read::StringTable::new(b"\0.text\0.data\0", 0);
    /// assert_eq!(strings.get(1).unwrap(), b".text");
    /// assert_eq!(strings.get(4).unwrap(), b"xt"); // names may share tails
    /// assert!(strings.get(99).is_err());
    /// ```
    #[inline]
    pub fn get(&self, index: u32) -> Result<&'a [u8]> {
        let tail = match self.data.get(index as usize..) {
            Some(t) => t,
            None => return Err(self.bad_index(index)),
        };
        match nul_position(tail).and_then(|end| tail.get(..end)) {
            Some(name) => Ok(name),
            None => Err(Error::unterminated(
                Structure::StringTable,
                self.offset.saturating_add(u64::from(index)),
            )),
        }
    }

    /// Whether the string at `index` is `name` (no search for the NUL).
    #[inline]
    pub fn eq_at(&self, index: u32, name: &[u8]) -> bool {
        let start = index as usize;
        let Some(end) = start.checked_add(name.len()).and_then(|e| e.checked_add(1)) else {
            return false;
        };
        match self.data.get(start..end).and_then(|s| s.split_last()) {
            Some((&0, body)) => body == name,
            _ => false,
        }
    }

    /// The string at `index` as UTF-8.
    ///
    /// # Errors
    ///
    /// Fails as [`get`](Self::get) does, and when the string is not UTF-8.
    pub fn get_str(&self, index: u32) -> Result<&'a str> {
        let bytes = self.get(index)?;
        core::str::from_utf8(bytes).map_err(|_| {
            Error::not_utf8(
                Structure::StringTable,
                self.offset.saturating_add(u64::from(index)),
            )
        })
    }

    #[cold]
    fn bad_index(&self, index: u32) -> Error {
        Error::bad_index(
            Structure::StringTable,
            self.offset,
            Field::StringOffset,
            u64::from(index),
        )
    }

    /// Every string in the table, in order, as stored (including the empty
    /// one at offset 0). Unterminated trailing bytes are yielded as an error.
    pub fn iter(&self) -> StringIter<'a> {
        StringIter {
            table: *self,
            pos: 0,
        }
    }
}

/// An iterator over the strings of a [`StringTable`], with their offsets.
#[derive(Debug, Clone)]
pub struct StringIter<'a> {
    table: StringTable<'a>,
    pos: usize,
}

impl<'a> Iterator for StringIter<'a> {
    type Item = Result<(u32, &'a [u8])>;

    fn next(&mut self) -> Option<Self::Item> {
        let tail = self.table.data.get(self.pos..).filter(|t| !t.is_empty())?;
        // A string past 4 GiB cannot be named by a 32-bit index: the walk
        // ends there.
        let start = u32::try_from(self.pos).ok()?;
        match memchr::memchr(0, tail) {
            Some(end) => {
                // `pos + end` indexes the NUL, so neither add can wrap.
                self.pos = self.pos.wrapping_add(end).wrapping_add(1);
                Some(Ok((start, tail.get(..end).unwrap_or_default())))
            }
            None => {
                self.pos = self.table.data.len();
                Some(Err(Error::unterminated(
                    Structure::StringTable,
                    self.table.offset.saturating_add(u64::from(start)),
                )))
            }
        }
    }
}

/// The position of the first NUL in `bytes`. Many names are shorter than
/// 8 bytes: the first 8 are searched at once in a register, which costs a
/// fraction of a `memchr` call; a longer name goes on with `memchr` (a
/// longer word-at-a-time prefix slows the long mangled names of C++ and
/// Rust libraries more than it speeds the short ones).
#[inline]
fn nul_position(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let Some(first) = bytes.first_chunk::<8>() else {
        return memchr::memchr(0, bytes);
    };
    let w = u64::from_le_bytes(*first);
    // The lowest flagged byte is the first zero byte (a borrow only flags
    // bytes above a zero one).
    let zero = w.wrapping_sub(ONES) & !w & HIGHS;
    if zero != 0 {
        return Some((zero.trailing_zeros() / 8) as usize);
    }
    // `at` indexes the bytes after the first 8: `at + 8` cannot overflow.
    memchr::memchr(0, bytes.get(8..)?).map(|at| at.wrapping_add(8))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn strings_by_offset() {
        let t = StringTable::new(b"\0abc\0\xffd\0tail", 0x100);
        assert_eq!(t.get(0).unwrap(), b"");
        assert_eq!(t.get(1).unwrap(), b"abc");
        assert_eq!(t.get(2).unwrap(), b"bc");
        assert_eq!(t.get(5).unwrap(), b"\xffd");
        assert!(t.get_str(5).is_err());
        let e = t.get(9).unwrap_err();
        assert_eq!(e.problem(), crate::Problem::Unterminated);
        assert_eq!(e.offset(), 0x109);
        assert!(matches!(
            t.get(100).unwrap_err().problem(),
            crate::Problem::BadIndex { .. }
        ));
        assert!(t.eq_at(1, b"abc") && t.eq_at(2, b"bc") && t.eq_at(0, b""));
        assert!(
            !t.eq_at(1, b"ab")
                && !t.eq_at(1, b"abcd")
                && !t.eq_at(9, b"tail")
                && !t.eq_at(u32::MAX, b"x")
        );
        let all: Vec<_> = t.iter().collect();
        // The word-at-a-time search agrees with memchr at every length and
        // position, with bytes around the NUL that look like it (0x01, 0x80).
        for len in 0..80 {
            for nul in (0..len).map(Some).chain([None]) {
                let mut bytes: Vec<u8> = (0..len).map(|i| [0x01, 0x80, b'a'][i % 3]).collect();
                if let Some(at) = nul {
                    bytes[at] = 0;
                }
                assert_eq!(
                    nul_position(&bytes),
                    memchr::memchr(0, &bytes),
                    "{len} {nul:?}"
                );
            }
        }
        assert_eq!(all.len(), 4);
        assert!(all[3].is_err());
    }
}
