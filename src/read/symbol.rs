//! Symbol tables (`.symtab`, `.dynsym`) and symbols.

use super::encoding::{Encoding, Table, TableIter, decode_both};
use super::strtab::StringTable;
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::{SHN_ABS, SHN_COMMON, SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX};
use crate::raw::{Sym32, Sym64};

/// A symbol with native integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct Symbol {
    pub st_name: u32,
    pub st_info: u8,
    pub st_other: u8,
    pub st_shndx: u16,
    pub st_value: u64,
    pub st_size: u64,
}

decode_both!(Symbol, Sym32, Sym64, |r| Symbol {
    st_name: r.st_name.get(),
    st_info: r.st_info,
    st_other: r.st_other,
    st_shndx: r.st_shndx.get(),
    st_value: u64::from(r.st_value.get()),
    st_size: u64::from(r.st_size.get()),
});

/// Where a symbol is defined, with the special section indices spelled out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolSection {
    /// `SHN_UNDEF`: not defined here.
    Undefined,
    /// `SHN_ABS`: an absolute value.
    Absolute,
    /// `SHN_COMMON`: a common block to be allocated.
    Common,
    /// A section index (from `st_shndx`, or from `SHT_SYMTAB_SHNDX`).
    Section(u32),
    /// Another reserved index (processor- or OS-specific).
    Reserved(u16),
}

impl Symbol {
    /// The binding (`STB_*`), the high nibble of `st_info`.
    pub fn bind(&self) -> u8 {
        self.st_info >> 4
    }
    /// The type (`STT_*`), the low nibble of `st_info`.
    pub fn kind(&self) -> u8 {
        self.st_info & 0xf
    }
    /// The visibility (`STV_*`), the low two bits of `st_other`.
    pub fn visibility(&self) -> u8 {
        self.st_other & 0x3
    }
    /// Whether the symbol is undefined.
    pub fn is_undefined(&self) -> bool {
        self.st_shndx == SHN_UNDEF
    }
}

/// A symbol table with its string table (and, for objects with many
/// sections, its `SHT_SYMTAB_SHNDX` extension).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use elfin::raw::consts::{STB_GLOBAL, STT_FUNC};
/// use elfin::read::SymbolSection;
/// let bytes = std::fs::read("/proc/self/exe")?;
/// let file = elfin::ElfFile::parse(&bytes)?;
/// let symtab = file.symbol_table()?.expect("not stripped");
/// // The program's own global functions, with their sections.
/// for (index, sym) in symtab.iter().enumerate() {
///     if sym.bind() == STB_GLOBAL && sym.kind() == STT_FUNC && !sym.is_undefined() {
///         if let SymbolSection::Section(section) = symtab.section(index, &sym)? {
///             let section = file.section(section as usize)?;
///             let _ = (symtab.name(&sym)?, section.name()?, sym.st_value);
///         }
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SymbolTable<'a> {
    symbols: Table<'a, Symbol>,
    strings: StringTable<'a>,
    shndx: Option<Table<'a, u32>>,
    offset: u64,
}

impl<'a> SymbolTable<'a> {
    /// A symbol table over raw symbol bytes at file offset `offset`.
    pub fn new(
        encoding: Encoding,
        symbols: &'a [u8],
        offset: u64,
        strings: StringTable<'a>,
    ) -> Self {
        SymbolTable {
            symbols: Table::new(encoding, symbols),
            strings,
            shndx: None,
            offset,
        }
    }

    /// An empty table.
    pub fn empty(encoding: Encoding) -> Self {
        Self::new(encoding, &[], 0, StringTable::default())
    }

    pub(crate) fn with_shndx(mut self, shndx: Option<Table<'a, u32>>) -> Self {
        self.shndx = shndx;
        self
    }

    pub(crate) fn take(mut self, count: usize) -> Self {
        self.symbols = self.symbols.take(count);
        self
    }

    /// The typed table of raw symbols.
    pub fn raw(&self) -> Table<'a, Symbol> {
        self.symbols
    }

    /// The string table the names come from.
    pub fn strings(&self) -> StringTable<'a> {
        self.strings
    }

    /// The file offset of the table.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The number of symbols (including the null symbol 0).
    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    /// Whether there are no symbols at all.
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    /// The symbol at `index`.
    ///
    /// # Errors
    ///
    /// Fails when `index` is past the end of the table.
    #[inline]
    pub fn get(&self, index: usize) -> Result<Symbol> {
        self.symbols.get(index).ok_or_else(|| {
            Error::bad_index(
                Structure::SymbolTable,
                self.offset,
                Field::SymbolIndex,
                index as u64,
            )
        })
    }

    /// Every symbol, decoded, in table order.
    pub fn iter(&self) -> TableIter<'a, Symbol> {
        self.symbols.iter()
    }

    /// The name of `symbol`, as bytes.
    ///
    /// # Errors
    ///
    /// Fails when `st_name` is past the end of the string table or the name has no
    /// terminating NUL.
    #[inline]
    pub fn name(&self, symbol: &Symbol) -> Result<&'a [u8]> {
        self.strings.get(symbol.st_name)
    }

    /// The section `symbol` (at `index` in this table) belongs to, with
    /// `SHN_XINDEX` resolved through `SHT_SYMTAB_SHNDX`.
    ///
    /// # Errors
    ///
    /// Fails when the symbol says `SHN_XINDEX` and the table has no
    /// `SHT_SYMTAB_SHNDX` entry for `index`.
    pub fn section(&self, index: usize, symbol: &Symbol) -> Result<SymbolSection> {
        Ok(match symbol.st_shndx {
            SHN_UNDEF => SymbolSection::Undefined,
            SHN_ABS => SymbolSection::Absolute,
            SHN_COMMON => SymbolSection::Common,
            SHN_XINDEX => {
                let table = self.shndx.ok_or(
                    Error::missing(Structure::Symbol, self.offset, Field::MissingSymtabShndx)
                        .at_index(index as u64),
                )?;
                let real = table.get(index).ok_or(
                    Error::bad_index(
                        Structure::Symbol,
                        self.offset,
                        Field::SymtabShndxEntry,
                        index as u64,
                    )
                    .at_index(index as u64),
                )?;
                SymbolSection::Section(real)
            }
            i if i >= SHN_LORESERVE => SymbolSection::Reserved(i),
            i => SymbolSection::Section(u32::from(i)),
        })
    }

    /// The first symbol named `name`, by a linear scan. Prefer the hash
    /// lookup of [`DynamicSymbols`](super::DynamicSymbols) or, with `alloc`,
    /// a [`SymbolIndex`](super::SymbolIndex).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let symtab = file.symbol_table()?.expect("not stripped");
    /// let (_, main) = symtab.find_by_name(b"main").expect("a program has main");
    /// assert!(!main.is_undefined());
    /// # Ok(())
    /// # }
    /// ```
    pub fn find_by_name(&self, name: &[u8]) -> Option<(usize, Symbol)> {
        self.iter()
            .enumerate()
            .find(|(_, s)| self.strings.eq_at(s.st_name, name))
    }
}
