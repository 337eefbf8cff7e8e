//! examples/link_shared.rs: global symbols resolved across the objects,
//! and every input symbol's stand-in in the output.

use super::{Error, Object};
use elfin::raw::consts::*;
use elfin::read::SymbolSection;
use elfin::write::{Builder, SectionId, SymbolId, SymbolPlace, SymbolSpec};
use std::collections::HashMap;

/// What a symbol of an input object stands for in the output.
#[derive(Clone, Copy)]
pub(super) enum Target {
    /// Nothing (symbol 0, a file name, a symbol in a section not loaded).
    None,
    /// A local or section symbol of a COMDAT group that another object
    /// gave first.
    Dropped,
    /// `_GLOBAL_OFFSET_TABLE_`, which the builder places with its GOT.
    GotBase,
    /// A symbol of the builder.
    Symbol(SymbolId),
    /// A section symbol: an output section and the input's offset in it.
    Section(usize, u64),
}

/// How strongly a global symbol is defined: the strongest wins.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Strength {
    Undefined,
    Common,
    Weak,
    Strong,
}

/// Every object's view of one global name.
pub(super) struct Global {
    /// The winning definition so far: object, symbol index, strength.
    pub(super) best: (usize, usize, Strength),
    /// Every reference is weak (an undefined weak symbol stays weak).
    pub(super) all_weak: bool,
    /// The most constraining visibility any object gives it.
    pub(super) visibility: u8,
    /// The largest common block and its alignment.
    pub(super) common: (u64, u64),
    /// Where the common block went in `.bss`.
    pub(super) common_at: Option<u64>,
    /// The builder's symbol, once added.
    pub(super) id: Option<SymbolId>,
}

/// Where symbol `j` of `o` is defined: the input section's output and
/// offset, `Ok(None)` when it is not in a kept section.
pub(super) fn defined_in(o: &Object<'_>, j: usize) -> Result<Option<SymbolSection>, Error> {
    let sym = o.symbols.get(j)?;
    Ok(match o.symbols.section(j, &sym)? {
        SymbolSection::Section(i) if o.placed.get(i as usize).copied().flatten().is_none() => None,
        other => Some(other),
    })
}

/// The most constraining of two visibilities (gABI: internal, then
/// hidden, then protected, then default).
pub(super) fn stricter(a: u8, b: u8) -> u8 {
    let rank = |v: u8| [0, 3, 2, 1][(v & 3) as usize];
    if rank(a) >= rank(b) { a } else { b }
}

/// Every global name across the objects, with its winning definition,
/// in the order first seen.
pub(super) fn resolve_globals(objs: &[Object<'_>]) -> Result<Vec<(Vec<u8>, Global)>, Error> {
    let mut order: Vec<(Vec<u8>, Global)> = Vec::new();
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
    for (k, o) in objs.iter().enumerate() {
        for (j, sym) in o.symbols.iter().enumerate().skip(1) {
            if sym.bind() == STB_LOCAL {
                continue;
            }
            let name = o.symbols.name(&sym)?;
            let strength = match defined_in(o, j)? {
                None | Some(SymbolSection::Undefined) => Strength::Undefined,
                Some(SymbolSection::Common) => Strength::Common,
                Some(_) if sym.bind() == STB_WEAK => Strength::Weak,
                Some(_) => Strength::Strong,
            };
            let at = *index.entry(name.to_vec()).or_insert_with(|| {
                order.push((
                    name.to_vec(),
                    Global {
                        best: (k, j, Strength::Undefined),
                        all_weak: true,
                        visibility: STV_DEFAULT,
                        common: (0, 1),
                        common_at: None,
                        id: None,
                    },
                ));
                order.len() - 1
            });
            let g = &mut order[at].1;
            if strength == Strength::Strong && g.best.2 == Strength::Strong {
                let (name, other) = (String::from_utf8_lossy(name), &objs[g.best.0].name);
                return Err(format!("{}: {name} is also defined in {other}", o.name).into());
            }
            if strength > g.best.2 {
                g.best = (k, j, strength);
            }
            if strength == Strength::Undefined && sym.bind() != STB_WEAK {
                g.all_weak = false;
            }
            if strength == Strength::Common {
                g.common = (g.common.0.max(sym.st_size), g.common.1.max(sym.st_value));
            }
            g.visibility = stricter(g.visibility, sym.visibility());
        }
    }
    Ok(order)
}

/// The builder's symbol for global `g`, from its winning definition (or
/// an undefined symbol when no object defines it).
pub(super) fn global_spec<'a>(
    name: &[u8],
    g: &Global,
    objs: &[Object<'_>],
    ids: &[Option<SectionId>],
    bss: usize,
) -> Result<SymbolSpec<'a>, Error> {
    let (k, j, strength) = g.best;
    let o = &objs[k];
    let sym = o.symbols.get(j)?;
    let section = |out: usize| {
        ids[out].map(SymbolPlace::Section).ok_or_else(|| {
            format!(
                "{}: {} is in an empty section",
                o.name,
                String::from_utf8_lossy(name)
            )
        })
    };
    let (place, value, size) = match defined_in(o, j)? {
        _ if strength == Strength::Common => (section(bss)?, g.common_at.unwrap_or(0), g.common.0),
        Some(SymbolSection::Section(i)) => {
            let (out, at) = o.placed[i as usize].ok_or("unplaced section")?;
            (section(out)?, sym.st_value + at, sym.st_size)
        }
        Some(SymbolSection::Absolute) => (SymbolPlace::Absolute, sym.st_value, sym.st_size),
        _ => (SymbolPlace::Undefined, 0, 0),
    };
    let defined = place != SymbolPlace::Undefined;
    let hidden = matches!(g.visibility, STV_HIDDEN | STV_INTERNAL);
    if hidden && !defined {
        let name = String::from_utf8_lossy(name);
        return Err(format!("hidden symbol {name} is not defined").into());
    }
    let bind = match sym.bind() {
        // A hidden definition is local to the output, as GNU ld makes it.
        _ if hidden => STB_LOCAL,
        _ if !defined => {
            if g.all_weak {
                STB_WEAK
            } else {
                STB_GLOBAL
            }
        }
        STB_WEAK => STB_WEAK,
        _ => STB_GLOBAL,
    };
    let kind = if strength == Strength::Common {
        STT_OBJECT
    } else {
        sym.kind()
    };
    let mut spec = SymbolSpec::from_read(name.to_vec(), &sym, place, value);
    spec.size = size;
    spec.bind = bind;
    spec.kind = kind;
    // Made local, it needs no visibility (GNU ld clears it too).
    spec.other = (sym.st_other & !3) | if hidden { STV_DEFAULT } else { g.visibility };
    Ok(spec)
}

/// Adds the global symbols (one per name) and each object's local ones,
/// recording what every input symbol stands for.
pub(super) fn add_symbols(
    b: &mut Builder<'_>,
    objs: &mut [Object<'_>],
    globals: &mut [(Vec<u8>, Global)],
    ids: &[Option<SectionId>],
    bss: usize,
) -> Result<(), Error> {
    let mut by_name = HashMap::new();
    for (name, g) in globals.iter_mut() {
        // The linker defines the GOT's symbol itself when code asks for it.
        if name == b"_GLOBAL_OFFSET_TABLE_" && g.best.2 == Strength::Undefined {
            continue;
        }
        g.id = Some(b.add_symbol(global_spec(name, g, objs, ids, bss)?));
        by_name.insert(name.clone(), g.id);
    }
    for o in objs.iter_mut() {
        let mut targets = vec![Target::None; o.symbols.len()];
        for (j, sym) in o.symbols.iter().enumerate().skip(1) {
            let name = o.symbols.name(&sym)?;
            let section = defined_in(o, j)?;
            targets[j] = match section {
                Some(SymbolSection::Undefined) if name == b"_GLOBAL_OFFSET_TABLE_" => {
                    Target::GotBase
                }
                _ if sym.bind() != STB_LOCAL => by_name
                    .get(name)
                    .copied()
                    .flatten()
                    .map_or(Target::None, Target::Symbol),
                Some(SymbolSection::Section(i)) => {
                    let (out, at) = o.placed[i as usize].ok_or("unplaced section")?;
                    match ids[out] {
                        _ if sym.kind() == STT_SECTION => Target::Section(out, at),
                        // A label in sections that all came out empty
                        // (gcc's empty .data and .bss): nothing to mark.
                        None => Target::None,
                        Some(place) => {
                            let place = SymbolPlace::Section(place);
                            let value = sym.st_value + at;
                            let spec = SymbolSpec::from_read(name.to_vec(), &sym, place, value);
                            Target::Symbol(b.add_symbol(spec))
                        }
                    }
                }
                Some(SymbolSection::Absolute) => {
                    let place = SymbolPlace::Absolute;
                    let spec = SymbolSpec::from_read(name.to_vec(), &sym, place, sym.st_value);
                    Target::Symbol(b.add_symbol(spec))
                }
                _ => match o.symbols.section(j, &sym)? {
                    SymbolSection::Section(i) if o.dropped.contains(&(i as usize)) => {
                        Target::Dropped
                    }
                    _ => Target::None,
                },
            };
        }
        o.targets = targets;
    }
    Ok(())
}
