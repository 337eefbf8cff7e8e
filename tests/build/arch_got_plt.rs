//! `elfin::arch` on its own, against GNU ld: the GOT-relative types
//! computed from the GOT entries and GOT address ld chose, and the PLT
//! header and entries written for ld's addresses, byte for byte.

use crate::objects::assemble;
use crate::*;
use elfin::ElfFile;
use elfin::arch::{Arch, Inputs, PltEntry, Value, riscv64};
use elfin::raw::consts::*;
use std::collections::HashMap;
use std::process::Command;

/// Links `obj` with `ld` (required by the test) and `args`.
fn ld_link(ld: &str, args: &[&str], obj: &[u8], name: &str) -> Vec<u8> {
    let o = save(&format!("{name}.o"), obj, false);
    let out = tmp(name);
    let st = Command::new(ld)
        .args(args)
        .arg("-o")
        .arg(&out)
        .arg(&o)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{ld}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    std::fs::read(&out).unwrap()
}

/// Applies every relocation of `obj`'s allocated sections with
/// `elfin::arch`, taking S, Z, GOT and each G from ld's output `linked`
/// (a static link: each GOT entry holds its symbol's address), and
/// checks that the sections then hold ld's bytes.
fn arch_agrees_with_ld(obj: &[u8], linked: &[u8], name: &str) {
    let o = ElfFile::parse(obj).unwrap();
    let l = ElfFile::parse(linked).unwrap();
    let arch = Arch::new(o.machine(), o.class()).unwrap();
    let word = arch.word() as usize;
    let lsyms = l.symbol_table().unwrap().unwrap();
    let by_name: HashMap<Vec<u8>, (u64, u64)> = lsyms
        .raw()
        .iter()
        .map(|s| (lsyms.name(&s).unwrap().to_vec(), (s.st_value, s.st_size)))
        .collect();
    let got = by_name
        .get(&b"_GLOBAL_OFFSET_TABLE_"[..])
        .map_or(0, |v| v.0);
    let got_words: Vec<(u64, u64)> = [&b".got"[..], b".got.plt"]
        .iter()
        .filter_map(|n| l.section_by_name(n))
        .flat_map(|s| {
            let (addr, d) = (s.header().sh_addr, s.data().unwrap().to_vec());
            d.chunks_exact(word)
                .enumerate()
                .map(|(k, c)| {
                    let mut b = [0u8; 8];
                    b[..word].copy_from_slice(c);
                    (addr + (k * word) as u64, u64::from_le_bytes(b))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let osyms = o.symbol_table().unwrap().unwrap();
    // S and Z of the object's symbol `i`, by ld's placement.
    let sym = |i: u32| -> (u64, u64) {
        let s = osyms.raw().get(i as usize).unwrap();
        if s.st_shndx != SHN_UNDEF && s.st_shndx < SHN_LORESERVE {
            // One input: each section keeps its offsets in ld's output.
            let sec = o.section(usize::from(s.st_shndx)).unwrap();
            let lsec = l.section_by_name(sec.name().unwrap()).unwrap();
            return (lsec.header().sh_addr + s.st_value, s.st_size);
        }
        let n = osyms.name(&s).unwrap();
        *by_name
            .get(n)
            .unwrap_or_else(|| panic!("{name}: ld has no {}", String::from_utf8_lossy(n)))
    };
    let mut checked = 0;
    for sec in o.sections() {
        let Some(table) = o.relocation_table(&sec).unwrap() else {
            continue;
        };
        let target = o.section(sec.header().sh_info as usize).unwrap();
        let tname = target.name().unwrap();
        let Some(lsec) = l.section_by_name(tname) else {
            continue;
        };
        let base = lsec.header().sh_addr;
        let mut bytes = target.data().unwrap().to_vec();
        let relocs: Vec<_> = table.as_fixed().unwrap().iter().collect();
        // RISC-V's PCREL_LO12 take the value of the HI20 at their label.
        let mut hi = HashMap::new();
        for r in &relocs {
            if riscv64::is_pcrel_hi(r.kind) {
                let h = arch.howto(r.kind).unwrap();
                let (s, _) = sym(r.symbol);
                let g = got_words.iter().find(|w| w.1 == s).map_or(0, |w| w.0);
                let q = Inputs {
                    s,
                    a: r.addend.unwrap(),
                    p: base + r.offset,
                    g,
                    ..Inputs::default()
                };
                hi.insert(base + r.offset, h.value.compute(&q));
            }
        }
        for r in &relocs {
            let h = arch
                .howto(r.kind)
                .unwrap_or_else(|| panic!("{name}: type {}", r.kind));
            let (s, z) = if r.symbol == 0 { (0, 0) } else { sym(r.symbol) };
            let a = r.addend.unwrap();
            let g = got_words.iter().find(|w| w.1 == s).map_or(0, |w| w.0);
            let mut q = Inputs {
                s,
                a,
                p: base + r.offset,
                g,
                got,
                z,
            };
            if h.value == Value::PairedLo {
                q.s = hi[&s.wrapping_add(a as u64)];
            }
            h.apply(&q, &mut bytes[r.offset as usize..], l.endian())
                .unwrap_or_else(|e| panic!("{name}: type {} at {:#x}: {e}", r.kind, r.offset));
            checked += 1;
        }
        assert_eq!(
            &bytes[..],
            lsec.data().unwrap(),
            "{name}: {} differs from GNU ld's",
            String::from_utf8_lossy(tname)
        );
    }
    assert!(checked > 0, "{name}: no relocation checked");
}

#[test]
fn x86_64_got_types_compute_like_gnu_ld() {
    if !require(&["as", "ld"]) {
        return;
    }
    let src = "
.text
.globl _start
_start:
  movq foo@GOTPCREL(%rip), %rax
  movq bar@GOTPCREL(%rip), %rcx
  addq foo@GOTPCREL(%rip), %rcx
  leaq _GLOBAL_OFFSET_TABLE_(%rip), %rdx
  movabsq $foo@GOTOFF, %rsi
1: leaq 1b(%rip), %rbx
  movabsq $_GLOBAL_OFFSET_TABLE_-1b, %r11
  movl bar@GOTPCREL(%rip), %eax
.data
.globl foo
foo: .quad 1
bar: .quad 2
";
    // Plain GOTPCREL, and the relaxable kinds with relaxation off.
    for (as_args, ld_args, name) in [
        (
            &["-mrelax-relocations=no"][..],
            &["-static", "--no-relax"][..],
            "x64-got",
        ),
        (
            &["-mrelax-relocations=yes"],
            &["-static", "--no-relax"],
            "x64-gotx",
        ),
    ] {
        let obj = assemble("as", as_args, src, name);
        let linked = ld_link("ld", ld_args, &obj, &format!("{name}.ld"));
        arch_agrees_with_ld(&obj, &linked, name);
    }
}

#[test]
fn aarch64_got_types_compute_like_gnu_ld() {
    let src = "
.text
.globl _start
_start:
  adrp x0, :got:foo
  ldr x0, [x0, :got_lo12:foo]
  adrp x1, :got:bar
  ldr x1, [x1, :got_lo12:bar]
  ret
.data
.globl foo, bar
foo: .quad 1
bar: .quad 2
";
    let ld = "aarch64-linux-gnu-ld";
    if !require(&["aarch64-linux-gnu-as", ld]) {
        return;
    }
    let obj = assemble("aarch64-linux-gnu-as", &[], src, "a64-got");
    let linked = ld_link(ld, &["-static", "--no-relax"], &obj, "a64-got.ld");
    arch_agrees_with_ld(&obj, &linked, "a64-got");
}

#[test]
fn riscv64_got_and_pcrel_pairs_compute_like_gnu_ld() {
    let src = "
.text
.globl _start
_start:
1: auipc a0, %got_pcrel_hi(foo)
  ld a0, %pcrel_lo(1b)(a0)
2: auipc a1, %pcrel_hi(bar)
  lw a1, %pcrel_lo(2b)(a1)
3: auipc a2, %pcrel_hi(bar)
  sw a1, %pcrel_lo(3b)(a2)
  ret
.data
.globl foo
foo: .quad 1
bar: .quad 2
";
    let ld = "riscv64-linux-gnu-ld";
    if !require(&["riscv64-linux-gnu-as", ld]) {
        return;
    }
    let obj = assemble("riscv64-linux-gnu-as", &[], src, "rv-got");
    let linked = ld_link(ld, &["-static", "--no-relax"], &obj, "rv-got.ld");
    arch_agrees_with_ld(&obj, &linked, "rv-got");
}

/// ld's PLT for calls to two undefined functions from a shared object:
/// `Arch::write_plt_header` and `write_plt_entry` at ld's addresses
/// write the same bytes, and each `.got.plt` slot starts as
/// `plt_slot_initial` says.
#[test]
fn plt_stubs_match_gnu_ld() {
    // (ABI, assembler, its options, linker, its options, code)
    type Case<'a> = (
        Arch,
        &'a str,
        &'a [&'a str],
        &'a str,
        &'a [&'a str],
        &'a str,
    );
    let cases: [Case<'_>; 5] = [
        (
            Arch::X86_64,
            "as",
            &[],
            "ld",
            &[],
            "call f1@PLT\ncall f2@PLT\nret\n",
        ),
        (
            Arch::X32,
            "as",
            &["--x32"],
            "ld",
            &["-m", "elf32_x86_64"],
            "call f1@PLT\ncall f2@PLT\nret\n",
        ),
        (
            Arch::AArch64,
            "aarch64-linux-gnu-as",
            &[],
            "aarch64-linux-gnu-ld",
            &[],
            "bl f1\nbl f2\nret\n",
        ),
        (
            Arch::AArch64Ilp32,
            "aarch64-linux-gnu-as",
            &["-mabi=ilp32"],
            "aarch64-linux-gnu-ld",
            &["-m", "aarch64linux32"],
            "bl f1\nbl f2\nret\n",
        ),
        (
            Arch::RiscV64,
            "riscv64-linux-gnu-as",
            &[],
            "riscv64-linux-gnu-ld",
            &["--no-relax"],
            "call f1\ncall f2\nret\n",
        ),
    ];
    let tools: Vec<&str> = cases.iter().flat_map(|c| [c.1, c.3]).collect();
    if !require(&tools) {
        return;
    }
    for (arch, asm, as_args, ld, ld_args, code) in cases {
        let name = format!("plt-{arch:?}");
        let src = format!(".text\n.globl g\ng:\n{code}");
        let obj = assemble(asm, as_args, &src, &name);
        let mut args = vec!["-shared", "-z", "lazy"];
        args.extend_from_slice(ld_args);
        let linked = ld_link(ld, &args, &obj, &format!("{name}.so"));
        let l = ElfFile::parse(&linked).unwrap();
        let plt = l.section_by_name(b".plt").unwrap();
        // RISC-V's GNU ld script puts .got.plt first in .got.
        let got_plt = l
            .section_by_name(b".got.plt")
            .or_else(|| l.section_by_name(b".got"))
            .unwrap();
        let (plt_addr, got_plt_addr) = (plt.header().sh_addr, got_plt.header().sh_addr);
        let shape = arch.plt_layout();
        let theirs = plt.data().unwrap();
        assert_eq!(
            theirs.len() as u64,
            shape.header_size + 2 * shape.entry_size,
            "{name}: .plt size"
        );
        let mut ours = vec![0u8; theirs.len()];
        arch.write_plt_header(&mut ours, plt_addr, got_plt_addr)
            .unwrap();
        // ld's JUMP_SLOT relocations name each entry's slot, in order.
        let rela = l.dynamic_relocations().unwrap();
        let mut slots: Vec<u64> = rela
            .plt
            .map(|t| t.iter().map(|r| r.offset).collect())
            .unwrap_or_default();
        slots.sort();
        assert_eq!(slots.len(), 2, "{name}: JUMP_SLOT relocations");
        let word = shape.slot_size;
        for (k, &slot) in slots.iter().enumerate() {
            assert_eq!(
                slot,
                got_plt_addr + (shape.got_plt_reserved + k as u64) * word,
                "{name}: slot {k}"
            );
            let at = shape.header_size + k as u64 * shape.entry_size;
            let e = PltEntry {
                plt: plt_addr,
                got_plt: got_plt_addr,
                addr: plt_addr + at,
                slot,
                index: k as u32,
            };
            arch.write_plt_entry(&mut ours[at as usize..], &e).unwrap();
            let off = (slot - got_plt_addr) as usize;
            let mut b = [0u8; 8];
            b[..word as usize].copy_from_slice(&got_plt.data().unwrap()[off..off + word as usize]);
            assert_eq!(
                u64::from_le_bytes(b),
                arch.plt_slot_initial(&e),
                "{name}: slot {k}'s initial value"
            );
        }
        assert_eq!(&ours[..], theirs, "{name}: .plt differs from GNU ld's");
    }
}
