//! The PLT (`.plt`), its GOT (`.got.plt`) and relocations (`.rela.plt`):
//! one entry per function called through the dynamic linker (undefined
//! here, or preemptible), written by the machine's
//! [`Arch::write_plt_header`]/[`Arch::write_plt_entry`] (GNU ld's stubs),
//! each jumping through its `.got.plt` slot, which an `R_*_JUMP_SLOT`
//! fills.
//!
//! Binding is eager: the file says `DF_BIND_NOW` and `DF_1_NOW`, so the
//! dynamic linker fills every slot before the program runs and `.got.plt`
//! can be read-only after relocation (in `PT_GNU_RELRO`). The slots and
//! the reserved words still hold what a lazy PLT needs (the first
//! reserved word `_DYNAMIC` on x86-64 and AArch64, each slot the address
//! of its entry's way to the resolver), as GNU ld writes them.

use crate::arch::{Arch, PltEntry, PltLayout};
use crate::read::{Encoding, Endian, Rela};
use crate::write::error::{Error, Result, Subject};
use crate::write::records::r_info;
use alloc::vec::Vec;

/// The functions that get PLT entries, and whether `.got.plt` is needed
/// without them (its address is x86-64's GOT base).
#[derive(Debug, Default)]
pub(super) struct Plt {
    /// Builder symbol indices, in entry order.
    pub symbols: Vec<usize>,
    index: hashbrown::HashMap<usize, u32>,
    /// A relocation needs the GOT's address (`_GLOBAL_OFFSET_TABLE_`).
    pub got_base: bool,
}

/// Where the PLT's sections are.
#[derive(Debug, Clone, Copy)]
pub(super) struct PltPlace {
    pub plt: u64,
    pub got_plt: u64,
    /// `.dynamic`'s address (0 without one).
    pub dynamic: u64,
}

/// The PLT's contents.
pub(super) struct PltContents {
    pub plt: Vec<u8>,
    pub got_plt: Vec<u8>,
    pub rela_plt: Vec<Rela>,
}

impl Plt {
    /// The index of `symbol`'s entry, made if new.
    pub fn entry(&mut self, symbol: usize) -> u32 {
        let next = self.symbols.len() as u32;
        *self.index.entry(symbol).or_insert_with(|| {
            self.symbols.push(symbol);
            next
        })
    }

    /// Whether there is a `.plt` (and `.rela.plt`).
    pub fn has_entries(&self) -> bool {
        !self.symbols.is_empty()
    }

    /// Whether there is a `.got.plt`.
    pub fn has_got_plt(&self) -> bool {
        self.has_entries() || self.got_base
    }

    /// `.plt`'s size.
    pub fn plt_size(&self, l: &PltLayout) -> u64 {
        if self.has_entries() {
            l.header_size + self.symbols.len() as u64 * l.entry_size
        } else {
            0
        }
    }

    /// `.got.plt`'s size.
    pub fn got_plt_size(&self, l: &PltLayout) -> u64 {
        (l.got_plt_reserved + self.symbols.len() as u64) * l.slot_size
    }

    /// Entry `k`'s address in a PLT at `plt`.
    pub fn entry_addr(l: &PltLayout, plt: u64, k: u32) -> u64 {
        plt + l.header_size + u64::from(k) * l.entry_size
    }

    /// The bytes of `.plt` and `.got.plt`, and the `JUMP_SLOT`s; `dynsym`
    /// gives a symbol's `.dynsym` index.
    pub fn contents(
        &self,
        arch: Arch,
        enc: Encoding,
        at: PltPlace,
        dynsym: impl Fn(usize) -> u32,
    ) -> Result<PltContents> {
        let l = arch.plt_layout();
        let stub_error = |_| {
            Error::invalid(
                Subject::Layout,
                "PLT entry (its .got.plt slot is out of its reach)",
                at.got_plt,
            )
        };
        let mut plt = alloc::vec![0u8; self.plt_size(&l) as usize];
        let mut got_plt = alloc::vec![0u8; self.got_plt_size(&l) as usize];
        let slot_size = l.slot_size as usize;
        let mut put_slot = |k: usize, v: u64| {
            let b = &mut got_plt[k * slot_size..(k + 1) * slot_size];
            match enc.endian {
                Endian::Little => b.copy_from_slice(&v.to_le_bytes()[..slot_size]),
                Endian::Big => b.copy_from_slice(&v.to_be_bytes()[8 - slot_size..]),
            }
        };
        put_slot(0, arch.got_plt_first_word(at.dynamic));
        let mut rela_plt = Vec::with_capacity(self.symbols.len());
        if self.has_entries() {
            arch.write_plt_header(&mut plt, at.plt, at.got_plt)
                .map_err(stub_error)?;
        }
        let jump_slot = arch.dynamic_types().jump_slot;
        for (k, &sym) in self.symbols.iter().enumerate() {
            let reserved = l.got_plt_reserved as usize;
            let e = PltEntry {
                plt: at.plt,
                got_plt: at.got_plt,
                addr: Self::entry_addr(&l, at.plt, k as u32),
                slot: at.got_plt + ((reserved + k) * slot_size) as u64,
                index: k as u32,
            };
            let from = (e.addr - at.plt) as usize;
            arch.write_plt_entry(&mut plt[from..], &e)
                .map_err(stub_error)?;
            put_slot(reserved + k, arch.plt_slot_initial(&e));
            rela_plt.push(Rela {
                r_offset: e.slot,
                r_info: r_info(enc, arch.machine(), dynsym(sym), jump_slot),
                r_addend: 0,
            });
        }
        Ok(PltContents {
            plt,
            got_plt,
            rela_plt,
        })
    }
}
