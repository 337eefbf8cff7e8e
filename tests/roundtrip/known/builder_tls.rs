//! The builder bugs and refusals found once the model knew TLS, x32 and
//! ILP32 (15–21), and the edge cases of common symbols and static
//! executables.

use super::*;

/// Bug 15 (found by the model, seed 0xe1f5eed2026 case 552): AArch64's
/// `R_AARCH64_ABS32` takes -2^31 <= S + A < 2^32 (the psABI's check),
/// not only unsigned values.
#[test]
fn aarch64_abs32_takes_negative_values() {
    let build = |addend: i64| {
        let mut b = Builder::new(kind(Class::Elf64, Endian::Little, EM_AARCH64, ET_EXEC));
        let d = b.add_section(SectionSpec::new(
            &b".data"[..],
            Some(Perms::RW),
            &[0u8; 4][..],
        ));
        start_at(&mut b, d);
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 0,
            kind: R_AARCH64_ABS32,
            symbol: None,
            addend,
        });
        b
    };
    let bytes = write(&build(-268), &LayoutOptions::default()).expect("S + A = -268");
    let f = ElfFile::parse(&bytes).unwrap();
    let d = f.section_by_name(b".data").unwrap();
    assert_eq!(d.data().unwrap(), &(-268i32).to_le_bytes()[..]);
    for addend in [-(1i64 << 31) - 1, 1 << 32] {
        assert!(
            build(addend).layout(&LayoutOptions::default()).is_err(),
            "S + A = {addend:#x} accepted"
        );
    }
}

/// Bug 16 (found by the model, seed 0xe1f5eed2026 case 805): a
/// relocation that is not a TLS one against a thread-local variable
/// (whose value is an offset in the TLS segment, not an address) is
/// refused rather than made `RELATIVE` or PC-relative to an offset.
#[test]
fn non_tls_relocations_against_thread_local_variables_are_refused() {
    for (file_type, kind) in [
        (ET_DYN, R_X86_64_64),
        (ET_DYN, R_X86_64_PC32),
        (ET_EXEC, R_X86_64_32),
    ] {
        let mut b = Builder::new(FileKind::x86_64(file_type));
        let (_, v) = with_tls(&mut b, true);
        let d = b.add_section(SectionSpec::new(
            &b".data"[..],
            Some(Perms::RW),
            &[0u8; 8][..],
        ));
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 0,
            kind,
            symbol: Some(v),
            addend: 0,
        });
        assert!(
            b.layout(&LayoutOptions::default()).is_err(),
            "type {kind} against a TLS variable in file type {file_type}"
        );
    }
}

/// Bug 17 (found writing the model's rules): a TLS relocation against a
/// symbol in a TLS section that is not loaded (so in no TLS segment)
/// is refused, not resolved against address 0.
#[test]
fn tls_relocations_against_unloaded_tls_sections_are_refused() {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let (_, v) = with_tls(&mut b, false);
    let d = b.add_section(SectionSpec::new(
        &b".data"[..],
        Some(Perms::RW),
        &[0u8; 8][..],
    ));
    b.add_relocation(RelocationSpec {
        section: d,
        offset: 0,
        kind: R_X86_64_DTPOFF64,
        symbol: Some(v),
        addend: 0,
    });
    assert!(b.layout(&LayoutOptions::default()).is_err());
}

/// Bug 18 (found writing the model's rules): relocations in TLS zeros
/// (`.tbss`, which takes no room in its segment: its addresses are the
/// next sections') are refused, not applied over those sections.
#[test]
fn relocations_in_tls_zeros_are_refused() {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let tbss = b.add_section(SectionSpec::zeros(&b".tbss"[..], 16).align(8).tls());
    b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[7u8; 16][..]).align(8));
    b.add_relocation(RelocationSpec {
        section: tbss,
        offset: 0,
        kind: R_X86_64_64,
        symbol: None,
        addend: 0,
    });
    assert!(b.layout(&LayoutOptions::default()).is_err());
}

/// Bug 19 (found writing the model's rules): `R_*_NONE` does nothing,
/// in zeros too (it was refused for having no bytes to patch).
#[test]
fn none_relocations_in_zeros_are_accepted() {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let bss = b.add_section(SectionSpec::zeros(&b".bss"[..], 16));
    start_at(&mut b, bss);
    b.add_relocation(RelocationSpec {
        section: bss,
        offset: 4,
        kind: R_X86_64_NONE,
        symbol: None,
        addend: 0,
    });
    assert!(write(&b, &LayoutOptions::default()).is_some());
}

/// Bug 20 (found by the model, seed 0xe1f5eed2026 case 1036): a TLS
/// segment of zeros only keeps its `p_offset` inside the file (the
/// offset congruent to its address lay past the end).
#[test]
fn tls_zeros_alone_keep_pt_tls_inside_the_file() {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let tbss = b.add_section(SectionSpec::zeros(&b".tbss"[..], 0x100).align(0x1000).tls());
    start_at(&mut b, tbss);
    let opts = LayoutOptions {
        page_size: 0x10000,
        ..LayoutOptions::default()
    };
    let bytes = write(&b, &opts).unwrap();
    let f = ElfFile::parse(&bytes).unwrap();
    let t = f.segments().find(|p| p.p_type == PT_TLS).unwrap();
    assert_eq!((t.p_filesz, t.p_memsz, t.p_align), (0, 0x100, 0x1000));
    assert!(
        t.p_offset <= bytes.len() as u64,
        "{t:?} in {:#x} bytes",
        bytes.len()
    );
    assert!(f.segment_data(&t).is_ok());
}

/// Bug 21 (found fixing the model's 32-bit loader): a 32-bit file's
/// `R_*_RELATIVE` in `.rela.dyn` holds the link-time S + A in its
/// addend: a value that does not fit the 32-bit word is refused, as
/// the RELR form and resolved words are, not truncated.
#[test]
fn elf32_relative_addends_that_do_not_fit_are_refused() {
    let build = |addend: i64| {
        let mut b = Builder::new(kind(Class::Elf32, Endian::Little, EM_X86_64, ET_DYN));
        let d = b.add_section(SectionSpec::new(
            &b".data"[..],
            Some(Perms::RW),
            &[0u8; 4][..],
        ));
        // Far away, but in its section.
        let bss = b.add_section(SectionSpec::zeros(&b".bss"[..], 0xf000_0010));
        let far = b.add_symbol(SymbolSpec::local(&b"far"[..], bss, 0xf000_0000));
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 0,
            kind: R_X86_64_32,
            symbol: Some(far),
            addend,
        });
        b
    };
    assert!(write(&build(0x10), &LayoutOptions::default()).is_some());
    assert!(
        build(0x2000_0000)
            .layout(&LayoutOptions::default())
            .is_err(),
        "S + A past 4 GiB in an Elf32_Rela addend"
    );
}

/// A linked file cannot hold common blocks (a linker allocates them):
/// refused in executables and shared objects, kept in objects.
#[test]
fn common_symbols_only_in_objects() {
    for (file_type, ok) in [(ET_REL, true), (ET_EXEC, false), (ET_DYN, false)] {
        let mut b = Builder::new(FileKind::x86_64(file_type));
        let mut c = SymbolSpec::undefined(&b"common"[..]).object(8);
        c.place = SymbolPlace::Common;
        c.value = 8;
        b.add_symbol(c);
        assert_eq!(
            b.layout(&LayoutOptions::default()).is_ok(),
            ok,
            "a common symbol in file type {file_type}"
        );
    }
}

/// A static executable has no dynamic table: a soname or runpath is
/// refused rather than dropped; with an interpreter it is written.
#[test]
fn static_executables_refuse_soname_and_runpath() {
    for soname in [true, false] {
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        let text = b.add_section(SectionSpec::new(
            &b".text"[..],
            Some(Perms::RX),
            &[0xc3][..],
        ));
        start_at(&mut b, text);
        if soname {
            b.soname = Some((&b"libx.so.1"[..]).into());
        } else {
            b.runpath = Some((&b"$ORIGIN"[..]).into());
        }
        assert!(b.layout(&LayoutOptions::default()).is_err());
        b.interpreter = Some((&b"/lib64/ld-linux-x86-64.so.2"[..]).into());
        let bytes = write(&b, &LayoutOptions::default()).unwrap();
        let d = ElfFile::parse(&bytes).unwrap().dynamic().unwrap().unwrap();
        let tag = if soname { DT_SONAME } else { DT_RUNPATH };
        assert!(d.iter().any(|e| e.d_tag == tag));
    }
}
