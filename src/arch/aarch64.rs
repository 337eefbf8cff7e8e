//! AArch64 (ELF for the Arm 64-bit Architecture), LP64 and ILP32.
//!
//! Instructions are little-endian words even in big-endian files; data
//! words follow the file. ILP32 has its own numbers (`R_AARCH64_P32_*`)
//! for the same computations, with a 32-bit address word.
//!
//! | type (LP64; ILP32 `P32_` likewise) | value | field | needs |
//! |---|---|---|---|
//! | `NONE` | – | – | |
//! | `ABS64` | S + A | 64 bits | |
//! | `ABS32`, `ABS16` | S + A | 32 / 16 bits, signed or unsigned | |
//! | `PREL64` | S + A - P | 64 bits | |
//! | `PREL32`, `PREL16` | S + A - P | 32 / 16 bits, signed or unsigned | |
//! | `MOVW_UABS_G0..G3` (`_NC`) | S + A | MOVZ/MOVK imm16 of bits 16n+15:16n, checked unless `_NC` | |
//! | `LD_PREL_LO19` | S + A - P | LDR (literal) imm19, ±1 MiB | |
//! | `ADR_PREL_LO21` | S + A - P | ADR imm21, ±1 MiB | |
//! | `ADR_PREL_PG_HI21` (`_NC`) | Page(S + A) - Page(P) | ADRP imm21, ±4 GiB unless `_NC` | |
//! | `ADD_ABS_LO12_NC` | S + A | ADD imm12, bits 11:0 | |
//! | `LDST8/16/32/64/128_ABS_LO12_NC` | S + A | LDR/STR imm12, bits 11:0 scaled by the access size (must be aligned to it) | |
//! | `TSTBR14` | S + A - P | TBZ/TBNZ imm14, ±32 KiB | |
//! | `CONDBR19` | S + A - P | B.cond/CBZ/CBNZ imm19, ±1 MiB | |
//! | `JUMP26`, `CALL26` | L + A - P | B/BL imm26, ±128 MiB | PLT |
//! | `ADR_GOT_PAGE` | Page(G) - Page(P) | ADRP imm21 | GOT |
//! | `LD64_GOT_LO12_NC` (ILP32: `LD32_GOT_LO12_NC`) | G | LDR imm12, bits 11:3 (11:2) | GOT |
//! | `TLSLE_ADD_TPREL_HI12` | TP offset + A | ADD imm12 of bits 23:12, below 2^24 | |
//! | `TLSLE_ADD_TPREL_LO12` (`_NC`) | TP offset + A | ADD imm12 of bits 11:0, below 2^12 unless `_NC` | |
//! | `TLS_DTPMOD`, `TLS_DTPREL`, `TLS_TPREL` | TLS quantity + A | 64 bits | |
//!
//! Branch offsets must be multiples of 4. The GOT entry of
//! `ADR_GOT_PAGE`/`LD64_GOT_LO12_NC` holds `S + A` (the psABI's
//! `GDAT(S + A)`); compilers emit A = 0 against the symbol itself (GNU
//! ld 2.40 gives a section symbol plus addend the section's entry, which
//! is wrong). The TLS block is variant I, after a
//! two-word TCB.

use super::field::{aligned, update_insn};
use super::{
    Check, DynamicTypes, Error, Field, Howto, Needs, PageSize, PltEntry, PltLayout, TlsValue,
    Value, data,
};
use crate::raw::consts::*;

/// An AArch64 instruction immediate a relocation fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insn {
    /// B/BL: `imm26 = v >> 2`, ±128 MiB, 4-aligned.
    Branch26,
    /// B.cond/CBZ/CBNZ/LDR (literal): `imm19 = v >> 2`, ±1 MiB, 4-aligned.
    Imm19,
    /// TBZ/TBNZ: `imm14 = v >> 2`, ±32 KiB, 4-aligned.
    Imm14,
    /// ADR: `immhi:immlo = v`, ±1 MiB.
    Adr,
    /// ADRP: `immhi:immlo = v >> 12`, ±4 GiB when `check`.
    Adrp {
        /// Whether to check the range.
        check: bool,
    },
    /// ADD (immediate): `imm12 = (v >> shift) & 0xfff`; `v` must be
    /// below `2^check_bits` when `check_bits` is not 0.
    Add {
        /// Bits dropped first.
        shift: u8,
        /// The bound checked, in bits (0: none).
        check_bits: u8,
    },
    /// LDR/STR (unsigned offset): `imm12 = (v & 0xfff) >> shift`, the low
    /// `shift` bits of `v` zero.
    LdSt {
        /// log2 of the access size.
        shift: u8,
    },
    /// MOVZ/MOVK: `imm16 = v >> (16 * group)`, checked to fit
    /// `16 * (group + 1)` bits unsigned when `check`.
    MovW {
        /// Which 16-bit group, 0 to 3.
        group: u8,
        /// Whether to check the range.
        check: bool,
    },
}

/// `v`'s bits `lo..lo+n` placed at bit `at`.
fn bits(v: u64, lo: u32, n: u32, at: u32) -> u32 {
    (((v >> lo) & ((1 << n) - 1)) as u32) << at
}

impl Insn {
    pub(super) fn patch(self, place: &mut [u8], v: u64) -> Result<(), Error> {
        let pc_rel = |bits_: u32| -> Result<(), Error> {
            aligned(v, 4)?;
            Check::Signed.check(v, bits_)
        };
        let adr_imm = |imm: u64| bits(imm, 0, 2, 29) | bits(imm, 2, 19, 5);
        match self {
            Insn::Branch26 => {
                pc_rel(28)?;
                update_insn(place, 0x03ff_ffff, bits(v, 2, 26, 0))
            }
            Insn::Imm19 => {
                pc_rel(21)?;
                update_insn(place, 0x00ff_ffe0, bits(v, 2, 19, 5))
            }
            Insn::Imm14 => {
                pc_rel(16)?;
                update_insn(place, 0x0007_ffe0, bits(v, 2, 14, 5))
            }
            Insn::Adr => {
                Check::Signed.check(v, 21)?;
                update_insn(place, 0x60ff_ffe0, adr_imm(v))
            }
            Insn::Adrp { check } => {
                if check {
                    Check::Signed.check(v, 33)?;
                }
                update_insn(place, 0x60ff_ffe0, adr_imm(v >> 12))
            }
            Insn::Add { shift, check_bits } => {
                if check_bits != 0 {
                    Check::Unsigned.check(v, check_bits.into())?;
                }
                update_insn(place, 0x003f_fc00, bits(v >> shift, 0, 12, 10))
            }
            Insn::LdSt { shift } => {
                let lo = v & 0xfff;
                aligned(lo, 1 << shift)?;
                update_insn(place, 0x003f_fc00, bits(lo >> shift, 0, 12, 10))
            }
            Insn::MovW { group, check } => {
                let g = u32::from(group) * 16;
                if check {
                    Check::Unsigned.check(v, g + 16)?;
                }
                update_insn(place, 0x001f_ffe0, bits(v, g, 16, 5))
            }
        }
    }

    pub(super) fn low_page_bits(self) -> bool {
        matches!(
            self,
            Insn::Add {
                shift: 0,
                check_bits: 0
            } | Insn::LdSt { .. }
        )
    }
}

/// How `r_type` is computed and patched, in LP64 or (`ilp32`) ILP32.
pub fn howto(r_type: u32, ilp32: bool) -> Option<Howto> {
    if ilp32 {
        ilp32_howto(r_type)
    } else {
        lp64_howto(r_type)
    }
}

const fn insn(i: Insn) -> Field {
    Field::AArch64(i)
}

const fn ldst(shift: u8) -> Field {
    insn(Insn::LdSt { shift })
}

const fn movw(group: u8, check: bool) -> Field {
    insn(Insn::MovW { group, check })
}

fn lp64_howto(r_type: u32) -> Option<Howto> {
    let h = Howto::new;
    let tls = |v| h(Value::Tls(v), data(8, Check::None));
    Some(match r_type {
        R_AARCH64_ABS64 => h(Value::Abs, data(8, Check::None)),
        R_AARCH64_ABS32 => h(Value::Abs, data(4, Check::Either)),
        R_AARCH64_ABS16 => h(Value::Abs, data(2, Check::Either)),
        R_AARCH64_PREL64 => h(Value::PcRel, data(8, Check::None)),
        R_AARCH64_PREL32 => h(Value::PcRel, data(4, Check::Either)),
        R_AARCH64_PREL16 => h(Value::PcRel, data(2, Check::Either)),
        R_AARCH64_MOVW_UABS_G0 => h(Value::Abs, movw(0, true)),
        R_AARCH64_MOVW_UABS_G0_NC => h(Value::Abs, movw(0, false)),
        R_AARCH64_MOVW_UABS_G1 => h(Value::Abs, movw(1, true)),
        R_AARCH64_MOVW_UABS_G1_NC => h(Value::Abs, movw(1, false)),
        R_AARCH64_MOVW_UABS_G2 => h(Value::Abs, movw(2, true)),
        R_AARCH64_MOVW_UABS_G2_NC => h(Value::Abs, movw(2, false)),
        R_AARCH64_MOVW_UABS_G3 => h(Value::Abs, movw(3, true)),
        R_AARCH64_ADR_PREL_PG_HI21_NC => h(Value::Page, insn(Insn::Adrp { check: false })),
        R_AARCH64_LDST8_ABS_LO12_NC => h(Value::Abs, ldst(0)),
        R_AARCH64_LDST16_ABS_LO12_NC => h(Value::Abs, ldst(1)),
        R_AARCH64_LDST32_ABS_LO12_NC => h(Value::Abs, ldst(2)),
        R_AARCH64_LDST64_ABS_LO12_NC => h(Value::Abs, ldst(3)),
        R_AARCH64_LDST128_ABS_LO12_NC => h(Value::Abs, ldst(4)),
        R_AARCH64_ADR_GOT_PAGE => {
            h(Value::GotPage, insn(Insn::Adrp { check: true })).needs(Needs::Got)
        }
        R_AARCH64_LD64_GOT_LO12_NC => h(Value::Got, ldst(3)).needs(Needs::Got),
        R_AARCH64_TLS_DTPMOD => tls(TlsValue::Module),
        R_AARCH64_TLS_DTPREL => tls(TlsValue::DtpOff),
        R_AARCH64_TLS_TPREL => tls(TlsValue::TpOff),
        _ => return common_howto(lp64_common(r_type)?),
    })
}

/// The LP64 number of a type both ABIs have under different numbers.
fn lp64_common(r_type: u32) -> Option<u32> {
    Some(match r_type {
        R_AARCH64_NONE
        | R_AARCH64_LD_PREL_LO19
        | R_AARCH64_ADR_PREL_LO21
        | R_AARCH64_ADR_PREL_PG_HI21
        | R_AARCH64_ADD_ABS_LO12_NC
        | R_AARCH64_TSTBR14
        | R_AARCH64_CONDBR19
        | R_AARCH64_JUMP26
        | R_AARCH64_CALL26
        | R_AARCH64_TLSLE_ADD_TPREL_HI12
        | R_AARCH64_TLSLE_ADD_TPREL_LO12
        | R_AARCH64_TLSLE_ADD_TPREL_LO12_NC => r_type,
        _ => return None,
    })
}

fn ilp32_howto(r_type: u32) -> Option<Howto> {
    let h = Howto::new;
    match r_type {
        R_AARCH64_P32_ABS32 => Some(h(Value::Abs, data(4, Check::Either))),
        R_AARCH64_P32_ABS16 => Some(h(Value::Abs, data(2, Check::Either))),
        R_AARCH64_P32_PREL32 => Some(h(Value::PcRel, data(4, Check::Either))),
        R_AARCH64_P32_PREL16 => Some(h(Value::PcRel, data(2, Check::Either))),
        R_AARCH64_P32_MOVW_UABS_G0 => Some(h(Value::Abs, movw(0, true))),
        R_AARCH64_P32_MOVW_UABS_G0_NC => Some(h(Value::Abs, movw(0, false))),
        R_AARCH64_P32_MOVW_UABS_G1 => Some(h(Value::Abs, movw(1, true))),
        R_AARCH64_P32_LDST8_ABS_LO12_NC => Some(h(Value::Abs, ldst(0))),
        R_AARCH64_P32_LDST16_ABS_LO12_NC => Some(h(Value::Abs, ldst(1))),
        R_AARCH64_P32_LDST32_ABS_LO12_NC => Some(h(Value::Abs, ldst(2))),
        R_AARCH64_P32_LDST64_ABS_LO12_NC => Some(h(Value::Abs, ldst(3))),
        R_AARCH64_P32_LDST128_ABS_LO12_NC => Some(h(Value::Abs, ldst(4))),
        R_AARCH64_P32_ADR_GOT_PAGE => {
            Some(h(Value::GotPage, insn(Insn::Adrp { check: true })).needs(Needs::Got))
        }
        R_AARCH64_P32_LD32_GOT_LO12_NC => Some(h(Value::Got, ldst(2)).needs(Needs::Got)),
        R_AARCH64_NONE => common_howto(R_AARCH64_NONE),
        R_AARCH64_P32_LD_PREL_LO19 => common_howto(R_AARCH64_LD_PREL_LO19),
        R_AARCH64_P32_ADR_PREL_LO21 => common_howto(R_AARCH64_ADR_PREL_LO21),
        R_AARCH64_P32_ADR_PREL_PG_HI21 => common_howto(R_AARCH64_ADR_PREL_PG_HI21),
        R_AARCH64_P32_ADD_ABS_LO12_NC => common_howto(R_AARCH64_ADD_ABS_LO12_NC),
        R_AARCH64_P32_TSTBR14 => common_howto(R_AARCH64_TSTBR14),
        R_AARCH64_P32_CONDBR19 => common_howto(R_AARCH64_CONDBR19),
        R_AARCH64_P32_JUMP26 => common_howto(R_AARCH64_JUMP26),
        R_AARCH64_P32_CALL26 => common_howto(R_AARCH64_CALL26),
        R_AARCH64_P32_TLSLE_ADD_TPREL_HI12 => common_howto(R_AARCH64_TLSLE_ADD_TPREL_HI12),
        R_AARCH64_P32_TLSLE_ADD_TPREL_LO12 => common_howto(R_AARCH64_TLSLE_ADD_TPREL_LO12),
        R_AARCH64_P32_TLSLE_ADD_TPREL_LO12_NC => common_howto(R_AARCH64_TLSLE_ADD_TPREL_LO12_NC),
        _ => None,
    }
}

/// The types both ABIs compute alike, by their LP64 number.
fn common_howto(lp64: u32) -> Option<Howto> {
    let h = Howto::new;
    let tp = Value::Tls(TlsValue::TpOff);
    let add = |shift, check_bits| insn(Insn::Add { shift, check_bits });
    Some(match lp64 {
        R_AARCH64_NONE => h(Value::None, data(0, Check::None)),
        R_AARCH64_LD_PREL_LO19 | R_AARCH64_CONDBR19 => h(Value::PcRel, insn(Insn::Imm19)),
        R_AARCH64_ADR_PREL_LO21 => h(Value::PcRel, insn(Insn::Adr)),
        R_AARCH64_ADR_PREL_PG_HI21 => h(Value::Page, insn(Insn::Adrp { check: true })),
        R_AARCH64_ADD_ABS_LO12_NC => h(Value::Abs, add(0, 0)),
        R_AARCH64_TSTBR14 => h(Value::PcRel, insn(Insn::Imm14)),
        R_AARCH64_JUMP26 | R_AARCH64_CALL26 => {
            h(Value::PcRel, insn(Insn::Branch26)).needs(Needs::Plt)
        }
        R_AARCH64_TLSLE_ADD_TPREL_HI12 => h(tp, add(12, 24)),
        R_AARCH64_TLSLE_ADD_TPREL_LO12 => h(tp, add(0, 12)),
        R_AARCH64_TLSLE_ADD_TPREL_LO12_NC => h(tp, add(0, 0)),
        _ => return None,
    })
}

/// LP64's dynamic relocation types.
pub const DYNAMIC: DynamicTypes = DynamicTypes {
    relative: R_AARCH64_RELATIVE,
    abs: R_AARCH64_ABS64,
    glob_dat: R_AARCH64_GLOB_DAT,
    jump_slot: R_AARCH64_JUMP_SLOT,
    copy: R_AARCH64_COPY,
    irelative: R_AARCH64_IRELATIVE,
    dtpmod: R_AARCH64_TLS_DTPMOD,
    dtpoff: R_AARCH64_TLS_DTPREL,
    tpoff: R_AARCH64_TLS_TPREL,
    relative64: None,
};

/// ILP32's dynamic relocation types.
pub const DYNAMIC_ILP32: DynamicTypes = DynamicTypes {
    relative: R_AARCH64_P32_RELATIVE,
    abs: R_AARCH64_P32_ABS32,
    glob_dat: R_AARCH64_P32_GLOB_DAT,
    jump_slot: R_AARCH64_P32_JUMP_SLOT,
    copy: R_AARCH64_P32_COPY,
    irelative: R_AARCH64_P32_IRELATIVE,
    dtpmod: R_AARCH64_P32_TLS_DTPMOD,
    dtpoff: R_AARCH64_P32_TLS_DTPREL,
    tpoff: R_AARCH64_P32_TLS_TPREL,
    relative64: None,
};

/// Pages of up to 64 KiB; 4 KiB usual.
pub const PAGE_SIZE: PageSize = PageSize {
    max: 0x10000,
    common: 0x1000,
};

/// GNU ld's PLT (without BTI/PAC): a 32-byte header, 16-byte entries,
/// three reserved `.got.plt` words.
pub fn plt_layout(word: u64) -> PltLayout {
    PltLayout {
        header_size: 32,
        entry_size: 16,
        got_plt_reserved: 3,
        slot_size: word,
        align: 16,
    }
}

/// `adrp x16, slot; ldr x17, [x16, :lo12:slot]; add x16, x16,
/// :lo12:slot` at `out[at..at+12]`, for an ADRP at `addr`; the load and
/// add take `w` registers in ILP32.
fn load_slot(out: &mut [u8], at: usize, addr: u64, slot: u64, word: u64) -> Result<(), Error> {
    let (ldr, add, shift) = if word == 8 {
        (0xf940_0211u32, 0x9100_0210u32, 3)
    } else {
        (0xb940_0211, 0x1100_0210, 2)
    };
    let words = [0x9000_0010u32, ldr, add];
    let out = out
        .get_mut(at..at + 12)
        .ok_or(Error::Truncated { need: 12 })?;
    for (k, w) in words.iter().enumerate() {
        out[4 * k..4 * k + 4].copy_from_slice(&w.to_le_bytes());
    }
    let page = (slot & !0xfff).wrapping_sub(addr & !0xfff);
    Insn::Adrp { check: true }.patch(out, page)?;
    Insn::LdSt { shift }.patch(&mut out[4..], slot)?;
    Insn::Add {
        shift: 0,
        check_bits: 0,
    }
    .patch(&mut out[8..], slot)
}

fn put_words(out: &mut [u8], at: usize, words: &[u32]) -> Result<(), Error> {
    let need = words.len() * 4;
    let out = out.get_mut(at..at + need).ok_or(Error::Truncated {
        need: (at + need) as u8,
    })?;
    for (chunk, w) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    Ok(())
}

const BR_X17: u32 = 0xd61f_0220;
const NOP: u32 = 0xd503_201f;

/// `stp x16, x30, [sp, #-16]!`, the load of `.got.plt[2]` into x17 with
/// its address in x16, `br x17`, three `nop`s.
pub fn write_plt_header(out: &mut [u8], plt: u64, got_plt: u64, word: u64) -> Result<(), Error> {
    put_words(out, 0, &[0xa9bf_7bf0])?;
    load_slot(out, 4, plt + 4, got_plt.wrapping_add(2 * word), word)?;
    put_words(out, 16, &[BR_X17, NOP, NOP, NOP])
}

/// The load of the entry's slot into x17 (address in x16), `br x17`.
pub fn write_plt_entry(out: &mut [u8], e: &PltEntry, word: u64) -> Result<(), Error> {
    load_slot(out, 0, e.addr, e.slot, word)?;
    put_words(out, 12, &[BR_X17])
}
