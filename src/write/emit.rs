//! Serialization: follows a [`LayoutPlan`] and nothing else.

use super::builder::{Builder, SectionData};
use super::error::{Error, ErrorKind, Result, Subject};
use super::plan::LayoutPlan;
use super::records::Encode;
use super::strtab::StringLayout;
use crate::read::SectionHeader;
use alloc::vec::Vec;

impl<'a> Builder<'a> {
    /// Lays out and writes the file into a new `Vec`.
    pub fn to_vec(&self, opts: &super::LayoutOptions) -> Result<Vec<u8>> {
        let plan = self.layout(opts)?;
        self.write(&plan)
    }

    /// Writes the file planned by `plan` (from this builder's
    /// [`layout`](Self::layout)) into a new `Vec`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::WrongPlan`] when another builder made `plan`;
    /// [`ErrorKind::TooLarge`] when the memory for the file cannot be had.
    pub fn write(&self, plan: &LayoutPlan<'_>) -> Result<Vec<u8>> {
        self.check_plan(plan)?;
        let size = usize::try_from(plan.file_size()).map_err(|_| too_big(plan.file_size()))?;
        let mut out = Vec::new();
        // A failed allocation is an error, not an abort.
        out.try_reserve_exact(size)
            .map_err(|_| too_big(plan.file_size()))?;
        // Appended front to back: only the padding is zeroed, not every
        // byte before it is written.
        let names = |i: usize| &*self.symbols[i].name;
        self.each_piece(plan, |start, chunk| {
            let start = start as usize;
            let end = start + chunk.len();
            if end > size {
                return Err(too_big(end as u64));
            }
            if start >= out.len() {
                out.resize(start, 0);
                match chunk {
                    Chunk::Bytes(b) => out.extend_from_slice(b),
                    Chunk::Strings(t) => t.append(names, &mut out),
                }
            } else {
                // Overlapping what is already there: written over it.
                if end > out.len() {
                    out.resize(end, 0);
                }
                chunk.write(names, &mut out[start..end]);
            }
            Ok(())
        })?;
        out.resize(size, 0);
        self.patch(plan, &mut out)?;
        Ok(out)
    }

    fn check_plan(&self, plan: &LayoutPlan<'_>) -> Result<()> {
        if plan.is_from(self) {
            Ok(())
        } else {
            Err(Error::new(Subject::Output, ErrorKind::WrongPlan))
        }
    }

    /// Writes the file into `out`, which must be exactly `plan.file_size`
    /// bytes (its previous contents do not matter).
    ///
    /// # Errors
    ///
    /// As [`write`](Self::write), and when `out` is not the planned size.
    pub fn write_into(&self, plan: &LayoutPlan<'_>, out: &mut [u8]) -> Result<()> {
        self.check_plan(plan)?;
        if out.len() as u64 != plan.file_size() {
            return Err(Error::invalid(
                Subject::Output,
                "buffer length (must equal the planned file size)",
                out.len() as u64,
            ));
        }
        let names = |i: usize| &*self.symbols[i].name;
        let mut pos = 0usize;
        self.each_piece(plan, |start, chunk| {
            let start = start as usize;
            let end = start + chunk.len();
            let dst = out.get_mut(start..end).ok_or_else(|| too_big(end as u64))?;
            chunk.write(names, dst);
            if start > pos {
                out[pos..start].fill(0);
            }
            pos = pos.max(end);
            Ok(())
        })?;
        if pos < out.len() {
            out[pos..].fill(0);
        }
        self.patch(plan, out)
    }

    /// Writes the file to `w` (feature `std`).
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn write_to(
        &self,
        plan: &LayoutPlan<'_>,
        w: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        let bytes = self.write(plan).map_err(std::io::Error::other)?;
        w.write_all(&bytes)
    }

    /// Calls `put` with every piece of the file and its offset, in file
    /// order (a later piece may overlap an earlier one and wins).
    fn each_piece(
        &self,
        plan: &LayoutPlan<'_>,
        mut put: impl FnMut(u64, Chunk<'_>) -> Result<()>,
    ) -> Result<()> {
        let enc = self.kind.encoding;
        let mut headers = Vec::new();
        plan.header().encode(enc, &mut headers);
        for p in plan.segments() {
            p.encode(enc, &mut headers);
        }
        let mut shdrs = Vec::new();
        let mut first = SectionHeader::default();
        let shnum = plan.sections().len() as u64 + 1;
        if plan.header().e_shnum == 0 {
            first.sh_size = shnum;
        }
        if plan.header().e_shstrndx == crate::raw::consts::SHN_XINDEX {
            first.sh_link = plan
                .sections()
                .iter()
                .position(|s| s.origin == super::Origin::Shstrtab)
                .map_or(0, |i| i as u32 + 1);
        }
        first.encode(enc, &mut shdrs);
        for s in plan.sections() {
            s.header.encode(enc, &mut shdrs);
        }
        let mut pieces: Vec<(u64, Chunk<'_>)> =
            Vec::with_capacity(plan.blobs.len() + plan.user_data.len() + 3);
        pieces.push((0, Chunk::Bytes(&headers)));
        pieces.push((plan.header().e_shoff, Chunk::Bytes(&shdrs)));
        for (off, b) in &plan.blobs {
            pieces.push((*off, Chunk::Bytes(b)));
        }
        for (off, id) in &plan.user_data {
            if let Some(SectionData::Bytes(b)) = self.sections.get(id.0).map(|s| &s.data) {
                pieces.push((*off, Chunk::Bytes(b)));
            }
        }
        // The string table goes after whatever shares its offset, as it
        // was written last.
        if let Some((off, strings)) = &plan.strtab {
            pieces.push((*off, Chunk::Strings(strings)));
        }
        pieces.sort_by_key(|p| p.0);
        for (off, chunk) in pieces {
            put(off, chunk)?;
        }
        Ok(())
    }

    /// What is written over the pieces: applied relocations and the build
    /// ID, a digest of everything else.
    fn patch(&self, plan: &LayoutPlan<'_>, out: &mut [u8]) -> Result<()> {
        for (off, b, n) in &plan.patches {
            let at = *off as usize;
            out.get_mut(at..at + n)
                .ok_or_else(|| too_big(at as u64))?
                .copy_from_slice(&b[..*n]);
        }
        if let Some((off, len)) = plan.build_id {
            let digest = build_id_digest(out);
            out[off as usize..off as usize + len].copy_from_slice(&digest[..len]);
        }
        Ok(())
    }
}

/// A piece of the file: bytes, or `.strtab` made from the symbols' names.
#[derive(Clone, Copy)]
enum Chunk<'p> {
    Bytes(&'p [u8]),
    Strings(&'p StringLayout),
}

impl Chunk<'_> {
    fn len(&self) -> usize {
        match self {
            Chunk::Bytes(b) => b.len(),
            Chunk::Strings(t) => t.size(),
        }
    }

    /// Writes the piece into `dst` (its length).
    fn write<'s>(&self, names: impl Fn(usize) -> &'s [u8], dst: &mut [u8]) {
        match self {
            Chunk::Bytes(b) => dst.copy_from_slice(b),
            Chunk::Strings(t) => t.write_with(names, dst),
        }
    }
}

fn too_big(size: u64) -> Error {
    Error::new(
        Subject::Output,
        ErrorKind::TooLarge {
            size,
            limit: isize::MAX as u64,
        },
    )
}

/// A 160-bit digest of the output (with the build ID still zero): SHA-1,
/// as GNU ld's `--build-id=sha1` computes it.
fn build_id_digest(data: &[u8]) -> [u8; 20] {
    sha1_smol::Sha1::from(data).digest().bytes()
}
