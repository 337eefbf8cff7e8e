//! The TLS segment of a linked file: which sections it holds, where it
//! starts, how large and how aligned it is, and the `PT_TLS` and
//! `PT_GNU_RELRO` spans it shapes.

use super::headers::Span;
use super::sections::Out;
use crate::write::layout::{LoadClass, Placed};
use alloc::vec::Vec;

/// Whether a section of this class is thread-local.
pub(super) fn is_tls(class: LoadClass) -> bool {
    matches!(class, LoadClass::Tls | LoadClass::TlsBss)
}

/// `PT_TLS`'s alignment: its most aligned section's, so every TLS offset
/// keeps its section's alignment in each thread's copy.
pub(super) fn tls_align(outs: &[Out<'_>]) -> u64 {
    outs.iter()
        .filter(|o| is_tls(o.class))
        .map(|o| o.align)
        .fold(1, u64::max)
}

/// The TLS segment: its start address, memory size and alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TlsBlock {
    pub addr: u64,
    pub mem_size: u64,
    pub align: u64,
}

/// The TLS sections of a placed file and the segment they make.
pub(super) struct TlsLayout {
    /// Output indices, in header order (the image first, then the zeros).
    sections: Vec<usize>,
    pub block: Option<TlsBlock>,
}

impl TlsLayout {
    /// From the outputs in header `order`, placed by `at`.
    pub(super) fn new(
        outs: &[Out<'_>],
        order: &[usize],
        at: &dyn Fn(usize) -> Placed,
        align: u64,
    ) -> TlsLayout {
        let sections: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| is_tls(outs[i].class))
            .collect();
        let block = sections.first().map(|&first| {
            let start = at(first).addr;
            let end = sections
                .iter()
                .map(|&i| at(i).addr + outs[i].mem_size)
                .max()
                .unwrap_or(start);
            TlsBlock {
                addr: start,
                mem_size: end - start,
                align,
            }
        });
        TlsLayout { sections, block }
    }

    /// `PT_TLS`: the image in the file, the zeros after it in memory.
    /// `file_limit` is where the writable segment's file bytes end.
    pub(super) fn segment(&self, span: &dyn Fn(usize) -> Span, file_limit: u64) -> Option<Span> {
        let t = self.block?;
        let file_end = self
            .sections
            .iter()
            .map(|&i| span(i))
            .filter(|s| s.file_size > 0)
            .map(|s| s.addr + s.file_size)
            .max()
            .unwrap_or(t.addr);
        let file_size = file_end - t.addr;
        let mut offset = span(self.sections[0]).offset;
        if file_size == 0 {
            // Zeros only: no file bytes, and an offset inside the file
            // (the congruent one may lie past its end).
            offset = offset.min(file_limit);
        }
        Some(Span {
            offset,
            addr: t.addr,
            file_size,
            mem_size: t.mem_size,
            align: t.align,
        })
    }
}

/// `PT_GNU_RELRO`'s first section and end address: the TLS image (only
/// the loader reads it, to make each thread's copy, as GNU ld and lld
/// also protect it) and the RELRO sections. The TLS zeros take no room in
/// the segment.
pub(super) fn relro_span(
    outs: &[Out<'_>],
    order: &[usize],
    span: &dyn Fn(usize) -> Span,
) -> Option<(Span, u64)> {
    order
        .iter()
        .copied()
        .filter(|&i| matches!(outs[i].class, LoadClass::Tls | LoadClass::RelRo))
        .fold(None, |acc: Option<(Span, u64)>, i| {
            let s = span(i);
            let end = s.addr + s.mem_size;
            Some(match acc {
                Some((first, e)) if first.addr <= s.addr => (first, e.max(end)),
                Some((_, e)) => (s, e.max(end)),
                None => (s, end),
            })
        })
}
