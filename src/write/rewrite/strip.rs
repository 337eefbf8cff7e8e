//! Stripping: dropping what is not needed at run time.

use super::{Rewriter, is_debug};
use crate::raw::consts::*;
use alloc::vec::Vec;

impl Rewriter<'_> {
    /// Removes what is not needed at run time: debug sections (and their
    /// relocation sections) and, except in relocatable objects, `.symtab`
    /// with its string table; and section groups left with no member (the
    /// `.debug_macro` groups of `gcc -g3`). Returns how many sections went.
    pub fn strip(&mut self) -> usize {
        let rel = self.header.e_type == ET_REL;
        let n = self.sections.len();
        let mut gone: Vec<bool> = (0..n)
            .map(|i| {
                let s = &self.sections[i];
                i != 0
                    && !self.is_loaded(i)
                    && i != self.shstrndx
                    && (is_debug(&s.name) || (!rel && s.header.sh_type == SHT_SYMTAB))
            })
            .collect();
        // Relocations for removed sections, the symtab's strings and index.
        for i in 1..n {
            let h = self.sections[i].header;
            let target = h.sh_info as usize;
            let link = h.sh_link as usize;
            if !self.is_loaded(i)
                && matches!(h.sh_type, SHT_REL | SHT_RELA | SHT_CREL)
                && target < n
                && gone[target]
            {
                gone[i] = true;
            }
            if h.sh_type == SHT_SYMTAB_SHNDX && link < n && gone[link] {
                gone[i] = true;
            }
        }
        for i in 1..n {
            if gone[i] && self.sections[i].header.sh_type == SHT_SYMTAB {
                let l = self.sections[i].header.sh_link as usize;
                let used = (1..n)
                    .any(|k| !gone[k] && k != i && self.sections[k].header.sh_link as usize == l);
                if l < n && l != self.shstrndx && !used && !self.is_loaded(l) {
                    gone[l] = true;
                }
            }
        }
        // A group cannot lose members only when it lies in the kept part
        // of a file with segments, which no linker makes: keep them all.
        let before = gone.clone();
        if self.leave_groups(&mut gone).is_err() {
            gone = before;
            for (g, s) in gone.iter_mut().zip(&self.sections) {
                *g &= s.header.sh_flags & SHF_GROUP == 0;
            }
        }
        let mut count = 0;
        for (s, g) in self.sections.iter_mut().zip(gone) {
            if g && !s.removed {
                s.removed = true;
                count += 1;
            }
        }
        count
    }
}
