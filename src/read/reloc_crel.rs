//! CREL: relocations packed as LEB128 deltas (`SHT_CREL`). Unlike the
//! fixed-size formats, each entry can be malformed, so its iterator yields
//! `Result`s.

use super::reloc::Relocation;
use crate::error::{Error, Field, Result, Structure};

/// A CREL table: the section's bytes and their file offset.
///
/// ```
/// use elfin::read::CrelTable;
///
/// // Header: 2 entries (2 << 3), no addends, shift 0. Each entry: a
/// // flags byte with the offset delta in its high bits (delta << 2),
/// // bit 0 = symbol delta follows, bit 1 = type delta follows.
/// let bytes = [2 << 3, (0x10 << 2) | 0b11, 5, 7, 0x8 << 2];
/// let table = CrelTable::new(&bytes, 0x400);
/// let got: Vec<_> = table.iter().map(|r| r.map(|r| (r.offset, r.symbol, r.kind))).collect();
/// assert_eq!(got, [Ok((0x10, 5, 7)), Ok((0x18, 5, 7))]);
///
/// // A table that says it has more entries than its bytes hold ends
/// // with an error naming where the missing entry would start.
/// let cut = CrelTable::new(&bytes[..4], 0x400);
/// let err = cut.iter().nth(1).unwrap().unwrap_err();
/// assert_eq!(err.offset(), 0x404);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CrelTable<'a> {
    data: &'a [u8],
    file_offset: u64,
}

impl<'a> CrelTable<'a> {
    /// The CREL table in `data`, found at `file_offset` (which errors name).
    pub fn new(data: &'a [u8], file_offset: u64) -> Self {
        CrelTable { data, file_offset }
    }

    /// Whether entries carry addends (the header's flag).
    pub fn has_addends(&self) -> bool {
        crel_header(self.data).is_ok_and(|(_, addend, _, _)| addend)
    }

    /// Every relocation, decoded; a malformed entry is an error, and ends
    /// the walk.
    pub fn iter(&self) -> CrelIter<'a> {
        CrelIter::new(self.data, self.file_offset)
    }
}

impl<'a> IntoIterator for CrelTable<'a> {
    type Item = Result<Relocation>;
    type IntoIter = CrelIter<'a>;
    fn into_iter(self) -> CrelIter<'a> {
        self.iter()
    }
}

fn crel_header(data: &[u8]) -> Result<(u64, bool, u32, usize)> {
    let mut pos = 0usize;
    let hdr = uleb(data, &mut pos).ok_or(Error::unterminated(Structure::CrelHeader, 0))?;
    Ok((hdr >> 3, hdr & 4 != 0, (hdr & 3) as u32, pos))
}

fn uleb(data: &[u8], pos: &mut usize) -> Option<u64> {
    scroll::Uleb128::read(data, pos).ok()
}

fn sleb(data: &[u8], pos: &mut usize) -> Option<i64> {
    scroll::Sleb128::read(data, pos).ok()
}

/// Decodes a CREL section.
#[derive(Debug, Clone)]
pub struct CrelIter<'a> {
    data: &'a [u8],
    file_offset: u64,
    pos: usize,
    left: u64,
    flag_bits: u32,
    shift: u32,
    addends: bool,
    offset: u64,
    symbol: u32,
    kind: u32,
    addend: i64,
    /// The header did not decode: the first item is that error. (A flag,
    /// not the error itself, keeps the iterator small.)
    bad_header: bool,
}

impl<'a> CrelIter<'a> {
    pub(crate) fn new(data: &'a [u8], file_offset: u64) -> Self {
        let (left, addends, shift, pos, bad_header) = match crel_header(data) {
            Ok((n, a, s, p)) => (n, a, s, p, false),
            Err(_) => (0, false, 0, 0, true),
        };
        CrelIter {
            data,
            file_offset,
            pos,
            left,
            flag_bits: if addends { 3 } else { 2 },
            shift,
            addends,
            offset: 0,
            symbol: 0,
            kind: 0,
            addend: 0,
            bad_header,
        }
    }

    fn step(&mut self) -> Option<Relocation> {
        let d = self.data;
        let b = *d.get(self.pos)?;
        // Cannot wrap: `pos` indexes the data (`get` just succeeded).
        self.pos = self.pos.wrapping_add(1);
        let mut delta = u64::from(b >> self.flag_bits);
        if b & 0x80 != 0 {
            let more = uleb(d, &mut self.pos)?;
            delta = (delta & (0x7f >> self.flag_bits))
                | more.wrapping_shl(7u32.wrapping_sub(self.flag_bits));
        }
        self.offset = self.offset.wrapping_add(delta);
        if b & 1 != 0 {
            self.symbol = self.symbol.wrapping_add(low32(sleb(d, &mut self.pos)?));
        }
        if b & 2 != 0 {
            self.kind = self.kind.wrapping_add(low32(sleb(d, &mut self.pos)?));
        }
        if self.addends && b & 4 != 0 {
            self.addend = self.addend.wrapping_add(sleb(d, &mut self.pos)?);
        }
        Some(Relocation {
            offset: self.offset.wrapping_shl(self.shift),
            symbol: self.symbol,
            kind: self.kind,
            addend: self.addends.then_some(self.addend),
        })
    }
}

/// The low 32 bits of a delta: symbol and type deltas add modulo 2^32.
fn low32(delta: i64) -> u32 {
    (delta.cast_unsigned() & 0xffff_ffff) as u32
}

impl Iterator for CrelIter<'_> {
    type Item = Result<Relocation>;

    fn next(&mut self) -> Option<Result<Relocation>> {
        if self.bad_header {
            self.bad_header = false;
            self.left = 0;
            return Some(Err(Error::unterminated(
                Structure::CrelHeader,
                self.file_offset,
            )));
        }
        if self.left == 0 {
            return None;
        }
        self.left = self.left.wrapping_sub(1); // not 0 (checked above)
        let at = self.pos;
        match self.step() {
            Some(r) => Some(Ok(r)),
            None => {
                // Each entry takes at least one byte, so a count larger than
                // the data ends here rather than running on.
                self.left = 0;
                Some(Err(Error::out_of_bounds(
                    Structure::CrelEntry,
                    Field::Entry,
                    self.file_offset.saturating_add(at as u64),
                    1,
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leb128_edge_cases() {
        let mut p = 0;
        assert_eq!(uleb(&[0xe5, 0x8e, 0x26], &mut p), Some(624485));
        assert_eq!(p, 3);
        p = 0;
        assert_eq!(sleb(&[0xc0, 0xbb, 0x78], &mut p), Some(-123456));
        p = 0;
        // Too long for 64 bits, and unterminated: errors, not panics.
        assert_eq!(uleb(&[0x80; 20], &mut p), None);
        p = 0;
        assert_eq!(uleb(&[0x80, 0x80], &mut p), None);
        p = 0;
        assert_eq!(sleb(&[0xff; 20], &mut p), None);
    }
}
