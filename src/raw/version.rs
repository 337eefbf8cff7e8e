//! GNU symbol versioning records, the same in both classes.

use zerocopy::byteorder::{ByteOrder, U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A version definition (`Elf*_Verdef`).
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Verdef<O: ByteOrder> {
    pub vd_version: U16<O>,
    pub vd_flags: U16<O>,
    pub vd_ndx: U16<O>,
    pub vd_cnt: U16<O>,
    pub vd_hash: U32<O>,
    pub vd_aux: U32<O>,
    pub vd_next: U32<O>,
}
super::assert_size!(Verdef<super::LE>, 20);

/// A version definition's name (`Elf*_Verdaux`).
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Verdaux<O: ByteOrder> {
    pub vda_name: U32<O>,
    pub vda_next: U32<O>,
}
super::assert_size!(Verdaux<super::LE>, 8);

/// A needed-version file entry (`Elf*_Verneed`).
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Verneed<O: ByteOrder> {
    pub vn_version: U16<O>,
    pub vn_cnt: U16<O>,
    pub vn_file: U32<O>,
    pub vn_aux: U32<O>,
    pub vn_next: U32<O>,
}
super::assert_size!(Verneed<super::LE>, 16);

/// A needed version (`Elf*_Vernaux`).
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
#[allow(missing_docs)]
pub struct Vernaux<O: ByteOrder> {
    pub vna_hash: U32<O>,
    pub vna_flags: U16<O>,
    pub vna_other: U16<O>,
    pub vna_name: U32<O>,
    pub vna_next: U32<O>,
}
super::assert_size!(Vernaux<super::LE>, 16);
