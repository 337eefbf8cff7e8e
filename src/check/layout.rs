//! Checks of the file's layout: segments and sections against each other
//! and against the file.

use alloc::format;
use alloc::vec::Vec;

use super::{Kind, Report};
use crate::raw::consts::{PT_LOAD, SHF_TLS, SHT_NOBITS, SHT_NULL};
use crate::read::ElfFile;

fn ph_offset(file: &ElfFile<'_>, index: usize) -> u64 {
    let size = u64::from(file.header().e_phentsize);
    file.header()
        .e_phoff
        .saturating_add(size.saturating_mul(index as u64))
}

fn sh_offset(file: &ElfFile<'_>, index: usize) -> u64 {
    let size = u64::from(file.header().e_shentsize);
    file.header()
        .e_shoff
        .saturating_add(size.saturating_mul(index as u64))
}

pub(super) fn segments(file: &ElfFile<'_>, r: &mut Report) {
    let file_size = file.data().len() as u64;
    let mut loads: Vec<(u64, u64, usize)> = Vec::new();
    for (i, p) in file.segments().enumerate() {
        let at = ph_offset(file, i);
        let idx = Some(i as u64);
        match p.p_offset.checked_add(p.p_filesz) {
            Some(end) if end <= file_size => {}
            _ => r.add(
                Kind::OutsideFile,
                "program header",
                idx,
                at,
                format!(
                    "p_offset {:#x} + p_filesz {:#x} is past the end of the file ({file_size:#x})",
                    p.p_offset, p.p_filesz
                ),
            ),
        }
        if p.p_type != PT_LOAD {
            continue;
        }
        if p.p_align > 1 {
            if !p.p_align.is_power_of_two() {
                r.add(
                    Kind::NotCongruent,
                    "program header",
                    idx,
                    at,
                    format!("p_align {:#x} is not a power of two", p.p_align),
                );
            } else if (p.p_offset ^ p.p_vaddr) & (p.p_align - 1) != 0 {
                r.add(
                    Kind::NotCongruent,
                    "program header",
                    idx,
                    at,
                    format!(
                        "PT_LOAD p_offset {:#x} and p_vaddr {:#x} differ modulo p_align {:#x}",
                        p.p_offset, p.p_vaddr, p.p_align
                    ),
                );
            }
        }
        if p.is_write() && p.is_execute() {
            r.add(
                Kind::WriteExecute,
                "program header",
                idx,
                at,
                format!("PT_LOAD at {:#x} is writable and executable", p.p_vaddr),
            );
        }
        if p.p_memsz > 0 {
            loads.push((p.p_vaddr, p.p_vaddr.saturating_add(p.p_memsz), i));
        }
    }
    // Sorted by address, each segment is compared with the furthest-reaching
    // one before it: overlaps are found in O(n log n).
    loads.sort_unstable();
    let mut reach: Option<(u64, usize)> = None;
    for &(start, end, i) in &loads {
        if let Some((prev_end, prev)) = reach {
            if start < prev_end {
                r.add(
                    Kind::SegmentOverlap,
                    "program header",
                    Some(i as u64),
                    ph_offset(file, i),
                    format!(
                        "PT_LOAD memory {start:#x}..{end:#x} overlaps PT_LOAD {prev} (up to {prev_end:#x})"
                    ),
                );
            }
        }
        if reach.is_none_or(|(e, _)| end > e) {
            reach = Some((end, i));
        }
    }
}

pub(super) fn sections(file: &ElfFile<'_>, r: &mut Report) {
    let file_size = file.data().len() as u64;
    let mut in_file: Vec<(u64, u64, usize)> = Vec::new();
    let mut in_memory: Vec<(u64, u64, usize)> = Vec::new();
    let relocatable = file.header().e_type == crate::raw::consts::ET_REL;
    for s in file.sections().skip(1) {
        let h = s.header();
        let i = s.index();
        if h.sh_type == SHT_NULL {
            continue;
        }
        if h.sh_type != SHT_NOBITS {
            match h.sh_offset.checked_add(h.sh_size) {
                Some(end) if end <= file_size => {
                    if h.sh_size > 0 {
                        in_file.push((h.sh_offset, end, i));
                    }
                }
                _ => r.add(
                    Kind::OutsideFile,
                    "section header",
                    Some(i as u64),
                    sh_offset(file, i),
                    format!(
                        "sh_offset {:#x} + sh_size {:#x} is past the end of the file ({file_size:#x})",
                        h.sh_offset, h.sh_size
                    ),
                ),
            }
        }
        // .tbss takes no memory of its own: the next section may start
        // where it does.
        let tbss = h.sh_type == SHT_NOBITS && h.sh_flags & SHF_TLS != 0;
        // Objects leave every section at address 0 until linked.
        if h.is_alloc() && !tbss && h.sh_size > 0 && !relocatable {
            in_memory.push((h.sh_addr, h.sh_addr.saturating_add(h.sh_size), i));
        }
    }
    overlaps(file, r, &mut in_file, "file bytes");
    overlaps(file, r, &mut in_memory, "memory");
}

fn overlaps(file: &ElfFile<'_>, r: &mut Report, spans: &mut [(u64, u64, usize)], what: &str) {
    spans.sort_unstable();
    let mut reach: Option<(u64, usize)> = None;
    for &(start, end, i) in spans.iter() {
        if let Some((prev_end, prev)) = reach {
            if start < prev_end {
                r.add(
                    Kind::SectionOverlap,
                    "section header",
                    Some(i as u64),
                    sh_offset(file, i),
                    format!(
                        "{what} {start:#x}..{end:#x} overlap section {prev} (up to {prev_end:#x})"
                    ),
                );
            }
        }
        if reach.is_none_or(|(e, _)| end > e) {
            reach = Some((end, i));
        }
    }
}
