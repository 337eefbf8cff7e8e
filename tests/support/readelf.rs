//! A parser of GNU `readelf -W` text output (the format of binutils 2.40,
//! checked against its `readelf.c`), into plain structures that the
//! differential test compares with `elfin info --json`.
//!
//! The parser keeps readelf's *text* for everything readelf prints as a
//! name (types, flags, bindings, note types ...) and parses numbers. The
//! comparison side renders elfin's numbers the way readelf would
//! (`super::names`) and compares the strings: many numbers map to one
//! printed name (`VERSYM` is 0x6fffffff and 0x6ffffff0), so going from the
//! number to the text is the only direction that is exact.
//!
//! Run readelf with `LC_ALL=C`: in a UTF-8 locale readelf's `print_symbol`
//! prints only the first byte of each multibyte character (it prints one
//! byte, then skips the rest of the character as measured by `mbrtowc`);
//! in the C locale every byte passes through unchanged.
//!
//! Rows that a table's format cannot explain are kept in
//! [`Readelf::unparsed`] so that the test reports them instead of silently
//! dropping them.

/// The `-h` block.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Header {
    /// The 16 bytes of `Magic:` (`e_ident`).
    pub ident: Vec<u8>,
    /// `Type:`, e.g. `DYN (Shared object file)`.
    pub type_text: String,
    /// `Machine:`, e.g. `Advanced Micro Devices X86-64`.
    pub machine: String,
    /// The second `Version:` line (`e_version`, printed in hex).
    pub version: Option<u64>,
    pub entry: Option<u64>,
    pub phoff: Option<u64>,
    pub shoff: Option<u64>,
    /// `Flags:` up to the first comma (the machine's flag names follow it).
    pub flags: Option<u64>,
    pub ehsize: Option<u64>,
    pub phentsize: Option<u64>,
    /// The counts, resolved through extended numbering: readelf prints
    /// `0 (66009)` when the real value lives in section 0; the number in
    /// parentheses is kept.
    pub phnum: Option<u64>,
    pub shentsize: Option<u64>,
    pub shnum: Option<u64>,
    pub shstrndx: Option<u64>,
}

/// One row of `Section Headers:`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Section {
    pub index: u64,
    pub name: String,
    pub type_name: String,
    pub addr: u64,
    pub offset: u64,
    pub size: u64,
    pub entsize: u64,
    /// The flag letters (`WAX`...), possibly empty.
    pub flags: String,
    pub link: u64,
    pub info: u64,
    pub align: u64,
}

/// One row of `Program Headers:`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Segment {
    /// `%-14.14s`: names longer than 14 characters are cut.
    pub type_name: String,
    pub offset: u64,
    pub vaddr: u64,
    pub paddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    /// Exactly three characters, `R`/`W`/`E` or a space each.
    pub flags: String,
    pub align: u64,
    /// `[Requesting program interpreter: ...]` after a PT_INTERP row.
    pub interp: Option<String>,
}

/// One row of a symbol table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub index: u64,
    pub value: u64,
    pub size: u64,
    pub type_name: String,
    pub bind: String,
    pub vis: String,
    /// The `[...]` after the visibility, without brackets, when other bits
    /// of `st_other` are set.
    pub other: Option<String>,
    /// `UND`, `ABS`, `COM`, a decimal index, `OS [0xff20]`...
    pub ndx: String,
    /// The name as printed, with `@VER`, `@@VER` or `@VER (N)` for dynamic
    /// symbols.
    pub name: String,
}

/// `Symbol table 'NAME' contains N entries:` (`name` is `None` for
/// `Symbol table for image contains N entries:`, printed with `-D`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SymbolTable {
    pub name: Option<String>,
    pub count: u64,
    pub symbols: Vec<Symbol>,
}

/// One row of the dynamic section.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dyn {
    pub tag: u64,
    /// The name in parentheses, e.g. `NEEDED`.
    pub type_name: String,
    /// The rest of the row, e.g. `Shared library: [libc.so.6]`, `0x1000`,
    /// `8 (bytes)`; empty for `BIND_NOW`.
    pub value: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dynamic {
    pub offset: u64,
    pub count: u64,
    pub entries: Vec<Dyn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    Rel,
    Rela,
    Relr,
}

/// One row of a REL or RELA table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reloc {
    pub offset: u64,
    /// `r_info` as printed (for little-endian MIPS64 readelf has already
    /// reordered it into `sym << 32 | ssym << 24 | type3 << 16 | type2 << 8 |
    /// type`).
    pub info: u64,
    /// `R_X86_64_64`..., or `unrecognized: 2a`.
    pub type_name: String,
    /// The symbol's value column, when a symbol is shown.
    pub sym_value: Option<u64>,
    /// For a `STT_GNU_IFUNC` symbol readelf prints `name()` instead of the
    /// value; this is that text without the `()`.
    pub ifunc: Option<String>,
    /// The symbol's name (with `@VER`/`@@VER` for dynamic symbols), when a
    /// symbol is shown.
    pub sym_name: Option<String>,
    /// The addend (RELA only).
    pub addend: Option<i64>,
    /// MIPS64's `Type2:` and `Type3:` lines.
    pub extra_types: Vec<String>,
}

/// `Relocation section 'NAME' at offset 0x.. contains N entries:` or, with
/// `-D`, `'RELA' relocation section at offset 0x.. contains N bytes:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelocSection {
    pub name: String,
    /// Found through `-D` (the name is then `REL`, `RELA`, `RELR` or `PLT`).
    pub dynamic: bool,
    pub offset: u64,
    /// Entries for a section (for RELR: words, not addresses), bytes with
    /// `-D`.
    pub count: u64,
    /// `None` until the column header (or the RELR count line) is seen.
    pub kind: Option<RelKind>,
    pub relocs: Vec<Reloc>,
    /// RELR's decoded addresses.
    pub relr: Vec<u64>,
    /// RELR's `N offsets` line.
    pub relr_count: Option<u64>,
}

/// One note row.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Note {
    pub owner: String,
    pub descsz: u64,
    /// The type text between the two tabs, e.g. `NT_GNU_BUILD_ID (unique
    /// build ID bitstring)`.
    pub type_text: String,
}

/// `Displaying notes found in: NAME` (section) or `... at file offset 0x..
/// with length 0x..:` (segment, `section` is `None`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NoteGroup {
    pub section: Option<String>,
    pub offset: u64,
    pub length: u64,
    pub notes: Vec<Note>,
}

/// Everything parsed from one readelf run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Readelf {
    pub header: Option<Header>,
    pub sections: Vec<Section>,
    /// `There are no sections in this file.`
    pub no_sections: bool,
    pub segments: Vec<Segment>,
    /// `There are no program headers in this file.`
    pub no_segments: bool,
    pub symtabs: Vec<SymbolTable>,
    pub dynamic: Option<Dynamic>,
    pub relocs: Vec<RelocSection>,
    pub notes: Vec<NoteGroup>,
    /// Rows inside a table that did not parse: `"<table>: <line>"`.
    pub unparsed: Vec<String>,
}

impl Readelf {
    /// The symbol table printed for the section called `name`.
    pub fn symtab(&self, name: &str) -> Option<&SymbolTable> {
        self.symtabs
            .iter()
            .find(|t| t.name.as_deref() == Some(name))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    None,
    Header,
    Sections,
    Segments,
    Dynamic,
    Reloc,
    Symbols,
    Notes,
}

/// Whitespace tokens with their byte offsets, without allocating.
pub struct Tokens<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    pub fn new(s: &'a str) -> Self {
        Tokens { s, pos: 0 }
    }
    /// The text from the current position on.
    pub fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
}

impl<'a> Iterator for Tokens<'a> {
    /// (start offset, end offset, token)
    type Item = (usize, usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let b = self.s.as_bytes();
        let mut i = self.pos;
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= b.len() {
            self.pos = i;
            return None;
        }
        let start = i;
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            i += 1;
        }
        self.pos = i;
        Some((start, i, &self.s[start..i]))
    }
}

pub fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// `0x1f`, `1f` -> 31.
pub fn hex(s: &str) -> Option<u64> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    if !is_hex(s) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

pub fn dec(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A number readelf printed in decimal, or in hex with `0x`.
pub fn num(s: &str) -> Option<u64> {
    if s.starts_with("0x") { hex(s) } else { dec(s) }
}

/// Parses one run of `readelf -W` with any of `-h -l -S -s --dyn-syms -d -r
/// -n` (and `-D`).
pub fn parse(text: &str) -> Readelf {
    let mut out = Readelf::default();
    let mut mode = Mode::None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            // A blank line ends every table.
            mode = Mode::None;
            continue;
        }
        if let Some(m) = block_start(line, &mut out) {
            mode = m;
            continue;
        }
        let ok = match mode {
            Mode::None => true,
            Mode::Header => header_line(line, &mut out),
            Mode::Sections => section_line(line, &mut out),
            Mode::Segments => segment_line(line, &mut out),
            Mode::Dynamic => dynamic_line(line, &mut out),
            Mode::Reloc => reloc_line(line, &mut out),
            Mode::Symbols => symbol_line(line, &mut out),
            Mode::Notes => note_line(line, &mut out),
        };
        if !ok {
            out.unparsed.push(format!("{mode:?}: {line}"));
        }
    }
    out
}

/// Recognizes the first line of a block; returns the new mode.
fn block_start(line: &str, out: &mut Readelf) -> Option<Mode> {
    let b = line.as_bytes();
    // Block titles start in column 0 with a letter or a quote (relocation
    // rows start in column 0 too, but with a hex digit; lowercase titles
    // such as "readelf: ..." never reach stdout).
    if b[0] == b' ' || b[0] == b'\t' {
        return if line == " Section to Segment mapping:" {
            Some(Mode::None)
        } else {
            None
        };
    }
    if line == "ELF Header:" {
        out.header = Some(Header::default());
        return Some(Mode::Header);
    }
    if line == "Section Headers:" || line == "Section Header:" {
        return Some(Mode::Sections);
    }
    if line == "There are no sections in this file." {
        out.no_sections = true;
        return Some(Mode::None);
    }
    if line == "Program Headers:" {
        return Some(Mode::Segments);
    }
    if line == "There are no program headers in this file." {
        out.no_segments = true;
        return Some(Mode::None);
    }
    if let Some(r) = line.strip_prefix("Dynamic section at offset ") {
        // "0x2dc0 contains 28 entries:"
        let mut t = r.split(' ');
        let offset = t.next().and_then(hex).unwrap_or(u64::MAX);
        let count = t.nth(1).and_then(dec).unwrap_or(u64::MAX);
        out.dynamic = Some(Dynamic {
            offset,
            count,
            entries: Vec::new(),
        });
        return Some(Mode::Dynamic);
    }
    if let Some(r) = line.strip_prefix("Relocation section '") {
        // "NAME' at offset 0x650 contains 11 entries:" (the name may hold
        // anything, so split at the last "' at offset ").
        let (name, tail) = r.rsplit_once("' at offset ")?;
        let (offset, count) = offset_count(tail);
        out.relocs.push(RelocSection {
            name: name.to_owned(),
            dynamic: false,
            offset,
            count,
            kind: None,
            relocs: Vec::new(),
            relr: Vec::new(),
            relr_count: None,
        });
        return Some(Mode::Reloc);
    }
    if let Some(r) = line.strip_prefix('\'') {
        // -D: "'RELA' relocation section at offset 0x5c0 contains 384 bytes:"
        if let Some((name, tail)) = r.split_once("' relocation section at offset ") {
            let (offset, count) = offset_count(tail);
            out.relocs.push(RelocSection {
                name: name.to_owned(),
                dynamic: true,
                offset,
                count,
                kind: None,
                relocs: Vec::new(),
                relr: Vec::new(),
                relr_count: None,
            });
            return Some(Mode::Reloc);
        }
    }
    if let Some(r) = line.strip_prefix("Symbol table '") {
        let (name, tail) = r.rsplit_once("' contains ")?;
        out.symtabs.push(SymbolTable {
            name: Some(name.to_owned()),
            count: tail.split(' ').next().and_then(dec).unwrap_or(u64::MAX),
            symbols: Vec::new(),
        });
        return Some(Mode::Symbols);
    }
    if let Some(r) = line.strip_prefix("Symbol table for image contains ") {
        out.symtabs.push(SymbolTable {
            name: None,
            count: r.split(' ').next().and_then(dec).unwrap_or(u64::MAX),
            symbols: Vec::new(),
        });
        return Some(Mode::Symbols);
    }
    if let Some(name) = line.strip_prefix("Displaying notes found in: ") {
        out.notes.push(NoteGroup {
            section: Some(name.to_owned()),
            ..NoteGroup::default()
        });
        return Some(Mode::Notes);
    }
    if let Some(r) = line.strip_prefix("Displaying notes found at file offset ") {
        // "0x00000270 with length 0x00000024:"
        let r = r.trim_end_matches(':');
        let mut t = r.split(' ');
        let offset = t.next().and_then(hex).unwrap_or(u64::MAX);
        let length = t.nth(2).and_then(hex).unwrap_or(u64::MAX);
        out.notes.push(NoteGroup {
            section: None,
            offset,
            length,
            notes: Vec::new(),
        });
        return Some(Mode::Notes);
    }
    if b[0].is_ascii_hexdigit() && !line.starts_with("Elf file") && !line.starts_with("Dynamic") {
        // A relocation row or RELR address (they start in column 0).
        return None;
    }
    // Anything else in column 0 ("Key to Flags:", "There are no
    // relocations in this file.", ...) ends the current block.
    Some(Mode::None)
}

/// "0x650 contains 11 entries:" / "0x5c0 contains 384 bytes:"
fn offset_count(tail: &str) -> (u64, u64) {
    let mut t = tail.split(' ');
    let offset = t.next().and_then(hex).unwrap_or(u64::MAX);
    let count = t.nth(1).and_then(dec).unwrap_or(u64::MAX);
    (offset, count)
}

fn header_line(line: &str, out: &mut Readelf) -> bool {
    let h = out.header.get_or_insert_with(Header::default);
    let Some((key, value)) = line.split_once(':') else {
        return false;
    };
    let key = key.trim();
    let value = value.trim();
    // "64 (bytes into file)", "14", "0 (66009)", "65535 (66008)".
    // Offsets are printed signed: past 2^63 they read "-9 (bytes into file)".
    let first = |v: &str| {
        let w = v.split(' ').next()?;
        match w.strip_prefix('-') {
            Some(n) => dec(n).map(|n| n.wrapping_neg()),
            None => num(w),
        }
    };
    let resolved = |v: &str| match v.split_once(" (") {
        Some((_, p)) => p.split(')').next().and_then(dec),
        None => first(v),
    };
    match key {
        "Magic" => {
            h.ident = value
                .split(' ')
                .filter_map(|b| u8::from_str_radix(b, 16).ok())
                .collect();
            h.ident.len() == 16
        }
        "Class" | "Data" | "OS/ABI" | "ABI Version" => true,
        "Version" => {
            // The first "Version:" is EI_VERSION ("1 (current)"), the second
            // e_version ("0x1").
            if value.starts_with("0x") {
                h.version = hex(value);
                h.version.is_some()
            } else {
                true
            }
        }
        "Type" => {
            h.type_text = value.to_owned();
            true
        }
        "Machine" => {
            h.machine = value.to_owned();
            true
        }
        "Entry point address" => {
            h.entry = first(value);
            h.entry.is_some()
        }
        "Start of program headers" => {
            h.phoff = first(value);
            h.phoff.is_some()
        }
        "Start of section headers" => {
            h.shoff = first(value);
            h.shoff.is_some()
        }
        "Flags" => {
            h.flags = value.split(',').next().and_then(hex);
            h.flags.is_some()
        }
        "Size of this header" => {
            h.ehsize = first(value);
            h.ehsize.is_some()
        }
        "Size of program headers" => {
            h.phentsize = first(value);
            h.phentsize.is_some()
        }
        "Number of program headers" => {
            h.phnum = resolved(value);
            h.phnum.is_some()
        }
        "Size of section headers" => {
            h.shentsize = first(value);
            h.shentsize.is_some()
        }
        "Number of section headers" => {
            h.shnum = resolved(value);
            h.shnum.is_some()
        }
        "Section header string table index" => {
            // "32", "65535 (66008)", "40 <corrupt: out of range>".
            h.shstrndx = match value.split_once(" (") {
                Some((_, p)) => p.split(')').next().and_then(dec),
                None => first(value),
            };
            h.shstrndx.is_some()
        }
        _ => false,
    }
}

/// `  [Nr] Name Type Address Off Size ES Flg Lk Inf Al` (wide; the 32-bit
/// layout is the same with an 8-digit address).
fn section_line(line: &str, out: &mut Readelf) -> bool {
    if line.starts_with("  [Nr]") {
        return true;
    }
    let Some(r) = line.strip_prefix("  [") else {
        return false;
    };
    let Some((idx, rest)) = r.split_once(']') else {
        return false;
    };
    let Some(index) = dec(idx.trim()) else {
        return false;
    };
    // "] " then the name (print_symbol(-17): padded to 17, longer names are
    // printed whole), " ", the type (%-15s), " ", then the numbers.
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    let toks: Vec<(usize, usize, &str)> = Tokens::new(rest).collect();
    let n = toks.len();
    if n < 8 {
        return false;
    }
    // From the right: Al, Inf, Lk, then optional Flg (which may be empty),
    // then ES, Size, Off, Address. Flags such as "A", "E", "C" are hex
    // digits too; the address column (exactly 8 or 16 digits) decides: it
    // sits 7 tokens from the end without flags, 8 with.
    let addr_like = |t: &str| (t.len() == 8 || t.len() == 16) && is_hex(t);
    let flags_present = !is_hex(toks[n - 4].2) || !addr_like(toks[n - 7].2);
    let a = if flags_present { n - 8 } else { n - 7 };
    if a == 0 || !addr_like(toks[a].2) {
        return false;
    }
    let head = rest[..toks[a].0].trim_end();
    // The type: the last word, except for the generic type names with a
    // space ("SYMTAB SECTION INDICES", "%08x: <unknown>").
    let type_name = if head.ends_with("SYMTAB SECTION INDICES") {
        "SYMTAB SECTION INDICES"
    } else if head.ends_with(": <unknown>")
        && head.len() >= 19
        && head.is_char_boundary(head.len() - 19)
    {
        &head[head.len() - 19..]
    } else {
        head.rsplit(' ').next().unwrap_or("")
    };
    let name = head[..head.len() - type_name.len()].trim_end();
    let h = |i: usize| hex(toks[i].2);
    let d = |i: usize| dec(toks[i].2);
    let (Some(addr), Some(offset), Some(size), Some(entsize)) =
        (h(a), h(a + 1), h(a + 2), h(a + 3))
    else {
        return false;
    };
    let (Some(link), Some(info), Some(align)) = (d(n - 3), d(n - 2), d(n - 1)) else {
        return false;
    };
    out.sections.push(Section {
        index,
        name: name.to_owned(),
        type_name: type_name.to_owned(),
        addr,
        offset,
        size,
        entsize,
        flags: if flags_present {
            toks[n - 4].2.to_owned()
        } else {
            String::new()
        },
        link,
        info,
        align,
    });
    true
}

/// `  Type           Offset   VirtAddr PhysAddr FileSiz MemSiz Flg Align`
fn segment_line(line: &str, out: &mut Readelf) -> bool {
    if line.starts_with("  Type ") {
        return true;
    }
    if let Some(r) = line
        .trim_start()
        .strip_prefix("[Requesting program interpreter: ")
    {
        return match (out.segments.last_mut(), r.strip_suffix(']')) {
            (Some(s), Some(p)) => {
                s.interp = Some(p.to_owned());
                true
            }
            _ => false,
        };
    }
    // "  %-14.14s " then the numbers.
    if line.len() < 18 || !line.starts_with("  ") || !line.is_char_boundary(16) {
        return false;
    }
    let type_name = line[2..16].trim_end();
    let rest = &line[16..];
    let mut t = Tokens::new(rest);
    let mut v = [0u64; 5];
    let mut end = 0;
    for slot in v.iter_mut() {
        let Some((_, e, tok)) = t.next() else {
            return false;
        };
        if !tok.starts_with("0x") {
            return false;
        }
        let Some(x) = hex(tok) else { return false };
        *slot = x;
        end = e;
    }
    // " %c%c%c " then the alignment ("%#lx": "0" for zero).
    let tail = &rest[end..];
    if tail.len() < 6 || !tail.is_char_boundary(4) || !tail.is_char_boundary(5) {
        return false;
    }
    let flags = &tail[1..4];
    let Some(align) = hex(tail[5..].trim()) else {
        return false;
    };
    out.segments.push(Segment {
        type_name: type_name.to_owned(),
        offset: v[0],
        vaddr: v[1],
        paddr: v[2],
        filesz: v[3],
        memsz: v[4],
        flags: flags.to_owned(),
        align,
        interp: None,
    });
    true
}

/// ` 0x000000000000000c (INIT)               0x1000`
fn dynamic_line(line: &str, out: &mut Readelf) -> bool {
    if line.starts_with("  Tag ") {
        return true;
    }
    let Some(r) = line.strip_prefix(" 0x") else {
        return false;
    };
    let Some((tag, rest)) = r.split_once(" (") else {
        return false;
    };
    let Some((type_name, value)) = rest.split_once(')') else {
        return false;
    };
    let (Some(tag), Some(d)) = (hex(tag), out.dynamic.as_mut()) else {
        return false;
    };
    d.entries.push(Dyn {
        tag,
        type_name: type_name.to_owned(),
        value: value.trim_start_matches(' ').to_owned(),
    });
    true
}

/// A REL/RELA row, a RELR address, or their column headers.
fn reloc_line(line: &str, out: &mut Readelf) -> bool {
    let Some(sec) = out.relocs.last_mut() else {
        return false;
    };
    let t = line.trim_start();
    if t.starts_with("Offset ") {
        // The column header names the kind.
        sec.kind = Some(if line.contains("Addend") {
            RelKind::Rela
        } else {
            RelKind::Rel
        });
        return true;
    }
    if let Some(ty) = t
        .strip_prefix("Type2: ")
        .or_else(|| t.strip_prefix("Type3: "))
    {
        return match sec.relocs.last_mut() {
            Some(r) => {
                r.extra_types.push(ty.trim_end().to_owned());
                true
            }
            None => false,
        };
    }
    if line.starts_with("  ") {
        // RELR: "  8 offsets" / "  1 offset".
        let mut w = t.split(' ');
        let n = w.next().and_then(dec);
        let unit = w.next();
        if let (Some(n), Some("offsets" | "offset"), None) = (n, unit, w.next()) {
            sec.kind = Some(RelKind::Relr);
            sec.relr_count = Some(n);
            return true;
        }
        return false;
    }
    if sec.kind == Some(RelKind::Relr) {
        return match hex(line) {
            Some(a) if line.len() == 8 || line.len() == 16 => {
                sec.relr.push(a);
                true
            }
            _ => false,
        };
    }
    let Some(kind) = sec.kind else { return false };
    match parse_reloc_row(line, kind == RelKind::Rela) {
        Some(r) => {
            sec.relocs.push(r);
            true
        }
        None => false,
    }
}

/// Parses one REL/RELA row:
/// `OFFSET  INFO TYPE<pad> [VALUE NAME [+ ADDEND]]` when a symbol is shown,
/// `OFFSET  INFO TYPE<pad>             ADDEND` for RELA without symbol.
pub fn parse_reloc_row(line: &str, rela: bool) -> Option<Reloc> {
    let mut t = Tokens::new(line);
    let (_, _, off) = t.next()?;
    let width = off.len();
    if width != 8 && width != 16 {
        return None;
    }
    let offset = hex(off)?;
    let (_, _, inf) = t.next()?;
    if inf.len() != width {
        return None;
    }
    let info = hex(inf)?;
    let (_, _, ty) = t.next()?;
    let type_name = if ty == "unrecognized:" {
        let (_, _, n) = t.next()?;
        format!("unrecognized: {n}")
    } else {
        ty.to_owned()
    };
    let sym = if width == 8 { info >> 8 } else { info >> 32 };
    let rest = t.rest();
    let mut r = Reloc {
        offset,
        info,
        type_name,
        ..Reloc::default()
    };
    if sym == 0 {
        if rela {
            let a = rest.trim();
            r.addend = Some(signed_hex(a, "-")?);
        } else if !rest.trim().is_empty() {
            return None;
        }
        return Some(r);
    }
    let rest = rest.trim_start();
    if rest.is_empty() {
        // readelf could not show the symbol (it said why on stderr).
        return Some(r);
    }
    let after_value = match rest.split_once(' ') {
        Some((v, tail)) if v.len() == width && is_hex(v) => {
            r.sym_value = hex(v);
            tail
        }
        _ => {
            // STT_GNU_IFUNC: "name()" then padding instead of the value.
            let (label, tail) = rest.split_once("() ")?;
            r.ifunc = Some(label.to_owned());
            tail
        }
    };
    let name_part = after_value.trim_start_matches(' ');
    if rela {
        // "NAME + 1f" / "NAME - 8": the last " + " or " - ".
        let plus = name_part.rfind(" + ");
        let minus = name_part.rfind(" - ");
        let (at, neg) = match (plus, minus) {
            (Some(p), Some(m)) if m > p => (m, true),
            (Some(p), _) => (p, false),
            (None, Some(m)) => (m, true),
            (None, None) => return None,
        };
        let mag = hex(&name_part[at + 3..])?;
        r.addend = Some(if neg {
            (mag as i64).wrapping_neg()
        } else {
            mag as i64
        });
        r.sym_name = Some(name_part[..at].to_owned());
    } else {
        r.sym_name = Some(name_part.to_owned());
    }
    Some(r)
}

/// `1f` / `-1f` (with `neg` as the sign prefix) as i64.
fn signed_hex(s: &str, neg: &str) -> Option<i64> {
    match s.strip_prefix(neg) {
        Some(m) => Some((hex(m)? as i64).wrapping_neg()),
        None => Some(hex(s)? as i64),
    }
}

/// `%6d: VALUE SIZE TYPE BIND VIS [OTHER] NDX NAME`
fn symbol_line(line: &str, out: &mut Readelf) -> bool {
    if line.starts_with("   Num:") {
        return true;
    }
    let Some(tab) = out.symtabs.last_mut() else {
        return false;
    };
    match parse_symbol_row(line) {
        Some(s) => {
            tab.symbols.push(s);
            true
        }
        None => false,
    }
}

/// Takes one field that may be printed as several words: `<OS specific>:
/// 10`, `<processor specific>: 13`, `<unknown>: 5` (a word starting with
/// `<`, up to the word ending in `:`, then the number). Returns its byte
/// range.
fn multiword(t: &mut Tokens<'_>) -> Option<(usize, usize)> {
    let (s, e, w) = t.next()?;
    if !w.starts_with('<') {
        return Some((s, e));
    }
    let mut last = w;
    while !last.ends_with(':') {
        last = t.next()?.2;
    }
    let (_, e, _) = t.next()?;
    Some((s, e))
}

/// Takes words up to the one ending in `]`, starting with `first`; returns
/// the end offset.
fn through_bracket(first: (usize, usize, &str), t: &mut Tokens<'_>) -> Option<usize> {
    let (_, mut end, mut cur) = first;
    while !cur.ends_with(']') {
        let (_, e, w) = t.next()?;
        end = e;
        cur = w;
    }
    Some(end)
}

pub fn parse_symbol_row(line: &str) -> Option<Symbol> {
    let (num, rest) = line.split_once(": ")?;
    let index = dec(num.trim_start())?;
    let mut t = Tokens::new(rest);
    let value = hex(t.next()?.2)?;
    let size = num_any(t.next()?.2)?;
    let (s, e) = multiword(&mut t)?;
    let type_name = rest[s..e].to_owned();
    let (s, e) = multiword(&mut t)?;
    let bind = rest[s..e].to_owned();
    let (s, e) = multiword(&mut t)?;
    let vis = rest[s..e].to_owned();
    // Optional " [OTHER] ".
    let mut other = None;
    let mut first = t.next()?;
    if first.2.starts_with('[') {
        let start = first.0;
        let end = through_bracket(first, &mut t)?;
        other = Some(rest[start + 1..end - 1].to_owned());
        first = t.next()?;
    }
    // The section index: "UND", "12", "PRC[0xff00]", "OS [0xff20]",
    // "bad section index[ 33]", ...
    let (s, mut e, w) = first;
    if w == "OS" || w == "bad" || (w.contains('[') && !w.ends_with(']')) {
        e = through_bracket(first, &mut t)?;
    }
    let ndx = rest[s..e].to_owned();
    // " %4s " then the name.
    let name = rest[e..].strip_prefix(' ').unwrap_or(&rest[e..]);
    Some(Symbol {
        index,
        value,
        size,
        type_name,
        bind,
        vis,
        other,
        ndx,
        name: name.to_owned(),
    })
}

/// Decimal, or `0x` hex (DEC_5 switches to hex above 99999).
fn num_any(s: &str) -> Option<u64> {
    num(s)
}

/// A note row: `  OWNER<pad> 0x%08lx\tTYPE\tDESCRIPTION...`; other lines
/// of a note block are descriptions and are skipped.
fn note_line(line: &str, out: &mut Readelf) -> bool {
    if line.starts_with("  Owner ") {
        return true;
    }
    let Some(g) = out.notes.last_mut() else {
        return false;
    };
    if let Some(n) = parse_note_row(line) {
        g.notes.push(n);
    }
    true
}

pub fn parse_note_row(line: &str) -> Option<Note> {
    let body = line.strip_prefix("  ")?;
    // Find " 0x" + at least 8 hex digits + "\t".
    let b = body.as_bytes();
    let mut from = 0;
    while let Some(p) = body[from..].find(" 0x") {
        let at = from + p;
        let digits_start = at + 3;
        let mut i = digits_start;
        while i < b.len() && b[i].is_ascii_hexdigit() {
            i += 1;
        }
        if i - digits_start >= 8 && i < b.len() && b[i] == b'\t' {
            let owner = body[..at].trim_end_matches(' ');
            let descsz = hex(&body[digits_start..i])?;
            let after = &body[i + 1..];
            let type_text = after.split('\t').next().unwrap_or("");
            return Some(Note {
                owner: owner.to_owned(),
                descsz,
                type_text: type_text.to_owned(),
            });
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXE: &str = "ELF Header:
  Magic:   7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00 
  Class:                             ELF64
  Data:                              2's complement, little endian
  Version:                           1 (current)
  OS/ABI:                            UNIX - System V
  ABI Version:                       0
  Type:                              DYN (Position-Independent Executable file)
  Machine:                           Advanced Micro Devices X86-64
  Version:                           0x1
  Entry point address:               0x1070
  Start of program headers:          64 (bytes into file)
  Start of section headers:          14592 (bytes into file)
  Flags:                             0x0
  Size of this header:               64 (bytes)
  Size of program headers:           56 (bytes)
  Number of program headers:         14
  Size of section headers:           64 (bytes)
  Number of section headers:         0 (66009)
  Section header string table index: 65535 (66008)

Section Headers:
  [Nr] Name              Type            Address          Off    Size   ES Flg Lk Inf Al
  [ 0]                   NULL            0000000000000000 000000 000000 00      0   0  0
  [ 1] .interp           PROGBITS        0000000000000350 000350 00001c 00   A  0   0  1
  [ 2] .note.gnu.property NOTE            0000000000000370 000370 000020 00   A  0   0  8
  [11] .rela.plt         RELA            0000000000000758 000758 000048 18  AI  6  26  8
  [20] .tdata            PROGBITS        0000000000003dac 002dac 000004 00 WAT  0   0  4
  [29] .comment          PROGBITS        0000000000000000 003058 000027 01  MS  0   0  1
  [30] .symtab           SYMTAB          0000000000000000 003080 0004c8 18     31  19  8
  [31] .debug_info       PROGBITS        0000000000000000 0000e0 0001a5 00   C  0   0  8
  [32] .symtab_shndx     SYMTAB SECTION INDICES 0000000000000000 38a3e8 0004b4 04     66006   0  4
  [66008] a name with spaces PROGBITS    0000000000000000 000040 000000 00  AE  0   0  1
  [66009] .crel.text        40000014: <unknown> 0000000000000000 000040 000000 00  AE  0   0  1
Key to Flags:
  W (write), A (alloc), X (execute), M (merge), S (strings), I (info),

Program Headers:
  Type           Offset   VirtAddr           PhysAddr           FileSiz  MemSiz   Flg Align
  PHDR           0x000040 0x0000000000000040 0x0000000000000040 0x000310 0x000310 R   0x8
  INTERP         0x000350 0x0000000000000350 0x0000000000000350 0x00001c 0x00001c R   0x1
      [Requesting program interpreter: /lib64/ld-linux-x86-64.so.2]
  LOAD           0x001000 0x0000000000001000 0x0000000000001000 0x000219 0x000219 R E 0x1000
  GNU_STACK      0x000000 0x0000000000000000 0x0000000000000000 0x000000 0x000000     0
  OPENBSD_RANDOM 0x000000 0x0000000000000000 0x0000000000000000 0x000000 0x000000 RWE 0x10

 Section to Segment mapping:
  Segment Sections...
   00     
   01     .interp 

Dynamic section at offset 0x2dc0 contains 4 entries:
  Tag        Type                         Name/Value
 0x0000000000000001 (NEEDED)             Shared library: [lib.so]
 0x0000000000000018 (BIND_NOW)           
 0x000000006ffffdf8 (Operating System specific: 6ffffdf8) 0x3
 0x0000000000000000 (NULL)               0x0

Relocation section '.rela.dyn' at offset 0x650 contains 4 entries:
    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend
0000000000003db0  0000000000000008 R_X86_64_RELATIVE                         1150
0000000000003fc0  0000000200000006 R_X86_64_GLOB_DAT      0000000000000000 __libc_start_main@GLIBC_2.34 + 0
0000000000004018  0000000000000025 R_X86_64_IRELATIVE                        -10
0000000000004020  0000000500000007 R_X86_64_JUMP_SLOT     strlen@@GLIBC_2.2.5()  strlen@@GLIBC_2.2.5 - 8

Relocation section '.rel.text' at offset 0x10 contains 2 entries:
 Offset     Info    Type                Sym. Value  Symbol's Name
00000008  00000a02 R_386_PC32             00000000   puts
0000000c  00000008 R_386_RELATIVE        

Relocation section '.relr.dyn' at offset 0x698 contains 3 entries:
  4 offsets
0000000000003d30
0000000000003d38
0000000000004008
0000000000004018

Relocation section '.rela.pdr' at offset 0x1090 contains 1 entry:
    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend
0000000000000000  0000001d00051807 R_MIPS_GPREL16         0000000000000000 weak_hook + 0
                    Type2: R_MIPS_SUB       
                    Type3: R_MIPS_HI16      

Symbol table '.dynsym' contains 5 entries:
   Num:    Value          Size Type    Bind   Vis      Ndx Name
     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND 
     1: 0000000000000000     0 FUNC    GLOBAL DEFAULT  UND lib_add@LIB_1.0 (2)
     2: 0000000000001109 0x186a0 FUNC    GLOBAL DEFAULT   14 lib_add@@LIB_1.0
     3: 0000000000004010     4 OBJECT  <OS specific>: 10 DEFAULT   26 _ZN1x
     4: 0000000000000010     8 FUNC    GLOBAL DEFAULT [<localentry>: 8]    12 f
     5: 0000000000000010     8 <processor specific>: 13 WEAK   HIDDEN   OS [0xff20] odd name
     6: 0000000000000010     8 FUNC    GLOBAL DEFAULT  bad section index[ 99] x
     7: 0000000000000010     8 FUNC    GLOBAL DEFAULT [VARIANT_PCS]   PRC[0xff00] y

Displaying notes found in: .note.gnu.build-id
  Owner                Data size \tDescription
  GNU                  0x00000014\tNT_GNU_BUILD_ID (unique build ID bitstring)\t    Build ID: ccf7
  stapsdt              0x00000035\tNT_STAPSDT (SystemTap probe descriptors)\t    Provider: libstdcxx
    Name: throw
    Location: 0x00000000000a3c71, Base: 0x00000000001e0c07, Semaphore: 0x0000000000000000

Displaying notes found at file offset 0x00000270 with length 0x00000024:
  Owner                Data size \tDescription
  GA$<version>3a1      0x00000000\tOPEN\t    Applies to region from 0x1 to 0x2
";

    fn parsed() -> Readelf {
        parse(&EXE.replace("\\t", "\t"))
    }

    #[test]
    fn header() {
        let r = parsed();
        let h = r.header.unwrap();
        assert_eq!(h.ident[..4], *b"\x7fELF");
        assert_eq!(h.type_text, "DYN (Position-Independent Executable file)");
        assert_eq!(h.machine, "Advanced Micro Devices X86-64");
        assert_eq!(h.version, Some(1));
        assert_eq!(h.entry, Some(0x1070));
        assert_eq!(h.phoff, Some(64));
        assert_eq!(h.shoff, Some(14592));
        assert_eq!(h.flags, Some(0));
        assert_eq!(h.phnum, Some(14));
        assert_eq!(h.shnum, Some(66009));
        assert_eq!(h.shstrndx, Some(66008));
    }

    #[test]
    fn sections() {
        let r = parsed();
        assert!(r.unparsed.is_empty(), "{:?}", r.unparsed);
        let s = &r.sections;
        assert_eq!(s.len(), 11);
        assert_eq!(
            (s[0].index, s[0].name.as_str(), s[0].type_name.as_str()),
            (0, "", "NULL")
        );
        assert_eq!(s[2].name, ".note.gnu.property");
        assert_eq!(s[2].type_name, "NOTE");
        assert_eq!(
            (s[2].addr, s[2].offset, s[2].size, s[2].align),
            (0x370, 0x370, 0x20, 8)
        );
        assert_eq!((s[3].flags.as_str(), s[3].link, s[3].info), ("AI", 6, 26));
        assert_eq!(s[4].flags, "WAT");
        assert_eq!((s[5].flags.as_str(), s[5].entsize), ("MS", 1));
        assert_eq!((s[6].flags.as_str(), s[6].link, s[6].info), ("", 31, 19));
        // "C" is a hex digit: the address column decides.
        assert_eq!((s[7].flags.as_str(), s[7].entsize), ("C", 0));
        assert_eq!(s[8].type_name, "SYMTAB SECTION INDICES");
        assert_eq!((s[8].name.as_str(), s[8].link), (".symtab_shndx", 66006));
        assert_eq!(
            (s[9].index, s[9].name.as_str()),
            (66008, "a name with spaces")
        );
        assert_eq!(s[9].flags, "AE");
        assert_eq!(
            (s[10].name.as_str(), s[10].type_name.as_str()),
            (".crel.text", "40000014: <unknown>")
        );
    }

    #[test]
    fn segments() {
        let r = parsed();
        let p = &r.segments;
        assert_eq!(p.len(), 5);
        assert_eq!(p[0].type_name, "PHDR");
        assert_eq!(
            (p[0].offset, p[0].filesz, p[0].flags.as_str(), p[0].align),
            (0x40, 0x310, "R  ", 8)
        );
        assert_eq!(p[1].interp.as_deref(), Some("/lib64/ld-linux-x86-64.so.2"));
        assert_eq!(
            (p[2].vaddr, p[2].flags.as_str(), p[2].align),
            (0x1000, "R E", 0x1000)
        );
        assert_eq!((p[3].flags.as_str(), p[3].align), ("   ", 0));
        assert_eq!(
            (p[4].type_name.as_str(), p[4].flags.as_str()),
            ("OPENBSD_RANDOM", "RWE")
        );
    }

    #[test]
    fn dynamic() {
        let r = parsed();
        let d = r.dynamic.unwrap();
        assert_eq!((d.offset, d.count, d.entries.len()), (0x2dc0, 4, 4));
        assert_eq!(d.entries[0].tag, 1);
        assert_eq!(d.entries[0].type_name, "NEEDED");
        assert_eq!(d.entries[0].value, "Shared library: [lib.so]");
        assert_eq!((d.entries[1].tag, d.entries[1].value.as_str()), (0x18, ""));
        assert_eq!(
            d.entries[2].type_name,
            "Operating System specific: 6ffffdf8"
        );
        assert_eq!(d.entries[2].value, "0x3");
    }

    #[test]
    fn relocations() {
        let r = parsed();
        assert!(r.unparsed.is_empty(), "{:?}", r.unparsed);
        assert_eq!(r.relocs.len(), 4);
        let a = &r.relocs[0];
        assert_eq!(
            (a.name.as_str(), a.offset, a.count, a.kind),
            (".rela.dyn", 0x650, 4, Some(RelKind::Rela))
        );
        assert_eq!(a.relocs[0].addend, Some(0x1150));
        assert_eq!(a.relocs[0].sym_name, None);
        assert_eq!(a.relocs[1].info, 0x0000000200000006);
        assert_eq!(a.relocs[1].sym_value, Some(0));
        assert_eq!(
            a.relocs[1].sym_name.as_deref(),
            Some("__libc_start_main@GLIBC_2.34")
        );
        assert_eq!(a.relocs[2].addend, Some(-0x10));
        assert_eq!(a.relocs[3].ifunc.as_deref(), Some("strlen@@GLIBC_2.2.5"));
        assert_eq!(a.relocs[3].sym_name.as_deref(), Some("strlen@@GLIBC_2.2.5"));
        assert_eq!(a.relocs[3].addend, Some(-8));
        let b = &r.relocs[1];
        assert_eq!(b.kind, Some(RelKind::Rel));
        assert_eq!(b.relocs[0].sym_value, Some(0));
        assert_eq!(b.relocs[0].sym_name.as_deref(), Some("puts"));
        assert_eq!(b.relocs[0].addend, None);
        assert_eq!(b.relocs[1].type_name, "R_386_RELATIVE");
        let c = &r.relocs[2];
        assert_eq!(
            (c.kind, c.relr_count, c.relr.len()),
            (Some(RelKind::Relr), Some(4), 4)
        );
        assert_eq!(c.relr[3], 0x4018);
        let m = &r.relocs[3];
        assert_eq!(m.relocs[0].extra_types, ["R_MIPS_SUB", "R_MIPS_HI16"]);
    }

    #[test]
    fn symbols() {
        let r = parsed();
        let t = r.symtab(".dynsym").unwrap();
        assert_eq!(t.count, 5);
        let s = &t.symbols;
        assert_eq!(s.len(), 8);
        assert_eq!(
            (
                s[0].name.as_str(),
                s[0].ndx.as_str(),
                s[0].type_name.as_str()
            ),
            ("", "UND", "NOTYPE")
        );
        assert_eq!(s[1].name, "lib_add@LIB_1.0 (2)");
        assert_eq!(
            (s[2].size, s[2].ndx.as_str(), s[2].value),
            (100000, "14", 0x1109)
        );
        assert_eq!(s[3].bind, "<OS specific>: 10");
        assert_eq!(
            (s[3].vis.as_str(), s[3].name.as_str()),
            ("DEFAULT", "_ZN1x")
        );
        assert_eq!(
            (s[4].other.as_deref(), s[4].ndx.as_str()),
            (Some("<localentry>: 8"), "12")
        );
        assert_eq!(s[5].type_name, "<processor specific>: 13");
        assert_eq!(
            (s[5].ndx.as_str(), s[5].name.as_str()),
            ("OS [0xff20]", "odd name")
        );
        assert_eq!(
            (s[6].ndx.as_str(), s[6].name.as_str()),
            ("bad section index[ 99]", "x")
        );
        assert_eq!(
            (s[7].other.as_deref(), s[7].ndx.as_str()),
            (Some("VARIANT_PCS"), "PRC[0xff00]")
        );
    }

    #[test]
    fn notes() {
        let r = parsed();
        assert_eq!(r.notes.len(), 2);
        let g = &r.notes[0];
        assert_eq!(g.section.as_deref(), Some(".note.gnu.build-id"));
        assert_eq!(g.notes.len(), 2);
        assert_eq!(g.notes[0].owner, "GNU");
        assert_eq!(g.notes[0].descsz, 0x14);
        assert_eq!(
            g.notes[0].type_text,
            "NT_GNU_BUILD_ID (unique build ID bitstring)"
        );
        assert_eq!(g.notes[1].owner, "stapsdt");
        let s = &r.notes[1];
        assert_eq!(
            (s.section.as_ref(), s.offset, s.length),
            (None, 0x270, 0x24)
        );
        assert_eq!(s.notes[0].owner, "GA$<version>3a1");
        assert_eq!(s.notes[0].type_text, "OPEN");
    }

    #[test]
    fn no_sections_and_dash_d() {
        let text = "\nThere are no sections in this file.\n\n'RELA' relocation section at offset 0x5c0 contains 48 bytes:\n    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend\n0000000000003d70  0000000000000008 R_X86_64_RELATIVE                         1100\n0000000000003fa0  0000000a00000006 R_X86_64_GLOB_DAT      0000000000004010 lib_counter@@LIB_1.0 + 0\n\nSymbol table for image contains 1 entry:\n   Num:    Value          Size Type    Bind   Vis      Ndx Name\n     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND \n";
        let r = parse(text);
        assert!(r.no_sections);
        assert!(r.unparsed.is_empty(), "{:?}", r.unparsed);
        assert_eq!(r.relocs[0].name, "RELA");
        assert!(r.relocs[0].dynamic);
        assert_eq!(r.relocs[0].count, 48);
        assert_eq!(r.relocs[0].relocs.len(), 2);
        assert_eq!(r.symtabs[0].name, None);
        assert_eq!(r.symtabs[0].symbols.len(), 1);
    }

    #[test]
    fn bad_rows_are_kept() {
        let r = parse("Section Headers:\n  [Nr] Name\n  [ 1] garbage\n");
        assert_eq!(r.unparsed.len(), 1);
    }
}
