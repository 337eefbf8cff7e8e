//! The parsed file: one call to open any ELF file, then typed views.

use super::bytes::{range, table_size};
use super::encoding::{Class, Encoding, Endian, Table};
use super::header::FileHeader;
use super::section::{Section, SectionHeader};
use super::segment::ProgramHeader;
use super::strtab::StringTable;
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::{PN_XNUM, PT_INTERP, PT_LOAD, SHN_XINDEX};

/// A parsed ELF file borrowing its bytes.
///
/// Opening checks the identification, the file header, and the bounds of
/// the program and section header tables; it reads nothing else, so it costs
/// the same for a 1 KiB file as for a 1 GiB one. Everything else is read
/// lazily through views that borrow the input.
///
/// Only an unreadable file header (magic, class, byte order, size) makes
/// opening fail. A program or section header table that cannot be used
/// (a bad entry size, a count or offset past the end of the file) leaves
/// that table empty and the rest readable; [`segments_error`](Self::segments_error)
/// and [`sections_error`](Self::sections_error) say what was wrong.
///
/// ```
/// let bytes = std::fs::read("/proc/self/exe").unwrap();
/// let file = elfin::ElfFile::parse(&bytes).unwrap();
/// assert!(file.sections_error().is_none());
/// for section in file.sections() {
///     let name = section.name().unwrap_or(b"<bad name>");
///     println!("{:>3} {}", section.index(), String::from_utf8_lossy(name));
/// }
/// assert!(file.section_by_name(b".text").is_some());
/// ```
///
/// An `ElfFile` is small (96 bytes on 64-bit targets): the file header is
/// decoded again from the input when asked for, rather than kept, and the
/// errors of the header tables are made again on demand, so opening writes
/// little and a copy moves little.
#[derive(Debug, Clone, Copy)]
pub struct ElfFile<'a> {
    data: &'a [u8],
    segments: Table<'a, ProgramHeader>,
    sections: Table<'a, SectionHeader>,
    /// The section-name table when it resolved; its error is made again on
    /// demand, which keeps the error out of every copy.
    names: Option<StringTable<'a>>,
    shstrndx: u32,
    encoding: Encoding,
    /// Which header tables were unusable ([`BROKEN_SEGMENTS`],
    /// [`BROKEN_SECTIONS`]); their errors are made again on demand, for the
    /// same reason.
    broken: u8,
}

// Small enough that returning one is a few register moves, not a `memcpy`.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(core::mem::size_of::<ElfFile<'static>>() <= 96);

const BROKEN_SEGMENTS: u8 = 1;
const BROKEN_SECTIONS: u8 = 2;

impl<'a> ElfFile<'a> {
    /// Opens an ELF file of any class, byte order and machine.
    ///
    /// # Errors
    ///
    /// Fails only when the file header cannot be read; see
    /// [`segments_error`](Self::segments_error) and
    /// [`sections_error`](Self::sections_error) for the tables.
    ///
    /// Only the identification, the file header and the bounds of the two
    /// header tables are read; everything else is read when asked for. Bytes
    /// that are not an ELF file give an error saying what is wrong, and where:
    ///
    /// ```
    /// assert!(elfin::ElfFile::parse(b"\x7fELF\x02\x01\x01").is_err()); // too short
    /// let err = elfin::ElfFile::parse(b"#!/bin/sh\nexit 0\n").unwrap_err();
    /// println!("{err}");
    /// ```
    #[inline]
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let (header, encoding) = FileHeader::parse(data)?;
        let first = first_section(data, &header, encoding);
        let mut broken = 0;
        let sections = section_table(data, &header, encoding, first).unwrap_or_else(|_| {
            broken |= BROKEN_SECTIONS;
            Table::empty(encoding)
        });
        let segments = program_table(data, &header, encoding, first).unwrap_or_else(|_| {
            broken |= BROKEN_SEGMENTS;
            Table::empty(encoding)
        });
        let shstrndx = match first {
            Some(sh0) if header.e_shstrndx == SHN_XINDEX => sh0.sh_link,
            _ => u32::from(header.e_shstrndx),
        };
        let names = section_names(data, &sections, shstrndx).ok();
        Ok(ElfFile {
            data,
            segments,
            sections,
            names,
            shstrndx,
            encoding,
            broken,
        })
    }

    /// Why the program header table could not be used (the file then has
    /// no segments), or `None` when it could.
    ///
    /// ```
    /// let mut bytes = std::fs::read("/proc/self/exe").unwrap();
    /// bytes[54] = 7; // e_phentsize of a 64-bit little-endian file
    /// let file = elfin::ElfFile::parse(&bytes).unwrap();
    /// assert_eq!(file.segment_count(), 0);
    /// assert_eq!(file.segments_error().unwrap().structure(), "file header");
    /// assert!(file.section_count() > 0); // the sections are still there
    /// ```
    pub fn segments_error(&self) -> Option<Error> {
        if self.broken & BROKEN_SEGMENTS == 0 {
            return None;
        }
        let header = self.header();
        let first = first_section(self.data, &header, self.encoding);
        program_table(self.data, &header, self.encoding, first).err()
    }

    /// Why the section header table could not be used (the file then has
    /// no sections), or `None` when it could. A file without section
    /// headers (`e_shoff` and `e_shnum` both 0) has no error.
    pub fn sections_error(&self) -> Option<Error> {
        if self.broken & BROKEN_SECTIONS == 0 {
            return None;
        }
        let header = self.header();
        let first = first_section(self.data, &header, self.encoding);
        section_table(self.data, &header, self.encoding, first).err()
    }

    /// The number of program headers the file header states, resolved
    /// through section 0 when `e_phnum` is `PN_XNUM` and section 0 can be
    /// read: [`segment_count`](Self::segment_count) unless the table is
    /// unusable.
    pub fn stated_segment_count(&self) -> u64 {
        let header = self.header();
        match first_section(self.data, &header, self.encoding) {
            Some(sh0) if header.e_phnum == PN_XNUM => u64::from(sh0.sh_info),
            _ => u64::from(header.e_phnum),
        }
    }

    /// The number of section headers the file header states, resolved
    /// through section 0 when `e_shnum` is 0 and section 0 can be read:
    /// [`section_count`](Self::section_count) unless the table is unusable
    /// (`e_shoff` 0 with `e_shnum` 29 states 29 and has none).
    pub fn stated_section_count(&self) -> u64 {
        let header = self.header();
        match first_section(self.data, &header, self.encoding) {
            Some(sh0) if header.e_shnum == 0 => sh0.sh_size,
            _ => u64::from(header.e_shnum),
        }
    }

    /// The whole input.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Class and byte order.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// 32 or 64 bit.
    pub fn class(&self) -> Class {
        self.encoding.class
    }

    /// Little or big endian.
    pub fn endian(&self) -> Endian {
        self.encoding.endian
    }

    /// The file header as stored (see the count methods for the resolved
    /// extended numbering), decoded from the input on each call.
    pub fn header(&self) -> FileHeader {
        FileHeader::decode(self.data, self.encoding)
    }

    /// The machine (`e_machine`).
    pub fn machine(&self) -> u16 {
        // e_machine is at offset 18 in both classes.
        self.data
            .get(18..)
            .and_then(|b| self.encoding.read_u16(b))
            .unwrap_or(0)
    }

    /// The number of program headers, resolved through extended numbering.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// The number of section headers, resolved through extended numbering.
    pub fn section_count(&self) -> usize {
        self.sections.len()
    }

    /// The index of the section-name string table, resolved through
    /// extended numbering (0 when there is none).
    pub fn shstrndx(&self) -> u32 {
        self.shstrndx
    }

    /// The program header table, typed (match on it for the raw records).
    pub fn program_headers(&self) -> Table<'a, ProgramHeader> {
        self.segments
    }

    /// The section header table, typed (match on it for the raw records).
    pub fn section_headers(&self) -> Table<'a, SectionHeader> {
        self.sections
    }

    /// Every program header, decoded.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use elfin::raw::consts::PT_LOAD;
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// for ph in file.segments().filter(|p| p.p_type == PT_LOAD) {
    ///     let perms = [(ph.is_read(), 'r'), (ph.is_write(), 'w'), (ph.is_execute(), 'x')]
    ///         .map(|(on, c)| if on { c } else { '-' });
    ///     println!("{:#x} +{:#x} {}", ph.p_vaddr, ph.p_memsz, String::from_iter(perms));
    ///     assert_eq!(file.segment_data(&ph)?.len() as u64, ph.p_filesz);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn segments(&self) -> super::encoding::TableIter<'a, ProgramHeader> {
        self.segments.iter()
    }

    /// The file bytes of a segment (`p_offset .. p_offset + p_filesz`).
    ///
    /// An empty segment (`p_filesz` 0) reads as no bytes wherever it
    /// starts, at the end of the file or past it: it has none to be out of
    /// bounds, and split debug files (`objcopy --only-keep-debug`) have
    /// such segments past their end, which readelf and debuggers accept.
    ///
    /// # Errors
    ///
    /// Fails when `p_offset + p_filesz` is past the end of the file.
    pub fn segment_data(&self, ph: &ProgramHeader) -> Result<&'a [u8]> {
        if ph.p_filesz == 0 {
            return Ok(&[]);
        }
        range(
            self.data,
            ph.p_offset,
            ph.p_filesz,
            Structure::ProgramHeader,
            Field::POffsetFilesz,
        )
    }

    /// The program interpreter named by `PT_INTERP`, without its NUL.
    ///
    /// # Errors
    ///
    /// Fails when the `PT_INTERP` segment is out of the file.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// if let Some(path) = file.interpreter()? {
    ///     // "/lib64/ld-linux-x86-64.so.2" on x86-64 GNU/Linux
    ///     assert!(path.starts_with(b"/"));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn interpreter(&self) -> Result<Option<&'a [u8]>> {
        let Some(ph) = self.segments().find(|p| p.p_type == PT_INTERP) else {
            return Ok(None);
        };
        let bytes = self.segment_data(&ph)?;
        let end = memchr::memchr(0, bytes).unwrap_or(bytes.len());
        Ok(Some(bytes.get(..end).unwrap_or(bytes)))
    }

    /// The file offset of the byte loaded at virtual address `addr`, found
    /// through the `PT_LOAD` segments.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let entry = file.header().e_entry;
    /// let offset = file.vaddr_to_offset(entry).expect("the entry point is loaded");
    /// assert_eq!(file.offset_to_vaddr(offset), Some(entry));
    /// # Ok(())
    /// # }
    /// ```
    pub fn vaddr_to_offset(&self, addr: u64) -> Option<u64> {
        self.segments()
            .filter(|p| p.p_type == PT_LOAD)
            .find_map(|p| p.vaddr_to_offset(addr))
    }

    /// The virtual address where the byte at file offset `offset` is loaded.
    pub fn offset_to_vaddr(&self, offset: u64) -> Option<u64> {
        self.segments()
            .filter(|p| p.p_type == PT_LOAD)
            .find_map(|p| p.offset_to_vaddr(offset))
    }

    /// `size` bytes of file data loaded at `addr`, all from one segment.
    ///
    /// # Errors
    ///
    /// When no `PT_LOAD` segment holds `addr` in its file part, or the
    /// range runs past that part or past the end of the file.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// // The first instruction bytes of the program.
    /// let code = file.data_at_vaddr(file.header().e_entry, 4)?;
    /// assert_eq!(code.len(), 4);
    /// // An address no segment loads is an error.
    /// assert!(file.data_at_vaddr(u64::MAX - 8, 4).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn data_at_vaddr(&self, addr: u64, size: u64) -> Result<&'a [u8]> {
        self.data_at_vaddr_as(addr, size, Structure::Requested)
    }

    /// [`data_at_vaddr`](Self::data_at_vaddr), its errors naming `structure`.
    pub(crate) fn data_at_vaddr_as(
        &self,
        addr: u64,
        size: u64,
        structure: Structure,
    ) -> Result<&'a [u8]> {
        for p in self.segments().filter(|p| p.p_type == PT_LOAD) {
            if let Some((off, avail)) = p.vaddr_to_file_range(addr) {
                if size > avail {
                    return Err(Error::out_of_bounds(
                        structure,
                        Field::AddressSizePastSegment,
                        off,
                        size,
                    ));
                }
                return range(self.data, off, size, structure, Field::AddressSize);
            }
        }
        Err(Error::bad_value(structure, 0, Field::AddressInNoLoad, addr))
    }

    /// The section-name string table, if the file has a valid one.
    ///
    /// # Errors
    ///
    /// Fails when the file has no section-name table, or `e_shstrndx` names a section
    /// that is out of range or out of the file.
    pub fn section_names(&self) -> Result<StringTable<'a>> {
        match self.names {
            Some(t) => Ok(t),
            None => section_names(self.data, &self.sections, self.shstrndx),
        }
    }

    /// Every section, with access to its name and data.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// for section in file.sections() {
    ///     let h = section.header();
    ///     println!("[{:2}] {:24} {:#10x} {:#8x}", section.index(), section.name_str()?, h.sh_addr, h.sh_size);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn sections(&self) -> Sections<'a> {
        Sections {
            inner: self.sections.iter().enumerate(),
            file: *self,
        }
    }

    /// The section at `index`.
    ///
    /// # Errors
    ///
    /// Fails when `index` is past the section count.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let names = file.section(file.shstrndx() as usize)?;
    /// assert_eq!(names.name()?, b".shstrtab");
    /// assert!(file.section(file.section_count()).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn section(&self, index: usize) -> Result<Section<'a>> {
        match self.sections.get(index) {
            Some(h) => Ok(self.make_section(index, h)),
            None => Err(Error::bad_index(
                Structure::SectionHeaderTable,
                self.header().e_shoff,
                Field::SectionIndex,
                index as u64,
            )),
        }
    }

    #[inline]
    pub(crate) fn make_section(&self, index: usize, header: SectionHeader) -> Section<'a> {
        Section::new(index, header, self.data, self.names, self.encoding)
    }

    /// The first section called `name` (a linear scan; with `alloc`,
    /// [`SectionIndex`](crate::read::SectionIndex) answers in O(1)).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let text = file.section_by_name(b".text").expect("a program has code");
    /// assert!(text.header().is_execute() && !text.data()?.is_empty());
    /// assert!(file.section_by_name(b".no-such-section").is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn section_by_name(&self, name: &[u8]) -> Option<Section<'a>> {
        let names = self.names?;
        self.sections.iter().enumerate().find_map(|(i, h)| {
            (names.get(h.sh_name).ok()? == name).then(|| self.make_section(i, h))
        })
    }

    /// The first section of type `sh_type` (never section 0: that entry is
    /// reserved, and holds extended counts rather than a section).
    pub fn section_by_type(&self, sh_type: u32) -> Option<Section<'a>> {
        self.sections
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, h)| h.sh_type == sh_type)
            .map(|(i, h)| self.make_section(i, h))
    }

    /// The allocated section whose memory image contains `addr` (the
    /// smallest one when sections overlap, e.g. `.tbss`).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let at_entry = file.section_containing(file.header().e_entry).unwrap();
    /// assert_eq!(at_entry.name()?, b".text");
    /// # Ok(())
    /// # }
    /// ```
    pub fn section_containing(&self, addr: u64) -> Option<Section<'a>> {
        self.sections
            .iter()
            .enumerate()
            .filter(|(_, h)| h.contains_addr(addr))
            .min_by_key(|(_, h)| h.sh_size)
            .map(|(i, h)| self.make_section(i, h))
    }
}

/// Section 0, when the file header defers a count or an index to it
/// (`e_shnum` 0, `e_shstrndx` `SHN_XINDEX`, `e_phnum` `PN_XNUM`) and it can
/// be read.
#[inline]
fn first_section(data: &[u8], h: &FileHeader, encoding: Encoding) -> Option<SectionHeader> {
    let defers = h.e_shnum == 0 || h.e_shstrndx == SHN_XINDEX || h.e_phnum == PN_XNUM;
    let size = Table::<SectionHeader>::entry_size(encoding) as u64;
    if !defers || h.e_shoff == 0 || u64::from(h.e_shentsize) != size {
        return None;
    }
    let first = range(
        data,
        h.e_shoff,
        size,
        Structure::SectionHeaderTable,
        Field::EShoffEntry0,
    )
    .ok()?;
    Table::<SectionHeader>::new(encoding, first).get(0)
}

/// The offset of a file header field, given its offset in a 32-bit header
/// (`e_entry`, `e_phoff` and `e_shoff` are 4 bytes wider in a 64-bit one).
fn field_offset(encoding: Encoding, offset32: u64) -> u64 {
    match (encoding.class, offset32) {
        (Class::Elf32, o) => o,
        (Class::Elf64, 28) => 32,
        (Class::Elf64, 32) => 40,
        // Only the header's own field offsets (below 64) are passed.
        (Class::Elf64, o) => o.saturating_add(12),
    }
}

/// The section header table, checked (its error names the file header
/// field at fault, or the table's own offset).
#[inline]
fn section_table<'a>(
    data: &'a [u8],
    h: &FileHeader,
    encoding: Encoding,
    first: Option<SectionHeader>,
) -> Result<Table<'a, SectionHeader>> {
    let entsize = Table::<SectionHeader>::entry_size(encoding) as u64;
    if h.e_shoff == 0 {
        if h.e_shnum != 0 {
            return Err(Error::bad_value(
                Structure::FileHeader,
                field_offset(encoding, 48),
                Field::EShnumWithoutShoff,
                h.e_shnum.into(),
            ));
        }
        return Ok(Table::empty(encoding));
    }
    if u64::from(h.e_shentsize) != entsize {
        return Err(Error::bad_entry_size(
            Structure::FileHeader,
            field_offset(encoding, 46),
            Field::EShentsize,
            h.e_shentsize.into(),
            u8::try_from(entsize).unwrap_or(u8::MAX), // 32 to 64
        ));
    }
    let count = if h.e_shnum != 0 {
        u64::from(h.e_shnum)
    } else {
        // The real count is in section 0, which must then be readable.
        match first {
            Some(sh0) => sh0.sh_size,
            None => {
                range(
                    data,
                    h.e_shoff,
                    entsize,
                    Structure::SectionHeaderTable,
                    Field::EShoffEntry0,
                )?;
                0
            }
        }
    };
    let size = table_size(
        count,
        entsize,
        Structure::SectionHeaderTable,
        h.e_shoff,
        Field::EShnumTooLarge,
    )?;
    let bytes = range(
        data,
        h.e_shoff,
        size,
        Structure::SectionHeaderTable,
        Field::EShoffTable,
    )?;
    Ok(Table::new(encoding, bytes))
}

/// The program header table, checked.
#[inline]
fn program_table<'a>(
    data: &'a [u8],
    h: &FileHeader,
    encoding: Encoding,
    first: Option<SectionHeader>,
) -> Result<Table<'a, ProgramHeader>> {
    let count = if h.e_phnum == PN_XNUM {
        match first {
            Some(sh0) => u64::from(sh0.sh_info),
            None => {
                return Err(Error::missing(
                    Structure::FileHeader,
                    field_offset(encoding, 44),
                    Field::MissingSection0ForPhnum,
                ));
            }
        }
    } else {
        u64::from(h.e_phnum)
    };
    if count == 0 {
        return Ok(Table::empty(encoding));
    }
    let entsize = Table::<ProgramHeader>::entry_size(encoding) as u64;
    if u64::from(h.e_phentsize) != entsize {
        return Err(Error::bad_entry_size(
            Structure::FileHeader,
            field_offset(encoding, 42),
            Field::EPhentsize,
            h.e_phentsize.into(),
            u8::try_from(entsize).unwrap_or(u8::MAX), // 32 to 64
        ));
    }
    if h.e_phoff == 0 {
        return Err(Error::bad_value(
            Structure::FileHeader,
            field_offset(encoding, 28),
            Field::EPhoffZero,
            count,
        ));
    }
    let size = table_size(
        count,
        entsize,
        Structure::ProgramHeaderTable,
        h.e_phoff,
        Field::EPhnumTooLarge,
    )?;
    let bytes = range(
        data,
        h.e_phoff,
        size,
        Structure::ProgramHeaderTable,
        Field::EPhoffTable,
    )?;
    Ok(Table::new(encoding, bytes))
}

#[inline]
fn section_names<'a>(
    data: &'a [u8],
    sections: &Table<'a, SectionHeader>,
    shstrndx: u32,
) -> Result<StringTable<'a>> {
    if shstrndx == 0 {
        return Err(Error::missing(
            Structure::FileHeader,
            0,
            Field::MissingShstrtab,
        ));
    }
    let h = sections.get(shstrndx as usize).ok_or_else(|| {
        Error::bad_index(Structure::FileHeader, 0, Field::EShstrndx, shstrndx.into())
    })?;
    let bytes = super::section::section_data(data, shstrndx as usize, &h)?;
    Ok(StringTable::new(bytes, h.sh_offset))
}

/// An iterator over the sections of a file.
#[derive(Debug, Clone)]
pub struct Sections<'a> {
    inner: core::iter::Enumerate<super::encoding::TableIter<'a, SectionHeader>>,
    file: ElfFile<'a>,
}

impl<'a> Iterator for Sections<'a> {
    type Item = Section<'a>;

    #[inline]
    fn next(&mut self) -> Option<Section<'a>> {
        let (i, h) = self.inner.next()?;
        Some(self.file.make_section(i, h))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Sections<'_> {}

impl<'a> ElfFile<'a> {
    /// The file bytes from virtual address `addr` to the end of the file
    /// part of the `PT_LOAD` segment containing it (for tables whose size
    /// the dynamic section does not record).
    ///
    /// # Errors
    ///
    /// When no `PT_LOAD` segment holds `addr` in its file part, or that
    /// part runs past the end of the file.
    pub fn data_from_vaddr(&self, addr: u64) -> Result<(&'a [u8], u64)> {
        self.data_from_vaddr_as(addr, Structure::Requested)
    }

    /// [`data_from_vaddr`](Self::data_from_vaddr), its errors naming
    /// `structure`.
    pub(crate) fn data_from_vaddr_as(
        &self,
        addr: u64,
        structure: Structure,
    ) -> Result<(&'a [u8], u64)> {
        for p in self.segments().filter(|p| p.p_type == PT_LOAD) {
            if let Some((off, avail)) = p.vaddr_to_file_range(addr) {
                let bytes = range(self.data, off, avail, structure, Field::AddressToSegmentEnd)?;
                return Ok((bytes, off));
            }
        }
        Err(Error::bad_value(structure, 0, Field::AddressInNoLoad, addr))
    }
}
