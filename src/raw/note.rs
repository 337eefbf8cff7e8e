//! The note header, the same in both classes (three 32-bit words).

use zerocopy::byteorder::{ByteOrder, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A note header; the name and descriptor follow, each padded.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Nhdr<O: ByteOrder> {
    pub n_namesz: U32<O>,
    pub n_descsz: U32<O>,
    pub n_type: U32<O>,
}
super::assert_size!(Nhdr<super::LE>, 12);
