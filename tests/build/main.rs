//! The builder, checked by real consumers: the kernel runs what it builds,
//! gcc links its objects, dlopen loads its shared objects, GNU ld resolves
//! the same relocations to the same bytes, and readelf and eu-elflint find
//! nothing wrong.
#![cfg(feature = "alloc")]

mod arch_got_plt;
mod consumers;
mod many_sections;
mod narrow;
mod objects;
mod programs;
mod refusals;
mod relink;
mod riscv;
mod tls;
mod tls_dlopen;
#[path = "../common/tools.rs"]
mod tools;

pub use tools::{LINT, require, require_lint};

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("elfin-build-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

pub fn save(name: &str, bytes: &[u8], exec: bool) -> PathBuf {
    let p = tmp(name);
    std::fs::write(&p, bytes).unwrap();
    if exec {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    p
}

/// Runs `cmd` (a tool the test has `require`d).
fn output(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| {
        panic!(
            "{:?}: {e} (the test must `require` it first)",
            cmd.get_program()
        )
    })
}

/// readelf prints no warning and eu-elflint finds no error.
pub fn lint(path: &Path) {
    lint_allowing(path, &[]);
}

/// readelf prints no warning and eu-elflint says nothing but `allowed`
/// (its own rules that go beyond the gABI).
pub fn lint_allowing(path: &Path, allowed: &[&str]) {
    readelf_quiet(path);
    let out = output(
        Command::new("eu-elflint")
            .args(["--gnu-ld", "-q"])
            .arg(path),
    );
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let unexpected: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !allowed.contains(l))
        .collect();
    assert!(
        (out.status.success() || !allowed.is_empty()) && unexpected.is_empty(),
        "eu-elflint on {}:\n{text}",
        path.display()
    );
}

/// `readelf -a` reads `path` with no warning.
fn readelf_quiet(path: &Path) {
    let out = output(Command::new("readelf").args(["-a", "-W"]).arg(path));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.trim().is_empty(),
        "readelf on {}: {err}",
        path.display()
    );
}

/// eu-elflint's messages, with section and entry numbers left out.
fn elflint_messages(path: &Path) -> Vec<String> {
    let out = output(
        Command::new("eu-elflint")
            .args(["--gnu-ld", "-q"])
            .arg(path),
    );
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut m = String::new();
            let mut digits = false;
            for ch in l.chars() {
                if ch.is_ascii_digit() {
                    if !digits {
                        m.push('#');
                    }
                    digits = true;
                } else {
                    digits = false;
                    if ch != ' ' || !m.ends_with('[') {
                        m.push(ch);
                    }
                }
            }
            m
        })
        .collect()
}

/// readelf prints no warning on `path`, and eu-elflint says nothing about
/// it that it does not also say about `reference`, GNU ld's output for the
/// same input (eu-elflint does not know every ABI's relocation types).
pub fn lint_like(path: &Path, reference: &Path) {
    let allowed = elflint_messages(reference);
    readelf_quiet(path);
    let ours = elflint_messages(path);
    let extra: Vec<&String> = ours.iter().filter(|m| !allowed.contains(m)).collect();
    assert!(
        extra.is_empty(),
        "eu-elflint on {} (beyond what it says on {}):\n{extra:#?}",
        path.display(),
        reference.display()
    );
}

pub fn is_x86_64_linux() -> bool {
    let ok = cfg!(all(target_arch = "x86_64", target_os = "linux"));
    if !ok {
        println!("SKIP: not x86-64 Linux");
    }
    ok
}

pub fn gcc(args: &[&std::ffi::OsStr], out: &Path) {
    let st = output(Command::new("gcc").args(args).arg("-o").arg(out));
    assert!(
        st.status.success(),
        "gcc: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}

pub fn words_be(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_be_bytes()).collect()
}

pub fn words_le(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Runs `path` under `qemu` (a qemu-user program the test has `require`d)
/// and returns its exit status.
pub fn qemu(tool: &str, path: &Path) -> Option<i32> {
    Some(
        output(Command::new(tool).arg(path))
            .status
            .code()
            .unwrap_or(-1),
    )
}

/// Machine code with the relocations it needs, by symbol name.
#[derive(Default, Clone)]
pub struct Code {
    pub bytes: Vec<u8>,
    pub relocs: Vec<(u64, u32, &'static str, i64)>,
}

impl Code {
    /// Appends instruction bytes.
    pub fn op(&mut self, b: &[u8]) -> &mut Self {
        self.bytes.extend_from_slice(b);
        self
    }

    /// Appends a `size`-byte field that `kind` fills from `sym` + `addend`.
    pub fn field(&mut self, size: usize, kind: u32, sym: &'static str, addend: i64) -> &mut Self {
        self.relocs
            .push((self.bytes.len() as u64, kind, sym, addend));
        self.bytes.extend(std::iter::repeat_n(0, size));
        self
    }

    /// Appends little-endian instruction words, each with its relocation.
    pub fn words(&mut self, ws: &[(u32, Option<(u32, &'static str)>)]) -> &mut Self {
        for &(w, r) in ws {
            if let Some((kind, sym)) = r {
                self.relocs.push((self.bytes.len() as u64, kind, sym, 0));
            }
            self.bytes.extend_from_slice(&w.to_le_bytes());
        }
        self
    }
}

/// Adds `code`'s relocations to `section`, finding symbols in `syms`.
pub fn relocate(
    b: &mut elfin::write::Builder<'_>,
    section: elfin::write::SectionId,
    code: &Code,
    syms: &[(&str, elfin::write::SymbolId)],
) {
    for &(offset, kind, name, addend) in &code.relocs {
        let symbol = syms
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no symbol {name}"))
            .1;
        b.add_relocation(elfin::write::RelocationSpec {
            section,
            offset,
            kind,
            symbol: Some(symbol),
            addend,
        });
    }
}

/// GNU `ld` (`ld`, with `args`) links the relocatable twin `object` of
/// elfin's linked `linked`, with each of `place` placed where elfin put
/// it; ld's output must hold the same bytes in each of `compare`: the two
/// linkers resolved every relocation alike. Returns ld's output (always
/// `Some`: the test has `require`d `ld`).
pub fn ld_agrees(
    ld: &str,
    args: &[&str],
    object: &[u8],
    linked: &[u8],
    place: &[&str],
    compare: &[&str],
    name: &str,
) -> Option<Vec<u8>> {
    let ours = elfin::ElfFile::parse(linked).unwrap();
    let obj = save(&format!("{name}.o"), object, false);
    let out = tmp(&format!("{name}.ld"));
    let mut cmd = Command::new(ld);
    cmd.args(args);
    for s in place {
        let sec = ours.section_by_name(s.as_bytes()).unwrap();
        cmd.arg(format!("--section-start={s}={:#x}", sec.header().sh_addr));
    }
    let st = output(cmd.arg("-o").arg(&out).arg(&obj));
    assert!(
        st.status.success(),
        "{ld}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let theirs_bytes = std::fs::read(&out).unwrap();
    let theirs = elfin::ElfFile::parse(&theirs_bytes).unwrap();
    for s in compare {
        let a = ours.section_by_name(s.as_bytes()).unwrap();
        let b = theirs.section_by_name(s.as_bytes()).unwrap();
        if place.contains(s) {
            let (x, y) = (a.header().sh_addr, b.header().sh_addr);
            assert_eq!(x, y, "{name}: {s} address");
        }
        assert_eq!(
            a.data().unwrap(),
            b.data().unwrap(),
            "{name}: {s} differs from GNU ld's"
        );
    }
    Some(theirs_bytes)
}

/// Lays out and writes `b`, checking the round-trip properties that
/// fuzz/roundtrip.rs checks of the files it generates, for the ones it
/// does not generate yet (TLS, 0xff00+ sections, x32, ILP32): layout and
/// writing are deterministic, the file reads back as planned (file,
/// program and section headers, symbol values), and a no-op rewrite gives
/// the same bytes.
pub fn round_trip(b: &elfin::write::Builder<'_>, opts: &elfin::write::LayoutOptions) -> Vec<u8> {
    let plan = b.layout(opts).unwrap();
    let bytes = b.write(&plan).unwrap();
    assert_eq!(bytes.len() as u64, plan.file_size());
    let again = b.layout(opts).unwrap();
    assert_eq!(
        format!("{plan:?}"),
        format!("{again:?}"),
        "layout is not deterministic"
    );
    assert_eq!(
        b.write(&again).unwrap(),
        bytes,
        "writing is not deterministic"
    );
    let elf = elfin::ElfFile::parse(&bytes).unwrap();
    assert_eq!(elf.header(), *plan.header());
    assert_eq!(elf.segments().collect::<Vec<_>>(), plan.segments());
    assert_eq!(elf.section_count(), plan.sections().len() + 1);
    for (i, s) in plan.sections().iter().enumerate() {
        let sec = elf.section(i + 1).unwrap();
        assert_eq!(
            (*sec.header(), sec.name().unwrap()),
            (s.header, &s.name[..])
        );
    }
    let symtab = elf.symbol_table().unwrap().unwrap();
    for (k, s) in b.symbols().iter().enumerate() {
        let named: Vec<_> = symtab
            .raw()
            .iter()
            .filter(|x| symtab.name(x) == Ok(&s.name[..]))
            .collect();
        if let [one] = named[..] {
            assert_eq!(one.st_value, plan.symbol_values()[k], "symbol {k}");
        }
    }
    let rewritten = elfin::write::Rewriter::new(&elf).unwrap().write().unwrap();
    assert!(rewritten == bytes, "a no-op rewrite changes the file");
    bytes
}
