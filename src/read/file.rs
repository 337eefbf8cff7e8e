//! The parsed file: one call to open any ELF file, then typed views.

use super::bytes::{range, table_size};
use super::encoding::{Class, Encoding, Endian, Table};
use super::header::FileHeader;
use super::section::{Section, SectionHeader};
use super::segment::ProgramHeader;
use super::strtab::StringTable;
use crate::error::{Error, Problem, Result};
use crate::raw::consts::{PN_XNUM, PT_INTERP, PT_LOAD, SHN_XINDEX};

/// A parsed ELF file borrowing its bytes.
///
/// Opening checks the identification, the file header, and the bounds of
/// the program and section header tables; it reads nothing else, so it costs
/// the same for a 1 KiB file as for a 1 GiB one. Everything else is read
/// lazily through views that borrow the input.
///
/// ```
/// let bytes = std::fs::read("/proc/self/exe").unwrap();
/// let file = elfin::ElfFile::parse(&bytes).unwrap();
/// for section in file.sections() {
///     let name = section.name().unwrap_or(b"<bad name>");
///     println!("{:>3} {}", section.index(), String::from_utf8_lossy(name));
/// }
/// assert!(file.section_by_name(b".text").is_some());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ElfFile<'a> {
    data: &'a [u8],
    encoding: Encoding,
    header: FileHeader,
    segments: Table<'a, ProgramHeader>,
    sections: Table<'a, SectionHeader>,
    shstrndx: u32,
    /// The section-name table when it resolved; its error is made again on
    /// demand, which keeps the error (88 bytes) out of every copy.
    names: Option<StringTable<'a>>,
}

impl<'a> ElfFile<'a> {
    /// Opens an ELF file of any class, byte order and machine.
    ///
    /// # Errors
    ///
    /// Fails when `data` is not an ELF file this crate reads (too short; bad magic,
    /// class, byte order or version) or a header table it declares is out of the file.
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
        let shentsize = Table::<SectionHeader>::entry_size(encoding) as u64;
        let phentsize = Table::<ProgramHeader>::entry_size(encoding) as u64;

        // Section 0 holds the real counts when they do not fit in the header.
        let mut shnum = u64::from(header.e_shnum);
        let mut shstrndx = u32::from(header.e_shstrndx);
        let mut phnum = u64::from(header.e_phnum);
        let mut sections = Table::empty(encoding);
        if header.e_shoff != 0 {
            if u64::from(header.e_shentsize) != shentsize {
                return Err(Error::new(
                    "file header",
                    header.e_shoff,
                    Problem::BadEntrySize {
                        field: "e_shentsize",
                        found: header.e_shentsize.into(),
                        expected: shentsize,
                    },
                ));
            }
            // Section 0 is read only when the header defers to it.
            if header.e_shnum == 0 || header.e_shstrndx == SHN_XINDEX || header.e_phnum == PN_XNUM {
                let first = range(
                    data,
                    header.e_shoff,
                    shentsize,
                    "section header table",
                    "e_shoff + e_shentsize",
                )?;
                let sh0 = Table::<SectionHeader>::new(encoding, first)
                    .get(0)
                    .unwrap_or_default();
                if header.e_shnum == 0 {
                    shnum = sh0.sh_size;
                }
                if header.e_shstrndx == SHN_XINDEX {
                    shstrndx = sh0.sh_link;
                }
                if header.e_phnum == PN_XNUM {
                    phnum = u64::from(sh0.sh_info);
                }
            }
            let size = table_size(
                shnum,
                shentsize,
                "section header table",
                header.e_shoff,
                "e_shnum * e_shentsize",
            )?;
            let bytes = range(
                data,
                header.e_shoff,
                size,
                "section header table",
                "e_shoff + e_shnum * e_shentsize",
            )?;
            sections = Table::new(encoding, bytes);
        }

        let mut segments = Table::empty(encoding);
        if phnum != 0 {
            if u64::from(header.e_phentsize) != phentsize {
                return Err(Error::new(
                    "file header",
                    header.e_phoff,
                    Problem::BadEntrySize {
                        field: "e_phentsize",
                        found: header.e_phentsize.into(),
                        expected: phentsize,
                    },
                ));
            }
            let size = table_size(
                phnum,
                phentsize,
                "program header table",
                header.e_phoff,
                "e_phnum * e_phentsize",
            )?;
            let bytes = range(
                data,
                header.e_phoff,
                size,
                "program header table",
                "e_phoff + e_phnum * e_phentsize",
            )?;
            segments = Table::new(encoding, bytes);
        }

        let names = section_names(data, &sections, shstrndx).ok();
        Ok(ElfFile {
            data,
            encoding,
            header,
            segments,
            sections,
            shstrndx,
            names,
        })
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
    /// extended numbering).
    pub fn header(&self) -> &FileHeader {
        &self.header
    }

    /// The machine (`e_machine`).
    pub fn machine(&self) -> u16 {
        self.header.e_machine
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
    /// # Errors
    ///
    /// Fails when `p_offset + p_filesz` is past the end of the file.
    pub fn segment_data(&self, ph: &ProgramHeader) -> Result<&'a [u8]> {
        range(
            self.data,
            ph.p_offset,
            ph.p_filesz,
            "program header",
            "p_offset + p_filesz",
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
        Ok(Some(&bytes[..end]))
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
    /// Fails, naming `structure`, when no `PT_LOAD` segment holds all `size` bytes at
    /// `addr` in its file part.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// // The first instruction bytes of the program.
    /// let code = file.data_at_vaddr(file.header().e_entry, 4, "entry point")?;
    /// assert_eq!(code.len(), 4);
    /// // An address no segment loads is an error naming what was looked for.
    /// assert!(file.data_at_vaddr(u64::MAX - 8, 4, "my table").is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn data_at_vaddr(&self, addr: u64, size: u64, structure: &'static str) -> Result<&'a [u8]> {
        for p in self.segments().filter(|p| p.p_type == PT_LOAD) {
            if let Some(off) = p.vaddr_to_offset(addr) {
                let avail = p.p_filesz - (addr - p.p_vaddr);
                if size > avail {
                    return Err(Error::new(
                        structure,
                        off,
                        Problem::OutOfBounds {
                            field: "address + size (past its segment)",
                            start: addr,
                            size,
                            limit: avail,
                        },
                    ));
                }
                return range(self.data, off, size, structure, "address + size");
            }
        }
        Err(Error::new(
            structure,
            0,
            Problem::BadValue {
                field: "address (in no PT_LOAD segment)",
                value: addr,
            },
        ))
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
            None => Err(Error::new(
                "section header table",
                self.header.e_shoff,
                Problem::BadIndex {
                    field: "section index",
                    index: index as u64,
                    count: self.sections.len() as u64,
                },
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
    /// assert!(text.is_execute() && !text.data()?.is_empty());
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

#[inline]
fn section_names<'a>(
    data: &'a [u8],
    sections: &Table<'a, SectionHeader>,
    shstrndx: u32,
) -> Result<StringTable<'a>> {
    if shstrndx == 0 {
        return Err(Error::new(
            "file header",
            0,
            Problem::Missing("section-name string table (e_shstrndx is 0)"),
        ));
    }
    let h = sections.get(shstrndx as usize).ok_or_else(|| {
        Error::new(
            "file header",
            0,
            Problem::BadIndex {
                field: "e_shstrndx",
                index: shstrndx.into(),
                count: sections.len() as u64,
            },
        )
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
    /// Fails, naming `structure`, when no `PT_LOAD` segment holds `addr` in its
    /// file part.
    pub fn data_from_vaddr(&self, addr: u64, structure: &'static str) -> Result<(&'a [u8], u64)> {
        for p in self.segments().filter(|p| p.p_type == PT_LOAD) {
            if let Some(off) = p.vaddr_to_offset(addr) {
                let avail = p.p_filesz - (addr - p.p_vaddr);
                let bytes = range(
                    self.data,
                    off,
                    avail,
                    structure,
                    "address to end of segment",
                )?;
                return Ok((bytes, off));
            }
        }
        Err(Error::new(
            structure,
            0,
            Problem::BadValue {
                field: "address (in no PT_LOAD segment)",
                value: addr,
            },
        ))
    }
}
