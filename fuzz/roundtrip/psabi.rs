//! Relocation semantics, from the psABIs (not from the builder): what each
//! relocation type computes and which bytes its field must hold. The type
//! numbers are spelled out here rather than taken from elfin's constants,
//! so that a wrong constant there shows up as a mismatch.

use super::*;

/// x86-64 (LP64 and x32 share the numbers).
pub(super) mod x86 {
    pub const NONE: u32 = 0;
    pub const R64: u32 = 1;
    pub const PC32: u32 = 2;
    pub const RELATIVE: u32 = 8;
    pub const R32: u32 = 10;
    pub const R32S: u32 = 11;
    pub const DTPMOD64: u32 = 16;
    pub const DTPOFF64: u32 = 17;
    pub const TPOFF64: u32 = 18;
    pub const DTPOFF32: u32 = 21;
    pub const TPOFF32: u32 = 23;
    pub const PC64: u32 = 24;
    pub const PLT32: u32 = 4;
    pub const GLOB_DAT: u32 = 6;
    pub const JUMP_SLOT: u32 = 7;
    pub const GOTPCREL: u32 = 9;
    pub const GOTPCRELX: u32 = 41;
    pub const REX_GOTPCRELX: u32 = 42;
    pub const RELATIVE64: u32 = 38;
}

/// AArch64 LP64.
pub(super) mod a64 {
    pub const NONE: u32 = 0;
    pub const ABS64: u32 = 257;
    pub const ABS32: u32 = 258;
    pub const PREL64: u32 = 260;
    pub const PREL32: u32 = 261;
    pub const ADR_PREL_PG_HI21: u32 = 275;
    pub const ADD_ABS_LO12_NC: u32 = 277;
    pub const JUMP26: u32 = 282;
    pub const CALL26: u32 = 283;
    pub const TLSLE_ADD_TPREL_HI12: u32 = 549;
    pub const TLSLE_ADD_TPREL_LO12: u32 = 550;
    pub const TLSLE_ADD_TPREL_LO12_NC: u32 = 551;
    pub const GLOB_DAT: u32 = 1025;
    pub const JUMP_SLOT: u32 = 1026;
    pub const RELATIVE: u32 = 1027;
    pub const TLS_DTPMOD: u32 = 1028;
    pub const TLS_DTPREL: u32 = 1029;
    pub const TLS_TPREL: u32 = 1030;
}

/// AArch64 ILP32 (`R_AARCH64_P32_*`).
pub(super) mod p32 {
    pub const ABS32: u32 = 1;
    pub const ABS16: u32 = 2;
    pub const PREL32: u32 = 3;
    pub const ADR_PREL_PG_HI21: u32 = 11;
    pub const ADD_ABS_LO12_NC: u32 = 12;
    pub const JUMP26: u32 = 20;
    pub const CALL26: u32 = 21;
    pub const TLSLE_ADD_TPREL_HI12: u32 = 109;
    pub const TLSLE_ADD_TPREL_LO12: u32 = 110;
    pub const TLSLE_ADD_TPREL_LO12_NC: u32 = 111;
    pub const COPY: u32 = 180;
    pub const GLOB_DAT: u32 = 181;
    pub const JUMP_SLOT: u32 = 182;
    pub const RELATIVE: u32 = 183;
    pub const TLS_DTPMOD: u32 = 184;
    pub const TLS_TPREL: u32 = 186;
}

/// RISC-V (RV64).
pub(super) mod riscv {
    pub const NONE: u32 = 0;
    pub const R32: u32 = 1;
    pub const R64: u32 = 2;
    pub const RELATIVE: u32 = 3;
    pub const RELAX: u32 = 51;
}

/// Which TLS quantity a relocation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tls {
    /// The module ID.
    Module,
    /// The offset in the module's TLS block.
    DtpOff,
    /// The offset from the thread pointer.
    TpOff,
}

/// What a relocation type computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    Nothing,
    /// S + A in an address-sized word (4 bytes in 32-bit files, where it
    /// may be read signed or unsigned).
    Word,
    /// S + A in 8 bytes of a 32-bit file (x32's `R_X86_64_64`).
    Abs64,
    /// S + A in a narrower 32-bit field: the range it must fit, read
    /// signed (`min`) and unsigned (`max`).
    Abs32 {
        min: i128,
        max: i128,
    },
    /// S + A - P in 4 or 8 bytes.
    Pc(u8),
    /// AArch64 B/BL.
    Branch26,
    /// G + A - P in 4 bytes, G the address of a GOT entry holding S
    /// (x86-64 `GOTPCREL`).
    GotPc,
    /// AArch64 ADRP.
    Adrp,
    /// AArch64 ADD :lo12:.
    AddLo12,
    /// A TLS quantity of S + A in 4 or 8 bytes.
    Tls(Tls, u8),
    /// AArch64 ADD :tprel_hi12: (bits 23:12 of a TP offset below 2^24).
    TpHi12,
    /// AArch64 ADD :tprel_lo12: (checked below 2^12 unless `_NC`).
    TpLo12 {
        check: bool,
    },
}

impl How {
    pub(super) fn is_tls(self) -> bool {
        matches!(self, How::Tls(..) | How::TpHi12 | How::TpLo12 { .. })
    }

    /// Whether the value must fit a range that depends on addresses, so
    /// that a layout may have to refuse it.
    pub(super) fn range_limited(self, word: u64) -> bool {
        match self {
            How::Word => word == 4,
            How::Abs32 { .. }
            | How::Pc(4)
            | How::GotPc
            | How::Branch26
            | How::Adrp
            | How::TpHi12 => true,
            How::Tls(_, 4) => true,
            How::TpLo12 { check } => check,
            _ => false,
        }
    }
}

/// What `kind` computes on `machine` in a file of `class`: x32 keeps the
/// x86-64 numbers but its address word is `R_X86_64_32`; ILP32 numbers
/// its types apart (`R_AARCH64_P32_*`).
pub(super) fn classify(machine: u16, class: Class, kind: u32) -> Option<How> {
    let unsigned32 = How::Abs32 {
        min: 0,
        max: u32::MAX.into(),
    };
    let signed32 = How::Abs32 {
        min: i32::MIN.into(),
        max: i32::MAX.into(),
    };
    // AArch64's ABS32: -2^31 <= X < 2^32.
    let either32 = How::Abs32 {
        min: i32::MIN.into(),
        max: u32::MAX.into(),
    };
    let lp64 = class == Class::Elf64;
    Some(match machine {
        EM_X86_64 => match kind {
            x86::NONE => How::Nothing,
            x86::R64 if lp64 => How::Word,
            x86::R64 => How::Abs64,
            x86::R32 if lp64 => unsigned32,
            x86::R32 => How::Word,
            x86::R32S => signed32,
            x86::PC32 | x86::PLT32 => How::Pc(4),
            x86::PC64 => How::Pc(8),
            x86::GOTPCREL | x86::GOTPCRELX | x86::REX_GOTPCRELX => How::GotPc,
            // General- and local-dynamic GOT words are 64 bits in x32 too.
            x86::DTPMOD64 => How::Tls(Tls::Module, 8),
            x86::DTPOFF64 => How::Tls(Tls::DtpOff, 8),
            x86::TPOFF64 => How::Tls(Tls::TpOff, 8),
            x86::DTPOFF32 => How::Tls(Tls::DtpOff, 4),
            x86::TPOFF32 => How::Tls(Tls::TpOff, 4),
            _ => return None,
        },
        EM_AARCH64 if lp64 => match kind {
            a64::NONE => How::Nothing,
            a64::ABS64 => How::Word,
            a64::ABS32 => either32,
            a64::PREL32 => How::Pc(4),
            a64::PREL64 => How::Pc(8),
            a64::JUMP26 | a64::CALL26 => How::Branch26,
            a64::ADR_PREL_PG_HI21 => How::Adrp,
            a64::ADD_ABS_LO12_NC => How::AddLo12,
            a64::TLSLE_ADD_TPREL_HI12 => How::TpHi12,
            a64::TLSLE_ADD_TPREL_LO12 => How::TpLo12 { check: true },
            a64::TLSLE_ADD_TPREL_LO12_NC => How::TpLo12 { check: false },
            a64::TLS_DTPMOD => How::Tls(Tls::Module, 8),
            a64::TLS_DTPREL => How::Tls(Tls::DtpOff, 8),
            a64::TLS_TPREL => How::Tls(Tls::TpOff, 8),
            _ => return None,
        },
        EM_AARCH64 => match kind {
            a64::NONE => How::Nothing,
            p32::ABS32 => How::Word,
            p32::PREL32 => How::Pc(4),
            p32::JUMP26 | p32::CALL26 => How::Branch26,
            p32::ADR_PREL_PG_HI21 => How::Adrp,
            p32::ADD_ABS_LO12_NC => How::AddLo12,
            p32::TLSLE_ADD_TPREL_HI12 => How::TpHi12,
            p32::TLSLE_ADD_TPREL_LO12 => How::TpLo12 { check: true },
            p32::TLSLE_ADD_TPREL_LO12_NC => How::TpLo12 { check: false },
            _ => return None,
        },
        EM_RISCV if lp64 => match kind {
            riscv::NONE | riscv::RELAX => How::Nothing,
            riscv::R64 => How::Word,
            riscv::R32 => either32,
            _ => return None,
        },
        _ => return None,
    })
}

pub(super) fn field_size(how: How, word: u64) -> u64 {
    match how {
        How::Nothing => 0,
        How::Word => word,
        How::Abs64 => 8,
        How::Pc(n) | How::Tls(_, n) => n.into(),
        How::Abs32 { .. } | How::GotPc | How::Branch26 | How::Adrp | How::AddLo12 => 4,
        How::TpHi12 | How::TpLo12 { .. } => 4,
    }
}

/// The machine's `R_*_RELATIVE` and address-word absolute dynamic types
/// in a file of `class`.
pub(super) fn dynamic_types(machine: u16, class: Class) -> Option<(u32, u32)> {
    match (machine, class) {
        (EM_X86_64, Class::Elf64) => Some((x86::RELATIVE, x86::R64)),
        (EM_X86_64, Class::Elf32) => Some((x86::RELATIVE, x86::R32)),
        (EM_AARCH64, Class::Elf64) => Some((a64::RELATIVE, a64::ABS64)),
        (EM_AARCH64, Class::Elf32) => Some((p32::RELATIVE, p32::ABS32)),
        (EM_RISCV, Class::Elf64) => Some((riscv::RELATIVE, riscv::R64)),
        _ => None,
    }
}

/// Whether `kind` is a call that goes through a PLT entry when its target
/// is bound at run time (x86-64 `PLT32`, AArch64 `CALL26`/`JUMP26`).
pub(super) fn is_plt_call(machine: u16, class: Class, kind: u32) -> bool {
    match (machine, class) {
        (EM_X86_64, _) => kind == x86::PLT32,
        (EM_AARCH64, Class::Elf64) => kind == a64::CALL26 || kind == a64::JUMP26,
        (EM_AARCH64, _) => kind == p32::CALL26 || kind == p32::JUMP26,
        _ => false,
    }
}

/// GNU ld's PLT, by the psABIs and ld's output: header size, entry size,
/// the reserved `.got.plt` words, a slot's size.
pub(super) fn plt_shape(machine: u16, class: Class) -> Option<(u64, u64, u64, u64)> {
    match (machine, class) {
        // x32's slots are 8 bytes: its `jmp *slot(%rip)` reads 64 bits.
        (EM_X86_64, _) => Some((16, 16, 3, 8)),
        (EM_AARCH64, Class::Elf64) => Some((32, 16, 3, 8)),
        (EM_AARCH64, _) => Some((32, 16, 3, 4)),
        _ => None,
    }
}

/// The machine's `GLOB_DAT` and `JUMP_SLOT` types in a file of `class`.
pub(super) fn binding_types(machine: u16, class: Class) -> Option<(u32, u32)> {
    match (machine, class) {
        (EM_X86_64, _) => Some((x86::GLOB_DAT, x86::JUMP_SLOT)),
        (EM_AARCH64, Class::Elf64) => Some((a64::GLOB_DAT, a64::JUMP_SLOT)),
        (EM_AARCH64, _) => Some((p32::GLOB_DAT, p32::JUMP_SLOT)),
        _ => None,
    }
}

/// The TLS quantity a dynamic relocation type asks the loader for.
pub(super) fn dynamic_tls(machine: u16, class: Class, kind: u32) -> Option<Tls> {
    match classify(machine, class, kind)? {
        How::Tls(t, 8) => Some(t),
        _ => None,
    }
}

/// The thread-pointer offset of offset `off` in an executable's TLS
/// segment of `memsz` bytes aligned to `align`: variant II on x86-64 (the
/// block ends at the thread pointer), variant I on AArch64 (the block
/// follows a TCB of two words).
pub(super) fn tp_offset(machine: u16, word: u64, memsz: u64, align: u64, off: u64) -> u64 {
    let a = align.max(1);
    let round = |x: u64| x.div_ceil(a) * a;
    match machine {
        EM_AARCH64 => round(2 * word).wrapping_add(off),
        _ => off.wrapping_sub(round(memsz)),
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

/// Whether `v` (wrapping 64-bit arithmetic) fits `min..=max` read signed
/// or unsigned.
fn fits(v: u64, min: i128, max: i128) -> bool {
    (min..=max).contains(&i128::from(v as i64)) || (min..=max).contains(&i128::from(v))
}

/// The bytes the field must hold at run time: `v` is what the type
/// computes from (S + A, or the TLS quantity for TLS types), `p` the
/// place, both at run time; `orig` the field's bytes before relocation
/// (for instruction fields). AArch64 instructions are little-endian
/// whatever the data byte order. `Err` when the value does not fit the
/// field (the builder should have refused the relocation).
pub(super) fn expected_field(
    how: How,
    enc: Encoding,
    v: u64,
    p: u64,
    orig: &[u8],
) -> Result<Vec<u8>, String> {
    let word = enc.address_size();
    let insn = || get(Endian::Little, orig) as u32;
    let imm12 = |x: u64| {
        let v = (insn() & 0xffc0_03ff) | (((x & 0xfff) as u32) << 10);
        v.to_le_bytes().to_vec()
    };
    Ok(match how {
        How::Nothing => Vec::new(),
        How::Word if word == 4 => {
            if !fits(v, i32::MIN.into(), u32::MAX.into()) {
                fail!("S + A = {v:#x} does not fit the 32-bit word");
            }
            put(enc.endian, v, 4)
        }
        How::Word => put(enc.endian, v, word),
        How::Abs64 => put(enc.endian, v, 8),
        How::Abs32 { min, max } => {
            if !fits(v, min, max) {
                fail!("S + A = {v:#x} does not fit the 32-bit field");
            }
            put(enc.endian, v, 4)
        }
        How::Tls(_, n) => {
            if n == 4 && i32::try_from(v as i64).is_err() {
                fail!("the TLS value {v:#x} does not fit 32 bits");
            }
            put(enc.endian, v, n.into())
        }
        How::GotPc => fail!("a GOT-relative field is checked through its GOT entry"),
        How::Pc(n) => {
            let d = v.wrapping_sub(p) as i64;
            if n == 4 && i32::try_from(d).is_err() {
                fail!("S + A - P = {d:#x} does not fit 32 bits");
            }
            put(enc.endian, d as u64, n.into())
        }
        How::Branch26 => {
            let d = v.wrapping_sub(p) as i64;
            if d % 4 != 0 || !(-(1 << 27)..(1 << 27)).contains(&d) {
                fail!("branch distance {d:#x} out of range or unaligned");
            }
            let v = (insn() & 0xfc00_0000) | (((d >> 2) as u32) & 0x03ff_ffff);
            v.to_le_bytes().to_vec()
        }
        How::Adrp => {
            let d = ((v & !0xfff) as i64).wrapping_sub((p & !0xfff) as i64) >> 12;
            if !(-(1 << 20)..(1 << 20)).contains(&d) {
                fail!("ADRP page distance {d:#x} out of range");
            }
            let d = d as u32;
            let v = (insn() & 0x9f00_001f) | ((d & 3) << 29) | (((d >> 2) & 0x7ffff) << 5);
            v.to_le_bytes().to_vec()
        }
        How::AddLo12 => imm12(v),
        How::TpHi12 => {
            if v >= 1 << 24 {
                fail!("the TP offset {v:#x} is not below 2^24");
            }
            imm12(v >> 12)
        }
        How::TpLo12 { check } => {
            if check && v >= 1 << 12 {
                fail!("the TP offset {v:#x} is not below 2^12");
            }
            imm12(v)
        }
    })
}

fn name_hash(name: &[u8]) -> u64 {
    name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Where the "loader" resolves an undefined symbol.
pub(super) fn resolve_undefined(name: &[u8]) -> u64 {
    0x3000_0000 + (name_hash(name) & 0xfff) * 16
}

/// The "loader"'s module ID of this file's TLS block, in a shared object.
pub(super) const OWN_MODULE: u64 = 7;
/// The "loader"'s thread-pointer offset of a shared object's TLS block.
pub(super) const OWN_TP_OFFSET: u64 = 0x2_0000u64.wrapping_neg();

/// The "loader"'s TLS resolution of an undefined symbol: its module, its
/// offset there, its thread-pointer offset.
pub(super) fn resolve_undefined_tls(name: &[u8], what: Tls) -> u64 {
    let h = name_hash(name);
    match what {
        Tls::Module => 2 + h % 5,
        Tls::DtpOff => (h >> 8) & 0xff0,
        Tls::TpOff => ((h >> 8) & 0xff0).wrapping_sub(0x1_0000),
    }
}
