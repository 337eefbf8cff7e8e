//! Inputs (mapped, or read from standard input) and outputs (a temporary
//! file renamed into place, or standard output), and the failure that
//! makes the tool exit with 1.

use elfin::load::MappedFile;
use elfin::write::{Piece, RewriteOutput};
use std::borrow::Cow;
use std::fmt;
use std::fs::{File, Permissions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::fd::AsFd;
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
    Mapped(MappedFile),
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
            let fail = |e| Failure::new("standard input", e);
            // A file redirected to standard input is mapped like any other;
            // a pipe or terminal is read whole.
            let file = File::from(io::stdin().as_fd().try_clone_to_owned().map_err(fail)?);
            let at_start = (&file).stream_position().is_ok_and(|p| p == 0);
            let (file, bytes) = match Self::map(&file).map_err(fail)? {
                Some(mapped) if at_start => (Some(file), mapped),
                _ => {
                    let mut bytes = Vec::new();
                    io::stdin().lock().read_to_end(&mut bytes).map_err(fail)?;
                    (None, Bytes::Read(bytes))
                }
            };
            return Ok(Input {
                path: None,
                file,
                bytes,
            });
        }
        let fail = |e| Failure::new(&path.to_string_lossy(), e);
        let file = File::open(path).map_err(fail)?;
        let bytes = match Self::map(&file).map_err(fail)? {
            Some(mapped) => mapped,
            None => {
                let mut bytes = Vec::new();
                (&file).read_to_end(&mut bytes).map_err(fail)?;
                Bytes::Read(bytes)
            }
        };
        Ok(Input {
            path: Some(path.to_owned()),
            file: Some(file),
            bytes,
        })
    }

    /// Maps `file` when it is a regular file with something in it.
    fn map(file: &File) -> io::Result<Option<Bytes>> {
        let meta = file.metadata()?;
        if !meta.is_file() || meta.len() == 0 {
            return Ok(None);
        }
        // Mapped through the loader's `MappedFile`: see its contract about
        // files changed while they are mapped.
        let mapped = MappedFile::map(file)?;
        Ok(Some(Bytes::Mapped(mapped)))
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Mapped(m) => m,
            Bytes::Read(v) => v,
        }
    }

    /// The open file when the input is one (not standard input).
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

/// Writes `rewrite`'s pieces to `w`, input ranges from `input`'s file when
/// there is one.
fn write_pieces<W: Write>(
    w: &mut BufWriter<W>,
    rewrite: &RewriteOutput<'_>,
    input: &Input,
) -> io::Result<()> {
    static ZEROS: [u8; 1 << 16] = [0; 1 << 16];
    for piece in rewrite.pieces() {
        match (piece, input.file()) {
            (Piece::Input { offset, len }, Some(mut file)) => {
                file.seek(SeekFrom::Start(offset))?;
                let copied = io::copy(&mut file.take(len), w)?;
                if copied != len {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the input shrank while being copied",
                    ));
                }
            }
            (Piece::Zeros(mut n), _) => {
                while n > 0 {
                    let k = n.min(ZEROS.len() as u64);
                    w.write_all(&ZEROS[..k as usize])?;
                    n -= k;
                }
            }
            _ => w.write_all(rewrite.bytes(&piece))?,
        }
    }
    w.flush()
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

    /// Writes all of `bytes` (`elfin pagemap`'s picture).
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let r = match self {
            Output::File { temp, .. } => temp.as_file_mut().write_all(bytes),
            Output::Stdout(out) => out.write_all(bytes),
        };
        r.map_err(|e| Failure::new(&self.name(), e))
    }

    /// Writes a rewrite out piece by piece: unchanged ranges of a file
    /// input are copied by the kernel (`std::io::copy` between files uses
    /// `copy_file_range`, or `sendfile` to a pipe), never read through the
    /// mapping, so memory stays small whatever the file's size.
    pub fn write_rewrite(
        &mut self,
        rewrite: &RewriteOutput<'_>,
        input: &Input,
    ) -> Result<(), Failure> {
        let r = match self {
            Output::File { temp, .. } => write_pieces(
                &mut BufWriter::with_capacity(1 << 16, temp.as_file()),
                rewrite,
                input,
            ),
            Output::Stdout(out) => {
                write_pieces(&mut BufWriter::with_capacity(1 << 16, out), rewrite, input)
            }
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
