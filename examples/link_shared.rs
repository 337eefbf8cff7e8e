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
//!   makes the dynamic relocation, GOT or PLT entry it needs (references
//!   to `_GLOBAL_OFFSET_TABLE_` by `GOTPC32` and the like become the
//!   GOT's address, which the builder places).
//!
//! It drops what is not allocated (`.comment`, `.note.GNU-stack`, debug
//! sections, the objects' symbol tables, which the builder writes anew)
//! and `.note.gnu.property` (whose properties hold only if every object
//! has them). It refuses objects with `SHT_REL` relocations (implicit
//! addends: every machine the builder links uses RELA) and `.ctors`/
//! `.dtors`. It keeps `.init_array.N` inputs in input order, not sorted by
//! priority; it reads no shared library (undefined symbols are left to
//! the loader), and writes no `.eh_frame_hdr` (the builder makes none).

#[path = "link_shared/sections.rs"]
mod sections;
#[path = "link_shared/symbols.rs"]
mod symbols;

use sections::{OUTPUTS, Output, add_output, comdat_losers, place_sections};
use symbols::{Strength, Target, add_symbols, resolve_globals};

use elfin::ElfFile;
use elfin::arch::{Arch, Needs};
use elfin::raw::consts::*;
use elfin::read::SymbolTable;
use elfin::write::{
    Builder, FileKind, LayoutOptions, RelocationSpec, SectionId, SymbolId, SymbolPlace, SymbolSpec,
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

    let mut outputs = Output::all();
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
                // GOTPC32 and the like: the GOT's address, not a symbol's.
                Some(Target::GotBase) if needs_got_base(b, r.kind) => (None, 0),
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

/// Whether relocation type `kind` is computed from the GOT's address
/// (what its references to `_GLOBAL_OFFSET_TABLE_` mean).
fn needs_got_base(b: &Builder<'_>, kind: u32) -> bool {
    Arch::new(b.kind.machine, b.kind.encoding.class)
        .and_then(|a| a.howto(kind))
        .is_some_and(|h| h.needs == Needs::GotBase)
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
