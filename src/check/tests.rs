//! Each check on a file broken in the one way it looks for.

use alloc::vec::Vec;
use std::vec;

use super::*;
use crate::raw::consts::{ET_EXEC, PT_LOAD, SHT_NOTE, SHT_STRTAB, SHT_SYMTAB};
use crate::write::{Builder, FileKind, LayoutOptions, Perms, SectionSpec, SymbolSpec};

fn built() -> Vec<u8> {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let text = b.add_section(SectionSpec::new(
        &b".text"[..],
        Some(Perms::RX),
        vec![0xc3u8; 64],
    ));
    b.add_section(SectionSpec::new(
        &b".data"[..],
        Some(Perms::RW),
        vec![1u8; 64],
    ));
    let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(1));
    b.entry = Some(start);
    let plan = b.layout(&LayoutOptions::default()).unwrap();
    b.write(&plan).unwrap()
}

fn kinds(bytes: &[u8]) -> Vec<Kind> {
    check_bytes(bytes).iter().map(|f| f.kind).collect()
}

fn phdr_at(bytes: &[u8], pred: impl Fn(&crate::read::ProgramHeader) -> bool) -> usize {
    let f = crate::ElfFile::parse(bytes).unwrap();
    let i = f.segments().position(|p| pred(&p)).unwrap();
    f.header().e_phoff as usize + i * 56
}

fn shdr_at(bytes: &[u8], sh_type: u32) -> (usize, crate::read::SectionHeader) {
    let f = crate::ElfFile::parse(bytes).unwrap();
    let s = f.section_by_type(sh_type).unwrap();
    (f.header().e_shoff as usize + s.index() * 64, *s.header())
}

#[test]
fn builder_output_is_clean() {
    assert_eq!(check_bytes(&built()), vec![]);
}

#[test]
fn write_and_execute() {
    let mut b = built();
    let at = phdr_at(&b, |p| p.p_type == PT_LOAD && p.is_execute());
    b[at + 4] |= 2;
    assert_eq!(kinds(&b), vec![Kind::WriteExecute]);
}

#[test]
fn offset_not_congruent_to_address() {
    let mut b = built();
    let at = phdr_at(&b, |p| p.p_type == PT_LOAD && p.is_execute());
    b[at + 16] ^= 0x10; // p_vaddr
    assert!(
        kinds(&b).contains(&Kind::NotCongruent),
        "{:?}",
        check_bytes(&b)
    );
}

#[test]
fn overlapping_segments() {
    let mut b = built();
    let f = crate::ElfFile::parse(&b).unwrap();
    let first = f.segments().find(|p| p.p_type == PT_LOAD).unwrap();
    let at = phdr_at(&b, |p| p.p_type == PT_LOAD && p.is_write());
    // The writable segment now starts at the first one's address.
    b[at + 16..at + 24].copy_from_slice(&first.p_vaddr.to_le_bytes());
    b[at + 8..at + 16].copy_from_slice(&first.p_offset.to_le_bytes());
    let k = kinds(&b);
    assert!(k.contains(&Kind::SegmentOverlap), "{:?}", check_bytes(&b));
}

#[test]
fn section_outside_the_file() {
    let mut b = built();
    let (at, _) = shdr_at(&b, SHT_SYMTAB);
    b[at + 32..at + 40].copy_from_slice(&(1u64 << 40).to_le_bytes()); // sh_size
    let k = kinds(&b);
    assert!(k.contains(&Kind::OutsideFile), "{k:?}");
}

#[test]
fn overlapping_sections() {
    let mut b = built();
    let (at, _) = shdr_at(&b, SHT_SYMTAB);
    let (_, strtab) = shdr_at(&b, SHT_STRTAB);
    b[at + 24..at + 32].copy_from_slice(&strtab.sh_offset.to_le_bytes()); // sh_offset
    let k = kinds(&b);
    assert!(k.contains(&Kind::SectionOverlap), "{k:?}");
}

#[test]
fn string_table_without_final_nul() {
    let mut b = built();
    let f = crate::ElfFile::parse(&b).unwrap();
    let strtab = f.section_by_name(b".strtab").unwrap();
    let end = (strtab.header().sh_offset + strtab.header().sh_size) as usize;
    b[end - 1] = b'x';
    let k = kinds(&b);
    assert!(k.contains(&Kind::UnterminatedStrings), "{k:?}");
}

#[test]
fn symbol_outside_its_section() {
    let mut b = built();
    let (_, symtab) = shdr_at(&b, SHT_SYMTAB);
    // Symbol 1 is _start (the only one); its st_value is at +8.
    let at = symtab.sh_offset as usize + 24 + 8;
    b[at..at + 8].copy_from_slice(&0xdead_0000u64.to_le_bytes());
    let k = kinds(&b);
    assert!(k.contains(&Kind::SymbolOutside), "{:?}", check_bytes(&b));
}

#[test]
fn system_files() {
    // ls has a dynamic table, notes and hash tables: break each.
    let Ok(ls) = std::fs::read("/usr/bin/ls") else {
        std::println!("SKIP: system_files: /usr/bin/ls not found");
        return;
    };
    let f = crate::ElfFile::parse(&ls).unwrap();
    assert!(f.dynamic().unwrap().is_some());
    let d = f.dynamic().unwrap().unwrap();
    let mut no_null = ls.clone();
    for (i, e) in d.raw().iter().enumerate() {
        if e.d_tag == 0 {
            let at = d.offset() as usize + i * 16;
            no_null[at..at + 8].copy_from_slice(&21u64.to_le_bytes()); // DT_DEBUG
        }
    }
    assert!(kinds(&no_null).contains(&Kind::NoDtNull));

    let mut bad_note = ls.clone();
    let (_, note) = shdr_at(&ls, SHT_NOTE);
    let at = note.sh_offset as usize;
    bad_note[at..at + 4].copy_from_slice(&0x1000u32.to_le_bytes()); // n_namesz
    assert!(kinds(&bad_note).contains(&Kind::BadNote));
}

#[test]
fn unreadable_files_give_one_finding() {
    let b = built();
    for bytes in [&b[..0], &b[..10], &b"not an elf file at all"[..]] {
        let f = check_bytes(bytes);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, Kind::Unreadable);
    }
}
