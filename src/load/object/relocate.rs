//! The static relocations of objects linked in memory, in one pass: each
//! symbol is resolved once (by its index, not its name), outside ones
//! asked of the resolver the first time a relocation needs them, GOT
//! entries and call stubs made as relocations ask for them, and each
//! type's arithmetic taken from `src/arch/`.

use super::super::error::{Error, Result};
use super::super::memory::Reservation;
use super::super::resolve::Resolver;
use super::globals::Definition;
use super::layout::{Input, Layout};
use crate::arch::{Arch, Field, Howto, Inputs, Needs, PltEntry, Value};
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

/// What a symbol of an input means, found once per symbol, in 8 bytes
/// (a table entry per symbol of every input): the top two bits say what
/// the rest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Target(u64);

/// What a [`Target`] says, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolved {
    /// At this offset in the linked image.
    Internal(u64),
    /// This absolute value.
    Absolute(u64),
    /// Defined outside the objects: index into [`Symbols::outside`].
    External(usize),
    /// A thread-local symbol (refused when a relocation uses it).
    Tls,
    /// In a section that is not loaded (refused when used).
    NotLoaded,
    /// At an offset past any image (a hostile `st_value`).
    OutOfRange,
}

impl Target {
    const TAG: u64 = 3 << 62;
    const EXTERNAL: u64 = 1 << 62;
    const ABSOLUTE: u64 = 2 << 62;
    const SPECIAL: u64 = 3 << 62;
    const TLS: Target = Target(Self::SPECIAL);
    const NOT_LOADED: Target = Target(Self::SPECIAL | 1);
    const OUT_OF_RANGE: Target = Target(Self::SPECIAL | 2);
    /// Not resolved yet.
    const UNRESOLVED: Target = Target(Self::SPECIAL | 3);
    /// The absolute value 0 (index 0 of the absolute values).
    const ZERO: Target = Target(Self::ABSOLUTE);

    fn internal(at: u64) -> Target {
        if at & Self::TAG == 0 {
            Target(at)
        } else {
            Self::OUT_OF_RANGE
        }
    }

    /// The outside symbol's index, if it is one.
    fn external(self) -> Option<usize> {
        (self.0 & Self::TAG == Self::EXTERNAL).then_some((self.0 & !Self::TAG) as usize)
    }

    fn decode(self, absolutes: &[u64]) -> Resolved {
        let rest = self.0 & !Self::TAG;
        match self.0 & Self::TAG {
            0 => Resolved::Internal(rest),
            Self::EXTERNAL => Resolved::External(rest as usize),
            Self::ABSOLUTE => Resolved::Absolute(absolutes[rest as usize]),
            _ if self == Self::TLS => Resolved::Tls,
            _ if self == Self::NOT_LOADED => Resolved::NotLoaded,
            _ => Resolved::OutOfRange,
        }
    }
}

/// Outside symbols: the name, whether every reference is weak, and the
/// address once asked.
struct Outside<'a> {
    name: &'a [u8],
    weak: bool,
    address: Option<u64>,
    /// The resolver did not know it (so far only weak references asked).
    missing: bool,
}

/// The symbols of every input, by object and symbol index, each resolved
/// the first time a relocation uses it (most symbols of an object are
/// never used by one).
pub(crate) struct Symbols<'a> {
    targets: Vec<Vec<Target>>,
    /// The values of absolute symbols ([`Target`]s point here).
    absolutes: Vec<u64>,
    outside: Vec<Outside<'a>>,
    /// Outside symbols by name.
    by_name: HashMap<&'a [u8], usize>,
}

impl<'a> Symbols<'a> {
    fn absolute(&mut self, value: u64) -> Target {
        if value == 0 {
            return Target::ZERO;
        }
        self.absolutes.push(value);
        Target(Target::ABSOLUTE | (self.absolutes.len() - 1) as u64)
    }

    /// Where a symbol defined in `input` is (`None` if undefined there).
    fn defined(
        &mut self,
        input: &Input<'_>,
        index: usize,
        sym: &crate::read::Symbol,
    ) -> Result<Option<Target>> {
        Ok(match input.symtab.section(index, sym)? {
            SymbolSection::Section(i) => match input.placed.get(i as usize).copied().flatten() {
                Some(at) => Some(Target::internal(at.wrapping_add(sym.st_value))),
                None => Some(Target::NOT_LOADED),
            },
            SymbolSection::Absolute => Some(self.absolute(sym.st_value)),
            _ => None,
        })
    }
}

/// The symbols of `lay`'s inputs, none resolved yet.
pub(crate) fn symbols<'a>(lay: &Layout<'a>) -> Symbols<'a> {
    Symbols {
        targets: lay
            .inputs
            .iter()
            .map(|i| alloc::vec![Target::UNRESOLVED; i.symtab.len()])
            .collect(),
        absolutes: alloc::vec![0],
        outside: Vec::new(),
        by_name: HashMap::new(),
    }
}

impl<'a> Symbols<'a> {
    /// Resolves symbol `index` of input `object`: locals and strong
    /// definitions to their own section, other globals to the definition
    /// the layout chose, the rest to an outside name (one entry per name).
    #[inline(never)]
    fn resolve(&mut self, lay: &Layout<'a>, object: usize, index: usize) -> Result<Target> {
        let input = &lay.inputs[object];
        let sym = input.symtab.get(index)?;
        // A strong definition in a kept section is its name's (two are an
        // error): no look-up by name.
        let strong = sym.bind() == STB_GLOBAL && sym.st_shndx != SHN_COMMON;
        let own = if strong && sym.st_shndx != SHN_UNDEF {
            self.defined(input, index, &sym)?
                .filter(|&t| t != Target::NOT_LOADED)
        } else {
            None
        };
        Ok(if index == 0 {
            Target::ZERO
        } else if sym.kind() == STT_TLS {
            Target::TLS
        } else if sym.bind() == STB_LOCAL {
            self.defined(input, index, &sym)?.unwrap_or(Target::ZERO)
        } else if let Some(t) = own {
            t
        } else {
            let name = input.symtab.name(&sym)?;
            let inputs = &lay.inputs;
            let strtabs = |o: u32| inputs[o as usize].strtab;
            match lay.globals.get(name, strtabs).copied() {
                Some(g) => match g.def {
                    Definition::Symbol { symbol, .. } => {
                        let def = &inputs[g.object as usize];
                        let s = def.symtab.get(symbol as usize)?;
                        self.defined(def, symbol as usize, &s)?
                            .unwrap_or(Target::ZERO)
                    }
                    Definition::Common => Target::internal(g.value),
                },
                None => {
                    let weak = sym.bind() == STB_WEAK;
                    let outside = &mut self.outside;
                    let i = *self.by_name.entry(name).or_insert_with(|| {
                        outside.push(Outside {
                            name,
                            weak: true,
                            address: None,
                            missing: false,
                        });
                        outside.len() - 1
                    });
                    // Weak only if every reference is: with one strong
                    // reference, an unknown name is an error.
                    outside[i].weak &= weak;
                    Target(Target::EXTERNAL | i as u64)
                }
            }
        })
    }
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
    stub_size: u64,
    endian: crate::read::Endian,
    /// The GOT's entries, written once every relocation is applied (the
    /// pass holds the section being relocated mutably meanwhile).
    got_values: Vec<u64>,
    /// GOT slots by the value they hold (S, or S + A on AArch64): two
    /// references wanting the same value share an entry.
    got: HashMap<u64, u64>,
    /// The call stubs, written after the relocations like the GOT.
    stubs: Vec<PltEntry>,
    /// Stub index by outside symbol (`u32::MAX`: none yet).
    stub_of: Vec<u32>,
    lay: &'l Layout<'a>,
    syms: &'l mut Symbols<'a>,
    /// The last two relocation types seen and how to apply them.
    howtos: [(u32, Howto); 2],
}

/// A relocation section being applied: its object's symbols, and where
/// the section it patches is in the image.
struct Place<'i, 'a> {
    input: &'i Input<'a>,
    object: usize,
    targets: &'i mut [Target],
    /// The image offset of the patched section.
    at: u64,
}

impl<'a> Pass<'_, 'a> {
    fn address(&mut self, t: Target, r: &Relocation, resolver: &mut dyn Resolver) -> Result<u64> {
        Ok(match t.decode(&self.syms.absolutes) {
            Resolved::Internal(at) => self.base.wrapping_add(at),
            Resolved::Absolute(v) => v,
            Resolved::External(i) => self.outside_address(i, r, resolver)?,
            Resolved::Tls => {
                return Err(Error::Tls {
                    segment: r.symbol as usize,
                });
            }
            Resolved::NotLoaded => {
                return Err(Error::Unsupported {
                    what: "symbol in a section that is not loaded (or discarded), symbol",
                    value: r.symbol.into(),
                });
            }
            Resolved::OutOfRange => {
                return Err(Error::Unsupported {
                    what: "symbol value past its section, symbol",
                    value: r.symbol.into(),
                });
            }
        })
    }

    /// The address of outside symbol `i`, asked of the resolver the first
    /// time (kept out of line: the common relocation is internal).
    #[inline(never)]
    fn outside_address(
        &mut self,
        i: usize,
        r: &Relocation,
        resolver: &mut dyn Resolver,
    ) -> Result<u64> {
        let o = &mut self.syms.outside[i];
        Ok(match o.address {
            // A strong reference resolved after weak ones found nothing
            // is an error, as it would have been first.
            Some(_) if o.missing && !o.weak => {
                return Err(Error::undefined(o.name, None, r.offset));
            }
            Some(a) => a,
            None => {
                let a = match resolver.resolve(o.name, None) {
                    Some(a) => a as u64,
                    None if o.weak => {
                        o.missing = true;
                        0
                    }
                    None => return Err(Error::undefined(o.name, None, r.offset)),
                };
                o.address = Some(a);
                a
            }
        })
    }

    /// The address of the GOT entry holding `value`, made if new.
    #[inline(never)]
    fn got_entry(&mut self, value: u64) -> u64 {
        let next = self.got_values.len() as u64;
        let slot = *self.got.entry(value).or_insert(next);
        if slot == next {
            self.got_values.push(value);
        }
        self.base + self.tables.got + self.arch.word() * slot
    }

    /// The address of the call stub for outside symbol `i` at `target`.
    #[inline(never)]
    fn stub(&mut self, i: usize, target: u64) -> u64 {
        let start = self.base + self.tables.stubs;
        if i >= self.stub_of.len() {
            // More outside names than the layout counted: the stub is
            // past the pages reserved and writing it is refused.
            self.stub_of.resize(i + 1, u32::MAX);
        }
        let j = self.stub_of[i];
        if j != u32::MAX {
            return start + self.stub_size * u64::from(j);
        }
        let j = self.stubs.len() as u32;
        self.stub_of[i] = j;
        let slot = self.got_entry(target);
        let addr = start + self.stub_size * u64::from(j);
        self.stubs.push(PltEntry {
            plt: addr,
            got_plt: self.base + self.tables.got,
            addr,
            slot,
            index: j,
        });
        addr
    }

    /// How relocation type `kind` is applied: the last two types are kept
    /// (code alternates between a few types; the look-up is a large
    /// `match`).
    #[inline]
    fn howto(&mut self, kind: u32) -> Option<Howto> {
        for &(k, h) in &self.howtos {
            if k == kind {
                return Some(h);
            }
        }
        let h = self.arch.howto(kind)?;
        self.howtos = [(kind, h), self.howtos[0]];
        Some(h)
    }

    /// Applies relocation `r` (number `index` of its table) to `bytes`,
    /// the section it patches.
    fn one(
        &mut self,
        bytes: &mut [u8],
        place: &mut Place<'_, 'a>,
        index: usize,
        r: &Relocation,
        resolver: &mut dyn Resolver,
    ) -> Result<()> {
        let Some(howto) = self.howto(r.kind) else {
            return Err(Error::UnknownRelocation {
                table: "object relocation section",
                index,
                offset: r.offset,
                kind: r.kind,
            });
        };
        let size = howto.field.size();
        let field = usize::try_from(r.offset)
            .ok()
            .and_then(|start| bytes.get_mut(start..start.checked_add(size)?));
        let Some(field) = field else {
            return Err(Error::BadTarget {
                table: "object relocation section",
                offset: r.offset,
            });
        };
        let Some(&t) = place.targets.get(r.symbol as usize) else {
            return Err(Error::SymbolIndex {
                table: "object relocation section",
                index,
                offset: r.offset,
                symbol: r.symbol.into(),
                count: place.targets.len(),
            });
        };
        let t = if t == Target::UNRESOLVED {
            let t = self
                .syms
                .resolve(self.lay, place.object, r.symbol as usize)?;
            place.targets[r.symbol as usize] = t;
            t
        } else {
            t
        };
        let Some(a) = r.addend else {
            return Err(Error::Unsupported {
                what: "relocation without an explicit addend (CREL without addends), type",
                value: r.kind.into(),
            });
        };
        let mut s = self.address(t, r, resolver)?;
        let mut g = 0;
        match howto.needs {
            // A call to an outside function goes through a stub (it may be
            // out of the call's reach); an unresolved weak one stays 0.
            Needs::Plt => {
                if let (Some(i), true) = (t.external(), s != 0) {
                    s = self.stub(i, s);
                }
            }
            Needs::Got => {
                // AArch64's entries hold S + A (one per symbol and addend);
                // x86-64's and RISC-V's hold S, the addend applying to G.
                let holds_addend = self.arch.got_entry_has_addend()
                    && matches!(howto.value, Value::Got | Value::GotPage);
                let value = if holds_addend {
                    s.wrapping_add(a as u64)
                } else {
                    s
                };
                g = self.got_entry(value);
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
            p: self.base + place.at + r.offset,
            g,
            got: self.base + self.tables.got,
            z,
        };
        howto
            .apply(&q, field, self.endian)
            .map_err(|problem| relocation_error(String::new(), r.offset, r.kind, problem))
    }

    /// Writes the GOT entries and the stubs the relocations asked for.
    fn write_tables(&self, mem: &mut Reservation) -> Result<()> {
        let word = self.arch.word() as usize;
        for (slot, value) in self.got_values.iter().enumerate() {
            let at = self.base as usize + self.tables.got as usize + word * slot;
            mem.write(at, &value.to_ne_bytes()[..word])?;
        }
        let arch = self.arch;
        for e in &self.stubs {
            mem.patch(e.addr as usize, self.stub_size as usize, |out| {
                arch.write_plt_entry(out, e)
            })?
            .map_err(|problem| relocation_error(String::from("stub"), e.addr, 0, problem))?;
        }
        Ok(())
    }
}

/// Applies every relocation of every placed section, making GOT entries
/// and stubs as they are asked for.
pub(crate) fn apply<'a>(
    arch: Arch,
    lay: &Layout<'a>,
    syms: &mut Symbols<'a>,
    tables: &Tables,
    resolver: &mut dyn Resolver,
    mem: &mut Reservation,
) -> Result<()> {
    let endian = lay.inputs.first().map(|i| i.elf.endian());
    let outside = lay.undefined as usize;
    let mut pass = Pass {
        arch,
        base: mem.start() as u64,
        tables,
        stub_size: arch.plt_layout().entry_size,
        endian: endian.unwrap_or(crate::read::Endian::Little),
        got_values: Vec::new(),
        got: HashMap::new(),
        stubs: Vec::new(),
        stub_of: alloc::vec![u32::MAX; outside],
        lay,
        syms,
        // Type u32::MAX is no machine's: these never match.
        howtos: [(
            u32::MAX,
            Howto::new(
                Value::None,
                Field::Data {
                    size: 0,
                    check: crate::arch::Check::None,
                },
            ),
        ); 2],
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
            let size = input.elf.section(target)?.header().sh_size as usize;
            // The targets are moved out for the section's pass (the pass
            // borrows the symbols mutably for outside addresses).
            let mut targets = core::mem::take(&mut pass.syms.targets[object]);
            let mut place = Place {
                input,
                object,
                targets: &mut targets,
                at,
            };
            let addr = pass.base as usize + at as usize;
            let done = mem.patch(addr, size, |bytes| match table {
                RelocationTable::Fixed(t) => t
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, r)| pass.one(bytes, &mut place, i, &r, resolver)),
                RelocationTable::Crel(t) => t
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, r)| pass.one(bytes, &mut place, i, &r?, resolver)),
            });
            pass.syms.targets[object] = targets;
            done?.map_err(|e| match e {
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
            })?;
        }
    }
    pass.write_tables(mem)
}

fn relocation_error(section: String, offset: u64, kind: u32, problem: crate::arch::Error) -> Error {
    Error::Relocation {
        section,
        offset,
        kind,
        problem,
    }
}
