//! The full walk: parse any bytes with elfin and touch every view and
//! iterator the reader offers, using every result so nothing is optimized
//! away. Shared by the fuzz target (`fuzz/fuzz_targets/parse.rs`) and
//! `tests/fuzz_regressions.rs` through `#[path = "..."] mod walk;`.
//!
//! Every iterator is run to its end (a reader that fails to end one is a
//! hang the fuzzer should find). Only the lookups that are themselves a scan
//! (`section_by_name`, `section_containing`, `find_by_name`, address
//! translation, hash lookups) are called on a bounded number of probes —
//! names, versions and addresses taken from the file — so that the walk
//! stays linear in the input apart from what elfin itself does.

#![allow(dead_code)]

use core::fmt::{self, Write as _};
use core::hint::black_box;

use elfin::raw::consts::*;
use elfin::read::{
    Dyn, GnuNote, HashTable, Note, NoteIter, ProgramHeader, RelocationFormat, RelocationTable,
    Section, StringTable, SymbolTable,
};
use elfin::{ElfFile, Error, Result};

/// How many names, versions and addresses the scanning lookups are tried on.
const PROBES: usize = 24;

/// A fixed-capacity list of probes, so collecting them does not allocate.
struct Probes<T: Copy + PartialEq, const N: usize> {
    items: [Option<T>; N],
    len: usize,
}

impl<T: Copy + PartialEq, const N: usize> Probes<T, N> {
    fn new() -> Self {
        Probes {
            items: [None; N],
            len: 0,
        }
    }
    fn push(&mut self, item: T) {
        if self.len < N && !self.items[..self.len].contains(&Some(item)) {
            self.items[self.len] = Some(item);
            self.len += 1;
        }
    }
    fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.items[..self.len].iter().flatten().copied()
    }
}

/// A `fmt::Write` that only looks at what is written.
struct Sink(usize);

impl fmt::Write for Sink {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.wrapping_add(black_box(s).len());
        Ok(())
    }
}

/// Uses an error, including its `Display` and `Debug`.
fn error(e: Error) {
    let mut sink = Sink(0);
    let _ = write!(sink, "{e} {e:?}");
    black_box((sink.0, e));
}

/// The value of a result, after using its error if it has one.
fn ok<T>(r: Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            error(e);
            None
        }
    }
}

/// Uses a byte string: its length, a few bytes and a cheap hash.
fn bytes(b: &[u8]) {
    black_box((b.len(), b.first(), b.last(), b.get(b.len() / 2)));
}

/// Everything the walk collects from the file to probe the lookups with.
struct Seen<'a> {
    names: Probes<&'a [u8], PROBES>,
    symbol_names: Probes<&'a [u8], PROBES>,
    addrs: Probes<u64, { 4 * PROBES }>,
    offsets: Probes<u64, PROBES>,
}

/// Parses `data` and walks everything elfin offers. Never panics, never
/// hangs and allocates at most a fixed multiple of `data.len()` — or elfin
/// has a bug.
pub fn walk(data: &[u8]) {
    // Pure functions on arbitrary bytes.
    black_box((
        elfin::read::sysv_hash(data.get(..64).unwrap_or(data)),
        elfin::read::gnu_hash(data.get(..64).unwrap_or(data)),
    ));
    let _ = ok(elfin::read::FileHeader::parse(data));
    let Some(file) = ok(ElfFile::parse(data)) else {
        return;
    };
    let mut seen = Seen {
        names: Probes::new(),
        symbol_names: Probes::new(),
        addrs: Probes::new(),
        offsets: Probes::new(),
    };
    for name in [
        &b""[..],
        b".text",
        b".dynsym",
        b".symtab",
        b".no such section",
    ] {
        seen.names.push(name);
        seen.symbol_names.push(name);
    }
    header(&file, &mut seen);
    segments(&file, &mut seen);
    sections(&file, &mut seen);
    symbols(&file, &mut seen);
    dynamic(&file, &mut seen);
    dynamic_symbols(&file, &seen);
    relocations(&file);
    notes(&file);
    lookups(&file, &seen);
}

fn header<'a>(file: &ElfFile<'a>, seen: &mut Seen<'a>) {
    let h = file.header();
    black_box((
        file.data().len(),
        file.encoding(),
        file.class(),
        file.endian(),
        file.encoding().address_size(),
        h,
        file.machine(),
        file.segment_count(),
        file.section_count(),
        file.shstrndx(),
        file.info_layout(),
        file.program_headers().len(),
        file.section_headers().len(),
    ));
    black_box((
        et_name(h.e_type),
        em_name(h.e_machine),
        osabi_name(h.ident.osabi),
    ));
    seen.addrs.push(h.e_entry);
    // A table that could not be used, and the counts the header states.
    black_box((file.stated_segment_count(), file.stated_section_count()));
    file.segments_error().into_iter().for_each(error);
    file.sections_error().into_iter().for_each(error);
    seen.offsets.push(h.e_phoff);
    seen.offsets.push(h.e_shoff);
    let enc = file.encoding();
    black_box((
        enc.read_u16(file.data()),
        enc.read_u32(file.data()),
        enc.read_u64(file.data()),
        enc.read_word(file.data()),
    ));
    // The typed tables' own accessors, at both ends and past them.
    let ph = file.program_headers();
    let sh = file.section_headers();
    black_box((
        ph.get(0),
        ph.get(ph.len()),
        ph.iter().next_back(),
        ph.iter().nth(1),
    ));
    black_box((
        sh.get(0),
        sh.get(sh.len()),
        sh.iter().next_back(),
        sh.iter().nth(1),
    ));
    black_box((
        ph.skip(1).len(),
        ph.take(1).len(),
        sh.skip(usize::MAX).len(),
        sh.take(2).len(),
    ));
    black_box(ph.iter().fold(0u64, |a, p| a ^ p.p_vaddr));
    black_box(sh.iter().rev().fold(0u64, |a, s| a ^ s.sh_addr));
}

fn segments<'a>(file: &ElfFile<'a>, seen: &mut Seen<'a>) {
    for p in file.segments() {
        let p: ProgramHeader = p;
        black_box((
            pt_name(p.p_type),
            p.is_read(),
            p.is_write(),
            p.is_execute(),
            p.contains_vaddr(p.p_vaddr),
            p.contains_vaddr(p.p_vaddr.wrapping_add(p.p_memsz)),
            p.vaddr_to_offset(p.p_vaddr),
            p.vaddr_to_offset(p.p_vaddr.wrapping_add(p.p_filesz).wrapping_sub(1)),
            p.offset_to_vaddr(p.p_offset),
            p.offset_to_vaddr(p.p_offset.wrapping_add(p.p_filesz)),
        ));
        if let Some(d) = ok(file.segment_data(&p)) {
            bytes(d);
        }
        if p.p_type == PT_LOAD || p.p_type == PT_DYNAMIC {
            seen.addrs.push(p.p_vaddr);
            seen.addrs
                .push(p.p_vaddr.wrapping_add(p.p_filesz).wrapping_sub(1));
            seen.addrs.push(p.p_vaddr.wrapping_add(p.p_memsz));
            seen.offsets.push(p.p_offset);
        }
        if p.p_type == PT_NOTE {
            if let Some(notes) = ok(file.segment_notes(&p)) {
                note_iter(file, notes);
            }
        }
    }
    if let Some(Some(interp)) = ok(file.interpreter()) {
        bytes(interp);
    }
}

fn strings(t: StringTable<'_>) {
    black_box((t.data().len(), t.offset()));
    for s in t.iter() {
        if let Some((off, s)) = ok(s) {
            bytes(s);
            // Offsets inside and just past a string.
            black_box((t.get(off).is_ok(), t.get(off.wrapping_add(1)).is_ok()));
            let _ = ok(t.get_str(off));
        }
    }
    let _ = ok(t.get(u32::MAX));
    let _ = ok(t.get(t.data().len() as u32));
}

fn sections<'a>(file: &ElfFile<'a>, seen: &mut Seen<'a>) {
    if let Some(names) = ok(file.section_names()) {
        strings(names);
    }
    let count = file.section_count();
    black_box(file.sections().size_hint());
    for s in file.sections() {
        let h = *s.header();
        black_box((
            s.index(),
            h,
            s.encoding(),
            sht_name(h.sh_type),
            h.is_alloc(),
            h.is_write(),
            h.is_execute(),
            h.is_compressed(),
            h.has_file_data(),
            h.contains_addr(h.sh_addr),
        ));
        if let Some(name) = ok(s.name()) {
            bytes(name);
            seen.names.push(name);
        }
        let _ = ok(s.name_str());
        if let Some(d) = ok(s.data()) {
            bytes(d);
        }
        if let Some(Some(ch)) = ok(s.compression_header()) {
            black_box(ch);
        }
        #[cfg(feature = "compression")]
        {
            let limit = file.data().len().saturating_mul(16);
            if let Some(out) = ok(s.decompressed(limit)) {
                bytes(&out);
            }
        }
        if h.is_alloc() {
            seen.addrs.push(h.sh_addr);
        }
        match h.sh_type {
            SHT_STRTAB => {
                if let Some(t) = ok(file.string_table(s.index() as u32)) {
                    strings(t);
                }
            }
            SHT_GROUP => group(file, &s),
            SHT_SYMTAB | SHT_DYNSYM => {
                if let Some(t) = ok(file.symbol_table_of(&s)) {
                    symbol_table(&t, seen);
                }
            }
            SHT_NOTE => {
                if let Some(notes) = ok(file.section_notes(&s)) {
                    note_iter(file, notes);
                }
            }
            _ => {}
        }
        if let Some(Some(t)) = ok(file.relocation_table(&s)) {
            relocation_table(file, &t, Some(&s));
        }
        if let Some(e) = file.relocation_table_error(&s) {
            error(e);
        }
    }
    let _ = ok(file.section(count));
    let _ = ok(file.section(usize::MAX));
    let _ = ok(file.string_table(u32::MAX));
    let _ = ok(file.string_table(file.shstrndx()));
    for t in [
        SHT_SYMTAB,
        SHT_DYNSYM,
        SHT_DYNAMIC,
        SHT_GNU_HASH,
        SHT_NOTE,
        SHT_GROUP,
    ] {
        black_box(file.section_by_type(t).map(|s| s.index()));
    }
}

fn group<'a>(file: &ElfFile<'a>, s: &Section<'a>) {
    let Some((flags, members)) = ok(file.group(s)) else {
        return;
    };
    black_box((flags & GRP_COMDAT, members.len()));
    for m in members {
        if let Some(member) = ok(file.section(m as usize)) {
            black_box(member.header().sh_flags);
            let _ = ok(member.name());
        }
    }
}

fn symbol_table<'a>(t: &SymbolTable<'a>, seen: &mut Seen<'a>) {
    black_box((
        t.len(),
        t.is_empty(),
        t.offset(),
        t.raw().len(),
        t.strings().data().len(),
    ));
    for (i, sym) in t.iter().enumerate() {
        black_box((
            sym,
            sym.bind(),
            sym.kind(),
            sym.visibility(),
            sym.is_undefined(),
            stb_name(sym.bind()),
            stt_name(sym.kind()),
            stv_name(sym.visibility()),
        ));
        if let Some(name) = ok(t.name(&sym)) {
            bytes(name);
            if !name.is_empty() {
                seen.symbol_names.push(name);
            }
        }
        if let Some(sec) = ok(t.section(i, &sym)) {
            black_box(sec);
        }
        if !sym.is_undefined() && sym.st_value != 0 {
            seen.addrs.push(sym.st_value);
        }
    }
    let _ = ok(t.get(0));
    let _ = ok(t.get(t.len()));
}

fn symbols<'a>(file: &ElfFile<'a>, seen: &mut Seen<'a>) {
    let Some(Some(t)) = ok(file.symbol_table()) else {
        return;
    };
    symbol_table(&t, seen);
    for name in seen.symbol_names.iter() {
        black_box(t.find_by_name(name));
    }
    #[cfg(feature = "alloc")]
    {
        let index = elfin::read::SymbolIndex::new(&t);
        for name in seen.symbol_names.iter() {
            black_box(index.get(name));
        }
    }
}

fn dyn_entry(file: &ElfFile<'_>, d: Dyn) {
    black_box((d, dt_name(d.d_tag)));
    if matches!(d.d_tag, DT_NEEDED | DT_SONAME | DT_RPATH | DT_RUNPATH) {
        if let Some(s) = ok(file.dynamic_string(d.d_val)) {
            bytes(s);
        }
    }
}

fn dynamic<'a>(file: &ElfFile<'a>, seen: &mut Seen<'a>) {
    let Some(Some(d)) = ok(file.dynamic()) else {
        return;
    };
    black_box((d.offset(), d.raw().len(), d.get(DT_NEEDED), d.get(DT_NULL)));
    for e in d.iter() {
        dyn_entry(file, e);
        if matches!(
            e.d_tag,
            DT_STRTAB | DT_SYMTAB | DT_HASH | DT_GNU_HASH | DT_VERSYM | DT_RELA | DT_REL
        ) {
            seen.addrs.push(e.d_val);
        }
    }
    // Entries after DT_NULL are in the raw table only.
    black_box(d.raw().iter().fold(0i64, |a, e| a ^ e.d_tag));
    d.errors().for_each(error);
    black_box(d.info());
    if let Some(t) = ok(file.dynamic_strings()) {
        strings(t);
    }
    let _ = ok(file.dynamic_string(u64::MAX));
}

fn dynamic_symbols<'a>(file: &ElfFile<'a>, seen: &Seen<'a>) {
    let Some(Some(ds)) = ok(file.dynamic_symbols()) else {
        return;
    };
    let t = ds.symbols();
    if let Some(e) = ds.hash_error() {
        error(e);
    }
    if let Some(e) = ds.versions_error() {
        error(e);
    }
    let mut local = Seen {
        names: Probes::new(),
        symbol_names: Probes::new(),
        addrs: Probes::new(),
        offsets: Probes::new(),
    };
    symbol_table(t, &mut local);
    match ds.hash() {
        Some(HashTable::Gnu(g)) => {
            black_box((g.symoffset(), g.bucket_count()));
            let _ = ok(g.symbol_count());
        }
        Some(HashTable::Sysv(s)) => {
            black_box((s.symbol_count(), s.bucket_count()));
        }
        None => {}
    }
    let v = ds.versions();
    let mut versions: Probes<&[u8], PROBES> = Probes::new();
    for def in v.definitions() {
        if let Some(def) = ok(def) {
            black_box((def.flags, def.index, def.hash, def.aux_count));
            bytes(def.name);
            versions.push(def.name);
            for parent in def.parents {
                if let Some(p) = ok(parent) {
                    bytes(p);
                }
            }
        }
    }
    for need in v.needs() {
        if let Some(need) = ok(need) {
            black_box((need.hash, need.flags, need.index));
            bytes(need.file);
            bytes(need.name);
            versions.push(need.name);
        }
    }
    // Every symbol's version through the index (one walk of the chains);
    // `version` walks them on each call, so it is asked for a bounded
    // number of symbols, and must agree with the index.
    #[cfg(feature = "alloc")]
    {
        let index = elfin::read::VersionIndex::new(v);
        let n = t.len();
        for i in 0..=n {
            black_box(v.versym(i));
            let sv = index.symbol_version(i);
            if i < PROBES || i + PROBES > n {
                assert_eq!(sv, ds.version(i), "VersionIndex disagrees for symbol {i}");
            }
            if let Some(sv) = ok(sv) {
                black_box((sv, sv.name()));
            }
        }
    }
    #[cfg(not(feature = "alloc"))]
    for i in 0..=t.len() {
        black_box(v.versym(i));
        if let Some(sv) = ok(ds.version(i)) {
            black_box((sv, sv.name()));
        }
    }
    let names = seen.symbol_names.iter().chain(local.symbol_names.iter());
    for name in names.take(2 * PROBES) {
        if let Some(found) = ok(ds.lookup(name)) {
            black_box(found);
        }
        for version in versions.iter().take(4) {
            if let Some(found) = ok(ds.lookup_versioned(name, version)) {
                black_box(found);
            }
        }
    }
}

fn relocation_table<'a>(
    file: &ElfFile<'a>,
    t: &RelocationTable<'a>,
    section: Option<&Section<'a>>,
) {
    black_box(t.has_addends());
    // The symbol table a relocation section names, to resolve symbols.
    let symbols = section.and_then(|s| {
        let link = s.header().sh_link;
        if link == 0 || t.format() == RelocationFormat::Relr {
            return None;
        }
        ok(file.section(link as usize)).and_then(|l| ok(file.symbol_table_of(&l)))
    });
    let mut n = 0usize;
    for r in t.with_symbols(symbols) {
        let Some(r) = ok(r) else { continue };
        black_box(r);
        n += 1;
    }
    if let Some(fixed) = t.as_fixed() {
        n = n.wrapping_add(fixed.iter().count());
    }
    black_box(n);
}

fn relocations(file: &ElfFile<'_>) {
    let Some(d) = ok(file.dynamic_relocations()) else {
        return;
    };
    for t in [d.rela, d.rel, d.relr, d.plt].into_iter().flatten() {
        relocation_table(file, &RelocationTable::Fixed(t), None);
    }
}

fn note(file: &ElfFile<'_>, n: Note<'_>) {
    bytes(n.name);
    bytes(n.desc);
    black_box((n.kind, n.offset, nt_gnu_name(n.kind)));
    let enc = file.encoding();
    match n.gnu(enc) {
        Some(GnuNote::BuildId(id)) => bytes(id),
        Some(GnuNote::AbiTag {
            os,
            major,
            minor,
            patch,
        }) => {
            black_box((os, major, minor, patch));
        }
        Some(GnuNote::Properties(props)) => {
            for p in props {
                if let Some(p) = ok(p) {
                    black_box((p.kind, p.word(enc)));
                    bytes(p.data);
                }
            }
        }
        None => {}
    }
}

fn note_iter(file: &ElfFile<'_>, notes: NoteIter<'_>) {
    for n in notes {
        if let Some(n) = ok(n) {
            note(file, n);
        }
    }
}

fn notes(file: &ElfFile<'_>) {
    if let Some(Some(id)) = ok(file.build_id()) {
        bytes(id);
    }
    // A note walk over arbitrary bytes, with both paddings and byte orders.
    let data = file.data();
    for (align, endian) in [(4, file.endian()), (8, file.endian())] {
        note_iter(
            file,
            NoteIter::new(data.get(64..).unwrap_or(&[]), align, endian, 64),
        );
    }
}

fn lookups<'a>(file: &ElfFile<'a>, seen: &Seen<'a>) {
    for name in seen.names.iter() {
        black_box(file.section_by_name(name).map(|s| s.index()));
    }
    #[cfg(feature = "alloc")]
    {
        let index = elfin::read::SectionIndex::new(file);
        for name in seen.names.iter() {
            black_box(index.get(name).map(|s| s.index()));
        }
    }
    for addr in seen.addrs.iter() {
        black_box(file.section_containing(addr).map(|s| s.index()));
        let off = file.vaddr_to_offset(addr);
        black_box(off.map(|o| file.offset_to_vaddr(o)));
        for size in [0, 1, 8, 64, u64::MAX] {
            if let Some(d) = ok(file.data_at_vaddr(addr, size)) {
                bytes(d);
            }
        }
        if let Some((d, off)) = ok(file.data_from_vaddr(addr)) {
            bytes(d);
            black_box(off);
        }
    }
    for off in seen.offsets.iter() {
        black_box(file.offset_to_vaddr(off));
        for size in [0, 16, u64::MAX] {
            if let Some(d) = ok(file.bytes_at(off, size)) {
                bytes(d);
            }
        }
    }
}

/// The salvage property: a file that opens keeps opening after the byte at
/// `at` (outside the first 64 bytes, the file header's) becomes `byte`,
/// and every section whose header and data do not hold that byte reads
/// the same (header, and data or the error). `Err` says what broke.
pub fn salvage(data: &[u8], at: usize, byte: u8) -> core::result::Result<(), String> {
    let Ok(before) = ElfFile::parse(data) else {
        return Ok(());
    };
    if at < 64 || at >= data.len() {
        return Ok(());
    }
    let mut changed = data.to_vec();
    changed[at] = byte;
    let after = match ElfFile::parse(&changed) {
        Ok(f) => f,
        Err(e) => return Err(format!("byte {at:#x} = {byte:#x}: no longer opens: {e}")),
    };
    let at = at as u64;
    let h = before.header();
    let entsize = elfin::read::Table::<elfin::read::SectionHeader>::entry_size(before.encoding());
    let entsize = entsize as u64;
    let header_of = |i: usize| h.e_shoff.saturating_add((i as u64).saturating_mul(entsize));
    let holds = |start: u64, size: u64| at >= start && at - start < size;
    // Section 0 holds the counts when the file header defers to it: a
    // change there may change the table itself.
    let defers = h.e_shnum == 0 || h.e_shstrndx == SHN_XINDEX || h.e_phnum == PN_XNUM;
    if before.section_count() > 0 && defers && holds(header_of(0), entsize) {
        return Ok(());
    }
    for s in before.sections() {
        let sh = s.header();
        if holds(header_of(s.index()), entsize) {
            continue;
        }
        if sh.has_file_data() && holds(sh.sh_offset, sh.sh_size) {
            continue;
        }
        let Ok(t) = after.section(s.index()) else {
            return Err(format!(
                "byte {at:#x} = {byte:#x}: section {} is gone",
                s.index()
            ));
        };
        if t.header() != sh || t.data() != s.data() {
            return Err(format!(
                "byte {at:#x} = {byte:#x}: section {} reads differently",
                s.index()
            ));
        }
    }
    Ok(())
}

/// A position and a new byte for [`salvage`], taken from the input itself
/// (so that the fuzzer explores them along with the file).
pub fn salvage_probe(data: &[u8]) -> Option<(usize, u8)> {
    let span = data.len().checked_sub(64).filter(|&n| n > 0)?;
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let at = 64 + (h % span as u64) as usize;
    let byte = data[at] ^ (1 + ((h >> 32) % 255) as u8);
    Some((at, byte))
}
