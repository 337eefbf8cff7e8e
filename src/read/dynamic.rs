//! The dynamic table (`.dynamic` / `PT_DYNAMIC`).

use super::encoding::{Class, Encoding, Table, TableIter, decode_both};
use crate::error::{Error, Field, Structure};
use crate::raw::consts::*;
use crate::raw::{Dyn32, Dyn64};

/// A dynamic entry with native integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dyn {
    /// The tag (`DT_*`), sign-extended from 32 bits in 32-bit files.
    pub d_tag: i64,
    /// The value or address.
    pub d_val: u64,
}

decode_both!(Dyn, Dyn32, Dyn64, |r| Dyn {
    d_tag: i64::from(r.d_tag.get()),
    d_val: u64::from(r.d_val.get())
});

/// The dynamic table.
#[derive(Debug, Clone, Copy)]
pub struct DynamicTable<'a> {
    entries: Table<'a, Dyn>,
    offset: u64,
    /// The size of the bytes the entries were taken from.
    size: u64,
    /// The size of one entry (8 or 16).
    entsize: u8,
    /// The `.dynamic` section that disagreed with `PT_DYNAMIC` (index,
    /// `sh_offset`, `sh_size`), when the segment was read instead.
    section: Option<(usize, u64, u64)>,
}

impl<'a> DynamicTable<'a> {
    pub(crate) fn new(encoding: Encoding, bytes: &'a [u8], offset: u64) -> Self {
        DynamicTable {
            entries: Table::new(encoding, bytes),
            offset,
            size: bytes.len() as u64,
            entsize: match encoding.class {
                Class::Elf32 => 8,
                Class::Elf64 => 16,
            },
            section: None,
        }
    }

    /// Records the `.dynamic` section that `PT_DYNAMIC` was preferred to.
    pub(crate) fn instead_of_section(mut self, index: usize, offset: u64, size: u64) -> Self {
        self.section = Some((index, offset, size));
        self
    }

    /// What is wrong with the table, each at most once: a `.dynamic`
    /// section that disagrees with `PT_DYNAMIC` (the segment is what the
    /// loader reads, and what this table holds), no `DT_NULL` before its
    /// end, trailing bytes that are not a whole entry. The entries are
    /// still all there to walk.
    ///
    /// ```
    /// let bytes = std::fs::read("/proc/self/exe").unwrap();
    /// let file = elfin::ElfFile::parse(&bytes).unwrap();
    /// if let Some(d) = file.dynamic().unwrap() {
    ///     assert_eq!(d.errors().count(), 0);
    /// }
    /// ```
    pub fn errors(&self) -> impl Iterator<Item = Error> + use<> {
        let entsize = u64::from(self.entsize);
        let conflict = self.section.map(|(index, offset, size)| {
            Error::bad_value(
                Structure::SectionHeader,
                offset,
                Field::DynamicShSizeDiffers,
                size,
            )
            .at_index(index as u64)
        });
        let end = self.offset.saturating_add(self.size);
        // (An empty table, from a `.dynamic` without file bytes, has no
        // entries to end.)
        let no_null = (self.size != 0 && !self.entries.iter().any(|d| d.d_tag == DT_NULL))
            .then(|| Error::missing(Structure::DynamicTable, self.offset, Field::MissingDtNull));
        let trailing = self
            .size
            .checked_rem(entsize)
            .filter(|&partial| partial != 0)
            .map(|partial| {
                Error::bad_value(
                    Structure::DynamicTable,
                    end.saturating_sub(partial),
                    Field::DynamicSizeNotMultiple,
                    self.size,
                )
            });
        [conflict, no_null, trailing].into_iter().flatten()
    }

    /// The file offset of the table.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The typed table of raw entries (including any after `DT_NULL`).
    pub fn raw(&self) -> Table<'a, Dyn> {
        self.entries
    }

    /// The entries up to and including the first `DT_NULL` (all of them if
    /// there is none).
    pub fn iter(&self) -> DynIter<'a> {
        DynIter {
            inner: self.entries.iter(),
            done: false,
        }
    }

    /// The value of the first entry with `tag`.
    pub fn get(&self, tag: i64) -> Option<u64> {
        self.iter().find(|d| d.d_tag == tag).map(|d| d.d_val)
    }

    /// The addresses and sizes the dynamic linker uses, gathered in one pass.
    pub fn info(&self) -> DynamicInfo {
        let mut i = DynamicInfo::default();
        for d in self.iter() {
            let v = Some(d.d_val);
            match d.d_tag {
                DT_STRTAB => i.strtab = v,
                DT_STRSZ => i.strsz = v,
                DT_SYMTAB => i.symtab = v,
                DT_SYMENT => i.syment = v,
                DT_HASH => i.hash = v,
                DT_GNU_HASH => i.gnu_hash = v,
                DT_VERSYM => i.versym = v,
                DT_VERDEF => i.verdef = v,
                DT_VERDEFNUM => i.verdefnum = v,
                DT_VERNEED => i.verneed = v,
                DT_VERNEEDNUM => i.verneednum = v,
                DT_RELA => i.rela = v,
                DT_RELASZ => i.relasz = v,
                DT_RELAENT => i.relaent = v,
                DT_REL => i.rel = v,
                DT_RELSZ => i.relsz = v,
                DT_RELENT => i.relent = v,
                DT_RELR => i.relr = v,
                DT_RELRSZ => i.relrsz = v,
                DT_JMPREL => i.jmprel = v,
                DT_PLTRELSZ => i.pltrelsz = v,
                DT_PLTREL => i.pltrel = v,
                DT_SONAME => i.soname = v,
                DT_RUNPATH => i.runpath = v,
                DT_RPATH => i.rpath = v,
                _ => {}
            }
        }
        i
    }
}

/// The entries of a [`DynamicTable`] up to and including `DT_NULL`.
#[derive(Debug, Clone)]
pub struct DynIter<'a> {
    inner: TableIter<'a, Dyn>,
    done: bool,
}

impl Iterator for DynIter<'_> {
    type Item = Dyn;
    fn next(&mut self) -> Option<Dyn> {
        if self.done {
            return None;
        }
        let d = self.inner.next()?;
        self.done = d.d_tag == DT_NULL;
        Some(d)
    }
}

/// The values of the dynamic tags a reader needs, as found in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct DynamicInfo {
    pub strtab: Option<u64>,
    pub strsz: Option<u64>,
    pub symtab: Option<u64>,
    pub syment: Option<u64>,
    pub hash: Option<u64>,
    pub gnu_hash: Option<u64>,
    pub versym: Option<u64>,
    pub verdef: Option<u64>,
    pub verdefnum: Option<u64>,
    pub verneed: Option<u64>,
    pub verneednum: Option<u64>,
    pub rela: Option<u64>,
    pub relasz: Option<u64>,
    pub relaent: Option<u64>,
    pub rel: Option<u64>,
    pub relsz: Option<u64>,
    pub relent: Option<u64>,
    pub relr: Option<u64>,
    pub relrsz: Option<u64>,
    pub jmprel: Option<u64>,
    pub pltrelsz: Option<u64>,
    pub pltrel: Option<u64>,
    pub soname: Option<u64>,
    pub runpath: Option<u64>,
    pub rpath: Option<u64>,
}
