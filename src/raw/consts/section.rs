use super::named_consts;

/// Undefined section index.
pub const SHN_UNDEF: u16 = 0;
/// Start of reserved section indices.
pub const SHN_LORESERVE: u16 = 0xff00;
/// Start of processor-specific indices.
pub const SHN_LOPROC: u16 = 0xff00;
/// End of processor-specific indices.
pub const SHN_HIPROC: u16 = 0xff1f;
/// Start of OS-specific indices.
pub const SHN_LOOS: u16 = 0xff20;
/// End of OS-specific indices.
pub const SHN_HIOS: u16 = 0xff3f;
/// Absolute symbol.
pub const SHN_ABS: u16 = 0xfff1;
/// Common symbol.
pub const SHN_COMMON: u16 = 0xfff2;
/// The real index is elsewhere (`SHT_SYMTAB_SHNDX`, or section 0 for the header).
pub const SHN_XINDEX: u16 = 0xffff;
/// `e_phnum` value meaning the real count is in section 0's `sh_info`.
pub const PN_XNUM: u16 = 0xffff;

named_consts!(u32, sht_name, "section type (`sh_type`)", {
    /// Inactive section header.
    SHT_NULL = 0,
    /// Program data.
    SHT_PROGBITS = 1,
    /// Symbol table.
    SHT_SYMTAB = 2,
    /// String table.
    SHT_STRTAB = 3,
    /// Relocations with addends.
    SHT_RELA = 4,
    /// SysV symbol hash table.
    SHT_HASH = 5,
    /// Dynamic linking information.
    SHT_DYNAMIC = 6,
    /// Notes.
    SHT_NOTE = 7,
    /// Occupies no file space (`.bss`).
    SHT_NOBITS = 8,
    /// Relocations without addends.
    SHT_REL = 9,
    /// Reserved.
    SHT_SHLIB = 10,
    /// Dynamic linker symbol table.
    SHT_DYNSYM = 11,
    /// Array of constructors.
    SHT_INIT_ARRAY = 14,
    /// Array of destructors.
    SHT_FINI_ARRAY = 15,
    /// Array of pre-constructors.
    SHT_PREINIT_ARRAY = 16,
    /// Section group.
    SHT_GROUP = 17,
    /// Extended section indices for a symbol table.
    SHT_SYMTAB_SHNDX = 18,
    /// Relative relocations, compact form.
    SHT_RELR = 19,
    /// Compact relocations (LEB128-packed).
    SHT_CREL = 0x4000_0014,
    /// LLVM address-significance table.
    SHT_LLVM_ADDRSIG = 0x6fff_4c03,
    /// Android packed relocations.
    SHT_ANDROID_REL = 0x6000_0001,
    /// Android packed relocations with addends.
    SHT_ANDROID_RELA = 0x6000_0002,
    /// Object attributes.
    SHT_GNU_ATTRIBUTES = 0x6fff_fff5,
    /// GNU-style hash table.
    SHT_GNU_HASH = 0x6fff_fff6,
    /// Prelink library list.
    SHT_GNU_LIBLIST = 0x6fff_fff7,
    /// Checksum.
    SHT_CHECKSUM = 0x6fff_fff8,
    /// Version definitions.
    SHT_GNU_VERDEF = 0x6fff_fffd,
    /// Version needs.
    SHT_GNU_VERNEED = 0x6fff_fffe,
    /// Version symbol table.
    SHT_GNU_VERSYM = 0x6fff_ffff,
    /// ARM exception index table.
    SHT_ARM_EXIDX = 0x7000_0001,
    /// ARM attributes.
    SHT_ARM_ATTRIBUTES = 0x7000_0003,
    /// x86-64 unwind information.
    SHT_X86_64_UNWIND = 0x7000_0001,
    /// MIPS ABI flags.
    SHT_MIPS_ABIFLAGS = 0x7000_002a,
    /// RISC-V attributes.
    SHT_RISCV_ATTRIBUTES = 0x7000_0003,
});

/// Start of OS-specific section types.
pub const SHT_LOOS: u32 = 0x6000_0000;
/// Start of processor-specific section types.
pub const SHT_LOPROC: u32 = 0x7000_0000;
/// Start of application-specific section types.
pub const SHT_LOUSER: u32 = 0x8000_0000;

/// Writable.
pub const SHF_WRITE: u64 = 0x1;
/// Occupies memory during execution.
pub const SHF_ALLOC: u64 = 0x2;
/// Executable.
pub const SHF_EXECINSTR: u64 = 0x4;
/// Might be merged.
pub const SHF_MERGE: u64 = 0x10;
/// Contains NUL-terminated strings.
pub const SHF_STRINGS: u64 = 0x20;
/// `sh_info` holds a section index.
pub const SHF_INFO_LINK: u64 = 0x40;
/// Preserve order after combining.
pub const SHF_LINK_ORDER: u64 = 0x80;
/// Non-standard OS-specific handling required.
pub const SHF_OS_NONCONFORMING: u64 = 0x100;
/// Member of a section group.
pub const SHF_GROUP: u64 = 0x200;
/// Holds thread-local data.
pub const SHF_TLS: u64 = 0x400;
/// Compressed, with an `Elf*_Chdr` header.
pub const SHF_COMPRESSED: u64 = 0x800;
/// GNU: retained by the linker's garbage collection.
pub const SHF_GNU_RETAIN: u64 = 0x20_0000;
/// Excluded from the link unless referenced.
pub const SHF_EXCLUDE: u64 = 0x8000_0000;

/// Group flag: COMDAT.
pub const GRP_COMDAT: u32 = 0x1;

/// Compression type: zlib.
pub const ELFCOMPRESS_ZLIB: u32 = 1;
/// Compression type: Zstandard.
pub const ELFCOMPRESS_ZSTD: u32 = 2;
