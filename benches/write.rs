//! elfin's writers side by side with `object`'s, in one run:
//!
//! ```text
//! cargo bench --bench write
//! ```
//!
//! 1. `rel`: a relocatable x86-64 object with 1000 sections of 4 KiB,
//!    100,000 function symbols (100 per section) and one
//!    `R_X86_64_PLT32` relocation per 100 symbols (one per section, so 1000
//!    `.rela` sections), built and written by `elfin::write::Builder` and by
//!    `object::write::elf::Writer` (the low-level reserve/write API), once
//!    per name set (`write/names.rs`: synthetic distinct names, the
//!    `.symtab` names of `librustc_driver` and of `libLLVM`, and worst
//!    cases for a tail-merging string table). A name given more than once
//!    is a local symbol, the rest are global. The names (symbol names,
//!    section names, and for object the `.rela` names) and the section
//!    contents are made beforehand; the timing covers building (adding
//!    everything, string tables included) and writing the file into a
//!    `Vec`. Before timing, both outputs are parsed back and checked to hold
//!    the same sections, symbols and relocations, and their `.strtab`
//!    sizes are reported.
//! 2. `rewrite`: the no-op rewrite of the largest `librustc_driver-*.so`
//!    under `~/.rustup/toolchains` — elfin's `Rewriter` (parse + plan +
//!    write) against `object::build::elf::Builder::read` + `write`, and a
//!    plain copy of the file into a fresh `Vec` (`to_vec`). If object's
//!    builder rejects that file, its error is shown and the same three are
//!    also run on the largest `libLLVM` shared library.
//! 3. Peak heap: a tracking global allocator (live bytes and their peak).
//!    Each case is run once outside criterion with tracking on, and its peak
//!    live heap above what was live before is printed beside the output size
//!    and the symbol count.
//!
//! `WRITE_BENCH_SETS=rustc_driver,equal` limits case 1 to those name sets
//! and skips case 2; `WRITE_BENCH_RUN` (see `count_mode`) runs one writer
//! without criterion, for instruction counts.
//!
//! After criterion runs, the medians are read back from criterion's
//! `estimates.json` files and printed as a Markdown table (also written to
//! `<target>/criterion/elfin-write-summary.md`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, SamplingMode};
use elfin::raw::consts::*;

#[path = "write/names.rs"]
mod names;
use names::{largest_in, mix, toolchain_lib_dirs};

// ---------------------------------------------------------------------------
// Peak-tracking allocator. Tracking is switched on only around the single
// runs that measure the peak, so the timed runs pay one relaxed load per
// allocation.

struct Tracking;

static TRACK: AtomicBool = AtomicBool::new(false);
static CURRENT: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grow(n: usize) {
    if TRACK.load(Ordering::Relaxed) {
        let now = CURRENT.fetch_add(n as isize, Ordering::Relaxed) + n as isize;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

fn shrink(n: usize) {
    if TRACK.load(Ordering::Relaxed) {
        CURRENT.fetch_sub(n as isize, Ordering::Relaxed);
    }
}

// SAFETY: forwards every call to `System` unchanged; only counts bytes.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // The peak counts the new block before the old one goes, as a
            // moving realloc holds both for a moment.
            grow(new_size);
            shrink(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Tracking = Tracking;

/// Runs `f` once; returns the peak of live heap bytes above what was live
/// when it started (what `f` returns is still live at its end, so it counts).
fn peak_heap<R>(f: impl FnOnce() -> R) -> (usize, R) {
    CURRENT.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    TRACK.store(true, Ordering::SeqCst);
    let r = f();
    TRACK.store(false, Ordering::SeqCst);
    (PEAK.load(Ordering::SeqCst).max(0) as usize, r)
}

// ---------------------------------------------------------------------------
// Case 1: a relocatable object.

const SECTIONS: usize = 1000;
const SECTION_SIZE: usize = 4096;
const SYMBOLS: usize = 100_000;
const SYMBOLS_PER_SECTION: usize = SYMBOLS / SECTIONS;
const FUNCTION_SIZE: usize = SECTION_SIZE / SYMBOLS_PER_SECTION; // 40
/// One relocation per this many symbols.
const SYMBOLS_PER_RELOCATION: usize = 100;
const RELOCATIONS: usize = SYMBOLS / SYMBOLS_PER_RELOCATION;

/// The prepared inputs: every name and every section's bytes.
struct RelInput {
    section_names: Vec<Vec<u8>>,
    /// `.rela` + the section's name (object's low-level writer takes the
    /// relocation section's name from the caller; elfin makes it).
    rela_names: Vec<Vec<u8>>,
    section_data: Vec<Vec<u8>>,
    symbol_names: Vec<Vec<u8>>,
    /// Whether symbol j is local: a name that occurs more than once (a real
    /// object's `.L.str`, `anon.*`) can only be defined locally.
    local: Vec<bool>,
    /// The symbols in `.symtab` order: the locals, then the globals, each
    /// in the order given.
    file_order: Vec<usize>,
    /// Symbol j's `.symtab` index.
    symtab_index: Vec<u32>,
    relocations: Vec<Reloc>,
}

#[derive(Clone, Copy)]
struct Reloc {
    section: usize,
    offset: u64,
    symbol: usize,
}

impl RelInput {
    fn new(symbol_names: Vec<Vec<u8>>) -> Self {
        assert_eq!(symbol_names.len(), SYMBOLS);
        let section_names: Vec<Vec<u8>> = (0..SECTIONS)
            .map(|i| format!(".text._ZN6module{i}4func17h{:016x}E", mix(i as u64)).into_bytes())
            .collect();
        let rela_names = section_names
            .iter()
            .map(|n| [&b".rela"[..], n].concat())
            .collect();
        let section_data = (0..SECTIONS)
            .map(|i| {
                // 100 "functions" of 40 bytes: a call (patched by the
                // relocation in the first one), then filler.
                let mut d = vec![0u8; SECTION_SIZE];
                for (k, b) in d.iter_mut().enumerate() {
                    *b = (mix((i * SECTION_SIZE + k) as u64) & 0xff) as u8;
                }
                for f in 0..SYMBOLS_PER_SECTION {
                    let at = f * FUNCTION_SIZE;
                    d[at..at + 5].copy_from_slice(&[0xe8, 0, 0, 0, 0]);
                    d[at + FUNCTION_SIZE - 1] = 0xc3;
                }
                d
            })
            .collect();
        // Relocation k: in section k, at the first call, to the first
        // function of the next section.
        let relocations = (0..RELOCATIONS)
            .map(|k| Reloc {
                section: k * SECTIONS / RELOCATIONS,
                offset: 1,
                symbol: (k * SYMBOLS_PER_RELOCATION + SYMBOLS_PER_SECTION) % SYMBOLS,
            })
            .collect();
        let local = {
            let mut seen: std::collections::HashMap<&[u8], usize> = Default::default();
            for n in &symbol_names {
                *seen.entry(&n[..]).or_default() += 1;
            }
            symbol_names
                .iter()
                .map(|n| seen[&n[..]] > 1)
                .collect::<Vec<bool>>()
        };
        let file_order: Vec<usize> = (0..SYMBOLS)
            .filter(|&j| local[j])
            .chain((0..SYMBOLS).filter(|&j| !local[j]))
            .collect();
        let mut symtab_index = vec![0u32; SYMBOLS];
        for (k, &j) in file_order.iter().enumerate() {
            // After the null symbol.
            symtab_index[j] = k as u32 + 1;
        }
        RelInput {
            section_names,
            rela_names,
            section_data,
            symbol_names,
            local,
            file_order,
            symtab_index,
            relocations,
        }
    }

    fn section_of(j: usize) -> usize {
        j / SYMBOLS_PER_SECTION
    }

    fn value_of(j: usize) -> u64 {
        ((j % SYMBOLS_PER_SECTION) * FUNCTION_SIZE) as u64
    }

    fn input_bytes(&self) -> usize {
        let sum = |v: &Vec<Vec<u8>>| v.iter().map(Vec::len).sum::<usize>();
        sum(&self.section_names) + sum(&self.section_data) + sum(&self.symbol_names)
    }
}

fn elfin_rel(inp: &RelInput) -> Vec<u8> {
    use elfin::write::{
        Builder, FileKind, LayoutOptions, Perms, RelocationSpec, SectionSpec, SymbolSpec,
    };
    let mut b = Builder::new(FileKind::x86_64(ET_REL));
    let sections: Vec<_> = inp
        .section_names
        .iter()
        .zip(&inp.section_data)
        .map(|(name, data)| {
            b.add_section(SectionSpec::new(&name[..], Some(Perms::RX), &data[..]).align(16))
        })
        .collect();
    let symbols: Vec<_> = inp
        .symbol_names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let (section, value) = (sections[RelInput::section_of(j)], RelInput::value_of(j));
            let spec = if inp.local[j] {
                SymbolSpec::local(&name[..], section, value)
            } else {
                SymbolSpec::global(&name[..], section, value)
            };
            b.add_symbol(spec.function(FUNCTION_SIZE as u64))
        })
        .collect();
    for r in &inp.relocations {
        b.add_relocation(RelocationSpec {
            section: sections[r.section],
            offset: r.offset,
            kind: R_X86_64_PLT32,
            symbol: Some(symbols[r.symbol]),
            addend: -4,
        });
    }
    b.to_vec(&LayoutOptions::default()).unwrap()
}

fn object_rel(inp: &RelInput) -> Vec<u8> {
    use object::Endianness;
    use object::elf;
    use object::write::elf::{FileHeader, Rel, SectionHeader, SectionIndex, Sym, Writer};

    let mut out = Vec::new();
    let mut w = Writer::new(Endianness::Little, true, &mut out);

    // Phase 1: names, indices and file ranges. Header order as elfin's:
    // each section followed by its `.rela`, then .symtab, .strtab, .shstrtab.
    w.reserve_file_header();
    struct Sec {
        name: object::write::StringId,
        index: SectionIndex,
        rela_name: object::write::StringId,
        rela_index: SectionIndex,
        relocs: Vec<usize>,
        offset: u64,
        rela_offset: u64,
    }
    let mut per_section: Vec<Vec<usize>> = vec![Vec::new(); SECTIONS];
    for (k, r) in inp.relocations.iter().enumerate() {
        per_section[r.section].push(k);
    }
    let mut secs: Vec<Sec> = Vec::with_capacity(SECTIONS);
    for (i, relocs) in per_section.into_iter().enumerate() {
        let name = w.add_section_name(&inp.section_names[i]);
        let index = w.reserve_section_index();
        let (rela_name, rela_index) = if relocs.is_empty() {
            (name, SectionIndex(0))
        } else {
            (
                w.add_section_name(&inp.rela_names[i]),
                w.reserve_section_index(),
            )
        };
        secs.push(Sec {
            name,
            index,
            rela_name,
            rela_index,
            relocs,
            offset: 0,
            rela_offset: 0,
        });
    }
    let symtab = w.reserve_symtab_section_index();
    w.reserve_strtab_section_index();
    w.reserve_shstrtab_section_index();
    w.reserve_null_symbol_index();
    let mut names = Vec::with_capacity(SYMBOLS);
    for &j in &inp.file_order {
        names.push(w.add_string(&inp.symbol_names[j]));
        w.reserve_symbol_index(Some(secs[RelInput::section_of(j)].index));
    }
    for (i, s) in secs.iter_mut().enumerate() {
        s.offset = w.reserve(inp.section_data[i].len() as u64, 16);
        if !s.relocs.is_empty() {
            s.rela_offset = w.reserve_relocations(s.relocs.len(), true);
        }
    }
    w.reserve_symtab();
    w.reserve_strtab().unwrap();
    w.reserve_shstrtab().unwrap();
    w.reserve_section_headers();

    // Phase 2: write in the same order.
    w.write_file_header(&FileHeader {
        os_abi: Default::default(),
        abi_version: 0,
        e_type: elf::ET_REL,
        e_machine: elf::EM_X86_64,
        e_entry: 0,
        e_flags: Default::default(),
    })
    .unwrap();
    for (i, s) in secs.iter().enumerate() {
        w.write_align(16);
        w.write(&inp.section_data[i]);
        if !s.relocs.is_empty() {
            w.write_align_relocation();
            for &k in &s.relocs {
                let r = inp.relocations[k];
                w.write_relocation(
                    true,
                    &Rel {
                        r_offset: r.offset,
                        r_sym: inp.symtab_index[r.symbol],
                        r_type: elf::R_X86_64_PLT32,
                        r_addend: -4,
                    },
                );
            }
        }
    }
    w.write_null_symbol();
    for (&j, name) in inp.file_order.iter().zip(&names) {
        let info = if inp.local[j] {
            elf::STB_LOCAL | elf::STT_FUNC
        } else {
            elf::STB_GLOBAL | elf::STT_FUNC
        };
        w.write_symbol(&Sym {
            section: Some(secs[RelInput::section_of(j)].index.0),
            st_name: w.string_offset(Some(*name)),
            st_info: info,
            st_other: Default::default(),
            st_shndx: Default::default(),
            st_value: RelInput::value_of(j),
            st_size: FUNCTION_SIZE as u64,
        });
    }
    w.write_strtab();
    w.write_shstrtab();
    w.write_null_section_header();
    for (i, s) in secs.iter().enumerate() {
        w.write_section_header(&SectionHeader {
            sh_name: w.section_name_offset(Some(s.name)),
            sh_type: elf::SHT_PROGBITS,
            sh_flags: elf::SHF_ALLOC | elf::SHF_EXECINSTR,
            sh_addr: 0,
            sh_offset: s.offset,
            sh_size: inp.section_data[i].len() as u64,
            sh_link: 0,
            sh_info: 0,
            sh_addralign: 16,
            sh_entsize: 0,
        });
        if !s.relocs.is_empty() {
            w.write_relocation_section_header(
                s.rela_name,
                s.index,
                symtab,
                s.rela_offset,
                s.relocs.len(),
                true,
            );
            debug_assert_ne!(s.rela_index.0, 0);
        }
    }
    let first_global = inp.local.iter().filter(|&&l| l).count() as u32 + 1;
    w.write_symtab_section_header(first_global);
    w.write_strtab_section_header();
    w.write_shstrtab_section_header();
    drop(w);
    out
}

/// The size of the file's `.strtab`.
fn strtab_size(bytes: &[u8]) -> u64 {
    let f = elfin::ElfFile::parse(bytes).unwrap();
    f.sections()
        .find(|s| s.name() == Ok(&b".strtab"[..]))
        .map_or(0, |s| s.header().sh_size)
}

/// `WRITE_BENCH_RUN=<names>/<elfin|object>[/<iterations>]`: prepares that
/// input, runs the writer that many times (default 10; 0 to count the
/// preparation alone), writes the last output to `WRITE_BENCH_OUT` if that
/// is set, and exits, for instruction counts (`perf stat`, or
/// `valgrind --tool=callgrind --toggle-collect='*elfin_rel*'`); no
/// criterion, no checks.
fn count_mode(spec: &str) {
    let mut parts = spec.split('/');
    let (label, who) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let iters: usize = parts.next().map_or(10, |n| n.parse().expect("iterations"));
    let set = names::one(label).unwrap_or_else(|| panic!("no name set {label:?}"));
    let inp = RelInput::new(set.names.clone());
    let write = match who {
        "elfin" => elfin_rel,
        "object" => object_rel,
        _ => panic!("WRITE_BENCH_RUN: writer {who:?} is not elfin or object"),
    };
    let mut last = Vec::new();
    let mut times = Vec::with_capacity(iters);
    for _ in 0..iters {
        let start = std::time::Instant::now();
        last = black_box(write(black_box(&inp)));
        times.push(start.elapsed());
    }
    // The fastest and the median iteration, setup excluded: on a noisy
    // machine the fastest is the steadier figure for comparing builds.
    times.sort();
    if let (Some(min), Some(mid)) = (times.first(), times.get(times.len() / 2)) {
        eprintln!("{label}/{who}: fastest {min:?}, median {mid:?} of {iters}");
    }
    // WRITE_BENCH_OUT=path: keep the last output (to compare its
    // `.strtab` with GNU ld's for the same symbols).
    if let Some(path) = std::env::var_os("WRITE_BENCH_OUT") {
        std::fs::write(path, &last).expect("WRITE_BENCH_OUT");
    }
}

/// What a relocatable object holds, independent of string-table layout:
/// per section its name, type, flags, size, alignment, linked sections'
/// names and bytes (symbols with their names for `.symtab`; nothing for
/// string tables); used to check that both writers made the same file.
fn describe(bytes: &[u8]) -> Vec<String> {
    let f = elfin::ElfFile::parse(bytes).unwrap();
    let names: Vec<Vec<u8>> = f
        .sections()
        .map(|s| s.name().unwrap_or(&[]).to_vec())
        .collect();
    let name_of = |i: u32| String::from_utf8_lossy(names.get(i as usize).map_or(&[][..], |n| n));
    let mut out = Vec::new();
    for s in f.sections().skip(1) {
        let h = *s.header();
        let name = String::from_utf8_lossy(s.name().unwrap());
        out.push(format!(
            "section {name} type {} flags {:#x} size {} align {} entsize {} link {} info {}",
            h.sh_type,
            h.sh_flags,
            h.sh_size,
            h.sh_addralign,
            h.sh_entsize,
            name_of(h.sh_link),
            if h.sh_type == SHT_RELA {
                name_of(h.sh_info).into_owned()
            } else {
                h.sh_info.to_string()
            },
        ));
        match h.sh_type {
            SHT_STRTAB | SHT_SYMTAB => {}
            _ => out.push(format!("  data {:016x}", {
                let d = s.data().unwrap();
                d.iter()
                    .fold(0u64, |a, &b| mix(a ^ u64::from(b)).rotate_left(7))
            })),
        }
    }
    let st = f.symbol_table().unwrap().unwrap();
    for sym in st.iter() {
        out.push(format!(
            "symbol {} value {} size {} info {} other {} section {}",
            String::from_utf8_lossy(st.name(&sym).unwrap()),
            sym.st_value,
            sym.st_size,
            sym.st_info,
            sym.st_other,
            name_of(u32::from(sym.st_shndx)),
        ));
    }
    out
}

// ---------------------------------------------------------------------------
// Case 2: the no-op rewrite of a large shared library.

/// The files to rewrite, in order: the largest `librustc_driver-*.so` and
/// `libLLVM*.so*` of the rustup toolchains, then the system's largest
/// `libLLVM*.so*` (Debian's llvm packages). A later one is used only while
/// object's builder has rejected every earlier one.
fn rewrite_candidates() -> Vec<(&'static str, PathBuf)> {
    let tc = toolchain_lib_dirs();
    let system: Vec<PathBuf> = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"]
        .iter()
        .map(PathBuf::from)
        .collect();
    let llvm = |n: &str| n.starts_with("libLLVM") && n.contains(".so");
    let mut out = Vec::new();
    if let Some(p) = largest_in(&tc, |n| {
        n.starts_with("librustc_driver-") && n.ends_with(".so")
    }) {
        out.push(("rustc_driver", p));
    }
    if let Some(p) = largest_in(&tc, llvm) {
        out.push(("rustup_LLVM", p));
    }
    if let Some(p) = largest_in(&system, llvm) {
        out.push(("system_LLVM", p));
    }
    out
}

fn elfin_rewrite(data: &[u8]) -> Vec<u8> {
    let file = elfin::ElfFile::parse(data).unwrap();
    elfin::write::Rewriter::new(&file).unwrap().write().unwrap()
}

fn object_rewrite(data: &[u8]) -> Result<Vec<u8>, String> {
    let b = object::build::elf::Builder::read(data).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    b.write(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

fn copy(data: &[u8]) -> Vec<u8> {
    data.to_vec()
}

/// How an output compares with the input, in words.
fn compare(out: &[u8], input: &[u8]) -> String {
    match out.iter().zip(input).position(|(a, b)| a != b) {
        None if out.len() == input.len() => format!("{} bytes, identical to the input", out.len()),
        None => format!(
            "{} bytes ({} the input), equal up to the shorter one's end",
            out.len(),
            input.len()
        ),
        Some(at) => {
            let same = out.iter().zip(input).filter(|(a, b)| a == b).count();
            format!(
                "{} bytes (input {}); first difference at offset {at:#x}; {same} bytes equal at the same offsets",
                out.len(),
                input.len()
            )
        }
    }
}

fn symbol_count(data: &[u8]) -> usize {
    let f = elfin::ElfFile::parse(data).unwrap();
    f.sections()
        .filter(|s| matches!(s.header().sh_type, SHT_SYMTAB | SHT_DYNSYM))
        .map(|s| (s.header().sh_size / s.header().sh_entsize.max(1)) as usize)
        .sum()
}

// ---------------------------------------------------------------------------
// Reports.

struct Row {
    case: String,
    who: &'static str,
    /// criterion's group/function, when it was timed.
    timed: Option<(String, String)>,
    /// Peak live heap and output size of the single tracked run, or the error.
    outcome: Result<(usize, usize), String>,
    symbols: usize,
}

fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    // <target>/<profile>/deps/write-<hash>
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

fn mib(n: usize) -> String {
    format!("{:.2} MiB", n as f64 / (1024.0 * 1024.0))
}

fn report(rows: &[Row], dir: &Path) -> String {
    let mut s = String::from(
        "| case | writer | median time | ÷ elfin | output | peak heap | peak − output | (peak − output) / symbol |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    let time = |r: &Row| r.timed.as_ref().and_then(|(g, f)| median_ns(dir, g, f));
    for r in rows {
        let t = time(r);
        let elfin_t = rows
            .iter()
            .find(|x| x.case == r.case && x.who == "elfin")
            .and_then(time);
        let vs = match (t, elfin_t) {
            (Some(a), Some(e)) if r.who != "elfin" => format!("{:.2}×", a / e),
            _ => "–".into(),
        };
        match &r.outcome {
            Ok((peak, size)) => {
                let over = *peak as i64 - *size as i64;
                s.push_str(&format!(
                    "| {} | {} | {} | {vs} | {} | {} | {:.2} MiB | {:.1} B |\n",
                    r.case,
                    r.who,
                    t.map_or("–".into(), fmt_time),
                    mib(*size),
                    mib(*peak),
                    over as f64 / (1024.0 * 1024.0),
                    over as f64 / r.symbols.max(1) as f64,
                ));
            }
            Err(e) => s.push_str(&format!(
                "| {} | {} | fails: `{}` | – | – | – | – | – |\n",
                r.case,
                r.who,
                e.replace('|', "\\|")
            )),
        }
    }
    s.push_str(&goals(rows, dir));
    s
}

/// The issue's goals, checked against the medians.
fn goals(rows: &[Row], dir: &Path) -> String {
    let t = |case: &str, who: &str| {
        rows.iter()
            .find(|r| r.case == case && r.who == who)
            .and_then(|r| r.timed.as_ref())
            .and_then(|(g, f)| median_ns(dir, g, f))
    };
    let mut cases: Vec<&str> = rows.iter().map(|r| r.case.as_str()).collect();
    cases.dedup();
    let mut s = String::from("\nGoals:\n");
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    for case in cases {
        let e = t(case, "elfin");
        if let (Some(e), Some(o)) = (e, t(case, "object Writer")) {
            s.push_str(&format!(
                "- {case}: elfin / object Writer = {:.2} (goal ≤ 0.50, elfin at least 2× faster): {}\n",
                e / o,
                verdict(e / o <= 0.5)
            ));
        }
        if let (Some(e), Some(m)) = (e, t(case, "memcpy (to_vec)")) {
            s.push_str(&format!(
                "- {case}: elfin / memcpy = {:.2} (goal ≤ 1.20): {}\n",
                e / m,
                verdict(e / m <= 1.2)
            ));
        }
        if let (Some(e), Some(o)) = (e, t(case, "object build::elf::Builder")) {
            s.push_str(&format!(
                "- {case}: elfin / object builder = {:.2} (goal < 1): {}\n",
                e / o,
                verdict(e < o)
            ));
        }
    }
    s
}

// ---------------------------------------------------------------------------

fn main() {
    let dir = target_dir().join("criterion");
    let mut c = Criterion::default()
        .output_directory(&dir)
        .configure_from_args();
    let mut rows: Vec<Row> = Vec::new();

    // 1. The relocatable object, once per name set.
    if let Some(spec) = std::env::var_os("WRITE_BENCH_RUN") {
        count_mode(&spec.to_string_lossy());
        return;
    }
    // WRITE_BENCH_SETS=a,b: only those name sets (and no rewrite case).
    let only = std::env::var("WRITE_BENCH_SETS").ok();
    let sets: Vec<names::NameSet> = match &only {
        Some(list) => list.split(',').filter_map(names::one).collect(),
        None => names::all(),
    };
    let mut sizes = String::from(
        "| names | about | name bytes | elfin `.strtab` | object `.strtab` |\n|---|---|---:|---:|---:|\n",
    );
    for set in &sets {
        let label = set.label;
        let inp = RelInput::new(set.names.clone());
        eprintln!(
            "rel/{label}: {SECTIONS} sections of {SECTION_SIZE} bytes, {SYMBOLS} symbols ({}), {RELOCATIONS} relocations ({} of prepared input)",
            set.about,
            mib(inp.input_bytes())
        );
        let (e_peak, e_out) = peak_heap(|| elfin_rel(&inp));
        let (o_peak, o_out) = peak_heap(|| object_rel(&inp));
        let (de, dobj) = (describe(&e_out), describe(&o_out));
        if de != dobj {
            let first = de.iter().zip(&dobj).position(|(a, b)| a != b);
            panic!(
                "elfin and object wrote different objects ({} vs {} lines); first difference: {:?}",
                de.len(),
                dobj.len(),
                first.map(|i| (&de[i], &dobj[i]))
            );
        }
        eprintln!(
            "rel/{label}: outputs agree ({} sections+symbols); elfin {} bytes, object {} bytes",
            de.len(),
            e_out.len(),
            o_out.len()
        );
        sizes.push_str(&format!(
            "| {label} | {} | {} | {} | {} |\n",
            set.about,
            set.bytes(),
            strtab_size(&e_out),
            strtab_size(&o_out)
        ));
        let case = format!("rel, names: {label}");
        rows.push(Row {
            case: case.clone(),
            who: "elfin",
            timed: Some((format!("rel/{label}"), "elfin".into())),
            outcome: Ok((e_peak, e_out.len())),
            symbols: SYMBOLS,
        });
        rows.push(Row {
            case: case.clone(),
            who: "object Writer",
            timed: Some((format!("rel/{label}"), "object".into())),
            outcome: Ok((o_peak, o_out.len())),
            symbols: SYMBOLS,
        });
        drop((e_out, o_out));
        let mut g = c.benchmark_group(format!("rel/{label}"));
        g.sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
        g.bench_function("elfin", |b| b.iter(|| elfin_rel(black_box(&inp))));
        g.bench_function("object", |b| b.iter(|| object_rel(black_box(&inp))));
        g.finish();
    }
    drop(sets);

    // 2. The no-op rewrite of a large shared library: librustc_driver, then
    // libLLVM while object's builder has rejected every file so far.
    let candidates = if only.is_some() {
        Vec::new()
    } else {
        rewrite_candidates()
    };
    if candidates.is_empty() {
        eprintln!("note: no librustc_driver or libLLVM found; skipping the rewrite case");
    }
    let mut object_worked = false;
    for (label, path) in candidates {
        if object_worked {
            break;
        }
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("note: skipping {} ({e})", path.display());
                continue;
            }
        };
        let symbols = symbol_count(&data);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        eprintln!(
            "rewrite {label}: {} ({}, {symbols} symbols)",
            path.display(),
            mib(data.len())
        );
        let case = format!("no-op rewrite of {name} ({})", mib(data.len()));
        let group = format!("rewrite/{label}");

        let (p, out) = peak_heap(|| elfin_rewrite(&data));
        eprintln!("rewrite {label}: elfin wrote {}", compare(&out, &data));
        rows.push(Row {
            case: case.clone(),
            who: "elfin",
            timed: Some((group.clone(), "elfin".into())),
            outcome: Ok((p, out.len())),
            symbols,
        });
        drop(out);

        let (p, out) = peak_heap(|| object_rewrite(&data));
        let object_ok = out.is_ok();
        match &out {
            Ok(o) => eprintln!(
                "rewrite {label}: object's builder wrote {}",
                compare(o, &data)
            ),
            Err(e) => eprintln!("rewrite {label}: object's builder fails: {e}"),
        }
        rows.push(Row {
            case: case.clone(),
            who: "object build::elf::Builder",
            timed: object_ok.then(|| (group.clone(), "object".into())),
            outcome: out.map(|o| (p, o.len())),
            symbols,
        });

        let (p, out) = peak_heap(|| copy(&data));
        rows.push(Row {
            case: case.clone(),
            who: "memcpy (to_vec)",
            timed: Some((group.clone(), "memcpy".into())),
            outcome: Ok((p, out.len())),
            symbols,
        });
        drop(out);

        let mut g = c.benchmark_group(&group);
        g.sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5))
            .sampling_mode(SamplingMode::Flat);
        g.bench_function("elfin", |b| b.iter(|| elfin_rewrite(black_box(&data))));
        if object_ok {
            g.bench_function("object", |b| {
                b.iter(|| object_rewrite(black_box(&data)).unwrap())
            });
        }
        g.bench_function("memcpy", |b| b.iter(|| copy(black_box(&data))));
        g.finish();
        object_worked = object_ok;
    }

    c.final_summary();
    let mut table = report(&rows, &dir);
    table.push_str("\nString-table sizes (bytes, with the leading NUL):\n\n");
    table.push_str(&sizes);
    println!("\n## elfin write benchmarks (medians)\n\n{table}");
    let _ = std::fs::write(dir.join("elfin-write-summary.md"), &table);
}
