//! Read-modify-write of any parsed file.
//!
//! The loaded part of the file (everything any segment covers, the file
//! and program headers, every allocated section, and any section that
//! starts inside that) is kept byte for byte at its offsets and addresses,
//! so what ran before runs the same; sections outside it are laid out again
//! after it, in their original order (sections whose bytes overlap move
//! together), aligned to at most [`REPLACED_ALIGN_MAX`], followed by a new
//! section header table. The table is written over the old one instead when
//! that starts in the kept part and the new one changes nothing kept there.
//! Section types elfin does not understand are carried as opaque bytes, and
//! odd values (a symbol whose section index is out of range) pass through
//! unchanged. [`Rewriter::plan`] says how large the output may get.
//!
//! An executable or shared object can also grow: a longer interpreter,
//! changed or added `DT_NEEDED`, `DT_SONAME`, `DT_RUNPATH` (through a moved
//! `.dynstr`, and a `.dynamic` moved to a writable segment when its spare
//! slots run out), and added segments, all in new `PT_LOAD`s after the
//! old ones ([`Rewriter::add_needed`], [`Rewriter::set_runpath`], …).

mod dynamic;
mod extend;
mod extend_plan;
mod groups;
mod place;
pub use place::REPLACED_ALIGN_MAX;
mod renumber;
mod stream;
mod strip;
mod write;
pub use stream::{Piece, RewriteOutput};

use crate::raw::consts::*;
use crate::read::{Class, ElfFile, Encoding, FileHeader, ProgramHeader, SectionHeader};
use crate::write::error::{Error, ErrorKind, Result, Subject, name_of};
use alloc::borrow::Cow;
use alloc::vec::Vec;

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
    /// Whether `data` is the caller's (replaced or added), whatever the
    /// `Cow` variant: a caller may lend bytes that are not the input's.
    changed: bool,
}

impl<'a> RewriteSection<'a> {
    /// The section's bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Whether the bytes are the caller's (new or replaced) or made here,
    /// not the input's.
    fn is_owned(&self) -> bool {
        self.changed || matches!(self.data, Cow::Owned(_))
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

/// Where each kept section goes in the output: what
/// [`Rewriter::write_plan`] writes.
///
/// A plan is read, not edited: it borrows the [`Rewriter`] that made it
/// (which cannot change while the plan lives), and `write_plan` refuses a
/// plan that another rewriter made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewritePlan<'r> {
    sections: Vec<SectionHeader>,
    origins: Vec<Option<usize>>,
    shoff: u64,
    file_size: u64,
    loaded_end: u64,
    segments: Vec<ProgramHeader>,
    extension: Option<extend_plan::ExtensionPlan>,
    rewriter: usize,
    _rewriter: core::marker::PhantomData<&'r ()>,
}

impl RewritePlan<'_> {
    /// The output's section headers after the null one, in order.
    pub fn sections(&self) -> &[SectionHeader] {
        &self.sections
    }

    /// The input index of each output section (`None` for added ones).
    pub fn origins(&self) -> &[Option<usize>] {
        &self.origins
    }

    /// The offset of the section header table (0 when there is none).
    pub fn shoff(&self) -> u64 {
        self.shoff
    }

    /// The size of the output.
    pub fn file_size(&self) -> u64 {
        self.file_size
    }

    /// The bytes kept verbatim from the input: `0..loaded_end`.
    pub fn loaded_end(&self) -> u64 {
        self.loaded_end
    }

    /// The program headers of the output.
    pub fn segments(&self) -> &[ProgramHeader] {
        &self.segments
    }

    /// Whether `rewriter` made this plan.
    pub(crate) fn is_from(&self, rewriter: &Rewriter<'_>) -> bool {
        self.rewriter == rewriter as *const Rewriter<'_> as usize
    }
}

pub(super) fn is_debug(name: &[u8]) -> bool {
    name.starts_with(b".debug")
        || name.starts_with(b".zdebug")
        || name.starts_with(b".gnu.debuglto_")
}

impl<'a> Rewriter<'a> {
    /// Opens `file` for rewriting; fails if a section's data is not in the
    /// file, or if its program or section header table is unusable.
    pub fn new(file: &ElfFile<'a>) -> Result<Self> {
        // A table the reader could not use would be dropped, not kept.
        if let Some(e) = file.segments_error().or_else(|| file.sections_error()) {
            return Err(e.into());
        }
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
            // An empty segment's start counts too: a reader takes its
            // (empty) bytes from there, which must stay in the file (a
            // split debug file's PT_DYNAMIC has p_filesz 0). One past the
            // input's end is capped below.
            loaded_end = loaded_end.max(p.p_offset.saturating_add(p.p_filesz));
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
                changed: false,
            });
        }
        loaded_end = loaded_end.min(input.len() as u64);
        // A section whose bytes start in the kept part stays whole there:
        // moved, it would need a copy of what is kept anyway, and its
        // offset would change for no reason. (In offset order, one pass
        // takes in the sections that start in what an earlier one added.)
        let mut spans: Vec<(u64, u64)> = sections
            .iter()
            .skip(1)
            .map(|s| s.header)
            .filter(|h| h.has_file_data() && h.sh_size > 0)
            .map(|h| (h.sh_offset, h.sh_offset.saturating_add(h.sh_size)))
            .collect();
        spans.sort_unstable();
        for (start, end) in spans {
            if start < loaded_end {
                loaded_end = loaded_end.max(end.min(input.len() as u64));
            }
        }
        Ok(Rewriter {
            input,
            encoding: enc,
            header: file.header(),
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

    /// Section `index` of the file, for an error.
    fn section_subject(&self, index: usize) -> Subject {
        Subject::Section {
            index,
            name: self
                .sections
                .get(index)
                .map_or_else(alloc::string::String::new, |s| name_of(&s.name)),
        }
    }

    /// Whether section `index` is loaded (kept at its offset and address).
    fn is_loaded(&self, index: usize) -> bool {
        let s = &self.sections[index];
        if s.original_index.is_none() {
            // Added: its bytes are the caller's, placed after the kept part.
            return false;
        }
        let h = &s.header;
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

    /// Removes section `index` (not a loaded one, nor the section-name
    /// table), taking it out of any section group that lists it; a group
    /// left with no member goes too.
    pub fn remove_section(&mut self, index: usize) -> Result<()> {
        if index == 0
            || index >= self.sections.len()
            || index == self.shstrndx
            || self.is_loaded(index)
        {
            return Err(Error::invalid(
                self.section_subject(index),
                "section to remove (null, loaded, the name table, or out of range)",
                index as u64,
            ));
        }
        let mut gone: Vec<bool> = self.sections.iter().map(|s| s.removed).collect();
        gone[index] = true;
        self.leave_groups(&mut gone)?;
        for (s, g) in self.sections.iter_mut().zip(gone) {
            s.removed |= g;
        }
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
            return Err(Error::invalid(
                self.section_subject(index),
                "section (null or out of range)",
                index as u64,
            ));
        }
        let loaded = self.is_loaded(index);
        let s = &mut self.sections[index];
        if loaded && data.len() as u64 != s.header.sh_size {
            return Err(Error::invalid(
                self.section_subject(index),
                "size of new data for a loaded section (must not change)",
                data.len() as u64,
            ));
        }
        if !s.header.has_file_data() {
            return Err(Error::invalid(
                self.section_subject(index),
                "section (SHT_NOBITS has no data)",
                index as u64,
            ));
        }
        s.header.sh_size = data.len() as u64;
        s.data = data;
        s.changed = true;
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
            return Err(Error::invalid(
                Subject::Section {
                    index: self.sections.len(),
                    name: name_of(&name),
                },
                "alignment (not a power of two)",
                align,
            ));
        }
        if self.sections.is_empty() || self.shstrndx == 0 || self.shstrndx >= self.sections.len() {
            return Err(Error::new(
                Subject::Rewrite,
                ErrorKind::Missing("section-name string table to name the new section"),
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
            changed: true,
        });
        Ok(self.sections.len() - 1)
    }
}

pub(super) fn overflow() -> Error {
    Error::new(Subject::Rewrite, ErrorKind::Overflow("offset"))
}

pub(super) fn align_up(x: u64, a: u64) -> Result<u64> {
    x.checked_add(a - 1)
        .map(|v| v & !(a - 1))
        .ok_or_else(overflow)
}
