//! Placement of the output sections, with `.relr.dyn`'s size settled in a
//! few rounds: its size depends on the addresses it encodes, which depend
//! on its size.

use super::fates::Fate;
use super::sections::Out;
use crate::write::builder::{Builder, SectionId};
use crate::write::error::Result;
use crate::write::layout::{LayoutOptions, LoadClass, LoadSegment, Piece, Placed, place};
use crate::write::relr::encode_relr;
use alloc::vec::Vec;

/// What placement decided.
pub(super) struct Placement {
    /// One per piece: the headers, each output section in header order,
    /// then the section header table.
    pub placed: Vec<Placed>,
    pub segments: Vec<LoadSegment>,
    pub file_end: u64,
    /// `.relr.dyn`'s words and its final size (0 without one).
    pub relr_words: Vec<u64>,
    pub relr_size: u64,
}

/// What placement needs to know besides the builder.
pub(super) struct PlaceInputs<'p, 'o> {
    pub outs: &'p [Out<'o>],
    /// Output indices in header order.
    pub order: &'p [usize],
    /// Each output's header index.
    pub header_index: &'p [u32],
    /// Each user section's output index.
    pub user_out: &'p [usize],
    pub fates: &'p [Fate],
    /// The file header and program header table, as one piece.
    pub headers_size: u64,
    /// The section header table.
    pub table_size: u64,
    pub word: u64,
    pub relr_out: Option<usize>,
    /// The largest TLS alignment, for the first TLS section.
    pub tls_align: u64,
    pub base: u64,
    /// Whether the file is loaded (not a relocatable object).
    pub loaded: bool,
}

impl Builder<'_> {
    /// Places every piece. RELR starts from an upper bound, shrinks to what
    /// the addresses need, and is padded with empty bitmaps if a round packs
    /// worse than the one before.
    pub(super) fn place_pieces(
        &self,
        p: &PlaceInputs<'_, '_>,
        opts: &LayoutOptions,
    ) -> Result<Placement> {
        let relr_upper = p.relr_out.map_or(0, |i| p.outs[i].mem_size);
        let mut relr_size = relr_upper;
        let mut relr_words: Vec<u64> = Vec::new();
        let mut rounds = 0;
        let word = p.word;
        loop {
            rounds += 1;
            let mut pieces = Vec::with_capacity(p.outs.len() + 2);
            pieces.push(Piece {
                class: LoadClass::R,
                file_size: p.headers_size,
                mem_size: p.headers_size,
                align: word,
            });
            let mut first_tls = true;
            for &i in p.order {
                let o = &p.outs[i];
                let mut align = o.align;
                if matches!(o.class, LoadClass::Tls | LoadClass::TlsBss) && first_tls {
                    // The TLS segment starts aligned to PT_TLS's p_align.
                    align = align.max(p.tls_align);
                    first_tls = false;
                }
                let size = if Some(i) == p.relr_out {
                    relr_size
                } else {
                    o.mem_size
                };
                let file = if o.sh_type == crate::raw::consts::SHT_NOBITS {
                    0
                } else {
                    size
                };
                pieces.push(Piece {
                    class: o.class,
                    file_size: file,
                    mem_size: size,
                    align,
                });
            }
            pieces.push(Piece {
                class: LoadClass::NotLoaded,
                file_size: p.table_size,
                mem_size: 0,
                align: word,
            });
            let (placed, segments, file_end) = place(&pieces, opts, p.base, p.loaded)?;
            let Some(_) = p.relr_out else {
                return Ok(Placement {
                    placed,
                    segments,
                    file_end,
                    relr_words,
                    relr_size,
                });
            };
            // Piece 0 is the headers: a section's piece is its header index.
            let addr_of = |sec: SectionId| placed[p.header_index[p.user_out[sec.0]] as usize].addr;
            let mut addrs: Vec<u64> = self
                .relocations
                .iter()
                .zip(p.fates)
                .filter(|(_, f)| **f == Fate::Relative { relr: true })
                .map(|(r, _)| addr_of(r.section).wrapping_add(r.offset))
                .collect();
            addrs.sort_unstable();
            relr_words = encode_relr(&addrs, word);
            let need = relr_words.len() as u64 * word;
            let settled = need == relr_size || (need < relr_size && rounds >= 2);
            if settled {
                relr_words.resize((relr_size / word) as usize, 1);
                return Ok(Placement {
                    placed,
                    segments,
                    file_end,
                    relr_words,
                    relr_size,
                });
            }
            relr_size = if rounds >= 3 { relr_upper } else { need };
        }
    }
}
