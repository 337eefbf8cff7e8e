//! Planning a rewrite: which sections stay, where the others and the new
//! section header table go, and the bound on the output's size.

use super::{RewritePlan, Rewriter, align_up, overflow};
use crate::error::{Error, Result, Structure};
use crate::raw::consts::*;
use crate::read::{Class, SectionHeader};
use alloc::vec::Vec;

/// The largest file alignment a re-placed section gets (a smaller
/// `sh_addralign` is honoured; the header keeps its own value).
///
/// Sections outside the kept part have no address, so their alignment
/// only matters to readers that use the bytes in place: records need at
/// most a word (symbols, relocations, compression headers), notes 4 or 8.
/// No unloaded section of the ELF files in a Debian /usr asks for more
/// than 32.
/// Honouring any alignment let a file of a few KiB plan gigabytes of
/// padding; with this cap a section costs at most 63 bytes of it.
pub const REPLACED_ALIGN_MAX: u64 = 64;

impl Rewriter<'_> {
    /// Plans the output: kept sections and where the ones outside the
    /// loaded part go.
    ///
    /// The output is at most the input's length, plus the bytes the caller
    /// gave (new or replaced section data, new names), plus
    /// [`REPLACED_ALIGN_MAX`] bytes of padding per re-placed section, plus
    /// the new section header table and, when the file grows, the new
    /// segment with the padding before it (at most 64 MiB). A plan over
    /// that is refused with [`Problem::TooLarge`](crate::Problem::TooLarge) before anything is
    /// allocated. (Nothing is copied twice: sections that start in the
    /// kept part stay there, and re-placed ones whose bytes overlap move
    /// together.)
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
        if !self.had_sections && self.sections.len() <= 1 {
            kept.clear();
        }
        let moved: Vec<usize> = kept
            .iter()
            .copied()
            .filter(|&i| !self.keeps_offset(i))
            .collect();
        let extension = self.plan_extension()?;
        let base = extension.as_ref().map_or(self.loaded_end, |e| e.end);
        let table = (kept.len() as u64 + 1) * shentsize;
        let old = self.header.e_shoff;
        // The old table, if it starts in the kept prefix, may be written
        // over (see `table_fits_in_place`); the part of it past the prefix
        // then comes before the re-placed sections.
        let mut placed = None;
        if !kept.is_empty() || self.had_sections {
            if self.table_may_go_in_place(table, extension.is_some()) {
                let start = base.max(old + table);
                let (headers, end) =
                    self.place_sections(&kept, &moved, start, extension.as_ref())?;
                if self.table_fits_in_place(&headers, &kept, extension.as_ref()) {
                    placed = Some((headers, old, end.max(old + table)));
                }
            }
        } else {
            let (headers, end) = self.place_sections(&kept, &moved, base, extension.as_ref())?;
            placed = Some((headers, 0, end));
        }
        let (headers, shoff, end) = match placed {
            Some(p) => p,
            None => {
                let (headers, end) =
                    self.place_sections(&kept, &moved, base, extension.as_ref())?;
                let shoff = align_up(end, word)?;
                (
                    headers,
                    shoff,
                    shoff.checked_add(table).ok_or_else(overflow)?,
                )
            }
        };
        let limit = self.size_limit(moved.len() as u64, table, word, extension.as_ref());
        if end > limit {
            return Err(Error::too_large(Structure::Rewrite, 0, end));
        }
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

    /// The output's section headers (by input index) with the re-placed
    /// sections from `start` on, the extension's sections at their new
    /// places and links renumbered; and the end of the last re-placed one.
    fn place_sections(
        &self,
        kept: &[usize],
        moved: &[usize],
        start: u64,
        extension: Option<&super::extend_plan::ExtensionPlan>,
    ) -> Result<(Vec<SectionHeader>, u64)> {
        let mut headers: Vec<SectionHeader> = self.sections.iter().map(|s| s.header).collect();
        let mut off = start;
        for unit in self.placement_units(moved) {
            off = self.place_unit(&unit, off, &mut headers)?;
        }
        if let Some(e) = extension {
            self.retarget_extended(e, &mut headers);
        }
        // Renumber links to the kept sections' new indices.
        let (_, new_index) = self.numbering();
        let remap = |x: u32| -> u32 {
            match new_index.get(x as usize) {
                Some(&n) if x != 0 => n,
                _ => x,
            }
        };
        for &i in kept {
            let h = &mut headers[i];
            h.sh_link = remap(h.sh_link);
            if h.sh_flags & SHF_INFO_LINK != 0 || matches!(h.sh_type, SHT_REL | SHT_RELA | SHT_CREL)
            {
                h.sh_info = remap(h.sh_info);
            }
        }
        Ok((headers, off))
    }

    /// Whether a new table of `size` bytes could go where the old one is:
    /// it starts in the kept prefix, clear of the file header, aligned, with
    /// room. (Past the prefix only when the file does not grow: the new
    /// segment goes there.)
    fn table_may_go_in_place(&self, size: u64, grows: bool) -> bool {
        let enc = self.encoding;
        let (ehsize, shentsize) = if enc.class == Class::Elf32 {
            (52, 40)
        } else {
            (64, 64)
        };
        let old = self.header.e_shoff;
        let old_size = (self.sections.len() as u64).max(1) * shentsize;
        old >= ehsize
            && old.is_multiple_of(enc.address_size() as u64)
            && size <= old_size
            && old < self.loaded_end
            && (!grows || old.saturating_add(size) <= self.loaded_end)
            && old.saturating_add(size) <= self.input.len() as u64
    }

    /// Whether section `index` stays at its offset: loaded ones, and ones
    /// without bytes in the file (empty or NOBITS) whose offset is inside
    /// the kept prefix (moving them would tie their place to the output's
    /// length, which a segment running past the end of the file makes the
    /// kept prefix).
    fn keeps_offset(&self, index: usize) -> bool {
        let h = &self.sections[index].header;
        self.is_loaded(index)
            || ((!h.has_file_data() || h.sh_size == 0) && h.sh_offset <= self.loaded_end)
    }

    /// The re-placed sections in the order and groups they are placed in:
    /// sections whose input bytes overlap move together, keeping their
    /// relative offsets (a copy each would multiply the output, and the
    /// reader sees the same bytes either way); each group in the header
    /// order of its first section (not in offset order: offsets change in
    /// the rewrite, and ties between empty sections would order differently
    /// next time).
    fn placement_units(&self, moved: &[usize]) -> Vec<Vec<usize>> {
        let shares = |i: usize| {
            let s = &self.sections[i];
            s.header.has_file_data() && s.header.sh_size > 0 && !s.is_owned()
        };
        let mut spans: Vec<(u64, u64, usize)> = moved
            .iter()
            .filter(|&&i| shares(i))
            .map(|&i| {
                let h = &self.sections[i].header;
                (h.sh_offset, h.sh_offset.saturating_add(h.sh_size), i)
            })
            .collect();
        spans.sort_unstable();
        let mut units: Vec<Vec<usize>> = Vec::new();
        let mut end = 0;
        for (start, stop, i) in spans {
            match units.last_mut() {
                Some(unit) if start < end => {
                    unit.push(i);
                    end = end.max(stop);
                }
                _ => {
                    units.push(alloc::vec![i]);
                    end = stop;
                }
            }
        }
        units.extend(
            moved
                .iter()
                .filter(|&&i| !shares(i))
                .map(|&i| alloc::vec![i]),
        );
        for unit in &mut units {
            unit.sort_unstable();
        }
        units.sort_unstable_by_key(|unit| unit[0]);
        units
    }

    /// Places one group of sections at or after `off`, returning the end.
    /// The group starts at the alignment of the section(s) at its start.
    fn place_unit(&self, unit: &[usize], off: u64, headers: &mut [SectionHeader]) -> Result<u64> {
        let old = |i: usize| self.sections[i].header;
        let base = unit.iter().map(|&i| old(i).sh_offset).min().unwrap_or(0);
        if let [i] = unit {
            if !old(*i).has_file_data() {
                headers[*i].sh_offset = off;
                return Ok(off);
            }
        }
        let align = unit
            .iter()
            .filter(|&&i| old(i).sh_offset == base)
            .map(|&i| replaced_align(old(i).sh_addralign))
            .max()
            .unwrap_or(1);
        let at = align_up(off, align)?;
        let mut end = at;
        for &i in unit {
            let h = &mut headers[i];
            h.sh_offset = at + (old(i).sh_offset - base);
            end = end.max(h.sh_offset.checked_add(h.sh_size).ok_or_else(overflow)?);
        }
        Ok(end)
    }

    /// Whether the new section header table for `kept`, where the old one
    /// starts in the kept prefix, changes no byte of what is kept there —
    /// the program headers, a segment's bytes, a kept section. (Rewriting
    /// a table that reads the same is no change: a segment that runs past
    /// the end of the file covers every table a rewrite could add, and
    /// only writing in place keeps such a rewrite from growing the file
    /// each time.) Elsewhere, or else, the table goes at the end.
    fn table_fits_in_place(
        &self,
        headers: &[SectionHeader],
        kept: &[usize],
        extension: Option<&super::extend_plan::ExtensionPlan>,
    ) -> bool {
        let phentsize = if self.encoding.class == Class::Elf32 {
            32
        } else {
            56
        };
        let old = self.header.e_shoff;
        let table: Vec<SectionHeader> = kept.iter().map(|&i| headers[i]).collect();
        let new = self.table_bytes(&table);
        let size = new.len() as u64;
        let Some(was) = self.input.get(old as usize..old as usize + new.len()) else {
            return false;
        };
        // Whether the bytes of `start..start + len` that the table covers
        // stay as they are.
        let same = |start: u64, len: u64| {
            let from = start.max(old) - old;
            let to = start
                .saturating_add(len)
                .min(old + size)
                .saturating_sub(old);
            from >= to || new[from as usize..to as usize] == was[from as usize..to as usize]
        };
        // What the rewrite writes there itself (the extension's pieces, a
        // section's new data) is not the input's, and must not be overwritten.
        let clear = |start: u64, len: u64| {
            len == 0 || start.saturating_add(len) <= old || start >= old + size
        };
        let pieces = extension.map_or(&[][..], |e| &e.pieces[..]);
        if !pieces.iter().all(|(at, b)| clear(*at, b.len() as u64))
            || !kept.iter().all(|&i| {
                let h = &headers[i];
                !self.sections[i].is_owned() || !h.has_file_data() || clear(h.sh_offset, h.sh_size)
            })
        {
            return false;
        }
        let phdrs = self.segments.len() as u64 * phentsize;
        same(self.header.e_phoff, phdrs)
            && self.segments.iter().all(|p| same(p.p_offset, p.p_filesz))
            && kept.iter().all(|&i| {
                let h = &headers[i];
                !h.has_file_data() || same(h.sh_offset, h.sh_size)
            })
    }

    /// The most a plan may take; see [`Rewriter::plan`].
    fn size_limit(
        &self,
        moved: u64,
        table: u64,
        word: u64,
        extension: Option<&super::extend_plan::ExtensionPlan>,
    ) -> u64 {
        let given: u64 = self
            .sections
            .iter()
            .filter(|s| !s.removed && s.is_owned())
            .map(|s| s.data().len() as u64)
            .sum();
        let grown = extension.map_or(0, |e| e.end.saturating_sub(self.loaded_end));
        (self.input.len() as u64)
            .saturating_add(given)
            .saturating_add(moved.saturating_mul(REPLACED_ALIGN_MAX))
            .saturating_add(table)
            .saturating_add(word)
            .saturating_add(grown)
    }
}

/// The file alignment of a re-placed section: its own, up to
/// [`REPLACED_ALIGN_MAX`] (an invalid one, not a power of two, gets none).
fn replaced_align(sh_addralign: u64) -> u64 {
    if sh_addralign.is_power_of_two() {
        sh_addralign.min(REPLACED_ALIGN_MAX)
    } else {
        1
    }
}
