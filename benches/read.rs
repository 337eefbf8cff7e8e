//! elfin side by side with `object` (its low-level `read::elf` API), `goblin`
//! and `elf`, on three real files, in one run:
//!
//! ```text
//! cargo bench --bench read
//! ```
//!
//! Rows: open; walk all sections with their names; walk all symbols with
//! their names (`.symtab` if present, plus `.dynsym`); 1000 lookups by name
//! through each crate's hash-table lookup (plus elfin's linear scan); walk
//! every relocation in every REL/RELA section.
//!
//! Each file is read into memory once, outside the timing. Each crate's
//! "opened file" (what its `open` row produces) is also made outside the
//! timing of the other rows; for goblin that means its eager `Elf::parse`
//! is paid only in the `open` row. Lookup tables (hash table, symbol table,
//! versions) are prepared outside the timing of the lookup row.
//!
//! Before criterion runs, every operation is run once under a counting
//! global allocator; the number of heap allocations it made is printed in a
//! table (elfin must make none). After criterion runs, the medians (and the
//! fastest sample, less disturbed by other load on a shared machine) are
//! read back from criterion's `estimates.json` / `sample.json` files and
//! printed as Markdown tables (also written to
//! `<target>/criterion/elfin-read-summary.md`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, SamplingMode, measurement::WallTime};

// ---------------------------------------------------------------------------
// Counting allocator.

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` once and returns (allocations made, its result).
fn count_allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let r = f();
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    (after - before, r)
}

// ---------------------------------------------------------------------------
// The files.

struct Input {
    /// Short label used in group names ("ls", "libc", "largest_so").
    label: &'static str,
    path: PathBuf,
    data: Vec<u8>,
    big: bool,
}

/// The largest shared library under the usual library directories and the
/// rustup toolchains (`ELFIN_BENCH_BIG` overrides): on the bench machine
/// that is `libLLVM.so.22.1-rust-*` (200 MB).
fn largest_so() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ELFIN_BENCH_BIG") {
        return Some(PathBuf::from(p));
    }
    let mut dirs: Vec<PathBuf> = [
        "/lib",
        "/usr/lib",
        "/usr/lib/x86_64-linux-gnu",
        "/usr/local/lib",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".rustup")));
    if let Some(tcs) = home.and_then(|h| std::fs::read_dir(h.join("toolchains")).ok()) {
        dirs.extend(tcs.flatten().map(|tc| tc.path().join("lib")));
    }
    let mut best: Option<(u64, PathBuf)> = None;
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for f in entries.flatten() {
            let name = f.file_name();
            if !name.to_string_lossy().contains(".so") {
                continue;
            }
            let Ok(meta) = std::fs::metadata(f.path()) else {
                continue;
            };
            if meta.is_file() && best.as_ref().is_none_or(|(l, _)| meta.len() > *l) {
                best = Some((meta.len(), f.path()));
            }
        }
    }
    best.map(|(_, p)| p)
}

fn inputs() -> Vec<Input> {
    let mut out = Vec::new();
    let mut add = |label, path: PathBuf, big| match std::fs::read(&path) {
        Ok(data) => out.push(Input {
            label,
            path,
            data,
            big,
        }),
        Err(e) => eprintln!("note: skipping {label} ({}): {e}", path.display()),
    };
    add("ls", PathBuf::from("/usr/bin/ls"), false);
    add(
        "libc",
        PathBuf::from("/lib/x86_64-linux-gnu/libc.so.6"),
        false,
    );
    match largest_so() {
        Some(p) => add("largest_so", p, true),
        None => eprintln!("note: no large shared library found; skipping the large file"),
    }
    out
}

// ---------------------------------------------------------------------------
// Lookup names: every k-th defined dynamic symbol (default version), cycled
// up to 1000 names; each with its version name (for the exact-version row).

const LOOKUPS: usize = 1000;

struct LookupName {
    name: Vec<u8>,
    /// The name as a `String`, for goblin.
    text: String,
    version: Option<Vec<u8>>,
}

fn lookup_names(data: &[u8]) -> Vec<LookupName> {
    let file = elfin::ElfFile::parse(data).unwrap();
    let Some(ds) = file.dynamic_symbols().unwrap() else {
        return Vec::new();
    };
    let st = ds.symbols();
    let versions = ds.versions();
    // Defined symbols with a default (not hidden) version, so that every
    // crate finds every name whether or not its lookup looks at versions.
    let defined: Vec<(&[u8], Option<&[u8]>)> = st
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_undefined())
        .filter(|(i, _)| {
            versions
                .versym(*i)
                .is_none_or(|v| v & elfin::raw::consts::VERSYM_HIDDEN == 0)
        })
        .filter_map(|(i, s)| Some((st.name(&s).ok()?, ds.version(i).ok()?.name())))
        .filter(|(n, _)| !n.is_empty())
        .collect();
    if defined.is_empty() {
        return Vec::new();
    }
    let k = (defined.len() / LOOKUPS).max(1);
    defined
        .iter()
        .step_by(k)
        .cycle()
        .take(LOOKUPS)
        .map(|(n, v)| LookupName {
            name: n.to_vec(),
            text: String::from_utf8_lossy(n).into_owned(),
            version: v.map(<[u8]>::to_vec),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// object's low-level API, opened as its documentation shows.

mod obj {
    pub use object::Endianness;
    pub use object::read::elf::{
        FileHeader as _, Rel as _, Rela as _, SectionHeader as _, Sym as _,
    };
    pub type Hdr = object::elf::FileHeader64<Endianness>;
    pub type Sections<'a> = object::read::elf::SectionTable<'a, Hdr, &'a [u8]>;

    pub struct Opened<'a> {
        pub data: &'a [u8],
        pub header: &'a Hdr,
        pub endian: Endianness,
        pub sections: Sections<'a>,
    }

    pub fn open(data: &[u8]) -> Opened<'_> {
        let header = Hdr::parse(data).unwrap();
        let endian = header.endian().unwrap();
        let sections = header.sections(endian, data).unwrap();
        // elfin's open also bounds-checks the program header table.
        std::hint::black_box(header.program_headers(endian, data).unwrap());
        Opened {
            data,
            header,
            endian,
            sections,
        }
    }
}

type ElfBytes<'a> = elf::ElfBytes<'a, elf::endian::AnyEndian>;

// ---------------------------------------------------------------------------
// Operations. Each starts from the file's bytes (opening the file is part
// of every row, as a user pays it) and returns the number of items it
// visited (or found), which is checked to be the same for every crate.

// --- open

fn elfin_open(data: &[u8]) -> usize {
    black_box(elfin::ElfFile::parse(data).unwrap()).section_count()
}
fn object_open(data: &[u8]) -> usize {
    black_box(obj::open(data)).sections.len()
}
fn object_file_open(data: &[u8]) -> usize {
    use object::Object;
    let f = object::read::elf::ElfFile64::<obj::Endianness>::parse(data).unwrap();
    black_box(&f).sections().count()
}
fn goblin_open(data: &[u8]) -> usize {
    black_box(goblin::elf::Elf::parse(data).unwrap())
        .section_headers
        .len()
}
fn elf_open(data: &[u8]) -> usize {
    let f = black_box(ElfBytes::minimal_parse(data).unwrap());
    f.section_headers().map_or(0, |s| s.len())
}

// --- sections

fn elfin_sections(data: &[u8]) -> usize {
    let f = elfin::ElfFile::parse(data).unwrap();
    let mut n = 0;
    for s in f.sections() {
        black_box(s.name().ok());
        black_box(s.header().sh_offset);
        black_box(s.header().sh_size);
        n += 1;
    }
    n
}
fn object_sections(data: &[u8]) -> usize {
    use obj::*;
    let o = obj::open(data);
    let e = o.endian;
    let mut n = 0;
    for sh in o.sections.iter() {
        black_box(o.sections.section_name(e, sh).ok());
        black_box(sh.sh_offset(e));
        black_box(sh.sh_size(e));
        n += 1;
    }
    n
}
fn goblin_sections(data: &[u8]) -> usize {
    let g = goblin::elf::Elf::parse(data).unwrap();
    let mut n = 0;
    for sh in &g.section_headers {
        black_box(g.shdr_strtab.get_at(sh.sh_name));
        black_box(sh.sh_offset);
        black_box(sh.sh_size);
        n += 1;
    }
    n
}
fn elf_sections(data: &[u8]) -> usize {
    let f = ElfBytes::minimal_parse(data).unwrap();
    let (shdrs, strtab) = f.section_headers_with_strtab().unwrap();
    let (Some(shdrs), Some(strtab)) = (shdrs, strtab) else {
        return 0;
    };
    let mut n = 0;
    for sh in shdrs.iter() {
        black_box(strtab.get_raw(sh.sh_name as usize).ok());
        black_box(sh.sh_offset);
        black_box(sh.sh_size);
        n += 1;
    }
    n
}

// --- symbols (.symtab if present, plus .dynsym)

fn elfin_symbols(data: &[u8]) -> usize {
    let f = elfin::ElfFile::parse(data).unwrap();
    let mut n = 0;
    let mut walk = |st: &elfin::read::SymbolTable<'_>| {
        for s in st.iter() {
            black_box(st.name(&s).ok());
            black_box(s.st_value);
            black_box(s.st_size);
            n += 1;
        }
    };
    if let Some(st) = f.symbol_table().unwrap() {
        walk(&st);
    }
    if let Some(ds) = f.dynamic_symbols().unwrap() {
        walk(ds.symbols());
    }
    n
}
fn object_symbols(data: &[u8]) -> usize {
    use obj::*;
    let o = obj::open(data);
    let e = o.endian;
    let mut n = 0;
    for kind in [object::elf::SHT_SYMTAB, object::elf::SHT_DYNSYM] {
        let st = o.sections.symbols(e, o.data, kind).unwrap();
        for s in st.iter() {
            black_box(st.symbol_name(e, s).ok());
            black_box(s.st_value(e));
            black_box(s.st_size(e));
            n += 1;
        }
    }
    n
}
fn goblin_symbols(data: &[u8]) -> usize {
    let g = goblin::elf::Elf::parse(data).unwrap();
    let mut n = 0;
    for (syms, strs) in [(&g.syms, &g.strtab), (&g.dynsyms, &g.dynstrtab)] {
        for s in syms.iter() {
            black_box(strs.get_at(s.st_name));
            black_box(s.st_value);
            black_box(s.st_size);
            n += 1;
        }
    }
    n
}
fn elf_symbols(data: &[u8]) -> usize {
    let f = ElfBytes::minimal_parse(data).unwrap();
    let mut n = 0;
    for t in [f.symbol_table().unwrap(), f.dynamic_symbol_table().unwrap()]
        .into_iter()
        .flatten()
    {
        let (st, strs) = t;
        for s in st.iter() {
            black_box(strs.get_raw(s.st_name as usize).ok());
            black_box(s.st_value);
            black_box(s.st_size);
            n += 1;
        }
    }
    n
}

// --- relocations: find every REL/RELA section and the symbol table it
// links to, then decode every entry.

fn elfin_relocs(data: &[u8]) -> usize {
    use elfin::raw::consts::{SHT_REL, SHT_RELA};
    let f = elfin::ElfFile::parse(data).unwrap();
    let mut n = 0;
    for s in f.sections() {
        let t = s.header().sh_type;
        if t != SHT_REL && t != SHT_RELA {
            continue;
        }
        let Some(table) = f.relocation_table(&s).unwrap() else {
            continue;
        };
        let link = s.header().sh_link;
        if link != 0 {
            black_box(
                f.symbol_table_of(&f.section(link as usize).unwrap())
                    .unwrap(),
            );
        }
        for r in table.as_fixed().unwrap().iter() {
            black_box(r.offset);
            black_box(r.symbol);
            black_box(r.kind);
            black_box(r.addend);
            n += 1;
        }
    }
    n
}
fn object_relocs(data: &[u8]) -> usize {
    use obj::*;
    let o = obj::open(data);
    let e = o.endian;
    let mips64el = o.header.is_mips64el(e);
    let mut n = 0;
    for sh in o.sections.iter() {
        if let Some((rels, link)) = sh.rel(e, o.data).unwrap() {
            black_box(o.sections.symbol_table_by_index(e, o.data, link).unwrap());
            for r in rels {
                black_box(r.r_offset(e));
                black_box(r.r_sym(e));
                black_box(r.r_type(e));
                n += 1;
            }
        }
        if let Some((relas, link)) = sh.rela(e, o.data).unwrap() {
            black_box(o.sections.symbol_table_by_index(e, o.data, link).unwrap());
            for r in relas {
                black_box(r.r_offset(e));
                black_box(r.r_sym(e, mips64el));
                black_box(r.r_type(e, mips64el));
                black_box(r.r_addend(e));
                n += 1;
            }
        }
    }
    n
}
/// goblin's eager parse finds the relocation sections and both symbol
/// tables itself.
fn goblin_relocs(data: &[u8]) -> usize {
    let g = goblin::elf::Elf::parse(data).unwrap();
    let mut n = 0;
    for (_, rs) in &g.shdr_relocs {
        for r in rs.iter() {
            black_box(r.r_offset);
            black_box(r.r_sym);
            black_box(r.r_type);
            black_box(r.r_addend);
            n += 1;
        }
    }
    n
}
fn elf_relocs(data: &[u8]) -> usize {
    use elf::abi::{SHT_DYNSYM, SHT_REL, SHT_RELA};
    let f = ElfBytes::minimal_parse(data).unwrap();
    let Some(shdrs) = f.section_headers() else {
        return 0;
    };
    // elf finds a symbol table by its type, not by index.
    let symbols_of = |link: u32| {
        let linked = shdrs.get(link as usize).unwrap();
        if linked.sh_type == SHT_DYNSYM {
            black_box(f.dynamic_symbol_table().unwrap());
        } else {
            black_box(f.symbol_table().unwrap());
        }
    };
    let mut n = 0;
    for sh in shdrs.iter() {
        match sh.sh_type {
            SHT_REL => {
                symbols_of(sh.sh_link);
                for r in f.section_data_as_rels(&sh).unwrap() {
                    black_box(r.r_offset);
                    black_box(r.r_sym);
                    black_box(r.r_type);
                    n += 1;
                }
            }
            SHT_RELA => {
                symbols_of(sh.sh_link);
                for r in f.section_data_as_relas(&sh).unwrap() {
                    black_box(r.r_offset);
                    black_box(r.r_sym);
                    black_box(r.r_type);
                    black_box(r.r_addend);
                    n += 1;
                }
            }
            _ => {}
        }
    }
    n
}

// --- lookups: open, find the hash table, symbols and versions, then look
// up the 1000 names.

fn elfin_lookup(data: &[u8], names: &[LookupName]) -> usize {
    let f = elfin::ElfFile::parse(data).unwrap();
    let d = f.dynamic_symbols().unwrap().unwrap();
    names
        .iter()
        .filter(|n| black_box(d.lookup(&n.name).unwrap()).is_some())
        .count()
}
fn elfin_lookup_any_version(data: &[u8], names: &[LookupName]) -> usize {
    let f = elfin::ElfFile::parse(data).unwrap();
    let d = f.dynamic_symbols().unwrap().unwrap();
    names
        .iter()
        .filter(|n| black_box(d.lookup_any_version(&n.name).unwrap()).is_some())
        .count()
}
fn elfin_lookup_exact_version(data: &[u8], names: &[LookupName]) -> usize {
    let f = elfin::ElfFile::parse(data).unwrap();
    let d = f.dynamic_symbols().unwrap().unwrap();
    names
        .iter()
        .filter(|n| match &n.version {
            Some(v) => black_box(d.lookup_versioned(&n.name, v).unwrap()).is_some(),
            None => black_box(d.lookup(&n.name).unwrap()).is_some(),
        })
        .count()
}
fn elfin_lookup_linear(data: &[u8], names: &[LookupName]) -> usize {
    let f = elfin::ElfFile::parse(data).unwrap();
    let d = f.dynamic_symbols().unwrap().unwrap();
    let st = d.symbols();
    names
        .iter()
        .filter(|n| black_box(st.find_by_name(&n.name)).is_some())
        .count()
}
fn object_lookup(data: &[u8], names: &[LookupName]) -> usize {
    let o = obj::open(data);
    let e = o.endian;
    let (hash, link) = o.sections.gnu_hash(e, o.data).unwrap().unwrap();
    let symbols = o.sections.symbol_table_by_index(e, o.data, link).unwrap();
    let versions = o.sections.versions(e, o.data).unwrap().unwrap_or_default();
    names
        .iter()
        .filter(|n| {
            let h = object::elf::gnu_hash(&n.name);
            black_box(hash.find(e, &n.name, h, None, &symbols, &versions)).is_some()
        })
        .count()
}
/// goblin's `GnuHash` wants the dynamic symbols as a slice of its native
/// `Sym`, so they are collected into a `Vec` first, as its users must.
fn goblin_lookup(data: &[u8], names: &[LookupName]) -> usize {
    use goblin::elf::section_header::SHT_GNU_HASH;
    let g = goblin::elf::Elf::parse(data).unwrap();
    let dynsyms = g.dynsyms.to_vec();
    let s = g
        .section_headers
        .iter()
        .find(|s| s.sh_type == SHT_GNU_HASH)
        .unwrap();
    let hash = &data[s.sh_offset as usize..(s.sh_offset + s.sh_size) as usize];
    // SAFETY: `from_raw_table` checks the alignment and the sizes of the
    // table against `dynsyms` itself.
    let hash = unsafe { goblin::elf64::gnu_hash::GnuHash::from_raw_table(hash, &dynsyms) }.unwrap();
    names
        .iter()
        .filter(|n| black_box(hash.find(&n.text, &g.dynstrtab)).is_some())
        .count()
}
fn elf_lookup(data: &[u8], names: &[LookupName]) -> usize {
    let f = ElfBytes::minimal_parse(data).unwrap();
    let c = f.find_common_data().unwrap();
    let (h, st, strs) = (
        c.gnu_hash.unwrap(),
        c.dynsyms.unwrap(),
        c.dynsyms_strs.unwrap(),
    );
    names
        .iter()
        .filter(|n| black_box(h.find(&n.name, &st, &strs).unwrap()).is_some())
        .count()
}

// ---------------------------------------------------------------------------
// Bookkeeping: what ran, its allocation count and item count.

const CRATES: [&str; 4] = ["elfin", "object", "goblin", "elf"];
const ROWS: [&str; 5] = ["open", "sections", "symbols", "lookup", "relocs"];
/// The lookup row's elfin variants beside the default lookup.
const LOOKUP_EXTRAS: [&str; 3] = ["elfin_any_version", "elfin_exact_version", "elfin_linear"];
const LOOKUP_EXTRA_NAMES: [&str; 3] = [
    "`lookup_any_version`",
    "`lookup_versioned` (each name's own version)",
    "linear scan (`find_by_name`)",
];

#[derive(Default)]
struct Book {
    /// (row, file, function) -> (allocations, items)
    runs: BTreeMap<(String, String, String), (usize, usize)>,
    files: Vec<&'static str>,
    /// `ELFIN_BENCH_RUN=row/file/func` with `ELFIN_BENCH_ITERS=n`: run that
    /// operation n times and nothing else (for `valgrind --tool=callgrind`).
    count_mode: Option<(String, usize)>,
    /// `ELFIN_BENCH_CHECK=1`: only the allocation and item counts, no timing.
    check_only: bool,
}

impl Book {
    /// Counts the allocations of one run of `f`, records them, and
    /// registers `f` with criterion.
    fn bench<F: FnMut() -> usize>(
        &mut self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        row: &str,
        file: &str,
        func: &str,
        mut f: F,
    ) {
        if let Some((only, iters)) = &self.count_mode {
            // Instruction counting (callgrind): run only the one operation.
            if *only == format!("{row}/{file}/{func}") {
                for _ in 0..*iters {
                    black_box(f());
                }
            }
            return;
        }
        let (allocs, items) = count_allocations(&mut f);
        self.runs.insert(
            (row.to_owned(), file.to_owned(), func.to_owned()),
            (allocs, items),
        );
        if !self.check_only {
            group.bench_function(func, move |b| b.iter(&mut f));
        }
    }

    fn check_items(&self) {
        for row in ROWS {
            for file in &self.files {
                let counts: Vec<(String, usize)> = self
                    .runs
                    .iter()
                    .filter(|((r, f, func), _)| {
                        r == row && f == file && CRATES.contains(&func.as_str())
                    })
                    .map(|((_, _, func), (_, items))| (func.clone(), *items))
                    .collect();
                if counts.windows(2).any(|w| w[0].1 != w[1].1) {
                    eprintln!("WARNING: {row}/{file}: crates visited different counts: {counts:?}");
                }
            }
        }
    }

    fn alloc_table(&self) -> String {
        let mut s = String::new();
        s.push_str("| row | crate |");
        for f in &self.files {
            s.push_str(&format!(" {f} |"));
        }
        s.push_str("\n|---|---|");
        for _ in &self.files {
            s.push_str("---:|");
        }
        s.push('\n');
        for row in ROWS {
            let mut funcs: Vec<&str> = CRATES.to_vec();
            if row == "open" {
                funcs.push("object_ElfFile");
            }
            if row == "lookup" {
                funcs.extend(LOOKUP_EXTRAS);
            }
            for func in funcs {
                let cells: Vec<String> = self
                    .files
                    .iter()
                    .map(|file| {
                        self.runs
                            .get(&(row.to_owned(), (*file).to_owned(), func.to_owned()))
                            .map_or("–".to_owned(), |(a, _)| a.to_string())
                    })
                    .collect();
                if cells.iter().all(|c| c == "–") {
                    continue;
                }
                s.push_str(&format!("| {row} | {func} |"));
                for c in cells {
                    s.push_str(&format!(" {c} |"));
                }
                s.push('\n');
            }
        }
        s
    }

    fn items_table(&self) -> String {
        let mut s = String::from("| row |");
        for f in &self.files {
            s.push_str(&format!(" {f} |"));
        }
        s.push_str("\n|---|");
        for _ in &self.files {
            s.push_str("---:|");
        }
        s.push('\n');
        for row in ROWS {
            s.push_str(&format!("| {row} |"));
            for file in &self.files {
                let n = self
                    .runs
                    .get(&(row.to_owned(), (*file).to_owned(), "elfin".to_owned()))
                    .map_or(0, |(_, n)| *n);
                s.push_str(&format!(" {n} |"));
            }
            s.push('\n');
        }
        s
    }
}

fn elfin_allocations_ok(book: &Book) -> bool {
    let bad: Vec<_> = book
        .runs
        .iter()
        .filter(|((_, _, func), (a, _))| func.starts_with("elfin") && *a != 0)
        .collect();
    for ((row, file, func), (a, _)) in &bad {
        eprintln!("ALLOCATION: {func} allocated {a} times in {row}/{file}");
    }
    bad.is_empty()
}

// ---------------------------------------------------------------------------
// Reading criterion's results back.

fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    // <target>/<profile>/deps/read-<hash>
    std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("target"))
}

fn median_ns(dir: &Path, group: &str, func: &str) -> Option<f64> {
    let path = dir
        .join(group.replace('/', "_"))
        .join(func)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// The fastest sample (time per iteration), which is what a loaded,
/// shared machine disturbs least.
fn fastest_ns(dir: &Path, group: &str, func: &str) -> Option<f64> {
    let path = dir
        .join(group.replace('/', "_"))
        .join(func)
        .join("new")
        .join("sample.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let iters = v["iters"].as_array()?;
    let times = v["times"].as_array()?;
    iters
        .iter()
        .zip(times)
        .filter_map(|(i, t)| Some(t.as_f64()? / i.as_f64()?))
        .min_by(f64::total_cmp)
}

fn fmt_time(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn time_table(book: &Book, dir: &Path, stat: fn(&Path, &str, &str) -> Option<f64>) -> String {
    let mut s = String::from(
        "| row | file | elfin | object | goblin | elf | elfin / object |\n|---|---|---:|---:|---:|---:|---:|\n",
    );
    let mut extra = String::new();
    for row in ROWS {
        for file in &book.files {
            let group = format!("{row}/{file}");
            let t: Vec<Option<f64>> = CRATES.iter().map(|c| stat(dir, &group, c)).collect();
            if t.iter().all(Option::is_none) {
                continue;
            }
            s.push_str(&format!("| {row} | {file} |"));
            for x in &t {
                s.push_str(&format!(" {} |", x.map_or("–".into(), fmt_time)));
            }
            match (t[0], t[1]) {
                (Some(a), Some(b)) => s.push_str(&format!(" {:.2}× |\n", a / b)),
                _ => s.push_str(" – |\n"),
            }
            if row == "open" {
                if let Some(x) = stat(dir, &group, "object_ElfFile") {
                    extra.push_str(&format!(
                        "- open/{file}: object's high-level `ElfFile64::parse`: {}\n",
                        fmt_time(x)
                    ));
                }
            }
            if row == "lookup" {
                for (func, what) in LOOKUP_EXTRAS.iter().zip(LOOKUP_EXTRA_NAMES) {
                    if let (Some(x), Some(h), Some(o)) = (stat(dir, &group, func), t[0], t[1]) {
                        extra.push_str(&format!(
                            "- lookup/{file}: elfin {what} of the same {LOOKUPS} names: {} = {:.2}× elfin's default lookup, {:.2}× object\n",
                            fmt_time(x),
                            x / h,
                            x / o
                        ));
                    }
                }
            }
        }
    }
    if !extra.is_empty() {
        s.push('\n');
        s.push_str(&extra);
    }
    s
}

// ---------------------------------------------------------------------------

fn configure(group: &mut BenchmarkGroup<'_, WallTime>, big: bool) {
    group.warm_up_time(Duration::from_millis(1000));
    if big {
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(5))
            .sampling_mode(SamplingMode::Flat);
    } else {
        group
            .sample_size(50)
            .measurement_time(Duration::from_secs(2));
    }
}

fn main() {
    let inputs = inputs();
    let dir = target_dir().join("criterion");
    let mut c = Criterion::default()
        .output_directory(&dir)
        .configure_from_args();
    let mut book = Book {
        count_mode: std::env::var("ELFIN_BENCH_RUN").ok().map(|only| {
            let iters = std::env::var("ELFIN_BENCH_ITERS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            (only, iters)
        }),
        check_only: std::env::var_os("ELFIN_BENCH_CHECK").is_some(),
        ..Book::default()
    };

    type Op = fn(&[u8]) -> usize;
    let rows: [(&str, [Op; 4]); 4] = [
        ("open", [elfin_open, object_open, goblin_open, elf_open]),
        (
            "sections",
            [
                elfin_sections,
                object_sections,
                goblin_sections,
                elf_sections,
            ],
        ),
        (
            "symbols",
            [elfin_symbols, object_symbols, goblin_symbols, elf_symbols],
        ),
        (
            "relocs",
            [elfin_relocs, object_relocs, goblin_relocs, elf_relocs],
        ),
    ];
    type LookupOp = fn(&[u8], &[LookupName]) -> usize;
    let lookups: [(&str, LookupOp); 7] = [
        ("elfin", elfin_lookup),
        ("object", object_lookup),
        ("goblin", goblin_lookup),
        ("elf", elf_lookup),
        ("elfin_any_version", elfin_lookup_any_version),
        ("elfin_exact_version", elfin_lookup_exact_version),
        ("elfin_linear", elfin_lookup_linear),
    ];

    for input in &inputs {
        let data: &[u8] = &input.data;
        let file = input.label;
        book.files.push(file);
        eprintln!(
            "file {file}: {} ({} bytes)",
            input.path.display(),
            data.len()
        );
        for (row, ops) in &rows {
            let mut g = c.benchmark_group(format!("{row}/{file}"));
            configure(&mut g, input.big);
            for (func, op) in CRATES.iter().zip(ops) {
                book.bench(&mut g, row, file, func, || op(black_box(data)));
            }
            if *row == "open" {
                book.bench(&mut g, row, file, "object_ElfFile", || {
                    object_file_open(black_box(data))
                });
            }
            g.finish();
        }

        let names = lookup_names(data);
        if names.is_empty() {
            eprintln!("note: {file} has no defined dynamic symbols; no lookup row");
            continue;
        }
        let mut g = c.benchmark_group(format!("lookup/{file}"));
        configure(&mut g, input.big);
        for (func, op) in lookups {
            let names = &names;
            book.bench(&mut g, "lookup", file, func, || op(black_box(data), names));
        }
        g.finish();
    }
    if book.count_mode.is_some() {
        return;
    }

    if book.check_only {
        book.check_items();
        let ok = elfin_allocations_ok(&book);
        println!(
            "{}\n{}\nallocation-free: {ok}",
            book.alloc_table(),
            book.items_table()
        );
        return;
    }
    c.final_summary();

    book.check_items();
    let ok = elfin_allocations_ok(&book);
    let mut out = String::new();
    out.push_str("## Median times\n\n");
    out.push_str(&time_table(&book, &dir, median_ns));
    out.push_str("\n## Fastest sample (time per iteration)\n\n");
    out.push_str(&time_table(&book, &dir, fastest_ns));
    out.push_str("\n## Heap allocations (one run of each timed operation)\n\n");
    out.push_str(&book.alloc_table());
    out.push_str("\n## Items visited (the same for every crate)\n\n");
    out.push_str(&book.items_table());
    out.push_str(if ok {
        "\nelfin made no heap allocation on any row.\n"
    } else {
        "\nelfin ALLOCATED on some rows (see above).\n"
    });
    println!("\n{out}");
    let summary = dir.join("elfin-read-summary.md");
    if std::fs::create_dir_all(&dir).is_ok() && std::fs::write(&summary, &out).is_ok() {
        eprintln!("summary written to {}", summary.display());
    }
}
