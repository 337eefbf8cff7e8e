//! What the builder accumulates: sections, symbols, relocations and the
//! dynamic-linking settings of the file to write.

use crate::raw::consts::*;
use crate::read::{Class, Encoding, Endian};
use alloc::borrow::Cow;
use alloc::vec::Vec;

/// Run-time permissions of a loaded section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Perms {
    /// Read only.
    R,
    /// Read and execute.
    RX,
    /// Read and write.
    RW,
}

/// A section's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionData<'a> {
    /// Bytes stored in the file.
    Bytes(Cow<'a, [u8]>),
    /// `size` bytes of zeros at run time, none in the file (`SHT_NOBITS`).
    Zeros(u64),
}

impl SectionData<'_> {
    /// The size in memory.
    pub fn size(&self) -> u64 {
        match self {
            SectionData::Bytes(b) => b.len() as u64,
            SectionData::Zeros(n) => *n,
        }
    }
}

/// A handle to a section added to a [`Builder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub(crate) usize);

/// A handle to a symbol added to a [`Builder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymbolId(pub(crate) usize);

impl SectionId {
    /// The handle of the `index`th section added to a builder (from 0).
    pub fn from_index(index: usize) -> Self {
        SectionId(index)
    }

    /// Its place in the order sections were added (from 0); the section
    /// header index is the plan's
    /// [`section_index`](super::LayoutPlan::section_index).
    pub fn index(self) -> usize {
        self.0
    }
}

impl SymbolId {
    /// The handle of the `index`th symbol added to a builder (from 0).
    pub fn from_index(index: usize) -> Self {
        SymbolId(index)
    }

    /// Its place in the order symbols were added (from 0).
    pub fn index(self) -> usize {
        self.0
    }
}

/// A section to write.
#[derive(Debug, Clone)]
pub struct SectionSpec<'a> {
    /// The name.
    pub name: Cow<'a, [u8]>,
    /// `sh_type`.
    pub sh_type: u32,
    /// The contents.
    pub data: SectionData<'a>,
    /// The alignment (0 and 1 both mean none; otherwise a power of two).
    pub align: u64,
    /// Run-time permissions, or `None` for a section that is not loaded.
    pub perms: Option<Perms>,
    /// `sh_flags` bits other than `SHF_ALLOC`, `SHF_WRITE` and
    /// `SHF_EXECINSTR` (which follow from `perms`).
    pub flags: u64,
    /// `sh_link`, when it names another section of the builder.
    pub link: Option<SectionId>,
    /// `sh_info` as a number (ignored when `info_section` is set).
    pub info: u32,
    /// `sh_info`, when it names another section of the builder.
    pub info_section: Option<SectionId>,
    /// `sh_entsize`.
    pub entsize: u64,
    /// Read-only after relocation (in `PT_GNU_RELRO`); only for `RW`.
    pub relro: bool,
}

impl<'a> SectionSpec<'a> {
    /// A `SHT_PROGBITS` section with `data` and permissions `perms`.
    pub fn new(
        name: impl Into<Cow<'a, [u8]>>,
        perms: Option<Perms>,
        data: impl Into<Cow<'a, [u8]>>,
    ) -> Self {
        SectionSpec {
            name: name.into(),
            sh_type: SHT_PROGBITS,
            data: SectionData::Bytes(data.into()),
            align: 1,
            perms,
            flags: 0,
            link: None,
            info: 0,
            info_section: None,
            entsize: 0,
            relro: false,
        }
    }

    /// A `SHT_NOBITS` section of `size` zero bytes (like `.bss`).
    pub fn zeros(name: impl Into<Cow<'a, [u8]>>, size: u64) -> Self {
        SectionSpec {
            sh_type: SHT_NOBITS,
            data: SectionData::Zeros(size),
            ..Self::new(name, Some(Perms::RW), &[][..])
        }
    }

    /// The same section with alignment `align`.
    pub fn align(mut self, align: u64) -> Self {
        self.align = align;
        self
    }

    /// The same section with type `sh_type`.
    pub fn kind(mut self, sh_type: u32) -> Self {
        self.sh_type = sh_type;
        self
    }

    /// The same section, read-only after relocation.
    pub fn relro(mut self) -> Self {
        self.relro = true;
        self
    }

    /// The same section, thread-local (`SHF_TLS`): the initialization
    /// image of each thread's copy (`.tdata`), or its zeros when made by
    /// [`zeros`](Self::zeros) (`.tbss`). Loaded TLS sections are `RW`.
    pub fn tls(mut self) -> Self {
        self.flags |= SHF_TLS;
        self
    }

    /// The same section with `flags` added to its `sh_flags` bits (the
    /// ones it has, such as [`tls`](Self::tls)'s `SHF_TLS`, stay). To
    /// replace them, set the [`flags`](Self#structfield.flags) field.
    pub fn flags(mut self, flags: u64) -> Self {
        self.flags |= flags;
        self
    }

    /// The `sh_flags` this section gets in the file.
    pub fn sh_flags(&self) -> u64 {
        let mut f = self.flags & !(SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR);
        match self.perms {
            None => {}
            Some(Perms::R) => f |= SHF_ALLOC,
            Some(Perms::RX) => f |= SHF_ALLOC | SHF_EXECINSTR,
            Some(Perms::RW) => f |= SHF_ALLOC | SHF_WRITE,
        }
        f
    }
}

/// Where a symbol is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolPlace {
    /// Not defined here.
    Undefined,
    /// At `value` bytes into a section.
    Section(SectionId),
    /// An absolute value.
    Absolute,
    /// A common block (`value` is its alignment). Only relocatable
    /// objects hold these: executables and shared objects refuse them, as
    /// a linker would allocate them in a section.
    Common,
    /// A raw `st_shndx` carried through unchanged (read-modify-write).
    Raw(u16),
}

impl SymbolPlace {
    /// Whether the symbol is defined in this file (`Raw(SHN_UNDEF)` is not).
    pub fn is_defined(&self) -> bool {
        !matches!(self, SymbolPlace::Undefined | SymbolPlace::Raw(SHN_UNDEF))
    }
}

/// A symbol to write.
#[derive(Debug, Clone)]
pub struct SymbolSpec<'a> {
    /// The name.
    pub name: Cow<'a, [u8]>,
    /// Where it is defined.
    pub place: SymbolPlace,
    /// The value: an offset into its section (an address once laid out).
    pub value: u64,
    /// The size.
    pub size: u64,
    /// `STB_*`.
    pub bind: u8,
    /// `STT_*`.
    pub kind: u8,
    /// `st_other` (visibility in the low bits).
    pub other: u8,
    /// Put in `.dynsym`: `None` means the default (defined global and weak
    /// symbols of default or protected visibility in shared objects, and
    /// undefined symbols that dynamic relocations need).
    pub export: Option<bool>,
}

impl<'a> SymbolSpec<'a> {
    /// A global symbol `offset` bytes into `section`.
    pub fn global(name: impl Into<Cow<'a, [u8]>>, section: SectionId, offset: u64) -> Self {
        SymbolSpec {
            name: name.into(),
            place: SymbolPlace::Section(section),
            value: offset,
            size: 0,
            bind: STB_GLOBAL,
            kind: STT_NOTYPE,
            other: STV_DEFAULT,
            export: None,
        }
    }

    /// A local symbol `offset` bytes into `section`.
    pub fn local(name: impl Into<Cow<'a, [u8]>>, section: SectionId, offset: u64) -> Self {
        SymbolSpec {
            bind: STB_LOCAL,
            ..Self::global(name, section, offset)
        }
    }

    /// An undefined global symbol.
    pub fn undefined(name: impl Into<Cow<'a, [u8]>>) -> Self {
        SymbolSpec {
            place: SymbolPlace::Undefined,
            ..Self::global(name, SectionId(0), 0)
        }
    }

    /// The same symbol as a function of `size` bytes.
    pub fn function(mut self, size: u64) -> Self {
        self.kind = STT_FUNC;
        self.size = size;
        self
    }

    /// The same symbol as a data object of `size` bytes.
    pub fn object(mut self, size: u64) -> Self {
        self.kind = STT_OBJECT;
        self.size = size;
        self
    }

    /// The same symbol as a thread-local variable (`STT_TLS`) of `size`
    /// bytes. In executables and shared objects its value becomes its
    /// offset in the TLS segment, as the gABI asks.
    pub fn tls(mut self, size: u64) -> Self {
        self.kind = STT_TLS;
        self.size = size;
        self
    }

    /// The same symbol, weak.
    pub fn weak(mut self) -> Self {
        self.bind = STB_WEAK;
        self
    }

    /// The same symbol with visibility `STV_*`.
    pub fn visibility(mut self, v: u8) -> Self {
        self.other = (self.other & !3) | (v & 3);
        self
    }

    /// `st_info` as written.
    pub fn st_info(&self) -> u8 {
        (self.bind << 4) | (self.kind & 0xf)
    }
}

/// A relocation to apply or emit.
///
/// In a linked file (ET_EXEC, ET_DYN) the builder resolves it at layout
/// or turns it into a dynamic relocation; [`supported`](super::supported)
/// lists the types it knows per machine, and [`crate::arch`] what each
/// computes. The addends are RELA addends, always explicit: the bytes at
/// the place are not read as an addend (instruction fields keep their
/// other bits). `P` is the address of the field itself, so a PC-relative
/// field that the CPU measures from the end of the instruction carries
/// that distance in the addend: an x86-64 `call` or RIP-relative operand
/// (4 bytes before the end) uses `addend: -4`, as compilers emit.
///
/// # Preemption
///
/// In a shared object, an exported symbol (defined here, global or weak,
/// default visibility, not kept out of `.dynsym` by
/// [`SymbolSpec::export`]) may be *preempted*: a definition earlier in the
/// lookup scope (the program's own, or its copy of a variable) wins at run
/// time. So, as GNU ld and lld do without `-Bsymbolic`, references to it
/// go through the dynamic linker, like references to undefined symbols:
///
/// - an address-sized absolute word (`R_X86_64_64`, `R_AARCH64_ABS64`,
///   `R_RISCV_64`) becomes the same relocation against the symbol's
///   `.dynsym` entry, not `RELATIVE`;
/// - a GOT-relative relocation (x86-64 `GOTPCREL`, `GOTPCRELX`,
///   `REX_GOTPCRELX`; AArch64 `ADR_GOT_PAGE` with `LD64_GOT_LO12_NC` or
///   ILP32's `LD32_GOT_LO12_NC`; RISC-V `GOT_HI20` with its
///   `PCREL_LO12_I`) reads a `.got` entry that `GLOB_DAT` fills (RISC-V:
///   `R_RISCV_64`);
/// - a call (`PLT32`, `CALL26`/`JUMP26`, `CALL`/`CALL_PLT`) goes through a
///   `.plt` entry whose `.got.plt` slot `JUMP_SLOT` fills;
/// - any other reference that would bind it here (PC-relative, a narrow
///   absolute field, `GOTOFF64`) is refused with an error naming the
///   symbol and the fix (recompile with `-fPIC`, give the symbol hidden or
///   protected visibility, or set [`Builder::symbolic`]).
///
/// Protected and hidden symbols, locals, executables (PIE or not: they come
/// first in the lookup scope) and a builder with [`Builder::symbolic`] bind
/// to their own definitions: GOT entries are filled at layout (with a
/// `RELATIVE` relocation in a position-independent file), calls go
/// straight to the function, words become `RELATIVE`.
///
/// In executables and shared objects, calls to undefined functions go
/// through the PLT, and GOT entries of undefined symbols are `GLOB_DAT`.
/// An executable that refers to an undefined *variable* other than through
/// the GOT or an address-sized word in writable data would need a copy
/// relocation, which the builder does not make: that is refused
/// (recompile with `-fPIC` or `-fPIE`).
///
/// # GOT and PLT
///
/// `.got` holds one entry per symbol (per symbol and addend on AArch64,
/// whose entries hold `S + A`), address-sized (4 bytes in x32 and
/// ILP32). `.plt`, `.got.plt` and `.rela.plt` are GNU ld's, stub for stub
/// (`DT_PLTGOT`, `DT_JMPREL`, `DT_PLTRELSZ`, `DT_PLTREL`); x32's
/// `.got.plt` slots are 8 bytes. `_GLOBAL_OFFSET_TABLE_`, when an
/// object names it (assemblers do), is defined at `.got.plt` (x86-64's
/// GOT base, which `GOTPC32`/`GOTPC64`/`GOTOFF64` use), or at `.got`
/// without one. No GOT or PLT relaxation is done: the code stays as
/// written.
///
/// Binding is eager: a file with a PLT says `DF_BIND_NOW` and `DF_1_NOW`,
/// the dynamic linker fills every slot at load time, and `.got` and
/// `.got.plt` are in `PT_GNU_RELRO`. (The slots still hold what a lazy
/// resolver would need, as GNU ld writes them.)
///
/// ```
/// use elfin::raw::consts::*;
/// use elfin::write::{Builder, FileKind, LayoutOptions, Perms, RelocationSpec, SectionSpec, SymbolSpec};
///
/// // get: mov rax, [rip + counter@GOTPCREL]; mov eax, [rax]; ret
/// // hello: jmp puts@PLT
/// let code = [0x48, 0x8b, 0x05, 0, 0, 0, 0, 0x8b, 0x00, 0xc3, 0xe9, 0, 0, 0, 0];
/// let mut b = Builder::new(FileKind::x86_64(ET_DYN));
/// b.needed.push(b"libc.so.6"[..].into());
/// let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), &code[..]));
/// let data = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[0u8; 4][..]));
/// b.add_symbol(SymbolSpec::global(&b"get"[..], text, 0).function(10));
/// b.add_symbol(SymbolSpec::global(&b"hello"[..], text, 10).function(5));
/// let counter = b.add_symbol(SymbolSpec::global(&b"counter"[..], data, 0).object(4));
/// let puts = b.add_symbol(SymbolSpec::undefined(&b"puts"[..]).function(0));
/// b.add_relocation(RelocationSpec {
///     section: text, offset: 3, kind: R_X86_64_REX_GOTPCRELX, symbol: Some(counter), addend: -4,
/// });
/// b.add_relocation(RelocationSpec {
///     section: text, offset: 11, kind: R_X86_64_PLT32, symbol: Some(puts), addend: -4,
/// });
/// let plan = b.layout(&LayoutOptions::default()).unwrap();
/// let names: Vec<&[u8]> = plan.sections().iter().map(|s| &s.name[..]).collect();
/// for made in [&b".got"[..], b".plt", b".got.plt", b".rela.plt"] {
///     assert!(names.contains(&made));
/// }
///
/// // `counter` is preemptible: its GOT entry is GLOB_DAT, the call a JUMP_SLOT.
/// let bytes = b.write(&plan).unwrap();
/// let file = elfin::ElfFile::parse(&bytes).unwrap();
/// let tables = file.dynamic_relocations().unwrap();
/// let rela = tables.rela.unwrap();
/// assert!(rela.iter().all(|r| r.kind == R_X86_64_GLOB_DAT));
/// assert!(tables.plt.unwrap().iter().all(|r| r.kind == R_X86_64_JUMP_SLOT));
///
/// // Reached PC-relatively, a preemptible variable is refused...
/// let mut pc32 = b.clone();
/// pc32.add_relocation(RelocationSpec {
///     section: text, offset: 3, kind: R_X86_64_PC32, symbol: Some(counter), addend: -4,
/// });
/// let err = pc32.layout(&LayoutOptions::default()).unwrap_err().to_string();
/// assert!(err.contains("counter") && err.contains("-fPIC"));
/// // ...unless the object binds to itself.
/// pc32.symbolic = true;
/// assert!(pc32.layout(&LayoutOptions::default()).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelocationSpec {
    /// The section the relocation patches.
    pub section: SectionId,
    /// The offset in that section.
    pub offset: u64,
    /// The machine's relocation type.
    pub kind: u32,
    /// The symbol, if any.
    pub symbol: Option<SymbolId>,
    /// The addend.
    pub addend: i64,
}

/// What kind of file to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// Class and byte order.
    pub encoding: Encoding,
    /// `e_machine`.
    pub machine: u16,
    /// `ET_REL`, `ET_EXEC` or `ET_DYN`.
    pub file_type: u16,
}

/// One constructor per machine whose relocations the builder resolves.
///
/// ```
/// use elfin::raw::consts::{ET_DYN, ET_EXEC, EM_AARCH64};
/// use elfin::read::Class;
/// use elfin::write::FileKind;
///
/// assert_eq!(FileKind::aarch64(ET_EXEC).machine, EM_AARCH64);
/// assert_eq!(FileKind::x32(ET_DYN).encoding.class, Class::Elf32);
/// ```
impl FileKind {
    /// A little-endian file of `class` for `machine`.
    const fn little(class: Class, machine: u16, file_type: u16) -> Self {
        FileKind {
            encoding: Encoding {
                class,
                endian: Endian::Little,
            },
            machine,
            file_type,
        }
    }

    /// A 64-bit little-endian x86-64 file of type `file_type`.
    pub const fn x86_64(file_type: u16) -> Self {
        Self::little(Class::Elf64, EM_X86_64, file_type)
    }

    /// An x32 file (x86-64 code, 32-bit class) of type `file_type`.
    pub const fn x32(file_type: u16) -> Self {
        Self::little(Class::Elf32, EM_X86_64, file_type)
    }

    /// A 64-bit little-endian AArch64 file of type `file_type`.
    pub const fn aarch64(file_type: u16) -> Self {
        Self::little(Class::Elf64, EM_AARCH64, file_type)
    }

    /// An AArch64 ILP32 file (32-bit class, `R_AARCH64_P32_*` relocations)
    /// of type `file_type`.
    pub const fn aarch64_ilp32(file_type: u16) -> Self {
        Self::little(Class::Elf32, EM_AARCH64, file_type)
    }

    /// A 64-bit little-endian RISC-V (RV64) file of type `file_type`. To
    /// link with code for Linux, set the builder's `flags` to the ABI the
    /// other objects use (`EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE` for
    /// Debian's `riscv64-linux-gnu`).
    pub fn riscv64(file_type: u16) -> Self {
        FileKind {
            machine: EM_RISCV,
            ..FileKind::x86_64(file_type)
        }
    }
}

/// Accumulates a file to write: sections, symbols, relocations, and the
/// dynamic-linking settings. [`layout`](Builder::layout) turns it into an
/// inspectable [`LayoutPlan`](super::LayoutPlan);
/// [`write`](Builder::write) serializes by that plan.
///
/// A linked file gets the GOT and PLT its relocations need, and a shared
/// object's exported symbols are preemptible unless
/// [`symbolic`](Builder::symbolic) is set: see [`RelocationSpec`] for the
/// rules, and the binding (eager, `DF_BIND_NOW`).
#[derive(Debug, Clone)]
pub struct Builder<'a> {
    /// The kind of file.
    pub kind: FileKind,
    /// `e_ident[EI_OSABI]`.
    pub osabi: u8,
    /// `e_flags`.
    pub flags: u32,
    pub(crate) sections: Vec<SectionSpec<'a>>,
    pub(crate) symbols: Vec<SymbolSpec<'a>>,
    pub(crate) relocations: Vec<RelocationSpec>,
    /// The entry point symbol.
    pub entry: Option<SymbolId>,
    /// `PT_INTERP` / `.interp`.
    pub interpreter: Option<Cow<'a, [u8]>>,
    /// `DT_NEEDED` entries.
    pub needed: Vec<Cow<'a, [u8]>>,
    /// `DT_SONAME`. A static executable (no interpreter, no needed
    /// libraries) refuses it: it has no dynamic table to hold it, and no
    /// loader would read one (set an interpreter to make it dynamic).
    pub soname: Option<Cow<'a, [u8]>>,
    /// `DT_RUNPATH`. A static executable refuses it, as `soname`.
    pub runpath: Option<Cow<'a, [u8]>>,
    /// Emit a `.note.gnu.build-id` computed over the output.
    pub build_id: bool,
    /// Emit a SysV `.hash` besides `.gnu.hash`.
    pub sysv_hash: bool,
    /// Emit relative relocations as `.relr.dyn` rather than in `.rela.dyn`.
    pub relr: bool,
    /// For `ET_REL`: relocations as `SHT_REL` (no addends) rather than `SHT_RELA`.
    pub rel_without_addends: bool,
    /// For a shared object: bind every reference to the object's own
    /// definitions (GNU ld's `-Bsymbolic`), and say so with `DF_SYMBOLIC`
    /// in `DT_FLAGS` (and `DT_SYMBOLIC`). Off by default: exported
    /// symbols of default visibility are then preemptible, and references
    /// to them go through the dynamic linker (see
    /// [`RelocationSpec`]).
    pub symbolic: bool,
}

impl<'a> Builder<'a> {
    /// An empty builder for `kind`.
    pub fn new(kind: FileKind) -> Self {
        Builder {
            kind,
            osabi: 0,
            flags: 0,
            sections: Vec::new(),
            symbols: Vec::new(),
            relocations: Vec::new(),
            entry: None,
            interpreter: None,
            needed: Vec::new(),
            soname: None,
            runpath: None,
            build_id: false,
            sysv_hash: false,
            relr: false,
            rel_without_addends: false,
            symbolic: false,
        }
    }

    /// Adds a section.
    pub fn add_section(&mut self, s: SectionSpec<'a>) -> SectionId {
        self.sections.push(s);
        SectionId(self.sections.len() - 1)
    }

    /// Adds a symbol.
    pub fn add_symbol(&mut self, s: SymbolSpec<'a>) -> SymbolId {
        self.symbols.push(s);
        SymbolId(self.symbols.len() - 1)
    }

    /// Adds a relocation.
    pub fn add_relocation(&mut self, r: RelocationSpec) {
        self.relocations.push(r);
    }

    /// The sections added so far.
    pub fn sections(&self) -> &[SectionSpec<'a>] {
        &self.sections
    }

    /// A section, to change it.
    pub fn section_mut(&mut self, id: SectionId) -> Option<&mut SectionSpec<'a>> {
        self.sections.get_mut(id.0)
    }

    /// The symbols added so far.
    pub fn symbols(&self) -> &[SymbolSpec<'a>] {
        &self.symbols
    }

    /// The relocations added so far.
    pub fn relocations(&self) -> &[RelocationSpec] {
        &self.relocations
    }

    /// Whether the file gets dynamic-linking structures (`.dynamic`, …).
    pub fn is_dynamic(&self) -> bool {
        self.kind.file_type == ET_DYN || self.interpreter.is_some() || !self.needed.is_empty()
    }
}
