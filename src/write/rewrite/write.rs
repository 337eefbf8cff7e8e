//! Writing a planned rewrite: the kept prefix copied, changed and moved
//! sections and the extension's pieces written at their planned offsets,
//! then the file header and the new section header table.

use super::dynamic::retarget_dynamic_symbol;
use super::renumber::renumber;
use super::{RewritePlan, Rewriter, overflow};
use crate::raw::consts::*;
use crate::read::{Class, SectionHeader};
use crate::write::error::Result;
use crate::write::records::Encode;
use alloc::borrow::Cow;
use alloc::vec::Vec;

impl Rewriter<'_> {
    /// Plans and writes the rewritten file ([`plan`](Self::plan), then
    /// [`write_plan`](Self::write_plan)).
    ///
    /// # Errors
    ///
    /// As [`plan`](Self::plan).
    pub fn write(&self) -> Result<Vec<u8>> {
        self.write_plan(&self.plan()?)
    }

    /// Writes the file `plan` (this rewriter's [`plan`](Self::plan))
    /// describes.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::WrongPlan`](crate::write::ErrorKind::WrongPlan) when
    /// another rewriter made `plan`.
    pub fn write_plan(&self, plan: &RewritePlan<'_>) -> Result<Vec<u8>> {
        if !plan.is_from(self) {
            return Err(crate::write::Error::new(
                crate::write::Subject::Output,
                crate::write::ErrorKind::WrongPlan,
            ));
        }
        let enc = self.encoding;
        let size = usize::try_from(plan.file_size).map_err(|_| overflow())?;
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(&self.input[..plan.loaded_end as usize]);
        out.resize(size, 0);
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
                data = renumber(enc, s.header.sh_type, data, &new_index);
            }
            if let Some(moved) = moved_dynamic {
                let strings = self.sections.get(s.header.sh_link as usize);
                let strings = strings.map_or(&[][..], |t| t.data());
                data = retarget_dynamic_symbol(enc, s.header.sh_type, data, strings, moved);
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
        let (e_shnum, e_shstrndx) = self.count_fields(shnum);
        header.e_shnum = e_shnum;
        header.e_shstrndx = e_shstrndx;
        if shnum > 0 {
            header.e_shentsize = if enc.class == Class::Elf32 { 40 } else { 64 };
        }
        let mut ehdr = Vec::new();
        header.encode(enc, &mut ehdr);
        out[..ehdr.len()].copy_from_slice(&ehdr);
        if plan.shoff != 0 {
            let shdrs = self.table_bytes(&plan.sections);
            let at = plan.shoff as usize;
            out[at..at + shdrs.len()].copy_from_slice(&shdrs);
        }
        Ok(out)
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
