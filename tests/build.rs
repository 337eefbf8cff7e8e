//! The builder, checked by real consumers: the kernel runs what it builds,
//! gcc links its objects, dlopen loads its shared objects, and readelf and
//! eu-elflint find nothing wrong.
#![cfg(feature = "alloc")]

use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, Placement, RelocationSpec, SectionSpec, SymbolSpec,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("elfin-build-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn save(name: &str, bytes: &[u8], exec: bool) -> PathBuf {
    let p = tmp(name);
    std::fs::write(&p, bytes).unwrap();
    if exec {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    p
}

fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("--version").output().is_ok();
    if !ok {
        println!("SKIP: {tool} not found");
    }
    ok
}

/// readelf prints no warning and eu-elflint finds no error.
fn lint(path: &Path) {
    if have("readelf") {
        let out = Command::new("readelf")
            .args(["-a", "-W"])
            .arg(path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && err.trim().is_empty(),
            "readelf on {}: {err}",
            path.display()
        );
    }
    if have("eu-elflint") {
        let out = Command::new("eu-elflint")
            .args(["--gnu-ld", "-q"])
            .arg(path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && text.trim().is_empty(),
            "eu-elflint on {}:\n{text}",
            path.display()
        );
    }
}

fn is_x86_64_linux() -> bool {
    let ok = cfg!(all(target_arch = "x86_64", target_os = "linux"));
    if !ok {
        println!("SKIP: not x86-64 Linux");
    }
    ok
}

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
        assert_eq!(elf.header().e_entry, plan.symbol_values[0]);
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
    relocs.push((code.len() as u64, R_X86_64_PC32, "data", 4 - 4));
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
                .segments
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
