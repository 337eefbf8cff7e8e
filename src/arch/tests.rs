//! Properties of the relocation code that need no outside tool: no
//! panic on any place, and the errors say what the value was. The
//! encodings themselves are checked against GNU ld in tests/build.

use super::*;
use crate::raw::consts::*;

const ARCHES: [Arch; 5] = [
    Arch::X86_64,
    Arch::X32,
    Arch::AArch64,
    Arch::AArch64Ilp32,
    Arch::RiscV64,
];

#[test]
fn every_type_on_every_short_place_errs_without_panicking() {
    let values = [0u64, 1, 2, 0xfff, 0x1000, 0x7fff_ffff, u64::MAX, 1 << 40];
    for arch in ARCHES {
        for r_type in 0..1200 {
            let Some(h) = arch.howto(r_type) else {
                continue;
            };
            let size = h.field.size();
            for len in 0..=size {
                for &v in &values {
                    let mut place = [0xa5u8; 8];
                    let q = Inputs {
                        s: v,
                        a: -4,
                        p: 0x1000,
                        g: v,
                        got: 0x2000,
                        z: v,
                    };
                    let r = h.apply(&q, &mut place[..len], Endian::Big);
                    if len < size && h.value != Value::None {
                        assert_eq!(r, Err(Error::Truncated { need: size as u8 }));
                        assert!(place.iter().all(|&b| b == 0xa5), "{arch:?} {r_type}");
                    }
                }
            }
        }
    }
}

#[test]
fn range_and_alignment_errors_carry_the_value() {
    let mut insn = [0u8; 4];
    // bl 128 MiB away: one past the reach of imm26.
    let far = Inputs {
        s: 0x1000 + (1 << 27),
        p: 0x1000,
        ..Inputs::default()
    };
    assert_eq!(
        Arch::AArch64.apply(R_AARCH64_CALL26, &far, &mut insn, Endian::Little),
        Err(Error::OutOfRange {
            value: 1 << 27,
            bits: 28
        })
    );
    let odd = Inputs {
        s: 0x1002,
        p: 0x1000,
        ..Inputs::default()
    };
    assert_eq!(
        Arch::AArch64.apply(R_AARCH64_CALL26, &odd, &mut insn, Endian::Little),
        Err(Error::Misaligned { value: 2, align: 4 })
    );
    let ldst = Inputs {
        s: 0x4004,
        ..Inputs::default()
    };
    assert_eq!(
        Arch::AArch64.apply(
            R_AARCH64_LDST64_ABS_LO12_NC,
            &ldst,
            &mut insn,
            Endian::Little
        ),
        Err(Error::Misaligned { value: 4, align: 8 })
    );
    let mut word = [0u8; 4];
    let big = Inputs {
        s: 1 << 32,
        ..Inputs::default()
    };
    assert_eq!(
        Arch::X86_64.apply(R_X86_64_32, &big, &mut word, Endian::Little),
        Err(Error::OutOfRange {
            value: 1 << 32,
            bits: 32
        })
    );
    assert_eq!(
        Arch::X86_64.apply(R_X86_64_GLOB_DAT, &big, &mut word, Endian::Little),
        Err(Error::Unsupported {
            r_type: R_X86_64_GLOB_DAT
        })
    );
}

#[test]
fn machines_and_classes_map_both_ways() {
    for arch in ARCHES {
        assert_eq!(Arch::new(arch.machine(), arch.class()), Some(arch));
        let d = arch.dynamic_types();
        assert_ne!(d.relative, 0);
        assert!(arch.page_size().max >= arch.page_size().common);
    }
    assert_eq!(Arch::new(EM_RISCV, Class::Elf32), None);
}

#[test]
fn dynamic_types_read_back_as_their_kind() {
    for arch in ARCHES {
        let d = arch.dynamic_types();
        assert_eq!(d.kind(d.relative), Some(DynamicKind::Relative));
        assert_eq!(d.kind(d.jump_slot), Some(DynamicKind::JumpSlot));
        assert_eq!(d.kind(d.tpoff), Some(DynamicKind::TpOff));
        assert_eq!(d.kind(0), None);
    }
    assert_eq!(
        x86_64::DYNAMIC_X32.kind(R_X86_64_RELATIVE64),
        Some(DynamicKind::Relative64)
    );
}
