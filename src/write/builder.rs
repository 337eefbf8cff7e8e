//! What the builder accumulates: sections, symbols, relocations and the
//! dynamic-linking settings of the file to write.

use crate::error::{Error, Field, Result, Structure};
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

    /// The same section with extra `sh_flags` bits.
    pub fn flags(mut self, flags: u64) -> Self {
        self.flags = flags;
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

    /// Checks what layout cannot: alignments, handles, file type.
    pub(crate) fn validate(&self) -> Result<()> {
        let bad = |what: Structure, field: Field, value: u64| {
            Err(Error::bad_value(what, 0, field, value))
        };
        if ![ET_REL, ET_EXEC, ET_DYN].contains(&self.kind.file_type) {
            return bad(
                Structure::Builder,
                Field::WFileTypeMustBeETRELETEXEC,
                self.kind.file_type.into(),
            );
        }
        let narrow = self.kind.encoding.class == Class::Elf32;
        // Objects have no segments and no .dynsym: layout rules do not apply.
        let linked = self.kind.file_type != ET_REL;
        let strings = [
            self.interpreter.as_deref(),
            self.soname.as_deref(),
            self.runpath.as_deref(),
        ];
        // Only a dynamic file writes these strings.
        let dynamic = self.kind.file_type != ET_REL && self.is_dynamic();
        if dynamic
            && strings
                .into_iter()
                .flatten()
                .chain(self.needed.iter().map(|n| &n[..]))
                .any(|s| s.contains(&0))
        {
            return bad(
                Structure::Builder,
                Field::WInterpreterSonameRunpathOrNeededNameContainsA,
                0,
            );
        }
        if self.kind.file_type == ET_EXEC
            && !dynamic
            && (self.soname.is_some() || self.runpath.is_some())
        {
            // Without an interpreter or needed libraries nothing reads a
            // dynamic table: the soname or runpath would be dropped.
            return bad(
                Structure::Builder,
                Field::WSonameOrRunpathAStaticExecutableHasNo,
                0,
            );
        }
        let n = self.sections.len() as u64;
        for (i, s) in self.sections.iter().enumerate() {
            let e = |field, value| {
                Err(Error::bad_value(Structure::BuilderSection, 0, field, value).at_index(i as u64))
            };
            if s.align > 1 && !s.align.is_power_of_two() {
                return e(Field::WAlignmentNotAPowerOfTwo, s.align);
            }
            if memchr::memchr(0, &s.name).is_some() {
                return e(Field::WNameContainsANULByte, 0);
            }
            if matches!(s.data, SectionData::Zeros(_)) != (s.sh_type == SHT_NOBITS) {
                return e(Field::WShTypeSHTNOBITSIfAndOnlyIf, s.sh_type.into());
            }
            if s.relro && s.perms != Some(Perms::RW) {
                return e(Field::WRelroOnlyForWritableSections, 1);
            }
            let tls = s.flags & SHF_TLS != 0;
            if linked && tls && s.perms.is_some() && s.perms != Some(Perms::RW) {
                // The gABI's .tdata and .tbss are writable; the loader
                // copies them for each thread.
                return e(Field::WPermsALoadedTLSSectionMustBeRW, s.flags);
            }
            if linked
                && s.sh_type == SHT_NOBITS
                && s.perms.is_some()
                && (s.perms != Some(Perms::RW) || (s.relro && !tls))
            {
                // Zeros without file bytes can only end the writable segment.
                return e(Field::WShTypeSHTNOBITSOnlyInWritableNon, s.sh_type.into());
            }
            if narrow
                && (s.data.size() > u32::MAX as u64
                    || s.sh_flags() > u32::MAX as u64
                    || s.entsize > u32::MAX as u64
                    || s.align > u32::MAX as u64)
            {
                return e(
                    Field::WSizeFlagsEntsizeOrAlignmentTooLargeFor,
                    s.data.size(),
                );
            }
            for l in [s.link, s.info_section].into_iter().flatten() {
                if l.0 as u64 >= n {
                    return e(Field::WLinkOrInfoNoSuchSection, l.0 as u64);
                }
            }
        }
        for (i, s) in self.symbols.iter().enumerate() {
            let e = |field, value| {
                Err(Error::bad_value(Structure::BuilderSymbol, 0, field, value).at_index(i as u64))
            };
            if let SymbolPlace::Section(id) = s.place {
                if id.0 as u64 >= n {
                    return e(Field::WSectionNoSuchSection, id.0 as u64);
                }
            }
            if memchr::memchr(0, &s.name).is_some() {
                return e(Field::WNameContainsANULByte, 0);
            }
            if narrow && (s.value > u32::MAX as u64 || s.size > u32::MAX as u64) {
                return e(Field::WValueOrSizeTooLargeForA32, s.value.max(s.size));
            }
            if linked && matches!(s.place, SymbolPlace::Common | SymbolPlace::Raw(SHN_COMMON)) {
                // A linker allocates common blocks; only relocatable
                // objects hold them (gABI).
                return e(
                    Field::WPlaceACommonSymbolInAnExecutableOr,
                    SHN_COMMON.into(),
                );
            }
            if linked && s.bind == STB_LOCAL && s.export == Some(true) {
                return e(Field::WExportALocalSymbolCannotBeExported, 1);
            }
            if s.bind > 15 || s.kind > 15 {
                return e(
                    Field::WBindOrTypeMoreThan4Bits,
                    (s.bind as u64) << 8 | s.kind as u64,
                );
            }
        }
        for (i, r) in self.relocations.iter().enumerate() {
            let e = |field, value| {
                Err(
                    Error::bad_value(Structure::BuilderRelocation, 0, field, value)
                        .at_index(i as u64),
                )
            };
            if r.section.0 as u64 >= n {
                return e(Field::WSectionNoSuchSection, r.section.0 as u64);
            }
            if let Some(s) = r.symbol {
                if s.0 >= self.symbols.len() {
                    return e(Field::WSymbolNoSuchSymbol, s.0 as u64);
                }
            }
            if r.offset >= self.sections[r.section.0].data.size() {
                return e(Field::WOffsetPastTheEndOfItsSection, r.offset);
            }
            let addend_fits = self.rel_without_addends || i32::try_from(r.addend).is_ok();
            if narrow && (!addend_fits || r.kind > 0xff) {
                return e(Field::WAddendOrTypeTooLargeForA32, r.kind.into());
            }
        }
        if let Some(s) = self.entry {
            if s.0 >= self.symbols.len() {
                return bad(
                    Structure::Builder,
                    Field::WEntrySymbolNoSuchSymbol,
                    s.0 as u64,
                );
            }
        }
        Ok(())
    }
}
