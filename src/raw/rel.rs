//! Relocation entries (`Elf*_Rel`, `Elf*_Rela`). RELR entries are plain
//! address-sized words and CREL entries are LEB128-packed, so neither has a
//! record here.

use zerocopy::byteorder::{ByteOrder, I32, I64, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A 32-bit relocation without addend.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Rel32<O: ByteOrder> {
    pub r_offset: U32<O>,
    pub r_info: U32<O>,
}
super::assert_size!(Rel32<super::LE>, 8);

/// A 32-bit relocation with addend.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Rela32<O: ByteOrder> {
    pub r_offset: U32<O>,
    pub r_info: U32<O>,
    pub r_addend: I32<O>,
}
super::assert_size!(Rela32<super::LE>, 12);

/// A 64-bit relocation without addend.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Rel64<O: ByteOrder> {
    pub r_offset: U64<O>,
    pub r_info: U64<O>,
}
super::assert_size!(Rel64<super::LE>, 16);

/// A 64-bit relocation with addend.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Rela64<O: ByteOrder> {
    pub r_offset: U64<O>,
    pub r_info: U64<O>,
    pub r_addend: I64<O>,
}
super::assert_size!(Rela64<super::LE>, 24);
