//! Relocation types of the machines elfin resolves itself. Other machines'
//! types are plain numbers to elfin.

/// x86-64: none.
pub const R_X86_64_NONE: u32 = 0;
/// x86-64: S + A, 64 bits.
pub const R_X86_64_64: u32 = 1;
/// x86-64: S + A - P, 32 bits.
pub const R_X86_64_PC32: u32 = 2;
/// x86-64: PLT entry, PC-relative 32 bits.
pub const R_X86_64_PLT32: u32 = 4;
/// x86-64: copy relocation.
pub const R_X86_64_COPY: u32 = 5;
/// x86-64: GOT entry.
pub const R_X86_64_GLOB_DAT: u32 = 6;
/// x86-64: PLT entry.
pub const R_X86_64_JUMP_SLOT: u32 = 7;
/// x86-64: B + A.
pub const R_X86_64_RELATIVE: u32 = 8;
/// x86-64: S + A, 32 bits zero-extended.
pub const R_X86_64_32: u32 = 10;
/// x86-64: S + A, 32 bits sign-extended.
pub const R_X86_64_32S: u32 = 11;
/// x86-64: S + A - P, 64 bits.
pub const R_X86_64_PC64: u32 = 24;
/// x86-64: indirect function.
pub const R_X86_64_IRELATIVE: u32 = 37;

/// AArch64: none.
pub const R_AARCH64_NONE: u32 = 0;
/// AArch64: S + A, 64 bits.
pub const R_AARCH64_ABS64: u32 = 257;
/// AArch64: S + A, 32 bits.
pub const R_AARCH64_ABS32: u32 = 258;
/// AArch64: S + A - P, 64 bits.
pub const R_AARCH64_PREL64: u32 = 260;
/// AArch64: S + A - P, 32 bits.
pub const R_AARCH64_PREL32: u32 = 261;
/// AArch64: ADRP page-relative.
pub const R_AARCH64_ADR_PREL_PG_HI21: u32 = 275;
/// AArch64: ADD low 12 bits.
pub const R_AARCH64_ADD_ABS_LO12_NC: u32 = 277;
/// AArch64: branch 26 bits.
pub const R_AARCH64_JUMP26: u32 = 282;
/// AArch64: call 26 bits.
pub const R_AARCH64_CALL26: u32 = 283;
/// AArch64: GOT entry.
pub const R_AARCH64_GLOB_DAT: u32 = 1025;
/// AArch64: PLT entry.
pub const R_AARCH64_JUMP_SLOT: u32 = 1026;
/// AArch64: B + A.
pub const R_AARCH64_RELATIVE: u32 = 1027;

/// x86-64: the TLS module ID of the symbol's object, 64 bits.
pub const R_X86_64_DTPMOD64: u32 = 16;
/// x86-64: offset in the symbol's TLS block, 64 bits.
pub const R_X86_64_DTPOFF64: u32 = 17;
/// x86-64: offset from the thread pointer, 64 bits.
pub const R_X86_64_TPOFF64: u32 = 18;
/// x86-64: offset in the symbol's TLS block, 32 bits.
pub const R_X86_64_DTPOFF32: u32 = 21;
/// x86-64: offset from the thread pointer, 32 bits (local exec).
pub const R_X86_64_TPOFF32: u32 = 23;
/// x86-64 ILP32 (x32): B + A in 64 bits.
pub const R_X86_64_RELATIVE64: u32 = 38;

/// AArch64: ADD immediate, bits 23:12 of the offset from the thread pointer.
pub const R_AARCH64_TLSLE_ADD_TPREL_HI12: u32 = 549;
/// AArch64: ADD immediate, bits 11:0 of the offset from the thread pointer.
pub const R_AARCH64_TLSLE_ADD_TPREL_LO12: u32 = 550;
/// AArch64: as `TLSLE_ADD_TPREL_LO12`, without the overflow check.
pub const R_AARCH64_TLSLE_ADD_TPREL_LO12_NC: u32 = 551;
/// AArch64: the TLS module ID of the symbol's object.
pub const R_AARCH64_TLS_DTPMOD: u32 = 1028;
/// AArch64: offset in the symbol's TLS block.
pub const R_AARCH64_TLS_DTPREL: u32 = 1029;
/// AArch64: offset from the thread pointer.
pub const R_AARCH64_TLS_TPREL: u32 = 1030;

/// AArch64 ILP32: S + A, 32 bits.
pub const R_AARCH64_P32_ABS32: u32 = 1;
/// AArch64 ILP32: S + A - P, 32 bits.
pub const R_AARCH64_P32_PREL32: u32 = 3;
/// AArch64 ILP32: ADRP page-relative.
pub const R_AARCH64_P32_ADR_PREL_PG_HI21: u32 = 11;
/// AArch64 ILP32: ADD low 12 bits.
pub const R_AARCH64_P32_ADD_ABS_LO12_NC: u32 = 12;
/// AArch64 ILP32: branch 26 bits.
pub const R_AARCH64_P32_JUMP26: u32 = 20;
/// AArch64 ILP32: call 26 bits.
pub const R_AARCH64_P32_CALL26: u32 = 21;
/// AArch64 ILP32: ADD immediate, bits 23:12 of the offset from the thread pointer.
pub const R_AARCH64_P32_TLSLE_ADD_TPREL_HI12: u32 = 109;
/// AArch64 ILP32: ADD immediate, bits 11:0 of the offset from the thread pointer.
pub const R_AARCH64_P32_TLSLE_ADD_TPREL_LO12: u32 = 110;
/// AArch64 ILP32: as `P32_TLSLE_ADD_TPREL_LO12`, without the overflow check.
pub const R_AARCH64_P32_TLSLE_ADD_TPREL_LO12_NC: u32 = 111;
/// AArch64 ILP32: B + A.
pub const R_AARCH64_P32_RELATIVE: u32 = 183;
