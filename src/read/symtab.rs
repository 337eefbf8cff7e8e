//! Finding the symbol tables of a file, and the dynamic symbols with their
//! hash table and versions — also when the file has no section headers.

use super::bytes::range;
use super::dynamic::{DynamicInfo, DynamicTable};
use super::encoding::{Class, Table};
use super::file::ElfFile;
use super::hash::{GnuHash, HashTable, SysvHash};
use super::section::Section;
use super::strtab::StringTable;
use super::symbol::{Symbol, SymbolSection, SymbolTable};
use super::version::{SymbolVersion, VersionChain, VersionInfo};
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::*;

impl<'a> ElfFile<'a> {
    /// The string table of section `index` (for `sh_link`s).
    pub fn string_table(&self, index: u32) -> Result<StringTable<'a>> {
        let s = self.section(index as usize)?;
        let h = s.header();
        if h.sh_type != SHT_STRTAB {
            return Err(Error::bad_value(
                Structure::SectionHeader,
                h.sh_offset,
                Field::ShTypeOfStrtab,
                h.sh_type.into(),
            )
            .at_index(index.into()));
        }
        Ok(StringTable::new(s.data()?, h.sh_offset))
    }

    /// The symbol table held by `section` (`SHT_SYMTAB` or `SHT_DYNSYM`),
    /// with its string table and any `SHT_SYMTAB_SHNDX` extension.
    pub fn symbol_table_of(&self, section: &Section<'a>) -> Result<SymbolTable<'a>> {
        let h = section.header();
        section.check_entry_size(Table::<Symbol>::entry_size(self.encoding()) as u64)?;
        let strings = self.string_table(h.sh_link)?;
        let shndx = self
            .sections()
            .skip(1)
            .find(|s| {
                s.header().sh_type == SHT_SYMTAB_SHNDX
                    && s.header().sh_link as usize == section.index()
            })
            .map(|s| s.data().map(|d| Table::<u32>::new(self.encoding(), d)))
            .transpose()?;
        Ok(
            SymbolTable::new(self.encoding(), section.data()?, h.sh_offset, strings)
                .with_shndx(shndx),
        )
    }

    /// The static symbol table (`.symtab`), if there is one.
    pub fn symbol_table(&self) -> Result<Option<SymbolTable<'a>>> {
        self.section_by_type(SHT_SYMTAB)
            .map(|s| self.symbol_table_of(&s))
            .transpose()
    }

    /// The dynamic table: the `SHT_DYNAMIC` section, or else `PT_DYNAMIC`.
    pub fn dynamic(&self) -> Result<Option<DynamicTable<'a>>> {
        if let Some(s) = self.section_by_type(SHT_DYNAMIC) {
            let h = s.header();
            return Ok(Some(DynamicTable::new(
                Table::new(self.encoding(), s.data()?),
                h.sh_offset,
            )));
        }
        let Some(p) = self.segments().find(|p| p.p_type == PT_DYNAMIC) else {
            return Ok(None);
        };
        let data = self.segment_data(&p)?;
        Ok(Some(DynamicTable::new(
            Table::new(self.encoding(), data),
            p.p_offset,
        )))
    }

    /// The string at `offset` in the dynamic string table (`DT_NEEDED`,
    /// `DT_SONAME`, … values).
    pub fn dynamic_string(&self, offset: u64) -> Result<&'a [u8]> {
        let strings = self.dynamic_strings()?;
        let off = u32::try_from(offset).map_err(|_| {
            Error::bad_value(
                Structure::DynamicString,
                strings.offset(),
                Field::StringOffset,
                offset,
            )
        })?;
        strings.get(off)
    }

    /// The dynamic string table: `.dynstr` (through `.dynamic`'s `sh_link`),
    /// or else `DT_STRTAB`/`DT_STRSZ`.
    pub fn dynamic_strings(&self) -> Result<StringTable<'a>> {
        if let Some(s) = self.section_by_type(SHT_DYNAMIC) {
            return self.string_table(s.header().sh_link);
        }
        let info = self.dynamic_info()?;
        self.strings_at(&info)
    }

    fn dynamic_info(&self) -> Result<DynamicInfo> {
        self.dynamic()?.map(|d| d.info()).ok_or(Error::missing(
            Structure::DynamicTable,
            0,
            Field::MissingPtDynamic,
        ))
    }

    fn strings_at(&self, info: &DynamicInfo) -> Result<StringTable<'a>> {
        let addr = info.strtab.ok_or(Error::missing(
            Structure::DynamicTable,
            0,
            Field::MissingDtStrtab,
        ))?;
        let bytes = match info.strsz {
            Some(size) => self.data_at_vaddr_as(addr, size, Structure::DynamicStringTable)?,
            None => {
                self.data_from_vaddr_as(addr, Structure::DynamicStringTable)?
                    .0
            }
        };
        Ok(StringTable::new(
            bytes,
            self.vaddr_to_offset(addr).unwrap_or(0),
        ))
    }

    /// The dynamic symbols with their hash table and versions, from the
    /// section headers when present, else from the dynamic table alone.
    pub fn dynamic_symbols(&self) -> Result<Option<DynamicSymbols<'a>>> {
        let wide_hash = self.class() == Class::Elf64 && self.machine() == EM_S390;
        if let Some(sec) = self.section_by_type(SHT_DYNSYM) {
            let symbols = self.symbol_table_of(&sec)?;
            let hash = if let Some(s) = self.section_by_type(SHT_GNU_HASH) {
                Some(HashTable::Gnu(GnuHash::parse(
                    self.encoding(),
                    s.data()?,
                    s.header().sh_offset,
                )?))
            } else if let Some(s) = self.section_by_type(SHT_HASH) {
                Some(HashTable::Sysv(SysvHash::parse(
                    self.encoding(),
                    s.data()?,
                    s.header().sh_offset,
                    wide_hash,
                )?))
            } else {
                None
            };
            let versions = self.section_versions(symbols.strings())?;
            return Ok(Some(DynamicSymbols {
                symbols,
                hash,
                versions,
            }));
        }
        let Some(dynamic) = self.dynamic()? else {
            return Ok(None);
        };
        let info = dynamic.info();
        let Some(symtab) = info.symtab else {
            return Ok(None);
        };
        let strings = self.strings_at(&info)?;
        let hash = if let Some(addr) = info.gnu_hash {
            let (d, off) = self.data_from_vaddr_as(addr, Structure::GnuHashTable)?;
            Some(HashTable::Gnu(GnuHash::parse(self.encoding(), d, off)?))
        } else if let Some(addr) = info.hash {
            let (d, off) = self.data_from_vaddr_as(addr, Structure::HashTable)?;
            Some(HashTable::Sysv(SysvHash::parse(
                self.encoding(),
                d,
                off,
                wide_hash,
            )?))
        } else {
            None
        };
        // Without section headers only a hash table tells how many symbols
        // there are; without one, the symbols run to the end of the segment.
        let count = match &hash {
            Some(HashTable::Gnu(g)) => Some(g.symbol_count()?),
            Some(HashTable::Sysv(s)) => Some(s.symbol_count()),
            None => None,
        };
        let (data, off) = self.data_from_vaddr_as(symtab, Structure::DynamicSymbolTable)?;
        let mut symbols = SymbolTable::new(self.encoding(), data, off, strings);
        if let Some(n) = count {
            if n > symbols.len() {
                return Err(Error::bad_index(
                    Structure::DynamicSymbolTable,
                    off,
                    Field::SymbolCountFromHash,
                    n as u64,
                ));
            }
            symbols = symbols.take(n);
        }
        let versions = self.dynamic_versions(&info, strings)?;
        Ok(Some(DynamicSymbols {
            symbols,
            hash,
            versions,
        }))
    }

    fn section_versions(&self, strings: StringTable<'a>) -> Result<VersionInfo<'a>> {
        let mut v = VersionInfo {
            versym: None,
            verdef: None,
            verneed: None,
        };
        // (Section 0 is reserved, whatever its type says.)
        for s in self.sections().skip(1) {
            let h = s.header();
            match h.sh_type {
                SHT_GNU_VERSYM => {
                    v.versym = Some((Table::new(self.encoding(), s.data()?), h.sh_offset))
                }
                SHT_GNU_VERDEF | SHT_GNU_VERNEED => {
                    let strings = self.string_table(h.sh_link).unwrap_or(strings);
                    let chain = VersionChain {
                        data: s.data()?,
                        count: h.sh_info.into(),
                        strings,
                        offset: h.sh_offset,
                        encoding: self.encoding(),
                    };
                    if h.sh_type == SHT_GNU_VERDEF {
                        v.verdef = Some(chain);
                    } else {
                        v.verneed = Some(chain);
                    }
                }
                _ => {}
            }
        }
        Ok(v)
    }

    fn dynamic_versions(
        &self,
        info: &DynamicInfo,
        strings: StringTable<'a>,
    ) -> Result<VersionInfo<'a>> {
        let mut v = VersionInfo {
            versym: None,
            verdef: None,
            verneed: None,
        };
        if let Some(addr) = info.versym {
            let (d, off) = self.data_from_vaddr_as(addr, Structure::VersionSymbolTable)?;
            v.versym = Some((Table::new(self.encoding(), d), off));
        }
        let chain =
            |addr: Option<u64>, num: Option<u64>, what| -> Result<Option<VersionChain<'a>>> {
                let (Some(addr), Some(count)) = (addr, num) else {
                    return Ok(None);
                };
                let (data, offset) = self.data_from_vaddr_as(addr, what)?;
                Ok(Some(VersionChain {
                    data,
                    count,
                    strings,
                    offset,
                    encoding: self.encoding(),
                }))
            };
        v.verdef = chain(info.verdef, info.verdefnum, Structure::VersionDefinitions)?;
        v.verneed = chain(info.verneed, info.verneednum, Structure::VersionNeeds)?;
        Ok(v)
    }

    /// The SysV `.hash` table (the section, or else `DT_HASH`), also when a
    /// `.gnu.hash` exists; 64-bit s390 files get their 8-byte entries.
    pub fn sysv_hash(&self) -> Result<Option<SysvHash<'a>>> {
        let wide = self.class() == Class::Elf64 && self.machine() == EM_S390;
        if let Some(s) = self.section_by_type(SHT_HASH) {
            return SysvHash::parse(self.encoding(), s.data()?, s.header().sh_offset, wide)
                .map(Some);
        }
        let Some(addr) = self.dynamic()?.and_then(|d| d.info().hash) else {
            return Ok(None);
        };
        let (d, off) = self.data_from_vaddr_as(addr, Structure::HashTable)?;
        SysvHash::parse(self.encoding(), d, off, wide).map(Some)
    }

    /// The name readelf shows for symbol `symbol` of `table`: its own name,
    /// or for a section symbol (`STT_SECTION`, usually unnamed) the name of
    /// its section.
    pub fn symbol_display_name(
        &self,
        table: &SymbolTable<'a>,
        index: usize,
        symbol: &Symbol,
    ) -> Result<&'a [u8]> {
        if symbol.kind() == STT_SECTION && symbol.st_name == 0 {
            if let SymbolSection::Section(i) = table.section(index, symbol)? {
                return self.section(i as usize)?.name();
            }
        }
        table.name(symbol)
    }

    /// The members of a section group (`SHT_GROUP`): its flags
    /// (`GRP_COMDAT`) and the section indices it holds.
    pub fn group(&self, section: &Section<'a>) -> Result<(u32, Table<'a, u32>)> {
        let data = section.data()?;
        let words = Table::<u32>::new(self.encoding(), data);
        let flags = words.get(0).ok_or(
            Error::out_of_bounds(
                Structure::SectionGroup,
                Field::ShSizeFlagWord,
                section.header().sh_offset,
                4,
            )
            .at_index(section.index() as u64),
        )?;
        Ok((flags, words.skip(1)))
    }

    /// The bytes of `size` at file offset `offset`, checked.
    ///
    /// # Errors
    ///
    /// When the range overflows or runs past the end of the file.
    pub fn bytes_at(&self, offset: u64, size: u64) -> Result<&'a [u8]> {
        range(
            self.data(),
            offset,
            size,
            Structure::Requested,
            Field::OffsetSize,
        )
    }
}

/// The dynamic symbols of a file with what is needed to look them up by
/// name: the hash table (`.gnu.hash` preferred) and the version tables.
#[derive(Debug, Clone, Copy)]
pub struct DynamicSymbols<'a> {
    symbols: SymbolTable<'a>,
    hash: Option<HashTable<'a>>,
    versions: VersionInfo<'a>,
}

impl<'a> DynamicSymbols<'a> {
    /// The symbol table.
    pub fn symbols(&self) -> &SymbolTable<'a> {
        &self.symbols
    }

    /// The hash table, if the file has one.
    pub fn hash(&self) -> Option<&HashTable<'a>> {
        self.hash.as_ref()
    }

    /// The version tables.
    pub fn versions(&self) -> &VersionInfo<'a> {
        &self.versions
    }

    /// The version of symbol `index`.
    pub fn version(&self, index: usize) -> Result<SymbolVersion<'a>> {
        self.versions.symbol_version(index)
    }

    /// Looks `name` up through the hash table (a linear scan only when the
    /// file has none), returning its default version: a symbol whose
    /// versym entry is not marked hidden.
    ///
    /// ```
    /// let bytes = std::fs::read("/proc/self/exe").unwrap();
    /// let file = elfin::ElfFile::parse(&bytes).unwrap();
    /// if let Some(dynsyms) = file.dynamic_symbols().unwrap() {
    ///     // Symbols the executable imports are in .dynsym too (undefined).
    ///     let _ = dynsyms.lookup(b"malloc").unwrap();
    /// }
    /// ```
    pub fn lookup(&self, name: &[u8]) -> Result<Option<(usize, Symbol)>> {
        let v = self.versions;
        self.find(name, |i, _| {
            v.versym(i).is_none_or(|x| x & VERSYM_HIDDEN == 0)
        })
    }

    /// Looks up `name` with the version named `version` (hidden or default).
    pub fn lookup_versioned(&self, name: &[u8], version: &[u8]) -> Result<Option<(usize, Symbol)>> {
        let v = self.versions;
        // The version indices that resolve to `version`, found in one pass,
        // so that each candidate costs O(1) rather than a walk of the
        // version chains (which made one lookup quadratic in the input).
        let mut named = [0u64; 512];
        v.indices_named(version, &mut named);
        self.find(name, |i, _| {
            v.versym(i).is_some_and(|raw| {
                let ndx = usize::from(raw & !VERSYM_HIDDEN);
                ndx > 1
                    && named
                        .get(ndx / 64)
                        .is_some_and(|w| w & (1 << (ndx % 64)) != 0)
            })
        })
    }

    fn find(
        &self,
        name: &[u8],
        mut accept: impl FnMut(usize, &Symbol) -> bool,
    ) -> Result<Option<(usize, Symbol)>> {
        match &self.hash {
            Some(h) => h.find(name, &self.symbols, accept),
            None => Ok(self
                .symbols
                .iter()
                .enumerate()
                .find(|(i, s)| self.symbols.strings().eq_at(s.st_name, name) && accept(*i, s))),
        }
    }
}
