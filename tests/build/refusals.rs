//! What the builder refuses instead of writing a file that eu-elflint or
//! the kernel would reject, each with an error naming the symbol or
//! section by index and name; plans that cannot be broken; `flags` that
//! adds.

use elfin::raw::consts::*;
use elfin::write::{
    Builder, ErrorKind, FileKind, LayoutOptions, Perms, Placement, SectionSpec, Subject, SymbolSpec,
};

/// A static x86-64 executable: `.text` (a `ret`), `.data` (8 bytes) and
/// `_start`.
fn program() -> Builder<'static> {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let text = b.add_section(SectionSpec::new(
        &b".text"[..],
        Some(Perms::RX),
        &[0xc3][..],
    ));
    b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(8));
    let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(1));
    b.entry = Some(start);
    b
}

fn refusal(b: &Builder<'_>, opts: &LayoutOptions) -> elfin::write::Error {
    match b.layout(opts) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

#[test]
fn a_symbol_past_the_end_of_its_section_is_refused_by_name() {
    let mut b = program();
    let data = elfin::write::SectionId::from_index(1);
    b.add_symbol(SymbolSpec::global(&b"table"[..], data, 4).object(8));
    let e = refusal(&b, &LayoutOptions::default());
    assert_eq!(
        e.subject(),
        &Subject::Symbol {
            index: 1,
            name: "table".into()
        },
        "{e}"
    );
    assert!(e.to_string().starts_with("symbol 1 (table): "), "{e}");
    // Up to the end is fine.
    b.section_mut(data).unwrap().data = elfin::write::SectionData::Bytes(vec![0u8; 12].into());
    assert!(b.layout(&LayoutOptions::default()).is_ok());
}

#[test]
fn two_global_definitions_of_one_name_are_refused() {
    let mut b = program();
    let data = elfin::write::SectionId::from_index(1);
    b.add_symbol(SymbolSpec::global(&b"_start"[..], data, 0));
    let e = refusal(&b, &LayoutOptions::default());
    assert!(e.to_string().starts_with("symbol 1 (_start): "), "{e}");
    assert!(
        matches!(e.kind(), ErrorKind::Invalid { value: 0, .. }),
        "names the first definition: {e}"
    );
    // A weak one beside a global one is what linkers accept.
    let mut b = program();
    b.add_symbol(SymbolSpec::global(&b"_start"[..], data, 0).weak());
    assert!(b.layout(&LayoutOptions::default()).is_ok());
}

/// The same among thousands of copies of the name (locals, weak ones),
/// which the string table's sort finds as one run of equal names: the
/// second global definition is named, with the first.
#[test]
fn two_global_definitions_among_many_copies_are_refused() {
    let data = elfin::write::SectionId::from_index(1);
    let many = |globals: &[usize]| {
        let mut b = program();
        for i in 1..6000 {
            let spec = if globals.contains(&i) {
                SymbolSpec::global(&b"dup"[..], data, 0)
            } else if i % 2 == 0 {
                SymbolSpec::global(&b"dup"[..], data, 0).weak()
            } else {
                SymbolSpec::local(&b"dup"[..], data, 0)
            };
            b.add_symbol(spec);
        }
        b
    };
    let e = refusal(&many(&[2001, 4001]), &LayoutOptions::default());
    assert!(e.to_string().starts_with("symbol 4001 (dup): "), "{e}");
    assert!(
        matches!(e.kind(), ErrorKind::Invalid { value: 2001, .. }),
        "names the first definition: {e}"
    );
    // One global definition among weak and local copies is accepted.
    assert!(many(&[3001]).layout(&LayoutOptions::default()).is_ok());
}

#[test]
fn an_executable_without_an_entry_point_is_refused() {
    let mut b = program();
    b.entry = None;
    let e = refusal(&b, &LayoutOptions::default());
    assert_eq!(e.subject(), &Subject::File);
    assert!(e.to_string().contains("entry point"), "{e}");
    // A shared object needs none.
    let mut b = program();
    b.kind = FileKind::x86_64(ET_DYN);
    b.entry = None;
    assert!(b.layout(&LayoutOptions::default()).is_ok());
}

#[test]
fn an_unaligned_base_is_refused_in_both_placements() {
    for placement in [Placement::Compact, Placement::Mmap] {
        let opts = LayoutOptions {
            placement,
            base: Some(0x40_0800),
            ..LayoutOptions::default()
        };
        let e = refusal(&program(), &opts);
        assert_eq!(e.subject(), &Subject::Layout, "{placement:?}: {e}");
        assert!(e.to_string().contains("base address"), "{e}");
    }
}

#[test]
fn a_huge_alignment_is_refused_before_allocating() {
    let mut b = program();
    b.add_section(SectionSpec::new(&b".huge"[..], Some(Perms::R), &[1u8; 4][..]).align(1 << 40));
    let e = refusal(&b, &LayoutOptions::default());
    assert!(
        matches!(e.kind(), ErrorKind::TooLarge { size, .. } if *size >= 1 << 40),
        "{e}"
    );
    // A bound the caller raises lets the plan through (written it would
    // take a terabyte, so it is not).
    let opts = LayoutOptions {
        max_padding: u64::MAX,
        ..LayoutOptions::default()
    };
    assert!(b.layout(&opts).is_ok_and(|p| p.file_size() > 1 << 40));
}

#[test]
fn section_errors_name_the_section() {
    let mut b = program();
    b.add_section(SectionSpec::new(&b".odd"[..], Some(Perms::R), &[1u8; 4][..]).align(3));
    let e = refusal(&b, &LayoutOptions::default());
    assert_eq!(
        e.subject(),
        &Subject::Section {
            index: 2,
            name: ".odd".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "section 2 (.odd): alignment (not a power of two) has bad value 0x3"
    );
}

#[test]
fn relocation_errors_name_the_relocation_in_its_section_and_its_symbol() {
    let mut b = program();
    let data = elfin::write::SectionId::from_index(1);
    let start = elfin::write::SymbolId::from_index(0);
    for offset in [0, 4] {
        b.add_relocation(elfin::write::RelocationSpec {
            section: data,
            offset,
            kind: R_X86_64_32,
            symbol: Some(start),
            addend: 0,
        });
    }
    // The second of .data's relocations runs past its section.
    b.add_relocation(elfin::write::RelocationSpec {
        section: data,
        offset: 8,
        kind: R_X86_64_32,
        symbol: Some(start),
        addend: 0,
    });
    let e = refusal(&b, &LayoutOptions::default());
    assert!(
        e.to_string()
            .starts_with("relocation 2 of section 1 (.data) against symbol 0 (_start): "),
        "{e}"
    );
}

#[test]
fn flags_add_to_what_the_section_has() {
    let s = SectionSpec::zeros(&b".tbss"[..], 8).tls().flags(SHF_MERGE);
    assert_eq!(s.sh_flags() & (SHF_TLS | SHF_MERGE), SHF_TLS | SHF_MERGE);
}

#[test]
fn a_plan_is_written_only_by_its_own_builder() {
    let b = program();
    let plan = b.layout(&LayoutOptions::default()).unwrap();
    let twin = b.clone();
    let e = twin.write(&plan).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::WrongPlan);
    let mut buf = vec![0u8; plan.file_size() as usize];
    assert!(twin.write_into(&plan, &mut buf).is_err());
    let bytes = b.write(&plan).unwrap();
    // The plan's accessors say what the file holds.
    let f = elfin::ElfFile::parse(&bytes).unwrap();
    let text = elfin::write::SectionId::from_index(0);
    let at = plan.section(text).unwrap().header.sh_addr;
    let index = plan.section_index(text).unwrap() as usize;
    assert_eq!(f.section(index).unwrap().header().sh_addr, at);
    assert_eq!(
        plan.symbol_value(elfin::write::SymbolId::from_index(0)),
        Some(f.header().e_entry)
    );
    assert_eq!(f.segments().collect::<Vec<_>>(), plan.segments());
}

#[test]
fn a_second_init_array_is_refused_by_name() {
    // DT_INIT_ARRAY points at one array: a second would never run.
    let mut b = program();
    for name in [&b".init_array"[..], &b".init_array.2"[..]] {
        b.add_section(
            SectionSpec::new(name, Some(Perms::RW), &[0u8; 8][..])
                .kind(SHT_INIT_ARRAY)
                .align(8),
        );
    }
    let e = refusal(&b, &LayoutOptions::default());
    assert_eq!(
        e.subject(),
        &Subject::Section {
            index: 3,
            name: ".init_array.2".into()
        },
        "{e}"
    );
    assert!(e.to_string().contains("second init"), "{e}");
}
