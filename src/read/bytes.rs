//! Checked slicing of the input: the one place where an offset and a size
//! from the file become a slice.

use crate::error::{Error, Problem, Result};

/// `data[start..start + size]`, or an error naming `structure` and `field`.
#[inline]
pub(crate) fn range<'a>(
    data: &'a [u8],
    start: u64,
    size: u64,
    structure: &'static str,
    field: &'static str,
) -> Result<&'a [u8]> {
    let end = start.checked_add(size).ok_or(Error::new(
        structure,
        start,
        Problem::Overflow { field, start, size },
    ))?;
    let len = data.len() as u64;
    if end > len {
        return Err(Error::new(
            structure,
            start,
            Problem::OutOfBounds {
                field,
                start,
                size,
                limit: len,
            },
        ));
    }
    // Both bounds are at most data.len(), which fits in usize.
    Ok(data.get(start as usize..end as usize).unwrap_or(&[]))
}

/// `count * entry_size` as a checked byte size.
pub(crate) fn table_size(
    count: u64,
    entry_size: u64,
    structure: &'static str,
    offset: u64,
    field: &'static str,
) -> Result<u64> {
    count.checked_mul(entry_size).ok_or(Error::new(
        structure,
        offset,
        Problem::Overflow {
            field,
            start: count,
            size: entry_size,
        },
    ))
}
