//! What a careful loader or linker would refuse or warn about (feature
//! `check`): one [`Finding`] per problem, naming the structure and its file
//! offset, in the spirit of `eu-elflint`.
//!
//! The checks: `PT_LOAD` segments whose offset and address are not
//! congruent modulo their alignment; writable and executable segments;
//! overlapping segments or sections; sections and segments outside the
//! file; a dynamic table without `DT_NULL`; symbols outside their section;
//! relocations outside their section (or outside every loaded segment);
//! string tables without a final NUL; hash tables inconsistent with their
//! symbol table; notes with bad padding. Anything the reader itself refuses
//! on the way is reported too.
//!
//! ```
//! let bytes = std::fs::read("/proc/self/exe").unwrap();
//! let findings = elfin::check::check_bytes(&bytes);
//! for f in &findings {
//!     println!("{f}");
//! }
//! ```

mod layout;
mod tables;

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::read::ElfFile;

/// What kind of problem a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Kind {
    /// The reader refused a structure (its message says why).
    Unreadable,
    /// `p_offset` and `p_vaddr` differ modulo `p_align`.
    NotCongruent,
    /// A `PT_LOAD` segment is both writable and executable.
    WriteExecute,
    /// Two `PT_LOAD` segments share memory.
    SegmentOverlap,
    /// Two sections share file bytes or memory.
    SectionOverlap,
    /// A section's or segment's bytes reach past the end of the file.
    OutsideFile,
    /// The dynamic table has no `DT_NULL` entry.
    NoDtNull,
    /// A symbol's value (or value + size) lies outside its section.
    SymbolOutside,
    /// A relocation's offset lies outside the section it applies to (or,
    /// in executables and shared objects, outside every `PT_LOAD`).
    RelocationOutside,
    /// A string table does not end with a NUL byte.
    UnterminatedStrings,
    /// A hash table counts a different number of symbols than its table.
    HashMismatch,
    /// A note's sizes do not fit its section or segment with the padding
    /// the format requires.
    BadNote,
}

/// One problem: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Finding {
    /// What kind of problem.
    pub kind: Kind,
    /// The structure: `"program header"`, `"section header"`, `"symbol"`, …
    pub structure: &'static str,
    /// Which entry of its table.
    pub index: Option<u64>,
    /// Its file offset.
    pub offset: u64,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.structure)?;
        if let Some(i) = self.index {
            write!(f, " {i}")?;
        }
        write!(f, " at {:#x}: {}", self.offset, self.message)
    }
}

/// Collects findings.
pub(crate) struct Report {
    pub(crate) findings: Vec<Finding>,
}

impl Report {
    pub(crate) fn add(
        &mut self,
        kind: Kind,
        structure: &'static str,
        index: Option<u64>,
        offset: u64,
        message: String,
    ) {
        self.findings.push(Finding {
            kind,
            structure,
            index,
            offset,
            message,
        });
    }

    /// A reader error becomes an `Unreadable` finding with its own words.
    pub(crate) fn error(&mut self, e: crate::Error) {
        self.error_as(Kind::Unreadable, e);
    }

    /// A reader error becomes a finding of `kind` with its own words.
    pub(crate) fn error_as(&mut self, kind: Kind, e: crate::Error) {
        let message = e.to_string();
        // The error's Display starts with its structure and offset; keep
        // only what was wrong.
        let message = match message.split_once(": ") {
            Some((_, what)) => what.to_string(),
            None => message,
        };
        self.add(kind, e.structure(), e.index(), e.offset(), message);
    }
}

/// Every finding for a parsed file, in the order of the checks.
pub fn check(file: &ElfFile<'_>) -> Vec<Finding> {
    let mut r = Report {
        findings: Vec::new(),
    };
    if let Some(e) = file.segments_error() {
        r.error(e);
    }
    if let Some(e) = file.sections_error() {
        r.error(e);
    }
    layout::segments(file, &mut r);
    layout::sections(file, &mut r);
    tables::dynamic(file, &mut r);
    tables::symbols(file, &mut r);
    tables::relocations(file, &mut r);
    tables::strings(file, &mut r);
    tables::hashes(file, &mut r);
    tables::notes(file, &mut r);
    r.findings
}

/// Every finding for any bytes: the reader's refusal when it cannot open
/// them, otherwise [`check`].
pub fn check_bytes(data: &[u8]) -> Vec<Finding> {
    match ElfFile::parse(data) {
        Ok(file) => check(&file),
        Err(e) => {
            let mut r = Report {
                findings: Vec::new(),
            };
            r.error(e);
            r.findings
        }
    }
}

#[cfg(test)]
mod tests;
