//! What each machine's relocations mean: one file per machine
//! ([`x86_64`] with x32, [`aarch64`] with ILP32, [`riscv64`]), asked alike
//! by the builder (`write`, at layout) and by the loader (at load time and
//! when linking objects in memory). `no_std`, no allocation, only safe code.
//!
//! A relocation type is described by a [`Howto`]: the [`Value`] it
//! computes from the quantities of the psABIs ([`Inputs`]: S, A, P, G,
//! GOT, Z, and the TLS quantities), the [`Field`] it is patched into (a
//! data word in the file's byte order, or an instruction immediate), and
//! what it [`Needs`] from the linker (a GOT entry, a PLT entry, the GOT's
//! address). [`Arch::apply`] computes and patches in one step, on a plain
//! `&mut [u8]` starting at the place, so it works as well on a section
//! being written as on mapped memory.
//!
//! The addend convention is the psABIs' for RELA: `A` is explicit, and
//! `P` is the address of the field itself (not of the next instruction),
//! so an x86-64 `call` or RIP-relative operand, 4 bytes before the end of
//! its instruction, uses `A = -4`. REL-style implicit addends are not
//! read from the field: pass them as `A`.
//!
//! ```
//! use elfin::arch::{Arch, Inputs};
//! use elfin::raw::consts::R_AARCH64_CALL26;
//!
//! // bl from 0x1000 to 0x2000, patched in place.
//! let mut insn = 0x9400_0000u32.to_le_bytes();
//! let arch = Arch::AArch64;
//! let at = Inputs { s: 0x2000, p: 0x1000, ..Inputs::default() };
//! arch.apply(R_AARCH64_CALL26, &at, &mut insn, elfin::read::Endian::Little).unwrap();
//! assert_eq!(u32::from_le_bytes(insn), 0x9400_0400);
//! ```
//!
//! Errors ([`Error`]) say only what is wrong with the value (out of range
//! for its bits, misaligned, an unknown type, too few bytes): the builder
//! and the loader add the section, offset and symbol.
//!
//! Adding a machine means adding its file, a variant of [`Arch`] (and of
//! [`Field`] if its instructions have immediates of their own), and the
//! lines of `Arch`'s methods that dispatch to it.

pub mod aarch64;
mod field;
pub mod riscv64;
pub mod x86_64;

use crate::raw::consts::{EM_AARCH64, EM_RISCV, EM_X86_64};
use crate::read::{Class, Endian};
use core::fmt;

pub use field::Check;

/// What went wrong computing or patching a relocation. Carries no names:
/// the caller knows the section, offset and symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The value does not fit the field: `value` (as a signed number) is
    /// outside `bits` bits.
    OutOfRange {
        /// The computed value.
        value: i64,
        /// The width it had to fit.
        bits: u8,
    },
    /// The value is not a multiple of `align` (a branch offset, a scaled
    /// load offset).
    Misaligned {
        /// The computed value.
        value: u64,
        /// The alignment it needed.
        align: u8,
    },
    /// The machine has no such relocation type, or elfin does not know it.
    Unsupported {
        /// The relocation type.
        r_type: u32,
    },
    /// The place has fewer than `need` bytes.
    Truncated {
        /// The bytes the field needs.
        need: u8,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::OutOfRange { value, bits } => {
                write!(f, "value {value:#x} does not fit {bits} bits")
            }
            Error::Misaligned { value, align } => {
                write!(f, "value {value:#x} is not a multiple of {align}")
            }
            Error::Unsupported { r_type } => write!(f, "unknown relocation type {r_type}"),
            Error::Truncated { need } => write!(f, "the field needs {need} bytes"),
        }
    }
}

/// Which TLS quantity a relocation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsValue {
    /// The offset from the thread pointer (initial and local exec).
    TpOff,
    /// The offset in the object's TLS block (dynamic models), before the
    /// machine's [`dtp_bias`](Arch::dtp_bias) is taken off.
    DtpOff,
    /// The object's TLS module ID.
    Module,
}

/// What a relocation computes, in the psABIs' letters: S the symbol's
/// value, A the addend, P the place's address, G the address of the
/// symbol's GOT entry, GOT the GOT's address (`_GLOBAL_OFFSET_TABLE_`),
/// Z the symbol's size, `Page(x)` = `x & !0xfff`.
///
/// A call through the PLT is [`PcRel`](Value::PcRel) with
/// [`Needs::Plt`]: when the linker makes a PLT entry, S is that entry's
/// address (L).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Nothing to compute or patch (`R_*_NONE`, RISC-V's `RELAX` hints).
    None,
    /// `S + A`.
    Abs,
    /// `S + A - P`.
    PcRel,
    /// `Page(S + A) - Page(P)`.
    Page,
    /// `G`, the entry holding `S + A` (AArch64's `G(GDAT(S + A))`).
    Got,
    /// `G + A - P`, the entry holding S (x86-64, RISC-V).
    GotPcRel,
    /// `Page(G) - Page(P)`, the entry holding `S + A` (AArch64).
    GotPage,
    /// `S + A - GOT`.
    GotOff,
    /// `GOT + A - P`.
    GotBasePcRel,
    /// `Z + A`.
    Size,
    /// `S + A`, where S is the TLS quantity of the symbol: the caller
    /// computes it ([`Arch::tp_offset`], the offset in the TLS block, the
    /// module ID).
    Tls(TlsValue),
    /// The field's current value plus `S + A` (RISC-V's `ADD8..ADD64`,
    /// which with `SUB*` compute label differences at link time).
    FieldAdd,
    /// The field's current value minus `S + A` (RISC-V's `SUB6..SUB64`).
    FieldSub,
    /// RISC-V's `PCREL_LO12_I/S`: the low bits of the value of the
    /// `PCREL_HI20` (or `GOT_HI20`) relocation at the instruction the
    /// symbol labels. The caller finds that pair and passes its value
    /// (`S + A - P` of the HI20) as S; A and P are not used.
    PairedLo,
}

impl Value {
    /// The value, wrapping on overflow (the field's check catches what
    /// does not fit). For [`FieldAdd`](Value::FieldAdd) and
    /// [`FieldSub`](Value::FieldSub), the amount added or taken off:
    /// [`Howto::apply`] reads the field.
    #[inline]
    pub fn compute(self, q: &Inputs) -> u64 {
        let a = q.a as u64;
        let page = |x: u64| x & !0xfff;
        match self {
            Value::None => 0,
            Value::Abs | Value::Tls(_) => q.s.wrapping_add(a),
            Value::PcRel => q.s.wrapping_add(a).wrapping_sub(q.p),
            Value::Page => page(q.s.wrapping_add(a)).wrapping_sub(page(q.p)),
            Value::Got => q.g,
            Value::GotPcRel => q.g.wrapping_add(a).wrapping_sub(q.p),
            Value::GotPage => page(q.g).wrapping_sub(page(q.p)),
            Value::GotOff => q.s.wrapping_add(a).wrapping_sub(q.got),
            Value::GotBasePcRel => q.got.wrapping_add(a).wrapping_sub(q.p),
            Value::Size => q.z.wrapping_add(a),
            Value::FieldAdd | Value::FieldSub => q.s.wrapping_add(a),
            Value::PairedLo => q.s,
        }
    }

    /// Whether the value is a TLS quantity rather than an address.
    pub fn is_tls(self) -> bool {
        matches!(self, Value::Tls(_))
    }
}

/// The quantities a relocation's value is computed from. Fill in the ones
/// its [`Value`] uses; the rest may stay 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inputs {
    /// S: the symbol's value (an address; for a call through a PLT
    /// entry, the entry's address; for TLS kinds, the TLS quantity).
    pub s: u64,
    /// A: the addend.
    pub a: i64,
    /// P: the address of the field.
    pub p: u64,
    /// G: the address of the symbol's GOT entry.
    pub g: u64,
    /// GOT: the address of the GOT (`_GLOBAL_OFFSET_TABLE_`).
    pub got: u64,
    /// Z: the symbol's size.
    pub z: u64,
}

/// Where the value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A data word of `size` bytes (1, 2, 4 or 8) in the file's byte
    /// order, range-checked by `check`.
    Data {
        /// Its size in bytes.
        size: u8,
        /// How the value must fit.
        check: Check,
    },
    /// An AArch64 instruction immediate.
    AArch64(aarch64::Insn),
    /// A RISC-V instruction immediate (or an AUIPC+JALR pair).
    RiscV(riscv64::Insn),
}

impl Field {
    /// The number of bytes the field spans from the place.
    #[inline]
    pub fn size(self) -> usize {
        match self {
            Field::Data { size, .. } => size.into(),
            Field::AArch64(_) => 4,
            Field::RiscV(i) => i.size(),
        }
    }

    /// Range-checks `value` and writes it into the field at the start of
    /// `place`, keeping the bits around it (read-modify-write). Data words
    /// follow `endian`; AArch64 and RISC-V instructions are always
    /// little-endian.
    #[inline]
    pub fn patch(self, place: &mut [u8], value: u64, endian: Endian) -> Result<(), Error> {
        let place = place.get_mut(..self.size()).ok_or(Error::Truncated {
            need: self.size() as u8,
        })?;
        match self {
            Field::Data { size, check } => field::put_data(place, value, size, check, endian),
            Field::AArch64(i) => i.patch(place, value),
            Field::RiscV(i) => i.patch(place, value),
        }
    }

    /// The value a data field holds now (for the fields that add to it).
    #[inline]
    pub fn read(self, place: &[u8], endian: Endian) -> Result<u64, Error> {
        let need = self.size();
        let b = place
            .get(..need)
            .ok_or(Error::Truncated { need: need as u8 })?;
        Ok(match self {
            Field::RiscV(riscv64::Insn::Low6) => u64::from(b[0] & 0x3f),
            _ => {
                let mut x = [0u8; 8];
                match endian {
                    Endian::Little => {
                        x[..need].copy_from_slice(b);
                        u64::from_le_bytes(x)
                    }
                    Endian::Big => {
                        x[8 - need..].copy_from_slice(b);
                        u64::from_be_bytes(x)
                    }
                }
            }
        })
    }

    /// Whether the field takes only bits the load address cannot change
    /// (the low 12 bits of an address, in a file loaded at a multiple of
    /// the page size): such absolute relocations are fine in
    /// position-independent files.
    pub fn low_page_bits(self) -> bool {
        match self {
            Field::Data { .. } => false,
            Field::AArch64(i) => i.low_page_bits(),
            Field::RiscV(i) => i.low_page_bits(),
        }
    }
}

/// What a relocation needs from the linker besides the symbol's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing.
    Nothing,
    /// A GOT entry (at G) holding the symbol's address: S on x86-64 and
    /// RISC-V, where the addend applies to G; `S + A` on AArch64
    /// (`GDAT(S + A)`: one entry per symbol and addend), where it does
    /// not. See [`Arch::got_entry_has_addend`].
    Got,
    /// A PLT entry when the callee is not known to be in this file
    /// (undefined or preemptible); S is then the entry's address.
    Plt,
    /// The GOT's address (GOT), even if no entry is made.
    GotBase,
}

/// How a relocation type is computed and patched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Howto {
    /// What it computes.
    pub value: Value,
    /// Where it goes.
    pub field: Field,
    /// What it needs from the linker.
    pub needs: Needs,
}

impl Howto {
    pub(crate) const fn new(value: Value, field: Field) -> Self {
        Howto {
            value,
            field,
            needs: Needs::Nothing,
        }
    }

    pub(crate) const fn needs(mut self, needs: Needs) -> Self {
        self.needs = needs;
        self
    }

    /// Computes the value from `q` and patches it into `place`.
    #[inline]
    pub fn apply(&self, q: &Inputs, place: &mut [u8], endian: Endian) -> Result<(), Error> {
        let v = self.value.compute(q);
        let v = match self.value {
            Value::None => return Ok(()),
            Value::FieldAdd => self.field.read(place, endian)?.wrapping_add(v),
            Value::FieldSub => self.field.read(place, endian)?.wrapping_sub(v),
            _ => v,
        };
        self.field.patch(place, v, endian)
    }
}

/// A data field of `size` bytes checked by `check`.
pub(crate) const fn data(size: u8, check: Check) -> Field {
    Field::Data { size, check }
}

/// The dynamic relocation types of a machine (in one class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DynamicTypes {
    /// `R_*_RELATIVE`: B + A in an address-sized word.
    pub relative: u32,
    /// The address-sized absolute type: S + A.
    pub abs: u32,
    /// `R_*_GLOB_DAT`: a GOT entry holding S.
    pub glob_dat: u32,
    /// `R_*_JUMP_SLOT`: a PLT's GOT entry holding S.
    pub jump_slot: u32,
    /// `R_*_COPY`.
    pub copy: u32,
    /// `R_*_IRELATIVE`: the result of calling the resolver at B + A.
    pub irelative: u32,
    /// The TLS module ID.
    pub dtpmod: u32,
    /// The offset in the TLS block.
    pub dtpoff: u32,
    /// The offset from the thread pointer.
    pub tpoff: u32,
    /// B + A in 64 bits of a 32-bit file (x32's `R_X86_64_RELATIVE64`).
    pub relative64: Option<u32>,
}

/// What a dynamic relocation asks the loader for (`B` is the load bias).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamicKind {
    /// `B + A` in an address word.
    Relative,
    /// `B + A` in 64 bits of a 32-bit file (x32).
    Relative64,
    /// `S + A` in an address word (ABS, and RISC-V's GOT entries).
    Abs,
    /// `S` (AArch64 adds A) in a GOT entry.
    GlobDat,
    /// `S` in a PLT's GOT slot.
    JumpSlot,
    /// Copy the symbol's bytes here.
    Copy,
    /// The address returned by calling the resolver at `B + A`.
    IRelative,
    /// The symbol's TLS module ID.
    DtpMod,
    /// The symbol's offset in its TLS block plus A.
    DtpOff,
    /// The symbol's offset from the thread pointer plus A.
    TpOff,
}

impl DynamicTypes {
    /// What `r_type` is, if it is one of these types. RISC-V's GOT
    /// entries use `R_RISCV_64`, so its `GLOB_DAT` reads as
    /// [`Abs`](DynamicKind::Abs): the same computation.
    pub fn kind(&self, r_type: u32) -> Option<DynamicKind> {
        use DynamicKind::*;
        let k = [
            (self.relative, Relative),
            (self.abs, Abs),
            (self.glob_dat, GlobDat),
            (self.jump_slot, JumpSlot),
            (self.copy, Copy),
            (self.irelative, IRelative),
            (self.dtpmod, DtpMod),
            (self.dtpoff, DtpOff),
            (self.tpoff, TpOff),
        ];
        if Some(r_type) == self.relative64 {
            return Some(Relative64);
        }
        k.iter().find(|(t, _)| *t == r_type).map(|&(_, k)| k)
    }
}

/// Where the thread pointer is relative to an executable's TLS block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsVariant {
    /// Variant I: the block follows a thread control block of `tcb_size`
    /// bytes at the thread pointer (AArch64: two words; RISC-V: none).
    I {
        /// The TCB's size in bytes.
        tcb_size: u64,
    },
    /// Variant II: the block ends at the thread pointer (x86-64).
    II,
}

/// A machine's page sizes, as GNU ld uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    /// The largest page size a loader may use (`-z max-page-size`):
    /// segments are aligned to it.
    pub max: u64,
    /// The usual page size (`-z common-page-size`).
    pub common: u64,
}

/// A PLT's shape: a header, then one entry per function, each reading its
/// address from a slot of `.got.plt` after `got_plt_reserved` reserved
/// words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PltLayout {
    /// The header's size in bytes.
    pub header_size: u64,
    /// Each entry's size in bytes.
    pub entry_size: u64,
    /// The reserved slots at the start of `.got.plt` (the dynamic
    /// linker's link map and resolver; the first holds `_DYNAMIC` on
    /// x86-64 and AArch64).
    pub got_plt_reserved: u64,
    /// The size of a `.got.plt` slot: the address size, except x32's
    /// 8-byte slots (its indirect `jmp` reads 64 bits).
    pub slot_size: u64,
    /// The PLT's alignment.
    pub align: u64,
}

/// One PLT entry to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PltEntry {
    /// The PLT's (header's) address.
    pub plt: u64,
    /// The `.got.plt` section's address.
    pub got_plt: u64,
    /// This entry's address.
    pub addr: u64,
    /// The address of this entry's `.got.plt` slot.
    pub slot: u64,
    /// The entry's index (0 for the first function).
    pub index: u32,
}

/// A machine and ABI the relocation code knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arch {
    /// x86-64, LP64 (ELFCLASS64).
    X86_64,
    /// x86-64, x32 (ELFCLASS32, x86-64's relocation numbers).
    X32,
    /// AArch64, LP64.
    AArch64,
    /// AArch64, ILP32 (ELFCLASS32, the `R_AARCH64_P32_*` numbers).
    AArch64Ilp32,
    /// RISC-V, RV64 (ELFCLASS64).
    RiscV64,
}

impl Arch {
    /// The machine and ABI of a file's `e_machine` and class, if known.
    pub fn new(machine: u16, class: Class) -> Option<Arch> {
        Some(match (machine, class) {
            (EM_X86_64, Class::Elf64) => Arch::X86_64,
            (EM_X86_64, Class::Elf32) => Arch::X32,
            (EM_AARCH64, Class::Elf64) => Arch::AArch64,
            (EM_AARCH64, Class::Elf32) => Arch::AArch64Ilp32,
            (EM_RISCV, Class::Elf64) => Arch::RiscV64,
            _ => return None,
        })
    }

    /// `e_machine`.
    pub fn machine(self) -> u16 {
        match self {
            Arch::X86_64 | Arch::X32 => EM_X86_64,
            Arch::AArch64 | Arch::AArch64Ilp32 => EM_AARCH64,
            Arch::RiscV64 => EM_RISCV,
        }
    }

    /// The file class.
    pub fn class(self) -> Class {
        match self {
            Arch::X32 | Arch::AArch64Ilp32 => Class::Elf32,
            _ => Class::Elf64,
        }
    }

    /// The size of an address in bytes.
    pub fn word(self) -> u64 {
        match self.class() {
            Class::Elf32 => 4,
            Class::Elf64 => 8,
        }
    }

    /// How relocation type `r_type` is computed and patched, if known.
    pub fn howto(self, r_type: u32) -> Option<Howto> {
        match self {
            Arch::X86_64 => x86_64::howto(r_type, false),
            Arch::X32 => x86_64::howto(r_type, true),
            Arch::AArch64 => aarch64::howto(r_type, false),
            Arch::AArch64Ilp32 => aarch64::howto(r_type, true),
            Arch::RiscV64 => riscv64::howto(r_type),
        }
    }

    /// Computes relocation `r_type` from `q` and patches it into `place`
    /// (the bytes from the field on).
    pub fn apply(
        self,
        r_type: u32,
        q: &Inputs,
        place: &mut [u8],
        endian: Endian,
    ) -> Result<(), Error> {
        self.howto(r_type)
            .ok_or(Error::Unsupported { r_type })?
            .apply(q, place, endian)
    }

    /// The dynamic relocation types.
    pub fn dynamic_types(self) -> DynamicTypes {
        match self {
            Arch::X86_64 => x86_64::DYNAMIC,
            Arch::X32 => x86_64::DYNAMIC_X32,
            Arch::AArch64 => aarch64::DYNAMIC,
            Arch::AArch64Ilp32 => aarch64::DYNAMIC_ILP32,
            Arch::RiscV64 => riscv64::DYNAMIC,
        }
    }

    /// The page sizes.
    pub fn page_size(self) -> PageSize {
        match self {
            Arch::X86_64 | Arch::X32 => x86_64::PAGE_SIZE,
            Arch::AArch64 | Arch::AArch64Ilp32 => aarch64::PAGE_SIZE,
            Arch::RiscV64 => riscv64::PAGE_SIZE,
        }
    }

    /// The TLS variant.
    pub fn tls_variant(self) -> TlsVariant {
        match self {
            Arch::X86_64 | Arch::X32 => TlsVariant::II,
            Arch::AArch64 | Arch::AArch64Ilp32 => TlsVariant::I {
                tcb_size: 2 * self.word(),
            },
            Arch::RiscV64 => TlsVariant::I { tcb_size: 0 },
        }
    }

    /// What the dynamic linker subtracts from an offset in a TLS block in
    /// `DTPOFF`-kind values (RISC-V: 0x800; others 0).
    pub fn dtp_bias(self) -> u64 {
        match self {
            Arch::RiscV64 => 0x800,
            _ => 0,
        }
    }

    /// The thread-pointer offset of the byte at `offset` in an
    /// executable's TLS segment of `mem_size` bytes aligned to `align`.
    pub fn tp_offset(self, mem_size: u64, align: u64, offset: u64) -> u64 {
        let align = align.max(1);
        let round = |x: u64| x.div_ceil(align).wrapping_mul(align);
        match self.tls_variant() {
            TlsVariant::I { tcb_size } => round(tcb_size).wrapping_add(offset),
            TlsVariant::II => offset.wrapping_sub(round(mem_size)),
        }
    }

    /// Whether a GOT entry holds `S + A` (AArch64) rather than S, the
    /// addend then moving the place in the entry's target, not G.
    pub fn got_entry_has_addend(self) -> bool {
        matches!(self, Arch::AArch64 | Arch::AArch64Ilp32)
    }

    /// The PLT's shape.
    pub fn plt_layout(self) -> PltLayout {
        match self {
            Arch::X86_64 | Arch::X32 => x86_64::PLT,
            Arch::AArch64 | Arch::AArch64Ilp32 => aarch64::plt_layout(self.word()),
            Arch::RiscV64 => riscv64::PLT,
        }
    }

    /// Writes the PLT header for a PLT at `plt` and `.got.plt` at
    /// `got_plt` into `out` (at least [`PltLayout::header_size`] bytes).
    pub fn write_plt_header(self, out: &mut [u8], plt: u64, got_plt: u64) -> Result<(), Error> {
        match self {
            Arch::X86_64 | Arch::X32 => x86_64::write_plt_header(out, plt, got_plt),
            Arch::AArch64 | Arch::AArch64Ilp32 => {
                aarch64::write_plt_header(out, plt, got_plt, self.word())
            }
            Arch::RiscV64 => riscv64::write_plt_header(out, plt, got_plt),
        }
    }

    /// Writes one PLT entry into `out` (at least
    /// [`PltLayout::entry_size`] bytes).
    pub fn write_plt_entry(self, out: &mut [u8], e: &PltEntry) -> Result<(), Error> {
        match self {
            Arch::X86_64 | Arch::X32 => x86_64::write_plt_entry(out, e),
            Arch::AArch64 | Arch::AArch64Ilp32 => aarch64::write_plt_entry(out, e, self.word()),
            Arch::RiscV64 => riscv64::write_plt_entry(out, e),
        }
    }

    /// What the first reserved word of `.got.plt` holds, as GNU ld
    /// writes it: `_DYNAMIC` (the address of `.dynamic`, `dynamic`) on
    /// x86-64 and AArch64; all ones on RISC-V, whose `.got` starts with
    /// `_DYNAMIC` instead.
    pub fn got_plt_first_word(self, dynamic: u64) -> u64 {
        match self {
            Arch::RiscV64 => u64::MAX,
            _ => dynamic,
        }
    }

    /// What a lazily bound entry's `.got.plt` slot holds before the first
    /// call (the address the entry jumps to, to reach the resolver).
    pub fn plt_slot_initial(self, e: &PltEntry) -> u64 {
        match self {
            // The entry's `push`, after its 6-byte `jmp *slot(%rip)`.
            Arch::X86_64 | Arch::X32 => e.addr + 6,
            _ => e.plt,
        }
    }
}

#[cfg(test)]
mod tests;
