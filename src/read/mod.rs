//! The zero-copy reader.
//!
//! [`ElfFile::parse`] opens any ELF file in O(1); everything else is a view
//! borrowing the input: tables of typed records decoded on the fly, string
//! tables returning `&[u8]`, and iterators over variable-length data that
//! yield `Result`s so a corrupt entry is reported rather than ending a walk.

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

pub(crate) mod bytes;
mod compressed;
pub mod dynamic;
pub mod encoding;
mod file;
pub mod hash;
pub mod header;
#[cfg(feature = "alloc")]
mod index;
pub mod note;
pub mod reloc;
mod reloc_crel;
mod reloc_iter;
mod reloc_resolved;
mod reloc_tables;
pub mod section;
pub mod segment;
pub mod strtab;
pub mod symbol;
mod symtab;
pub mod version;

pub use compressed::CompressionHeader;
pub use dynamic::{Dyn, DynamicInfo, DynamicTable};
pub use encoding::{Class, Encoding, Endian, Table, TableIter};
pub use file::{ElfFile, Sections};
pub use hash::{GnuHash, HashTable, SysvHash, gnu_hash, sysv_hash};
pub use header::FileHeader;
#[cfg(feature = "alloc")]
pub use index::{SectionIndex, SymbolIndex, VersionIndex};
pub use note::{GnuNote, Note, NoteIter, Property};
pub use reloc::{
    CrelIter, CrelTable, FixedRelocations, InfoLayout, Rel, Rela, Relocation, RelocationFormat,
    RelocationTable, Relocations, RelrIter, ResolvedRelocation, ResolvedRelocations,
};
pub use reloc_tables::DynamicRelocations;
pub use section::{Section, SectionHeader};
pub use segment::ProgramHeader;
pub use strtab::StringTable;
pub use symbol::{Symbol, SymbolSection, SymbolTable};
pub use symtab::DynamicSymbols;
#[cfg(feature = "load")]
pub(crate) use symtab::{AddressSpace, dynamic_symbols_in};
pub use version::{SymbolVersion, VersionDefinition, VersionInfo, VersionNeed};
