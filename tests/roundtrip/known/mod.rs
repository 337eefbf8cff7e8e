//! Minimal reproducers of the builder and rewriter bugs the round-trip
//! properties found, numbered as in FUZZING.md. Each asserts the right
//! behaviour; one for an open bug is `#[ignore]`d until it is fixed
//! (`cargo test --test roundtrip known -- --ignored`).

use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::read::{Class, Encoding, Endian, HashTable, Relocation};
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, Placement, RelocationSpec, Rewriter, SectionId,
    SectionSpec, SymbolId, SymbolPlace, SymbolSpec,
};

/// An executable's entry point at the start of `section` (the builder
/// refuses an executable without one).
fn start_at(b: &mut Builder<'_>, section: SectionId) {
    let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], section, 0));
    b.entry = Some(start);
}

fn kind(class: Class, endian: Endian, machine: u16, file_type: u16) -> FileKind {
    FileKind {
        encoding: Encoding { class, endian },
        machine,
        file_type,
    }
}

fn write(b: &Builder<'_>, opts: &LayoutOptions) -> Option<Vec<u8>> {
    let plan = b.layout(opts).ok()?;
    Some(b.write(&plan).expect("write after a successful layout"))
}

fn dynamic_relocations(f: &ElfFile<'_>) -> Vec<Relocation> {
    let d = f.dynamic_relocations().unwrap();
    [d.rela, d.rel, d.relr]
        .into_iter()
        .flatten()
        .flat_map(|t| t.iter().collect::<Vec<_>>())
        .collect()
}

/// A thread-local section and a variable in it, for the TLS cases.
fn with_tls(b: &mut Builder<'static>, loaded: bool) -> (SectionId, SymbolId) {
    let mut t = SectionSpec::new(&b".tdata"[..], Some(Perms::RW), &[1u8; 8][..])
        .align(8)
        .tls();
    if !loaded {
        t.perms = None;
    }
    let t = b.add_section(t);
    let v = b.add_symbol(SymbolSpec::global(&b"tv"[..], t, 4).tls(4));
    (t, v)
}

fn corpus(rel: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    std::fs::read(&p).unwrap()
}

fn rewrite(data: &[u8]) -> Vec<u8> {
    Rewriter::new(&ElfFile::parse(data).unwrap())
        .unwrap()
        .write()
        .unwrap()
}

/// Sets a field of section header `index`: (ELF64 offset, size).
fn set_shdr(data: &mut [u8], index: usize, field: usize, value: u64) {
    let f = ElfFile::parse(data).unwrap();
    assert_eq!(f.class(), Class::Elf64);
    let at = f.header().e_shoff as usize + index * 64 + field;
    data[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

mod builder;
mod builder_tls;
mod rewriter;
