//! Which dynamic relocation types mean what, from the machine's file in
//! `src/arch/`.

use crate::arch::Arch;
use crate::read::Class;

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

/// The dynamic relocation `kind` on `machine` (64-bit), if known.
pub(crate) fn dynamic_kind(machine: u16, kind: u32) -> Option<DynamicKind> {
    let arch = Arch::new(machine, Class::Elf64)?;
    let t = arch.dynamic_types();
    Some(match kind {
        0 => DynamicKind::None,
        k if k == t.relative => DynamicKind::Relative,
        k if k == t.abs => DynamicKind::Absolute,
        k if k == t.glob_dat => DynamicKind::GlobDat,
        k if k == t.jump_slot => DynamicKind::JumpSlot,
        k if k == t.irelative => DynamicKind::IRelative,
        k if k == t.dtpmod || k == t.dtpoff || k == t.tpoff => DynamicKind::Tls,
        _ => return None,
    })
}
