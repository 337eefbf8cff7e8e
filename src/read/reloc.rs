//! Relocations: REL, RELA, RELR (decoded to addresses) and CREL.

use super::encoding::{Class, Encoding, Table, TableIter, decode_both};
pub use super::reloc_crel::{CrelIter, CrelTable};
pub use super::reloc_iter::Relocations;
pub use super::reloc_resolved::{ResolvedRelocation, ResolvedRelocations};
use super::symbol::SymbolTable;
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

/// The low 32 bits of `x` (a truncation the compiler folds away).
#[inline(always)]
fn low32(x: u64) -> u32 {
    let [a, b, c, d, ..] = x.to_le_bytes();
    u32::from_le_bytes([a, b, c, d])
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
            // A 32-bit `r_info` holds a 24-bit symbol and an 8-bit type.
            InfoLayout::Elf32 => (low32(info >> 8), low32(info & 0xff)),
            InfoLayout::Elf64 => ((info >> 32) as u32, low32(info)),
            InfoLayout::Mips64Le => {
                let sym = low32(info);
                // Stored bytes: sym (4, LE), ssym, type3, type2, type.
                let b = (info >> 32).to_le_bytes();
                (sym, u32::from_le_bytes([b[3], b[2], b[1], b[0]]))
            }
        }
    }
}

/// The formats of relocation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RelocationFormat {
    /// `SHT_REL` / `DT_REL`: offset and info.
    Rel,
    /// `SHT_RELA` / `DT_RELA`: offset, info and addend.
    Rela,
    /// `SHT_RELR` / `DT_RELR`: relative relocations, packed as addresses
    /// and bitmaps.
    Relr,
    /// `SHT_CREL`: LEB128-packed deltas.
    Crel,
}

/// A relocation table of any format.
///
/// REL, RELA and RELR tables have fixed-size entries, checked when the
/// table is found, so walking them cannot fail: [`FixedRelocations::iter`]
/// yields plain [`Relocation`]s. A CREL table is variable-length, and each
/// entry can be malformed: [`CrelTable::iter`] yields `Result`s.
/// [`with_symbols`](Self::with_symbols) walks either, each entry with its
/// symbol and name.
///
/// ```
/// use elfin::read::{RelocationFormat, RelocationTable};
///
/// let bytes = std::fs::read("/proc/self/exe").unwrap();
/// let file = elfin::ElfFile::parse(&bytes).unwrap();
/// let mut count = 0;
/// for section in file.sections() {
///     match file.relocation_table(&section)? {
///         Some(RelocationTable::Fixed(table)) => {
///             assert_ne!(table.format(), RelocationFormat::Crel);
///             for r in table.iter() {
///                 // A plain value: offset, symbol index, type, addend.
///                 let _ = (r.offset, r.symbol, r.kind, r.addend);
///                 count += 1;
///             }
///         }
///         Some(RelocationTable::Crel(table)) => {
///             for r in table.iter() {
///                 let _ = r?.offset;
///                 count += 1;
///             }
///         }
///         Some(_) | None => {}
///     }
/// }
/// assert!(count > 0);
/// # Ok::<(), elfin::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum RelocationTable<'a> {
    /// REL, RELA or RELR: fixed-size entries.
    Fixed(FixedRelocations<'a>),
    /// CREL: variable-length entries.
    Crel(CrelTable<'a>),
}

impl<'a> RelocationTable<'a> {
    /// The table's format.
    pub fn format(&self) -> RelocationFormat {
        match self {
            RelocationTable::Fixed(t) => t.format(),
            RelocationTable::Crel(_) => RelocationFormat::Crel,
        }
    }

    /// Whether entries carry addends (RELA, or CREL with its addend flag).
    pub fn has_addends(&self) -> bool {
        match self {
            RelocationTable::Fixed(t) => t.has_addends(),
            RelocationTable::Crel(t) => t.has_addends(),
        }
    }

    /// The REL, RELA or RELR table, if it is one.
    pub fn as_fixed(&self) -> Option<FixedRelocations<'a>> {
        match *self {
            RelocationTable::Fixed(t) => Some(t),
            RelocationTable::Crel(_) => None,
        }
    }

    /// The CREL table, if it is one.
    pub fn as_crel(&self) -> Option<CrelTable<'a>> {
        match *self {
            RelocationTable::Crel(t) => Some(t),
            RelocationTable::Fixed(_) => None,
        }
    }

    /// Every entry with its symbol and the symbol's name, looked up in
    /// `symbols` (the table the relocation section links to; `None` for
    /// RELR, whose entries have no symbol).
    ///
    /// See [`ElfFile::section_relocations`](crate::ElfFile::section_relocations)
    /// for the one call that finds both.
    pub fn with_symbols(&self, symbols: Option<SymbolTable<'a>>) -> ResolvedRelocations<'a> {
        ResolvedRelocations::new(self, symbols)
    }
}

/// A REL, RELA or RELR table: fixed-size entries that decode without fail.
#[derive(Debug, Clone, Copy)]
pub struct FixedRelocations<'a>(pub(crate) Fixed<'a>);

#[derive(Debug, Clone, Copy)]
pub(crate) enum Fixed<'a> {
    Rel(Table<'a, Rel>, InfoLayout),
    Rela(Table<'a, Rela>, InfoLayout),
    Relr(Table<'a, u64>),
}

impl<'a> FixedRelocations<'a> {
    /// A REL table whose `r_info` splits by `layout`.
    pub fn rel(table: Table<'a, Rel>, layout: InfoLayout) -> Self {
        FixedRelocations(Fixed::Rel(table, layout))
    }

    /// A RELA table whose `r_info` splits by `layout`.
    pub fn rela(table: Table<'a, Rela>, layout: InfoLayout) -> Self {
        FixedRelocations(Fixed::Rela(table, layout))
    }

    /// A RELR table of address-sized words (the table's class gives the
    /// word size).
    ///
    /// ```
    /// use elfin::read::{Class, Encoding, Endian, FixedRelocations, Table};
    ///
    /// // An address, then a bitmap whose bits 0 and 2 (after the marker
    /// // bit) relocate the two words after it, skipping one.
    /// let words: [u64; 2] = [0x10000, (0b101 << 1) | 1];
    /// let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    /// let enc = Encoding { class: Class::Elf64, endian: Endian::Little };
    /// let table = FixedRelocations::relr(Table::new(enc, &bytes));
    /// let offsets: Vec<u64> = table.iter().map(|r| r.offset).collect();
    /// assert_eq!(offsets, [0x10000, 0x10008, 0x10018]);
    /// ```
    pub fn relr(table: Table<'a, u64>) -> Self {
        FixedRelocations(Fixed::Relr(table))
    }

    /// The table's format.
    pub fn format(&self) -> RelocationFormat {
        match self.0 {
            Fixed::Rel(..) => RelocationFormat::Rel,
            Fixed::Rela(..) => RelocationFormat::Rela,
            Fixed::Relr(_) => RelocationFormat::Relr,
        }
    }

    /// Whether entries carry addends (RELA).
    pub fn has_addends(&self) -> bool {
        self.format() == RelocationFormat::Rela
    }

    /// Every entry with its symbol and the symbol's name, looked up in
    /// `symbols` (`None` for RELR, whose entries have no symbol).
    pub fn with_symbols(&self, symbols: Option<SymbolTable<'a>>) -> ResolvedRelocations<'a> {
        ResolvedRelocations::new(&RelocationTable::Fixed(*self), symbols)
    }

    /// Every relocation, decoded. RELR yields one entry per address with
    /// symbol 0 and type 0 (the machine's `R_*_RELATIVE` is implied).
    #[inline]
    pub fn iter(&self) -> Relocations<'a> {
        Relocations::new(&self.0)
    }
}

impl<'a> IntoIterator for FixedRelocations<'a> {
    type Item = Relocation;
    type IntoIter = Relocations<'a>;
    fn into_iter(self) -> Relocations<'a> {
        self.iter()
    }
}

/// Decodes RELR words into the addresses they relocate.
#[derive(Debug, Clone)]
pub struct RelrIter<'a> {
    words: TableIter<'a, u64>,
    /// 4 or 8, from the table's class.
    word_size: u64,
    /// The next address a bitmap describes.
    base: u64,
    /// Remaining bitmap bits (after the marker bit) and the address of bit 0.
    bitmap: u64,
    at: u64,
}

impl<'a> RelrIter<'a> {
    pub(crate) fn new(words: Table<'a, u64>) -> Self {
        let word_size = match words {
            Table::Le32(_) | Table::Be32(_) => 4,
            Table::Le64(_) | Table::Be64(_) => 8,
        };
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
                let bit = u64::from(self.bitmap.trailing_zeros());
                // Clears the lowest set bit (`bitmap` is not 0 here).
                self.bitmap &= self.bitmap.wrapping_sub(1);
                return Some(self.at.wrapping_add(bit.wrapping_mul(self.word_size)));
            }
            let w = self.words.next()?;
            if w & 1 == 0 {
                // An address: relocate it, and bitmaps continue after it.
                self.base = w.wrapping_add(self.word_size);
                return Some(w);
            }
            // A bitmap covers the word_size * 8 - 1 words after `base`.
            let bits = self.word_size.wrapping_mul(8).wrapping_sub(1);
            self.bitmap = w >> 1;
            self.at = self.base;
            self.base = self.base.wrapping_add(bits.wrapping_mul(self.word_size));
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
        let t = FixedRelocations::relr(Table::new(enc, &bytes));
        let got: Vec<u64> = t.iter().map(|r| r.offset).collect();
        assert_eq!(got, [0x10000, 0x10008, 0x10018]);
    }

    #[test]
    fn relr_words_of_a_32_bit_file_step_by_four() {
        // A 32-bit bitmap covers 31 words: after address 0x1000, bit 30 of
        // the bitmap is the word at 0x1004 + 30 * 4; the next bitmap
        // starts 31 words later, at 0x1004 + 31 * 4 = 0x1080.
        let words: [u32; 3] = [0x1000, (1 << 31) | 1, 0b11];
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
        let enc = Encoding {
            class: Class::Elf32,
            endian: Endian::Big,
        };
        let got: Vec<u64> = FixedRelocations::relr(Table::new(enc, &bytes))
            .iter()
            .map(|r| r.offset)
            .collect();
        assert_eq!(got, [0x1000, 0x107c, 0x1080]);
    }

    #[test]
    fn relr_that_starts_with_a_bitmap_or_wraps_does_not_panic() {
        let words: [u64; 3] = [u64::MAX, u64::MAX - 1, u64::MAX];
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let enc = Encoding {
            class: Class::Elf64,
            endian: Endian::Little,
        };
        let n = FixedRelocations::relr(Table::new(enc, &bytes))
            .iter()
            .count();
        assert_eq!(n, 63 + 1 + 63);
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
}
