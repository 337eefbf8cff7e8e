//! The C code of `c/lib.c`: compiled by the tools under test, run linked
//! the ordinary way (the expected output), and called through the loader.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const LIB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/load/c/lib.c");
pub const MAIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/load/c/main.c");

/// Whether the tests run as an AArch64 binary (cross-built, under
/// qemu-user): the C compilers then target AArch64 too.
pub const AARCH64: bool = cfg!(target_arch = "aarch64");

/// The C compiler for this machine's code: gcc, or Debian's AArch64
/// cross gcc.
pub const GCC: &str = if AARCH64 {
    "aarch64-linux-gnu-gcc"
} else {
    "gcc"
};

/// The clang flags that select this machine.
pub const CLANG_TARGET: &[&str] = if AARCH64 {
    &["--target=aarch64-linux-gnu"]
} else {
    &[]
};

/// Runs a program linked for this machine (through qemu-user with the
/// cross sysroot on AArch64: the kernel does not run it directly).
pub fn run(exe: &Path) -> String {
    let out = if AARCH64 {
        Command::new("qemu-aarch64")
            .args(["-L", "/usr/aarch64-linux-gnu"])
            .arg(exe)
            .output()
    } else {
        Command::new(exe).output()
    }
    .unwrap();
    assert!(out.status.success(), "{}", exe.display());
    String::from_utf8(out.stdout).unwrap()
}

/// The programs the C tests need on this machine.
pub fn tools() -> &'static [&'static str] {
    if AARCH64 {
        &["aarch64-linux-gnu-gcc", "qemu-aarch64"]
    } else {
        &["gcc"]
    }
}

/// Runs `cc args...` (`cc` may be `gcc`, meaning [`GCC`]), panicking with
/// its output if it fails.
pub fn compile(cc: &str, args: &[&str], out: &Path) {
    let cc = if cc == "gcc" { GCC } else { cc };
    let extra = if cc.starts_with("clang") {
        CLANG_TARGET
    } else {
        &[]
    };
    let o = Command::new(cc)
        .args(extra)
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{cc} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// What `main.c` prints when gcc links it with `lib.c` and the process runs.
pub fn expected() -> String {
    static ONCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ONCE.get_or_init(run_linked).clone()
}

fn run_linked() -> String {
    let exe = crate::tmp("c-linked");
    compile("gcc", &["-O2", LIB, MAIN], &exe);
    run(&exe)
}

/// The compiled object or library for `name`.
pub fn build(cc: &str, args: &[&str], name: &str) -> PathBuf {
    let out = crate::tmp(name);
    let mut all = args.to_vec();
    all.push(LIB);
    compile(cc, &all, &out);
    out
}

type Apply = extern "C" fn(i32, i32, i32) -> i32;
type Bump = extern "C" fn() -> i32;
type Fill = extern "C" fn(i32) -> i32;
type Report = extern "C" fn(*mut u8, i32) -> i32;

/// Makes `main.c`'s calls through the addresses `address` gives, and
/// prints what it prints.
///
/// # Safety
///
/// `address` returns the addresses of `lib.c`'s functions, loaded.
pub unsafe fn calls(address: impl Fn(&str) -> usize) -> String {
    // SAFETY: the caller's contract: these are lib.c's functions, whose C
    // signatures the types above spell.
    unsafe {
        let report: Report = std::mem::transmute(address("elfin_report"));
        let apply: Apply = std::mem::transmute(address("elfin_apply"));
        let bump: Bump = std::mem::transmute(address("elfin_bump"));
        let fill: Fill = std::mem::transmute(address("elfin_fill"));
        let mut out = [0u8; 128];
        let n = report(out.as_mut_ptr(), out.len() as i32);
        let text = std::ffi::CStr::from_bytes_until_nul(&out)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let a = apply(0, 2, 3);
        let (b1, b2) = (bump(), bump());
        let (f1, f2) = (fill(i32::from(b'a')), fill(i32::from(b'b')));
        format!("{text} ({n}) {a} {b1} {b2} {f1} {f2}\n")
    }
}
