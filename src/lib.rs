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
//! Features, by job:
//!
//! - none (`default-features = false`): the whole reader, `no_std`, with
//!   no allocator;
//! - `std` (default): `std` conveniences — name indexes on std's
//!   `HashMap`, [`Error`] into `std::io::Error`;
//! - `alloc`: name indexes without `std`;
//! - `write`: the builder and the rewriter ([`mod@write`]);
//! - `compression`: decompression of `SHF_COMPRESSED` sections;
//! - `load`, `pagemap`: loading images into this process, the page map;
//! - `cli`, `serve`: the `elfin` tool and its page-map server.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
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
#[cfg(feature = "write")]
#[cfg_attr(docsrs, doc(cfg(feature = "write")))]
pub mod write;
// The one module exempt from the crate-wide lint below: mapping, protecting and patching memory.
#[cfg(all(feature = "load", unix))]
#[allow(unsafe_code)]
pub mod load;

pub use error::{Error, Problem, Result};
pub use read::ElfFile;
