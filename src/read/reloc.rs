//! Relocations: REL, RELA, RELR (decoded to addresses) and CREL.

use super::encoding::{Class, Encoding, Table, TableIter, decode_both};
pub use super::reloc_iter::Relocations;
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::EM_MIPS;
use crate::raw::{Rel32, Rel64, Rela32, Rela64};

/// A REL entry with native integers (`r_info` undecoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct Rel {
    pub r_offset: u64,
    pub r_info: u64,
}

decode_both!(Rel, Rel32, Rel64, |r| Rel {
    r_offset: u64::from(r.r_offset.get()),
    r_info: u64::from(r.r_info.get())
});

/// A RELA entry with native integers (`r_info` undecoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct Rela {
    pub r_offset: u64,
    pub r_info: u64,
    pub r_addend: i64,
}

decode_both!(Rela, Rela32, Rela64, |r| Rela {
    r_offset: u64::from(r.r_offset.get()),
    r_info: u64::from(r.r_info.get()),
    r_addend: i64::from(r.r_addend.get()),
});

/// A relocation of any kind, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relocation {
    /// Where to apply it (`r_offset`): a section offset in objects, an
    /// address in executables and shared objects.
    pub offset: u64,
    /// The symbol index (0 for none).
    pub symbol: u32,
    /// The relocation type. On 64-bit MIPS it packs `r_type` (bits 0–7),
    /// `r_type2` (8–15), `r_type3` (16–23) and `r_ssym` (24–31).
    pub kind: u32,
    /// The addend, for RELA and CREL-with-addends; `None` for REL and RELR.
    pub addend: Option<i64>,
}

/// How `r_info` splits into symbol and type for this file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoLayout {
    /// 32-bit: `sym = info >> 8`, `type = info & 0xff`.
    Elf32,
    /// 64-bit: `sym = info >> 32`, `type = info & 0xffffffff`.
    Elf64,
    /// 64-bit little-endian MIPS, whose `r_info` is a 32-bit symbol
    /// followed by four type bytes rather than one 64-bit word.
    Mips64Le,
}

impl InfoLayout {
    /// The layout for a file's encoding and machine.
    #[inline]
    pub fn new(encoding: Encoding, machine: u16) -> Self {
        match encoding.class {
            Class::Elf32 => InfoLayout::Elf32,
            Class::Elf64
                if machine == EM_MIPS && encoding.endian == super::encoding::Endian::Little =>
            {
                InfoLayout::Mips64Le
            }
            Class::Elf64 => InfoLayout::Elf64,
        }
    }

    /// Splits `r_info` into (symbol, type).
    #[inline]
    pub fn split(self, info: u64) -> (u32, u32) {
        match self {
            InfoLayout::Elf32 => ((info >> 8) as u32, (info & 0xff) as u32),
            InfoLayout::Elf64 => ((info >> 32) as u32, info as u32),
            InfoLayout::Mips64Le => {
                let sym = info as u32;
                // Stored bytes: sym (4, LE), ssym, type3, type2, type.
                let b = (info >> 32).to_le_bytes();
                (sym, u32::from_le_bytes([b[3], b[2], b[1], b[0]]))
            }
        }
    }
}

/// The kinds of relocation table.
#[derive(Debug, Clone, Copy)]
pub enum RelocationTable<'a> {
    /// `SHT_REL` / `DT_REL`.
    Rel(Table<'a, Rel>, InfoLayout),
    /// `SHT_RELA` / `DT_RELA`.
    Rela(Table<'a, Rela>, InfoLayout),
    /// `SHT_RELR` / `DT_RELR`: relative relocations, packed.
    Relr(Table<'a, u64>, u64),
    /// `SHT_CREL`: LEB128-packed, at a file offset.
    Crel(&'a [u8], u64),
}

impl<'a> RelocationTable<'a> {
    /// Every relocation, decoded. RELR yields one entry per address with
    /// symbol 0 and type 0 (the machine's `R_*_RELATIVE` is implied).
    #[inline]
    pub fn iter(&self) -> Relocations<'a> {
        Relocations::new(self)
    }

    /// Whether entries carry addends (RELA, or CREL with its addend flag).
    pub fn has_addends(&self) -> bool {
        match *self {
            RelocationTable::Rela(..) => true,
            RelocationTable::Crel(d, _) => crel_header(d).is_ok_and(|(_, addend, _, _)| addend),
            _ => false,
        }
    }
}

/// Decodes RELR words into the addresses they relocate.
#[derive(Debug, Clone)]
pub struct RelrIter<'a> {
    words: TableIter<'a, u64>,
    word_size: u64,
    /// The next address a bitmap describes.
    base: u64,
    /// Remaining bitmap bits (after the marker bit) and the address of bit 0.
    bitmap: u64,
    at: u64,
}

impl<'a> RelrIter<'a> {
    pub(crate) fn new(words: Table<'a, u64>, word_size: u64) -> Self {
        RelrIter {
            words: words.iter(),
            word_size,
            base: 0,
            bitmap: 0,
            at: 0,
        }
    }
}

impl Iterator for RelrIter<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        loop {
            if self.bitmap != 0 {
                let bit = self.bitmap.trailing_zeros() as u64;
                self.bitmap &= self.bitmap - 1;
                return Some(self.at.wrapping_add(bit.wrapping_mul(self.word_size)));
            }
            let w = self.words.next()?;
            let bits = self.word_size * 8 - 1;
            if w & 1 == 0 {
                // An address: relocate it, and bitmaps continue after it.
                self.base = w.wrapping_add(self.word_size);
                return Some(w);
            }
            self.bitmap = w >> 1;
            self.at = self.base;
            self.base = self.base.wrapping_add(bits.wrapping_mul(self.word_size));
        }
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
        self.pos += 1;
        let mut delta = u64::from(b >> self.flag_bits);
        if b & 0x80 != 0 {
            let more = uleb(d, &mut self.pos)?;
            delta = (delta & (0x7f >> self.flag_bits)) | more.wrapping_shl(7 - self.flag_bits);
        }
        self.offset = self.offset.wrapping_add(delta);
        if b & 1 != 0 {
            self.symbol = self.symbol.wrapping_add(sleb(d, &mut self.pos)? as u32);
        }
        if b & 2 != 0 {
            self.kind = self.kind.wrapping_add(sleb(d, &mut self.pos)? as u32);
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
        self.left -= 1;
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
    use crate::read::encoding::Endian;
    use std::vec::Vec;

    #[test]
    fn relr_decodes_addresses_and_bitmaps() {
        // 0x10000 (address), then bitmap 0b...101 shifted: bits 1 and 3 after
        // the marker -> base+0*8 and base+2*8 where base = 0x10008.
        let words: [u64; 2] = [0x10000, (0b101 << 1) | 1];
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let enc = Encoding {
            class: Class::Elf64,
            endian: Endian::Little,
        };
        let t = RelocationTable::Relr(Table::new(enc, &bytes), 8);
        let got: Vec<u64> = t.iter().map(|r| r.unwrap().offset).collect();
        assert_eq!(got, [0x10000, 0x10008, 0x10018]);
    }

    #[test]
    fn mips64el_info_split() {
        // r_sym = 7 stored first; then ssym=0, type3=0, type2=0, type=3 (R_MIPS_REL32).
        let bytes = [7u8, 0, 0, 0, 0, 0, 0, 3];
        let info = u64::from_le_bytes(bytes);
        assert_eq!(InfoLayout::Mips64Le.split(info), (7, 3));
        // Big-endian MIPS64 stores the same fields as a plain 64-bit word.
        let be = u64::from_be_bytes([0, 0, 0, 7, 0, 0, 0, 3]);
        assert_eq!(InfoLayout::Elf64.split(be), (7, 3));
    }

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
