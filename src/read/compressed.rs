//! Compressed sections (`SHF_COMPRESSED`): the header, and decompression of
//! zlib and zstd behind the `compression` feature.

use super::encoding::{Class, Encoding};
use super::section::Section;
use crate::error::{Error, Field, Result, Structure};
#[cfg(feature = "compression")]
use crate::raw::consts::{ELFCOMPRESS_ZLIB, ELFCOMPRESS_ZSTD};

/// The compression header of a compressed section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompressionHeader {
    /// `ELFCOMPRESS_ZLIB`, `ELFCOMPRESS_ZSTD`, …
    pub ch_type: u32,
    /// The uncompressed size.
    pub ch_size: u64,
    /// The uncompressed alignment.
    pub ch_addralign: u64,
    /// The size of the header itself (12 or 24 bytes).
    pub header_size: usize,
}

impl CompressionHeader {
    /// Reads a compression header from the start of `data`.
    ///
    /// # Errors
    ///
    /// Fails when `data` is shorter than the header the class needs.
    pub fn parse(encoding: Encoding, data: &[u8], offset: u64) -> Result<Self> {
        let e = encoding;
        let r = match e.class {
            Class::Elf32 => (|| {
                Some(CompressionHeader {
                    ch_type: e.read_u32(data)?,
                    ch_size: e.read_u32(data.get(4..)?)?.into(),
                    ch_addralign: e.read_u32(data.get(8..)?)?.into(),
                    header_size: 12,
                })
            })(),
            Class::Elf64 => (|| {
                Some(CompressionHeader {
                    ch_type: e.read_u32(data)?,
                    ch_size: e.read_u64(data.get(8..)?)?,
                    ch_addralign: e.read_u64(data.get(16..)?)?,
                    header_size: 24,
                })
            })(),
        };
        r.ok_or(Error::out_of_bounds(
            Structure::CompressionHeader,
            Field::ShSize,
            offset,
            if e.class == Class::Elf32 { 12 } else { 24 },
        ))
    }
}

impl<'a> Section<'a> {
    /// The compression header, if the section is `SHF_COMPRESSED`.
    ///
    /// # Errors
    ///
    /// Fails when the section's data is out of the file or too short for the header.
    pub fn compression_header(&self) -> Result<Option<CompressionHeader>> {
        if !self.header().is_compressed() {
            return Ok(None);
        }
        CompressionHeader::parse(self.encoding(), self.data()?, self.header().sh_offset)
            .map(Some)
            .map_err(|e| e.at_index(self.index() as u64))
    }

    /// The section's contents, decompressed if it is `SHF_COMPRESSED`.
    /// Fails with [`Problem::TooLarge`](crate::Problem::TooLarge) rather than produce more than
    /// `limit` bytes, whatever the header claims.
    ///
    /// # Errors
    ///
    /// Fails when the data is out of the file, the header or the compressed stream is
    /// corrupt, the algorithm is unknown, or the output would pass `limit`.
    #[cfg(feature = "compression")]
    #[cfg_attr(docsrs, doc(cfg(feature = "compression")))]
    pub fn decompressed(&self, limit: usize) -> Result<alloc::borrow::Cow<'a, [u8]>> {
        use alloc::borrow::Cow;
        let data = self.data()?;
        let Some(ch) = self.compression_header()? else {
            return Ok(Cow::Borrowed(data));
        };
        let at = self.header().sh_offset;
        let Some(size) = usize::try_from(ch.ch_size).ok().filter(|&n| n <= limit) else {
            return Err(
                Error::too_large(Structure::CompressedSection, at, ch.ch_size)
                    .at_index(self.index() as u64),
            );
        };
        // `compression_header` read the header from these bytes.
        let body = data.get(ch.header_size..).unwrap_or_default();
        let out = match ch.ch_type {
            ELFCOMPRESS_ZLIB => inflate_zlib(body, size, at)?,
            ELFCOMPRESS_ZSTD => unzstd(body, size, at)?,
            t => {
                return Err(
                    Error::unsupported_compression(Structure::CompressedSection, at, t)
                        .at_index(self.index() as u64),
                );
            }
        };
        if out.len() as u64 != ch.ch_size {
            return Err(Error::bad_value(
                Structure::CompressedSection,
                at,
                Field::ChSizeMismatch,
                ch.ch_size,
            )
            .at_index(self.index() as u64));
        }
        Ok(Cow::Owned(out))
    }
}

#[cfg(feature = "compression")]
fn inflate_zlib(body: &[u8], size: usize, at: u64) -> Result<alloc::vec::Vec<u8>> {
    // The limit is the claimed size (already checked against the caller's
    // limit): a stream that inflates past it is an error.
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(body, size)
        .map_err(|_| Error::decompress(Structure::CompressedSection, at, Field::ZlibCorrupt))
}

#[cfg(feature = "compression")]
fn unzstd(body: &[u8], size: usize, at: u64) -> Result<alloc::vec::Vec<u8>> {
    use ruzstd::decoding::StreamingDecoder;
    use ruzstd::io::Read;
    let bad = |why| Error::decompress(Structure::CompressedSection, at, why);
    let mut src = body;
    let mut dec = StreamingDecoder::new(&mut src).map_err(|_| bad(Field::ZstdHeaderCorrupt))?;
    let mut out = alloc::vec![0u8; size];
    let mut filled = 0;
    while let Some(rest) = out.get_mut(filled..).filter(|rest| !rest.is_empty()) {
        match dec.read(rest) {
            Ok(0) => break,
            // `read` returns at most `rest.len()`, so this stays within `size`.
            Ok(n) => filled = filled.saturating_add(n),
            Err(_) => return Err(bad(Field::ZstdCorrupt)),
        }
    }
    // One more byte would mean the stream is larger than ch_size.
    let mut extra = [0u8; 1];
    if matches!(dec.read(&mut extra), Ok(n) if n > 0) {
        return Err(bad(Field::ZstdTooLarge));
    }
    out.truncate(filled);
    Ok(out)
}
