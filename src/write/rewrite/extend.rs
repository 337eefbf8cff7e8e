//! Growing a rewritten file: a new loaded segment at the end of the
//! address space that carries a moved program header table (with room for
//! the new entries), a longer `.dynstr` with new or changed names, a longer
//! interpreter path, and any segments the caller adds.
//!
//! The new segment is placed so that its address minus its offset equals
//! the first `PT_LOAD`'s, as the kernel assumes when it finds the program
//! headers through `e_phoff`.

use super::Rewriter;
use crate::error::{Error, Problem, Result};
use crate::raw::consts::*;
use crate::read::{Dyn, ProgramHeader, SectionHeader, Table};
use alloc::vec::Vec;

/// The most zero padding a growing file may take before its new segment.
/// The segment's offset must be its address minus the first `PT_LOAD`'s
/// address-minus-offset, and it goes past every segment's memory, so the
/// file is padded over whatever memory the segments take beyond their
/// file bytes (`.bss`); hostile sizes there are refused, not allocated.
pub(super) const MAX_GROWTH_GAP: u64 = 256 << 20;

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
    /// A new interpreter path (with its NUL).
    pub(super) interpreter: Option<Vec<u8>>,
}

impl Extension {
    pub(super) fn is_empty(&self) -> bool {
        self.segments.is_empty() && self.dyn_edits.is_empty() && self.interpreter.is_none()
    }
}

/// Where the extension goes and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ExtensionPlan {
    pub(super) offset: u64,
    pub(super) end: u64,
    /// The complete new program header table.
    pub(super) phdrs: Vec<ProgramHeader>,
    /// (file offset, bytes) to write.
    pub(super) pieces: Vec<(u64, Vec<u8>)>,
    /// New address, offset and size for `.dynstr` and `.interp`.
    pub(super) dynstr: Option<(u64, u64, u64)>,
    pub(super) interp: Option<(u64, u64, u64)>,
    /// Added segments' sections: (index, address, offset).
    pub(super) sections: Vec<(usize, u64, u64)>,
}

fn err(field: &'static str, value: u64) -> Error {
    Error::new("rewrite", 0, Problem::BadValue { field, value })
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

    /// Sets `DT_SONAME`, which must already exist.
    pub fn set_soname(&mut self, name: &[u8]) -> Result<()> {
        self.set_dynamic_string(DT_SONAME, None, name)
    }

    /// Sets `DT_RUNPATH` (or an old `DT_RPATH`), which must already exist.
    pub fn set_runpath(&mut self, path: &[u8]) -> Result<()> {
        let has_runpath = self
            .dynamic_entries()?
            .iter()
            .any(|d| d.d_tag == DT_RUNPATH);
        self.set_dynamic_string(if has_runpath { DT_RUNPATH } else { DT_RPATH }, None, path)
    }

    /// Replaces the needed library `old` by `new`.
    pub fn replace_needed(&mut self, old: &[u8], new: &[u8]) -> Result<()> {
        self.set_dynamic_string(DT_NEEDED, Some(old), new)
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
                "rewrite",
                0,
                Problem::Missing("PT_INTERP to change"),
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

    fn require_loaded(&self) -> Result<()> {
        if !self.has_loads || !matches!(self.header.e_type, ET_EXEC | ET_DYN) {
            return Err(Error::new(
                "rewrite",
                0,
                Problem::Missing("PT_LOAD segments (only executables and shared objects can grow)"),
            ));
        }
        Ok(())
    }

    fn dynamic_entries(&self) -> Result<Vec<Dyn>> {
        let p = self
            .segments
            .iter()
            .find(|p| p.p_type == PT_DYNAMIC)
            .ok_or(Error::new("rewrite", 0, Problem::Missing("PT_DYNAMIC")))?;
        let bytes = crate::read::bytes::range(
            self.input,
            p.p_offset,
            p.p_filesz,
            "dynamic table",
            "p_offset + p_filesz",
        )?;
        Ok(Table::<Dyn>::new(self.encoding, bytes).iter().collect())
    }

    fn set_dynamic_string(&mut self, tag: i64, old: Option<&[u8]>, value: &[u8]) -> Result<()> {
        self.require_loaded()?;
        if value.contains(&0) {
            return Err(err("string (contains NUL)", 0));
        }
        let file = crate::read::ElfFile::parse(self.input)?;
        let entries = self.dynamic_entries()?;
        let mut target = None;
        for (i, d) in entries.iter().enumerate() {
            if d.d_tag == DT_NULL {
                break;
            }
            if d.d_tag == tag
                && old.is_none_or(|o| file.dynamic_string(d.d_val).is_ok_and(|s| s == o))
            {
                target = Some(i);
                break;
            }
        }
        let Some(i) = target else {
            return Err(Error::new(
                "rewrite",
                0,
                Problem::Missing("dynamic entry to change (adding entries needs room in .dynamic)"),
            ));
        };
        let at = self.ext.new_strings.len() as u64;
        self.ext.new_strings.extend_from_slice(value);
        self.ext.new_strings.push(0);
        let old_name = if tag == DT_NEEDED {
            file.dynamic_string(entries[i].d_val)
                .ok()
                .map(<[u8]>::to_vec)
        } else {
            None
        };
        self.ext.dyn_edits.retain(|(k, _, _)| *k != i);
        self.ext.dyn_edits.push((i, at, old_name));
        Ok(())
    }

    /// `vn_file` fields that named a renamed library, pointed at the new
    /// name: ld.so matches version needs to libraries by that name.
    fn verneed_file_edits(
        &self,
        f: &crate::read::ElfFile<'_>,
        base: u64,
    ) -> Result<Vec<(u64, Vec<u8>)>> {
        let renamed: Vec<(&[u8], u64)> = self
            .ext
            .dyn_edits
            .iter()
            .filter_map(|(_, at, old)| old.as_deref().map(|o| (o, base + at)))
            .collect();
        let Some(d) = f.dynamic()? else {
            return Ok(Vec::new());
        };
        let info = d.info();
        let (Some(addr), Some(count)) = (info.verneed, info.verneednum) else {
            return Ok(Vec::new());
        };
        let (data, offset) = f.data_from_vaddr(addr, "version needs")?;
        let strings = f.dynamic_strings()?;
        let enc = self.encoding;
        let mut out = Vec::new();
        let mut pos = 0usize;
        // vd_next only moves forward, so the walk ends within the data.
        for _ in 0..count.min(data.len() as u64 / 16) {
            let (Some(file), Some(next)) = (
                enc.read_u32(data.get(pos + 4..).unwrap_or(&[])),
                enc.read_u32(data.get(pos + 12..).unwrap_or(&[])),
            ) else {
                break;
            };
            if let Ok(name) = strings.get(file) {
                if let Some(&(_, new)) = renamed.iter().find(|(o, _)| *o == name) {
                    let mut b = Vec::new();
                    crate::write::records::push_u32(enc, &mut b, new as u32);
                    out.push((offset + pos as u64 + 4, b));
                }
            }
            if next == 0 {
                break;
            }
            pos += next as usize;
        }
        Ok(out)
    }

    /// Points the headers of the sections the extension moved (`.dynstr`,
    /// `.interp`, added segments' sections) at their new places.
    pub(super) fn retarget_extended(&self, e: &ExtensionPlan, headers: &mut [SectionHeader]) {
        let mut retarget = |idx: Option<usize>, place: Option<(u64, u64, u64)>| {
            if let (Some(i), Some((addr, offset, size))) = (idx, place) {
                if let Some(h) = headers.get_mut(i) {
                    (h.sh_addr, h.sh_offset, h.sh_size) = (addr, offset, size);
                }
            }
        };
        let dynstr = self
            .sections
            .iter()
            .find(|s| s.header.sh_type == SHT_DYNAMIC)
            .map(|s| s.header.sh_link as usize);
        retarget(dynstr, e.dynstr);
        let old_interp = self
            .segments
            .iter()
            .find(|p| p.p_type == PT_INTERP)
            .map(|p| p.p_offset);
        let interp = self
            .sections
            .iter()
            .position(|s| s.header.is_alloc() && Some(s.header.sh_offset) == old_interp);
        retarget(interp, e.interp);
        for &(i, addr, offset) in &e.sections {
            let size = self.sections[i].header.sh_size;
            retarget(Some(i), Some((addr, offset, size)));
        }
    }

    /// Plans the extension after `loaded_end`.
    pub(super) fn plan_extension(&self) -> Result<Option<ExtensionPlan>> {
        if self.ext.is_empty() {
            return Ok(None);
        }
        let enc = self.encoding;
        let phentsize = Table::<ProgramHeader>::entry_size(enc) as u64;
        let loads: Vec<&ProgramHeader> = self
            .segments
            .iter()
            .filter(|p| p.p_type == PT_LOAD)
            .collect();
        let first = loads
            .first()
            .ok_or(Error::new("rewrite", 0, Problem::Missing("PT_LOAD")))?;
        let page = loads
            .iter()
            .map(|p| p.p_align)
            .max()
            .unwrap_or(0)
            .max(0x1000);
        if !page.is_power_of_two() {
            return Err(err("p_align (not a power of two)", page));
        }
        let delta = first.p_vaddr.wrapping_sub(first.p_offset);
        let mem_end = loads
            .iter()
            .map(|p| p.p_vaddr.saturating_add(p.p_memsz))
            .max()
            .unwrap_or(0);
        let up = |x: u64| {
            x.checked_add(page - 1)
                .map(|v| v & !(page - 1))
                .ok_or(err("address (overflow)", x))
        };
        let start = up(self.loaded_end.max(mem_end.wrapping_sub(delta)))?;
        if start - self.loaded_end > MAX_GROWTH_GAP {
            return Err(Error::new(
                "rewrite",
                0,
                Problem::TooLarge {
                    size: start,
                    limit: self.loaded_end + MAX_GROWTH_GAP,
                },
            ));
        }
        let data_of = |i: usize| self.sections[i].data();
        let extra_loads: Vec<(usize, u32)> = self
            .ext
            .segments
            .iter()
            .copied()
            .filter(|(_, f)| *f != PF_R)
            .collect();
        let mut placed_sections = Vec::new();
        let phnum = self.segments.len() as u64 + 1 + extra_loads.len() as u64;
        let table_size = phnum * phentsize;

        // The read-only part: table, strings, interpreter, read-only segments.
        let mut pieces = Vec::new();
        let mut off = start + table_size;
        let mut dynstr = None;
        let mut file = None;
        if !self.ext.dyn_edits.is_empty() {
            let f = crate::read::ElfFile::parse(self.input)?;
            let old = f.dynamic_strings()?;
            let mut bytes = old.data().to_vec();
            let base = bytes.len() as u64;
            bytes.extend_from_slice(&self.ext.new_strings);
            let size = bytes.len() as u64;
            dynstr = Some((off.wrapping_add(delta), off, size, base));
            pieces.push((off, bytes));
            off += size;
            file = Some(f);
        }
        let mut interp = None;
        if let Some(i) = &self.ext.interpreter {
            interp = Some((off.wrapping_add(delta), off, i.len() as u64));
            pieces.push((off, i.clone()));
            off += i.len() as u64;
        }
        for &(i, _) in self.ext.segments.iter().filter(|(_, f)| *f == PF_R) {
            off = (off + 15) & !15;
            placed_sections.push((i, off.wrapping_add(delta), off));
            off += data_of(i).len() as u64;
        }
        let mut phdrs = self.segments.clone();
        for p in &mut phdrs {
            match p.p_type {
                PT_PHDR => {
                    p.p_offset = start;
                    p.p_vaddr = start.wrapping_add(delta);
                    p.p_paddr = p.p_vaddr;
                    p.p_filesz = table_size;
                    p.p_memsz = table_size;
                }
                PT_INTERP => {
                    if let Some((a, o, s)) = interp {
                        (p.p_offset, p.p_vaddr, p.p_paddr, p.p_filesz, p.p_memsz) = (o, a, a, s, s);
                    }
                }
                _ => {}
            }
        }
        phdrs.push(ProgramHeader {
            p_type: PT_LOAD,
            p_flags: PF_R,
            p_offset: start,
            p_vaddr: start.wrapping_add(delta),
            p_paddr: start.wrapping_add(delta),
            p_filesz: off - start,
            p_memsz: off - start,
            p_align: page,
        });
        for (i, flags) in extra_loads {
            off = up(off)?;
            let size = data_of(i).len() as u64;
            phdrs.push(ProgramHeader {
                p_type: PT_LOAD,
                p_flags: flags,
                p_offset: off,
                p_vaddr: off.wrapping_add(delta),
                p_paddr: off.wrapping_add(delta),
                p_filesz: size,
                p_memsz: size,
                p_align: page,
            });
            placed_sections.push((i, off.wrapping_add(delta), off));
            off += size;
        }
        // Dynamic entries pointing at the moved strings.
        if let (Some((addr, _, size, base)), Some(f)) = (dynstr, file) {
            let p = self
                .segments
                .iter()
                .find(|p| p.p_type == PT_DYNAMIC)
                .copied()
                .ok_or(Error::new("rewrite", 0, Problem::Missing("PT_DYNAMIC")))?;
            let mut entries: Vec<Dyn> = self.dynamic_entries()?;
            for d in &mut entries {
                match d.d_tag {
                    DT_STRTAB => d.d_val = addr,
                    DT_STRSZ => d.d_val = size,
                    _ => {}
                }
            }
            for (i, at, _) in &self.ext.dyn_edits {
                if let Some(d) = entries.get_mut(*i) {
                    d.d_val = base + at;
                }
            }
            pieces.extend(self.verneed_file_edits(&f, base)?);
            let mut bytes = Vec::new();
            for d in &entries {
                crate::write::records::Encode::encode(d, enc, &mut bytes);
            }
            let _ = f;
            pieces.push((p.p_offset, bytes));
        }
        let mut table = Vec::new();
        for p in &phdrs {
            crate::write::records::Encode::encode(p, enc, &mut table);
        }
        pieces.push((start, table));
        Ok(Some(ExtensionPlan {
            offset: start,
            end: off,
            phdrs,
            pieces,
            dynstr: dynstr.map(|(a, o, s, _)| (a, o, s)),
            interp,
            sections: placed_sections,
        }))
    }
}
