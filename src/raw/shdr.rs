//! Section headers (`Elf32_Shdr`, `Elf64_Shdr`).

use zerocopy::byteorder::{ByteOrder, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A 32-bit section header.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Shdr32<O: ByteOrder> {
    pub sh_name: U32<O>,
    pub sh_type: U32<O>,
    pub sh_flags: U32<O>,
    pub sh_addr: U32<O>,
    pub sh_offset: U32<O>,
    pub sh_size: U32<O>,
    pub sh_link: U32<O>,
    pub sh_info: U32<O>,
    pub sh_addralign: U32<O>,
    pub sh_entsize: U32<O>,
}
super::assert_size!(Shdr32<super::LE>, 40);

/// A 64-bit section header.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Shdr64<O: ByteOrder> {
    pub sh_name: U32<O>,
    pub sh_type: U32<O>,
    pub sh_flags: U64<O>,
    pub sh_addr: U64<O>,
    pub sh_offset: U64<O>,
    pub sh_size: U64<O>,
    pub sh_link: U32<O>,
    pub sh_info: U32<O>,
    pub sh_addralign: U64<O>,
    pub sh_entsize: U64<O>,
}
super::assert_size!(Shdr64<super::LE>, 64);
