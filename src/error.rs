//! One error type: what was wrong, in which structure, at which file offset.

use core::fmt;

/// Everything that can go wrong reading (or writing) an ELF file.
///
/// An `Error` names the structure it was reading (`"section header"`), which
/// entry (`12`), the file offset of that structure, and what was wrong with
/// it. Its `Display` reads like
/// `section header 12 at 0x1f3c0: sh_offset 0x1f000 + sh_size 0x400 is past the end of the file (0x1f200)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    /// The structure being read: `"file header"`, `"section header"`, `"symbol"`, …
    pub structure: &'static str,
    /// Which entry of a table, when the structure is one of many.
    pub index: Option<u64>,
    /// The file offset of the structure (or of the bad bytes).
    pub offset: u64,
    /// What was wrong.
    pub problem: Problem,
}

/// What was wrong with a structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The file does not start with `\x7fELF`.
    BadMagic,
    /// `e_ident[EI_CLASS]` is neither 32 nor 64 bit.
    BadClass(u8),
    /// `e_ident[EI_DATA]` is neither little nor big endian.
    BadByteOrder(u8),
    /// A range (`field` gives start and size) reaches past what contains it.
    OutOfBounds {
        /// The fields that give the range, e.g. `"sh_offset + sh_size"`.
        field: &'static str,
        /// Start of the range.
        start: u64,
        /// Size of the range.
        size: u64,
        /// End of what should contain it (usually the file size).
        limit: u64,
    },
    /// Start plus size does not fit in 64 bits (or in the address space).
    Overflow {
        /// The fields that give the range.
        field: &'static str,
        /// Start of the range.
        start: u64,
        /// Size of the range.
        size: u64,
    },
    /// An entry size is not the one the format requires.
    BadEntrySize {
        /// The field, e.g. `"sh_entsize"`.
        field: &'static str,
        /// The value found.
        found: u64,
        /// The value expected.
        expected: u64,
    },
    /// A size is not a multiple of the entry size.
    NotMultiple {
        /// The field, e.g. `"sh_size"`.
        field: &'static str,
        /// The size found.
        size: u64,
        /// The entry size it should be a multiple of.
        entry: u64,
    },
    /// An index refers past the end of its table.
    BadIndex {
        /// The field holding the index, e.g. `"sh_link"`.
        field: &'static str,
        /// The index found.
        index: u64,
        /// The number of entries in the table.
        count: u64,
    },
    /// A field has a value that makes no sense here.
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
    /// bound a rewrite documents (`write::Rewriter::plan`).
    TooLarge {
        /// The size it would take.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

/// The crate's `Result`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// An error in `structure` at `offset`.
    pub const fn new(structure: &'static str, offset: u64, problem: Problem) -> Self {
        Error {
            structure,
            index: None,
            offset,
            problem,
        }
    }

    /// The same error, naming the table entry it is about.
    pub const fn at_index(mut self, index: u64) -> Self {
        self.index = Some(index);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.structure)?;
        if let Some(i) = self.index {
            write!(f, " {i}")?;
        }
        write!(f, " at {:#x}: {}", self.offset, self.problem)
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
            Problem::OutOfBounds {
                field,
                start,
                size,
                limit,
            } => write!(
                f,
                "{field} {start:#x} + {size:#x} is past the end of the file ({limit:#x})"
            ),
            Problem::Overflow { field, start, size } => {
                write!(f, "{field} {start:#x} + {size:#x} overflows")
            }
            Problem::BadEntrySize {
                field,
                found,
                expected,
            } => {
                write!(f, "{field} is {found}, expected {expected}")
            }
            Problem::NotMultiple { field, size, entry } => {
                write!(
                    f,
                    "{field} {size:#x} is not a multiple of the entry size {entry}"
                )
            }
            Problem::BadIndex {
                field,
                index,
                count,
            } => {
                write!(f, "{field} {index} is out of range (there are {count})")
            }
            Problem::BadValue { field, value } => write!(f, "{field} has bad value {value:#x}"),
            Problem::Unterminated => f.write_str("string is not NUL-terminated"),
            Problem::NotUtf8 => f.write_str("string is not valid UTF-8"),
            Problem::Missing(what) => write!(f, "{what} is missing"),
            Problem::Loop => f.write_str("chain does not end (loop or too long for the input)"),
            Problem::Decompress(why) => write!(f, "decompression failed: {why}"),
            Problem::UnsupportedCompression(t) => write!(f, "unsupported compression type {t}"),
            Problem::TooLarge { size, limit } => {
                write!(f, "output of {size:#x} bytes exceeds the limit {limit:#x}")
            }
        }
    }
}

impl core::error::Error for Error {}
