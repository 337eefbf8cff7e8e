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

/// Minimal reproducers of the builder and rewriter bugs the round-trip
/// properties found, numbered as in FUZZING.md. Each asserts the right
/// behaviour; one for an open bug is `#[ignore]`d until it is fixed
/// (`cargo test --test roundtrip known -- --ignored`).
mod known {
    use elfin::ElfFile;
    use elfin::raw::consts::*;
    use elfin::read::{Class, Encoding, Endian, HashTable, Relocation};
    use elfin::write::{
        Builder, FileKind, LayoutOptions, Perms, Placement, RelocationSpec, Rewriter, SectionId,
        SectionSpec, SymbolId, SymbolPlace, SymbolSpec,
    };

    fn kind(class: Class, endian: Endian, machine: u16, file_type: u16) -> FileKind {
        FileKind {
            encoding: Encoding { class, endian },
            machine,
            file_type,
        }
    }

    fn write(b: &Builder<'_>, opts: &LayoutOptions) -> Option<Vec<u8>> {
        let plan = b.layout(opts).ok()?;
        Some(b.write(&plan).expect("write after a successful layout"))
    }

    fn dynamic_relocations(f: &ElfFile<'_>) -> Vec<Relocation> {
        let d = f.dynamic_relocations().unwrap();
        [d.rela, d.rel, d.relr]
            .into_iter()
            .flatten()
            .flat_map(|t| t.iter().map(Result::unwrap).collect::<Vec<_>>())
            .collect()
    }

    /// Bug 1: 32-bit files: values that do not fit their fields are refused,
    /// not truncated.
    #[test]
    fn elf32_values_that_do_not_fit_are_refused() {
        let k = kind(Class::Elf32, Endian::Little, EM_386, ET_REL);
        type Add = Box<dyn Fn(&mut Builder<'static>)>;
        let cases: Vec<(&str, Add)> = vec![
            (
                "symbol value",
                Box::new(|b| {
                    let mut s = SymbolSpec::undefined(&b"big"[..]);
                    s.place = SymbolPlace::Absolute;
                    s.value = 0x1_0000_0000;
                    b.add_symbol(s);
                }),
            ),
            (
                "symbol size",
                Box::new(|b| {
                    b.add_symbol(SymbolSpec::undefined(&b"big"[..]).object(0x1_0000_0000));
                }),
            ),
            (
                "sh_flags",
                Box::new(|b| {
                    b.add_section(SectionSpec::new(&b".x"[..], None, &[0u8; 4][..]).flags(1 << 32));
                }),
            ),
            (
                "sh_entsize",
                Box::new(|b| {
                    let id = b.add_section(SectionSpec::new(&b".x"[..], None, &[0u8; 4][..]));
                    b.section_mut(id).unwrap().entsize = 1 << 32;
                }),
            ),
            (
                "addend",
                Box::new(|b| {
                    let id = b.add_section(SectionSpec::new(&b".x"[..], None, &[0u8; 4][..]));
                    b.add_relocation(RelocationSpec {
                        section: id,
                        offset: 0,
                        kind: 1,
                        symbol: None,
                        addend: 1 << 40,
                    });
                }),
            ),
            (
                "relocation type",
                Box::new(|b| {
                    let id = b.add_section(SectionSpec::new(&b".x"[..], None, &[0u8; 4][..]));
                    b.add_relocation(RelocationSpec {
                        section: id,
                        offset: 0,
                        kind: 0x101,
                        symbol: None,
                        addend: 0,
                    });
                }),
            ),
        ];
        for (what, add) in cases {
            let mut b = Builder::new(k);
            add(&mut b);
            assert!(
                b.layout(&LayoutOptions::default()).is_err(),
                "a 32-bit file accepted a {what} that does not fit"
            );
        }
    }

    /// Bug 2: `.dynsym`: local symbols come before `sh_info`.
    #[test]
    fn exported_local_symbols_come_first_in_dynsym() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        let text = b.add_section(SectionSpec::new(
            &b".text"[..],
            Some(Perms::RX),
            &[0xc3u8][..],
        ));
        b.add_symbol(SymbolSpec::global(&b"g"[..], text, 0));
        let mut l = SymbolSpec::local(&b"l"[..], text, 0);
        l.export = Some(true);
        b.add_symbol(l);
        let Some(bytes) = write(&b, &LayoutOptions::default()) else {
            return; // refusing is fine too
        };
        let f = ElfFile::parse(&bytes).unwrap();
        let dynsym = f.section_by_type(SHT_DYNSYM).unwrap();
        let first_global = dynsym.header().sh_info as usize;
        let t = f.symbol_table_of(&dynsym).unwrap();
        for (i, s) in t.iter().enumerate().skip(first_global) {
            assert_ne!(
                s.bind(),
                STB_LOCAL,
                ".dynsym {i} is local, after sh_info {first_global}"
            );
        }
    }

    /// Bug 3: NUL bytes in dynamic strings are refused.
    #[test]
    fn nul_in_dynamic_strings_is_refused() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        b.needed.push((&b"liba.so\0junk"[..]).into());
        assert!(b.layout(&LayoutOptions::default()).is_err());
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        b.interpreter = Some((&b"/lib/ld\0x"[..]).into());
        assert!(b.layout(&LayoutOptions::default()).is_err());
    }

    /// Bug 4: A read-only NOBITS section does not shift the sections after it
    /// away from where their segment maps them.
    #[test]
    fn read_only_nobits_keeps_later_sections_mapped() {
        let data = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        let mut z = SectionSpec::zeros(&b".rzeros"[..], 0x100);
        z.perms = Some(Perms::R);
        b.add_section(z);
        b.add_section(SectionSpec::new(&b".rodata"[..], Some(Perms::R), &data[..]));
        let Some(bytes) = write(&b, &LayoutOptions::default()) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        let ro = f.section_by_name(b".rodata").unwrap();
        let at = f.data_at_vaddr(ro.header().sh_addr, 8, "test").unwrap();
        assert_eq!(at, &data[..], ".rodata is not where its segment maps it");
    }

    /// Bug 5: A relro NOBITS section is inside PT_GNU_RELRO.
    #[test]
    fn relro_nobits_is_inside_gnu_relro() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        b.add_section(SectionSpec::zeros(&b".bss.rel.ro"[..], 0x40).relro());
        let Some(bytes) = write(&b, &LayoutOptions::default()) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        let s = *f.section_by_name(b".bss.rel.ro").unwrap().header();
        let relro = f.segments().find(|p| p.p_type == PT_GNU_RELRO).unwrap();
        assert!(
            s.sh_addr >= relro.p_vaddr && s.sh_addr + s.sh_size <= relro.p_vaddr + relro.p_memsz,
            "relro .bss at {:#x} outside PT_GNU_RELRO {relro:?}",
            s.sh_addr
        );
    }

    /// Bug 6: Mmap placement keeps `p_offset ≡ p_vaddr (mod p_align)` for any
    /// base.
    #[test]
    fn mmap_placement_with_an_unaligned_base() {
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        b.add_section(SectionSpec::new(
            &b".text"[..],
            Some(Perms::RX),
            &[0xc3u8][..],
        ));
        b.add_section(SectionSpec::new(
            &b".data"[..],
            Some(Perms::RW),
            &[0u8; 8][..],
        ));
        let opts = LayoutOptions {
            placement: Placement::Mmap,
            page_size: 0x1000,
            base: Some(0x40_1234),
        };
        let Some(bytes) = write(&b, &opts) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        for p in f.segments().filter(|p| p.p_type == PT_LOAD) {
            assert_eq!(p.p_offset % p.p_align, p.p_vaddr % p.p_align, "{p:?}");
        }
    }

    /// Bug 7: AArch64 ILP32 shared objects use ILP32's own dynamic types:
    /// `R_AARCH64_P32_ABS32` (1) becomes `R_AARCH64_P32_RELATIVE` (183) for
    /// a symbol of the file and stays `P32_ABS32` against an undefined one
    /// (180 is `P32_COPY`); LP64's `R_AARCH64_ABS64` (257, which a 32-bit
    /// `r_info` cannot hold) is refused. GNU ld, when installed, makes the
    /// same dynamic relocations of the relocatable twin.
    #[test]
    fn elf32_aarch64_dynamic_relocation_types() {
        const P32_ABS32: u32 = 1;
        const P32_RELATIVE: u32 = 183;
        let build = |file_type: u16, kind: u32| {
            let mut b = Builder::new(self::kind(
                Class::Elf32,
                Endian::Little,
                EM_AARCH64,
                file_type,
            ));
            let d = b.add_section(
                SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(4),
            );
            // Local: GNU ld binds a global one at run time (preemptible).
            let here = b.add_symbol(SymbolSpec::local(&b"here"[..], d, 4).object(4));
            let ext = b.add_symbol(SymbolSpec::undefined(&b"ext"[..]));
            for (offset, symbol, addend) in [(0, here, 0x10), (4, ext, 4)] {
                b.add_relocation(RelocationSpec {
                    section: d,
                    offset,
                    kind,
                    symbol: Some(symbol),
                    addend,
                });
            }
            b
        };
        assert!(
            build(ET_DYN, R_AARCH64_ABS64)
                .layout(&LayoutOptions::default())
                .is_err(),
            "an ILP32 file accepted R_AARCH64_ABS64"
        );
        let b = build(ET_DYN, P32_ABS32);
        let bytes = write(&b, &LayoutOptions::default()).expect("an ILP32 shared object");
        let f = ElfFile::parse(&bytes).unwrap();
        let data = f.section_by_name(b".data").unwrap().header().sh_addr;
        let named = |f: &ElfFile<'_>| -> Vec<(u64, u32, String, i64)> {
            let ds = f.dynamic_symbols().unwrap().unwrap();
            let mut v: Vec<_> = dynamic_relocations(f)
                .into_iter()
                .map(|r| {
                    let s = ds.symbols().get(r.symbol as usize).unwrap();
                    let name = ds.symbols().name(&s).unwrap();
                    let d = f.section_by_name(b".data").unwrap().header().sh_addr;
                    // Addresses relative to .data, so that two layouts compare.
                    let addend = r.addend.unwrap_or(0);
                    let addend = if r.kind == P32_RELATIVE {
                        addend - d as i64
                    } else {
                        addend
                    };
                    (
                        r.offset - d,
                        r.kind,
                        String::from_utf8_lossy(name).into_owned(),
                        addend,
                    )
                })
                .collect();
            v.sort();
            v
        };
        let ours = named(&f);
        assert_eq!(
            ours,
            vec![
                (0, P32_RELATIVE, String::new(), 4 + 0x10),
                (4, P32_ABS32, "ext".to_string(), 4),
            ],
            "dynamic relocations of an ILP32 shared object (.data at {data:#x})"
        );

        // GNU ld on the relocatable twin, .data where elfin put it.
        let ld = "aarch64-linux-gnu-ld";
        if std::process::Command::new(ld)
            .arg("--version")
            .output()
            .is_err()
        {
            println!("SKIP: {ld} not found");
            return;
        }
        let dir = std::env::temp_dir().join(format!("elfin-roundtrip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let obj = dir.join("ilp32-dyn.o");
        let out = dir.join("ilp32-dyn.so");
        let mut twin = b.clone();
        twin.kind.file_type = ET_REL;
        std::fs::write(&obj, write(&twin, &LayoutOptions::default()).unwrap()).unwrap();
        let st = std::process::Command::new(ld)
            .args(["-m", "aarch64linux32", "-shared", "-z", "norelro"])
            .arg(format!("--section-start=.data={data:#x}"))
            .arg("-o")
            .arg(&out)
            .arg(&obj)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{ld}: {}",
            String::from_utf8_lossy(&st.stderr)
        );
        let theirs = std::fs::read(&out).unwrap();
        assert_eq!(
            named(&ElfFile::parse(&theirs).unwrap()),
            ours,
            "GNU ld differs"
        );
    }

    /// Bug 8: Dynamic relocations in a read-only section are refused (or flagged
    /// with DT_TEXTREL).
    #[test]
    fn text_relocations_are_refused_or_flagged() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        let text =
            b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), &[0u8; 8][..]).align(8));
        b.add_relocation(RelocationSpec {
            section: text,
            offset: 0,
            kind: R_X86_64_64,
            symbol: None,
            addend: 0,
        });
        let Some(bytes) = write(&b, &LayoutOptions::default()) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        let d = f.dynamic().unwrap().unwrap();
        let flagged =
            d.get(DT_TEXTREL).is_some() || d.get(DT_FLAGS).is_some_and(|v| v & DF_TEXTREL != 0);
        assert!(flagged, "a relocation in .text without DT_TEXTREL");
    }

    /// Bug 9: Big-endian AArch64: instructions are patched little-endian.
    #[test]
    fn aarch64_big_endian_instructions_are_little_endian() {
        let bl = 0x9400_0000u32.to_le_bytes(); // bl .
        let mut code = bl.to_vec();
        code.extend(0xd503_201fu32.to_le_bytes()); // nop
        code.extend(0xd65f_03c0u32.to_le_bytes()); // ret
        let mut b = Builder::new(kind(Class::Elf64, Endian::Big, EM_AARCH64, ET_EXEC));
        let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(4));
        let target = b.add_symbol(SymbolSpec::global(&b"target"[..], text, 8));
        b.add_relocation(RelocationSpec {
            section: text,
            offset: 0,
            kind: R_AARCH64_CALL26,
            symbol: Some(target),
            addend: 0,
        });
        let bytes = write(&b, &LayoutOptions::default()).unwrap();
        let f = ElfFile::parse(&bytes).unwrap();
        let t = f.section_by_name(b".text").unwrap().data().unwrap();
        let insn = u32::from_le_bytes(t[..4].try_into().unwrap());
        assert_eq!(
            insn, 0x9400_0002,
            "bl +8 reads {insn:#010x} (little-endian)"
        );
    }

    /// Bug 10: Shared objects: a word relocation against an absolute symbol is
    /// not made RELATIVE (the loader would add the load address).
    #[test]
    fn absolute_symbols_do_not_move_in_shared_objects() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        let d =
            b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(8));
        let mut abs = SymbolSpec::undefined(&b"ABS"[..]);
        abs.place = SymbolPlace::Absolute;
        abs.value = 0x1234;
        let abs = b.add_symbol(abs);
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 0,
            kind: R_X86_64_64,
            symbol: Some(abs),
            addend: 0,
        });
        let Some(bytes) = write(&b, &LayoutOptions::default()) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        for r in dynamic_relocations(&f) {
            assert_ne!(
                r.kind, R_X86_64_RELATIVE,
                "an absolute value relocated RELATIVE: {r:?}"
            );
        }
    }

    /// Bug 11: A word relocation whose field runs past its section is refused in
    /// a shared object too.
    #[test]
    fn dynamic_relocation_field_past_the_section_is_refused() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        let d =
            b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 4][..]).align(8));
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 0,
            kind: R_X86_64_64,
            symbol: None,
            addend: 0,
        });
        assert!(b.layout(&LayoutOptions::default()).is_err());
    }

    /// Bug 12: RELR does not patch addends into NOBITS sections' (nonexistent)
    /// file bytes.
    #[test]
    fn relr_relocations_in_nobits() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        b.relr = true;
        let bss = b.add_section(SectionSpec::zeros(&b".bss"[..], 0x20).align(8));
        b.add_relocation(RelocationSpec {
            section: bss,
            offset: 8,
            kind: R_X86_64_64,
            symbol: None,
            addend: 0x4000,
        });
        let plan = match b.layout(&LayoutOptions::default()) {
            Ok(p) => p,
            Err(_) => return,
        };
        let bytes = b.write(&plan).expect("write fails after layout succeeded");
        let f = ElfFile::parse(&bytes).unwrap();
        let place = f.section_by_name(b".bss").unwrap().header().sh_addr + 8;
        // The addend lives in a RELA entry: nothing in the file holds it.
        let rel = dynamic_relocations(&f);
        assert!(
            rel.iter()
                .any(|r| r.offset == place && r.addend == Some(0x4000)),
            "no RELA entry for the .bss place: {rel:?}"
        );
    }

    /// Bug 13: `SymbolPlace::Raw(SHN_UNDEF)` is undefined: it is not in the
    /// GNU-hashed (defined) part of `.dynsym`.
    #[test]
    fn raw_undefined_is_not_hashed() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        let mut s = SymbolSpec::undefined(&b"raw"[..]);
        s.place = SymbolPlace::Raw(SHN_UNDEF);
        s.export = Some(true);
        b.add_symbol(s);
        let Some(bytes) = write(&b, &LayoutOptions::default()) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        let ds = f.dynamic_symbols().unwrap().unwrap();
        let Some(HashTable::Gnu(g)) = ds.hash() else {
            panic!("no GNU hash");
        };
        for (i, s) in ds.symbols().iter().enumerate().skip(g.symoffset() as usize) {
            assert_ne!(s.st_shndx, SHN_UNDEF, ".dynsym {i} is undefined but hashed");
        }
    }

    /// Bug 14: An undefined symbol a dynamic relocation needs is not left out
    /// of `.dynsym` (the relocation would name symbol 0).
    #[test]
    fn needed_undefined_symbols_are_exported_or_refused() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        let d =
            b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(8));
        let mut ext = SymbolSpec::undefined(&b"ext"[..]);
        ext.export = Some(false);
        let ext = b.add_symbol(ext);
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 0,
            kind: R_X86_64_64,
            symbol: Some(ext),
            addend: 0,
        });
        let Some(bytes) = write(&b, &LayoutOptions::default()) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        for r in dynamic_relocations(&f) {
            assert_ne!(
                r.symbol, 0,
                "a relocation against `ext` names symbol 0: {r:?}"
            );
        }
    }

    /// Bug 15 (found by the model, seed 0xe1f5eed2026 case 552): AArch64's
    /// `R_AARCH64_ABS32` takes -2^31 <= S + A < 2^32 (the psABI's check),
    /// not only unsigned values.
    #[test]
    fn aarch64_abs32_takes_negative_values() {
        let build = |addend: i64| {
            let mut b = Builder::new(kind(Class::Elf64, Endian::Little, EM_AARCH64, ET_EXEC));
            let d = b.add_section(SectionSpec::new(
                &b".data"[..],
                Some(Perms::RW),
                &[0u8; 4][..],
            ));
            b.add_relocation(RelocationSpec {
                section: d,
                offset: 0,
                kind: R_AARCH64_ABS32,
                symbol: None,
                addend,
            });
            b
        };
        let bytes = write(&build(-268), &LayoutOptions::default()).expect("S + A = -268");
        let f = ElfFile::parse(&bytes).unwrap();
        let d = f.section_by_name(b".data").unwrap();
        assert_eq!(d.data().unwrap(), &(-268i32).to_le_bytes()[..]);
        for addend in [-(1i64 << 31) - 1, 1 << 32] {
            assert!(
                build(addend).layout(&LayoutOptions::default()).is_err(),
                "S + A = {addend:#x} accepted"
            );
        }
    }

    /// A thread-local section and a variable in it, for the TLS cases.
    fn with_tls(b: &mut Builder<'static>, loaded: bool) -> (SectionId, SymbolId) {
        let mut t = SectionSpec::new(&b".tdata"[..], Some(Perms::RW), &[1u8; 8][..])
            .align(8)
            .tls();
        if !loaded {
            t.perms = None;
        }
        let t = b.add_section(t);
        let v = b.add_symbol(SymbolSpec::global(&b"tv"[..], t, 4).tls(4));
        (t, v)
    }

    /// Bug 16 (found by the model, seed 0xe1f5eed2026 case 805): a
    /// relocation that is not a TLS one against a thread-local variable
    /// (whose value is an offset in the TLS segment, not an address) is
    /// refused rather than made `RELATIVE` or PC-relative to an offset.
    #[test]
    fn non_tls_relocations_against_thread_local_variables_are_refused() {
        for (file_type, kind) in [
            (ET_DYN, R_X86_64_64),
            (ET_DYN, R_X86_64_PC32),
            (ET_EXEC, R_X86_64_32),
        ] {
            let mut b = Builder::new(FileKind::x86_64(file_type));
            let (_, v) = with_tls(&mut b, true);
            let d = b.add_section(SectionSpec::new(
                &b".data"[..],
                Some(Perms::RW),
                &[0u8; 8][..],
            ));
            b.add_relocation(RelocationSpec {
                section: d,
                offset: 0,
                kind,
                symbol: Some(v),
                addend: 0,
            });
            assert!(
                b.layout(&LayoutOptions::default()).is_err(),
                "type {kind} against a TLS variable in file type {file_type}"
            );
        }
    }

    /// Bug 17 (found writing the model's rules): a TLS relocation against a
    /// symbol in a TLS section that is not loaded (so in no TLS segment)
    /// is refused, not resolved against address 0.
    #[test]
    fn tls_relocations_against_unloaded_tls_sections_are_refused() {
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        let (_, v) = with_tls(&mut b, false);
        let d = b.add_section(SectionSpec::new(
            &b".data"[..],
            Some(Perms::RW),
            &[0u8; 8][..],
        ));
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 0,
            kind: R_X86_64_DTPOFF64,
            symbol: Some(v),
            addend: 0,
        });
        assert!(b.layout(&LayoutOptions::default()).is_err());
    }

    /// Bug 18 (found writing the model's rules): relocations in TLS zeros
    /// (`.tbss`, which takes no room in its segment: its addresses are the
    /// next sections') are refused, not applied over those sections.
    #[test]
    fn relocations_in_tls_zeros_are_refused() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        let tbss = b.add_section(SectionSpec::zeros(&b".tbss"[..], 16).align(8).tls());
        b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[7u8; 16][..]).align(8));
        b.add_relocation(RelocationSpec {
            section: tbss,
            offset: 0,
            kind: R_X86_64_64,
            symbol: None,
            addend: 0,
        });
        assert!(b.layout(&LayoutOptions::default()).is_err());
    }

    /// Bug 19 (found writing the model's rules): `R_*_NONE` does nothing,
    /// in zeros too (it was refused for having no bytes to patch).
    #[test]
    fn none_relocations_in_zeros_are_accepted() {
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        let bss = b.add_section(SectionSpec::zeros(&b".bss"[..], 16));
        b.add_relocation(RelocationSpec {
            section: bss,
            offset: 4,
            kind: R_X86_64_NONE,
            symbol: None,
            addend: 0,
        });
        assert!(write(&b, &LayoutOptions::default()).is_some());
    }

    /// Bug 20 (found by the model, seed 0xe1f5eed2026 case 1036): a TLS
    /// segment of zeros only keeps its `p_offset` inside the file (the
    /// offset congruent to its address lay past the end).
    #[test]
    fn tls_zeros_alone_keep_pt_tls_inside_the_file() {
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        b.add_section(SectionSpec::zeros(&b".tbss"[..], 0x100).align(0x1000).tls());
        let opts = LayoutOptions {
            page_size: 0x10000,
            ..LayoutOptions::default()
        };
        let bytes = write(&b, &opts).unwrap();
        let f = ElfFile::parse(&bytes).unwrap();
        let t = f.segments().find(|p| p.p_type == PT_TLS).unwrap();
        assert_eq!((t.p_filesz, t.p_memsz, t.p_align), (0, 0x100, 0x1000));
        assert!(
            t.p_offset <= bytes.len() as u64,
            "{t:?} in {:#x} bytes",
            bytes.len()
        );
        assert!(f.segment_data(&t).is_ok());
    }

    /// Bug 21 (found fixing the model's 32-bit loader): a 32-bit file's
    /// `R_*_RELATIVE` in `.rela.dyn` holds the link-time S + A in its
    /// addend: a value that does not fit the 32-bit word is refused, as
    /// the RELR form and resolved words are, not truncated.
    #[test]
    fn elf32_relative_addends_that_do_not_fit_are_refused() {
        let build = |addend: i64| {
            let mut b = Builder::new(kind(Class::Elf32, Endian::Little, EM_X86_64, ET_DYN));
            let d = b.add_section(SectionSpec::new(
                &b".data"[..],
                Some(Perms::RW),
                &[0u8; 4][..],
            ));
            let far = b.add_symbol(SymbolSpec::local(&b"far"[..], d, 0xf000_0000));
            b.add_relocation(RelocationSpec {
                section: d,
                offset: 0,
                kind: R_X86_64_32,
                symbol: Some(far),
                addend,
            });
            b
        };
        assert!(write(&build(0x10), &LayoutOptions::default()).is_some());
        assert!(
            build(0x2000_0000)
                .layout(&LayoutOptions::default())
                .is_err(),
            "S + A past 4 GiB in an Elf32_Rela addend"
        );
    }

    /// A linked file cannot hold common blocks (a linker allocates them):
    /// refused in executables and shared objects, kept in objects.
    #[test]
    fn common_symbols_only_in_objects() {
        for (file_type, ok) in [(ET_REL, true), (ET_EXEC, false), (ET_DYN, false)] {
            let mut b = Builder::new(FileKind::x86_64(file_type));
            let mut c = SymbolSpec::undefined(&b"common"[..]).object(8);
            c.place = SymbolPlace::Common;
            c.value = 8;
            b.add_symbol(c);
            assert_eq!(
                b.layout(&LayoutOptions::default()).is_ok(),
                ok,
                "a common symbol in file type {file_type}"
            );
        }
    }

    /// A static executable has no dynamic table: a soname or runpath is
    /// refused rather than dropped; with an interpreter it is written.
    #[test]
    fn static_executables_refuse_soname_and_runpath() {
        for soname in [true, false] {
            let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
            if soname {
                b.soname = Some((&b"libx.so.1"[..]).into());
            } else {
                b.runpath = Some((&b"$ORIGIN"[..]).into());
            }
            assert!(b.layout(&LayoutOptions::default()).is_err());
            b.interpreter = Some((&b"/lib64/ld-linux-x86-64.so.2"[..]).into());
            let bytes = write(&b, &LayoutOptions::default()).unwrap();
            let d = ElfFile::parse(&bytes).unwrap().dynamic().unwrap().unwrap();
            let tag = if soname { DT_SONAME } else { DT_RUNPATH };
            assert!(d.iter().any(|e| e.d_tag == tag));
        }
    }

    fn corpus(rel: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(rel);
        std::fs::read(&p).unwrap()
    }

    fn rewrite(data: &[u8]) -> Vec<u8> {
        Rewriter::new(&ElfFile::parse(data).unwrap())
            .unwrap()
            .write()
            .unwrap()
    }

    /// Sets a field of section header `index`: (ELF64 offset, size).
    fn set_shdr(data: &mut [u8], index: usize, field: usize, value: u64) {
        let f = ElfFile::parse(data).unwrap();
        assert_eq!(f.class(), Class::Elf64);
        let at = f.header().e_shoff as usize + index * 64 + field;
        data[at..at + 8].copy_from_slice(&value.to_le_bytes());
    }

    /// Bug R1: A segment whose p_filesz runs past the end of the file: the
    /// rewrite must still be stable.
    #[test]
    fn rewrite_is_stable_when_a_segment_runs_past_the_file() {
        let mut data = corpus("x86_64/exe");
        let f = ElfFile::parse(&data).unwrap();
        let i = f.segments().position(|p| p.p_type == PT_NOTE).unwrap();
        let at = f.header().e_phoff as usize + i * 56 + 32; // p_filesz
        data[at..at + 8].copy_from_slice(&(u64::MAX - 4).to_le_bytes());
        let once = rewrite(&data);
        let twice = rewrite(&once);
        assert_eq!(once.len(), twice.len(), "the second rewrite grew the file");
        assert!(once == twice);
    }

    /// Bug R2: An empty allocated section keeps an offset inside the output.
    #[test]
    fn rewritten_empty_sections_stay_readable() {
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        b.add_section(SectionSpec::new(&b".empty"[..], Some(Perms::RX), &[][..]));
        let opts = LayoutOptions {
            placement: Placement::Mmap,
            page_size: 0x10000,
            base: None,
        };
        let bytes = write(&b, &opts).unwrap();
        let out = rewrite(&bytes);
        let f = ElfFile::parse(&out).unwrap();
        for s in f.sections() {
            assert!(
                s.data().is_ok(),
                "section {} unreadable after the rewrite",
                s.index()
            );
        }
    }

    /// Bug R3: Empty (and NOBITS) sections do not make a second rewrite move
    /// the others.
    #[test]
    fn rewrite_is_stable_with_empty_sections() {
        let mut data = corpus("crel/x86_64.o");
        let f = ElfFile::parse(&data).unwrap();
        let symtab = f.section_by_type(SHT_SYMTAB).unwrap().index();
        set_shdr(&mut data, symtab, 32, 0); // sh_size
        let once = rewrite(&data);
        assert!(rewrite(&once) == once, "the second rewrite differs");
    }

    /// Bug 10b: Shared objects: a PC-relative relocation against an
    /// absolute symbol cannot be resolved when the file is written (`S` is
    /// fixed, `P` moves with the load address): refused.
    #[test]
    fn pc_relative_to_absolute_symbols_is_refused_in_shared_objects() {
        for (machine, kind) in [
            (EM_X86_64, R_X86_64_PC32),
            (EM_X86_64, R_X86_64_PC64),
            (EM_AARCH64, R_AARCH64_PREL32),
            (EM_AARCH64, R_AARCH64_ADR_PREL_PG_HI21),
        ] {
            let mut b = Builder::new(kind_of(machine));
            let text = b.add_section(
                SectionSpec::new(&b".text"[..], Some(Perms::RX), &[0u8; 8][..]).align(8),
            );
            let mut abs = SymbolSpec::undefined(&b"ABS"[..]);
            abs.place = SymbolPlace::Absolute;
            abs.value = 0x1234;
            let abs = b.add_symbol(abs);
            b.add_relocation(RelocationSpec {
                section: text,
                offset: 0,
                kind,
                symbol: Some(abs),
                addend: 0,
            });
            assert!(
                b.layout(&LayoutOptions::default()).is_err(),
                "machine {machine} type {kind}: S + A - P against an absolute symbol in a shared object"
            );
        }

        fn kind_of(machine: u16) -> FileKind {
            kind(Class::Elf64, Endian::Little, machine, ET_DYN)
        }
    }

    /// Bug 2b: an undefined local symbol that a dynamic relocation needs
    /// does not land after `.dynsym`'s `sh_info` (refused, or bound
    /// globally).
    #[test]
    fn needed_undefined_locals_do_not_follow_sh_info() {
        let mut b = Builder::new(FileKind::x86_64(ET_DYN));
        let d =
            b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 8][..]).align(8));
        let mut ext = SymbolSpec::undefined(&b"ext"[..]);
        ext.bind = STB_LOCAL;
        let ext = b.add_symbol(ext);
        b.add_relocation(RelocationSpec {
            section: d,
            offset: 0,
            kind: R_X86_64_64,
            symbol: Some(ext),
            addend: 0,
        });
        let Some(bytes) = write(&b, &LayoutOptions::default()) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        let dynsym = f.section_by_type(SHT_DYNSYM).unwrap();
        let first_global = dynsym.header().sh_info as usize;
        let t = f.symbol_table_of(&dynsym).unwrap();
        for (i, s) in t.iter().enumerate().skip(first_global) {
            assert_ne!(
                s.bind(),
                STB_LOCAL,
                ".dynsym {i} is local, after sh_info {first_global}"
            );
        }
    }

    /// Bug 6b: Mmap placement with a base that is a multiple of the page
    /// size but not of a section's larger alignment: refused, or still
    /// `p_offset ≡ p_vaddr (mod p_align)`.
    #[test]
    fn mmap_placement_with_a_base_below_the_segment_alignment() {
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        b.add_section(SectionSpec::new(
            &b".rodata"[..],
            Some(Perms::R),
            &[1u8; 8][..],
        ));
        b.add_section(
            SectionSpec::new(&b".text"[..], Some(Perms::RX), &[0xc3u8][..]).align(0x20_0000),
        );
        let opts = LayoutOptions {
            placement: Placement::Mmap,
            page_size: 0x1000,
            base: Some(0x1_0000),
        };
        let Some(bytes) = write(&b, &opts) else {
            return;
        };
        let f = ElfFile::parse(&bytes).unwrap();
        for p in f.segments().filter(|p| p.p_type == PT_LOAD) {
            assert_eq!(p.p_offset % p.p_align, p.p_vaddr % p.p_align, "{p:?}");
        }
    }

    /// Bug R4: an allocated NOBITS section whose offset lies past the end
    /// of the file (as the builder places `.bss`) makes the whole input the
    /// kept prefix (the offset is capped at the file's length), so an
    /// empty section's alignment padding at the end lengthens the output
    /// and a second rewrite places the sections after it elsewhere.
    #[test]
    fn rewrite_is_stable_with_bss_past_the_file() {
        let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
        b.add_section(SectionSpec::zeros(&b".bss"[..], 0x100).align(0x20_0000));
        let mut z = SectionSpec::zeros(&b".nobits"[..], 0x100).align(0x1_0000);
        z.perms = None;
        b.add_section(z);
        b.add_section(SectionSpec::new(&b".empty"[..], None, &[][..]).align(0x1000));
        let bytes = write(&b, &LayoutOptions::default()).unwrap();
        let once = rewrite(&bytes);
        let twice = rewrite(&once);
        assert!(once == twice, "the second rewrite differs");
    }

    /// Bug R5: when a segment covers the old section header table, the
    /// rewrite wrote the new table over the old one; a kept section whose
    /// bytes overlap the old table then changed (fixed in c18cf1d: the
    /// table goes in place only over nothing kept). Input: the fuzzer's
    /// (tests/data/roundtrip/rewrite-table-over-sections.elf: mutated
    /// i686 lib.so whose section headers point sections 19–27 over the
    /// table). Its section 1 also overlaps the file header, whose
    /// section-table fields (`e_shoff`, `e_shentsize`, `e_shnum`,
    /// `e_shstrndx`) a rewrite must change, since they say where the new
    /// table is: those bytes are masked, every other byte stays.
    #[test]
    fn rewrite_keeps_sections_that_overlap_the_old_table() {
        let data = corpus("roundtrip/rewrite-table-over-sections.elf");
        // ELF32: e_shoff at 32..36; e_shentsize, e_shnum, e_shstrndx at 46..52.
        let changed = [32..36, 46..52];
        let masked = |offset: u64, d: &[u8]| -> Vec<u8> {
            let mut d = d.to_vec();
            for r in &changed {
                for at in r.clone() {
                    if let Some(b) = (at as u64)
                        .checked_sub(offset)
                        .and_then(|k| d.get_mut(k as usize))
                    {
                        *b = 0;
                    }
                }
            }
            d
        };
        let f = ElfFile::parse(&data).unwrap();
        assert_eq!(f.class(), Class::Elf32);
        let before: Vec<Vec<u8>> = f
            .sections()
            .map(|s| masked(s.header().sh_offset, s.data().unwrap_or_default()))
            .collect();
        let out = rewrite(&data);
        let f = ElfFile::parse(&out).unwrap();
        for (s, b) in f.sections().zip(&before).skip(1) {
            let old_offset = ElfFile::parse(&data)
                .unwrap()
                .section(s.index())
                .unwrap()
                .header()
                .sh_offset;
            // A kept section reads the header as it is now; a moved one
            // carries the input's bytes.
            let offset = if s.header().sh_offset == old_offset {
                old_offset
            } else {
                u64::MAX
            };
            assert_eq!(
                masked(offset, s.data().unwrap()),
                masked(offset, b),
                "section {} changed",
                s.index()
            );
        }
        assert!(rewrite(&out) == out, "the second rewrite differs");
    }

    /// Bug R6: section 0's header (here garbage: the mutation moved
    /// `e_shoff` by one byte) counts as an allocated section reaching past
    /// the end of the file, so the whole input becomes the kept prefix; the
    /// output is longer, and a second rewrite keeps more and places the
    /// moved sections elsewhere. (Found by `rewrite_roundtrip_mutations`.)
    ///
    /// Bug R10, same input: its section 20 (garbage) starts inside the kept
    /// part and runs past it; it was copied whole after the kept part, so
    /// the rewrite planned 13.6 KB for an 8.3 KB file. Such a section now
    /// extends the kept part: no byte is copied twice.
    #[test]
    fn rewrite_is_stable_when_section_zero_reaches_past_the_file() {
        let mut data = corpus("s390x/lib.so");
        data[47] = 0o210;
        let once = rewrite(&data);
        assert!(rewrite(&once) == once, "the second rewrite differs");
        let sections = ElfFile::parse(&data).unwrap().section_count();
        assert!(
            once.len() <= data.len() + sections * 64 + 8,
            "{} bytes rewrite to {}",
            data.len(),
            once.len()
        );
    }

    /// Bug R7: the section header table written in place (a segment covers
    /// the old one) changed program headers that overlap it. A mutation of
    /// s390x/exe found by `rewrite_roundtrip_mutations` (seed 5, case
    /// 4202): four bytes, among them `e_phoff`. Now the table goes in place
    /// only over nothing kept (file header, program headers, segment
    /// bytes, kept sections), else at the end.
    #[test]
    fn rewrite_keeps_program_headers_that_overlap_the_old_table() {
        let mut data = corpus("s390x/exe");
        for (at, v) in [(38, 0o37), (7207, 0o6), (7466, 0o43), (7467, 0o250)] {
            data[at] = v;
        }
        let before: Vec<_> = ElfFile::parse(&data).unwrap().segments().collect();
        let out = rewrite(&data);
        let after: Vec<_> = ElfFile::parse(&out).unwrap().segments().collect();
        assert_eq!(before, after);
    }

    /// Bug R8: section alignments were honoured whatever their size, so a
    /// 17 KiB file rewrote to 128 KiB and that to 4 GiB of padding
    /// (`Rewriter::write` then asked for it all at once). Input: the
    /// fuzzer's (tests/data/roundtrip/rewrite-huge-alignment.elf). Now a
    /// re-placed section is aligned to at most `REPLACED_ALIGN_MAX`, and a
    /// plan over the documented bound is an error.
    #[test]
    fn rewrite_does_not_pad_to_huge_alignments() {
        let data = corpus("roundtrip/rewrite-huge-alignment.elf");
        let f = ElfFile::parse(&data).unwrap();
        let once = rewrite(&data);
        // The input, at most 64 bytes of padding per section, the table.
        let shentsize = if f.class() == Class::Elf32 { 40 } else { 64 };
        let bound = data.len() + f.section_count() * (64 + shentsize) + 8;
        assert!(
            once.len() <= bound,
            "a {:#x}-byte file rewrites to {:#x} bytes",
            data.len(),
            once.len()
        );
        assert!(rewrite(&once) == once, "the second rewrite differs");
    }

    /// Bug R9: segments that run past the end of the file (a mutation of
    /// armhf/exe: `e_phnum` 37 reads garbage program headers) make the
    /// whole input the kept part; the table, over a segment inside the
    /// file, was appended; the next rewrite kept that too (the segments
    /// still run past the end) and appended another, and empty sections
    /// went to the kept part's end, which moved with the output's length.
    /// Found by `rewrite_roundtrip_mutations` (seed 1, case 7654).
    #[test]
    fn rewrite_is_stable_when_segments_run_past_the_file() {
        let data = corpus("roundtrip/rewrite-segment-past-end.elf");
        let once = rewrite(&data);
        assert!(rewrite(&once) == once, "the second rewrite differs");
    }

    /// Bug R9, a variant: a PT_NOTE runs 276 bytes past the end of the
    /// file (a mutation of rewrite-table-over-alloc-section.elf), so the
    /// table appended at the end lay half under it; the next rewrite
    /// appended another. A table that starts in the kept part is now
    /// rewritten there when that changes nothing kept, with the re-placed
    /// sections after it. (`rewrite_roundtrip_mutations`, seed 6, case
    /// 2337.)
    #[test]
    fn rewrite_is_stable_when_the_table_runs_past_the_kept_part() {
        let data = corpus("roundtrip/rewrite-table-past-kept-end.elf");
        let once = rewrite(&data);
        assert!(rewrite(&once) == once, "the second rewrite differs");
    }

    /// Bug R11 (in the reader): section 0 of type SHT_DYNAMIC (garbage in
    /// the reserved entry) was taken for `.dynamic` by `section_by_type`,
    /// so `dynamic()` read whatever section 0's offset pointed at, and a
    /// rewrite (which writes section 0 anew and drops trailing bytes)
    /// changed it. (`rewrite_roundtrip_mutations`, seed 3, case 13302.)
    /// The same for the notes `build_id()` walks, and the version and
    /// extended-index sections (rewrite-section-zero-note.elf: seed 16,
    /// case 6135).
    #[test]
    fn section_zero_is_never_a_section_of_a_type() {
        let data = corpus("roundtrip/rewrite-section-zero-dynamic.elf");
        let f = ElfFile::parse(&data).unwrap();
        assert_eq!(f.section(0).unwrap().header().sh_type, SHT_DYNAMIC);
        assert!(
            f.section_by_type(SHT_DYNAMIC)
                .is_none_or(|s| s.index() != 0)
        );
        let once = rewrite(&data);
        let g = ElfFile::parse(&once).unwrap();
        let entries = |f: &ElfFile<'_>| {
            f.dynamic()
                .map(|d| d.map(|d| d.iter().collect::<Vec<_>>()))
                .map_err(|e| e.to_string())
        };
        assert_eq!(entries(&f), entries(&g));

        let data = corpus("roundtrip/rewrite-section-zero-note.elf");
        let f = ElfFile::parse(&data).unwrap();
        assert_eq!(f.section(0).unwrap().header().sh_type, SHT_NOTE);
        let once = rewrite(&data);
        let g = ElfFile::parse(&once).unwrap();
        assert!(f.build_id().unwrap().is_some());
        assert_eq!(f.build_id().unwrap(), g.build_id().unwrap());
    }

    /// Bug R12 (found by the growth property added with `add_needed`): a
    /// section table rewritten in place over `.dynamic` (garbage
    /// `e_shoff` in a mutation of i686/exe) was checked against the
    /// input's bytes there, not against the grown table the rewrite had
    /// just written, and overwrote it: the added `DT_NEEDED` and
    /// `DT_SONAME` were lost. (`rewrite_roundtrip_mutations`, seed 2, case
    /// 8520.)
    #[test]
    fn growing_keeps_a_dynamic_table_under_the_old_section_table() {
        let data = corpus("roundtrip/grow-table-over-dynamic.elf");
        let f = ElfFile::parse(&data).unwrap();
        let mut r = Rewriter::new(&f).unwrap();
        r.add_needed(b"libadded.so").unwrap();
        r.set_soname(b"libsoname.so").unwrap();
        let out = r.write().unwrap();
        let g = ElfFile::parse(&out).unwrap();
        let names: Vec<(i64, Vec<u8>)> = g
            .dynamic()
            .unwrap()
            .unwrap()
            .iter()
            .take_while(|d| d.d_tag != DT_NULL)
            .filter(|d| matches!(d.d_tag, DT_NEEDED | DT_SONAME))
            .map(|d| (d.d_tag, g.dynamic_string(d.d_val).unwrap().to_vec()))
            .collect();
        assert_eq!(
            names,
            [
                (DT_NEEDED, b"lib.so".to_vec()),
                (DT_NEEDED, b"libc.so.6".to_vec()),
                (DT_NEEDED, b"libadded.so".to_vec()),
                (DT_SONAME, b"libsoname.so".to_vec()),
            ]
        );
    }

    /// Bug R13 (the same property): a PT_LOAD whose `p_filesz` (8 MiB,
    /// garbage) exceeds its `p_memsz` covers the new segment's addresses
    /// through its file bytes, so readers mapped the new `.dynstr` to the
    /// wrong bytes. gABI forbids it; growing such a file is refused.
    /// (Seed 1, case 1255, a mutation of x86_64/nosections.)
    #[test]
    fn growing_a_file_with_filesz_over_memsz_is_refused() {
        let data = corpus("roundtrip/grow-filesz-over-memsz.elf");
        let f = ElfFile::parse(&data).unwrap();
        let mut r = Rewriter::new(&f).unwrap();
        r.add_needed(b"libadded.so").unwrap();
        assert!(r.write().is_err());
    }

    /// Bug R14 (the growth property): with two `DT_RUNPATH` entries (a
    /// mutated tag turned `DT_REL` into one), `set_runpath` changed the
    /// first, which readelf and elfin show, while ld.so uses the last.
    /// Every live entry of the tag is changed now (seed 1, case 9359).
    #[test]
    fn set_runpath_changes_every_runpath() {
        let data = corpus("roundtrip/grow-two-runpaths.elf");
        let f = ElfFile::parse(&data).unwrap();
        let count = |f: &ElfFile<'_>| {
            f.dynamic()
                .unwrap()
                .unwrap()
                .iter()
                .take_while(|d| d.d_tag != DT_NULL)
                .filter(|d| d.d_tag == DT_RUNPATH)
                .count()
        };
        assert_eq!(count(&f), 2);
        let mut r = Rewriter::new(&f).unwrap();
        r.set_runpath(b"/new/path").unwrap();
        let out = r.write().unwrap();
        let g = ElfFile::parse(&out).unwrap();
        assert_eq!(count(&g), 2);
        for d in g.dynamic().unwrap().unwrap().iter() {
            if d.d_tag == DT_RUNPATH {
                assert_eq!(g.dynamic_string(d.d_val).unwrap(), b"/new/path");
            }
        }
    }

    /// Bug R15 (the `rewrite_roundtrip` fuzz target, replaying its corpus
    /// after R14): a `DT_RPATH` after `DT_NULL` (dead: nothing reads past
    /// the end of the table) made `set_runpath` add a `DT_RPATH`, not the
    /// `DT_RUNPATH` it adds when a file has neither.
    #[test]
    fn set_runpath_ignores_entries_after_the_end() {
        let data = corpus("roundtrip/grow-dead-rpath.elf");
        let f = ElfFile::parse(&data).unwrap();
        let mut r = Rewriter::new(&f).unwrap();
        r.set_runpath(b"/new/path").unwrap();
        let out = r.write().unwrap();
        let g = ElfFile::parse(&out).unwrap();
        let live: Vec<i64> = g
            .dynamic()
            .unwrap()
            .unwrap()
            .iter()
            .take_while(|d| d.d_tag != DT_NULL)
            .map(|d| d.d_tag)
            .collect();
        assert!(live.contains(&DT_RUNPATH), "{live:?}");
        assert!(!live.contains(&DT_RPATH), "{live:?}");
    }

    /// A hostile plan is an error before anything is allocated: growing a
    /// file whose last segment claims a terabyte of memory would pad the
    /// file up to there (the new segment goes after every segment's
    /// memory, at the offset its address gives).
    #[test]
    fn growing_past_a_huge_bss_is_refused() {
        let mut data = corpus("x86_64/exe");
        let f = ElfFile::parse(&data).unwrap();
        let last = f
            .segments()
            .enumerate()
            .rfind(|(_, p)| p.p_type == PT_LOAD)
            .unwrap()
            .0;
        let at = f.header().e_phoff as usize + last * 56 + 40; // p_memsz
        data[at..at + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
        let f = ElfFile::parse(&data).unwrap();
        let mut r = Rewriter::new(&f).unwrap();
        r.set_interpreter(b"/a/much/longer/path/to/the/dynamic/loader/ld.so")
            .unwrap();
        let err = r.plan().unwrap_err();
        assert!(
            matches!(err.problem, elfin::Problem::TooLarge { .. }),
            "{err}"
        );
        assert!(r.write().is_err());
    }
}

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
