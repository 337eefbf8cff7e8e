//! A whole file mapped read-only, for readers that want its bytes without
//! reading them (the `elfin` tool maps its input this way).

use core::ops::Deref;
use std::fs::File;
use std::io;

/// A file's bytes, mapped read-only and private to this process.
///
/// Nothing is read until a page is touched, so parsing the headers of a
/// large file touches only their pages. The mapping lives as long as the
/// value.
///
/// The bytes are the file's as long as nobody changes it: another process
/// that writes or truncates the file while it is mapped changes these
/// bytes under the reader, or makes a read of a page past the new end
/// fault (`SIGBUS`). This is the contract of every tool that maps its
/// input (`ld`, `cp`); do not map files that are being written.
///
/// ```
/// let file = std::fs::File::open("/proc/self/exe").unwrap();
/// let mapped = elfin::load::MappedFile::map(&file).unwrap();
/// let elf = elfin::ElfFile::parse(&mapped).unwrap();
/// assert!(elf.segment_count() > 0);
/// ```
#[derive(Debug)]
pub struct MappedFile {
    map: memmap2::Mmap,
}

impl MappedFile {
    /// Maps all of `file` read-only.
    ///
    /// # Errors
    ///
    /// Fails as `mmap` does: `file` is not a regular file that can be
    /// mapped (a pipe, a terminal), or was not opened for reading. An
    /// empty file is not an error: its mapping holds no bytes.
    pub fn map(file: &File) -> io::Result<MappedFile> {
        // SAFETY: the mapping is read-only and private (MAP_PRIVATE), so
        // nothing this process does can change the file through it, and
        // `memmap2` keeps it alive exactly as long as `map`. What `Mmap::map`
        // cannot rule out is another process modifying or truncating the
        // file meanwhile; that is the documented contract of this type
        // (above), the same every mapping reader takes.
        let map = unsafe { memmap2::Mmap::map(file) }?;
        Ok(MappedFile { map })
    }
}

impl Deref for MappedFile {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.map
    }
}

impl AsRef<[u8]> for MappedFile {
    fn as_ref(&self) -> &[u8] {
        &self.map
    }
}
