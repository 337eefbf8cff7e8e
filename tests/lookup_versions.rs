//! The three dynamic-symbol lookups against readelf's versions:
//! `lookup` (definitions of the default version, `name@@V`),
//! `lookup_versioned` (the named version, `name@V` or `name@@V`) and
//! `lookup_any_version` (any symbol of that name).

use std::process::Command;

/// One `readelf --dyn-syms -W` row: index, defined, name, version, default.
struct Row {
    index: usize,
    defined: bool,
    name: String,
    version: Option<String>,
    default: bool,
}

fn readelf_rows(path: &str) -> Option<Vec<Row>> {
    let out = Command::new("readelf")
        .args(["--dyn-syms", "-W", path])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut rows = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let Some(index) = f.first().and_then(|n| n.strip_suffix(':')?.parse().ok()) else {
            continue;
        };
        let Some(full) = f.get(7) else { continue };
        let (name, version, default) = match full.split_once("@@") {
            Some((n, v)) => (n, Some(v), true),
            None => match full.split_once('@') {
                Some((n, v)) => (n, Some(v), false),
                None => (*full, None, false),
            },
        };
        // readelf marks a version from .gnu.version_r with its index,
        // "name@V (3)", and prints it with one '@' whether hidden or not;
        // a definition with such a version (a copy relocation's target)
        // is not hidden.
        let needed = f.get(8).is_some_and(|x| x.starts_with('('));
        rows.push(Row {
            index,
            defined: f[6] != "UND",
            name: name.to_owned(),
            version: version.map(str::to_owned),
            default: default || needed,
        });
    }
    Some(rows)
}

fn check(path: &str) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let Some(rows) = readelf_rows(path) else {
        println!("SKIP: lookup_versions: readelf not found");
        return false;
    };
    let file = elfin::ElfFile::parse(&bytes).unwrap();
    let d = file.dynamic_symbols().unwrap().unwrap();
    let name_at = |i: usize| rows.iter().find(|r| r.index == i).map(|r| r.name.as_str());
    for r in rows.iter().filter(|r| !r.name.is_empty()) {
        let name = r.name.as_bytes();
        // The hash table holds the definitions (undefined references sit
        // before its first symbol), so any-version finds every defined name.
        if r.defined {
            let any = d.lookup_any_version(name).unwrap();
            assert_eq!(
                any.and_then(|(i, _)| name_at(i)),
                Some(r.name.as_str()),
                "{path}: any {}",
                r.name
            );
        }
        let default_definition = rows
            .iter()
            .find(|o| o.name == r.name && o.defined && (o.default || o.version.is_none()));
        assert_eq!(
            d.lookup(name).unwrap().map(|(i, _)| i),
            default_definition.map(|o| o.index),
            "{path}: default lookup of {}",
            r.name
        );
        if let (Some(v), true) = (&r.version, r.defined) {
            let (i, _) = d.lookup_versioned(name, v.as_bytes()).unwrap().unwrap();
            assert_eq!(i, r.index, "{path}: {}@{v}", r.name);
        }
    }
    true
}

#[test]
fn lookups_agree_with_readelf_on_libc_and_ls() {
    let libc = check("/lib/x86_64-linux-gnu/libc.so.6");
    let ls = check("/usr/bin/ls");
    if !libc && !ls {
        println!("SKIP: lookups_agree_with_readelf_on_libc_and_ls: no libc.so.6 or ls");
    }
}

#[test]
fn default_lookup_skips_undefined_references() {
    let Ok(bytes) = std::fs::read("/usr/bin/ls") else {
        println!("SKIP: default_lookup_skips_undefined_references: /usr/bin/ls not found");
        return;
    };
    let Some(rows) = readelf_rows("/usr/bin/ls") else {
        println!("SKIP: default_lookup_skips_undefined_references: readelf not found");
        return;
    };
    let file = elfin::ElfFile::parse(&bytes).unwrap();
    let d = file.dynamic_symbols().unwrap().unwrap();
    // readelf lists getenv as an undefined reference of ls.
    let getenv = rows.iter().find(|r| r.name == "getenv").unwrap();
    assert!(!getenv.defined);
    assert!(d.lookup(b"getenv").unwrap().is_none());
}
