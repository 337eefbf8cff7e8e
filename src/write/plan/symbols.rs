//! Where each symbol goes: its `.symtab` and `.dynsym` positions, its
//! final value and its `st_shndx`.

use super::Origin;
use super::sections::{Out, header_order, synth, user_outputs};
use crate::raw::consts::*;
use crate::write::builder::{Builder, SymbolPlace, SymbolSpec};
use crate::write::error::{Error, Result, Subject};
use crate::write::layout::LoadClass;
use alloc::vec::Vec;

/// The order of a symbol table and each builder symbol's index in it.
pub(super) struct TableOrder {
    /// Builder symbol indices, in table order (entry 0 excluded).
    pub order: Vec<usize>,
    /// Each builder symbol's index in the table (0 if absent).
    pub index: Vec<u32>,
}

impl TableOrder {
    fn new(order: Vec<usize>, symbols: usize) -> TableOrder {
        let mut index = alloc::vec![0u32; symbols];
        for (k, &i) in order.iter().enumerate() {
            index[i] = k as u32 + 1;
        }
        TableOrder { order, index }
    }
}

impl Builder<'_> {
    /// `.symtab` order: locals first, as the gABI requires; also returns
    /// `sh_info`, the index of the first non-local.
    pub(super) fn symtab_order(&self) -> (TableOrder, u32) {
        let local = |i: &usize| self.symbols[*i].bind == STB_LOCAL;
        let mut order: Vec<usize> = (0..self.symbols.len()).filter(local).collect();
        let first_global = order.len() as u32 + 1;
        order.extend((0..self.symbols.len()).filter(|i| !local(i)));
        (TableOrder::new(order, self.symbols.len()), first_global)
    }

    /// Adds `.symtab_shndx` to `outs` when a symbol is defined in a section
    /// past index 0xff00. It goes right after `.symtab`, past every caller's
    /// section, so adding it moves none of the indices that decided it.
    pub(super) fn add_symtab_shndx(
        &self,
        outs: &mut Vec<Out<'_>>,
        rel: bool,
        dynsym: &TableOrder,
    ) -> Result<()> {
        let (_, header_index) = header_order(outs, rel);
        let user_out = user_outputs(outs, self.sections.len());
        let big = |s: &SymbolSpec<'_>| match s.place {
            SymbolPlace::Section(sec) => header_index[user_out[sec.0]] >= u32::from(SHN_LORESERVE),
            _ => false,
        };
        if !self.symbols.iter().any(big) {
            return Ok(());
        }
        if dynsym.order.iter().any(|&i| big(&self.symbols[i])) {
            return Err(Error::invalid(
                Subject::File,
                "dynamic symbols in sections past index 0xff00 (not supported)",
                outs.len() as u64,
            ));
        }
        let at = outs
            .iter()
            .position(|o| o.origin == Origin::Symtab)
            .map_or(outs.len(), |i| i + 1);
        let mut x = synth(
            Origin::SymtabShndx,
            b".symtab_shndx",
            SHT_SYMTAB_SHNDX,
            0,
            4,
            4,
            (self.symbols.len() as u64 + 1) * 4,
            LoadClass::NotLoaded,
        );
        x.link = Some(Origin::Symtab);
        outs.insert(at, x);
        Ok(())
    }

    /// `.dynsym` order from [`dynamic_symbol_order`](Self::dynamic_symbol_order).
    pub(super) fn dynsym_order(&self, order: Vec<usize>) -> TableOrder {
        TableOrder::new(order, self.symbols.len())
    }
}

/// A symbol's `st_shndx` given the header index of each user section
/// (`SHN_XINDEX` when the index does not fit, the real one then going to
/// `SHT_SYMTAB_SHNDX`).
pub(super) fn shndx_of(s: &SymbolSpec<'_>, header_of: impl Fn(usize) -> u32) -> u16 {
    match s.place {
        SymbolPlace::Undefined => SHN_UNDEF,
        SymbolPlace::Absolute => SHN_ABS,
        SymbolPlace::Common => SHN_COMMON,
        SymbolPlace::Raw(x) => x,
        SymbolPlace::Section(sec) => {
            let h = header_of(sec.0);
            if h >= u32::from(SHN_LORESERVE) {
                SHN_XINDEX
            } else {
                h as u16
            }
        }
    }
}
