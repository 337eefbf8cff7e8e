//! Images the builder makes, loaded and called in this process.

use elfin::load::{Image, Prot};
use elfin::raw::consts::*;
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, Placement, RelocationSpec, SectionSpec, SymbolSpec,
};

extern "C" fn outside_seven() -> i32 {
    7
}

/// An ET_DYN with `answer` (returns 42), `follow` (returns what the
/// pointer in .data points to: a RELATIVE relocation) and `call_out`
/// (jumps to `elfin_outside` through a word the resolver fills).
pub fn image(relr: bool) -> Builder<'static> {
    if cfg!(target_arch = "aarch64") {
        return aarch64_image(relr);
    }
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    b.relr = relr;
    let mut text = vec![0xb8, 42, 0, 0, 0, 0xc3]; // answer: mov eax, 42; ret
    let follow = text.len() as u64;
    text.extend([0x48, 0x8b, 0x05, 0, 0, 0, 0, 0x8b, 0x00, 0xc3]); // mov rax, [rip+ptr]; mov eax, [rax]; ret
    let call_out = text.len() as u64;
    text.extend([0xff, 0x25, 0, 0, 0, 0]); // jmp [rip+slot]
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), text).align(16));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), vec![0u8; 24]).align(8));
    let r = b.add_section(
        SectionSpec::new(&b".rodata"[..], Some(Perms::R), &[99u8, 0, 0, 0][..]).align(4),
    );
    b.add_symbol(SymbolSpec::global(&b"answer"[..], t, 0).function(6));
    b.add_symbol(SymbolSpec::global(&b"follow"[..], t, follow).function(10));
    b.add_symbol(SymbolSpec::global(&b"call_out"[..], t, call_out).function(6));
    let value = b.add_symbol(SymbolSpec::local(&b"value"[..], r, 0).object(4));
    let ptr = b.add_symbol(SymbolSpec::local(&b"ptr"[..], d, 0).object(8));
    let slot = b.add_symbol(SymbolSpec::local(&b"slot"[..], d, 8).object(8));
    let outside = b.add_symbol(SymbolSpec::undefined(&b"elfin_outside"[..]).function(0));
    let reloc = |section, offset, kind, symbol, addend| RelocationSpec {
        section,
        offset,
        kind,
        symbol: Some(symbol),
        addend,
    };
    b.add_relocation(reloc(t, follow + 3, R_X86_64_PC32, ptr, -4));
    b.add_relocation(reloc(t, call_out + 2, R_X86_64_PC32, slot, -4));
    b.add_relocation(reloc(d, 0, R_X86_64_64, value, 0));
    b.add_relocation(reloc(d, 8, R_X86_64_64, outside, 0));
    b
}

fn words(w: &[u32]) -> Vec<u8> {
    w.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The same three functions in AArch64 code.
fn aarch64_image(relr: bool) -> Builder<'static> {
    use elfin::read::{Class, Encoding, Endian};
    let kind = FileKind {
        encoding: Encoding {
            class: Class::Elf64,
            endian: Endian::Little,
        },
        machine: EM_AARCH64,
        file_type: ET_DYN,
    };
    let mut b = Builder::new(kind);
    b.relr = relr;
    let text = words(&[
        0x5280_0540, // answer: mov w0, #42
        0xd65f_03c0, // ret
        0x9000_0000, // follow: adrp x0, ptr
        0x9100_0000, // add x0, x0, :lo12:ptr
        0xf940_0000, // ldr x0, [x0]
        0xb940_0000, // ldr w0, [x0]
        0xd65f_03c0, // ret
        0x9000_0010, // call_out: adrp x16, slot
        0x9100_0210, // add x16, x16, :lo12:slot
        0xf940_0210, // ldr x16, [x16]
        0xd61f_0200, // br x16
    ]);
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), text).align(16));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), vec![0u8; 24]).align(8));
    let r = b.add_section(
        SectionSpec::new(&b".rodata"[..], Some(Perms::R), &[99u8, 0, 0, 0][..]).align(4),
    );
    b.add_symbol(SymbolSpec::global(&b"answer"[..], t, 0).function(8));
    b.add_symbol(SymbolSpec::global(&b"follow"[..], t, 8).function(20));
    b.add_symbol(SymbolSpec::global(&b"call_out"[..], t, 28).function(16));
    let value = b.add_symbol(SymbolSpec::local(&b"value"[..], r, 0).object(4));
    let ptr = b.add_symbol(SymbolSpec::local(&b"ptr"[..], d, 0).object(8));
    let slot = b.add_symbol(SymbolSpec::local(&b"slot"[..], d, 8).object(8));
    let outside = b.add_symbol(SymbolSpec::undefined(&b"elfin_outside"[..]).function(0));
    let reloc = |section, offset, kind, symbol| RelocationSpec {
        section,
        offset,
        kind,
        symbol: Some(symbol),
        addend: 0,
    };
    b.add_relocation(reloc(t, 8, R_AARCH64_ADR_PREL_PG_HI21, ptr));
    b.add_relocation(reloc(t, 12, R_AARCH64_ADD_ABS_LO12_NC, ptr));
    b.add_relocation(reloc(t, 28, R_AARCH64_ADR_PREL_PG_HI21, slot));
    b.add_relocation(reloc(t, 32, R_AARCH64_ADD_ABS_LO12_NC, slot));
    b.add_relocation(reloc(d, 0, R_AARCH64_ABS64, value));
    b.add_relocation(reloc(d, 8, R_AARCH64_ABS64, outside));
    b
}

pub fn bytes(relr: bool, placement: Placement) -> Vec<u8> {
    image(relr)
        .to_vec(&LayoutOptions {
            placement,
            ..LayoutOptions::default()
        })
        .unwrap()
}

fn resolver(name: &[u8], _version: Option<&[u8]>) -> Option<usize> {
    (name == b"elfin_outside").then_some(outside_seven as *const () as usize)
}

fn check(image: &Image) {
    // SAFETY: the functions above are `int f(void)`.
    unsafe {
        assert_eq!(
            image.function::<extern "C" fn() -> i32>("answer").unwrap()(),
            42
        );
        assert_eq!(
            image.function::<extern "C" fn() -> i32>("follow").unwrap()(),
            99
        );
        assert_eq!(
            image
                .function::<extern "C" fn() -> i32>("call_out")
                .unwrap()(),
            7
        );
    }
    assert!(image.address("value").is_err(), "locals are not exported");
    // Code is read+execute, nothing is writable and executable.
    assert!(image.segments().iter().any(|s| s.prot == Prot::RX));
    assert!(image.segments().iter().all(|s| s.prot != Prot::RWX));
}

#[test]
fn built_image_from_bytes_and_from_file_in_both_placements() {
    for relr in [false, true] {
        for placement in [Placement::Mmap, Placement::Compact] {
            let bytes = bytes(relr, placement);
            let elf = elfin::ElfFile::parse(&bytes).unwrap();
            let has_relr = elf.dynamic_relocations().unwrap().relr.is_some();
            assert_eq!(has_relr, relr, "the builder wrote RELR as asked");
            let image = Image::from_bytes(&bytes, resolver).unwrap();
            check(&image);
            let path = crate::tmp(&format!("built-{relr}-{placement:?}.so"));
            std::fs::write(&path, &bytes).unwrap();
            let image = Image::load(&path, resolver).unwrap();
            check(&image);
        }
    }
}

#[test]
fn an_unknown_outside_symbol_is_refused() {
    let bytes = bytes(false, Placement::Mmap);
    let err = Image::from_bytes(&bytes, elfin::load::NoSymbols).unwrap_err();
    assert!(
        matches!(&err, elfin::load::Error::UndefinedSymbol { name, .. } if name == "elfin_outside"),
        "{err}"
    );
}
