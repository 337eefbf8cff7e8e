//! Shared helpers for the integration tests: the corpus and readelf.
#![allow(dead_code)]

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

/// `readelf -W ARGS FILE`'s standard output, or `None` (with a visible
/// skip line) when readelf is not installed.
pub fn readelf(args: &[&str], file: &Path) -> Option<String> {
    let out = match Command::new("readelf")
        .arg("-W")
        .args(args)
        .arg(file)
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            println!("SKIP: readelf not found");
            return None;
        }
    };
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
