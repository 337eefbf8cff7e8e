//! Programs the kernel and qemu run, objects gcc links, shared objects
//! dlopen loads.

use crate::*;
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, Placement, RelocationSpec, SectionSpec, SymbolSpec,
};
use std::process::Command;

fn exit42() -> Builder<'static> {
    // mov edi, 42; mov eax, 60; syscall
    let code: &'static [u8] = &[0xbf, 42, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05];
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(16));
    let start =
        b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(code.len() as u64));
    b.entry = Some(start);
    b
}

#[test]
fn kernel_runs_exit_42_in_both_placements() {
    if !require_lint(&[]) {
        return;
    }
    for placement in [Placement::Compact, Placement::Mmap] {
        let b = exit42();
        let plan = b
            .layout(&LayoutOptions {
                placement,
                ..LayoutOptions::default()
            })
            .unwrap();
        let bytes = b.write(&plan).unwrap();
        let elf = ElfFile::parse(&bytes).unwrap();
        assert_eq!(elf.header().e_entry, plan.symbol_values()[0]);
        let p = save(&format!("exit42-{placement:?}"), &bytes, true);
        lint(&p);
        if is_x86_64_linux() {
            let st = Command::new(&p).status().unwrap();
            assert_eq!(st.code(), Some(42), "{placement:?}");
        }
    }
}

/// Code that reads .data through absolute and PC-relative relocations,
/// writes .bss, and exits with what it computed.
fn data_program(file_type: u16) -> (Builder<'static>, i32) {
    let mut code = Vec::new();
    let mut relocs = Vec::new();
    let pic = file_type == ET_DYN;
    if !pic {
        code.extend([0x48, 0xb8]); // movabs rax, data
        relocs.push((code.len() as u64, R_X86_64_64, "data", 0i64));
        code.extend([0; 8]);
        code.extend([0x8b, 0x38]); // mov edi, [rax]
        code.extend([0x48, 0xbb]); // movabs rbx, scratch (in .bss)
        relocs.push((code.len() as u64, R_X86_64_64, "scratch", 0));
        code.extend([0; 8]);
    } else {
        code.extend([0x48, 0x8d, 0x05]); // lea rax, [rip + data]
        relocs.push((code.len() as u64, R_X86_64_PC32, "data", -4));
        code.extend([0; 4]);
        code.extend([0x8b, 0x38]); // mov edi, [rax]
        code.extend([0x48, 0x8d, 0x1d]); // lea rbx, [rip + scratch]
        relocs.push((code.len() as u64, R_X86_64_PC32, "scratch", -4));
        code.extend([0; 4]);
    }
    code.extend([0x89, 0x3b]); // mov [rbx], edi
    code.extend([0x03, 0x3b]); // add edi, [rbx]
    code.extend([0x48, 0x8d, 0x0d]); // lea rcx, [rip + data + 4]
    // data + 4, minus the 4 bytes from the field to the next instruction.
    relocs.push((code.len() as u64, R_X86_64_PC32, "data", 0));
    code.extend([0; 4]);
    code.extend([0x03, 0x39]); // add edi, [rcx]
    code.extend([0xb8, 60, 0, 0, 0, 0x0f, 0x05]); // exit(edi)
    let mut b = Builder::new(FileKind::x86_64(file_type));
    let text =
        b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code.clone()).align(16));
    let data = b.add_section(
        SectionSpec::new(
            &b".data"[..],
            Some(Perms::RW),
            &[20u8, 0, 0, 0, 3, 0, 0, 0][..],
        )
        .align(8),
    );
    let bss = b.add_section(SectionSpec::zeros(&b".bss"[..], 0x3000).align(32));
    let start =
        b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(code.len() as u64));
    let d = b.add_symbol(SymbolSpec::local(&b"data"[..], data, 0).object(8));
    let s = b.add_symbol(SymbolSpec::local(&b"scratch"[..], bss, 0x1000).object(4));
    for (off, kind, sym, addend) in relocs {
        let symbol = Some(if sym == "data" { d } else { s });
        b.add_relocation(RelocationSpec {
            section: text,
            offset: off,
            kind,
            symbol,
            addend,
        });
    }
    b.entry = Some(start);
    (b, 20 + 20 + 3)
}

#[test]
fn kernel_runs_a_program_with_data_bss_and_relocations() {
    if !require_lint(&[]) {
        return;
    }
    for file_type in [ET_EXEC, ET_DYN] {
        for placement in [Placement::Compact, Placement::Mmap] {
            let (b, want) = data_program(file_type);
            let plan = b
                .layout(&LayoutOptions {
                    placement,
                    ..LayoutOptions::default()
                })
                .unwrap();
            // No page is both writable and executable.
            let loads: Vec<_> = plan
                .segments()
                .iter()
                .filter(|p| p.p_type == PT_LOAD)
                .collect();
            for (i, x) in loads.iter().enumerate() {
                for y in &loads[i + 1..] {
                    if (x.p_flags | y.p_flags) & (PF_W | PF_X) == (PF_W | PF_X) {
                        let (xa, xe) = (x.p_vaddr / 4096, (x.p_vaddr + x.p_memsz - 1) / 4096);
                        let (ya, ye) = (y.p_vaddr / 4096, (y.p_vaddr + y.p_memsz - 1) / 4096);
                        assert!(xe < ya || ye < xa, "W and X share a page");
                    }
                }
            }
            let bytes = b.write(&plan).unwrap();
            let p = save(&format!("data-{file_type}-{placement:?}"), &bytes, true);
            lint(&p);
            if is_x86_64_linux() {
                let st = Command::new(&p).status().unwrap();
                assert_eq!(st.code(), Some(want), "type {file_type} {placement:?}");
            }
        }
    }
}

#[test]
fn gcc_links_a_relocatable_object() {
    if !require_lint(&["gcc"]) {
        return;
    }
    for rela in [true, false] {
        let mut b = Builder::new(FileKind::x86_64(ET_REL));
        b.rel_without_addends = !rela;
        let mut text = vec![0x8d, 0x04, 0x37, 0xc3]; // elfin_add: lea eax, [rdi+rsi]; ret
        let call_at = text.len() as u64;
        text.extend([0x48, 0x83, 0xec, 0x08, 0xe8, 0, 0, 0, 0]); // sub rsp, 8; call c_helper
        text.extend([0x03, 0x05, 0, 0, 0, 0]); // add eax, [rip + elfin_value]
        text.extend([0x48, 0x83, 0xc4, 0x08, 0xc3]); // add rsp, 8; ret
        if !rela {
            // REL keeps the addends in place.
            text[call_at as usize + 5..call_at as usize + 9]
                .copy_from_slice(&(-4i32).to_le_bytes());
            text[call_at as usize + 11..call_at as usize + 15]
                .copy_from_slice(&(-4i32).to_le_bytes());
        }
        let tlen = text.len() as u64;
        let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), text).align(16));
        let d = b.add_section(
            SectionSpec::new(
                &b".data"[..],
                Some(Perms::RW),
                vec![42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            )
            .align(8),
        );
        b.add_symbol(SymbolSpec::local(&b"local_marker"[..], t, 0));
        let add = b.add_symbol(SymbolSpec::global(&b"elfin_add"[..], t, 0).function(4));
        let call = b.add_symbol(
            SymbolSpec::global(&b"elfin_call"[..], t, call_at).function(tlen - call_at),
        );
        let value = b.add_symbol(SymbolSpec::global(&b"elfin_value"[..], d, 0).object(4));
        let ptr = b.add_symbol(SymbolSpec::global(&b"elfin_ptr"[..], d, 8).object(8));
        let helper = b.add_symbol(SymbolSpec::undefined(&b"c_helper"[..]));
        let _ = (add, call, ptr);
        let a = |x: i64| if rela { x } else { 0 };
        b.add_relocation(RelocationSpec {
            section: t,
            offset: call_at + 5,
            kind: R_X86_64_PLT32,
            symbol: Some(helper),
            addend: a(-4),
        });
        b.add_relocation(RelocationSpec {
            section: t,
            offset: call_at + 11,
            kind: R_X86_64_PC32,
            symbol: Some(value),
            addend: a(-4),
        });
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 8,
            kind: R_X86_64_64,
            symbol: Some(value),
            addend: 0,
        });
        let bytes = b.to_vec(&LayoutOptions::default()).unwrap();
        let elf = ElfFile::parse(&bytes).unwrap();
        assert_eq!(elf.header().e_type, ET_REL);
        // The relocations read back as written.
        let sec = elf
            .section_by_name(if rela { b".rela.text" } else { b".rel.text" })
            .unwrap();
        let relocs: Vec<_> = elf
            .relocation_table(&sec)
            .unwrap()
            .unwrap()
            .as_fixed()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(relocs.len(), 2);
        assert_eq!(
            (relocs[0].offset, relocs[0].kind, relocs[0].addend),
            (call_at + 5, R_X86_64_PLT32, rela.then_some(-4))
        );
        let symtab = elf.symbol_table().unwrap().unwrap();
        assert_eq!(
            symtab
                .name(&symtab.get(relocs[0].symbol as usize).unwrap())
                .unwrap(),
            b"c_helper"
        );
        assert_eq!(symtab.raw().get(1).map(|s| s.bind()), Some(STB_LOCAL));
        let obj = save(&format!("obj-{rela}.o"), &bytes, false);
        lint(&obj);
        // The x86-64 psABI has RELA only (GNU ld mislinks SHT_REL there), so
        // only the RELA object goes to the linker.
        if !rela || !is_x86_64_linux() {
            continue;
        }
        let main = tmp("main.c");
        std::fs::write(&main, "#include <stdio.h>\nextern int elfin_add(int,int); extern int elfin_call(void); extern int elfin_value; extern int *elfin_ptr;\nint c_helper(void) { return 100; }\nint main(void) { printf(\"%d %d %d %d\\n\", elfin_add(2, 3), elfin_call(), elfin_value, *elfin_ptr); return 0; }\n").unwrap();
        let exe = tmp(&format!("linked-{rela}"));
        gcc(&[main.as_os_str(), obj.as_os_str()], &exe);
        let out = Command::new(&exe).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "5 142 42 42\n",
            "rela={rela}"
        );
    }
}

fn shared_library(sysv_hash: bool, placement: Placement) -> Vec<u8> {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    b.sysv_hash = sysv_hash;
    b.soname = Some(b"libelfin_test.so"[..].into());
    // The PC-relative load of the exported `elfin_ptr` binds it here: a
    // preemptible variable could not be reached so.
    b.symbolic = true;
    let mut text = vec![0xb8, 42, 0, 0, 0, 0xc3]; // elfin_answer: mov eax, 42; ret
    let read_at = text.len() as u64;
    text.extend([0x48, 0x8b, 0x05, 0, 0, 0, 0, 0x8b, 0x00, 0xc3]); // mov rax, [rip+elfin_ptr]; mov eax, [rax]; ret
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), text).align(16));
    let d = b.add_section(
        SectionSpec::new(
            &b".data"[..],
            Some(Perms::RW),
            vec![7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        )
        .align(8),
    );
    b.add_section(SectionSpec::new(
        &b".rodata"[..],
        Some(Perms::R),
        &b"elfin\0"[..],
    ));
    b.add_symbol(SymbolSpec::global(&b"elfin_answer"[..], t, 0).function(6));
    let read = b.add_symbol(SymbolSpec::global(&b"elfin_read_ptr"[..], t, read_at).function(10));
    let var = b.add_symbol(SymbolSpec::global(&b"elfin_var"[..], d, 0).object(4));
    let ptr = b.add_symbol(SymbolSpec::global(&b"elfin_ptr"[..], d, 8).object(8));
    b.add_symbol(SymbolSpec::global(&b"elfin_hidden"[..], t, 0).visibility(STV_HIDDEN));
    let _ = read;
    b.add_relocation(RelocationSpec {
        section: t,
        offset: read_at + 3,
        kind: R_X86_64_PC32,
        symbol: Some(ptr),
        addend: -4,
    });
    b.add_relocation(RelocationSpec {
        section: d,
        offset: 8,
        kind: R_X86_64_64,
        symbol: Some(var),
        addend: 0,
    });
    b.to_vec(&LayoutOptions {
        placement,
        ..LayoutOptions::default()
    })
    .unwrap()
}

#[test]
fn dlopen_loads_a_shared_object() {
    if !require_lint(&["gcc"]) {
        return;
    }
    for (sysv, placement) in [(false, Placement::Compact), (true, Placement::Mmap)] {
        let bytes = shared_library(sysv, placement);
        let elf = ElfFile::parse(&bytes).unwrap();
        let dynsyms = elf.dynamic_symbols().unwrap().unwrap();
        for name in ["elfin_answer", "elfin_var", "elfin_ptr", "elfin_read_ptr"] {
            assert!(dynsyms.lookup(name.as_bytes()).unwrap().is_some(), "{name}");
        }
        assert!(dynsyms.lookup(b"elfin_hidden").unwrap().is_none());
        if sysv {
            assert!(elf.sysv_hash().unwrap().is_some());
        }
        let so = save(&format!("libelfin_test-{sysv}.so"), &bytes, false);
        lint(&so);
        if !is_x86_64_linux() {
            continue;
        }
        let c = tmp("dl.c");
        std::fs::write(&c, "#include <dlfcn.h>\n#include <stdio.h>\nint main(int argc, char **argv) { void *h = dlopen(argv[1], RTLD_NOW); if (!h) { printf(\"%s\\n\", dlerror()); return 1; }\n int (*answer)(void) = (int (*)(void))dlsym(h, \"elfin_answer\"); int (*rd)(void) = (int (*)(void))dlsym(h, \"elfin_read_ptr\"); int *var = (int *)dlsym(h, \"elfin_var\"); int **ptr = (int **)dlsym(h, \"elfin_ptr\");\n if (!answer || !rd || !var || !ptr) { printf(\"missing symbol\\n\"); return 1; }\n printf(\"%d %d %d %d %d\\n\", answer(), *var, rd(), **ptr, dlsym(h, \"elfin_hidden\") == 0); return 0; }\n").unwrap();
        let exe = tmp("dl");
        gcc(&[c.as_os_str(), std::ffi::OsStr::new("-ldl")], &exe);
        let out = Command::new(&exe).arg(&so).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "42 7 7 7 1\n",
            "sysv={sysv} {placement:?}"
        );
    }
}

#[test]
fn qemu_runs_aarch64_with_adrp_add_and_abs64() {
    if !require_lint(&["qemu-aarch64"]) {
        return;
    }
    use elfin::read::{Class, Encoding, Endian};
    let kind = FileKind {
        encoding: Encoding {
            class: Class::Elf64,
            endian: Endian::Little,
        },
        machine: EM_AARCH64,
        file_type: ET_EXEC,
    };
    for placement in [Placement::Compact, Placement::Mmap] {
        let code = words_le(&[
            0x9000_0001, // adrp x1, data
            0x9100_0021, // add x1, x1, :lo12:data
            0xb940_0020, // ldr w0, [x1]
            0xf940_0422, // ldr x2, [x1, #8]
            0xb940_0043, // ldr w3, [x2]
            0x0b03_0000, // add w0, w0, w3
            0x9400_0002, // bl done
            0xd280_0000, // mov x0, #0 (skipped)
            0xd280_0ba8, // done: mov x8, #93 (exit)
            0xd400_0001, // svc #0
        ]);
        let mut b = Builder::new(kind);
        let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(4));
        let d = b.add_section(
            SectionSpec::new(
                &b".data"[..],
                Some(Perms::RW),
                vec![20, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            )
            .align(8),
        );
        let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], t, 0).function(40));
        let data = b.add_symbol(SymbolSpec::local(&b"data"[..], d, 0).object(16));
        let done = b.add_symbol(SymbolSpec::local(&b"done"[..], t, 32));
        b.add_relocation(RelocationSpec {
            section: t,
            offset: 0,
            kind: R_AARCH64_ADR_PREL_PG_HI21,
            symbol: Some(data),
            addend: 0,
        });
        b.add_relocation(RelocationSpec {
            section: t,
            offset: 4,
            kind: R_AARCH64_ADD_ABS_LO12_NC,
            symbol: Some(data),
            addend: 0,
        });
        b.add_relocation(RelocationSpec {
            section: t,
            offset: 24,
            kind: R_AARCH64_CALL26,
            symbol: Some(done),
            addend: 0,
        });
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 8,
            kind: R_AARCH64_ABS64,
            symbol: Some(data),
            addend: 4,
        });
        b.entry = Some(start);
        // 64 KiB pages run everywhere AArch64 Linux runs.
        let bytes = b
            .to_vec(&LayoutOptions {
                placement,
                page_size: 0x10000,
                base: None,
                ..LayoutOptions::default()
            })
            .unwrap();
        let p = save(&format!("aarch64-{placement:?}"), &bytes, true);
        lint(&p);
        if let Some(code) = qemu("qemu-aarch64", &p) {
            assert_eq!(code, 23, "{placement:?}");
        }
    }
}

#[test]
fn qemu_runs_big_endian_s390x() {
    if !require_lint(&["qemu-s390x"]) {
        return;
    }
    use elfin::read::{Class, Encoding, Endian};
    let kind = FileKind {
        encoding: Encoding {
            class: Class::Elf64,
            endian: Endian::Big,
        },
        machine: EM_S390,
        file_type: ET_EXEC,
    };
    // lghi %r2, 42; svc 1 (exit)
    let code = words_be(&[0xa729_002a, 0x0a01_0000]);
    let mut b = Builder::new(kind);
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(8));
    b.add_section(SectionSpec::new(
        &b".rodata"[..],
        Some(Perms::R),
        &b"big endian\0"[..],
    ));
    let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], t, 0).function(8));
    b.entry = Some(start);
    let bytes = b.to_vec(&LayoutOptions::default()).unwrap();
    let elf = ElfFile::parse(&bytes).unwrap();
    assert_eq!(elf.endian(), Endian::Big);
    let p = save("s390x-exit42", &bytes, true);
    lint(&p);
    if let Some(code) = qemu("qemu-s390x", &p) {
        assert_eq!(code, 42);
    }
}
