//! The static relocations of objects linked in memory, in one pass: each
//! symbol is resolved once (by its index, not its name), outside ones
//! asked of the resolver the first time a relocation needs them, GOT
//! entries and call stubs made as relocations ask for them, and each
//! type's arithmetic taken from `src/arch/`.

use super::super::error::{Error, Result};
use super::super::memory::Reservation;
use super::super::resolve::Resolver;
use super::exports::Exports;
use super::layout::{Definition, Input, Layout};
use crate::arch::{Arch, Inputs, Needs, PltEntry, Value};
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

/// What a symbol of an input means, found once per symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// At this offset in the linked image.
    Internal(u64),
    /// This absolute value.
    Absolute(u64),
    /// Defined outside the objects: index into [`Outside`].
    External(usize),
    /// A thread-local symbol (refused when a relocation uses it).
    Tls,
    /// In a section that is not loaded (refused when used).
    NotLoaded,
}

/// Outside symbols: the name, whether every reference is weak, and the
/// address once asked.
struct Outside<'a> {
    name: &'a [u8],
    weak: bool,
    address: Option<u64>,
}

/// The symbols of every input, by object and symbol index.
pub(crate) struct Symbols<'a> {
    targets: Vec<Vec<Target>>,
    outside: Vec<Outside<'a>>,
    /// The global definitions, by name.
    pub exports: Exports,
}

impl Symbols<'_> {
    /// How many outside symbols there are (at most one call stub each).
    pub(crate) fn outside_count(&self) -> u64 {
        self.outside.len() as u64
    }
}

/// Resolves every symbol of every input once: locals to their own
/// section, globals to the definition the layout chose, the rest to an
/// outside name (one entry per name).
pub(crate) fn symbols<'a>(lay: &Layout<'a>) -> Result<Symbols<'a>> {
    let mut outside: Vec<Outside<'a>> = Vec::new();
    let mut by_name: HashMap<&'a [u8], usize> = HashMap::new();
    let mut targets = Vec::with_capacity(lay.inputs.len());
    let mut exports = Exports::with_capacity(lay.globals.len());
    for (object, input) in lay.inputs.iter().enumerate() {
        let chosen = &lay.chosen[object];
        let mut mine = Vec::with_capacity(input.symtab.len());
        for (index, sym) in input.symtab.iter().enumerate() {
            let t = if index == 0 {
                Target::Absolute(0)
            } else if sym.kind() == STT_TLS {
                Target::Tls
            } else if sym.bind() == STB_LOCAL {
                defined(input, index, &sym)?.unwrap_or(Target::Absolute(0))
            } else if chosen.get(index).copied().unwrap_or(false) {
                // The definition of its name: exported, found without
                // a look-up.
                let t = defined(input, index, &sym)?.unwrap_or(Target::Absolute(0));
                let name = input.symtab.name(&sym)?;
                match t {
                    Target::Internal(at) => exports.push(name, at, true),
                    Target::Absolute(v) => exports.push(name, v, false),
                    _ => exports.push(name, 0, false),
                }
                t
            } else {
                let name = input.symtab.name(&sym)?;
                match lay.globals.get(name) {
                    Some(Definition::Object { object, symbol, .. }) => {
                        let def = &lay.inputs[*object];
                        let s = def.symtab.get(*symbol)?;
                        defined(def, *symbol, &s)?.unwrap_or(Target::Absolute(0))
                    }
                    Some(Definition::Common(at)) => Target::Internal(*at),
                    None => {
                        let weak = sym.bind() == STB_WEAK;
                        let i = *by_name.entry(name).or_insert_with(|| {
                            outside.push(Outside {
                                name,
                                weak: true,
                                address: None,
                            });
                            outside.len() - 1
                        });
                        outside[i].weak &= weak;
                        Target::External(i)
                    }
                }
            };
            mine.push(t);
        }
        targets.push(mine);
    }
    for (name, def) in &lay.globals {
        if let Definition::Common(at) = *def {
            exports.push(name, at, true);
        }
    }
    Ok(Symbols {
        targets,
        outside,
        exports,
    })
}

/// Where a symbol defined in `input` is (`None` if undefined there).
fn defined(input: &Input<'_>, index: usize, sym: &crate::read::Symbol) -> Result<Option<Target>> {
    Ok(match input.symtab.section(index, sym)? {
        SymbolSection::Section(i) => match input.placed.get(i as usize).copied().flatten() {
            Some(at) => Some(Target::Internal(at.wrapping_add(sym.st_value))),
            None => Some(Target::NotLoaded),
        },
        SymbolSection::Absolute => Some(Target::Absolute(sym.st_value)),
        _ => None,
    })
}

/// Where the GOT and the call stubs go, and how many each may hold.
pub(crate) struct Tables {
    /// Offset of the GOT in the image.
    pub got: u64,
    /// Offset of the first stub.
    pub stubs: u64,
}

/// The state of the one pass.
struct Pass<'l, 'a> {
    arch: Arch,
    base: u64,
    tables: &'l Tables,
    word: u64,
    stub_size: u64,
    /// GOT slots by the value they hold (S, or S + A on AArch64): two
    /// references wanting the same value share an entry.
    got: HashMap<u64, u64>,
    /// Stub index by outside symbol.
    stubs: HashMap<usize, u64>,
    syms: &'l mut Symbols<'a>,
}

impl Pass<'_, '_> {
    fn address(&mut self, t: Target, r: &Relocation, resolver: &mut dyn Resolver) -> Result<u64> {
        Ok(match t {
            Target::Internal(at) => self.base.wrapping_add(at),
            Target::Absolute(v) => v,
            Target::External(i) => {
                let o = &mut self.syms.outside[i];
                match o.address {
                    Some(a) => a,
                    None => {
                        let a = match resolver.resolve(o.name, None) {
                            Some(a) => a as u64,
                            None if o.weak => 0,
                            None => return Err(Error::undefined(o.name, None, r.offset)),
                        };
                        o.address = Some(a);
                        a
                    }
                }
            }
            Target::Tls => {
                return Err(Error::Tls {
                    segment: r.symbol as usize,
                });
            }
            Target::NotLoaded => {
                return Err(Error::Unsupported {
                    what: "symbol in a section that is not loaded (or discarded), symbol",
                    value: r.symbol.into(),
                });
            }
        })
    }

    /// The address of the GOT entry holding `value`, made if new.
    fn got_entry(&mut self, value: u64, mem: &Reservation) -> Result<u64> {
        let next = self.got.len() as u64;
        let slot = *self.got.entry(value).or_insert(next);
        let at = self.base + self.tables.got + self.word * slot;
        if slot == next {
            mem.write(at as usize, &value.to_ne_bytes()[..self.word as usize])?;
        }
        Ok(at)
    }

    /// The address of the call stub for outside symbol `i` at `target`.
    fn stub(&mut self, i: usize, target: u64, mem: &mut Reservation) -> Result<u64> {
        if let Some(j) = self.stubs.get(&i) {
            return Ok(self.base + self.tables.stubs + self.stub_size * j);
        }
        let j = self.stubs.len() as u64;
        self.stubs.insert(i, j);
        let slot = self.got_entry(target, mem)?;
        let addr = self.base + self.tables.stubs + self.stub_size * j;
        let e = PltEntry {
            plt: addr,
            got_plt: self.base + self.tables.got,
            addr,
            slot,
            index: j as u32,
        };
        let arch = self.arch;
        mem.patch(addr as usize, self.stub_size as usize, |out| {
            arch.write_plt_entry(out, &e)
        })?
        .map_err(|problem| relocation_error(String::from("stub"), addr, 0, problem))?;
        Ok(addr)
    }
}

/// Applies every relocation of every placed section, making GOT entries
/// and stubs as they are asked for.
pub(crate) fn apply(
    arch: Arch,
    lay: &Layout<'_>,
    syms: &mut Symbols<'_>,
    tables: &Tables,
    resolver: &mut dyn Resolver,
    mem: &mut Reservation,
) -> Result<()> {
    let endian = lay.inputs.first().map(|i| i.elf.endian());
    let endian = endian.unwrap_or(crate::read::Endian::Little);
    let mut pass = Pass {
        arch,
        base: mem.start() as u64,
        tables,
        word: arch.word(),
        stub_size: arch.plt_layout().entry_size,
        got: HashMap::new(),
        stubs: HashMap::new(),
        syms,
    };
    for (object, input) in lay.inputs.iter().enumerate() {
        for sec in input.elf.sections() {
            let h = sec.header();
            if h.sh_type != SHT_RELA && h.sh_type != SHT_CREL {
                continue;
            }
            let target = h.sh_info as usize;
            let Some(at) = input.placed.get(target).copied().flatten() else {
                continue;
            };
            let Some(table) = input.elf.relocation_table(&sec)? else {
                continue;
            };
            let size = input.elf.section(target)?.header().sh_size;
            let one = |pass: &mut Pass<'_, '_>,
                       mem: &mut Reservation,
                       resolver: &mut dyn Resolver,
                       index: usize,
                       r: &Relocation|
             -> Result<()> {
                let place = Place {
                    input,
                    object,
                    index,
                    at,
                    size,
                };
                relocate_one(pass, mem, resolver, &place, r, endian).map_err(|e| match e {
                    Error::Relocation {
                        offset,
                        kind,
                        problem,
                        ..
                    } => {
                        let name = input.elf.section(target).and_then(|s| s.name());
                        let name = name.map(|n| String::from_utf8_lossy(n).into_owned());
                        relocation_error(name.unwrap_or_default(), offset, kind, problem)
                    }
                    e => e,
                })
            };
            match table {
                RelocationTable::Fixed(t) => {
                    for (index, r) in t.iter().enumerate() {
                        one(&mut pass, mem, resolver, index, &r)?;
                    }
                }
                RelocationTable::Crel(t) => {
                    for (index, r) in t.iter().enumerate() {
                        one(&mut pass, mem, resolver, index, &r?)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// The section a relocation patches: its object, the relocation's index,
/// its offset in the image and its size.
struct Place<'i, 'a> {
    input: &'i Input<'a>,
    object: usize,
    index: usize,
    at: u64,
    size: u64,
}

fn relocate_one(
    pass: &mut Pass<'_, '_>,
    mem: &mut Reservation,
    resolver: &mut dyn Resolver,
    place: &Place<'_, '_>,
    r: &Relocation,
    endian: crate::read::Endian,
) -> Result<()> {
    let Some(howto) = pass.arch.howto(r.kind) else {
        return Err(Error::UnknownRelocation {
            table: "object relocation section",
            index: place.index,
            offset: r.offset,
            kind: r.kind,
        });
    };
    let field = howto.field.size() as u64;
    if r.offset.checked_add(field).is_none_or(|e| e > place.size) {
        return Err(Error::BadTarget {
            table: "object relocation section",
            offset: r.offset,
        });
    }
    let targets = &pass.syms.targets[place.object];
    let t = targets
        .get(r.symbol as usize)
        .copied()
        .ok_or(Error::Unsupported {
            what: "relocation symbol index past the symbol table, symbol",
            value: r.symbol.into(),
        })?;
    let Some(a) = r.addend else {
        return Err(Error::Unsupported {
            what: "relocation without an explicit addend (CREL without addends), type",
            value: r.kind.into(),
        });
    };
    let mut s = pass.address(t, r, resolver)?;
    let mut g = 0;
    match howto.needs {
        // A call to an outside function goes through a stub (it may be
        // out of the call's reach); an unresolved weak one stays 0.
        Needs::Plt => {
            if let (Target::External(i), true) = (t, s != 0) {
                s = pass.stub(i, s, mem)?;
            }
        }
        Needs::Got => {
            // AArch64's entries hold S + A (one per symbol and addend);
            // x86-64's and RISC-V's hold S, the addend applying to G.
            let holds_addend = pass.arch.got_entry_has_addend()
                && matches!(howto.value, Value::Got | Value::GotPage);
            let value = if holds_addend {
                s.wrapping_add(a as u64)
            } else {
                s
            };
            g = pass.got_entry(value, mem)?;
        }
        Needs::Nothing | Needs::GotBase => {}
    }
    let z = match howto.value {
        Value::Size => place.input.symtab.get(r.symbol as usize)?.st_size,
        _ => 0,
    };
    let q = Inputs {
        s,
        a,
        p: pass.base + place.at + r.offset,
        g,
        got: pass.base + pass.tables.got,
        z,
    };
    mem.patch(q.p as usize, field as usize, |bytes| {
        howto.apply(&q, bytes, endian)
    })?
    .map_err(|problem| relocation_error(String::new(), r.offset, r.kind, problem))
}

fn relocation_error(section: String, offset: u64, kind: u32, problem: crate::arch::Error) -> Error {
    Error::Relocation {
        section,
        offset,
        kind,
        problem,
    }
}
