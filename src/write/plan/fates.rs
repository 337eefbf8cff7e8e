//! What becomes of each relocation in a linked file, and which symbols go
//! into `.dynsym` in what order.

use super::bad;
use crate::error::Result;
use crate::raw::consts::*;
use crate::write::builder::{Builder, Perms, SectionData, SymbolPlace};
use crate::write::dynamic_tables::order_for_gnu_hash;
use crate::write::relocate::{How, classify, dynamic_types};
use alloc::vec::Vec;

/// What happens to a relocation in an executable or shared object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Static(How),
    /// `R_*_RELATIVE` (or RELR when `relr` is set and the place is aligned).
    Relative {
        relr: bool,
    },
    /// A word-sized absolute relocation against a dynamic symbol.
    Symbolic,
}

impl Builder<'_> {
    fn is_defined(&self, i: usize) -> bool {
        self.symbols[i].place.is_defined()
    }

    /// Decides, for an executable or shared object, which relocations are
    /// applied now and which become dynamic ones.
    pub(super) fn relocation_fates(&self, dynamic: bool) -> Result<Vec<Fate>> {
        let mut fates = Vec::new();
        if self.kind.file_type == ET_REL {
            return Ok(fates);
        }
        let machine = self.kind.machine;
        let file_type = self.kind.file_type;
        let word = self.kind.encoding.address_size() as u64;
        if self.kind.encoding.class == crate::read::Class::Elf32 && !self.relocations.is_empty() {
            // x32 and AArch64 ILP32 have their own relocation rules.
            return Err(bad(
                "builder relocation",
                "class (the builder resolves relocations in 64-bit x86-64 and AArch64 files only)",
                32,
            ));
        }
        let defined = |i: usize| self.is_defined(i);

        for (i, r) in self.relocations.iter().enumerate() {
            let how = classify(machine, r.kind).ok_or(
                bad(
                    "builder relocation",
                    "type (not one the builder resolves for this machine)",
                    r.kind.into(),
                )
                .at_index(i as u64),
            )?;
            let sym_defined = r.symbol.is_none_or(|s| defined(s.0));
            // An absolute symbol does not move with the load address.
            let absolute = r
                .symbol
                .is_some_and(|s| self.symbols[s.0].place == SymbolPlace::Absolute);
            let section = &self.sections[r.section.0];
            let fate = match how {
                How::AbsWord if file_type == ET_DYN && sym_defined && !absolute => Fate::Relative {
                    // RELR keeps the addend in the file, so the place needs bytes.
                    relr: self.relr
                        && section.align >= word
                        && r.offset % word == 0
                        && matches!(section.data, SectionData::Bytes(_)),
                },
                How::AbsWord if !sym_defined && dynamic => {
                    // .dynsym keeps locals before sh_info; an undefined local
                    // cannot be bound by the dynamic linker anyway.
                    if r.symbol
                        .is_some_and(|s| self.symbols[s.0].bind == STB_LOCAL)
                    {
                        return Err(bad(
                            "builder relocation",
                            "symbol (an undefined local symbol cannot be resolved at run time)",
                            r.symbol.map_or(0, |s| s.0 as u64),
                        )
                        .at_index(i as u64));
                    }
                    Fate::Symbolic
                }
                How::Nothing => Fate::Static(how),
                _ if !sym_defined => {
                    return Err(bad(
                        "builder relocation",
                        "symbol (undefined, and the relocation cannot be dynamic)",
                        r.symbol.map_or(0, |s| s.0 as u64),
                    )
                    .at_index(i as u64));
                }
                // S is fixed, P moves with the load address: no constant.
                How::PcRel { .. } | How::Branch26 | How::AdrpPage21
                    if file_type == ET_DYN && absolute =>
                {
                    return Err(bad(
                        "builder relocation",
                        "symbol (an absolute symbol cannot be reached PC-relatively in a position-independent file)",
                        r.symbol.map_or(0, |s| s.0 as u64),
                    )
                    .at_index(i as u64));
                }
                How::Abs32 { .. } if file_type == ET_DYN => {
                    return Err(bad("builder relocation", "type (a 32-bit absolute relocation cannot be used in a position-independent file)", r.kind.into()).at_index(i as u64));
                }
                h => Fate::Static(h),
            };
            if matches!(fate, Fate::Relative { .. } | Fate::Symbolic)
                && dynamic_types(machine).is_none()
            {
                return Err(bad(
                    "builder relocation",
                    "machine (no dynamic relocation types known)",
                    machine.into(),
                )
                .at_index(i as u64));
            }
            if matches!(fate, Fate::Relative { .. } | Fate::Symbolic) {
                if section.perms != Some(Perms::RW) {
                    return Err(bad(
                        "builder relocation",
                        "section (a dynamic relocation in a read-only section would need text relocations)",
                        r.section.0 as u64,
                    )
                    .at_index(i as u64));
                }
                if r.offset
                    .checked_add(word)
                    .is_none_or(|end| end > section.data.size())
                {
                    return Err(bad(
                        "builder relocation",
                        "offset (the word runs past its section)",
                        r.offset,
                    )
                    .at_index(i as u64));
                }
            }
            if self.sections[r.section.0].perms.is_none() {
                return Err(bad(
                    "builder relocation",
                    "section (not loaded; cannot relocate it in a linked file)",
                    r.section.0 as u64,
                )
                .at_index(i as u64));
            }
            fates.push(fate);
        }
        Ok(fates)
    }

    /// The dynamic symbols: undefined ones first (the GNU hash covers only
    /// defined symbols), then the defined ones in hash-bucket order.
    pub(super) fn dynamic_symbol_order(&self, fates: &[Fate]) -> Vec<usize> {
        let file_type = self.kind.file_type;
        let defined = |i: usize| self.is_defined(i);
        let mut dynsyms: Vec<usize> = Vec::new();

        let mut needed_undef = alloc::vec![false; self.symbols.len()];
        for (r, f) in self.relocations.iter().zip(fates) {
            if *f == Fate::Symbolic {
                if let Some(s) = r.symbol {
                    needed_undef[s.0] = true;
                }
            }
        }
        let exported = |i: usize| {
            let s = &self.symbols[i];
            match s.export {
                // A dynamic relocation needs its symbol, whatever `export` says.
                Some(e) => e || needed_undef[i],
                None if !defined(i) => needed_undef[i],
                None => {
                    file_type == ET_DYN
                        && s.bind != STB_LOCAL
                        && matches!(s.other & 3, STV_DEFAULT | STV_PROTECTED)
                }
            }
        };
        dynsyms.extend((0..self.symbols.len()).filter(|&i| exported(i) && !defined(i)));
        let defs: Vec<usize> = (0..self.symbols.len())
            .filter(|&i| exported(i) && defined(i))
            .collect();
        dynsyms.extend(order_for_gnu_hash(&defs, |i| &self.symbols[i].name));
        dynsyms
    }
}
