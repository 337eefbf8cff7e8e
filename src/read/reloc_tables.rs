//! Finding relocation tables: per section, and through the dynamic table.

use super::encoding::Table;
use super::file::ElfFile;
use super::reloc::{CrelTable, FixedRelocations, InfoLayout, Rel, Rela, RelocationTable};
use super::section::Section;
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::*;

impl<'a> ElfFile<'a> {
    /// How `r_info` splits into symbol and type in this file.
    #[inline]
    pub fn info_layout(&self) -> InfoLayout {
        InfoLayout::new(self.encoding(), self.machine())
    }

    /// The relocations in `section`, if it is a REL, RELA, RELR or CREL
    /// section (`Ok(None)` for other sections).
    ///
    /// # Errors
    ///
    /// Fails when the section's data is out of the file or its `sh_entsize` is not
    /// the entry size of its type.
    #[inline]
    pub fn relocation_table(&self, section: &Section<'a>) -> Result<Option<RelocationTable<'a>>> {
        let h = section.header();
        let enc = self.encoding();
        let check = |want: usize| section.check_entry_size(want as u64);
        let layout = self.info_layout();
        Ok(Some(match h.sh_type {
            SHT_REL => {
                check(Table::<Rel>::entry_size(enc))?;
                RelocationTable::Fixed(FixedRelocations::rel(
                    Table::new(enc, section.data()?),
                    layout,
                ))
            }
            SHT_RELA => {
                check(Table::<Rela>::entry_size(enc))?;
                RelocationTable::Fixed(FixedRelocations::rela(
                    Table::new(enc, section.data()?),
                    layout,
                ))
            }
            SHT_RELR => {
                check(enc.address_size())?;
                RelocationTable::Fixed(FixedRelocations::relr(Table::new(enc, section.data()?)))
            }
            SHT_CREL => RelocationTable::Crel(CrelTable::new(section.data()?, h.sh_offset)),
            _ => return Ok(None),
        }))
    }

    /// Trailing bytes of a REL, RELA or RELR section that are not a whole
    /// entry (`sh_size` not a multiple of the entry size): the table
    /// [`relocation_table`](Self::relocation_table) returns holds the whole
    /// entries before them, and this error says what was left out.
    pub fn relocation_table_error(&self, section: &Section<'a>) -> Option<Error> {
        let h = section.header();
        let enc = self.encoding();
        let entry = match h.sh_type {
            SHT_REL => Table::<Rel>::entry_size(enc),
            SHT_RELA => Table::<Rela>::entry_size(enc),
            SHT_RELR => enc.address_size(),
            _ => return None,
        } as u64;
        let size = section.data().ok()?.len() as u64;
        let extra = size.checked_rem(entry).filter(|&n| n != 0)?;
        Some({
            Error::bad_value(
                Structure::RelocationSection,
                h.sh_offset.saturating_add(size.wrapping_sub(extra)), // extra <= size
                Field::ShSizeNotMultiple,
                size,
            )
            .at_index(section.index() as u64)
        })
    }

    /// The dynamic relocation tables named by the dynamic table (`DT_RELA`,
    /// `DT_REL`, `DT_RELR`, `DT_JMPREL`), for files without section headers.
    ///
    /// # Errors
    ///
    /// Fails when the dynamic table cannot be read, or a table it names is not in
    /// the file part of a loaded segment.
    pub fn dynamic_relocations(&self) -> Result<DynamicRelocations<'a>> {
        match self.dynamic()? {
            Some(d) => self.dynamic_relocations_of(&d.info()),
            None => Ok(DynamicRelocations::default()),
        }
    }

    /// The dynamic relocation tables that `info` names.
    pub(crate) fn dynamic_relocations_of(
        &self,
        info: &super::dynamic::DynamicInfo,
    ) -> Result<DynamicRelocations<'a>> {
        let mut out = DynamicRelocations::default();
        let enc = self.encoding();
        let layout = self.info_layout();
        let table = |addr: Option<u64>, size: Option<u64>, what| -> Result<Option<&'a [u8]>> {
            match (addr, size) {
                (Some(a), Some(s)) if s > 0 => Ok(Some(self.data_at_vaddr_as(a, s, what)?)),
                _ => Ok(None),
            }
        };
        out.rela = table(info.rela, info.relasz, Structure::RelaTable)?
            .map(|b| FixedRelocations::rela(Table::new(enc, b), layout));
        out.rel = table(info.rel, info.relsz, Structure::RelTable)?
            .map(|b| FixedRelocations::rel(Table::new(enc, b), layout));
        out.relr = table(info.relr, info.relrsz, Structure::RelrTable)?
            .map(|b| FixedRelocations::relr(Table::new(enc, b)));
        out.plt = table(info.jmprel, info.pltrelsz, Structure::JmprelTable)?.map(|b| {
            if info.pltrel == Some(DT_REL as u64) {
                FixedRelocations::rel(Table::new(enc, b), layout)
            } else {
                FixedRelocations::rela(Table::new(enc, b), layout)
            }
        });
        Ok(out)
    }
}

/// The dynamic relocation tables of a file: all of fixed-size formats.
///
/// ```
/// let bytes = std::fs::read("/proc/self/exe").unwrap();
/// let file = elfin::ElfFile::parse(&bytes).unwrap();
/// let tables = file.dynamic_relocations()?;
/// let symbols = file.dynamic_symbols()?.map(|d| *d.symbols());
/// // A position-independent executable has relative relocations.
/// let rela = tables.rela.expect("a .rela.dyn");
/// assert!(rela.iter().count() > 0);
/// for r in rela.with_symbols(symbols) {
///     let r = r?;
///     let _ = (r.relocation.offset, r.name);
/// }
/// # Ok::<(), elfin::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DynamicRelocations<'a> {
    /// `DT_RELA` / `DT_RELASZ`.
    pub rela: Option<FixedRelocations<'a>>,
    /// `DT_REL` / `DT_RELSZ`.
    pub rel: Option<FixedRelocations<'a>>,
    /// `DT_RELR` / `DT_RELRSZ`.
    pub relr: Option<FixedRelocations<'a>>,
    /// `DT_JMPREL` / `DT_PLTRELSZ` (REL or RELA per `DT_PLTREL`).
    pub plt: Option<FixedRelocations<'a>>,
}
