//! The dynamic table (`.dynamic` / `PT_DYNAMIC`).

use super::encoding::{Table, TableIter, decode_both};
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
}

impl<'a> DynamicTable<'a> {
    pub(crate) fn new(entries: Table<'a, Dyn>, offset: u64) -> Self {
        DynamicTable { entries, offset }
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
