//! Section groups (`SHT_GROUP`) losing members: a section that goes is
//! taken out of the groups that list it, and a group left with no member
//! goes too, as `strip --strip-debug` does with the `.debug_macro` groups
//! of a `gcc -g3` object. Left in, its old index would name whichever
//! section takes that number in the output, or none.

use super::Rewriter;
use crate::raw::consts::*;
use crate::read::Table;
use crate::write::error::{Error, Result};
use alloc::borrow::Cow;
use alloc::vec::Vec;

impl Rewriter<'_> {
    /// Takes the sections `gone` marks out of every group that lists them,
    /// and marks `gone` each group left empty. Nothing changes on an error
    /// (a group in the kept part of the file would have to shrink).
    pub(super) fn leave_groups(&mut self, gone: &mut [bool]) -> Result<()> {
        let enc = self.encoding;
        let mut shrunk: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut emptied: Vec<usize> = Vec::new();
        for (i, s) in self.sections.iter().enumerate() {
            if s.header.sh_type != SHT_GROUP || s.removed || gone[i] {
                continue;
            }
            let words = Table::<u32>::new(enc, &s.data);
            let lost = |w: u32| gone.get(w as usize).copied().unwrap_or(false);
            if !words.iter().skip(1).any(lost) {
                continue;
            }
            if words.iter().skip(1).all(lost) {
                emptied.push(i);
                continue;
            }
            if self.is_loaded(i) {
                return Err(Error::invalid(
                    self.section_subject(i),
                    "group in the kept part of the file (cannot lose a member)",
                    i as u64,
                ));
            }
            let mut data = Vec::with_capacity(s.data.len());
            for (k, w) in words.iter().enumerate() {
                if k == 0 || !lost(w) {
                    crate::write::records::push_u32(enc, &mut data, w);
                }
            }
            shrunk.push((i, data));
        }
        for i in emptied {
            gone[i] = true;
        }
        for (i, data) in shrunk {
            let s = &mut self.sections[i];
            s.header.sh_size = data.len() as u64;
            s.data = Cow::Owned(data);
        }
        Ok(())
    }
}
