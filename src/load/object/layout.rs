//! Placing relocatable objects: which sections are kept (COMDAT groups
//! decided once), where each goes (by permission class, each class on its
//! own pages), where COMMON symbols go, and which symbol each name means.

use super::super::error::{Error, Result};
use crate::raw::consts::*;
use crate::read::{ElfFile, Section, SymbolSection, SymbolTable};
use alloc::vec::Vec;
use hashbrown::{HashMap, HashSet};

/// The permission classes, in mapping order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    R,
    RX,
    RW,
}

/// One input object.
pub(crate) struct Input<'a> {
    pub elf: ElfFile<'a>,
    pub symtab: SymbolTable<'a>,
    /// Per section index: its offset in the image, if placed.
    pub placed: Vec<Option<u64>>,
}

/// Where a global name is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Definition {
    /// Symbol `symbol` of object `object`.
    Object {
        object: usize,
        symbol: usize,
        weak: bool,
    },
    /// A COMMON block at this image offset.
    Common(u64),
}

/// The layout of the linked image (offsets from its first byte).
pub(crate) struct Layout<'a> {
    pub inputs: Vec<Input<'a>>,
    pub globals: HashMap<&'a [u8], Definition>,
    /// Offset and size of each class's pages.
    pub classes: [(u64, u64); 3],
    /// Bytes of file data to copy: (image offset, bytes).
    pub copies: Vec<(u64, &'a [u8])>,
    /// The largest alignment asked for.
    pub align: u64,
    /// The end of the last class (a page boundary): the GOT and the stubs
    /// go after it.
    pub end: u64,
}

/// The class of an allocated section.
fn class_of(s: &Section<'_>) -> Class {
    if s.header().is_execute() {
        Class::RX
    } else if s.header().is_write() {
        Class::RW
    } else {
        Class::R
    }
}

/// Parses the objects and drops the members of COMDAT groups whose
/// signature an earlier object already had.
pub(crate) fn inputs<'a>(objects: &[&'a [u8]]) -> Result<Vec<Input<'a>>> {
    let mut seen: HashSet<&'a [u8]> = HashSet::new();
    let mut out = Vec::new();
    for bytes in objects {
        let elf = ElfFile::parse(bytes)?;
        crate::load::plan::check_host(&elf, &[ET_REL])?;
        let symtab = elf
            .symbol_table()?
            .unwrap_or_else(|| SymbolTable::empty(elf.encoding()));
        let n = elf.section_count();
        let mut placed = alloc::vec![None; n];
        let mut discarded = alloc::vec![false; n];
        for sec in elf.sections().filter(|s| s.header().sh_type == SHT_GROUP) {
            let (flags, members) = elf.group(&sec)?;
            if flags & GRP_COMDAT == 0 {
                continue;
            }
            let sig = symtab.get(sec.header().sh_info as usize)?;
            let name = symtab.name(&sig)?;
            if !seen.insert(name) {
                for m in members.iter() {
                    if let Some(d) = discarded.get_mut(m as usize) {
                        *d = true;
                    }
                }
            }
        }
        // Placed = Some(0) for now: kept and allocated; offsets come later.
        for sec in elf.sections().skip(1) {
            let h = sec.header();
            if sec.header().is_alloc() && !discarded[sec.index()] && h.sh_type != SHT_GROUP {
                if h.sh_flags & SHF_TLS != 0 {
                    return Err(Error::Tls {
                        segment: sec.index(),
                    });
                }
                placed[sec.index()] = Some(0);
            }
        }
        out.push(Input {
            elf,
            symtab,
            placed,
        });
    }
    Ok(out)
}

/// Lays the kept sections out by class, and the COMMON blocks after class
/// RW, each class starting on a new page.
pub(crate) fn place<'a>(mut inputs: Vec<Input<'a>>, page: u64) -> Result<Layout<'a>> {
    let mut globals = definitions(&inputs)?;
    let commons = common_blocks(&inputs, &globals)?;
    let mut at = 0u64;
    let mut classes = [(0, 0); 3];
    let mut copies = Vec::new();
    let mut align = page;
    for class in [Class::R, Class::RX, Class::RW] {
        let start = at;
        // Sections with bytes first, zeros (NOBITS) last.
        for nobits in [false, true] {
            for input in inputs.iter_mut() {
                for sec in input.elf.sections() {
                    let i = sec.index();
                    let h = sec.header();
                    if input.placed[i].is_none()
                        || class_of(&sec) != class
                        || (h.sh_type == SHT_NOBITS) != nobits
                    {
                        continue;
                    }
                    let a = h.sh_addralign.max(1);
                    if !a.is_power_of_two() || a > 1 << 30 {
                        return Err(Error::Unsupported {
                            what: "section alignment, sh_addralign",
                            value: a,
                        });
                    }
                    align = align.max(a);
                    at = at.next_multiple_of(a);
                    input.placed[i] = Some(at);
                    if !nobits {
                        copies.push((at, sec.data()?));
                    }
                    at = at.checked_add(h.sh_size).ok_or(Error::Unsupported {
                        what: "section size, sh_size",
                        value: h.sh_size,
                    })?;
                }
            }
        }
        if class == Class::RW {
            for (name, size, a) in &commons {
                align = align.max(*a);
                at = at.next_multiple_of(*a);
                globals.insert(name, Definition::Common(at));
                at += size;
            }
        }
        classes[class as usize] = (start, at.next_multiple_of(page) - start);
        at = at.next_multiple_of(page);
    }
    Ok(Layout {
        inputs,
        globals,
        classes,
        copies,
        align,
        end: at,
    })
}

/// The defining symbol of every global name: a strong definition over a
/// weak one, the first of two weak ones; two strong ones are an error.
fn definitions<'a>(inputs: &[Input<'a>]) -> Result<HashMap<&'a [u8], Definition>> {
    let mut globals: HashMap<&'a [u8], Definition> = HashMap::new();
    for (object, input) in inputs.iter().enumerate() {
        for (symbol, sym) in input.symtab.iter().enumerate() {
            if sym.bind() == STB_LOCAL {
                continue;
            }
            let place = input.symtab.section(symbol, &sym)?;
            let defined = match place {
                SymbolSection::Section(i) => {
                    input.placed.get(i as usize).is_some_and(|p| p.is_some())
                }
                SymbolSection::Absolute => true,
                _ => false,
            };
            if !defined {
                continue;
            }
            let name = input.symtab.name(&sym)?;
            let weak = sym.bind() == STB_WEAK;
            let new = Definition::Object {
                object,
                symbol,
                weak,
            };
            let replace = match globals.get(name) {
                None | Some(Definition::Common(_)) => true,
                Some(Definition::Object { weak: true, .. }) => !weak,
                Some(Definition::Object { weak: false, .. }) if !weak => {
                    return Err(Error::DuplicateSymbol {
                        name: alloc::string::String::from_utf8_lossy(name).into_owned(),
                    });
                }
                Some(_) => false,
            };
            if replace {
                globals.insert(name, new);
            }
        }
    }
    Ok(globals)
}

/// COMMON symbols no section defines: (name, largest size, largest
/// alignment), in first-seen order.
fn common_blocks<'a>(
    inputs: &[Input<'a>],
    globals: &HashMap<&'a [u8], Definition>,
) -> Result<Vec<(&'a [u8], u64, u64)>> {
    let mut out: Vec<(&'a [u8], u64, u64)> = Vec::new();
    for input in inputs {
        for (i, sym) in input.symtab.iter().enumerate() {
            if input.symtab.section(i, &sym)? != SymbolSection::Common {
                continue;
            }
            let name = input.symtab.name(&sym)?;
            if globals.contains_key(name) {
                continue;
            }
            // For COMMON, st_value is the alignment.
            let align = sym.st_value.max(1);
            if !align.is_power_of_two() || align > 1 << 30 {
                return Err(Error::Unsupported {
                    what: "COMMON alignment, st_value",
                    value: align,
                });
            }
            match out.iter_mut().find(|c| c.0 == name) {
                Some(c) => {
                    c.1 = c.1.max(sym.st_size);
                    c.2 = c.2.max(align);
                }
                None => out.push((name, sym.st_size, align)),
            }
        }
    }
    Ok(out)
}
