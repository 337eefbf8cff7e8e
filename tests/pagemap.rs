//! `elfin pagemap` against readelf on files of the machine, and the
//! README's picture (`docs/pagemap.svg`), kept current.

use std::path::Path;
use std::process::Command;

use elfin::raw::consts::ET_EXEC;
use elfin::write::{Builder, FileKind, LayoutOptions, Perms, SectionSpec, SymbolSpec};

fn readelf(args: &str, path: &Path) -> Option<String> {
    let out = Command::new("readelf").arg(args).arg(path).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// (name, offset, size, is NOBITS) for each section readelf lists, but 0.
fn sections(path: &Path) -> Vec<(String, u64, u64, bool)> {
    let text = readelf("-SW", path).unwrap();
    text.lines()
        .filter_map(|l| {
            let rest = l.trim_start().strip_prefix('[')?;
            let (num, rest) = rest.split_once(']')?;
            let n: usize = num.trim().parse().ok()?;
            let f: Vec<&str> = rest.split_whitespace().collect();
            if n == 0 || f.len() < 6 || f[1] == "NULL" {
                return None;
            }
            let hex = |s: &str| u64::from_str_radix(s, 16).ok();
            Some((f[0].to_owned(), hex(f[3])?, hex(f[4])?, f[1] == "NOBITS"))
        })
        .collect()
}

/// (offset, filesz) of each PT_LOAD readelf lists.
fn loads(path: &Path) -> Vec<(u64, u64)> {
    let text = readelf("-lW", path).unwrap();
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.first() != Some(&"LOAD") {
                return None;
            }
            let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok();
            Some((hex(f[1])?, hex(f[4])?))
        })
        .collect()
}

#[test]
fn json_agrees_with_readelf() {
    if Command::new("readelf").arg("--version").output().is_err() {
        println!("SKIP: json_agrees_with_readelf: readelf not found");
        return;
    }
    let files = [
        "/usr/bin/ls",
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/lib/x86_64-linux-gnu/Scrt1.o",
        env!("CARGO_BIN_EXE_elfin"),
    ];
    for file in files.iter().map(Path::new).filter(|p| p.exists()) {
        let out = Command::new(env!("CARGO_BIN_EXE_elfin"))
            .args(["pagemap", "--format", "json"])
            .arg(file)
            .output()
            .unwrap();
        assert!(out.status.success());
        let map: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ours: Vec<(String, u64, u64, bool)> = map["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_owned(),
                    s["offset"].as_u64().unwrap(),
                    s["size"].as_u64().unwrap(),
                    s["nobits"].as_bool().unwrap(),
                )
            })
            .collect();
        let theirs = sections(file);
        assert_eq!(ours.len(), theirs.len(), "{}", file.display());
        for (a, b) in ours.iter().zip(&theirs) {
            // readelf -W cuts long names with "[...]".
            let name = b.0.trim_end_matches("[...]");
            assert!(a.0.starts_with(name), "{}: {a:?} vs {b:?}", file.display());
            assert_eq!((a.1, a.2, a.3), (b.1, b.2, b.3), "{}", file.display());
        }
        // A page is loaded when some PT_LOAD's file bytes touch it.
        let size = std::fs::metadata(file).unwrap().len();
        let pages = size.div_ceil(4096);
        let segments = loads(file);
        let loaded = (0..pages)
            .filter(|p| {
                let (start, end) = (p * 4096, (p + 1) * 4096);
                segments
                    .iter()
                    .any(|&(off, filesz)| filesz > 0 && off < end && off + filesz > start)
            })
            .count() as u64;
        assert_eq!(map["pages"].as_array().unwrap().len() as u64, pages);
        assert_eq!(map["totals"]["loaded_pages"].as_u64().unwrap(), loaded);
        assert_eq!(
            map["totals"]["unloaded_pages"].as_u64().unwrap(),
            pages - loaded
        );
    }
}

/// The file the README's picture shows: code, read-only data, RELRO data,
/// data, .bss, and a debug tail outside every segment.
fn example_file() -> Vec<u8> {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let code = [0xbfu8, 42, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05];
    let mut text = code.to_vec();
    text.resize(6000, 0x90);
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), text).align(16));
    b.add_section(SectionSpec::new(&b".rodata"[..], Some(Perms::R), vec![7u8; 2500]).align(16));
    b.add_section(
        SectionSpec::new(&b".data.rel.ro"[..], Some(Perms::RW), vec![1u8; 800])
            .align(8)
            .relro(),
    );
    b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), vec![2u8; 1500]).align(8));
    b.add_section(SectionSpec::zeros(&b".bss"[..], 9000).align(32));
    b.add_section(SectionSpec::new(
        &b".debug_info"[..],
        None,
        vec![3u8; 14000],
    ));
    b.add_section(SectionSpec::new(&b".debug_line"[..], None, vec![4u8; 5000]));
    let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], t, 0).function(12));
    b.entry = Some(start);
    let plan = b.layout(&LayoutOptions::default()).unwrap();
    b.write(&plan).unwrap()
}

#[test]
fn readme_picture_is_current() {
    let bytes = example_file();
    let map = elfin::pagemap::PageMap::from_bytes(&bytes, 4096).unwrap();
    assert!(map.errors.is_empty());
    let svg = elfin::pagemap::svg::render(&map, "example (written by elfin::write::Builder)");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/pagemap.svg");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != svg {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &svg).unwrap();
        panic!("docs/pagemap.svg was out of date: rewritten, commit it");
    }
}
