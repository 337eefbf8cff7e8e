//! The reader reads what can be read: one broken table never hides the
//! rest (issue 12). Every case of the hostile-file generator
//! (`tests/support/hostile.rs`: seven kinds of damage, 32 and 64 bit, both
//! byte orders) opens, and `elfin info --json` names each broken structure
//! and its offset; then one test per fix, on a patched copy of a real file,
//! with the records expected from readelf on the pristine file.
#![cfg(feature = "cli")]

mod support;

use elfin::ElfFile;
use elfin::raw::consts::*;
use std::path::PathBuf;
use std::process::Command;
use support::hostile::{self, Case};
use support::json;

/// A directory of this test run's own, for the patched files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("elfin-salvage-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &std::path::Path, case: &Case) -> PathBuf {
    let safe: String = case
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = dir.join(safe);
    std::fs::write(&path, &case.data).unwrap();
    path
}

/// `elfin info --json` of `path`: its exit status and its `errors`.
fn elfin_errors(path: &std::path::Path) -> (bool, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_elfin"))
        .args(["info", "--json"])
        .arg(path)
        .output()
        .unwrap();
    if !out.status.success() {
        return (false, Vec::new());
    }
    let v = json::parse(&out.stdout).unwrap();
    let errors = v
        .get("errors")
        .as_array()
        .unwrap_or(&[])
        .iter()
        .map(|e| e.as_str().unwrap_or("").to_owned())
        .collect();
    (true, errors)
}

fn readelf(args: &[&str], path: &std::path::Path) -> String {
    let o = Command::new("readelf")
        .env("LC_ALL", "C")
        .arg("-W")
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn have_readelf(test: &str) -> bool {
    let ok = Command::new("readelf").arg("--version").output().is_ok();
    if !ok {
        println!("SKIP: {test}: readelf not found");
    }
    ok
}

/// The number N in readelf's "<what> ... contains N entries" line.
fn entries(out: &str, what: &str) -> usize {
    let line = out
        .lines()
        .find(|l| l.contains(what) && l.contains(" contains "))
        .unwrap_or_else(|| panic!("readelf printed no {what}:\n{out}"));
    let n = line.split(" contains ").nth(1).unwrap();
    n.split(' ').next().unwrap().parse().unwrap()
}

/// The pristine base file (on disk, for readelf) and its case `what`.
fn case(base: &str, what: &str) -> (PathBuf, Case) {
    let path = hostile::data_path(base);
    let data = std::fs::read(&path).unwrap();
    let c = hostile::cases_of(base, &data)
        .into_iter()
        .find(|c| c.name.ends_with(what))
        .unwrap_or_else(|| panic!("no case {what} of {base}"));
    (path, c)
}

/// The bases of the fix tests: 64-bit little-endian, 32-bit big-endian.
const BASES: &[&str] = &["x86_64/lib.so", "powerpc/lib.so"];

#[test]
fn every_hostile_file_opens_and_names_what_is_broken() {
    let dir = scratch("all");
    let cases = hostile::cases();
    let mut kinds = [0usize; 8];
    let mut encodings = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        kinds[usize::from(case.kind)] += 1;
        encodings.insert((case.kind, case.data[4], case.data[5]));
        if let Err(e) = ElfFile::parse(&case.data) {
            failures.push(format!("{}: does not open: {e}", case.name));
            continue;
        }
        let path = write(&dir, case);
        let (ok, errors) = elfin_errors(&path);
        if !ok {
            failures.push(format!("{}: elfin info failed", case.name));
            continue;
        }
        for (structure, offset) in &case.errors {
            if !errors.iter().any(|e| hostile::names(e, structure, *offset)) {
                failures.push(format!(
                    "{}: no error names {structure} at {offset:#x}; errors: {errors:?}",
                    case.name
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every kind of damage, each in both classes and both byte orders.
    for kind in 1..=7u8 {
        for class in [1u8, 2] {
            for data in [1u8, 2] {
                assert!(
                    encodings.contains(&(kind, class, data)),
                    "no case of kind {kind} in class {class}, data {data}"
                );
            }
        }
    }
    assert!(cases.len() > 80, "only {} cases", cases.len());
}

/// Item 1: a program header table with a bad entry size: the sections
/// (readelf's count) are all there, the error names the header field.
#[test]
fn bad_program_header_table_keeps_the_sections() {
    if !have_readelf("bad_program_header_table_keeps_the_sections") {
        return;
    }
    for base in BASES {
        let (pristine, c) = case(base, "e_phentsize=7");
        let file = ElfFile::parse(&c.data).unwrap();
        let sections = readelf(&["-S"], &pristine)
            .lines()
            .filter(|l| l.trim_start().starts_with('['))
            .count()
            - 1; // the column header row "[Nr] Name ..."
        assert_eq!(file.section_count(), sections, "{base}");
        assert_eq!(file.segment_count(), 0, "{base}");
        let e = file.segments_error().unwrap();
        assert_eq!(
            (e.structure(), e.offset()),
            ("file header", c.errors[0].1),
            "{base}"
        );
        assert!(file.sections_error().is_none());
    }
}

/// Item 2: an absurd bloom size in .gnu.hash: .dynsym is listed in full
/// (readelf's count), lookups fall back to .hash, the error names the
/// GNU hash table at its offset.
#[test]
fn broken_gnu_hash_keeps_the_dynamic_symbols() {
    if !have_readelf("broken_gnu_hash_keeps_the_dynamic_symbols") {
        return;
    }
    for base in BASES {
        let (pristine, c) = case(base, ".gnu.hash bloom size");
        let file = ElfFile::parse(&c.data).unwrap();
        let ds = file.dynamic_symbols().unwrap().unwrap();
        let n = entries(&readelf(&["--dyn-syms"], &pristine), "'.dynsym'");
        assert_eq!(ds.symbols().len(), n, "{base}");
        assert!(matches!(ds.hash(), Some(elfin::read::HashTable::Sysv(_))));
        let name = ds
            .symbols()
            .name(&ds.symbols().get(n - 1).unwrap())
            .unwrap();
        assert_eq!(ds.lookup(name).unwrap().map(|(i, _)| i), Some(n - 1));
        let e = ds.hash_error().unwrap();
        assert_eq!(
            (e.structure(), e.offset()),
            ("GNU hash table", c.errors[0].1)
        );
    }
}

/// Item 3: without section headers, the count is DT_HASH's nchain (exact)
/// even when every GNU hash bucket is empty; and an nchain that disagrees
/// with the GNU chains is reported against the GNU hash table.
#[test]
fn without_sections_the_count_comes_from_dt_hash() {
    if !have_readelf("without_sections_the_count_comes_from_dt_hash") {
        return;
    }
    for base in BASES {
        let (pristine, c) = case(base, "no sections, empty GNU hash buckets");
        let n = entries(&readelf(&["--dyn-syms"], &pristine), "'.dynsym'");
        let file = ElfFile::parse(&c.data).unwrap();
        assert_eq!(file.section_count(), 0);
        let ds = file.dynamic_symbols().unwrap().unwrap();
        assert_eq!(ds.symbols().len(), n, "{base}");
        assert!(ds.hash_error().is_none(), "{:?}", ds.hash_error());
        // The relocations find their symbols' names (readelf -r on the
        // pristine file names them too).
        let relocs = file.dynamic_relocations().unwrap();
        let against: Vec<_> = [relocs.rela, relocs.rel, relocs.plt]
            .into_iter()
            .flatten()
            .flat_map(|t| t.iter())
            .filter(|r| r.symbol != 0)
            .collect();
        assert!(!against.is_empty(), "{base}");
        for r in against {
            let sym = ds.symbols().get(r.symbol as usize).unwrap();
            assert!(!ds.symbols().name(&sym).unwrap().is_empty(), "{base}");
        }

        // nchain one short of the GNU chains: nchain wins, and the GNU
        // table is reported.
        let mut data = std::fs::read(&pristine).unwrap();
        let pf = ElfFile::parse(&data).unwrap();
        let hash = pf.section_by_type(SHT_HASH).unwrap().header().sh_offset as usize;
        let gnu = pf.section_by_type(SHT_GNU_HASH).unwrap().header().sh_offset;
        let big = data[5] == 2;
        let word = |b: &[u8]| {
            let w = [b[0], b[1], b[2], b[3]];
            if big {
                u32::from_be_bytes(w)
            } else {
                u32::from_le_bytes(w)
            }
        };
        let nchain = word(&data[hash + 4..]);
        assert_eq!(nchain as usize, n);
        let short = if big {
            (nchain - 1).to_be_bytes()
        } else {
            (nchain - 1).to_le_bytes()
        };
        data[hash + 4..hash + 8].copy_from_slice(&short);
        let shoff = if data[4] == 2 { 0x28 } else { 0x20 };
        let zero = if data[4] == 2 { 8 } else { 4 };
        data[shoff..shoff + zero].fill(0);
        let shnum = if data[4] == 2 { 0x3c } else { 0x30 };
        data[shnum..shnum + 4].fill(0); // e_shnum, e_shstrndx
        let file = ElfFile::parse(&data).unwrap();
        let ds = file.dynamic_symbols().unwrap().unwrap();
        assert_eq!(ds.symbols().len(), n - 1, "{base}");
        let e = ds.hash_error().unwrap();
        assert_eq!(
            (e.structure(), e.offset()),
            ("GNU hash table", gnu),
            "{base}"
        );
    }
}

/// Item 4: a .dynamic section smaller than PT_DYNAMIC: the whole table
/// (readelf's count, up to DT_NULL) is read from the segment, and the
/// section is reported.
#[test]
fn dynamic_comes_from_pt_dynamic() {
    if !have_readelf("dynamic_comes_from_pt_dynamic") {
        return;
    }
    for base in BASES {
        let (pristine, c) = case(base, ".dynamic sh_size halved");
        let n = entries(&readelf(&["-d"], &pristine), "Dynamic section");
        let file = ElfFile::parse(&c.data).unwrap();
        let d = file.dynamic().unwrap().unwrap();
        assert_eq!(d.iter().count(), n, "{base}");
        assert_eq!(d.iter().last().unwrap().d_tag, DT_NULL);
        let errors: Vec<_> = d.errors().collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let dynamic = file.section_by_type(SHT_DYNAMIC).unwrap();
        assert_eq!(
            (errors[0].structure(), errors[0].index(), errors[0].offset()),
            (
                "section header",
                Some(dynamic.index() as u64),
                c.errors[0].1
            )
        );
    }
}

/// Item 5: e_shoff 0 with e_shnum kept: the header count is the header's
/// (as readelf prints it), there are no sections, and that is an error.
#[test]
fn header_counts_are_reported_as_they_are() {
    if !have_readelf("header_counts_are_reported_as_they_are") {
        return;
    }
    let dir = scratch("header");
    for base in BASES {
        let (_, c) = case(base, "e_shoff=0");
        let path = write(&dir, &c);
        let h = readelf(&["-h"], &path);
        let stated: u64 = h
            .lines()
            .find_map(|l| l.trim().strip_prefix("Number of section headers:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let file = ElfFile::parse(&c.data).unwrap();
        assert_eq!(file.stated_section_count(), stated, "{base}");
        assert_eq!(file.section_count(), 0);
        let e = file.sections_error().unwrap();
        assert_eq!((e.structure(), e.offset()), ("file header", c.errors[0].1));
        assert!(file.segment_count() > 0 && file.segments_error().is_none());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Item 6: a relocation section 3 bytes longer than its entries: the
/// entries (readelf's count) are read, the trailing bytes reported.
#[test]
fn relocation_trailing_bytes_are_reported() {
    if !have_readelf("relocation_trailing_bytes_are_reported") {
        return;
    }
    for base in BASES {
        let (pristine, c) = case(base, "relocation sh_size + 3");
        let file = ElfFile::parse(&c.data).unwrap();
        let s = file
            .sections()
            .find(|s| matches!(s.header().sh_type, SHT_REL | SHT_RELA) && s.header().sh_size > 0)
            .unwrap();
        let name = String::from_utf8_lossy(s.name().unwrap()).into_owned();
        let n = entries(&readelf(&["-r"], &pristine), &format!("'{name}'"));
        let t = file.relocation_table(&s).unwrap().unwrap();
        assert_eq!(t.as_fixed().unwrap().iter().count(), n, "{base} {name}");
        let e = file.relocation_table_error(&s).unwrap();
        assert_eq!(
            (e.structure(), e.index(), e.offset()),
            ("relocation section", Some(s.index() as u64), c.errors[0].1)
        );
    }
}

/// Item 7: `name@VER` and `name@@VER` told apart: the symbol given the
/// hidden bit is shown by readelf with one `@`, and elfin says hidden (in
/// the library and in `version_hidden`); the others keep `@@`.
#[test]
fn hidden_versions_are_told_apart() {
    if !have_readelf("hidden_versions_are_told_apart") {
        return;
    }
    let dir = scratch("hidden");
    for base in BASES {
        let (_, c) = case(base, "hidden version");
        let path = write(&dir, &c);
        let syms = readelf(&["--dyn-syms"], &path);
        let file = ElfFile::parse(&c.data).unwrap();
        let ds = file.dynamic_symbols().unwrap().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_elfin"))
            .args(["info", "--json"])
            .arg(&path)
            .output()
            .unwrap();
        let json = json::parse(&out.stdout).unwrap();
        let jsyms = json.get("dynsyms").as_array().unwrap();
        let (mut hidden, mut default) = (0, 0);
        assert_eq!(jsyms.len(), ds.symbols().len());
        for (i, jsym) in jsyms.iter().enumerate().skip(1) {
            let Ok(elfin::read::SymbolVersion::Defined {
                name, hidden: h, ..
            }) = ds.version(i)
            else {
                continue;
            };
            let sym = ds.symbols().get(i).unwrap();
            let base_name = String::from_utf8_lossy(ds.symbols().name(&sym).unwrap()).into_owned();
            let version = String::from_utf8_lossy(name).into_owned();
            if base_name == version {
                continue; // readelf shows a version's own symbol bare
            }
            let at = if h { "@" } else { "@@" };
            let shown = format!(" {base_name}{at}{version}");
            assert!(
                syms.lines().any(|l| l.ends_with(&shown)),
                "{base}: readelf does not show {shown}"
            );
            let jh = matches!(jsym.get("version_hidden"), support::json::J::Bool(true));
            assert_eq!(jh, h, "{base} symbol {i}");
            if h { hidden += 1 } else { default += 1 }
        }
        assert_eq!(hidden, 1, "{base}");
        assert!(default > 0, "{base}");
        let text = Command::new(env!("CARGO_BIN_EXE_elfin"))
            .args(["info"])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.lines().any(|l| l.contains('@') && !l.contains("@@")),
            "{base}"
        );
        assert!(text.contains("@@"), "{base}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
