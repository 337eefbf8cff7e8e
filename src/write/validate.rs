//! What the builder refuses before laying anything out: values a file
//! cannot hold, handles that name nothing, and what `eu-elflint` or the
//! kernel would reject (a symbol past its section, two definitions of one
//! name, an executable without an entry point).

use super::builder::{Builder, Perms, SectionData, SymbolPlace};
use super::error::{Error, Result, Subject};
use crate::raw::consts::*;
use crate::read::Class;

impl Builder<'_> {
    /// Checks what layout cannot: alignments, handles, file type, symbol
    /// extents and names.
    pub(crate) fn validate(&self) -> Result<()> {
        self.validate_file()?;
        self.validate_sections()?;
        self.validate_symbols()?;
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

    fn validate_symbols(&self) -> Result<()> {
        let narrow = self.kind.encoding.class == Class::Elf32;
        let linked = self.kind.file_type != ET_REL;
        // The first global definition of each name, to refuse a second.
        let mut globals: hashbrown::HashMap<&[u8], usize> = hashbrown::HashMap::new();
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
            if memchr::memchr(0, &s.name).is_some() {
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
            if s.bind == STB_GLOBAL && s.place.is_defined() && !s.name.is_empty() {
                if let Some(&first) = globals.get(&s.name[..]) {
                    // A linker refuses a multiple definition; the dynamic
                    // linker would pick one of them at random.
                    return e(
                        "name (defined globally twice; the first definition is the symbol with this index)",
                        first as u64,
                    );
                }
                globals.insert(&s.name[..], i);
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
