//! Inputs (mapped, or read from standard input) and outputs (a temporary
//! file renamed into place, or standard output), and the failure that
//! makes the tool exit with 1.

use memmap2::Mmap;
use std::borrow::Cow;
use std::fmt;
use std::fs::{File, Permissions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// A file that could not be read, written or parsed: what, and why.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    pub fn new(what: &str, why: impl fmt::Display) -> Self {
        Failure(format!("{what}: {why}"))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `-` as a path: standard input or output.
fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

enum Bytes {
    Mapped(Mmap),
    Read(Vec<u8>),
}

/// An input file's bytes: mapped when it is a regular file (nothing is
/// read until used), read whole from standard input otherwise.
pub struct Input {
    path: Option<PathBuf>,
    file: Option<File>,
    bytes: Bytes,
}

impl Input {
    /// Opens `path` (`-`: standard input).
    pub fn open(path: &Path) -> Result<Self, Failure> {
        if is_dash(path) {
            let mut bytes = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::new("standard input", e))?;
            return Ok(Input {
                path: None,
                file: None,
                bytes: Bytes::Read(bytes),
            });
        }
        let fail = |e| Failure::new(&path.to_string_lossy(), e);
        let file = File::open(path).map_err(fail)?;
        let meta = file.metadata().map_err(fail)?;
        let bytes = if meta.is_file() && meta.len() > 0 {
            // SAFETY: the mapping is read-only and private to this process.
            // Another process changing or truncating the file while it is
            // mapped would change these bytes under the parser (or fault),
            // the risk every tool that maps its input takes (ld, cp with
            // mmap); the tool is not meant for files being written.
            Bytes::Mapped(unsafe { Mmap::map(&file) }.map_err(fail)?)
        } else {
            let mut bytes = Vec::new();
            (&file).read_to_end(&mut bytes).map_err(fail)?;
            Bytes::Read(bytes)
        };
        Ok(Input {
            path: Some(path.to_owned()),
            file: Some(file),
            bytes,
        })
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Mapped(m) => m,
            Bytes::Read(v) => v,
        }
    }

    /// The open file when the input is one (not standard input).
    #[allow(dead_code)]
    pub fn file(&self) -> Option<&File> {
        self.file.as_ref()
    }

    /// The name for messages (lossy for a non-UTF-8 path).
    pub fn name(&self) -> Cow<'_, str> {
        match &self.path {
            Some(p) => p.to_string_lossy(),
            None => Cow::Borrowed("-"),
        }
    }

    /// Parses the bytes.
    pub fn parse(&self) -> Result<elfin::ElfFile<'_>, Failure> {
        elfin::ElfFile::parse(self.bytes()).map_err(|e| Failure::new(&self.name(), e))
    }

    /// The input's permissions (`None` for standard input).
    pub fn permissions(&self) -> Option<Permissions> {
        self.file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| m.permissions())
    }
}

/// Where a result goes: a temporary file in the target's directory, renamed
/// over the target once complete (a failure midway leaves the old file), or
/// standard output.
pub enum Output {
    File {
        temp: NamedTempFile,
        target: PathBuf,
    },
    Stdout(io::StdoutLock<'static>),
}

impl Output {
    /// Starts writing `target` (`-`: standard output).
    pub fn create(target: &Path) -> Result<Self, Failure> {
        if is_dash(target) {
            return Ok(Output::Stdout(io::stdout().lock()));
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".elfin-")
            .tempfile_in(dir)
            .map_err(|e| Failure::new(&target.to_string_lossy(), e))?;
        Ok(Output::File {
            temp,
            target: target.to_owned(),
        })
    }

    fn name(&self) -> Cow<'_, str> {
        match self {
            Output::File { target, .. } => target.to_string_lossy(),
            Output::Stdout(_) => Cow::Borrowed("standard output"),
        }
    }

    /// Writes all of `bytes`.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let r = match self {
            Output::File { temp, .. } => temp.as_file_mut().write_all(bytes),
            Output::Stdout(out) => out.write_all(bytes),
        };
        r.map_err(|e| Failure::new(&self.name(), e))
    }

    /// Gives the output `permissions` (the input's: an executable stays
    /// executable) and renames it into place; flushes standard output.
    pub fn finish(self, permissions: Option<Permissions>) -> Result<(), Failure> {
        let name = self.name().into_owned();
        let fail = |e: io::Error| Failure::new(&name, e);
        match self {
            Output::File { temp, target } => {
                if let Some(p) = permissions {
                    temp.as_file().set_permissions(p).map_err(fail)?;
                }
                temp.persist(&target).map_err(|e| fail(e.error))?;
                Ok(())
            }
            Output::Stdout(mut out) => out.flush().map_err(fail),
        }
    }
}
