//! Section headers and the section view.

use super::bytes::range;
use super::encoding::{Encoding, decode_both};
use super::strtab::StringTable;
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::{SHF_ALLOC, SHF_COMPRESSED, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS};
use crate::raw::{Shdr32, Shdr64};

/// A section header with native integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct SectionHeader {
    pub sh_name: u32,
    pub sh_type: u32,
    pub sh_flags: u64,
    pub sh_addr: u64,
    pub sh_offset: u64,
    pub sh_size: u64,
    pub sh_link: u32,
    pub sh_info: u32,
    pub sh_addralign: u64,
    pub sh_entsize: u64,
}

decode_both!(SectionHeader, Shdr32, Shdr64, |r| SectionHeader {
    sh_name: r.sh_name.get(),
    sh_type: r.sh_type.get(),
    sh_flags: u64::from(r.sh_flags.get()),
    sh_addr: u64::from(r.sh_addr.get()),
    sh_offset: u64::from(r.sh_offset.get()),
    sh_size: u64::from(r.sh_size.get()),
    sh_link: r.sh_link.get(),
    sh_info: r.sh_info.get(),
    sh_addralign: u64::from(r.sh_addralign.get()),
    sh_entsize: u64::from(r.sh_entsize.get()),
});

impl SectionHeader {
    /// Occupies memory at run time (`SHF_ALLOC`).
    pub fn is_alloc(&self) -> bool {
        self.sh_flags & SHF_ALLOC != 0
    }
    /// Writable at run time.
    pub fn is_write(&self) -> bool {
        self.sh_flags & SHF_WRITE != 0
    }
    /// Executable.
    pub fn is_execute(&self) -> bool {
        self.sh_flags & SHF_EXECINSTR != 0
    }
    /// Compressed (`SHF_COMPRESSED`).
    pub fn is_compressed(&self) -> bool {
        self.sh_flags & SHF_COMPRESSED != 0
    }
    /// Takes space in the file (everything but `SHT_NOBITS`).
    pub fn has_file_data(&self) -> bool {
        self.sh_type != SHT_NOBITS
    }
    /// Whether the section's memory image contains `addr`.
    pub fn contains_addr(&self, addr: u64) -> bool {
        self.is_alloc()
            && addr
                .checked_sub(self.sh_addr)
                .is_some_and(|delta| delta < self.sh_size)
    }
}

/// One section: its index, header, and access to its name and data.
#[derive(Debug, Clone, Copy)]
pub struct Section<'a> {
    index: usize,
    header: SectionHeader,
    file: &'a [u8],
    /// `None` when the file's name table is unusable (kept small: an
    /// `Error` here would be copied with every section).
    names: Option<StringTable<'a>>,
    encoding: Encoding,
}

impl<'a> Section<'a> {
    #[inline]
    pub(crate) fn new(
        index: usize,
        header: SectionHeader,
        file: &'a [u8],
        names: Option<StringTable<'a>>,
        encoding: Encoding,
    ) -> Self {
        Section {
            index,
            header,
            file,
            names,
            encoding,
        }
    }

    /// The section's index in the section header table.
    #[inline]
    pub fn index(&self) -> usize {
        self.index
    }

    /// The decoded header.
    #[inline]
    pub fn header(&self) -> &SectionHeader {
        &self.header
    }

    /// The file's encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The name from the section-name string table, as bytes.
    ///
    /// # Errors
    ///
    /// Fails when the file has no section-name table, or `sh_name` is past its end or
    /// the name has no terminating NUL.
    #[inline]
    pub fn name(&self) -> Result<&'a [u8]> {
        match self.names {
            Some(t) => t.get(self.header.sh_name),
            None => Err(Error::missing(
                Structure::FileHeader,
                0,
                Field::MissingUsableShstrtab,
            )),
        }
        .map_err(|e| e.at_index(self.index as u64))
    }

    /// The name as UTF-8.
    ///
    /// # Errors
    ///
    /// Fails as [`name`](Self::name) does, and when the name is not UTF-8.
    pub fn name_str(&self) -> Result<&'a str> {
        let name = self.name()?;
        core::str::from_utf8(name).map_err(|_| {
            let table = self.names.map_or(0, |t| t.offset());
            Error::not_utf8(
                Structure::SectionHeader,
                table.saturating_add(self.header.sh_name.into()),
            )
            .at_index(self.index as u64)
        })
    }

    /// Checks `sh_entsize` is `expected` (or 0, which producers write when
    /// they leave it unset).
    ///
    /// # Errors
    ///
    /// Fails when `sh_entsize` is neither `expected` nor 0.
    pub fn check_entry_size(&self, expected: u64) -> Result<()> {
        let found = self.header.sh_entsize;
        if found == expected || found == 0 {
            return Ok(());
        }
        // Every entry size the format defines is below 256.
        let expected = u8::try_from(expected).unwrap_or(u8::MAX);
        Err(Error::bad_entry_size(
            Structure::SectionHeader,
            self.header.sh_offset,
            Field::ShEntsize,
            found,
            expected,
        )
        .at_index(self.index as u64))
    }

    /// The bytes of the section in the file (empty for `SHT_NOBITS`). For a
    /// compressed section these are the compressed bytes, header included.
    ///
    /// # Errors
    ///
    /// Fails when `sh_offset + sh_size` is past the end of the file.
    #[inline]
    pub fn data(&self) -> Result<&'a [u8]> {
        section_data(self.file, self.index, &self.header)
    }
}

/// The file bytes of a section, checked.
#[inline]
pub(crate) fn section_data<'a>(
    file: &'a [u8],
    index: usize,
    h: &SectionHeader,
) -> Result<&'a [u8]> {
    if !h.has_file_data() {
        return Ok(&[]);
    }
    range(
        file,
        h.sh_offset,
        h.sh_size,
        Structure::SectionHeader,
        Field::ShOffsetSize,
    )
    .map_err(|e| e.at_index(index as u64))
}
