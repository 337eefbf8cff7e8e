//! Which relocation types the builder resolves when it links (ET_EXEC,
//! ET_DYN). In a relocatable output (ET_REL) every type is written as
//! given.

use crate::arch::Arch;
use crate::read::Class;

/// Whether the builder resolves relocation type `r_type` of `machine` in a
/// linked file of `class` (at layout, or as a dynamic relocation), by the
/// computations of [`crate::arch`]. Per machine:
///
/// - **x86-64** (LP64 and x32, class 32): `NONE`, `64`, `32`, `32S`, `16`,
///   `8`, `PC64`, `PC32`, `PC16`, `PC8`, `PLT32`, `GOTPCREL`, `GOTPCRELX`,
///   `REX_GOTPCRELX`, `GOTOFF64`, `GOTPC32`, `GOTPC64`, `SIZE32`, `SIZE64`,
///   `DTPMOD64`, `DTPOFF64`, `TPOFF64`, `DTPOFF32`, `TPOFF32`.
/// - **AArch64** (LP64; ILP32 has the `P32_` twins where the psABI
///   defines them): `NONE`, `ABS64`, `ABS32`, `ABS16`, `PREL64`, `PREL32`,
///   `PREL16`, `MOVW_UABS_G0`..`G3` (and `_NC`), `LD_PREL_LO19`,
///   `ADR_PREL_LO21`, `ADR_PREL_PG_HI21` (and `_NC`), `ADD_ABS_LO12_NC`,
///   `LDST8/16/32/64/128_ABS_LO12_NC`, `TSTBR14`, `CONDBR19`, `JUMP26`,
///   `CALL26`, `ADR_GOT_PAGE`, `LD64_GOT_LO12_NC` (ILP32:
///   `LD32_GOT_LO12_NC`), `TLSLE_ADD_TPREL_HI12`, `TLSLE_ADD_TPREL_LO12` (and `_NC`),
///   `TLS_DTPMOD`, `TLS_DTPREL`, `TLS_TPREL`.
/// - **RISC-V 64**: `NONE`, `64`, `32`, `32_PCREL`, `BRANCH`, `JAL`,
///   `RVC_BRANCH`, `RVC_JUMP`, `CALL`, `CALL_PLT`, `GOT_HI20`,
///   `PCREL_HI20`, `PCREL_LO12_I/S` (paired with the `PCREL_HI20` or
///   `GOT_HI20` their symbol labels), `HI20`, `LO12_I/S`, `ADD8/16/32/64`,
///   `SUB6/8/16/32/64`, `SET6/8/16/32`,
///   `TPREL_HI20`, `TPREL_LO12_I/S`, `TPREL_ADD`, `TLS_DTPMOD64`,
///   `TLS_DTPREL64`, `TLS_TPREL64`; `RELAX` and `ALIGN` are accepted and
///   ignored (no linker relaxation: the code stays as written).
///
/// Types that need a GOT entry get one in `.got` (filled at layout, or by
/// a `GLOB_DAT`/`RELATIVE` dynamic relocation); calls (`PLT32`, `CALL26`,
/// `JUMP26`, `CALL_PLT`) to a symbol that is undefined or preemptible go
/// through a PLT entry (see [`RelocationSpec`](super::RelocationSpec) for
/// when). A type being supported does not make
/// every use of it valid: the builder still refuses what the file cannot
/// hold (an absolute 32-bit field in a position-independent file, a
/// branch out of range, an undefined symbol a relocation cannot bind, a
/// PC-relative reference to a preemptible symbol).
///
/// ```
/// use elfin::raw::consts::*;
/// use elfin::read::Class;
/// use elfin::write::supported;
///
/// assert!(supported(EM_AARCH64, Class::Elf64, R_AARCH64_LDST64_ABS_LO12_NC));
/// assert!(supported(EM_RISCV, Class::Elf64, R_RISCV_PCREL_HI20));
/// assert!(supported(EM_X86_64, Class::Elf64, R_X86_64_REX_GOTPCRELX));
/// assert!(!supported(EM_X86_64, Class::Elf64, R_X86_64_COPY));
/// ```
pub fn supported(machine: u16, class: Class, r_type: u32) -> bool {
    Arch::new(machine, class)
        .and_then(|a| a.howto(r_type))
        .is_some()
}
