//! Symbol lookup in a loaded image: the dynamic symbol table, its hash
//! table and versions, read from the image's own read-only pages.

use super::error::{Error, Result};
use super::memory::Reservation;
use super::plan::ImagePlan;
use crate::error::{Field, Structure};
use crate::raw::consts::{SHN_ABS, SHN_UNDEF};
use crate::read::{AddressSpace, DynamicInfo, DynamicSymbols, ElfFile};
use alloc::string::String;
use alloc::vec::Vec;
use core::marker::PhantomData;

/// A value of type `F` taken from a loaded image (a function pointer or a
/// data pointer), usable while the image lives.
#[derive(Debug, Clone, Copy)]
pub struct Symbol<'img, F> {
    value: F,
    _image: PhantomData<&'img ()>,
}

impl<F: Copy> Symbol<'_, F> {
    /// # Safety
    ///
    /// `F` is a pointer type matching what lives at `address`.
    pub(crate) unsafe fn new(address: usize, name: &str) -> Result<Self> {
        if core::mem::size_of::<F>() != core::mem::size_of::<usize>() {
            return Err(Error::Unsupported {
                what: "symbol type size (must be pointer-sized), bytes",
                value: core::mem::size_of::<F>() as u64,
            });
        }
        if address == 0 {
            return Err(Error::NotFound {
                name: String::from(name),
            });
        }
        // SAFETY: `F` is pointer-sized (checked) and, by this function's
        // contract, a pointer type for which `address` is a valid value.
        let value = unsafe { core::mem::transmute_copy::<usize, F>(&address) };
        Ok(Symbol {
            value,
            _image: PhantomData,
        })
    }

    /// The value (the function pointer). Copying it out of the `Symbol`
    /// loses the borrow of the image: keep the image alive while using it.
    pub fn get(&self) -> F {
        self.value
    }
}

impl<F> core::ops::Deref for Symbol<'_, F> {
    type Target = F;
    fn deref(&self) -> &F {
        &self.value
    }
}

/// Looks `name` up and returns its run-time address.
pub(crate) fn find(
    symbols: Option<&DynamicSymbols<'_>>,
    name: &[u8],
    version: Option<&[u8]>,
    bias: usize,
) -> Result<usize> {
    let not_found = || Error::NotFound {
        name: String::from_utf8_lossy(name).into_owned(),
    };
    let syms = symbols.ok_or_else(not_found)?;
    let found = match version {
        Some(v) => syms.lookup_versioned(name, v)?,
        None => syms.lookup(name)?,
    };
    match found {
        Some((_, s)) if s.st_shndx == SHN_ABS => Ok(s.st_value as usize),
        Some((_, s)) if s.st_shndx != SHN_UNDEF => Ok((s.st_value as usize).wrapping_add(bias)),
        _ => Err(not_found()),
    }
}

/// The image's memory as an address space: read-only segments only.
struct Memory<'m> {
    mem: &'m Reservation,
    bias: u64,
    /// (start, end) in file addresses of the segments that stay read-only.
    readonly: Vec<(u64, u64)>,
}

impl AddressSpace<'static> for Memory<'_> {
    fn data_at(
        &self,
        addr: u64,
        size: u64,
        what: Structure,
    ) -> crate::Result<(&'static [u8], u64)> {
        let (all, at) = self.data_from(addr, what)?;
        match all.get(..size as usize) {
            Some(b) if size <= all.len() as u64 => Ok((b, at)),
            _ => Err(crate::Error::out_of_bounds(
                what,
                Field::AddressSizePastSegment,
                addr,
                size,
            )),
        }
    }

    fn data_from(&self, addr: u64, what: Structure) -> crate::Result<(&'static [u8], u64)> {
        for &(lo, hi) in &self.readonly {
            if addr >= lo && addr < hi {
                let at = addr.wrapping_add(self.bias) as usize;
                // SAFETY: [addr, hi) is in a segment mapped readable that
                // the loader never writes, protects or unmaps again until
                // the image (which holds both the reservation and these
                // views, dropping the views first) is dropped.
                let v = unsafe { self.mem.view(at, (hi - addr) as usize) };
                return v.map(|b| (b, addr)).map_err(|_| {
                    crate::Error::bad_value(what, addr, Field::AddressInNoLoad, addr)
                });
            }
        }
        Err(crate::Error::bad_value(
            what,
            addr,
            Field::AddressInNoLoad,
            addr,
        ))
    }
}

/// The dynamic symbols as views of the image's read-only pages, or `None`
/// if the tables are not all there (lookups then find nothing).
pub(crate) fn in_memory(
    mem: &Reservation,
    plan: &ImagePlan,
    bias: u64,
    elf: &ElfFile<'_>,
    info: &DynamicInfo,
) -> Result<Option<DynamicSymbols<'static>>> {
    let relro = plan.relro.map_or((0, 0), |(a, s)| (a, a.saturating_add(s)));
    let readonly = plan
        .segments
        .iter()
        .filter(|s| !s.is_writable())
        .map(|s| (s.vaddr, s.end()))
        .chain((relro.1 > relro.0).then_some(relro))
        .collect();
    let space = Memory {
        mem,
        bias,
        readonly,
    };
    Ok(
        crate::read::dynamic_symbols_in(&space, elf.encoding(), false, info)
            .ok()
            .flatten(),
    )
}
