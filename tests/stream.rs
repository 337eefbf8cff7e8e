//! A streamed rewrite (`Rewriter::write_to`, and `elfin strip`/`rewrite`,
//! which copy the unchanged ranges with `copy_file_range`) gives the same
//! bytes as the in-memory one (`Rewriter::write`), on real files.

use elfin::ElfFile;
use elfin::write::{Piece, Rewriter};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Real files of several kinds: programs, libraries, objects, 32-bit and
/// big-endian ones, and this crate's own tool (large, with debug info).
fn files() -> Vec<PathBuf> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files: Vec<PathBuf> = [
        "x86_64/exe",
        "x86_64/lib.so",
        "x86_64/obj.o",
        "i686/exe",
        "i686/lib.so",
        "s390x/exe",
        "ppc64/lib.so",
        "aarch64/obj-zstd.o",
        "mips/exe",
    ]
    .iter()
    .map(|f| data.join(f))
    .filter(|p| p.exists())
    .collect();
    for f in ["/usr/bin/ls", "/usr/lib/x86_64-linux-gnu/libc.so.6"] {
        if Path::new(f).exists() {
            files.push(f.into());
        }
    }
    files.push(env!("CARGO_BIN_EXE_elfin").into());
    files
}

type Edit = fn(&mut Rewriter<'_>);

/// The ways each file is rewritten: unchanged, stripped, and grown (a new
/// needed library and soname move `.dynstr` and `.dynamic`; a longer
/// interpreter moves the program headers).
fn edits() -> [(&'static str, Edit); 4] {
    [
        ("unchanged", |_| {}),
        ("strip", |r| {
            r.strip();
        }),
        ("add-needed", |r| {
            let _ = r.add_needed(b"libelfin-test.so.1");
            let _ = r.set_soname(b"libelfin-streamed.so");
        }),
        ("interpreter", |r| {
            let _ = r.set_interpreter(b"/a/much/longer/path/to/the/dynamic/linker.so.2");
        }),
    ]
}

#[test]
fn write_to_equals_write() {
    let mut compared = 0;
    for path in files() {
        let bytes = std::fs::read(&path).unwrap();
        let file = ElfFile::parse(&bytes).unwrap();
        for (what, edit) in edits() {
            let mut r = Rewriter::new(&file).unwrap();
            edit(&mut r);
            let Ok(whole) = r.write() else { continue };
            let mut streamed = Vec::new();
            r.write_to(&mut streamed).unwrap();
            assert!(
                whole == streamed,
                "{} ({what}): streamed output differs",
                path.display()
            );
            // The pieces cover the output exactly, in order.
            let output = r.output().unwrap();
            let pieces = output.pieces();
            let total: u64 = pieces.iter().map(Piece::len).sum();
            assert_eq!(total, whole.len() as u64, "{} ({what})", path.display());
            compared += 1;
        }
    }
    assert!(compared >= 20, "only {compared} rewrites compared");
}

#[test]
fn the_command_line_writes_what_write_returns() {
    let dir = std::env::temp_dir().join(format!("elfin-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for path in files() {
        let bytes = std::fs::read(&path).unwrap();
        let file = ElfFile::parse(&bytes).unwrap();
        for (cmd, extra) in [
            ("strip", &[][..]),
            ("rewrite", &[][..]),
            ("rewrite", &["--add-needed", "libelfin-test.so.1"][..]),
        ] {
            let mut r = Rewriter::new(&file).unwrap();
            if cmd == "strip" {
                r.strip();
            }
            let edited = if extra.is_empty() {
                Ok(())
            } else {
                r.add_needed(b"libelfin-test.so.1")
            };
            let expected = edited.and_then(|()| r.write());
            let out = dir.join("out");
            let _ = std::fs::remove_file(&out);
            let status = Command::new(env!("CARGO_BIN_EXE_elfin"))
                .arg(cmd)
                .arg(&path)
                .arg("-o")
                .arg(&out)
                .args(extra)
                .output()
                .unwrap();
            match expected {
                Ok(expected) => {
                    assert!(
                        status.status.success(),
                        "{} {cmd} {extra:?}: {}",
                        path.display(),
                        String::from_utf8_lossy(&status.stderr)
                    );
                    let written = std::fs::read(&out).unwrap();
                    assert!(
                        written == expected,
                        "{} {cmd} {extra:?}: the command line wrote other bytes",
                        path.display()
                    );
                }
                Err(_) => assert_eq!(status.status.code(), Some(1), "{}", path.display()),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
