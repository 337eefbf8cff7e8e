//! The builder bugs the round-trip properties found (1–14 and their
//! variants).

use super::*;

/// Bug 1: 32-bit files: values that do not fit their fields are refused,
/// not truncated.
#[test]
fn elf32_values_that_do_not_fit_are_refused() {
    let k = kind(Class::Elf32, Endian::Little, EM_386, ET_REL);
    type Add = Box<dyn Fn(&mut Builder<'static>)>;
    let cases: Vec<(&str, Add)> = vec![
        (
            "symbol value",
            Box::new(|b| {
                let mut s = SymbolSpec::undefined(&b"big"[..]);
                s.place = SymbolPlace::Absolute;
                s.value = 0x1_0000_0000;
                b.add_symbol(s);
            }),
        ),
        (
            "symbol size",
            Box::new(|b| {
                b.add_symbol(SymbolSpec::undefined(&b"big"[..]).object(0x1_0000_0000));
            }),
        ),
        (
            "sh_flags",
            Box::new(|b| {
                b.add_section(SectionSpec::new(&b".x"[..], None, &[0u8; 4][..]).flags(1 << 32));
            }),
        ),
        (
            "sh_entsize",
            Box::new(|b| {
                let id = b.add_section(SectionSpec::new(&b".x"[..], None, &[0u8; 4][..]));
                b.section_mut(id).unwrap().entsize = 1 << 32;
            }),
        ),
        (
            "addend",
            Box::new(|b| {
                let id = b.add_section(SectionSpec::new(&b".x"[..], None, &[0u8; 4][..]));
                b.add_relocation(RelocationSpec {
                    section: id,
                    offset: 0,
                    kind: 1,
                    symbol: None,
                    addend: 1 << 40,
                });
            }),
        ),
        (
            "relocation type",
            Box::new(|b| {
                let id = b.add_section(SectionSpec::new(&b".x"[..], None, &[0u8; 4][..]));
                b.add_relocation(RelocationSpec {
                    section: id,
                    offset: 0,
                    kind: 0x101,
                    symbol: None,
                    addend: 0,
                });
            }),
        ),
    ];
    for (what, add) in cases {
        let mut b = Builder::new(k);
        add(&mut b);
        assert!(
            b.layout(&LayoutOptions::default()).is_err(),
            "a 32-bit file accepted a {what} that does not fit"
        );
    }
}

/// Bug 2: `.dynsym`: local symbols come before `sh_info`.
#[test]
fn exported_local_symbols_come_first_in_dynsym() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let text = b.add_section(SectionSpec::new(
        &b".text"[..],
        Some(Perms::RX),
        &[0xc3u8][..],
    ));
    b.add_symbol(SymbolSpec::global(&b"g"[..], text, 0));
    let mut l = SymbolSpec::local(&b"l"[..], text, 0);
    l.export = Some(true);
    b.add_symbol(l);
    let Some(bytes) = write(&b, &LayoutOptions::default()) else {
        return; // refusing is fine too
    };
    let f = ElfFile::parse(&bytes).unwrap();
    let dynsym = f.section_by_type(SHT_DYNSYM).unwrap();
    let first_global = dynsym.header().sh_info as usize;
    let t = f.symbol_table_of(&dynsym).unwrap();
    for (i, s) in t.iter().enumerate().skip(first_global) {
        assert_ne!(
            s.bind(),
            STB_LOCAL,
            ".dynsym {i} is local, after sh_info {first_global}"
        );
    }
}

/// Bug 3: NUL bytes in dynamic strings are refused.
#[test]
fn nul_in_dynamic_strings_is_refused() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    b.needed.push((&b"liba.so\0junk"[..]).into());
    assert!(b.layout(&LayoutOptions::default()).is_err());
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    b.interpreter = Some((&b"/lib/ld\0x"[..]).into());
    assert!(b.layout(&LayoutOptions::default()).is_err());
}

/// Bug 4: A read-only NOBITS section does not shift the sections after it
/// away from where their segment maps them.
#[test]
fn read_only_nobits_keeps_later_sections_mapped() {
    let data = [1u8, 2, 3, 4, 5, 6, 7, 8];
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let mut z = SectionSpec::zeros(&b".rzeros"[..], 0x100);
    z.perms = Some(Perms::R);
    b.add_section(z);
    b.add_section(SectionSpec::new(&b".rodata"[..], Some(Perms::R), &data[..]));
    let Some(bytes) = write(&b, &LayoutOptions::default()) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    let ro = f.section_by_name(b".rodata").unwrap();
    let at = f.data_at_vaddr(ro.header().sh_addr, 8).unwrap();
    assert_eq!(at, &data[..], ".rodata is not where its segment maps it");
}

/// Bug 5: A relro NOBITS section is inside PT_GNU_RELRO.
#[test]
fn relro_nobits_is_inside_gnu_relro() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    b.add_section(SectionSpec::zeros(&b".bss.rel.ro"[..], 0x40).relro());
    let Some(bytes) = write(&b, &LayoutOptions::default()) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    let s = *f.section_by_name(b".bss.rel.ro").unwrap().header();
    let relro = f.segments().find(|p| p.p_type == PT_GNU_RELRO).unwrap();
    assert!(
        s.sh_addr >= relro.p_vaddr && s.sh_addr + s.sh_size <= relro.p_vaddr + relro.p_memsz,
        "relro .bss at {:#x} outside PT_GNU_RELRO {relro:?}",
        s.sh_addr
    );
}

/// Bug 6: Mmap placement keeps `p_offset ≡ p_vaddr (mod p_align)` for any
/// base.
#[test]
fn mmap_placement_with_an_unaligned_base() {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    b.add_section(SectionSpec::new(
        &b".text"[..],
        Some(Perms::RX),
        &[0xc3u8][..],
    ));
    b.add_section(SectionSpec::new(
        &b".data"[..],
        Some(Perms::RW),
        &[0u8; 8][..],
    ));
    let opts = LayoutOptions {
        placement: Placement::Mmap,
        page_size: 0x1000,
        base: Some(0x40_1234),
        ..LayoutOptions::default()
    };
    let Some(bytes) = write(&b, &opts) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    for p in f.segments().filter(|p| p.p_type == PT_LOAD) {
        assert_eq!(p.p_offset % p.p_align, p.p_vaddr % p.p_align, "{p:?}");
    }
}

/// Bug 7: AArch64 ILP32 shared objects use ILP32's own dynamic types:
/// `R_AARCH64_P32_ABS32` (1) becomes `R_AARCH64_P32_RELATIVE` (183) for
/// a symbol of the file and stays `P32_ABS32` against an undefined one
/// (180 is `P32_COPY`); LP64's `R_AARCH64_ABS64` (257, which a 32-bit
/// `r_info` cannot hold) is refused. GNU ld, when installed, makes the
/// same dynamic relocations of the relocatable twin.
#[test]
fn elf32_aarch64_dynamic_relocation_types() {
    // GNU ld on the relocatable twin judges the dynamic relocations.
    let ld = "aarch64-linux-gnu-ld";
    if !crate::tools::require(&[ld]) {
        return;
    }
    const P32_ABS32: u32 = 1;
    const P32_RELATIVE: u32 = 183;
    let build = |file_type: u16, kind: u32| {
        let mut b = Builder::new(self::kind(
            Class::Elf32,
            Endian::Little,
            EM_AARCH64,
            file_type,
        ));
        let d =
            b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(4));
        // Local: GNU ld binds a global one at run time (preemptible).
        let here = b.add_symbol(SymbolSpec::local(&b"here"[..], d, 4).object(4));
        let ext = b.add_symbol(SymbolSpec::undefined(&b"ext"[..]));
        for (offset, symbol, addend) in [(0, here, 0x10), (4, ext, 4)] {
            b.add_relocation(RelocationSpec {
                section: d,
                offset,
                kind,
                symbol: Some(symbol),
                addend,
            });
        }
        b
    };
    assert!(
        build(ET_DYN, R_AARCH64_ABS64)
            .layout(&LayoutOptions::default())
            .is_err(),
        "an ILP32 file accepted R_AARCH64_ABS64"
    );
    let b = build(ET_DYN, P32_ABS32);
    let bytes = write(&b, &LayoutOptions::default()).expect("an ILP32 shared object");
    let f = ElfFile::parse(&bytes).unwrap();
    let data = f.section_by_name(b".data").unwrap().header().sh_addr;
    let named = |f: &ElfFile<'_>| -> Vec<(u64, u32, String, i64)> {
        let ds = f.dynamic_symbols().unwrap().unwrap();
        let mut v: Vec<_> = dynamic_relocations(f)
            .into_iter()
            .map(|r| {
                let s = ds.symbols().get(r.symbol as usize).unwrap();
                let name = ds.symbols().name(&s).unwrap();
                let d = f.section_by_name(b".data").unwrap().header().sh_addr;
                // Addresses relative to .data, so that two layouts compare.
                let addend = r.addend.unwrap_or(0);
                let addend = if r.kind == P32_RELATIVE {
                    addend - d as i64
                } else {
                    addend
                };
                (
                    r.offset - d,
                    r.kind,
                    String::from_utf8_lossy(name).into_owned(),
                    addend,
                )
            })
            .collect();
        v.sort();
        v
    };
    let ours = named(&f);
    assert_eq!(
        ours,
        vec![
            (0, P32_RELATIVE, String::new(), 4 + 0x10),
            (4, P32_ABS32, "ext".to_string(), 4),
        ],
        "dynamic relocations of an ILP32 shared object (.data at {data:#x})"
    );

    // GNU ld on the relocatable twin, .data where elfin put it.
    let dir = std::env::temp_dir().join(format!("elfin-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let obj = dir.join("ilp32-dyn.o");
    let out = dir.join("ilp32-dyn.so");
    let mut twin = b.clone();
    twin.kind.file_type = ET_REL;
    std::fs::write(&obj, write(&twin, &LayoutOptions::default()).unwrap()).unwrap();
    let st = std::process::Command::new(ld)
        .args(["-m", "aarch64linux32", "-shared", "-z", "norelro"])
        .arg(format!("--section-start=.data={data:#x}"))
        .arg("-o")
        .arg(&out)
        .arg(&obj)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{ld}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let theirs = std::fs::read(&out).unwrap();
    assert_eq!(
        named(&ElfFile::parse(&theirs).unwrap()),
        ours,
        "GNU ld differs"
    );
}

/// Bug 8: Dynamic relocations in a read-only section are refused (or flagged
/// with DT_TEXTREL).
#[test]
fn text_relocations_are_refused_or_flagged() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let text =
        b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), &[0u8; 8][..]).align(8));
    b.add_relocation(RelocationSpec {
        section: text,
        offset: 0,
        kind: R_X86_64_64,
        symbol: None,
        addend: 0,
    });
    let Some(bytes) = write(&b, &LayoutOptions::default()) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    let d = f.dynamic().unwrap().unwrap();
    let flagged =
        d.get(DT_TEXTREL).is_some() || d.get(DT_FLAGS).is_some_and(|v| v & DF_TEXTREL != 0);
    assert!(flagged, "a relocation in .text without DT_TEXTREL");
}

/// Bug 9: Big-endian AArch64: instructions are patched little-endian.
#[test]
fn aarch64_big_endian_instructions_are_little_endian() {
    let bl = 0x9400_0000u32.to_le_bytes(); // bl .
    let mut code = bl.to_vec();
    code.extend(0xd503_201fu32.to_le_bytes()); // nop
    code.extend(0xd65f_03c0u32.to_le_bytes()); // ret
    let mut b = Builder::new(kind(Class::Elf64, Endian::Big, EM_AARCH64, ET_EXEC));
    let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(4));
    let target = b.add_symbol(SymbolSpec::global(&b"target"[..], text, 8));
    b.entry = Some(target);
    b.add_relocation(RelocationSpec {
        section: text,
        offset: 0,
        kind: R_AARCH64_CALL26,
        symbol: Some(target),
        addend: 0,
    });
    let bytes = write(&b, &LayoutOptions::default()).unwrap();
    let f = ElfFile::parse(&bytes).unwrap();
    let t = f.section_by_name(b".text").unwrap().data().unwrap();
    let insn = u32::from_le_bytes(t[..4].try_into().unwrap());
    assert_eq!(
        insn, 0x9400_0002,
        "bl +8 reads {insn:#010x} (little-endian)"
    );
}

/// Bug 10: Shared objects: a word relocation against an absolute symbol is
/// not made RELATIVE (the loader would add the load address).
#[test]
fn absolute_symbols_do_not_move_in_shared_objects() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(8));
    let mut abs = SymbolSpec::undefined(&b"ABS"[..]);
    abs.place = SymbolPlace::Absolute;
    abs.value = 0x1234;
    let abs = b.add_symbol(abs);
    b.add_relocation(RelocationSpec {
        section: d,
        offset: 0,
        kind: R_X86_64_64,
        symbol: Some(abs),
        addend: 0,
    });
    let Some(bytes) = write(&b, &LayoutOptions::default()) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    for r in dynamic_relocations(&f) {
        assert_ne!(
            r.kind, R_X86_64_RELATIVE,
            "an absolute value relocated RELATIVE: {r:?}"
        );
    }
}

/// Bug 11: A word relocation whose field runs past its section is refused in
/// a shared object too.
#[test]
fn dynamic_relocation_field_past_the_section_is_refused() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 4][..]).align(8));
    b.add_relocation(RelocationSpec {
        section: d,
        offset: 0,
        kind: R_X86_64_64,
        symbol: None,
        addend: 0,
    });
    assert!(b.layout(&LayoutOptions::default()).is_err());
}

/// Bug 12: RELR does not patch addends into NOBITS sections' (nonexistent)
/// file bytes.
#[test]
fn relr_relocations_in_nobits() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    b.relr = true;
    let bss = b.add_section(SectionSpec::zeros(&b".bss"[..], 0x20).align(8));
    b.add_relocation(RelocationSpec {
        section: bss,
        offset: 8,
        kind: R_X86_64_64,
        symbol: None,
        addend: 0x4000,
    });
    let plan = match b.layout(&LayoutOptions::default()) {
        Ok(p) => p,
        Err(_) => return,
    };
    let bytes = b.write(&plan).expect("write fails after layout succeeded");
    let f = ElfFile::parse(&bytes).unwrap();
    let place = f.section_by_name(b".bss").unwrap().header().sh_addr + 8;
    // The addend lives in a RELA entry: nothing in the file holds it.
    let rel = dynamic_relocations(&f);
    assert!(
        rel.iter()
            .any(|r| r.offset == place && r.addend == Some(0x4000)),
        "no RELA entry for the .bss place: {rel:?}"
    );
}

/// Bug 13: `SymbolPlace::Raw(SHN_UNDEF)` is undefined: it is not in the
/// GNU-hashed (defined) part of `.dynsym`.
#[test]
fn raw_undefined_is_not_hashed() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let mut s = SymbolSpec::undefined(&b"raw"[..]);
    s.place = SymbolPlace::Raw(SHN_UNDEF);
    s.export = Some(true);
    b.add_symbol(s);
    let Some(bytes) = write(&b, &LayoutOptions::default()) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    let ds = f.dynamic_symbols().unwrap().unwrap();
    let Some(HashTable::Gnu(g)) = ds.hash() else {
        panic!("no GNU hash");
    };
    for (i, s) in ds.symbols().iter().enumerate().skip(g.symoffset() as usize) {
        assert_ne!(s.st_shndx, SHN_UNDEF, ".dynsym {i} is undefined but hashed");
    }
}

/// Bug 14: An undefined symbol a dynamic relocation needs is not left out
/// of `.dynsym` (the relocation would name symbol 0).
#[test]
fn needed_undefined_symbols_are_exported_or_refused() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(8));
    let mut ext = SymbolSpec::undefined(&b"ext"[..]);
    ext.export = Some(false);
    let ext = b.add_symbol(ext);
    b.add_relocation(RelocationSpec {
        section: d,
        offset: 0,
        kind: R_X86_64_64,
        symbol: Some(ext),
        addend: 0,
    });
    let Some(bytes) = write(&b, &LayoutOptions::default()) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    for r in dynamic_relocations(&f) {
        assert_ne!(
            r.symbol, 0,
            "a relocation against `ext` names symbol 0: {r:?}"
        );
    }
}

/// Bug 10b: Shared objects: a PC-relative relocation against an
/// absolute symbol cannot be resolved when the file is written (`S` is
/// fixed, `P` moves with the load address): refused.
#[test]
fn pc_relative_to_absolute_symbols_is_refused_in_shared_objects() {
    for (machine, kind) in [
        (EM_X86_64, R_X86_64_PC32),
        (EM_X86_64, R_X86_64_PC64),
        (EM_AARCH64, R_AARCH64_PREL32),
        (EM_AARCH64, R_AARCH64_ADR_PREL_PG_HI21),
    ] {
        let mut b = Builder::new(kind_of(machine));
        let text =
            b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), &[0u8; 8][..]).align(8));
        let mut abs = SymbolSpec::undefined(&b"ABS"[..]);
        abs.place = SymbolPlace::Absolute;
        abs.value = 0x1234;
        let abs = b.add_symbol(abs);
        b.add_relocation(RelocationSpec {
            section: text,
            offset: 0,
            kind,
            symbol: Some(abs),
            addend: 0,
        });
        assert!(
            b.layout(&LayoutOptions::default()).is_err(),
            "machine {machine} type {kind}: S + A - P against an absolute symbol in a shared object"
        );
    }

    fn kind_of(machine: u16) -> FileKind {
        kind(Class::Elf64, Endian::Little, machine, ET_DYN)
    }
}

/// Bug 2b: an undefined local symbol that a dynamic relocation needs
/// does not land after `.dynsym`'s `sh_info` (refused, or bound
/// globally).
#[test]
fn needed_undefined_locals_do_not_follow_sh_info() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(8));
    let mut ext = SymbolSpec::undefined(&b"ext"[..]);
    ext.bind = STB_LOCAL;
    let ext = b.add_symbol(ext);
    b.add_relocation(RelocationSpec {
        section: d,
        offset: 0,
        kind: R_X86_64_64,
        symbol: Some(ext),
        addend: 0,
    });
    let Some(bytes) = write(&b, &LayoutOptions::default()) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    let dynsym = f.section_by_type(SHT_DYNSYM).unwrap();
    let first_global = dynsym.header().sh_info as usize;
    let t = f.symbol_table_of(&dynsym).unwrap();
    for (i, s) in t.iter().enumerate().skip(first_global) {
        assert_ne!(
            s.bind(),
            STB_LOCAL,
            ".dynsym {i} is local, after sh_info {first_global}"
        );
    }
}

/// Bug 6b: Mmap placement with a base that is a multiple of the page
/// size but not of a section's larger alignment: refused, or still
/// `p_offset ≡ p_vaddr (mod p_align)`.
#[test]
fn mmap_placement_with_a_base_below_the_segment_alignment() {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    b.add_section(SectionSpec::new(
        &b".rodata"[..],
        Some(Perms::R),
        &[1u8; 8][..],
    ));
    b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), &[0xc3u8][..]).align(0x20_0000));
    let opts = LayoutOptions {
        placement: Placement::Mmap,
        page_size: 0x1000,
        base: Some(0x1_0000),
        ..LayoutOptions::default()
    };
    let Some(bytes) = write(&b, &opts) else {
        return;
    };
    let f = ElfFile::parse(&bytes).unwrap();
    for p in f.segments().filter(|p| p.p_type == PT_LOAD) {
        assert_eq!(p.p_offset % p.p_align, p.p_vaddr % p.p_align, "{p:?}");
    }
}
