//! A reserved range of the address space that the loader owns: mapped
//! `PROT_NONE` first, then filled with fixed mappings of the file or of
//! zeros, protected, written, and unmapped as a whole on drop.
//!
//! Every system call and raw memory access of the loader is here; each
//! checks that its range lies inside the reservation, which is what makes
//! the `unsafe` blocks sound.

use super::error::{Error, Result};
use core::ffi::c_void;
use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};
use std::os::fd::AsFd;

/// Page permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prot {
    /// No access.
    None,
    /// Read only.
    R,
    /// Read and write.
    RW,
    /// Read and execute.
    RX,
    /// Read, write and execute (only when the caller allowed it).
    RWX,
}

impl Prot {
    /// The permissions of a segment's `p_flags` (every loaded page is
    /// readable).
    pub(crate) fn of_flags(write: bool, exec: bool) -> Prot {
        match (write, exec) {
            (false, false) => Prot::R,
            (true, false) => Prot::RW,
            (false, true) => Prot::RX,
            (true, true) => Prot::RWX,
        }
    }

    fn map(self) -> ProtFlags {
        match self {
            Prot::None => ProtFlags::empty(),
            Prot::R => ProtFlags::READ,
            Prot::RW => ProtFlags::READ | ProtFlags::WRITE,
            Prot::RX => ProtFlags::READ | ProtFlags::EXEC,
            Prot::RWX => ProtFlags::READ | ProtFlags::WRITE | ProtFlags::EXEC,
        }
    }

    fn protect(self) -> MprotectFlags {
        MprotectFlags::from_bits_truncate(self.map().bits())
    }
}

/// The system page size.
pub fn page_size() -> usize {
    rustix::param::page_size()
}

/// An owned range of address space, unmapped on drop.
#[derive(Debug)]
pub(crate) struct Reservation {
    start: usize,
    len: usize,
}

impl Reservation {
    /// Reserves `len` bytes (a multiple of the page size) aligned to
    /// `align` (a power of two), anywhere, or at `fixed` if that range is
    /// free.
    pub(crate) fn new(len: usize, align: usize, fixed: Option<usize>) -> Result<Self> {
        Self::new_with(len, align, fixed, Prot::None)
    }

    /// [`new`](Self::new) with the pages mapped `prot` (fresh zeros) rather
    /// than inaccessible: for an image copied from bytes, where the
    /// reservation is also the memory the segments are copied into (one
    /// system call instead of one per segment).
    pub(crate) fn new_with(
        len: usize,
        align: usize,
        fixed: Option<usize>,
        prot: Prot,
    ) -> Result<Self> {
        let page = page_size();
        let align = align.max(page);
        if fixed.is_some_and(|a| a < page) {
            // The null page: the kernel lets a privileged process map it,
            // but no Rust pointer may point there.
            return Err(Error::Unsupported {
                what: "fixed load address in the null page",
                value: fixed.unwrap_or(0) as u64,
            });
        }
        let (hint, flags, extra) = match fixed {
            Some(a) => (
                a,
                MapFlags::PRIVATE | MapFlags::NORESERVE | fixed_noreplace(),
                0,
            ),
            None => (0, MapFlags::PRIVATE | MapFlags::NORESERVE, align - page),
        };
        let total = len.checked_add(extra).ok_or(Error::Unsupported {
            what: "address space size",
            value: len as u64,
        })?;
        // SAFETY: a new anonymous mapping at an address the kernel picks,
        // or with MAP_FIXED_NOREPLACE, which never replaces an existing
        // mapping: no memory Rust knows about is affected.
        let got =
            unsafe { rustix::mm::mmap_anonymous(hint as *mut c_void, total, prot.map(), flags) }
                .map_err(|e| match (fixed, e) {
                    (Some(a), rustix::io::Errno::EXIST) => Error::AddressTaken {
                        address: a as u64,
                        size: len as u64,
                    },
                    _ => Error::system("mmap of the address range", e),
                })? as usize;
        if let Some(a) = fixed {
            if got != a {
                // An old kernel or another Unix took the address as a hint.
                // SAFETY: the range was just mapped by us and is unused.
                let _ = unsafe { rustix::mm::munmap(got as *mut c_void, total) };
                return Err(Error::AddressTaken {
                    address: a as u64,
                    size: len as u64,
                });
            }
        }
        let start = got.next_multiple_of(align);
        if start > got {
            // SAFETY: [got, start) is the unaligned head of the range just
            // mapped, which nothing uses.
            let _ = unsafe { rustix::mm::munmap(got as *mut c_void, start - got) };
        }
        Ok(Reservation {
            start,
            len: total - (start - got),
        })
    }

    /// Maps `len` bytes of `file` from `offset` privately with `prot`,
    /// wherever the kernel puts them, as a reservation of its own: one
    /// system call where `new` then `map_file_with` take two. For a file
    /// that needs no alignment beyond the page and no address of its own.
    ///
    /// (MAP_POPULATE here, to save the two or three page faults of a small
    /// image, was measured: it cost more than the faults.)
    pub(crate) fn map_file_anywhere(
        len: usize,
        file: impl AsFd,
        offset: u64,
        prot: Prot,
        what: &'static str,
    ) -> Result<Self> {
        // SAFETY: a new private file mapping at an address the kernel
        // picks (no MAP_FIXED): no memory Rust knows about is affected.
        let got = unsafe {
            rustix::mm::mmap(
                core::ptr::null_mut(),
                len,
                prot.map(),
                MapFlags::PRIVATE,
                file,
                offset,
            )
        }
        .map_err(|e| Error::system(what, e))? as usize;
        Ok(Reservation { start: got, len })
    }

    /// The first address.
    pub(crate) fn start(&self) -> usize {
        self.start
    }

    /// The length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn check(&self, addr: usize, len: usize) -> Result<*mut c_void> {
        let inside = addr >= self.start
            && addr
                .checked_add(len)
                .is_some_and(|end| end <= self.start + self.len);
        if !inside {
            return Err(Error::Unsupported {
                what: "memory range outside the reservation at",
                value: addr as u64,
            });
        }
        Ok(addr as *mut c_void)
    }

    /// Maps `len` bytes of `file` from `offset` at `addr`, privately,
    /// with every page read in at once when `populate`; with `prot`
    /// writable, that makes the private copy of each page at once too (in
    /// the kernel, from the page cache: for pages about to be patched
    /// throughout, cheaper than zeroed pages and a copy through a view of
    /// the file).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn map_file_with(
        &self,
        addr: usize,
        len: usize,
        file: impl AsFd,
        offset: u64,
        prot: Prot,
        populate: bool,
        what: &'static str,
    ) -> Result<()> {
        let p = self.check(addr, len)?;
        // SAFETY: MAP_FIXED replaces pages inside this reservation only
        // (checked above); they hold no Rust object, and no reference into
        // them is alive while the image is being built.
        unsafe {
            rustix::mm::mmap(
                p,
                len,
                prot.map(),
                MapFlags::PRIVATE | MapFlags::FIXED | populate_flag(populate),
                file,
                offset,
            )
        }
        .map_err(|e| Error::system(what, e))?;
        Ok(())
    }

    /// Maps `len` bytes of fresh zero pages at `addr`.
    pub(crate) fn map_zeros(
        &self,
        addr: usize,
        len: usize,
        prot: Prot,
        what: &'static str,
    ) -> Result<()> {
        self.map_zeros_with(addr, len, prot, false, what)
    }

    /// [`map_zeros`](Self::map_zeros), with every page allocated at once
    /// when `populate` (for pages about to be written whole).
    pub(crate) fn map_zeros_with(
        &self,
        addr: usize,
        len: usize,
        prot: Prot,
        populate: bool,
        what: &'static str,
    ) -> Result<()> {
        if len == 0 {
            return Ok(());
        }
        let p = self.check(addr, len)?;
        // SAFETY: as in `map_file_with`: fixed pages inside the reservation.
        unsafe {
            rustix::mm::mmap_anonymous(
                p,
                len,
                prot.map(),
                MapFlags::PRIVATE | MapFlags::FIXED | populate_flag(populate),
            )
        }
        .map_err(|e| Error::system(what, e))?;
        Ok(())
    }

    /// Changes the protection of `len` bytes at `addr` (page-aligned).
    pub(crate) fn protect(
        &self,
        addr: usize,
        len: usize,
        prot: Prot,
        what: &'static str,
    ) -> Result<()> {
        if len == 0 {
            return Ok(());
        }
        let p = self.check(addr, len)?;
        // SAFETY: the pages are inside the reservation; no reference into
        // them exists that a change of protection could invalidate (the
        // symbol views only cover pages that stay readable).
        unsafe { rustix::mm::mprotect(p, len, prot.protect()) }.map_err(|e| Error::system(what, e))
    }

    /// Copies `bytes` to `addr`, which the caller made writable.
    pub(crate) fn write(&self, addr: usize, bytes: &[u8]) -> Result<()> {
        let p = self.check(addr, bytes.len())?;
        // SAFETY: the destination is inside the reservation and writable
        // (the caller mapped it so); it cannot overlap `bytes`, which Rust
        // owns outside every reservation.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), p.cast::<u8>(), bytes.len()) };
        Ok(())
    }

    /// Zeroes `len` bytes at `addr`, which the caller made writable.
    pub(crate) fn zero(&self, addr: usize, len: usize) -> Result<()> {
        let p = self.check(addr, len)?;
        // SAFETY: inside the reservation and writable, as in `write`.
        unsafe { core::ptr::write_bytes(p.cast::<u8>(), 0, len) };
        Ok(())
    }

    /// Reads `N` bytes at `addr`, which is readable.
    pub(crate) fn read<const N: usize>(&self, addr: usize) -> Result<[u8; N]> {
        let p = self.check(addr, N)?;
        // SAFETY: inside the reservation and mapped readable by the caller;
        // an unaligned read of plain bytes.
        Ok(unsafe { core::ptr::read_unaligned(p.cast::<[u8; N]>()) })
    }

    /// Lets `patch` change `len` bytes at `addr`, which the caller made
    /// writable (relocations patch instructions and words in place).
    pub(crate) fn patch<R>(
        &mut self,
        addr: usize,
        len: usize,
        patch: impl FnOnce(&mut [u8]) -> R,
    ) -> Result<R> {
        let p = self.check(addr, len)?;
        // SAFETY: inside the reservation and writable; `&mut self` means no
        // view of the reservation is alive, so this slice is the only
        // reference to those bytes while `patch` runs.
        let place = unsafe { core::slice::from_raw_parts_mut(p.cast::<u8>(), len) };
        Ok(patch(place))
    }

    /// A view of `len` readable bytes at `addr` that stay unchanged until
    /// the reservation is dropped.
    ///
    /// # Safety
    ///
    /// The caller must keep the view no longer than `self`, and the bytes
    /// must be mapped readable and never written or unmapped while the view
    /// lives (read-only pages the loader does not touch again).
    pub(crate) unsafe fn view(&self, addr: usize, len: usize) -> Result<&'static [u8]> {
        let p = self.check(addr, len)?;
        // SAFETY: in the reservation; readable and unchanging for the
        // view's life by this function's contract.
        Ok(unsafe { core::slice::from_raw_parts(p.cast::<u8>(), len) })
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: the range is this reservation's, made by `new`; whatever
        // was mapped into it belongs to it, and nothing borrowed from it
        // outlives `self` (the image hands out borrows tied to itself).
        let _ = unsafe { rustix::mm::munmap(self.start as *mut c_void, self.len) };
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn populate_flag(populate: bool) -> MapFlags {
    if populate {
        MapFlags::POPULATE
    } else {
        MapFlags::empty()
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn populate_flag(_: bool) -> MapFlags {
    MapFlags::empty()
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn fixed_noreplace() -> MapFlags {
    MapFlags::FIXED_NOREPLACE
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn fixed_noreplace() -> MapFlags {
    // Elsewhere the address is a hint; `Reservation::new` checks it.
    MapFlags::empty()
}
