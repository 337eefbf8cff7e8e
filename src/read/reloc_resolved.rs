//! Relocations with their symbols: one walk gives each entry with the
//! symbol it names and that symbol's name.

use super::file::ElfFile;
use super::reloc::{CrelIter, Relocation, RelocationFormat, RelocationTable, Relocations};
use super::section::Section;
use super::symbol::{Symbol, SymbolTable};
use crate::error::Result;

/// A relocation with its symbol resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedRelocation<'a> {
    /// The entry as stored.
    pub relocation: Relocation,
    /// The symbol it names; `None` for symbol index 0 (and for RELR).
    pub symbol: Option<Symbol>,
    /// That symbol's name (empty when there is no symbol; section symbols
    /// usually have none either).
    pub name: &'a [u8],
}

/// Walks a relocation table, resolving each entry's symbol.
///
/// Each item is a `Result`: the symbol index may be past the end of the
/// symbol table, the name past the end of the string table, or (CREL) the
/// entry malformed. A bad symbol does not end the walk; a malformed CREL
/// entry does.
#[derive(Debug, Clone)]
pub struct ResolvedRelocations<'a> {
    entries: Entries<'a>,
    symbols: Option<SymbolTable<'a>>,
}

#[derive(Debug, Clone)]
enum Entries<'a> {
    Fixed(Relocations<'a>),
    Crel(CrelIter<'a>),
}

impl<'a> ResolvedRelocations<'a> {
    pub(crate) fn new(table: &RelocationTable<'a>, symbols: Option<SymbolTable<'a>>) -> Self {
        let entries = match table {
            RelocationTable::Fixed(t) => Entries::Fixed(t.iter()),
            RelocationTable::Crel(t) => Entries::Crel(t.iter()),
        };
        ResolvedRelocations { entries, symbols }
    }

    fn resolve(&self, relocation: Relocation) -> Result<ResolvedRelocation<'a>> {
        let (symbol, name) = match &self.symbols {
            Some(t) if relocation.symbol != 0 => {
                let s = t.get(relocation.symbol as usize)?;
                (Some(s), t.name(&s)?)
            }
            _ => (None, &b""[..]),
        };
        Ok(ResolvedRelocation {
            relocation,
            symbol,
            name,
        })
    }
}

impl<'a> Iterator for ResolvedRelocations<'a> {
    type Item = Result<ResolvedRelocation<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let r = match &mut self.entries {
            Entries::Fixed(i) => i.next()?,
            Entries::Crel(i) => match i.next()? {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            },
        };
        Some(self.resolve(r))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.entries {
            Entries::Fixed(i) => i.size_hint(),
            Entries::Crel(i) => i.size_hint(),
        }
    }
}

impl<'a> ElfFile<'a> {
    /// The relocations of `section` (REL, RELA, RELR or CREL), each with
    /// its symbol and name from the symbol table the section links to;
    /// `Ok(None)` for other sections.
    ///
    /// ```
    /// let bytes = std::fs::read("/proc/self/exe").unwrap();
    /// let file = elfin::ElfFile::parse(&bytes).unwrap();
    /// let mut named = 0;
    /// for section in file.sections() {
    ///     let Some(relocations) = file.section_relocations(&section)? else {
    ///         continue;
    ///     };
    ///     for r in relocations {
    ///         let r = r?;
    ///         if !r.name.is_empty() {
    ///             named += 1;
    ///         }
    ///         let _ = (r.relocation.offset, r.relocation.kind, r.symbol);
    ///     }
    /// }
    /// // A Rust test binary calls into libc through named relocations.
    /// assert!(named > 0);
    /// # Ok::<(), elfin::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When the section's entry size or bounds are wrong, or the symbol
    /// table it links to cannot be read.
    pub fn section_relocations(
        &self,
        section: &Section<'a>,
    ) -> Result<Option<ResolvedRelocations<'a>>> {
        let Some(table) = self.relocation_table(section)? else {
            return Ok(None);
        };
        let link = section.header().sh_link;
        let symbols = if link == 0 || table.format() == RelocationFormat::Relr {
            None
        } else {
            Some(self.symbol_table_of(&self.section(link as usize)?)?)
        };
        Ok(Some(table.with_symbols(symbols)))
    }
}
