//! A planned rewrite as a sequence of pieces — unchanged input ranges,
//! produced bytes, zero padding — so that it can be written out without
//! building the file in memory.

use super::{Rewriter, overflow};
use crate::write::error::Result;
use alloc::borrow::Cow;
use alloc::collections::BTreeSet;
use alloc::vec::Vec;

/// One piece of a rewritten file; [`RewriteOutput::pieces`] lists them in
/// file order, and together they are the whole output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'r> {
    /// `len` bytes of the input starting at `offset`, unchanged (though
    /// not necessarily at the same output offset).
    Input {
        /// Where the bytes start in the input.
        offset: u64,
        /// How many.
        len: u64,
    },
    /// Bytes the rewrite produced (headers, tables, changed sections).
    Bytes(&'r [u8]),
    /// This many zero bytes (padding).
    Zeros(u64),
}

impl Piece<'_> {
    /// The number of output bytes the piece stands for.
    pub fn len(&self) -> u64 {
        match *self {
            Piece::Input { len, .. } | Piece::Zeros(len) => len,
            Piece::Bytes(b) => b.len() as u64,
        }
    }

    /// Whether the piece is empty (never so in [`RewriteOutput::pieces`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A rewrite ready to be written: the input's kept prefix and the bytes
/// written over or after it, from [`Rewriter::output`].
#[derive(Debug, Clone)]
pub struct RewriteOutput<'r> {
    input: &'r [u8],
    /// The input bytes the output starts with (the rest up to `size` is
    /// zero until a patch covers it).
    kept: u64,
    size: u64,
    /// `(offset, bytes)` in the order they are laid over the prefix.
    patches: Vec<(u64, Cow<'r, [u8]>)>,
}

impl<'r> RewriteOutput<'r> {
    pub(super) fn new(
        input: &'r [u8],
        kept: u64,
        size: u64,
        patches: Vec<(u64, Cow<'r, [u8]>)>,
    ) -> Result<Self> {
        for (at, bytes) in &patches {
            let end = at.checked_add(bytes.len() as u64).ok_or_else(overflow)?;
            if end > size {
                return Err(overflow());
            }
        }
        let kept = kept.min(size).min(input.len() as u64);
        Ok(RewriteOutput {
            input,
            kept,
            size,
            patches,
        })
    }

    /// The size of the output.
    pub fn len(&self) -> u64 {
        self.size
    }

    /// Whether the output is empty (never so for a file that parsed).
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// The output in memory: the kept prefix, then each patch laid over it
    /// in order.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size as usize);
        out.extend_from_slice(&self.input[..self.kept as usize]);
        out.resize(self.size as usize, 0);
        for (at, bytes) in &self.patches {
            let at = *at as usize;
            out[at..at + bytes.len()].copy_from_slice(bytes);
        }
        out
    }

    /// The output as pieces in file order, adjacent input ranges merged.
    /// Bytes of a section moved unchanged come as [`Piece::Input`] too, so
    /// a writer can copy them from the input file (`copy_file_range`).
    pub fn pieces(&self) -> Vec<Piece<'_>> {
        // Sweep the patch boundaries; between two of them the latest
        // patch covering the range wins, or the prefix (or zeros) shows.
        let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(2 * self.patches.len());
        for (i, (at, bytes)) in self.patches.iter().enumerate() {
            if !bytes.is_empty() {
                events.push((*at, true, i));
                events.push((at + bytes.len() as u64, false, i));
            }
        }
        events.sort_unstable_by_key(|e| e.0);
        let mut pieces = Vec::new();
        let mut active = BTreeSet::new();
        let mut cur = 0;
        let mut k = 0;
        while k < events.len() {
            let at = events[k].0;
            if at > cur {
                self.emit(cur, at, active.last().copied(), &mut pieces);
                cur = at;
            }
            while let Some(&(_, start, i)) = events.get(k).filter(|e| e.0 == at) {
                if start {
                    active.insert(i);
                } else {
                    active.remove(&i);
                }
                k += 1;
            }
        }
        if self.size > cur {
            self.emit(cur, self.size, None, &mut pieces);
        }
        pieces
    }

    /// Adds the pieces for `start..end` of the output, covered by patch
    /// `top` (or by the prefix and zeros).
    fn emit<'s>(&'s self, start: u64, end: u64, top: Option<usize>, out: &mut Vec<Piece<'s>>) {
        match top {
            Some(i) => {
                let (at, bytes) = &self.patches[i];
                let slice = &bytes[(start - at) as usize..(end - at) as usize];
                self.push(out, self.classify(slice));
            }
            None => {
                if start < self.kept {
                    let len = end.min(self.kept) - start;
                    self.push(out, Piece::Input { offset: start, len });
                }
                if end > self.kept {
                    self.push(out, Piece::Zeros(end - start.max(self.kept)));
                }
            }
        }
    }

    /// Appends `piece`, merged with the last one when they continue each
    /// other. A short run of zeros after an input range, where the input
    /// has zeros too (the padding between two moved sections), continues
    /// the range, so that one copy covers both sections.
    fn push<'s>(&'s self, out: &mut Vec<Piece<'s>>, piece: Piece<'s>) {
        const SHORT: u64 = 4096;
        if piece.is_empty() {
            return;
        }
        match (out.last_mut(), piece) {
            (Some(Piece::Input { offset, len }), Piece::Input { offset: o, len: l })
                if *offset + *len == o =>
            {
                *len += l;
            }
            (Some(Piece::Input { offset, len }), Piece::Zeros(n))
                if n <= SHORT && self.input_is_zero(*offset + *len, n) =>
            {
                *len += n;
            }
            (Some(Piece::Zeros(n)), Piece::Zeros(m)) => *n += m,
            _ => out.push(piece),
        }
    }

    /// Whether the input has `len` zeros at `offset`.
    fn input_is_zero(&self, offset: u64, len: u64) -> bool {
        let range = offset as usize..(offset + len) as usize;
        self.input
            .get(range)
            .is_some_and(|b| b.iter().all(|&x| x == 0))
    }

    /// `bytes` as an input range when they are the input's own bytes.
    fn classify<'s>(&self, bytes: &'s [u8]) -> Piece<'s> {
        let base = self.input.as_ptr() as usize;
        let p = bytes.as_ptr() as usize;
        if p >= base && p - base + bytes.len() <= self.input.len() {
            Piece::Input {
                offset: (p - base) as u64,
                len: bytes.len() as u64,
            }
        } else {
            Piece::Bytes(bytes)
        }
    }

    /// The bytes of `piece` (an input range is a slice of the input).
    pub fn bytes<'s>(&'s self, piece: &Piece<'s>) -> &'s [u8] {
        match *piece {
            Piece::Input { offset, len } => &self.input[offset as usize..(offset + len) as usize],
            Piece::Bytes(b) => b,
            Piece::Zeros(_) => &[],
        }
    }

    /// Writes the output to `w` piece by piece: input ranges straight from
    /// the input slice, so nothing the size of the file is allocated.
    ///
    /// # Errors
    ///
    /// What `w` returns.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn write_to<W: std::io::Write>(&self, mut w: W) -> std::io::Result<()> {
        const ZEROS: [u8; 4096] = [0; 4096];
        for piece in self.pieces() {
            match piece {
                Piece::Zeros(mut n) => {
                    while n > 0 {
                        let k = n.min(ZEROS.len() as u64);
                        w.write_all(&ZEROS[..k as usize])?;
                        n -= k;
                    }
                }
                _ => w.write_all(self.bytes(&piece))?,
            }
        }
        w.flush()
    }
}

impl Rewriter<'_> {
    /// Writes the rewritten file to `w` without building it in memory:
    /// the unchanged parts come straight from the input, only the changed
    /// bytes (headers, tables, changed sections) are produced. The same
    /// bytes as [`Rewriter::write`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read(std::env::current_exe()?)?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let mut rewriter = elfin::write::Rewriter::new(&file)?;
    /// rewriter.strip();
    /// let mut out = Vec::new();
    /// rewriter.write_to(&mut out)?;
    /// assert_eq!(out, rewriter.write()?);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// A planning error (see [`Rewriter::plan`]) as
    /// [`std::io::ErrorKind::InvalidData`], or what `w` returns.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn write_to<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        let output = self
            .output()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        output.write_to(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces, put together, against the painted `Vec`.
    fn assemble(out: &RewriteOutput<'_>) -> Vec<u8> {
        let mut v = Vec::new();
        for p in out.pieces() {
            assert!(!p.is_empty());
            match p {
                Piece::Zeros(n) => v.resize(v.len() + n as usize, 0),
                _ => v.extend_from_slice(out.bytes(&p)),
            }
        }
        v
    }

    #[test]
    fn overlapping_patches_the_later_wins() {
        // A small deterministic generator: patches of produced bytes and
        // of input slices, overlapping each other, the prefix and the end.
        let input: Vec<u8> = (0..200u32).map(|i| (i % 7) as u8).collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        for _ in 0..2000 {
            let size = 1 + next(300);
            let kept = next(size + 1);
            let mut patches = Vec::new();
            for k in 0..next(6) {
                let at = next(size);
                let len = next(size - at + 1);
                let bytes = if next(2) == 0 {
                    let from = next(input.len() as u64 - len.min(199)) as usize;
                    let len = (len as usize).min(input.len() - from);
                    Cow::Borrowed(&input[from..from + len])
                } else {
                    Cow::Owned(alloc::vec![100 + k as u8; len as usize])
                };
                patches.push((at, bytes));
            }
            let out = RewriteOutput::new(&input, kept, size, patches).unwrap();
            assert_eq!(assemble(&out), out.to_vec());
        }
    }

    #[test]
    fn a_patch_past_the_end_is_refused() {
        let input = [1u8; 16];
        let patches = alloc::vec![(10, Cow::Owned(alloc::vec![0u8; 8]))];
        assert!(RewriteOutput::new(&input, 16, 16, patches).is_err());
    }
}
