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
use support::json::{self, J};

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

fn readelf(args: &[&str], path: &std::path::Path) -> Option<String> {
    match Command::new("readelf")
        .env("LC_ALL", "C")
        .args(args)
        .arg(path)
        .output()
    {
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Err(_) => {
            println!("SKIP: salvage: readelf not found");
            None
        }
    }
}

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
