//! A small linker on elfin's public API: links relocatable objects (`.o`
//! files from `gcc -c -fPIC`, `clang -c -fPIC`) into a shared object, the
//! way `gcc -shared` would.
//!
//! ```sh
//! gcc -c -fPIC -O2 lib.c -o lib.o
//! cargo run --example link_shared --features write -- \
//!     -o libfoo.so --soname libfoo.so --needed libc.so.6 lib.o
//! gcc main.c -L. -lfoo -Wl,-rpath,'$ORIGIN' -o main && ./main
//! ```
//!
//! What it does, as a linker does it:
//! - reads each object with [`elfin::ElfFile`];
//! - keeps the first COMDAT group of each signature and drops the others;
//! - concatenates the allocated input sections into output sections by
//!   GNU ld's default names (`.text.*` into `.text`, `.rodata.*` into
//!   `.rodata`, `.data.rel.ro*` into `.data.rel.ro`, `.data.*` into
//!   `.data`, `.bss.*` and COMMON symbols into `.bss`, ...), each at its
//!   alignment; merge-string sections are taken as plain data;
//! - resolves global symbols across the objects (a strong definition wins
//!   over a weak one, a weak one over a common block; two strong ones are
//!   an error) and turns hidden ones local, as GNU ld does;
//! - hands every relocation to the builder unchanged but for its place and
//!   symbol ([`elfin::write::RelocationSpec`]): the builder computes it or
//!   makes the dynamic relocation, GOT or PLT entry it needs.
//!
//! It drops what is not allocated (`.comment`, `.note.GNU-stack`, debug
//! sections, the objects' symbol tables, which the builder writes anew)
//! and `.note.gnu.property` (whose properties hold only if every object
//! has them). Objects with `SHT_REL` relocations (implicit addends) are
//! refused: every machine the builder links uses RELA.

use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::read::{SymbolSection, SymbolTable};
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, RelocationSpec, SectionData, SectionId, SectionSpec,
    SymbolId, SymbolPlace, SymbolSpec,
};
use std::collections::{HashMap, HashSet};

/// Any error, with a message naming the object and what was wrong in it.
pub type Error = Box<dyn std::error::Error>;

/// What to write besides the objects' contents.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// `DT_SONAME`.
    pub soname: Option<String>,
    /// `DT_NEEDED` entries (`libc.so.6` for objects that call libc).
    pub needed: Vec<String>,
}

/// An output section: input sections of one kind, concatenated.
struct Output {
    name: &'static [u8],
    sh_type: u32,
    perms: Perms,
    tls: bool,
    relro: bool,
    align: u64,
    /// The bytes, or `None` while every input is `SHT_NOBITS`.
    bytes: Option<Vec<u8>>,
    size: u64,
}

impl Output {
    /// Appends an input section of `size` bytes (`data`, or zeros when
    /// `None`) at alignment `align`; returns its offset in the output.
    fn append(&mut self, data: Option<&[u8]>, size: u64, align: u64) -> u64 {
        let at = self.size.next_multiple_of(align.max(1));
        self.align = self.align.max(align);
        if data.is_some() && self.bytes.is_none() {
            // The first input with file bytes: the zeros before it become
            // bytes too (a `.bss` that also receives `PROGBITS`).
            self.bytes = Some(vec![0; self.size as usize]);
            self.sh_type = if self.sh_type == SHT_NOBITS {
                SHT_PROGBITS
            } else {
                self.sh_type
            };
        }
        if let Some(bytes) = &mut self.bytes {
            bytes.resize(at as usize, 0);
            match data {
                Some(d) => bytes.extend_from_slice(d),
                None => bytes.resize((at + size) as usize, 0),
            }
        }
        self.size = at + size;
        at
    }
}

/// GNU ld's default output sections, in the order they are laid out
/// (within a permission class the builder keeps this order): the output
/// name, the input names it takes (exactly, or as `NAME.*`), its type,
/// permissions, and whether it is read-only after relocation.
const OUTPUTS: &[(&str, &[&str], u32, Perms, bool)] = &[
    (".text", &[".text"], SHT_PROGBITS, Perms::RX, false),
    (".rodata", &[".rodata"], SHT_PROGBITS, Perms::R, false),
    (".eh_frame", &[".eh_frame"], SHT_PROGBITS, Perms::R, false),
    (".tdata", &[".tdata"], SHT_PROGBITS, Perms::RW, false),
    (".tbss", &[".tbss"], SHT_NOBITS, Perms::RW, false),
    (
        ".preinit_array",
        &[".preinit_array"],
        SHT_PREINIT_ARRAY,
        Perms::RW,
        true,
    ),
    (
        ".init_array",
        &[".init_array", ".ctors"],
        SHT_INIT_ARRAY,
        Perms::RW,
        true,
    ),
    (
        ".fini_array",
        &[".fini_array", ".dtors"],
        SHT_FINI_ARRAY,
        Perms::RW,
        true,
    ),
    (
        ".data.rel.ro",
        &[".data.rel.ro"],
        SHT_PROGBITS,
        Perms::RW,
        true,
    ),
    (".data", &[".data"], SHT_PROGBITS, Perms::RW, false),
    (".bss", &[".bss"], SHT_NOBITS, Perms::RW, false),
];

/// The output section (index into [`OUTPUTS`]) an input section goes to,
/// by its name, or by its flags for a name GNU ld does not know.
fn output_for(name: &[u8], flags: u64, sh_type: u32) -> usize {
    let takes = |prefix: &str| {
        let p = prefix.as_bytes();
        name == p || (name.starts_with(p) && name.get(p.len()) == Some(&b'.'))
    };
    if let Some(i) = OUTPUTS.iter().position(|o| o.1.iter().any(|p| takes(p))) {
        return i;
    }
    let by = |n: &str| OUTPUTS.iter().position(|o| o.0 == n).unwrap_or(0);
    match (flags & SHF_TLS != 0, sh_type == SHT_NOBITS) {
        (true, true) => by(".tbss"),
        (true, false) => by(".tdata"),
        _ if flags & SHF_EXECINSTR != 0 => by(".text"),
        _ if flags & SHF_WRITE == 0 => by(".rodata"),
        (_, true) => by(".bss"),
        _ => by(".data"),
    }
}

/// What a symbol of an input object stands for in the output.
#[derive(Clone, Copy)]
enum Target {
    /// Nothing (symbol 0, a file name, a symbol in a section not loaded).
    None,
    /// A local or section symbol of a COMDAT group that another object
    /// gave first.
    Dropped,
    /// A symbol of the builder.
    Symbol(SymbolId),
    /// A section symbol: an output section and the input's offset in it.
    Section(usize, u64),
}

/// How strongly a global symbol is defined: the strongest wins.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Undefined,
    Common,
    Weak,
    Strong,
}

/// Every object's view of one global name.
struct Global {
    /// The winning definition so far: object, symbol index, strength.
    best: (usize, usize, Strength),
    /// Every reference is weak (an undefined weak symbol stays weak).
    all_weak: bool,
    /// The most constraining visibility any object gives it.
    visibility: u8,
    /// The largest common block and its alignment.
    common: (u64, u64),
    /// Where the common block went in `.bss`.
    common_at: Option<u64>,
    /// The builder's symbol, once added.
    id: Option<SymbolId>,
}

/// One input object, read.
struct Object<'a> {
    name: String,
    file: ElfFile<'a>,
    symbols: SymbolTable<'a>,
    /// The sections of COMDAT groups another object gave first.
    dropped: HashSet<usize>,
    /// Where each input section went: output and offset.
    placed: Vec<Option<(usize, u64)>>,
    /// What each input symbol stands for.
    targets: Vec<Target>,
}

/// Links `objects` (name and bytes of each `ET_REL` file) into a shared
/// object.
pub fn link_shared(objects: &[(String, Vec<u8>)], options: &Options) -> Result<Vec<u8>, Error> {
    let mut objs = Vec::new();
    for (name, bytes) in objects {
        let file = ElfFile::parse(bytes).map_err(|e| format!("{name}: {e}"))?;
        if file.header().e_type != ET_REL {
            return Err(format!("{name}: not a relocatable object").into());
        }
        let symbols = file
            .symbol_table()
            .map_err(|e| format!("{name}: {e}"))?
            .ok_or_else(|| format!("{name}: no symbol table"))?;
        objs.push(Object {
            name: name.clone(),
            file,
            symbols,
            dropped: HashSet::new(),
            placed: Vec::new(),
            targets: Vec::new(),
        });
    }
    let first = objs.first().ok_or("no input objects")?;
    let kind = FileKind {
        encoding: first.file.encoding(),
        machine: first.file.machine(),
        file_type: ET_DYN,
    };
    let mut b = Builder::new(kind);
    // e_flags carry the ABI (RISC-V's float ABI and compressed code).
    b.flags = first.file.header().e_flags;
    b.soname = options
        .soname
        .as_ref()
        .map(|s| s.as_bytes().to_vec().into());
    b.needed = options
        .needed
        .iter()
        .map(|s| s.as_bytes().to_vec().into())
        .collect();

    let mut outputs: Vec<Output> = OUTPUTS
        .iter()
        .map(|&(name, _, sh_type, perms, relro)| Output {
            name: name.as_bytes(),
            sh_type,
            perms,
            tls: matches!(name, ".tdata" | ".tbss"),
            relro,
            align: 1,
            bytes: (sh_type != SHT_NOBITS).then(Vec::new),
            size: 0,
        })
        .collect();
    let mut signatures = HashSet::new();
    for o in &mut objs {
        if o.file.machine() != kind.machine || o.file.encoding() != kind.encoding {
            return Err(format!("{}: another machine than {}", o.name, objects[0].0).into());
        }
        o.dropped = comdat_losers(o, &mut signatures)?;
        place_sections(o, &mut outputs)?;
    }
    let mut globals = resolve_globals(&objs)?;
    // Common blocks nobody defines go to .bss, the largest of each name.
    let bss = OUTPUTS.iter().position(|o| o.0 == ".bss").unwrap_or(0);
    for (_, g) in globals.iter_mut() {
        if g.best.2 == Strength::Common {
            g.common_at = Some(outputs[bss].append(None, g.common.0, g.common.1));
        }
    }
    let ids: Vec<Option<SectionId>> = outputs
        .iter()
        .map(|out| (out.size > 0).then(|| add_output(&mut b, out)))
        .collect();
    add_symbols(&mut b, &mut objs, &mut globals, &ids, bss)?;
    let mut section_symbols = HashMap::new();
    for o in &objs {
        add_relocations(&mut b, o, &ids, &mut section_symbols)?;
    }
    Ok(b.to_vec(&LayoutOptions::default())?)
}

/// The member sections of `o`'s COMDAT groups whose signature an earlier
/// object already gave: a linker keeps the first group of each signature.
fn comdat_losers(
    o: &Object<'_>,
    signatures: &mut HashSet<Vec<u8>>,
) -> Result<HashSet<usize>, Error> {
    let mut dropped = HashSet::new();
    let enc = o.file.encoding();
    for s in o.file.sections() {
        let h = s.header();
        if h.sh_type != SHT_GROUP {
            continue;
        }
        let data = s.data().map_err(|e| format!("{}: {e}", o.name))?;
        let words: Vec<u32> = data
            .chunks_exact(4)
            .filter_map(|w| enc.read_u32(w))
            .collect();
        let Some((&flags, members)) = words.split_first() else {
            continue;
        };
        let signature = o.symbols.get(h.sh_info as usize)?;
        let signature = o.symbols.name(&signature)?.to_vec();
        if flags & GRP_COMDAT != 0 && !signatures.insert(signature) {
            dropped.extend(members.iter().map(|&m| m as usize));
        }
    }
    Ok(dropped)
}

/// Appends each allocated section of `o` (but the dropped COMDAT ones) to
/// its output section, recording where it went.
fn place_sections(o: &mut Object<'_>, outputs: &mut [Output]) -> Result<(), Error> {
    o.placed = vec![None; o.file.section_count()];
    for s in o.file.sections() {
        let h = *s.header();
        let name = s.name().map_err(|e| format!("{}: {e}", o.name))?;
        if o.dropped.contains(&s.index()) || h.sh_flags & SHF_ALLOC == 0 {
            continue;
        }
        let unwind = o.file.machine() == EM_X86_64 && h.sh_type == SHT_X86_64_UNWIND;
        match h.sh_type {
            SHT_PROGBITS | SHT_NOBITS | SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY => {}
            _ if unwind => {}
            SHT_NOTE if name == b".note.gnu.property" => continue,
            SHT_GROUP => continue,
            t => {
                let name = String::from_utf8_lossy(name);
                return Err(
                    format!("{}: section {name}: type {t:#x} not supported", o.name).into(),
                );
            }
        }
        let data = if h.sh_type == SHT_NOBITS {
            None
        } else {
            Some(s.data().map_err(|e| format!("{}: {e}", o.name))?)
        };
        let k = output_for(name, h.sh_flags, h.sh_type);
        let at = outputs[k].append(data, h.sh_size, h.sh_addralign);
        o.placed[s.index()] = Some((k, at));
    }
    Ok(())
}

/// Where symbol `j` of `o` is defined: the input section's output and
/// offset, `Ok(None)` when it is not in a kept section.
fn defined_in(o: &Object<'_>, j: usize) -> Result<Option<SymbolSection>, Error> {
    let sym = o.symbols.get(j)?;
    Ok(match o.symbols.section(j, &sym)? {
        SymbolSection::Section(i) if o.placed.get(i as usize).copied().flatten().is_none() => None,
        other => Some(other),
    })
}

/// The most constraining of two visibilities (gABI: internal, then
/// hidden, then protected, then default).
fn stricter(a: u8, b: u8) -> u8 {
    let rank = |v: u8| [0, 3, 2, 1][(v & 3) as usize];
    if rank(a) >= rank(b) { a } else { b }
}

/// Every global name across the objects, with its winning definition,
/// in the order first seen.
fn resolve_globals(objs: &[Object<'_>]) -> Result<Vec<(Vec<u8>, Global)>, Error> {
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
fn global_spec<'a>(
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
    Ok(SymbolSpec {
        name: name.to_vec().into(),
        place,
        value,
        size,
        bind,
        kind,
        other: (sym.st_other & !3) | g.visibility,
        export: None,
    })
}

/// Adds the global symbols (one per name) and each object's local ones,
/// recording what every input symbol stands for.
fn add_symbols(
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
                _ if sym.bind() != STB_LOCAL => by_name
                    .get(name)
                    .copied()
                    .flatten()
                    .map_or(Target::None, Target::Symbol),
                Some(SymbolSection::Section(i)) => {
                    let (out, at) = o.placed[i as usize].ok_or("unplaced section")?;
                    if sym.kind() == STT_SECTION {
                        Target::Section(out, at)
                    } else {
                        let place = ids[out].ok_or("a symbol in an empty section")?;
                        let spec = SymbolSpec {
                            name: name.to_vec().into(),
                            place: SymbolPlace::Section(place),
                            value: sym.st_value + at,
                            size: sym.st_size,
                            bind: STB_LOCAL,
                            kind: sym.kind(),
                            other: sym.st_other,
                            export: None,
                        };
                        Target::Symbol(b.add_symbol(spec))
                    }
                }
                Some(SymbolSection::Absolute) => {
                    let spec = SymbolSpec {
                        place: SymbolPlace::Absolute,
                        value: sym.st_value,
                        size: sym.st_size,
                        kind: sym.kind(),
                        other: sym.st_other,
                        ..SymbolSpec::local(name.to_vec(), SectionId::from_index(0), 0)
                    };
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

/// Adds output section `out` to the builder.
fn add_output<'a>(b: &mut Builder<'a>, out: &Output) -> SectionId {
    let mut spec = SectionSpec::new(out.name, Some(out.perms), &[][..]).align(out.align);
    spec.sh_type = out.sh_type;
    spec.data = match &out.bytes {
        Some(bytes) => SectionData::Bytes(bytes.clone().into()),
        None => SectionData::Zeros(out.size),
    };
    if matches!(
        out.sh_type,
        SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY
    ) {
        spec.entsize = b.kind.encoding.address_size() as u64;
    }
    if out.tls {
        spec = spec.tls();
    }
    if out.relro {
        spec = spec.relro();
    }
    b.add_section(spec)
}

/// Adds the relocations of `o`'s kept sections, each moved to its place
/// in the output; one section symbol per output section stands for the
/// objects' section symbols (with their offsets added to the addends).
fn add_relocations(
    b: &mut Builder<'_>,
    o: &Object<'_>,
    ids: &[Option<SectionId>],
    section_symbols: &mut HashMap<usize, SymbolId>,
) -> Result<(), Error> {
    for s in o.file.sections() {
        let h = s.header();
        let Some(Some((out, at))) = o.placed.get(h.sh_info as usize).copied() else {
            continue;
        };
        if !matches!(h.sh_type, SHT_RELA | SHT_REL) {
            continue;
        }
        if h.sh_type == SHT_REL {
            return Err(format!(
                "{}: SHT_REL relocations (implicit addends) not supported",
                o.name
            )
            .into());
        }
        let section = ids[out].ok_or("relocations in an empty section")?;
        let relocations = o.file.section_relocations(&s)?.ok_or("not relocations")?;
        for r in relocations {
            let r = r?.relocation;
            let (symbol, extra) = match o.targets.get(r.symbol as usize) {
                _ if r.symbol == 0 => (None, 0),
                Some(Target::Symbol(id)) => (Some(*id), 0),
                Some(&Target::Section(k, off)) => {
                    let id = *section_symbols.entry(k).or_insert_with(|| {
                        let place = SymbolPlace::Section(ids[k].unwrap_or(section));
                        b.add_symbol(SymbolSpec {
                            name: Vec::new().into(),
                            place,
                            kind: STT_SECTION,
                            ..SymbolSpec::local(Vec::new(), SectionId::from_index(0), 0)
                        })
                    });
                    (Some(id), off as i64)
                }
                // The unwind entry of a function another object gave
                // first: its pc_begin stays 0 bytes from itself, in
                // .eh_frame, where no code runs (GNU ld drops the entry).
                Some(Target::Dropped) if OUTPUTS[out].0 == ".eh_frame" => continue,
                _ => {
                    let sym = o.symbols.get(r.symbol as usize)?;
                    let name = String::from_utf8_lossy(o.symbols.name(&sym)?);
                    return Err(format!(
                        "{}: a relocation at {:#x} names {name}, which is in no kept section",
                        o.name, r.offset
                    )
                    .into());
                }
            };
            b.add_relocation(RelocationSpec {
                section,
                offset: at + r.offset,
                kind: r.kind,
                symbol,
                addend: r.addend.unwrap_or(0) + extra,
            });
        }
    }
    Ok(())
}

/// `link_shared [-o OUT] [--soname NAME] [--needed LIB]... INPUT.o...`
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("link_shared: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let (mut out, mut options, mut inputs) = (String::from("a.so"), Options::default(), Vec::new());
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "-o" => out = value()?,
            "--soname" => options.soname = Some(value()?),
            "--needed" => options.needed.push(value()?),
            _ if a.starts_with('-') => return Err(format!("unknown option {a}").into()),
            _ => inputs.push((
                a.clone(),
                std::fs::read(&a).map_err(|e| format!("{a}: {e}"))?,
            )),
        }
    }
    let bytes = link_shared(&inputs, &options)?;
    std::fs::write(&out, &bytes).map_err(|e| format!("{out}: {e}"))?;
    Ok(())
}
