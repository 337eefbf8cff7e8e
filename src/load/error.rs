//! The loader's error: what could not be loaded, naming the segment,
//! relocation or symbol and its offset.

use alloc::string::String;
use core::fmt;

/// Why an image or object was not loaded.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read as ELF (the reader's error).
    Read(crate::Error),
    /// A system call failed (`what`: which one, for what).
    System {
        /// The call and its purpose, e.g. `"mmap of segment 2"`.
        what: &'static str,
        /// The error the kernel returned.
        source: std::io::Error,
    },
    /// The file is not something this loader maps: its type, class, byte
    /// order or machine.
    Unsupported {
        /// What is not supported.
        what: &'static str,
        /// Its value.
        value: u64,
    },
    /// A segment is both writable and executable (and the caller did not
    /// allow it).
    WritableAndExecutable {
        /// The program header index.
        segment: usize,
        /// Its virtual address.
        address: u64,
    },
    /// Two segments overlap in memory (or share a page, which one mapping
    /// per segment cannot honour).
    Overlap {
        /// The program header index.
        segment: usize,
        /// The earlier segment it overlaps.
        other: usize,
        /// The virtual address where they meet.
        address: u64,
    },
    /// A segment's file bytes lie (partly) past the end of the file.
    OutsideFile {
        /// The program header index.
        segment: usize,
        /// `p_offset`.
        offset: u64,
        /// `p_filesz`.
        size: u64,
        /// The file length.
        file_len: u64,
    },
    /// `p_filesz > p_memsz`.
    FileSizeOverMemSize {
        /// The program header index.
        segment: usize,
        /// `p_filesz`.
        filesz: u64,
        /// `p_memsz`.
        memsz: u64,
    },
    /// An alignment the loader cannot honour: `p_align` not a power of two,
    /// or `p_vaddr` and `p_offset` not congruent modulo the page size.
    Alignment {
        /// The program header index.
        segment: usize,
        /// `p_align`.
        align: u64,
        /// `p_vaddr`.
        address: u64,
        /// `p_offset`.
        offset: u64,
    },
    /// An `ET_EXEC` file's fixed addresses are taken in this process.
    AddressTaken {
        /// The first address of the range asked for.
        address: u64,
        /// The length of the range.
        size: u64,
    },
    /// The file has thread-local storage (`PT_TLS`), which is not supported.
    Tls {
        /// The program header index (or the section index in objects).
        segment: usize,
    },
    /// A relocation type the loader does not know.
    UnknownRelocation {
        /// Which table (`"DT_RELA"`, `".rela.text"`, ...).
        table: &'static str,
        /// The entry's index in its table.
        index: usize,
        /// `r_offset`.
        offset: u64,
        /// The type.
        kind: u32,
    },
    /// An `R_*_IRELATIVE` relocation, refused unless the caller allows
    /// calling resolver functions in the image.
    IRelative {
        /// `r_offset`.
        offset: u64,
    },
    /// A relocation patches memory that is not in a writable segment (a
    /// text relocation), or runs past its segment.
    BadTarget {
        /// Which table.
        table: &'static str,
        /// `r_offset`.
        offset: u64,
    },
    /// A relocation names a symbol its symbol table does not have.
    SymbolIndex {
        /// Which table.
        table: &'static str,
        /// The entry's index in its table.
        index: usize,
        /// `r_offset`.
        offset: u64,
        /// The symbol index the entry gives.
        symbol: u64,
        /// How many symbols the table has.
        count: usize,
    },
    /// A relocation's result does not fit its field.
    Overflow {
        /// Which table or section.
        table: &'static str,
        /// `r_offset`.
        offset: u64,
        /// The type.
        kind: u32,
        /// The value that does not fit.
        value: i64,
    },
    /// A symbol neither the image nor the resolver defines.
    UndefinedSymbol {
        /// Its name.
        name: String,
        /// Its version, if it asks for one.
        version: Option<String>,
        /// The offset of the relocation that needs it.
        offset: u64,
    },
    /// Two objects define the same global symbol (neither weak).
    DuplicateSymbol {
        /// Its name.
        name: String,
    },
    /// A relocation in an object cannot be applied: its value does not fit
    /// its field, is misaligned, or its type is unknown.
    Relocation {
        /// The section it patches.
        section: String,
        /// The offset in that section.
        offset: u64,
        /// The type.
        kind: u32,
        /// What is wrong.
        problem: crate::arch::Error,
    },
    /// A symbol asked for by name is not defined, or not a function.
    NotFound {
        /// Its name.
        name: String,
    },
}

/// The loader's result.
pub type Result<T> = core::result::Result<T, Error>;

impl From<crate::Error> for Error {
    fn from(e: crate::Error) -> Self {
        Error::Read(e)
    }
}

impl Error {
    pub(crate) fn system(what: &'static str, errno: rustix::io::Errno) -> Self {
        Error::System {
            what,
            source: std::io::Error::from_raw_os_error(errno.raw_os_error()),
        }
    }

    pub(crate) fn undefined(name: &[u8], version: Option<&[u8]>, offset: u64) -> Self {
        Error::UndefinedSymbol {
            name: String::from_utf8_lossy(name).into_owned(),
            version: version.map(|v| String::from_utf8_lossy(v).into_owned()),
            offset,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read(e) => write!(f, "{e}"),
            Error::System { what, source } => write!(f, "{what}: {source}"),
            Error::Unsupported { what, value } => write!(f, "not supported: {what} {value:#x}"),
            Error::WritableAndExecutable { segment, address } => write!(
                f,
                "segment {segment} at {address:#x} is both writable and executable"
            ),
            Error::Overlap {
                segment,
                other,
                address,
            } => write!(
                f,
                "segment {segment} overlaps segment {other} (or shares its page) at {address:#x}"
            ),
            Error::OutsideFile {
                segment,
                offset,
                size,
                file_len,
            } => write!(
                f,
                "segment {segment}: p_offset {offset:#x} + p_filesz {size:#x} is past the end of the file ({file_len:#x})"
            ),
            Error::FileSizeOverMemSize {
                segment,
                filesz,
                memsz,
            } => write!(
                f,
                "segment {segment}: p_filesz {filesz:#x} is larger than p_memsz {memsz:#x}"
            ),
            Error::Alignment {
                segment,
                align,
                address,
                offset,
            } => write!(
                f,
                "segment {segment}: cannot honour p_align {align:#x} with p_vaddr {address:#x} and p_offset {offset:#x}"
            ),
            Error::AddressTaken { address, size } => write!(
                f,
                "the fixed addresses {address:#x}..+{size:#x} are not free in this process"
            ),
            Error::Tls { segment } => {
                write!(
                    f,
                    "segment {segment}: thread-local storage is not supported"
                )
            }
            Error::UnknownRelocation {
                table,
                index,
                offset,
                kind,
            } => write!(
                f,
                "{table} entry {index} at {offset:#x}: unknown relocation type {kind}"
            ),
            Error::IRelative { offset } => write!(
                f,
                "IRELATIVE relocation at {offset:#x}: calling resolvers in the image was not allowed"
            ),
            Error::BadTarget { table, offset } => write!(
                f,
                "{table}: relocation at {offset:#x} patches memory outside every writable segment"
            ),
            Error::SymbolIndex {
                table,
                index,
                offset,
                symbol,
                count,
            } => write!(
                f,
                "{table} entry {index} (r_offset {offset:#x}): symbol index {symbol} is past the symbol table ({count} symbols)"
            ),
            Error::Overflow {
                table,
                offset,
                kind,
                value,
            } => write!(
                f,
                "{table}: relocation type {kind} at {offset:#x}: value {value:#x} does not fit its field"
            ),
            Error::UndefinedSymbol {
                name,
                version,
                offset,
            } => match version {
                Some(v) => write!(f, "relocation at {offset:#x}: undefined symbol {name}@{v}"),
                None => write!(f, "relocation at {offset:#x}: undefined symbol {name}"),
            },
            Error::NotFound { name } => write!(f, "no symbol {name}"),
            Error::DuplicateSymbol { name } => write!(f, "symbol {name} is defined twice"),
            Error::Relocation {
                section,
                offset,
                kind,
                problem,
            } => write!(
                f,
                "{section}+{offset:#x}: relocation type {kind}: {problem}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read(e) => Some(e),
            Error::System { source, .. } => Some(source),
            _ => None,
        }
    }
}
