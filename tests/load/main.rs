//! The loader, checked by running what it loads: images the builder makes,
//! shared objects from GNU ld and lld, objects from gcc, clang and rustc.
#![cfg(all(feature = "load", unix))]

mod built;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod bytes;
mod c_code;
mod fixes;
mod heap;
mod hostile;
mod memory;
mod objects;
mod refusals;
mod shared;
#[path = "../common/tools.rs"]
mod tools;
mod unwind;

pub use tools::require;

use std::path::PathBuf;

/// A 64-bit little-endian file of `file_type` for this process's machine
/// (the loader links and loads no other): x86-64, or AArch64 when the
/// tests run there (under qemu in CI).
pub fn host_kind(file_type: u16) -> elfin::write::FileKind {
    use elfin::read::{Class, Encoding, Endian};
    let machine = if cfg!(target_arch = "aarch64") {
        elfin::raw::consts::EM_AARCH64
    } else {
        elfin::raw::consts::EM_X86_64
    };
    elfin::write::FileKind {
        encoding: Encoding {
            class: Class::Elf64,
            endian: Endian::Little,
        },
        machine,
        file_type,
    }
}

pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("elfin-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// What the process itself has, as `dlsym(RTLD_DEFAULT, name)` finds it.
pub fn dlsym_default(name: &[u8], _version: Option<&[u8]>) -> Option<usize> {
    let c = std::ffi::CString::new(name).ok()?;
    // SAFETY: a NUL-terminated name; RTLD_DEFAULT searches the loaded objects.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
    (!p.is_null()).then_some(p as usize)
}
