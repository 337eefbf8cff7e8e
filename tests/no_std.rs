//! elfin works without std, alloc or libc: builds `tests/nostd`, a
//! freestanding `#![no_std] #![no_main]` program (own `_start`, raw
//! syscalls, linked `-nostartfiles -nostdlib -static`) that depends on
//! elfin with `default-features = false`, runs it, and checks that the
//! binary really is freestanding.
//!
//! The program embeds ELF files from `tests/data` (both classes, both byte
//! orders, REL and RELA, GNU and SysV hash tables, a file without section
//! headers) and compares elfin's parse with values its build script took
//! from `readelf -W`: headers, every section and program header, the build
//! ID, dynamic tags, every symbol, hash lookups against linear scans,
//! versions and every relocation. Its exit status names the first failed
//! check (see `Check` in `tests/nostd/src/main.rs`); stderr says what
//! differed.
//!
//! Needs readelf (binutils) and a C compiler driver (`cc`) for linking; on
//! other hosts than x86-64 Linux, or without them, it prints a SKIP line.

#[path = "common/tools.rs"]
mod tools;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Environment that would change how the program is built (coverage or
/// sanitizer flags meant for elfin's own tests, another target, another
/// target directory).
const CLEARED_ENV: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
    "CARGO_BUILD_TARGET",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_PROFILE_RELEASE_PANIC",
    "CARGO_PROFILE_RELEASE_LTO",
];

/// Symbols that only a C library or C runtime start files would bring.
const LIBC_SYMBOLS: &[&str] = &[
    "_start_c",
    "__libc_start_main",
    "__libc_start_call_main",
    "__libc_csu_init",
    "__libc_init_first",
    "_IO_stdin_used",
    "__dso_handle",
    "_init",
    "_fini",
    "__data_start",
    "data_start",
    "__errno_location",
    "errno",
    "malloc",
    "free",
    "printf",
    "puts",
    "write",
    "exit",
    "_exit",
    "abort",
    "__stack_chk_fail",
    "__tls_get_addr",
    "_dl_relocate_static_pie",
];

fn readelf_cmd() -> OsString {
    std::env::var_os("READELF").unwrap_or_else(|| "readelf".into())
}

fn readelf(args: &[&str], file: &Path) -> String {
    let out = Command::new(readelf_cmd())
        .arg("-W")
        .args(args)
        .arg(file)
        .output()
        .expect("run readelf");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn show(what: &str, out: &Output) -> String {
    format!(
        "{what}: {}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn freestanding_program_parses_elf_files() {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        println!("SKIP no_std: the freestanding program is x86-64 Linux only");
        return;
    }
    // readelf for the build script's expected values, cc to link.
    if !tools::require(&[&readelf_cmd().to_string_lossy(), "cc"]) {
        return;
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let package = root.join("tests/nostd");
    // <elfin's target dir>/nostd: CARGO_TARGET_TMPDIR is <target dir>/tmp.
    let target_dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("nostd");

    // Build with the dependency versions elfin itself is tested with (and
    // without asking a registry): start from elfin's lock file; cargo drops
    // what the program does not use. tests/nostd/Cargo.lock is git-ignored.
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, package.join("Cargo.lock")).expect("copy Cargo.lock");
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(&package)
        .arg("build")
        .arg("--release")
        .arg("--manifest-path")
        .arg(package.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    for var in CLEARED_ENV {
        build.env_remove(var);
    }
    let out = build.output().expect("run cargo");
    assert!(
        out.status.success(),
        "{}",
        show("cargo build tests/nostd", &out)
    );

    let bin = target_dir.join("release/elfin-nostd-check");
    let out = Command::new(&bin).output().expect("run the no_std program");
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        show(&bin.display().to_string(), &out)
    );
    // Guards against a vacuous pass (no files, no checks).
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("elfin no_std check: "))
        .unwrap_or_else(|| panic!("no summary line: {stdout}"));
    let words: Vec<&str> = summary.split_whitespace().collect();
    let files: usize = words[3].parse().unwrap();
    let checks: usize = words[5].parse().unwrap();
    assert!(
        files >= 6 && checks >= 1000 && summary.ends_with("all ok"),
        "{summary}"
    );

    // Freestanding: a static executable with no interpreter, no dynamic
    // section, nothing undefined, and nothing from a C library.
    let header = readelf(&["-h"], &bin);
    assert!(
        header
            .lines()
            .any(|l| l.trim_start().starts_with("Type:") && l.contains("EXEC")),
        "not ET_EXEC:\n{header}"
    );
    let dynamic = readelf(&["-d"], &bin);
    assert!(
        dynamic.contains("There is no dynamic section") && !dynamic.contains("(NEEDED)"),
        "has a dynamic section:\n{dynamic}"
    );
    let segments = readelf(&["-l"], &bin);
    for kind in ["INTERP", "DYNAMIC"] {
        assert!(
            !segments
                .lines()
                .any(|l| l.split_whitespace().next() == Some(kind)),
            "has a PT_{kind} segment:\n{segments}"
        );
    }
    let symbols = readelf(&["-s"], &bin);
    let mut count = 0;
    for line in symbols.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.len() < 7 || !t[0].ends_with(':') || t[0] == "Num:" {
            continue;
        }
        count += 1;
        let (kind, ndx, name) = (t[3], t[6], t.get(7).copied().unwrap_or(""));
        assert!(
            ndx != "UND" || name.is_empty(),
            "undefined symbol {name} in the freestanding binary: {line}"
        );
        assert!(
            !name.contains("GLIBC") && !LIBC_SYMBOLS.contains(&name.split('@').next().unwrap()),
            "C library symbol in the freestanding binary: {line}"
        );
        assert!(
            kind != "FILE" || ![".o", ".c", ".S", ".s"].iter().any(|s| name.ends_with(s)),
            "C object linked into the freestanding binary: {line}"
        );
    }
    assert!(count > 0, "the binary has no symbol table:\n{symbols}");
}
