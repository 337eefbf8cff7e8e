//! Notes (`PT_NOTE`, `SHT_NOTE`) and the typed GNU notes.

use super::encoding::{Encoding, Endian};
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::{NT_GNU_ABI_TAG, NT_GNU_BUILD_ID, NT_GNU_PROPERTY_TYPE_0};

/// One note: owner name, type and descriptor, borrowed from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note<'a> {
    /// The owner (`"GNU"`, `"stapsdt"`, …), without its NUL.
    pub name: &'a [u8],
    /// The type, meaningful per owner.
    pub kind: u32,
    /// The descriptor.
    pub desc: &'a [u8],
    /// The file offset of the note header.
    pub offset: u64,
}

/// A note elfin understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GnuNote<'a> {
    /// `NT_GNU_BUILD_ID`: the build ID bytes.
    BuildId(&'a [u8]),
    /// `NT_GNU_ABI_TAG`: the OS and its earliest supported kernel version.
    AbiTag {
        /// `ELF_NOTE_OS_*`.
        os: u32,
        /// Major version.
        major: u32,
        /// Minor version.
        minor: u32,
        /// Patch level.
        patch: u32,
    },
    /// `NT_GNU_PROPERTY_TYPE_0`: program properties.
    Properties(PropertyIter<'a>),
}

impl<'a> Note<'a> {
    /// The typed view of a GNU note, if this is one elfin knows.
    pub fn gnu(&self, encoding: Encoding) -> Option<GnuNote<'a>> {
        if self.name != b"GNU" {
            return None;
        }
        match self.kind {
            NT_GNU_BUILD_ID => Some(GnuNote::BuildId(self.desc)),
            NT_GNU_ABI_TAG => {
                let w = |at: usize| encoding.read_u32(self.desc.get(at..).unwrap_or(&[]));
                Some(GnuNote::AbiTag {
                    os: w(0)?,
                    major: w(4)?,
                    minor: w(8)?,
                    patch: w(12)?,
                })
            }
            NT_GNU_PROPERTY_TYPE_0 => Some(GnuNote::Properties(PropertyIter {
                data: self.desc,
                pos: 0,
                encoding,
                offset: self.offset,
            })),
            _ => None,
        }
    }
}

/// Walks the notes in a note segment or section.
#[derive(Debug, Clone)]
pub struct NoteIter<'a> {
    data: &'a [u8],
    pos: usize,
    align: usize,
    endian: Endian,
    offset: u64,
}

impl<'a> NoteIter<'a> {
    /// Notes in `data` (at file offset `offset`), padded to `align` (the
    /// segment's or section's alignment: 8 means 8-byte padding, anything
    /// else 4).
    pub fn new(data: &'a [u8], align: u64, endian: Endian, offset: u64) -> Self {
        NoteIter {
            data,
            pos: 0,
            align: if align == 8 { 8 } else { 4 },
            endian,
            offset,
        }
    }

    fn parse(&mut self) -> Result<Note<'a>> {
        let at = self.offset.saturating_add(self.pos as u64);
        let enc = Encoding {
            class: super::encoding::Class::Elf32,
            endian: self.endian,
        };
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        let (Some(namesz), Some(descsz), Some(kind)) = (
            enc.read_u32(rest),
            enc.read_u32(rest.get(4..).unwrap_or(&[])),
            enc.read_u32(rest.get(8..).unwrap_or(&[])),
        ) else {
            return Err(Error::out_of_bounds(Structure::Note, Field::Header, at, 12));
        };
        // The name and the descriptor, each checked against what is left;
        // `u32` sizes fit in `usize` on every target elfin builds for.
        let name = 12usize
            .checked_add(namesz as usize)
            .and_then(|end| Some((rest.get(12..end)?, end)));
        let (name, name_end) = name.ok_or(Error::out_of_bounds(
            Structure::Note,
            Field::NNamesz,
            at.saturating_add(12),
            namesz.into(),
        ))?;
        let desc_start = align_up(name_end, self.align);
        let desc = desc_start
            .checked_add(descsz as usize)
            .and_then(|end| Some((rest.get(desc_start..end)?, end)));
        let (desc, desc_end) = desc.ok_or(Error::out_of_bounds(
            Structure::Note,
            Field::NDescsz,
            at.saturating_add(desc_start as u64),
            descsz.into(),
        ))?;
        // The owner name is NUL-terminated within n_namesz.
        let name = memchr::memchr(0, name).map_or(name, |nul| name.get(..nul).unwrap_or(name));
        // `pos + rest.len()` is the data's length, so this cannot saturate.
        self.pos = self
            .pos
            .saturating_add(align_up(desc_end, self.align).min(rest.len()));
        Ok(Note {
            name,
            kind,
            desc,
            offset: at,
        })
    }
}

/// `x` rounded up to a multiple of `a`, a power of two (4 or 8 here);
/// `usize::MAX` rounded down when it would overflow.
fn align_up(x: usize, a: usize) -> usize {
    let mask = a.wrapping_sub(1);
    x.saturating_add(mask) & !mask
}

impl<'a> Iterator for NoteIter<'a> {
    type Item = Result<Note<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.data.len() {
            return None;
        }
        let r = self.parse();
        if r.is_err() {
            self.pos = self.data.len();
        }
        Some(r)
    }
}

/// One GNU program property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property<'a> {
    /// `pr_type` (`GNU_PROPERTY_*`).
    pub kind: u32,
    /// `pr_data`.
    pub data: &'a [u8],
}

impl Property<'_> {
    /// The data as one 32-bit word (the common case: feature bits).
    pub fn word(&self, encoding: Encoding) -> Option<u32> {
        if self.data.len() == 4 {
            encoding.read_u32(self.data)
        } else {
            None
        }
    }
}

/// Walks the properties of an `NT_GNU_PROPERTY_TYPE_0` note; each is
/// padded to the address size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertyIter<'a> {
    data: &'a [u8],
    pos: usize,
    encoding: Encoding,
    offset: u64,
}

impl<'a> Iterator for PropertyIter<'a> {
    type Item = Result<Property<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..).filter(|r| !r.is_empty())?;
        let e = self.encoding;
        let head = e
            .read_u32(rest)
            .zip(e.read_u32(rest.get(4..).unwrap_or(&[])));
        let r = head.and_then(|(kind, size)| {
            let end = 8usize.checked_add(size as usize)?;
            let data = rest.get(8..end)?;
            Some((Property { kind, data }, align_up(end, e.address_size())))
        });
        match r {
            Some((p, adv)) => {
                // `pos + rest.len()` is the data's length: no saturation.
                self.pos = self.pos.saturating_add(adv.min(rest.len()));
                Some(Ok(p))
            }
            None => {
                let at = self.offset.saturating_add(self.pos as u64);
                self.pos = self.data.len();
                Some(Err(Error::out_of_bounds(
                    Structure::GnuProperty,
                    Field::PrDatasz,
                    at,
                    8,
                )))
            }
        }
    }
}

impl<'a> super::file::ElfFile<'a> {
    /// The notes of a `SHT_NOTE` section.
    ///
    /// # Errors
    ///
    /// Fails when the section's data is out of the file.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use elfin::raw::consts::SHT_NOTE;
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// for section in file.sections().filter(|s| s.header().sh_type == SHT_NOTE) {
    ///     for note in file.section_notes(&section)? {
    ///         let note = note?;
    ///         println!("{}: owner {}, type {}", section.name_str()?,
    ///             String::from_utf8_lossy(note.name), note.kind);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn section_notes(&self, section: &super::section::Section<'a>) -> Result<NoteIter<'a>> {
        let h = section.header();
        Ok(NoteIter::new(
            section.data()?,
            h.sh_addralign,
            self.endian(),
            h.sh_offset,
        ))
    }

    /// The notes of a `PT_NOTE` segment.
    ///
    /// # Errors
    ///
    /// Fails when the segment's file part is out of the file.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use elfin::raw::consts::PT_NOTE;
    /// use elfin::read::GnuNote;
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// for ph in file.segments().filter(|p| p.p_type == PT_NOTE) {
    ///     for note in file.segment_notes(&ph)? {
    ///         match note?.gnu(file.encoding()) {
    ///             Some(GnuNote::AbiTag { major, minor, patch, .. }) => {
    ///                 println!("runs on Linux {major}.{minor}.{patch} or later")
    ///             }
    ///             Some(GnuNote::BuildId(id)) => println!("build ID of {} bytes", id.len()),
    ///             _ => {}
    ///         }
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn segment_notes(&self, ph: &super::segment::ProgramHeader) -> Result<NoteIter<'a>> {
        Ok(NoteIter::new(
            self.segment_data(ph)?,
            ph.p_align,
            self.endian(),
            ph.p_offset,
        ))
    }

    /// The GNU build ID, from the first note that has one.
    ///
    /// # Errors
    ///
    /// Fails when a note section or segment is out of the file, or a note before the
    /// build ID is malformed.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// if let Some(id) = file.build_id()? {
    ///     let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    ///     println!("build ID {hex}"); // as `readelf -n` prints it
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn build_id(&self) -> Result<Option<&'a [u8]>> {
        use crate::raw::consts::{PT_NOTE, SHT_NOTE};
        let enc = self.encoding();
        let pick = |n: Note<'a>| match n.gnu(enc) {
            Some(GnuNote::BuildId(id)) => Some(id),
            _ => None,
        };
        // (Section 0 is reserved, whatever its type says.)
        for s in self
            .sections()
            .skip(1)
            .filter(|s| s.header().sh_type == SHT_NOTE)
        {
            for n in self.section_notes(&s)? {
                if let Some(id) = pick(n?) {
                    return Ok(Some(id));
                }
            }
        }
        for p in self.segments().filter(|p| p.p_type == PT_NOTE) {
            for n in self.segment_notes(&p)? {
                if let Some(id) = pick(n?) {
                    return Ok(Some(id));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn notes_pad_to_four_or_eight() {
        // name "GNU\0" (4), desc 3 bytes padded to 4, then a second note.
        let mut d = Vec::new();
        for (name, kind, desc) in [
            (&b"GNU\0"[..], 3u32, &b"abc"[..]),
            (&b"X\0"[..], 9, &b"12345678"[..]),
        ] {
            d.extend(u32::try_from(name.len()).unwrap().to_le_bytes());
            d.extend(u32::try_from(desc.len()).unwrap().to_le_bytes());
            d.extend(kind.to_le_bytes());
            d.extend(name);
            while d.len() % 4 != 0 {
                d.push(0);
            }
            d.extend(desc);
            while d.len() % 4 != 0 {
                d.push(0);
            }
        }
        let notes: Vec<_> = NoteIter::new(&d, 4, Endian::Little, 0)
            .map(|n| n.unwrap())
            .collect();
        assert_eq!(notes.len(), 2);
        assert_eq!(
            (notes[0].name, notes[0].kind, notes[0].desc),
            (&b"GNU"[..], 3, &b"abc"[..])
        );
        assert_eq!(
            (notes[1].name, notes[1].kind, notes[1].desc),
            (&b"X"[..], 9, &b"12345678"[..])
        );
        // A note cut inside its 12-byte header is an error naming the
        // note's offset (the second note starts at 20).
        let bad = NoteIter::new(&d[..22], 4, Endian::Little, 0x40)
            .nth(1)
            .unwrap()
            .unwrap_err();
        assert_eq!(bad.offset(), 0x40 + 20);
        assert!(matches!(
            bad.problem(),
            crate::Problem::OutOfBounds { size: 12, .. }
        ));
        // A cut descriptor names where it starts: the second note (20) +
        // its header (12) + "X\0" padded to 4; it needs 8 bytes.
        let bad = NoteIter::new(&d[..40], 4, Endian::Little, 0x40)
            .nth(1)
            .unwrap()
            .unwrap_err();
        assert_eq!(bad.offset(), 0x40 + 20 + 12 + 4);
        assert!(matches!(
            bad.problem(),
            crate::Problem::OutOfBounds { size: 8, .. }
        ));
    }
}
