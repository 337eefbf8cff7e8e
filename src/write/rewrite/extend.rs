//! Growing a rewritten file: a new loaded segment at the end of the
//! address space that carries a moved program header table (with room for
//! the new entries), a longer `.dynstr` with new or changed names, a longer
//! interpreter path, and any segments the caller adds; and `.dynamic` with
//! room for new entries (see `dynamic.rs`).
//!
//! The new segment is placed so that its address minus its offset equals
//! the first `PT_LOAD`'s, as the kernel assumes when it finds the program
//! headers through `e_phoff` (see `extend_plan.rs`).

use super::Rewriter;
use crate::raw::consts::*;
use crate::write::error::{Error, ErrorKind, Result, Subject};
use alloc::vec::Vec;

/// What the rewrite adds beyond the input's loaded part.
#[derive(Debug, Clone, Default)]
pub(super) struct Extension {
    /// Segments the caller added: the section holding each, `PF_*` flags.
    pub(super) segments: Vec<(usize, u32)>,
    /// Strings for the moved `.dynstr`, after the old contents.
    pub(super) new_strings: Vec<u8>,
    /// Dynamic entries to point at new strings: (entry index, offset in
    /// `new_strings`), and for `DT_NEEDED` the old name, which the
    /// version needs (`vn_file`) name too.
    pub(super) dyn_edits: Vec<(usize, u64, Option<Vec<u8>>)>,
    /// Dynamic entries to add: (tag, offset in `new_strings`), in the
    /// order asked.
    pub(super) dyn_adds: Vec<(i64, u64)>,
    /// A new interpreter path (with its NUL).
    pub(super) interpreter: Option<Vec<u8>>,
}

impl Extension {
    pub(super) fn is_empty(&self) -> bool {
        self.segments.is_empty()
            && self.dyn_edits.is_empty()
            && self.dyn_adds.is_empty()
            && self.interpreter.is_none()
    }

    /// Adds `value` (and its NUL) to the new strings; returns its offset
    /// there.
    pub(super) fn string(&mut self, value: &[u8]) -> u64 {
        let at = self.new_strings.len() as u64;
        self.new_strings.extend_from_slice(value);
        self.new_strings.push(0);
        at
    }
}

pub(super) fn err(field: &'static str, value: u64) -> Error {
    Error::invalid(Subject::Rewrite, field, value)
}

impl<'a> Rewriter<'a> {
    /// Adds a loaded segment holding `data` with permissions `flags`
    /// (`PF_R`, `PF_W`, `PF_X`), described by a new section `name`; returns
    /// that section's index. Its address is in the written file's program
    /// headers (the last `PT_LOAD`s) and in the section's header.
    pub fn add_segment(&mut self, name: &[u8], data: Vec<u8>, flags: u32) -> Result<usize> {
        self.require_loaded()?;
        if flags & PF_W != 0 && flags & PF_X != 0 {
            return Err(err("segment flags (writable and executable)", flags.into()));
        }
        let i = self.add_section(name.to_vec(), SHT_PROGBITS, data, 16)?;
        let h = &mut self.sections[i].header;
        h.sh_flags = SHF_ALLOC
            | if flags & PF_W != 0 { SHF_WRITE } else { 0 }
            | if flags & PF_X != 0 { SHF_EXECINSTR } else { 0 };
        self.ext.segments.push((i, flags));
        Ok(i)
    }

    /// Sets `DT_SONAME` (every one, if there are several), adding the entry
    /// if the file has none.
    pub fn set_soname(&mut self, name: &[u8]) -> Result<()> {
        self.set_or_add_dynamic_string(DT_SONAME, name)
    }

    /// Sets `DT_RUNPATH` (or an old `DT_RPATH`, which ld.so reads the same
    /// way but before `LD_LIBRARY_PATH`), adding a `DT_RUNPATH` if the file
    /// has neither.
    pub fn set_runpath(&mut self, path: &[u8]) -> Result<()> {
        // (Live entries only: ones after `DT_NULL` are not read.)
        let has = |tag| self.find_dynamic_strings(tag, None).map(|v| !v.is_empty());
        let tag = if !has(DT_RUNPATH)? && has(DT_RPATH)? {
            DT_RPATH
        } else {
            DT_RUNPATH
        };
        self.set_or_add_dynamic_string(tag, path)
    }

    /// Replaces the needed library `old` by `new` (every entry naming it).
    pub fn replace_needed(&mut self, old: &[u8], new: &[u8]) -> Result<()> {
        self.set_dynamic_string(DT_NEEDED, Some(old), new)
    }

    /// Adds a needed library after the ones the file has (so it comes last
    /// in the search order); nothing changes if `name` is needed already.
    pub fn add_needed(&mut self, name: &[u8]) -> Result<()> {
        if !self.find_dynamic_strings(DT_NEEDED, Some(name))?.is_empty() {
            return Ok(());
        }
        let added = self
            .ext
            .dyn_adds
            .iter()
            .any(|&(tag, at)| tag == DT_NEEDED && self.new_string_at(at) == name);
        if added {
            return Ok(());
        }
        self.add_dynamic_string(DT_NEEDED, name)
    }

    /// Sets the program interpreter; a longer path moves to a new segment.
    pub fn set_interpreter(&mut self, path: &[u8]) -> Result<()> {
        let Some(p) = self
            .segments
            .iter()
            .find(|p| p.p_type == PT_INTERP)
            .copied()
        else {
            return Err(Error::new(
                Subject::Rewrite,
                ErrorKind::Missing("PT_INTERP to change"),
            ));
        };
        if path.contains(&0) {
            return Err(err("interpreter (contains NUL)", 0));
        }
        let idx = self.sections.iter().position(|s| {
            s.header.sh_offset == p.p_offset
                && s.header.is_alloc()
                && s.header.sh_size == p.p_filesz
        });
        if (path.len() as u64) < p.p_filesz {
            if let Some(i) = idx {
                let mut bytes = alloc::vec![0u8; p.p_filesz as usize];
                bytes[..path.len()].copy_from_slice(path);
                return self.replace_section_data(i, bytes);
            }
        }
        self.require_loaded()?;
        let mut v = path.to_vec();
        v.push(0);
        self.ext.interpreter = Some(v);
        Ok(())
    }

    pub(super) fn require_loaded(&self) -> Result<()> {
        if !self.has_loads || !matches!(self.header.e_type, ET_EXEC | ET_DYN) {
            return Err(Error::new(
                Subject::Rewrite,
                ErrorKind::Missing(
                    "PT_LOAD segments (only executables and shared objects can grow)",
                ),
            ));
        }
        Ok(())
    }
}
