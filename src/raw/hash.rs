//! Hash-table headers. The tables themselves are arrays of 32-bit words
//! (and, for the GNU bloom filter, of address-sized words).

use zerocopy::byteorder::{ByteOrder, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The header of a SysV `.hash` table; `nbucket` buckets and `nchain`
/// chain words follow.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct HashHeader<O: ByteOrder> {
    pub nbucket: U32<O>,
    pub nchain: U32<O>,
}
super::assert_size!(HashHeader<super::LE>, 8);

/// The header of a `.gnu.hash` table; the bloom filter, the buckets and the
/// chains follow.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct GnuHashHeader<O: ByteOrder> {
    pub nbuckets: U32<O>,
    pub symoffset: U32<O>,
    pub bloom_size: U32<O>,
    pub bloom_shift: U32<O>,
}
super::assert_size!(GnuHashHeader<super::LE>, 16);
