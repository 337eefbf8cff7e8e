//! Read-modify-write of any parsed file.
//!
//! The loaded part of the file (everything any segment covers, the file
//! and program headers, and every allocated section) is kept byte for byte
//! at its offsets and addresses, so what ran before runs the same; sections
//! outside it are laid out again after it, in their original order,
//! followed by a new section header table. Section types elfin does not
//! understand are carried as opaque bytes, and odd values (a symbol whose
//! section index is out of range) pass through unchanged.

mod extend;
mod renumber;
mod strip;

use super::records::Encode;
use crate::error::{Error, Problem, Result};
use crate::raw::consts::*;
use crate::read::{Class, ElfFile, Encoding, FileHeader, ProgramHeader, SectionHeader};
use alloc::borrow::Cow;
use alloc::vec::Vec;
use renumber::renumber;

/// A section of a file being rewritten.
#[derive(Debug, Clone)]
pub struct RewriteSection<'a> {
    /// The header (offsets are recomputed when writing).
    pub header: SectionHeader,
    /// The name.
    pub name: Cow<'a, [u8]>,
    data: Cow<'a, [u8]>,
    /// Its index in the input, `None` for an added section.
    pub original_index: Option<usize>,
    removed: bool,
}

impl<'a> RewriteSection<'a> {
    /// The section's bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

/// A parsed file opened for changes; see the module documentation.
#[derive(Debug, Clone)]
pub struct Rewriter<'a> {
    input: &'a [u8],
    encoding: Encoding,
    header: FileHeader,
    segments: Vec<ProgramHeader>,
    sections: Vec<RewriteSection<'a>>,
    shstrndx: usize,
    loaded_end: u64,
    had_sections: bool,
    has_loads: bool,
    ext: extend::Extension,
}

/// Where each kept section goes in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewritePlan {
    /// The output's section headers after the null one, in order.
    pub sections: Vec<SectionHeader>,
    /// The input index of each output section (`None` for added ones).
    pub origins: Vec<Option<usize>>,
    /// The offset of the section header table (0 when there is none).
    pub shoff: u64,
    /// The size of the output.
    pub file_size: u64,
    /// The bytes kept verbatim from the input: `0..loaded_end`.
    pub loaded_end: u64,
    /// The program headers of the output.
    pub segments: Vec<ProgramHeader>,
    extension: Option<extend::ExtensionPlan>,
}

pub(super) fn is_debug(name: &[u8]) -> bool {
    name.starts_with(b".debug")
        || name.starts_with(b".zdebug")
        || name.starts_with(b".gnu.debuglto_")
}

impl<'a> Rewriter<'a> {
    /// Opens `file` for rewriting; fails if a section's data is not in the
    /// file.
    pub fn new(file: &ElfFile<'a>) -> Result<Self> {
        let input = file.data();
        let enc = file.encoding();
        let (ehsize, phentsize) = if enc.class == Class::Elf32 {
            (52u64, 32u64)
        } else {
            (64, 56)
        };
        let segments: Vec<ProgramHeader> = file.segments().collect();
        let mut loaded_end = ehsize;
        if !segments.is_empty() {
            loaded_end = loaded_end.max(
                file.header()
                    .e_phoff
                    .saturating_add(segments.len() as u64 * phentsize),
            );
        }
        for p in &segments {
            if p.p_filesz > 0 {
                loaded_end = loaded_end.max(p.p_offset.saturating_add(p.p_filesz));
            }
        }
        let has_loads = segments.iter().any(|p| p.p_type == PT_LOAD);
        let mut sections = Vec::with_capacity(file.section_count());
        for s in file.sections() {
            let h = *s.header();
            let data = if s.index() == 0 { &[][..] } else { s.data()? };
            // Without segments (objects) nothing has an address to keep.
            // Section 0 holds extended counts, not a section.
            if s.index() != 0 && has_loads && h.is_alloc() && h.has_file_data() {
                // Empty sections count too: their offsets must stay in the
                // file. (NOBITS offsets need not: nothing is read there.)
                loaded_end = loaded_end.max(h.sh_offset.saturating_add(h.sh_size));
            }
            let name = if s.index() == 0 {
                &[][..]
            } else {
                s.name().unwrap_or(&[])
            };
            sections.push(RewriteSection {
                header: h,
                name: Cow::Borrowed(name),
                data: Cow::Borrowed(data),
                original_index: Some(s.index()),
                removed: false,
            });
        }
        loaded_end = loaded_end.min(input.len() as u64);
        Ok(Rewriter {
            input,
            encoding: enc,
            header: *file.header(),
            segments,
            sections,
            shstrndx: file.shstrndx() as usize,
            loaded_end,
            had_sections: file.section_count() > 0,
            has_loads,
            ext: extend::Extension::default(),
        })
    }

    /// The sections, by index (index 0 is the null section); removed ones
    /// are still listed until the file is written.
    pub fn sections(&self) -> &[RewriteSection<'a>] {
        &self.sections
    }

    /// Whether section `index` is loaded (kept at its offset and address).
    fn is_loaded(&self, index: usize) -> bool {
        let h = &self.sections[index].header;
        (self.has_loads && h.is_alloc())
            || (h.has_file_data()
                && h.sh_size > 0
                && h.sh_offset.saturating_add(h.sh_size) <= self.loaded_end
                && h.sh_offset < self.loaded_end
                && index != 0)
    }

    /// Sets the entry point.
    pub fn set_entry(&mut self, addr: u64) {
        self.header.e_entry = addr;
    }

    /// Removes section `index` (not a loaded one, nor the section-name table).
    pub fn remove_section(&mut self, index: usize) -> Result<()> {
        if index == 0
            || index >= self.sections.len()
            || index == self.shstrndx
            || self.is_loaded(index)
        {
            return Err(Error::new(
                "rewrite",
                0,
                Problem::BadValue {
                    field: "section to remove (null, loaded, the name table, or out of range)",
                    value: index as u64,
                },
            ));
        }
        self.sections[index].removed = true;
        Ok(())
    }

    /// Replaces the data of section `index`. A loaded section keeps its
    /// place, so its new data must be the same size.
    pub fn replace_section_data(
        &mut self,
        index: usize,
        data: impl Into<Cow<'a, [u8]>>,
    ) -> Result<()> {
        let data = data.into();
        if index == 0 || index >= self.sections.len() {
            return Err(Error::new(
                "rewrite",
                0,
                Problem::BadIndex {
                    field: "section",
                    index: index as u64,
                    count: self.sections.len() as u64,
                },
            ));
        }
        let loaded = self.is_loaded(index);
        let s = &mut self.sections[index];
        if loaded && data.len() as u64 != s.header.sh_size {
            return Err(Error::new(
                "rewrite",
                s.header.sh_offset,
                Problem::BadValue {
                    field: "size of new data for a loaded section (must not change)",
                    value: data.len() as u64,
                },
            )
            .at_index(index as u64));
        }
        if !s.header.has_file_data() {
            return Err(Error::new(
                "rewrite",
                0,
                Problem::BadValue {
                    field: "section (SHT_NOBITS has no data)",
                    value: index as u64,
                },
            ));
        }
        s.header.sh_size = data.len() as u64;
        s.data = data;
        Ok(())
    }

    /// Adds a section that is not loaded (debug information, notes for
    /// tools, …), returning its index.
    pub fn add_section(
        &mut self,
        name: impl Into<Cow<'a, [u8]>>,
        sh_type: u32,
        data: impl Into<Cow<'a, [u8]>>,
        align: u64,
    ) -> Result<usize> {
        let name = name.into();
        let data = data.into();
        if align > 1 && !align.is_power_of_two() {
            return Err(Error::new(
                "rewrite",
                0,
                Problem::BadValue {
                    field: "alignment (not a power of two)",
                    value: align,
                },
            ));
        }
        if self.sections.is_empty() || self.shstrndx == 0 || self.shstrndx >= self.sections.len() {
            return Err(Error::new(
                "rewrite",
                0,
                Problem::Missing("section-name string table to name the new section"),
            ));
        }
        // The name goes at the end of the section-name table.
        let names = &mut self.sections[self.shstrndx];
        let mut table = names.data.to_vec();
        let sh_name = table.len() as u32;
        table.extend_from_slice(&name);
        table.push(0);
        names.header.sh_size = table.len() as u64;
        names.data = Cow::Owned(table);
        let header = SectionHeader {
            sh_name,
            sh_type,
            sh_size: data.len() as u64,
            sh_addralign: align.max(1),
            ..SectionHeader::default()
        };
        self.sections.push(RewriteSection {
            header,
            name,
            data,
            original_index: None,
            removed: false,
        });
        Ok(self.sections.len() - 1)
    }

    /// Plans the output: kept sections and where the ones outside the
    /// loaded part go.
    pub fn plan(&self) -> Result<RewritePlan> {
        let word = self.encoding.address_size() as u64;
        let shentsize: u64 = if self.encoding.class == Class::Elf32 {
            40
        } else {
            64
        };
        let mut kept: Vec<usize> = (1..self.sections.len())
            .filter(|&i| !self.sections[i].removed)
            .collect();
        // Re-placed sections go in their original file order.
        let mut moved: Vec<usize> = kept
            .iter()
            .copied()
            .filter(|&i| !self.is_loaded(i))
            .collect();
        // Header order, not offset order: offsets change in the rewrite and
        // ties between empty sections would order differently next time.
        moved.sort_unstable();
        let mut headers: Vec<SectionHeader> = self.sections.iter().map(|s| s.header).collect();
        let extension = self.plan_extension()?;
        let mut off = extension.as_ref().map_or(self.loaded_end, |e| e.end);
        for &i in &moved {
            let h = &mut headers[i];
            let align = h.sh_addralign.max(1);
            if h.has_file_data() {
                off = align_up(off, align)?;
                h.sh_offset = off;
                off = off.checked_add(h.sh_size).ok_or_else(overflow)?;
            } else {
                h.sh_offset = off;
            }
        }
        // Sections the extension moved.
        if let Some(e) = &extension {
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
            let sizes: Vec<u64> = e
                .sections
                .iter()
                .map(|&(i, _, _)| self.sections[i].header.sh_size)
                .collect();
            for (&(i, addr, offset), size) in e.sections.iter().zip(sizes) {
                retarget(Some(i), Some((addr, offset, size)));
            }
        }
        // Renumber links to the kept sections' new indices.
        let mut new_index = alloc::vec![0u32; self.sections.len()];
        for (k, &i) in kept.iter().enumerate() {
            new_index[i] = k as u32 + 1;
        }
        let remap = |x: u32| -> u32 {
            match new_index.get(x as usize) {
                Some(&n) if x != 0 => n,
                _ => x,
            }
        };
        for &i in &kept {
            let h = &mut headers[i];
            h.sh_link = remap(h.sh_link);
            if h.sh_flags & SHF_INFO_LINK != 0 || matches!(h.sh_type, SHT_REL | SHT_RELA | SHT_CREL)
            {
                h.sh_info = remap(h.sh_info);
            }
        }
        if !self.had_sections && self.sections.len() <= 1 {
            kept.clear();
        }
        let table = (kept.len() as u64 + 1) * shentsize;
        let old = self.header.e_shoff;
        let old_size =
            u64::from(self.header.e_shnum.max(1)).max(self.sections.len() as u64) * shentsize;
        let (shoff, end) = if kept.is_empty() && !self.had_sections {
            (0, off)
        } else if old != 0
            && old.is_multiple_of(word)
            && table <= old_size
            && old.saturating_add(old_size) <= self.loaded_end
            && !kept.iter().any(|&i| {
                // A kept section's bytes there would be overwritten.
                let h = &headers[i];
                h.has_file_data()
                    && h.sh_size > 0
                    && h.sh_offset < old.saturating_add(old_size)
                    && old < h.sh_offset.saturating_add(h.sh_size)
            })
        {
            // The old table sits in the kept prefix (a segment covers it):
            // overwrite it there, or every rewrite would add another.
            (old, off)
        } else {
            let shoff = align_up(off, word)?;
            (shoff, shoff + table)
        };
        Ok(RewritePlan {
            sections: kept.iter().map(|&i| headers[i]).collect(),
            origins: kept
                .iter()
                .map(|&i| self.sections[i].original_index)
                .collect(),
            shoff,
            file_size: end,
            loaded_end: self.loaded_end,
            segments: extension
                .as_ref()
                .map_or_else(|| self.segments.clone(), |e| e.phdrs.clone()),
            extension,
        })
    }

    /// Writes the rewritten file.
    pub fn write(&self) -> Result<Vec<u8>> {
        let plan = self.plan()?;
        let enc = self.encoding;
        let size = usize::try_from(plan.file_size).map_err(|_| overflow())?;
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(&self.input[..plan.loaded_end as usize]);
        out.resize(size, 0);
        let kept: Vec<usize> = (1..self.sections.len())
            .filter(|&i| !self.sections[i].removed)
            .collect();
        let mut new_index = alloc::vec![0u32; self.sections.len()];
        for (k, &i) in kept.iter().enumerate() {
            new_index[i] = k as u32 + 1;
        }
        let renumbered = kept.iter().enumerate().any(|(k, &i)| k + 1 != i);
        for (k, &i) in kept.iter().enumerate() {
            let h = &plan.sections[k];
            if !h.has_file_data() {
                continue;
            }
            let s = &self.sections[i];
            let mut data: Cow<'_, [u8]> = Cow::Borrowed(&s.data);
            if renumbered {
                data = renumber(enc, s.header.sh_type, data, &new_index);
            }
            let at = h.sh_offset as usize;
            // Loaded sections already sit in the copied prefix; only
            // changed ones are written again.
            if self.is_loaded(i)
                && matches!(s.data, Cow::Borrowed(_))
                && matches!(data, Cow::Borrowed(_))
            {
                continue;
            }
            out.get_mut(at..at + data.len())
                .ok_or_else(overflow)?
                .copy_from_slice(&data);
        }
        if let Some(e) = &plan.extension {
            for (at, bytes) in &e.pieces {
                let at = *at as usize;
                out.get_mut(at..at + bytes.len())
                    .ok_or_else(overflow)?
                    .copy_from_slice(bytes);
            }
        }
        let mut header = self.header;
        header.e_shoff = plan.shoff;
        if let Some(e) = &plan.extension {
            header.e_phoff = e.offset;
            header.e_phnum = u16::try_from(e.phdrs.len()).map_err(|_| overflow())?;
        }
        let shnum = if plan.shoff == 0 {
            0
        } else {
            plan.sections.len() as u64 + 1
        };
        let shstrndx = new_index.get(self.shstrndx).copied().unwrap_or(0);
        let big = shnum >= u64::from(SHN_LORESERVE);
        header.e_shnum = if big { 0 } else { shnum as u16 };
        header.e_shstrndx = if shstrndx >= u32::from(SHN_LORESERVE) {
            SHN_XINDEX
        } else {
            shstrndx as u16
        };
        if shnum > 0 {
            header.e_shentsize = if enc.class == Class::Elf32 { 40 } else { 64 };
        }
        let mut ehdr = Vec::new();
        header.encode(enc, &mut ehdr);
        out[..ehdr.len()].copy_from_slice(&ehdr);
        if plan.shoff != 0 {
            let mut shdrs = Vec::new();
            let mut first = self.sections.first().map(|s| s.header).unwrap_or_default();
            first.sh_size = if big { shnum } else { 0 };
            first.sh_link = if header.e_shstrndx == SHN_XINDEX {
                shstrndx
            } else {
                0
            };
            first.encode(enc, &mut shdrs);
            for h in &plan.sections {
                h.encode(enc, &mut shdrs);
            }
            let at = plan.shoff as usize;
            out[at..at + shdrs.len()].copy_from_slice(&shdrs);
        }
        Ok(out)
    }
}

fn overflow() -> Error {
    Error::new(
        "rewrite",
        0,
        Problem::Overflow {
            field: "offset",
            start: 0,
            size: 0,
        },
    )
}

fn align_up(x: u64, a: u64) -> Result<u64> {
    x.checked_add(a - 1)
        .map(|v| v & !(a - 1))
        .ok_or_else(overflow)
}
