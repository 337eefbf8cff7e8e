//! The writer's round-trip properties (`fuzz/roundtrip/`, shared with the
//! `build_roundtrip` and `rewrite_roundtrip` fuzz targets), driven on stable
//! by a seeded generator:
//!
//! * a few thousand builder descriptions decoded from xorshift bytes;
//! * a no-op rewrite of every file in tests/data, and of a few thousand
//!   mutations of the smaller ones;
//! * the minimized fuzz findings in tests/data/fuzz.
//!
//! A failure prints the seed and case; rerun just that case with
//! `ELFIN_ROUNDTRIP_SEED=<seed> ELFIN_ROUNDTRIP_CASE=<case> cargo test --test roundtrip`.
//! `ELFIN_ROUNDTRIP_CASES=<n>` changes how many cases run.
#![cfg(feature = "alloc")]

#[path = "../fuzz/roundtrip/mod.rs"]
mod roundtrip;
#[path = "../fuzz/walk.rs"]
mod walk;

use arbitrary::{Arbitrary, Unstructured};
use roundtrip::{BuildDesc, BuildOutcome, Features, RewriteOutcome};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

const DEFAULT_SEED: u64 = 0x0e1f_5eed_2026;

/// xorshift64*, seeded through splitmix64 so that nearby seeds diverge.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => v.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={v}: not a number")))
}

fn seed() -> u64 {
    env_u64("ELFIN_ROUNDTRIP_SEED").unwrap_or(DEFAULT_SEED)
}

/// The cases to run: one (`ELFIN_ROUNDTRIP_CASE`) or `0..n`.
fn cases(default: u64) -> std::ops::Range<u64> {
    match env_u64("ELFIN_ROUNDTRIP_CASE") {
        Some(c) => c..c + 1,
        None => 0..env_u64("ELFIN_ROUNDTRIP_CASES").unwrap_or(default),
    }
}

/// How many failures to collect before stopping (`ELFIN_ROUNDTRIP_MAX_FAILURES`).
fn max_failures() -> usize {
    env_u64("ELFIN_ROUNDTRIP_MAX_FAILURES").map_or(3, |n| n as usize)
}

fn case_rng(seed: u64, salt: u64, case: u64) -> Rng {
    Rng::new(seed ^ salt ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(panic)".into())
}

/// Runs one property, turning a panic into a failure.
fn run<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(format!("PANIC: {}", panic_message(p))),
    }
}

fn report(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} {what} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// One seeded build case, and what it exercises.
fn build_case(
    data: &[u8],
    on_output: &mut dyn FnMut(&[u8]),
) -> Result<(BuildOutcome, Features), String> {
    let desc = BuildDesc::arbitrary(&mut Unstructured::new(data))
        .map_err(|e| format!("arbitrary: {e}"))?;
    let outcome = roundtrip::check_build(&desc, on_output)?;
    Ok((outcome, roundtrip::features(&desc)))
}

/// What seeded `data` asks the builder for (as [`build_case`] decodes it).
fn describe(data: &[u8]) -> String {
    match BuildDesc::arbitrary(&mut Unstructured::new(data)) {
        Ok(d) => roundtrip::describe_desc(&d),
        Err(e) => format!("(no description: {e})"),
    }
}

/// How many built cases exercised what.
#[derive(Debug, Default)]
struct Coverage {
    linked: u64,
    with_relocations: u64,
    tls: u64,
    narrow: u64,
    narrow_with_relocations: u64,
    many_sections: u64,
    plt: u64,
    got: u64,
    preempted: u64,
    symbolic: u64,
}

impl Coverage {
    fn add(&mut self, f: Features) {
        let n = |b: bool| u64::from(b);
        self.linked += n(f.linked);
        self.with_relocations += n(f.linked && f.relocations);
        self.tls += n(f.tls);
        self.narrow += n(f.narrow);
        self.narrow_with_relocations += n(f.narrow && f.relocations);
        self.many_sections += n(f.many_sections);
        self.plt += n(f.plt);
        self.got += n(f.got);
        self.preempted += n(f.preempted);
        self.symbolic += n(f.symbolic);
    }
}

/// Builder descriptions decoded from seeded random bytes.
#[test]
fn build_roundtrip_seeded() {
    const SALT: u64 = 0xb011d;
    let seed = seed();
    let range = cases(3000);
    let total = range.end - range.start;
    let mut outcomes: BTreeMap<BuildOutcome, u64> = BTreeMap::new();
    let mut built = Coverage::default();
    let mut failures = Vec::new();
    for case in range {
        let mut rng = case_rng(seed, SALT, case);
        let len = 64 + rng.below(2500) as usize;
        let bytes = rng.bytes(len);
        match run(|| build_case(&bytes, &mut |out| walk::walk(out))) {
            Ok((o, f)) => {
                *outcomes.entry(o).or_default() += 1;
                if o == BuildOutcome::Built {
                    built.add(f);
                }
            }
            Err(e) => {
                failures.push(format!(
                    "seed {seed:#x} case {case}: {e}\n  rerun: ELFIN_ROUNDTRIP_SEED={seed:#x} ELFIN_ROUNDTRIP_CASE={case} cargo test --test roundtrip build_roundtrip_seeded\n{}",
                    describe(&bytes)
                ));
                if failures.len() >= max_failures() {
                    break;
                }
            }
        }
    }
    println!("build_roundtrip: seed {seed:#x}, {total} cases: {outcomes:?}; built: {built:?}");
    report("build_roundtrip", &failures);
    if total >= 500 {
        // Linked files must often resolve relocations, TLS and the 32-bit
        // psABIs, or those checks would rarely run.
        assert!(
            built.with_relocations * 4 >= built.linked
                && built.tls * 10 >= built.linked
                && built.narrow_with_relocations * 20 >= built.linked,
            "too few linked files with relocations, TLS or x32/ILP32 relocations: {built:?}"
        );
        // The generator must mostly make files the builder accepts, or the
        // checks after `write` would rarely run.
        let built = outcomes.get(&BuildOutcome::Built).copied().unwrap_or(0);
        assert!(
            built * 3 >= total,
            "only {built} of {total} descriptions built: {outcomes:?}"
        );
    }
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Every file under `dir`, sorted.
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

/// A no-op rewrite of every file of the test corpus.
#[test]
fn rewrite_roundtrip_corpus() {
    let mut outcomes: BTreeMap<RewriteOutcome, u64> = BTreeMap::new();
    let mut failures = Vec::new();
    for p in files(&data_dir()) {
        let data = std::fs::read(&p).unwrap();
        match run(|| roundtrip::rewrite_roundtrip(&data, &mut |out| walk::walk(out))) {
            Ok(o) => *outcomes.entry(o).or_default() += 1,
            Err(e) => failures.push(format!("{}: {e}", p.display())),
        }
    }
    println!("rewrite_roundtrip on tests/data: {outcomes:?}");
    report("rewrite_roundtrip", &failures);
    assert!(
        outcomes
            .get(&RewriteOutcome::Rewritten)
            .copied()
            .unwrap_or(0)
            >= 50
    );
}

/// Interesting values for a mutated field.
fn interesting(rng: &mut Rng, old: u64, file_len: u64) -> u64 {
    match rng.below(10) {
        0 => 0,
        1 => 1,
        2 => old.wrapping_add(1 + rng.below(16)),
        3 => old.wrapping_sub(1 + rng.below(16)),
        4 => file_len,
        5 => file_len.wrapping_sub(rng.below(64)),
        6 => u64::MAX,
        7 => u64::from(u32::MAX),
        8 => 1 << rng.below(64),
        _ => rng.next(),
    }
}

fn read_uint(d: &[u8], at: usize, n: usize, big: bool) -> u64 {
    let mut v = 0u64;
    for i in 0..n {
        let b = u64::from(d[at + if big { i } else { n - 1 - i }]);
        v = (v << 8) | b;
    }
    v
}

fn write_uint(d: &mut [u8], at: usize, n: usize, v: u64, big: bool) {
    for i in 0..n {
        let b = (v >> (8 * i)) as u8;
        d[at + if big { n - 1 - i } else { i }] = b;
    }
}

/// A few random changes, mostly to header, program header and section
/// header fields (where a rewrite decides what to keep and what to move).
fn mutate(rng: &mut Rng, d: &mut Vec<u8>) {
    if d.len() < 64 {
        return;
    }
    let elf64 = d[4] == 2;
    let big = d[5] == 2;
    let w = if elf64 { 8 } else { 4 };
    let (phoff, shoff) = if elf64 {
        (read_uint(d, 32, 8, big), read_uint(d, 40, 8, big))
    } else {
        (read_uint(d, 28, 4, big), read_uint(d, 32, 4, big))
    };
    let (phent, shent) = if elf64 { (56, 64) } else { (32, 40) };
    let phnum = read_uint(d, if elf64 { 56 } else { 44 }, 2, big);
    let shnum = read_uint(d, if elf64 { 60 } else { 48 }, 2, big);
    for _ in 0..1 + rng.below(3) {
        let len = d.len() as u64;
        match rng.below(8) {
            // A section header field.
            0..=3 if shnum > 0 && shoff < len => {
                let i = rng.below(shnum);
                let base = shoff + i * shent;
                // name type flags addr offset size link info align entsize
                let fields: [(u64, usize); 10] = if elf64 {
                    [
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
                    ]
                } else {
                    [
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
                    ]
                };
                let (off, n) = fields[rng.below(10) as usize];
                let at = base + off;
                if at + n as u64 <= len {
                    let old = read_uint(d, at as usize, n, big);
                    let v = interesting(rng, old, len);
                    write_uint(d, at as usize, n, v, big);
                }
            }
            // A program header field.
            4 if phnum > 0 && phoff < len => {
                let i = rng.below(phnum);
                let at = phoff + i * phent + rng.below(phent / w) * w;
                if at + w <= len {
                    let old = read_uint(d, at as usize, w as usize, big);
                    let v = interesting(rng, old, len);
                    write_uint(d, at as usize, w as usize, v, big);
                }
            }
            // A file header field.
            5 => {
                let at = 16 + rng.below(if elf64 { 48 } else { 36 });
                d[at as usize] = rng.next() as u8;
            }
            // Truncation.
            6 if rng.below(4) == 0 => {
                let keep = rng.below(len) as usize;
                d.truncate(keep.max(64));
            }
            // Any byte.
            _ => {
                let at = rng.below(len) as usize;
                d[at] = rng.next() as u8;
            }
        }
    }
}

/// No-op rewrites of mutated corpus files.
#[test]
fn rewrite_roundtrip_mutations() {
    const SALT: u64 = 0x2e_4217e;
    let seed = seed();
    let corpus: Vec<(PathBuf, Vec<u8>)> = files(&data_dir())
        .into_iter()
        .filter_map(|p| {
            let d = std::fs::read(&p).ok()?;
            (d.starts_with(b"\x7fELF") && d.len() <= 128 << 10).then_some((p, d))
        })
        .collect();
    assert!(!corpus.is_empty());
    let range = cases(3000);
    let total = range.end - range.start;
    let mut outcomes: BTreeMap<RewriteOutcome, u64> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in range {
        let mut rng = case_rng(seed, SALT, case);
        let (path, original) = &corpus[rng.below(corpus.len() as u64) as usize];
        let mut data = original.clone();
        mutate(&mut rng, &mut data);
        match run(|| roundtrip::rewrite_roundtrip(&data, &mut |out| walk::walk(out))) {
            Ok(o) => *outcomes.entry(o).or_default() += 1,
            Err(e) => {
                failures.push(format!(
                    "seed {seed:#x} case {case} (a mutation of {}): {e}\n  rerun: ELFIN_ROUNDTRIP_SEED={seed:#x} ELFIN_ROUNDTRIP_CASE={case} cargo test --test roundtrip rewrite_roundtrip_mutations",
                    path.display()
                ));
                if failures.len() >= max_failures() {
                    break;
                }
            }
        }
    }
    println!("rewrite_roundtrip: seed {seed:#x}, {total} mutations: {outcomes:?}");
    report("rewrite_roundtrip", &failures);
}

#[path = "roundtrip/known/mod.rs"]
mod known;
#[path = "common/tools.rs"]
mod tools;

/// Inputs the fuzz targets found (tests/data/roundtrip/; not in
/// tests/data/fuzz, whose files each need a test in tests/fuzz_regressions.rs).
#[test]
fn fuzz_findings_round_trip() {
    // Add each new finding here.
    for name in [
        "rewrite-table-over-sections.elf",
        "rewrite-table-over-alloc-section.elf",
        "rewrite-huge-alignment.elf",
        "rewrite-table-under-dynamic.elf",
        "rewrite-segment-past-end.elf",
        "rewrite-table-past-kept-end.elf",
        "rewrite-section-zero-dynamic.elf",
        "rewrite-section-zero-note.elf",
        "grow-table-over-dynamic.elf",
        "grow-filesz-over-memsz.elf",
        "grow-two-runpaths.elf",
        "grow-dead-rpath.elf",
        "grow-to-a-huge-alignment.elf",
        "rewrite-relocations-in-the-header.elf",
    ] {
        let path = data_dir().join("roundtrip").join(name);
        let data = std::fs::read(&path).unwrap();
        if let Err(e) = run(|| roundtrip::rewrite_roundtrip(&data, &mut |out| walk::walk(out))) {
            panic!("{}: {e}", path.display());
        }
    }
}
