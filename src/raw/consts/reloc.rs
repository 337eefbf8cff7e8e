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

/// x86-64: G + A, 32 bits (the GOT entry's offset in the GOT).
pub const R_X86_64_GOT32: u32 = 3;
/// x86-64: G + GOT + A - P, 32 bits: the PC-relative address of the
/// symbol's GOT entry.
pub const R_X86_64_GOTPCREL: u32 = 9;
/// x86-64: S + A, 16 bits.
pub const R_X86_64_16: u32 = 12;
/// x86-64: S + A - P, 16 bits.
pub const R_X86_64_PC16: u32 = 13;
/// x86-64: S + A, 8 bits.
pub const R_X86_64_8: u32 = 14;
/// x86-64: S + A - P, 8 bits.
pub const R_X86_64_PC8: u32 = 15;
/// x86-64: S + A - GOT, 64 bits.
pub const R_X86_64_GOTOFF64: u32 = 25;
/// x86-64: GOT + A - P, 32 bits.
pub const R_X86_64_GOTPC32: u32 = 26;
/// x86-64: GOT + A - P, 64 bits.
pub const R_X86_64_GOTPC64: u32 = 29;
/// x86-64: Z + A (the symbol's size), 32 bits.
pub const R_X86_64_SIZE32: u32 = 32;
/// x86-64: Z + A (the symbol's size), 64 bits.
pub const R_X86_64_SIZE64: u32 = 33;
/// x86-64: as `R_X86_64_GOTPCREL`, on an instruction a linker may relax.
pub const R_X86_64_GOTPCRELX: u32 = 41;
/// x86-64: as `R_X86_64_GOTPCREL`, on an instruction with a REX prefix a
/// linker may relax.
pub const R_X86_64_REX_GOTPCRELX: u32 = 42;

/// AArch64: S + A, 16 bits.
pub const R_AARCH64_ABS16: u32 = 259;
/// AArch64: S + A - P, 16 bits.
pub const R_AARCH64_PREL16: u32 = 262;
/// AArch64: MOVZ immediate, bits 15:0 of S + A, checked.
pub const R_AARCH64_MOVW_UABS_G0: u32 = 263;
/// AArch64: MOVK immediate, bits 15:0 of S + A.
pub const R_AARCH64_MOVW_UABS_G0_NC: u32 = 264;
/// AArch64: MOVZ immediate, bits 31:16 of S + A, checked.
pub const R_AARCH64_MOVW_UABS_G1: u32 = 265;
/// AArch64: MOVK immediate, bits 31:16 of S + A.
pub const R_AARCH64_MOVW_UABS_G1_NC: u32 = 266;
/// AArch64: MOVZ immediate, bits 47:32 of S + A, checked.
pub const R_AARCH64_MOVW_UABS_G2: u32 = 267;
/// AArch64: MOVK immediate, bits 47:32 of S + A.
pub const R_AARCH64_MOVW_UABS_G2_NC: u32 = 268;
/// AArch64: MOVZ/MOVK immediate, bits 63:48 of S + A.
pub const R_AARCH64_MOVW_UABS_G3: u32 = 269;
/// AArch64: LDR (literal), bits 20:2 of S + A - P.
pub const R_AARCH64_LD_PREL_LO19: u32 = 273;
/// AArch64: ADR, bits 20:0 of S + A - P.
pub const R_AARCH64_ADR_PREL_LO21: u32 = 274;
/// AArch64: as `R_AARCH64_ADR_PREL_PG_HI21`, without the overflow check.
pub const R_AARCH64_ADR_PREL_PG_HI21_NC: u32 = 276;
/// AArch64: LD/ST (byte) offset, bits 11:0 of S + A.
pub const R_AARCH64_LDST8_ABS_LO12_NC: u32 = 278;
/// AArch64: TBZ/TBNZ, bits 15:2 of S + A - P.
pub const R_AARCH64_TSTBR14: u32 = 279;
/// AArch64: B.cond/CBZ/CBNZ, bits 20:2 of S + A - P.
pub const R_AARCH64_CONDBR19: u32 = 280;
/// AArch64: LD/ST (halfword) offset, bits 11:1 of S + A.
pub const R_AARCH64_LDST16_ABS_LO12_NC: u32 = 284;
/// AArch64: LD/ST (word) offset, bits 11:2 of S + A.
pub const R_AARCH64_LDST32_ABS_LO12_NC: u32 = 285;
/// AArch64: LD/ST (doubleword) offset, bits 11:3 of S + A.
pub const R_AARCH64_LDST64_ABS_LO12_NC: u32 = 286;
/// AArch64: LD/ST (quadword) offset, bits 11:4 of S + A.
pub const R_AARCH64_LDST128_ABS_LO12_NC: u32 = 299;
/// AArch64: ADRP, Page(G(GDAT(S + A))) - Page(P): the page of the
/// symbol's GOT entry.
pub const R_AARCH64_ADR_GOT_PAGE: u32 = 311;
/// AArch64: LDR (64-bit) offset, bits 11:3 of the GOT entry's address.
pub const R_AARCH64_LD64_GOT_LO12_NC: u32 = 312;
/// AArch64: copy relocation.
pub const R_AARCH64_COPY: u32 = 1024;
/// AArch64: indirect function.
pub const R_AARCH64_IRELATIVE: u32 = 1032;

/// AArch64 ILP32: S + A, 16 bits.
pub const R_AARCH64_P32_ABS16: u32 = 2;
/// AArch64 ILP32: S + A - P, 16 bits.
pub const R_AARCH64_P32_PREL16: u32 = 4;
/// AArch64 ILP32: MOVZ immediate, bits 15:0 of S + A, checked.
pub const R_AARCH64_P32_MOVW_UABS_G0: u32 = 5;
/// AArch64 ILP32: MOVK immediate, bits 15:0 of S + A.
pub const R_AARCH64_P32_MOVW_UABS_G0_NC: u32 = 6;
/// AArch64 ILP32: MOVZ/MOVK immediate, bits 31:16 of S + A.
pub const R_AARCH64_P32_MOVW_UABS_G1: u32 = 7;
/// AArch64 ILP32: LDR (literal), bits 20:2 of S + A - P.
pub const R_AARCH64_P32_LD_PREL_LO19: u32 = 9;
/// AArch64 ILP32: ADR, bits 20:0 of S + A - P.
pub const R_AARCH64_P32_ADR_PREL_LO21: u32 = 10;
/// AArch64 ILP32: LD/ST (byte) offset, bits 11:0 of S + A.
pub const R_AARCH64_P32_LDST8_ABS_LO12_NC: u32 = 13;
/// AArch64 ILP32: LD/ST (halfword) offset, bits 11:1 of S + A.
pub const R_AARCH64_P32_LDST16_ABS_LO12_NC: u32 = 14;
/// AArch64 ILP32: LD/ST (word) offset, bits 11:2 of S + A.
pub const R_AARCH64_P32_LDST32_ABS_LO12_NC: u32 = 15;
/// AArch64 ILP32: LD/ST (doubleword) offset, bits 11:3 of S + A.
pub const R_AARCH64_P32_LDST64_ABS_LO12_NC: u32 = 16;
/// AArch64 ILP32: LD/ST (quadword) offset, bits 11:4 of S + A.
pub const R_AARCH64_P32_LDST128_ABS_LO12_NC: u32 = 17;
/// AArch64 ILP32: TBZ/TBNZ, bits 15:2 of S + A - P.
pub const R_AARCH64_P32_TSTBR14: u32 = 18;
/// AArch64 ILP32: B.cond/CBZ/CBNZ, bits 20:2 of S + A - P.
pub const R_AARCH64_P32_CONDBR19: u32 = 19;
/// AArch64 ILP32: ADRP, the page of the symbol's GOT entry.
pub const R_AARCH64_P32_ADR_GOT_PAGE: u32 = 26;
/// AArch64 ILP32: LDR (32-bit) offset, bits 11:2 of the GOT entry's
/// address.
pub const R_AARCH64_P32_LD32_GOT_LO12_NC: u32 = 27;
/// AArch64 ILP32: copy relocation.
pub const R_AARCH64_P32_COPY: u32 = 180;
/// AArch64 ILP32: GOT entry.
pub const R_AARCH64_P32_GLOB_DAT: u32 = 181;
/// AArch64 ILP32: PLT entry.
pub const R_AARCH64_P32_JUMP_SLOT: u32 = 182;
/// AArch64 ILP32: the TLS module ID of the symbol's object.
pub const R_AARCH64_P32_TLS_DTPMOD: u32 = 184;
/// AArch64 ILP32: offset in the symbol's TLS block.
pub const R_AARCH64_P32_TLS_DTPREL: u32 = 185;
/// AArch64 ILP32: offset from the thread pointer.
pub const R_AARCH64_P32_TLS_TPREL: u32 = 186;
/// AArch64 ILP32: indirect function.
pub const R_AARCH64_P32_IRELATIVE: u32 = 188;
