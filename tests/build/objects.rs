//! Assemblers' objects, linked by the builder: every allocated section,
//! symbol and relocation of the object, read through elfin's reader and
//! handed to the builder as they are. GNU ld links the same object with
//! each section where elfin put it, and both must write the same bytes.

use crate::*;
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, RelocationSpec, SectionSpec, SymbolPlace, SymbolSpec,
};
use std::process::Command;

/// Assembles `src` with `tool` (and `args`), a tool the test has
/// `require`d.
pub fn assemble(tool: &str, args: &[&str], src: &str, name: &str) -> Vec<u8> {
    let s = tmp(&format!("{name}.s"));
    std::fs::write(&s, src).unwrap();
    let o = tmp(&format!("{name}.in.o"));
    let st = Command::new(tool)
        .args(args)
        .arg(&s)
        .arg("-o")
        .arg(&o)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    std::fs::read(&o).unwrap()
}

/// The builder's file of type `file_type` holding `obj`'s allocated
/// sections, symbols and relocations, with `absolute` symbols (undefined
/// in the object) given these values, as `ld --defsym` gives them; the
/// names of the allocated sections that are not empty. `_start`, if any, is the entry.
pub fn from_object(
    obj: &[u8],
    kind: FileKind,
    absolute: &[(&str, u64)],
) -> (Builder<'static>, Vec<String>) {
    let elf = ElfFile::parse(obj).unwrap();
    assert_eq!(elf.header().e_type, ET_REL);
    let mut b = Builder::new(kind);
    b.flags = elf.header().e_flags;
    let mut ids = vec![None; elf.section_count()];
    let mut names = Vec::new();
    for sec in elf.sections() {
        let h = *sec.header();
        if h.sh_flags & SHF_ALLOC == 0 {
            continue;
        }
        let name = sec.name().unwrap().to_vec();
        if h.sh_size > 0 {
            // ld drops empty sections.
            names.push(String::from_utf8(name.clone()).unwrap());
        }
        let perms = if h.sh_flags & SHF_EXECINSTR != 0 {
            Perms::RX
        } else if h.sh_flags & SHF_WRITE != 0 {
            Perms::RW
        } else {
            Perms::R
        };
        let mut spec = if h.sh_type == SHT_NOBITS {
            let mut z = SectionSpec::zeros(name, h.sh_size);
            z.perms = Some(perms);
            z
        } else {
            SectionSpec::new(name, Some(perms), sec.data().unwrap().to_vec())
        };
        spec = spec.align(h.sh_addralign.max(1));
        if h.sh_flags & SHF_TLS != 0 {
            spec = spec.tls();
        }
        ids[sec.index()] = Some(b.add_section(spec));
    }
    let symtab = elf.symbol_table().unwrap().unwrap();
    let mut syms = vec![None; symtab.raw().len()];
    for (k, s) in symtab.raw().iter().enumerate().skip(1) {
        if s.kind() == STT_FILE {
            continue;
        }
        let name = symtab.name(&s).unwrap().to_vec();
        let mut spec = SymbolSpec::undefined(name.clone());
        spec.bind = s.bind();
        spec.kind = s.kind();
        spec.other = s.st_other;
        spec.size = s.st_size;
        spec.value = s.st_value;
        spec.place = match s.st_shndx {
            SHN_UNDEF => match absolute.iter().find(|(n, _)| n.as_bytes() == name) {
                Some(&(_, v)) => {
                    spec.value = v;
                    SymbolPlace::Absolute
                }
                None => SymbolPlace::Undefined,
            },
            SHN_ABS => SymbolPlace::Absolute,
            i => match ids.get(usize::from(i)).copied().flatten() {
                Some(id) => SymbolPlace::Section(id),
                None => continue,
            },
        };
        let id = b.add_symbol(spec);
        if name == b"_start" {
            b.entry = Some(id);
        }
        syms[k] = Some(id);
    }
    for sec in elf.sections() {
        let Some(table) = elf.relocation_table(&sec).unwrap() else {
            continue;
        };
        let Some(target) = ids[sec.header().sh_info as usize] else {
            continue;
        };
        for r in table.as_fixed().unwrap().iter() {
            b.add_relocation(RelocationSpec {
                section: target,
                offset: r.offset,
                kind: r.kind,
                symbol: (r.symbol != 0).then(|| syms[r.symbol as usize].unwrap()),
                addend: r.addend.unwrap(),
            });
        }
    }
    (b, names)
}

/// Links `obj` with the builder into a static executable and with GNU ld
/// (`ld`, with `ld_args`; required by the test) at the same addresses; every allocated
/// section's bytes must agree. Returns the builder's file.
pub fn linked_like_ld(
    obj: &[u8],
    kind: FileKind,
    absolute: &[(&str, u64)],
    ld: &str,
    ld_args: &[&str],
    name: &str,
) -> Vec<u8> {
    let (b, sections) = from_object(obj, kind, absolute);
    let bytes = round_trip(&b, &LayoutOptions::default());
    let path = save(name, &bytes, true);
    let mut args = vec!["-static", "-e", "_start"];
    args.extend_from_slice(ld_args);
    let defsyms: Vec<String> = absolute
        .iter()
        .map(|(n, v)| format!("--defsym={n}={v:#x}"))
        .collect();
    args.extend(defsyms.iter().map(String::as_str));
    let names: Vec<&str> = sections.iter().map(String::as_str).collect();
    let theirs = ld_agrees(ld, &args, obj, &bytes, &names, &names, name).expect("ld is required");
    lint_like(&path, &save(&format!("{name}.ld"), &theirs, false));
    bytes
}

/// Every AArch64 type of the LDR/STR, ADR, branch, MOVW and 16/32/64-bit
/// data families that compilers emit, as GNU ld resolves them.
#[test]
fn aarch64_types_resolve_like_gnu_ld() {
    let src = "
.text
.globl _start
.type _start, %function
_start:
  adrp x1, tbl
  ldrb w2, [x1, :lo12:tbl]
  ldrh w3, [x1, :lo12:tbl+2]
  ldr w4, [x1, :lo12:tbl+4]
  ldr x5, [x1, :lo12:tbl+8]
  ldr q0, [x1, :lo12:tbl+16]
  str x5, [x1, :lo12:tbl+8]
  add x1, x1, :lo12:tbl
  adr x6, far_label
  movz x7, :abs_g3:tbl
  movk x7, :abs_g2_nc:tbl
  movk x7, :abs_g1_nc:tbl
  movk x7, :abs_g0_nc:tbl
  movz x8, :abs_g2:tbl
  movz x8, :abs_g1:tbl
  movz x8, :abs_g0:small
  cbz x2, far_label
  cmp x2, x2
  b.ne far_label
  tbz w2, #0, far_label
  tbnz x2, #33, far_label
  ldr x9, lit
  bl far_label
  b done
.section .far,\"ax\",%progbits
far_label:
  ret
done:
  mov x8, #93
  mov x0, #0
  svc #0
lit: .quad 7
.section .rodata,\"a\",%progbits
.hword tbl - .
.hword small
.hword small + 0x100
.balign 4
.word tbl - .
.word tbl
.quad tbl - .
.quad tbl + 3
.data
.balign 16
tbl: .byte 1, 0
 .hword 2
 .word 3
 .quad 4
 .quad 5, 6
";
    if !require_lint(&[
        "aarch64-linux-gnu-as",
        "aarch64-linux-gnu-ld",
        "qemu-aarch64",
    ]) {
        return;
    }
    let obj = assemble("aarch64-linux-gnu-as", &[], src, "a64-types");
    linked_like_ld(
        &obj,
        FileKind::aarch64(ET_EXEC),
        &[("small", 0x42)],
        "aarch64-linux-gnu-ld",
        &[],
        "a64-types",
    );
    // The branches not taken, the call returning, the jump reaching exit(0).
    assert_eq!(qemu("qemu-aarch64", &tmp("a64-types")), Some(0));
}

/// ILP32's twins of the same types.
#[test]
fn aarch64_ilp32_types_resolve_like_gnu_ld() {
    let src = "
.text
.globl _start
_start:
  adrp x1, tbl
  ldrb w2, [x1, :lo12:tbl]
  ldrh w3, [x1, :lo12:tbl+2]
  ldr w4, [x1, :lo12:tbl+4]
  ldr x5, [x1, :lo12:tbl+8]
  ldr q0, [x1, :lo12:tbl+16]
  adr x6, far_label
  movz x7, :abs_g1:tbl
  movk x7, :abs_g0_nc:tbl
  movz x8, :abs_g0:small
  cbz x2, far_label
  tbz w2, #0, far_label
  ldr w9, lit
  bl far_label
  ret
.section .far,\"ax\",%progbits
far_label:
  ret
lit: .word 7
.section .rodata,\"a\",%progbits
.hword tbl - .
.hword small
.balign 4
.word tbl - .
.word tbl
.data
.balign 16
tbl: .byte 1, 0
 .hword 2
 .word 3
 .quad 4
 .quad 5, 6
";
    if !require_lint(&["aarch64-linux-gnu-as", "aarch64-linux-gnu-ld"]) {
        return;
    }
    let obj = assemble("aarch64-linux-gnu-as", &["-mabi=ilp32"], src, "p32-types");
    let mut kind = FileKind::aarch64(ET_EXEC);
    kind.encoding.class = elfin::read::Class::Elf32;
    linked_like_ld(
        &obj,
        kind,
        &[("small", 0x42)],
        "aarch64-linux-gnu-ld",
        &["-m", "aarch64linux32"],
        "p32-types",
    );
}

/// x86-64's 8/16-bit, PC8/PC16 and SIZE types, as GNU ld resolves them.
#[test]
fn x86_64_types_resolve_like_gnu_ld() {
    let src = "
.text
.globl _start
.type _start, @function
_start:
  mov $60, %eax
  xor %edi, %edi
  syscall
  .byte near - .
  .word near - . + 2
  .byte small
  .word small + 0x1000
  .long data@SIZE
  .quad data@SIZE + 8
  .long data - . - 4
  .quad data - .
.section .near,\"ax\",@progbits
near:
  ret
.data
.globl data
.type data, @object
.size data, 24
data: .quad 1, 2, 3
";
    if !require_lint(&["as", "ld"]) {
        return;
    }
    let obj = assemble("as", &[], src, "x64-types");
    linked_like_ld(
        &obj,
        FileKind::x86_64(ET_EXEC),
        &[("small", 0x42)],
        "ld",
        &[],
        "x64-types",
    );
    if is_x86_64_linux() {
        let st = Command::new(tmp("x64-types")).status().unwrap();
        assert_eq!(st.code(), Some(0));
    }
}
