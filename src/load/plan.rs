//! Checking an image's program headers and deciding how to map it: the
//! refusals, the address range, and whether the file maps as one piece.

use super::error::{Error, Result};
use super::memory::Prot;
use crate::raw::consts::*;
use crate::read::{ElfFile, ProgramHeader};
use alloc::vec::Vec;

/// What the caller allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Map segments that are both writable and executable (refused by
    /// default).
    pub allow_write_exec: bool,
    /// Apply `R_*_IRELATIVE` relocations by calling the resolver functions
    /// in the image while it loads (refused by default: it runs the
    /// image's code).
    pub allow_irelative: bool,
}

/// One `PT_LOAD` to map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SegmentPlan {
    /// The program header index.
    pub index: usize,
    pub vaddr: u64,
    pub memsz: u64,
    pub offset: u64,
    pub filesz: u64,
    /// The permissions once loaded.
    pub prot: Prot,
}

impl SegmentPlan {
    pub fn end(&self) -> u64 {
        self.vaddr + self.memsz
    }
    pub fn is_writable(&self) -> bool {
        matches!(self.prot, Prot::RW | Prot::RWX)
    }
}

/// How to map an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImagePlan {
    pub segments: Vec<SegmentPlan>,
    /// The first page's address (in the file's addresses).
    pub low: u64,
    /// The page-rounded end of the highest segment.
    pub high: u64,
    /// The largest `p_align`, at least the page size.
    pub align: u64,
    /// `Some(vaddr - offset)` when every segment has the same difference
    /// (the builder's mmap placement): the file maps as one piece.
    pub whole_file_delta: Option<u64>,
    /// `PT_GNU_RELRO`: address and size.
    pub relro: Option<(u64, u64)>,
    /// `ET_EXEC`: must load at its own addresses.
    pub fixed: bool,
}

/// The `e_machine` of the running process.
pub(crate) fn host_machine() -> u16 {
    if cfg!(target_arch = "x86_64") {
        EM_X86_64
    } else if cfg!(target_arch = "aarch64") {
        EM_AARCH64
    } else if cfg!(target_arch = "riscv64") {
        EM_RISCV
    } else {
        EM_NONE
    }
}

/// Checks that `file` can run in this process at all: class, byte order,
/// machine, file type.
pub(crate) fn check_host(file: &ElfFile<'_>, types: &[u16]) -> Result<()> {
    let enc = file.encoding();
    let native_le = cfg!(target_endian = "little");
    if enc.class != crate::read::Class::Elf64 {
        // GOT entries, stubs and relocated words are 8 bytes here: x32
        // and AArch64 ILP32 code is not run by this loader.
        return Err(Error::Unsupported {
            what: "ELF class (32-bit and ILP32/x32 files are not loaded, only ELFCLASS64), EI_CLASS",
            value: 1,
        });
    }
    if (enc.endian == crate::read::Endian::Little) != native_le {
        return Err(Error::Unsupported {
            what: "class or byte order (not this process's), EI_CLASS",
            value: u64::from(enc.class == crate::read::Class::Elf64) + 1,
        });
    }
    if file.machine() != host_machine() {
        return Err(Error::Unsupported {
            what: "machine (not this process's), e_machine",
            value: file.machine().into(),
        });
    }
    let t = file.header().e_type;
    if !types.contains(&t) {
        return Err(Error::Unsupported {
            what: "file type, e_type",
            value: t.into(),
        });
    }
    Ok(())
}

/// Checks the program headers and plans the mapping.
pub(crate) fn plan(file: &ElfFile<'_>, page: u64, opts: &LoadOptions) -> Result<ImagePlan> {
    let file_len = file.data().len() as u64;
    let mut segments: Vec<SegmentPlan> = Vec::new();
    let mut relro = None;
    let mut align = page;
    for (index, ph) in file.segments().enumerate() {
        match ph.p_type {
            PT_LOAD => {}
            PT_TLS => return Err(Error::Tls { segment: index }),
            PT_GNU_RELRO => {
                relro = Some((ph.p_vaddr, ph.p_memsz));
                continue;
            }
            _ => continue,
        }
        check_segment(index, &ph, file_len, page, opts)?;
        if ph.p_memsz == 0 {
            continue;
        }
        align = align.max(ph.p_align);
        segments.push(SegmentPlan {
            index,
            vaddr: ph.p_vaddr,
            memsz: ph.p_memsz,
            offset: ph.p_offset,
            filesz: ph.p_filesz,
            prot: Prot::of_flags(ph.is_write(), ph.is_execute()),
        });
    }
    let Some(first) = segments.first() else {
        return Err(Error::Unsupported {
            what: "image without loadable segments, PT_LOAD count",
            value: 0,
        });
    };
    // Page-level overlaps, in address order (the gABI wants PT_LOADs
    // sorted; a file that is not is checked all the same).
    let mut order: Vec<&SegmentPlan> = segments.iter().collect();
    order.sort_by_key(|s| s.vaddr);
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b.vaddr & !(page - 1) < a.end().next_multiple_of(page) {
            return Err(Error::Overlap {
                segment: b.index,
                other: a.index,
                address: b.vaddr.max(a.vaddr),
            });
        }
    }
    let delta = first.vaddr.wrapping_sub(first.offset);
    let whole_file_delta = (delta % page == 0
        && segments
            .iter()
            .all(|s| s.vaddr.wrapping_sub(s.offset) == delta))
    .then_some(delta);
    let low = order[0].vaddr & !(page - 1);
    let high = order[order.len() - 1].end().next_multiple_of(page);
    Ok(ImagePlan {
        segments,
        low,
        high,
        align,
        whole_file_delta,
        relro,
        fixed: file.header().e_type == ET_EXEC,
    })
}

fn check_segment(
    index: usize,
    ph: &ProgramHeader,
    file_len: u64,
    page: u64,
    opts: &LoadOptions,
) -> Result<()> {
    if ph.p_filesz > ph.p_memsz {
        return Err(Error::FileSizeOverMemSize {
            segment: index,
            filesz: ph.p_filesz,
            memsz: ph.p_memsz,
        });
    }
    if ph
        .p_offset
        .checked_add(ph.p_filesz)
        .is_none_or(|e| e > file_len)
    {
        return Err(Error::OutsideFile {
            segment: index,
            offset: ph.p_offset,
            size: ph.p_filesz,
            file_len,
        });
    }
    // The end of memory must fit, with room to round up to a page.
    let fits = ph
        .p_vaddr
        .checked_add(ph.p_memsz)
        .and_then(|e| e.checked_add(page))
        .is_some_and(|e| usize::try_from(e).is_ok());
    let bad_align = ph.p_align > 1 && !ph.p_align.is_power_of_two();
    let incongruent = ph.p_vaddr % page != ph.p_offset % page;
    // Alignments past 1 GiB would reserve absurd amounts of address space.
    if !fits || bad_align || incongruent || ph.p_align > 1 << 30 {
        return Err(Error::Alignment {
            segment: index,
            align: ph.p_align,
            address: ph.p_vaddr,
            offset: ph.p_offset,
        });
    }
    if ph.is_write() && ph.is_execute() && !opts.allow_write_exec {
        return Err(Error::WritableAndExecutable {
            segment: index,
            address: ph.p_vaddr,
        });
    }
    Ok(())
}
