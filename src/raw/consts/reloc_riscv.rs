//! RISC-V relocation types and `e_flags` (the RISC-V ELF psABI), the ones
//! elfin knows.

/// RISC-V: none.
pub const R_RISCV_NONE: u32 = 0;
/// RISC-V: S + A, 32 bits.
pub const R_RISCV_32: u32 = 1;
/// RISC-V: S + A, 64 bits.
pub const R_RISCV_64: u32 = 2;
/// RISC-V: B + A.
pub const R_RISCV_RELATIVE: u32 = 3;
/// RISC-V: copy relocation.
pub const R_RISCV_COPY: u32 = 4;
/// RISC-V: PLT entry (GOT slot of a PLT entry).
pub const R_RISCV_JUMP_SLOT: u32 = 5;
/// RISC-V: the TLS module ID of the symbol's object, 32 bits.
pub const R_RISCV_TLS_DTPMOD32: u32 = 6;
/// RISC-V: the TLS module ID of the symbol's object, 64 bits.
pub const R_RISCV_TLS_DTPMOD64: u32 = 7;
/// RISC-V: offset in the symbol's TLS block, 32 bits.
pub const R_RISCV_TLS_DTPREL32: u32 = 8;
/// RISC-V: offset in the symbol's TLS block, 64 bits.
pub const R_RISCV_TLS_DTPREL64: u32 = 9;
/// RISC-V: offset from the thread pointer, 32 bits.
pub const R_RISCV_TLS_TPREL32: u32 = 10;
/// RISC-V: offset from the thread pointer, 64 bits.
pub const R_RISCV_TLS_TPREL64: u32 = 11;
/// RISC-V: conditional branch (B-type), S + A - P.
pub const R_RISCV_BRANCH: u32 = 16;
/// RISC-V: JAL (J-type), S + A - P.
pub const R_RISCV_JAL: u32 = 17;
/// RISC-V: AUIPC + JALR pair, S + A - P.
pub const R_RISCV_CALL: u32 = 18;
/// RISC-V: AUIPC + JALR pair through the PLT when needed, L + A - P.
pub const R_RISCV_CALL_PLT: u32 = 19;
/// RISC-V: AUIPC, high 20 bits of G + A - P (the symbol's GOT entry).
pub const R_RISCV_GOT_HI20: u32 = 20;
/// RISC-V: AUIPC, high 20 bits of S + A - P.
pub const R_RISCV_PCREL_HI20: u32 = 23;
/// RISC-V: I-type, low 12 bits of the value of the `PCREL_HI20` (or
/// `GOT_HI20`) at the symbol's address.
pub const R_RISCV_PCREL_LO12_I: u32 = 24;
/// RISC-V: S-type, low 12 bits of the value of the paired `PCREL_HI20`.
pub const R_RISCV_PCREL_LO12_S: u32 = 25;
/// RISC-V: LUI, high 20 bits of S + A.
pub const R_RISCV_HI20: u32 = 26;
/// RISC-V: I-type, low 12 bits of S + A.
pub const R_RISCV_LO12_I: u32 = 27;
/// RISC-V: S-type, low 12 bits of S + A.
pub const R_RISCV_LO12_S: u32 = 28;
/// RISC-V: the 8-bit field plus S + A.
pub const R_RISCV_ADD8: u32 = 33;
/// RISC-V: the 16-bit field plus S + A.
pub const R_RISCV_ADD16: u32 = 34;
/// RISC-V: the 32-bit field plus S + A.
pub const R_RISCV_ADD32: u32 = 35;
/// RISC-V: the 64-bit field plus S + A.
pub const R_RISCV_ADD64: u32 = 36;
/// RISC-V: the 8-bit field minus S + A.
pub const R_RISCV_SUB8: u32 = 37;
/// RISC-V: the 16-bit field minus S + A.
pub const R_RISCV_SUB16: u32 = 38;
/// RISC-V: the 32-bit field minus S + A.
pub const R_RISCV_SUB32: u32 = 39;
/// RISC-V: the 64-bit field minus S + A.
pub const R_RISCV_SUB64: u32 = 40;
/// RISC-V: a linker-alignment request for relaxation.
pub const R_RISCV_ALIGN: u32 = 43;
/// RISC-V: compressed branch (CB-type), S + A - P.
pub const R_RISCV_RVC_BRANCH: u32 = 44;
/// RISC-V: compressed jump (CJ-type), S + A - P.
pub const R_RISCV_RVC_JUMP: u32 = 45;
/// RISC-V: a hint that the instruction before may be relaxed.
pub const R_RISCV_RELAX: u32 = 51;
/// RISC-V: the low 6 bits of the byte minus S + A.
pub const R_RISCV_SUB6: u32 = 52;
/// RISC-V: the low 6 bits of the byte set to S + A.
pub const R_RISCV_SET6: u32 = 53;
/// RISC-V: S + A, 8 bits.
pub const R_RISCV_SET8: u32 = 54;
/// RISC-V: S + A, 16 bits.
pub const R_RISCV_SET16: u32 = 55;
/// RISC-V: S + A, 32 bits.
pub const R_RISCV_SET32: u32 = 56;
/// RISC-V: S + A - P, 32 bits.
pub const R_RISCV_32_PCREL: u32 = 57;
/// RISC-V: indirect function.
pub const R_RISCV_IRELATIVE: u32 = 58;
/// RISC-V: LUI, high 20 bits of the thread-pointer offset (local exec).
pub const R_RISCV_TPREL_HI20: u32 = 29;
/// RISC-V: I-type, low 12 bits of the thread-pointer offset.
pub const R_RISCV_TPREL_LO12_I: u32 = 30;
/// RISC-V: S-type, low 12 bits of the thread-pointer offset.
pub const R_RISCV_TPREL_LO12_S: u32 = 31;
/// RISC-V: marks the `add` of a local-exec sequence, for relaxation.
pub const R_RISCV_TPREL_ADD: u32 = 32;

/// RISC-V `e_flags`: the code uses compressed instructions.
pub const EF_RISCV_RVC: u32 = 0x1;
/// RISC-V `e_flags`: the float ABI mask.
pub const EF_RISCV_FLOAT_ABI: u32 = 0x6;
/// RISC-V `e_flags`: soft-float ABI.
pub const EF_RISCV_FLOAT_ABI_SOFT: u32 = 0x0;
/// RISC-V `e_flags`: single-precision float ABI.
pub const EF_RISCV_FLOAT_ABI_SINGLE: u32 = 0x2;
/// RISC-V `e_flags`: double-precision float ABI (Linux's `lp64d`).
pub const EF_RISCV_FLOAT_ABI_DOUBLE: u32 = 0x4;
