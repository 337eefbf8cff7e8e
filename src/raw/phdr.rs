//! Program headers (`Elf32_Phdr`, `Elf64_Phdr`).

use zerocopy::byteorder::{ByteOrder, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A 32-bit program header. Note that `p_flags` comes after `p_memsz` here.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Phdr32<O: ByteOrder> {
    pub p_type: U32<O>,
    pub p_offset: U32<O>,
    pub p_vaddr: U32<O>,
    pub p_paddr: U32<O>,
    pub p_filesz: U32<O>,
    pub p_memsz: U32<O>,
    pub p_flags: U32<O>,
    pub p_align: U32<O>,
}
super::assert_size!(Phdr32<super::LE>, 32);

/// A 64-bit program header. `p_flags` comes second here.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Phdr64<O: ByteOrder> {
    pub p_type: U32<O>,
    pub p_flags: U32<O>,
    pub p_offset: U64<O>,
    pub p_vaddr: U64<O>,
    pub p_paddr: U64<O>,
    pub p_filesz: U64<O>,
    pub p_memsz: U64<O>,
    pub p_align: U64<O>,
}
super::assert_size!(Phdr64<super::LE>, 56);
