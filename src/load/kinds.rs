//! Which dynamic relocation types mean what, per machine.
//! (Interim: moves to `src/arch/` when the per-machine files land.)

use crate::raw::consts::*;

/// What a dynamic relocation asks of the loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DynamicKind {
    /// Nothing (`R_*_NONE`).
    None,
    /// `B + A`.
    Relative,
    /// `S + A` in a word.
    Absolute,
    /// `S + A` in a GOT entry.
    GlobDat,
    /// `S + A` in a PLT GOT entry.
    JumpSlot,
    /// The result of calling `B + A`.
    IRelative,
    /// A TLS module, offset or descriptor.
    Tls,
}

/// The dynamic relocation `kind` on `machine`, if known.
pub(crate) fn dynamic_kind(machine: u16, kind: u32) -> Option<DynamicKind> {
    use DynamicKind::*;
    Some(match (machine, kind) {
        (EM_X86_64, R_X86_64_NONE) | (EM_AARCH64, R_AARCH64_NONE) => None,
        (EM_X86_64, R_X86_64_RELATIVE) | (EM_AARCH64, R_AARCH64_RELATIVE) => Relative,
        (EM_X86_64, R_X86_64_64) | (EM_AARCH64, R_AARCH64_ABS64) => Absolute,
        (EM_X86_64, R_X86_64_GLOB_DAT) | (EM_AARCH64, R_AARCH64_GLOB_DAT) => GlobDat,
        (EM_X86_64, R_X86_64_JUMP_SLOT) | (EM_AARCH64, R_AARCH64_JUMP_SLOT) => JumpSlot,
        // R_AARCH64_IRELATIVE is 1032.
        (EM_X86_64, R_X86_64_IRELATIVE) | (EM_AARCH64, 1032) => IRelative,
        (EM_X86_64, R_X86_64_DTPMOD64 | R_X86_64_DTPOFF64 | R_X86_64_TPOFF64)
        | (EM_AARCH64, R_AARCH64_TLS_DTPMOD | R_AARCH64_TLS_DTPREL | R_AARCH64_TLS_TPREL) => Tls,
        _ => return Option::None,
    })
}
