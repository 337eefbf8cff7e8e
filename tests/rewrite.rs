//! Read-modify-write: a rewrite with no change reads back the same on every
//! ELF file on the machine and is stable; rewritten and stripped programs
//! still run; a rewritten libc still serves `ls`; grown files (a longer
//! interpreter, renamed and added libraries, new run paths and sonames:
//! `rewrite/dynamic.rs`) run and pass readelf and eu-elflint
//! (`rewrite/tools.rs`).
#![cfg(feature = "alloc")]

#[path = "rewrite/added.rs"]
mod added;
mod common;
#[path = "rewrite/dynamic.rs"]
mod dynamic;
#[path = "rewrite/edits.rs"]
mod edits;
#[path = "rewrite/tools.rs"]
mod tools;

use elfin::ElfFile;
use elfin::read::RelocationTable;
use elfin::write::Rewriter;
use std::path::Path;
use std::process::Command;

/// Everything the reader sees that a rewrite must keep, as comparable data.
fn fingerprint(elf: &ElfFile<'_>) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "{:?} {} {} entry {:#x}",
        elf.encoding(),
        elf.header().e_type,
        elf.machine(),
        elf.header().e_entry
    ));
    for p in elf.segments() {
        out.push(format!("{p:?}"));
    }
    for s in elf.sections() {
        let mut h = *s.header();
        h.sh_offset = 0; // sections outside the loaded part may move
        let data = s.data().map(|d| d.to_vec()).ok();
        out.push(format!(
            "{:?} {h:?} {}",
            s.name().ok(),
            data.map_or(0, |d| d
                .iter()
                .fold(0u64, |a, &b| a.wrapping_mul(31).wrapping_add(u64::from(b))))
        ));
    }
    if let Ok(Some(t)) = elf.symbol_table() {
        for s in t.iter() {
            out.push(format!("sym {:?} {s:?}", t.name(&s).ok()));
        }
    }
    if let Ok(Some(d)) = elf.dynamic_symbols() {
        for (i, s) in d.symbols().iter().enumerate() {
            out.push(format!(
                "dynsym {:?} {s:?} {:?}",
                d.symbols().name(&s).ok(),
                d.version(i).ok()
            ));
        }
    }
    if let Ok(Some(d)) = elf.dynamic() {
        for e in d.iter() {
            out.push(format!("dyn {e:?}"));
        }
    }
    for s in elf.sections() {
        match elf.relocation_table(&s) {
            Ok(Some(RelocationTable::Fixed(t))) => {
                for r in t.iter() {
                    out.push(format!("rel {} {r:?}", s.index()));
                }
            }
            Ok(Some(RelocationTable::Crel(t))) => {
                for r in t.iter() {
                    out.push(format!("rel {} {r:?}", s.index()));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn noop_rewrite_reads_back_the_same_on_every_elf_file() {
    // Files up to 64 MiB: the four 100+ MiB toolchain libraries are covered
    // by the write benchmark's no-op rewrite instead, to keep `cargo test`
    // short.
    let files = common::machine_elf_files(64 << 20);
    let (mut ok, mut skipped, mut failed) = (0, 0, Vec::new());
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(elf) = ElfFile::parse(&bytes) else {
            skipped += 1;
            continue;
        };
        let once = match Rewriter::new(&elf).and_then(|r| r.write()) {
            Ok(b) => b,
            Err(e) => {
                failed.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let again = ElfFile::parse(&once).expect("the rewrite parses");
        if fingerprint(&elf) != fingerprint(&again) {
            let (a, b) = (fingerprint(&elf), fingerprint(&again));
            let first = a
                .iter()
                .zip(&b)
                .find(|(x, y)| x != y)
                .map(|(x, y)| format!("{x}\n  became {y}"));
            failed.push(format!(
                "{}: differs: {}",
                path.display(),
                first.unwrap_or_else(|| format!("{} vs {} lines", a.len(), b.len()))
            ));
            continue;
        }
        let twice = Rewriter::new(&again).and_then(|r| r.write()).unwrap();
        if twice != once {
            failed.push(format!(
                "{}: a second rewrite changed the bytes",
                path.display()
            ));
            continue;
        }
        ok += 1;
    }
    println!(
        "rewrite: {ok} files read back the same, {skipped} not ELF enough to parse, {} failed",
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(ok > 50, "only {ok} files");
}

fn run(path: &Path, args: &[&str]) -> Option<(Option<i32>, Vec<u8>)> {
    let out = Command::new(path)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .ok()?;
    Some((out.status.code(), out.stdout))
}

#[test]
fn rewritten_and_stripped_programs_still_run() {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        println!("SKIP: not x86-64 Linux");
        return;
    }
    let dir = std::env::temp_dir().join(format!("elfin-rewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut programs: Vec<_> = std::fs::read_dir("/usr/bin")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    programs.sort();
    let mut checked = 0;
    for p in programs {
        if checked >= 50 {
            break;
        }
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let Ok(elf) = ElfFile::parse(&bytes) else {
            continue;
        };
        if elf.interpreter().ok().flatten().is_none() {
            continue;
        }
        // Only programs that answer --version the same way twice when run
        // from the scratch directory (some find their tools by their path).
        let orig = dir.join(format!("orig-{}", p.file_name().unwrap().to_string_lossy()));
        std::fs::write(&orig, &bytes).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&orig, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let Some(want) = run(&orig, &["--version"]) else {
            continue;
        };
        if want.0 != Some(0) || run(&orig, &["--version"]).as_ref() != Some(&want) {
            continue;
        }
        for strip in [false, true] {
            let mut r = Rewriter::new(&elf).unwrap();
            if strip {
                r.strip();
            }
            let out = r.write().unwrap();
            let q = dir.join(format!("new-{}", p.file_name().unwrap().to_string_lossy()));
            std::fs::write(&q, &out).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&q, std::fs::Permissions::from_mode(0o755)).unwrap();
            let got = run(&q, &["--version"]).unwrap();
            // Programs that print their own name would differ by path only.
            let norm = |b: &[u8]| {
                String::from_utf8_lossy(b)
                    .replace(q.to_str().unwrap(), "PROGRAM")
                    .replace(orig.to_str().unwrap(), "PROGRAM")
                    .replace(&*q.file_name().unwrap().to_string_lossy(), "PROGRAM")
                    .replace(&*orig.file_name().unwrap().to_string_lossy(), "PROGRAM")
            };
            assert_eq!(
                (got.0, norm(&got.1)),
                (want.0, norm(&want.1)),
                "{} (strip: {strip})",
                p.display()
            );
            assert!(!strip || out.len() <= bytes.len());
        }
        checked += 1;
    }
    println!("rewrite: {checked} programs ran the same rewritten and stripped");
    assert!(checked >= 20, "only {checked} programs checked");
}

#[test]
fn rewritten_libc_serves_ls() {
    let libc = Path::new("/lib/x86_64-linux-gnu/libc.so.6");
    let ldso = Path::new("/lib64/ld-linux-x86-64.so.2");
    if !libc.exists() || !ldso.exists() {
        println!("SKIP: no x86-64 glibc here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("elfin-libc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bytes = std::fs::read(libc).unwrap();
    let elf = ElfFile::parse(&bytes).unwrap();
    let mut r = Rewriter::new(&elf).unwrap();
    r.strip();
    std::fs::write(dir.join("libc.so.6"), r.write().unwrap()).unwrap();
    let normal = Command::new("/usr/bin/ls")
        .arg("-la")
        .arg("/usr")
        .output()
        .unwrap();
    let via = Command::new(ldso)
        .arg("--library-path")
        .arg(&dir)
        .args(["/usr/bin/ls", "-la", "/usr"])
        .output()
        .unwrap();
    assert!(
        via.status.success(),
        "{}",
        String::from_utf8_lossy(&via.stderr)
    );
    assert_eq!(via.stdout, normal.stdout);
    // The loader really used the rewritten copy.
    let trace = Command::new(ldso)
        .arg("--library-path")
        .arg(&dir)
        .args(["--list", "/usr/bin/ls"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&trace.stdout).contains(dir.to_str().unwrap()));
}

#[test]
fn rewrite_grows_needed_runpath_interpreter_and_segments() {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        println!("SKIP: not x86-64 Linux");
        return;
    }
    if !common::tools::require(&["/lib64/ld-linux-x86-64.so.2", "readelf", "eu-elflint"]) {
        return;
    }
    let dir = std::env::temp_dir().join(format!("elfin-grow-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("deeper/lib")).unwrap();
    std::fs::copy(
        common::data_path("x86_64/lib.so"),
        dir.join("deeper/lib/libelfin_renamed_with_a_long_name.so"),
    )
    .unwrap();
    let bytes = common::data("x86_64/exe");
    let elf = ElfFile::parse(&bytes).unwrap();
    let mut r = Rewriter::new(&elf).unwrap();
    r.replace_needed(b"lib.so", b"libelfin_renamed_with_a_long_name.so")
        .unwrap();
    r.set_runpath(b"$ORIGIN/deeper/lib").unwrap();
    r.set_interpreter(b"/lib64/../lib64/./ld-linux-x86-64.so.2")
        .unwrap();
    r.add_segment(
        b".elfin.ro",
        b"added read-only data".to_vec(),
        elfin::raw::consts::PF_R,
    )
    .unwrap();
    r.add_segment(
        b".elfin.rw",
        vec![7; 100],
        elfin::raw::consts::PF_R | elfin::raw::consts::PF_W,
    )
    .unwrap();
    assert!(r.replace_needed(b"no-such.so", b"x").is_err());
    let out = r.write().unwrap();
    let exe = dir.join("exe");
    std::fs::write(&exe, &out).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();

    // elfin reads the changes back.
    let new = ElfFile::parse(&out).unwrap();
    let needed: Vec<Vec<u8>> = new
        .dynamic()
        .unwrap()
        .unwrap()
        .iter()
        .filter(|d| d.d_tag == elfin::raw::consts::DT_NEEDED)
        .map(|d| new.dynamic_string(d.d_val).unwrap().to_vec())
        .collect();
    assert_eq!(needed[0], b"libelfin_renamed_with_a_long_name.so");
    assert_eq!(
        new.interpreter().unwrap().unwrap(),
        b"/lib64/../lib64/./ld-linux-x86-64.so.2"
    );
    let loads = new
        .segments()
        .filter(|p| p.p_type == elfin::raw::consts::PT_LOAD)
        .count();
    assert_eq!(
        loads,
        elf.segments()
            .filter(|p| p.p_type == elfin::raw::consts::PT_LOAD)
            .count()
            + 2
    );
    // The added segments are described by sections at their addresses.
    let ro = new.section_by_name(b".elfin.ro").unwrap();
    assert_eq!(ro.data().unwrap(), b"added read-only data");
    assert_eq!(
        new.data_at_vaddr(ro.header().sh_addr, 20).unwrap(),
        b"added read-only data"
    );
    assert_eq!(
        new.section_by_name(b".elfin.rw").unwrap().data().unwrap(),
        &[7; 100][..]
    );
    // The dynamic symbols still resolve through the moved string table.
    let d = new.dynamic_symbols().unwrap().unwrap();
    assert!(
        d.symbols()
            .iter()
            .any(|s| d.symbols().name(&s).is_ok_and(|n| n == b"lib_add"))
    );

    // readelf agrees and finds nothing wrong.
    if let Some(text) = common::readelf(&["-d", "-l"], &exe) {
        assert!(
            text.contains("Shared library: [libelfin_renamed_with_a_long_name.so]"),
            "{text}"
        );
        assert!(
            text.contains("Library runpath: [$ORIGIN/deeper/lib]"),
            "{text}"
        );
        assert!(
            text.contains(
                "[Requesting program interpreter: /lib64/../lib64/./ld-linux-x86-64.so.2]"
            ),
            "{text}"
        );
        let err = Command::new("readelf")
            .args(["-a", "-W"])
            .arg(&exe)
            .output()
            .unwrap()
            .stderr;
        assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
        let o = Command::new("eu-elflint")
            .args(["--gnu-ld", "-q"])
            .arg(&exe)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success() && text.trim().is_empty(),
            "eu-elflint: {text}"
        );
    }
    // And the kernel and ld.so run it, finding the renamed library through the new runpath.
    let run = Command::new(&exe).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "hello from elfin: beta 60 42 16\n",
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
