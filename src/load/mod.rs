//! The loader (feature `load`, Unix): maps ELF images and relocatable
//! objects into the running process, relocates them, resolves their
//! symbols, and hands out addresses to call.
//!
//! Images (`ET_DYN`, `ET_EXEC`) are mapped the way Guile 2.2 maps its
//! object files: a file in the builder's mmap placement (offset = address
//! − base) becomes **one** read-only mapping of the whole file, and only
//! its writable pages are made writable; other files get one mapping per
//! `PT_LOAD`. Zeros past `p_filesz` are filled, dynamic relocations are
//! applied, then code becomes read+execute and `PT_GNU_RELRO` read-only.
//! Nothing outside `PT_LOAD` is ever read, so a debug tail costs no
//! memory, and pages mapped from a file are shared between processes.
//!
//! This is the only module of the crate with `unsafe` code: mapping memory,
//! writing relocations into it, and turning addresses into function
//! pointers. Each block says why it holds.
//!
//! What is not done: `DT_NEEDED` libraries are not loaded (the resolver
//! answers for every outside symbol); a symbol defined in the image is used
//! before the resolver's (no interposition); TLS is refused; no
//! initializers (`DT_INIT`, `DT_INIT_ARRAY`) are run.

mod dynamic;
mod error;
mod image;
mod kinds;
mod mapped;
mod memory;
mod object;
pub(crate) mod plan;
mod resolve;
mod symbols;

pub use error::{Error, Result};
pub use image::{Image, MappedSegment};
pub use mapped::MappedFile;
pub use memory::{Prot, page_size};
pub use object::{LinkOptions, Linked};
pub use plan::LoadOptions;
pub use resolve::{NoSymbols, Resolver};
pub use symbols::Symbol;
