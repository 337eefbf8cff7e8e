//! The GOT (`.got`): one address-sized entry per symbol a GOT-relative
//! relocation names, or per symbol and addend on machines whose entries
//! hold `S + A` (AArch64's `GDAT(S + A)`). An entry is filled at layout
//! when the symbol's address is fixed, by a `RELATIVE` relocation when
//! only the load address moves it, and by `GLOB_DAT` (RISC-V: `R_RISCV_64`)
//! against its `.dynsym` entry when the dynamic linker binds the symbol.

use crate::arch::{Check, Field};
use crate::read::{Encoding, Rela};
use crate::write::error::{Error, Result, Subject};
use crate::write::records::r_info;
use alloc::vec::Vec;

/// How a GOT entry gets its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GotFill {
    /// Written at layout: the address does not move (static executables,
    /// absolute symbols).
    Constant,
    /// `R_*_RELATIVE`: the link-time address plus the load bias.
    Relative,
    /// `GLOB_DAT` against the symbol: the dynamic linker binds it.
    Symbolic,
}

/// One GOT entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct GotEntry {
    /// The builder's symbol, if any.
    pub symbol: Option<usize>,
    /// The addend the entry includes (0 where entries hold S alone).
    pub addend: i64,
    pub fill: GotFill,
}

/// The GOT's entries, in the order first asked for.
#[derive(Debug, Default)]
pub(super) struct Got {
    pub entries: Vec<GotEntry>,
    index: hashbrown::HashMap<(Option<usize>, i64), u32>,
}

impl Got {
    /// The index of the entry of `symbol` and `addend`, made if new.
    pub fn entry(&mut self, symbol: Option<usize>, addend: i64, fill: GotFill) -> u32 {
        let next = self.entries.len() as u32;
        *self.index.entry((symbol, addend)).or_insert_with(|| {
            self.entries.push(GotEntry {
                symbol,
                addend,
                fill,
            });
            next
        })
    }

    /// Whether there is no entry (and so no `.got`).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The size of `.got` with `word`-byte entries.
    pub fn size(&self, word: u64) -> u64 {
        self.entries.len() as u64 * word
    }

    /// The number of dynamic relocations the entries need.
    pub fn dynamic_relocations(&self) -> u64 {
        self.entries
            .iter()
            .filter(|e| e.fill != GotFill::Constant)
            .count() as u64
    }

    /// `.got`'s bytes at `addr` and the dynamic relocations filling it:
    /// `value(symbol)` is a symbol's address, `dynsym(symbol)` its
    /// `.dynsym` index; `relative` and `glob_dat` are the machine's types.
    pub fn contents(
        &self,
        enc: Encoding,
        machine: u16,
        addr: u64,
        (relative, glob_dat): (u32, u32),
        value: impl Fn(usize) -> u64,
        dynsym: impl Fn(usize) -> u32,
    ) -> Result<(Vec<u8>, Vec<Rela>)> {
        let word = enc.address_size();
        let field = Field::Data {
            size: word as u8,
            check: Check::Either,
        };
        let mut bytes = alloc::vec![0u8; self.entries.len() * word];
        let mut relocs = Vec::new();
        for (k, e) in self.entries.iter().enumerate() {
            let at = addr + (k * word) as u64;
            let v = e.symbol.map_or(0, &value).wrapping_add(e.addend as u64);
            if e.fill != GotFill::Symbolic {
                field
                    .patch(&mut bytes[k * word..], v, enc.endian)
                    .map_err(|_| {
                        Error::invalid(
                            Subject::Layout,
                            "GOT entry (the address does not fit the word)",
                            v,
                        )
                    })?;
            }
            match e.fill {
                GotFill::Constant => {}
                GotFill::Relative => relocs.push(Rela {
                    r_offset: at,
                    r_info: r_info(enc, machine, 0, relative),
                    r_addend: v as i64,
                }),
                GotFill::Symbolic => relocs.push(Rela {
                    r_offset: at,
                    r_info: r_info(enc, machine, e.symbol.map_or(0, &dynsym), glob_dat),
                    r_addend: e.addend,
                }),
            }
        }
        Ok((bytes, relocs))
    }
}
