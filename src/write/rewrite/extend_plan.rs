//! Where a growing file's additions go: one read-only `PT_LOAD` after
//! every segment's memory (the program header table, `.dynstr`, the
//! interpreter, read-only added segments), then a page-aligned `PT_LOAD`
//! for each other added segment and, when `.dynamic` moves, a writable one
//! for its copy.

use super::Rewriter;
use super::extend::err;
use crate::raw::consts::*;
use crate::read::{ElfFile, ProgramHeader, SectionHeader, Table};
use crate::write::error::{Error, ErrorKind, Result, Subject};
use crate::write::records::Encode;
use alloc::vec::Vec;

/// The most zero padding a growing file may take before its new segment.
/// The segment's offset must be its address minus the first `PT_LOAD`'s
/// address-minus-offset, and it goes past every segment's memory, so the
/// file is padded over whatever memory the segments take beyond their
/// file bytes (`.bss`); hostile sizes there are refused, not allocated.
pub(super) const MAX_GROWTH_GAP: u64 = 64 << 20;

/// Where the extension goes and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ExtensionPlan {
    pub(super) offset: u64,
    pub(super) end: u64,
    /// The complete new program header table.
    pub(super) phdrs: Vec<ProgramHeader>,
    /// (file offset, bytes) to write.
    pub(super) pieces: Vec<(u64, Vec<u8>)>,
    /// New address, offset and size for `.dynstr`, `.interp` and (moved)
    /// `.dynamic`.
    pub(super) dynstr: Option<(u64, u64, u64)>,
    pub(super) interp: Option<(u64, u64, u64)>,
    pub(super) dynamic: Option<(u64, u64, u64)>,
    /// Added segments' sections: (index, address, offset).
    pub(super) sections: Vec<(usize, u64, u64)>,
}

/// A `PT_LOAD` of `size` bytes at file offset `off`.
fn load(flags: u32, off: u64, delta: u64, size: u64, page: u64) -> ProgramHeader {
    ProgramHeader {
        p_type: PT_LOAD,
        p_flags: flags,
        p_offset: off,
        p_vaddr: off.wrapping_add(delta),
        p_paddr: off.wrapping_add(delta),
        p_filesz: size,
        p_memsz: size,
        p_align: page,
    }
}

/// Points `p` at `size` bytes at address `addr`, file offset `off`.
fn retarget(p: &mut ProgramHeader, (addr, off, size): (u64, u64, u64)) {
    (p.p_offset, p.p_vaddr, p.p_paddr, p.p_filesz, p.p_memsz) = (off, addr, addr, size, size);
}

impl Rewriter<'_> {
    /// Points the headers of the sections the extension moved (`.dynstr`,
    /// `.interp`, `.dynamic`, added segments' sections) at their new
    /// places.
    pub(super) fn retarget_extended(&self, e: &ExtensionPlan, headers: &mut [SectionHeader]) {
        let mut retarget = |idx: Option<usize>, place: Option<(u64, u64, u64)>| {
            if let (Some(i), Some((addr, offset, size))) = (idx, place) {
                if let Some(h) = headers.get_mut(i) {
                    (h.sh_addr, h.sh_offset, h.sh_size) = (addr, offset, size);
                }
            }
        };
        // (Section 0 is reserved, whatever its type says.)
        let dynamic = self
            .sections
            .iter()
            .skip(1)
            .position(|s| s.header.sh_type == SHT_DYNAMIC)
            .map(|k| k + 1);
        let dynstr = dynamic.map(|i| self.sections[i].header.sh_link as usize);
        retarget(dynstr, e.dynstr);
        retarget(dynamic, e.dynamic);
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
            .ok_or(Error::new(Subject::Rewrite, ErrorKind::Missing("PT_LOAD")))?;
        // (Invalid, and its file bytes would run into the new segment's
        // addresses, which readers map through it.)
        if let Some(p) = loads.iter().find(|p| p.p_filesz > p.p_memsz) {
            return Err(err("PT_LOAD p_filesz (larger than p_memsz)", p.p_filesz));
        }
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
                Subject::Rewrite,
                ErrorKind::TooLarge {
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
        let dynamic_moves = self.dynamic_moves()?;
        let mut placed_sections = Vec::new();
        let phnum =
            self.segments.len() as u64 + 1 + extra_loads.len() as u64 + u64::from(dynamic_moves);
        let table_size = phnum * phentsize;

        // The read-only part: table, strings, interpreter, read-only segments.
        let mut pieces = Vec::new();
        let mut off = start + table_size;
        let mut dynstr = None;
        let mut file = None;
        let rewrites_dynamic = !self.ext.dyn_edits.is_empty() || !self.ext.dyn_adds.is_empty();
        if rewrites_dynamic {
            let f = ElfFile::parse(self.input)?;
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
        phdrs.push(load(PF_R, start, delta, off - start, page));
        for (i, flags) in extra_loads {
            off = up(off)?;
            let size = data_of(i).len() as u64;
            phdrs.push(load(flags, off, delta, size, page));
            placed_sections.push((i, off.wrapping_add(delta), off));
            off += size;
        }
        // The dynamic table, pointing at the moved strings: in place, or
        // copied into a writable segment of its own.
        let mut dynamic = None;
        if let (Some((addr, _, size, base)), Some(f)) = (dynstr, file) {
            let old = self.dynamic_segment()?;
            let at = if dynamic_moves {
                off = up(off)?;
                Some(off)
            } else {
                None
            };
            let entries =
                self.new_dynamic((addr, size), base, at.map(|o| o.wrapping_add(delta)))?;
            let mut bytes = Vec::new();
            for d in &entries {
                d.encode(enc, &mut bytes);
            }
            let len = bytes.len() as u64;
            if let Some(at) = at {
                phdrs.push(load(PF_R | PF_W, at, delta, len, page));
                dynamic = Some((at.wrapping_add(delta), at, len));
                pieces.push((at, bytes));
                off += len;
            } else {
                pieces.push((old.p_offset, bytes));
            }
            pieces.extend(self.verneed_file_edits(&f, base)?);
        }
        for p in &mut phdrs {
            match p.p_type {
                PT_PHDR => retarget(p, (start.wrapping_add(delta), start, table_size)),
                PT_INTERP => {
                    if let Some((a, o, s)) = interp {
                        retarget(p, (a, o, s));
                    }
                }
                PT_DYNAMIC => {
                    if let Some(place) = dynamic {
                        retarget(p, place);
                    }
                }
                _ => {}
            }
        }
        let mut table = Vec::new();
        for p in &phdrs {
            p.encode(enc, &mut table);
        }
        pieces.push((start, table));
        Ok(Some(ExtensionPlan {
            offset: start,
            end: off,
            phdrs,
            pieces,
            dynstr: dynstr.map(|(a, o, s, _)| (a, o, s)),
            interp,
            dynamic,
            sections: placed_sections,
        }))
    }
}
