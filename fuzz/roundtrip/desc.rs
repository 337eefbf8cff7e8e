//! The description a `build_roundtrip` input decodes to (through
//! `arbitrary`): sections, symbols, relocations and file options, bounded
//! so that one case stays small and fast.

use super::*;

/// Bounds that keep one case small and fast.
pub const MAX_SECTIONS: usize = 8;
pub const MAX_SYMBOLS: usize = 12;
pub const MAX_RELOCS: usize = 16;
/// Bytes of one section (8 sections: at most 64 KiB of data).
pub const MAX_DATA: usize = 8 << 10;
/// The largest `SHT_NOBITS` section.
pub const MAX_NOBITS: u64 = 4 << 20;

/// A vector of at most `N` items (the derive's `Vec` would take as many as
/// the input allows).
#[derive(Debug, Clone)]
pub struct Bounded<T, const N: usize>(pub Vec<T>);

impl<'a, T: Arbitrary<'a>, const N: usize> Arbitrary<'a> for Bounded<T, N> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=N)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::arbitrary(u)?);
        }
        Ok(Bounded(v))
    }
}

/// Names the fuzzer would take long to spell, and odd ones.
pub(super) const NAMES: &[&[u8]] = &[
    b".text",
    b".data",
    b".bss",
    b".rodata",
    b".note.elfin",
    b".init_array",
    b".data.rel.ro",
    b".tdata",
    b"_start",
    b"main",
    b"foo",
    b"bar",
    b"",
    b".dynsym",
    b".symtab",
    b".shstrtab",
    b".rela.text",
    b"libc.so.6",
    b"/lib64/ld-linux-x86-64.so.2",
    b"$ORIGIN/../lib",
    b"\xff\xfe",
];

/// A name: mostly one of [`NAMES`], else any bytes (empty and
/// NUL-containing too).
#[derive(Arbitrary, Debug, Clone)]
pub struct Name {
    pub pick: u8,
    pub bytes: Bounded<u8, 12>,
}

impl Name {
    pub(super) fn bytes(&self) -> Vec<u8> {
        if self.pick < 208 {
            NAMES[self.pick as usize % NAMES.len()].to_vec()
        } else {
            self.bytes.0.clone()
        }
    }
}

/// A handle: mostly a valid index (modulo the count), rarely one past the
/// end or further.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Index(pub u8);

impl Index {
    /// The index; `None` when there is nothing to point at (and the handle
    /// is not one of the rare deliberately invalid ones).
    pub(super) fn resolve(self, count: usize) -> Option<usize> {
        match self.0 {
            255 => Some(count),
            _ if count == 0 => None,
            v => Some(v as usize % count),
        }
    }
}

/// A section type.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum SecKind {
    Progbits,
    Nobits,
    Note,
    /// Types the reader does not interpret (`INIT_ARRAY`, processor- and
    /// OS-specific ones, `SHT_NULL`).
    Other(u8),
}

pub(super) const OTHER_TYPES: &[u32] = &[
    SHT_INIT_ARRAY,
    SHT_FINI_ARRAY,
    SHT_PREINIT_ARRAY,
    0x7000_0001,
    0x7000_0003,
    0x6fff_fff5,
    0x8000_1234,
    SHT_NULL,
];

/// Section contents.
#[derive(Arbitrary, Debug, Clone)]
pub enum Contents {
    Bytes(Bounded<u8, 64>),
    Fill { byte: u8, len: u16 },
}

/// A note for an `SHT_NOTE` section (encoded in the file's byte order).
#[derive(Arbitrary, Debug, Clone)]
pub struct NoteDesc {
    pub name: u8,
    pub kind: u32,
    pub desc: Bounded<u8, 24>,
}

pub(super) const NOTE_NAMES: &[&[u8]] = &[b"elfin", b"X", b"", b"Linux"];

/// A section.
#[derive(Arbitrary, Debug, Clone)]
pub struct SectionDesc {
    pub name: Name,
    pub kind: SecKind,
    pub contents: Contents,
    pub notes: Bounded<NoteDesc, 3>,
    /// For `SHT_NOBITS`: the size (small or up to [`MAX_NOBITS`]).
    pub nobits: u32,
    /// 255: data that does not match the type (invalid).
    pub mismatch: u8,
    pub align: u8,
    pub perms: u8,
    /// 192 and up: relro (255: even when not RW, which is invalid).
    pub relro: u8,
    pub flags: u8,
    pub entsize: u8,
    pub link: Option<Index>,
    pub info: Info,
    /// 224 and up: thread-local (`SHF_TLS`); RW when loaded in a linked
    /// file unless 255.
    pub tls: u8,
}

/// `sh_info`.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Info {
    Number(u8),
    Section(Index),
}

/// A symbol's place.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum PlaceDesc {
    Undefined,
    Section(Index),
    Absolute,
    Common,
    Raw(u8),
}

/// A value: usually small, sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Value {
    pub pick: u8,
    pub v: u64,
}

impl Value {
    pub(super) fn get(self) -> u64 {
        if self.pick < 224 {
            self.v % 0x1_0000
        } else {
            self.v
        }
    }
}

/// A symbol.
#[derive(Arbitrary, Debug, Clone)]
pub struct SymbolDesc {
    pub name: Name,
    pub place: PlaceDesc,
    pub value: Value,
    pub size: Value,
    /// 0–3 local, global, weak, unique; more is a raw value (over 15 invalid).
    pub bind: u8,
    pub kind: u8,
    pub other: u8,
    pub export: Option<bool>,
}

/// A relocation type: mostly one the builder resolves for the machine
/// and class (in linked files with a symbol, section and offset it can
/// resolve, see `model_relocs`), else one it does not, or any number.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct KindDesc {
    pub pick: u8,
    pub v: u32,
}

/// A relocation offset: mostly inside the section, sometimes in its last
/// eight bytes (fields that may not fit), rarely anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct OffsetDesc {
    pub pick: u8,
    pub v: u32,
}

/// An addend: mostly small.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Addend {
    pub pick: u8,
    pub v: i64,
}

/// A relocation.
#[derive(Arbitrary, Debug, Clone)]
pub struct RelocDesc {
    pub section: Index,
    pub offset: OffsetDesc,
    pub kind: KindDesc,
    pub symbol: Option<Index>,
    pub addend: Addend,
}

/// A whole file to build.
#[derive(Arbitrary, Debug, Clone)]
pub struct BuildDesc {
    pub elf64: bool,
    pub big_endian: bool,
    /// x86-64, AArch64, RISC-V.
    pub machine: u8,
    /// Mostly ET_REL, ET_EXEC, ET_DYN; 255 and 254 are invalid types.
    pub file_type: u8,
    pub mmap: bool,
    pub page: u8,
    pub base: u8,
    pub filler: Filler,
    /// 240 and up: in linked files, relocations as they come (any type,
    /// section, symbol, offset), which the builder mostly refuses;
    /// otherwise ones it can resolve.
    pub wild_relocs: u8,
    // Before the sections and symbols, whose bytes would leave little
    // input for them.
    pub relocs: Bounded<RelocDesc, MAX_RELOCS>,
    pub sections: Bounded<SectionDesc, MAX_SECTIONS>,
    pub symbols: Bounded<SymbolDesc, MAX_SYMBOLS>,
    pub entry: Option<Index>,
    pub interpreter: Option<Name>,
    pub needed: Bounded<Name, 3>,
    pub soname: Option<Name>,
    pub runpath: Option<Name>,
    pub build_id: bool,
    pub sysv_hash: bool,
    pub relr: bool,
    pub rel_without_addends: bool,
    pub osabi: u8,
    pub flags: u32,
    /// Bind a shared object's references to its own definitions.
    pub symbolic: bool,
}

/// Empty, unloaded sections added among the description's: rarely enough
/// that the sections after them get indices past `SHN_LORESERVE` (0xff00),
/// which needs extended numbering and `.symtab_shndx`.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Filler {
    /// 255 (with `count` from 128 on): add them.
    pub pick: u8,
    /// How far around 0xff00 the count lands (its low five bits).
    pub count: u8,
    /// Before which of the description's sections they go.
    pub at: u8,
}

/// The filler sections' count lands in `FILLER_LOW..FILLER_LOW + 32`.
pub const FILLER_LOW: usize = 0xff00 - 24;
