//! Thread-local storage in shared objects: glibc's ld.so loads them with
//! `dlopen`, relocates their TLS references and serves their variables to
//! two threads, on x86-64 natively and on AArch64 under qemu.

use crate::*;
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::read::{Class, Encoding, Endian};
use elfin::write::{Builder, FileKind, LayoutOptions, Perms, Placement, SectionSpec, SymbolSpec};
use std::process::Command;

/// The dynamic relocation types a machine's TLS GOT entries use.
struct GotTypes {
    dtpmod: u32,
    dtpoff: u32,
    word: u32,
    tpoff: u32,
}

/// x86-64: `__tls_get_addr(&got[0..16])`, `__tls_get_addr(&got[16..32])`
/// through the GOT slot at 32, and the thread-pointer offset at 40.
fn x86_64_code() -> (Code, [u64; 2]) {
    let mut code = Code::default();
    // int elfin_tls_bump(void): return ++elfin_tls_var;
    code.op(&[0x48, 0x83, 0xec, 0x08]) // sub rsp, 8
        .op(&[0x48, 0x8d, 0x3d]) // lea rdi, [rip + got]: (module, offset)
        .field(4, R_X86_64_PC32, "got", -4)
        .op(&[0xff, 0x15]) // call [rip + got + 32]: __tls_get_addr
        .field(4, R_X86_64_PC32, "got", 32 - 4)
        .op(&[0x8b, 0x08, 0x83, 0xc1, 0x01, 0x89, 0x08]) // mov ecx, [rax]; add ecx, 1; mov [rax], ecx
        .op(&[0x89, 0xc8, 0x48, 0x83, 0xc4, 0x08, 0xc3]); // mov eax, ecx; add rsp, 8; ret
    let host_at = code.bytes.len() as u64;
    // int elfin_tls_host(void): return elfin_host_tls;
    code.op(&[0x48, 0x83, 0xec, 0x08]) // sub rsp, 8
        .op(&[0x48, 0x8d, 0x3d]) // lea rdi, [rip + got + 16]
        .field(4, R_X86_64_PC32, "got", 16 - 4)
        .op(&[0xff, 0x15]) // call [rip + got + 32]
        .field(4, R_X86_64_PC32, "got", 32 - 4)
        .op(&[0x8b, 0x00, 0x48, 0x83, 0xc4, 0x08, 0xc3]); // mov eax, [rax]; add rsp, 8; ret
    let ie_at = code.bytes.len() as u64;
    // int elfin_tls_ie(void): elfin_tls_var by its thread-pointer offset.
    code.op(&[0x48, 0x8b, 0x05]) // mov rax, [rip + got + 40]
        .field(4, R_X86_64_PC32, "got", 40 - 4)
        .op(&[0x64, 0x8b, 0x00, 0xc3]); // mov eax, fs:[rax]; ret
    (code, [host_at, ie_at])
}

/// AArch64: the same three functions.
fn aarch64_code() -> (Code, [u64; 2]) {
    let page = |s| Some((R_AARCH64_ADR_PREL_PG_HI21, s));
    let lo12 = |s| Some((R_AARCH64_ADD_ABS_LO12_NC, s));
    let call = |pair| {
        [
            (0xa9bf_7bfd, None),             // stp x29, x30, [sp, #-16]!
            (0x9100_03fd, None),             // mov x29, sp
            (0x9000_0000, page(pair)),       // adrp x0, pair
            (0x9100_0000, lo12(pair)),       // add x0, x0, :lo12:pair
            (0x9000_0010, page("tga_slot")), // adrp x16, tga_slot
            (0x9100_0210, lo12("tga_slot")), // add x16, x16, :lo12:tga_slot
            (0xf940_0210, None),             // ldr x16, [x16]
            (0xd63f_0200, None),             // blr x16: __tls_get_addr
        ]
    };
    let mut code = Code::default();
    code.words(&call("got")).words(&[
        (0xb940_0001, None), // ldr w1, [x0]
        (0x1100_0421, None), // add w1, w1, #1
        (0xb900_0001, None), // str w1, [x0]
        (0x2a01_03e0, None), // mov w0, w1
        (0xa8c1_7bfd, None), // ldp x29, x30, [sp], #16
        (0xd65f_03c0, None), // ret
    ]);
    let host_at = code.bytes.len() as u64;
    code.words(&call("pair2")).words(&[
        (0xb940_0000, None), // ldr w0, [x0]
        (0xa8c1_7bfd, None), // ldp x29, x30, [sp], #16
        (0xd65f_03c0, None), // ret
    ]);
    let ie_at = code.bytes.len() as u64;
    code.words(&[
        (0xd53b_d041, None),            // mrs x1, tpidr_el0
        (0x9000_0000, page("ie_slot")), // adrp x0, ie_slot
        (0x9100_0000, lo12("ie_slot")), // add x0, x0, :lo12:ie_slot
        (0xf940_0000, None),            // ldr x0, [x0]
        (0xb860_6820, None),            // ldr w0, [x1, x0]
        (0xd65f_03c0, None),            // ret
    ]);
    (code, [host_at, ie_at])
}

/// A shared object with TLS: `elfin_tls_var` (7, at offset 4 of `.tdata`)
/// and `elfin_tls_zero` (`.tbss`), read through `__tls_get_addr` with GOT
/// pairs (its own module and offset; the host program's `elfin_host_tls`,
/// both dynamic) and through an initial-exec thread-pointer offset.
fn tls_library(
    kind: FileKind,
    code: &Code,
    at: [u64; 2],
    t: &GotTypes,
    opts: &LayoutOptions,
) -> Vec<u8> {
    let mut b = Builder::new(kind);
    b.soname = Some(b"libelfin_tls.so"[..].into());
    let [host_at, ie_at] = at;
    let end = code.bytes.len() as u64;
    let text = b.add_section(
        SectionSpec::new(&b".text"[..], Some(Perms::RX), code.bytes.clone()).align(16),
    );
    let tdata = b.add_section(
        SectionSpec::new(
            &b".tdata"[..],
            Some(Perms::RW),
            &[1u8, 0, 0, 0, 7, 0, 0, 0][..],
        )
        .align(4)
        .tls(),
    );
    let tbss = b.add_section(SectionSpec::zeros(&b".tbss"[..], 8).align(8).tls());
    let got = b.add_section(
        SectionSpec::new(&b".got"[..], Some(Perms::RW), vec![0u8; 48])
            .align(8)
            .relro(),
    );
    b.add_symbol(SymbolSpec::global(&b"elfin_tls_bump"[..], text, 0).function(host_at));
    b.add_symbol(
        SymbolSpec::global(&b"elfin_tls_host"[..], text, host_at).function(ie_at - host_at),
    );
    b.add_symbol(SymbolSpec::global(&b"elfin_tls_ie"[..], text, ie_at).function(end - ie_at));
    let var = b.add_symbol(SymbolSpec::global(&b"elfin_tls_var"[..], tdata, 4).tls(4));
    b.add_symbol(SymbolSpec::global(&b"elfin_tls_zero"[..], tbss, 0).tls(8));
    let local = |b: &mut Builder<'static>, name: &'static str, at: u64| {
        (
            name,
            b.add_symbol(SymbolSpec::local(name.as_bytes(), got, at).object(8)),
        )
    };
    let syms = [
        local(&mut b, "got", 0),
        local(&mut b, "pair2", 16),
        local(&mut b, "tga_slot", 32),
        local(&mut b, "ie_slot", 40),
    ];
    let host = b.add_symbol(SymbolSpec::undefined(&b"elfin_host_tls"[..]).tls(0));
    let tga = b.add_symbol(SymbolSpec::undefined(&b"__tls_get_addr"[..]).function(0));
    relocate(&mut b, text, code, &syms);
    for (offset, kind, symbol) in [
        (0, t.dtpmod, var),
        (8, t.dtpoff, var),
        (16, t.dtpmod, host),
        (24, t.dtpoff, host),
        (32, t.word, tga),
        (40, t.tpoff, var),
    ] {
        b.add_relocation(elfin::write::RelocationSpec {
            section: got,
            offset,
            kind,
            symbol: Some(symbol),
            addend: 0,
        });
    }
    round_trip(&b, opts)
}

/// The relocations ld.so must do: its own module ID (no symbol), the
/// host's module and offset, __tls_get_addr, and the initial-exec offset
/// (no symbol, the variable's TLS offset as addend); the module-relative
/// offset of its own variable is known at link time.
fn check_relocations(bytes: &[u8], t: &GotTypes) {
    let elf = ElfFile::parse(bytes).unwrap();
    let got = elf.section_by_name(b".got").unwrap();
    let got_addr = got.header().sh_addr;
    let dynsyms = elf.dynamic_symbols().unwrap().unwrap();
    let name = |i: u32| match i {
        0 => String::new(),
        i => {
            let s = dynsyms.symbols().get(i as usize).unwrap();
            String::from_utf8_lossy(dynsyms.symbols().name(&s).unwrap()).into_owned()
        }
    };
    let mut relocs: Vec<(u64, u32, String, Option<i64>)> = elf
        .dynamic_relocations()
        .unwrap()
        .rela
        .unwrap()
        .iter()
        .map(|r| (r.offset - got_addr, r.kind, name(r.symbol), r.addend))
        .collect();
    relocs.sort();
    let want = [
        (0, t.dtpmod, "", 0),
        (16, t.dtpmod, "elfin_host_tls", 0),
        (24, t.dtpoff, "elfin_host_tls", 0),
        (32, t.word, "__tls_get_addr", 0),
        (40, t.tpoff, "", 4),
    ]
    .map(|(o, k, n, a)| (o, k, n.to_string(), Some(a)));
    assert_eq!(relocs, want);
    assert_eq!(&got.data().unwrap()[8..16], &4u64.to_le_bytes());
    let (_, var) = dynsyms.lookup(b"elfin_tls_var").unwrap().unwrap();
    assert_eq!((var.kind(), var.st_value), (STT_TLS, 4));
    let dynamic = elf.dynamic().unwrap().unwrap();
    let flags = dynamic.iter().find(|d| d.d_tag == DT_FLAGS);
    assert_eq!(flags.map(|d| d.d_val), Some(DF_STATIC_TLS));
}

/// What the host prints: from the main thread, then from a second one,
/// two bumps of the library's variable and every way of reading it; then
/// one more bump in the main thread.
const WANT: &str = "8 9 1234 9 9 0 | 8 9 5678 9 9 0 | 10\n";

#[test]
fn dlopen_serves_x86_64_tls_to_two_threads() {
    if !require_lint(&["gcc"]) {
        return;
    }
    let types = GotTypes {
        dtpmod: R_X86_64_DTPMOD64,
        dtpoff: R_X86_64_DTPOFF64,
        word: R_X86_64_64,
        tpoff: R_X86_64_TPOFF64,
    };
    let (code, at) = x86_64_code();
    for placement in [Placement::Compact, Placement::Mmap] {
        let opts = LayoutOptions {
            placement,
            ..LayoutOptions::default()
        };
        let bytes = tls_library(FileKind::x86_64(ET_DYN), &code, at, &types, &opts);
        check_relocations(&bytes, &types);
        let so = save(&format!("libelfin_tls-{placement:?}.so"), &bytes, false);
        lint(&so);
        if !is_x86_64_linux() {
            continue;
        }
        let c = tmp("tls-host.c");
        std::fs::write(&c, TLS_HOST).unwrap();
        let exe = tmp("tls-host");
        let args = [
            c.as_os_str(),
            "-rdynamic".as_ref(),
            "-ldl".as_ref(),
            "-lpthread".as_ref(),
        ];
        gcc(&args, &exe);
        let out = Command::new(&exe).arg(&so).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            WANT,
            "{placement:?}: {err}"
        );
    }
}

#[test]
fn dlopen_serves_aarch64_tls_to_two_threads_under_qemu() {
    if !require_lint(&[
        "aarch64-linux-gnu-gcc",
        "qemu-aarch64",
        "/usr/aarch64-linux-gnu/lib/libc.so.6",
    ]) {
        return;
    }
    let types = GotTypes {
        dtpmod: R_AARCH64_TLS_DTPMOD,
        dtpoff: R_AARCH64_TLS_DTPREL,
        word: R_AARCH64_ABS64,
        tpoff: R_AARCH64_TLS_TPREL,
    };
    let kind = FileKind {
        encoding: Encoding {
            class: Class::Elf64,
            endian: Endian::Little,
        },
        machine: EM_AARCH64,
        file_type: ET_DYN,
    };
    let (code, at) = aarch64_code();
    let opts = LayoutOptions {
        page_size: 0x10000,
        ..LayoutOptions::default()
    };
    let bytes = tls_library(kind, &code, at, &types, &opts);
    check_relocations(&bytes, &types);
    let so = save("libelfin_tls-aarch64.so", &bytes, false);
    lint(&so);
    let sysroot = std::path::Path::new("/usr/aarch64-linux-gnu");
    let c = tmp("tls-host-aarch64.c");
    std::fs::write(&c, TLS_HOST).unwrap();
    let exe = tmp("tls-host-aarch64");
    let st = Command::new("aarch64-linux-gnu-gcc")
        .arg(&c)
        .args(["-rdynamic", "-ldl", "-lpthread", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let out = Command::new("qemu-aarch64")
        .arg("-L")
        .arg(sysroot)
        .arg(&exe)
        .arg(&so)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), WANT, "{err}");
}

/// Loads the library, and from the main thread and then a second one bumps
/// the library's TLS variable twice and reads it every way.
const TLS_HOST: &str = r#"#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
__thread int elfin_host_tls = 1234;
static void *lib;
static int (*bump)(void), (*host)(void), (*ie)(void);
static char theirs[128];
static void report(char *to, size_t n) {
    int x = bump(), y = bump();
    int *var = dlsym(lib, "elfin_tls_var");
    long *zero = dlsym(lib, "elfin_tls_zero");
    snprintf(to, n, "%d %d %d %d %d %ld", x, y, host(), ie(), var ? *var : -1, zero ? *zero : -1);
}
static void *thread(void *arg) {
    (void)arg;
    elfin_host_tls = 5678;
    report(theirs, sizeof theirs);
    return 0;
}
int main(int argc, char **argv) {
    (void)argc;
    lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) { printf("%s\n", dlerror()); return 1; }
    bump = (int (*)(void))dlsym(lib, "elfin_tls_bump");
    host = (int (*)(void))dlsym(lib, "elfin_tls_host");
    ie = (int (*)(void))dlsym(lib, "elfin_tls_ie");
    if (!bump || !host || !ie) { printf("missing symbol\n"); return 1; }
    char mine[128];
    report(mine, sizeof mine);
    pthread_t t;
    if (pthread_create(&t, 0, thread, 0)) return 1;
    pthread_join(t, 0);
    printf("%s | %s | %d\n", mine, theirs, bump());
    return 0;
}
"#;
