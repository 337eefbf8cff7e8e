//! Writing a planned rewrite: the kept prefix copied, changed and moved
//! sections and the extension's pieces written at their planned offsets,
//! then the file header and the new section header table.

use super::dynamic::retarget_dynamic_symbol;
use super::renumber::renumber;
use super::stream::RewriteOutput;
use super::{RewritePlan, Rewriter, overflow};
use crate::raw::consts::*;
use crate::read::{Class, SectionHeader};
use crate::write::error::{Error, ErrorKind, Result, Subject};
use crate::write::records::Encode;
use alloc::borrow::Cow;
use alloc::vec::Vec;

impl<'a> Rewriter<'a> {
    /// Writes the rewritten file into a `Vec`.
    ///
    /// The same bytes as [`Rewriter::write_to`], built in memory.
    ///
    /// # Errors
    ///
    /// When the plan fails (see [`Rewriter::plan`]).
    pub fn write(&self) -> Result<Vec<u8>> {
        Ok(self.output()?.to_vec())
    }

    /// Writes the file `plan` describes into a `Vec`: the plan this
    /// rewriter's [`plan`](Self::plan) showed, and nothing planned again.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::WrongPlan`] when another rewriter made `plan`.
    pub fn write_plan(&self, plan: RewritePlan<'_>) -> Result<Vec<u8>> {
        Ok(self.output_of(plan)?.to_vec())
    }

    /// Plans the output and gathers what goes where: the kept prefix of
    /// the input, then every changed or moved piece, in the order that
    /// settles overlaps (a later piece wins where two cover the same byte).
    /// [`RewriteOutput::pieces`] lists the result in file order, for a
    /// writer that copies the input ranges its own way (the `elfin` tool
    /// uses `copy_file_range`).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use elfin::write::{Piece, Rewriter};
    /// let bytes = std::fs::read(std::env::current_exe()?)?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let rewriter = Rewriter::new(&file)?;
    /// let output = rewriter.output()?;
    /// let mut copied = 0;
    /// for piece in output.pieces() {
    ///     if let Piece::Input { len, .. } = piece {
    ///         copied += len;
    ///     }
    /// }
    /// // A rewrite without changes is nearly all input ranges.
    /// assert!(copied > output.len() / 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// When the plan fails (see [`Rewriter::plan`]).
    pub fn output(&self) -> Result<RewriteOutput<'_>> {
        self.output_of(self.plan()?)
    }

    /// What goes where in the file `plan` (this rewriter's
    /// [`plan`](Self::plan)) describes, as [`output`](Self::output).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::WrongPlan`] when another rewriter made `plan`.
    pub fn output_of(&self, plan: RewritePlan<'_>) -> Result<RewriteOutput<'_>> {
        if !plan.is_from(self) {
            return Err(Error::new(Subject::Output, ErrorKind::WrongPlan));
        }
        let mut plan = plan;
        let enc = self.encoding;
        let size = plan.file_size;
        usize::try_from(size).map_err(|_| overflow())?;
        let mut patches: Vec<(u64, Cow<'_, [u8]>)> = Vec::new();
        let (kept, new_index) = self.numbering();
        let renumbered = kept.iter().enumerate().any(|(k, &i)| k + 1 != i);
        // `.dynamic`'s old and new address, when the extension moved it.
        let moved_dynamic = match plan.extension.as_ref().and_then(|e| e.dynamic) {
            Some((new, _, _)) => Some((self.dynamic_segment()?.p_vaddr, new)),
            None => None,
        };
        for (k, &i) in kept.iter().enumerate() {
            let h = &plan.sections[k];
            if !h.has_file_data() {
                continue;
            }
            let s = &self.sections[i];
            let mut data: Cow<'_, [u8]> = Cow::Borrowed(&s.data);
            if renumbered {
                // The symbol table's extended indices, renumbered alike.
                let extended = self.sections.iter().find(|x| {
                    x.header.sh_type == SHT_SYMTAB_SHNDX
                        && !x.removed
                        && x.header.sh_link as usize == i
                });
                let extended = extended.map(|x| x.data());
                data = renumber(enc, s.header.sh_type, data, &new_index, extended);
            }
            if let Some(moved) = moved_dynamic {
                let strings = self.sections.get(s.header.sh_link as usize);
                let strings = strings.map_or(&[][..], |t| t.data());
                data = retarget_dynamic_symbol(enc, s.header.sh_type, data, strings, moved);
            }
            // Loaded sections already sit in the copied prefix; only
            // changed ones are written again.
            if self.is_loaded(i) && !s.is_owned() && matches!(data, Cow::Borrowed(_)) {
                continue;
            }
            patches.push((h.sh_offset, data));
        }
        if let Some(e) = &mut plan.extension {
            for (at, bytes) in core::mem::take(&mut e.pieces) {
                patches.push((at, Cow::Owned(bytes)));
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
        let (e_shnum, e_shstrndx) = self.count_fields(shnum);
        header.e_shnum = e_shnum;
        header.e_shstrndx = e_shstrndx;
        if shnum > 0 {
            header.e_shentsize = if enc.class == Class::Elf32 { 40 } else { 64 };
        }
        let mut ehdr = Vec::new();
        header.encode(enc, &mut ehdr);
        patches.push((0, Cow::Owned(ehdr)));
        if plan.shoff != 0 {
            patches.push((plan.shoff, Cow::Owned(self.table_bytes(&plan.sections))));
        }
        RewriteOutput::new(self.input, plan.loaded_end, size, patches)
    }

    /// The sections that stay (input indices, in order) and each input
    /// index's new one (0 for a removed section).
    pub(super) fn numbering(&self) -> (Vec<usize>, Vec<u32>) {
        let kept: Vec<usize> = (1..self.sections.len())
            .filter(|&i| !self.sections[i].removed)
            .collect();
        let mut new_index = alloc::vec![0u32; self.sections.len()];
        for (k, &i) in kept.iter().enumerate() {
            new_index[i] = k as u32 + 1;
        }
        (kept, new_index)
    }

    /// `e_shnum` and `e_shstrndx` for a table of `shnum` entries (0 and
    /// `SHN_XINDEX` when the real values go in section 0).
    fn count_fields(&self, shnum: u64) -> (u16, u16) {
        let shstrndx = self.new_shstrndx();
        let e_shnum = if shnum >= u64::from(SHN_LORESERVE) {
            0
        } else {
            shnum as u16
        };
        let e_shstrndx = if shstrndx >= u32::from(SHN_LORESERVE) {
            SHN_XINDEX
        } else {
            shstrndx as u16
        };
        (e_shnum, e_shstrndx)
    }

    /// The section-name table's index in the output (0 if it went).
    fn new_shstrndx(&self) -> u32 {
        let (_, new_index) = self.numbering();
        new_index.get(self.shstrndx).copied().unwrap_or(0)
    }

    /// The new section header table: section 0, holding the counts that do
    /// not fit in the file header, then `sections`.
    pub(super) fn table_bytes(&self, sections: &[SectionHeader]) -> Vec<u8> {
        let enc = self.encoding;
        let shnum = sections.len() as u64 + 1;
        let (e_shnum, e_shstrndx) = self.count_fields(shnum);
        let mut first = self.sections.first().map(|s| s.header).unwrap_or_default();
        first.sh_size = if e_shnum == 0 { shnum } else { 0 };
        first.sh_link = if e_shstrndx == SHN_XINDEX {
            self.new_shstrndx()
        } else {
            0
        };
        let mut shdrs = Vec::new();
        first.encode(enc, &mut shdrs);
        for h in sections {
            h.encode(enc, &mut shdrs);
        }
        shdrs
    }
}
