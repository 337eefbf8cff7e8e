use super::named_consts;

named_consts!(u8, stb_name, "symbol binding (`ELF_ST_BIND`)", {
    /// Local symbol.
    STB_LOCAL = 0,
    /// Global symbol.
    STB_GLOBAL = 1,
    /// Weak symbol.
    STB_WEAK = 2,
    /// GNU unique symbol.
    STB_GNU_UNIQUE = 10,
});

named_consts!(u8, stt_name, "symbol type (`ELF_ST_TYPE`)", {
    /// Unspecified type.
    STT_NOTYPE = 0,
    /// Data object.
    STT_OBJECT = 1,
    /// Function.
    STT_FUNC = 2,
    /// Section.
    STT_SECTION = 3,
    /// Source file.
    STT_FILE = 4,
    /// Common data object.
    STT_COMMON = 5,
    /// Thread-local data object.
    STT_TLS = 6,
    /// GNU indirect function.
    STT_GNU_IFUNC = 10,
});

named_consts!(u8, stv_name, "symbol visibility (`ELF_ST_VISIBILITY`)", {
    /// Default visibility.
    STV_DEFAULT = 0,
    /// Processor-specific hidden class.
    STV_INTERNAL = 1,
    /// Not visible to other components.
    STV_HIDDEN = 2,
    /// Visible but not preemptible.
    STV_PROTECTED = 3,
});

/// Version index: local symbol.
pub const VER_NDX_LOCAL: u16 = 0;
/// Version index: global, unversioned symbol.
pub const VER_NDX_GLOBAL: u16 = 1;
/// Versym bit: the symbol is hidden (not the default version).
pub const VERSYM_HIDDEN: u16 = 0x8000;
/// Verdef flag: the version of the file itself.
pub const VER_FLG_BASE: u16 = 0x1;
/// Verdef/vernaux flag: weak version.
pub const VER_FLG_WEAK: u16 = 0x2;
