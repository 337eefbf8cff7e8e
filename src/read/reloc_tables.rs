//! Finding relocation tables: per section, and through the dynamic table.

use super::encoding::Table;
use super::file::ElfFile;
use super::reloc::{InfoLayout, Rel, Rela, RelocationTable};
use super::section::Section;
use crate::error::{Result, Structure};
use crate::raw::consts::*;

impl<'a> ElfFile<'a> {
    /// How `r_info` splits into symbol and type in this file.
    #[inline]
    pub fn info_layout(&self) -> InfoLayout {
        InfoLayout::new(self.encoding(), self.machine())
    }

    /// The relocations in `section`, if it is a REL, RELA, RELR or CREL
    /// section (`Ok(None)` for other sections).
    #[inline]
    pub fn relocation_table(&self, section: &Section<'a>) -> Result<Option<RelocationTable<'a>>> {
        let h = section.header();
        let enc = self.encoding();
        let check = |want: usize| section.check_entry_size(want as u64);
        let layout = self.info_layout();
        Ok(Some(match h.sh_type {
            SHT_REL => {
                check(Table::<Rel>::entry_size(enc))?;
                RelocationTable::Rel(Table::new(enc, section.data()?), layout)
            }
            SHT_RELA => {
                check(Table::<Rela>::entry_size(enc))?;
                RelocationTable::Rela(Table::new(enc, section.data()?), layout)
            }
            SHT_RELR => {
                check(enc.address_size())?;
                RelocationTable::Relr(Table::new(enc, section.data()?), enc.address_size() as u64)
            }
            SHT_CREL => RelocationTable::Crel(section.data()?, h.sh_offset),
            _ => return Ok(None),
        }))
    }

    /// The dynamic relocation tables named by the dynamic table (`DT_RELA`,
    /// `DT_REL`, `DT_RELR`, `DT_JMPREL`), for files without section headers.
    pub fn dynamic_relocations(&self) -> Result<DynamicRelocations<'a>> {
        let mut out = DynamicRelocations::default();
        let Some(d) = self.dynamic()? else {
            return Ok(out);
        };
        let info = d.info();
        let enc = self.encoding();
        let layout = self.info_layout();
        let table = |addr: Option<u64>, size: Option<u64>, what| -> Result<Option<&'a [u8]>> {
            match (addr, size) {
                (Some(a), Some(s)) if s > 0 => Ok(Some(self.data_at_vaddr_as(a, s, what)?)),
                _ => Ok(None),
            }
        };
        out.rela = table(info.rela, info.relasz, Structure::RelaTable)?
            .map(|b| RelocationTable::Rela(Table::new(enc, b), layout));
        out.rel = table(info.rel, info.relsz, Structure::RelTable)?
            .map(|b| RelocationTable::Rel(Table::new(enc, b), layout));
        out.relr = table(info.relr, info.relrsz, Structure::RelrTable)?
            .map(|b| RelocationTable::Relr(Table::new(enc, b), enc.address_size() as u64));
        out.plt = table(info.jmprel, info.pltrelsz, Structure::JmprelTable)?.map(|b| {
            if info.pltrel == Some(DT_REL as u64) {
                RelocationTable::Rel(Table::new(enc, b), layout)
            } else {
                RelocationTable::Rela(Table::new(enc, b), layout)
            }
        });
        Ok(out)
    }
}

/// The dynamic relocation tables of a file.
#[derive(Debug, Clone, Copy, Default)]
pub struct DynamicRelocations<'a> {
    /// `DT_RELA` / `DT_RELASZ`.
    pub rela: Option<RelocationTable<'a>>,
    /// `DT_REL` / `DT_RELSZ`.
    pub rel: Option<RelocationTable<'a>>,
    /// `DT_RELR` / `DT_RELRSZ`.
    pub relr: Option<RelocationTable<'a>>,
    /// `DT_JMPREL` / `DT_PLTRELSZ` (REL or RELA per `DT_PLTREL`).
    pub plt: Option<RelocationTable<'a>>,
}
