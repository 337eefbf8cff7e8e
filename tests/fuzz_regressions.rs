//! The fuzz target's walk, without the fuzzer: every crash the fuzzer found
//! (minimized, in `tests/data/fuzz/`), every file of the test corpus, and a
//! few thousand deterministic mutations of the small ones. Each input must be
//! walked without a panic and with at most `64 * len + 1 MiB` bytes live
//! (the same limit the fuzz target aborts on). See FUZZING.md.
//!
//! More mutations or another seed: `ELFIN_MUTATIONS=100000 ELFIN_SEED=7
//! cargo test --release --all-features --test fuzz_regressions`. A failing
//! input is written to the system temp directory and its path printed.

#[path = "../fuzz/limit_alloc.rs"]
mod limit_alloc;
#[path = "../fuzz/walk.rs"]
mod walk;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOC: limit_alloc::LimitAlloc = limit_alloc::LimitAlloc;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Walks `data`; on a panic or a broken memory limit, saves the input and
/// returns what went wrong.
fn check(label: &str, data: &[u8]) -> Result<(), String> {
    limit_alloc::start(limit_alloc::limit_for(data.len()), false);
    let r = catch_unwind(AssertUnwindSafe(|| walk::walk(data)));
    let (peak, over) = limit_alloc::finish();
    let what = match (r, over) {
        (Ok(()), None) => return Ok(()),
        (Err(p), _) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("panicked: {msg}")
        }
        (Ok(()), Some((size, live))) => format!(
            "allocated past the limit of {} bytes: request {size}, live {live} (peak {peak})",
            limit_alloc::limit_for(data.len())
        ),
    };
    let safe: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = std::env::temp_dir().join(format!("elfin-fuzz-failure-{safe}"));
    let _ = std::fs::write(&path, data);
    Err(format!(
        "{label}: {what} (input saved to {})",
        path.display()
    ))
}

fn assert_walks(label: &str, data: &[u8]) {
    if let Err(e) = check(label, data) {
        panic!("{e}");
    }
}

/// Every file under `dir`, sorted, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn crash_input(name: &str) -> Vec<u8> {
    let path = data_dir().join("fuzz").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One test per crash the fuzzer found; FUZZING.md says what each was.
macro_rules! crashes {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                assert_walks($file, &crash_input($file));
            }
        )*
        const CRASH_FILES: &[&str] = &[$($file),*];
    };
}

crashes! {
    // A 280-byte file whose zstd section claims 4 KiB but decodes to 2.6 MB
    // in one block (and, scaled up, a 200 KB file to 12.8 GB): ruzstd 0.8
    // buffered a whole block, however large. Fixed by ruzstd 0.9.
    zstd_block_larger_than_128k => "zstd-bomb.elf",
    // 4000 symbols named `a` whose version index none of 3000 definitions
    // has: lookup_versioned walked every definition for every candidate.
    verdef_chain_per_candidate => "verdef-quadratic.so",
}

/// `lookup_versioned` on verdef-quadratic.so: 4000 symbols named `a`
/// whose version index none of the 3000 definitions has. It walked the
/// version definitions for each candidate (12 million steps, ~0.3 s); it
/// now falls back to one bitmap after 4 candidates. No timing here (tests
/// assert results, not times): the answer is checked, and the fuzz targets'
/// per-input timeout (5 s in CI) is what catches a quadratic walk again.
#[test]
fn lookup_versioned_on_many_same_named_candidates() {
    let data = crash_input("verdef-quadratic.so");
    let file = elfin::ElfFile::parse(&data).unwrap();
    let ds = file.dynamic_symbols().unwrap().unwrap();
    assert_eq!(ds.symbols().len(), 4000);
    assert!(matches!(ds.lookup_versioned(b"a", b"a"), Ok(None)));
}

/// The walk asks every symbol's version through `VersionIndex` (asking
/// `DynamicSymbols::version` for each was O(symbols x definitions): over 5 s
/// on verdef-quadratic.so in the fuzzer); the index gives the same answers
/// as `version` for every symbol of every file (linear by construction; no
/// timing is asserted here).
#[cfg(feature = "alloc")]
#[test]
fn version_index_agrees_and_is_linear() {
    let root = data_dir();
    let mut checked = 0;
    for p in files(&root) {
        let data = std::fs::read(&p).unwrap();
        let Ok(file) = elfin::ElfFile::parse(&data) else {
            continue;
        };
        let Ok(Some(ds)) = file.dynamic_symbols() else {
            continue;
        };
        let index = elfin::read::VersionIndex::new(ds.versions());
        for i in 0..=ds.symbols().len() {
            let got = index.symbol_version(i);
            if ds.symbols().len() < 1000 {
                assert_eq!(got, ds.version(i), "{} symbol {i}", p.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} symbols compared");
}

/// Every input in tests/data/fuzz has a named test above, so none is
/// forgotten (the named tests walk them).
#[test]
fn every_crash_input_has_a_test() {
    let mut n = 0;
    for p in files(&data_dir().join("fuzz")) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            CRASH_FILES.contains(&name.as_str()),
            "tests/data/fuzz/{name} has no named test in tests/fuzz_regressions.rs"
        );
        n += 1;
    }
    assert_eq!(n, CRASH_FILES.len(), "a named test's input is missing");
}

/// Every file of the test corpus, ELF or not, walks cleanly (the crash
/// inputs apart: they have their own tests).
#[test]
fn whole_corpus() {
    let root = data_dir();
    let mut failures = Vec::new();
    let mut n = 0;
    for p in files(&root) {
        if p.starts_with(root.join("fuzz")) {
            continue; // the named tests above
        }
        let data = std::fs::read(&p).unwrap();
        let label = p.strip_prefix(&root).unwrap().display().to_string();
        if let Err(e) = check(&label, &data) {
            failures.push(e);
        }
        n += 1;
    }
    assert!(n > 50, "only {n} files in tests/data");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Where the header fields of one encoding are: (offset, size) pairs.
struct Layout {
    big: bool,
    ehdr: &'static [(usize, usize)],
    shdr: &'static [(usize, usize)],
    shentsize: usize,
    phdr: &'static [(usize, usize)],
    phentsize: usize,
    dynent: usize,
}

// e_type .. e_shstrndx (after the 16-byte ident), then the ident's class
// and data bytes themselves.
#[rustfmt::skip]
const EHDR32: &[(usize, usize)] = &[
    (16, 2),
    (18, 2),
    (20, 4),
    (24, 4),
    (28, 4),
    (32, 4),
    (36, 4),
    (40, 2),
    (42, 2),
    (44, 2),
    (46, 2),
    (48, 2),
    (50, 2),
    (4, 1),
    (5, 1),
];
#[rustfmt::skip]
const EHDR64: &[(usize, usize)] = &[
    (16, 2),
    (18, 2),
    (20, 4),
    (24, 8),
    (32, 8),
    (40, 8),
    (48, 4),
    (52, 2),
    (54, 2),
    (56, 2),
    (58, 2),
    (60, 2),
    (62, 2),
    (4, 1),
    (5, 1),
];
// sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link,
// sh_info, sh_addralign, sh_entsize.
#[rustfmt::skip]
const SHDR32: &[(usize, usize)] = &[
    (0, 4),
    (4, 4),
    (8, 4),
    (12, 4),
    (16, 4),
    (20, 4),
    (24, 4),
    (28, 4),
    (32, 4),
    (36, 4),
];
#[rustfmt::skip]
const SHDR64: &[(usize, usize)] = &[
    (0, 4),
    (4, 4),
    (8, 8),
    (16, 8),
    (24, 8),
    (32, 8),
    (40, 4),
    (44, 4),
    (48, 8),
    (56, 8),
];
// p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align.
#[rustfmt::skip]
const PHDR32: &[(usize, usize)] = &[
    (0, 4),
    (4, 4),
    (8, 4),
    (12, 4),
    (16, 4),
    (20, 4),
    (24, 4),
    (28, 4),
];
#[rustfmt::skip]
const PHDR64: &[(usize, usize)] = &[
    (0, 4),
    (8, 8),
    (16, 8),
    (24, 8),
    (32, 8),
    (40, 8),
    (4, 4),
    (48, 8),
];

fn layout(data: &[u8]) -> Option<Layout> {
    let big = match data.get(5)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    Some(match data.get(4)? {
        1 => Layout {
            big,
            ehdr: EHDR32,
            shdr: SHDR32,
            shentsize: 40,
            phdr: PHDR32,
            phentsize: 32,
            dynent: 8,
        },
        2 => Layout {
            big,
            ehdr: EHDR64,
            shdr: SHDR64,
            shentsize: 64,
            phdr: PHDR64,
            phentsize: 56,
            dynent: 16,
        },
        _ => return None,
    })
}

fn read_uint(data: &[u8], at: usize, size: usize, big: bool) -> u64 {
    let Some(b) = data.get(at..at.saturating_add(size)) else {
        return 0;
    };
    let mut v = 0u64;
    for i in 0..size {
        let byte = if big { b[i] } else { b[size - 1 - i] };
        v = (v << 8) | u64::from(byte);
    }
    v
}

fn write_uint(data: &mut [u8], at: usize, size: usize, value: u64, big: bool) {
    let Some(b) = data.get_mut(at..at.saturating_add(size)) else {
        return;
    };
    for (i, byte) in b.iter_mut().enumerate() {
        let shift = 8 * if big { size - 1 - i } else { i };
        *byte = (value >> shift) as u8;
    }
}

/// A value worth putting in a field whose current value is `old`.
fn interesting(rng: &mut Rng, old: u64, len: usize) -> u64 {
    let len = len as u64;
    match rng.below(14) {
        0 => 0,
        1 => 1,
        2 => u64::MAX,
        3 => u64::MAX - rng.below(16) as u64,
        4 => 0xffff_ffff - rng.below(16) as u64,
        5 => 0x7fff_ffff,
        6 => 0x8000_0000,
        7 => 0xffff,
        8 => len.wrapping_sub(rng.below(64) as u64),
        9 => len + rng.below(64) as u64,
        10 => old.wrapping_add(rng.below(33) as u64).wrapping_sub(16),
        11 => old.wrapping_mul(2).wrapping_add(1),
        12 => rng.below(len as usize + 1) as u64,
        _ => rng.next(),
    }
}

/// One structure-aware or blind change to `data`.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    let len = data.len();
    let Some(l) = layout(data) else {
        // Not (or no longer) ELF: flip a byte.
        if len > 0 {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        return;
    };
    let (shoff, shnum) = if l.shentsize == 64 {
        (
            read_uint(data, 40, 8, l.big) as usize,
            read_uint(data, 60, 2, l.big) as usize,
        )
    } else {
        (
            read_uint(data, 32, 4, l.big) as usize,
            read_uint(data, 48, 2, l.big) as usize,
        )
    };
    let (phoff, phnum) = if l.shentsize == 64 {
        (
            read_uint(data, 32, 8, l.big) as usize,
            read_uint(data, 56, 2, l.big) as usize,
        )
    } else {
        (
            read_uint(data, 28, 4, l.big) as usize,
            read_uint(data, 44, 2, l.big) as usize,
        )
    };
    match rng.below(10) {
        // A file header field.
        0 => {
            let (at, size) = rng.pick(l.ehdr);
            let old = read_uint(data, at, size, l.big);
            let v = if size == 1 {
                rng.below(4) as u64
            } else {
                interesting(rng, old, len)
            };
            write_uint(data, at, size, v, l.big);
        }
        // A section header field.
        1..=3 if shnum > 0 => {
            let at = shoff.saturating_add(rng.below(shnum).saturating_mul(l.shentsize));
            let (off, size) = rng.pick(l.shdr);
            let old = read_uint(data, at.saturating_add(off), size, l.big);
            let v = match (off, rng.below(3)) {
                // sh_type and sh_link/sh_info: small numbers matter most.
                (4, 0) => rng.pick(&[
                    1u64,
                    2,
                    3,
                    4,
                    5,
                    6,
                    7,
                    9,
                    11,
                    17,
                    18,
                    19,
                    20,
                    0x6fff_fff6,
                    0x6fff_fffd,
                    0x6fff_fffe,
                    0x6fff_ffff,
                    0x4000_0014,
                ]),
                (_, 0) => rng.below(shnum + 2) as u64,
                _ => interesting(rng, old, len),
            };
            write_uint(data, at.saturating_add(off), size, v, l.big);
        }
        // A program header field.
        4 | 5 if phnum > 0 => {
            let at = phoff.saturating_add(rng.below(phnum).saturating_mul(l.phentsize));
            let (off, size) = rng.pick(l.phdr);
            let old = read_uint(data, at.saturating_add(off), size, l.big);
            let v = if off == 0 && rng.below(2) == 0 {
                rng.pick(&[1u64, 2, 3, 4, 6, 7, 0x6474_e550, 0x6474_e553])
            } else {
                interesting(rng, old, len)
            };
            write_uint(data, at.saturating_add(off), size, v, l.big);
        }
        // A word somewhere in a section's or segment's data (dynamic
        // entries, hash tables, version chains, notes, symbols...).
        6 | 7 => {
            let file = elfin::ElfFile::parse(data).ok();
            let region = file.and_then(|f| {
                let n = f.section_count();
                if n > 0 && rng.below(3) > 0 {
                    let s = f.section(rng.below(n)).ok()?;
                    Some((s.header().sh_offset as usize, s.header().sh_size as usize))
                } else {
                    let n = f.segment_count();
                    let p = f.program_headers().get(rng.below(n))?;
                    Some((p.p_offset as usize, p.p_filesz as usize))
                }
            });
            if let Some((start, size)) = region.filter(|&(s, z)| z > 0 && s < len) {
                let size = size.min(len - start);
                let word = rng.pick(&[1usize, 2, 4, 8]);
                // Aligned to the dynamic entry size half the time.
                let at = if rng.below(2) == 0 {
                    start + rng.below(size / l.dynent + 1) * l.dynent + rng.pick(&[0, l.dynent / 2])
                } else {
                    start + rng.below(size)
                };
                let old = read_uint(data, at, word, l.big);
                write_uint(data, at, word, interesting(rng, old, len), l.big);
            }
        }
        // Truncate.
        8 => {
            let keep = rng.below(len + 1);
            data.truncate(keep);
        }
        // Blind byte changes.
        _ => {
            for _ in 0..=rng.below(8) {
                if data.is_empty() {
                    break;
                }
                let i = rng.below(data.len());
                data[i] = match rng.below(3) {
                    0 => data[i] ^ (1 << rng.below(8)),
                    1 => rng.pick(&[0u8, 1, 0x7f, 0x80, 0xff]),
                    _ => rng.next() as u8,
                };
            }
        }
    }
}

/// A few thousand mutations of the small files of tests/data: header fields,
/// section and segment fields, words inside tables, truncation, byte flips.
#[test]
fn mutations() {
    let cases: usize = std::env::var("ELFIN_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let seed: u64 = std::env::var("ELFIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_e1f1);
    let root = data_dir();
    let bases: Vec<(String, Vec<u8>)> = files(&root)
        .into_iter()
        .filter(|p| !p.starts_with(root.join("fuzz")))
        .filter_map(|p| {
            let data = std::fs::read(&p).ok()?;
            (data.starts_with(b"\x7fELF") && data.len() <= 80 * 1024)
                .then(|| (p.strip_prefix(&root).unwrap().display().to_string(), data))
        })
        .collect();
    assert!(bases.len() > 40, "only {} small ELF files", bases.len());
    let mut rng = Rng(seed | 1);
    let mut failures = Vec::new();
    for case in 0..cases {
        let (name, base) = &bases[case % bases.len()];
        let mut data = base.clone();
        for _ in 0..=rng.below(4) {
            mutate(&mut rng, &mut data);
        }
        if let Err(e) = check(&format!("mutation {case} of {name} (seed {seed})"), &data) {
            failures.push(e);
            if failures.len() >= 10 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The salvage property of the fuzz target (`walk::salvage`) on the small
/// files of tests/data and their seeded mutations: after any one byte past
/// the first 64 changes, a file that opened still opens, and the sections
/// that do not hold that byte read the same. Positions: the fuzz target's
/// own probe, plus a few from the seed.
#[test]
fn salvage_property() {
    let cases: usize = std::env::var("ELFIN_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let seed: u64 = std::env::var("ELFIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5a1_0a9e);
    let root = data_dir();
    let bases: Vec<(String, Vec<u8>)> = files(&root)
        .into_iter()
        .filter(|p| !p.starts_with(root.join("fuzz")))
        .filter_map(|p| {
            let data = std::fs::read(&p).ok()?;
            (data.starts_with(b"\x7fELF") && data.len() <= 80 * 1024)
                .then(|| (p.strip_prefix(&root).unwrap().display().to_string(), data))
        })
        .collect();
    let mut rng = Rng(seed | 1);
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in 0..cases {
        let (name, base) = &bases[case % bases.len()];
        let mut data = base.clone();
        // Half the cases on the file as it is, half on a mutation of it.
        if case % 2 == 1 {
            mutate(&mut rng, &mut data);
        }
        let mut probes: Vec<(usize, u8)> = walk::salvage_probe(&data).into_iter().collect();
        for _ in 0..4 {
            if data.len() > 64 {
                probes.push((64 + rng.below(data.len() - 64), rng.next() as u8));
            }
        }
        for (at, byte) in probes {
            checked += 1;
            if let Err(e) = walk::salvage(&data, at, byte) {
                let path = std::env::temp_dir().join(format!("elfin-salvage-failure-{case}"));
                let _ = std::fs::write(&path, &data);
                failures.push(format!(
                    "case {case} ({name}, saved to {}): {e}",
                    path.display()
                ));
            }
        }
        if failures.len() >= 10 {
            break;
        }
    }
    assert!(checked > cases, "only {checked} probes");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
