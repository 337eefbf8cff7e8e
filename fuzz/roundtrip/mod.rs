//! Round-trip properties of the writer, shared by the `build_roundtrip` and
//! `rewrite_roundtrip` fuzz targets (`#[path = "../roundtrip/mod.rs"]`) and by
//! `tests/roundtrip.rs` (`#[path = "../fuzz/roundtrip/mod.rs"]`), which drives
//! them from a seeded generator on stable.
//!
//! * [`build_roundtrip`]: bytes → a structured [`BuildDesc`] (through
//!   `arbitrary`) → builder calls → `layout` → `write` → parse with elfin, and
//!   everything that went in must come back out: sections, symbols,
//!   relocations (emitted ones in objects; in executables and shared
//!   objects each predicted from the psABIs — refused, resolved, or made a
//!   dynamic relocation of a given type — and checked by loading the image
//!   at a non-zero base and applying the dynamic relocations as a loader
//!   would, TLS ones included), the TLS segment, extended section numbering
//!   and `.symtab_shndx` past section 0xff00,
//!   segments that cover every loaded section with its permissions, no page
//!   both writable and executable, and a file the reader walks without a
//!   single error. Invalid descriptions must give `Err`, never a panic; a
//!   second layout and write must give the same bytes, and `write_into` a
//!   dirty buffer the same bytes as `write`.
//! * [`rewrite_roundtrip`]: any bytes that parse → `Rewriter::new(..).write()`
//!   → parse → the same sections, segments, symbols, dynamic table and
//!   relocations; rewriting the output again gives the same bytes.
//!
//! The files: `desc` (what an input decodes to), `choices` (its numbers as
//! ELF values), `model`, `model_relocs` and `model_builder` (what to build
//! and expect),
//! `psabi` and `sha1` (independent relocation and digest semantics),
//! `build` (the build property), `build_check`, `symtab_check`,
//! `segment_check`, `dynamic_check`, `image_check` (its checks of the
//! output), `strict_walk`, `rewrite_fingerprint`, `rewrite_check` and `grow_check`
//! (the rewrite property), `describe` (failure messages).
//!
//! A property violation is returned as `Err(String)`; the callers panic.

#![allow(dead_code)]

use arbitrary::{Arbitrary, Unstructured};
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::read::{
    Class, Encoding, Endian, ProgramHeader, Relocation, RelocationTable, SectionHeader, Symbol,
    SymbolSection,
};
use elfin::write::{
    Builder, FileKind, LayoutOptions, LayoutPlan, Origin, Perms, Placement, RelocationSpec,
    Rewriter, SectionData, SectionId, SectionSpec, SymbolId, SymbolPlace, SymbolSpec,
};
use std::borrow::Cow;
use std::collections::BTreeMap;

// The macros come before the modules that use them.
/// Fails with a message.
macro_rules! fail {
    ($($t:tt)*) => { return Err(format!($($t)*)) };
}

/// Checks a condition.
macro_rules! ensure {
    ($c:expr, $($t:tt)*) => { if !$c { fail!($($t)*) } };
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    format!(
        "lengths {} and {}, first difference at {at:#x}",
        a.len(),
        b.len()
    )
}

mod build;
mod build_check;
mod choices;
mod desc;
mod describe;
mod dynamic_check;
mod grow_check;
mod image_check;
mod model;
mod model_builder;
mod model_relocs;
mod psabi;
mod rewrite_check;
mod rewrite_fingerprint;
mod segment_check;
mod sha1;
mod strict_walk;
mod symtab_check;

use build_check::*;
use choices::*;
use grow_check::*;
use model::*;
use model_builder::*;
use model_relocs::*;
use psabi::*;
use rewrite_fingerprint::*;
use sha1::*;

// The API of the includers (the two fuzz targets and tests/roundtrip.rs);
// each uses part of it.
#[allow(unused_imports)]
pub use build::{BuildOutcome, Features, build_roundtrip, check_build, features};
#[allow(unused_imports)]
pub use desc::*;
#[allow(unused_imports)]
pub use describe::{describe, describe_desc};
#[allow(unused_imports)]
pub use rewrite_check::rewrite_roundtrip;
#[allow(unused_imports)]
pub use rewrite_fingerprint::RewriteOutcome;
#[allow(unused_imports)]
pub use strict_walk::strict_walk;
