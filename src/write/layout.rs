//! Placement: the pure step that gives every piece of the file (the
//! headers, each section, the section header table) its file offset and
//! address, and groups the loaded pieces into segments.
//!
//! Pieces come sorted by [`LoadClass`]; each run of one permission class
//! becomes one `PT_LOAD` that starts on a new page, so no page is both
//! writable and executable.

use super::error::{Error, ErrorKind, Result, Subject};
use alloc::vec::Vec;

/// How offsets relate to addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placement {
    /// File offset equals virtual address minus the base: the whole file
    /// maps at once and only the writable pages change (Guile's object
    /// files). Segments start on page boundaries in the file too.
    Mmap,
    /// Each segment's offset is congruent to its address modulo the page
    /// size, as lld and mold do: no padding in the file.
    Compact,
}

/// Layout parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutOptions {
    /// Offsets versus addresses.
    pub placement: Placement,
    /// The page size (4 KiB on x86-64; 64 KiB suits every common target).
    pub page_size: u64,
    /// The address of the first segment; `None` picks 0 for `ET_DYN` and
    /// 0x400000 for `ET_EXEC`. It must be a multiple of the page size.
    pub base: Option<u64>,
    /// The most padding (file bytes that are no section's, header's or
    /// table's) a plan may have: alignments add it, and a huge one (2^40)
    /// would plan a file of that size. A plan over it is refused with
    /// [`ErrorKind::TooLarge`](super::ErrorKind::TooLarge) before anything
    /// is allocated. The default, 1 GiB, allows any alignment up to 512
    /// MiB.
    pub max_padding: u64,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            placement: Placement::Compact,
            page_size: 0x1000,
            base: None,
            max_padding: DEFAULT_MAX_PADDING,
        }
    }
}

/// [`LayoutOptions::max_padding`]'s default: 1 GiB.
pub const DEFAULT_MAX_PADDING: u64 = 1 << 30;

/// Where a piece goes, in the order the layout sorts pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoadClass {
    /// Read-only, loaded (the file and program headers come first here).
    R,
    /// Read and execute.
    RX,
    /// The initialization image of thread-local storage (`.tdata`). It
    /// starts the writable segment, inside `PT_GNU_RELRO` as with GNU ld and
    /// lld: only the loader reads it, to set up each thread's copy.
    Tls,
    /// Thread-local zeros (`.tbss`): in `PT_TLS`, but taking no address
    /// space in its `PT_LOAD` (what follows may overlap its addresses).
    TlsBss,
    /// Writable, but read-only once relocated (`PT_GNU_RELRO`).
    RelRo,
    /// Writable.
    RW,
    /// Writable zeros with no file bytes (`SHT_NOBITS`), last.
    Bss,
    /// Not loaded: after every segment.
    NotLoaded,
}

/// A piece to place.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    pub class: LoadClass,
    pub file_size: u64,
    pub mem_size: u64,
    pub align: u64,
}

/// A placed piece.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Placed {
    pub offset: u64,
    pub addr: u64,
}

/// One loadable segment found by placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LoadSegment {
    pub class: LoadClass,
    pub offset: u64,
    pub addr: u64,
    pub file_size: u64,
    pub mem_size: u64,
    pub align: u64,
}

fn overflow() -> Error {
    Error::new(Subject::Layout, ErrorKind::Overflow("address or offset"))
}

fn align_up(x: u64, a: u64) -> Result<u64> {
    let a = a.max(1);
    x.checked_add(a - 1)
        .map(|v| v & !(a - 1))
        .ok_or_else(overflow)
}

/// Places `pieces` (sorted by class; the first is the file header piece
/// when `loaded` is true). For a relocatable object (`loaded` false) every
/// address is 0 and pieces follow each other in the file.
pub(crate) fn place(
    pieces: &[Piece],
    opts: &LayoutOptions,
    base: u64,
    loaded: bool,
) -> Result<(Vec<Placed>, Vec<LoadSegment>, u64)> {
    let page = opts.page_size;
    if !page.is_power_of_two() || page < 16 {
        return Err(Error::invalid(
            Subject::Layout,
            "page size (a power of two, at least 16)",
            page,
        ));
    }
    // A base off a page boundary would be rounded (compact) or break
    // offset = address - base (mmap): refused in both.
    if loaded && !base.is_multiple_of(page) {
        return Err(Error::invalid(
            Subject::Layout,
            "base address (not a multiple of the page size)",
            base,
        ));
    }
    let mut placed = alloc::vec![Placed::default(); pieces.len()];
    let mut segments = Vec::new();
    let mut off = 0u64;
    let mut mem_end = base;
    let mut i = 0;
    while i < pieces.len() && loaded && pieces[i].class != LoadClass::NotLoaded {
        // One group: R, RX, or RW (Tls + TlsBss + RelRo + RW + Bss).
        let group = |c: LoadClass| match c {
            LoadClass::Tls
            | LoadClass::TlsBss
            | LoadClass::RelRo
            | LoadClass::RW
            | LoadClass::Bss => LoadClass::RW,
            c => c,
        };
        let g = group(pieces[i].class);
        let end = i + pieces[i..]
            .iter()
            .take_while(|p| group(p.class) == g)
            .count();
        let seg_align = pieces[i..end]
            .iter()
            .map(|p| p.align.max(1))
            .max()
            .unwrap_or(1)
            .max(page);
        if opts.placement == Placement::Mmap && !base.is_multiple_of(seg_align) {
            // Offsets are addresses minus the base: a segment aligned more
            // than the base cannot keep offset and address congruent.
            return Err(Error::invalid(
                Subject::Layout,
                "base address (not a multiple of a segment's alignment)",
                base,
            ));
        }
        let (mut o, mut a) = if segments.is_empty() {
            if opts.placement == Placement::Mmap && !base.is_multiple_of(seg_align) {
                // Offset 0 must map to the base, which the segment's
                // alignment would move.
                return Err(Error::invalid(
                    Subject::Layout,
                    "base address (not a multiple of the first segment's alignment)",
                    base,
                ));
            }
            (0, align_up(base, seg_align)?)
        } else {
            match opts.placement {
                Placement::Mmap => {
                    let a = align_up(mem_end, seg_align)?;
                    (a.checked_sub(base).ok_or_else(overflow)?, a)
                }
                Placement::Compact => (
                    off,
                    align_up(mem_end, seg_align)?
                        .checked_add(off % seg_align)
                        .ok_or_else(overflow)?,
                ),
            }
        };
        let (seg_off, seg_addr) = (o, a);
        let mut file_end = o;
        // Where the next TLS zeros go: after the TLS image and each other,
        // while the segment's own cursor stays put.
        let mut tbss_end: Option<u64> = None;
        for (k, p) in pieces.iter().enumerate().take(end).skip(i) {
            if p.class == LoadClass::TlsBss {
                let start = align_up(tbss_end.unwrap_or(a), p.align)?;
                // Offset congruent with the address, as if the zeros were
                // in the file: tools find a TLS section's offset in the
                // TLS segment from it.
                let offset = o.checked_add(start - a).ok_or_else(overflow)?;
                placed[k] = Placed {
                    offset,
                    addr: start,
                };
                tbss_end = Some(start.checked_add(p.mem_size).ok_or_else(overflow)?);
                continue;
            }
            let na = align_up(a, p.align)?;
            o = o.checked_add(na - a).ok_or_else(overflow)?;
            a = na;
            placed[k] = Placed { offset: o, addr: a };
            a = a.checked_add(p.mem_size).ok_or_else(overflow)?;
            if p.class != LoadClass::Bss {
                o = o.checked_add(p.file_size).ok_or_else(overflow)?;
                file_end = o;
            }
        }
        segments.push(LoadSegment {
            class: g,
            offset: seg_off,
            addr: seg_addr,
            file_size: file_end - seg_off,
            mem_size: a - seg_addr,
            align: seg_align,
        });
        off = file_end;
        mem_end = a;
        i = end;
    }
    for (k, p) in pieces.iter().enumerate().skip(i) {
        off = align_up(off, p.align)?;
        placed[k] = Placed {
            offset: off,
            addr: 0,
        };
        off = off.checked_add(p.file_size).ok_or_else(overflow)?;
    }
    Ok((placed, segments, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(class: LoadClass, size: u64, align: u64) -> Piece {
        let file = if class == LoadClass::Bss { 0 } else { size };
        Piece {
            class,
            file_size: file,
            mem_size: size,
            align,
        }
    }

    #[test]
    fn classes_get_their_own_pages_in_both_placements() {
        let pieces = [
            piece(LoadClass::R, 0x100, 8),
            piece(LoadClass::R, 0x30, 16),
            piece(LoadClass::RX, 0x2345, 16),
            piece(LoadClass::RelRo, 0x20, 8),
            piece(LoadClass::RW, 0x10, 8),
            piece(LoadClass::Bss, 0x5000, 32),
            piece(LoadClass::NotLoaded, 0x77, 1),
        ];
        for placement in [Placement::Mmap, Placement::Compact] {
            let opts = LayoutOptions {
                placement,
                page_size: 0x1000,
                base: None,
                ..LayoutOptions::default()
            };
            let (p, segs, end) = place(&pieces, &opts, 0x400000, true).unwrap();
            assert_eq!(segs.len(), 3);
            for w in segs.windows(2) {
                // The next segment starts on a later page than the previous ends.
                assert!(w[1].addr / 0x1000 > (w[0].addr + w[0].mem_size - 1) / 0x1000);
            }
            for s in &segs {
                assert_eq!(s.offset % s.align, s.addr % s.align);
                if placement == Placement::Mmap {
                    assert_eq!(s.offset, s.addr - 0x400000);
                }
            }
            assert_eq!(p[6].addr, 0);
            assert!(p[6].offset >= segs[2].offset + segs[2].file_size);
            assert_eq!(end, p[6].offset + 0x77);
            // Bss takes no file space.
            assert_eq!(segs[2].file_size, p[4].offset + 0x10 - segs[2].offset);
        }
    }

    #[test]
    fn tls_zeros_take_no_room_in_their_segment() {
        let pieces = [
            piece(LoadClass::R, 0x40, 8),
            piece(LoadClass::Tls, 0x8, 16),
            Piece {
                class: LoadClass::TlsBss,
                file_size: 0,
                mem_size: 0x10,
                align: 16,
            },
            Piece {
                class: LoadClass::TlsBss,
                file_size: 0,
                mem_size: 0x4,
                align: 64,
            },
            piece(LoadClass::RelRo, 0x20, 8),
            piece(LoadClass::Bss, 0x30, 8),
        ];
        let opts = LayoutOptions::default();
        let (p, segs, _) = place(&pieces, &opts, 0x40_0000, true).unwrap();
        let (tdata, tbss, tbss2, relro, bss) = (p[1], p[2], p[3], p[4], p[5]);
        // The zeros follow the image and each other in TLS space...
        assert_eq!(tbss.addr, tdata.addr + 0x10);
        assert_eq!(tbss2.addr, tdata.addr + 0x40);
        // ...with offsets congruent to their addresses...
        assert_eq!(tbss.offset - tdata.offset, tbss.addr - tdata.addr);
        assert_eq!(tbss2.offset - tdata.offset, tbss2.addr - tdata.addr);
        // ...but what follows them in the segment starts after the image.
        assert_eq!(relro.addr, tdata.addr + 8);
        assert_eq!(bss.addr, relro.addr + 0x20);
        assert_eq!(segs[1].mem_size, bss.addr + 0x30 - segs[1].addr);
    }

    #[test]
    fn huge_alignment_is_honoured() {
        let pieces = [
            piece(LoadClass::R, 0x40, 8),
            piece(LoadClass::RX, 0x10, 0x20_0000),
        ];
        let opts = LayoutOptions {
            placement: Placement::Compact,
            page_size: 0x1000,
            base: None,
            ..LayoutOptions::default()
        };
        let (p, segs, _) = place(&pieces, &opts, 0, true).unwrap();
        assert_eq!(p[1].addr % 0x20_0000, 0);
        assert_eq!(segs[1].align, 0x20_0000);
        assert_eq!(segs[1].offset % 0x20_0000, segs[1].addr % 0x20_0000);
    }
}
