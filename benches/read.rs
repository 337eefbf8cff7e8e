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
    /// Short label used in group names ("ls", "libc", "rustc_driver").
    label: &'static str,
    path: PathBuf,
    data: Vec<u8>,
    big: bool,
}

fn largest_rustc_driver() -> Option<PathBuf> {
    let home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".rustup")))?;
    let mut best: Option<(u64, PathBuf)> = None;
    for tc in std::fs::read_dir(home.join("toolchains")).ok()?.flatten() {
        let Ok(libs) = std::fs::read_dir(tc.path().join("lib")) else {
            continue;
        };
        for f in libs.flatten() {
            let name = f.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("librustc_driver-") && name.ends_with(".so") {
                let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                if best.as_ref().is_none_or(|(l, _)| len > *l) {
                    best = Some((len, f.path()));
                }
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
    match largest_rustc_driver() {
        Some(p) => add("rustc_driver", p, true),
        None => eprintln!(
            "note: no librustc_driver-*.so under ~/.rustup/toolchains; skipping the large file"
        ),
    }
    out
}

// ---------------------------------------------------------------------------
// Lookup names: every k-th defined dynamic symbol (default version), cycled
// up to 1000 names.

const LOOKUPS: usize = 1000;

fn lookup_names(data: &[u8]) -> Vec<Vec<u8>> {
    let file = elfin::ElfFile::parse(data).unwrap();
    let Some(ds) = file.dynamic_symbols().unwrap() else {
        return Vec::new();
    };
    let st = ds.symbols();
    let versions = ds.versions();
    // Defined symbols with a default (not hidden) version, so that every
    // crate finds every name whether or not its lookup looks at versions.
    let defined: Vec<&[u8]> = st
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_undefined())
        .filter(|(i, _)| {
            versions
                .versym(*i)
                .is_none_or(|v| v & elfin::raw::consts::VERSYM_HIDDEN == 0)
        })
        .filter_map(|(_, s)| st.name(&s).ok())
        .filter(|n| !n.is_empty())
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
        .map(|n| n.to_vec())
        .collect()
}

// ---------------------------------------------------------------------------
// The crates' "opened file" handles.

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
// Operations. Each returns the number of items it visited (or found), which
// is checked to be the same for every crate.

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

fn elfin_sections(f: &elfin::ElfFile<'_>) -> usize {
    let mut n = 0;
    for s in f.sections() {
        black_box(s.name().ok());
        black_box(s.header().sh_offset);
        black_box(s.header().sh_size);
        n += 1;
    }
    n
}
fn object_sections(o: &obj::Opened<'_>) -> usize {
    use obj::*;
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
fn goblin_sections(g: &goblin::elf::Elf<'_>) -> usize {
    let mut n = 0;
    for sh in &g.section_headers {
        black_box(g.shdr_strtab.get_at(sh.sh_name));
        black_box(sh.sh_offset);
        black_box(sh.sh_size);
        n += 1;
    }
    n
}
fn elf_sections(f: &ElfBytes<'_>) -> usize {
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

fn elfin_symbols(f: &elfin::ElfFile<'_>) -> usize {
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
fn object_symbols(o: &obj::Opened<'_>) -> usize {
    use obj::*;
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
fn goblin_symbols(g: &goblin::elf::Elf<'_>) -> usize {
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
fn elf_symbols(f: &ElfBytes<'_>) -> usize {
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

// --- relocations (every REL and RELA section)

fn elfin_relocs(f: &elfin::ElfFile<'_>) -> usize {
    use elfin::raw::consts::{SHT_REL, SHT_RELA};
    let mut n = 0;
    for s in f.sections() {
        let t = s.header().sh_type;
        if t != SHT_REL && t != SHT_RELA {
            continue;
        }
        if let Some(elfin::read::RelocationTable::Fixed(rt)) = f.relocation_table(&s).unwrap() {
            for r in rt.iter() {
                black_box(r.offset);
                black_box(r.symbol);
                black_box(r.kind);
                black_box(r.addend);
                n += 1;
            }
        }
    }
    n
}
fn object_relocs(o: &obj::Opened<'_>) -> usize {
    use obj::*;
    let e = o.endian;
    let mips64el = o.header.is_mips64el(e);
    let mut n = 0;
    for sh in o.sections.iter() {
        if let Some((rels, _)) = sh.rel(e, o.data).unwrap() {
            for r in rels {
                black_box(r.r_offset(e));
                black_box(r.r_sym(e));
                black_box(r.r_type(e));
                n += 1;
            }
        }
        if let Some((relas, _)) = sh.rela(e, o.data).unwrap() {
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
fn goblin_relocs(g: &goblin::elf::Elf<'_>) -> usize {
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
fn elf_relocs(f: &ElfBytes<'_>) -> usize {
    use elf::abi::{SHT_REL, SHT_RELA};
    let Some(shdrs) = f.section_headers() else {
        return 0;
    };
    let mut n = 0;
    for sh in shdrs.iter() {
        match sh.sh_type {
            SHT_REL => {
                for r in f.section_data_as_rels(&sh).unwrap() {
                    black_box(r.r_offset);
                    black_box(r.r_sym);
                    black_box(r.r_type);
                    n += 1;
                }
            }
            SHT_RELA => {
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

// --- lookups: prepared tables, then the timed loop over the names

struct ObjectLookup<'a> {
    endian: obj::Endianness,
    hash: object::read::elf::GnuHashTable<'a, obj::Hdr>,
    symbols: object::read::elf::SymbolTable<'a, obj::Hdr, &'a [u8]>,
    versions: object::read::elf::VersionTable<'a, obj::Hdr>,
}

fn object_lookup_setup<'a>(o: &obj::Opened<'a>) -> Option<ObjectLookup<'a>> {
    let e = o.endian;
    let (hash, link) = o.sections.gnu_hash(e, o.data).unwrap()?;
    let symbols = o.sections.symbol_table_by_index(e, o.data, link).unwrap();
    let versions = o.sections.versions(e, o.data).unwrap().unwrap_or_default();
    Some(ObjectLookup {
        endian: e,
        hash,
        symbols,
        versions,
    })
}

struct GoblinLookup<'a> {
    hash: goblin::elf64::gnu_hash::GnuHash<'a>,
}

/// goblin's `GnuHash` wants the dynamic symbols as a slice of its native
/// `Sym`, so they are collected into a `Vec` first (setup, not timed).
fn goblin_lookup_setup<'a>(
    g: &goblin::elf::Elf<'a>,
    data: &'a [u8],
    dynsyms: &'a [goblin::elf::Sym],
) -> Option<GoblinLookup<'a>> {
    use goblin::elf::section_header::SHT_GNU_HASH;
    let s = g
        .section_headers
        .iter()
        .find(|s| s.sh_type == SHT_GNU_HASH)?;
    let hash = &data[s.sh_offset as usize..(s.sh_offset + s.sh_size) as usize];
    // SAFETY: `from_raw_table` checks the alignment and the sizes of the
    // table against `dynsyms` itself.
    let hash = unsafe { goblin::elf64::gnu_hash::GnuHash::from_raw_table(hash, dynsyms) }.ok()?;
    Some(GoblinLookup { hash })
}

type ElfLookup<'a> = (
    elf::hash::GnuHashTable<'a, elf::endian::AnyEndian>,
    elf::symbol::SymbolTable<'a, elf::endian::AnyEndian>,
    elf::string_table::StringTable<'a>,
);

fn elf_lookup_setup<'a>(f: &ElfBytes<'a>) -> Option<ElfLookup<'a>> {
    let c = f.find_common_data().unwrap();
    Some((c.gnu_hash?, c.dynsyms?, c.dynsyms_strs?))
}

// ---------------------------------------------------------------------------
// Bookkeeping: what ran, its allocation count and item count.

const CRATES: [&str; 4] = ["elfin", "object", "goblin", "elf"];
const ROWS: [&str; 5] = ["open", "sections", "symbols", "lookup", "relocs"];

#[derive(Default)]
struct Book {
    /// (row, file, function) -> (allocations, items)
    runs: BTreeMap<(String, String, String), (usize, usize)>,
    files: Vec<&'static str>,
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
        let (allocs, items) = count_allocations(&mut f);
        self.runs.insert(
            (row.to_owned(), file.to_owned(), func.to_owned()),
            (allocs, items),
        );
        group.bench_function(func, move |b| b.iter(&mut f));
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
                funcs.push("elfin_linear");
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
                if let (Some(lin), Some(h)) = (stat(dir, &group, "elfin_linear"), t[0]) {
                    extra.push_str(&format!(
                        "- lookup/{file}: elfin linear scan (`find_by_name`) of the same {LOOKUPS} names: {} = {:.0}× elfin's hash lookup\n",
                        fmt_time(lin),
                        lin / h
                    ));
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
    let mut book = Book::default();

    for input in &inputs {
        let data: &[u8] = &input.data;
        let file = input.label;
        book.files.push(file);
        eprintln!(
            "file {file}: {} ({} bytes)",
            input.path.display(),
            data.len()
        );

        // The opened handles for the rows after `open`.
        let (a, e_file) = count_allocations(|| elfin::ElfFile::parse(data).unwrap());
        assert_eq!(a, 0, "elfin::ElfFile::parse allocated");
        let o_file = obj::open(data);
        let g_file = goblin::elf::Elf::parse(data).unwrap();
        let b_file = ElfBytes::minimal_parse(data).unwrap();

        // 1. open
        let mut g = c.benchmark_group(format!("open/{file}"));
        configure(&mut g, input.big);
        book.bench(&mut g, "open", file, "elfin", || {
            elfin_open(black_box(data))
        });
        book.bench(&mut g, "open", file, "object", || {
            object_open(black_box(data))
        });
        book.bench(&mut g, "open", file, "goblin", || {
            goblin_open(black_box(data))
        });
        book.bench(&mut g, "open", file, "elf", || elf_open(black_box(data)));
        book.bench(&mut g, "open", file, "object_ElfFile", || {
            object_file_open(black_box(data))
        });
        g.finish();

        // 2. sections with names
        let mut g = c.benchmark_group(format!("sections/{file}"));
        configure(&mut g, input.big);
        book.bench(&mut g, "sections", file, "elfin", || {
            elfin_sections(black_box(&e_file))
        });
        book.bench(&mut g, "sections", file, "object", || {
            object_sections(black_box(&o_file))
        });
        book.bench(&mut g, "sections", file, "goblin", || {
            goblin_sections(black_box(&g_file))
        });
        book.bench(&mut g, "sections", file, "elf", || {
            elf_sections(black_box(&b_file))
        });
        g.finish();

        // 3. symbols with names
        let mut g = c.benchmark_group(format!("symbols/{file}"));
        configure(&mut g, input.big);
        book.bench(&mut g, "symbols", file, "elfin", || {
            elfin_symbols(black_box(&e_file))
        });
        book.bench(&mut g, "symbols", file, "object", || {
            object_symbols(black_box(&o_file))
        });
        book.bench(&mut g, "symbols", file, "goblin", || {
            goblin_symbols(black_box(&g_file))
        });
        book.bench(&mut g, "symbols", file, "elf", || {
            elf_symbols(black_box(&b_file))
        });
        g.finish();

        // 4. 1000 lookups by name
        let names = lookup_names(data);
        let str_names: Vec<String> = names
            .iter()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        if names.is_empty() {
            eprintln!("note: {file} has no defined dynamic symbols; no lookup row");
        } else {
            let (a, e_dyn) = count_allocations(|| e_file.dynamic_symbols().unwrap().unwrap());
            assert_eq!(a, 0, "elfin::ElfFile::dynamic_symbols allocated");
            let o_look = object_lookup_setup(&o_file);
            let g_dynsyms = g_file.dynsyms.to_vec();
            let g_look = goblin_lookup_setup(&g_file, data, &g_dynsyms);
            let b_look = elf_lookup_setup(&b_file);

            let mut g = c.benchmark_group(format!("lookup/{file}"));
            configure(&mut g, input.big);
            book.bench(&mut g, "lookup", file, "elfin", || {
                let d = black_box(&e_dyn);
                names
                    .iter()
                    .filter(|n| black_box(d.lookup(n).unwrap()).is_some())
                    .count()
            });
            if let Some(ol) = &o_look {
                book.bench(&mut g, "lookup", file, "object", || {
                    let l = black_box(ol);
                    names
                        .iter()
                        .filter(|n| {
                            black_box(l.hash.find(
                                l.endian,
                                n,
                                object::elf::gnu_hash(n),
                                None,
                                &l.symbols,
                                &l.versions,
                            ))
                            .is_some()
                        })
                        .count()
                });
            }
            if let Some(gl) = &g_look {
                book.bench(&mut g, "lookup", file, "goblin", || {
                    let l = black_box(gl);
                    str_names
                        .iter()
                        .filter(|n| black_box(l.hash.find(n, &g_file.dynstrtab)).is_some())
                        .count()
                });
            }
            if let Some(bl) = &b_look {
                book.bench(&mut g, "lookup", file, "elf", || {
                    let (h, st, strs) = black_box(bl);
                    names
                        .iter()
                        .filter(|n| black_box(h.find(n, st, strs).unwrap()).is_some())
                        .count()
                });
            }
            book.bench(&mut g, "lookup", file, "elfin_linear", || {
                let st = black_box(e_dyn.symbols());
                names
                    .iter()
                    .filter(|n| black_box(st.find_by_name(n)).is_some())
                    .count()
            });
            g.finish();
        }

        // 5. relocations
        let mut g = c.benchmark_group(format!("relocs/{file}"));
        configure(&mut g, input.big);
        book.bench(&mut g, "relocs", file, "elfin", || {
            elfin_relocs(black_box(&e_file))
        });
        book.bench(&mut g, "relocs", file, "object", || {
            object_relocs(black_box(&o_file))
        });
        book.bench(&mut g, "relocs", file, "goblin", || {
            goblin_relocs(black_box(&g_file))
        });
        book.bench(&mut g, "relocs", file, "elf", || {
            elf_relocs(black_box(&b_file))
        });
        g.finish();
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
