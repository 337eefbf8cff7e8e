//! RISC-V, RV64 (RISC-V ELF psABI), little-endian.
//!
//! | type | value | field | needs |
//! |---|---|---|---|
//! | `NONE`, `RELAX`, `ALIGN` | – | – | |
//! | `64` | S + A | 64 bits | |
//! | `32` | S + A | 32 bits, signed or unsigned | |
//! | `32_PCREL` | S + A - P | 32 bits signed | |
//! | `BRANCH` | S + A - P | B-type imm13, ±4 KiB | |
//! | `JAL` | S + A - P | J-type imm21, ±1 MiB | |
//! | `RVC_BRANCH`, `RVC_JUMP` | S + A - P | CB imm9 / CJ imm12 | |
//! | `CALL`, `CALL_PLT` | L + A - P | AUIPC + JALR pair, ±2 GiB | PLT |
//! | `PCREL_HI20` | S + A - P | AUIPC imm20 of (v + 0x800) >> 12 | |
//! | `GOT_HI20` | G + A - P | AUIPC imm20 | GOT |
//! | `PCREL_LO12_I`, `PCREL_LO12_S` | the paired HI20's value | I / S imm12 | |
//! | `HI20` | S + A | LUI imm20 of (v + 0x800) >> 12 | |
//! | `LO12_I`, `LO12_S` | S + A | I / S imm12 | |
//! | `TPREL_HI20`, `TPREL_LO12_I/S` | TP offset + A | LUI / I / S | |
//! | `TPREL_ADD` | – | – | |
//! | `ADD8/16/32/64` | field + S + A | 8–64 bits, wrapping | |
//! | `SUB8/16/32/64`, `SUB6` | field - (S + A) | 8–64 bits / low 6 bits, wrapping | |
//! | `SET8/16/32`, `SET6` | S + A | 8–32 bits / low 6 bits, wrapping | |
//! | `TLS_DTPMOD64`, `TLS_DTPREL64`, `TLS_TPREL64` | TLS quantity + A | 64 bits | |
//!
//! A `PCREL_LO12_*` relocation's symbol labels the AUIPC that carries the
//! `PCREL_HI20` (or `GOT_HI20`); its value is that relocation's
//! `S + A - P` ([`Value::PairedLo`]): the caller finds the pair.
//!
//! No linker relaxation: `R_RISCV_RELAX` hints are accepted and ignored,
//! and the code stays as the compiler wrote it. `R_RISCV_ALIGN` is
//! accepted too and its padding (NOPs) kept, so code it meant to align
//! may not be (it still runs: the padding is executed as NOPs).
//!
//! The TLS block is variant I with no TCB (the thread pointer points at
//! the block); DTPREL values are biased by -0x800.

use super::field::{aligned, get_insn, put_insn, update_insn};
use super::{
    Check, DynamicTypes, Error, Field, Howto, Needs, PageSize, PltEntry, PltLayout, TlsValue,
    Value, data,
};
use crate::raw::consts::*;

/// A RISC-V instruction immediate a relocation fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insn {
    /// U-type (AUIPC, LUI): `imm20 = (v + 0x800) >> 12`, `v` within
    /// ±2 GiB.
    U,
    /// I-type: `imm12 = v & 0xfff`.
    I,
    /// S-type: `imm12 = v & 0xfff`, split.
    S,
    /// B-type: `imm13 = v`, ±4 KiB, even.
    B,
    /// J-type: `imm21 = v`, ±1 MiB, even.
    J,
    /// AUIPC + JALR: U-type on the first word, I-type on the second.
    Call,
    /// Compressed CB-type (C.BEQZ/C.BNEZ): `imm9 = v`, ±256 B, even.
    Cb,
    /// Compressed CJ-type (C.J): `imm12 = v`, ±2 KiB, even.
    Cj,
    /// The low 6 bits of a byte (`SET6`, `SUB6`: DWARF call frame
    /// instructions), unchecked.
    Low6,
}

/// `v`'s bits `lo..lo+n` placed at bit `at`.
fn bits(v: u64, lo: u32, n: u32, at: u32) -> u32 {
    (((v >> lo) & ((1 << n) - 1)) as u32) << at
}

fn hi20(v: u64) -> Result<u32, Error> {
    let hi = v.wrapping_add(0x800);
    Check::Signed.check(hi, 32).map_err(|_| Error::OutOfRange {
        value: v as i64,
        bits: 32,
    })?;
    Ok((hi as u32) & 0xffff_f000)
}

fn i_imm(v: u64) -> u32 {
    bits(v, 0, 12, 20)
}

fn s_imm(v: u64) -> u32 {
    bits(v, 5, 7, 25) | bits(v, 0, 5, 7)
}

fn update_half(place: &mut [u8], mask: u16, value: u16) -> Result<(), Error> {
    let b = place.get_mut(..2).ok_or(Error::Truncated { need: 2 })?;
    let insn = u16::from_le_bytes([b[0], b[1]]);
    b.copy_from_slice(&((insn & !mask) | (value & mask)).to_le_bytes());
    Ok(())
}

impl Insn {
    /// The bytes the field spans.
    pub fn size(self) -> usize {
        match self {
            Insn::Call => 8,
            Insn::Cb | Insn::Cj => 2,
            Insn::Low6 => 1,
            _ => 4,
        }
    }

    pub(super) fn patch(self, place: &mut [u8], v: u64) -> Result<(), Error> {
        let branch = |n: u32| -> Result<(), Error> {
            aligned(v, 2)?;
            Check::Signed.check(v, n)
        };
        match self {
            Insn::U => update_insn(place, 0xffff_f000, hi20(v)?),
            Insn::I => update_insn(place, 0xfff0_0000, i_imm(v)),
            Insn::S => update_insn(place, 0xfe00_0f80, s_imm(v)),
            Insn::B => {
                branch(13)?;
                let imm =
                    bits(v, 12, 1, 31) | bits(v, 5, 6, 25) | bits(v, 1, 4, 8) | bits(v, 11, 1, 7);
                update_insn(place, 0xfe00_0f80, imm)
            }
            Insn::J => {
                branch(21)?;
                let imm = bits(v, 20, 1, 31)
                    | bits(v, 1, 10, 21)
                    | bits(v, 11, 1, 20)
                    | bits(v, 12, 8, 12);
                update_insn(place, 0xffff_f000, imm)
            }
            Insn::Call => {
                let hi = hi20(v)?;
                let second = place.get_mut(4..8).ok_or(Error::Truncated { need: 8 })?;
                let jalr = get_insn(second)?;
                put_insn(second, (jalr & 0x000f_ffff) | i_imm(v))?;
                update_insn(place, 0xffff_f000, hi)
            }
            Insn::Cb => {
                branch(9)?;
                let imm = bits(v, 8, 1, 12)
                    | bits(v, 3, 2, 10)
                    | bits(v, 6, 2, 5)
                    | bits(v, 1, 2, 3)
                    | bits(v, 5, 1, 2);
                update_half(place, 0x1c7c, imm as u16)
            }
            Insn::Low6 => {
                let b = place.first_mut().ok_or(Error::Truncated { need: 1 })?;
                *b = (*b & 0xc0) | (v as u8 & 0x3f);
                Ok(())
            }
            Insn::Cj => {
                branch(12)?;
                let imm = bits(v, 11, 1, 12)
                    | bits(v, 4, 1, 11)
                    | bits(v, 8, 2, 9)
                    | bits(v, 10, 1, 8)
                    | bits(v, 6, 1, 7)
                    | bits(v, 7, 1, 6)
                    | bits(v, 1, 3, 3)
                    | bits(v, 5, 1, 2);
                update_half(place, 0x1ffc, imm as u16)
            }
        }
    }

    pub(super) fn low_page_bits(self) -> bool {
        matches!(self, Insn::I | Insn::S | Insn::Low6)
    }
}

const fn insn(i: Insn) -> Field {
    Field::RiscV(i)
}

/// How `r_type` is computed and patched.
pub fn howto(r_type: u32) -> Option<Howto> {
    let h = Howto::new;
    let tls = |v| h(Value::Tls(v), data(8, Check::None));
    let tp = Value::Tls(TlsValue::TpOff);
    Some(match r_type {
        R_RISCV_NONE | R_RISCV_RELAX | R_RISCV_ALIGN | R_RISCV_TPREL_ADD => {
            h(Value::None, data(0, Check::None))
        }
        R_RISCV_64 => h(Value::Abs, data(8, Check::None)),
        R_RISCV_32 => h(Value::Abs, data(4, Check::Either)),
        R_RISCV_32_PCREL => h(Value::PcRel, data(4, Check::Signed)),
        R_RISCV_ADD8 => h(Value::FieldAdd, data(1, Check::None)),
        R_RISCV_ADD16 => h(Value::FieldAdd, data(2, Check::None)),
        R_RISCV_ADD32 => h(Value::FieldAdd, data(4, Check::None)),
        R_RISCV_ADD64 => h(Value::FieldAdd, data(8, Check::None)),
        R_RISCV_SUB6 => h(Value::FieldSub, insn(Insn::Low6)),
        R_RISCV_SUB8 => h(Value::FieldSub, data(1, Check::None)),
        R_RISCV_SUB16 => h(Value::FieldSub, data(2, Check::None)),
        R_RISCV_SUB32 => h(Value::FieldSub, data(4, Check::None)),
        R_RISCV_SUB64 => h(Value::FieldSub, data(8, Check::None)),
        R_RISCV_SET6 => h(Value::Abs, insn(Insn::Low6)),
        R_RISCV_SET8 => h(Value::Abs, data(1, Check::None)),
        R_RISCV_SET16 => h(Value::Abs, data(2, Check::None)),
        R_RISCV_SET32 => h(Value::Abs, data(4, Check::None)),
        R_RISCV_BRANCH => h(Value::PcRel, insn(Insn::B)),
        R_RISCV_JAL => h(Value::PcRel, insn(Insn::J)),
        R_RISCV_RVC_BRANCH => h(Value::PcRel, insn(Insn::Cb)),
        R_RISCV_RVC_JUMP => h(Value::PcRel, insn(Insn::Cj)),
        R_RISCV_CALL | R_RISCV_CALL_PLT => h(Value::PcRel, insn(Insn::Call)).needs(Needs::Plt),
        R_RISCV_PCREL_HI20 => h(Value::PcRel, insn(Insn::U)),
        R_RISCV_GOT_HI20 => h(Value::GotPcRel, insn(Insn::U)).needs(Needs::Got),
        R_RISCV_PCREL_LO12_I => h(Value::PairedLo, insn(Insn::I)),
        R_RISCV_PCREL_LO12_S => h(Value::PairedLo, insn(Insn::S)),
        R_RISCV_HI20 => h(Value::Abs, insn(Insn::U)),
        R_RISCV_LO12_I => h(Value::Abs, insn(Insn::I)),
        R_RISCV_LO12_S => h(Value::Abs, insn(Insn::S)),
        R_RISCV_TPREL_HI20 => h(tp, insn(Insn::U)),
        R_RISCV_TPREL_LO12_I => h(tp, insn(Insn::I)),
        R_RISCV_TPREL_LO12_S => h(tp, insn(Insn::S)),
        R_RISCV_TLS_DTPMOD64 => tls(TlsValue::Module),
        R_RISCV_TLS_DTPREL64 => tls(TlsValue::DtpOff),
        R_RISCV_TLS_TPREL64 => tls(TlsValue::TpOff),
        _ => return None,
    })
}

/// Whether `r_type` is a high part a `PCREL_LO12_*` may pair with.
pub fn is_pcrel_hi(r_type: u32) -> bool {
    matches!(r_type, R_RISCV_PCREL_HI20 | R_RISCV_GOT_HI20)
}

/// RV64's dynamic relocation types. GOT entries take `R_RISCV_64`: the
/// psABI has no `GLOB_DAT`.
pub const DYNAMIC: DynamicTypes = DynamicTypes {
    relative: R_RISCV_RELATIVE,
    abs: R_RISCV_64,
    glob_dat: R_RISCV_64,
    jump_slot: R_RISCV_JUMP_SLOT,
    copy: R_RISCV_COPY,
    irelative: R_RISCV_IRELATIVE,
    dtpmod: R_RISCV_TLS_DTPMOD64,
    dtpoff: R_RISCV_TLS_DTPREL64,
    tpoff: R_RISCV_TLS_TPREL64,
    relative64: None,
};

/// 4 KiB pages.
pub const PAGE_SIZE: PageSize = PageSize {
    max: 0x1000,
    common: 0x1000,
};

/// The psABI's PLT: a 32-byte header, 16-byte entries, two reserved
/// `.got.plt` words (the resolver and the link map).
pub const PLT: PltLayout = PltLayout {
    header_size: 32,
    entry_size: 16,
    got_plt_reserved: 2,
    slot_size: 8,
    align: 16,
};

fn put_words(out: &mut [u8], words: &[u32]) -> Result<(), Error> {
    let need = words.len() * 4;
    let out = out
        .get_mut(..need)
        .ok_or(Error::Truncated { need: need as u8 })?;
    for (chunk, w) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    Ok(())
}

/// The psABI's header: `auipc t2, .got.plt; sub t1, t1, t3;
/// ld t3, lo(t2); addi t1, t1, -44; addi t0, t2, lo; srli t1, t1, 1;
/// ld t0, 8(t0); jr t3`.
pub fn write_plt_header(out: &mut [u8], plt: u64, got_plt: u64) -> Result<(), Error> {
    put_words(
        out,
        &[
            0x0000_0397, // auipc t2, 0
            0x41c3_0333, // sub t1, t1, t3
            0x0003_be03, // ld t3, 0(t2)
            0xfd43_0313, // addi t1, t1, -44
            0x0003_8293, // addi t0, t2, 0
            0x0013_5313, // srli t1, t1, 1
            0x0082_b283, // ld t0, 8(t0)
            0x000e_0067, // jr t3
        ],
    )?;
    let v = got_plt.wrapping_sub(plt);
    Insn::U.patch(out, v)?;
    Insn::I.patch(&mut out[8..], v)?;
    Insn::I.patch(&mut out[16..], v)
}

/// `auipc t3, slot; ld t3, lo(t3); jalr t1, t3; nop`.
pub fn write_plt_entry(out: &mut [u8], e: &PltEntry) -> Result<(), Error> {
    put_words(out, &[0x0000_0e17, 0x000e_3e03, 0x000e_0367, 0x0000_0013])?;
    let v = e.slot.wrapping_sub(e.addr);
    Insn::U.patch(out, v)?;
    Insn::I.patch(&mut out[4..], v)
}
