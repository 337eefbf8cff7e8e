//! Checks of the tables inside sections: dynamic, symbols, relocations,
//! strings, hashes, notes.

use alloc::format;
use alloc::vec::Vec;

use super::{Kind, Report};
use crate::raw::consts::{
    ET_REL, PT_LOAD, PT_NOTE, SHT_DYNSYM, SHT_GNU_HASH, SHT_HASH, SHT_NOTE, SHT_STRTAB, SHT_SYMTAB,
    STT_FILE, STT_NOTYPE, STT_SECTION, STT_TLS,
};
use crate::read::{Class, ElfFile, GnuHash, RelocationTable, SymbolSection, SysvHash};

pub(super) fn dynamic(file: &ElfFile<'_>, r: &mut Report) {
    match file.dynamic() {
        Ok(Some(d)) => {
            if !d.raw().iter().any(|e| e.d_tag == 0) {
                r.add(
                    Kind::NoDtNull,
                    "dynamic table",
                    None,
                    d.offset(),
                    format!("{} entries and no DT_NULL", d.raw().len()),
                );
            }
        }
        Ok(None) => {}
        Err(e) => r.error(e),
    }
}

pub(super) fn symbols(file: &ElfFile<'_>, r: &mut Report) {
    let relocatable = file.header().e_type == ET_REL;
    for s in file.sections() {
        let t = s.header().sh_type;
        if t != SHT_SYMTAB && t != SHT_DYNSYM {
            continue;
        }
        let table = match file.symbol_table_of(&s) {
            Ok(t) => t,
            Err(e) => {
                r.error(e);
                continue;
            }
        };
        for (i, sym) in table.iter().enumerate().skip(1) {
            let kind = sym.kind();
            if kind == STT_SECTION || kind == STT_FILE || kind == STT_TLS {
                continue;
            }
            // Markers a linker defines (_end, _edata, __bss_start, …): GNU
            // ld gives them a neighbouring section's index, not their own.
            if kind == STT_NOTYPE && sym.st_size == 0 {
                continue;
            }
            let Ok(SymbolSection::Section(target)) = table.section(i, &sym) else {
                continue;
            };
            let Ok(sec) = file.section(target as usize) else {
                continue;
            };
            let h = sec.header();
            // Objects give values relative to the section, others addresses.
            let base = if relocatable { 0 } else { h.sh_addr };
            if !relocatable && !h.is_alloc() {
                continue;
            }
            let Some(rel) = sym.st_value.checked_sub(base).filter(|&o| o <= h.sh_size) else {
                r.add(
                    Kind::SymbolOutside,
                    "symbol",
                    Some(i as u64),
                    table.offset().saturating_add(i as u64 * sym_size(file)),
                    format!(
                        "st_value {:#x} is outside section {} ({:#x}..{:#x})",
                        sym.st_value,
                        target,
                        base,
                        base.saturating_add(h.sh_size)
                    ),
                );
                continue;
            };
            if rel.saturating_add(sym.st_size) > h.sh_size {
                r.add(
                    Kind::SymbolOutside,
                    "symbol",
                    Some(i as u64),
                    table.offset().saturating_add(i as u64 * sym_size(file)),
                    format!(
                        "st_value {:#x} + st_size {:#x} reaches past the end of section {} ({:#x})",
                        sym.st_value,
                        sym.st_size,
                        target,
                        base.saturating_add(h.sh_size)
                    ),
                );
            }
        }
    }
}

fn sym_size(file: &ElfFile<'_>) -> u64 {
    match file.class() {
        Class::Elf32 => 16,
        Class::Elf64 => 24,
    }
}

pub(super) fn relocations(file: &ElfFile<'_>, r: &mut Report) {
    let relocatable = file.header().e_type == ET_REL;
    let mut loads: Vec<(u64, u64)> = file
        .segments()
        .filter(|p| p.p_type == PT_LOAD)
        .map(|p| (p.p_vaddr, p.p_vaddr.saturating_add(p.p_memsz)))
        .collect();
    loads.sort_unstable();
    let loaded = |addr: u64| {
        let n = loads.partition_point(|&(start, _)| start <= addr);
        loads
            .get(..n)
            .unwrap_or(&[])
            .iter()
            .rev()
            .take(4)
            .any(|&(_, end)| addr < end)
    };
    for s in file.sections() {
        let table = match file.relocation_table(&s) {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(e) => {
                r.error(e);
                continue;
            }
        };
        let h = s.header();
        let target = if relocatable && h.sh_info != 0 {
            match file.section(h.sh_info as usize) {
                // Offsets into a compressed section count in its
                // uncompressed bytes, which sh_size does not give.
                Ok(t) if t.header().is_compressed() => continue,
                Ok(t) => Some((h.sh_info, t.header().sh_size)),
                Err(e) => {
                    r.error(e);
                    continue;
                }
            }
        } else {
            None
        };
        if !relocatable && loads.is_empty() {
            continue;
        }
        let mut each = |i: usize, offset: u64| {
            let bad = match target {
                Some((_, size)) => offset >= size,
                None if relocatable => false,
                None => !loaded(offset),
            };
            if bad {
                let message = match target {
                    Some((t, size)) => {
                        format!("r_offset {offset:#x} is outside section {t} (size {size:#x})")
                    }
                    None => format!("r_offset {offset:#x} is in no PT_LOAD segment"),
                };
                r.add(
                    Kind::RelocationOutside,
                    "relocation",
                    Some(i as u64),
                    h.sh_offset,
                    format!("(section {}) {message}", s.index()),
                );
            }
        };
        match table {
            RelocationTable::Fixed(t) => {
                for (i, rel) in t.iter().enumerate() {
                    each(i, rel.offset);
                }
            }
            RelocationTable::Crel(t) => {
                let mut failed = None;
                for (i, rel) in t.iter().enumerate() {
                    match rel {
                        Ok(rel) => each(i, rel.offset),
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                if let Some(e) = failed {
                    r.error(e);
                }
            }
        }
    }
}

pub(super) fn strings(file: &ElfFile<'_>, r: &mut Report) {
    for s in file.sections() {
        let h = s.header();
        if h.sh_type != SHT_STRTAB || h.sh_size == 0 {
            continue;
        }
        match s.data() {
            Ok(d) if d.last() != Some(&0) => r.add(
                Kind::UnterminatedStrings,
                "string table",
                Some(s.index() as u64),
                h.sh_offset.saturating_add(h.sh_size - 1),
                format!("section {} does not end with a NUL byte", s.index()),
            ),
            Ok(_) => {}
            Err(_) => {} // reported by the layout checks (outside the file)
        }
    }
}

pub(super) fn hashes(file: &ElfFile<'_>, r: &mut Report) {
    let wide = file.class() == Class::Elf64 && file.machine() == crate::raw::consts::EM_S390;
    for s in file.sections() {
        let h = s.header();
        if h.sh_type != SHT_HASH && h.sh_type != SHT_GNU_HASH {
            continue;
        }
        let symbols = match file.section(h.sh_link as usize) {
            Ok(t) => {
                let th = t.header();
                th.sh_size / sym_size(file).max(1)
            }
            Err(e) => {
                r.error(e);
                continue;
            }
        };
        let data = match s.data() {
            Ok(d) => d,
            Err(_) => continue, // outside the file: reported by the layout checks
        };
        let count = if h.sh_type == SHT_HASH {
            SysvHash::parse(file.encoding(), data, h.sh_offset, wide).map(|t| t.symbol_count())
        } else {
            GnuHash::parse(file.encoding(), data, h.sh_offset).and_then(|t| t.symbol_count())
        };
        match count {
            Ok(n) => {
                let n = n as u64;
                let bad = if h.sh_type == SHT_HASH {
                    n != symbols
                } else {
                    n > symbols
                };
                if bad {
                    r.add(
                        Kind::HashMismatch,
                        "hash table",
                        Some(s.index() as u64),
                        h.sh_offset,
                        format!(
                            "section {} covers {n} symbols, its symbol table (section {}) has {symbols}",
                            s.index(),
                            h.sh_link
                        ),
                    );
                }
            }
            Err(e) => r.error(e),
        }
    }
}

pub(super) fn notes(file: &ElfFile<'_>, r: &mut Report) {
    let mut walk = |iter: crate::read::NoteIter<'_>,
                    size: u64,
                    align: u64,
                    at: u64,
                    what: &'static str,
                    index: usize| {
        let pad = if align == 8 { 8 } else { 4 };
        if !size.is_multiple_of(pad) {
            r.add(
                Kind::BadNote,
                what,
                Some(index as u64),
                at,
                format!("size {size:#x} is not a multiple of the note padding ({pad})"),
            );
        }
        for n in iter {
            if let Err(e) = n {
                r.error_as(Kind::BadNote, e);
                break;
            }
        }
    };
    for s in file.sections() {
        let h = *s.header();
        if h.sh_type != SHT_NOTE {
            continue;
        }
        if let Ok(iter) = file.section_notes(&s) {
            walk(
                iter,
                h.sh_size,
                h.sh_addralign,
                h.sh_offset,
                "note section",
                s.index(),
            );
        }
    }
    for (i, p) in file.segments().enumerate() {
        if p.p_type != PT_NOTE {
            continue;
        }
        if let Ok(iter) = file.segment_notes(&p) {
            walk(iter, p.p_filesz, p.p_align, p.p_offset, "note segment", i);
        }
    }
}
