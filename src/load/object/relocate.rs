//! The static relocations of objects linked in memory: what each needs
//! (a GOT entry, a call stub, an outside address), then the patching,
//! with each type's arithmetic from `src/arch/`.

use super::super::error::{Error, Result};
use super::super::memory::Reservation;
use super::super::resolve::Resolver;
use super::layout::{Definition, Input, Layout};
use crate::arch::{Arch, Inputs, Needs as ArchNeeds, PltEntry};
use crate::raw::consts::*;
use crate::read::{Class, Relocation, RelocationTable, SymbolSection};
use alloc::string::String;
use alloc::vec::Vec;
use hashbrown::HashMap;

/// The machine of the objects (all must be this process's).
pub(crate) fn arch_of(inputs: &[Input<'_>]) -> Result<Arch> {
    let machine = super::super::plan::host_machine();
    Arch::new(machine, Class::Elf64)
        .filter(|_| inputs.iter().all(|i| i.elf.machine() == machine))
        .ok_or(Error::Unsupported {
            what: "machine, e_machine",
            value: machine.into(),
        })
}

/// What a symbol reference means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolved<'a> {
    /// At this offset in the linked image.
    Internal(u64),
    /// This absolute value.
    Absolute(u64),
    /// Defined outside the objects.
    External(&'a [u8]),
}

/// Who a GOT entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Name(&'a [u8]),
    Local(usize, usize),
}

/// What the relocations need besides the sections.
#[derive(Debug, Default)]
pub(crate) struct Needs<'a> {
    got: HashMap<Key<'a>, u64>,
    got_order: Vec<(Key<'a>, Resolved<'a>)>,
    stubs: HashMap<&'a [u8], u64>,
    stub_order: Vec<&'a [u8]>,
    external: HashMap<&'a [u8], u64>,
}

impl Needs<'_> {
    pub(crate) fn got_entries(&self) -> u64 {
        self.got_order.len() as u64
    }
    pub(crate) fn stub_count(&self) -> u64 {
        self.stub_order.len() as u64
    }
}

/// The symbol `symbol` of object `object` as the layout places it.
fn resolve<'a>(lay: &Layout<'a>, object: usize, symbol: usize) -> Result<(Resolved<'a>, Key<'a>)> {
    let input = &lay.inputs[object];
    let sym = input.symtab.get(symbol)?;
    if sym.kind() == STT_TLS {
        return Err(Error::Tls { segment: symbol });
    }
    if sym.bind() == STB_LOCAL || symbol == 0 {
        let r = defined(input, symbol)?.unwrap_or(Resolved::Absolute(0));
        return Ok((r, Key::Local(object, symbol)));
    }
    let name = input.symtab.name(&sym)?;
    let r = match lay.globals.get(name) {
        Some(Definition::Object { object, symbol, .. }) => {
            defined(&lay.inputs[*object], *symbol)?.unwrap_or(Resolved::Absolute(0))
        }
        Some(Definition::Common(at)) => Resolved::Internal(*at),
        None => Resolved::External(name),
    };
    Ok((r, Key::Name(name)))
}

/// Where a symbol defined in `input` is (`None` if undefined there).
fn defined<'a>(input: &Input<'a>, symbol: usize) -> Result<Option<Resolved<'a>>> {
    let sym = input.symtab.get(symbol)?;
    Ok(match input.symtab.section(symbol, &sym)? {
        SymbolSection::Section(i) => match input.placed.get(i as usize).copied().flatten() {
            Some(at) => Some(Resolved::Internal(at.wrapping_add(sym.st_value))),
            None => {
                return Err(Error::Unsupported {
                    what: "symbol in a section that is not loaded (or discarded), symbol",
                    value: symbol as u64,
                });
            }
        },
        SymbolSection::Absolute => Some(Resolved::Absolute(sym.st_value)),
        _ => None,
    })
}

/// Calls `each` for every relocation of every placed section.
fn for_each_relocation<'a>(
    lay: &Layout<'a>,
    mut each: impl FnMut(usize, usize, &Relocation) -> Result<()>,
) -> Result<()> {
    for (object, input) in lay.inputs.iter().enumerate() {
        for sec in input.elf.sections() {
            let h = sec.header();
            if h.sh_type != SHT_RELA && h.sh_type != SHT_REL {
                continue;
            }
            let target = h.sh_info as usize;
            if input.placed.get(target).copied().flatten().is_none() {
                continue;
            }
            let Some(table) = input.elf.relocation_table(&sec)? else {
                continue;
            };
            match table {
                RelocationTable::Fixed(t) => {
                    for r in t.iter() {
                        each(object, target, &r)?;
                    }
                }
                RelocationTable::Crel(t) => {
                    for r in t.iter() {
                        each(object, target, &r?)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Finds what the relocations need: outside addresses (asked of
/// `resolver` once per name), GOT entries, and stubs for calls to outside
/// functions.
pub(crate) fn scan<'a>(
    arch: Arch,
    lay: &Layout<'a>,
    resolver: &mut dyn Resolver,
) -> Result<Needs<'a>> {
    let mut n = Needs::default();
    for_each_relocation(lay, |object, _, r| {
        let Some(howto) = arch.howto(r.kind) else {
            return Err(Error::UnknownRelocation {
                table: "object relocation section",
                index: object,
                offset: r.offset,
                kind: r.kind,
            });
        };
        let (res, key) = resolve(lay, object, r.symbol as usize)?;
        if let Resolved::External(name) = res {
            if !n.external.contains_key(name) {
                let sym = lay.inputs[object].symtab.get(r.symbol as usize)?;
                let addr = match resolver.resolve(name, None) {
                    Some(a) => a as u64,
                    None if sym.bind() == STB_WEAK => 0,
                    None => return Err(Error::undefined(name, None, r.offset)),
                };
                n.external.insert(name, addr);
            }
        }
        let stub = howto.needs == ArchNeeds::Plt
            && matches!(res, Resolved::External(name) if n.external.get(name) != Some(&0));
        if (howto.needs == ArchNeeds::Got || stub) && !n.got.contains_key(&key) {
            n.got.insert(key, n.got_order.len() as u64);
            n.got_order.push((key, res));
        }
        if let (true, Resolved::External(name)) = (stub, res) {
            if !n.stubs.contains_key(name) {
                n.stubs.insert(name, n.stub_order.len() as u64);
                n.stub_order.push(name);
            }
        }
        Ok(())
    })?;
    Ok(n)
}

/// Fills the GOT, writes the stubs, applies every relocation; returns the
/// addresses of the objects' global symbols.
pub(crate) fn apply(
    arch: Arch,
    lay: &Layout<'_>,
    needs: &Needs<'_>,
    (got, stubs): (u64, u64),
    mem: &mut Reservation,
) -> Result<HashMap<alloc::vec::Vec<u8>, usize>> {
    let base = mem.start() as u64;
    let address = |r: Resolved<'_>| match r {
        Resolved::Internal(at) => base.wrapping_add(at),
        Resolved::Absolute(v) => v,
        Resolved::External(name) => needs.external.get(name).copied().unwrap_or(0),
    };
    for (i, (_, res)) in needs.got_order.iter().enumerate() {
        let at = base + got + 8 * i as u64;
        mem.write(at as usize, &address(*res).to_ne_bytes())?;
    }
    let stub_size = arch.plt_layout().entry_size;
    let endian = lay.inputs.first().map(|i| i.elf.endian());
    let endian = endian.unwrap_or(crate::read::Endian::Little);
    for (j, name) in needs.stub_order.iter().enumerate() {
        let slot = base + got + 8 * needs.got[&Key::Name(name)];
        let addr = base + stubs + stub_size * j as u64;
        let e = PltEntry {
            plt: addr,
            got_plt: base + got,
            addr,
            slot,
            index: j as u32,
        };
        mem.patch(addr as usize, stub_size as usize, |out| {
            arch.write_plt_entry(out, &e)
        })?
        .map_err(|problem| relocation_error("stub", addr, 0, problem))?;
    }
    for_each_relocation(lay, |object, target, r| {
        let input = &lay.inputs[object];
        let sec = input.elf.section(target)?;
        let howto = arch.howto(r.kind).ok_or(Error::UnknownRelocation {
            table: "object relocation section",
            index: object,
            offset: r.offset,
            kind: r.kind,
        })?;
        let (res, key) = resolve(lay, object, r.symbol as usize)?;
        let mut s = address(res);
        if let Resolved::External(name) = res {
            if howto.needs == ArchNeeds::Plt {
                if let Some(j) = needs.stubs.get(name) {
                    s = base + stubs + stub_size * j;
                }
            }
        }
        let sym = input.symtab.get(r.symbol as usize)?;
        let Some(a) = r.addend else {
            return Err(Error::Unsupported {
                what: "SHT_REL relocations in objects (no addend), type",
                value: r.kind.into(),
            });
        };
        let q = Inputs {
            s,
            a,
            p: base + input.placed[target].unwrap_or(0) + r.offset,
            g: needs.got.get(&key).map_or(0, |i| base + got + 8 * i),
            got: base + got,
            z: sym.st_size,
        };
        let size = howto.field.size() as u64;
        if r.offset
            .checked_add(size)
            .is_none_or(|e| e > sec.header().sh_size)
        {
            return Err(Error::BadTarget {
                table: "object relocation section",
                offset: r.offset,
            });
        }
        mem.patch(q.p as usize, size as usize, |place| {
            howto.apply(&q, place, endian)
        })?
        .map_err(|problem| {
            let name = sec.name().map(|n| String::from_utf8_lossy(n).into_owned());
            relocation_error_named(name.unwrap_or_default(), r.offset, r.kind, problem)
        })
    })?;
    let mut exports = HashMap::new();
    for (name, def) in &lay.globals {
        let r = match def {
            Definition::Object { object, symbol, .. } => {
                defined(&lay.inputs[*object], *symbol)?.unwrap_or(Resolved::Absolute(0))
            }
            Definition::Common(at) => Resolved::Internal(*at),
        };
        exports.insert(name.to_vec(), address(r) as usize);
    }
    Ok(exports)
}

fn relocation_error(what: &str, offset: u64, kind: u32, problem: crate::arch::Error) -> Error {
    relocation_error_named(String::from(what), offset, kind, problem)
}

fn relocation_error_named(
    section: String,
    offset: u64,
    kind: u32,
    problem: crate::arch::Error,
) -> Error {
    Error::Relocation {
        section,
        offset,
        kind,
        problem,
    }
}
