//! Symbol table entries (`Elf32_Sym`, `Elf64_Sym`).

use zerocopy::byteorder::{ByteOrder, U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A 32-bit symbol. The field order differs from the 64-bit one.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Sym32<O: ByteOrder> {
    pub st_name: U32<O>,
    pub st_value: U32<O>,
    pub st_size: U32<O>,
    pub st_info: u8,
    pub st_other: u8,
    pub st_shndx: U16<O>,
}
super::assert_size!(Sym32<super::LE>, 16);

/// A 64-bit symbol.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Sym64<O: ByteOrder> {
    pub st_name: U32<O>,
    pub st_info: u8,
    pub st_other: u8,
    pub st_shndx: U16<O>,
    pub st_value: U64<O>,
    pub st_size: U64<O>,
}
super::assert_size!(Sym64<super::LE>, 24);
