//! Relocation semantics, from the psABIs (not from the builder): what each
//! relocation type computes and which bytes its field must hold.

use super::*;

/// What a relocation type computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    Nothing,
    /// S + A in an address-sized word.
    Word,
    /// S + A in 32 bits: unsigned, signed, or either (AArch64 ABS32).
    Abs32 {
        min: i128,
        max: i128,
    },
    /// S + A - P in 4 or 8 bytes.
    Pc(u8),
    /// AArch64 B/BL.
    Branch26,
    /// AArch64 ADRP.
    Adrp,
    /// AArch64 ADD :lo12:.
    AddLo12,
}

pub(super) fn classify(machine: u16, kind: u32) -> Option<How> {
    let u32_range = How::Abs32 {
        min: 0,
        max: u32::MAX.into(),
    };
    Some(match (machine, kind) {
        (EM_X86_64, R_X86_64_NONE) | (EM_AARCH64, R_AARCH64_NONE) => How::Nothing,
        (EM_X86_64, R_X86_64_64) | (EM_AARCH64, R_AARCH64_ABS64) => How::Word,
        (EM_X86_64, R_X86_64_32) => u32_range,
        (EM_X86_64, R_X86_64_32S) => How::Abs32 {
            min: i32::MIN.into(),
            max: i32::MAX.into(),
        },
        (EM_AARCH64, R_AARCH64_ABS32) => How::Abs32 {
            min: i32::MIN.into(),
            max: u32::MAX.into(),
        },
        (EM_X86_64, R_X86_64_PC32 | R_X86_64_PLT32) | (EM_AARCH64, R_AARCH64_PREL32) => How::Pc(4),
        (EM_X86_64, R_X86_64_PC64) | (EM_AARCH64, R_AARCH64_PREL64) => How::Pc(8),
        (EM_AARCH64, R_AARCH64_CALL26 | R_AARCH64_JUMP26) => How::Branch26,
        (EM_AARCH64, R_AARCH64_ADR_PREL_PG_HI21) => How::Adrp,
        (EM_AARCH64, R_AARCH64_ADD_ABS_LO12_NC) => How::AddLo12,
        _ => return None,
    })
}

pub(super) fn field_size(how: How, word: u64) -> u64 {
    match how {
        How::Nothing => 0,
        How::Word => word,
        How::Pc(n) => n.into(),
        How::Abs32 { .. } | How::Branch26 | How::Adrp | How::AddLo12 => 4,
    }
}

/// The machine's `R_*_RELATIVE` and word-sized absolute dynamic types.
pub(super) fn dynamic_types(machine: u16) -> Option<(u32, u32)> {
    match machine {
        EM_X86_64 => Some((R_X86_64_RELATIVE, R_X86_64_64)),
        EM_AARCH64 => Some((R_AARCH64_RELATIVE, R_AARCH64_ABS64)),
        _ => None,
    }
}

pub(super) fn put(endian: Endian, v: u64, n: usize) -> Vec<u8> {
    match endian {
        Endian::Little => v.to_le_bytes()[..n].to_vec(),
        Endian::Big => v.to_be_bytes()[8 - n..].to_vec(),
    }
}

pub(super) fn get(endian: Endian, b: &[u8]) -> u64 {
    let mut x = [0u8; 8];
    match endian {
        Endian::Little => {
            x[..b.len()].copy_from_slice(b);
            u64::from_le_bytes(x)
        }
        Endian::Big => {
            x[8 - b.len()..].copy_from_slice(b);
            u64::from_be_bytes(x)
        }
    }
}

/// The bytes the field must hold at run time: `sa` is S + A, `p` the
/// place, both run-time addresses; `orig` the field's bytes before
/// relocation (for instruction fields). AArch64 instructions are
/// little-endian whatever the data byte order. `Err` when the value does
/// not fit the field (the builder should have refused the relocation).
pub(super) fn expected_field(
    how: How,
    enc: Encoding,
    sa: u64,
    p: u64,
    orig: &[u8],
) -> Result<Vec<u8>, String> {
    let word = enc.address_size();
    let insn = || get(Endian::Little, orig) as u32;
    Ok(match how {
        How::Nothing => Vec::new(),
        How::Word => put(enc.endian, sa, word),
        How::Abs32 { min, max } => {
            // S + A as a signed 128-bit number (addresses are unsigned,
            // the addend signed): the builder computes it wrapping.
            let v = i128::from(sa as i64);
            let u = i128::from(sa);
            if !((min..=max).contains(&v) || (min..=max).contains(&u)) {
                return Err(format!("S + A = {sa:#x} does not fit the 32-bit field"));
            }
            put(enc.endian, sa, 4)
        }
        How::Pc(n) => {
            let d = sa.wrapping_sub(p) as i64;
            if n == 4 && i32::try_from(d).is_err() {
                return Err(format!("S + A - P = {d:#x} does not fit 32 bits"));
            }
            put(enc.endian, d as u64, n.into())
        }
        How::Branch26 => {
            let d = sa.wrapping_sub(p) as i64;
            if d % 4 != 0 || !(-(1 << 27)..(1 << 27)).contains(&d) {
                return Err(format!("branch distance {d:#x} out of range or unaligned"));
            }
            let v = (insn() & 0xfc00_0000) | (((d >> 2) as u32) & 0x03ff_ffff);
            v.to_le_bytes().to_vec()
        }
        How::Adrp => {
            let d = ((sa & !0xfff) as i64).wrapping_sub((p & !0xfff) as i64) >> 12;
            if !(-(1 << 20)..(1 << 20)).contains(&d) {
                return Err(format!("ADRP page distance {d:#x} out of range"));
            }
            let d = d as u32;
            let v = (insn() & 0x9f00_001f) | ((d & 3) << 29) | (((d >> 2) & 0x7ffff) << 5);
            v.to_le_bytes().to_vec()
        }
        How::AddLo12 => {
            let v = (insn() & 0xffc0_03ff) | (((sa & 0xfff) as u32) << 10);
            v.to_le_bytes().to_vec()
        }
    })
}

/// Where the "loader" resolves an undefined symbol.
pub(super) fn resolve_undefined(name: &[u8]) -> u64 {
    let h = name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    0x3000_0000 + (h & 0xfff) * 16
}
