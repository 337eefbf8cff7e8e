//! Checked slicing of the input: the one place where an offset and a size
//! from the file become a slice.

use crate::error::{Error, Field, Result, Structure};

/// `data[start..start + size]`, or an error naming `structure` and `field`.
#[inline]
pub(crate) fn range(
    data: &[u8],
    start: u64,
    size: u64,
    structure: Structure,
    field: Field,
) -> Result<&[u8]> {
    let end = start
        .checked_add(size)
        .ok_or(Error::overflow(structure, field, start, size))?;
    let (Ok(from), Ok(to)) = (usize::try_from(start), usize::try_from(end)) else {
        return Err(Error::out_of_bounds(structure, field, start, size));
    };
    data.get(from..to)
        .ok_or(Error::out_of_bounds(structure, field, start, size))
}

/// `count * entry_size` as a checked byte size; `field` names the count.
pub(crate) fn table_size(
    count: u64,
    entry_size: u64,
    structure: Structure,
    offset: u64,
    field: Field,
) -> Result<u64> {
    count
        .checked_mul(entry_size)
        .ok_or(Error::bad_value(structure, offset, field, count))
}
