//! One small error type: what was wrong, in which structure, at which file
//! offset.
//!
//! An [`Error`] is 24 bytes and `Copy`: a `Result` of a reader call stays
//! in registers. It keeps the offset, the entry index, and the one value
//! that explains the problem; the names (structure, field) are one byte
//! each, their text static.

mod names;

use core::fmt;

pub(crate) use names::{Field, Structure};

/// Everything that can go wrong reading (or writing) an ELF file.
///
/// An `Error` names the structure it was reading (`"section header"`), which
/// entry (`12`), the file offset of that structure (or of the bad bytes),
/// and what was wrong with it. Its `Display` reads like
/// `section header 12 at 0x1f000: sh_offset + sh_size 0x1f000 + 0x400 is out of bounds`.
///
/// ```
/// let mut header = [0u8; 64];
/// header[..5].copy_from_slice(b"\x7fELF\x09"); // EI_CLASS 9: neither 32 nor 64 bit
/// let err = elfin::ElfFile::parse(&header).unwrap_err();
/// assert_eq!(err.structure(), "file header");
/// assert_eq!(err.offset(), 4);
/// assert_eq!(err.problem(), elfin::Problem::BadClass(9));
/// assert_eq!(
///     err.to_string(),
///     "file header at 0x4: unknown class 9 (EI_CLASS must be 1 or 2)"
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    /// The file offset of the structure, or the start of the bad range.
    offset: u64,
    /// The value that explains the problem (see [`Kind`]).
    value: u64,
    /// The table entry, or [`NO_INDEX`].
    index: u32,
    structure: Structure,
    field: Field,
    kind: Kind,
    /// A second, small value: the expected entry size.
    small: u8,
}

// Small enough to return in registers, and as small as other ELF readers'.
const _: () = assert!(core::mem::size_of::<Error>() <= 24);
const _: () = assert!(core::mem::size_of::<Option<Error>>() <= 24);

/// `index` when the error names no table entry.
const NO_INDEX: u32 = u32::MAX;

/// What kind of problem, stored; [`Problem`] is its readable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
// Some kinds are only the writer's, or decompression's.
#[cfg_attr(not(all(feature = "write", feature = "compression")), allow(dead_code))]
enum Kind {
    BadMagic,
    /// `value`: the class byte.
    BadClass,
    /// `value`: the data byte.
    BadByteOrder,
    /// `offset`: start of the range, `value`: its size.
    OutOfBounds,
    /// `offset`: start of the range, `value`: its size.
    Overflow,
    /// `value`: the size found, `small`: the size expected.
    BadEntrySize,
    /// `value`: the index found.
    BadIndex,
    /// `value`: the value found.
    BadValue,
    Unterminated,
    NotUtf8,
    /// `field`: what is missing.
    Missing,
    Loop,
    /// `field`: why.
    Decompress,
    /// `value`: `ch_type`.
    UnsupportedCompression,
    /// `value`: the size it would take.
    TooLarge,
}

/// What was wrong with a structure: the readable form of an [`Error`]'s
/// kind, with its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The file does not start with `\x7fELF`.
    BadMagic,
    /// `e_ident[EI_CLASS]` is neither 32 nor 64 bit.
    BadClass(u8),
    /// `e_ident[EI_DATA]` is neither little nor big endian.
    BadByteOrder(u8),
    /// A range reaches past what contains it (the file, a section, a
    /// segment, a note).
    #[non_exhaustive]
    OutOfBounds {
        /// The fields that give the range, e.g. `"sh_offset + sh_size"`.
        field: &'static str,
        /// Start of the range (also the error's offset).
        start: u64,
        /// Size of the range.
        size: u64,
    },
    /// Start plus size does not fit in 64 bits.
    #[non_exhaustive]
    Overflow {
        /// The fields that give the range.
        field: &'static str,
        /// Start of the range (also the error's offset).
        start: u64,
        /// Size of the range.
        size: u64,
    },
    /// An entry size is not the one the format requires.
    #[non_exhaustive]
    BadEntrySize {
        /// The field, e.g. `"sh_entsize"`.
        field: &'static str,
        /// The value found.
        found: u64,
        /// The value expected.
        expected: u64,
    },
    /// An index refers past the end of its table.
    #[non_exhaustive]
    BadIndex {
        /// The field holding the index, e.g. `"sh_link"`.
        field: &'static str,
        /// The index found.
        index: u64,
    },
    /// A field has a value that makes no sense here.
    #[non_exhaustive]
    BadValue {
        /// The field.
        field: &'static str,
        /// Its value.
        value: u64,
    },
    /// A string has no terminating NUL before the end of its table.
    Unterminated,
    /// A string is not valid UTF-8 (only from the `&str` helpers).
    NotUtf8,
    /// The structure is not there (e.g. no `.dynamic`, no `DT_STRTAB`).
    Missing(&'static str),
    /// A walk did not end within the bound the input allows.
    Loop,
    /// Decompression failed or produced more than allowed.
    Decompress(&'static str),
    /// A compression format elfin does not handle (or is not built with).
    UnsupportedCompression(u32),
    /// The output would be larger than its limit: the caller's, or the
    /// bound a rewrite documents.
    #[non_exhaustive]
    TooLarge {
        /// The size it would take.
        size: u64,
    },
}

/// The crate's `Result`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

// Some constructors are only the writer's, or decompression's.
#[cfg_attr(not(all(feature = "write", feature = "compression")), allow(dead_code))]
impl Error {
    const fn make(structure: Structure, offset: u64, kind: Kind, field: Field, value: u64) -> Self {
        Error {
            offset,
            value,
            index: NO_INDEX,
            structure,
            field,
            kind,
            small: 0,
        }
    }

    /// `\x7fELF` is not there.
    pub(crate) const fn bad_magic() -> Self {
        Self::make(Structure::FileHeader, 0, Kind::BadMagic, Field::None, 0)
    }

    /// `EI_CLASS` (at offset 4) is `class`.
    pub(crate) const fn bad_class(class: u8) -> Self {
        Self::make(
            Structure::FileHeader,
            4,
            Kind::BadClass,
            Field::None,
            class as u64,
        )
    }

    /// `EI_DATA` (at offset 5) is `data`.
    pub(crate) const fn bad_byte_order(data: u8) -> Self {
        Self::make(
            Structure::FileHeader,
            5,
            Kind::BadByteOrder,
            Field::None,
            data as u64,
        )
    }

    /// The range `start..start + size` (file offsets) given by `field`
    /// reaches past what holds it.
    pub(crate) const fn out_of_bounds(
        structure: Structure,
        field: Field,
        start: u64,
        size: u64,
    ) -> Self {
        Self::make(structure, start, Kind::OutOfBounds, field, size)
    }

    /// `start + size` (given by `field`) overflows.
    pub(crate) const fn overflow(
        structure: Structure,
        field: Field,
        start: u64,
        size: u64,
    ) -> Self {
        Self::make(structure, start, Kind::Overflow, field, size)
    }

    /// `field` is `found`; the format requires `expected` (an entry size,
    /// below 256).
    pub(crate) const fn bad_entry_size(
        structure: Structure,
        offset: u64,
        field: Field,
        found: u64,
        expected: u8,
    ) -> Self {
        let mut e = Self::make(structure, offset, Kind::BadEntrySize, field, found);
        e.small = expected;
        e
    }

    /// The index `index` in `field` is past the end of its table.
    pub(crate) const fn bad_index(
        structure: Structure,
        offset: u64,
        field: Field,
        index: u64,
    ) -> Self {
        Self::make(structure, offset, Kind::BadIndex, field, index)
    }

    /// `field` has the value `value`, which makes no sense here.
    pub(crate) const fn bad_value(
        structure: Structure,
        offset: u64,
        field: Field,
        value: u64,
    ) -> Self {
        Self::make(structure, offset, Kind::BadValue, field, value)
    }

    /// A string at `offset` has no NUL before the end of its table.
    pub(crate) const fn unterminated(structure: Structure, offset: u64) -> Self {
        Self::make(structure, offset, Kind::Unterminated, Field::None, 0)
    }

    /// A string at `offset` is not UTF-8.
    pub(crate) const fn not_utf8(structure: Structure, offset: u64) -> Self {
        Self::make(structure, offset, Kind::NotUtf8, Field::None, 0)
    }

    /// `what` is not there.
    pub(crate) const fn missing(structure: Structure, offset: u64, what: Field) -> Self {
        Self::make(structure, offset, Kind::Missing, what, 0)
    }

    /// A walk did not end within its bound.
    pub(crate) const fn endless(structure: Structure, offset: u64) -> Self {
        Self::make(structure, offset, Kind::Loop, Field::None, 0)
    }

    /// Decompression failed (`why`).
    pub(crate) const fn decompress(structure: Structure, offset: u64, why: Field) -> Self {
        Self::make(structure, offset, Kind::Decompress, why, 0)
    }

    /// `ch_type` is one elfin does not decompress.
    pub(crate) const fn unsupported_compression(
        structure: Structure,
        offset: u64,
        ch_type: u32,
    ) -> Self {
        Self::make(
            structure,
            offset,
            Kind::UnsupportedCompression,
            Field::None,
            ch_type as u64,
        )
    }

    /// The output would be `size` bytes, more than its limit.
    pub(crate) const fn too_large(structure: Structure, offset: u64, size: u64) -> Self {
        Self::make(structure, offset, Kind::TooLarge, Field::None, size)
    }

    /// The same error, naming the table entry it is about (for a caller
    /// that walks a table and knows which entry it was at).
    ///
    /// An index past `u32::MAX - 1`, which no table held in memory reaches
    /// with entries of 2 bytes or more, is kept as `u32::MAX - 1`.
    #[must_use]
    pub const fn at_index(mut self, index: u64) -> Self {
        self.index = if index >= NO_INDEX as u64 {
            NO_INDEX - 1
        } else {
            index as u32
        };
        self
    }

    /// The structure being read: `"file header"`, `"section header"`,
    /// `"symbol"`, …
    #[inline]
    pub const fn structure(&self) -> &'static str {
        self.structure.text()
    }

    /// Which entry of a table, when the structure is one of many.
    #[inline]
    pub const fn index(&self) -> Option<u64> {
        if self.index == NO_INDEX {
            None
        } else {
            Some(self.index as u64)
        }
    }

    /// The file offset of the structure, or of the bad bytes (for
    /// [`Problem::OutOfBounds`] and [`Problem::Overflow`], the start of the
    /// range).
    #[inline]
    pub const fn offset(&self) -> u64 {
        self.offset
    }

    /// What was wrong, with the values that explain it.
    pub const fn problem(&self) -> Problem {
        let field = self.field.text();
        let value = self.value;
        match self.kind {
            Kind::BadMagic => Problem::BadMagic,
            Kind::BadClass => Problem::BadClass(value as u8),
            Kind::BadByteOrder => Problem::BadByteOrder(value as u8),
            Kind::OutOfBounds => Problem::OutOfBounds {
                field,
                start: self.offset,
                size: value,
            },
            Kind::Overflow => Problem::Overflow {
                field,
                start: self.offset,
                size: value,
            },
            Kind::BadEntrySize => Problem::BadEntrySize {
                field,
                found: value,
                expected: self.small as u64,
            },
            Kind::BadIndex => Problem::BadIndex {
                field,
                index: value,
            },
            Kind::BadValue => Problem::BadValue { field, value },
            Kind::Unterminated => Problem::Unterminated,
            Kind::NotUtf8 => Problem::NotUtf8,
            Kind::Missing => Problem::Missing(field),
            Kind::Loop => Problem::Loop,
            Kind::Decompress => Problem::Decompress(field),
            Kind::UnsupportedCompression => Problem::UnsupportedCompression(value as u32),
            Kind::TooLarge => Problem::TooLarge { size: value },
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("structure", &self.structure())
            .field("index", &self.index())
            .field("offset", &self.offset)
            .field("problem", &self.problem())
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.structure())?;
        if let Some(i) = self.index() {
            write!(f, " {i}")?;
        }
        write!(f, " at {:#x}: {}", self.offset, self.problem())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Problem::BadMagic => f.write_str("not an ELF file (no \\x7fELF magic)"),
            Problem::BadClass(c) => write!(f, "unknown class {c} (EI_CLASS must be 1 or 2)"),
            Problem::BadByteOrder(d) => {
                write!(f, "unknown byte order {d} (EI_DATA must be 1 or 2)")
            }
            Problem::OutOfBounds { field, start, size } => {
                write!(f, "{field} {start:#x} + {size:#x} is out of bounds")
            }
            Problem::Overflow { field, start, size } => {
                write!(f, "{field} {start:#x} + {size:#x} overflows")
            }
            Problem::BadEntrySize {
                field,
                found,
                expected,
            } => write!(f, "{field} is {found}, expected {expected}"),
            Problem::BadIndex { field, index } => write!(f, "{field} {index} is out of range"),
            Problem::BadValue { field, value } => write!(f, "{field} has bad value {value:#x}"),
            Problem::Unterminated => f.write_str("string is not NUL-terminated"),
            Problem::NotUtf8 => f.write_str("string is not valid UTF-8"),
            Problem::Missing(what) => write!(f, "{what} is missing"),
            Problem::Loop => f.write_str("chain does not end (loop or too long for the input)"),
            Problem::Decompress(why) => write!(f, "decompression failed: {why}"),
            Problem::UnsupportedCompression(t) => write!(f, "unsupported compression type {t}"),
            Problem::TooLarge { size } => write!(f, "output of {size:#x} bytes exceeds the limit"),
        }
    }
}

impl core::error::Error for Error {}

/// An [`Error`] as an `io::Error` of kind `InvalidData`, for `?` in code
/// that reads files.
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}

#[cfg(test)]
mod tests;
