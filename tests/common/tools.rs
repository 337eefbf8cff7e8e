//! The external programs a test runs (readelf, eu-elflint, gcc, GNU ld,
//! qemu-user, ...): a test names them all in one `require` call before it
//! does anything else, so that on a machine without one it prints exactly
//! one `SKIP: <test>: <tool> not found` line and returns, and never half-runs.
//! Included by every test crate (`#[path]` where it has no `mod common`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// readelf and eu-elflint, which `lint` runs (Debian: binutils, elfutils).
pub const LINT: &[&str] = &["readelf", "eu-elflint"];

/// Where `tool` is: a path (when it has a `/`) that exists, or the first
/// executable file of that name on `PATH`.
pub fn find(tool: &str) -> Option<PathBuf> {
    if tool.contains('/') {
        let p = Path::new(tool);
        return p.exists().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether every one of `tools` is installed (nothing printed).
pub fn found(tools: &[&str]) -> bool {
    tools.iter().all(|t| find(t).is_some())
}

/// The running test's name (libtest names each test's thread after it).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_owned()
}

/// `true` when every one of `tools` is installed; otherwise prints one
/// `SKIP: <test>: <tool> not found` line (to stderr, uncaptured), for the
/// first one missing, and returns `false`: the caller returns at once.
#[must_use]
pub fn require(tools: &[&str]) -> bool {
    match tools.iter().find(|t| find(t).is_none()) {
        None => true,
        Some(missing) => {
            // Straight to stderr, as one write: libtest captures print!,
            // and the skip should show on every run.
            let line = format!("SKIP: {}: {missing} not found\n", test_name());
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            false
        }
    }
}

/// `require` of `LINT` and `more`.
#[must_use]
pub fn require_lint(more: &[&str]) -> bool {
    let all: Vec<&str> = LINT.iter().chain(more).copied().collect();
    require(&all)
}
