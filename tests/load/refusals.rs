//! Each refusal of the loader, on a built image with one field patched.

use crate::built;
use elfin::ElfFile;
use elfin::load::{Error, Image, LoadOptions, NoSymbols};
use elfin::raw::consts::*;
use elfin::write::{Builder, FileKind, LayoutOptions, Perms, Placement, SectionSpec, SymbolSpec};

fn resolver(name: &[u8], _: Option<&[u8]>) -> Option<usize> {
    (name == b"elfin_outside").then_some(0x1000)
}

fn image() -> Vec<u8> {
    built::bytes(false, Placement::Compact)
}

/// The file offset of program header `i`'s field at `field`.
fn phdr_field(bytes: &[u8], i: usize, field: usize) -> usize {
    let e = ElfFile::parse(bytes).unwrap();
    e.header().e_phoff as usize + i * 56 + field
}

/// The index of the `n`th program header of type `t`.
fn nth(bytes: &[u8], t: u32, n: usize) -> usize {
    let e = ElfFile::parse(bytes).unwrap();
    e.segments()
        .enumerate()
        .filter(|(_, p)| p.p_type == t)
        .nth(n)
        .unwrap()
        .0
}

fn put32(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put64(bytes: &mut [u8], at: usize, v: u64) {
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn get64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

fn load(bytes: &[u8]) -> Error {
    Image::from_bytes(bytes, resolver).unwrap_err()
}

/// The writable PT_LOAD's index.
fn writable(bytes: &[u8]) -> usize {
    let e = ElfFile::parse(bytes).unwrap();
    e.segments()
        .enumerate()
        .find(|(_, p)| p.p_type == PT_LOAD && p.is_write())
        .unwrap()
        .0
}

#[test]
fn writable_and_executable_segment() {
    let mut b = image();
    let w = writable(&b);
    let at = phdr_field(&b, w, 4);
    put32(&mut b, at, PF_R | PF_W | PF_X);
    let err = load(&b);
    assert!(
        matches!(err, Error::WritableAndExecutable { segment, .. } if segment == w),
        "{err}"
    );
    let opts = LoadOptions {
        allow_write_exec: true,
        ..LoadOptions::default()
    };
    let image = Image::from_bytes_with(&b, &opts, resolver).expect("allowed by the caller");
    let s = image.segments().iter().find(|s| s.index == w).unwrap();
    assert_eq!(s.prot, elfin::load::Prot::RWX);
    // The kernel maps its pages readable, writable and executable.
    assert_eq!(maps_perms(s.address), "rwxp");
}

/// The permissions `/proc/self/maps` shows for the mapping holding `at`.
fn maps_perms(at: usize) -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    maps.lines()
        .find_map(|l| {
            let mut t = l.split_whitespace();
            let (lo, hi) = t.next()?.split_once('-')?;
            let (lo, hi) = (
                usize::from_str_radix(lo, 16).ok()?,
                usize::from_str_radix(hi, 16).ok()?,
            );
            (lo <= at && at < hi).then(|| t.next().unwrap().to_owned())
        })
        .unwrap_or_else(|| panic!("{at:#x} is not mapped"))
}

#[test]
fn overlapping_segments() {
    let mut b = image();
    let (first, second) = (nth(&b, PT_LOAD, 0), nth(&b, PT_LOAD, 1));
    let v = get64(&b, phdr_field(&b, first, 16));
    let off = get64(&b, phdr_field(&b, second, 8));
    // Same page offset as its file offset, but inside the first segment.
    let at = phdr_field(&b, second, 16);
    put64(&mut b, at, v + off % 0x1000);
    let err = load(&b);
    assert!(
        matches!(err, Error::Overlap { segment, other, .. } if segment == second && other == first),
        "{err}"
    );
}

#[test]
fn segment_outside_the_file() {
    let mut b = image();
    let w = writable(&b);
    let len = b.len() as u64;
    let at = phdr_field(&b, w, 8);
    put64(&mut b, at, len - 8);
    let err = load(&b);
    assert!(
        matches!(err, Error::OutsideFile { segment, file_len, .. } if segment == w && file_len == len),
        "{err}"
    );
}

#[test]
fn file_size_over_memory_size() {
    let mut b = image();
    let w = writable(&b);
    let filesz = get64(&b, phdr_field(&b, w, 32));
    let at = phdr_field(&b, w, 40);
    put64(&mut b, at, filesz - 1);
    let err = load(&b);
    assert!(
        matches!(err, Error::FileSizeOverMemSize { segment, .. } if segment == w),
        "{err}"
    );
}

#[test]
fn alignment_it_cannot_honour() {
    let mut b = image();
    let w = writable(&b);
    let at = phdr_field(&b, w, 48);
    put64(&mut b, at, 0x3000);
    let err = load(&b);
    assert!(
        matches!(err, Error::Alignment { segment, align: 0x3000, .. } if segment == w),
        "{err}"
    );
    // An address not congruent to its offset modulo the page.
    let mut b = image();
    let at = phdr_field(&b, w, 16);
    let v = get64(&b, at);
    put64(&mut b, at, v + 1);
    let err = load(&b);
    assert!(
        matches!(err, Error::Alignment { segment, .. } if segment == w),
        "{err}"
    );
}

#[test]
fn unknown_relocation_type() {
    let mut b = image();
    let at = first_rela(&b);
    put32(&mut b, at + 8, 200); // r_info's type (low word)
    let err = load(&b);
    assert!(
        matches!(
            err,
            Error::UnknownRelocation {
                table: "DT_RELA",
                index: 0,
                kind: 200,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn irelative_unless_allowed() {
    let mut b = image();
    let at = first_rela(&b);
    let machine = ElfFile::parse(&b).unwrap().machine();
    let arch = elfin::arch::Arch::new(machine, elfin::read::Class::Elf64).unwrap();
    put32(&mut b, at + 8, arch.dynamic_types().irelative);
    let offset = get64(&b, at);
    let err = load(&b);
    assert!(
        matches!(err, Error::IRelative { offset: o } if o == offset),
        "{err}"
    );
}

/// The file offset of the first DT_RELA entry.
fn first_rela(bytes: &[u8]) -> usize {
    let e = ElfFile::parse(bytes).unwrap();
    let d = e.dynamic().unwrap().unwrap();
    let addr = d.get(DT_RELA).expect("a DT_RELA table");
    e.vaddr_to_offset(addr).unwrap() as usize
}

#[test]
fn thread_local_storage() {
    let mut b = image();
    let stack = nth(&b, PT_GNU_STACK, 0);
    let at = phdr_field(&b, stack, 0);
    put32(&mut b, at, PT_TLS);
    let err = load(&b);
    assert!(
        matches!(err, Error::Tls { segment } if segment == stack),
        "{err}"
    );
}

#[test]
fn undefined_symbol() {
    let err = Image::from_bytes(&image(), NoSymbols).unwrap_err();
    assert!(
        matches!(&err, Error::UndefinedSymbol { name, .. } if name == "elfin_outside"),
        "{err}"
    );
}

/// An x86-64 `ET_EXEC` at `base` whose entry is `mov eax, 42; ret`.
fn exec_at(base: u64) -> Vec<u8> {
    let code = [0xb8, 42, 0, 0, 0, 0xc3];
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), &code[..]).align(16));
    let s = b.add_symbol(SymbolSpec::global(&b"_start"[..], t, 0).function(6));
    b.entry = Some(s);
    b.to_vec(&LayoutOptions {
        base: Some(base),
        ..LayoutOptions::default()
    })
    .unwrap()
}

#[test]
fn fixed_addresses_in_use() {
    if !cfg!(target_arch = "x86_64") {
        eprintln!("SKIP: fixed_addresses_in_use: x86-64 code, not this machine");
        return;
    }
    let bytes = exec_at(0x7e00_0000_0000);
    let first = Image::from_bytes(&bytes, NoSymbols).unwrap();
    assert_eq!(first.bias(), 0, "ET_EXEC loads at its own addresses");
    // SAFETY: the entry is `mov eax, 42; ret`.
    let f: extern "C" fn() -> i32 = unsafe { std::mem::transmute(first.entry()) };
    assert_eq!(f(), 42);
    let err = Image::from_bytes(&bytes, NoSymbols).unwrap_err();
    assert!(matches!(err, Error::AddressTaken { .. }), "{err}");
}

/// An `ET_EXEC` whose segments start at address 0: a privileged process
/// may map the null page (the fuzzer, run as root, did), but loading there
/// is refused, whoever runs it.
#[test]
fn fixed_addresses_in_the_null_page() {
    if !cfg!(target_arch = "x86_64") {
        eprintln!("SKIP: fixed_addresses_in_the_null_page: x86-64 code, not this machine");
        return;
    }
    let bytes = exec_at(0);
    let err = Image::from_bytes(&bytes, NoSymbols).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what, value: 0 } if what.contains("null page")),
        "{err}"
    );
    let path = crate::tmp("null-page-exec");
    std::fs::write(&path, &bytes).unwrap();
    let err = Image::load(&path, NoSymbols).unwrap_err();
    assert!(matches!(&err, Error::Unsupported { value: 0, .. }), "{err}");
}

/// An ET_REL for this process's machine: eight bytes of `.data` holding
/// the address of `here`, a global at their start (one absolute 64-bit
/// relocation, `.rela.data` entry 0).
fn object_with_one_relocation() -> Vec<u8> {
    let abs64 = if cfg!(target_arch = "aarch64") {
        R_AARCH64_ABS64
    } else {
        R_X86_64_64
    };
    let mut b = Builder::new(crate::host_kind(ET_REL));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), vec![0u8; 8]).align(8));
    let here = b.add_symbol(SymbolSpec::global(&b"here"[..], d, 0).object(8));
    b.add_relocation(elfin::write::RelocationSpec {
        section: d,
        offset: 0,
        kind: abs64,
        symbol: Some(here),
        addend: 0,
    });
    b.to_vec(&LayoutOptions::default()).unwrap()
}

#[test]
fn relocation_symbol_past_the_symbol_table() {
    let mut bytes = object_with_one_relocation();
    // As built it links, and the relocation puts `here`'s address there.
    let linked = elfin::load::Linked::link(&[&bytes[..]], resolver).unwrap();
    let here = linked.address("here").unwrap();
    // SAFETY: `here` is the linked `.data`'s first eight bytes, alive
    // with `linked`.
    assert_eq!(unsafe { (here as *const u64).read() }, here as u64);
    drop(linked);

    let e = ElfFile::parse(&bytes).unwrap();
    let (rela, symbols) = {
        let rela = e.sections().find(|s| s.header().sh_type == SHT_RELA);
        let symtab = e.sections().find(|s| s.header().sh_type == SHT_SYMTAB);
        let (rela, symtab) = (*rela.unwrap().header(), *symtab.unwrap().header());
        (rela.sh_offset as usize, symtab.sh_size / symtab.sh_entsize)
    };
    // r_info's symbol (high word) of entry 0: one past the last symbol.
    put32(&mut bytes, rela + 12, symbols as u32);
    let err = elfin::load::Linked::link(&[&bytes[..]], resolver).unwrap_err();
    assert!(
        matches!(
            err,
            Error::SymbolIndex { index: 0, offset: 0, symbol, count, .. }
                if symbol == symbols && count as u64 == symbols
        ),
        "{err}"
    );
    assert!(err.to_string().contains("entry 0"), "{err}");
}
