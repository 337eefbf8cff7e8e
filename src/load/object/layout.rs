//! Placing relocatable objects: which sections are kept (COMDAT groups
//! decided once), where each goes (by permission class, each class on its
//! own pages), where COMMON symbols go, and which symbol each name means.

use super::super::error::{Error, Result};
use super::globals::{Definition, Global, Globals};
use crate::raw::consts::*;
use crate::read::{ElfFile, Section, SymbolSection, SymbolTable};
use alloc::vec::Vec;
use hashbrown::HashSet;

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
    /// The bytes of its symbols' string table.
    pub strtab: &'a [u8],
    /// The index of its first non-local symbol (`sh_info` of the symbol
    /// table; a hint only).
    pub first_global: usize,
    /// Per section index: its offset in the image, if placed.
    pub placed: Vec<Option<u64>>,
    /// Per section index: whether a relocation section patches it.
    pub relocated: Vec<bool>,
}

/// A section mapped from its file rather than copied: a large section
/// with bytes in the file. One that relocations patch is mapped writable
/// and copied in by the kernel at once (then protected); one they do not
/// is mapped with its final protection and paged in when touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MappedSection {
    /// The input it comes from.
    pub object: usize,
    /// The image offset of its first page.
    pub at: u64,
    /// The file offset of that page.
    pub offset: u64,
    /// The length of the mapping (whole pages).
    pub len: u64,
    /// Its permission class (what its pages end as).
    pub class: Class,
    /// Whether relocations patch it.
    pub relocated: bool,
}

/// Sections at least this large are mapped from the file (when there is
/// one) rather than copied: below it, a copy costs less than a mapping.
const MAP_AT_LEAST: u64 = 16 * 1024;

/// The layout of the linked image (offsets from its first byte).
pub(crate) struct Layout<'a> {
    pub inputs: Vec<Input<'a>>,
    pub globals: Globals,
    /// How many undefined references to global names there are (at
    /// most one call stub each).
    pub undefined: u64,
    /// Offset and size of each class's pages.
    pub classes: [(u64, u64); 3],
    /// Bytes of file data to copy: (image offset, bytes).
    pub copies: Vec<(u64, &'a [u8])>,
    /// The end of the copied classes (a page boundary): fresh pages.
    pub copied_end: u64,
    /// Sections mapped from their files, after the copied classes.
    pub mapped: Vec<MappedSection>,
    /// The image offsets of the unwind tables kept (each followed by a
    /// zero word).
    pub unwind_tables: Vec<u64>,
    /// The largest alignment asked for.
    pub align: u64,
    /// Where the COMMON blocks start (a page boundary after every
    /// section): zero pages up to the GOT.
    pub commons_start: u64,
    /// The end of the last class (a page boundary): the GOT and the stubs
    /// go after it.
    pub end: u64,
}

impl Class {
    /// The protection its pages end with.
    pub(crate) fn prot(self) -> super::super::memory::Prot {
        use super::super::memory::Prot;
        match self {
            Class::R => Prot::R,
            Class::RX => Prot::RX,
            Class::RW => Prot::RW,
        }
    }
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
///
/// Unwind tables (`.eh_frame`) are kept only if `unwind`: nothing reads
/// them otherwise (see [`LinkOptions`](super::LinkOptions)).
pub(crate) fn inputs<'a>(objects: &[&'a [u8]], unwind: bool) -> Result<Vec<Input<'a>>> {
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
        let mut relocated = alloc::vec![false; n];
        let mut discarded = alloc::vec![false; n];
        for sec in elf.sections() {
            let h = sec.header();
            match h.sh_type {
                SHT_RELA | SHT_CREL => {
                    if let Some(r) = relocated.get_mut(h.sh_info as usize) {
                        *r = true;
                    }
                }
                // Implicit addends, read from the place: the machines this
                // loader links for (x86-64, AArch64, RISC-V) all use RELA,
                // and their compilers never write REL.
                SHT_REL => {
                    return Err(Error::Unsupported {
                        what: "SHT_REL relocation section (implicit addends; x86-64, AArch64 \
                               and RISC-V objects use SHT_RELA), section",
                        value: sec.index() as u64,
                    });
                }
                _ => {}
            }
        }
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
                if !unwind && is_unwind_table(&elf, &sec) {
                    continue;
                }
                if h.sh_flags & SHF_TLS != 0 {
                    return Err(Error::Tls {
                        segment: sec.index(),
                    });
                }
                placed[sec.index()] = Some(0);
            }
        }
        let first_global = elf
            .section_by_type(SHT_SYMTAB)
            .map_or(0, |s| s.header().sh_info as usize);
        out.push(Input {
            elf,
            strtab: symtab.strings().data(),
            first_global,
            symtab,
            placed,
            relocated,
        });
    }
    Ok(out)
}

/// Whether `sec` is an unwind table (`.eh_frame`).
pub(crate) fn is_unwind_table(elf: &ElfFile<'_>, sec: &Section<'_>) -> bool {
    let h = sec.header();
    (h.sh_type == SHT_X86_64_UNWIND && elf.machine() == EM_X86_64)
        || (h.sh_type == SHT_PROGBITS && sec.name().is_ok_and(|n| n == b".eh_frame"))
}

/// Lays the kept sections out by class, and the COMMON blocks after class
/// RW, each class starting on a new page; with `mappable`, large sections
/// with bytes in the file go after them, by class, each on pages of its
/// own at an address congruent to its file offset, to be mapped from the
/// file.
pub(crate) fn place<'a>(
    mut inputs: Vec<Input<'a>>,
    page: u64,
    mappable: bool,
) -> Result<Layout<'a>> {
    let mut at = 0u64;
    let mut classes = [(0, 0); 3];
    let mut copies = Vec::new();
    let mut align = page;
    let mut to_map = Vec::new();
    let mut unwind_tables = Vec::new();
    for class in [Class::R, Class::RX, Class::RW] {
        let start = at;
        // Sections with bytes first, zeros (NOBITS) last.
        for nobits in [false, true] {
            for (object, input) in inputs.iter_mut().enumerate() {
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
                    // Unwind tables are copied, with a zero word after
                    // each (the end the unwinder looks for).
                    let unwind = is_unwind_table(&input.elf, &sec);
                    let map = mappable
                        && !unwind
                        && h.sh_type == SHT_PROGBITS
                        && h.sh_size >= MAP_AT_LEAST
                        && a <= page
                        && h.sh_offset % a == 0
                        && sec.data().is_ok();
                    if map {
                        to_map.push((class, object, i));
                        continue;
                    }
                    at = aligned(at, a)?;
                    input.placed[i] = Some(at);
                    if !nobits {
                        copies.push((at, sec.data()?));
                    }
                    let room = if unwind {
                        unwind_tables.push(at);
                        h.sh_size.checked_add(4)
                    } else {
                        Some(h.sh_size)
                    };
                    at = room
                        .and_then(|n| at.checked_add(n))
                        .ok_or(Error::Unsupported {
                            what: "section size, sh_size",
                            value: h.sh_size,
                        })?;
                }
            }
        }
        let end = aligned(at, page)?;
        classes[class as usize] = (start, end - start);
        at = end;
    }
    let copied_end = at;
    let mut mapped = Vec::with_capacity(to_map.len());
    // By class, so that neighbours end with the same protection.
    to_map.sort_by_key(|m| m.0);
    for (class, object, i) in to_map {
        let input = &mut inputs[object];
        let sec = input.elf.section(i)?;
        let h = sec.header();
        let first = h.sh_offset & !(page - 1);
        let len = (h.sh_offset - first + h.sh_size).next_multiple_of(page);
        input.placed[i] = Some(at + (h.sh_offset - first));
        mapped.push(MappedSection {
            object,
            at,
            offset: first,
            len,
            class,
            relocated: input.relocated[i],
        });
        at = aligned(at.saturating_add(len), page)?;
    }
    // Every section placed: each definition's value is known as it is
    // chosen. COMMON blocks go last, on zero pages of their own.
    let Definitions {
        mut globals,
        commons: found,
        undefined,
    } = definitions(&inputs)?;
    let commons = common_blocks(&inputs, &mut globals, &found)?;
    let commons_start = at;
    for &(g, size, a) in &commons {
        align = align.max(a);
        at = aligned(at, a)?;
        globals.defs[g].value = at;
        at = at.checked_add(size).ok_or(Error::Unsupported {
            what: "COMMON size, st_size",
            value: size,
        })?;
    }
    at = aligned(at, page)?;
    Ok(Layout {
        inputs,
        globals,
        undefined,
        commons_start,
        classes,
        copies,
        copied_end,
        mapped,
        unwind_tables,
        align,
        end: at,
    })
}

/// The defining symbol of every global name: a strong definition over a
/// weak one, the first of two weak ones; two strong ones are an error.
fn definitions(inputs: &[Input<'_>]) -> Result<Definitions> {
    // Sized for every symbol past the locals (a hint: which symbols are
    // global is checked one by one below): no rehash while filling it.
    let count = inputs
        .iter()
        .map(|i| i.symtab.len().saturating_sub(i.first_global))
        .sum();
    let mut globals = Globals::with_capacity(count);
    let mut commons = Vec::new();
    let mut undefined = 0u64;
    let strtabs = |o: u32| inputs[o as usize].strtab;
    for (object, input) in inputs.iter().enumerate() {
        for (symbol, sym) in input.symtab.iter().enumerate() {
            if sym.bind() == STB_LOCAL {
                continue;
            }
            match sym.st_shndx {
                SHN_UNDEF => {
                    undefined += 1;
                    continue;
                }
                SHN_COMMON => {
                    commons.push((object, symbol));
                    continue;
                }
                _ => {}
            }
            let value = match input.symtab.section(symbol, &sym)? {
                SymbolSection::Section(i) => input
                    .placed
                    .get(i as usize)
                    .copied()
                    .flatten()
                    .map(|at| (at.wrapping_add(sym.st_value), true)),
                SymbolSection::Absolute => Some((sym.st_value, false)),
                _ => None,
            };
            let Some((value, in_image)) = value else {
                // Found by name, or outside (then perhaps called).
                undefined += 1;
                continue;
            };
            let name = input.symtab.name(&sym)?;
            let weak = sym.bind() == STB_WEAK;
            let symbol = u32::try_from(symbol).map_err(|_| Error::Unsupported {
                what: "symbol index past 2^32, symbol",
                value: symbol as u64,
            })?;
            let def = Definition::Symbol {
                symbol,
                weak,
                absolute: !in_image,
            };
            let mut new = global(object, &sym, def);
            new.value = value;
            // One hash of the name: the entry decides and replaces.
            let hash = globals.hash(name);
            let (i, added) = globals.get_or_insert(hash, name, new, strtabs);
            if added {
                continue;
            }
            let replace = match globals.defs[i].def {
                Definition::Common => true,
                Definition::Symbol { weak: true, .. } => !weak,
                Definition::Symbol { weak: false, .. } if !weak => {
                    return Err(Error::DuplicateSymbol {
                        name: alloc::string::String::from_utf8_lossy(name).into_owned(),
                    });
                }
                Definition::Symbol { .. } => false,
            };
            if replace {
                globals.defs[i] = new;
            }
        }
    }
    Ok(Definitions {
        globals,
        commons,
        undefined,
    })
}

/// What [`definitions`] finds.
struct Definitions {
    globals: Globals,
    /// The COMMON symbols: (object, symbol index).
    commons: Vec<(usize, usize)>,
    /// How many references to global names are not definitions.
    undefined: u64,
}

/// The global named by symbol `sym` of `object`, defined by `def`.
fn global(object: usize, sym: &crate::read::Symbol, def: Definition) -> Global {
    Global {
        object: object as u32,
        name_at: sym.st_name,
        def,
        value: 0,
    }
}

/// COMMON symbols (`found`: object and symbol index) no section
/// defines, added to `globals`: (global index, largest size, largest
/// alignment), in first-seen order.
fn common_blocks(
    inputs: &[Input<'_>],
    globals: &mut Globals,
    found: &[(usize, usize)],
) -> Result<Vec<(usize, u64, u64)>> {
    let mut out: Vec<(usize, u64, u64)> = Vec::new();
    let strtabs = |o: u32| inputs[o as usize].strtab;
    for &(object, symbol) in found {
        let input = &inputs[object];
        let sym = input.symtab.get(symbol)?;
        let name = input.symtab.name(&sym)?;
        let new = global(object, &sym, Definition::Common);
        let (g, _) = globals.get_or_insert(globals.hash(name), name, new, strtabs);
        if globals.defs[g].def != Definition::Common {
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
        match out.iter_mut().find(|c| c.0 == g) {
            Some(c) => {
                c.1 = c.1.max(sym.st_size);
                c.2 = c.2.max(align);
            }
            None => out.push((g, sym.st_size, align)),
        }
    }
    Ok(out)
}

/// At most how many relocations `input` applies (for CREL, whose entries
/// take at least a byte each, its size).
pub(crate) fn relocation_count(input: &Input<'_>) -> u64 {
    input
        .elf
        .sections()
        .map(|sec| {
            let h = sec.header();
            let applies = input
                .placed
                .get(h.sh_info as usize)
                .is_some_and(|p| p.is_some());
            // A table cannot hold more than the file's bytes (one that
            // claims to is refused when it is read).
            let size = h.sh_size.min(input.elf.data().len() as u64);
            match h.sh_type {
                SHT_RELA if applies => size / h.sh_entsize.max(1),
                SHT_CREL if applies => size,
                _ => 0,
            }
        })
        .fold(0, u64::saturating_add)
}

/// `at` rounded up to `align`, or the error that the layout does not fit
/// the address space (hostile sizes and alignments).
fn aligned(at: u64, align: u64) -> Result<u64> {
    at.checked_next_multiple_of(align)
        .ok_or(Error::Unsupported {
            what: "linked size, past the address space at",
            value: at,
        })
}
