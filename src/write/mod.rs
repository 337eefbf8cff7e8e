//! The builder (feature `alloc`): accumulate sections, symbols and
//! relocations; lay them out into segments by a pure, inspectable
//! [`LayoutPlan`]; serialize by that plan.
//!
//! ```
//! use elfin::write::{Builder, FileKind, LayoutOptions, Perms, SectionSpec, SymbolSpec};
//! use elfin::raw::consts::ET_EXEC;
//!
//! // exit(42) on x86-64 Linux: mov edi, 42; mov eax, 60; syscall
//! let code = [0xbf, 42, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05];
//! let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
//! let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), &code[..]).align(16));
//! let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(code.len() as u64));
//! b.entry = Some(start);
//! let plan = b.layout(&LayoutOptions::default()).unwrap();
//! let bytes = b.write(&plan).unwrap();
//! let file = elfin::ElfFile::parse(&bytes).unwrap();
//! assert_eq!(file.header().e_entry, plan.symbol_value(start).unwrap());
//! ```

mod builder;
mod dynamic_tables;
mod emit;
mod error;
mod from_read;
mod layout;
mod plan;
mod records;
mod relr;
mod rewrite;
mod strtab;
mod supported;
mod validate;

pub use builder::{
    Builder, FileKind, Perms, RelocationSpec, SectionData, SectionId, SectionSpec, SymbolId,
    SymbolPlace, SymbolSpec,
};
pub use error::{Error, ErrorKind, Result, Subject};
pub use layout::{LayoutOptions, LoadClass, Placement};
pub use plan::{LayoutPlan, Origin, PlannedSection};
pub use rewrite::{
    Piece, REPLACED_ALIGN_MAX, RewriteOutput, RewritePlan, RewriteSection, Rewriter,
};
pub use strtab::{FinishedStrings, StringId, StringLayout, StringTableBuilder};
pub use supported::supported;
