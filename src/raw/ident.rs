//! `e_ident`: the sixteen bytes that say what the rest of the file is.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The identification bytes at the start of every ELF file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct Ident {
    /// `\x7fELF`.
    pub magic: [u8; 4],
    /// `ELFCLASS32` or `ELFCLASS64`.
    pub class: u8,
    /// `ELFDATA2LSB` or `ELFDATA2MSB`.
    pub data: u8,
    /// `EV_CURRENT`.
    pub version: u8,
    /// The OS/ABI (`ELFOSABI_*`).
    pub osabi: u8,
    /// The ABI version.
    pub abiversion: u8,
    /// Padding.
    pub pad: [u8; 7],
}
super::assert_size!(Ident, 16);

/// The four bytes every ELF file starts with.
pub const ELFMAG: [u8; 4] = *b"\x7fELF";
