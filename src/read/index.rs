//! Name indexes built on demand (feature `alloc`): O(1) lookup of sections
//! and of symbols in tables that have no hash table (`.symtab`), and of
//! symbol versions by versym index.

use super::file::ElfFile;
use super::section::Section;
use super::symbol::{Symbol, SymbolTable};
use super::version::{SymbolVersion, VersionInfo};
use crate::error::{Error, Result};
use crate::raw::consts::{VER_NDX_GLOBAL, VER_NDX_LOCAL, VERSYM_HIDDEN};
use hashbrown::HashMap;

/// Sections by name. Building it walks the section headers once.
#[derive(Debug, Clone)]
pub struct SectionIndex<'a> {
    file: ElfFile<'a>,
    by_name: HashMap<&'a [u8], usize>,
}

impl<'a> SectionIndex<'a> {
    /// Indexes the sections of `file` (the first of equal names wins).
    pub fn new(file: &ElfFile<'a>) -> Self {
        let mut by_name = HashMap::with_capacity(file.section_count());
        for s in file.sections() {
            if let Ok(name) = s.name() {
                by_name.entry(name).or_insert(s.index());
            }
        }
        SectionIndex {
            file: *file,
            by_name,
        }
    }

    /// The first section called `name`.
    pub fn get(&self, name: &[u8]) -> Option<Section<'a>> {
        let &i = self.by_name.get(name)?;
        self.file.section(i).ok()
    }
}

/// Symbols by name, for a symbol table without a hash table.
#[derive(Debug, Clone)]
pub struct SymbolIndex<'a> {
    table: SymbolTable<'a>,
    by_name: HashMap<&'a [u8], usize>,
}

impl<'a> SymbolIndex<'a> {
    /// Indexes `table` (the first symbol of a name wins; unnamed symbols
    /// are left out).
    pub fn new(table: &SymbolTable<'a>) -> Self {
        let mut by_name = HashMap::with_capacity(table.len());
        for (i, s) in table.iter().enumerate() {
            if let Ok(name) = table.name(&s) {
                if !name.is_empty() {
                    by_name.entry(name).or_insert(i);
                }
            }
        }
        SymbolIndex {
            table: *table,
            by_name,
        }
    }

    /// The first symbol called `name`, with its index.
    pub fn get(&self, name: &[u8]) -> Option<(usize, Symbol)> {
        let &i = self.by_name.get(name)?;
        Some((i, self.table.get(i).ok()?))
    }
}

/// Symbol versions by versym index, for asking the version of every
/// symbol: building it walks the version definitions and needs once, where
/// [`VersionInfo::symbol_version`] walks them on each call (so a loop over
/// the symbols calling it is O(symbols x definitions)).
#[derive(Debug, Clone)]
pub struct VersionIndex<'a> {
    versions: VersionInfo<'a>,
    by_index: HashMap<u16, SymbolVersion<'a>>,
    /// The error that ended the walk: the answer for an index not found
    /// before it, as [`VersionInfo::symbol_version`] would give.
    error: Option<Error>,
}

impl<'a> VersionIndex<'a> {
    /// Indexes `versions` (the first definition of an index wins, then the
    /// first need).
    pub fn new(versions: &VersionInfo<'a>) -> Self {
        let mut by_index = HashMap::new();
        let mut error = None;
        for def in versions.definitions() {
            match def {
                Ok(d) => {
                    by_index.entry(d.index).or_insert(SymbolVersion::Defined {
                        name: d.name,
                        hidden: false,
                        index: d.index,
                    });
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        if error.is_none() {
            for need in versions.needs() {
                match need {
                    Ok(n) => {
                        by_index.entry(n.index).or_insert(SymbolVersion::Needed {
                            name: n.name,
                            file: n.file,
                            hidden: false,
                            index: n.index,
                        });
                    }
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
        }
        VersionIndex {
            versions: *versions,
            by_index,
            error,
        }
    }

    /// The version of dynamic symbol `index`: the same answer as
    /// [`VersionInfo::symbol_version`], in O(1).
    ///
    /// # Errors
    ///
    /// Fails when `index` is past the version table, or its version index names no
    /// version definition or need.
    pub fn symbol_version(&self, index: usize) -> Result<SymbolVersion<'a>> {
        let Some(raw) = self.versions.versym(index) else {
            return Ok(SymbolVersion::Global);
        };
        let hidden = raw & VERSYM_HIDDEN != 0;
        let ndx = raw & !VERSYM_HIDDEN;
        match ndx {
            VER_NDX_LOCAL => return Ok(SymbolVersion::Local),
            VER_NDX_GLOBAL => return Ok(SymbolVersion::Global),
            _ => {}
        }
        match self.by_index.get(&ndx).copied() {
            Some(SymbolVersion::Defined { name, index, .. }) => Ok(SymbolVersion::Defined {
                name,
                hidden,
                index,
            }),
            Some(SymbolVersion::Needed {
                name, file, index, ..
            }) => Ok(SymbolVersion::Needed {
                name,
                file,
                hidden,
                index,
            }),
            Some(other) => Ok(other),
            None => match self.error {
                Some(e) => Err(e),
                None => Ok(SymbolVersion::Unknown(ndx)),
            },
        }
    }
}
