//! A freestanding x86-64 Linux program (no std, no libc, no allocator, no C
//! start files) that parses ELF files with `elfin` built with
//! `default-features = false`, and compares what it reads with what
//! `readelf -W` reported for the same files (`build.rs` runs readelf and
//! generates `expected.rs`).
//!
//! It writes one line per failure to stderr, a summary to stdout, and exits
//! with 0 when every check passed, else with the [`Check`] code of the first
//! failure (a panic exits with 101). Run by `tests/no_std.rs`.
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use core::fmt::{self, Write};

use elfin::ElfFile;
use elfin::raw::consts::{DT_GNU_HASH, DT_HASH, DT_NEEDED, DT_SONAME, SHT_HASH, STT_SECTION};
use elfin::read::{Class, Endian, FixedRelocations, HashTable, SymbolTable, SysvHash};

// ---------------------------------------------------------------------------
// The runtime: entry point, system calls, panics.

// The kernel enters `_start` with the stack pointer 16-byte aligned and
// pointing at argc; a call there would leave a function with the alignment
// the ABI forbids, so align explicitly and call into Rust.
global_asm!(
    ".globl _start",
    ".type _start,@function",
    "_start:",
    "xor ebp, ebp",
    "mov rdi, rsp",
    "and rsp, -16",
    "call {main}",
    "ud2",
    main = sym rust_start,
);

extern "C" fn rust_start(_stack: *const usize) -> ! {
    exit(run())
}

fn exit(code: u8) -> ! {
    // SAFETY: exit_group(2) takes one integer argument and does not return.
    unsafe {
        asm!("syscall", in("rax") 231usize, in("rdi") usize::from(code), options(noreturn, nostack));
    }
}

fn write_all(fd: usize, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let ret: isize;
        // SAFETY: write(2) reads `len` bytes from `ptr`, which `bytes` owns.
        unsafe {
            asm!(
                "syscall",
                inlateout("rax") 1isize => ret,
                in("rdi") fd,
                in("rsi") bytes.as_ptr(),
                in("rdx") bytes.len(),
                lateout("rcx") _,
                lateout("r11") _,
                options(nostack),
            );
        }
        if ret <= 0 {
            return;
        }
        bytes = &bytes[ret as usize..];
    }
}

struct Fd(usize);

impl Write for Fd {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_all(self.0, s.as_bytes());
        Ok(())
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let _ = writeln!(Fd(2), "elfin no_std check: panic: {info}");
    exit(101)
}

// The precompiled `core` is built for panic=unwind, so its unwind tables
// name a personality routine even though this program aborts on panic and
// never unwinds. Nothing calls it.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

// With -nostdlib nothing provides the C memory functions that rustc's code
// generation calls; these are the few it needs. `rep movsb`/`rep stosb` and
// plain loops over raw pointers that the optimizer cannot turn back into
// calls to themselves.

/// # Safety
/// As C's `memcpy`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller passes valid, non-overlapping ranges of `n` bytes.
    unsafe {
        asm!("rep movsb", inout("rcx") n => _, inout("rdi") dest => _, inout("rsi") src => _,
             options(nostack, preserves_flags));
    }
    dest
}

/// # Safety
/// As C's `memmove`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dest as usize).wrapping_sub(src as usize) >= n {
        // SAFETY: copying forward never overwrites bytes not yet read.
        unsafe { memcpy(dest, src, n) }
    } else {
        // SAFETY: overlapping with dest after src: copy backward (DF=1),
        // starting at the last byte; the ABI wants DF clear again after.
        unsafe {
            asm!("std", "rep movsb", "cld", inout("rcx") n => _,
                 inout("rdi") dest.add(n - 1) => _, inout("rsi") src.add(n - 1) => _,
                 options(nostack));
        }
        dest
    }
}

/// # Safety
/// As C's `memset`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dest: *mut u8, c: i32, n: usize) -> *mut u8 {
    // SAFETY: the caller passes a valid range of `n` bytes.
    unsafe {
        asm!("rep stosb", inout("rcx") n => _, inout("rdi") dest => _, in("al") c as u8,
             options(nostack, preserves_flags));
    }
    dest
}

/// # Safety
/// As C's `memcmp`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i < n {
        // SAFETY: the caller passes valid ranges of `n` bytes.
        let (x, y) = unsafe {
            (
                core::ptr::read_volatile(a.add(i)),
                core::ptr::read_volatile(b.add(i)),
            )
        };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// # Safety
/// As C's `bcmp`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: forwarded.
    unsafe { memcmp(a, b, n) }
}

// ---------------------------------------------------------------------------
// What readelf said (the types `expected.rs` fills in).

/// One embedded file and readelf's view of it.
pub struct Expected {
    /// Path under tests/data.
    pub path: &'static str,
    /// The file, embedded.
    pub bytes: &'static [u8],
    pub machine: u16,
    pub class64: bool,
    pub big_endian: bool,
    pub e_type: u16,
    pub entry: u64,
    pub shstrndx: u32,
    pub sections: &'static [Sec],
    pub segments: &'static [Seg],
    pub build_id: Option<&'static [u8]>,
    /// Tags up to and including `DT_NULL`.
    pub dynamic: Option<&'static [i64]>,
    pub soname: Option<&'static [u8]>,
    pub needed: &'static [&'static [u8]],
    pub dynsym: Option<&'static [Sym]>,
    pub symtab: Option<&'static [Sym]>,
    /// `readelf -r`: by section name.
    pub relocs: &'static [RelSection],
    /// `readelf --use-dynamic -r`: "RELA", "REL", "RELR" or "PLT".
    pub dyn_relocs: &'static [RelSection],
    /// Names that no dynamic symbol has.
    pub absent: &'static [&'static [u8]],
}

pub struct Sec {
    pub name: &'static [u8],
    pub kind: u32,
    pub flags: u64,
    /// The bits of `flags` readelf's letters pin down.
    pub flags_mask: u64,
    pub addr: u64,
    pub offset: u64,
    pub size: u64,
    pub entsize: u64,
    pub link: u32,
    pub info: u32,
    pub align: u64,
}

pub struct Seg {
    pub kind: u32,
    pub flags: u32,
    pub offset: u64,
    pub vaddr: u64,
    pub paddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub align: u64,
}

pub struct Sym {
    pub name: &'static [u8],
    /// The version readelf shows after `@` or `@@`.
    pub version: Option<&'static [u8]>,
    /// Defined with a hidden (non-default, single `@`) version.
    pub hidden: bool,
    /// No other symbol in the table has this name.
    pub unique: bool,
    pub value: u64,
    pub size: u64,
    pub info: u8,
    pub other: u8,
    pub shndx: u16,
}

impl Sym {
    /// Has a name of its own (readelf shows a section symbol under its
    /// section's name, but the symbol's own name is empty).
    fn named(&self) -> bool {
        !self.name.is_empty() && self.info & 0xf != STT_SECTION
    }

    /// Defined, global or weak, named and not hidden: what lookup by name
    /// must find.
    fn exported(&self) -> bool {
        self.shndx != 0 && self.info >> 4 != 0 && self.named() && !self.hidden
    }
}

pub struct RelSection {
    pub name: &'static [u8],
    pub rela: bool,
    pub entries: &'static [Rel],
}

pub struct Rel {
    pub offset: u64,
    pub symbol: u32,
    pub kind: u32,
    pub addend: i64,
}

mod expected {
    use super::{Expected, Rel, RelSection, Sec, Seg, Sym};
    include!(concat!(env!("OUT_DIR"), "/expected.rs"));
}

// ---------------------------------------------------------------------------
// The checks.

/// What failed; the discriminant is the exit status.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
enum Check {
    Parse = 10,
    Machine = 11,
    Class = 12,
    Endian = 13,
    FileType = 14,
    Entry = 15,
    SectionCount = 16,
    Shstrndx = 17,
    SegmentCount = 18,
    SectionHeader = 19,
    SectionName = 20,
    SectionByName = 21,
    ProgramHeader = 22,
    BuildId = 23,
    BuildIdLength = 24,
    Dynamic = 25,
    DynamicTags = 26,
    Soname = 27,
    Needed = 28,
    DynamicSymbols = 29,
    DynsymCount = 30,
    DynsymEntry = 31,
    SymbolVersion = 32,
    HashKind = 33,
    HashSymbolCount = 34,
    HashFind = 35,
    Lookup = 36,
    LookupMatchesScan = 37,
    LookupVersioned = 38,
    LookupAbsent = 39,
    SysvHash = 40,
    Symtab = 41,
    SymtabCount = 42,
    SymtabEntry = 43,
    SymtabMatchesLookup = 44,
    RelocationSection = 45,
    RelocationCount = 46,
    RelocationEntry = 47,
    DynamicRelocations = 48,
    Coverage = 49,
}

struct Failure {
    check: Check,
}

type Outcome = Result<(), Failure>;

/// Counts passed checks and reports failures.
struct Ctx {
    file: &'static str,
    passed: u32,
}

impl Ctx {
    /// Records a check; on failure prints `what` and returns `Err`.
    fn ensure(&mut self, ok: bool, check: Check, what: fmt::Arguments<'_>) -> Outcome {
        if ok {
            self.passed += 1;
            Ok(())
        } else {
            let _ = writeln!(
                Fd(2),
                "elfin no_std check: FAIL {}: {:?} (exit {}): {}",
                self.file,
                check,
                check as u8,
                what
            );
            Err(Failure { check })
        }
    }

    /// Unwraps an elfin result, failing `check` on an error.
    fn ok<T>(&mut self, r: elfin::Result<T>, check: Check, what: &str) -> Result<T, Failure> {
        match r {
            Ok(v) => Ok(v),
            Err(e) => {
                let _ = self.ensure(false, check, format_args!("{what}: {e}"));
                Err(Failure { check })
            }
        }
    }
}

macro_rules! ensure {
    ($cx:expr, $cond:expr, $check:ident, $($fmt:tt)+) => {
        $cx.ensure($cond, Check::$check, format_args!($($fmt)+))?
    };
}

/// Bytes as text for messages.
struct Show<'a>(&'a [u8]);

impl fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for &b in self.0 {
            if b.is_ascii_graphic() || b == b' ' {
                f.write_char(char::from(b))?;
            } else {
                write!(f, "\\x{b:02x}")?;
            }
        }
        f.write_str("\"")
    }
}

impl fmt::Debug for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn run() -> u8 {
    let mut first = None;
    let mut passed = 0;
    for e in expected::FILES {
        let mut cx = Ctx {
            file: e.path,
            passed: 0,
        };
        if let Err(f) = check_file(&mut cx, e) {
            first.get_or_insert(f.check as u8);
        }
        passed += cx.passed;
    }
    let _ = writeln!(
        Fd(1),
        "elfin no_std check: {} files, {} checks passed, {}",
        expected::FILES.len(),
        passed,
        if first.is_some() { "FAILED" } else { "all ok" }
    );
    first.unwrap_or(0)
}

fn check_file(cx: &mut Ctx, e: &Expected) -> Outcome {
    let elf = cx.ok(ElfFile::parse(e.bytes), Check::Parse, "ElfFile::parse")?;
    check_header(cx, e, &elf)?;
    check_sections(cx, e, &elf)?;
    check_segments(cx, e, &elf)?;
    check_build_id(cx, e, &elf)?;
    check_dynamic(cx, e, &elf)?;
    check_dynamic_symbols(cx, e, &elf)?;
    check_symtab(cx, e, &elf)?;
    check_relocations(cx, e, &elf)?;
    Ok(())
}

fn check_header(cx: &mut Ctx, e: &Expected, elf: &ElfFile<'_>) -> Outcome {
    ensure!(
        cx,
        elf.machine() == e.machine,
        Machine,
        "e_machine {} != readelf's {}",
        elf.machine(),
        e.machine
    );
    let class64 = elf.class() == Class::Elf64;
    ensure!(
        cx,
        class64 == e.class64,
        Class,
        "ELF64 {class64} != readelf's {}",
        e.class64
    );
    let big = elf.endian() == Endian::Big;
    ensure!(
        cx,
        big == e.big_endian,
        Endian,
        "big endian {big} != readelf's {}",
        e.big_endian
    );
    let h = elf.header();
    ensure!(
        cx,
        h.e_type == e.e_type,
        FileType,
        "e_type {} != readelf's {}",
        h.e_type,
        e.e_type
    );
    ensure!(
        cx,
        h.e_entry == e.entry,
        Entry,
        "e_entry {:#x} != readelf's {:#x}",
        h.e_entry,
        e.entry
    );
    ensure!(
        cx,
        elf.section_count() == e.sections.len(),
        SectionCount,
        "{} sections, readelf {}",
        elf.section_count(),
        e.sections.len()
    );
    ensure!(
        cx,
        elf.shstrndx() == e.shstrndx,
        Shstrndx,
        "shstrndx {} != readelf's {}",
        elf.shstrndx(),
        e.shstrndx
    );
    ensure!(
        cx,
        elf.segment_count() == e.segments.len(),
        SegmentCount,
        "{} program headers, readelf {}",
        elf.segment_count(),
        e.segments.len()
    );
    Ok(())
}

fn check_sections(cx: &mut Ctx, e: &Expected, elf: &ElfFile<'_>) -> Outcome {
    ensure!(
        cx,
        elf.sections().len() == e.sections.len(),
        SectionCount,
        "sections() yields {}",
        elf.sections().len()
    );
    for (s, x) in elf.sections().zip(e.sections) {
        let i = s.index();
        let h = s.header();
        let same = h.sh_type == x.kind
            && h.sh_flags & x.flags_mask == x.flags
            && h.sh_addr == x.addr
            && h.sh_offset == x.offset
            && h.sh_size == x.size
            && h.sh_entsize == x.entsize
            && h.sh_link == x.link
            && h.sh_info == x.info
            && h.sh_addralign == x.align;
        ensure!(
            cx,
            same,
            SectionHeader,
            "section {i}: type {:#x} flags {:#x} addr {:#x} off {:#x} size {:#x} es {:#x} link {} info {} align {:#x}; \
             readelf: type {:#x} flags {:#x} addr {:#x} off {:#x} size {:#x} es {:#x} link {} info {} align {:#x}",
            h.sh_type,
            h.sh_flags,
            h.sh_addr,
            h.sh_offset,
            h.sh_size,
            h.sh_entsize,
            h.sh_link,
            h.sh_info,
            h.sh_addralign,
            x.kind,
            x.flags,
            x.addr,
            x.offset,
            x.size,
            x.entsize,
            x.link,
            x.info,
            x.align
        );
        let name = cx.ok(s.name(), Check::SectionName, "section name")?;
        ensure!(
            cx,
            name == x.name,
            SectionName,
            "section {i} is {}, readelf {}",
            Show(name),
            Show(x.name)
        );
        // The first section of that name is this one, unless an earlier one shares it.
        let first = e
            .sections
            .iter()
            .position(|y| y.name == x.name)
            .unwrap_or(i);
        let found = elf.section_by_name(x.name).map(|s| s.index());
        ensure!(
            cx,
            i == 0 || found == Some(first),
            SectionByName,
            "section_by_name({}) = {found:?}, expected {first}",
            Show(x.name)
        );
    }
    Ok(())
}

fn check_segments(cx: &mut Ctx, e: &Expected, elf: &ElfFile<'_>) -> Outcome {
    for (i, (p, x)) in elf.segments().zip(e.segments).enumerate() {
        let same = p.p_type == x.kind
            && p.p_flags == x.flags
            && p.p_offset == x.offset
            && p.p_vaddr == x.vaddr
            && p.p_paddr == x.paddr
            && p.p_filesz == x.filesz
            && p.p_memsz == x.memsz
            && p.p_align == x.align;
        ensure!(
            cx,
            same,
            ProgramHeader,
            "program header {i}: {p:?}; readelf: type {:#x} flags {} off {:#x} vaddr {:#x} paddr {:#x} filesz {:#x} memsz {:#x} align {:#x}",
            x.kind,
            x.flags,
            x.offset,
            x.vaddr,
            x.paddr,
            x.filesz,
            x.memsz,
            x.align
        );
    }
    Ok(())
}

fn check_build_id(cx: &mut Ctx, e: &Expected, elf: &ElfFile<'_>) -> Outcome {
    let id = cx.ok(elf.build_id(), Check::BuildId, "build_id")?;
    ensure!(
        cx,
        id.is_some() == e.build_id.is_some(),
        BuildId,
        "build ID present: {}, readelf: {}",
        id.is_some(),
        e.build_id.is_some()
    );
    if let (Some(id), Some(want)) = (id, e.build_id) {
        ensure!(
            cx,
            id.len() == 20,
            BuildIdLength,
            "build ID is {} bytes, not 20 (SHA-1)",
            id.len()
        );
        ensure!(
            cx,
            id == want,
            BuildId,
            "build ID {:x?} != readelf's {:x?}",
            id,
            want
        );
    }
    Ok(())
}

fn check_dynamic(cx: &mut Ctx, e: &Expected, elf: &ElfFile<'_>) -> Outcome {
    let dynamic = cx.ok(elf.dynamic(), Check::Dynamic, "dynamic")?;
    ensure!(
        cx,
        dynamic.is_some() == e.dynamic.is_some(),
        Dynamic,
        "dynamic table present: {}",
        dynamic.is_some()
    );
    let (Some(d), Some(tags)) = (dynamic, e.dynamic) else {
        return Ok(());
    };
    let n = d.iter().count();
    ensure!(
        cx,
        n == tags.len(),
        DynamicTags,
        "{n} dynamic entries up to DT_NULL, readelf {}",
        tags.len()
    );
    for (i, (got, want)) in d.iter().zip(tags).enumerate() {
        ensure!(
            cx,
            got.d_tag == *want,
            DynamicTags,
            "dynamic entry {i}: tag {:#x}, readelf {want:#x}",
            got.d_tag
        );
    }
    let soname = match d.get(DT_SONAME) {
        Some(off) => Some(cx.ok(elf.dynamic_string(off), Check::Soname, "DT_SONAME string")?),
        None => None,
    };
    ensure!(
        cx,
        soname == e.soname,
        Soname,
        "DT_SONAME {:?}",
        soname.map(Show)
    );
    let mut needed = e.needed.iter();
    for entry in d.iter().filter(|d| d.d_tag == DT_NEEDED) {
        let name = cx.ok(
            elf.dynamic_string(entry.d_val),
            Check::Needed,
            "DT_NEEDED string",
        )?;
        let want = needed.next();
        ensure!(
            cx,
            want == Some(&name),
            Needed,
            "DT_NEEDED {} != readelf's {:?}",
            Show(name),
            want.map(|w| Show(w))
        );
    }
    ensure!(
        cx,
        needed.next().is_none(),
        Needed,
        "fewer DT_NEEDED than readelf shows"
    );
    Ok(())
}

fn check_dynamic_symbols(cx: &mut Ctx, e: &Expected, elf: &ElfFile<'_>) -> Outcome {
    let ds = cx.ok(
        elf.dynamic_symbols(),
        Check::DynamicSymbols,
        "dynamic_symbols",
    )?;
    ensure!(
        cx,
        ds.is_some() == e.dynsym.is_some(),
        DynamicSymbols,
        "dynamic symbols present: {}",
        ds.is_some()
    );
    let (Some(ds), Some(want)) = (ds, e.dynsym) else {
        return Ok(());
    };
    let syms = ds.symbols();
    ensure!(
        cx,
        syms.len() == want.len(),
        DynsymCount,
        "{} dynamic symbols, readelf {}",
        syms.len(),
        want.len()
    );
    compare_symbols(cx, elf, syms, want, Check::DynsymEntry)?;

    // Versions.
    for (i, x) in want.iter().enumerate() {
        if let Some(v) = x.version {
            let got = cx.ok(ds.version(i), Check::SymbolVersion, "version")?;
            ensure!(
                cx,
                got.name() == Some(v),
                SymbolVersion,
                "symbol {i} {}: version {:?}, readelf {}",
                Show(x.name),
                got,
                Show(v)
            );
        }
    }

    // The hash table: the kind the dynamic table names (GNU preferred).
    let tags = e.dynamic.unwrap_or(&[]);
    let hash = ds.hash();
    let kind_ok = match hash {
        Some(HashTable::Gnu(_)) => tags.contains(&DT_GNU_HASH),
        Some(HashTable::Sysv(_)) => !tags.contains(&DT_GNU_HASH) && tags.contains(&DT_HASH),
        None => !tags.contains(&DT_GNU_HASH) && !tags.contains(&DT_HASH),
    };
    ensure!(
        cx,
        kind_ok,
        HashKind,
        "hash table {:?} for dynamic tags {:x?}",
        hash.map(|h| matches!(h, HashTable::Gnu(_))),
        tags
    );
    let Some(hash) = hash else {
        return Ok(());
    };
    let (count, first) = match hash {
        HashTable::Gnu(g) => (
            cx.ok(g.symbol_count(), Check::HashSymbolCount, "GNU symbol_count")?,
            g.symoffset() as usize,
        ),
        HashTable::Sysv(s) => (s.symbol_count(), 1),
    };
    ensure!(
        cx,
        count == want.len(),
        HashSymbolCount,
        "hash table covers {count} symbols, readelf lists {}",
        want.len()
    );
    // Every named symbol the table covers is on its hash chain.
    for (i, x) in want.iter().enumerate().skip(first) {
        if !x.named() {
            continue;
        }
        let found = cx.ok(
            hash.find(x.name, syms, |j, _| j == i),
            Check::HashFind,
            "hash find",
        )?;
        ensure!(
            cx,
            found.map(|f| f.0) == Some(i),
            HashFind,
            "symbol {i} {} not on its hash chain",
            Show(x.name)
        );
    }

    // Lookup by name through the hash table, against readelf and against a
    // linear scan of the same table.
    let mut exported = 0;
    for (i, x) in want.iter().enumerate() {
        if !x.exported() || !x.unique {
            continue;
        }
        exported += 1;
        let found = cx.ok(ds.lookup(x.name), Check::Lookup, "lookup")?;
        ensure!(
            cx,
            found.map(|f| f.0) == Some(i),
            Lookup,
            "lookup({}) = {:?}, readelf has it at {i}",
            Show(x.name),
            found
        );
        let (_, sym) = found.unwrap_or_default();
        ensure!(
            cx,
            sym.st_value == x.value && sym.st_size == x.size,
            Lookup,
            "lookup({}) = {sym:?}, readelf value {:#x} size {}",
            Show(x.name),
            x.value,
            x.size
        );
        let scan = syms.find_by_name(x.name).map(|(_, s)| s.st_value);
        ensure!(
            cx,
            scan == Some(sym.st_value),
            LookupMatchesScan,
            "{}: lookup value {:#x}, linear scan {scan:x?}",
            Show(x.name),
            sym.st_value
        );
        if let Some(v) = x.version {
            let found = cx.ok(
                ds.lookup_versioned(x.name, v),
                Check::LookupVersioned,
                "lookup_versioned",
            )?;
            ensure!(
                cx,
                found.map(|f| f.0) == Some(i),
                LookupVersioned,
                "lookup_versioned({}, {}) = {found:?}",
                Show(x.name),
                Show(v)
            );
        }
    }
    // lib.so exports lib_add, lib_name, lib_counter, lib_names, lib_tls.
    ensure!(
        cx,
        exported >= 5,
        Coverage,
        "only {exported} exported symbols to look up"
    );
    for name in e.absent {
        let found = cx.ok(ds.lookup(name), Check::LookupAbsent, "lookup")?;
        ensure!(
            cx,
            found.is_none(),
            LookupAbsent,
            "lookup({}) = {found:?}, readelf has no such dynamic symbol",
            Show(name)
        );
    }

    // The SysV `.hash` section, also when `.gnu.hash` is preferred: its words
    // are as wide as its sh_entsize says (8 on s390x).
    if let Some(s) = elf.section_by_type(SHT_HASH) {
        let data = cx.ok(s.data(), Check::SysvHash, ".hash data")?;
        let wide = s.header().sh_entsize == 8;
        let sysv = cx.ok(
            SysvHash::parse(elf.encoding(), data, s.header().sh_offset, wide),
            Check::SysvHash,
            ".hash",
        )?;
        ensure!(
            cx,
            sysv.symbol_count() == want.len(),
            SysvHash,
            ".hash nchain {}, readelf {}",
            sysv.symbol_count(),
            want.len()
        );
        for (i, x) in want.iter().enumerate() {
            if !x.named() {
                continue;
            }
            let found = cx.ok(
                sysv.find(x.name, syms, |j, _| j == i),
                Check::SysvHash,
                ".hash find",
            )?;
            ensure!(
                cx,
                found.map(|f| f.0) == Some(i),
                SysvHash,
                "symbol {i} {} not on its .hash chain",
                Show(x.name)
            );
        }
    }
    Ok(())
}

fn compare_symbols(
    cx: &mut Ctx,
    elf: &ElfFile<'_>,
    syms: &SymbolTable<'_>,
    want: &[Sym],
    check: Check,
) -> Outcome {
    for (i, (s, x)) in syms.iter().zip(want).enumerate() {
        let mut name = cx.ok(syms.name(&s), check, "symbol name")?;
        if name.is_empty() && s.kind() == STT_SECTION && s.st_shndx != 0 {
            // readelf names a section symbol after its section.
            let section = cx.ok(
                elf.section(usize::from(s.st_shndx)),
                check,
                "section of a section symbol",
            )?;
            name = cx.ok(section.name(), check, "section name")?;
        }
        let same = name == x.name
            && s.st_value == x.value
            && s.st_size == x.size
            && s.st_info == x.info
            && s.st_other & 3 == x.other
            && s.st_shndx == x.shndx;
        cx.ensure(
            same,
            check,
            format_args!(
                "symbol {i}: {} {s:?}; readelf: {} value {:#x} size {} info {:#x} vis {} shndx {:#x}",
                Show(name),
                Show(x.name),
                x.value,
                x.size,
                x.info,
                x.other,
                x.shndx
            ),
        )?;
    }
    Ok(())
}

fn check_symtab(cx: &mut Ctx, e: &Expected, elf: &ElfFile<'_>) -> Outcome {
    let symtab = cx.ok(elf.symbol_table(), Check::Symtab, "symbol_table")?;
    ensure!(
        cx,
        symtab.is_some() == e.symtab.is_some(),
        Symtab,
        ".symtab present: {}",
        symtab.is_some()
    );
    let (Some(symtab), Some(want)) = (symtab, e.symtab) else {
        return Ok(());
    };
    ensure!(
        cx,
        symtab.len() == want.len(),
        SymtabCount,
        "{} .symtab entries, readelf {}",
        symtab.len(),
        want.len()
    );
    compare_symbols(cx, elf, &symtab, want, Check::SymtabEntry)?;
    // What the hash lookup finds in .dynsym is what a linear scan of
    // .symtab finds under the same name.
    let Some(ds) = cx.ok(
        elf.dynamic_symbols(),
        Check::DynamicSymbols,
        "dynamic_symbols",
    )?
    else {
        return Ok(());
    };
    for x in e
        .dynsym
        .unwrap_or(&[])
        .iter()
        .filter(|x| x.exported() && x.unique && x.version.is_some())
    {
        let looked_up = cx
            .ok(ds.lookup(x.name), Check::Lookup, "lookup")?
            .map(|(_, s)| s.st_value);
        let scanned = symtab.find_by_name(x.name).map(|(_, s)| s.st_value);
        ensure!(
            cx,
            looked_up.is_some() && looked_up == scanned,
            SymtabMatchesLookup,
            "{}: .dynsym lookup {looked_up:x?}, .symtab scan {scanned:x?}",
            Show(x.name)
        );
    }
    Ok(())
}

fn compare_relocations(
    cx: &mut Ctx,
    what: &[u8],
    table: &FixedRelocations<'_>,
    want: &RelSection,
) -> Outcome {
    ensure!(
        cx,
        table.has_addends() == want.rela,
        RelocationSection,
        "{}: has_addends {}",
        Show(what),
        table.has_addends()
    );
    let n = table.iter().count();
    ensure!(
        cx,
        n == want.entries.len(),
        RelocationCount,
        "{}: {n} relocations, readelf {}",
        Show(what),
        want.entries.len()
    );
    for (i, (r, x)) in table.iter().zip(want.entries).enumerate() {
        let addend = if want.rela { Some(x.addend) } else { None };
        let same =
            r.offset == x.offset && r.symbol == x.symbol && r.kind == x.kind && r.addend == addend;
        ensure!(
            cx,
            same,
            RelocationEntry,
            "{} entry {i}: {r:?}; readelf: offset {:#x} symbol {} type {} addend {addend:?}",
            Show(what),
            x.offset,
            x.symbol,
            x.kind
        );
    }
    Ok(())
}

fn check_relocations(cx: &mut Ctx, e: &Expected, elf: &ElfFile<'_>) -> Outcome {
    for want in e.relocs {
        let section = elf.section_by_name(want.name);
        ensure!(
            cx,
            section.is_some(),
            RelocationSection,
            "no section {}",
            Show(want.name)
        );
        let section = section.unwrap();
        let table = cx.ok(
            elf.relocation_table(&section),
            Check::RelocationSection,
            "relocation_table",
        )?;
        ensure!(
            cx,
            table.is_some(),
            RelocationSection,
            "{} is not a relocation section",
            Show(want.name)
        );
        let fixed = table.and_then(|t| t.as_fixed());
        ensure!(
            cx,
            fixed.is_some(),
            RelocationSection,
            "{} is not a REL or RELA section",
            Show(want.name)
        );
        compare_relocations(cx, want.name, &fixed.unwrap(), want)?;
    }
    // The dynamic relocations (.rela.dyn / .rel.dyn) must not be empty: the
    // pointer table in lib.c needs relative relocations.
    if e.dynamic.is_some() {
        let n = e
            .relocs
            .iter()
            .filter(|r| r.name.ends_with(b".dyn"))
            .map(|r| r.entries.len())
            .sum::<usize>();
        ensure!(
            cx,
            n > 0 || e.sections.is_empty(),
            Coverage,
            "no .rel[a].dyn relocations"
        );
    }

    // The same tables found through the dynamic table.
    let dr = cx.ok(
        elf.dynamic_relocations(),
        Check::DynamicRelocations,
        "dynamic_relocations",
    )?;
    let mut seen = 0;
    for want in e.dyn_relocs {
        let table = match want.name {
            b"RELA" => dr.rela,
            b"REL" => dr.rel,
            b"RELR" => dr.relr,
            b"PLT" => dr.plt,
            other => {
                ensure!(
                    cx,
                    false,
                    DynamicRelocations,
                    "readelf shows an unknown table {}",
                    Show(other)
                );
                None
            }
        };
        ensure!(
            cx,
            table.is_some(),
            DynamicRelocations,
            "dynamic_relocations() has no {} table",
            Show(want.name)
        );
        compare_relocations(cx, want.name, &table.unwrap(), want)?;
        seen += 1;
    }
    let present = [dr.rela, dr.rel, dr.relr, dr.plt]
        .iter()
        .filter(|t| t.is_some())
        .count();
    ensure!(
        cx,
        present == seen,
        DynamicRelocations,
        "dynamic_relocations() has {present} tables, readelf {seen}"
    );
    if e.dynamic.is_some() {
        ensure!(cx, seen > 0, Coverage, "no dynamic relocation tables");
    }
    Ok(())
}
