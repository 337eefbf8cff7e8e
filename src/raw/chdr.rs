//! The compression header at the start of an `SHF_COMPRESSED` section.

use zerocopy::byteorder::{ByteOrder, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A 32-bit compression header.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Chdr32<O: ByteOrder> {
    pub ch_type: U32<O>,
    pub ch_size: U32<O>,
    pub ch_addralign: U32<O>,
}
super::assert_size!(Chdr32<super::LE>, 12);

/// A 64-bit compression header.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Chdr64<O: ByteOrder> {
    pub ch_type: U32<O>,
    pub ch_reserved: U32<O>,
    pub ch_size: U64<O>,
    pub ch_addralign: U64<O>,
}
super::assert_size!(Chdr64<super::LE>, 24);
