//! Relocatable objects (`ET_REL`) linked in memory, the way a JIT uses
//! them: sections placed by permission class into fresh pages, symbols
//! resolved across the objects and then through the caller's resolver,
//! static relocations applied with the arithmetic of `src/arch/`, and a
//! GOT entry and a call stub made for every outside function (a libc
//! function is usually too far from the mapping for a direct call).

mod globals;
mod layout;
mod relocate;
mod unwind;

use super::error::{Error, Result};
use super::mapped::MappedFile;
use super::memory::{Prot, Reservation, page_size};
use super::resolve::Resolver;
use super::symbols::Symbol;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;
use globals::Globals;
use layout::Class;
use std::fs::File;
use std::path::Path;

/// Code and data linked in memory from relocatable objects. Dropping it
/// unmaps everything.
///
/// ```no_run
/// use elfin::load::Linked;
/// let object = std::fs::read("answer.o")?;
/// let puts = |name: &[u8], _: Option<&[u8]>| None; // a resolver for outside symbols
/// let linked = Linked::link(&[&object[..]], puts)?;
/// // SAFETY: `answer` is `int answer(void)` in C.
/// let answer = unsafe { linked.function::<extern "C" fn() -> i32>("answer")? };
/// println!("{}", answer());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Linked {
    globals: Globals,
    names: Names,
    /// The unwind tables registered (deregistered on drop).
    frames: Vec<usize>,
    mem: Reservation,
}

impl Drop for Linked {
    fn drop(&mut self) {
        // Before `mem` unmaps the tables.
        unwind::deregister(&self.frames);
    }
}

/// How [`Linked`] links: what the caller asks for beyond the code and
/// data.
///
/// ```no_run
/// use elfin::load::{LinkOptions, Linked};
/// // C++ or Rust code that throws or panics through the linked code.
/// let options = LinkOptions { unwind_tables: true };
/// let linked = Linked::load_with(&["callbacks.o"], |_: &[u8], _: Option<&[u8]>| None, &options)?;
/// # Ok::<(), elfin::load::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkOptions {
    /// Load the objects' unwind tables (`.eh_frame`), relocate them and
    /// register them with the unwinder (libgcc's `__register_frame`;
    /// GNU/Linux only, refused elsewhere), so that C++ exceptions and Rust
    /// panics can unwind through the linked code. Off by default: a
    /// linked object is not in the list the unwinder searches
    /// (`dl_iterate_phdr`), so its tables are useless unless registered,
    /// and a JIT that never unwinds through its code should not pay for
    /// them (a third of the relocations of typical C code, and their
    /// pages). Without them, a panic that reaches the linked code aborts
    /// the process (the unwinder finds no frame information): callers
    /// whose code throws or panics across it must turn this on.
    pub unwind_tables: bool,
}
/// Where the names of the globals are: each object's string table, in
/// its file (kept mapped) or copied.
#[derive(Debug)]
enum Names {
    Mapped(Vec<MappedFile>, Vec<Range<usize>>),
    Copied(Vec<Vec<u8>>),
}

impl Names {
    /// The string table of object `o`.
    fn strtab(&self, o: u32) -> &[u8] {
        let o = o as usize;
        match self {
            Names::Mapped(files, ranges) => files
                .get(o)
                .zip(ranges.get(o))
                .and_then(|(f, r)| f.get(r.clone()))
                .unwrap_or_default(),
            Names::Copied(tables) => tables.get(o).map(|t| &t[..]).unwrap_or_default(),
        }
    }
}

impl Linked {
    /// Links `objects` (each the bytes of an `ET_REL` file for this
    /// process's machine) in memory, resolving what none of them defines
    /// with `resolver`. Every section is copied; [`load`](Linked::load)
    /// maps the large read-only ones from their files instead.
    pub fn link(objects: &[&[u8]], resolver: impl Resolver) -> Result<Linked> {
        Linked::link_with(objects, resolver, &LinkOptions::default())
    }

    /// [`link`](Linked::link) with `options`.
    pub fn link_with(
        objects: &[&[u8]],
        resolver: impl Resolver,
        options: &LinkOptions,
    ) -> Result<Linked> {
        let (parts, strtabs) = link(objects, &[], resolver, options)?;
        let copies = objects.iter().zip(strtabs).map(|(o, r)| o[r].to_vec());
        Ok(parts.into_linked(Names::Copied(copies.collect())))
    }

    /// Links the objects in the files at `paths`: like
    /// [`link`](Linked::link), but the files are mapped rather than read,
    /// and their large sections are mapped from the file rather than
    /// copied: those no relocation patches (`.rodata`, code without
    /// relocations) shared with other processes and paged in when
    /// touched, the others copied by the kernel as they are mapped.
    ///
    /// The files stay mapped as long as the `Linked` (the names of its
    /// symbols are read from their string tables). Like every file
    /// mapping, this assumes nobody truncates or rewrites the files while
    /// they are linked and afterwards (see [`MappedFile`](super::MappedFile)).
    pub fn load<P: AsRef<Path>>(paths: &[P], resolver: impl Resolver) -> Result<Linked> {
        Linked::load_with(paths, resolver, &LinkOptions::default())
    }

    /// [`load`](Linked::load) with `options`.
    pub fn load_with<P: AsRef<Path>>(
        paths: &[P],
        resolver: impl Resolver,
        options: &LinkOptions,
    ) -> Result<Linked> {
        let mut files = Vec::with_capacity(paths.len());
        let mut views = Vec::with_capacity(paths.len());
        for p in paths {
            let file = File::open(p.as_ref()).map_err(|source| Error::System {
                what: "open of an object",
                source,
            })?;
            let view = MappedFile::map(&file).map_err(|source| Error::System {
                what: "mmap of an object",
                source,
            })?;
            files.push(file);
            views.push(view);
        }
        let bytes: Vec<&[u8]> = views.iter().map(|v| &v[..]).collect();
        let (parts, strtabs) = link(&bytes, &files, resolver, options)?;
        Ok(parts.into_linked(Names::Mapped(views, strtabs)))
    }

    /// The address of the global symbol `name` defined by the objects.
    pub fn address(&self, name: &str) -> Result<usize> {
        let g = self.globals.get(name.as_bytes(), |o| self.names.strtab(o));
        g.map(|g| self.address_of(g))
            .ok_or_else(|| Error::NotFound {
                name: String::from(name),
            })
    }

    /// The global symbols the objects define, with their addresses.
    pub fn symbols(&self) -> impl Iterator<Item = (&[u8], usize)> {
        let globals = self.globals.iter(|o| self.names.strtab(o));
        globals.map(|(name, g)| (name, self.address_of(g)))
    }

    fn address_of(&self, g: &globals::Global) -> usize {
        if g.in_image() {
            (self.mem.start() as u64).wrapping_add(g.value) as usize
        } else {
            g.value as usize
        }
    }

    /// The address range the linked code owns.
    pub fn range(&self) -> Range<usize> {
        self.mem.start()..self.mem.start() + self.mem.len()
    }

    /// The symbol `name` as a value of type `F` (a function pointer),
    /// borrowed from `self`.
    ///
    /// # Safety
    ///
    /// `F` must be a pointer type matching the symbol: for a function, its
    /// exact signature and ABI.
    pub unsafe fn function<F: Copy>(&self, name: &str) -> Result<Symbol<'_, F>> {
        let address = self.address(name)?;
        // SAFETY: forwarded to the caller (this function's contract).
        unsafe { Symbol::new(address, name) }
    }
}

/// A [`Linked`] but for the names of its globals.
struct Parts {
    globals: Globals,
    frames: Vec<usize>,
    mem: Reservation,
}

impl Parts {
    fn into_linked(self, names: Names) -> Linked {
        Linked {
            globals: self.globals,
            names,
            frames: self.frames,
            mem: self.mem,
        }
    }
}

/// Links `objects`; `files`, when given (one per object), are where large
/// sections are mapped from. Returns the linked parts and where each
/// object's string table (the globals' names) is in it.
fn link(
    objects: &[&[u8]],
    files: &[File],
    mut resolver: impl Resolver,
    options: &LinkOptions,
) -> Result<(Parts, Vec<Range<usize>>)> {
    let inputs = layout::inputs(objects, options.unwind_tables)?;
    let arch = relocate::arch_of(&inputs)?;
    let page = page_size() as u64;
    let strtabs = objects
        .iter()
        .zip(&inputs)
        .map(|(o, i)| within(o, i.strtab))
        .collect();
    let lay = layout::place(inputs, page, files.len() == objects.len())?;
    let mut syms = relocate::symbols(&lay);
    // The GOT (read-only once filled) and the stubs (code) get pages of
    // their own after the sections, sized for the most they may need (at
    // most an entry per relocation, a stub per outside symbol): untouched
    // pages cost address space only.
    let relocations = lay
        .inputs
        .iter()
        .map(layout::relocation_count)
        .fold(0, u64::saturating_add);
    let got = lay.end;
    let stub_size = arch.plt_layout().entry_size;
    let too_large = || Error::Unsupported {
        what: "linked size (sections, GOT and stubs), relocation count",
        value: relocations,
    };
    let stubs = relocations
        .checked_mul(arch.word())
        .and_then(|g| g.checked_add(got))
        .and_then(|g| g.checked_next_multiple_of(page))
        .ok_or_else(too_large)?;
    let len = lay
        .undefined
        .checked_mul(stub_size)
        .and_then(|s| s.checked_add(stubs))
        .and_then(|l| l.checked_next_multiple_of(page))
        .ok_or_else(too_large)?
        .max(page);
    let mut mem = Reservation::new(len as usize, lay.align as usize, None)?;
    let base = mem.start();
    // The copied sections are written whole: their pages are allocated at
    // once rather than one fault each, unless most of the range is zeros
    // (`.bss`, which a hostile size makes any length): those pages stay
    // untouched until used.
    let copied: u64 = lay.copies.iter().map(|c| c.1.len() as u64).sum();
    let populate = lay.copied_end <= copied.saturating_mul(2).saturating_add(4 * page);
    mem.map_zeros_with(
        base,
        lay.copied_end as usize,
        Prot::RW,
        populate,
        "mmap of the linked objects",
    )?;
    for m in &lay.mapped {
        let prot = if m.relocated {
            Prot::RW
        } else {
            m.class.prot()
        };
        mem.map_file_with(
            base + m.at as usize,
            m.len as usize,
            &files[m.object],
            m.offset,
            prot,
            m.relocated,
            "mmap of an object's section",
        )?;
    }
    // COMMON blocks, then the GOT and the stubs: zero pages.
    let zeros = lay.commons_start;
    mem.map_zeros(
        base + zeros as usize,
        (len - zeros) as usize,
        Prot::RW,
        "mmap of the COMMON blocks, GOT and stubs",
    )?;
    for (at, bytes) in &lay.copies {
        mem.write(base + *at as usize, bytes)?;
    }
    let tables = relocate::Tables { got, stubs };
    relocate::apply(arch, &lay, &mut syms, &tables, &mut resolver, &mut mem)?;
    let r = lay.classes[Class::R as usize];
    let rx = lay.classes[Class::RX as usize];
    let relocated = lay.mapped.iter().filter(|m| m.relocated);
    let protect = [
        (r.0, r.1, Prot::R),
        (rx.0, rx.1, Prot::RX),
        (got, stubs - got, Prot::R),
        (stubs, len - stubs, Prot::RX),
    ]
    .into_iter()
    .chain(relocated.map(|m| (m.at, m.len, m.class.prot())));
    for (start, size, prot) in protect {
        // On AArch64 the kernel makes instruction and data caches agree
        // for pages it maps executable.
        mem.protect(
            base + start as usize,
            size as usize,
            prot,
            "mprotect of linked code",
        )?;
    }
    let frames: Vec<usize> = lay
        .unwind_tables
        .iter()
        .map(|&at| base + at as usize)
        .collect();
    unwind::register(&frames)?;
    let parts = Parts {
        globals: lay.globals,
        frames,
        mem,
    };
    Ok((parts, strtabs))
}

/// Where `part` (a slice of `whole`) is in `whole`; an empty range if it
/// is not in it (an object without a symbol table).
fn within(whole: &[u8], part: &[u8]) -> Range<usize> {
    let start = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    let range = start..start.wrapping_add(part.len());
    match whole.get(range.clone()) {
        Some(s) if core::ptr::eq(s.as_ptr(), part.as_ptr()) => range,
        _ => 0..0,
    }
}
