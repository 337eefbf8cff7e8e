//! The file header, decoded.

use super::encoding::{Class, Encoding, Endian};
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::{ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB};
use crate::raw::ident::ELFMAG;
use crate::raw::{BE, Ehdr32, Ehdr64, Ident, LE};
use zerocopy::byteorder::ByteOrder;
use zerocopy::{FromBytes, FromZeros};

/// The file header with native integers. `e_phnum`, `e_shnum` and
/// `e_shstrndx` are as stored; [`ElfFile`](super::ElfFile) resolves the
/// extended numbering into the real counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct FileHeader {
    pub ident: Ident,
    pub e_type: u16,
    pub e_machine: u16,
    pub e_version: u32,
    pub e_entry: u64,
    pub e_phoff: u64,
    pub e_shoff: u64,
    pub e_flags: u32,
    pub e_ehsize: u16,
    pub e_phentsize: u16,
    pub e_phnum: u16,
    pub e_shentsize: u16,
    pub e_shnum: u16,
    pub e_shstrndx: u16,
}

macro_rules! from_ehdr {
    ($h:expr) => {{
        let h = $h;
        FileHeader {
            ident: h.e_ident,
            e_type: h.e_type.get(),
            e_machine: h.e_machine.get(),
            e_version: h.e_version.get(),
            e_entry: u64::from(h.e_entry.get()),
            e_phoff: u64::from(h.e_phoff.get()),
            e_shoff: u64::from(h.e_shoff.get()),
            e_flags: h.e_flags.get(),
            e_ehsize: h.e_ehsize.get(),
            e_phentsize: h.e_phentsize.get(),
            e_phnum: h.e_phnum.get(),
            e_shentsize: h.e_shentsize.get(),
            e_shnum: h.e_shnum.get(),
            e_shstrndx: h.e_shstrndx.get(),
        }
    }};
}

fn ehdr32<O: ByteOrder>(data: &[u8]) -> Option<FileHeader> {
    Ehdr32::<O>::ref_from_prefix(data)
        .ok()
        .map(|(h, _)| from_ehdr!(h))
}

fn ehdr64<O: ByteOrder>(data: &[u8]) -> Option<FileHeader> {
    Ehdr64::<O>::ref_from_prefix(data)
        .ok()
        .map(|(h, _)| from_ehdr!(h))
}

impl FileHeader {
    /// Reads the identification and the file header from the start of `data`.
    ///
    /// # Errors
    ///
    /// Fails when `data` is too short, or its magic, class, byte order or version is
    /// not one of ELF's.
    #[inline]
    pub fn parse(data: &[u8]) -> Result<(FileHeader, Encoding)> {
        let short = |size: u64| Error::out_of_bounds(Structure::FileHeader, Field::Header, 0, size);
        // A short input that does not even start like ELF is "not ELF".
        if data.get(..4) != Some(&ELFMAG[..]) {
            return Err(Error::bad_magic());
        }
        let (ident, _) = Ident::ref_from_prefix(data).map_err(|_| short(16))?;
        let class = match ident.class {
            ELFCLASS32 => Class::Elf32,
            ELFCLASS64 => Class::Elf64,
            c => return Err(Error::bad_class(c)),
        };
        let endian = match ident.data {
            ELFDATA2LSB => Endian::Little,
            ELFDATA2MSB => Endian::Big,
            d => return Err(Error::bad_byte_order(d)),
        };
        let header = match (class, endian) {
            (Class::Elf32, Endian::Little) => ehdr32::<LE>(data),
            (Class::Elf32, Endian::Big) => ehdr32::<BE>(data),
            (Class::Elf64, Endian::Little) => ehdr64::<LE>(data),
            (Class::Elf64, Endian::Big) => ehdr64::<BE>(data),
        };
        let size = match class {
            Class::Elf32 => 52,
            Class::Elf64 => 64,
        };
        let header = header.ok_or_else(|| short(size))?;
        Ok((header, Encoding { class, endian }))
    }

    /// Decodes the header of a file [`parse`](Self::parse) accepted with
    /// `encoding` (a header too short for it, which that excludes, decodes
    /// as zeros).
    pub(crate) fn decode(data: &[u8], encoding: Encoding) -> FileHeader {
        let header = match (encoding.class, encoding.endian) {
            (Class::Elf32, Endian::Little) => ehdr32::<LE>(data),
            (Class::Elf32, Endian::Big) => ehdr32::<BE>(data),
            (Class::Elf64, Endian::Little) => ehdr64::<LE>(data),
            (Class::Elf64, Endian::Big) => ehdr64::<BE>(data),
        };
        header.unwrap_or_else(|| from_ehdr!(Ehdr64::<LE>::new_zeroed()))
    }
}
