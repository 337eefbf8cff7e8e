//! How the description's small numbers map to ELF values: machines,
//! relocation types, page sizes, bases, alignments, flags, bindings.

use super::*;

pub(super) const MACHINES: [u16; 3] = [EM_X86_64, EM_AARCH64, EM_RISCV];

pub(super) const X86_SUPPORTED: &[u32] = &[
    R_X86_64_NONE,
    R_X86_64_64,
    R_X86_64_PC32,
    R_X86_64_PLT32,
    R_X86_64_32,
    R_X86_64_32S,
    R_X86_64_PC64,
];
pub(super) const X86_UNSUPPORTED: &[u32] = &[
    R_X86_64_COPY,
    R_X86_64_GLOB_DAT,
    R_X86_64_JUMP_SLOT,
    R_X86_64_RELATIVE,
    9,  /* GOTPCREL */
    12, /* 16 */
    R_X86_64_IRELATIVE,
    42, /* REX_GOTPCRELX */
];
pub(super) const A64_SUPPORTED: &[u32] = &[
    R_AARCH64_NONE,
    R_AARCH64_ABS64,
    R_AARCH64_ABS32,
    R_AARCH64_PREL64,
    R_AARCH64_PREL32,
    R_AARCH64_ADR_PREL_PG_HI21,
    R_AARCH64_ADD_ABS_LO12_NC,
    R_AARCH64_JUMP26,
    R_AARCH64_CALL26,
];
pub(super) const A64_UNSUPPORTED: &[u32] = &[
    259, /* ABS16 */
    286, /* LDST64_ABS_LO12_NC */
    R_AARCH64_GLOB_DAT,
    R_AARCH64_JUMP_SLOT,
    R_AARCH64_RELATIVE,
    311, /* ADR_GOT_PAGE */
];
/// RISC-V: the builder resolves none of these (objects only).
pub(super) const RISCV_TYPES: &[u32] = &[0, 1, 2, 16, 17, 18, 19, 23, 24, 26, 27, 28, 35, 39, 51];

pub(super) fn machine_types(machine: u16) -> (&'static [u32], &'static [u32]) {
    match machine {
        EM_X86_64 => (X86_SUPPORTED, X86_UNSUPPORTED),
        EM_AARCH64 => (A64_SUPPORTED, A64_UNSUPPORTED),
        _ => (RISCV_TYPES, RISCV_TYPES),
    }
}

pub(super) fn file_type_of(v: u8) -> u16 {
    match v {
        255 => ET_NONE,
        254 => ET_CORE,
        v => [ET_REL, ET_EXEC, ET_DYN][v as usize % 3],
    }
}

/// Page sizes: mostly valid ones; 0, 8 and 4095 are invalid.
pub(super) fn page_of(v: u8) -> u64 {
    match v {
        255 => 0,
        254 => 8,
        253 => 4095,
        v => [0x1000, 0x10000, 0x4000, 16, 0x1000, 0x200000][v as usize % 6],
    }
}

/// Bases: mostly the default; unaligned ones, and ones that run past 4 GiB.
pub(super) fn base_of(v: u8) -> Option<u64> {
    match v {
        0..=223 => None,
        v => Some(
            [
                0,
                0x10000,
                0x40_0000,
                0x1234,
                0x7000_0000,
                0xffff_0000,
                0x1_0000_0000,
                0xffff_ffff_ffff_0000,
            ][v as usize % 8],
        ),
    }
}

/// Alignments, including 0 and (rarely) the invalid 3 and 6.
pub(super) fn align_of(v: u8) -> u64 {
    match v {
        255 => 3,
        254 => 6,
        v => [
            0, 1, 2, 4, 8, 16, 64, 4096, 0x20_0000, 0x10000, 16, 8, 1, 4, 8, 16,
        ][v as usize % 16],
    }
}

pub(super) fn perms_of(v: u8) -> Option<Perms> {
    [None, Some(Perms::R), Some(Perms::RX), Some(Perms::RW)][v as usize % 4]
}

/// Extra `sh_flags` bits: each bit of `v` picks one (TLS is unsupported in
/// linked files; the high bit does not fit a 32-bit file).
pub(super) fn flags_of(v: u8) -> u64 {
    const BITS: [u64; 8] = [
        SHF_MERGE,
        SHF_STRINGS,
        SHF_LINK_ORDER,
        SHF_GROUP,
        SHF_TLS,
        SHF_GNU_RETAIN,
        SHF_WRITE, // dropped: follows from the permissions
        0x1_0000_0000,
    ];
    // Rare: TLS, and the high bit.
    let v = if v & 0x90 != 0 && v & 0x0f != 0x0f {
        v & !0x90
    } else {
        v
    };
    (0..8)
        .filter(|b| v & (1 << b) != 0)
        .fold(0, |f, b| f | BITS[b])
}

pub(super) fn bind_of(v: u8) -> u8 {
    match v {
        0..=3 => [STB_LOCAL, STB_GLOBAL, STB_WEAK, 10][v as usize],
        4..=249 => [STB_LOCAL, STB_GLOBAL, STB_WEAK][v as usize % 3],
        v => v - 239, // 11..=16: 16 is invalid
    }
}

pub(super) fn type_of(v: u8) -> u8 {
    match v {
        0..=249 => [
            STT_NOTYPE,
            STT_OBJECT,
            STT_FUNC,
            STT_SECTION,
            STT_FILE,
            STT_COMMON,
            STT_TLS,
            10,
        ][v as usize % 8],
        v => v - 239,
    }
}

/// Visibility and the other `st_other` bits.
pub(super) fn other_of(v: u8) -> u8 {
    if v >= 0xf0 { v } else { v & 3 }
}

pub(super) fn raw_shndx(v: u8) -> u16 {
    if v < 128 {
        u16::from(v % 16)
    } else {
        SHN_LOPROC + u16::from(v % 32)
    }
}
