//! Shared helpers for the integration tests: the corpus and readelf.
#![allow(dead_code)]

pub mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A file of the committed corpus.
pub fn data(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn data_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// The architectures of the committed corpus.
pub const ARCHES: &[&str] = &[
    "x86_64", "i686", "armhf", "powerpc", "s390x", "mips", "mips64el", "aarch64", "ppc64",
    "riscv64",
];

/// `readelf -W ARGS FILE`'s standard output (always `Some`: a test that
/// calls this first says `tools::require(&["readelf"])`).
pub fn readelf(args: &[&str], file: &Path) -> Option<String> {
    let out = Command::new("readelf")
        .arg("-W")
        .args(args)
        .arg(file)
        .output()
        .expect("readelf: the test must `require` it first");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Parses a readelf number: `0x…` hex, or decimal.
pub fn num(s: &str) -> u64 {
    let s = s.trim();
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).unwrap(),
        None => s.parse().unwrap(),
    }
}

/// Every ELF file under `roots` (symlinks resolved, each file once), with
/// the files of the committed corpus first.
pub fn machine_elf_files(max_size: u64) -> Vec<PathBuf> {
    let home = std::env::var("HOME").unwrap_or_default();
    let mut roots: Vec<PathBuf> = [
        "/usr/bin",
        "/usr/sbin",
        "/usr/lib",
        "/usr/libexec",
        "/usr/lib64",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    roots.push(Path::new(&home).join(".rustup/toolchains"));
    roots.insert(0, Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"));
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = roots.into_iter().filter(|r| r.exists()).collect();
    stack.reverse();
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        let mut subdirs = Vec::new();
        for p in entries {
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                continue; // the target is reached through its own directory
            }
            if meta.is_dir() {
                // The fuzzers' round-trip and loader inputs (mutated,
                // broken on purpose) belong to tests/roundtrip.rs and
                // tests/load/hostile.rs.
                if !p.ends_with("tests/data/roundtrip") && !p.ends_with("tests/data/fuzz-load") {
                    subdirs.push(p);
                }
            } else if meta.is_file() && meta.len() >= 16 && meta.len() <= max_size {
                use std::os::unix::fs::MetadataExt;
                if !seen.insert((meta.dev(), meta.ino())) {
                    continue;
                }
                let mut magic = [0u8; 4];
                let ok = std::fs::File::open(&p)
                    .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
                    .is_ok();
                if ok && magic == *b"\x7fELF" {
                    out.push(p);
                }
            }
        }
        subdirs.reverse();
        stack.extend(subdirs);
    }
    out
}
