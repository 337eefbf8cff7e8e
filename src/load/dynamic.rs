//! Applying an image's dynamic relocations: RELATIVE (from RELA, REL and
//! RELR), absolute, GLOB_DAT and JUMP_SLOT against the image's own symbols
//! or the resolver's, and IRELATIVE when the caller allows it.

use super::error::{Error, Result};
use super::kinds::{self as arch, DynamicKind};
use super::memory::Reservation;
use super::plan::{LoadOptions, SegmentPlan};
use super::resolve::Resolver;
use crate::raw::consts::*;
use crate::read::{
    DynamicRelocations, DynamicSymbols, Relocation, RelocationFormat, SymbolVersion,
};
use alloc::vec::Vec;

/// Where relocations may write: the image's memory and its writable
/// segments (in file addresses), with the load bias.
pub(crate) struct Target<'m> {
    pub mem: &'m Reservation,
    pub bias: u64,
    pub writable: Vec<(u64, u64)>,
}

impl Target<'_> {
    pub(crate) fn new<'m>(mem: &'m Reservation, bias: u64, segments: &[SegmentPlan]) -> Target<'m> {
        Target {
            mem,
            bias,
            writable: segments
                .iter()
                .filter(|s| s.is_writable())
                .map(|s| (s.vaddr, s.end()))
                .collect(),
        }
    }

    /// The run-time address of the `size`-byte field at `offset`, if it
    /// lies in one writable segment.
    fn place(&self, table: &'static str, offset: u64, size: u64) -> Result<usize> {
        let ok = self
            .writable
            .iter()
            .any(|&(lo, hi)| offset >= lo && offset.checked_add(size).is_some_and(|e| e <= hi));
        if !ok {
            return Err(Error::BadTarget { table, offset });
        }
        Ok(offset.wrapping_add(self.bias) as usize)
    }

    fn read_word(&self, table: &'static str, offset: u64) -> Result<u64> {
        let at = self.place(table, offset, 8)?;
        Ok(u64::from_ne_bytes(self.mem.read::<8>(at)?))
    }

    fn write_word(&self, table: &'static str, offset: u64, value: u64) -> Result<()> {
        let at = self.place(table, offset, 8)?;
        self.mem.write(at, &value.to_ne_bytes())
    }
}

/// An IRELATIVE to apply once the code is executable.
pub(crate) struct Deferred {
    pub offset: u64,
    pub resolver: u64,
}

/// Applies every dynamic relocation except IRELATIVE, which it returns
/// for [`apply_irelative`] (or refuses, unless `opts` allows it).
pub(crate) fn apply(
    machine: u16,
    tables: &DynamicRelocations<'_>,
    symbols: Option<&DynamicSymbols<'_>>,
    target: &Target<'_>,
    resolver: &mut dyn Resolver,
    opts: &LoadOptions,
) -> Result<Vec<Deferred>> {
    let mut deferred = Vec::new();
    let named = [
        ("DT_RELR", tables.relr),
        ("DT_RELA", tables.rela),
        ("DT_REL", tables.rel),
        ("DT_JMPREL", tables.plt),
    ];
    for (name, table) in named {
        let Some(table) = table else { continue };
        let relr = table.format() == RelocationFormat::Relr;
        for (index, r) in table.iter().enumerate() {
            if relr {
                let a = target.read_word(name, r.offset)?;
                target.write_word(name, r.offset, target.bias.wrapping_add(a))?;
                continue;
            }
            let c = Context {
                table: name,
                index,
                symbols,
                target,
            };
            if let Some(d) = c.one(machine, &r, resolver, opts)? {
                deferred.push(d);
            }
        }
    }
    Ok(deferred)
}

struct Context<'c, 's> {
    table: &'static str,
    index: usize,
    symbols: Option<&'c DynamicSymbols<'s>>,
    target: &'c Target<'c>,
}

impl Context<'_, '_> {
    fn one(
        &self,
        machine: u16,
        r: &Relocation,
        resolver: &mut dyn Resolver,
        opts: &LoadOptions,
    ) -> Result<Option<Deferred>> {
        let (table, t) = (self.table, self.target);
        let Some(kind) = arch::dynamic_kind(machine, r.kind) else {
            return Err(Error::UnknownRelocation {
                table,
                index: self.index,
                offset: r.offset,
                kind: r.kind,
            });
        };
        let addend = |t: &Target<'_>| match r.addend {
            Some(a) => Ok(a as u64),
            None => t.read_word(table, r.offset),
        };
        match kind {
            DynamicKind::None => {}
            DynamicKind::Relative => {
                let v = t.bias.wrapping_add(addend(t)?);
                t.write_word(table, r.offset, v)?;
            }
            DynamicKind::Absolute | DynamicKind::GlobDat | DynamicKind::JumpSlot => {
                let a = addend(t)?;
                let s = self.symbol(r, resolver)?;
                t.write_word(table, r.offset, s.wrapping_add(a))?;
            }
            DynamicKind::IRelative => {
                if !opts.allow_irelative {
                    return Err(Error::IRelative { offset: r.offset });
                }
                let a = addend(t)?;
                t.place(table, r.offset, 8)?;
                return Ok(Some(Deferred {
                    offset: r.offset,
                    resolver: t.bias.wrapping_add(a),
                }));
            }
            DynamicKind::Tls => {
                return Err(Error::Unsupported {
                    what: "TLS relocation type",
                    value: r.kind.into(),
                });
            }
        }
        Ok(None)
    }

    /// The address of the relocation's symbol: the image's own definition,
    /// else the resolver's; 0 for an unresolved weak symbol.
    fn symbol(&self, r: &Relocation, resolver: &mut dyn Resolver) -> Result<u64> {
        if r.symbol == 0 {
            return Ok(0);
        }
        let Some(syms) = self.symbols else {
            return Err(Error::Unsupported {
                what: "symbol relocation without a dynamic symbol table, symbol",
                value: r.symbol.into(),
            });
        };
        let sym = syms.symbols().get(r.symbol as usize)?;
        if sym.kind() == STT_TLS {
            return Err(Error::Unsupported {
                what: "relocation against a TLS symbol, symbol",
                value: r.symbol.into(),
            });
        }
        match sym.st_shndx {
            SHN_UNDEF => {}
            SHN_ABS => return Ok(sym.st_value),
            _ => return Ok(sym.st_value.wrapping_add(self.target.bias)),
        }
        let name = syms.symbols().name(&sym)?;
        let version = match syms.version(r.symbol as usize)? {
            SymbolVersion::Needed { name, .. } | SymbolVersion::Defined { name, .. } => Some(name),
            _ => None,
        };
        match resolver.resolve(name, version) {
            Some(a) => Ok(a as u64),
            None if sym.bind() == STB_WEAK => Ok(0),
            None => Err(Error::undefined(name, version, r.offset)),
        }
    }
}

/// Calls each IRELATIVE resolver and stores what it returns.
///
/// # Safety
///
/// Runs code of the image: the caller allowed it (`allow_irelative`), and
/// the image's executable segments are mapped executable.
pub(crate) unsafe fn apply_irelative(target: &Target<'_>, deferred: &[Deferred]) -> Result<()> {
    for d in deferred {
        // SAFETY: `d.resolver` is an address in the image the caller chose
        // to run (its IRELATIVE resolver, a function taking no arguments
        // and returning an address, per the psABIs); this function's
        // contract says its code is mapped executable.
        let f: extern "C" fn() -> usize = unsafe { core::mem::transmute(d.resolver as usize) };
        let v = f();
        target.write_word("IRELATIVE", d.offset, v as u64)?;
    }
    Ok(())
}
