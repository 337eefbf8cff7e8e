//! The iterator over a relocation table: one match per entry.
//!
//! A REL or RELA table would otherwise cost two dispatches per entry (the
//! kind of table, then its class and byte order) and a third to split
//! `r_info`. Here each combination is its own variant over the raw slice,
//! so the split is known statically and the loop body is one arm.

use super::encoding::{RawRecord, Table, TableIter};
use super::reloc::{Fixed, InfoLayout, Rel, Rela, Relocation, RelrIter};
use crate::raw::{BE, LE, Rel32, Rel64, Rela32, Rela64};
use core::slice::Iter;

/// An iterator over the relocations of a REL, RELA or RELR table
/// ([`FixedRelocations`](super::reloc::FixedRelocations)): plain values,
/// since fixed-size entries decode without fail.
#[derive(Clone, Debug)]
pub struct Relocations<'a> {
    /// The entries of a 64-bit little-endian RELA table (x86-64, AArch64,
    /// RISC-V, ...), kept outside the enum: the loop then tests one
    /// pointer per entry instead of taking the match's indirect jump.
    rela64le: Iter<'a, Rela64<LE>>,
    /// Every other kind of table (`Empty` when `rela64le` has it).
    rest: Entries<'a>,
}

#[derive(Clone, Debug)]
enum Entries<'a> {
    Rel32Le(Iter<'a, Rel32<LE>>),
    Rel32Be(Iter<'a, Rel32<BE>>),
    Rel64Le(Iter<'a, Rel64<LE>>),
    Rel64Be(Iter<'a, Rel64<BE>>),
    Rela32Le(Iter<'a, Rela32<LE>>),
    Rela32Be(Iter<'a, Rela32<BE>>),
    Rela64Be(Iter<'a, Rela64<BE>>),
    /// Any table whose `r_info` layout is not its class's plain one
    /// (64-bit little-endian MIPS, or a layout the caller chose).
    Rel(TableIter<'a, Rel>, InfoLayout),
    Rela(TableIter<'a, Rela>, InfoLayout),
    Relr(RelrIter<'a>),
    Empty,
}

impl<'a> Relocations<'a> {
    pub(crate) fn new(table: &Fixed<'a>) -> Self {
        use InfoLayout::{Elf32, Elf64};
        let rest = match *table {
            Fixed::Rela(Table::Le64(s), Elf64) => {
                return Relocations {
                    rela64le: s.iter(),
                    rest: Entries::Empty,
                };
            }
            Fixed::Rel(t, layout) => match (t, layout) {
                (Table::Le32(s), Elf32) => Entries::Rel32Le(s.iter()),
                (Table::Be32(s), Elf32) => Entries::Rel32Be(s.iter()),
                (Table::Le64(s), Elf64) => Entries::Rel64Le(s.iter()),
                (Table::Be64(s), Elf64) => Entries::Rel64Be(s.iter()),
                (t, layout) => Entries::Rel(t.iter(), layout),
            },
            Fixed::Rela(t, layout) => match (t, layout) {
                (Table::Le32(s), Elf32) => Entries::Rela32Le(s.iter()),
                (Table::Be32(s), Elf32) => Entries::Rela32Be(s.iter()),
                (Table::Be64(s), Elf64) => Entries::Rela64Be(s.iter()),
                (t, layout) => Entries::Rela(t.iter(), layout),
            },
            Fixed::Relr(t) => Entries::Relr(RelrIter::new(t)),
        };
        Relocations {
            rela64le: [].iter(),
            rest,
        }
    }

    /// The next entry of a table other than 64-bit little-endian RELA.
    #[inline]
    fn next_other(&mut self) -> Option<Relocation> {
        use InfoLayout::{Elf32, Elf64};
        // The layout is a constant in each plain arm, so `split` folds.
        match &mut self.rest {
            Entries::Rel32Le(i) => i.next().map(|r| rel(r.decode(), Elf32)),
            Entries::Rel32Be(i) => i.next().map(|r| rel(r.decode(), Elf32)),
            Entries::Rel64Le(i) => i.next().map(|r| rel(r.decode(), Elf64)),
            Entries::Rel64Be(i) => i.next().map(|r| rel(r.decode(), Elf64)),
            Entries::Rela32Le(i) => i.next().map(|r| rela(r.decode(), Elf32)),
            Entries::Rela32Be(i) => i.next().map(|r| rela(r.decode(), Elf32)),
            Entries::Rela64Be(i) => i.next().map(|r| rela(r.decode(), Elf64)),
            Entries::Rel(i, layout) => i.next().map(|r| rel(r, *layout)),
            Entries::Rela(i, layout) => i.next().map(|r| rela(r, *layout)),
            Entries::Relr(i) => i.next().map(|offset| Relocation {
                offset,
                ..Relocation::default()
            }),
            Entries::Empty => None,
        }
    }
}

#[inline(always)]
fn rel(r: Rel, layout: InfoLayout) -> Relocation {
    let (symbol, kind) = layout.split(r.r_info);
    Relocation {
        offset: r.r_offset,
        symbol,
        kind,
        addend: None,
    }
}

#[inline(always)]
fn rela(r: Rela, layout: InfoLayout) -> Relocation {
    let (symbol, kind) = layout.split(r.r_info);
    Relocation {
        offset: r.r_offset,
        symbol,
        kind,
        addend: Some(r.r_addend),
    }
}

impl Iterator for Relocations<'_> {
    type Item = Relocation;

    #[inline(always)]
    fn next(&mut self) -> Option<Relocation> {
        match self.rela64le.next() {
            Some(r) => Some(rela(r.decode(), InfoLayout::Elf64)),
            None => self.next_other(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.rest {
            Entries::Rel32Le(i) => i.size_hint(),
            Entries::Rel32Be(i) => i.size_hint(),
            Entries::Rel64Le(i) => i.size_hint(),
            Entries::Rel64Be(i) => i.size_hint(),
            Entries::Rela32Le(i) => i.size_hint(),
            Entries::Rela32Be(i) => i.size_hint(),
            Entries::Rela64Be(i) => i.size_hint(),
            Entries::Rel(i, _) => i.size_hint(),
            Entries::Rela(i, _) => i.size_hint(),
            Entries::Relr(i) => i.size_hint(),
            Entries::Empty => self.rela64le.size_hint(),
        }
    }
}
