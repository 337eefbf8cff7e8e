//! Files with more than 0xff00 sections: extended numbering and
//! `SHT_SYMTAB_SHNDX`.

use crate::*;
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, RelocationSpec, SectionSpec, SymbolSpec,
};
use std::process::Command;

/// An object with 70,000 sections: section indices past 0xff00 need
/// extended numbering (e_shnum and e_shstrndx in section 0) and
/// `SHT_SYMTAB_SHNDX` for symbols defined there.
#[test]
fn gcc_links_an_object_with_70000_sections() {
    if !require_lint(&["gcc"]) {
        return;
    }
    const FILLERS: usize = 70_000;
    let mut b = Builder::new(FileKind::x86_64(ET_REL));
    let low = b.add_section(
        SectionSpec::new(&b".data.low"[..], Some(Perms::RW), &[7u8, 0, 0, 0][..]).align(4),
    );
    for i in 0..FILLERS {
        let name = format!(".rodata.f{i}").into_bytes();
        b.add_section(SectionSpec::new(name, Some(Perms::R), vec![i as u8]));
    }
    let data = b.add_section(
        SectionSpec::new(
            &b".data.high"[..],
            Some(Perms::RW),
            &[42u8, 0, 0, 0, 100, 0, 0, 0][..],
        )
        .align(4),
    );
    let mut code = vec![0x8b, 0x05, 0, 0, 0, 0]; // mov eax, [rip + elfin_high_value]
    code.extend([0x03, 0x05, 0, 0, 0, 0]); // add eax, [rip + elfin_low]
    code.extend([0x03, 0x05, 0, 0, 0, 0]); // add eax, [rip + high_local]
    code.push(0xc3); // ret
    let text = b
        .add_section(SectionSpec::new(&b".text.high"[..], Some(Perms::RX), code.clone()).align(16));
    let low_sym = b.add_symbol(SymbolSpec::global(&b"elfin_low"[..], low, 0).object(4));
    let value = b.add_symbol(SymbolSpec::global(&b"elfin_high_value"[..], data, 0).object(4));
    let local = b.add_symbol(SymbolSpec::local(&b"high_local"[..], data, 4).object(4));
    b.add_symbol(SymbolSpec::global(&b"elfin_high_fn"[..], text, 0).function(code.len() as u64));
    for (k, sym) in [value, low_sym, local].into_iter().enumerate() {
        b.add_relocation(RelocationSpec {
            section: text,
            offset: 2 + 6 * k as u64,
            kind: R_X86_64_PC32,
            symbol: Some(sym),
            addend: -4,
        });
    }
    let bytes = round_trip(&b, &LayoutOptions::default());

    // elfin's reader sees the extended numbering and the real indices.
    let elf = ElfFile::parse(&bytes).unwrap();
    assert_eq!(elf.header().e_shnum, 0);
    assert_eq!(elf.header().e_shstrndx, SHN_XINDEX);
    assert!(elf.section_count() > FILLERS + 3);
    let symtab = elf.symbol_table().unwrap().unwrap();
    let mut seen = Vec::new();
    for (i, sym) in symtab.raw().iter().enumerate().skip(1) {
        let name = symtab.name(&sym).unwrap();
        let elfin::read::SymbolSection::Section(ix) = symtab.section(i, &sym).unwrap() else {
            panic!("{}: not in a section", String::from_utf8_lossy(name));
        };
        let sec = elf.section(ix as usize).unwrap();
        let want: &[u8] = match name {
            b"elfin_low" => b".data.low",
            b"elfin_high_fn" => b".text.high",
            _ => b".data.high",
        };
        assert_eq!(sec.name().unwrap(), want);
        assert_eq!(sym.st_shndx == SHN_XINDEX, ix >= u32::from(SHN_LORESERVE));
        seen.push(name.to_vec());
    }
    assert_eq!(seen.len(), 4);

    let obj = save("many-sections.o", &bytes, false);
    lint(&obj);
    if !is_x86_64_linux() {
        return;
    }
    let main = tmp("many-main.c");
    std::fs::write(&main, "#include <stdio.h>\nextern int elfin_high_value, elfin_low; extern int elfin_high_fn(void);\nint main(void) { printf(\"%d %d %d\\n\", elfin_high_value, elfin_low, elfin_high_fn()); return 0; }\n").unwrap();
    let exe = tmp("many-sections");
    gcc(&[main.as_os_str(), obj.as_os_str()], &exe);
    let out = Command::new(&exe).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42 7 149\n");
}

/// An executable whose entry symbol is in a section past index 0xff00
/// still runs, and its `.symtab` gets `SHT_SYMTAB_SHNDX` too.
#[test]
fn kernel_runs_an_executable_with_70000_sections() {
    if !require_lint(&[]) {
        return;
    }
    let code: &'static [u8] = &[0xbf, 42, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05];
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    for i in 0..70_000u32 {
        // Loaded read-only sections come before .text in the header table.
        let name = format!(".rodata.f{i}").into_bytes();
        b.add_section(SectionSpec::new(name, Some(Perms::R), vec![i as u8]));
    }
    let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(16));
    let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(12));
    b.entry = Some(start);
    let bytes = round_trip(&b, &LayoutOptions::default());
    let elf = ElfFile::parse(&bytes).unwrap();
    let symtab = elf.symbol_table().unwrap().unwrap();
    let sym = symtab.raw().get(1).unwrap();
    assert_eq!(sym.st_shndx, SHN_XINDEX);
    let elfin::read::SymbolSection::Section(ix) = symtab.section(1, &sym).unwrap() else {
        panic!("_start is not in a section");
    };
    assert_eq!(elf.section(ix as usize).unwrap().name().unwrap(), b".text");
    let p = save("many-sections-exit42", &bytes, true);
    // The gABI allows SHT_SYMTAB_SHNDX in any file; eu-elflint only in
    // relocatable ones.
    lint_allowing(
        &p,
        &[
            "section [70003] '.symtab_shndx' is extension section index table in non-object file",
            "section [70003] '.symtab_shndx': only relocatable files can have extended section index",
        ],
    );
    if is_x86_64_linux() {
        assert_eq!(Command::new(&p).status().unwrap().code(), Some(42));
    }
}
