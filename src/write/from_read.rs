//! Conveniences for linkers that feed what the reader found in relocatable
//! objects to the builder (see `examples/link_shared.rs`).

use super::builder::{Perms, SymbolPlace, SymbolSpec};
use crate::raw::consts::{SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE};
use crate::read::Symbol;
use alloc::borrow::Cow;

impl Perms {
    /// The run-time permissions of a section with `sh_flags`: `None` for
    /// one that is not loaded (no `SHF_ALLOC`); executable wins over
    /// writable, as a linker puts such a section in its code segment.
    ///
    /// ```
    /// use elfin::raw::consts::{SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE};
    /// use elfin::write::Perms;
    ///
    /// assert_eq!(Perms::from_sh_flags(SHF_ALLOC | SHF_EXECINSTR), Some(Perms::RX));
    /// assert_eq!(Perms::from_sh_flags(SHF_ALLOC | SHF_WRITE), Some(Perms::RW));
    /// assert_eq!(Perms::from_sh_flags(SHF_ALLOC), Some(Perms::R));
    /// assert_eq!(Perms::from_sh_flags(0), None);
    /// ```
    pub fn from_sh_flags(sh_flags: u64) -> Option<Perms> {
        if sh_flags & SHF_ALLOC == 0 {
            None
        } else if sh_flags & SHF_EXECINSTR != 0 {
            Some(Perms::RX)
        } else if sh_flags & SHF_WRITE != 0 {
            Some(Perms::RW)
        } else {
            Some(Perms::R)
        }
    }
}

impl<'a> SymbolSpec<'a> {
    /// A symbol named `name` with the binding, type, `st_other` and size of
    /// `symbol` (read from another file), at `place` with value `value`: a
    /// linker gives the place and value in its output (the input section's
    /// output section, and `st_value` plus the input's offset in it).
    ///
    /// ```
    /// use elfin::raw::consts::*;
    /// use elfin::read::Symbol;
    /// use elfin::write::{SectionId, SymbolPlace, SymbolSpec};
    ///
    /// // A hidden function of 16 bytes, 0x20 into its input section,
    /// // whose input section went 0x100 into output section 0.
    /// let read = Symbol {
    ///     st_info: (STB_GLOBAL << 4) | STT_FUNC,
    ///     st_other: STV_HIDDEN,
    ///     st_value: 0x20,
    ///     st_size: 16,
    ///     ..Symbol::default()
    /// };
    /// let place = SymbolPlace::Section(SectionId::from_index(0));
    /// let spec = SymbolSpec::from_read(&b"helper"[..], &read, place, read.st_value + 0x100);
    /// assert_eq!((spec.bind, spec.kind, spec.other), (STB_GLOBAL, STT_FUNC, STV_HIDDEN));
    /// assert_eq!((spec.value, spec.size), (0x120, 16));
    /// ```
    pub fn from_read(
        name: impl Into<Cow<'a, [u8]>>,
        symbol: &Symbol,
        place: SymbolPlace,
        value: u64,
    ) -> Self {
        SymbolSpec {
            name: name.into(),
            place,
            value,
            size: symbol.st_size,
            bind: symbol.bind(),
            kind: symbol.kind(),
            other: symbol.st_other,
            export: None,
        }
    }
}
