//! On-disk ELF records as zerocopy structs.
//!
//! Every record is `#[repr(C)]`, `Unaligned`, and generic over the byte
//! order `O`, so a `&[Shdr64<LittleEndian>]` can be taken from any byte
//! slice at any alignment. The same structs serve reading (`ref_from_bytes`)
//! and writing (`as_bytes`). Their sizes are asserted at compile time.
//!
//! The constants of the format live in [`consts`].

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

pub mod chdr;
pub mod consts;
pub mod dynamic;
pub mod ehdr;
pub mod hash;
pub mod ident;
pub mod note;
pub mod phdr;
pub mod rel;
pub mod shdr;
pub mod sym;
pub mod version;

pub use chdr::{Chdr32, Chdr64};
pub use dynamic::{Dyn32, Dyn64};
pub use ehdr::{Ehdr32, Ehdr64};
pub use ident::Ident;
pub use note::Nhdr;
pub use phdr::{Phdr32, Phdr64};
pub use rel::{Rel32, Rel64, Rela32, Rela64};
pub use shdr::{Shdr32, Shdr64};
pub use sym::{Sym32, Sym64};
pub use version::{Verdaux, Verdef, Vernaux, Verneed};

pub use zerocopy::byteorder::{BigEndian, ByteOrder, LittleEndian};

/// Little-endian byte order, for naming raw records: `Shdr64<LE>`.
pub type LE = LittleEndian;
/// Big-endian byte order, for naming raw records: `Shdr64<BE>`.
pub type BE = BigEndian;

/// Asserts a record's on-disk size at compile time.
macro_rules! assert_size {
    ($ty:ty, $size:expr) => {
        const _: () = assert!(core::mem::size_of::<$ty>() == $size);
    };
}
pub(crate) use assert_size;
