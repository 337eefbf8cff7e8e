//! x86-64 (System V AMD64 psABI), LP64 and x32.
//!
//! Data fields are little-endian words; code refers to data with 32-bit
//! fields (`PC32`, `32S`, `GOTPCREL`), 4 bytes before the end of the
//! instruction, hence `A = -4` on RIP-relative operands and calls.
//!
//! | type | value | field | needs |
//! |---|---|---|---|
//! | `NONE` | – | – | |
//! | `64` | S + A | 64 bits | |
//! | `32` | S + A | 32 bits unsigned (x32: either, the address word) | |
//! | `32S` | S + A | 32 bits signed | |
//! | `16`, `8` | S + A | 16 / 8 bits, signed or unsigned | |
//! | `PC64` | S + A - P | 64 bits | |
//! | `PC32`, `PC16`, `PC8` | S + A - P | 32 / 16 / 8 bits signed | |
//! | `PLT32` | L + A - P | 32 bits signed | PLT |
//! | `GOTPCREL`, `GOTPCRELX`, `REX_GOTPCRELX` | G + A - P | 32 bits signed | GOT |
//! | `GOTOFF64` | S + A - GOT | 64 bits | GOT base |
//! | `GOTPC32`, `GOTPC64` | GOT + A - P | 32 bits signed / 64 bits | GOT base |
//! | `SIZE32`, `SIZE64` | Z + A | 32 bits unsigned / 64 bits | |
//! | `DTPMOD64` | module ID | 64 bits | |
//! | `DTPOFF64`, `DTPOFF32` | offset in the TLS block + A | 64 / 32 bits signed | |
//! | `TPOFF64`, `TPOFF32` | offset from the thread pointer + A | 64 / 32 bits signed | |
//!
//! GOT is `_GLOBAL_OFFSET_TABLE_`, the start of `.got.plt`. The TLS
//! block is variant II: it ends at the thread pointer. GOTPCRELX
//! relaxation is not done: the GOT load stays a load.

use super::{
    Check, DynamicTypes, Error, Howto, Needs, PageSize, PltEntry, PltLayout, TlsValue, Value, data,
    field::put_data,
};
use crate::raw::consts::*;
use crate::read::Endian;

/// How `r_type` is computed and patched, in LP64 or (`x32`) x32.
pub fn howto(r_type: u32, x32: bool) -> Option<Howto> {
    let h = Howto::new;
    Some(match r_type {
        R_X86_64_NONE => h(Value::None, data(0, Check::None)),
        R_X86_64_64 => h(Value::Abs, data(8, Check::None)),
        R_X86_64_32 if x32 => h(Value::Abs, data(4, Check::Either)),
        R_X86_64_32 => h(Value::Abs, data(4, Check::Unsigned)),
        R_X86_64_32S => h(Value::Abs, data(4, Check::Signed)),
        R_X86_64_16 => h(Value::Abs, data(2, Check::Either)),
        R_X86_64_8 => h(Value::Abs, data(1, Check::Either)),
        R_X86_64_PC64 => h(Value::PcRel, data(8, Check::None)),
        R_X86_64_PC32 => h(Value::PcRel, data(4, Check::Signed)),
        R_X86_64_PC16 => h(Value::PcRel, data(2, Check::Signed)),
        R_X86_64_PC8 => h(Value::PcRel, data(1, Check::Signed)),
        R_X86_64_PLT32 => h(Value::PcRel, data(4, Check::Signed)).needs(Needs::Plt),
        R_X86_64_GOTPCREL | R_X86_64_GOTPCRELX | R_X86_64_REX_GOTPCRELX => {
            h(Value::GotPcRel, data(4, Check::Signed)).needs(Needs::Got)
        }
        R_X86_64_GOTOFF64 => h(Value::GotOff, data(8, Check::None)).needs(Needs::GotBase),
        R_X86_64_GOTPC32 => h(Value::GotBasePcRel, data(4, Check::Signed)).needs(Needs::GotBase),
        R_X86_64_GOTPC64 => h(Value::GotBasePcRel, data(8, Check::None)).needs(Needs::GotBase),
        R_X86_64_SIZE32 => h(Value::Size, data(4, Check::Unsigned)),
        R_X86_64_SIZE64 => h(Value::Size, data(8, Check::None)),
        // The GOT words of the general- and local-dynamic models are 64
        // bits in x32 too.
        R_X86_64_DTPMOD64 => h(Value::Tls(TlsValue::Module), data(8, Check::None)),
        R_X86_64_DTPOFF64 => h(Value::Tls(TlsValue::DtpOff), data(8, Check::None)),
        R_X86_64_TPOFF64 => h(Value::Tls(TlsValue::TpOff), data(8, Check::None)),
        R_X86_64_DTPOFF32 => h(Value::Tls(TlsValue::DtpOff), data(4, Check::Signed)),
        R_X86_64_TPOFF32 => h(Value::Tls(TlsValue::TpOff), data(4, Check::Signed)),
        _ => return None,
    })
}

/// LP64's dynamic relocation types.
pub const DYNAMIC: DynamicTypes = DynamicTypes {
    relative: R_X86_64_RELATIVE,
    abs: R_X86_64_64,
    glob_dat: R_X86_64_GLOB_DAT,
    jump_slot: R_X86_64_JUMP_SLOT,
    copy: R_X86_64_COPY,
    irelative: R_X86_64_IRELATIVE,
    dtpmod: R_X86_64_DTPMOD64,
    dtpoff: R_X86_64_DTPOFF64,
    tpoff: R_X86_64_TPOFF64,
    relative64: None,
};

/// x32's: the same numbers, `R_X86_64_32` as the address word, and
/// `RELATIVE64` for 64-bit words.
pub const DYNAMIC_X32: DynamicTypes = DynamicTypes {
    abs: R_X86_64_32,
    relative64: Some(R_X86_64_RELATIVE64),
    ..DYNAMIC
};

/// 4 KiB pages.
pub const PAGE_SIZE: PageSize = PageSize {
    max: 0x1000,
    common: 0x1000,
};

/// The lazy PLT of GNU ld (without IBT): a 16-byte header, 16-byte
/// entries, three reserved `.got.plt` slots; slots are 8 bytes in x32
/// too.
pub const PLT: PltLayout = PltLayout {
    header_size: 16,
    entry_size: 16,
    got_plt_reserved: 3,
    slot_size: 8,
    align: 16,
};

/// A 32-bit RIP-relative displacement from the end of a field at `at`.
fn rip(out: &mut [u8], at: usize, target: u64, addr: u64) -> Result<(), Error> {
    let p = addr.wrapping_add(at as u64);
    let field = out.get_mut(at..).ok_or(Error::Truncated { need: 4 })?;
    put_data(
        field,
        target.wrapping_sub(p).wrapping_sub(4),
        4,
        Check::Signed,
        Endian::Little,
    )
}

fn copy(out: &mut [u8], bytes: &[u8]) -> Result<(), Error> {
    out.get_mut(..bytes.len())
        .ok_or(Error::Truncated {
            need: bytes.len() as u8,
        })?
        .copy_from_slice(bytes);
    Ok(())
}

/// `push GOT[1](%rip); jmp *GOT[2](%rip); nopl 0(%rax)`.
pub fn write_plt_header(out: &mut [u8], plt: u64, got_plt: u64) -> Result<(), Error> {
    copy(
        out,
        &[
            0xff, 0x35, 0, 0, 0, 0, 0xff, 0x25, 0, 0, 0, 0, 0x0f, 0x1f, 0x40, 0x00,
        ],
    )?;
    rip(out, 2, got_plt.wrapping_add(8), plt)?;
    rip(out, 8, got_plt.wrapping_add(16), plt)
}

/// `jmp *slot(%rip); push $index; jmp PLT0`.
pub fn write_plt_entry(out: &mut [u8], e: &PltEntry) -> Result<(), Error> {
    copy(
        out,
        &[0xff, 0x25, 0, 0, 0, 0, 0x68, 0, 0, 0, 0, 0xe9, 0, 0, 0, 0],
    )?;
    rip(out, 2, e.slot, e.addr)?;
    put_data(
        out.get_mut(7..).ok_or(Error::Truncated { need: 16 })?,
        e.index.into(),
        4,
        Check::Unsigned,
        Endian::Little,
    )?;
    rip(out, 12, e.plt, e.addr)
}
