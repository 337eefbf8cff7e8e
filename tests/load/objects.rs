//! Relocatable objects from gcc, clang and rustc linked in memory, their
//! outside symbols resolved with `dlsym(RTLD_DEFAULT, ...)`, compared with
//! the same code linked by gcc and run.

use crate::c_code;
use crate::{dlsym_default, require, tmp};
use elfin::load::{Error, Linked};

fn link_and_call(cc: &str, args: &[&str], name: &str) {
    let obj = c_code::build(cc, args, name);
    let bytes = std::fs::read(&obj).unwrap();
    let linked = Linked::link(&[&bytes[..]], dlsym_default).unwrap();
    // SAFETY: lib.c's functions, linked.
    let got = unsafe { c_code::calls(|n| linked.address(n).unwrap()) };
    assert_eq!(got, c_code::expected(), "{cc} {args:?}");
}

#[test]
fn gcc_object() {
    if !require(c_code::tools()) {
        return;
    }
    link_and_call("gcc", &["-c", "-O2"], "gcc.o");
}

#[test]
fn gcc_pic_function_sections_object() {
    if !require(c_code::tools()) {
        return;
    }
    link_and_call(
        "gcc",
        &["-c", "-O2", "-fPIC", "-ffunction-sections"],
        "gcc-pic.o",
    );
}

#[test]
fn clang_object() {
    if !(require(c_code::tools()) && require(&["clang-19"])) {
        return;
    }
    link_and_call("clang-19", &["-c", "-O2"], "clang.o");
}

/// Relocations in CREL sections (`SHT_CREL`, what clang's integrated
/// assembler writes with `--crel`; GNU as 2.40 has no such option).
#[test]
fn clang_crel_object() {
    if !(require(c_code::tools()) && require(&["clang-19", "llvm-readelf-19"])) {
        return;
    }
    let crel = ["-c", "-O2", "-Wa,--crel,--allow-experimental-crel"];
    let obj = c_code::build("clang-19", &crel, "clang-crel.o");
    // llvm-readelf says the relocations are CREL, none RELA.
    let out = std::process::Command::new("llvm-readelf-19")
        .arg("-S")
        .arg(&obj)
        .output()
        .unwrap();
    let sections = String::from_utf8_lossy(&out.stdout);
    assert!(
        sections.contains(".crel.text") && sections.contains(" CREL "),
        "{sections}"
    );
    assert!(!sections.contains(" RELA "), "{sections}");
    let bytes = std::fs::read(&obj).unwrap();
    let linked = Linked::link(&[&bytes[..]], dlsym_default).unwrap();
    // SAFETY: lib.c's functions, linked.
    let got = unsafe { c_code::calls(|n| linked.address(n).unwrap()) };
    assert_eq!(got, c_code::expected());
}

#[test]
fn gcc_non_pic_object() {
    if c_code::AARCH64 {
        eprintln!("SKIP: gcc_non_pic_object: x86-64 code models only");
        return;
    }
    if !require(c_code::tools()) {
        return;
    }
    // Absolute 32-bit addresses (R_X86_64_32S) only fit when the code is
    // in the low 2 GiB; the loader says so rather than mis-patching.
    let obj = c_code::build(
        "gcc",
        &["-c", "-O2", "-fno-pic", "-mcmodel=small"],
        "gcc-nopic.o",
    );
    let bytes = std::fs::read(&obj).unwrap();
    match Linked::link(&[&bytes[..]], dlsym_default) {
        Ok(linked) => {
            // SAFETY: lib.c's functions, linked.
            let got = unsafe { c_code::calls(|n| linked.address(n).unwrap()) };
            assert_eq!(got, c_code::expected());
        }
        Err(e) => {
            println!("non-PIC object refused: {e}");
            assert!(matches!(e, Error::Relocation { .. }), "{e}");
        }
    }
}

#[test]
fn comdat_groups_keep_the_first_copy() {
    if c_code::AARCH64 {
        eprintln!("SKIP: comdat_groups_keep_the_first_copy: x86-64 assembly");
        return;
    }
    if !require(c_code::tools()) {
        return;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/load/c/");
    let a = tmp("comdat_a.o");
    let b = tmp("comdat_b.o");
    c_code::compile("gcc", &["-c", &format!("{dir}comdat_a.s")], &a);
    c_code::compile("gcc", &["-c", &format!("{dir}comdat_b.s")], &b);
    let exe = tmp("comdat");
    let main = format!("{dir}comdat_main.c");
    c_code::compile(
        "gcc",
        &[&main, a.to_str().unwrap(), b.to_str().unwrap()],
        &exe,
    );
    let expected = c_code::run(&exe);
    let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let linked = Linked::link(&[&a[..], &b[..]], dlsym_default).unwrap();
    // SAFETY: both are `int f(void)`.
    let got = unsafe {
        let fa = linked
            .function::<extern "C" fn() -> i32>("elfin_from_a")
            .unwrap();
        let fb = linked
            .function::<extern "C" fn() -> i32>("elfin_from_b")
            .unwrap();
        format!("{} {}\n", fa(), fb())
    };
    assert_eq!(got, expected);
}

#[test]
fn rust_no_std_object() {
    if !(require(c_code::tools()) && require(&["rustc"])) {
        return;
    }
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/load/c/nostd.rs");
    let obj = tmp("nostd.o");
    let target = if c_code::AARCH64 {
        "aarch64-unknown-linux-gnu"
    } else {
        "x86_64-unknown-linux-gnu"
    };
    let args = [
        "--target",
        target,
        "--edition",
        "2024",
        "--emit=obj",
        "--crate-type=lib",
        "-C",
        "panic=abort",
        "-O",
        src,
    ];
    c_code::compile("rustc", &args, &obj);
    let bytes = std::fs::read(&obj).unwrap();
    let linked = Linked::link(&[&bytes[..]], dlsym_default).unwrap();
    let exe = tmp("nostd-linked");
    let main = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/load/c/nostd_main.c");
    c_code::compile("gcc", &[main, obj.to_str().unwrap()], &exe);
    let expected = c_code::run(&exe);
    // SAFETY: the signatures of nostd.rs's extern "C" functions.
    let got = unsafe {
        let apply = linked
            .function::<extern "C" fn(u32, i32) -> i32>("rust_apply")
            .unwrap();
        let len = linked
            .function::<extern "C" fn() -> usize>("rust_greeting_len")
            .unwrap();
        let count = linked
            .function::<extern "C" fn() -> i32>("rust_count")
            .unwrap();
        let (a, b, c) = (apply(0, 21), apply(1, 12), apply(2, 5));
        let n = len();
        let (c1, c2) = (count(), count());
        format!("{a} {b} {c} {n} {c1} {c2}\n")
    };
    assert_eq!(got, expected);
}

#[test]
fn an_unknown_outside_symbol_is_refused() {
    if !require(c_code::tools()) {
        return;
    }
    let obj = c_code::build("gcc", &["-c", "-O2"], "gcc-undef.o");
    let bytes = std::fs::read(&obj).unwrap();
    let err = Linked::link(&[&bytes[..]], |_: &[u8], _: Option<&[u8]>| None).unwrap_err();
    assert!(matches!(err, Error::UndefinedSymbol { .. }), "{err}");
}

/// `nm -g --defined-only`'s names of `obj` (the globals it defines).
fn nm_globals(obj: &std::path::Path) -> std::collections::BTreeSet<String> {
    let out = std::process::Command::new("nm")
        .args(["-g", "--defined-only"])
        .arg(obj)
        .output()
        .unwrap();
    assert!(out.status.success(), "nm {}", obj.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_owned))
        .collect()
}

/// `Linked::symbols` lists the globals nm says the object defines, each at
/// the address `Linked::address` gives, inside `Linked::range`; the data
/// there is what the relocated code uses (`elfin_counter_ptr` points at
/// `elfin_counter`, and `elfin_bump` counts it up).
#[test]
fn symbols_and_range_are_the_objects_globals() {
    if !require(c_code::tools()) || !require(&["nm"]) {
        return;
    }
    let obj = c_code::build("gcc", &["-c", "-O2", "-fno-common"], "symbols.o");
    let bytes = std::fs::read(&obj).unwrap();
    let linked = Linked::link(&[&bytes[..]], dlsym_default).unwrap();
    let range = linked.range();
    assert!(range.start < range.end);
    let listed: std::collections::BTreeMap<String, usize> = linked
        .symbols()
        .map(|(n, a)| (String::from_utf8(n.to_vec()).unwrap(), a))
        .collect();
    let names: std::collections::BTreeSet<String> = listed.keys().cloned().collect();
    assert_eq!(names, nm_globals(&obj));
    for (name, &at) in &listed {
        assert_eq!(linked.address(name).unwrap(), at, "{name}");
        assert!(range.contains(&at), "{name} at {at:#x} outside {range:x?}");
    }
    let counter = listed["elfin_counter"];
    // SAFETY: `elfin_counter_ptr` is `int *` in lib.c, loaded and relocated.
    let ptr = unsafe { *(listed["elfin_counter_ptr"] as *const usize) };
    assert_eq!(ptr, counter, "elfin_counter_ptr = &elfin_counter");
    // SAFETY: `elfin_bump` is `int elfin_bump(void)` in lib.c.
    let bump = unsafe { linked.function::<extern "C" fn() -> i32>("elfin_bump") }.unwrap();
    // SAFETY: `elfin_counter` is an `int` in lib.c; bump has returned.
    let before = unsafe { *(counter as *const i32) };
    bump();
    assert_eq!(unsafe { *(counter as *const i32) }, before + 1);
}
