//! Hostile files: patched copies of real files, one broken table each,
//! in both classes and both byte orders (the seven kinds of damage of
//! issue 12). Each case says which errors elfin must report (structure and
//! file offset); what elfin still prints is compared with readelf by
//! `tests/readelf_diff.rs`, and the salvaged records by `tests/salvage.rs`.
//!
//! The patches are located with elfin on the pristine file (where a section
//! is, which field holds what); the expectations come from the file format
//! and from readelf, never from what the patched file reads back as.

use elfin::ElfFile;
use elfin::raw::consts::*;

/// One patched file.
pub struct Case {
    /// `<base>:<kind>`, e.g. `i686/lib.so:e_phentsize`.
    pub name: String,
    /// Which of the seven kinds of damage (1-7, as numbered in issue 12).
    pub kind: u8,
    pub data: Vec<u8>,
    /// Errors elfin must report: (structure with entry index, if any,
    /// file offset), as `Display` prints them (`section header 7 at 0x2f0`).
    pub errors: Vec<(String, u64)>,
}

/// A file of the committed corpus.
pub fn data_path(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// The real files the cases are made from: 32 and 64 bit, little and big
/// endian (the cross-built corpus), and the machine's own `ls`.
pub fn bases() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    for rel in [
        "x86_64/lib.so",
        "i686/lib.so",
        "powerpc/lib.so",
        "ppc64/lib.so",
        "x86_64/exe",
        "powerpc/exe",
    ] {
        out.push((rel.to_owned(), std::fs::read(dir.join(rel)).unwrap()));
    }
    if let Ok(b) = std::fs::read("/usr/bin/ls") {
        out.push(("/usr/bin/ls".to_owned(), b));
    }
    out
}

/// Field access in the file's own encoding.
struct Patch {
    data: Vec<u8>,
    big: bool,
    wide: bool,
}

impl Patch {
    fn get(&self, at: u64, size: usize) -> u64 {
        let b = &self.data[at as usize..at as usize + size];
        let mut v = 0u64;
        for i in 0..size {
            let byte = if self.big { b[i] } else { b[size - 1 - i] };
            v = (v << 8) | u64::from(byte);
        }
        v
    }
    fn set(&mut self, at: u64, size: usize, value: u64) {
        let b = &mut self.data[at as usize..at as usize + size];
        for (i, byte) in b.iter_mut().enumerate() {
            let shift = 8 * if self.big { size - 1 - i } else { i };
            *byte = (value >> shift) as u8;
        }
    }
    fn word(&self) -> usize {
        if self.wide { 8 } else { 4 }
    }
    /// A file header field, by its offset in a 32-bit header.
    fn ehdr(&self, offset32: u64) -> (u64, usize) {
        let size = match offset32 {
            24 | 28 | 32 => self.word(),
            36 => 4,
            _ => 2,
        };
        let at = match (self.wide, offset32) {
            (false, o) => o,
            (true, 28) => 32,
            (true, 32) => 40,
            (true, o) if o > 32 => o + 12,
            (true, o) => o,
        };
        (at, size)
    }
    fn set_ehdr(&mut self, offset32: u64, value: u64) -> u64 {
        let (at, size) = self.ehdr(offset32);
        self.set(at, size, value);
        at
    }
    fn get_ehdr(&self, offset32: u64) -> u64 {
        let (at, size) = self.ehdr(offset32);
        self.get(at, size)
    }
    /// The offset of field `which` (0 sh_name .. 9 sh_entsize) of section
    /// header `index`, and its size.
    fn shdr(&self, index: usize, which: usize) -> (u64, usize) {
        let shoff = self.get_ehdr(32);
        let (entsize, w) = if self.wide { (64, 8) } else { (40, 4) };
        // sh_name, sh_type are 4 bytes; flags, addr, offset, size are words;
        // link, info 4 bytes; addralign, entsize words.
        let sizes = [4, 4, w, w, w, w, 4, 4, w, w];
        let at: usize = sizes[..which].iter().sum();
        (shoff + (index * entsize + at) as u64, sizes[which])
    }
    fn set_shdr(&mut self, index: usize, which: usize, value: u64) {
        let (at, size) = self.shdr(index, which);
        self.set(at, size, value);
    }
    fn get_shdr(&self, index: usize, which: usize) -> u64 {
        let (at, size) = self.shdr(index, which);
        self.get(at, size)
    }
}

const SH_OFFSET: usize = 4;
const SH_SIZE: usize = 5;
const SH_INFO: usize = 7;

/// Every case made from `base` (named `label`).
pub fn cases_of(label: &str, base: &[u8]) -> Vec<Case> {
    let file = ElfFile::parse(base).unwrap();
    let wide = base[4] == 2;
    let fresh = || Patch {
        data: base.to_vec(),
        big: base[5] == 2,
        wide,
    };
    let len = base.len() as u64;
    let mut out = Vec::new();
    let mut push = |kind: u8, what: &str, p: Patch, errors: Vec<(String, u64)>| {
        out.push(Case {
            name: format!("{label}:{what}"),
            kind,
            data: p.data,
            errors,
        });
    };
    let fh = |s: &str| s.to_owned();

    // 1. A bad program header table; a bad section header table.
    let phoff = file.header().e_phoff;
    let shoff = file.header().e_shoff;
    let mut p = fresh();
    let at = p.set_ehdr(42, 7);
    push(1, "e_phentsize=7", p, vec![(fh("file header"), at)]);
    let mut p = fresh();
    let at = p.set_ehdr(42, 0);
    push(1, "e_phentsize=0", p, vec![(fh("file header"), at)]);
    let mut p = fresh();
    p.set_ehdr(44, 0xfffe);
    push(
        1,
        "e_phnum=0xfffe",
        p,
        vec![(fh("program header table"), phoff)],
    );
    let mut p = fresh();
    p.set_ehdr(28, len + 0x1000);
    push(
        1,
        "e_phoff past the end",
        p,
        vec![(fh("program header table"), len + 0x1000)],
    );
    let mut p = fresh();
    let huge = if wide {
        u64::MAX - 8
    } else {
        u64::from(u32::MAX) - 8
    };
    p.set_ehdr(28, huge);
    push(
        1,
        "e_phoff overflowing",
        p,
        vec![(fh("program header table"), huge)],
    );
    let mut p = fresh();
    p.set_ehdr(44, u64::from(PN_XNUM));
    p.set_shdr(0, SH_INFO, 0x7fff_ffff);
    push(
        1,
        "PN_XNUM with an absurd count",
        p,
        vec![(fh("program header table"), phoff)],
    );
    let mut p = fresh();
    let at = p.set_ehdr(46, 7);
    push(1, "e_shentsize=7", p, vec![(fh("file header"), at)]);
    let mut p = fresh();
    p.set_ehdr(48, 0xfff0);
    push(
        1,
        "e_shnum=0xfff0",
        p,
        vec![(fh("section header table"), shoff)],
    );
    let mut p = fresh();
    p.set_ehdr(32, len + 0x1000);
    push(
        1,
        "e_shoff past the end",
        p,
        vec![(fh("section header table"), len + 0x1000)],
    );

    // 2. One broken side table of the dynamic symbols.
    if let Some(s) = file.section_by_type(SHT_GNU_HASH) {
        let mut p = fresh();
        // The bloom filter size (word 2) absurd.
        p.set(s.header().sh_offset + 8, 4, 0x4000_0000);
        push(
            2,
            ".gnu.hash bloom size",
            p,
            vec![(fh("GNU hash table"), s.header().sh_offset)],
        );
    }
    for (ty, what) in [
        (SHT_GNU_VERSYM, ".gnu.version"),
        (SHT_GNU_VERNEED, ".gnu.version_r"),
    ] {
        if let Some(s) = file.section_by_type(ty) {
            let mut p = fresh();
            p.set_shdr(s.index(), SH_OFFSET, len + 0x100);
            push(
                2,
                &format!("{what} past the end"),
                p,
                vec![(format!("section header {}", s.index()), len + 0x100)],
            );
        }
    }

    // 3. No section headers, and a GNU hash table whose buckets are all
    // empty: the count must come from DT_HASH's nchain.
    if let (Some(g), Some(_)) = (
        file.section_by_type(SHT_GNU_HASH),
        file.section_by_type(SHT_HASH),
    ) {
        let mut p = fresh();
        let off = g.header().sh_offset;
        let nbuckets = p.get(off, 4);
        let bloom = p.get(off + 8, 4);
        let buckets = off + 16 + bloom * p.word() as u64;
        for i in 0..nbuckets {
            p.set(buckets + 4 * i, 4, 0);
        }
        p.set_ehdr(32, 0);
        p.set_ehdr(48, 0);
        p.set_ehdr(50, 0);
        push(3, "no sections, empty GNU hash buckets", p, vec![]);
    }

    // 4. A .dynamic section smaller than PT_DYNAMIC.
    if let Some(s) = file.section_by_type(SHT_DYNAMIC) {
        let mut p = fresh();
        let entsize = if wide { 16 } else { 8 };
        let half = s.header().sh_size / entsize / 2 * entsize;
        p.set_shdr(s.index(), SH_SIZE, half);
        push(
            4,
            ".dynamic sh_size halved",
            p,
            vec![(
                format!("section header {}", s.index()),
                s.header().sh_offset,
            )],
        );
    }

    // 5. e_shoff 0 with e_shnum kept.
    let mut p = fresh();
    p.set_ehdr(32, 0);
    let at = p.ehdr(48).0;
    push(5, "e_shoff=0", p, vec![(fh("file header"), at)]);

    // 6. A relocation section whose size is not a multiple of its entry.
    if let Some(s) = file
        .sections()
        .find(|s| matches!(s.header().sh_type, SHT_REL | SHT_RELA) && s.header().sh_size > 0)
    {
        let mut p = fresh();
        let h = s.header();
        p.set_shdr(s.index(), SH_SIZE, h.sh_size + 3);
        push(
            6,
            "relocation sh_size + 3",
            p,
            vec![(
                format!("relocation section {}", s.index()),
                h.sh_offset + h.sh_size,
            )],
        );
    }

    // 7. A hidden version (`name@VER`) next to default ones (`name@@VER`):
    // the hidden bit set on the first defined, versioned dynamic symbol.
    if let (Some(v), Ok(Some(ds))) = (file.section_by_type(SHT_GNU_VERSYM), file.dynamic_symbols())
    {
        let at = (1..ds.symbols().len()).find(|&i| {
            let sym = ds.symbols().get(i).unwrap();
            let raw = ds.versions().versym(i).unwrap_or(0);
            // (Not a version's own symbol, which readelf shows bare.)
            let name = ds.symbols().name(&sym).unwrap_or_default();
            let defined_here = matches!(
                ds.version(i),
                Ok(elfin::read::SymbolVersion::Defined { name: v, .. }) if v != name
            );
            !sym.is_undefined() && defined_here && raw & 0x8000 == 0
        });
        if let Some(i) = at {
            let mut p = fresh();
            let off = v.header().sh_offset + 2 * i as u64;
            let old = p.get(off, 2);
            p.set(off, 2, old | 0x8000);
            push(7, "hidden version", p, vec![]);
        }
    }
    out
}

/// Every case of every base file.
pub fn cases() -> Vec<Case> {
    bases()
        .iter()
        .flat_map(|(label, data)| cases_of(label, data))
        .collect()
}

/// Whether `error` (as `Display` prints it) names `structure` at `offset`.
pub fn names(error: &str, structure: &str, offset: u64) -> bool {
    error.starts_with(&format!("{structure} at {offset:#x}:"))
}
