//! Symbol preemption by the ELF rules: which symbols this file binds to
//! itself and which it leaves to the dynamic linker.
//!
//! In a shared object, a defined global or weak symbol of default
//! visibility that is exported may be *preempted*: a definition earlier
//! in the lookup scope (the program's own, or a copy relocation's) wins,
//! so every reference to it goes through the dynamic linker. Protected
//! and hidden symbols, locals, a builder with
//! [`symbolic`](crate::write::Builder::symbolic) set, and executables
//! (PIE or not: they come first in the scope) bind to their own
//! definitions.

use crate::raw::consts::*;
use crate::write::builder::{Builder, SymbolPlace};

/// The symbol at the GOT's base.
pub(super) const GOT_SYMBOL: &[u8] = b"_GLOBAL_OFFSET_TABLE_";

impl Builder<'_> {
    /// Whether symbol `i` is defined here but may be preempted at run time.
    pub(super) fn is_preemptible(&self, i: usize) -> bool {
        let s = &self.symbols[i];
        self.kind.file_type == ET_DYN
            && self.interpreter.is_none()
            && !self.symbolic
            && s.place.is_defined()
            && s.place != SymbolPlace::Absolute
            && s.bind != STB_LOCAL
            && s.other & 3 == STV_DEFAULT
            && s.export != Some(false)
            && !matches!(s.kind, STT_SECTION | STT_FILE | STT_TLS)
    }

    /// Whether symbol `i` is an undefined `_GLOBAL_OFFSET_TABLE_` of a
    /// linked file (assemblers add it to objects that use the GOT or PLT):
    /// the linker defines it, at the GOT's base.
    pub(super) fn is_got_symbol(&self, i: usize) -> bool {
        let s = &self.symbols[i];
        self.kind.file_type != ET_REL && !s.place.is_defined() && &s.name[..] == GOT_SYMBOL
    }

    /// Whether references to symbol `i` are bound by the dynamic linker: it
    /// is undefined here (in a file that has a dynamic linker) or
    /// preemptible.
    pub(super) fn binds_at_run_time(&self, i: usize, dynamic: bool) -> bool {
        let s = &self.symbols[i];
        (dynamic && !s.place.is_defined() && s.bind != STB_LOCAL && !self.is_got_symbol(i))
            || self.is_preemptible(i)
    }
}
