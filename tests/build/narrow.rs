//! The 32-bit ABIs of the 64-bit machines: x32 (ELFCLASS32, EM_X86_64,
//! x86-64's relocation numbers with a 32-bit address word) and AArch64
//! ILP32 (ELFCLASS32, EM_AARCH64, the `R_AARCH64_P32_*` numbers).
//!
//! Neither runs here: Debian kernels are built without
//! `CONFIG_X86_X32_ABI`, and no Linux kernel or qemu-user runs ILP32. So
//! GNU ld is the consumer: it links the relocatable twin of each file at
//! the addresses elfin chose and must produce the same bytes and the same
//! dynamic relocations; it also links gcc's `-mx32` and `-mabi=ilp32`
//! objects against elfin's.

use crate::*;
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::read::{Class, Encoding, Endian};
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, RelocationSpec, SectionSpec, SymbolId, SymbolSpec,
};
use std::process::Command;

fn narrow(machine: u16, file_type: u16) -> FileKind {
    FileKind {
        encoding: Encoding {
            class: Class::Elf32,
            endian: Endian::Little,
        },
        machine,
        file_type,
    }
}

/// `.data`: 20, 3, 5, 7, 10 at 0..20; an 8-byte pointer at 24 (x32 only),
/// a 32-bit pointer and a 32-bit PC-relative offset after it; in shared
/// objects, a 32-bit pointer to an undefined symbol last.
struct Layout {
    /// Offset of the 32-bit pointer to `data + 8`.
    ptr32: u64,
    /// Offset of the PC-relative offset to `data + 12`.
    prel: u64,
    /// Offset of the 8-byte pointer to `data + 12` (x32 only).
    ptr64: Option<u64>,
    size: usize,
}

/// A program adding up `.data` through every absolute and PC-relative kind
/// of the ABI: exit(45) from an executable, exit(35) from a shared object
/// (which leaves out the 32-bit absolute load from code).
fn program(machine: u16, file_type: u16) -> Builder<'static> {
    let x32 = machine == EM_X86_64;
    let dyn_ = file_type == ET_DYN;
    let l = if x32 {
        Layout {
            ptr64: Some(24),
            ptr32: 32,
            prel: 36,
            size: 40,
        }
    } else {
        Layout {
            ptr64: None,
            ptr32: 24,
            prel: 28,
            size: 32,
        }
    };
    let mut code = Code::default();
    if x32 {
        code.op(&[0x48, 0x8d, 0x3d]) // lea rdi, [rip + data]
            .field(4, R_X86_64_PC32, "data", -4)
            .op(&[0x8b, 0x07]) // mov eax, [rdi]: 20
            .op(&[0x03, 0x05]) // add eax, [rip + data + 4]: 3
            .field(4, R_X86_64_PC32, "data", 0)
            .op(&[0x8b, 0x15]) // mov edx, [rip + ptr32]
            .field(4, R_X86_64_PC32, "data", l.ptr32 as i64 - 4)
            .op(&[0x03, 0x02]) // add eax, [rdx]: 5
            .op(&[0x48, 0x8b, 0x15]) // mov rdx, [rip + ptr64]
            .field(4, R_X86_64_PC32, "data", l.ptr64.unwrap() as i64 - 4)
            .op(&[0x03, 0x02]); // add eax, [rdx]: 7
        if !dyn_ {
            code.op(&[0x03, 0x04, 0x25]) // add eax, [data + 16]: 10
                .field(4, R_X86_64_32S, "data", 16)
                .op(&[0xbe]) // mov esi, data (unused)
                .field(4, R_X86_64_32, "data", 0);
        }
        code.op(&[0x89, 0xc7]) // mov edi, eax
            .op(&[0xb8, 0x3c, 0, 0, 0x40, 0x0f, 0x05]); // x32 exit
    } else {
        let p32 = |k| Some((k, "data"));
        code.words(&[
            (0x9000_0001, p32(R_AARCH64_P32_ADR_PREL_PG_HI21)), // adrp x1, data
            (0x9100_0021, p32(R_AARCH64_P32_ADD_ABS_LO12_NC)),  // add x1, x1, :lo12:data
            (0xb940_0020, None),                                // ldr w0, [x1]: 20
            (0xb940_0422, None),                                // ldr w2, [x1, #4]: 3
            (0x0b02_0000, None),                                // add w0, w0, w2
            (0xb940_1823, None),                                // ldr w3, [x1, #24]: ptr32
            (0xb940_0064, None),                                // ldr w4, [x3]: 5
            (0x0b04_0000, None),                                // add w0, w0, w4
            (0xb980_1c26, None),                                // ldrsw x6, [x1, #28]: prel
            (0x8b06_0026, None),                                // add x6, x1, x6
            (0xb940_1cc7, None),                                // ldr w7, [x6, #28]: 7
            (0x0b07_0000, None),                                // add w0, w0, w7
            (0x9400_0000, Some((R_AARCH64_P32_CALL26, "ten"))), // bl ten
            (0x0b09_0000, None),                                // add w0, w0, w9
            (0x1400_0000, Some((R_AARCH64_P32_JUMP26, "done"))), // b done
            (0x5280_0149, None),                                // ten: mov w9, #10
            (0xd65f_03c0, None),                                // ret
            (0xd280_0ba8, None),                                // done: mov x8, #93
            (0xd400_0001, None),                                // svc #0
        ]);
    }
    let mut b = Builder::new(narrow(machine, file_type));
    let text_align = if x32 { 16 } else { 4 };
    let text = b.add_section(
        SectionSpec::new(&b".text"[..], Some(Perms::RX), code.bytes.clone()).align(text_align),
    );
    let mut bytes = vec![0u8; l.size + if dyn_ { 4 } else { 0 }];
    for (k, v) in [20u8, 3, 5, 7, 10].into_iter().enumerate() {
        bytes[4 * k] = v;
    }
    let data = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), bytes).align(8));
    let len = code.bytes.len() as u64;
    let mut syms: Vec<(&str, SymbolId)> = vec![
        (
            "_start",
            b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(len)),
        ),
        (
            "data",
            b.add_symbol(SymbolSpec::local(&b"data"[..], data, 0).object(20)),
        ),
    ];
    if !x32 {
        syms.push((
            "ten",
            b.add_symbol(SymbolSpec::local(&b"ten"[..], text, 60)),
        ));
        syms.push((
            "done",
            b.add_symbol(SymbolSpec::local(&b"done"[..], text, 68)),
        ));
    }
    relocate(&mut b, text, &code, &syms);
    let d = syms[1].1;
    let (word, prel) = if x32 {
        (R_X86_64_32, R_X86_64_PC32)
    } else {
        (R_AARCH64_P32_ABS32, R_AARCH64_P32_PREL32)
    };
    let mut words = vec![(l.ptr32, word, d, 8), (l.prel, prel, d, 12)];
    if let Some(at) = l.ptr64 {
        words.push((at, R_X86_64_64, d, 12));
    }
    if dyn_ {
        let ext = b.add_symbol(SymbolSpec::undefined(&b"elfin_elsewhere"[..]).object(4));
        words.push((l.size as u64, word, ext, 0));
    }
    for (offset, kind, symbol, addend) in words {
        b.add_relocation(RelocationSpec {
            section: data,
            offset,
            kind,
            symbol: Some(symbol),
            addend,
        });
    }
    b.entry = Some(syms[0].1);
    b
}

fn twin(b: &Builder<'static>) -> Vec<u8> {
    let mut o = b.clone();
    o.kind.file_type = ET_REL;
    o.to_vec(&LayoutOptions::default()).unwrap()
}

/// `(offset, type, symbol name, addend)` of every dynamic relocation.
fn dynamic_relocations(bytes: &[u8]) -> Vec<(u64, u32, String, i64)> {
    let elf = ElfFile::parse(bytes).unwrap();
    let Some(syms) = elf.dynamic_symbols().unwrap() else {
        return Vec::new();
    };
    let name = |i: u32| {
        let s = syms.symbols().get(i as usize).unwrap();
        String::from_utf8_lossy(syms.symbols().name(&s).unwrap()).into_owned()
    };
    let mut out: Vec<_> = elf
        .dynamic_relocations()
        .unwrap()
        .rela
        .map(|t| t.iter().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.offset, r.kind, name(r.symbol), r.addend.unwrap_or(0)))
        .collect();
    out.sort();
    out
}

/// Builds the program for `machine` as an executable and a shared object;
/// GNU ld (`ld`, emulation `emulation`) links their relocatable twins to
/// the same bytes and the same dynamic relocations.
fn gnu_ld_agrees(machine: u16, ld: &str, emulation: &str, name: &str) -> Vec<Vec<u8>> {
    let mut outputs = Vec::new();
    for file_type in [ET_EXEC, ET_DYN] {
        let b = program(machine, file_type);
        let bytes = round_trip(&b, &LayoutOptions::default());
        let elf = ElfFile::parse(&bytes).unwrap();
        assert_eq!(
            (elf.header().e_machine, elf.class()),
            (machine, Class::Elf32)
        );
        let file = format!("{name}-{file_type}");
        let path = save(&file, &bytes, true);
        let place = [".text", ".data"];
        let mut args = vec!["-m", emulation, "-e", "_start"];
        args.push(if file_type == ET_DYN {
            "-shared"
        } else {
            "-static"
        });
        let theirs = ld_agrees(ld, &args, &twin(&b), &bytes, &place, &[".text"], &file);
        let ld_output = theirs
            .as_ref()
            .map(|t| save(&format!("{file}.ld"), t, false));
        if let Some(theirs) = theirs {
            let ours = dynamic_relocations(&bytes);
            assert_eq!(
                ours,
                dynamic_relocations(&theirs),
                "{file}: dynamic relocations"
            );
            // ld also stores the link-time value where a RELA relocation
            // goes (elfin leaves the field to the addend): the rest of
            // .data must match.
            let data = |bytes: &[u8]| {
                let elf = ElfFile::parse(bytes).unwrap();
                let s = elf.section_by_name(b".data").unwrap();
                let (addr, mut d) = (s.header().sh_addr, s.data().unwrap().to_vec());
                for r in &ours {
                    let at = (r.0 - addr) as usize;
                    let n = if r.1 == R_X86_64_RELATIVE64 { 8 } else { 4 };
                    d[at..at + n].fill(0);
                }
                d
            };
            assert_eq!(data(&bytes), data(&theirs), "{file}: .data");
        }
        lint_like(&path, &ld_output.expect("ld is required"));
        outputs.push(bytes);
    }
    outputs
}

#[test]
fn x32_resolves_like_gnu_ld() {
    if !require_lint(&["ld"]) {
        return;
    }
    let files = gnu_ld_agrees(EM_X86_64, "ld", "elf32_x86_64", "x32");
    let relocs = dynamic_relocations(&files[1]);
    let data = ElfFile::parse(&files[1]).unwrap();
    let data = data.section_by_name(b".data").unwrap().header().sh_addr;
    assert_eq!(
        relocs,
        vec![
            (
                data + 24,
                R_X86_64_RELATIVE64,
                String::new(),
                data as i64 + 12
            ),
            (data + 32, R_X86_64_RELATIVE, String::new(), data as i64 + 8),
            (data + 40, R_X86_64_32, "elfin_elsewhere".into(), 0),
        ]
    );
    // The kernel runs x32 only when built with CONFIG_X86_X32_ABI.
    let exe = tmp("x32-2");
    if is_x86_64_linux() {
        match Command::new(&exe).status() {
            Ok(st) => assert_eq!(st.code(), Some(45)),
            Err(e) => println!("SKIP: the kernel does not run x32 ({e})"),
        }
    }
}

#[test]
fn aarch64_ilp32_resolves_like_gnu_ld() {
    if !require_lint(&["aarch64-linux-gnu-ld"]) {
        return;
    }
    let files = gnu_ld_agrees(
        EM_AARCH64,
        "aarch64-linux-gnu-ld",
        "aarch64linux32",
        "ilp32",
    );
    let relocs = dynamic_relocations(&files[1]);
    let data = ElfFile::parse(&files[1]).unwrap();
    let data = data.section_by_name(b".data").unwrap().header().sh_addr;
    assert_eq!(
        relocs,
        vec![
            (
                data + 24,
                R_AARCH64_P32_RELATIVE,
                String::new(),
                data as i64 + 8
            ),
            (data + 32, R_AARCH64_P32_ABS32, "elfin_elsewhere".into(), 0),
        ]
    );
}

/// A C function `c_sum` returning `elfin_value + elfin_get()`.
const C_SUM: &str = "extern int elfin_value; extern int elfin_get(void);\nint c_sum(void) { return elfin_value + elfin_get(); }\n";

/// elfin's half: `_start` exits with `c_sum()`; `elfin_get` returns
/// `elfin_value + 2` through an absolute (x32) or page-relative (ILP32)
/// address.
fn elfin_half(machine: u16) -> Vec<u8> {
    let mut code = Code::default();
    let get_at;
    if machine == EM_X86_64 {
        code.op(&[0xe8]) // call c_sum
            .field(4, R_X86_64_PLT32, "c_sum", -4)
            .op(&[0x89, 0xc7]) // mov edi, eax
            .op(&[0xb8, 0x3c, 0, 0, 0x40, 0x0f, 0x05]); // x32 exit
        get_at = code.bytes.len() as u64;
        code.op(&[0x8b, 0x04, 0x25]) // mov eax, [elfin_value]
            .field(4, R_X86_64_32S, "elfin_value", 0)
            .op(&[0x83, 0xc0, 0x02, 0xc3]); // add eax, 2; ret
    } else {
        code.words(&[
            (0x9400_0000, Some((R_AARCH64_P32_CALL26, "c_sum"))), // bl c_sum
            (0xd280_0ba8, None),                                  // mov x8, #93
            (0xd400_0001, None),                                  // svc #0
        ]);
        get_at = code.bytes.len() as u64;
        code.words(&[
            (
                0x9000_0001,
                Some((R_AARCH64_P32_ADR_PREL_PG_HI21, "elfin_value")),
            ), // adrp x1
            (
                0x9100_0021,
                Some((R_AARCH64_P32_ADD_ABS_LO12_NC, "elfin_value")),
            ), // add x1, x1
            (0xb940_0020, None), // ldr w0, [x1]
            (0x1100_0800, None), // add w0, w0, #2
            (0xd65f_03c0, None), // ret
        ]);
    }
    let len = code.bytes.len() as u64;
    let mut b = Builder::new(narrow(machine, ET_REL));
    let text = b.add_section(
        SectionSpec::new(&b".text"[..], Some(Perms::RX), code.bytes.clone()).align(16),
    );
    let data = b.add_section(
        SectionSpec::new(&b".data"[..], Some(Perms::RW), &[20u8, 0, 0, 0][..]).align(4),
    );
    let syms = [
        (
            "_start",
            b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(get_at)),
        ),
        (
            "elfin_get",
            b.add_symbol(
                SymbolSpec::global(&b"elfin_get"[..], text, get_at).function(len - get_at),
            ),
        ),
        (
            "elfin_value",
            b.add_symbol(SymbolSpec::global(&b"elfin_value"[..], data, 0).object(4)),
        ),
        (
            "c_sum",
            b.add_symbol(SymbolSpec::undefined(&b"c_sum"[..]).function(0)),
        ),
    ];
    relocate(&mut b, text, &code, &syms);
    round_trip(&b, &LayoutOptions::default())
}

/// gcc's `-mx32` and `-mabi=ilp32` objects and elfin's link under GNU ld;
/// the linked program's calls and address loads reach the right symbols.
#[test]
fn gnu_ld_links_gcc_objects_with_elfin_objects() {
    if !require_lint(&["gcc", "ld", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-ld"]) {
        return;
    }
    let abis: [(u16, &str, &str, &str, &str, &str); 2] = [
        (EM_X86_64, "gcc", "-mx32", "ld", "elf32_x86_64", "x32"),
        (
            EM_AARCH64,
            "aarch64-linux-gnu-gcc",
            "-mabi=ilp32",
            "aarch64-linux-gnu-ld",
            "aarch64linux32",
            "ilp32",
        ),
    ];
    for (machine, cc, abi, ld, emulation, name) in abis {
        let c = tmp(&format!("{name}-sum.c"));
        std::fs::write(&c, C_SUM).unwrap();
        let c_obj = tmp(&format!("{name}-sum.o"));
        let st = Command::new(cc)
            .args([
                abi,
                "-O2",
                "-fno-pic",
                "-ffreestanding",
                "-fno-asynchronous-unwind-tables",
                "-c",
            ])
            .arg(&c)
            .arg("-o")
            .arg(&c_obj)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{cc} {abi}: {}",
            String::from_utf8_lossy(&st.stderr)
        );
        let ours = elfin_half(machine);
        let obj = save(&format!("{name}-elfin.o"), &ours, false);
        // eu-elflint does not know ILP32's relocation types in gcc's
        // objects either.
        lint_like(&obj, &c_obj);
        let exe = tmp(&format!("{name}-linked"));
        let st = Command::new(ld)
            .args(["-m", emulation, "-static", "-e", "_start", "-o"])
            .arg(&exe)
            .arg(&obj)
            .arg(&c_obj)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{ld}: {}",
            String::from_utf8_lossy(&st.stderr)
        );

        // Where ld put everything, and what it wrote.
        let bytes = std::fs::read(&exe).unwrap();
        let elf = ElfFile::parse(&bytes).unwrap();
        assert_eq!(
            (elf.class(), elf.header().e_machine),
            (Class::Elf32, machine)
        );
        let symtab = elf.symbol_table().unwrap().unwrap();
        let addr = |n: &[u8]| {
            let s = symtab.raw().iter().find(|s| symtab.name(s) == Ok(n));
            s.unwrap_or_else(|| panic!("{name}: no {}", String::from_utf8_lossy(n)))
                .st_value
        };
        let text = elf.section_by_name(b".text").unwrap();
        let (t0, t) = (text.header().sh_addr, text.data().unwrap());
        let at = |a: u64| (a - t0) as usize;
        let word = |a: u64| u32::from_le_bytes(t[at(a)..at(a) + 4].try_into().unwrap());
        let (start, get, value, sum) = (
            addr(b"_start"),
            addr(b"elfin_get"),
            addr(b"elfin_value"),
            addr(b"c_sum"),
        );
        if machine == EM_X86_64 {
            assert_eq!(
                word(start + 1) as i32 as i64,
                sum as i64 - (start as i64 + 5)
            );
            assert_eq!(u64::from(word(get + 3)), value);
        } else {
            let bl = word(start);
            assert_eq!(((bl << 6) as i32 >> 4) as i64, sum as i64 - start as i64);
            let (adrp, add) = (word(get), word(get + 4));
            let page = ((((adrp >> 5) & 0x7ffff) << 2 | (adrp >> 29) & 3) as u64) << 12;
            let lo = u64::from((add >> 10) & 0xfff);
            assert_eq!(((get & !0xfff) + page + lo) & 0xffff_ffff, value);
        }
        if machine == EM_X86_64 && is_x86_64_linux() {
            match Command::new(&exe).status() {
                Ok(st) => assert_eq!(st.code(), Some(42)),
                Err(e) => println!("SKIP: the kernel does not run x32 ({e})"),
            }
        }
    }
}

/// Local-exec TLS in 32-bit files resolves like GNU ld: x32's
/// thread-pointer offsets (variant II) and ILP32's (variant I after a
/// two-word, 8-byte TCB).
#[test]
fn narrow_local_exec_tls_resolves_like_gnu_ld() {
    if !require_lint(&["ld", "aarch64-linux-gnu-ld"]) {
        return;
    }
    for (machine, ld, emulation, name) in [
        (EM_X86_64, "ld", "elf32_x86_64", "x32-tls"),
        (
            EM_AARCH64,
            "aarch64-linux-gnu-ld",
            "aarch64linux32",
            "ilp32-tls",
        ),
    ] {
        let mut code = Code::default();
        if machine == EM_X86_64 {
            code.op(&[0x64, 0x8b, 0x04, 0x25]) // mov eax, fs:[a@tpoff]
                .field(4, R_X86_64_TPOFF32, "a", 0)
                .op(&[0x64, 0x03, 0x04, 0x25]) // add eax, fs:[b@tpoff + 4]
                .field(4, R_X86_64_TPOFF32, "b", 4)
                .op(&[0xc3]);
        } else {
            let (hi, lo) = (
                R_AARCH64_P32_TLSLE_ADD_TPREL_HI12,
                R_AARCH64_P32_TLSLE_ADD_TPREL_LO12_NC,
            );
            code.words(&[
                (0xd53b_d040, None),            // mrs x0, tpidr_el0
                (0x9140_0001, Some((hi, "a"))), // add x1, x0, #:tprel_hi12:a, lsl #12
                (0x9100_0021, Some((lo, "a"))), // add x1, x1, #:tprel_lo12_nc:a
                (0x9140_0002, Some((hi, "b"))), // add x2, x0, #:tprel_hi12:b, lsl #12
                (0x9100_0042, Some((lo, "b"))), // add x2, x2, #:tprel_lo12_nc:b
                (0xd65f_03c0, None),            // ret
            ]);
        }
        let mut b = Builder::new(narrow(machine, ET_EXEC));
        let text = b.add_section(
            SectionSpec::new(&b".text"[..], Some(Perms::RX), code.bytes.clone()).align(16),
        );
        let tdata = b.add_section(
            SectionSpec::new(
                &b".tdata"[..],
                Some(Perms::RW),
                &[20u8, 0, 0, 0, 3, 0, 0, 0][..],
            )
            .align(4)
            .tls(),
        );
        let tbss = b.add_section(SectionSpec::zeros(&b".tbss"[..], 16).align(16).tls());
        // eu-elflint counts no TLS section as writable content of a PT_LOAD
        // (it says so of GNU ld's output too): give the segment some.
        b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), vec![9u8; 8]).align(8));
        let start = b.add_symbol(
            SymbolSpec::global(&b"_start"[..], text, 0).function(code.bytes.len() as u64),
        );
        let a = b.add_symbol(SymbolSpec::local(&b"a"[..], tdata, 4).tls(4));
        let bv = b.add_symbol(SymbolSpec::local(&b"b"[..], tbss, 8).tls(4));
        relocate(&mut b, text, &code, &[("a", a), ("b", bv)]);
        b.entry = Some(start);
        let bytes = round_trip(&b, &LayoutOptions::default());
        let path = save(name, &bytes, true);
        lint(&path);
        // Thread-pointer offsets do not depend on where the sections are,
        // only on the TLS segment's layout (and GNU ld 2.40 fails on ILP32
        // with a .tdata placed by --section-start).
        let args = ["-m", emulation, "-static", "-e", "_start"];
        ld_agrees(
            ld,
            &args,
            &twin(&b),
            &bytes,
            &[],
            &[".text", ".tdata"],
            name,
        );
    }
}
