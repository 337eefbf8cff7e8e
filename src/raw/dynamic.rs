//! Dynamic table entries (`Elf32_Dyn`, `Elf64_Dyn`).

use zerocopy::byteorder::{ByteOrder, I32, I64, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A 32-bit dynamic entry.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Dyn32<O: ByteOrder> {
    pub d_tag: I32<O>,
    pub d_val: U32<O>,
}
super::assert_size!(Dyn32<super::LE>, 8);

/// A 64-bit dynamic entry.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Dyn64<O: ByteOrder> {
    pub d_tag: I64<O>,
    pub d_val: U64<O>,
}
super::assert_size!(Dyn64<super::LE>, 16);
