//! The file header (`Elf32_Ehdr`, `Elf64_Ehdr`).

use super::Ident;
use zerocopy::byteorder::{ByteOrder, U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The 32-bit file header.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Ehdr32<O: ByteOrder> {
    pub e_ident: Ident,
    pub e_type: U16<O>,
    pub e_machine: U16<O>,
    pub e_version: U32<O>,
    pub e_entry: U32<O>,
    pub e_phoff: U32<O>,
    pub e_shoff: U32<O>,
    pub e_flags: U32<O>,
    pub e_ehsize: U16<O>,
    pub e_phentsize: U16<O>,
    pub e_phnum: U16<O>,
    pub e_shentsize: U16<O>,
    pub e_shnum: U16<O>,
    pub e_shstrndx: U16<O>,
}
super::assert_size!(Ehdr32<super::LE>, 52);

/// The 64-bit file header.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Ehdr64<O: ByteOrder> {
    pub e_ident: Ident,
    pub e_type: U16<O>,
    pub e_machine: U16<O>,
    pub e_version: U32<O>,
    pub e_entry: U64<O>,
    pub e_phoff: U64<O>,
    pub e_shoff: U64<O>,
    pub e_flags: U32<O>,
    pub e_ehsize: U16<O>,
    pub e_phentsize: U16<O>,
    pub e_phnum: U16<O>,
    pub e_shentsize: U16<O>,
    pub e_shnum: U16<O>,
    pub e_shstrndx: U16<O>,
}
super::assert_size!(Ehdr64<super::LE>, 64);
