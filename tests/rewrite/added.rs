//! Sections added by the rewriter land in the file (readelf and objcopy
//! read their bytes back), and split debug files (every loaded section
//! NOBITS, `PT_DYNAMIC` with `p_filesz` 0) keep every segment's start
//! inside the file through a rewrite, also after a mutation leaves unused
//! space behind the loaded part.

use super::tools::{run, scratch, write_exec};
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::write::Rewriter;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The bytes of section `name` as `readelf -x` dumps them.
fn readelf_hex(path: &Path, name: &str) -> Vec<u8> {
    let out = run(Command::new("readelf").args(["-x", name]).arg(path));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut bytes = Vec::new();
    for line in text.lines() {
        // "  0x00000000 68656c6c 6f2c2065 6c66696e 00010203 hello, elfin...."
        let Some(rest) = line.trim_start().strip_prefix("0x") else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().skip(1).take(4).collect();
        for w in words {
            if w.len() % 2 != 0 || !w.bytes().all(|b| b.is_ascii_hexdigit()) {
                break;
            }
            for i in (0..w.len()).step_by(2) {
                bytes.push(u8::from_str_radix(&w[i..i + 2], 16).unwrap());
            }
        }
    }
    bytes
}

#[test]
fn added_sections_are_written_after_the_kept_part() {
    if !crate::common::tools::require(&["readelf", "objcopy"]) {
        return;
    }
    let dir = scratch("added-section");
    let input = std::fs::read(crate::common::data_path("x86_64/exe")).unwrap();
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    let payload: Vec<u8> = b"hello, elfin\0".iter().copied().chain(0..=255u8).collect();
    let index = r
        .add_section(&b".elfin.added"[..], SHT_PROGBITS, payload.clone(), 8)
        .unwrap();
    let plan = r.plan().unwrap();
    let header = plan.sections()[index - 1];
    assert!(
        header.sh_offset >= plan.loaded_end(),
        "the added section at {:#x} is inside the kept part (..{:#x})",
        header.sh_offset,
        plan.loaded_end()
    );
    let kept_end = plan.loaded_end();
    let out = r.write_plan(plan).unwrap();
    let path = dir.join("exe");
    write_exec(&path, &out);
    assert_eq!(readelf_hex(&path, ".elfin.added"), payload, "readelf -x");
    let dumped = dir.join("dumped");
    let status = run(Command::new("objcopy")
        .arg(format!("--dump-section=.elfin.added={}", dumped.display()))
        .arg(&path)
        .arg(dir.join("copy")));
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(
        std::fs::read(&dumped).unwrap(),
        payload,
        "objcopy --dump-section"
    );
    // The reader agrees, and the loaded part is the input's.
    let f = ElfFile::parse(&out).unwrap();
    let s = f.section_by_name(b".elfin.added").unwrap();
    assert_eq!(s.data().unwrap(), &payload[..]);
    // (past the file header, whose e_shoff and e_shnum change)
    let kept = 64..kept_end as usize;
    assert!(out[kept.clone()] == input[kept], "the kept part changed");
}

/// The split debug files of `tests/data/debug` (made by its `make.sh`).
fn debug_files() -> Vec<PathBuf> {
    let dir = crate::common::data_path("debug");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "debug"))
        .collect();
    files.sort();
    files
}

/// What a reader takes from the segments: each one's length (or that it
/// does not read), and the number of dynamic entries (or that they do not
/// read).
fn segment_view(bytes: &[u8]) -> (Vec<Option<usize>>, Option<usize>) {
    let f = ElfFile::parse(bytes).unwrap();
    let segments = f
        .segments()
        .map(|p| f.segment_data(&p).ok().map(<[u8]>::len))
        .collect();
    let dynamic = f.dynamic().ok().map(|d| d.map_or(0, |d| d.iter().count()));
    (segments, dynamic)
}

/// `sh_size` of section `index` set to `size` (64- or 32-bit, either order).
fn set_section_size(data: &mut [u8], index: usize, size: u64) {
    let f = ElfFile::parse(data).unwrap();
    let enc = f.encoding();
    let off = f.header().e_shoff as usize;
    let wide = enc.class == elfin::read::Class::Elf64;
    let (entsize, at, n) = if wide { (64, 32, 8) } else { (40, 20, 4) };
    let at = off + index * entsize + at;
    let big = enc.endian == elfin::read::Endian::Big;
    for i in 0..n {
        let b = (size >> (8 * i)) as u8;
        data[at + if big { n - 1 - i } else { i }] = b;
    }
}

#[test]
fn split_debug_files_keep_their_segments_in_the_file() {
    let files = debug_files();
    assert!(files.len() >= 8, "tests/data/debug: {files:?}");
    for path in files {
        let input = std::fs::read(&path).unwrap();
        let f = ElfFile::parse(&input).unwrap();
        let dynamic = f.segments().find(|p| p.p_type == PT_DYNAMIC).unwrap();
        assert_eq!(
            dynamic.p_filesz,
            0,
            "{}: a split debug file",
            path.display()
        );
        let symtab = f.section_by_type(SHT_SYMTAB).unwrap();
        let (index, size, entsize) = (
            symtab.index(),
            symtab.header().sh_size,
            symtab.header().sh_entsize,
        );
        // As is, and with unused space after a shorter .symtab (what the
        // fuzzer did).
        let mut shorter = input.clone();
        set_section_size(&mut shorter, index, size - entsize);
        for data in [input, shorter] {
            let out = Rewriter::new(&ElfFile::parse(&data).unwrap())
                .unwrap()
                .write()
                .unwrap();
            assert_eq!(
                segment_view(&out),
                segment_view(&data),
                "{}: what the segments hold changed",
                path.display()
            );
            let ends = ElfFile::parse(&data)
                .unwrap()
                .segments()
                .map(|p| p.p_offset.saturating_add(p.p_filesz).min(data.len() as u64))
                .max()
                .unwrap();
            assert!(out.len() as u64 >= ends, "{}", path.display());
            let again = Rewriter::new(&ElfFile::parse(&out).unwrap())
                .unwrap()
                .write()
                .unwrap();
            assert!(again == out, "{}: a second rewrite differs", path.display());
        }
    }
}
