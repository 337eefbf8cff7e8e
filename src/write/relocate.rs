//! Relocations the builder resolves itself, per machine: absolute and
//! PC-relative kinds for x86-64 and AArch64.

use crate::error::{Error, Problem, Result};
use crate::raw::consts::*;
use crate::read::{Encoding, Endian};

/// What a relocation type asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// `S + A` in an address-sized word: may need the load address.
    AbsWord,
    /// `S + A` in a narrower field: only for fixed addresses.
    Abs32 { signed: bool },
    /// `S + A - P` in `size` bytes.
    PcRel { size: u8 },
    /// AArch64 B/BL: `(S + A - P) >> 2` in 26 bits.
    Branch26,
    /// AArch64 ADRP: page delta in 21 bits.
    AdrpPage21,
    /// AArch64 ADD: low 12 bits of `S + A`.
    AddLo12,
    /// Nothing to do.
    Nothing,
}

/// How the builder handles `kind` on `machine`, if it can.
pub(crate) fn classify(machine: u16, kind: u32) -> Option<How> {
    Some(match (machine, kind) {
        (EM_X86_64, R_X86_64_NONE) | (EM_AARCH64, R_AARCH64_NONE) => How::Nothing,
        (EM_X86_64, R_X86_64_64) | (EM_AARCH64, R_AARCH64_ABS64) => How::AbsWord,
        (EM_X86_64, R_X86_64_32) | (EM_AARCH64, R_AARCH64_ABS32) => How::Abs32 { signed: false },
        (EM_X86_64, R_X86_64_32S) => How::Abs32 { signed: true },
        (EM_X86_64, R_X86_64_PC32 | R_X86_64_PLT32) | (EM_AARCH64, R_AARCH64_PREL32) => {
            How::PcRel { size: 4 }
        }
        (EM_X86_64, R_X86_64_PC64) | (EM_AARCH64, R_AARCH64_PREL64) => How::PcRel { size: 8 },
        (EM_AARCH64, R_AARCH64_CALL26 | R_AARCH64_JUMP26) => How::Branch26,
        (EM_AARCH64, R_AARCH64_ADR_PREL_PG_HI21) => How::AdrpPage21,
        (EM_AARCH64, R_AARCH64_ADD_ABS_LO12_NC) => How::AddLo12,
        _ => return None,
    })
}

/// The machine's `R_*_RELATIVE` and word-sized absolute types.
pub(crate) fn dynamic_types(machine: u16) -> Option<(u32, u32)> {
    match machine {
        EM_X86_64 => Some((R_X86_64_RELATIVE, R_X86_64_64)),
        EM_AARCH64 => Some((R_AARCH64_RELATIVE, R_AARCH64_ABS64)),
        _ => None,
    }
}

/// AArch64 instructions are little-endian even in big-endian files.
const INSN: Encoding = Encoding {
    class: crate::read::Class::Elf64,
    endian: Endian::Little,
};

fn get_insn(b: &[u8]) -> u32 {
    INSN.read_u32(b).unwrap_or(0)
}

fn put(enc: Encoding, v: u64, size: usize) -> ([u8; 8], usize) {
    let mut out = [0u8; 8];
    match enc.endian {
        Endian::Little => out[..size].copy_from_slice(&v.to_le_bytes()[..size]),
        Endian::Big => out[..size].copy_from_slice(&v.to_be_bytes()[8 - size..]),
    }
    (out, size)
}

/// The bytes to store at `P` for a resolved relocation, given the bytes
/// there now (`at`, for instruction fields). `value` is `S + A`.
pub(crate) fn resolve(
    enc: Encoding,
    how: How,
    value: u64,
    p: u64,
    at: &[u8],
    index: u64,
) -> Result<Option<([u8; 8], usize)>> {
    let range = |field: &'static str, v: u64| {
        Err(Error::new(
            "builder relocation",
            p,
            Problem::BadValue { field, value: v },
        )
        .at_index(index))
    };
    let word = enc.address_size();
    Ok(Some(match how {
        How::Nothing => return Ok(None),
        How::AbsWord => put(enc, value, word),
        How::Abs32 { signed } => {
            let fits = if signed {
                (value as i64) >= i32::MIN as i64 && (value as i64) <= i32::MAX as i64
            } else {
                value <= u32::MAX as u64
            };
            if !fits {
                return range("value (does not fit the 32-bit field)", value);
            }
            put(enc, value, 4)
        }
        How::PcRel { size } => {
            let d = value.wrapping_sub(p) as i64;
            if size == 4 && (d < i32::MIN as i64 || d > i32::MAX as i64) {
                return range("PC-relative distance (does not fit 32 bits)", d as u64);
            }
            put(enc, d as u64, size as usize)
        }
        How::Branch26 => {
            let d = value.wrapping_sub(p) as i64;
            if d & 3 != 0 || !(-(1 << 27)..(1 << 27)).contains(&d) {
                return range(
                    "branch distance (not within ±128 MiB or not aligned)",
                    d as u64,
                );
            }
            let insn = (get_insn(at) & 0xfc00_0000) | (((d >> 2) as u32) & 0x03ff_ffff);
            put(INSN, insn.into(), 4)
        }
        How::AdrpPage21 => {
            let d = ((value & !0xfff) as i64).wrapping_sub((p & !0xfff) as i64) >> 12;
            if !(-(1 << 20)..(1 << 20)).contains(&d) {
                return range("ADRP page distance (not within ±4 GiB)", d as u64);
            }
            let d = d as u32;
            let insn = (get_insn(at) & 0x9f00_001f) | ((d & 3) << 29) | (((d >> 2) & 0x7ffff) << 5);
            put(INSN, insn.into(), 4)
        }
        How::AddLo12 => {
            let insn = (get_insn(at) & 0xffc0_03ff) | (((value & 0xfff) as u32) << 10);
            put(INSN, insn.into(), 4)
        }
    }))
}
