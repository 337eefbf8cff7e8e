//! Range checks and read-modify-write of fields, shared by the machines.

use super::Error;
use crate::read::Endian;

/// How a value must fit an `n`-bit field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Not checked: the low bits are kept.
    None,
    /// As a signed number: `-2^(n-1) <= v < 2^(n-1)`.
    Signed,
    /// As an unsigned number: `v < 2^n`.
    Unsigned,
    /// As either: `-2^(n-1) <= v < 2^n`.
    Either,
}

impl Check {
    /// Whether `value` fits `bits` bits.
    #[inline]
    pub fn fits(self, value: u64, bits: u32) -> bool {
        if bits >= 64 {
            return true;
        }
        let v = value as i64;
        let signed = (-(1i64 << (bits - 1))..(1i64 << (bits - 1))).contains(&v);
        let unsigned = value < (1u64 << bits);
        match self {
            Check::None => true,
            Check::Signed => signed,
            Check::Unsigned => unsigned,
            Check::Either => signed || unsigned,
        }
    }

    /// `Ok` if `value` fits `bits` bits, else [`Error::OutOfRange`].
    #[inline]
    pub fn check(self, value: u64, bits: u32) -> Result<(), Error> {
        if self.fits(value, bits) {
            Ok(())
        } else {
            Err(Error::OutOfRange {
                value: value as i64,
                bits: bits as u8,
            })
        }
    }
}

/// Writes the low `size` bytes of `value` into `place` in `endian` order.
#[inline]
pub(super) fn put_data(
    place: &mut [u8],
    value: u64,
    size: u8,
    check: Check,
    endian: Endian,
) -> Result<(), Error> {
    check.check(value, u32::from(size) * 8)?;
    // The common fields as fixed-size stores (no copy of a length known
    // only at run time): a loader applies thousands of these.
    match (size, endian) {
        (4, Endian::Little) => return store(place, (value as u32).to_le_bytes()),
        (8, Endian::Little) => return store(place, value.to_le_bytes()),
        _ => {}
    }
    let n = usize::from(size).min(8);
    let place = place.get_mut(..n).ok_or(Error::Truncated { need: size })?;
    match endian {
        Endian::Little => place.copy_from_slice(&value.to_le_bytes()[..n]),
        Endian::Big => place.copy_from_slice(&value.to_be_bytes()[8 - n..]),
    }
    Ok(())
}

/// Stores `bytes` at the start of `place`.
#[inline]
fn store<const N: usize>(place: &mut [u8], bytes: [u8; N]) -> Result<(), Error> {
    let field = place
        .first_chunk_mut::<N>()
        .ok_or(Error::Truncated { need: N as u8 })?;
    *field = bytes;
    Ok(())
}

/// The little-endian 32-bit instruction at the start of `place`.
pub(super) fn get_insn(place: &[u8]) -> Result<u32, Error> {
    let b: [u8; 4] = place
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or(Error::Truncated { need: 4 })?;
    Ok(u32::from_le_bytes(b))
}

/// Stores `insn` little-endian at the start of `place`.
pub(super) fn put_insn(place: &mut [u8], insn: u32) -> Result<(), Error> {
    place
        .get_mut(..4)
        .ok_or(Error::Truncated { need: 4 })?
        .copy_from_slice(&insn.to_le_bytes());
    Ok(())
}

/// Replaces the bits of `mask` in the instruction at `place` with `bits`.
pub(super) fn update_insn(place: &mut [u8], mask: u32, bits: u32) -> Result<(), Error> {
    let insn = get_insn(place)?;
    put_insn(place, (insn & !mask) | (bits & mask))
}

/// `Ok` if `value` is a multiple of `align`.
pub(super) fn aligned(value: u64, align: u8) -> Result<(), Error> {
    if value & (u64::from(align) - 1) == 0 {
        Ok(())
    } else {
        Err(Error::Misaligned { value, align })
    }
}
