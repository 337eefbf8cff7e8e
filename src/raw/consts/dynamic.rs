use super::named_consts;

named_consts!(i64, dt_name, "dynamic tag (`d_tag`)", {
    /// End of the table.
    DT_NULL = 0,
    /// Needed library (string offset).
    DT_NEEDED = 1,
    /// Size of the PLT relocations.
    DT_PLTRELSZ = 2,
    /// PLT/GOT address.
    DT_PLTGOT = 3,
    /// SysV hash table address.
    DT_HASH = 4,
    /// String table address.
    DT_STRTAB = 5,
    /// Symbol table address.
    DT_SYMTAB = 6,
    /// RELA relocations address.
    DT_RELA = 7,
    /// Size of the RELA relocations.
    DT_RELASZ = 8,
    /// Size of one RELA entry.
    DT_RELAENT = 9,
    /// Size of the string table.
    DT_STRSZ = 10,
    /// Size of one symbol.
    DT_SYMENT = 11,
    /// Initialization function.
    DT_INIT = 12,
    /// Termination function.
    DT_FINI = 13,
    /// Shared object name (string offset).
    DT_SONAME = 14,
    /// Library search path (deprecated).
    DT_RPATH = 15,
    /// Symbol resolution starts here.
    DT_SYMBOLIC = 16,
    /// REL relocations address.
    DT_REL = 17,
    /// Size of the REL relocations.
    DT_RELSZ = 18,
    /// Size of one REL entry.
    DT_RELENT = 19,
    /// Type of the PLT relocations.
    DT_PLTREL = 20,
    /// Debugging.
    DT_DEBUG = 21,
    /// Relocations may modify a read-only segment.
    DT_TEXTREL = 22,
    /// PLT relocations address.
    DT_JMPREL = 23,
    /// Process relocations at load.
    DT_BIND_NOW = 24,
    /// Initializer array.
    DT_INIT_ARRAY = 25,
    /// Finalizer array.
    DT_FINI_ARRAY = 26,
    /// Size of the initializer array.
    DT_INIT_ARRAYSZ = 27,
    /// Size of the finalizer array.
    DT_FINI_ARRAYSZ = 28,
    /// Library search path.
    DT_RUNPATH = 29,
    /// Flags.
    DT_FLAGS = 30,
    /// Pre-initializer array.
    DT_PREINIT_ARRAY = 32,
    /// Size of the pre-initializer array.
    DT_PREINIT_ARRAYSZ = 33,
    /// Address of `SHT_SYMTAB_SHNDX`.
    DT_SYMTAB_SHNDX = 34,
    /// Size of the RELR relocations.
    DT_RELRSZ = 35,
    /// RELR relocations address.
    DT_RELR = 36,
    /// Size of one RELR entry.
    DT_RELRENT = 37,
    /// Android packed relocations.
    DT_ANDROID_REL = 0x6000_000f,
    /// Android packed relocations size.
    DT_ANDROID_RELSZ = 0x6000_0010,
    /// Android packed relocations with addends.
    DT_ANDROID_RELA = 0x6000_0011,
    /// Android packed relocations with addends, size.
    DT_ANDROID_RELASZ = 0x6000_0012,
    /// GNU prelink checksum.
    DT_CHECKSUM = 0x6fff_fdf8,
    /// PLT padding size.
    DT_PLTPADSZ = 0x6fff_fdf9,
    /// Move entry size.
    DT_MOVEENT = 0x6fff_fdfa,
    /// Move table size.
    DT_MOVESZ = 0x6fff_fdfb,
    /// Feature selection.
    DT_FEATURE_1 = 0x6fff_fdfc,
    /// Flags for the following entry.
    DT_POSFLAG_1 = 0x6fff_fdfd,
    /// Syminfo table size.
    DT_SYMINSZ = 0x6fff_fdfe,
    /// Syminfo entry size.
    DT_SYMINENT = 0x6fff_fdff,
    /// GNU-style hash table address.
    DT_GNU_HASH = 0x6fff_fef5,
    /// TLS descriptor PLT entry.
    DT_TLSDESC_PLT = 0x6fff_fef6,
    /// TLS descriptor GOT entry.
    DT_TLSDESC_GOT = 0x6fff_fef7,
    /// Start of the conflict section.
    DT_GNU_CONFLICT = 0x6fff_fef8,
    /// Library list.
    DT_GNU_LIBLIST = 0x6fff_fef9,
    /// Configuration information.
    DT_CONFIG = 0x6fff_fefa,
    /// Dependency auditing.
    DT_DEPAUDIT = 0x6fff_fefb,
    /// Object auditing.
    DT_AUDIT = 0x6fff_fefc,
    /// PLT padding.
    DT_PLTPAD = 0x6fff_fefd,
    /// Move table.
    DT_MOVETAB = 0x6fff_fefe,
    /// Syminfo table.
    DT_SYMINFO = 0x6fff_feff,
    /// Version symbol table address.
    DT_VERSYM = 0x6fff_fff0,
    /// Count of RELA relative relocations.
    DT_RELACOUNT = 0x6fff_fff9,
    /// Count of REL relative relocations.
    DT_RELCOUNT = 0x6fff_fffa,
    /// State flags.
    DT_FLAGS_1 = 0x6fff_fffb,
    /// Version definitions address.
    DT_VERDEF = 0x6fff_fffc,
    /// Number of version definitions.
    DT_VERDEFNUM = 0x6fff_fffd,
    /// Version needs address.
    DT_VERNEED = 0x6fff_fffe,
    /// Number of version needs.
    DT_VERNEEDNUM = 0x6fff_ffff,
    /// Shared object to load before self.
    DT_AUXILIARY = 0x7fff_fffd,
    /// Shared object to get values from.
    DT_FILTER = 0x7fff_ffff,
});

/// `DT_FLAGS`: uses `$ORIGIN`.
pub const DF_ORIGIN: u64 = 0x1;
/// `DT_FLAGS`: symbolic resolution.
pub const DF_SYMBOLIC: u64 = 0x2;
/// `DT_FLAGS`: text relocations.
pub const DF_TEXTREL: u64 = 0x4;
/// `DT_FLAGS`: bind now.
pub const DF_BIND_NOW: u64 = 0x8;
/// `DT_FLAGS`: static TLS.
pub const DF_STATIC_TLS: u64 = 0x10;
/// `DT_FLAGS_1`: bind every symbol at load time (`-z now`).
pub const DF_1_NOW: u64 = 0x1;
/// `DT_FLAGS_1`: a position-independent executable.
pub const DF_1_PIE: u64 = 0x0800_0000;
