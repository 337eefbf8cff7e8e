//! Unwind tables of linked objects, registered with the unwinder so that
//! exceptions and panics can pass through the linked code.
//!
//! A `dlopen`ed library needs no registration: libgcc's unwinder finds
//! its `PT_GNU_EH_FRAME` through `dl_iterate_phdr`. Linked objects are
//! not in that list, so their `.eh_frame` sections are handed to
//! `__register_frame` (and taken back with `__deregister_frame` before
//! the memory is unmapped). Those are libgcc's: with its unwinder each
//! call takes a whole `.eh_frame` section ending with a zero word, which
//! the layout leaves after each one.

use super::super::error::Result;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod libgcc {
    unsafe extern "C" {
        /// libgcc (`libgcc_s.so.1`, which Rust's standard library links on
        /// GNU/Linux for its own unwinding).
        pub fn __register_frame(begin: *const u8);
        pub fn __deregister_frame(begin: *const u8);
    }
}

/// Registers the `.eh_frame` sections at `frames` (each followed by a
/// zero word, readable and unchanging until [`deregister`] is called).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn register(frames: &[usize]) -> Result<()> {
    for &f in frames {
        // SAFETY: `f` is a complete `.eh_frame` section, relocated, ending
        // with a zero terminator, in pages that stay mapped and read-only
        // until `deregister` (the caller's contract; `Linked` deregisters
        // in its `Drop` before unmapping). libgcc only records the pointer
        // and reads the section when it unwinds.
        unsafe { libgcc::__register_frame(f as *const u8) };
    }
    Ok(())
}

/// Elsewhere the unwinder may not be libgcc's (LLVM's libunwind takes one
/// FDE per call): refused rather than registered wrongly.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn register(frames: &[usize]) -> Result<()> {
    if frames.is_empty() {
        return Ok(());
    }
    Err(super::super::error::Error::Unsupported {
        what: "unwind tables (registration needs libgcc's unwinder, GNU/Linux), sections",
        value: frames.len() as u64,
    })
}

/// Takes back the sections [`register`] registered.
pub(crate) fn deregister(frames: &[usize]) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    for &f in frames {
        // SAFETY: `f` was registered by `register` and not yet taken back
        // (each `Linked` deregisters its own frames once, in `Drop`).
        unsafe { libgcc::__deregister_frame(f as *const u8) };
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = frames;
}
