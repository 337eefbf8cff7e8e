//! Relocatable objects (`ET_REL`) linked in memory, the way a JIT uses
//! them: sections placed by permission class into fresh pages, symbols
//! resolved across the objects and then through the caller's resolver,
//! static relocations applied with the arithmetic of `src/arch/`, and a
//! GOT entry and a call stub made for every outside function (a libc
//! function is usually too far from the mapping for a direct call).

mod layout;
mod relocate;

use super::error::{Error, Result};
use super::memory::{Prot, Reservation, page_size};
use super::resolve::Resolver;
use super::symbols::Symbol;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;
use hashbrown::HashMap;
use layout::Class;

/// Code and data linked in memory from relocatable objects. Dropping it
/// unmaps everything.
///
/// ```no_run
/// use elfin::load::Linked;
/// let object = std::fs::read("answer.o")?;
/// let puts = |name: &[u8], _: Option<&[u8]>| None; // a resolver for outside symbols
/// let linked = Linked::link(&[&object[..]], puts)?;
/// // SAFETY: `answer` is `int answer(void)` in C.
/// let answer = unsafe { linked.function::<extern "C" fn() -> i32>("answer")? };
/// println!("{}", answer());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Linked {
    exports: HashMap<Vec<u8>, usize>,
    mem: Reservation,
}

impl Linked {
    /// Links `objects` (each the bytes of an `ET_REL` file for this
    /// process's machine) in memory, resolving what none of them defines
    /// with `resolver`.
    pub fn link(objects: &[&[u8]], mut resolver: impl Resolver) -> Result<Linked> {
        let inputs = layout::inputs(objects)?;
        let arch = relocate::arch_of(&inputs)?;
        let page = page_size() as u64;
        let lay = layout::place(inputs, page)?;
        let needs = relocate::scan(arch, &lay, &mut resolver)?;
        // The GOT (read-only once filled) and the stubs (code) get pages
        // of their own after the sections.
        let got = lay.end;
        let stubs = (got + needs.got_entries() * 8).next_multiple_of(page);
        let stub_size = arch.plt_layout().entry_size;
        let len = (stubs + needs.stub_count() * stub_size)
            .next_multiple_of(page)
            .max(page);
        let mut mem = Reservation::new(len as usize, lay.align as usize, None)?;
        let base = mem.start();
        mem.map_zeros(base, len as usize, Prot::RW, "mmap of the linked objects")?;
        for (at, bytes) in &lay.copies {
            mem.write(base + *at as usize, bytes)?;
        }
        let exports = relocate::apply(arch, &lay, &needs, (got, stubs), &mut mem)?;
        let r = lay.classes[Class::R as usize];
        let rx = lay.classes[Class::RX as usize];
        let protect = [
            (r.0, r.1, Prot::R),
            (rx.0, rx.1, Prot::RX),
            (got, stubs - got, Prot::R),
            (stubs, len - stubs, Prot::RX),
        ];
        for (start, size, prot) in protect {
            // On AArch64 the kernel makes instruction and data caches
            // agree for pages it maps executable.
            mem.protect(
                base + start as usize,
                size as usize,
                prot,
                "mprotect of linked code",
            )?;
        }
        Ok(Linked { exports, mem })
    }

    /// The address of the global symbol `name` defined by the objects.
    pub fn address(&self, name: &str) -> Result<usize> {
        self.exports
            .get(name.as_bytes())
            .copied()
            .ok_or_else(|| Error::NotFound {
                name: String::from(name),
            })
    }

    /// The global symbols the objects define, with their addresses.
    pub fn symbols(&self) -> impl Iterator<Item = (&[u8], usize)> {
        self.exports.iter().map(|(k, v)| (&k[..], *v))
    }

    /// The address range the linked code owns.
    pub fn range(&self) -> Range<usize> {
        self.mem.start()..self.mem.start() + self.mem.len()
    }

    /// The symbol `name` as a value of type `F` (a function pointer),
    /// borrowed from `self`.
    ///
    /// # Safety
    ///
    /// `F` must be a pointer type matching the symbol: for a function, its
    /// exact signature and ABI.
    pub unsafe fn function<F: Copy>(&self, name: &str) -> Result<Symbol<'_, F>> {
        let address = self.address(name)?;
        // SAFETY: forwarded to the caller (this function's contract).
        unsafe { Symbol::new(address, name) }
    }
}
