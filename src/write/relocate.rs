//! Relocations the builder resolves itself, per machine and class:
//! absolute, PC-relative and TLS kinds for x86-64 (LP64 and x32) and
//! AArch64 (LP64 and ILP32).

use crate::raw::consts::*;
use crate::read::{Class, Encoding, Endian};

/// Which TLS quantity a relocation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TlsValue {
    /// The offset from the thread pointer (initial and local exec).
    TpOff,
    /// The offset in the object's TLS block (dynamic models).
    DtpOff,
    /// The object's TLS module ID.
    Module,
}

/// What a relocation type asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// `S + A` in an address-sized word: may need the load address.
    AbsWord,
    /// `S + A` in 64 bits of a 32-bit file (x32's `R_X86_64_64`).
    Abs64,
    /// `S + A` in a 32-bit field, read signed, unsigned, or either (its
    /// range): only for fixed addresses.
    Abs32 { signed: bool, unsigned: bool },
    /// `S + A - P` in `size` bytes.
    PcRel { size: u8 },
    /// AArch64 B/BL: `(S + A - P) >> 2` in 26 bits.
    Branch26,
    /// AArch64 ADRP: page delta in 21 bits.
    AdrpPage21,
    /// AArch64 ADD: low 12 bits of `S + A`.
    AddLo12,
    /// A TLS quantity of `S + A` in `size` bytes.
    Tls { value: TlsValue, size: u8 },
    /// AArch64 ADD: bits 23:12 of the thread-pointer offset, which must be
    /// below 2^24.
    TpRelHi12,
    /// AArch64 ADD: bits 11:0 of the thread-pointer offset, checked to be
    /// below 2^12 unless `nc`.
    TpRelLo12 { nc: bool },
    /// Nothing to do.
    Nothing,
}

impl How {
    /// The size of the field a dynamic relocation of this kind fills.
    pub(crate) fn field_size(self, word: u64) -> u64 {
        match self {
            How::AbsWord => word,
            How::Abs64 => 8,
            How::Tls { size, .. } | How::PcRel { size } => size.into(),
            How::Nothing => 0,
            _ => 4,
        }
    }

    /// Whether the value is a TLS quantity rather than an address.
    pub(crate) fn is_tls(self) -> bool {
        matches!(
            self,
            How::Tls { .. } | How::TpRelHi12 | How::TpRelLo12 { .. }
        )
    }
}

/// How the builder handles `kind` on `machine` in a file of `class`, if it
/// can. x32 and AArch64 ILP32 are 32-bit files of the 64-bit machines: x32
/// keeps x86-64's numbers (its address-sized word is `R_X86_64_32`), ILP32
/// has its own `R_AARCH64_P32_*` numbers.
pub(crate) fn classify(machine: u16, class: Class, kind: u32) -> Option<How> {
    let tls = |value, size| How::Tls { value, size };
    Some(match (machine, class, kind) {
        (EM_X86_64, _, R_X86_64_NONE) | (EM_AARCH64, _, R_AARCH64_NONE) => How::Nothing,
        (EM_X86_64, Class::Elf64, R_X86_64_64) => How::AbsWord,
        (EM_X86_64, Class::Elf64, R_X86_64_32) => How::Abs32 {
            signed: false,
            unsigned: true,
        },
        (EM_X86_64, Class::Elf32, R_X86_64_64) => How::Abs64,
        (EM_X86_64, Class::Elf32, R_X86_64_32) => How::AbsWord,
        (EM_X86_64, _, R_X86_64_32S) => How::Abs32 {
            signed: true,
            unsigned: false,
        },
        (EM_X86_64, _, R_X86_64_PC32 | R_X86_64_PLT32) => How::PcRel { size: 4 },
        (EM_X86_64, _, R_X86_64_PC64) => How::PcRel { size: 8 },
        // GOT words of the general- and local-dynamic models are 64 bits in
        // x32 too.
        (EM_X86_64, _, R_X86_64_DTPMOD64) => tls(TlsValue::Module, 8),
        (EM_X86_64, _, R_X86_64_DTPOFF64) => tls(TlsValue::DtpOff, 8),
        (EM_X86_64, _, R_X86_64_TPOFF64) => tls(TlsValue::TpOff, 8),
        (EM_X86_64, _, R_X86_64_DTPOFF32) => tls(TlsValue::DtpOff, 4),
        (EM_X86_64, _, R_X86_64_TPOFF32) => tls(TlsValue::TpOff, 4),
        (EM_AARCH64, Class::Elf64, k) => match k {
            R_AARCH64_ABS64 => How::AbsWord,
            // -2^31 <= S + A < 2^32, as the AArch64 psABI checks.
            R_AARCH64_ABS32 => How::Abs32 {
                signed: true,
                unsigned: true,
            },
            R_AARCH64_PREL32 => How::PcRel { size: 4 },
            R_AARCH64_PREL64 => How::PcRel { size: 8 },
            R_AARCH64_CALL26 | R_AARCH64_JUMP26 => How::Branch26,
            R_AARCH64_ADR_PREL_PG_HI21 => How::AdrpPage21,
            R_AARCH64_ADD_ABS_LO12_NC => How::AddLo12,
            R_AARCH64_TLSLE_ADD_TPREL_HI12 => How::TpRelHi12,
            R_AARCH64_TLSLE_ADD_TPREL_LO12 => How::TpRelLo12 { nc: false },
            R_AARCH64_TLSLE_ADD_TPREL_LO12_NC => How::TpRelLo12 { nc: true },
            R_AARCH64_TLS_DTPMOD => tls(TlsValue::Module, 8),
            R_AARCH64_TLS_DTPREL => tls(TlsValue::DtpOff, 8),
            R_AARCH64_TLS_TPREL => tls(TlsValue::TpOff, 8),
            _ => return None,
        },
        (EM_AARCH64, Class::Elf32, k) => match k {
            R_AARCH64_P32_ABS32 => How::AbsWord,
            R_AARCH64_P32_PREL32 => How::PcRel { size: 4 },
            R_AARCH64_P32_CALL26 | R_AARCH64_P32_JUMP26 => How::Branch26,
            R_AARCH64_P32_ADR_PREL_PG_HI21 => How::AdrpPage21,
            R_AARCH64_P32_ADD_ABS_LO12_NC => How::AddLo12,
            R_AARCH64_P32_TLSLE_ADD_TPREL_HI12 => How::TpRelHi12,
            R_AARCH64_P32_TLSLE_ADD_TPREL_LO12 => How::TpRelLo12 { nc: false },
            R_AARCH64_P32_TLSLE_ADD_TPREL_LO12_NC => How::TpRelLo12 { nc: true },
            _ => return None,
        },
        _ => return None,
    })
}

/// The machine's `R_*_RELATIVE` and address-sized absolute types for a
/// file of `class`.
pub(crate) fn dynamic_types(machine: u16, class: Class) -> Option<(u32, u32)> {
    match (machine, class) {
        (EM_X86_64, Class::Elf64) => Some((R_X86_64_RELATIVE, R_X86_64_64)),
        (EM_X86_64, Class::Elf32) => Some((R_X86_64_RELATIVE, R_X86_64_32)),
        (EM_AARCH64, Class::Elf64) => Some((R_AARCH64_RELATIVE, R_AARCH64_ABS64)),
        (EM_AARCH64, Class::Elf32) => Some((R_AARCH64_P32_RELATIVE, R_AARCH64_P32_ABS32)),
        _ => None,
    }
}

/// The thread-pointer offset of the byte at `offset` in an executable's
/// TLS segment of `mem_size` bytes aligned to `align`, on `machine` with
/// `word`-byte pointers. x86-64 uses variant II (the block ends at the
/// thread pointer), AArch64 variant I (the block follows a two-word TCB).
pub(crate) fn tp_offset(machine: u16, word: u64, mem_size: u64, align: u64, offset: u64) -> u64 {
    let round = |x: u64| x.div_ceil(align.max(1)) * align.max(1);
    match machine {
        EM_AARCH64 => round(2 * word).wrapping_add(offset),
        _ => offset.wrapping_sub(round(mem_size)),
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

/// A value that does not fit its field: what, and the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutOfRange {
    pub what: &'static str,
    pub value: u64,
}

/// The bytes to store at `P` for a resolved relocation, given the bytes
/// there now (`at`, for instruction fields). `value` is `S + A`, where `S`
/// is the TLS quantity itself for TLS kinds.
pub(crate) fn resolve(
    enc: Encoding,
    how: How,
    value: u64,
    p: u64,
    at: &[u8],
) -> Result<Option<([u8; 8], usize)>, OutOfRange> {
    let range = |what: &'static str, value: u64| Err(OutOfRange { what, value });
    let word = enc.address_size();
    let add_imm12 = |imm: u64| {
        let insn = (get_insn(at) & 0xffc0_03ff) | (((imm & 0xfff) as u32) << 10);
        put(INSN, insn.into(), 4)
    };
    Ok(Some(match how {
        How::Nothing => return Ok(None),
        How::AbsWord if word == 4 => {
            // A 32-bit word holds S + A whether read signed or unsigned
            // (x32's R_X86_64_32, ILP32's P32_ABS32).
            let v = value as i64;
            if !(i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) {
                return range("value (does not fit the 32-bit word)", value);
            }
            put(enc, value, 4)
        }
        How::AbsWord => put(enc, value, word),
        How::Abs64 => put(enc, value, 8),
        How::Abs32 { signed, unsigned } => {
            let fits = (signed && i32::try_from(value as i64).is_ok())
                || (unsigned && u32::try_from(value).is_ok());
            if !fits {
                return range("value (does not fit the 32-bit field)", value);
            }
            put(enc, value, 4)
        }
        How::Tls { size, .. } => {
            let v = value as i64;
            if size == 4 && i32::try_from(v).is_err() {
                return range("TLS offset (does not fit 32 bits)", value);
            }
            put(enc, value, size.into())
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
        How::AddLo12 => add_imm12(value),
        How::TpRelHi12 => {
            if value >= 1 << 24 {
                return range("thread-pointer offset (not below 16 MiB)", value);
            }
            add_imm12(value >> 12)
        }
        How::TpRelLo12 { nc } => {
            if !nc && value >= 1 << 12 {
                return range("thread-pointer offset (not below 4 KiB)", value);
            }
            add_imm12(value)
        }
    }))
}
