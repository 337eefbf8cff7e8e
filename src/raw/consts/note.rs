use super::named_consts;

named_consts!(u32, nt_gnu_name, "GNU note type (owner `GNU`)", {
    /// ABI tag: OS and minimum kernel version.
    NT_GNU_ABI_TAG = 1,
    /// Synthetic hwcap information.
    NT_GNU_HWCAP = 2,
    /// Build ID.
    NT_GNU_BUILD_ID = 3,
    /// Gold version.
    NT_GNU_GOLD_VERSION = 4,
    /// Program properties.
    NT_GNU_PROPERTY_TYPE_0 = 5,
});

/// ABI tag OS: Linux.
pub const ELF_NOTE_OS_LINUX: u32 = 0;
/// ABI tag OS: GNU Hurd.
pub const ELF_NOTE_OS_GNU: u32 = 1;
/// ABI tag OS: Solaris.
pub const ELF_NOTE_OS_SOLARIS2: u32 = 2;
/// ABI tag OS: FreeBSD.
pub const ELF_NOTE_OS_FREEBSD: u32 = 3;

/// GNU property: stack size.
pub const GNU_PROPERTY_STACK_SIZE: u32 = 1;
/// GNU property: no copy relocations on protected symbols.
pub const GNU_PROPERTY_NO_COPY_ON_PROTECTED: u32 = 2;
/// GNU property: x86 ISA needed.
pub const GNU_PROPERTY_X86_ISA_1_NEEDED: u32 = 0xc000_8002;
/// GNU property: x86 features (IBT, SHSTK).
pub const GNU_PROPERTY_X86_FEATURE_1_AND: u32 = 0xc000_0002;
/// GNU property: AArch64 features (BTI, PAC).
pub const GNU_PROPERTY_AARCH64_FEATURE_1_AND: u32 = 0xc000_0000;
