//! How the description's small numbers map to ELF values: machines,
//! relocation types, page sizes, bases, alignments, flags, bindings.

use super::*;

pub(super) const MACHINES: [u16; 3] = [EM_X86_64, EM_AARCH64, EM_RISCV];

/// x86-64 types the builder resolves (LP64 and x32 alike; x32's address
/// word is `R_X86_64_32`).
pub(super) const X86_SUPPORTED: &[u32] = &[
    x86::NONE,
    x86::R64,
    x86::PC32,
    x86::PLT32,
    x86::GOTPCREL,
    x86::GOTPCRELX,
    x86::REX_GOTPCRELX,
    x86::R32,
    x86::R32S,
    x86::PC64,
    x86::DTPMOD64,
    x86::DTPOFF64,
    x86::TPOFF64,
    x86::DTPOFF32,
    x86::TPOFF32,
];
pub(super) const X86_UNSUPPORTED: &[u32] = &[
    5, /* COPY */
    6, /* GLOB_DAT */
    7, /* JUMP_SLOT */
    x86::RELATIVE,
    3,  /* GOT32 */
    37, /* IRELATIVE */
    x86::RELATIVE64,
    19, /* TLSGD */
    22, /* GOTTPOFF */
];
pub(super) const A64_SUPPORTED: &[u32] = &[
    a64::NONE,
    a64::ABS64,
    a64::ABS32,
    a64::PREL64,
    a64::PREL32,
    a64::ADR_PREL_PG_HI21,
    a64::ADD_ABS_LO12_NC,
    a64::JUMP26,
    a64::CALL26,
    a64::TLSLE_ADD_TPREL_HI12,
    a64::TLSLE_ADD_TPREL_LO12,
    a64::TLSLE_ADD_TPREL_LO12_NC,
    a64::TLS_DTPMOD,
    a64::TLS_DTPREL,
    a64::TLS_TPREL,
];
pub(super) const A64_UNSUPPORTED: &[u32] = &[
    560,  /* TLSDESC_LD_PREL19 */
    1031, /* TLSDESC */
    1025, /* GLOB_DAT */
    1026, /* JUMP_SLOT */
    a64::RELATIVE,
    311,        /* ADR_GOT_PAGE */
    p32::ABS32, /* an ILP32 number in an LP64 file */
];
/// AArch64 ILP32 types the builder resolves.
pub(super) const P32_SUPPORTED: &[u32] = &[
    a64::NONE,
    p32::ABS32,
    p32::PREL32,
    p32::ADR_PREL_PG_HI21,
    p32::ADD_ABS_LO12_NC,
    p32::JUMP26,
    p32::CALL26,
    p32::TLSLE_ADD_TPREL_HI12,
    p32::TLSLE_ADD_TPREL_LO12,
    p32::TLSLE_ADD_TPREL_LO12_NC,
];
pub(super) const P32_UNSUPPORTED: &[u32] = &[
    187, /* P32_TLSDESC */
    p32::COPY,
    p32::RELATIVE,
    p32::TLS_DTPMOD,
    p32::TLS_TPREL,
    a64::ABS64, /* an LP64 number (and past a 32-bit r_info's type field) */
];
/// RISC-V types the model knows (`R_RISCV_NONE`, `32`, `64`, `RELAX`).
pub(super) const RISCV_SUPPORTED: &[u32] = &[riscv::NONE, riscv::R32, riscv::R64, riscv::RELAX];
/// RISC-V types the builder does not resolve (`ADD32`, `SUB32`,
/// `TLS_GD_HI20`).
pub(super) const RISCV_UNSUPPORTED: &[u32] = &[35, 39, 22];

pub(super) fn machine_types(machine: u16, class: Class) -> (&'static [u32], &'static [u32]) {
    match (machine, class) {
        (EM_X86_64, _) => (X86_SUPPORTED, X86_UNSUPPORTED),
        (EM_AARCH64, Class::Elf64) => (A64_SUPPORTED, A64_UNSUPPORTED),
        (EM_AARCH64, _) => (P32_SUPPORTED, P32_UNSUPPORTED),
        _ => (RISCV_SUPPORTED, RISCV_UNSUPPORTED),
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

/// Extra `sh_flags` bits: each bit of `v` picks one (rarely TLS, which
/// [`SectionDesc::tls`] asks for more often; the high bit does not fit a
/// 32-bit file).
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

/// Visibility and the other `st_other` bits: mostly default visibility
/// (what makes a shared object's symbols preemptible).
pub(super) fn other_of(v: u8) -> u8 {
    match v {
        0xf0.. => v,
        0x80.. => v & 3,
        _ => STV_DEFAULT,
    }
}

pub(super) fn raw_shndx(v: u8) -> u16 {
    if v < 128 {
        u16::from(v % 16)
    } else {
        SHN_LOPROC + u16::from(v % 32)
    }
}
