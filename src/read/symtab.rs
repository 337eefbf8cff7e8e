//! Finding the symbol tables of a file, and the dynamic symbols with their
//! hash table and versions — also when the file has no section headers.

use super::bytes::range;
use super::dynamic::{DynamicInfo, DynamicTable};
use super::encoding::{Class, Encoding, Table};
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
    ///
    /// # Errors
    ///
    /// Fails when `index` names no section, or a section whose data is out of the
    /// file.
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
    ///
    /// # Errors
    ///
    /// Fails when the section, its string table (`sh_link`) or its
    /// `SHT_SYMTAB_SHNDX` is out of the file, or its `sh_entsize` is wrong.
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
    ///
    /// # Errors
    ///
    /// Fails as [`symbol_table_of`](Self::symbol_table_of) does on `.symtab`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// if let Some(symtab) = file.symbol_table()? {  // None once stripped
    ///     let (index, main) = symtab.find_by_name(b"main").expect("a program has main");
    ///     assert_eq!(symtab.get(index)?, main);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn symbol_table(&self) -> Result<Option<SymbolTable<'a>>> {
        self.section_by_type(SHT_SYMTAB)
            .map(|s| self.symbol_table_of(&s))
            .transpose()
    }

    /// The dynamic table: `PT_DYNAMIC` (what the loader reads), or the
    /// `SHT_DYNAMIC` section when there is no such segment or its bytes
    /// are not in the file. A section that disagrees with the segment is
    /// reported by [`DynamicTable::errors`].
    ///
    /// The libraries a program needs, from its `DT_NEEDED` entries:
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use elfin::raw::consts::DT_NEEDED;
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let dynamic = file.dynamic()?.expect("a dynamically linked program");
    /// let needed: Vec<&[u8]> = dynamic
    ///     .iter()
    ///     .filter(|d| d.d_tag == DT_NEEDED)
    ///     .map(|d| file.dynamic_string(d.d_val))
    ///     .collect::<Result<_, _>>()?;
    /// assert!(needed.iter().any(|n| n.starts_with(b"libc.so")));
    /// # Ok(())
    /// # }
    /// ```
    pub fn dynamic(&self) -> Result<Option<DynamicTable<'a>>> {
        let enc = self.encoding();
        let section = self.section_by_type(SHT_DYNAMIC);
        let segment = self
            .segments()
            .find(|p| p.p_type == PT_DYNAMIC)
            .map(|p| (p, self.segment_data(&p)));
        match (section, segment) {
            // A .dynamic without file bytes (a separate debug file) has no
            // table, whatever the segment says.
            (Some(s), _) if !s.header().has_file_data() => {
                Ok(Some(DynamicTable::new(enc, &[], s.header().sh_offset)))
            }
            (Some(s), Some((p, Ok(data)))) => {
                let h = s.header();
                let table = DynamicTable::new(enc, data, p.p_offset);
                if (h.sh_offset, h.sh_size) == (p.p_offset, p.p_filesz) {
                    Ok(Some(table))
                } else {
                    Ok(Some(table.instead_of_section(
                        s.index(),
                        h.sh_offset,
                        h.sh_size,
                    )))
                }
            }
            (Some(s), _) => Ok(Some(DynamicTable::new(
                enc,
                s.data()?,
                s.header().sh_offset,
            ))),
            (None, Some((p, data))) => Ok(Some(DynamicTable::new(enc, data?, p.p_offset))),
            (None, None) => Ok(None),
        }
    }

    /// The string at `offset` in the dynamic string table (`DT_NEEDED`,
    /// `DT_SONAME`, … values).
    ///
    /// # Errors
    ///
    /// Fails when the dynamic string table cannot be found or read, or `offset` is
    /// past its end.
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
    ///
    /// # Errors
    ///
    /// Fails when the file has neither `.dynstr` nor `DT_STRTAB`, or the table is
    /// out of the file.
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
        strings_in(self, info)
    }

    /// The dynamic symbols with their hash table and versions, from the
    /// section headers when present, else from the dynamic table alone.
    ///
    /// Only the symbol table itself (and its strings) can make this fail: a
    /// hash table or version table that cannot be read is left out and
    /// reported by [`DynamicSymbols::hash_error`] and
    /// [`DynamicSymbols::versions_error`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let dynsyms = file.dynamic_symbols()?.expect("a dynamically linked program");
    /// let symbols = dynsyms.symbols();
    /// // Every symbol the program imports, with the version it asks for.
    /// for (index, sym) in symbols.iter().enumerate().filter(|(_, s)| s.is_undefined()) {
    ///     let name = String::from_utf8_lossy(symbols.name(&sym)?);
    ///     match dynsyms.version(index)?.name() {
    ///         Some(v) => println!("{name}@{}", String::from_utf8_lossy(v)),
    ///         None => println!("{name}"),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn dynamic_symbols(&self) -> Result<Option<DynamicSymbols<'a>>> {
        let wide_hash = self.class() == Class::Elf64 && self.machine() == EM_S390;
        if let Some(sec) = self.section_by_type(SHT_DYNSYM) {
            let symbols = self.symbol_table_of(&sec)?;
            let gnu = self
                .section_by_type(SHT_GNU_HASH)
                .map(|s| GnuHash::parse(self.encoding(), s.data()?, s.header().sh_offset));
            let sysv = self.section_by_type(SHT_HASH).map(|s| {
                SysvHash::parse(self.encoding(), s.data()?, s.header().sh_offset, wide_hash)
            });
            let (hash, hash_error) = pick_hash(gnu, sysv);
            let (mut versions, versions_error) = self.section_versions(symbols.strings());
            if versions_error.is_some() {
                // The same tables through the dynamic table, as the loader
                // finds them (the error stays reported either way).
                if let Ok(Some(d)) = self.dynamic() {
                    let info = d.info();
                    if let (Ok(strings), Some(_)) = (self.strings_at(&info), info.versym) {
                        if let (v, None) = versions_in(self, self.encoding(), &info, strings) {
                            versions = v;
                        }
                    }
                }
            }
            return Ok(Some(DynamicSymbols {
                symbols,
                hash,
                versions,
                hash_error,
                versions_error,
            }));
        }
        let Some(dynamic) = self.dynamic()? else {
            return Ok(None);
        };
        dynamic_symbols_in(self, self.encoding(), wide_hash, &dynamic.info())
    }

    /// The version tables of the sections, each left out (and the first
    /// error kept) when it cannot be read.
    fn section_versions(&self, strings: StringTable<'a>) -> (VersionInfo<'a>, Option<Error>) {
        let mut v = VersionInfo {
            versym: None,
            verdef: None,
            verneed: None,
        };
        let mut error = None;
        // (Section 0 is reserved, whatever its type says.)
        for s in self.sections().skip(1) {
            let h = s.header();
            if !matches!(h.sh_type, SHT_GNU_VERSYM | SHT_GNU_VERDEF | SHT_GNU_VERNEED) {
                continue;
            }
            let data = match s.data() {
                Ok(d) => d,
                Err(e) => {
                    error = error.or(Some(e));
                    continue;
                }
            };
            if h.sh_type == SHT_GNU_VERSYM {
                v.versym = Some((Table::new(self.encoding(), data), h.sh_offset));
                continue;
            }
            let strings = self.string_table(h.sh_link).unwrap_or(strings);
            let chain = VersionChain {
                data,
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
        (v, error)
    }

    /// The SysV `.hash` table (the section, or else `DT_HASH`), also when a
    /// `.gnu.hash` exists; 64-bit s390 files get their 8-byte entries.
    ///
    /// # Errors
    ///
    /// Fails when the table is out of the file or shorter than it declares.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// // Most linkers today write only .gnu.hash; DynamicSymbols::lookup uses
    /// // whichever there is.
    /// if let Some(hash) = file.sysv_hash()? {
    ///     assert!(hash.bucket_count() > 0);
    /// }
    /// # Ok(())
    /// # }
    /// ```
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
    ///
    /// # Errors
    ///
    /// Fails when the symbol's name, or its section's, cannot be read.
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
    ///
    /// # Errors
    ///
    /// Fails when the section's data is out of the file, empty, or not whole 4-byte
    /// words.
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

/// The hash table lookups use (`.gnu.hash` preferred), and the first
/// error of those that could not be read.
fn pick_hash<'a>(
    gnu: Option<Result<GnuHash<'a>>>,
    sysv: Option<Result<SysvHash<'a>>>,
) -> (Option<HashTable<'a>>, Option<Error>) {
    let gnu_error = gnu.as_ref().and_then(|g| g.as_ref().err().copied());
    let sysv_error = sysv.as_ref().and_then(|s| s.as_ref().err().copied());
    let hash = match (gnu, sysv) {
        (Some(Ok(g)), _) => Some(HashTable::Gnu(g)),
        (_, Some(Ok(s))) => Some(HashTable::Sysv(s)),
        _ => None,
    };
    (hash, gnu_error.or(sysv_error))
}

/// The number of dynamic symbols the hash tables give: `nchain` when
/// there is a SysV table (it is exact), checked against the GNU table's
/// chains; else the GNU table's count. A GNU table whose buckets are all
/// empty gives only a lower bound (`symoffset`).
fn symbol_count(
    gnu: &Option<Result<GnuHash<'_>>>,
    sysv: &Option<Result<SysvHash<'_>>>,
) -> (Option<usize>, Option<Error>) {
    let gnu_count = match gnu {
        Some(Ok(g)) => Some(g.symbol_count().map(|n| (n, g))),
        _ => None,
    };
    match (sysv, gnu_count) {
        (Some(Ok(s)), Some(Ok((n, g)))) => {
            let exact = s.symbol_count();
            let agrees = n == exact || (g.buckets_empty() && n <= exact);
            let error = (!agrees).then(|| {
                Error::bad_value(
                    Structure::GnuHashTable,
                    g.offset(),
                    Field::GnuHashCountDiffers,
                    n as u64,
                )
            });
            (Some(exact), error)
        }
        (Some(Ok(s)), Some(Err(e))) => (Some(s.symbol_count()), Some(e)),
        (Some(Ok(s)), None) => (Some(s.symbol_count()), None),
        (_, Some(Ok((n, _)))) => (Some(n), None),
        (_, Some(Err(e))) => (None, Some(e)),
        (_, None) => (None, None),
    }
}

/// Where the addresses of a dynamic table point: a file, through its
/// `PT_LOAD` segments, or a loaded image's memory.
pub(crate) trait AddressSpace<'a> {
    /// `size` bytes at address `addr`, and the offset errors should name.
    fn data_at(&self, addr: u64, size: u64, what: Structure) -> Result<(&'a [u8], u64)>;
    /// The bytes from `addr` to the end of what holds it, and its offset.
    fn data_from(&self, addr: u64, what: Structure) -> Result<(&'a [u8], u64)>;
}

impl<'a> AddressSpace<'a> for ElfFile<'a> {
    fn data_at(&self, addr: u64, size: u64, what: Structure) -> Result<(&'a [u8], u64)> {
        let bytes = self.data_at_vaddr_as(addr, size, what)?;
        Ok((bytes, self.vaddr_to_offset(addr).unwrap_or(0)))
    }
    fn data_from(&self, addr: u64, what: Structure) -> Result<(&'a [u8], u64)> {
        self.data_from_vaddr_as(addr, what)
    }
}

fn strings_in<'a>(space: &impl AddressSpace<'a>, info: &DynamicInfo) -> Result<StringTable<'a>> {
    let addr = info.strtab.ok_or(Error::missing(
        Structure::DynamicTable,
        0,
        Field::MissingDtStrtab,
    ))?;
    let (bytes, offset) = match info.strsz {
        Some(size) => space.data_at(addr, size, Structure::DynamicStringTable)?,
        None => space.data_from(addr, Structure::DynamicStringTable)?,
    };
    Ok(StringTable::new(bytes, offset))
}

/// The dynamic symbols found through the dynamic table alone (`wide_hash`:
/// 8-byte SysV hash entries, as on 64-bit s390).
pub(crate) fn dynamic_symbols_in<'a>(
    space: &impl AddressSpace<'a>,
    encoding: Encoding,
    wide_hash: bool,
    info: &DynamicInfo,
) -> Result<Option<DynamicSymbols<'a>>> {
    let Some(symtab) = info.symtab else {
        return Ok(None);
    };
    let strings = strings_in(space, info)?;
    let gnu = info.gnu_hash.map(|addr| {
        let (d, off) = space.data_from(addr, Structure::GnuHashTable)?;
        GnuHash::parse(encoding, d, off)
    });
    let sysv = info.hash.map(|addr| {
        let (d, off) = space.data_from(addr, Structure::HashTable)?;
        SysvHash::parse(encoding, d, off, wide_hash)
    });
    let (data, off) = space.data_from(symtab, Structure::DynamicSymbolTable)?;
    let mut symbols = SymbolTable::new(encoding, data, off, strings);
    // Without section headers only a hash table tells how many symbols
    // there are: DT_HASH exactly (nchain), DT_GNU_HASH by walking to
    // the end of its last chain; without either, the symbols run to
    // the end of the segment.
    let (count, mut hash_error) = symbol_count(&gnu, &sysv);
    let (hash, pick_error) = pick_hash(gnu, sysv);
    hash_error = hash_error.or(pick_error);
    if let Some(n) = count {
        if n > symbols.len() {
            hash_error = Some(Error::bad_index(
                Structure::DynamicSymbolTable,
                off,
                Field::SymbolCountFromHash,
                n as u64,
            ));
        }
        symbols = symbols.take(n);
    }
    let (versions, versions_error) = versions_in(space, encoding, info, strings);
    Ok(Some(DynamicSymbols {
        symbols,
        hash,
        versions,
        hash_error,
        versions_error,
    }))
}

fn versions_in<'a>(
    space: &impl AddressSpace<'a>,
    encoding: Encoding,
    info: &DynamicInfo,
    strings: StringTable<'a>,
) -> (VersionInfo<'a>, Option<Error>) {
    let mut v = VersionInfo {
        versym: None,
        verdef: None,
        verneed: None,
    };
    let mut error = None;
    if let Some(addr) = info.versym {
        match space.data_from(addr, Structure::VersionSymbolTable) {
            Ok((d, off)) => v.versym = Some((Table::new(encoding, d), off)),
            Err(e) => error = Some(e),
        }
    }
    let chain = |addr: Option<u64>, num: Option<u64>, what| -> Result<Option<VersionChain<'a>>> {
        let (Some(addr), Some(count)) = (addr, num) else {
            return Ok(None);
        };
        let (data, offset) = space.data_from(addr, what)?;
        Ok(Some(VersionChain {
            data,
            count,
            strings,
            offset,
            encoding,
        }))
    };
    match chain(info.verdef, info.verdefnum, Structure::VersionDefinitions) {
        Ok(c) => v.verdef = c,
        Err(e) => error = error.or(Some(e)),
    }
    match chain(info.verneed, info.verneednum, Structure::VersionNeeds) {
        Ok(c) => v.verneed = c,
        Err(e) => error = error.or(Some(e)),
    }
    (v, error)
}

/// The dynamic symbols of a file with what is needed to look them up by
/// name: the hash table (`.gnu.hash` preferred) and the version tables.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let bytes = std::fs::read("/proc/self/exe")?;
/// let file = elfin::ElfFile::parse(&bytes)?;
/// let dynsyms = file.dynamic_symbols()?.expect("a dynamically linked program");
/// assert!(dynsyms.hash().is_some(), "a linked file has .gnu.hash or .hash");
/// let needs = dynsyms.versions().needs().count();
/// println!("{} dynamic symbols, {needs} needed versions", dynsyms.symbols().len());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DynamicSymbols<'a> {
    symbols: SymbolTable<'a>,
    hash: Option<HashTable<'a>>,
    versions: VersionInfo<'a>,
    hash_error: Option<Error>,
    versions_error: Option<Error>,
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

    /// Why a hash table could not be read (lookups then use the other
    /// one, or a linear scan), or why the symbol count it gives is wrong.
    pub fn hash_error(&self) -> Option<Error> {
        self.hash_error
    }

    /// Why a version section could not be read. The tables are then
    /// those the dynamic table names (`DT_VERSYM`, `DT_VERNEED`,
    /// `DT_VERDEF`) when they can all be read, else none.
    pub fn versions_error(&self) -> Option<Error> {
        self.versions_error
    }

    /// The version of symbol `index`.
    ///
    /// # Errors
    ///
    /// Fails when `index` is past `.gnu.version`, or its version index names no
    /// version definition or need.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use elfin::read::SymbolVersion;
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let dynsyms = file.dynamic_symbols()?.unwrap();
    /// // Symbol 0 is the null symbol, always local.
    /// assert_eq!(dynsyms.version(0)?, SymbolVersion::Local);
    /// # Ok(())
    /// # }
    /// ```
    pub fn version(&self, index: usize) -> Result<SymbolVersion<'a>> {
        self.versions.symbol_version(index)
    }

    /// Looks `name` up through the hash table (a linear scan only when the
    /// file has none) as the dynamic linker does for an unversioned
    /// reference: a definition (not `SHN_UNDEF`) of the name's default
    /// version, a symbol whose versym entry is not marked hidden.
    ///
    /// ```
    /// let bytes = std::fs::read("/proc/self/exe").unwrap();
    /// let file = elfin::ElfFile::parse(&bytes).unwrap();
    /// if let Some(dynsyms) = file.dynamic_symbols().unwrap() {
    ///     // Symbols the executable imports are in .dynsym too (undefined).
    ///     let _ = dynsyms.lookup(b"malloc").unwrap();
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// Fails when the hash table is corrupt (see [`GnuHash::find`](super::GnuHash::find)).
    pub fn lookup(&self, name: &[u8]) -> Result<Option<(usize, Symbol)>> {
        let v = &self.versions;
        self.find(name, |i, s| {
            !s.is_undefined() && v.versym(i).is_none_or(|x| x & VERSYM_HIDDEN == 0)
        })
    }

    /// Looks `name` up whatever its version: the first symbol of that name
    /// in the hash chain, hidden versions included (undefined references
    /// only where the hash table holds them; a `.gnu.hash` does not).
    ///
    /// # Errors
    ///
    /// Fails when the hash table is corrupt.
    ///
    /// ```
    /// let bytes = std::fs::read("/proc/self/exe").unwrap();
    /// let file = elfin::ElfFile::parse(&bytes).unwrap();
    /// if let Some(dynsyms) = file.dynamic_symbols().unwrap() {
    ///     // A definition is found by every lookup; any-version also finds
    ///     // what the default lookup leaves out.
    ///     if let Some((i, _)) = dynsyms.lookup(b"main").unwrap() {
    ///         assert!(dynsyms.lookup_any_version(b"main").unwrap().is_some());
    ///         let _ = i;
    ///     }
    /// }
    /// ```
    pub fn lookup_any_version(&self, name: &[u8]) -> Result<Option<(usize, Symbol)>> {
        self.find(name, |_, _| true)
    }

    /// Looks up `name` with the version named `version` (hidden or
    /// default), as the dynamic linker does for a versioned reference.
    /// Undefined references with that version count too: the version
    /// index of a `SHN_UNDEF` symbol names what it needs.
    ///
    /// # Errors
    ///
    /// Fails when the hash table is corrupt. A version index that is
    /// only found past a corrupt version entry names no version.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use elfin::read::SymbolVersion;
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let dynsyms = file.dynamic_symbols()?.unwrap();
    /// // The C library's oldest x86-64 version, if this program imports with it.
    /// if let Some((index, sym)) = dynsyms.lookup_versioned(b"malloc", b"GLIBC_2.2.5")? {
    ///     assert!(sym.is_undefined());
    ///     assert!(matches!(dynsyms.version(index)?, SymbolVersion::Needed { .. }));
    /// }
    /// assert_eq!(dynsyms.lookup_versioned(b"malloc", b"NO_SUCH_VERSION")?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn lookup_versioned(&self, name: &[u8], version: &[u8]) -> Result<Option<(usize, Symbol)>> {
        let v = &self.versions;
        // Each candidate's version index is resolved by walking the version
        // entries up to it: the cost of a lookup is its hash chain plus one
        // short walk. Past a few candidates of the same name (hostile input:
        // thousands of them, each walking thousands of definitions) the
        // indices named `version` are marked once in a bitmap instead, so a
        // lookup stays linear in the input.
        const WALKS: u32 = 4;
        let mut walks = 0;
        let mut named: Option<[u64; 512]> = None;
        self.find(name, |i, _| {
            let Some(ndx) = v
                .versym(i)
                .map(|raw| raw & !VERSYM_HIDDEN)
                .filter(|&ndx| ndx > 1)
            else {
                return false;
            };
            if walks < WALKS {
                walks = walks.wrapping_add(1); // below WALKS
                return v.index_named(ndx, version);
            }
            let named = named.get_or_insert_with(|| {
                let mut bits = [0u64; 512];
                v.indices_named(version, &mut bits);
                bits
            });
            let ndx = usize::from(ndx);
            named
                .get(ndx / 64)
                .is_some_and(|w| w & (1 << (ndx % 64)) != 0)
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
