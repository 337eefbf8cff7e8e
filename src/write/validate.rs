//! What the builder refuses before laying anything out: values a file
//! cannot hold, handles that name nothing, and what `eu-elflint` or the
//! kernel would reject (a symbol past its section, two definitions of one
//! name, an executable without an entry point).

use super::builder::{Builder, Perms, SectionData, SymbolPlace};
use super::error::{Error, Result, Subject};
use super::strtab::StringLayout;
use crate::raw::consts::*;
use crate::read::Class;

impl Builder<'_> {
    /// Checks what layout cannot: alignments, handles, file type, symbol
    /// extents and names. `strtab` is the layout of the symbols' names.
    pub(crate) fn validate(&self, strtab: &StringLayout) -> Result<()> {
        self.validate_file()?;
        self.validate_sections()?;
        self.validate_symbols(strtab)?;
        self.validate_relocations()
    }

    fn validate_file(&self) -> Result<()> {
        let bad = |what: &'static str, value: u64| Err(Error::invalid(Subject::File, what, value));
        if ![ET_REL, ET_EXEC, ET_DYN].contains(&self.kind.file_type) {
            return bad(
                "file type (must be ET_REL, ET_EXEC or ET_DYN)",
                self.kind.file_type.into(),
            );
        }
        let strings = [
            self.interpreter.as_deref(),
            self.soname.as_deref(),
            self.runpath.as_deref(),
        ];
        // Only a dynamic file writes these strings.
        let dynamic = self.kind.file_type != ET_REL && self.is_dynamic();
        if dynamic
            && strings
                .into_iter()
                .flatten()
                .chain(self.needed.iter().map(|n| &n[..]))
                .any(|s| s.contains(&0))
        {
            return bad(
                "interpreter, soname, runpath or needed name (contains a NUL byte)",
                0,
            );
        }
        if self.kind.file_type == ET_EXEC
            && !dynamic
            && (self.soname.is_some() || self.runpath.is_some())
        {
            // Without an interpreter or needed libraries nothing reads a
            // dynamic table: the soname or runpath would be dropped.
            return bad(
                "soname or runpath (a static executable has no dynamic table; set an interpreter or needed libraries)",
                0,
            );
        }
        match self.entry {
            Some(s) if s.0 >= self.symbols.len() => {
                bad("entry symbol (no such symbol)", s.0 as u64)
            }
            // The kernel would start it at address 0.
            None if self.kind.file_type == ET_EXEC => {
                bad("entry (an executable needs an entry point symbol)", 0)
            }
            _ => Ok(()),
        }
    }

    fn validate_sections(&self) -> Result<()> {
        let narrow = self.kind.encoding.class == Class::Elf32;
        // Objects have no segments and no .dynsym: layout rules do not apply.
        let linked = self.kind.file_type != ET_REL;
        let n = self.sections.len() as u64;
        for (i, s) in self.sections.iter().enumerate() {
            let e = |what, value| Err(Error::invalid(self.section_subject(i), what, value));
            if s.align > 1 && !s.align.is_power_of_two() {
                return e("alignment (not a power of two)", s.align);
            }
            if memchr::memchr(0, &s.name).is_some() {
                return e("name (contains a NUL byte)", 0);
            }
            if matches!(s.data, SectionData::Zeros(_)) != (s.sh_type == SHT_NOBITS) {
                return e(
                    "sh_type (SHT_NOBITS if and only if the data is zeros)",
                    s.sh_type.into(),
                );
            }
            if s.relro && s.perms != Some(Perms::RW) {
                return e("relro (only for writable sections)", 1);
            }
            let tls = s.flags & SHF_TLS != 0;
            if linked && tls && s.perms.is_some() && s.perms != Some(Perms::RW) {
                // The gABI's .tdata and .tbss are writable; the loader
                // copies them for each thread.
                return e("perms (a loaded TLS section must be RW)", s.flags);
            }
            if linked
                && s.sh_type == SHT_NOBITS
                && s.perms.is_some()
                && (s.perms != Some(Perms::RW) || (s.relro && !tls))
            {
                // Zeros without file bytes can only end the writable segment.
                return e(
                    "sh_type (SHT_NOBITS only in writable, non-RELRO sections)",
                    s.sh_type.into(),
                );
            }
            if narrow
                && (s.data.size() > u32::MAX as u64
                    || s.sh_flags() > u32::MAX as u64
                    || s.entsize > u32::MAX as u64
                    || s.align > u32::MAX as u64)
            {
                return e(
                    "size, flags, entsize or alignment (too large for a 32-bit file)",
                    s.data.size(),
                );
            }
            for l in [s.link, s.info_section].into_iter().flatten() {
                if l.0 as u64 >= n {
                    return e("link or info (no such section)", l.0 as u64);
                }
            }
            let array = matches!(
                s.sh_type,
                SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY
            );
            if linked && array && s.perms.is_none() {
                // DT_INIT_ARRAY and its kin give run-time addresses.
                return e("perms (an init or fini array must be loaded)", 0);
            }
            if linked
                && array
                && self.sections[..i]
                    .iter()
                    .any(|o| o.sh_type == s.sh_type && o.perms.is_some())
            {
                // One dynamic tag gives one array: merge the inputs into
                // one section, in the order they are to run.
                return e(
                    "sh_type (a second init, fini or preinit array; the dynamic table points at one)",
                    s.sh_type.into(),
                );
            }
        }
        Ok(())
    }

    /// The first symbol (by index) that defines globally a name an earlier
    /// one already did, and that earlier one. `copies` lists each name
    /// equal to another as `(copy, first of its run)`, runs consecutive:
    /// found by the string table's sort, so no name is hashed.
    fn second_global_definition(&self, copies: &[(usize, usize)]) -> Option<(usize, usize)> {
        let global = |i: usize| {
            let s = &self.symbols[i];
            s.bind == STB_GLOBAL && s.place.is_defined() && !s.name.is_empty()
        };
        let mut found: Option<(usize, usize)> = None;
        for run in copies.chunk_by(|a, b| a.1 == b.1) {
            // The two smallest global definitions in this run of equal names.
            let (mut first, mut second) = (usize::MAX, usize::MAX);
            for i in core::iter::once(run[0].1).chain(run.iter().map(|c| c.0)) {
                if !global(i) {
                    continue;
                }
                if i < first {
                    (first, second) = (i, first);
                } else if i < second {
                    second = i;
                }
            }
            if second != usize::MAX && found.is_none_or(|(s, _)| second < s) {
                found = Some((second, first));
            }
        }
        found
    }

    fn validate_symbols(&self, strtab: &StringLayout) -> Result<()> {
        let narrow = self.kind.encoding.class == Class::Elf32;
        let linked = self.kind.file_type != ET_REL;
        // A second global definition of a name, to refuse.
        let twice = self.second_global_definition(&strtab.copies);
        // Every name lies inside a stored string of `.strtab` (or is
        // empty): unless one of those holds a NUL, no name does, and the
        // copies and merged suffixes need no look.
        // They are looked at in symbol order, not in the table's (sorted)
        // order: the records and, usually, the names then come from memory
        // front to back, where the sorted order made two dependent cache
        // misses per name (most of this pass's time on 100k names).
        let stored = &strtab.stored;
        let nul_somewhere = self
            .symbols
            .iter()
            .zip(stored)
            .any(|(s, &is_stored)| is_stored && has_nul(&s.name));
        for (i, s) in self.symbols.iter().enumerate() {
            let e = |what, value| Err(Error::invalid(self.symbol_subject(i), what, value));
            if let SymbolPlace::Section(id) = s.place {
                let Some(section) = self.sections.get(id.0) else {
                    return e("section (no such section)", id.0 as u64);
                };
                // eu-elflint and debuggers take a symbol's bytes from its
                // section: they must be there.
                if s.value
                    .checked_add(s.size)
                    .is_none_or(|end| end > section.data.size())
                {
                    return e(
                        "value + size (past the end of its section)",
                        s.value.saturating_add(s.size),
                    );
                }
            }
            if nul_somewhere && has_nul(&s.name) {
                return e("name (contains a NUL byte)", 0);
            }
            if narrow && (s.value > u32::MAX as u64 || s.size > u32::MAX as u64) {
                return e(
                    "value or size (too large for a 32-bit file)",
                    s.value.max(s.size),
                );
            }
            if linked && matches!(s.place, SymbolPlace::Common | SymbolPlace::Raw(SHN_COMMON)) {
                // A linker allocates common blocks; only relocatable
                // objects hold them (gABI).
                return e(
                    "place (a common symbol in an executable or shared object; define it in a section)",
                    SHN_COMMON.into(),
                );
            }
            if linked && s.bind == STB_LOCAL && s.export == Some(true) {
                return e("export (a local symbol cannot be exported)", 1);
            }
            if s.bind > 15 || s.kind > 15 {
                return e(
                    "bind or type (more than 4 bits)",
                    (s.bind as u64) << 8 | s.kind as u64,
                );
            }
            if let Some((second, first)) = twice
                && second == i
            {
                // A linker refuses a multiple definition; the dynamic
                // linker would pick one of them at random.
                return e(
                    "name (defined globally twice; the first definition is the symbol with this index)",
                    first as u64,
                );
            }
        }
        Ok(())
    }

    fn validate_relocations(&self) -> Result<()> {
        let narrow = self.kind.encoding.class == Class::Elf32;
        for (i, r) in self.relocations.iter().enumerate() {
            let e = |what, value| Err(self.relocation_error(i, what, value));
            let Some(section) = self.sections.get(r.section.0) else {
                return e("section (no such section)", r.section.0 as u64);
            };
            if let Some(s) = r.symbol {
                if s.0 >= self.symbols.len() {
                    return e("symbol (no such symbol)", s.0 as u64);
                }
            }
            if r.offset >= section.data.size() {
                return e("offset (past the end of its section)", r.offset);
            }
            let addend_fits = self.rel_without_addends || i32::try_from(r.addend).is_ok();
            if narrow && (!addend_fits || r.kind > 0xff) {
                return e(
                    "addend or type (too large for a 32-bit file's relocation)",
                    r.kind.into(),
                );
            }
        }
        Ok(())
    }
}

/// Whether `s` holds a zero byte. Up to 64 bytes, eight bytes per step
/// (the last word overlapping the one before): there `memchr`'s setup
/// per call costs more than the whole search.
fn has_nul(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Non-zero exactly when some byte of `w` is zero.
    let zero_in = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    if s.len() > 64 {
        // Long names: `memchr`'s vector loop pays for its setup.
        return memchr::memchr(0, s).is_some();
    }
    let Some(last) = s.last_chunk::<8>() else {
        return s.contains(&0);
    };
    let mut found = zero_in(u64::from_le_bytes(*last));
    for w in s.chunks_exact(8) {
        found |= zero_in(u64::from_le_bytes(w.try_into().unwrap_or([1; 8])));
    }
    found != 0
}

#[cfg(test)]
mod tests {
    /// The word-at-a-time NUL search agrees with the standard library's
    /// on every length up to 80 and every position, among the bytes that
    /// trip such tricks (0x01 and 0x80 around a borrow).
    #[test]
    fn has_nul_agrees_with_contains() {
        for len in 0..80usize {
            for fill in [0x01u8, 0x80, 0xff, 0x7f, b'a'] {
                let mut s = alloc::vec![fill; len];
                assert_eq!(
                    super::has_nul(&s),
                    s.contains(&0),
                    "len {len} fill {fill:#x}"
                );
                for at in 0..len {
                    s[at] = 0;
                    assert!(super::has_nul(&s), "len {len} fill {fill:#x} NUL at {at}");
                    s[at] = if at % 2 == 0 { 0x01 } else { 0x80 };
                    assert_eq!(super::has_nul(&s), s.contains(&0));
                }
            }
        }
    }

    use crate::write::{
        Builder, ErrorKind, FileKind, LayoutOptions, Perms, SectionSpec, Subject, SymbolSpec,
    };

    /// The symbol refused and the earlier definition it names, or `None`
    /// when the names pass.
    fn refused(names: &[(&'static [u8], bool)]) -> Option<(usize, u64)> {
        let mut b = Builder::new(FileKind::x86_64(crate::raw::consts::ET_REL));
        let text = b.add_section(SectionSpec::new(
            &b".text"[..],
            Some(Perms::RX),
            &[0u8; 4][..],
        ));
        for &(name, global) in names {
            b.add_symbol(if global {
                SymbolSpec::global(name, text, 0)
            } else {
                SymbolSpec::local(name, text, 0)
            });
        }
        let e = b.layout(&LayoutOptions::default()).err()?;
        match (e.subject(), e.kind()) {
            (Subject::Symbol { index, .. }, ErrorKind::Invalid { value, .. }) => {
                Some((*index, *value))
            }
            _ => panic!("{e}"),
        }
    }

    #[test]
    fn a_second_global_definition_is_refused_at_the_first_one_by_index() {
        // Locals and undefined names may repeat; a suffix is another name.
        assert_eq!(refused(&[(b"a", true), (b"a", false), (b"ba", true)]), None);
        assert_eq!(refused(&[(b"a", false), (b"a", false), (b"a", true)]), None);
        // The earliest second definition wins, naming the first one.
        let names: &[(&[u8], bool)] = &[
            (b"x", true),
            (b"ab", false),
            (b"b", true),
            (b"ab", true),
            (b"ab", false),
            (b"b", true),
            (b"x", true),
            (b"ab", true),
            (b"b", true),
        ];
        assert_eq!(refused(names), Some((5, 2)));
        assert_eq!(refused(&names[..5]), None);
        assert_eq!(refused(&[(b"", true), (b"", true)]), None);
    }

    #[test]
    fn a_nul_in_a_merged_or_repeated_name_is_refused_at_its_first_symbol() {
        // "b\0c" is stored once and holds "\0c" and its copies.
        let names: &[(&[u8], bool)] = &[
            (b"x", false),
            (b"\0c", false),
            (b"b\0c", false),
            (b"\0c", false),
        ];
        assert_eq!(refused(names), Some((1, 0)));
        assert_eq!(refused(&names[2..]), Some((0, 0)));
        assert_eq!(refused(&names[..1]), None);
    }
}
