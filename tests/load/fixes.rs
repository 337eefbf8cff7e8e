//! What earlier loaders got wrong or left untested: versioned lookups,
//! IRELATIVE with a real ifunc, GOT entries per addend on AArch64, and
//! the objects that are refused (32-bit x32, SHT_REL).

use crate::c_code;
use crate::{dlsym_default, require, tmp};
use elfin::load::{Error, Image, Linked, LoadOptions};
use std::ffi::CString;

const C: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/load/c/");

/// What `dlopen` + `dlvsym` (or `dlsym` when `version` is `None`) finds
/// for `name` in `so`, called as `int f(void)`.
fn call_through_ld_so(so: &std::path::Path, name: &str, version: Option<&str>) -> i32 {
    let path = CString::new(so.to_str().unwrap()).unwrap();
    let name = CString::new(name).unwrap();
    // SAFETY: a shared object built by gcc; `name` is `int f(void)`.
    unsafe {
        let h = libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL);
        assert!(!h.is_null());
        let p = match version {
            Some(v) => {
                let v = CString::new(v).unwrap();
                libc::dlvsym(h, name.as_ptr(), v.as_ptr())
            }
            None => libc::dlsym(h, name.as_ptr()),
        };
        assert!(!p.is_null());
        let f: extern "C" fn() -> i32 = std::mem::transmute(p);
        let v = f();
        libc::dlclose(h);
        v
    }
}

#[test]
fn versioned_symbols_as_ld_so_finds_them() {
    if c_code::AARCH64 {
        eprintln!("SKIP: versioned_symbols_as_ld_so_finds_them: compares with this host's ld.so");
        return;
    }
    if !require(c_code::tools()) {
        return;
    }
    let so = tmp("versioned.so");
    let map = format!("-Wl,--version-script={C}versioned.map");
    let src = format!("{C}versioned.c");
    c_code::compile("gcc", &["-O2", "-shared", "-fPIC", &map, &src], &so);
    let image = Image::load(&so, dlsym_default).unwrap();
    for (version, name) in [
        (Some("VER_1"), "answer"),
        (Some("VER_2"), "answer"),
        (None, "answer"),
    ] {
        let address = match version {
            Some(v) => image.address_versioned(name, v).unwrap(),
            None => image.address(name).unwrap(),
        };
        // SAFETY: both versions are `int answer(void)`.
        let ours = unsafe { std::mem::transmute::<usize, extern "C" fn() -> i32>(address)() };
        assert_eq!(
            ours,
            call_through_ld_so(&so, name, version),
            "{name}@{version:?}"
        );
    }
    assert!(image.address_versioned("answer", "VER_3").is_err());
}

#[test]
fn irelative_refused_by_default_and_applied_when_allowed() {
    if !require(c_code::tools()) {
        return;
    }
    let so = tmp("ifunc.so");
    let src = format!("{C}ifunc.c");
    c_code::compile("gcc", &["-O2", "-shared", "-fPIC", &src], &so);
    let err = Image::load(&so, dlsym_default).unwrap_err();
    assert!(matches!(err, Error::IRelative { .. }), "{err}");
    let allow = LoadOptions {
        allow_irelative: true,
        ..LoadOptions::default()
    };
    let image = Image::load_with(&so, &allow, dlsym_default).unwrap();
    // SAFETY: `int call_answer(void)`.
    let call = unsafe {
        image
            .function::<extern "C" fn() -> i32>("call_answer")
            .unwrap()
    };
    let expected = if c_code::AARCH64 {
        // No AArch64 ld.so in this process: the value the C source returns.
        42
    } else {
        call_through_ld_so(&so, "call_answer", None)
    };
    assert_eq!(call(), expected);
}

#[test]
fn aarch64_got_entries_per_addend() {
    if !c_code::AARCH64 {
        eprintln!("SKIP: aarch64_got_entries_per_addend: AArch64 code");
        return;
    }
    if !require(c_code::tools()) {
        return;
    }
    let obj = tmp("got_addend.o");
    c_code::compile("gcc", &["-c", &format!("{C}got_addend.s")], &obj);
    let bytes = std::fs::read(&obj).unwrap();
    let linked = Linked::link(&[&bytes[..]], dlsym_default).unwrap();
    // SAFETY: both return a pointer into `table`.
    let (p0, p8) = unsafe {
        (
            linked
                .function::<extern "C" fn() -> *const i64>("got_plus_0")
                .unwrap()(),
            linked
                .function::<extern "C" fn() -> *const i64>("got_plus_8")
                .unwrap()(),
        )
    };
    // The table's words as the assembler wrote them. (GNU ld 2.44 drops
    // such addends and gives table[0] twice; the psABI's GDAT(S+A) does
    // not.)
    // SAFETY: `table` is three readable words in the linked data.
    assert_eq!(unsafe { (*p0, *p8) }, (1, 2));
}

#[test]
fn x32_objects_are_refused() {
    if c_code::AARCH64 {
        eprintln!("SKIP: x32_objects_are_refused: x86-64 only");
        return;
    }
    if !require(c_code::tools()) {
        return;
    }
    // No headers: the x32 C library need not be installed.
    let src = tmp("x32.c");
    std::fs::write(&src, "int answer(void) { return 42; }\n").unwrap();
    let obj = tmp("x32.o");
    c_code::compile("gcc", &["-mx32", "-c", "-O2", src.to_str().unwrap()], &obj);
    let bytes = std::fs::read(&obj).unwrap();
    let err = Linked::link(&[&bytes[..]], dlsym_default).unwrap_err();
    assert!(
        matches!(err, Error::Unsupported { what, value: 1 } if what.contains("ILP32")),
        "{err}"
    );
}

#[test]
fn rel_sections_in_objects_are_refused() {
    if !require(c_code::tools()) {
        return;
    }
    let obj = c_code::build("gcc", &["-c", "-O2"], "gcc-rel.o");
    let mut bytes = std::fs::read(&obj).unwrap();
    // Turn .rela.text into an SHT_REL section (its sh_type, at byte 4 of
    // its section header; the header table's place from `readelf`'s
    // fields, read here with the reader).
    let (at, index) = {
        let elf = elfin::ElfFile::parse(&bytes).unwrap();
        let sec = elf
            .sections()
            .find(|s| s.name().ok() == Some(&b".rela.text"[..]))
            .unwrap();
        let h = elf.header();
        (
            h.e_shoff as usize + sec.index() * h.e_shentsize as usize,
            sec.index(),
        )
    };
    bytes[at + 4..at + 8].copy_from_slice(&9u32.to_le_bytes());
    let err = Linked::link(&[&bytes[..]], dlsym_default).unwrap_err();
    assert!(
        matches!(err, Error::Unsupported { what, value } if what.contains("SHT_REL") && value == index as u64),
        "{err}"
    );
}

#[test]
fn large_read_only_sections_mapped_from_the_file() {
    if !require(c_code::tools()) {
        return;
    }
    // 64 KiB of constants: above the size from which `Linked::load` maps
    // a section no relocation patches rather than copying it.
    let src = tmp("big_rodata.c");
    let mut c = String::from("static const unsigned t[16384] = {");
    for i in 0..16384u32 {
        c += &format!("{},", i.wrapping_mul(2654435761) >> 7);
    }
    c += "};\nunsigned pick(unsigned i) { return t[i % 16384]; }\n";
    c += "#include <stdio.h>\nint main(void) { printf(\"%u %u %u\\n\", pick(0), pick(9999), pick(16383)); }\n";
    std::fs::write(&src, c).unwrap();
    let (obj, exe) = (tmp("big_rodata.o"), tmp("big_rodata"));
    c_code::compile("gcc", &["-c", "-O2", src.to_str().unwrap()], &obj);
    c_code::compile("gcc", &["-O2", src.to_str().unwrap()], &exe);
    let expected = c_code::run(&exe);
    let linked = Linked::load(&[&obj], dlsym_default).unwrap();
    // SAFETY: `unsigned pick(unsigned)`.
    let pick = unsafe {
        linked
            .function::<extern "C" fn(u32) -> u32>("pick")
            .unwrap()
    };
    assert_eq!(
        format!("{} {} {}\n", pick(0), pick(9999), pick(16383)),
        expected
    );
}

#[test]
fn large_relocated_sections_mapped_from_the_file() {
    if !require(c_code::tools()) {
        return;
    }
    // Code and a table of pointers, each well past 16 KiB and patched by
    // relocations throughout: `Linked::load` maps them privately from the
    // file (the kernel copies them in) and relocates them in place.
    let src = tmp("big_relocated.c");
    let mut c = String::from("int g_0(int x) { return x; }\n");
    for i in 1..1000 {
        c += &format!(
            "int g_{i}(int x) {{ static const int k[4] = {{{i}, {}, 3, 4}}; return k[x & 3] + (x > 0 ? g_{}(x - 1) : 0); }}\n",
            i * 7,
            i - 1
        );
    }
    c += "int (*const volatile table[4000])(int) = {";
    for i in 0..4000 {
        c += &format!("g_{},", (i * 37) % 1000);
    }
    c += "};\nint through(int i, int x) { return table[i % 4000](x); }\n";
    c += "#include <stdio.h>\nint main(void) { printf(\"%d %d %d\\n\", through(0, 5), through(1234, 9), g_999(3)); }\n";
    std::fs::write(&src, c).unwrap();
    let (obj, exe) = (tmp("big_relocated.o"), tmp("big_relocated"));
    c_code::compile("gcc", &["-c", "-O2", src.to_str().unwrap()], &obj);
    c_code::compile("gcc", &["-O2", src.to_str().unwrap()], &exe);
    let expected = c_code::run(&exe);
    let linked = Linked::load(&[&obj], dlsym_default).unwrap();
    // SAFETY: `int through(int, int)` and `int g_999(int)`.
    let (through, g) = unsafe {
        (
            *linked
                .function::<extern "C" fn(i32, i32) -> i32>("through")
                .unwrap(),
            *linked
                .function::<extern "C" fn(i32) -> i32>("g_999")
                .unwrap(),
        )
    };
    assert_eq!(
        format!("{} {} {}\n", through(0, 5), through(1234, 9), g(3)),
        expected
    );
}
