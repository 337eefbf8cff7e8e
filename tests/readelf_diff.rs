//! Differential test against GNU readelf: every ELF file on the machine
//! (`/usr/bin`, `/usr/sbin`, `/usr/lib`, `/usr/libexec`, `/usr/lib64`,
//! `~/.rustup/toolchains` and the committed corpus in `tests/data`) goes
//! through `elfin info --json` and `readelf -W -h -l -S -s --dyn-syms -d -r
//! -n`, and every table is compared field by field: header, sections,
//! segments, symbols, dynamic symbols with their version names, the dynamic
//! table, every relocation (REL, RELA and decoded RELR) and notes. Files
//! without section headers are also run through `readelf -W -D -s -r`
//! (their symbols and relocations are only reachable through the dynamic
//! table).
//!
//! readelf's text is parsed by `support::readelf`; elfin's numbers are
//! turned into readelf's names by `support::names`, which mirrors
//! `readelf.c` (binutils 2.40).
//!
//! Every place where the two tools deliberately differ is handled in one
//! spot, explained in a comment marked `DIFF:`, and counted; the counts are
//! printed in the summary. Known elfin bugs would be listed in
//! [`KNOWN_ELFIN_BUGS`] (none at present).
//!
//! Speed: two worker threads (the machine has 2 cores), biggest files
//! first; a JSON reader of its own (`support::json`, several times faster
//! than `serde_json::Value`). Every table of every file is compared in
//! full: on this machine (about 3100 files, 4.2 GB, 2.5 M symbols, 7 M
//! relocations) that takes 1-2 minutes, most of it in running the two
//! tools. Should the corpus grow beyond that, files above [`FULL_UP_TO`]
//! bytes get their symbols and relocations sampled (every
//! [`SAMPLE_STEP`]th entry plus the last; counts always in full); the
//! summary prints how many entries were sampled out (none today).
//!
//! Without readelf the test prints `SKIP: readelf_diff: readelf not found`
//! and passes.
//!
//! For debugging: `READELF_DIFF_FILTER=substring` limits the run to the
//! paths that contain it; `READELF_DIFF_PROFILE=1` prints per-file times.
#![cfg(feature = "cli")]

mod support;
#[path = "common/tools.rs"]
mod tools;

use std::collections::{BTreeMap, HashSet};
use std::fmt::Display;
use std::io::Write;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::json::{self, J};
use support::names::{self, Target};
use support::readelf::{self, Readelf, RelKind, RelocSection, SymbolTable};

/// Files up to this size are compared in full (today: all of them; the
/// largest file here is 200 MB).
const FULL_UP_TO: u64 = 1 << 30;
/// Above [`FULL_UP_TO`], symbols and relocations are compared at every
/// `SAMPLE_STEP`th index (and the last one).
const SAMPLE_STEP: usize = 97;
/// Mismatches printed in detail.
const SHOW: usize = 30;

/// Known elfin bugs: (file name suffix, table, field). A mismatch on such a
/// field of such a file is counted as known instead of failing the test.
/// Empty: no known elfin bug is being tolerated.
const KNOWN_ELFIN_BUGS: &[(&str, &str, &str)] = &[];

const READELF_ARGS: &[&str] = &["-W", "-h", "-l", "-S", "-s", "--dyn-syms", "-d", "-r", "-n"];
const READELF_DYNAMIC_ARGS: &[&str] = &["-W", "-D", "-s", "-r"];

// ---------------------------------------------------------------------------
// Results

#[derive(Debug, Clone)]
struct Mismatch {
    file: String,
    table: String,
    index: String,
    field: String,
    elfin: String,
    readelf: String,
}

#[derive(Debug, Default)]
struct Totals {
    files: u64,
    full_files: u64,
    sampled_files: u64,
    headers: u64,
    sections: u64,
    segments: u64,
    symbols: u64,
    dynsyms: u64,
    dynamic: u64,
    relocations: u64,
    notes: u64,
    /// Entries skipped by sampling.
    sampled_out: u64,
    mismatches: u64,
    known: u64,
    shown: Vec<Mismatch>,
    /// Deliberate differences met, by kind.
    diffs: BTreeMap<&'static str, u64>,
    /// Files whose JSON `errors` list is not empty (file, first error).
    elfin_errors: Vec<(String, String)>,
    slowest: Vec<(Duration, String)>,
}

impl Totals {
    fn add(&mut self, c: Ctx) {
        self.files += 1;
        if c.step > 1 {
            self.sampled_files += 1;
        } else {
            self.full_files += 1;
        }
        self.headers += c.n.headers;
        self.sections += c.n.sections;
        self.segments += c.n.segments;
        self.symbols += c.n.symbols;
        self.dynsyms += c.n.dynsyms;
        self.dynamic += c.n.dynamic;
        self.relocations += c.n.relocations;
        self.notes += c.n.notes;
        self.sampled_out += c.n.sampled_out;
        self.mismatches += c.mismatches;
        self.known += c.known;
        for m in c.shown {
            if self.shown.len() < SHOW {
                self.shown.push(m);
            }
        }
        for (k, v) in c.diffs {
            *self.diffs.entry(k).or_default() += v;
        }
        if let Some(e) = c.elfin_errors.first() {
            self.elfin_errors.push((c.file.clone(), e.clone()));
        }
        self.slowest.push((c.elapsed, c.file));
        self.slowest.sort_by_key(|e| std::cmp::Reverse(e.0));
        self.slowest.truncate(5);
    }
}

#[derive(Debug, Default)]
struct Counts {
    headers: u64,
    sections: u64,
    segments: u64,
    symbols: u64,
    dynsyms: u64,
    dynamic: u64,
    relocations: u64,
    notes: u64,
    sampled_out: u64,
}

/// One file's comparison.
struct Ctx {
    file: String,
    step: usize,
    n: Counts,
    mismatches: u64,
    known: u64,
    shown: Vec<Mismatch>,
    diffs: BTreeMap<&'static str, u64>,
    elfin_errors: Vec<String>,
    elapsed: Duration,
    /// The program header table is unusable: readelf then finds no dynamic
    /// table (it looks through PT_DYNAMIC) and so no symbol versions.
    readelf_without_dynamic: bool,
}

impl Ctx {
    fn new(file: &Path, step: usize) -> Self {
        Ctx {
            file: file.display().to_string(),
            step,
            n: Counts::default(),
            mismatches: 0,
            known: 0,
            shown: Vec::new(),
            diffs: BTreeMap::new(),
            elfin_errors: Vec::new(),
            elapsed: Duration::ZERO,
            readelf_without_dynamic: false,
        }
    }

    fn miss(
        &mut self,
        table: &str,
        index: impl Display,
        field: &str,
        elfin: impl Display,
        readelf: impl Display,
    ) {
        if KNOWN_ELFIN_BUGS
            .iter()
            .any(|&(f, t, fl)| self.file.ends_with(f) && t == table && fl == field)
        {
            self.known += 1;
            return;
        }
        self.mismatches += 1;
        if self.shown.len() < SHOW {
            self.shown.push(Mismatch {
                file: self.file.clone(),
                table: table.to_owned(),
                index: index.to_string(),
                field: field.to_owned(),
                elfin: elfin.to_string(),
                readelf: readelf.to_string(),
            });
        }
    }

    /// Compares one field; true when equal.
    fn eq<T: PartialEq + std::fmt::Debug>(
        &mut self,
        table: &str,
        index: impl Display,
        field: &str,
        elfin: T,
        readelf: T,
    ) -> bool {
        if elfin == readelf {
            return true;
        }
        self.miss(
            table,
            index,
            field,
            format!("{elfin:?}"),
            format!("{readelf:?}"),
        );
        false
    }

    /// Records that a deliberate difference was met.
    fn diff(&mut self, what: &'static str) {
        *self.diffs.entry(what).or_default() += 1;
    }

    /// The indices to compare in a table of `len` entries.
    fn indices(&mut self, len: usize) -> impl Iterator<Item = usize> + use<> {
        let step = self.step;
        if step > 1 && len > 0 {
            let picked = len.div_ceil(step) + usize::from(!(len - 1).is_multiple_of(step));
            self.n.sampled_out += (len - picked) as u64;
        }
        (0..len).filter(move |&i| step == 1 || i % step == 0 || i + 1 == len)
    }
}

// ---------------------------------------------------------------------------
// JSON access

fn num(v: &J, k: &str) -> u64 {
    v.get(k).as_u64().unwrap_or(u64::MAX)
}

fn text<'a>(v: &'a J, k: &str) -> &'a str {
    v.get(k).as_str().unwrap_or("<missing>")
}

fn list<'a, 'b>(v: &'a J<'b>, k: &str) -> &'a [J<'b>] {
    v.get(k).as_array().unwrap_or(&[])
}

// ---------------------------------------------------------------------------
// Raw reads (readelf reads some things elfin's JSON does not carry: the
// dynamic string table behind DT_NEEDED & co., .gnu.version entries).

struct Raw {
    file: std::fs::File,
    len: u64,
    little: bool,
}

impl Raw {
    fn open(path: &Path, little: bool) -> Option<Raw> {
        let file = std::fs::File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        Some(Raw { file, len, little })
    }

    fn read(&self, off: u64, len: u64) -> Option<Vec<u8>> {
        if off.checked_add(len)? > self.len || len > (256 << 20) {
            return None;
        }
        let mut buf = vec![0u8; len as usize];
        self.file.read_exact_at(&mut buf, off).ok()?;
        Some(buf)
    }
}

/// readelf's `offset_from_vma`: the file offset of `vma` through the
/// PT_LOAD segments, or `vma` itself when none holds it.
fn offset_from_vma(segments: &[J], vma: u64, size: u64) -> u64 {
    for s in segments {
        if num(s, "type") != 1 {
            continue;
        }
        let (vaddr, align, filesz, off) = (
            num(s, "vaddr"),
            num(s, "align"),
            num(s, "filesz"),
            num(s, "offset"),
        );
        if vma >= (vaddr & align.wrapping_neg())
            && vma.wrapping_add(size) <= vaddr.wrapping_add(filesz)
        {
            return vma.wrapping_sub(vaddr).wrapping_add(off);
        }
    }
    vma
}

fn dyn_value(json: &J, tag: u64) -> Option<u64> {
    list(json, "dynamic")
        .iter()
        .find(|d| num(d, "tag") == tag)
        .map(|d| num(d, "value"))
}

/// The dynamic string table as readelf finds it: the section called
/// `.dynstr`, else DT_STRTAB/DT_STRSZ.
fn dynstr(json: &J, raw: &Raw) -> Option<Vec<u8>> {
    if let Some(s) = list(json, "sections")
        .iter()
        .find(|s| num(s, "type") == 3 && text(s, "name") == ".dynstr")
    {
        return raw.read(num(s, "offset"), num(s, "size"));
    }
    let (addr, size) = (dyn_value(json, 5)?, dyn_value(json, 10)?);
    if addr == 0 || size == 0 {
        return None;
    }
    raw.read(offset_from_vma(list(json, "segments"), addr, size), size)
}

fn cstr(table: &[u8], off: u64) -> Option<String> {
    let rest = table.get(usize::try_from(off).ok()?..)?;
    if rest.is_empty() {
        return None;
    }
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// The `.gnu.version` entries as readelf reads them (through DT_VERSYM).
fn versym(json: &J, raw: &Raw, count: usize) -> Option<Vec<u16>> {
    let addr = dyn_value(json, 0x6ffffff0)?;
    if addr == 0 {
        return None;
    }
    let off = offset_from_vma(list(json, "segments"), addr, 2);
    let bytes = raw.read(off, count as u64 * 2)?;
    Some(
        bytes
            .chunks_exact(2)
            .map(|c| {
                if raw.little {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect(),
    )
}

// ---------------------------------------------------------------------------
// Running the tools

fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn readelf_cmd(args: &[&str], path: &Path) -> Command {
    let mut c = Command::new("readelf");
    // The C locale: see support/readelf.rs (print_symbol and multibyte).
    c.env("LC_ALL", "C").args(args).arg(path);
    c
}

// ---------------------------------------------------------------------------
// The comparison of one file

fn check_file(path: &Path, size: u64) -> Ctx {
    let start = Instant::now();
    let step = if size > FULL_UP_TO { SAMPLE_STEP } else { 1 };
    let mut c = Ctx::new(path, step);
    let el = run(Command::new(env!("CARGO_BIN_EXE_elfin"))
        .args(["info", "--json"])
        .arg(path));
    let t1 = start.elapsed();
    let re = run(&mut readelf_cmd(READELF_ARGS, path));
    let t2 = start.elapsed();
    let rp = readelf::parse(&String::from_utf8_lossy(&re.stdout));
    let t3 = start.elapsed();
    compare(&mut c, path, &el, &rp, &re.stderr);
    if std::env::var_os("READELF_DIFF_PROFILE").is_some() {
        visible(&format!(
            "profile {}: elfin {:?} readelf {:?} parse {:?} compare {:?}",
            path.display(),
            t1,
            t2 - t1,
            t3 - t2,
            start.elapsed() - t3
        ));
    }
    c.elapsed = start.elapsed();
    c
}

fn compare(c: &mut Ctx, path: &Path, el: &std::process::Output, rp: &Readelf, re_stderr: &[u8]) {
    if el.status.code() != Some(0) {
        let why = String::from_utf8_lossy(&el.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
        if rp.header.is_some() {
            c.miss(
                "file",
                "-",
                "exit status",
                format!("{:?} {why}", el.status.code()),
                "readelf reads it",
            );
        } else {
            // Neither tool reads it (a file that starts with \x7fELF but is
            // cut short, say).
            c.diff("file refused by both tools");
        }
        return;
    }
    let json = match json::parse(&el.stdout) {
        Ok(v) => v,
        Err(e) => {
            c.miss("file", "-", "json", e, "-");
            return;
        }
    };
    compare_json(c, path, &json, rp);
    // An error for a table readelf prints: a difference, unless explained.
    for e in list(&json, "errors") {
        let e = e.as_str().unwrap_or("?");
        let Some(table) = table_of_error(e) else {
            continue;
        };
        if !readelf_printed(rp, table) {
            continue;
        }
        match EXPLAINED_ERRORS
            .iter()
            .find(|(t, says, _)| *t == table && e.contains(says))
        {
            Some((_, _, why)) => c.diff(why),
            None => c.miss(table, "-", "error for a table readelf prints", e, "printed"),
        }
    }
    // elfin's `errors` on a file readelf reads without a word: a false
    // alarm, unless explained.
    let errors: Vec<&J> = list(&json, "errors")
        .iter()
        .filter(|e| {
            let e = e.as_str().unwrap_or("?");
            if is_version_section_error(&json, e) {
                // DIFF: a version section whose bytes are not in the file:
                // readelf reads the versions through the dynamic table,
                // silently; elfin too, and reports the section.
                c.diff("silent in readelf: a version section past the end");
                return false;
            }
            match SILENT_READELF.iter().find(|(says, _)| e.contains(says)) {
                Some((_, why)) => {
                    c.diff(why);
                    false
                }
                None => true,
            }
        })
        .collect();
    if !errors.is_empty() && re_stderr.is_empty() {
        // (e_shstrndx 0 means "no section names": elfin says nothing about
        // it either.)
        c.miss(
            "errors",
            "-",
            "errors",
            errors[0].as_str().unwrap_or("?"),
            "readelf: no warning",
        );
    }
}

/// Errors elfin reports about a table that readelf prints, where both show
/// the same records: (table, what the error says, why). Each is counted as
/// a deliberate difference; any other error about a printed table fails.
const EXPLAINED_ERRORS: &[(&str, &str, &str)] = &[
    (
        "dynamic",
        "PT_DYNAMIC differs",
        // DIFF: a .dynamic section that disagrees with PT_DYNAMIC: readelf
        // warns ("the .dynamic section is not the same as the dynamic
        // segment") and both read the segment; elfin names the section.
        "error: .dynamic disagrees with PT_DYNAMIC (both read the segment)",
    ),
    (
        "relocations",
        "not a multiple of the entry size",
        // DIFF: trailing bytes of a relocation section that are not a whole
        // entry: both list the whole entries; elfin reports the rest.
        "error: relocation section with trailing bytes (both list the whole entries)",
    ),
    (
        "dynsyms",
        "hash table",
        // DIFF: a hash table that cannot be read, or whose count disagrees:
        // both list the symbols (from .dynsym, or nchain), elfin reports it.
        "error: broken hash table, symbols listed without it",
    ),
    (
        "dynsyms",
        "version",
        // DIFF: a version table that cannot be read: both list the symbols
        // without versions; elfin reports the table.
        "error: broken version table, symbols listed without versions",
    ),
];

/// Damage elfin reports and readelf passes over without a warning (both
/// print the same records): (what elfin's error says, why).
const SILENT_READELF: &[(&str, &str)] = &[
    (
        "e_phentsize is 0,",
        // DIFF: readelf skips a program header table of entry size 0
        // silently; elfin reports it.
        "silent in readelf: e_phentsize 0",
    ),
    (
        "hash table at",
        // DIFF: readelf -s lists .dynsym without reading the hash tables;
        // elfin reports one it cannot read (or whose count disagrees).
        "silent in readelf: a broken hash table",
    ),
    (
        "PT_DYNAMIC differs",
        // DIFF: a .dynamic section that disagrees with PT_DYNAMIC: readelf
        // reads the segment silently; elfin too, and names the section.
        "silent in readelf: .dynamic disagrees with PT_DYNAMIC",
    ),
    (
        "e_shoff is 0: there is no section header table",
        // DIFF: e_shnum not 0 with e_shoff 0: readelf prints the stated
        // count in the header and no sections, silently; elfin reports the
        // stated table as missing (issue 12, item 5).
        "silent in readelf: e_shnum with e_shoff 0",
    ),
    (
        "not a multiple of the entry size",
        // DIFF: a relocation section with trailing bytes: readelf lists the
        // whole entries and says nothing of the rest; elfin reports it
        // (issue 12, item 6).
        "silent in readelf: trailing bytes of a relocation section",
    ),
];

/// Whether `e` is about the section header of a `.gnu.version*` section.
fn is_version_section_error(json: &J, e: &str) -> bool {
    let Some(rest) = e.strip_prefix("section header ") else {
        return false;
    };
    let index = rest.split(' ').next().and_then(|i| i.parse::<usize>().ok());
    index
        .and_then(|i| list(json, "sections").get(i))
        .is_some_and(|s| (0x6fff_fffd..=0x6fff_ffff).contains(&num(s, "type")))
}

/// The table an error of elfin's is about, from the structure it names.
fn table_of_error(e: &str) -> Option<&'static str> {
    let e_field = |f: &str| e.starts_with("file header") && e.contains(f);
    Some(
        if e.starts_with("program header table") || e_field("e_ph") {
            "segments"
        } else if e.starts_with("section header table") || e_field("e_sh") {
            "sections"
        } else if e.starts_with("dynamic table") || e.contains("of .dynamic") {
            "dynamic"
        } else if e.starts_with("relocation section") {
            "relocations"
        } else if [
            "GNU hash table",
            "hash table",
            "version",
            "dynamic symbol table",
        ]
        .iter()
        .any(|s| e.starts_with(s))
            || (e.starts_with("section header") && e.contains(".gnu.version"))
        {
            "dynsyms"
        } else {
            return None;
        },
    )
}

/// Whether readelf printed (a non-empty) `table`.
fn readelf_printed(rp: &Readelf, table: &str) -> bool {
    match table {
        "segments" => !rp.segments.is_empty(),
        "sections" => !rp.sections.is_empty(),
        "dynamic" => rp.dynamic.as_ref().is_some_and(|d| !d.entries.is_empty()),
        "relocations" => !rp.relocs.is_empty(),
        "dynsyms" => rp
            .symtabs
            .iter()
            .any(|t| t.name.as_deref() != Some(".symtab") && !t.symbols.is_empty()),
        _ => false,
    }
}

/// Compares elfin's parsed JSON with readelf's parsed output.
fn compare_json(c: &mut Ctx, path: &Path, json: &J, rp: &Readelf) {
    shape(c, json);
    for u in &rp.unparsed {
        c.miss("readelf-parse", "-", "line", "-", u);
    }
    for e in list(json, "errors") {
        c.elfin_errors.push(e.as_str().unwrap_or("?").to_owned());
    }
    let Some(rh) = &rp.header else {
        c.miss("header", "-", "present", "yes", "readelf printed no header");
        return;
    };
    let h = json.get("header");
    c.readelf_without_dynamic = rp.segments.is_empty()
        && rp.dynamic.is_none()
        && list(json, "errors")
            .iter()
            .any(|e| table_of_error(e.as_str().unwrap_or("")) == Some("segments"));
    let t = Target {
        machine: num(h, "machine"),
        osabi: num(h, "osabi"),
        class64: num(h, "class") == 64,
        e_type: num(h, "type"),
        shnum: num(h, "shnum"),
    };
    header(c, h, rh);
    sections(c, &t, json, rp);
    segments(c, &t, json, rp);

    let raw = Raw::open(path, text(h, "data") == "little");
    let dynstr = raw.as_ref().and_then(|r| dynstr(json, r));
    let dynsyms = list(json, "dynsyms");
    let versym = raw.as_ref().and_then(|r| versym(json, r, dynsyms.len()));
    let syms = Syms {
        symbols: list(json, "symbols"),
        dynsyms,
        versym: versym.as_deref(),
    };

    let jsecs = list(json, "sections");
    // .symtab / .dynsym: readelf prints one table per SHT_SYMTAB/SHT_DYNSYM
    // section; elfin's `symbols` and `dynsyms` are the first of each.
    for (ty, label) in [(2, "symbols"), (11, "dynsyms")] {
        let js = list(json, label);
        match jsecs.iter().find(|s| num(s, "type") == ty) {
            Some(s) => {
                let name = names::print_symbol(text(s, "name"));
                match rp.symtab(&name) {
                    Some(rt) => symbol_table(c, &t, label, js, rt, &syms, jsecs),
                    None => {
                        if num(s, "size") == 0 && js.is_empty() {
                            c.diff("empty symbol table section: readelf prints no table");
                        } else {
                            c.miss(
                                label,
                                "-",
                                "table",
                                format!("{} entries", js.len()),
                                "not printed",
                            );
                        }
                    }
                }
            }
            None => {
                if ty == 2 || !jsecs.is_empty() {
                    c.eq(label, "-", "count", js.len(), 0);
                }
            }
        }
    }
    dynamic(c, &t, json, rp, dynstr.as_deref());
    relocations(c, &t, json, rp, &syms);
    notes(c, &t, json, rp);

    if jsecs.is_empty() && num(h, "shnum") == 0 {
        // No section headers: readelf's section-based -s/-r show nothing;
        // with -D (--use-dynamic) readelf finds the dynamic symbols and
        // relocation tables through the dynamic table, as elfin does.
        let rd = readelf::parse(&String::from_utf8_lossy(
            &run(&mut readelf_cmd(READELF_DYNAMIC_ARGS, path)).stdout,
        ));
        for u in &rd.unparsed {
            c.miss("readelf-parse -D", "-", "line", "-", u);
        }
        match rd.symtabs.iter().find(|t| t.name.is_none()) {
            Some(rt) => symbol_table(c, &t, "dynsyms", dynsyms, rt, &syms, jsecs),
            None => {
                c.eq("dynsyms", "-D", "count", dynsyms.len(), 0);
            }
        }
        dynamic_relocations(c, &t, json, &rd, &syms);
    }
}

/// The JSON has exactly the keys of the documented format, in any order
/// (checked on the header and the first entry of each list).
fn shape(c: &mut Ctx, json: &J) {
    let mut keys = |table: &str, v: &J, want: &[&str]| {
        let mut got: Vec<&str> = match v {
            J::Obj(f) => f.iter().map(|(k, _)| k.as_ref()).collect(),
            _ => Vec::new(),
        };
        let mut want = want.to_vec();
        got.sort_unstable();
        want.sort_unstable();
        c.eq(table, "-", "keys", got, want);
    };
    keys(
        "json",
        json,
        &[
            "header",
            "sections",
            "segments",
            "symbols",
            "dynsyms",
            "dynamic",
            "relocations",
            "notes",
            "errors",
        ],
    );
    keys(
        "header",
        json.get("header"),
        &[
            "class",
            "data",
            "osabi",
            "abiversion",
            "type",
            "machine",
            "version",
            "entry",
            "phoff",
            "shoff",
            "flags",
            "ehsize",
            "phentsize",
            "phnum",
            "shentsize",
            "shnum",
            "shstrndx",
        ],
    );
    let first = |k: &str| list(json, k).first();
    let sym = [
        "index", "name", "value", "size", "bind", "type", "other", "shndx",
    ];
    let mut dynsym = sym.to_vec();
    dynsym.push("version");
    dynsym.push("version_hidden");
    for (k, want) in [
        (
            "sections",
            &[
                "index",
                "name",
                "type",
                "flags",
                "addr",
                "offset",
                "size",
                "link",
                "info",
                "addralign",
                "entsize",
            ][..],
        ),
        (
            "segments",
            &[
                "index", "type", "flags", "offset", "vaddr", "paddr", "filesz", "memsz", "align",
            ][..],
        ),
        ("symbols", &sym[..]),
        ("dynsyms", &dynsym[..]),
        ("dynamic", &["index", "tag", "value"][..]),
        ("relocations", &["section", "entries"][..]),
        ("notes", &["section", "owner", "type", "descsz"][..]),
    ] {
        if let Some(v) = first(k) {
            keys(k, v, want);
        }
    }
    if let Some(e) = list(json, "relocations")
        .iter()
        .find_map(|r| list(r, "entries").first())
    {
        keys(
            "relocation entries",
            e,
            &["index", "offset", "type", "symbol", "symbol_name", "addend"],
        );
    }
}

fn header(c: &mut Ctx, h: &J, r: &readelf::Header) {
    c.n.headers += 1;
    let id = &r.ident;
    if id.len() != 16 {
        c.miss("header", "-", "ident", "-", format!("{id:?}"));
        return;
    }
    let class = match id[4] {
        1 => 32,
        2 => 64,
        x => u64::from(x),
    };
    c.eq("header", "-", "class", num(h, "class"), class);
    let data = match id[5] {
        1 => "little",
        2 => "big",
        _ => "?",
    };
    c.eq("header", "-", "data", text(h, "data"), data);
    c.eq("header", "-", "osabi", num(h, "osabi"), u64::from(id[7]));
    c.eq(
        "header",
        "-",
        "abiversion",
        num(h, "abiversion"),
        u64::from(id[8]),
    );
    if !names::file_type_matches(num(h, "type"), &r.type_text) {
        c.miss("header", "-", "type", num(h, "type"), &r.type_text);
    }
    c.eq(
        "header",
        "-",
        "machine",
        names::machine(num(h, "machine")),
        r.machine.clone(),
    );
    for (k, v) in [
        ("version", r.version),
        ("entry", r.entry),
        ("phoff", r.phoff),
        ("shoff", r.shoff),
        ("flags", r.flags),
        ("ehsize", r.ehsize),
        ("phentsize", r.phentsize),
        ("phnum", r.phnum),
        ("shentsize", r.shentsize),
        ("shnum", r.shnum),
        ("shstrndx", r.shstrndx),
    ] {
        c.eq("header", "-", k, Some(num(h, k)), v);
    }
}

fn sections(c: &mut Ctx, t: &Target, json: &J, rp: &Readelf) {
    let js = list(json, "sections");
    if !c.eq("sections", "-", "count", js.len(), rp.sections.len()) {
        return;
    }
    for (j, r) in js.iter().zip(&rp.sections) {
        c.n.sections += 1;
        let i = num(j, "index");
        c.eq("sections", i, "index", i, r.index);
        let name = text(j, "name");
        if name.is_empty() && (r.name == "<no-strings>" || r.name == "<corrupt>") {
            // DIFF: without a usable section-name string table (or with
            // sh_name past its end) readelf prints a placeholder; elfin's
            // JSON gives "" and reports the problem in `errors`.
            c.diff("section name unreadable: readelf prints <no-strings>/<corrupt>");
        } else {
            c.eq(
                "sections",
                i,
                "name",
                names::print_symbol(name),
                r.name.clone(),
            );
        }
        c.eq(
            "sections",
            i,
            "type",
            names::section_type(t, num(j, "type")),
            r.type_name.clone(),
        );
        c.eq(
            "sections",
            i,
            "flags",
            names::section_flags(t, num(j, "flags")),
            r.flags.clone(),
        );
        c.eq("sections", i, "addr", num(j, "addr"), r.addr);
        c.eq("sections", i, "offset", num(j, "offset"), r.offset);
        c.eq("sections", i, "size", num(j, "size"), r.size);
        c.eq("sections", i, "entsize", num(j, "entsize"), r.entsize);
        c.eq("sections", i, "link", num(j, "link"), r.link);
        c.eq("sections", i, "info", num(j, "info"), r.info);
        c.eq("sections", i, "addralign", num(j, "addralign"), r.align);
    }
}

fn segments(c: &mut Ctx, t: &Target, json: &J, rp: &Readelf) {
    let js = list(json, "segments");
    if !c.eq("segments", "-", "count", js.len(), rp.segments.len()) {
        return;
    }
    for (i, (j, r)) in js.iter().zip(&rp.segments).enumerate() {
        c.n.segments += 1;
        c.eq("segments", i, "index", num(j, "index"), i as u64);
        c.eq(
            "segments",
            i,
            "type",
            names::segment_type(t, num(j, "type")),
            r.type_name.clone(),
        );
        // DIFF: readelf shows only PF_R, PF_W and PF_X of p_flags.
        c.eq(
            "segments",
            i,
            "flags",
            names::segment_flags(num(j, "flags")),
            r.flags.clone(),
        );
        if num(j, "flags") & !7 != 0 {
            c.diff("segment flags beyond PF_R|PF_W|PF_X (readelf does not show them)");
        }
        c.eq("segments", i, "offset", num(j, "offset"), r.offset);
        c.eq("segments", i, "vaddr", num(j, "vaddr"), r.vaddr);
        c.eq("segments", i, "paddr", num(j, "paddr"), r.paddr);
        c.eq("segments", i, "filesz", num(j, "filesz"), r.filesz);
        c.eq("segments", i, "memsz", num(j, "memsz"), r.memsz);
        c.eq("segments", i, "align", num(j, "align"), r.align);
    }
}

/// The symbol tables a relocation or version check may need.
struct Syms<'a> {
    symbols: &'a [J<'a>],
    dynsyms: &'a [J<'a>],
    /// `.gnu.version` through DT_VERSYM, when there is one.
    versym: Option<&'a [u16]>,
}

fn symbol_table(
    c: &mut Ctx,
    t: &Target,
    label: &str,
    js: &[J],
    rt: &SymbolTable,
    syms: &Syms,
    jsecs: &[J],
) {
    c.eq(
        label,
        "-",
        "readelf's own count",
        rt.count,
        rt.symbols.len() as u64,
    );
    if !c.eq(label, "-", "count", js.len(), rt.symbols.len()) {
        return;
    }
    let dynamic = label == "dynsyms";
    for i in c.indices(js.len()) {
        let (j, r) = (&js[i], &rt.symbols[i]);
        if dynamic {
            c.n.dynsyms += 1;
        } else {
            c.n.symbols += 1;
        }
        c.eq(label, i, "index", num(j, "index"), r.index);
        c.eq(label, i, "value", num(j, "value"), r.value);
        c.eq(label, i, "size", num(j, "size"), r.size);
        let (ty, other, shndx) = (num(j, "type"), num(j, "other"), num(j, "shndx"));
        c.eq(
            label,
            i,
            "type",
            names::symbol_type(t, ty),
            r.type_name.clone(),
        );
        c.eq(
            label,
            i,
            "bind",
            names::symbol_bind(t, num(j, "bind")),
            r.bind.clone(),
        );
        c.eq(label, i, "vis", names::symbol_vis(t, other), r.vis.clone());
        c.eq(
            label,
            i,
            "other",
            names::symbol_other(t, other),
            r.other.clone(),
        );
        let nd = names::symbol_ndx(t, shndx, false);
        if nd.trim() != r.ndx {
            // DIFF: an index read from SHT_SYMTAB_SHNDX can be >= 0xff00 (the
            // reserved range) in a file with that many sections; readelf
            // prints it in decimal, and the JSON's number alone does not
            // say whether it came from st_shndx or from the extension.
            if (0xff00..=0xffff).contains(&shndx) && shndx < t.shnum && r.ndx == shndx.to_string() {
                c.diff("symbol in a section >= 0xff00 (through SHT_SYMTAB_SHNDX)");
            } else {
                c.miss(
                    label,
                    i,
                    "shndx",
                    format!("{shndx} ({})", nd.trim()),
                    &r.ndx,
                );
            }
        }
        let ok = symbol_name_ok(c, t, j, &r.name, dynamic, syms, i, jsecs);
        if !ok {
            let v = format!("{:?}", j.get("version"));
            c.miss(
                label,
                i,
                "name",
                format!("{:?} version {v}", text(j, "name")),
                format!("{:?}", r.name),
            );
        }
    }
}

/// Whether readelf's printed name fits the JSON's name (and version).
#[allow(clippy::too_many_arguments)]
fn symbol_name_ok(
    c: &mut Ctx,
    t: &Target,
    j: &J,
    printed: &str,
    dynamic: bool,
    syms: &Syms,
    i: usize,
    jsecs: &[J],
) -> bool {
    let name = text(j, "name");
    let base = names::print_symbol(name);
    let (ty, shndx) = (num(j, "type"), num(j, "shndx"));
    if ty == 3 && name.is_empty() && shndx < t.shnum {
        // DIFF: readelf prints a section symbol without a name (st_name 0)
        // under its section's name; elfin's JSON keeps the symbol's own
        // (empty) name.
        if let Some(s) = jsecs.get(shndx as usize) {
            if printed == names::print_symbol(text(s, "name")) {
                c.diff("section symbol shown under its section's name");
                return true;
            }
        }
    }
    if !dynamic {
        return printed == base;
    }
    let version = match j.get("version") {
        J::Str(v) => v.as_ref(),
        _ => return printed == base,
    };
    let vs = syms.versym.and_then(|v| v.get(i)).copied();
    // The JSON's `version_hidden` must be the versym bit readelf reads.
    let hidden = match j.get("version_hidden") {
        J::Bool(b) => Some(*b),
        _ => return false,
    };
    if vs.is_some_and(|v| (v & 0x8000 != 0) != hidden.unwrap_or(false)) {
        return false;
    }
    let defined = shndx != 0;
    if defined && hidden != Some(true) && printed == format!("{base}@@{version}") {
        return true;
    }
    if defined && hidden != Some(false) && printed == format!("{base}@{version}") {
        return true;
    }
    // Found through .gnu.version_r: "@VER (N)", N the version index.
    if let Some(rest) = printed.strip_prefix(&format!("{base}@{version} (")) {
        if let Some(n) = rest.strip_suffix(')') {
            if vs.map(|v| v.to_string()).as_deref() == Some(n)
                || (vs.is_none() && n.parse::<u16>().is_ok())
            {
                return true;
            }
        }
    }
    if printed == base && c.readelf_without_dynamic {
        // DIFF: without usable program headers readelf finds no version
        // tables (through the dynamic table); elfin reads the sections.
        c.diff("no program headers: readelf shows no symbol versions");
        return true;
    }
    if printed == base && version == name {
        // DIFF: readelf omits the version of a symbol whose name is the
        // version's own name (it compares the string offsets: st_name ==
        // vda_name, the symbols ld makes for each version definition).
        c.diff("version-definition symbol shown without its version");
        return true;
    }
    false
}

fn dynamic(c: &mut Ctx, t: &Target, json: &J, rp: &Readelf, dynstr: Option<&[u8]>) {
    let js = list(json, "dynamic");
    if c.readelf_without_dynamic && !js.is_empty() {
        // DIFF: without usable program headers readelf finds no dynamic
        // table (it reads PT_DYNAMIC); elfin reads the .dynamic section.
        c.diff("no program headers: elfin reads .dynamic, readelf nothing");
        return;
    }
    let Some(rd) = &rp.dynamic else {
        c.eq("dynamic", "-", "count", js.len(), 0);
        return;
    };
    c.eq(
        "dynamic",
        "-",
        "readelf's own count",
        rd.count,
        rd.entries.len() as u64,
    );
    if !c.eq("dynamic", "-", "count", js.len(), rd.entries.len()) {
        return;
    }
    for (i, (j, r)) in js.iter().zip(&rd.entries).enumerate() {
        c.n.dynamic += 1;
        let (tag, v) = (num(j, "tag"), num(j, "value"));
        c.eq("dynamic", i, "index", num(j, "index"), i as u64);
        c.eq("dynamic", i, "tag", tag, r.tag);
        let name = dynstr.and_then(|s| cstr(s, v));
        let expected = if let Some(label) = names::dynamic_string_label(tag) {
            match (&name, tag) {
                (Some(n), 0x7ffffffe) if n.is_empty() => Some(format!("{v:#x}")),
                (Some(n), _) => Some(format!("{label}: [{n}]")),
                (None, 1 | 14 | 15 | 29 | 0x7ffffffe) => Some(format!("{v:#x}")),
                (None, _) => Some(format!("{label}: {v:#x}")),
            }
        } else if t.machine == names::EM_MIPS && tag == 0x70000004 {
            Some(match &name {
                Some(n) => format!("Interface Version: {n}"),
                None => format!("Interface Version: <corrupt: {v:x}>"),
            })
        } else {
            names::dynamic_value(t, tag, v)
        };
        match expected {
            Some(e) if e == r.value => {}
            Some(e) if tag == 1 && r.value == format!("{e} program interpreter") => {
                // DIFF: readelf marks the DT_NEEDED entry that names the
                // program interpreter.
                c.diff("DT_NEEDED of the program interpreter");
            }
            Some(e) => c.miss("dynamic", i, "value", format!("{v:#x} ({e})"), &r.value),
            None => c.miss(
                "dynamic",
                i,
                "value",
                format!("{v:#x} (no rendering known)"),
                &r.value,
            ),
        }
    }
}

/// How the symbols of one relocation table are found.
#[derive(Clone, Copy)]
enum Linked<'a> {
    /// sh_link is 0: readelf shows no symbol names.
    None,
    /// sh_link names a section that is not a symbol table: readelf prints
    /// the table's title but no rows.
    NotSymtab,
    /// The symbols, whether they are the dynamic ones, their versym.
    Table(&'a [J<'a>], bool, Option<&'a [u16]>),
}

fn relocations(c: &mut Ctx, t: &Target, json: &J, rp: &Readelf, syms: &Syms) {
    let jsecs = list(json, "sections");
    let re_secs: Vec<&RelocSection> = rp.relocs.iter().filter(|r| !r.dynamic).collect();
    let mut used = vec![false; re_secs.len()];
    let mut next_sec = 0usize;
    for jr in list(json, "relocations") {
        let Some(name) = jr.get("section").as_str() else {
            // Tables found through the dynamic table (no section headers):
            // compared with readelf -D.
            continue;
        };
        let entries = list(jr, "entries");
        // The section header of this table: the next REL/RELA/RELR/CREL
        // section of that name, in section order like elfin's walk.
        let sh = jsecs[next_sec.min(jsecs.len())..]
            .iter()
            .position(|s| {
                matches!(num(s, "type"), 4 | 9 | 19 | 0x40000014) && text(s, "name") == name
            })
            .map(|p| {
                next_sec += p + 1;
                &jsecs[next_sec - 1]
            });
        let printed = names::printable_section_name(name);
        let Some(k) = (0..re_secs.len()).find(|&k| !used[k] && re_secs[k].name == printed) else {
            if sh.is_some_and(|s| num(s, "size") == 0) && entries.is_empty() {
                // DIFF: readelf prints nothing for an empty relocation section.
                c.diff("empty relocation section not shown by readelf");
            } else if sh.is_some_and(|s| num(s, "type") == 0x40000014) {
                // DIFF: binutils 2.40 predates SHT_CREL.
                c.diff("CREL section (unknown to readelf 2.40)");
            } else {
                c.miss(
                    "relocations",
                    name,
                    "section",
                    format!("{} entries", entries.len()),
                    "not shown",
                );
            }
            continue;
        };
        used[k] = true;
        let linked = match sh {
            Some(s) => {
                let link = num(s, "link");
                if link == 0 || num(s, "type") == 19 {
                    Linked::None
                } else {
                    match jsecs.get(link as usize).map(|l| num(l, "type")) {
                        Some(11) => Linked::Table(syms.dynsyms, true, syms.versym),
                        Some(2) => Linked::Table(syms.symbols, false, None),
                        _ => Linked::NotSymtab,
                    }
                }
            }
            None => Linked::None,
        };
        reloc_table(c, t, name, entries, re_secs[k], linked);
    }
    for (k, r) in re_secs.iter().enumerate() {
        if !used[k] {
            c.miss(
                "relocations",
                &r.name,
                "section",
                "absent",
                format!("{} rows", r.relocs.len() + r.relr.len()),
            );
        }
    }
}

/// Files without section headers: the tables elfin found through the
/// dynamic table against `readelf -D -r`.
fn dynamic_relocations(c: &mut Ctx, t: &Target, json: &J, rd: &Readelf, syms: &Syms) {
    let tables: Vec<&[J]> = list(json, "relocations")
        .iter()
        .filter(|r| r.has("section") && r.get("section").is_null())
        .map(|r| list(r, "entries"))
        .collect();
    let mut used = vec![false; tables.len()];
    for r in rd.relocs.iter().filter(|r| r.dynamic) {
        let rows = r.relocs.len() + r.relr.len();
        let first = r
            .relocs
            .first()
            .map(|x| x.offset)
            .or(r.relr.first().copied());
        // readelf prints REL, RELA, RELR, PLT; elfin RELR, REL, RELA, PLT:
        // pair them by size and first offset.
        let k = (0..tables.len()).find(|&k| {
            !used[k]
                && tables[k].len() == rows
                && tables[k].first().map(|e| num(e, "offset")) == first
        });
        match k {
            Some(k) => {
                used[k] = true;
                reloc_table(
                    c,
                    t,
                    &format!("-D {}", r.name),
                    tables[k],
                    r,
                    Linked::Table(syms.dynsyms, true, syms.versym),
                );
            }
            None => c.miss(
                "relocations",
                format!("-D {}", r.name),
                "table",
                "absent",
                format!("{rows} rows"),
            ),
        }
    }
    for (k, e) in tables.iter().enumerate() {
        if !used[k] {
            c.miss(
                "relocations",
                "(dynamic)",
                "table",
                format!("{} entries", e.len()),
                "not shown by readelf -D",
            );
        }
    }
}

fn reloc_table(
    c: &mut Ctx,
    t: &Target,
    name: &str,
    entries: &[J],
    r: &RelocSection,
    linked: Linked,
) {
    let label = format!("relocations {name}");
    if r.kind == Some(RelKind::Relr) {
        c.eq(
            &label,
            "-",
            "readelf's own count",
            r.relr_count,
            Some(r.relr.len() as u64),
        );
        if !c.eq(&label, "-", "count", entries.len(), r.relr.len()) {
            return;
        }
        for i in c.indices(entries.len()) {
            c.n.relocations += 1;
            let j = &entries[i];
            c.eq(&label, i, "offset", num(j, "offset"), r.relr[i]);
            c.eq(&label, i, "type", num(j, "type"), 0);
            c.eq(&label, i, "symbol", num(j, "symbol"), 0);
            c.eq(&label, i, "addend is null", j.get("addend").is_null(), true);
        }
        return;
    }
    if matches!(linked, Linked::NotSymtab) && r.relocs.is_empty() {
        // DIFF: when sh_link names a section that is not a symbol table,
        // readelf prints the section's title and no rows.
        c.diff("relocation section linked to a non-symbol-table: readelf shows no rows");
        return;
    }
    if !c.eq(&label, "-", "count", entries.len(), r.relocs.len()) {
        return;
    }
    for i in c.indices(entries.len()) {
        c.n.relocations += 1;
        let (j, x) = (&entries[i], &r.relocs[i]);
        c.eq(&label, i, "index", num(j, "index"), i as u64);
        c.eq(&label, i, "offset", num(j, "offset"), x.offset);
        // The info column gives the numbers behind the type's name.
        let (sym, ty) = if t.class64 {
            (x.info >> 32, x.info & 0xffff_ffff)
        } else {
            (x.info >> 8, x.info & 0xff)
        };
        c.eq(&label, i, "type", num(j, "type"), ty);
        c.eq(&label, i, "symbol", num(j, "symbol"), sym);
        let addend = j.get("addend").as_i64();
        match r.kind {
            Some(RelKind::Rela) => {
                c.eq(&label, i, "addend", addend, x.addend);
            }
            _ => {
                c.eq(&label, i, "addend is null", j.get("addend").is_null(), true);
            }
        }
        if sym == 0 {
            continue;
        }
        let (table, dynamic, versym) = match linked {
            Linked::Table(tb, d, v) => (tb, d, v),
            _ => {
                c.eq(&label, i, "symbol name shown", x.sym_name.is_some(), false);
                continue;
            }
        };
        let Some(sv) = table.get(sym as usize) else {
            // readelf: "bad symbol index"; elfin reports an error.
            c.eq(&label, i, "symbol name shown", x.sym_name.is_some(), false);
            continue;
        };
        let vs = versym.and_then(|v| v.get(sym as usize)).copied();
        let cands = reloc_name_candidates(c, j, sv, dynamic, vs);
        if num(sv, "type") == 10 {
            // DIFF: for an STT_GNU_IFUNC symbol readelf prints "name()" in
            // the value column instead of the value.
            c.diff("IFUNC relocation: readelf shows name() instead of the value");
            let label_ok = match &x.ifunc {
                Some(l) if text(sv, "name").is_empty() => l == "??",
                Some(l) => cands.iter().any(|cnd| cnd == l),
                None => false,
            };
            if !label_ok {
                c.miss(
                    &label,
                    i,
                    "ifunc label",
                    format!("{cands:?}"),
                    format!("{:?}", x.ifunc),
                );
            }
        } else {
            c.eq(
                &label,
                i,
                "symbol value",
                Some(num(sv, "value")),
                x.sym_value,
            );
        }
        let printed = x.sym_name.as_deref().unwrap_or("<none>");
        if !cands.iter().any(|cnd| cnd == printed) {
            c.miss(
                &label,
                i,
                "symbol_name",
                format!("{:?} (expected {cands:?})", text(j, "symbol_name")),
                printed,
            );
        }
    }
}

/// What readelf may print as a relocation's symbol, from the JSON's
/// `symbol_name` and the symbol it points at.
/// `vs`: the symbol's .gnu.version entry, when known.
fn reloc_name_candidates(
    c: &mut Ctx,
    j: &J,
    sv: &J,
    dynamic: bool,
    vs: Option<u16>,
) -> Vec<String> {
    let jname = text(j, "symbol_name");
    let own = text(sv, "name");
    if own.is_empty() {
        if num(sv, "type") == 3 {
            return match num(sv, "shndx") {
                // Section symbols of special sections.
                0xfff1 => vec!["ABS".into()],
                0xfff2 => vec!["COMMON".into()],
                _ => vec![names::print_symbol(jname)],
            };
        }
        // DIFF: readelf prints "<null>" for a symbol without a name.
        c.diff("relocation against a nameless symbol: readelf prints <null>");
        return if jname.is_empty() {
            vec!["<null>".into()]
        } else {
            vec![]
        };
    }
    if num(sv, "type") == 3 && jname != own {
        // DIFF: a section symbol that has a name of its own: readelf shows
        // that name, elfin's symbol_name the section's name.
        c.diff("named section symbol: readelf shows the symbol's name");
        return vec![names::print_symbol(own)];
    }
    let base = names::print_symbol(jname);
    match (dynamic, sv.get("version")) {
        (true, J::Str(v)) => {
            // "@@VER" for a defined, not hidden symbol whose version is
            // defined here; "@VER" when hidden or from .gnu.version_r.
            let mut out = vec![format!("{base}@{v}")];
            if num(sv, "shndx") != 0 && vs.is_none_or(|x| x & 0x8000 == 0) {
                out.push(format!("{base}@@{v}"));
            }
            if v == own || c.readelf_without_dynamic {
                out.push(base);
            }
            out
        }
        _ => vec![base],
    }
}

fn notes(c: &mut Ctx, t: &Target, json: &J, rp: &Readelf) {
    let js = list(json, "notes");
    let from_sections = rp.notes.iter().any(|g| g.section.is_some());
    // readelf shows the notes of SHT_NOTE sections, and only when a file
    // has none of those (or is a core file) the PT_NOTE segments'.
    let mut rnotes = Vec::new();
    for g in &rp.notes {
        for n in &g.notes {
            rnotes.push((g.section.as_deref(), n));
        }
    }
    let jn: Vec<&J> = js
        .iter()
        .filter(|n| {
            let in_section = !n.get("section").is_null();
            if from_sections && !in_section {
                // DIFF: notes of a PT_NOTE segment that no note section
                // covers: readelf does not look at segments when the file
                // has note sections.
                c.diff("segment notes not covered by note sections (readelf skips them)");
                return false;
            }
            from_sections || !in_section || t.e_type == 4
        })
        .collect();
    if !c.eq("notes", "-", "count", jn.len(), rnotes.len()) {
        return;
    }
    for (i, (j, (sec, r))) in jn.iter().zip(&rnotes).enumerate() {
        c.n.notes += 1;
        let jsec = j.get("section").as_str().map(names::printable_section_name);
        c.eq("notes", i, "section", jsec.as_deref(), *sec);
        let (owner, ty) = (text(j, "owner"), num(j, "type"));
        if names::is_build_attribute_note(owner, ty) {
            // DIFF: readelf decodes annobin's binary "GA$..." owner names.
            c.diff("build-attribute note owner decoded by readelf (not compared)");
        } else if owner.is_empty() && r.owner == "(NONE)" {
            // DIFF: readelf prints "(NONE)" for an empty owner (namesz 0).
            c.diff("note without owner shown as (NONE)");
        } else {
            c.eq(
                "notes",
                i,
                "owner",
                names::print_symbol(owner),
                r.owner.clone(),
            );
        }
        match names::note_type(t, owner, owner.is_empty() && r.owner == "(NONE)", ty) {
            Some(e) => {
                c.eq(
                    "notes",
                    i,
                    "type",
                    format!("{ty:#x} {e}"),
                    format!("{ty:#x} {}", r.type_text),
                );
            }
            None => c.miss(
                "notes",
                i,
                "type",
                format!("{ty:#x} (no rendering known)"),
                &r.type_text,
            ),
        }
        c.eq("notes", i, "descsz", num(j, "descsz"), r.descsz);
    }
}

// ---------------------------------------------------------------------------
// The corpus

fn corpus() -> Vec<(PathBuf, u64)> {
    let mut roots: Vec<PathBuf> = [
        "/usr/bin",
        "/usr/sbin",
        "/usr/lib",
        "/usr/libexec",
        "/usr/lib64",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    if let Some(home) = std::env::var_os("HOME") {
        roots.push(Path::new(&home).join(".rustup/toolchains"));
    }
    roots.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"));
    let mut seen_dirs = HashSet::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in roots {
        walk(&r, &mut seen_dirs, &mut seen, &mut out);
    }
    out.sort();
    out
}

/// Collects ELF files under `dir`. Symlinked directories are not entered
/// (their targets are under the roots or not part of the corpus);
/// symlinked files are followed, and every file is taken once, by inode.
fn walk(
    dir: &Path,
    seen_dirs: &mut HashSet<(u64, u64)>,
    seen: &mut HashSet<(u64, u64)>,
    out: &mut Vec<(PathBuf, u64)>,
) {
    let Ok(md) = std::fs::symlink_metadata(dir) else {
        return;
    };
    if !md.is_dir() || !seen_dirs.insert((md.dev(), md.ino())) {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            // Fuzzer-made round-trip inputs are deliberately broken files
            // that readelf and elfin read in different, equally valid ways;
            // tests/roundtrip.rs covers them.
            if p.ends_with("tests/data/roundtrip") {
                continue;
            }
            walk(&p, seen_dirs, seen, out);
            continue;
        }
        let Ok(md) = std::fs::metadata(&p) else {
            continue;
        };
        if !md.is_file() || md.len() < 4 || !seen.insert((md.dev(), md.ino())) {
            continue;
        }
        let mut magic = [0u8; 4];
        let is_elf = std::fs::File::open(&p)
            .and_then(|f| f.read_exact_at(&mut magic, 0))
            .is_ok()
            && magic == *b"\x7fELF";
        if is_elf {
            out.push((p, md.len()));
        }
    }
}

fn visible(line: &str) {
    // Straight to the process's stderr: libtest captures print!/eprint!,
    // and the summary (or the skip) should show on every run.
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[test]
fn readelf_diff() {
    if !tools::require(&["readelf"]) {
        return;
    }
    let start = Instant::now();
    let mut files = corpus();
    // READELF_DIFF_FILTER=substring limits the run to matching paths (for
    // debugging a mismatch).
    if let Ok(f) = std::env::var("READELF_DIFF_FILTER") {
        files.retain(|(p, _)| p.to_string_lossy().contains(&f));
    }
    let total_bytes: u64 = files.iter().map(|f| f.1).sum();
    // Biggest first, so that no worker is left with a giant at the end.
    files.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let next = AtomicUsize::new(0);
    let totals = Mutex::new(Totals::default());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((path, size)) = files.get(k) else {
                        break;
                    };
                    let c = check_file(path, *size);
                    totals.lock().unwrap().add(c);
                }
            });
        }
    });
    let t = totals.into_inner().unwrap();
    let secs = start.elapsed().as_secs_f64();
    visible(&format!(
        "readelf_diff: {} ELF files ({:.0} MiB; {} compared in full, {} above {} MiB with symbols and relocations sampled every {}th) in {secs:.1} s",
        t.files,
        total_bytes as f64 / (1 << 20) as f64,
        t.full_files,
        t.sampled_files,
        FULL_UP_TO >> 20,
        SAMPLE_STEP
    ));
    visible(&format!(
        "readelf_diff: compared {} headers, {} sections, {} segments, {} symbols, {} dynsyms, {} dynamic entries, {} relocations, {} notes ({} symbols/relocations sampled out); {} mismatches, {} known elfin bugs",
        t.headers,
        t.sections,
        t.segments,
        t.symbols,
        t.dynsyms,
        t.dynamic,
        t.relocations,
        t.notes,
        t.sampled_out,
        t.mismatches,
        t.known
    ));
    for (k, v) in &t.diffs {
        visible(&format!("readelf_diff:   deliberate difference x{v}: {k}"));
    }
    if !t.elfin_errors.is_empty() {
        visible(&format!(
            "readelf_diff: {} files with elfin errors, e.g.:",
            t.elfin_errors.len()
        ));
        for (f, e) in t.elfin_errors.iter().take(10) {
            visible(&format!("readelf_diff:   {f}: {e}"));
        }
    }
    for (d, f) in &t.slowest {
        visible(&format!(
            "readelf_diff:   slowest: {:.1} s {f}",
            d.as_secs_f64()
        ));
    }
    if t.mismatches > 0 {
        for m in &t.shown {
            visible(&format!(
                "MISMATCH {} [{}] #{} {}: elfin {} / readelf {}",
                m.file, m.table, m.index, m.field, m.elfin, m.readelf
            ));
        }
        panic!(
            "{} mismatches between elfin and readelf (first {} above)",
            t.mismatches,
            t.shown.len()
        );
    }
    assert!(t.files > 0, "no ELF file found");
}

/// The comparison must notice a difference in every table: each mutation
/// of elfin's JSON for a small file must produce mismatches.
#[test]
fn readelf_diff_notices_differences() {
    if !tools::require(&["readelf"]) {
        return;
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for (file, mutations) in [
        (
            "x86_64/exe",
            &[
                ("\"entry\":4208", "\"entry\":4209"),
                (
                    "\"name\":\".interp\",\"type\":1,\"flags\":2",
                    "\"name\":\".interp\",\"type\":1,\"flags\":3",
                ),
                ("\"name\":\".interp\"", "\"name\":\".interq\""),
                ("\"type\":6,\"flags\":4,", "\"type\":6,\"flags\":5,"),
                (
                    "\"name\":\"lib_add\",\"value\":0,\"size\":0,\"bind\":1,\"type\":2,\"other\":0,\"shndx\":0,\"version\":\"LIB_1.0\"",
                    "\"name\":\"lib_add\",\"value\":0,\"size\":0,\"bind\":1,\"type\":2,\"other\":0,\"shndx\":0,\"version\":\"LIB_2.0\"",
                ),
                ("\"version\":\"GLIBC_2.34\"", "\"version\":null"),
                (
                    "\"version\":\"LIB_2.0\",\"version_hidden\":false",
                    "\"version\":\"LIB_2.0\",\"version_hidden\":true",
                ),
                (
                    "\"name\":\"main\",\"value\":4444",
                    "\"name\":\"main\",\"value\":4445",
                ),
                (
                    "\"name\":\"main\",\"value\":4444,\"size\":160,\"bind\":1",
                    "\"name\":\"main\",\"value\":4444,\"size\":160,\"bind\":2",
                ),
                ("\"tag\":1,\"value\":146}", "\"tag\":1,\"value\":147}"),
                ("\"tag\":27,\"value\":8", "\"tag\":27,\"value\":16"),
                ("\"addend\":4432", "\"addend\":4433"),
                ("\"symbol_name\":\"strlen\"", "\"symbol_name\":\"strlem\""),
                ("\"type\":7,\"symbol\":4", "\"type\":6,\"symbol\":4"),
                (
                    "\"owner\":\"GNU\",\"type\":3",
                    "\"owner\":\"GNU\",\"type\":4",
                ),
                ("\"descsz\":20", "\"descsz\":21"),
            ][..],
        ),
        (
            "x86_64/relr.so",
            &[("\"offset\":15664,\"type\":0", "\"offset\":15665,\"type\":0")][..],
        ),
    ] {
        let path = data.join(file);
        let el = run(Command::new(env!("CARGO_BIN_EXE_elfin"))
            .args(["info", "--json"])
            .arg(&path));
        let re = run(&mut readelf_cmd(READELF_ARGS, &path));
        let rp = readelf::parse(&String::from_utf8_lossy(&re.stdout));
        let text = String::from_utf8(el.stdout).unwrap();
        let mut c = Ctx::new(&path, 1);
        compare_json(&mut c, &path, &json::parse(text.as_bytes()).unwrap(), &rp);
        assert_eq!(c.mismatches, 0, "{file} as is: {:?}", c.shown);
        for (from, to) in mutations {
            assert_eq!(
                text.matches(from).count(),
                1,
                "{file}: {from} must occur once"
            );
            let changed = text.replacen(from, to, 1);
            let mut c = Ctx::new(&path, 1);
            compare_json(
                &mut c,
                &path,
                &json::parse(changed.as_bytes()).unwrap(),
                &rp,
            );
            assert!(
                c.mismatches > 0,
                "{file}: changing {from} to {to} went unnoticed"
            );
        }
    }
}

/// The hostile files of `tests/support/hostile.rs` (seven kinds of damage,
/// both classes and byte orders): what elfin prints equals what readelf
/// prints, table by table, with every error about a printed table
/// explained (`EXPLAINED_ERRORS`).
#[test]
fn hostile_files_match_readelf() {
    if Command::new("readelf").arg("--version").output().is_err() {
        visible("SKIP hostile_files_match_readelf: readelf not found");
        return;
    }
    let dir = std::env::temp_dir().join(format!("elfin-hostile-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut totals = Totals::default();
    for case in support::hostile::cases() {
        let safe: String = case
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let path = dir.join(safe);
        std::fs::write(&path, &case.data).unwrap();
        let mut c = check_file(&path, case.data.len() as u64);
        c.file = case.name.clone();
        if c.mismatches > 0 {
            let m = &c.shown[0];
            visible(&format!(
                "hostile: {} mismatches in {}, first [{}] #{} {}: elfin {} / readelf {}",
                c.mismatches, case.name, m.table, m.index, m.field, m.elfin, m.readelf
            ));
        }
        totals.add(c);
    }
    let _ = std::fs::remove_dir_all(&dir);
    visible(&format!(
        "hostile_files_match_readelf: {} files, {} sections, {} segments, {} dynsyms, {} dynamic entries, {} relocations compared; {} mismatches",
        totals.files,
        totals.sections,
        totals.segments,
        totals.dynsyms,
        totals.dynamic,
        totals.relocations,
        totals.mismatches
    ));
    for (k, v) in &totals.diffs {
        visible(&format!(
            "hostile_files_match_readelf:   deliberate difference x{v}: {k}"
        ));
    }
    for m in &totals.shown {
        visible(&format!(
            "MISMATCH {} [{}] #{} {}: elfin {} / readelf {}",
            m.file, m.table, m.index, m.field, m.elfin, m.readelf
        ));
    }
    assert_eq!(totals.mismatches, 0, "hostile files differ from readelf");
}
