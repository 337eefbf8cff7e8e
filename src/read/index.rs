//! Name indexes built on demand (feature `alloc`): O(1) lookup of sections
//! and of symbols in tables that have no hash table (`.symtab`).

use super::file::ElfFile;
use super::section::Section;
use super::symbol::{Symbol, SymbolTable};
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
