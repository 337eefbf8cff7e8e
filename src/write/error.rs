//! The writer's error: what was wrong, and which section, symbol or
//! relocation of the builder (or of the file being rewritten) it is about,
//! by index and name. Unlike the read [`Error`](crate::Error) it may
//! allocate (the names), and it names no file offset: nothing has been
//! written yet.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

/// What a write [`Error`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// The file as a whole: its type, entry point, interpreter, soname, …
    File,
    /// A section: a builder's by its [`SectionId`](super::SectionId)
    /// index, a rewritten file's by its header index.
    Section {
        /// The index.
        index: usize,
        /// The name (lossy UTF-8).
        name: String,
    },
    /// A symbol: a builder's by its [`SymbolId`](super::SymbolId) index.
    Symbol {
        /// The index.
        index: usize,
        /// The name (lossy UTF-8).
        name: String,
    },
    /// A relocation of a builder, by its index among the relocations of
    /// the section it patches, and its symbol if it has one.
    Relocation {
        /// The index among the section's relocations (in the order added).
        index: usize,
        /// The section it patches, by index.
        section: usize,
        /// That section's name (lossy UTF-8).
        section_name: String,
        /// Its symbol, by index and name.
        symbol: Option<(usize, String)>,
    },
    /// The layout: page size, base address, the file's size.
    Layout,
    /// The plan handed to `write`, or the output buffer.
    Output,
    /// A rewrite as a whole.
    Rewrite,
    /// The input of a rewrite, as the reader found it.
    Input,
}

/// What was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A value that cannot be written as asked; `what` names the field and
    /// why (`"alignment (not a power of two)"`).
    Invalid {
        /// The field, and why its value is refused.
        what: &'static str,
        /// The value.
        value: u64,
    },
    /// An address, offset or size does not fit in 64 bits (or the file's
    /// class).
    Overflow(&'static str),
    /// The output would be larger than its bound (see
    /// [`LayoutOptions::max_padding`](super::LayoutOptions::max_padding)
    /// and [`Rewriter::plan`](super::Rewriter::plan)).
    TooLarge {
        /// The size it would take.
        size: u64,
        /// The bound.
        limit: u64,
    },
    /// Something the operation needs is not there.
    Missing(&'static str),
    /// A plan that is not this builder's (or rewriter's) own.
    WrongPlan,
    /// The input could not be read.
    Read(crate::Error),
}

/// An error from the builder or the rewriter: a [`Subject`] and an
/// [`ErrorKind`]. Its `Display` reads like
/// `section 3 (.text): alignment (not a power of two) has bad value 0x3`.
///
/// It is one pointer wide (the details are boxed), so a `Result` carrying
/// it costs the success path nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    subject: Subject,
    kind: ErrorKind,
}

/// The writer's `Result`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// An error about `subject`.
    pub(crate) fn new(subject: Subject, kind: ErrorKind) -> Self {
        Error(Box::new(Inner { subject, kind }))
    }

    /// A refused value of `subject`.
    pub(crate) fn invalid(subject: Subject, what: &'static str, value: u64) -> Self {
        Error::new(subject, ErrorKind::Invalid { what, value })
    }

    /// What the error is about.
    pub fn subject(&self) -> &Subject {
        &self.0.subject
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }
}

/// A name for a message: lossy UTF-8.
pub(crate) fn name_of(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

impl From<crate::Error> for Error {
    fn from(e: crate::Error) -> Self {
        Error::new(Subject::Input, ErrorKind::Read(e))
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::File => f.write_str("file"),
            Subject::Section { index, name } => write!(f, "section {index} ({name})"),
            Subject::Symbol { index, name } => write!(f, "symbol {index} ({name})"),
            Subject::Relocation {
                index,
                section,
                section_name,
                symbol,
            } => {
                write!(
                    f,
                    "relocation {index} of section {section} ({section_name})"
                )?;
                if let Some((i, name)) = symbol {
                    write!(f, " against symbol {i} ({name})")?;
                }
                Ok(())
            }
            Subject::Layout => f.write_str("layout"),
            Subject::Output => f.write_str("output"),
            Subject::Rewrite => f.write_str("rewrite"),
            Subject::Input => f.write_str("input"),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Invalid { what, value } => write!(f, "{what} has bad value {value:#x}"),
            ErrorKind::Overflow(what) => write!(f, "{what} overflows"),
            ErrorKind::TooLarge { size, limit } => {
                write!(f, "output of {size:#x} bytes exceeds the limit {limit:#x}")
            }
            ErrorKind::Missing(what) => write!(f, "{what} is missing"),
            ErrorKind::WrongPlan => f.write_str(
                "the plan is not this one's own (lay out again, and write with the same value)",
            ),
            ErrorKind::Read(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.subject, self.0.kind)
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Read(e) => Some(e),
            _ => None,
        }
    }
}

/// Subjects named from a builder's contents.
impl super::Builder<'_> {
    /// Section `index` (a [`SectionId`](super::SectionId) index).
    pub(crate) fn section_subject(&self, index: usize) -> Subject {
        Subject::Section {
            index,
            name: self
                .sections
                .get(index)
                .map_or_else(String::new, |s| name_of(&s.name)),
        }
    }

    /// Symbol `index` (a [`SymbolId`](super::SymbolId) index).
    pub(crate) fn symbol_subject(&self, index: usize) -> Subject {
        Subject::Symbol {
            index,
            name: self
                .symbols
                .get(index)
                .map_or_else(String::new, |s| name_of(&s.name)),
        }
    }

    /// Relocation `k` of the builder's list, named by its section and its
    /// place among that section's relocations.
    pub(crate) fn relocation_subject(&self, k: usize) -> Subject {
        let Some(r) = self.relocations.get(k) else {
            return Subject::File;
        };
        let index = self.relocations[..k]
            .iter()
            .filter(|x| x.section == r.section)
            .count();
        let symbol = r
            .symbol
            .and_then(|s| self.symbols.get(s.0).map(|sym| (s.0, name_of(&sym.name))));
        Subject::Relocation {
            index,
            section: r.section.0,
            section_name: self
                .sections
                .get(r.section.0)
                .map_or_else(String::new, |s| name_of(&s.name)),
            symbol,
        }
    }

    /// A refused value of relocation `k`.
    pub(crate) fn relocation_error(&self, k: usize, what: &'static str, value: u64) -> Error {
        Error::invalid(self.relocation_subject(k), what, value)
    }
}
