//! Program headers (segments).

use super::encoding::decode_both;
use crate::raw::consts::{PF_R, PF_W, PF_X};
use crate::raw::{Phdr32, Phdr64};

/// A program header with native integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct ProgramHeader {
    pub p_type: u32,
    pub p_flags: u32,
    pub p_offset: u64,
    pub p_vaddr: u64,
    pub p_paddr: u64,
    pub p_filesz: u64,
    pub p_memsz: u64,
    pub p_align: u64,
}

decode_both!(ProgramHeader, Phdr32, Phdr64, |r| ProgramHeader {
    p_type: r.p_type.get(),
    p_flags: r.p_flags.get(),
    p_offset: u64::from(r.p_offset.get()),
    p_vaddr: u64::from(r.p_vaddr.get()),
    p_paddr: u64::from(r.p_paddr.get()),
    p_filesz: u64::from(r.p_filesz.get()),
    p_memsz: u64::from(r.p_memsz.get()),
    p_align: u64::from(r.p_align.get()),
});

impl ProgramHeader {
    /// Readable.
    pub fn is_read(&self) -> bool {
        self.p_flags & PF_R != 0
    }
    /// Writable.
    pub fn is_write(&self) -> bool {
        self.p_flags & PF_W != 0
    }
    /// Executable.
    pub fn is_execute(&self) -> bool {
        self.p_flags & PF_X != 0
    }

    /// Whether the virtual address `addr` lies in the segment's memory image.
    pub fn contains_vaddr(&self, addr: u64) -> bool {
        addr.checked_sub(self.p_vaddr)
            .is_some_and(|delta| delta < self.p_memsz)
    }

    /// The file offset holding the byte at `addr`, if that byte comes from
    /// the file (not from the zero-filled tail past `p_filesz`).
    pub fn vaddr_to_offset(&self, addr: u64) -> Option<u64> {
        self.vaddr_to_file_range(addr).map(|(offset, _)| offset)
    }

    /// The file offset holding the byte at `addr` and the number of file
    /// bytes from there to the end of the segment's file image.
    pub(crate) fn vaddr_to_file_range(&self, addr: u64) -> Option<(u64, u64)> {
        let delta = addr.checked_sub(self.p_vaddr)?;
        let rest = self.p_filesz.checked_sub(delta).filter(|&n| n != 0)?;
        Some((self.p_offset.checked_add(delta)?, rest))
    }

    /// The virtual address where the byte at file offset `offset` is loaded.
    pub fn offset_to_vaddr(&self, offset: u64) -> Option<u64> {
        let delta = offset.checked_sub(self.p_offset)?;
        if delta < self.p_filesz {
            self.p_vaddr.checked_add(delta)
        } else {
            None
        }
    }
}
