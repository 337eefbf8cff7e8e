//! The loader against the dynamic linker, in one run:
//!
//! ```text
//! cargo bench --bench load --features load
//! ```
//!
//! a. `image`: load + look up + call of a small ET_DYN the builder writes
//!    (mmap placement: a function, a pointer in `.data` relocated by a
//!    RELATIVE), with `elfin::load::Image::load`, against `dlopen` +
//!    `dlsym` + call + `dlclose` of the same file.
//! b. `object`: linking a 1 MiB `gcc -c -O2` object in memory
//!    (`Linked::load`: the file mapped, its large unrelocated sections
//!    mapped from it, the rest copied) + look up + call, against
//!    `dlopen` + `dlsym` + call + `dlclose` of the same C code linked by
//!    `gcc -shared`.
//! c. `lookup`: `Image::address` of one of 3000 symbols of that shared
//!    object loaded by elfin, against `dlsym` on it loaded by `dlopen`.
//!
//! Needs gcc; prints `SKIP` and returns without it.

use criterion::Criterion;
use elfin::load::{Image, Linked};
use elfin::raw::consts::*;
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, Placement, RelocationSpec, SectionSpec, SymbolSpec,
};
use std::ffi::CString;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const FUNCTIONS: usize = 3000;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("elfin-bench-load-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `answer` (mov eax, 42; ret) and `follow` (reads through a pointer in
/// .data that a RELATIVE relocation fills).
fn built_image() -> Vec<u8> {
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    let mut text = vec![0xb8, 42, 0, 0, 0, 0xc3];
    let follow = text.len() as u64;
    text.extend([0x48, 0x8b, 0x05, 0, 0, 0, 0, 0x8b, 0x00, 0xc3]);
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), text).align(16));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), vec![0u8; 8]).align(8));
    let r = b.add_section(SectionSpec::new(
        &b".rodata"[..],
        Some(Perms::R),
        &[7u8, 0, 0, 0][..],
    ));
    b.add_symbol(SymbolSpec::global(&b"answer"[..], t, 0).function(6));
    b.add_symbol(SymbolSpec::global(&b"follow"[..], t, follow).function(10));
    let value = b.add_symbol(SymbolSpec::local(&b"value"[..], r, 0).object(4));
    let ptr = b.add_symbol(SymbolSpec::local(&b"ptr"[..], d, 0).object(8));
    b.add_relocation(RelocationSpec {
        section: t,
        offset: follow + 3,
        kind: R_X86_64_PC32,
        symbol: Some(ptr),
        addend: -4,
    });
    b.add_relocation(RelocationSpec {
        section: d,
        offset: 0,
        kind: R_X86_64_64,
        symbol: Some(value),
        addend: 0,
    });
    b.to_vec(&LayoutOptions {
        placement: Placement::Mmap,
        ..LayoutOptions::default()
    })
    .unwrap()
}

/// C code of about 1 MiB as an object: functions with static tables,
/// calling each other and memcpy.
fn big_c() -> String {
    let mut s = String::from("#include <string.h>\nint f_0(int x) { return x; }\n");
    for i in 1..FUNCTIONS {
        let table: Vec<String> = (0..48)
            .map(|k| ((i * 31 + k * 17) % 1000).to_string())
            .collect();
        s += &format!(
            "int f_{i}(int x) {{ static const int t[48] = {{{}}}; int c[8]; memcpy(c, t + (x & 7), sizeof c); return c[x & 7] + t[(x + {i}) % 48] + (x > 0 ? f_{}(x - 1) : 0); }}\n",
            table.join(","),
            i - 1
        );
    }
    s
}

fn gcc(args: &[&str], out: &Path) {
    let st = Command::new("gcc")
        .args(args)
        .arg("-o")
        .arg(out)
        .status()
        .unwrap();
    assert!(st.success(), "gcc {args:?}");
}

fn dlsym_default(name: &[u8], _: Option<&[u8]>) -> Option<usize> {
    let c = CString::new(name).ok()?;
    // SAFETY: a NUL-terminated name.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
    (!p.is_null()).then_some(p as usize)
}

/// dlopen + dlsym + call + dlclose.
fn dl_call(path: &CString, name: &CString, arg: i32) -> i32 {
    // SAFETY: a shared object and an `int f(int)` in it (or `int f(void)`,
    // which ignores the argument register).
    unsafe {
        let h = libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL);
        assert!(!h.is_null());
        let f: extern "C" fn(i32) -> i32 = std::mem::transmute(libc::dlsym(h, name.as_ptr()));
        let v = f(arg);
        libc::dlclose(h);
        v
    }
}

/// `dl_call` of bytes in memory: written to a memfd, opened through
/// `/proc/self/fd`, closed after.
fn memfd_dl_call(bytes: &[u8], name: &CString) -> i32 {
    use std::io::Write;
    use std::os::fd::{AsRawFd, FromRawFd};
    // SAFETY: a NUL-terminated name and no flags; the fd is owned below.
    let fd = unsafe { libc::memfd_create(c"elfin-bench".as_ptr(), 0) };
    assert!(fd >= 0, "memfd_create");
    // SAFETY: a fresh descriptor nobody else owns.
    let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
    file.write_all(bytes).unwrap();
    let path = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).unwrap();
    dl_call(&path, name, 0)
}

fn main() {
    if Command::new("gcc").arg("--version").output().is_err() {
        println!("SKIP: load bench: gcc not found");
        return;
    }
    let d = dir();
    let image = d.join("built.so");
    let image_bytes = built_image();
    std::fs::write(&image, &image_bytes).unwrap();
    let c = d.join("big.c");
    std::fs::write(&c, big_c()).unwrap();
    let obj = d.join("big.o");
    let so = d.join("libbig.so");
    gcc(&["-c", "-O2", c.to_str().unwrap()], &obj);
    gcc(&["-shared", "-fPIC", "-O2", c.to_str().unwrap()], &so);
    println!(
        "object: {} bytes; shared object: {} bytes",
        std::fs::metadata(&obj).unwrap().len(),
        std::fs::metadata(&so).unwrap().len()
    );
    let cpath = |p: &Path| CString::new(p.to_str().unwrap()).unwrap();
    let (image_c, so_c) = (cpath(&image), cpath(&so));
    let last = format!("f_{}", FUNCTIONS - 1);
    let last_c = CString::new(last.clone()).unwrap();

    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut g = c.benchmark_group("a_image");
    g.bench_function("elfin_load_resolve_call", |b| {
        b.iter(|| {
            let img = Image::load(&image, elfin::load::NoSymbols).unwrap();
            // SAFETY: `int follow(void)`.
            let f = unsafe { img.function::<extern "C" fn() -> i32>("follow").unwrap() };
            black_box(f())
        })
    });
    let follow = CString::new("follow").unwrap();
    g.bench_function("dlopen_dlsym_call", |b| {
        b.iter(|| black_box(dl_call(&image_c, &follow, 0)))
    });
    // The bytes a builder (a JIT) has just made, still in memory: elfin
    // copies them into fresh pages; the dynamic linker needs a file, so
    // its side writes them to a memfd first.
    g.bench_function("elfin_from_bytes_resolve_call", |b| {
        b.iter(|| {
            let img = Image::from_bytes(&image_bytes, elfin::load::NoSymbols).unwrap();
            // SAFETY: `int follow(void)`.
            let f = unsafe { img.function::<extern "C" fn() -> i32>("follow").unwrap() };
            black_box(f())
        })
    });
    g.bench_function("memfd_dlopen_dlsym_call", |b| {
        b.iter(|| black_box(memfd_dl_call(&image_bytes, &follow)))
    });
    g.finish();

    let mut g = c.benchmark_group("b_object");
    g.bench_function("elfin_link_1mib_object", |b| {
        b.iter(|| {
            let l = Linked::load(&[&obj], dlsym_default).unwrap();
            // SAFETY: `int f_N(int)`.
            let f = unsafe { l.function::<extern "C" fn(i32) -> i32>(&last).unwrap() };
            black_box(f(3))
        })
    });
    g.bench_function("dlopen_same_code_as_so", |b| {
        b.iter(|| black_box(dl_call(&so_c, &last_c, 3)))
    });
    g.finish();

    let loaded = Image::load(&so, dlsym_default).unwrap();
    // SAFETY: a shared object that stays open for the lookups.
    let handle = unsafe { libc::dlopen(so_c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    let name = "f_1234";
    let name_c = CString::new(name).unwrap();
    // Both find the same function (its code is the same bytes).
    // SAFETY: `int f_1234(int)` in both.
    unsafe {
        let a: extern "C" fn(i32) -> i32 = std::mem::transmute(loaded.address(name).unwrap());
        let b: extern "C" fn(i32) -> i32 =
            std::mem::transmute(libc::dlsym(handle, name_c.as_ptr()));
        assert_eq!(a(5), b(5));
    }
    let mut g = c.benchmark_group("c_lookup");
    g.bench_function("elfin_address", |b| {
        b.iter(|| black_box(loaded.address(black_box(name)).unwrap()))
    });
    g.bench_function("dlsym", |b| {
        // SAFETY: an open handle and a NUL-terminated name.
        b.iter(|| black_box(unsafe { libc::dlsym(handle, black_box(&name_c).as_ptr()) }))
    });
    g.finish();
    c.final_summary();
    let _ = std::fs::remove_dir_all(&d);
}
