//! # elfin
//!
//! Reads ELF files of any class (32/64 bit), byte order and machine without
//! copying them, with no allocation and no panic on any input.
//!
//! ```
//! let bytes = std::fs::read("/proc/self/exe").unwrap();
//! let file = elfin::ElfFile::parse(&bytes).unwrap();
//! println!("machine {}, {} sections", file.machine(), file.section_count());
//! if let Some(symtab) = file.symbol_table().unwrap() {
//!     for sym in symtab.iter() {
//!         let _name: &[u8] = symtab.name(&sym).unwrap_or(b"?");
//!     }
//! }
//! ```
//!
//! Features: none needed for reading; `alloc` adds name indexes, `std`
//! adds `std` conveniences, `compression` decompresses `SHF_COMPRESSED`
//! sections, `cli` builds the `elfin` tool.
#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod arch;
#[cfg(feature = "check")]
pub mod check;
pub mod error;
#[cfg(feature = "pagemap")]
pub mod pagemap;
pub mod raw;
pub mod read;
#[cfg(feature = "alloc")]
pub mod write;
// The only module allowed `unsafe`: mapping, protecting and patching memory.
#[cfg(all(feature = "load", unix))]
#[allow(unsafe_code)]
pub mod load;

pub use error::{Error, Problem, Result};
pub use read::ElfFile;
